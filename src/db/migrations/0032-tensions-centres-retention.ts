import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'

/**
 * Community tension monitoring, hate-crime third-party reporting centres and retention (issue 12, items 4, 5 and 7):
 *
 * - `register_wards`: the partnership's wards (name, ONS code where known): the areas tensions are assessed in and
 *   centres serve. The instance ships no ward lookup (reference/ons holds LSOA → district → partnership only), so a
 *   partnership lists its own.
 * - `tension_entries`: the monthly tension log: an entry's date, ward, source (and the reporting centre it came
 *   through, if any), category (experienced, evidenced, potential), level (1-5), what happened, the response and the
 *   agency owning it, status (open, monitoring, closed), the next review date and when it was closed (the retention
 *   clock starts then).
 * - `tension_assessments`: one ward's tension level for a month (`YYYY-MM`), with a note and, optionally, the
 *   Community Cohesion Forum meeting that considered it.
 * - `reporting_centres`: a third-party hate-crime reporting centre: organisation, ward, strands served (a
 *   comma-separated list of known strands), trained staff, training dates (`;`-separated `YYYY-MM-DD`), when it was
 *   last checked active, and when it closed (the retention clock starts then).
 * - `reporting_centre_quarters`: reports a centre took in a financial quarter (`FY2017-18-Q1`) and how many it
 *   passed to the police with the reporter's consent.
 * - `retention_periods`: a record type's retention period in months and the reason for it (defaults live in code).
 * - `retention_tombstones`: what remains of a record deleted under retention: its type, id, a label holding no
 *   personal text, when its clock started, when and by whom it was deleted, why, and the period applied.
 *
 * References between the partnership's rows are composite `(partnership_id, x_id)` as in 0018/0025, with row-level
 * security on PostgreSQL as in 0014. Dates are `YYYY-MM-DD`, times ISO 8601 UTC text; `illustrative` (0/1) marks a
 * demo row the seed does not give. Frozen in time: this file imports no application code.
 */
