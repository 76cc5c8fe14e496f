import type { Generated } from 'kysely'

/**
 * The board's and its groups' tables (created by src/db/migrations/0025-board-and-groups.ts). Dates `YYYY-MM-DD`,
 * times ISO 8601 UTC text.
 */
export interface BoardTables {
  board_groups: BoardGroupsTable
  board_memberships: BoardMembershipsTable
  board_meetings: BoardMeetingsTable
  board_decisions: BoardDecisionsTable
}

interface Owned {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
}

/** The board (`kind = 'board'`, one per partnership) or a group under it. */
export interface BoardGroupsTable extends Owned {
  name: string
  kind: 'board' | 'group'
  /** The group it reports to; null for the board. */
  parent_group_id: number | null
  purpose: string | null
  terms_of_reference: string | null
  /** In words, e.g. "Quarterly", "Monthly". */
  meeting_frequency: string | null
  /** Voting members who must be present for a decision to stand; null when the terms of reference set none. */
  quorum: number | null
  sort_order: Generated<number>
  illustrative: Generated<number>
  version: Generated<number>
  created_at: string
  updated_at: string
  updated_by: string
}

/** The kinds of organisation a seat is held for; the first five are the s.5 responsible authorities. */
export type Sector =
  | 'council'
  | 'police'
  | 'fire-and-rescue'
  | 'probation'
  | 'health'
  | 'youth-offending'
  | 'police-and-crime-commissioner'
  | 'housing'
  | 'education'
  | 'voluntary'
  | 'faith'
  | 'business'
  | 'resident'
  | 'other'

/** A seat on the board or a group, held by a person for an organisation over dates. */
export interface BoardMembershipsTable extends Owned {
  group_id: number
  person_name: string | null
  job_title: string | null
  organisation: string
  agency_id: number | null
  sector: Sector
  /** A seat that is not an organisation's, e.g. "Resident representative, Wolverhampton North East". */
  seat: string | null
  role: 'chair' | 'vice-chair' | 'member' | 'adviser'
  voting: Generated<number>
  from_date: string | null
  to_date: string | null
  illustrative: Generated<number>
  version: Generated<number>
  created_at: string
  updated_at: string
  updated_by: string
}

/** A meeting of the board or a group. */
export interface BoardMeetingsTable extends Owned {
  group_id: number
  meeting_date: string
  /** `HH:MM`, Europe/London. */
  starts_at: string | null
  location: string | null
  state: 'scheduled' | 'held' | 'cancelled'
  cancelled_reason: string | null
  illustrative: Generated<number>
  version: Generated<number>
  created_at: string
  updated_at: string
  updated_by: string
}

/** What a decision decided, where saferhub acts on it; `resolution` for any other. */
export type DecisionKind =
  | 'resolution'
  | 'report-sign-off'
  | 'publication-approval'
  | 'strategy-approval'
  | 'budget-approval'
  | 'annual-report-approval'
  | 'appendix-a-approval'

/** A resolution of a meeting. */
export interface BoardDecisionsTable extends Owned {
  meeting_id: number
  /** As the minutes number it, e.g. "7" or "7.2". */
  minute_number: string | null
  kind: DecisionKind
  /** The thing decided, e.g. `FY2017-18-Q4` for a sign-off, `FY2017-18` for a year's report or budget. */
  subject: string | null
  text: string
  illustrative: Generated<number>
  version: Generated<number>
  created_at: string
  updated_at: string
  updated_by: string
}
