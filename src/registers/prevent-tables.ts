import type { Generated } from 'kysely'

/**
 * The Prevent duty's record (created by src/db/migrations/0031-prevent-and-engagement.ts). Dates `YYYY-MM-DD`,
 * times ISO 8601 UTC text. Nothing here names a person: Channel is held as case counts only.
 */
export interface PreventTables {
  prevent_arrangements: PreventArrangementsTable
  prevent_meetings: PreventMeetingsTable
  prevent_risk_assessments: PreventRiskAssessmentsTable
  prevent_referral_pathways: PreventReferralPathwaysTable
  channel_panel_meetings: ChannelPanelMeetingsTable
  prevent_register_settings: PreventRegisterSettingsTable
  prevent_training: PreventTrainingTable
  prevent_communications: PreventCommunicationsTable
  prevent_referral_counts: PreventReferralCountsTable
}

/** The columns every register row has. */
export interface RegisterRow {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
  illustrative: Generated<number>
  version: Generated<number>
  created_at: string
  updated_at: string
  updated_by: string
}

/** One per partnership: which board group, delivery priority and KPI are Prevent's. */
export interface PreventArrangementsTable extends RegisterRow {
  board_group_id: number | null
  plan_delivery_priority_id: number | null
  /** The framework KPI that counts Prevent referrals (read to compare, never written from here). */
  referrals_indicator_id: string | null
}

/** A meeting of the Prevent group or the Contest Board. */
export interface PreventMeetingsTable extends RegisterRow {
  /** Which body met, e.g. "Prevent partnership group", "Contest Board". */
  body: string
  meeting_date: string
  attendance: number | null
  /** The board meeting that was this meeting, when the group is one of the board's. */
  board_meeting_id: number | null
}

export interface PreventRiskAssessmentsTable extends RegisterRow {
  assessed_on: string
  /** "1", "2", "3", or the Home Office's current term. */
  tier: string
  summary: string | null
  review_on: string | null
}

export interface PreventReferralPathwaysTable extends RegisterRow {
  pathway_version: string
  effective_on: string
  pathway: string
}

/** A Channel panel meeting: attendance and case counts only, never a person. */
export interface ChannelPanelMeetingsTable extends RegisterRow {
  meeting_date: string
  attendance: number | null
  cases_discussed: number
  cases_adopted: number
  cases_closed: number
}

export type SettingKind = 'school' | 'college' | 'university' | 'early-years' | 'health' | 'other'

/** A setting of the area (a school, a college…) that training coverage is counted against. */
export interface PreventRegisterSettingsTable extends RegisterRow {
  kind: SettingKind
  name: string
  /** The setting's own reference, e.g. a school's URN. */
  reference: string | null
}

export interface PreventTrainingTable extends RegisterRow {
  /** E.g. "WRAP". */
  course: string
  delivered_on: string
  sessions: number
  attendees: number
  audience_organisation: string | null
  /** The setting of the register that received it, when it was one. */
  setting_id: number | null
}

export interface PreventCommunicationsTable extends RegisterRow {
  sent_on: string
  channel: string
  audience: string | null
  reach: number | null
}

export interface PreventReferralCountsTable extends RegisterRow {
  /** `FY2017-18-Q1`. */
  quarter: string
  referrals: number
  /** Who counted them, e.g. "WMP CTU". */
  source: string
}
