import {
  parseOptions,
  type Command,
  type CommandOutput,
  partnershipOption,
  type PartnershipChoice,
} from '../../cli/command.ts'
import { parsePeriod } from '../../domain/period.ts'
import { formatCount, formatPercent, formatSignedCount, formatSignedPercent } from '../../domain/rounding.ts'
import { actorFrom } from '../reference/cli.ts'
import { isYearEnding } from '../reference/recorded-crime-table.ts'
import { crimeKpiImportFiles } from './crime-kpis.ts'
import type { HeadlineReport } from './headlines-service.ts'
import type { CountChange } from './headline-figures.ts'
import { ordinal, type RankOf, type Ranking } from './ranking.ts'
import { formatPValue, formatRate } from './snapshot-sentences.ts'
import type { CrimeServices } from '../crime-services.ts'
import type { PerformanceImportService } from '../../performance/import-service.ts'

function describeChange(c: CountChange): string {
  const percent = c.percent === null ? '' : ` (${formatSignedPercent(c.percent)})`
  const reading = c.pValue === null ? '' : `; ${c.reading} (${formatPValue(c.pValue)})`
  return `${formatCount(c.before)} → ${formatCount(c.after)}: ${formatSignedCount(c.change)}${percent}${reading}`
}

function describeRank(p: RankOf | null, r: Ranking): string {
  if (!p) return 'not ranked'
  const tie = p.tiedWith.length > 0 ? `, joint with ${p.tiedWith.join(', ')}` : ''
  return `${ordinal(p.rank)} of ${p.of}${tie} (${r.best})`
}

/** Prints a headline report for a person to read. */
export function printHeadlineReport(report: HeadlineReport, output: CommandOutput): void {
  const h = report.figures
  const lines: string[] = [
    `${h.partnership.name} (${h.partnership.code}), ${h.forceName}: ${h.measure}, ${h.yearLabel} compared with ${h.previousYearLabel}`,
    `Source: ${h.source}`,
    '',
    `  Change:            ${h.change ? describeChange(h.change) : 'no figure'}`,
    `  Rate:              ${
      h.rate
        ? `${formatRate(h.rate.perThousand)} per 1,000 residents (population ${formatCount(h.rate.population.population)}: ${h.rate.population.source})`
        : 'no rate'
    }`,
    `  Share of force:    ${h.share.thisYear === null ? 'no figure' : formatPercent(h.share.thisYear)}${
      h.share.lastYear === null ? '' : ` (${formatPercent(h.share.lastYear)} the year before)`
    }; force total ${h.share.forceThisYear === null ? '–' : formatCount(h.share.forceThisYear)}: ${h.share.basis}`,
    `  Rank by rate:      ${describeRank(h.positionByRate, h.rankByRate)}`,
    `  Rank by change:    ${describeRank(h.positionByChange, h.rankByChange)}`,
  ]
  if (h.peerGroup) {
    lines.push(
      `  Most similar group "${h.peerGroup.name}" (${h.peerGroup.source}, ${h.peerGroup.asOf}): ${describeRank(
        h.peerGroup.position,
        h.peerGroup.ranking,
      )} by rate`,
    )
  }
  if (report.quarters.length > 0) {
    lines.push('', 'Quarters, against the same quarter the year before:')
    for (const q of report.quarters) {
      lines.push(
        `  ${q.quarter.label.padEnd(11)} ${
          q.change ? describeChange(q.change) : `no figure (not loaded: ${q.missingMonths.join(', ')})`
        }`,
      )
    }
  }
  lines.push('', `Partnerships of ${h.forceName} by ${h.rankByRate.measure} (${h.rankByRate.best}):`)
  for (const a of h.rankByRate.areas)
    lines.push(`  ${String(a.rank).padStart(2)}. ${a.name.padEnd(36)} ${formatRate(a.value)}`)
  if (h.rankByRate.areas.length === 0) lines.push('  (none can be ranked: see the notes)')
  if (report.breakdown.length > 0) {
    lines.push('', 'By offence:')
    for (const b of report.breakdown) lines.push(`  ${b.measure.padEnd(50)} ${describeChange(b.change)}`)
  }
  lines.push('', 'Snapshot of performance:')
  lines.push(
    ...(report.sentences.length > 0 ? report.sentences.map((s) => `  • ${s}`) : ['  (no sentences: see the notes)']),
  )
  if (report.notes.length > 0) lines.push('', 'Notes:', ...report.notes.map((n) => `  ${n}`))
  output.out(lines.join('\n'))
}

