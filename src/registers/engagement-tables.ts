import type { RegisterRow } from './prevent-tables.ts'

/**
 * Engagement activities, consultations and surveys, and covenant sign-ups (created by
 * src/db/migrations/0031-prevent-and-engagement.ts). Dates `YYYY-MM-DD`.
 */
export interface EngagementTables {
  engagement_activities: EngagementActivitiesTable
  engagement_consultations: EngagementConsultationsTable
  covenant_signatories: CovenantSignatoriesTable
}

export type ActivityType =
  'event' | 'campaign' | 'training' | 'pact-meeting' | 'survey' | 'social-media' | 'consultation'

export interface EngagementActivitiesTable extends RegisterRow {
  activity_type: ActivityType
  title: string
  held_on: string
  /** The plan's strategic priority it served, if any. */
  priority_id: number | null
  audience: string | null
  /** The organisations taking part, in words. */
  organisations: string | null
  reach: number | null
  participants: number | null
}

export interface EngagementConsultationsTable extends RegisterRow {
  title: string
  opens_on: string
  closes_on: string | null
  responses: number | null
  findings: string | null
}

export interface CovenantSignatoriesTable extends RegisterRow {
  /** E.g. "Wolverhampton Faith Covenant". */
  covenant: string
  organisation: string
  /** As the board's sectors (src/board/board-tables.ts). */
  sector: string
  signed_on: string
}
