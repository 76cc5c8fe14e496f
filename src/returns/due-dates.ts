import { lastDayOfMonth, londonDate, parsePeriod, type PeriodId } from '../domain/period.ts'

/**
 * Due dates and lateness of quarterly returns. A due date is a calendar date (`YYYY-MM-DD`), never an instant:
 * "due 28 days after the quarter ends" means the same day on a wall calendar in England whatever the clocks do.
 * Whether something was on time is decided on the Europe/London date it happened, so that a return sent at
 * 00:30 BST on the 29th is late even though it is still the 28th in UTC.
 */

/** The default: returns are due four weeks after the quarter ends (a partnership may set another number). */
export const DEFAULT_DAYS_AFTER_QUARTER_END = 28

/** Calendar arithmetic on a date without a time zone (done in UTC, where every day has 24 hours). */
function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/**
 * The date a quarter's return is due: `days` after the quarter's last day.
 *
 * @example dueDate('FY2017-18-Q4', 28) // '2018-04-28' (31 March + 28 days)
 */
export function dueDate(quarter: PeriodId, days: number = DEFAULT_DAYS_AFTER_QUARTER_END): string {
  const p = parsePeriod(quarter)
  if (!p || p.kind !== 'quarter') throw new RangeError(`Not a quarter: "${quarter}"`)
  if (!Number.isInteger(days) || days < 0 || days > 366) throw new RangeError(`Days after quarter end: ${days}`)
  return addDays(lastDayOfMonth(p.lastMonth), days)
}

/** The calendar date in England at an instant (one rule for every feature: src/domain/period.ts). */
export { londonDate }

/** Whether something done at `instant` was after the due date (dates compared in Europe/London). */
export function isAfterDueDate(instant: Date, due: string): boolean {
  return londonDate(instant) > due
}
