import {
  budgetSentence,
  computeYearBudget,
  reconciliationSentences,
  type BudgetRows,
  type YearBudget,
} from '../domain/budget.ts'
import { checkCitedAmounts, type CitableFigures } from '../domain/cited-amounts.ts'
import type { Pence } from '../domain/money.ts'
import { financialYearLabel } from '../domain/period.ts'

/**
 * Appendix A of a year: the allocation and expenditure of the partnership's money by priority and by the services
 * under each, with the income, the carry-forward and the budget of each funding stream, and the totals. Every figure
 * comes from `computeYearBudget` (src/domain/budget.ts); nothing here adds up money itself, so the page, the CSV,
 * the XLSX, the standalone HTML and the published snapshot cannot disagree with the budget page.
 *
 * Plain data (numbers in pence, text), so that a publication stores it as JSON and the public page shows exactly what
 * was approved.
 */

/** How every output marks a figure the source does not give (a demo figure). */
export const ILLUSTRATIVE_LABEL = "Illustrative figure (not Wolverhampton's)"

export interface AppendixAStream {
  readonly name: string
  readonly funder: string
  readonly income: Pence
  readonly carryForwardIn: Pence
  readonly budget: Pence
  readonly allocated: Pence
  readonly spent: Pence
  readonly illustrative: boolean
}

export interface AppendixAService {
  readonly reference: string
  readonly title: string
  readonly allocated: Pence
  readonly spent: Pence
  readonly illustrative: boolean
}

export interface AppendixAPriority {
  /** The priority's name, or "Not tied to a priority". */
  readonly name: string
  readonly allocated: Pence
  readonly spent: Pence
  readonly illustrative: boolean
  readonly services: readonly AppendixAService[]
}

export interface AppendixATotals {
  readonly income: Pence
  readonly carryForwardIn: Pence
  readonly budget: Pence
  readonly allocated: Pence
  readonly spent: Pence
  readonly unallocated: Pence
  readonly illustrative: boolean
}

/** What the narrative's amounts were checked against, and what disagrees. */
export interface NarrativeCheck {
  /** The figures the text was compared with: "2018/19" or a stream's ("West Midlands PCC grant, 2018/19"). */
  readonly subject: string | null
  readonly disagreements: readonly string[]
}

export interface AppendixA {
  readonly partnership: string
  readonly year: string
  /** "2018/19". */
  readonly yearLabel: string
  readonly streams: readonly AppendixAStream[]
  readonly priorities: readonly AppendixAPriority[]
  readonly totals: AppendixATotals
  /** "The 2018/19 budget is £378,430: income £339,995 + carry-forward £38,435." (budget.ts). */
  readonly budgetSentence: string
  /** The reconciliation in words (budget.ts). */
  readonly reconciliation: readonly string[]
  /** The partnership's paragraph about the year, as written; null when none. */
  readonly narrative: string | null
  readonly narrativeCheck: NarrativeCheck
  /** True when any figure shown is illustrative. */
  readonly illustrative: boolean
}

/** "FY2018-19" → "2018/19". */
export function yearLabelOf(year: string): string {
  return financialYearLabel(Number(year.slice(2, 6)))
}

/** The rows of one funding stream only: what `computeYearBudget` needs to give that stream's figures alone. */
function rowsOfStream(rows: BudgetRows, streamId: number): BudgetRows {
  return {
    ...rows,
    streams: rows.streams.filter((s) => s.id === streamId),
    awards: rows.awards.filter((a) => a.streamId === streamId),
    carryForwards: rows.carryForwards.filter((c) => c.streamId === streamId),
    allocations: rows.allocations.filter((a) => a.streamId === streamId),
    spend: rows.spend.filter((s) => s.streamId === streamId),
    commitments: [],
  }
}

/**
 * What a narrative about the year may cite: the year's figures, then each stream's with money in the year (the seed's
 * paragraph is about the PCC grant alone). A stream's own figures are the same computation over its rows only.
 */
export function citableFigures(rows: BudgetRows, budget: YearBudget): CitableFigures[] {
  const label = yearLabelOf(budget.year)
  const year: CitableFigures = {
    subject: label,
    income: budget.income,
    carryForward: budget.carryForwardIn,
    budget: budget.budget,
  }
  if (budget.streams.length <= 1) return [year]
  return [
    year,
    ...budget.streams.map((s) => {
      const own = computeYearBudget(rowsOfStream(rows, s.stream.id), budget.year)
      return {
        subject: `${s.stream.name}, ${label}`,
        income: own.income,
        carryForward: own.carryForwardIn,
        budget: own.budget,
      }
    }),
  ]
}

/** Checks a narrative's amounts against the year's figures (or the stream it is about). */
export function checkNarrative(text: string | null, rows: BudgetRows, budget: YearBudget): NarrativeCheck {
  if (text === null || text.trim() === '') return { subject: null, disagreements: [] }
  const result = checkCitedAmounts(text, citableFigures(rows, budget))
  return { subject: result.against?.subject ?? null, disagreements: result.disagreements }
}

/**
 * Appendix A of `year` from the partnership's rows and its narrative.
 *
 * @example buildAppendixA('Safer Wolverhampton Partnership', rows, 'FY2018-19', null).totals.budget
 */
export function buildAppendixA(
  partnership: string,
  rows: BudgetRows,
  year: string,
  narrative: string | null,
): AppendixA {
  const budget = computeYearBudget(rows, year)
  const streams = budget.streams.map((s) => ({
    name: s.stream.name,
    funder: s.stream.funder,
    income: s.income,
    carryForwardIn: s.carryForwardIn,
    budget: s.budget,
    allocated: s.allocated,
    spent: s.spent,
    illustrative: s.illustrative,
  }))
  const priorities = budget.priorities.map((p) => ({
    name: p.priority?.name ?? 'Not tied to a priority',
    allocated: p.allocated,
    spent: p.spent,
    illustrative: p.illustrative,
    services: p.services.map((s) => ({
      reference: s.service.reference,
      title: s.service.title,
      allocated: s.allocated,
      spent: s.spent,
      illustrative: s.illustrative,
    })),
  }))
  const totals = {
    income: budget.income,
    carryForwardIn: budget.carryForwardIn,
    budget: budget.budget,
    allocated: budget.allocated,
    spent: budget.spent,
    unallocated: budget.unallocated,
    illustrative: budget.illustrative,
  }
  return {
    partnership,
    year,
    yearLabel: yearLabelOf(year),
    streams,
    priorities,
    totals,
    budgetSentence: budgetSentence(budget),
    reconciliation: reconciliationSentences(budget),
    narrative: narrative === null || narrative.trim() === '' ? null : narrative,
    narrativeCheck: checkNarrative(narrative, rows, budget),
    illustrative:
      totals.illustrative ||
      streams.some((s) => s.illustrative) ||
      priorities.some((p) => p.illustrative || p.services.some((s) => s.illustrative)),
  }
}
