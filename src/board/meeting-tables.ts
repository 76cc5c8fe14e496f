import type { Generated } from 'kysely'
import type { DecisionKind } from './board-tables.ts'

/**
 * The meetings' own tables (created by src/db/migrations/0027-meetings.ts): agenda items, attendance, minutes,
 * actions, and the links from other features' things to the decision that made them. Dates `YYYY-MM-DD`, times ISO
 * 8601 UTC text.
 */
export interface MeetingTables {
  board_agenda_items: AgendaItemsTable
  board_attendance: AttendanceTable
  board_minutes: MinutesTable
  board_meeting_actions: MeetingActionsTable
  board_decision_links: DecisionLinksTable
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

export type PaperKind = 'none' | 'performance-report' | 'budget-monitoring' | 'action-status' | 'free'

export interface AgendaItemsTable extends Owned, Stamped {
  meeting_id: number
  position: number
  title: string
  /** 1: taken in private; its title and paper only for those with `board:view-exempt`. */
  exempt: number
  presenter: string | null
  paper: PaperKind
  /** A free paper's title; null for every other kind. */
  paper_title: string | null
}

export type AttendanceStatus = 'present' | 'apologies' | 'absent' | 'substitute'

export interface AttendanceTable extends Owned, Stamped {
  meeting_id: number
  membership_id: number
  status: AttendanceStatus
  substitute_name: string | null
}

export interface MinutesTable extends Owned, Stamped {
  meeting_id: number
  text: string
  state: 'draft' | 'approved'
  approved_at_meeting_id: number | null
}

export type MeetingActionStatus = 'open' | 'done' | 'dropped'

export interface MeetingActionsTable extends Owned, Stamped {
  raised_at_meeting_id: number
  text: string
  owner: string | null
  agency_id: number | null
  due_date: string | null
  status: MeetingActionStatus
  closed_at_meeting_id: number | null
}

export interface DecisionLinksTable extends Owned {
  kind: DecisionKind
  subject: string
  decision_id: number
  created_at: string
  updated_by: string
}
