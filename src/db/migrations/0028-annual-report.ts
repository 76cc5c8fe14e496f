import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'

/**
 * The annual report builder (issue 11, items 3 and 5):
 *
 * - `annual_reports`: one per financial year (`FY2018-19`), moving draft → in-review → approved → published, with the
 *   board's decision that approved it (`approved_decision_id`, a row of `board_decisions`), its editable glossary
 *   (JSON `[{term, meaning}]`) and `round` (1 until the first publication is reopened for an amendment, then 2, …);
 *   `approved_document` the public document as approved (its figures and generated appendices as they were then),
 *   which publication stores: what is published is what the board approved.
 * - `annual_report_chapters`: its chapters in order (`position`).
 * - `annual_report_blocks`: a chapter's blocks in order; `kind` text | figure | table | chart | case-study | generated;
 *   `content` JSON whose shape the kind fixes (src/annual-report/annual-report-blocks.ts). `version` counts saves, so
 *   a save from a stale form is refused rather than overwriting someone else's text.
 * - `annual_report_block_locks`: who is editing a block, since when, until when (at most one per block).
 * - `annual_report_comments`: comments on a block, each resolved by someone (and when) or still open.
 * - `annual_report_case_studies`: a case study's title and text, whether it is anonymised, who recorded the subject's
 *   consent and its date, who approved it and when.
 * - `annual_report_frozen_figures`: at approval, every figure the report binds, as the `Figure` JSON it then was.
 * - `annual_report_publications`: each publication of the whole document (`PrintableDocument` JSON) with who and
 *   when and the board's decision that approved it (a round needs a decision of its own); a later round carries its
 *   amendment's date, what changed and why.
 *
 * Composite keys `(partnership_id, x_id)` as 0018/0025, row-level security on PostgreSQL as 0014. Times ISO 8601 UTC
 * text, dates `YYYY-MM-DD`. Frozen in time: this file imports no application code.
 */
