import type { Generated } from 'kysely'

/** The publication tables (created by src/db/migrations/0006-publication.ts). Times are ISO 8601 UTC text. */
export interface PublicationTables {
  report_approvals: ReportApprovalsTable
}

export interface ReportApprovalsTable {
  id: Generated<number>
  /** The financial year approved, e.g. `FY2017-18`. */
  year: string
  kind: 'publish' | 'sign-off' | 'demo'
  /** The approving user; null for the demo loader. */
  user_id: number | null
  /** The approver's email (or "demo-data"), as the audit trail names them. */
  actor: string
  approved_at: string
}
