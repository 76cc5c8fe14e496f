import { expectedPeriods } from './aggregation.ts'
import type { Cadence } from './indicator.ts'
import { quarterOfMonth, type Period } from './period.ts'

/**
 * The periods of a KPI that a quarter's return asks for: every period of the KPI's cadence that ENDS in the quarter.
 * - quarterly: the quarter itself;
 * - monthly: the quarter's three months;
 * - bi-monthly: the two-month periods whose second month is in the quarter (Q1: B1; Q2: B2, B3; Q3: B4; Q4: B5, B6);
 * - annual: the financial year, in the Q4 return.
 *
 * "Ends in" rather than "overlaps": a period's figure can only be known once the period is over, so June–July (B2)
 * cannot be in the Q1 return, due four weeks after June; it comes in the Q2 return. Each period is then asked for in
 * exactly one return a year, and the board's sign-off of that quarter is what locks it (src/performance/quarter-locks.ts uses the
 * same rule, `reportingQuarterOf`).
 *
 * @example duePeriods('bi-monthly', period('FY2017-18-Q2')).map((p) => p.id) // ['FY2017-18-B2', 'FY2017-18-B3']
 */
export function duePeriods(cadence: Cadence, quarter: Period): Period[] {
  if (quarter.kind !== 'quarter') throw new Error(`Not a quarter: "${quarter.id}"`)
  return expectedPeriods(cadence, quarter.financialYear).filter(
    (p) => p.lastMonth >= quarter.firstMonth && p.lastMonth <= quarter.lastMonth,
  )
}

/**
 * The quarter whose return carries a period's figure: the quarter its last month is in (a month's own quarter, a
 * two-month period's second month's quarter, a year's Q4).
 *
 * @example reportingQuarterOf(period('FY2017-18-B2')).id // 'FY2017-18-Q2'
 */
export function reportingQuarterOf(p: Period): Period {
  const quarter = quarterOfMonth(p.lastMonth)
  if (!quarter) throw new Error(`No quarter for ${p.lastMonth}`)
  return quarter
}