export const annualReportMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const dialect = dialectOf(db)
    const owned = (name: string) =>
      withId(db, createTable(db, name)).addColumn('partnership_id', 'integer', (c) =>
        c.notNull().references('partnerships.id'),
      )
    const inSamePartnership = <B extends CreateTableBuilder<string, never>>(
      builder: B,
      name: string,
      column: string,
      table: string,
    ): B =>
      (builder as unknown as CreateTableBuilder<string, string>).addForeignKeyConstraint(
        name,
        ['partnership_id', column],
        table,
        ['partnership_id', 'id'],
      ) as unknown as B

    await inSamePartnership(
      owned('annual_reports')
        .addColumn('year', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('round', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('glossary', 'text', (c) => c.notNull())
        .addColumn('approved_decision_id', 'integer')
        .addColumn('approved_at', 'text')
        .addColumn('approved_by', 'text')
        .addColumn('approved_document', 'text')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addCheckConstraint('annual_reports_state_known', sql`state in ('draft', 'in-review', 'approved', 'published')`)
        .addCheckConstraint('annual_reports_year_shape', sql`length(year) = 9`)
        .addCheckConstraint('annual_reports_round_positive', sql`round >= 1`)
        .addUniqueConstraint('annual_reports_partnership_row', ['partnership_id', 'id'])
        .addUniqueConstraint('annual_reports_year_once', ['partnership_id', 'year']),
      'annual_reports_decision',
      'approved_decision_id',
      'board_decisions',
    ).execute()

    await inSamePartnership(
      owned('annual_report_chapters')
        .addColumn('report_id', 'integer', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addCheckConstraint('annual_report_chapters_title_present', sql`length(title) > 0`)
        .addUniqueConstraint('annual_report_chapters_partnership_row', ['partnership_id', 'id']),
      'annual_report_chapters_report',
      'report_id',
      'annual_reports',
    ).execute()

    await inSamePartnership(
      owned('annual_report_blocks')
        .addColumn('chapter_id', 'integer', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addCheckConstraint(
          'annual_report_blocks_kind_known',
          sql`kind in ('text', 'figure', 'table', 'chart', 'case-study', 'generated')`,
        )
        .addUniqueConstraint('annual_report_blocks_partnership_row', ['partnership_id', 'id']),
      'annual_report_blocks_chapter',
      'chapter_id',
      'annual_report_chapters',
    ).execute()

    await inSamePartnership(
      owned('annual_report_block_locks')
        .addColumn('block_id', 'integer', (c) => c.notNull())
        .addColumn('locked_by', 'text', (c) => c.notNull())
        .addColumn('locked_by_name', 'text', (c) => c.notNull())
        .addColumn('since', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('annual_report_block_locks_once', ['partnership_id', 'block_id']),
      'annual_report_block_locks_block',
      'block_id',
      'annual_report_blocks',
    ).execute()

    await inSamePartnership(
      owned('annual_report_comments')
        .addColumn('block_id', 'integer', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('made_by', 'text', (c) => c.notNull())
        .addColumn('made_at', 'text', (c) => c.notNull())
        .addColumn('resolved_by', 'text')
        .addColumn('resolved_at', 'text')
        .addCheckConstraint('annual_report_comments_text_present', sql`length(text) > 0`)
        .addUniqueConstraint('annual_report_comments_partnership_row', ['partnership_id', 'id']),
      'annual_report_comments_block',
      'block_id',
      'annual_report_blocks',
    ).execute()

    await inSamePartnership(
      owned('annual_report_case_studies')
        .addColumn('report_id', 'integer', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('anonymised', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('consent_recorded_by', 'text')
        .addColumn('consent_date', 'text')
        .addColumn('approved_by', 'text')
        .addColumn('approved_at', 'text')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addCheckConstraint('annual_report_case_studies_anonymised_flag', sql`anonymised in (0, 1)`)
        .addCheckConstraint(
          'annual_report_case_studies_consent_date_shape',
          sql`consent_date is null or length(consent_date) = 10`,
        )
        .addUniqueConstraint('annual_report_case_studies_partnership_row', ['partnership_id', 'id']),
      'annual_report_case_studies_report',
      'report_id',
      'annual_reports',
    ).execute()

    await inSamePartnership(
      owned('annual_report_frozen_figures')
        .addColumn('report_id', 'integer', (c) => c.notNull())
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('figure_key', 'text', (c) => c.notNull())
        .addColumn('figure', 'text', (c) => c.notNull())
        .addColumn('frozen_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('annual_report_frozen_figures_once', [
          'partnership_id',
          'report_id',
          'round',
          'figure_key',
        ]),
      'annual_report_frozen_figures_report',
      'report_id',
      'annual_reports',
    ).execute()

    await inSamePartnership(
      owned('annual_report_publications')
        .addColumn('report_id', 'integer', (c) => c.notNull())
        .addColumn('year', 'text', (c) => c.notNull())
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('decision_id', 'integer', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text', (c) => c.notNull())
        .addColumn('published_by', 'text', (c) => c.notNull())
        .addColumn('amended_on', 'text')
        .addColumn('amendment_note', 'text')
        .addColumn('amendment_reason', 'text')
        .addUniqueConstraint('annual_report_publications_round_once', ['partnership_id', 'report_id', 'round']),
      'annual_report_publications_report',
      'report_id',
      'annual_reports',
    ).execute()

    if (dialect === 'postgres') {
      for (const table of TABLES) {
        await sql`alter table ${sql.table(table)} enable row level security`.execute(db)
        await sql`alter table ${sql.table(table)} force row level security`.execute(db)
        await sql`create policy "partnership_rows" on ${sql.table(table)} for all using ${ROWS} with check ${ROWS}`.execute(
          db,
        )
      }
    }
  },

  async down() {
    throw new Error('The annual report migration cannot be undone: restore a backup taken before it instead.')
  },
}

const TABLES = [
  'annual_reports',
  'annual_report_chapters',
  'annual_report_blocks',
  'annual_report_block_locks',
  'annual_report_comments',
  'annual_report_case_studies',
  'annual_report_frozen_figures',
  'annual_report_publications',
]

/** The rows a connection may see, exactly as migration 0014 wrote it (copied: a migration is frozen in time). */
const ROWS = sql.raw(`(
  partnership_id = (
    select case when setting ~ '^[1-9][0-9]{0,8}$' then setting::integer end
    from current_setting('saferhub.partnership_id', true) as setting
  )
  or (select current_setting('saferhub.partnership_id', true)) = 'all'
)`)
