import { sql, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'

/**
 * An agency's updates to the delivery plan actions it leads, written in its quarterly return (issue 10, item 3):
 * one row per return and action, holding the status and the note the data owner gave, saved with the return's draft
 * and submitted with it. They become the action's progress updates (`action_updates`, with `return_id`) only when the
 * analyst accepts the return, in the same unit of work; a return sent back applies nothing, and they stay here for
 * the data owner to correct.
 *
 * - Partnership-owned (`partnership_id`, row-level security as 0014 on PostgreSQL); the action is a composite
 *   reference `(partnership_id, action_id)`, so a return cannot name another partnership's action. `agency_returns`
 *   has no `(partnership_id, id)` key to reference, so the return is referenced by its id (unique in the instance)
 *   and the row's own partnership column holds it to the partnership.
 * - Status and note are both required (an update says what changed and why), as on `action_updates`.
 *
 * And `plan_actions.illustrative` (0/1, as 0018's money columns): a demo action whose status or dates the seed does not
 * give (an action shown at risk or overdue to show the flags) says so wherever it is shown.
 *
 * Frozen in time: this file imports no application code.
 */
export const actionReturnsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const dialect = dialectOf(db)
    await withId(db, createTable(db, 'return_action_updates'))
      .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnerships.id'))
      .addColumn('return_id', 'integer', (c) => c.notNull().references('agency_returns.id'))
      .addColumn('action_id', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('written_by', 'text', (c) => c.notNull())
      .addColumn('written_at', 'text', (c) => c.notNull())
      .addCheckConstraint(
        'return_action_updates_status_known',
        sql`status in ('not-started', 'on-track', 'at-risk', 'off-track', 'complete', 'cancelled')`,
      )
      .addCheckConstraint('return_action_updates_note_present', sql`length(note) > 0`)
      .addUniqueConstraint('return_action_updates_once', ['partnership_id', 'return_id', 'action_id'])
      .addForeignKeyConstraint('return_action_updates_action', ['partnership_id', 'action_id'], 'plan_actions', [
        'partnership_id',
        'id',
      ])
      .execute()

    await db.schema
      .alterTable('plan_actions')
      .addColumn('illustrative', 'integer', (c) =>
        c
          .notNull()
          .defaultTo(0)
          .check(sql`illustrative in (0, 1)`),
      )
      .execute()

    if (dialect === 'postgres') {
      await sql`alter table "return_action_updates" enable row level security`.execute(db)
      await sql`alter table "return_action_updates" force row level security`.execute(db)
      await sql`create policy "partnership_rows" on "return_action_updates" for all using ${ROWS} with check ${ROWS}`.execute(
        db,
      )
    }
  },

  async down() {
    throw new Error('The action returns migration cannot be undone: restore a backup taken before it instead.')
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
