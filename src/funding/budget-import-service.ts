import { inUnitOfWorkOrRollBack, RollBack, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import type { Database } from '../db/database.ts'
import { budgetSentence, computeYearBudget, type YearBudget } from '../domain/budget.ts'
import { formatMoney } from '../domain/money.ts'
import type { ImportProblem } from '../performance/import/import-problem.ts'
import { checkBudgetTables, readBudgetTables, type BudgetWorkbook, type TypedTotal } from './budget-import.ts'
import type { BudgetRepository } from './budget-repository.ts'
import { streamBudgetSentence } from './budget-words.ts'
import { allocationKey, createBudgetWrites, spendKey, type WriteOutcome } from './budget-writes.ts'

export interface ChangeCount {
  added: number
  changed: number
  unchanged: number
}

export type BudgetImportKind = 'streams' | 'awards' | 'carryForwards' | 'allocations' | 'spend'
export type BudgetImportSummary = Record<BudgetImportKind, ChangeCount>

/** A total typed into the workbook compared with the computed one (issue 10, item 7). */
export interface TotalCheck {
  readonly file: string
  readonly row: number
  readonly column: string
  readonly agrees: boolean
  /** In words: "the 2018/19 budget is £378,430: income £339,995 + carry-forward £38,435; the sheet says £378,390." */
  readonly text: string
}

export type BudgetImportResult =
  | {
      readonly outcome: 'rejected'
      readonly problems: readonly ImportProblem[]
      readonly rowsRead: number
    }
  | {
      readonly outcome: 'preview' | 'applied'
      readonly summary: BudgetImportSummary
      readonly totals: readonly TotalCheck[]
      readonly rowsRead: number
      readonly auditEvents: number
    }

const emptySummary = (): BudgetImportSummary => ({
  streams: { added: 0, changed: 0, unchanged: 0 },
  awards: { added: 0, changed: 0, unchanged: 0 },
  carryForwards: { added: 0, changed: 0, unchanged: 0 },
  allocations: { added: 0, changed: 0, unchanged: 0 },
  spend: { added: 0, changed: 0, unchanged: 0 },
})

/** "Funding streams: 1 added, 0 changed, 2 unchanged; Awards: …". */
export function importSummaryText(summary: BudgetImportSummary): string {
  const names: Record<BudgetImportKind, string> = {
    streams: 'Funding streams',
    awards: 'Awards',
    carryForwards: 'Carry-forwards',
    allocations: 'Allocations',
    spend: 'Spend',
  }
  return (Object.keys(names) as BudgetImportKind[])
    .map(
      (k) => `${names[k]}: ${summary[k].added} added, ${summary[k].changed} changed, ${summary[k].unchanged} unchanged`,
    )
    .join('; ')
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1)
const withoutFullStop = (text: string) => (text.endsWith('.') ? text.slice(0, -1) : text)
const yearLabel = (year: string) => `${year.slice(2, 6)}/${year.slice(7, 9)}`

/**
 * A typed total against the computed one, in words. The budget is said as budgetSentence says it (src/domain/budget.ts),
 * so the import, the budget page and Appendix A word it the same way.
 */
export function compareTypedTotal(total: TypedTotal, budget: YearBudget, fileName: string): TotalCheck {
  const says = `; the sheet says ${formatMoney(total.pence)}.`
  let computed: number
  let words: string
  if (total.column === 'Budget' && total.stream !== null) {
    const stream = budget.streams.find((s) => s.stream.name.toLowerCase() === total.stream?.toLowerCase())
    const income = stream?.income ?? 0
    const carry = stream?.carryForwardIn ?? 0
    computed = income + carry
    words = `${total.stream}: ${lowerFirst(withoutFullStop(streamBudgetSentence(budget, { income, carryForwardIn: carry })))}`
  } else if (total.column === 'Budget') {
    computed = budget.budget
    words = lowerFirst(withoutFullStop(budgetSentence(budget)))
  } else if (total.column === 'Awarded') {
    computed = budget.income
    words = `the ${yearLabel(total.year)} income is ${formatMoney(computed)}`
  } else {
    computed = budget.allocated
    words = `the ${yearLabel(total.year)} allocations come to ${formatMoney(computed)}`
  }
  const agrees = computed === total.pence
  return {
    file: `${fileName}, sheet ${total.sheet}`,
    row: total.row,
    column: total.column,
    agrees,
    text: agrees ? `${capitalise(words)}, as the sheet says.` : `${capitalise(words)}${says}`,
  }
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

/**
 * The budget import (`/funding/import`, `saferhub budget import`): a workbook read and checked (budget-import.ts),
 * then applied in one unit of work through the same audited writes as the budget page's forms. A preview is the
 * same work rolled back, so what it shows is what confirming does. An unchanged row is a no-op, so importing the
 * same workbook again changes nothing; rows the workbook does not mention are left as they are.
 */
export function createBudgetImportService(deps: {
  readonly database: Database
  readonly repository: BudgetRepository
  readonly audit: Pick<AuditRepository, 'append'>
  readonly now?: () => Date
}) {
  const { database, repository } = deps
  const now = deps.now ?? (() => new Date())

  async function apply(
    uow: UnitOfWork,
    workbook: BudgetWorkbook,
    actor: string,
  ): Promise<{ summary: BudgetImportSummary; auditEvents: number }> {
    // Counts the audit events this import appends (the summary says how many).
    let auditEvents = 0
    const writes = createBudgetWrites({
      repository,
      audit: {
        append: async (trx, event) => {
          auditEvents++
          return deps.audit.append(trx, event)
        },
      },
    })
    const ctx = { actor, at: now().toISOString() }
    const summary = emptySummary()
    const count = (kind: BudgetImportKind, outcome: WriteOutcome) => {
      if (outcome !== 'removed') summary[kind][outcome]++
    }
    const streams = await repository.listStreams(uow)
    const byName = new Map(streams.map((s) => [s.name.toLowerCase(), s]))
    for (const row of workbook.streams) {
      const existing = byName.get(row.fields.name.toLowerCase()) ?? null
      const written = await writes.stream(uow, ctx, row.fields, existing)
      count('streams', written.outcome)
      byName.set(written.stream.name.toLowerCase(), written.stream)
    }
    const streamId = (name: string) => {
      const found = byName.get(name.toLowerCase())
      if (!found) throw new Error(`stream ${name} was checked but is not there`)
      return found.id
    }

    const awards = await repository.listAwards(uow)
    for (const row of workbook.awards) {
      const id = streamId(row.stream)
      const existing = awards.find((a) => a.streamId === id && a.year === row.year) ?? null
      const award = {
        streamId: id,
        year: row.year,
        awardedPence: row.awardedPence,
        receivedPence: row.receivedPence ?? existing?.receivedPence ?? 0,
        illustrative: row.illustrative,
      }
      count('awards', await writes.award(uow, ctx, award, existing))
    }

    const carries = await repository.listCarryForwards(uow)
    for (const row of workbook.carryForwards) {
      const id = streamId(row.stream)
      const existing = carries.find((c) => c.streamId === id && c.intoYear === row.intoYear) ?? null
      const carry = {
        streamId: id,
        intoYear: row.intoYear,
        amountPence: row.amountPence,
        illustrative: row.illustrative,
      }
      count('carryForwards', await writes.carryForward(uow, ctx, carry, existing))
    }

    const allocations = await repository.listAllocations(uow)
    for (const row of workbook.allocations) {
      const fields = {
        streamId: streamId(row.stream),
        year: row.year,
        priorityId: row.priorityId,
        serviceId: row.serviceId,
        amountPence: row.amountPence,
        note: row.note,
        illustrative: row.illustrative,
      }
      const existing = allocations.find((a) => allocationKey(a) === allocationKey(fields)) ?? null
      count('allocations', (await writes.allocation(uow, ctx, fields, existing)).outcome)
    }

    const spend = await repository.listSpend(uow)
    for (const row of workbook.spend) {
      const fields = {
        streamId: streamId(row.stream),
        period: row.period,
        kind: row.kind,
        priorityId: row.priorityId,
        serviceId: row.serviceId,
        amountPence: row.amountPence,
        illustrative: row.illustrative,
      }
      const existing = spend.find((s) => spendKey(s) === spendKey(fields)) ?? null
      count('spend', await writes.spend(uow, ctx, fields, existing))
    }
    return { summary, auditEvents }
  }

  async function run(
    file: { readonly name: string; readonly content: Buffer },
    actor: string,
    mode: 'preview' | 'applied',
  ): Promise<BudgetImportResult> {
    const read = await readBudgetTables(file.name, file.content)
    if (!read.ok) return { outcome: 'rejected', problems: read.problems, rowsRead: 0 }
    return inUnitOfWorkOrRollBack(database, async (uow) => {
      // Checked inside the unit of work, against the rows as they stand while it holds the write lock.
      const [streams, rows] = await Promise.all([repository.listStreams(uow), repository.readRows(uow)])
      const checked = checkBudgetTables(file.name, read.tables, { streams, rows })
      if (!checked.ok)
        throw new RollBack<BudgetImportResult>({
          outcome: 'rejected',
          problems: checked.problems,
          rowsRead: checked.rowsRead,
        })
      const { summary, auditEvents } = await apply(uow, checked.workbook, actor)
      // The typed totals are compared with the budget as it will be once the workbook is in.
      const after = await repository.readRows(uow)
      const budgets = new Map<string, YearBudget>()
      const totals = checked.workbook.typedTotals.map((total) => {
        let budget = budgets.get(total.year)
        if (!budget) budgets.set(total.year, (budget = computeYearBudget(after, total.year)))
        return compareTypedTotal(total, budget, file.name)
      })
      const result: BudgetImportResult = {
        outcome: mode,
        summary,
        totals,
        rowsRead: checked.workbook.rowsRead,
        auditEvents,
      }
      if (mode === 'preview') throw new RollBack(result)
      return result
    })
  }

  return {
    /** What the workbook would change, and its typed totals compared, with nothing written. */
    preview: (file: { readonly name: string; readonly content: Buffer }, actor: string) => run(file, actor, 'preview'),
    /** Applies the workbook all or nothing; every change audited. */
    apply: (file: { readonly name: string; readonly content: Buffer }, actor: string) => run(file, actor, 'applied'),
  }
}

export type BudgetImportService = ReturnType<typeof createBudgetImportService>
