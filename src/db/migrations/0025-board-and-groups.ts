import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'

/**
 * The board and the groups that deliver its plan, their meetings and decisions (issue 11, items 1 and 2):
 *
 * - `board_groups`: the partnership's board (`kind = 'board'`, at most one) and the groups under it (`kind = 'group'`),
 *   each with the group it reports to (`parent_group_id`; the board has none), its terms of reference, how often it
 *   meets, and its quorum: how many voting members must be present for its decisions to stand (`quorum`, null when
 *   its terms of reference set none).
 * - `board_memberships`: a seat on the board or a group, held by a person for an organisation over dates. `sector` is
 *   the kind of organisation; the five kinds the Crime and Disorder Act 1998 s.5 names as responsible authorities
 *   (`council`, `police`, `fire-and-rescue`, `probation`, `health`) are checked on the board. `seat` names a seat that
 *   is not an organisation's, such as a constituency's resident representative. `role` is chair, vice-chair, member or
 *   adviser; `voting` (0/1) whether the seat votes (advisers usually do not). `agency_id` links the organisation to a
 *   partner agency where it is one, so attendance can be reported per agency.
 * - `board_meetings`: a meeting of the board or a group: its date, time and place, and whether it is scheduled, was
 *   held or was cancelled. Agenda items, attendance, minutes and actions are the meetings' own later migration.
 * - `board_decisions`: the resolutions a meeting made, each with its minute number; other features refer to one
 *   (a sign-off, an approval) to say the board made it at a meeting.
 *
 * Every reference between the partnership's rows is a composite key `(partnership_id, x_id)` as in 0018, with
 * row-level security on PostgreSQL as in 0014. Dates are `YYYY-MM-DD`, times ISO 8601 UTC text. `illustrative` (0/1)
 * marks a demo row the seed does not give. Frozen in time: this file imports no application code.
 */
