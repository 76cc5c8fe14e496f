import type { Generated } from 'kysely'

/** Partnerships and who belongs to them (migration 0013). */
export interface PartnershipTables {
  partnerships: PartnershipsTable
  partnership_agencies: PartnershipAgenciesTable
  memberships: MembershipsTable
}

export interface PartnershipsTable {
  id: Generated<number>
  slug: string
  name: string
  ons_code: string | null
  nation: string
  /** Null: the instance's setting (`SAFERHUB_SDC_MINIMUM_COUNT`). */
  disclosure_minimum: number | null
  /** Null: the instance's setting (`SAFERHUB_RETURNS_DUE_DAYS`). */
  returns_due_days: number | null
  /** Null: the instance's setting (`SAFERHUB_TWO_STEP`). */
  two_step_policy: string | null
  /** The last audit event written before this partnership was made from a single-partnership database. */
  audit_legacy_through: number | null
  created_at: string
  created_by: string
  updated_at: string
  /** When it was removed (migration 0016); null while it is in use. A removed partnership's row stays for its audit
   * events, which name it. */
  removed_at: string | null
  removed_by: string | null
}

export interface PartnershipAgenciesTable {
  partnership_id: number
  agency_id: number
  linked_at: string
}

export interface MembershipsTable {
  user_id: number
  partnership_id: number
  role: string
  agency_id: number | null
  created_at: string
  updated_at: string
}
