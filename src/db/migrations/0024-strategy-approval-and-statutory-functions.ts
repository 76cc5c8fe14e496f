import { sql, type Kysely, type Migration } from 'kysely'

/**
 * Two things the seed's strategy needs that 0018 did not hold honestly:
 * - `strategies.approved_on`: the date the approver (e.g. the partnership's board) approved the strategy, as the
 *   person recording it states it, or null when it is not known. 0018's `approved_at` is kept as the time the
 *   approval was recorded in saferhub (its CHECK makes it present with `approved_by`), so a strategy whose approval
 *   date the source does not give (the seed's 2017-20 strategy) is recorded as approved without inventing a date.
 * - `strategic_priorities.kind`: `strategic` for the strategy's own priorities, `statutory` for the partnership's
 *   statutory functions, which the seed's delivery pages list beside the three strategic priorities (with delivery
 *   priorities each year) and its KPI framework uses as a priority, but which the strategy does not name as one of
 *   its priorities. Pages show them apart, so the strategy is never said to have a fourth priority.
 *
 * Both are columns added with defaults (no table rebuilt; the tables' row-level security of 0018 applies as it is).
 * Frozen in time: this file imports no application code.
 */
export const strategyApprovalAndStatutoryFunctionsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table strategies add column approved_on text check (approved_on is null or length(approved_on) = 10)`.execute(
      db,
    )
    await sql`alter table strategic_priorities add column kind text not null default 'strategic' check (kind in ('strategic', 'statutory'))`.execute(
      db,
    )
  },

  async down() {
    throw new Error('This migration cannot be undone: restore a backup taken before it instead.')
  },
}
