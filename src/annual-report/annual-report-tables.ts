import type { Generated } from 'kysely'

/**
 * The annual report's tables (created by src/db/migrations/0028-annual-report.ts). Times ISO 8601 UTC text; years
 * financial years (`FY2018-19`).
 */
export interface AnnualReportTables {
  annual_reports: AnnualReportsTable
  annual_report_chapters: AnnualReportChaptersTable
  annual_report_blocks: AnnualReportBlocksTable
  annual_report_block_locks: AnnualReportBlockLocksTable
  annual_report_comments: AnnualReportCommentsTable
  annual_report_case_studies: AnnualReportCaseStudiesTable
  annual_report_frozen_figures: AnnualReportFrozenFiguresTable
  annual_report_publications: AnnualReportPublicationsTable
}

interface Owned {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
}

export type AnnualReportState = 'draft' | 'in-review' | 'approved' | 'published'
export type BlockKind = 'text' | 'figure' | 'table' | 'chart' | 'case-study' | 'generated'

export interface AnnualReportsTable extends Owned {
  year: string
  title: string
  state: AnnualReportState
  /** 1 until the first publication is reopened for an amendment. */
  round: Generated<number>
  /** JSON `[{ term, meaning }]`. */
  glossary: string
  approved_decision_id: number | null
  approved_at: string | null
  approved_by: string | null
  /** The public `PrintableDocument` as approved (JSON): what publication stores. */
  approved_document: string | null
  version: Generated<number>
  created_at: string
  updated_at: string
  updated_by: string
}

export interface AnnualReportChaptersTable extends Owned {
  report_id: number
  position: number
  title: string
  version: Generated<number>
  updated_at: string
  updated_by: string
}

export interface AnnualReportBlocksTable extends Owned {
  chapter_id: number
  position: number
  kind: BlockKind
  /** JSON, its shape fixed by the kind (src/annual-report/annual-report-blocks.ts). */
  content: string
  version: Generated<number>
  updated_at: string
  updated_by: string
}

export interface AnnualReportBlockLocksTable extends Owned {
  block_id: number
  /** The editor's email. */
  locked_by: string
  /** Their name as others see it ("Being edited by …"). */
  locked_by_name: string
  since: string
  expires_at: string
}

export interface AnnualReportCommentsTable extends Owned {
  block_id: number
  text: string
  made_by: string
  made_at: string
  resolved_by: string | null
  resolved_at: string | null
}

export interface AnnualReportCaseStudiesTable extends Owned {
  report_id: number
  title: string
  text: string
  anonymised: Generated<number>
  consent_recorded_by: string | null
  consent_date: string | null
  approved_by: string | null
  approved_at: string | null
  version: Generated<number>
  updated_at: string
  updated_by: string
}

export interface AnnualReportFrozenFiguresTable extends Owned {
  report_id: number
  round: number
  figure_key: string
  /** The `Figure` (src/annual-report/figures.ts) as JSON. */
  figure: string
  frozen_at: string
}

export interface AnnualReportPublicationsTable extends Owned {
  report_id: number
  year: string
  round: number
  /** The board's decision that approved this round. */
  decision_id: number
  /** The published `PrintableDocument` as JSON. */
  content: string
  published_at: string
  published_by: string
  amended_on: string | null
  amendment_note: string | null
  amendment_reason: string | null
}
