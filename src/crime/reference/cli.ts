import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import {
  defaultCommandActor,
  oneFileArgument,
  parseOptions,
  type Command,
  type CommandOutput,
} from '../../cli/command.ts'
import { readAliasFile } from './read-csv-extract.ts'
import type { ImportFile } from './read-ons-tables.ts'
import { formatTableProblem, isYearEnding } from './recorded-crime-table.ts'
import type { ReferenceImportResult } from './reference-service.ts'
import type { CrimeServices } from '../crime-services.ts'

/** The ONS workbooks are under 1 MB; anything much larger is not one of them. */
const MAX_FILE_BYTES = 50 * 1024 * 1024

/** Who is importing, for the import record: `--actor`, else `cli:<user name>`. */
export function actorFrom(options: Map<string, string | true>): string {
  const actor = options.get('actor')
  if (typeof actor === 'string' && actor.trim() !== '') return actor.trim()
  return defaultCommandActor()
}

/** Reads a file named on the command line, refusing what is not a regular file or is too large. */
export async function readCommandFile(filePath: string): Promise<ImportFile> {
  let size: number
  try {
    const info = await stat(filePath)
    if (!info.isFile()) throw new Error(`${filePath}: not a file`)
    size = info.size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${filePath}: no such file`, { cause: error })
    throw error
  }
  if (size > MAX_FILE_BYTES) throw new Error(`${filePath}: ${size} bytes is more than the 50 MB allowed`)
  return { name: path.basename(filePath), content: await readFile(filePath) }
}

/** Prints an import's outcome; returns the exit code. */
export function reportReferenceImport(result: ReferenceImportResult, output: CommandOutput): number {
  if (result.outcome === 'rejected') {
    for (const p of result.problems) output.err(formatTableProblem(p))
    if (result.unmatched.length > 0) {
      output.err(
        `\n${result.unmatched.length} name(s) could not be matched to an ONS partnership. Correct the file, or give ` +
          'an alias file (--aliases FILE, lines "name,code" with an ONS code or FORCE-LEVEL):',
      )
      for (const u of result.unmatched) output.err(`  row ${u.row}: "${u.name}" (${u.force})`)
    }
    for (const n of result.notes) output.err(`note: ${formatTableProblem(n)}`)
    output.err(`Nothing was written: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}.`)
    return 1
  }
  output.out(`Import ${result.importId} stored:`)
  for (const line of result.summary) output.out(`  ${line}`)
  if (result.notes.length > 0) {
    output.out(`Notes (${result.notes.length}):`)
    for (const n of result.notes) output.out(`  ${formatTableProblem(n)}`)
  }
  return 0
}

/** `saferhub crime import-ons-tables FILE`. */
export const importOnsTablesCommand: Command<CrimeServices> = {
  name: 'crime import-ons-tables',
  summary: 'Import police recorded crime by partnership: the ONS police force area tables (C2–C5) or a CSV extract',
  usage: [
    'Usage: saferhub crime import-ons-tables FILE [--aliases FILE] [--year-ending YYYY-MM] [--actor NAME]',
    '',
    'FILE is the ONS "Police force area data tables" workbook (.xlsx; tables C2–C5 give this year and last),',
    'or a CSV extract of table C2 with partnership and force names but no codes. Names are matched to the ONS',
    'partnership lookup; any name left unmatched is listed and nothing is written.',
    '',
    '  --aliases FILE        CSV lines "name,code": an ONS partnership code, or FORCE-LEVEL for an area counted',
    '                        only at force level (as airports are)',
    '  --year-ending YYYY-MM for a CSV extract whose file name does not say its year ("YE_Dec2024")',
    '  --actor NAME          who is importing (default: cli:<your user name>)',
  ].join('\n'),
  async run(args, services, output) {
    const { options, positional } = parseOptions(args)
    const filePath = oneFileArgument(positional, this.usage, output)
    if (filePath === null) return 2
    let aliases: Map<string, string> | undefined
    const aliasPath = options.get('aliases')
    if (aliasPath !== undefined) {
      if (aliasPath === true) {
        output.err('--aliases needs a file')
        return 2
      }
      const read = readAliasFile(await readCommandFile(aliasPath))
      if (read.problems.length > 0) {
        for (const p of read.problems) output.err(formatTableProblem(p))
        return 1
      }
      aliases = read.aliases
    }
    const yearEnding = options.get('year-ending')
    if (yearEnding !== undefined && (yearEnding === true || !isYearEnding(yearEnding))) {
      output.err('--year-ending needs a month written YYYY-MM, e.g. 2024-12')
      return 2
    }
    const file = await readCommandFile(filePath)
    const result = await services.crimeComparisons.reference.importRecordedCrime(file, actorFrom(options), {
      ...(aliases ? { aliases } : {}),
      ...(typeof yearEnding === 'string' ? { yearEnding } : {}),
    })
    return reportReferenceImport(result, output)
  },
}

/** `saferhub crime import-population FILE`. */
export const importPopulationCommand: Command<CrimeServices> = {
  name: 'crime import-population',
  summary: 'Import ONS mid-year population estimates by district (for rates per 1,000 residents)',
  usage: [
    'Usage: saferhub crime import-population FILE [--actor NAME]',
    '',
    'FILE is the ONS mid-year population estimates workbook for local authority districts',
    '(e.g. LAD23_Mid_Year_pop_2011_to_2023.xlsx): sheet MYE4 (population), and MYE5 (area) and MYE6',
    "(median age) when present. A partnership's population is the sum of its districts'.",
  ].join('\n'),
  async run(args, services, output) {
    const { options, positional } = parseOptions(args)
    const filePath = oneFileArgument(positional, this.usage, output)
    if (filePath === null) return 2
    const result = await services.crimeComparisons.reference.importPopulation(
      await readCommandFile(filePath),
      actorFrom(options),
    )
    return reportReferenceImport(result, output)
  },
}
