import type { Generated } from 'kysely'

/**
 * The strategic assessment's tables (created by src/db/migrations/0019-strategic-assessment.ts): the assessment, its
 * findings and their citations of saferhub's figures, threats, recommendations and consultation. Every row is one
 * partnership's, and every reference between them stays inside the partnership (composite keys).
 */
export interface AssessmentTables {
  strategic_assessments: StrategicAssessmentsTable
  assessment_findings: AssessmentFindingsTable
  assessment_citations: AssessmentCitationsTable
  assessment_threats: AssessmentThreatsTable
  assessment_recommendations: AssessmentRecommendationsTable
  assessment_consultations: AssessmentConsultationsTable
}

export type AssessmentStatus = 'draft' | 'final'

interface Owned {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
}

interface Changed {
  updated_at: string
  /** Who last changed the row, as the audit trail names them (an email, or `demo-data`). */
  updated_by: string
}

export interface StrategicAssessmentsTable extends Owned, Changed {
  /** The financial year the assessment informs (`FY2018-19`): its recommendations become that year's delivery priorities. */
  year: string
  /** The first and last quarter of the data it reads (`FY2017-18-Q1`, `FY2017-18-Q4`). */
  data_from: string
  data_to: string
  title: string
  summary: string | null
  status: AssessmentStatus
  finalised_at: string | null
  finalised_by: string | null
  /** 1 for the demo's assessment: its narrative is not the seed's. */
  illustrative: number
}

export interface AssessmentFindingsTable extends Owned, Changed {
  assessment_id: number
  position: number
  /** The theme as shown: a strategic priority's name when `strategic_priority_id` is set, else free text. */
  theme: string
  strategic_priority_id: number | null
  text: string
}

export interface AssessmentCitationsTable extends Owned, Changed {
  finding_id: number
  position: number
  /** What is cited (see src/plan/assessment-citations.ts: `kpi-outturn`, `crime-headline`, …). */
  kind: string
  /** Which figure of that kind: a KPI's id, or a crime headline's key. */
  key: string
  /** The financial year of the figure (`FY2017-18`). */
  period: string
  /** Written when the assessment is made final: the figure as it stood then (null: there was none). */
  frozen_value: string | null
  frozen_source: string | null
  frozen_at: string | null
}

export interface AssessmentThreatsTable extends Owned, Changed {
  assessment_id: number
  position: number
  title: string
  description: string | null
  strategic_priority_id: number | null
  /** 1–5 each; the score (impact × likelihood) and its band are computed, never stored. */
  impact: number
  likelihood: number
}

export interface AssessmentRecommendationsTable extends Owned, Changed {
  assessment_id: number
  position: number
  text: string
  /** The delivery priority it was adopted as (with who and when), or null while not adopted. */
  delivery_priority_id: number | null
  adopted_at: string | null
  adopted_by: string | null
}

export type ConsulteeKind = 'group' | 'organisation' | 'public'
export type ConsultationMethod = 'survey' | 'meeting' | 'online' | 'event' | 'focus-group' | 'written' | 'other'

export interface AssessmentConsultationsTable extends Owned, Changed {
  assessment_id: number
  consultee: string
  consultee_kind: ConsulteeKind
  /** The date it was held, or the first day of a period it ran over (`YYYY-MM-DD`). */
  held_from: string
  held_to: string | null
  method: ConsultationMethod
  what_was_said: string
  /** How the partnership answered what was said. */
  response: string | null
}
