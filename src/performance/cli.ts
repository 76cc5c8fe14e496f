import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import {
  defaultCommandActor,
  parseOptions,
  type Command,
  type CommandOutput,
  partnershipOption,
  type PartnershipChoice,
} from '../cli/command.ts'
import type { ImportFile } from './import/read-performance-import.ts'
import type { ImportResult, PerformanceImportService } from './import-service.ts'
import { formatProblem } from './import/import-problem.ts'
import { loadDemoData } from './demo.ts'

/** What the performance framework's commands use of the application's services. */
/** The commands work in one partnership's framework (`--partnership`, or the instance's only one). */
export type PerformanceCommandServices = PartnershipChoice<{
  readonly performance: {
    readonly importService: PerformanceImportService
    readonly importFiles: PerformanceImportService['importPerformanceFiles']
  }
}>

/** Larger files are refused before they are read: a quarter's returns are a few kilobytes. */
const MAX_FILE_BYTES = 20 * 1024 * 1024

/**
 * Prints the outcome; returns the exit code. `shownNames` maps the names the importer saw (file names) back to
 * the paths typed on the command line, so every problem names the file as the user knows it.
 */
function report(result: ImportResult, output: CommandOutput, shownNames: ReadonlyMap<string, string>): number {
  if (result.outcome === 'rejected') {
    for (const problem of result.problems) {
      output.err(formatProblem({ ...problem, file: shownNames.get(problem.file) ?? problem.file }))
    }
    const problems = result.problems.length
    output.err(
      `Nothing was written: ${problems} problem${problems === 1 ? '' : 's'} in ${result.rowsWithProblems} ` +
        `row${result.rowsWithProblems === 1 ? '' : 's'} (${result.rowsRead} rows read, 0 accepted, ` +
        `${result.rowsRejected} rejected).`,
    )
    return 1
  }
  const line = (what: string, c: { added: number; changed: number; unchanged: number }) =>
    `  ${what.padEnd(11)} ${c.added} added, ${c.changed} changed, ${c.unchanged} unchanged`
  output.out(
    [
      `Import ${result.importId} applied: ${result.rowsRead} rows read, ${result.rowsAccepted} accepted, ` +
        `${result.rowsRejected} rejected.`,
      line('indicators', result.summary.indicators),
      line('baselines', result.summary.baselines),
      line('values', result.summary.values),
      `  ${result.auditEvents} audit event${result.auditEvents === 1 ? '' : 's'} written.`,
    ].join('\n'),
  )
  return 0
}

async function readImportFile(filePath: string): Promise<ImportFile> {
  let size: number
  try {
    const info = await stat(filePath)
    if (!info.isFile()) throw new Error(`${filePath}: not a file`)
    size = info.size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${filePath}: no such file`, { cause: error })
    }
    throw error
  }
  if (size > MAX_FILE_BYTES) {
    throw new Error(`${filePath}: ${size} bytes is more than the ${MAX_FILE_BYTES / 1024 / 1024} MB an import may be`)
  }
  return { name: path.basename(filePath), content: await readFile(filePath) }
}

/** `saferhub import <files...>`: KPI definitions, baselines and values from CSV or XLSX. */
export const importCommand: Command<PerformanceCommandServices> = {
  name: 'import',
  summary: 'Import KPI definitions, baselines and values from CSV or XLSX files (all or nothing)',
  usage: [
    'Usage: saferhub import <file>... [--partnership CODE|NAME] [--actor <name>]',
    '',
    'A CSV file holds one table (indicators, baselines or values), told apart by its header; a workbook',
    'holds them as sheets named Indicators, Baselines and Values. See docs/import-formats.md.',
    'Every problem is printed as "file, row N, column C: reason", and then nothing is written (exit code 1).',
    'Otherwise everything is written in one transaction, each change with an audit event, and a',
    'summary is printed. Importing the same files again changes nothing.',
    '',
    '  --actor <name>   who is importing, for the audit trail (default: cli:<your user name>)',
  ].join('\n'),
  async run(args, services, output) {
    const { options, positional } = parseOptions(args)
    if (positional.length === 0) {
      output.err('Name at least one file to import.\n\n' + this.usage)
      return 2
    }
    const actor = options.get('actor')
    if (actor === true) {
      output.err('--actor needs a name')
      return 2
    }
    const files = await Promise.all(positional.map(readImportFile))
    const names = new Set(files.map((f) => f.name))
    if (names.size !== files.length) {
      output.err('Two of the files have the same name; import them one at a time.')
      return 2
    }
    const shownNames = new Map(files.map((file, i) => [file.name, positional[i] as string]))
    const partnership = await partnershipOption(services, options, output)
    if (!partnership) return 2
    const result = await partnership.performance.importFiles(files, actor ?? defaultCommandActor())
    return report(result, output, shownNames)
  },
}

/** `saferhub demo load`: the seed report's performance framework, as on a first start. */
export const demoLoadCommand: Command<PerformanceCommandServices> = {
  name: 'demo load',
  summary: 'Load the demo performance framework (the seed report, 2017/18); loading it again changes nothing',
  usage: [
    'Usage: saferhub demo load [--partnership CODE|NAME] [--xlsx]',
    '',
    'Imports demo/performance-framework/{indicators,baselines,values}.csv as the actor "demo-data".',
    '',
    '  --xlsx   use the .xlsx versions of the demo files instead',
  ].join('\n'),
  async run(args, services, output) {
    const { options } = parseOptions(args)
    const partnership = await partnershipOption(services, options, output)
    if (!partnership) return 2
    const result = await loadDemoData(partnership.performance.importService, options.has('xlsx') ? 'xlsx' : 'csv')
    return report(result, output, new Map())
  },
}
