import type { Generated } from 'kysely'

/** The retention tables (created by src/db/migrations/0032-tensions-centres-retention.ts). */
export interface RetentionTables {
  retention_periods: RetentionPeriodsTable
  retention_tombstones: RetentionTombstonesTable
}

interface Owned {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
}

/** A record type's retention period as the partnership set it (a type without a row keeps its default). */
export interface RetentionPeriodsTable extends Owned {
  record_type: string
  period_months: number
  reason: string
  updated_at: string
  updated_by: string
}

/** What remains of a record deleted under retention. */
export interface RetentionTombstonesTable extends Owned {
  record_type: string
  record_id: number
  /** A reference or label holding no personal text. */
  label: string
  /** `YYYY-MM-DD`: when the record's retention clock started. */
  clock_started: string
  deleted_at: string
  deleted_by: string
  reason: string
  period_months: number
}
