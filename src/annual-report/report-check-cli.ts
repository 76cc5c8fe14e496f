import fs from 'node:fs/promises'
import { parseOptions, partnershipOption, type Command, type PartnershipChoice } from '../cli/command.ts'
import { parsePeriod } from '../domain/period.ts'
import { parseReportYear } from '../reports/performance-report-service.ts'
import type { Figure } from './figures.ts'
import { checkNumbers, findingLine, type Outcome } from './number-check.ts'
import { readReportText } from './number-check-input.ts'

/** What `report check` uses of the partnership's services: the year's figures. */
export type ReportCheckServices = PartnershipChoice<{
  readonly figureCatalogue: (year: string) => Promise<readonly Figure[]>
}>

const OUTCOME_WORDS: Readonly<Record<Outcome, string>> = {
  'from-data': 'from data',
  agrees: 'agree with a figure in saferhub',
  contradicts: 'contradict the data',
  unsourced: 'unsourced',
  acknowledged: 'acknowledged as facts saferhub does not hold',
}

/**
 * `saferhub report check FILE --year 2017/18`: every number in a text (plain text, Markdown or a Word document)
 * checked against the partnership's figures for the year (src/annual-report/number-check.ts). Prints each finding
 * with its line; exits 1 when any number contradicts the data, so a script or CI can stop on it.
 */
export const reportCheckCommand: Command<ReportCheckServices> = {
  name: 'report check',
  summary: 'Check every number in a report (text, Markdown or DOCX) against the data',
  usage: [
    'Usage: saferhub report check FILE --year 2017/18 [--partnership CODE|NAME] [--acknowledged FILE]',
    '',
    '  FILE            the text to check: .txt, .md or .docx',
    '  --year          the financial year the text reports on (2017/18, 2017-18 or FY2017-18)',
    '  --acknowledged  a file of numbers the authors hold as facts saferhub does not, one a line with the words',
    '                  around it, e.g. "217 Twitter followers"',
    '',
    'Prints every number found, with its line: from data, agrees (with the figure to bind), contradicts (with the',
    "data's figure, period and source), unsourced. Exit status 1 when any number contradicts the data.",
    '',
    'Example: saferhub report check demo/annual-report/seed-narrative-2017-18.txt --year 2017/18',
  ].join('\n'),
  async run(args, services, output) {
    const { options, positional } = parseOptions(args)
    const unknown = [...options.keys()].filter((k) => !['year', 'partnership', 'acknowledged'].includes(k))
    if (unknown.length > 0 || positional.length !== 1) {
      output.err(
        `${positional.length !== 1 ? 'Give one file.' : `Unexpected option: --${unknown[0]}`}\n\n${this.usage}`,
      )
      return 2
    }
    const yearText = options.get('year')
    const year = typeof yearText === 'string' ? parseReportYear(yearText) : null
    if (year === null) {
      output.err('Give the year the text reports on: --year 2017/18')
      return 2
    }
    const file = positional[0] as string
    let content: Buffer
    try {
      content = await fs.readFile(file)
    } catch (error) {
      output.err(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
      return 2
    }
    const read = await readReportText(file, content)
    if (!read.ok) {
      output.err(`${file}: ${read.message}`)
      return 2
    }
    let acknowledged: string[] = []
    const acknowledgedFile = options.get('acknowledged')
    if (acknowledgedFile !== undefined) {
      if (acknowledgedFile === true) {
        output.err('--acknowledged needs a file')
        return 2
      }
      try {
        acknowledged = (await fs.readFile(acknowledgedFile, 'utf8'))
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter((l) => l !== '' && !l.startsWith('#'))
      } catch (error) {
        output.err(
          `Cannot read ${acknowledgedFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        )
        return 2
      }
    }
    const partnership = await partnershipOption(services, options, output)
    if (!partnership) return 2
    const figures = await partnership.figureCatalogue(year)
    const yearLabel = parsePeriod(year)?.label ?? year
    if (figures.length === 0) {
      output.err(`saferhub holds no figures for ${yearLabel}: every number would be unsourced. Import the year first.`)
      return 2
    }
    const result = checkNumbers(read.text, figures, { acknowledged })
    for (const finding of result.findings) output.out(`${findingLine(finding)}\n`)
    const summary = (Object.keys(OUTCOME_WORDS) as Outcome[])
      .filter((o) => result.counts[o] > 0)
      .map((o) => `${result.counts[o]} ${OUTCOME_WORDS[o]}`)
    output.out(
      `\n${result.findings.length} numbers checked against ${figures.length} figures for ${yearLabel}` +
        `${summary.length > 0 ? `: ${summary.join(', ')}` : ''}.\n`,
    )
    return result.counts.contradicts > 0 ? 1 : 0
  },
}
