import type { Generated } from 'kysely'

/**
 * The community tension and reporting centre tables (created by src/db/migrations/0032-tensions-centres-retention.ts).
 * Dates `YYYY-MM-DD`, months `YYYY-MM`, times ISO 8601 UTC text.
 */
export interface TensionTables {
  register_wards: RegisterWardsTable
  reporting_centres: ReportingCentresTable
  reporting_centre_quarters: ReportingCentreQuartersTable
  tension_entries: TensionEntriesTable
  tension_assessments: TensionAssessmentsTable
}

interface Owned {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
}

interface Stamped {
  illustrative: Generated<number>
  version: Generated<number>
  created_at: string
  updated_at: string
  updated_by: string
}

/** One of the partnership's wards. */
export interface RegisterWardsTable extends Owned, Stamped {
  name: string
  /** ONS ward code (E05……), where known. */
  ons_code: string | null
}

/** A third-party hate-crime reporting centre. */
export interface ReportingCentresTable extends Owned, Stamped {
  organisation: string
  ward_id: number
  /** Comma-separated strands (src/registers/reporting-centre-rules.ts, STRANDS). */
  strands: string
  trained_staff: Generated<number>
  /** `;`-separated `YYYY-MM-DD`, oldest first. */
  training_dates: Generated<string>
  last_checked_on: string | null
  /** When it stopped being a reporting centre: the retention clock starts then. */
  closed_on: string | null
}

/** Reports a centre took in a financial quarter, and how many it passed to the police with consent. */
export interface ReportingCentreQuartersTable extends Owned, Stamped {
  centre_id: number
  /** `FY2017-18-Q1`. */
  quarter: string
  reports_taken: number
  passed_to_police: number
}

/** An entry of the community tension log. */
export interface TensionEntriesTable extends Owned, Stamped {
  /** `CT-2018-004`: names the entry without personal text (retention's tombstone keeps it). */
  reference: string
  entry_date: string
  ward_id: number
  source: string
  reporting_centre_id: number | null
  category: 'experienced' | 'evidenced' | 'potential'
  /** 1 (normal) to 5 (very high). */
  level: number
  description: string
  response: string | null
  /** The agency owning the response. */
  response_owner: string | null
  status: 'open' | 'monitoring' | 'closed'
  review_date: string | null
  /** Set when the status becomes closed (and only then): the retention clock starts then. */
  closed_on: string | null
}

/** One ward's tension level for a month. */
export interface TensionAssessmentsTable extends Owned, Stamped {
  /** `YYYY-MM`. */
  month: string
  ward_id: number
  level: number
  note: string | null
  /** The Community Cohesion Forum meeting that considered it (board_meetings). */
  meeting_id: number | null
}
