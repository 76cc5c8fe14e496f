import type { Generated } from 'kysely'

/**
 * The publication tables (created by src/db/migrations/0006-publication.ts and 0010-commentary-review.ts). Times
 * are ISO 8601 UTC text.
 */
export interface PublicationTables {
  report_approvals: ReportApprovalsTable
  commentary_reviews: CommentaryReviewsTable
  publication_snapshots: PublicationSnapshotsTable
}

export interface ReportApprovalsTable {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
  /** The financial year approved, e.g. `FY2017-18`. */
  year: string
  kind: 'publish' | 'sign-off' | 'demo'
  /** The approving user; null for the demo loader. */
  user_id: number | null
  /** The approver's email (or "demo-data"), as the audit trail names them. */
  actor: string
  approved_at: string
  /** Which publication of the year the approval is for: 1 the first, 2 the first amendment, … (migration 0015). */
  round: number
  /** The reason for an amendment, given with a publish approval of round 2 or later; null otherwise. */
  reason: string | null
}

/** One publication of a year: the protected public report exactly as it was published (migration 0015). */
export interface PublicationSnapshotsTable {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
  year: string
  round: number
  /** When the approval that completed the round was given. */
  published_at: string
  /** When the snapshot was written: later than `published_at` for a year published before snapshots existed. */
  taken_at: string
  /** The PublicReport (src/public/public-report.ts) as JSON. */
  report: string
  /** The round's approvals (Approval[]) as JSON. */
  approvals: string
  /** Why the year was published again; null for round 1. */
  reason: string | null
  /** What changed against the round before (FigureDifference[]) as JSON; [] for round 1. */
  changes: string
}

/** The latest review decision about one KPI's withheld commentary in one year (the history is in the audit trail). */
export interface CommentaryReviewsTable {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
  year: string
  indicator_id: string
  /** The period the commentary was written for, as shown to the reviewer. */
  period: string | null
  /** SHA-256 (hex) of the exact commentary the decision was made about. */
  text_sha256: string
  decision: 'release' | 'reword' | 'withhold'
  /** The wording to publish instead: present exactly for `reword`. */
  public_text: string | null
  user_id: number | null
  /** The reviewer's email, as the audit trail names them. */
  decided_by: string
  decided_at: string
}
