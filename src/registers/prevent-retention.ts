import { RECORD_TYPES, type RegisterTable } from './prevent-record-types.ts'

/**
 * What the retention framework (src/retention/, issue 12 item 7) needs to know of each Prevent and engagement record
 * type: its table, the column whose date starts the retention clock, and its name in a partnership officer's words.
 * The periods themselves are the framework's (set per record type by the partnership); nothing here deletes.
 *
 * `clockColumn` holds a `YYYY-MM-DD` date, except `prevent_referral_counts.quarter` (`FY2017-18-Q1`: the clock starts
 * at the quarter's end, 30 June 2017 for that one) and `prevent_register_settings.created_at` (an ISO instant: a
 * setting of the area has no date of its own; it is kept while training points at it). `prevent_arrangements` is the
 * partnership's configuration, not a record, and has no retention period.
 */
export interface RetentionDescriptor {
  readonly recordType: string
  readonly table: RegisterTable
  readonly clockColumn: string
  readonly clockKind: 'date' | 'quarter' | 'instant'
  readonly label: string
}

export const PREVENT_RETENTION: readonly RetentionDescriptor[] = RECORD_TYPES.map((type) => ({
  recordType: `${type.area}:${type.slug}`,
  table: type.table,
  clockColumn: type.dateColumn,
  clockKind: type.dateColumn === 'quarter' ? 'quarter' : type.dateColumn === 'created_at' ? 'instant' : 'date',
  label: type.title,
}))