export const boardAndGroupsMigration: Migration = {
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
    const dateShape = (column: string) => sql.raw(`${column} is null or length(${column}) = 10`)

    await inSamePartnership(
      owned('board_groups')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('parent_group_id', 'integer')
        .addColumn('purpose', 'text')
        .addColumn('terms_of_reference', 'text')
        .addColumn('meeting_frequency', 'text')
        .addColumn('quorum', 'integer')
        .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('illustrative', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addCheckConstraint('board_groups_kind_known', sql`kind in ('board', 'group')`)
        .addCheckConstraint('board_groups_name_present', sql`length(name) > 0`)
        .addCheckConstraint(
          'board_groups_board_has_no_parent',
          sql`(kind = 'board' and parent_group_id is null) or kind = 'group'`,
        )
        .addCheckConstraint('board_groups_quorum_positive', sql`quorum is null or quorum >= 1`)
        .addCheckConstraint('board_groups_illustrative_flag', sql`illustrative in (0, 1)`)
        .addUniqueConstraint('board_groups_partnership_row', ['partnership_id', 'id'])
        .addUniqueConstraint('board_groups_name_once', ['partnership_id', 'name']),
      'board_groups_parent',
      'parent_group_id',
      'board_groups',
    ).execute()
    // One board per partnership.
    await sql`create unique index board_groups_one_board on board_groups (partnership_id) where kind = 'board'`.execute(
      db,
    )

    await inSamePartnership(
      owned('board_memberships')
        .addColumn('group_id', 'integer', (c) => c.notNull())
        .addColumn('person_name', 'text')
        .addColumn('job_title', 'text')
        .addColumn('organisation', 'text', (c) => c.notNull())
        .addColumn('agency_id', 'integer', (c) => c.references('agencies.id'))
        .addColumn('sector', 'text', (c) => c.notNull())
        .addColumn('seat', 'text')
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('voting', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('from_date', 'text')
        .addColumn('to_date', 'text')
        .addColumn('illustrative', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addCheckConstraint(
          'board_memberships_sector_known',
          sql`sector in ('council', 'police', 'fire-and-rescue', 'probation', 'health', 'youth-offending',
            'police-and-crime-commissioner', 'housing', 'education', 'voluntary', 'faith', 'business', 'resident',
            'other')`,
        )
        .addCheckConstraint('board_memberships_role_known', sql`role in ('chair', 'vice-chair', 'member', 'adviser')`)
        .addCheckConstraint('board_memberships_voting_flag', sql`voting in (0, 1)`)
        .addCheckConstraint('board_memberships_organisation_present', sql`length(organisation) > 0`)
        .addCheckConstraint('board_memberships_from_shape', dateShape('from_date'))
        .addCheckConstraint('board_memberships_to_shape', dateShape('to_date'))
        .addCheckConstraint(
          'board_memberships_dates_in_order',
          sql`from_date is null or to_date is null or from_date <= to_date`,
        )
        .addCheckConstraint('board_memberships_illustrative_flag', sql`illustrative in (0, 1)`)
        .addUniqueConstraint('board_memberships_partnership_row', ['partnership_id', 'id']),
      'board_memberships_group',
      'group_id',
      'board_groups',
    ).execute()
    await db.schema
      .createIndex('board_memberships_by_group')
      .on('board_memberships')
      .columns(['partnership_id', 'group_id'])
      .execute()

    await inSamePartnership(
      owned('board_meetings')
        .addColumn('group_id', 'integer', (c) => c.notNull())
        .addColumn('meeting_date', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'text')
        .addColumn('location', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('cancelled_reason', 'text')
        .addColumn('illustrative', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addCheckConstraint('board_meetings_state_known', sql`state in ('scheduled', 'held', 'cancelled')`)
        .addCheckConstraint('board_meetings_date_shape', sql`length(meeting_date) = 10`)
        .addCheckConstraint('board_meetings_time_shape', sql`starts_at is null or length(starts_at) = 5`)
        .addCheckConstraint('board_meetings_illustrative_flag', sql`illustrative in (0, 1)`)
        .addUniqueConstraint('board_meetings_partnership_row', ['partnership_id', 'id']),
      'board_meetings_group',
      'group_id',
      'board_groups',
    ).execute()
    await db.schema
      .createIndex('board_meetings_by_group')
      .on('board_meetings')
      .columns(['partnership_id', 'group_id', 'meeting_date'])
      .execute()

    // A decision (resolution) of a meeting. `kind` says what it decided where saferhub acts on it: a quarter's
    // sign-off, a publication approval, the strategy's or the budget's approval, the annual report's approval; `subject`
    // names the thing decided (e.g. `FY2017-18-Q4`, `FY2017-18`, a strategy's id), so its page can say "decided by the
    // board on 12 June 2018, minute 7".
    await inSamePartnership(
      owned('board_decisions')
        .addColumn('meeting_id', 'integer', (c) => c.notNull())
        .addColumn('minute_number', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('illustrative', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addCheckConstraint(
          'board_decisions_kind_known',
          sql`kind in ('resolution', 'report-sign-off', 'publication-approval', 'strategy-approval', 'budget-approval',
            'annual-report-approval', 'appendix-a-approval')`,
        )
        .addCheckConstraint('board_decisions_text_present', sql`length(text) > 0`)
        .addCheckConstraint('board_decisions_illustrative_flag', sql`illustrative in (0, 1)`)
        .addUniqueConstraint('board_decisions_partnership_row', ['partnership_id', 'id']),
      'board_decisions_meeting',
      'meeting_id',
      'board_meetings',
    ).execute()
    await db.schema
      .createIndex('board_decisions_by_meeting')
      .on('board_decisions')
      .columns(['partnership_id', 'meeting_id'])
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
    throw new Error('The board migration cannot be undone: restore a backup taken before it instead.')
  },
}

/** The tables this migration makes, each the partnership's own. */
const TABLES = ['board_groups', 'board_memberships', 'board_meetings', 'board_decisions']

/** The rows a connection may see, exactly as migration 0014 wrote it (copied: a migration is frozen in time). */
const ROWS = sql.raw(`(
  partnership_id = (
    select case when setting ~ '^[1-9][0-9]{0,8}$' then setting::integer end
    from current_setting('saferhub.partnership_id', true) as setting
  )
  or (select current_setting('saferhub.partnership_id', true)) = 'all'
)`)
