import { readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  defaultCommandActor,
  oneFileArgument,
  parseOptions,
  partnershipOption,
  type Command,
  type PartnershipChoice,
} from '../cli/command.ts'
import { formatProblem } from '../performance/import/import-problem.ts'
import { MAX_BUDGET_WORKBOOK_BYTES } from './budget-import.ts'
import { importSummaryText, type BudgetImportService } from './budget-import-service.ts'
import { budgetTemplateWorkbook } from './budget-template-workbook.ts'

/** What the budget commands use: one partnership's budget import. */
export type BudgetCommandServices = PartnershipChoice<{
  readonly budget: { readonly imports: Pick<BudgetImportService, 'apply' | 'preview'> }
}>

/** `saferhub budget import FILE.xlsx`: the budget workbook, all or nothing, as `/funding/import` does it. */
export const budgetImportCommand: Command<BudgetCommandServices> = {
  name: 'budget import',
  summary: 'Import funding streams, awards, carry-forwards, allocations and spend from a workbook (all or nothing)',
  usage: [
    'Usage: saferhub budget import FILE.xlsx [--partnership P] [--actor NAME] [--check]',
    '',
    'Reads the sheets Funding streams, Awards, Carry-forwards, Allocations and Spend (see README, "The budget").',
    'Every problem is printed as "file, sheet S, row N, column C: reason", and then nothing is written (exit 1).',
    'Otherwise everything is written in one transaction, each change audited. Importing it again changes nothing.',
    'Totals typed into the workbook (a Total row, a Budget column) are compared with the computed ones and any',
    'difference is printed.',
    '',
    '  --check          show what would change, and write nothing',
    '  --actor <name>   who is importing, for the audit trail (default: cli:<your user name>)',
  ].join('\n'),
  async run(args, services, output) {
    const { options, positional } = parseOptions(args)
    const unknown = [...options.keys()].filter((k) => !['partnership', 'actor', 'check'].includes(k))
    if (unknown.length > 0) {
      output.err(`Unexpected option: --${unknown.join(', --')}\n\n${this.usage}`)
      return 2
    }
    const file = oneFileArgument(positional, this.usage, output)
    if (file === null) return 2
    const actor = options.get('actor')
    if (actor === true) {
      output.err('--actor needs a name')
      return 2
    }
    let content: Buffer
    try {
      const info = await stat(file)
      if (!info.isFile() || info.size > MAX_BUDGET_WORKBOOK_BYTES) {
        output.err(`${file}: not a file, or larger than ${MAX_BUDGET_WORKBOOK_BYTES / 1024 / 1024} MB`)
        return 1
      }
      content = await readFile(file)
    } catch {
      output.err(`${file}: no such file`)
      return 1
    }
    const partnership = await partnershipOption(services, options, output)
    if (!partnership) return 2
    const workbook = { name: path.basename(file), content }
    const who = actor ?? defaultCommandActor()
    const result = options.has('check')
      ? await partnership.budget.imports.preview(workbook, who)
      : await partnership.budget.imports.apply(workbook, who)
    if (result.outcome === 'rejected') {
      for (const problem of result.problems) output.err(formatProblem(problem))
      output.err(`Nothing was written: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}.`)
      return 1
    }
    output.out(
      `${result.outcome === 'preview' ? 'Would import (nothing written)' : 'Imported'}: ${result.rowsRead} rows read. ` +
        `${importSummaryText(result.summary)}. ${result.auditEvents} audit events.`,
    )
    for (const total of result.totals)
      (total.agrees ? output.out : output.err)(`${total.file}, row ${total.row}, column ${total.column}: ${total.text}`)
    return 0
  },
}

/** `saferhub budget template [FILE]`: the budget workbook to fill in. */
export const budgetTemplateCommand: Command<unknown> = {
  name: 'budget template',
  summary: 'Write the budget import template workbook (.xlsx)',
  usage: [
    'Usage: saferhub budget template [FILE]',
    '',
    'Writes the five sheets the budget import reads, with drop-downs and instructions.',
    'Default FILE: saferhub-budget-template.xlsx. An existing file is never overwritten.',
  ].join('\n'),
  async run(args, _services, output) {
    const { options, positional } = parseOptions(args)
    if (options.size > 0 || positional.length > 1) {
      output.err(`Give at most one file.\n\n${this.usage}`)
      return 2
    }
    const file = positional[0] ?? 'saferhub-budget-template.xlsx'
    try {
      await writeFile(file, await budgetTemplateWorkbook({ now: new Date() }), { flag: 'wx' })
    } catch (error) {
      output.err(
        (error as NodeJS.ErrnoException).code === 'EEXIST'
          ? `${file} exists already: give another name (it was not overwritten).`
          : `Could not write ${file}: ${(error as Error).message}`,
      )
      return 1
    }
    output.out(`Wrote ${file}. Fill it in, then: saferhub budget import ${file}`)
    return 0
  },
}