export const tensionsCentresRetentionMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const dialect = dialectOf(db)
    const owned = (name: string) =>
      withId(db, createTable(db, name)).addColumn('partnership_id', 'integer', (c) =>
        c.notNull().references('partnerships.id'),
      )
    const sameP = <B extends CreateTableBuilder<string, never>>(
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
    const dateShape = (column: string) => sql.raw(`${column} is null or length(${column}) = 10`)
    const stamps = <B extends CreateTableBuilder<string, never>>(b: B): B =>
      (b as unknown as CreateTableBuilder<string, string>)
        .addColumn('illustrative', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull()) as unknown as B

    await stamps(
      owned('register_wards')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('ons_code', 'text')
        .addCheckConstraint('register_wards_name_present', sql`length(name) > 0`)
        .addCheckConstraint('register_wards_code_shape', sql`ons_code is null or length(ons_code) = 9`)
        .addUniqueConstraint('register_wards_partnership_row', ['partnership_id', 'id'])
        .addUniqueConstraint('register_wards_name_once', ['partnership_id', 'name']),
    ).execute()

    await sameP(
      stamps(
        owned('reporting_centres')
          .addColumn('organisation', 'text', (c) => c.notNull())
          .addColumn('ward_id', 'integer', (c) => c.notNull())
          .addColumn('strands', 'text', (c) => c.notNull())
          .addColumn('trained_staff', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('training_dates', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('last_checked_on', 'text')
          .addColumn('closed_on', 'text')
          .addCheckConstraint('reporting_centres_organisation_present', sql`length(organisation) > 0`)
          .addCheckConstraint('reporting_centres_staff_count', sql`trained_staff >= 0`)
          .addCheckConstraint('reporting_centres_checked_shape', dateShape('last_checked_on'))
          .addCheckConstraint('reporting_centres_closed_shape', dateShape('closed_on'))
          .addUniqueConstraint('reporting_centres_partnership_row', ['partnership_id', 'id'])
          .addUniqueConstraint('reporting_centres_organisation_once', ['partnership_id', 'organisation']),
      ),
      'reporting_centres_ward',
      'ward_id',
      'register_wards',
    ).execute()

    await sameP(
      stamps(
        owned('reporting_centre_quarters')
          .addColumn('centre_id', 'integer', (c) => c.notNull())
          .addColumn('quarter', 'text', (c) => c.notNull())
          .addColumn('reports_taken', 'integer', (c) => c.notNull())
          .addColumn('passed_to_police', 'integer', (c) => c.notNull())
          .addCheckConstraint('reporting_centre_quarters_shape', sql`length(quarter) = 12`)
          .addCheckConstraint(
            'reporting_centre_quarters_counts',
            sql`reports_taken >= 0 and passed_to_police >= 0 and passed_to_police <= reports_taken`,
          )
          .addUniqueConstraint('reporting_centre_quarters_partnership_row', ['partnership_id', 'id'])
          .addUniqueConstraint('reporting_centre_quarters_once', ['partnership_id', 'centre_id', 'quarter']),
      ),
      'reporting_centre_quarters_centre',
      'centre_id',
      'reporting_centres',
    ).execute()

    await sameP(
      sameP(
        stamps(
          owned('tension_entries')
            .addColumn('reference', 'text', (c) => c.notNull())
            .addColumn('entry_date', 'text', (c) => c.notNull())
            .addColumn('ward_id', 'integer', (c) => c.notNull())
            .addColumn('source', 'text', (c) => c.notNull())
            .addColumn('reporting_centre_id', 'integer')
            .addColumn('category', 'text', (c) => c.notNull())
            .addColumn('level', 'integer', (c) => c.notNull())
            .addColumn('description', 'text', (c) => c.notNull())
            .addColumn('response', 'text')
            .addColumn('response_owner', 'text')
            .addColumn('status', 'text', (c) => c.notNull())
            .addColumn('review_date', 'text')
            .addColumn('closed_on', 'text')
            .addCheckConstraint('tension_entries_date_shape', sql`length(entry_date) = 10`)
            .addCheckConstraint('tension_entries_review_shape', dateShape('review_date'))
            .addCheckConstraint('tension_entries_closed_shape', dateShape('closed_on'))
            .addCheckConstraint(
              'tension_entries_category_known',
              sql`category in ('experienced', 'evidenced', 'potential')`,
            )
            .addCheckConstraint('tension_entries_level_range', sql`level between 1 and 5`)
            .addCheckConstraint('tension_entries_status_known', sql`status in ('open', 'monitoring', 'closed')`)
            .addCheckConstraint(
              'tension_entries_closed_when_closed',
              sql`(status = 'closed') = (closed_on is not null)`,
            )
            .addUniqueConstraint('tension_entries_partnership_row', ['partnership_id', 'id'])
            .addUniqueConstraint('tension_entries_reference_once', ['partnership_id', 'reference']),
        ),
        'tension_entries_ward',
        'ward_id',
        'register_wards',
      ),
      'tension_entries_centre',
      'reporting_centre_id',
      'reporting_centres',
    ).execute()

    await sameP(
      sameP(
        stamps(
          owned('tension_assessments')
            .addColumn('month', 'text', (c) => c.notNull())
            .addColumn('ward_id', 'integer', (c) => c.notNull())
            .addColumn('level', 'integer', (c) => c.notNull())
            .addColumn('note', 'text')
            .addColumn('meeting_id', 'integer')
            .addCheckConstraint('tension_assessments_month_shape', sql`length(month) = 7`)
            .addCheckConstraint('tension_assessments_level_range', sql`level between 1 and 5`)
            .addUniqueConstraint('tension_assessments_partnership_row', ['partnership_id', 'id'])
            .addUniqueConstraint('tension_assessments_once', ['partnership_id', 'month', 'ward_id']),
        ),
        'tension_assessments_ward',
        'ward_id',
        'register_wards',
      ),
      'tension_assessments_meeting',
      'meeting_id',
      'board_meetings',
    ).execute()

    await owned('retention_periods')
      .addColumn('record_type', 'text', (c) => c.notNull())
      .addColumn('period_months', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addCheckConstraint('retention_periods_positive', sql`period_months between 1 and 1200`)
      .addCheckConstraint('retention_periods_reason_present', sql`length(reason) > 0`)
      .addUniqueConstraint('retention_periods_once', ['partnership_id', 'record_type'])
      .execute()

    await owned('retention_tombstones')
      .addColumn('record_type', 'text', (c) => c.notNull())
      .addColumn('record_id', 'integer', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('clock_started', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text', (c) => c.notNull())
      .addColumn('deleted_by', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('period_months', 'integer', (c) => c.notNull())
      .addUniqueConstraint('retention_tombstones_once', ['partnership_id', 'record_type', 'record_id'])
      .execute()

    for (const [table, columns] of [
      ['tension_entries', ['partnership_id', 'ward_id', 'entry_date']],
      ['tension_assessments', ['partnership_id', 'ward_id', 'month']],
      ['reporting_centres', ['partnership_id', 'ward_id']],
    ] as const) {
      await db.schema
        .createIndex(`${table}_by_ward`)
        .on(table)
        .columns([...columns])
        .execute()
    }

    if (dialect === 'postgres') {
      for (const table of TABLES) {
        // The row-level security policy of 0014 (the same expression), on each new partnership-owned table.
        await sql`alter table ${sql.table(table)} enable row level security`.execute(db)
        await sql`alter table ${sql.table(table)} force row level security`.execute(db)
        await sql`create policy "partnership_rows" on ${sql.table(table)} for all using ${ROWS} with check ${ROWS}`.execute(
          db,
        )
      }
    }
  },

  async down() {
    throw new Error('The tensions migration cannot be undone: restore a backup taken before it instead.')
  },
}

/** The tables this migration makes, each the partnership's own. */
const TABLES = [
  'register_wards',
  'reporting_centres',
  'reporting_centre_quarters',
  'tension_entries',
  'tension_assessments',
  'retention_periods',
  'retention_tombstones',
]

/** The rows a connection may see, exactly as migration 0014 wrote it (copied: a migration is frozen in time). */
const ROWS = sql.raw(`(
  partnership_id = (
    select case when setting ~ '^[1-9][0-9]{0,8}$' then setting::integer end
    from current_setting('saferhub.partnership_id', true) as setting
  )
  or (select current_setting('saferhub.partnership_id', true)) = 'all'
)`)
