import type { Generated } from 'kysely'
import type { CaseState, Decision, RecommendationStatus, ReviewKind } from '../domain/death-review.ts'

/**
 * The death review register's tables (created by src/db/migrations/0030-death-reviews.ts). Columns ending `_sealed`
 * hold AES-256-GCM ciphertext (src/reviews/case-text-cipher.ts), never text. Dates `YYYY-MM-DD`, times ISO 8601 UTC.
 */
export interface ReviewTables {
  death_review_cases: DeathReviewCasesTable
  death_review_events: DeathReviewEventsTable
  death_review_recommendations: DeathReviewRecommendationsTable
  death_review_members: DeathReviewMembersTable
  death_review_register_grants: DeathReviewRegisterGrantsTable
  death_review_access: DeathReviewAccessTable
}

interface Owned {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
}

export interface DeathReviewCasesTable extends Owned {
  reference: string
  kind: ReviewKind
  guidance_version: string
  state: CaseState
  notified_on: string
  notified_by_sealed: string
  circumstances_sealed: string
  decision: Decision | null
  decided_on: string | null
  decision_due_on: string
  report_due_on: string | null
  home_office_informed_on: string | null
  home_office_response_on: string | null
  lead_partnership: string | null
  submitted_on: string | null
  first_approver: string | null
  second_approver: string | null
  published_on: string | null
  commissioner_copied_on: string | null
  closed_on: string | null
  /** 1: a demo case whose dates the seed does not give (shown as "Illustrative dates (not Wolverhampton's)"). */
  illustrative: Generated<number>
  version: Generated<number>
  created_at: string
  updated_at: string
  updated_by: string
}

export interface DeathReviewEventsTable extends Owned {
  case_id: number
  event: string
  occurred_on: string
  agency: string | null
  outcome: string | null
  due_on: string | null
  detail_sealed: string | null
  recorded_at: string
  recorded_by: string
}

export interface DeathReviewRecommendationsTable extends Owned {
  case_id: number
  number: number
  text_sealed: string
  owner: string
  due_on: string
  status: RecommendationStatus
  version: Generated<number>
  created_at: string
  updated_at: string
  updated_by: string
}

export interface DeathReviewMembersTable extends Owned {
  case_id: number
  user_id: number
  role_on_case: 'officer' | 'chair' | 'panel'
  added_at: string
  added_by: string
}

export interface DeathReviewRegisterGrantsTable extends Owned {
  user_id: number
  granted_at: string
  granted_by: string
}

export interface DeathReviewAccessTable extends Owned {
  case_id: number
  user_id: number
  actor: string
  kind: 'reason' | 'break-glass'
  reason_sealed: string
  opened_at: string
}
