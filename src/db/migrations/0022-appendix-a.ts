import { sql, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'

/**
 * Appendix A and the 360Giving export (issue 10, item 6):
 *
 * - `appendix_a_narratives`: the partnership's paragraph about a year's money (one per year), as written. The
 *   amounts it cites are checked against the computed ones wherever it is shown; the text is never corrected for it.
 * - `appendix_a_approvals`: approvals to publish a year's Appendix A, under the performance report's two-person rule
 *   (two different people with 'report:publish'), per round: round 1 publishes first, each later round republishes
 *   after the figures changed. One person's approval counts once per round, and only for the figures they saw
 *   (`content_sha256`): two approvals publish together only when both were given to the same Appendix A.
 * - `appendix_a_publications`: what a completed round published: the Appendix A as it then was (`content`, JSON),
 *   the approvals that published it, when. The public page serves the latest of these, never the live figures.
 * - `grant_publishing_settings`: how the partnership names itself and its grants in the 360Giving Data Standard (its
 *   registered prefix, its organisation identifier and name as funder); one row at most per partnership.
 *
 * Every table is the partnership's (row-level security on PostgreSQL as in 0014). Frozen in time: this file imports
 * no application code.
 */
export const appendixAMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const dialect = dialectOf(db)
    const yearShape = (column: string) => sql.raw(`length(${column}) = 9 and substr(${column}, 1, 2) = 'FY'`)
    const owned = (name: string) =>
      withId(db, createTable(db, name)).addColumn('partnership_id', 'integer', (c) =>
        c.notNull().references('partnerships.id'),
      )

    await owned('appendix_a_narratives')
      .addColumn('year', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addCheckConstraint('appendix_a_narratives_year_shape', yearShape('year'))
      .addUniqueConstraint('appendix_a_narratives_once_a_year', ['partnership_id', 'year'])
      .execute()

    await owned('appendix_a_approvals')
      .addColumn('year', 'text', (c) => c.notNull())
      .addColumn('round', 'integer', (c) => c.notNull())
      .addColumn('user_id', 'integer', (c) => c.references('users.id'))
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('approved_at', 'text', (c) => c.notNull())
      .addColumn('content_sha256', 'text', (c) => c.notNull())
      .addCheckConstraint('appendix_a_approvals_year_shape', yearShape('year'))
      .addCheckConstraint('appendix_a_approvals_round_positive', sql`round >= 1`)
      .addUniqueConstraint('appendix_a_approvals_once_per_person', ['partnership_id', 'year', 'round', 'actor'])
      .execute()

    await owned('appendix_a_publications')
      .addColumn('year', 'text', (c) => c.notNull())
      .addColumn('round', 'integer', (c) => c.notNull())
      .addColumn('published_at', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('approvals', 'text', (c) => c.notNull())
      .addCheckConstraint('appendix_a_publications_year_shape', yearShape('year'))
      .addCheckConstraint('appendix_a_publications_round_positive', sql`round >= 1`)
      .addUniqueConstraint('appendix_a_publications_once_per_round', ['partnership_id', 'year', 'round'])
      .execute()

    await owned('grant_publishing_settings')
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('funder_org_id', 'text', (c) => c.notNull())
      .addColumn('funder_name', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addCheckConstraint(
        'grant_publishing_settings_present',
        sql`length(prefix) > 0 and length(funder_org_id) > 0 and length(funder_name) > 0`,
      )
      .addUniqueConstraint('grant_publishing_settings_once', ['partnership_id'])
      .execute()

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
    throw new Error('The Appendix A migration cannot be undone: restore a backup taken before it instead.')
  },
}

/** The tables this migration makes, each the partnership's own. */
const TABLES = ['appendix_a_narratives', 'appendix_a_approvals', 'appendix_a_publications', 'grant_publishing_settings']

/** The rows a connection may see, exactly as migration 0014 wrote it (copied: a migration is frozen in time). */
const ROWS = sql.raw(`(
  partnership_id = (
    select case when setting ~ '^[1-9][0-9]{0,8}$' then setting::integer end
    from current_setting('saferhub.partnership_id', true) as setting
  )
  or (select current_setting('saferhub.partnership_id', true)) = 'all'
)`)
