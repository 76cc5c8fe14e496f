import type { Generated } from 'kysely'

/**
 * The performance framework's tables as Kysely sees them (created by migration 0001). Column names are
 * snake_case; the repository maps rows to the domain types in `../domain/indicator.ts`.
 * Times are ISO 8601 UTC text; booleans are integers 0/1 (the same on SQLite and PostgreSQL).
 */
export interface IndicatorsTable {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: string
  /** The order indicators were first imported in: the report prints them in this order. */
  position: number
  name: string
  theme: string
  priority: string
  definition: string
  data_owner: string
  cadence: string
  measure_type: string
  preferred_direction: string
  hidden_harm: number
  rate_per: number | null
  stock_aggregation: string | null
  unit: string | null
  share_label: string | null
  /** The target, flattened: `absolute` uses value + comparison, `relative` uses percent + reference year. */
  target_kind: string | null
  target_value: number | null
  target_comparison: string | null
  target_percent: number | null
  target_reference_year: string | null
  updated_at: string
  updated_by: string
}

export interface BaselinesTable {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
  indicator_id: string
  year: string
  source: string
  value: number
  numerator: number | null
  denominator: number | null
  note: string | null
  updated_at: string
  updated_by: string
}

export interface IndicatorValuesTable {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
  indicator_id: string
  period: string
  status: string
  value: number | null
  numerator: number | null
  denominator: number | null
  percent: number | null
  text: string | null
  reason: string | null
  commentary: string | null
  /** Starts at 1 and rises by one on every change: a later editor sends the version it saw (optimistic concurrency). */
  version: number
  updated_at: string
  updated_by: string
}

export interface ImportsTable {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
  /** JSON: `[{ "name": "values.csv", "sha256": "…", "bytes": 1234 }]`. */
  files: string
  /** sha256 over the files' own sha256 digests, sorted: the same set of files gives the same digest. */
  sha256: string
  actor: string
  started_at: string
  finished_at: string | null
  rows_read: number
  rows_accepted: number
  rows_rejected: number
  outcome: string
  /** JSON: added / changed / unchanged per kind of record. */
  summary: string | null
}

export interface PerformanceTables {
  indicators: IndicatorsTable
  baselines: BaselinesTable
  indicator_values: IndicatorValuesTable
  imports: ImportsTable
}
