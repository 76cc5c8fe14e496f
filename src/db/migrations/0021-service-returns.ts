import { sql, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'

/**
 * Providers report their services' outputs through the quarterly return (issue 10, item 5): the figures a provider's
 * data owner types into a return are drafts (`return_output_items`) until the analyst accepts the return, when they
 * become the output's actuals for the quarter (`service_output_actuals`, with the return's id). Sent back, they stay
 * drafts for the data owner to correct.
 *
 * - One row per return and output (`actual` null: left blank in a draft), with the data owner's note.
 * - The output is the partnership's own (composite reference, as 0018's), so a return can never carry another
 *   partnership's output; the return is the row of `agency_returns` (its id is the instance's).
 * - Partnership-owned, with the row-level security policy of 0014 on PostgreSQL.
 *
 * Frozen in time: this file imports no application code.
 */
export const serviceReturnsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await withId(db, createTable(db, 'return_output_items'))
      .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnerships.id'))
      .addColumn('return_id', 'integer', (c) => c.notNull().references('agency_returns.id'))
      .addColumn('output_id', 'integer', (c) => c.notNull())
      .addColumn('actual', 'integer')
      .addColumn('note', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addCheckConstraint('return_output_items_actual', sql`actual is null or actual >= 0`)
      .addUniqueConstraint('return_output_items_once', ['partnership_id', 'return_id', 'output_id'])
      .addForeignKeyConstraint('return_output_items_output', ['partnership_id', 'output_id'], 'service_outputs', [
        'partnership_id',
        'id',
      ])
      .execute()

    if (dialectOf(db) === 'postgres') {
      // The row-level security policy of 0014 (the same expression), on the new partnership-owned table.
      await sql`alter table return_output_items enable row level security`.execute(db)
      await sql`alter table return_output_items force row level security`.execute(db)
      await sql`create policy "partnership_rows" on return_output_items for all using ${ROWS} with check ${ROWS}`.execute(
        db,
      )
    }
  },

  async down() {
    throw new Error('The service returns migration cannot be undone: restore a backup taken before it instead.')
  },
}

/** The rows a connection may see, exactly as migration 0014 wrote it (copied: a migration is frozen in time). */
const ROWS = sql.raw(`(
  partnership_id = (
    select case when setting ~ '^[1-9][0-9]{0,8}$' then setting::integer end
    from current_setting('saferhub.partnership_id', true) as setting
  )
  or (select current_setting('saferhub.partnership_id', true)) = 'all'
)`)
