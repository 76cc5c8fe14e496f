import { readFile, stat, writeFile } from 'node:fs/promises'
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
import { importTemplateWorkbook } from './template-workbook.ts'
import { describeHoldings, type IndicatorRemoval } from './indicator-removal.ts'

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

/** What the demo commands use: the demo partnership, made and removed whole (src/composition-root.ts). */
export type DemoCommandServices = PerformanceCommandServices & {
  readonly demo: {
    create(): Promise<{ readonly partnership: { readonly name: string }; readonly loaded: ImportResult | null }>
    remove(
      actor: string,
      options: { readonly deleteOwnWork?: boolean },
    ): Promise<
      | { readonly outcome: 'none' }
      | { readonly outcome: 'refused'; readonly notFromTheDemo: readonly string[] }
      | {
          readonly outcome: 'removed'
          readonly partnership: { readonly name: string }
          readonly rows: Readonly<Record<string, number>>
          readonly people: readonly string[]
          readonly agencies: readonly string[]
        }
    >
  }
}

/** `saferhub demo load`: the seed report's performance framework, in the demo partnership of its own. */
export const demoLoadCommand: Command<DemoCommandServices> = {
  name: 'demo load',
  summary: 'Load the demo partnership (the seed report, 2017/18) beside yours; loading it again changes nothing',
  usage: [
    'Usage: saferhub demo load [--partnership CODE|NAME] [--xlsx]',
    '',
    'Makes the demo partnership (Safer Wolverhampton Partnership, at /p/wolverhampton/) with its eight West',
    'Midlands agencies and demo accounts, and imports demo/performance-framework/ into it as the actor',
    '"demo-data". `saferhub demo remove` takes it all away again.',
    '',
    '  --partnership P   load the demo framework into partnership P instead (its KPIs would sit beside yours)',
    '  --xlsx            use the .xlsx versions of the demo files instead',
  ].join('\n'),
  async run(args, services, output) {
    const { options } = parseOptions(args)
    if (!options.has('partnership') && !options.has('xlsx')) {
      const { partnership, loaded } = await services.demo.create()
      if (loaded === null) {
        output.out(`${partnership.name} has its framework already: nothing was imported.`)
        return 0
      }
      output.err(`The demo partnership: ${partnership.name}.`)
      return report(loaded, output, new Map())
    }
    const partnership = await partnershipOption(services, options, output)
    if (!partnership) return 2
    const result = await loadDemoData(partnership.performance.importService, options.has('xlsx') ? 'xlsx' : 'csv')
    return report(result, output, new Map())
  },
}

/** `saferhub demo remove`: the demo partnership and all it owns, refused while it holds anyone's own work. */
export const demoRemoveCommand: Command<DemoCommandServices> = {
  name: 'demo remove',
  summary: 'Remove the demo partnership with its KPIs, figures, agencies and accounts (audited)',
  usage: [
    'Usage: saferhub demo remove [--delete-own-work] [--actor NAME]',
    '',
    'Removes the demo partnership (/p/wolverhampton/) and everything it owns in one audited step: its KPIs,',
    'figures, imports, returns and publications, its demo accounts, and the eight West Midlands agencies',
    'when no other partnership uses them. Your own partnerships are not touched.',
    'Refused, naming them, while the demo partnership holds anything the demo loader did not write (figures',
    'imported into it by someone, returns, approvals), unless --delete-own-work says to delete those too.',
  ].join('\n'),
  async run(args, services, output) {
    const { options, positional } = parseOptions(args)
    const unknown = [...options.keys()].filter((k) => !['delete-own-work', 'actor'].includes(k))
    if (unknown.length > 0 || positional.length > 0) {
      output.err(`Unexpected argument: ${[...unknown.map((k) => `--${k}`), ...positional].join(' ')}\n\n${this.usage}`)
      return 2
    }
    const actor = options.get('actor')
    const result = await services.demo.remove(typeof actor === 'string' ? actor : defaultCommandActor(), {
      deleteOwnWork: options.get('delete-own-work') === true,
    })
    if (result.outcome === 'none') {
      output.out('There is no demo partnership: nothing to remove.')
      return 0
    }
    if (result.outcome === 'refused') {
      output.err('The demo partnership holds work that did not come from the demo loader:')
      for (const line of result.notFromTheDemo) output.err(`  ${line}`)
      output.err(
        'Nothing was removed. Move that work to your own partnership first, or run ' +
          '`saferhub demo remove --delete-own-work` to delete it with the demo.',
      )
      return 1
    }
    const rows = result.rows
    output.out(
      [
        `Removed ${result.partnership.name} (the demo partnership):`,
        `  ${rows.indicators ?? 0} KPIs, ${rows.baselines ?? 0} baselines, ${rows.indicator_values ?? 0} figures, ` +
          `${rows.imports ?? 0} imports, ${rows.agency_returns ?? 0} returns, ${rows.report_approvals ?? 0} approvals`,
        `  ${result.people.length} demo accounts deleted; ${result.agencies.length} agencies deleted` +
          (result.agencies.length > 0 ? ` (${result.agencies.join(', ')})` : ''),
        'Every deletion is in the audit trail.',
      ].join('\n'),
    )
    return 0
  },
}

