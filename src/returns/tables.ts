import type { Generated } from 'kysely'

/**
 * The returns tables as Kysely sees them (created by src/db/migrations/0005-returns.ts; return items' periods by
 * 0009-return-item-periods.ts). Times are ISO UTC text.
 */
export interface ReturnPeriodsTable {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  /** A quarter, `FY2017-18-Q1`. */
  period: string
  /** `YYYY-MM-DD`: the last day a return counts as on time (a date in Europe/London). */
  due_date: string
  locked: number
  locked_at: string | null
  locked_by: string | null
  /** JSON `SignedOffReport`: the performance report the board signed off, with the baselines it used. */
  signed_off_report: string | null
  version: number
  updated_at: string
}

export interface AgencyReturnsTable {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
  agency_id: number
  period: string
  status: string
  version: number
  submitted_at: string | null
  submitted_by: string | null
  reviewed_at: string | null
  reviewed_by: string | null
  review_comment: string | null
  updated_at: string
  updated_by: string
}

export interface ReturnItemsTable {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  return_id: number
  indicator_id: string
  /** The period the figure is for (0009-return-item-periods): the quarter, or a month, two months or the year. */
  period: string
  status: string
  value: number | null
  numerator: number | null
  denominator: number | null
  percent: number | null
  text: string | null
  reason: string | null
  commentary: string | null
  /** The plausibility warning shown when the figure was saved, if any. */
  warning: string | null
  /** Who confirmed the figure despite the warning, and when. */
  warning_confirmed_by: string | null
  warning_confirmed_at: string | null
}

export interface ReturnTables {
  return_periods: ReturnPeriodsTable
  agency_returns: AgencyReturnsTable
  return_items: ReturnItemsTable
}