/** `saferhub crime headlines --partnership X --year 2020/21`. */
export const headlinesCommand: Command<CrimeServices> = {
  name: 'crime headlines',
  summary: 'Headline figures and "Snapshot of performance" sentences for a partnership and year',
  usage: [
    'Usage: saferhub crime headlines --partnership NAME|CODE (--year 2020/21 | --year-ending YYYY-MM | --ons)',
    '                                [--source extract] [--peer-group NAME] [--json]',
    '',
    '  --year 2020/21        a financial year, from the data.police.uk counts (with its quarters)',
    '  --year-ending 2024-12 a year of the ONS police force area tables; --ons for the latest stored',
    '  --source extract      use the third-party CSV extract instead of the ONS workbook',
    '  --peer-group NAME     rank within this most similar group (default: the most recent)',
    '  --json                print the figures as JSON',
  ].join('\n'),
  async run(args, services, output) {
    const { options } = parseOptions(args)
    const name = options.get('partnership')
    if (typeof name !== 'string') {
      output.err(`--partnership is required.\n\n${this.usage}`)
      return 2
    }
    const service = services.crimeComparisons.headlines
    const partnership = service.findPartnership(name)
    const peerGroup = options.get('peer-group')
    const common = typeof peerGroup === 'string' ? { peerGroupName: peerGroup } : {}
    const year = options.get('year')
    const yearEnding = options.get('year-ending')
    let report: HeadlineReport
    if (typeof year === 'string') {
      const p = parsePeriod(year)
      if (!p || p.kind !== 'year') {
        output.err(`--year needs a financial year such as 2020/21, not "${year}"`)
        return 2
      }
      report = await service.financialYear(partnership.code, p.financialYear, common)
    } else if (typeof yearEnding === 'string' || options.get('ons') === true) {
      if (typeof yearEnding === 'string' && !isYearEnding(yearEnding)) {
        output.err('--year-ending needs a month written YYYY-MM, e.g. 2024-12')
        return 2
      }
      const source = options.get('source')
      if (source !== undefined && source !== 'extract' && source !== 'ons') {
        output.err('--source is "ons" (the workbook, default) or "extract"')
        return 2
      }
      report = await service.onsYear(partnership.code, {
        ...common,
        ...(typeof yearEnding === 'string' ? { yearEnding } : {}),
        dataset: source === 'extract' ? 'third-party-extract' : 'ons-pfa-tables',
      })
    } else {
      output.err(`Give --year (police.uk, financial year) or --year-ending / --ons (ONS tables).\n\n${this.usage}`)
      return 2
    }
    if (options.get('json') === true) output.out(JSON.stringify(report, null, 2))
    else printHeadlineReport(report, output)
    return 0
  },
}

/** `crime kpi --import` writes through the performance framework's import, as `saferhub import` does. */
export type CrimeKpiCommandServices = CrimeServices &
  PartnershipChoice<{
    readonly performance: { readonly importFiles: PerformanceImportService['importPerformanceFiles'] }
  }>

/** `saferhub crime kpi --partnership X --crime-type Robbery --years 2020/21,2021/22 [--import]`. */
export const crimeKpiCommand: Command<CrimeKpiCommandServices> = {
  name: 'crime kpi',
  summary: 'Turn a police.uk crime type into a quarterly KPI of the performance framework',
  usage: [
    'Usage: saferhub crime kpi --partnership NAME|CODE --crime-type TYPE --years 2020/21[,2021/22…]',
    '                          [--hidden-harm] [--import [--framework PARTNERSHIP]] [--actor NAME]',
    '',
    'TYPE is a data.police.uk crime type ("Robbery", "Violence and sexual offences"), "Total recorded crime"',
    'or "Theft offences". Prints the quarterly values; with --import, stores the KPI and its values through the',
    "performance framework's import (validated, all or nothing, audited) so it appears in the report.",
  ].join('\n'),
  async run(args, services, output) {
    const { options } = parseOptions(args)
    const name = options.get('partnership')
    const crimeType = options.get('crime-type')
    const years = options.get('years')
    if (typeof name !== 'string' || typeof crimeType !== 'string' || typeof years !== 'string') {
      output.err(`--partnership, --crime-type and --years are required.\n\n${this.usage}`)
      return 2
    }
    const financialYears: number[] = []
    for (const y of years.split(',')) {
      const p = parsePeriod(y.trim())
      if (!p || p.kind !== 'year') {
        output.err(`--years needs financial years such as 2020/21, not "${y}"`)
        return 2
      }
      financialYears.push(p.financialYear)
    }
    const service = services.crimeComparisons.headlines
    const partnership = service.findPartnership(name)
    const { indicator, values } = await service.crimeKpi(partnership.code, crimeType, financialYears, {
      hiddenHarm: options.get('hidden-harm') === true,
    })
    output.out(
      `${indicator.name} — ${indicator.id} (${indicator.preferredDirection === 'increase' ? 'to increase' : 'to reduce'})`,
    )
    for (const v of values) {
      output.out(
        `  ${v.period.padEnd(14)} ${v.status === 'reported' ? formatCount(v.value as number) : `${v.status}: ${v.reason}`}`,
      )
    }
    if (options.get('import') !== true) {
      output.out('Not imported: run again with --import to add it to the performance framework.')
      return 0
    }
    // `--partnership` names the ONS partnership whose crime is counted; `--framework` the saferhub partnership whose
    // performance framework receives the KPI (default: the instance's only one).
    const framework = await partnershipOption(
      services,
      new Map(options.has('framework') ? [['partnership', options.get('framework') as string | true]] : []),
      output,
    )
    if (!framework) return 2
    const result = await framework.performance.importFiles(crimeKpiImportFiles(indicator, values), actorFrom(options))
    if (result.outcome === 'rejected') {
      for (const p of result.problems) output.err(`${p.file}:${p.row}:${p.column}: ${p.reason}`)
      output.err('Nothing was imported.')
      return 1
    }
    output.out(`Imported (import ${result.importId}): ${result.rowsAccepted} rows.`)
    return 0
  },
}
