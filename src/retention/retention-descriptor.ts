import type { UnitOfWork } from '../audit/audited-transaction.ts'
import { lastDayOfMonth, londonDate, parsePeriod } from '../domain/period.ts'

/**
 * What the clock column holds: a `YYYY-MM-DD` date (the clock starts that day), a quarter id `FY2017-18-Q1` (it
 * starts on the quarter's last day: a quarter's count is complete only then), or an ISO instant (it starts on that
 * instant's date in England, so 23:30 UTC on 30 June in summer time is 1 July).
 */
export type ClockKind = 'date' | 'quarter' | 'instant'

/**
 * A record type's retention policy: its name, when its clock starts, and its default period with the reason. The
 * partnership may set its own period and reason on `/retention`. A record type kept inside a compartment (the death
 * review register) is only this: the retention service keeps its period, and the compartment lists and deletes its
 * records, so nobody outside learns that any exist.
 */
export interface RetentionPolicy {
  /** Stable key, e.g. `tension-entry` (kept in the periods' and tombstones' rows). */
  readonly recordType: string
  /** In a partnership officer's words, plural: "Community tension log entries". */
  readonly name: string
  /** When the clock starts, in words: "when the entry is closed". */
  readonly clockStarts: string
  readonly defaultMonths: number
  readonly defaultReason: string
}

/**
 * How a kind of record takes part in retention: where its rows are, which date starts its clock, which column names
 * a row without personal text, its default period and why, what still needs a row, and how a row is deleted. A
 * feature describes its own records; the composition root hands the list to the retention service (adding a record
 * type is one more descriptor in that list).
 *
 * @example
 *   const tensionEntries: RetentionDescriptor = {
 *     recordType: 'tension-entry', name: 'Community tension log entries', table: 'tension_entries',
 *     clockColumn: 'closed_on', clockStarts: 'when the entry is closed', labelColumn: 'reference',
 *     defaultMonths: 36, defaultReason: '…', delete: (uow, id, actor, requestId) => repository.deleteEntry(uow, id, actor, requestId),
 *   }
 */
export interface RetentionDescriptor extends RetentionPolicy {
  /** The partnership-owned table holding the records (its rows are read through the scoped handle). */
  readonly table: string
  /** The column whose value starts the clock (see `clockKind`); a row where it is null is not yet on the clock. */
  readonly clockColumn: string
  /** What `clockColumn` holds; a date when not given. */
  readonly clockKind?: ClockKind
  /** A column that names a row without personal text (a reference, an organisation): shown and kept in the tombstone. */
  readonly labelColumn: string
  /** How the label column's value is worded when the value alone says little ("3" → "Tier 3"). */
  readonly labelWords?: (value: string) => string
  /**
   * Why a row cannot be deleted yet because another row still needs it ("named as the source of 2 tension log
   * entries"), or null when nothing does. Runs in the deletion's own unit of work.
   */
  readonly neededBy?: (uow: UnitOfWork, id: number) => Promise<string | null>
  /** Deletes the row and what belongs only to it, auditing each deletion, in the caller's unit of work. */
  readonly delete: (uow: UnitOfWork, id: number, actor: string, requestId: string | null) => Promise<void>
}

/**
 * The date (`YYYY-MM-DD`, in England) a clock value starts the retention clock, by its kind; null when the value is
 * null or cannot be read as its kind (such a row stays off the clock rather than being deleted on a guess).
 *
 * @example clockDateOf('quarter', 'FY2017-18-Q1') // '2017-06-30'
 * @example clockDateOf('quarter', 'FY2017-18-Q4') // '2018-03-31'
 * @example clockDateOf('instant', '2018-06-30T23:30:00.000Z') // '2018-07-01' (British Summer Time)
 */
export function clockDateOf(kind: ClockKind, value: unknown): string | null {
  if (value === null || value === undefined) return null
  const text = String(value)
  switch (kind) {
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : null
    case 'quarter': {
      const quarter = parsePeriod(text)
      return quarter?.kind === 'quarter' ? lastDayOfMonth(quarter.lastMonth) : null
    }
    case 'instant': {
      const instant = new Date(text)
      return Number.isNaN(instant.getTime()) ? null : londonDate(instant)
    }
  }
}

/** "3 years", "18 months", "1 year". */
export function periodInWords(months: number): string {
  if (months % 12 === 0) return `${months / 12} year${months === 12 ? '' : 's'}`
  return `${months} month${months === 1 ? '' : 's'}`
}
