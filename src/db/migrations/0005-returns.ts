import { sql, type Kysely, type Migration } from 'kysely'
import { columnTypes, createTable, withId } from '../schema-builder.ts'

/**
 * Quarterly returns (types in src/returns/tables.ts):
 * - `return_periods`: one row per quarter that has had a return; its due date (a calendar date, worked out in
 *   Europe/London), whether the board has signed it off (locked), and the report as signed off (JSON), so that a
 *   locked quarter shows the judgements the board saw, not ones re-made from later figures or baselines;
 * - `agency_returns`: one agency's return for one quarter, with its state and a version for optimistic locking;
 * - `return_items`: the figure (or status and reason) and commentary for each KPI in a return, and the
 *   plausibility warning the sender confirmed, if any.
 */
const oneOf = (column: string, values: readonly string[]) =>
  sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`

export const returnsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const t = columnTypes(db)
    await createTable(db, 'return_periods')
      .addColumn('period', 'text', (c) => c.primaryKey())
      .addColumn('due_date', 'text', (c) => c.notNull())
      .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_at', 'text')
      .addColumn('locked_by', 'text')
      .addColumn('signed_off_report', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('return_periods_locked_boolean', sql`locked in (0, 1)`)
      .addCheckConstraint('return_periods_due_date_shape', sql`length(due_date) = 10`)
      .execute()

    await withId(db, createTable(db, 'agency_returns'))
      .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
      .addColumn('period', 'text', (c) => c.notNull().references('return_periods.period'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('submitted_at', 'text')
      .addColumn('submitted_by', 'text')
      .addColumn('reviewed_at', 'text')
      .addColumn('reviewed_by', 'text')
      .addColumn('review_comment', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addUniqueConstraint('agency_returns_one_per_quarter', ['agency_id', 'period'])
      .addCheckConstraint(
        'agency_returns_status_known',
        oneOf('status', ['draft', 'submitted', 'accepted', 'sent-back']),
      )
      .addCheckConstraint('agency_returns_version_positive', sql`version >= 1`)
      .execute()

    await createTable(db, 'return_items')
      .addColumn('return_id', 'integer', (c) => c.notNull().references('agency_returns.id'))
      .addColumn('indicator_id', 'text', (c) => c.notNull().references('indicators.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('value', t.real)
      .addColumn('numerator', t.real)
      .addColumn('denominator', t.real)
      .addColumn('percent', t.real)
      .addColumn('text', 'text')
      .addColumn('reason', 'text')
      .addColumn('commentary', 'text')
      .addColumn('warning', 'text')
      .addColumn('warning_confirmed_by', 'text')
      .addColumn('warning_confirmed_at', 'text')
      .addPrimaryKeyConstraint('return_items_key', ['return_id', 'indicator_id'])
      .addCheckConstraint(
        'return_items_status_known',
        oneOf('status', ['reported', 'not-yet-available', 'not-collected', 'not-applicable', 'suppressed']),
      )
      .execute()
  },

  async down(db: Kysely<unknown>) {
    for (const table of ['return_items', 'agency_returns', 'return_periods']) await db.schema.dropTable(table).execute()
  },
}
