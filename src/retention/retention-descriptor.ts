import type { UnitOfWork } from '../audit/audited-transaction.ts'

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
export interface RetentionDescriptor {
  /** Stable key, e.g. `tension-entry` (kept in the periods' and tombstones' rows). */
  readonly recordType: string
  /** In a partnership officer's words, plural: "Community tension log entries". */
  readonly name: string
  /** The partnership-owned table holding the records (its rows are read through the scoped handle). */
  readonly table: string
  /** The `YYYY-MM-DD` column whose date starts the clock; a row where it is null is not yet on the clock. */
  readonly clockColumn: string
  /** When the clock starts, in words: "when the entry is closed". */
  readonly clockStarts: string
  /** A column that names a row without personal text (a reference, an organisation): shown and kept in the tombstone. */
  readonly labelColumn: string
  readonly defaultMonths: number
  readonly defaultReason: string
  /**
   * Why a row cannot be deleted yet because another row still needs it ("named as the source of 2 tension log
   * entries"), or null when nothing does. Runs in the deletion's own unit of work.
   */
  readonly neededBy?: (uow: UnitOfWork, id: number) => Promise<string | null>
  /** Deletes the row and what belongs only to it, auditing each deletion, in the caller's unit of work. */
  readonly delete: (uow: UnitOfWork, id: number, actor: string, requestId: string | null) => Promise<void>
}

/**
 * The date `months` calendar months after `date` (`YYYY-MM-DD`), the day clamped to the end of a shorter month
 * (31 August plus six months is 28 February, or 29 in a leap year).
 */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const index = y * 12 + (m - 1) + months
  const year = Math.floor(index / 12)
  const month = (index % 12) + 1
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`
}

/** "3 years", "18 months", "1 year". */
export function periodInWords(months: number): string {
  if (months % 12 === 0) return `${months / 12} year${months === 12 ? '' : 's'}`
  return `${months} month${months === 1 ? '' : 's'}`
}