/** `saferhub template [file]`: the workbook to fill in with a partnership's KPIs, baselines and figures. */
export const templateCommand: Command<unknown> = {
  name: 'template',
  summary: 'Write the import template workbook (.xlsx) to fill in with your KPIs, baselines and figures',
  usage: [
    'Usage: saferhub template [FILE]',
    '',
    'Writes an Excel workbook with the sheets the importer reads (Indicators, Baselines, Values), an',
    'Instructions sheet with examples in the current financial year, and drop-downs for every choice.',
    'Fill it in and import it: saferhub import FILE. Default FILE: saferhub-import-template.xlsx.',
    'An existing file is never overwritten.',
  ].join('\n'),
  async run(args, _services, output) {
    const { options, positional } = parseOptions(args)
    if (options.size > 0 || positional.length > 1) {
      output.err(`Give at most one file.\n\n${this.usage}`)
      return 2
    }
    const file = positional[0] ?? 'saferhub-import-template.xlsx'
    const bytes = await importTemplateWorkbook({ now: new Date() })
    try {
      // 'wx': refuse a file that exists rather than replace someone's filled-in workbook.
      await writeFile(file, bytes, { flag: 'wx' })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      output.err(
        code === 'EEXIST'
          ? `${file} exists already: give another name (it was not overwritten).`
          : `Could not write ${file}: ${(error as Error).message}`,
      )
      return 1
    }
    output.out(`Wrote ${file}. Fill in its Indicators, Baselines and Values sheets, then: saferhub import ${file}`)
    return 0
  },
}

/** What `saferhub kpis remove` uses: the partnership's KPI removal. */
export type KpiRemovalServices = PartnershipChoice<{
  readonly performance: {
    removeIndicator(actor: string, id: string, options: { readonly deleteHoldings: boolean }): Promise<IndicatorRemoval>
  }
}>

/** `saferhub kpis remove ID`: a KPI out of the framework; refused while it holds figures unless told to delete them. */
export const kpiRemoveCommand: Command<KpiRemovalServices> = {
  name: 'kpis remove',
  summary: 'Remove a KPI from the framework (refused while it holds figures, unless --delete-figures)',
  usage: [
    'Usage: saferhub kpis remove ID [--partnership P] [--delete-figures] [--actor NAME]',
    '',
    'Removes the KPI with this id. When it holds figures, baselines, items of quarterly returns or commentary',
    'reviews, nothing is removed and they are counted; --delete-figures deletes them with it. Every deleted record',
    'is in the audit trail with what it held. Figures in a signed-off quarter are never deleted.',
  ].join('\n'),
  async run(args, services, output) {
    const { options, positional } = parseOptions(args)
    const unknown = [...options.keys()].filter((k) => !['partnership', 'delete-figures', 'actor'].includes(k))
    if (positional.length !== 1 || unknown.length > 0) {
      output.err(`Give one KPI id.\n\n${this.usage}`)
      return 2
    }
    const id = positional[0] as string
    const partnership = await partnershipOption(services, options, output)
    if (!partnership) return 2
    const actor = options.get('actor')
    const result = await partnership.performance.removeIndicator(
      typeof actor === 'string' ? actor : defaultCommandActor(),
      id,
      { deleteHoldings: options.get('delete-figures') === true },
    )
    switch (result.outcome) {
      case 'not-found':
        output.err(`There is no KPI "${id}" in this partnership.`)
        return 1
      case 'needs-confirmation':
        output.err(
          `${id} holds ${result.described}: nothing was removed. ` +
            `To delete them with it: saferhub kpis remove ${id} --delete-figures`,
        )
        return 1
      case 'locked':
        output.err(
          `${id} has figures in ${result.quarters.join(', ')}, signed off and locked: nothing was removed. ` +
            'The board must reopen the quarter first.',
        )
        return 1
      case 'removed':
        output.out(
          `Removed ${id} (${result.name})` +
            (Object.values(result.holdings).some((n) => n > 0) ? ` with ${describeHoldings(result.holdings)}.` : '.'),
        )
        return 0
    }
  },
}
