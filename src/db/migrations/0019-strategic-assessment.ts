import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'

/**
 * The annual strategic assessment (Crime and Disorder Act 1998 s.6 and its regulations, SI 2007/1830): the year it
 * informs, the data window it reads, findings per theme, each finding's citations of saferhub's own figures, threats
 * scored impact × likelihood, recommendations (each may be adopted as a delivery priority of the year it informs),
 * and the consultation that informed it.
 *
 * Rules the database holds, as in 0018:
 * - Every table is the partnership's (`partnership_id`, row-level security on PostgreSQL) and every reference between
 *   them is composite `(partnership_id, x_id)`, so nothing can point at another partnership's assessment or priority.
 * - One assessment per partnership and year. `status` is `draft` or `final`; `finalised_at`/`finalised_by` are set
 *   together exactly when final.
 * - A threat's impact and likelihood are whole numbers 1–5; its score and rating band are never stored (computed).
 * - A citation is a reference (kind, key, period), never a typed number: `frozen_value`/`frozen_source` are written
 *   only when the assessment is made final (the figure as it stood then), `frozen_at` with them.
 * - `illustrative` (0/1) marks the demo's assessment, whose narrative is not the seed's.
 *
 * Frozen in time: this file imports no application code.
 */
export const strategicAssessmentMigration: Migration = {
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
    const audited = <B extends CreateTableBuilder<string, never>>(builder: B): B =>
      builder
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull()) as B
    const yearShape = (column: string) => sql.raw(`length(${column}) = 9 and substr(${column}, 1, 2) = 'FY'`)
    const quarterShape = (column: string) =>
      sql.raw(`length(${column}) = 12 and substr(${column}, 1, 2) = 'FY' and substr(${column}, 10, 2) = '-Q'`)

    await audited(
      owned('strategic_assessments')
        .addColumn('year', 'text', (c) => c.notNull())
        .addColumn('data_from', 'text', (c) => c.notNull())
        .addColumn('data_to', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('summary', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('finalised_at', 'text')
        .addColumn('finalised_by', 'text')
        .addColumn('illustrative', 'integer', (c) => c.notNull().defaultTo(0))
        .addCheckConstraint('strategic_assessments_year_shape', yearShape('year'))
        .addCheckConstraint('strategic_assessments_from_shape', quarterShape('data_from'))
        .addCheckConstraint('strategic_assessments_to_shape', quarterShape('data_to'))
        .addCheckConstraint('strategic_assessments_window_in_order', sql`data_from <= data_to`)
        .addCheckConstraint('strategic_assessments_title_present', sql`length(title) > 0`)
        .addCheckConstraint('strategic_assessments_status_known', sql`status in ('draft', 'final')`)
        .addCheckConstraint(
          'strategic_assessments_final_recorded',
          sql`(status = 'draft') = (finalised_at is null) and (finalised_at is null) = (finalised_by is null)`,
        )
        .addCheckConstraint('strategic_assessments_illustrative_flag', sql`illustrative in (0, 1)`)
        .addUniqueConstraint('strategic_assessments_partnership_row', ['partnership_id', 'id'])
        .addUniqueConstraint('strategic_assessments_year_once', ['partnership_id', 'year']),
    ).execute()

    // A finding: ordered text under a theme, the theme a free name or one of the strategy's strategic priorities.
    await audited(
      inSamePartnership(
        inSamePartnership(
          owned('assessment_findings')
            .addColumn('assessment_id', 'integer', (c) => c.notNull())
            .addColumn('position', 'integer', (c) => c.notNull())
            .addColumn('theme', 'text', (c) => c.notNull())
            .addColumn('strategic_priority_id', 'integer')
            .addColumn('text', 'text', (c) => c.notNull())
            .addCheckConstraint('assessment_findings_theme_present', sql`length(theme) > 0`)
            .addCheckConstraint('assessment_findings_text_present', sql`length(text) > 0`)
            .addUniqueConstraint('assessment_findings_partnership_row', ['partnership_id', 'id']),
          'assessment_findings_assessment',
          'assessment_id',
          'strategic_assessments',
        ),
        'assessment_findings_priority',
        'strategic_priority_id',
        'strategic_priorities',
      ),
    ).execute()

    await audited(
      inSamePartnership(
        owned('assessment_citations')
          .addColumn('finding_id', 'integer', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('period', 'text', (c) => c.notNull())
          .addColumn('frozen_value', 'text')
          .addColumn('frozen_source', 'text')
          .addColumn('frozen_at', 'text')
          .addCheckConstraint('assessment_citations_period_shape', yearShape('period'))
          .addCheckConstraint('assessment_citations_key_present', sql`length(key) > 0`)
          .addCheckConstraint(
            'assessment_citations_frozen_together',
            sql`(frozen_at is null) = (frozen_source is null) and (frozen_value is null or frozen_at is not null)`,
          ),
        'assessment_citations_finding',
        'finding_id',
        'assessment_findings',
      ),
    ).execute()

    await audited(
      inSamePartnership(
        inSamePartnership(
          owned('assessment_threats')
            .addColumn('assessment_id', 'integer', (c) => c.notNull())
            .addColumn('position', 'integer', (c) => c.notNull())
            .addColumn('title', 'text', (c) => c.notNull())
            .addColumn('description', 'text')
            .addColumn('strategic_priority_id', 'integer')
            .addColumn('impact', 'integer', (c) => c.notNull())
            .addColumn('likelihood', 'integer', (c) => c.notNull())
            .addCheckConstraint('assessment_threats_title_present', sql`length(title) > 0`)
            .addCheckConstraint('assessment_threats_impact_range', sql`impact between 1 and 5`)
            .addCheckConstraint('assessment_threats_likelihood_range', sql`likelihood between 1 and 5`),
          'assessment_threats_assessment',
          'assessment_id',
          'strategic_assessments',
        ),
        'assessment_threats_priority',
        'strategic_priority_id',
        'strategic_priorities',
      ),
    ).execute()

    // A recommendation; once adopted it keeps the delivery priority it became (and who adopted it, when).
    await audited(
      inSamePartnership(
        inSamePartnership(
          owned('assessment_recommendations')
            .addColumn('assessment_id', 'integer', (c) => c.notNull())
            .addColumn('position', 'integer', (c) => c.notNull())
            .addColumn('text', 'text', (c) => c.notNull())
            .addColumn('delivery_priority_id', 'integer')
            .addColumn('adopted_at', 'text')
            .addColumn('adopted_by', 'text')
            .addCheckConstraint('assessment_recommendations_text_present', sql`length(text) > 0`)
            .addCheckConstraint(
              'assessment_recommendations_adoption_recorded',
              sql`(delivery_priority_id is null) = (adopted_at is null) and (adopted_at is null) = (adopted_by is null)`,
            ),
          'assessment_recommendations_assessment',
          'assessment_id',
          'strategic_assessments',
        ),
        'assessment_recommendations_delivery_priority',
        'delivery_priority_id',
        'delivery_priorities',
      ),
    ).execute()

    // Consultation (s.6 and its regulations): who, when, how, what was said and how the partnership answered.
    await audited(
      inSamePartnership(
        owned('assessment_consultations')
          .addColumn('assessment_id', 'integer', (c) => c.notNull())
          .addColumn('consultee', 'text', (c) => c.notNull())
          .addColumn('consultee_kind', 'text', (c) => c.notNull())
          .addColumn('held_from', 'text', (c) => c.notNull())
          .addColumn('held_to', 'text')
          .addColumn('method', 'text', (c) => c.notNull())
          .addColumn('what_was_said', 'text', (c) => c.notNull())
          .addColumn('response', 'text')
          .addCheckConstraint('assessment_consultations_consultee_present', sql`length(consultee) > 0`)
          .addCheckConstraint(
            'assessment_consultations_kind_known',
            sql`consultee_kind in ('group', 'organisation', 'public')`,
          )
          .addCheckConstraint(
            'assessment_consultations_method_known',
            sql`method in ('survey', 'meeting', 'online', 'event', 'focus-group', 'written', 'other')`,
          )
          .addCheckConstraint('assessment_consultations_from_shape', sql`length(held_from) = 10`)
          .addCheckConstraint('assessment_consultations_to_shape', sql`held_to is null or length(held_to) = 10`)
          .addCheckConstraint('assessment_consultations_dates_in_order', sql`held_to is null or held_from <= held_to`)
          .addCheckConstraint('assessment_consultations_said_present', sql`length(what_was_said) > 0`),
        'assessment_consultations_assessment',
        'assessment_id',
        'strategic_assessments',
      ),
    ).execute()

    for (const [table, column] of [
      ['assessment_findings', 'assessment_id'],
      ['assessment_citations', 'finding_id'],
      ['assessment_threats', 'assessment_id'],
      ['assessment_recommendations', 'assessment_id'],
      ['assessment_consultations', 'assessment_id'],
    ] as const) {
      await db.schema.createIndex(`${table}_by_parent`).on(table).columns(['partnership_id', column]).execute()
    }

    if (dialect === 'postgres') {
      for (const table of TABLES) {
        // The row-level security policy of 0014 (the same expression), as 0018 adds it to its tables.
        await sql`alter table ${sql.table(table)} enable row level security`.execute(db)
        await sql`alter table ${sql.table(table)} force row level security`.execute(db)
        await sql`create policy "partnership_rows" on ${sql.table(table)} for all using ${ROWS} with check ${ROWS}`.execute(
          db,
        )
      }
    }
  },

  async down() {
    throw new Error('The strategic assessment migration cannot be undone: restore a backup taken before it instead.')
  },
}

/** The tables this migration makes, each the partnership's own. */
const TABLES = [
  'strategic_assessments',
  'assessment_findings',
  'assessment_citations',
  'assessment_threats',
  'assessment_recommendations',
  'assessment_consultations',
]

/** The rows a connection may see, exactly as migration 0014 wrote it (copied: a migration is frozen in time). */
const ROWS = sql.raw(`(
  partnership_id = (
    select case when setting ~ '^[1-9][0-9]{0,8}$' then setting::integer end
    from current_setting('saferhub.partnership_id', true) as setting
  )
  or (select current_setting('saferhub.partnership_id', true)) = 'all'
)`)
