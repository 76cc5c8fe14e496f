import type { Generated } from 'kysely'

/**
 * Appendix A's and the 360Giving export's tables (created by src/db/migrations/0022-appendix-a.ts). Times are ISO 8601
 * UTC text; years financial years (`FY2018-19`).
 */
export interface AppendixATables {
  appendix_a_narratives: AppendixANarrativesTable
  appendix_a_approvals: AppendixAApprovalsTable
  appendix_a_publications: AppendixAPublicationsTable
  grant_publishing_settings: GrantPublishingSettingsTable
}

interface Owned {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
}

/** The partnership's paragraph about a year's money, as written. */
export interface AppendixANarrativesTable extends Owned {
  year: string
  text: string
  updated_at: string
  updated_by: string
}

/** One person's approval to publish a year's Appendix A (round 1 the first publication, 2 the next, …). */
export interface AppendixAApprovalsTable extends Owned {
  year: string
  round: number
  user_id: number | null
  /** The approver's email (or "demo-data"), as the audit trail names them. */
  actor: string
  approved_at: string
  /** SHA-256 of the Appendix A (its JSON) the approver saw: approvals of different figures do not add up. */
  content_sha256: string
}

/** What a completed round published: the Appendix A as it then was. */
export interface AppendixAPublicationsTable extends Owned {
  year: string
  round: number
  /** When the approval that completed the round was given. */
  published_at: string
  /** The AppendixA (src/funding/appendix-a.ts) as JSON. */
  content: string
  /** The round's approvals as JSON. */
  approvals: string
}

/** How the partnership names itself and its grants in 360Giving data. */
export interface GrantPublishingSettingsTable extends Owned {
  /** Its registered 360Giving prefix, e.g. `360G-saferwolverhampton`. */
  prefix: string
  /** Its organisation identifier as funder (org-id.guide), e.g. `GB-LAE-WLV` for the council that holds the grant. */
  funder_org_id: string
  funder_name: string
  updated_at: string
  updated_by: string
}
