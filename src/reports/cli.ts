import fs from 'node:fs'
import { parseOptions, type Command, partnershipOption, type PartnershipChoice } from '../cli/command.ts'
import { period } from '../domain/period.ts'
import { createNunjucksEnvironment } from '../shared/web/nunjucks-setup.ts'
import { performanceReportCsv } from './csv.ts'
import { performanceReportStandaloneHtml } from './html.ts'
import { performanceReportJson } from './json.ts'
import { parseReportYear, type PerformanceReportService } from './performance-report-service.ts'
import { performanceReportXlsx } from './xlsx.ts'

const FORMATS = ['html', 'csv', 'summary-csv', 'xlsx', 'json'] as const
type Format = (typeof FORMATS)[number]

/** What the `report` command uses of the application's services. */
/** The report of one partnership (`--partnership`, or the instance's only one). */
export type ReportCommandServices = PartnershipChoice<{
  readonly reports: { readonly performance: PerformanceReportService }
}>

/** `saferhub report`: the performance report regenerated from the database, as a file or on stdout. */
export const reportCommand: Command<ReportCommandServices> = {
  name: 'report',
  summary: 'Write the performance report for a year as HTML, CSV, XLSX or JSON',
  usage: [
    'Usage: saferhub report [--partnership CODE|NAME] [--year 2017/18] [--format html|csv|summary-csv|xlsx|json] [--out FILE]',
    '',
    '  --year     the financial year (2017/18, 2017-18 or FY2017-18); default: the latest year with figures',
    '  --format   html         one self-contained page (styles inlined, no scripts), to read offline or print (default)',
    '             csv          one row per KPI per period (UTF-8 with BOM, for Excel)',
    '             summary-csv  one row per KPI: outturn, baseline, change, outcome, significance, trend, commentary',
    '             xlsx         an Excel workbook: Summary, Values and Notes sheets (needs --out)',
    '             json         the report model',
    '  --out      the file to write; default: standard output (text formats only)',
    '',
    'Example: saferhub import indicators.csv baselines.csv values.csv && saferhub report --year 2017/18 --format xlsx --out report.xlsx',
  ].join('\n'),
  async run(args, services, output) {
    const { options, positional } = parseOptions(args)
    const unknown = [...options.keys()].filter((k) => !['year', 'format', 'out', 'partnership'].includes(k))
    if (unknown.length > 0 || positional.length > 0) {
      output.err(`Unexpected argument: ${[...unknown.map((k) => `--${k}`), ...positional].join(' ')}\n\n${this.usage}`)
      return 2
    }
    const formatOption = options.get('format') ?? 'html'
    if (typeof formatOption !== 'string' || !(FORMATS as readonly string[]).includes(formatOption)) {
      output.err(`--format must be one of ${FORMATS.join(', ')}`)
      return 2
    }
    const format = formatOption as Format
    const out = options.get('out')
    if (out === true) {
      output.err('--out needs a file name')
      return 2
    }
    if (format === 'xlsx' && out === undefined) {
      output.err('An XLSX workbook is binary: give a file with --out, e.g. --out report.xlsx')
      return 2
    }

    const partnership = await partnershipOption(services, options, output)
    if (!partnership) return 2
    const reports = partnership.reports.performance
    const yearOption = options.get('year')
    let year: string | null
    if (yearOption === undefined) {
      year = await reports.latestYear()
      if (year === null) {
        output.err('There are no performance figures in the database yet: load them with `saferhub import` first.')
        return 1
      }
    } else {
      year = typeof yearOption === 'string' ? parseReportYear(yearOption) : null
      if (year === null) {
        output.err(`--year must be a financial year such as 2017/18, not "${String(yearOption)}"`)
        return 2
      }
    }
    const report = await reports.report(year)
    if (report === null) {
      const years = (await reports.yearsWithFigures()).map((y) => period(y).label)
      output.err(
        `There are no figures for ${period(year).label}. ${years.length ? `Years with figures: ${years.join(', ')}.` : 'Load them with `saferhub import` first.'}`,
      )
      return 1
    }

    let body: string | Buffer
    switch (format) {
      case 'html':
        body = performanceReportStandaloneHtml(createNunjucksEnvironment(), report)
        break
      case 'csv':
        body = performanceReportCsv(report)
        break
      case 'summary-csv':
        body = performanceReportCsv(report, 'summary')
        break
      case 'xlsx':
        body = await performanceReportXlsx(report)
        break
      case 'json':
        body = performanceReportJson(report)
        break
    }
    if (out === undefined) {
      output.out(body as string) // only text formats get here: xlsx needs --out
      return 0
    }
    // Write beside the target, then rename: a reader never sees half a file, and a failure leaves no partial one.
    const temporary = `${out}.${process.pid}.tmp`
    try {
      fs.writeFileSync(temporary, body)
      fs.renameSync(temporary, out)
    } catch (error) {
      fs.rmSync(temporary, { force: true })
      output.err(`Could not write ${out}: ${error instanceof Error ? error.message : String(error)}`)
      return 1
    }
    output.err(`Wrote the ${report.yearLabel} performance report (${format}) to ${out}`)
    return 0
  },
}
