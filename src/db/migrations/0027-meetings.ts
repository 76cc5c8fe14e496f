import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'

/**
 * What the board's and its groups' meetings hold (issue 11, item 2), beside 0025's `board_meetings` and
 * `board_decisions`:
 *
 * - `board_agenda_items`: a meeting's agenda in order: the item's title, whether it is public or exempt (taken in
 *   private: its title and paper are shown only to those who may see exempt business), who presents it, and the paper
 *   it carries (`none`, the `performance-report`, the `budget-monitoring`, the delivery plan's `action-status`, or a
 *   `free` paper named by `paper_title`).
 * - `board_attendance`: who came: per meeting and per seat (a membership current on the meeting's date) `present`,
 *   `apologies`, `absent`, or `substitute` (someone else came for the organisation, named in `substitute_name`; a
 *   substitute for a voting seat counts towards the quorum).
 * - `board_minutes`: a meeting's minutes (plain text), `draft` then `approved` at a later held meeting of the same
 *   body (`approved_at_meeting_id`); approved minutes are never changed.
 * - `board_meeting_actions`: actions a meeting gave someone (owner, agency, due date), `open`, `done` or `dropped`,
 *   raised at one meeting and closed at another: open ones are every later meeting's matters arising.
 * - `board_decision_links`: which decision made a thing other features hold (a quarter's sign-off, a publication,
 *   the strategy's, the budget's or Appendix A's approval), by the decision's `kind` and the thing's `subject`: kept
 *   here so that no other feature's table gains a column, and written only by the meetings' service.
 *
 * References between the partnership's rows are composite `(partnership_id, x_id)` as in 0018 and 0025, with
 * row-level security on PostgreSQL. Dates `YYYY-MM-DD`, times ISO 8601 UTC text. Frozen in time: this file imports no
 * application code.
 */
export const meetingsMigration: Migration = {
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
    const stamped = <B extends CreateTableBuilder<string, never>>(builder: B): B =>
      (builder as unknown as CreateTableBuilder<string, string>)
        .addColumn('illustrative', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull()) as unknown as B

    await inSamePartnership(
      stamped(
        owned('board_agenda_items')
          .addColumn('meeting_id', 'integer', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('exempt', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('presenter', 'text')
          .addColumn('paper', 'text', (c) => c.notNull())
          .addColumn('paper_title', 'text'),
      )
        .addCheckConstraint('board_agenda_items_title_present', sql`length(title) > 0`)
        .addCheckConstraint('board_agenda_items_exempt_flag', sql`exempt in (0, 1)`)
        .addCheckConstraint(
          'board_agenda_items_paper_known',
          sql`paper in ('none', 'performance-report', 'budget-monitoring', 'action-status', 'free')`,
        )
        .addCheckConstraint(
          'board_agenda_items_free_paper_named',
          sql`(paper = 'free' and paper_title is not null and length(paper_title) > 0) or (paper <> 'free' and paper_title is null)`,
        )
        .addUniqueConstraint('board_agenda_items_partnership_row', ['partnership_id', 'id'])
        .addUniqueConstraint('board_agenda_items_position_once', ['partnership_id', 'meeting_id', 'position']),
      'board_agenda_items_meeting',
      'meeting_id',
      'board_meetings',
    ).execute()

    await inSamePartnership(
      inSamePartnership(
        stamped(
          owned('board_attendance')
            .addColumn('meeting_id', 'integer', (c) => c.notNull())
            .addColumn('membership_id', 'integer', (c) => c.notNull())
            .addColumn('status', 'text', (c) => c.notNull())
            .addColumn('substitute_name', 'text'),
        )
          .addCheckConstraint(
            'board_attendance_status_known',
            sql`status in ('present', 'apologies', 'absent', 'substitute')`,
          )
          .addCheckConstraint(
            'board_attendance_substitute_named',
            sql`(status = 'substitute' and substitute_name is not null and length(substitute_name) > 0) or (status <> 'substitute' and substitute_name is null)`,
          )
          .addUniqueConstraint('board_attendance_partnership_row', ['partnership_id', 'id'])
          .addUniqueConstraint('board_attendance_once', ['partnership_id', 'meeting_id', 'membership_id']),
        'board_attendance_meeting',
        'meeting_id',
        'board_meetings',
      ),
      'board_attendance_membership',
      'membership_id',
      'board_memberships',
    ).execute()

    await inSamePartnership(
      inSamePartnership(
        stamped(
          owned('board_minutes')
            .addColumn('meeting_id', 'integer', (c) => c.notNull())
            .addColumn('text', 'text', (c) => c.notNull())
            .addColumn('state', 'text', (c) => c.notNull())
            .addColumn('approved_at_meeting_id', 'integer'),
        )
          .addCheckConstraint('board_minutes_state_known', sql`state in ('draft', 'approved')`)
          .addCheckConstraint('board_minutes_text_present', sql`length(text) > 0`)
          .addCheckConstraint(
            'board_minutes_approval_recorded',
            sql`(state = 'approved' and approved_at_meeting_id is not null) or (state = 'draft' and approved_at_meeting_id is null)`,
          )
          .addUniqueConstraint('board_minutes_partnership_row', ['partnership_id', 'id'])
          .addUniqueConstraint('board_minutes_once', ['partnership_id', 'meeting_id']),
        'board_minutes_meeting',
        'meeting_id',
        'board_meetings',
      ),
      'board_minutes_approved_at',
      'approved_at_meeting_id',
      'board_meetings',
    ).execute()

    await inSamePartnership(
      inSamePartnership(
        stamped(
          owned('board_meeting_actions')
            .addColumn('raised_at_meeting_id', 'integer', (c) => c.notNull())
            .addColumn('text', 'text', (c) => c.notNull())
            .addColumn('owner', 'text')
            .addColumn('agency_id', 'integer', (c) => c.references('agencies.id'))
            .addColumn('due_date', 'text')
            .addColumn('status', 'text', (c) => c.notNull())
            .addColumn('closed_at_meeting_id', 'integer'),
        )
          .addCheckConstraint('board_meeting_actions_status_known', sql`status in ('open', 'done', 'dropped')`)
          .addCheckConstraint('board_meeting_actions_text_present', sql`length(text) > 0`)
          .addCheckConstraint('board_meeting_actions_due_shape', sql`due_date is null or length(due_date) = 10`)
          .addCheckConstraint(
            'board_meeting_actions_closed_when_closed',
            sql`(status = 'open' and closed_at_meeting_id is null) or status <> 'open'`,
          )
          .addUniqueConstraint('board_meeting_actions_partnership_row', ['partnership_id', 'id']),
        'board_meeting_actions_raised_at',
        'raised_at_meeting_id',
        'board_meetings',
      ),
      'board_meeting_actions_closed_at',
      'closed_at_meeting_id',
      'board_meetings',
    ).execute()
    await db.schema
      .createIndex('board_meeting_actions_by_meeting')
      .on('board_meeting_actions')
      .columns(['partnership_id', 'raised_at_meeting_id'])
      .execute()

    await inSamePartnership(
      owned('board_decision_links')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('decision_id', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addCheckConstraint('board_decision_links_subject_present', sql`length(subject) > 0`)
        .addUniqueConstraint('board_decision_links_partnership_row', ['partnership_id', 'id'])
        // One decision made each thing: a second link replaces the first (the service audits both).
        .addUniqueConstraint('board_decision_links_once', ['partnership_id', 'kind', 'subject']),
      'board_decision_links_decision',
      'decision_id',
      'board_decisions',
    ).execute()

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
    throw new Error('The meetings migration cannot be undone: restore a backup taken before it instead.')
  },
}

/** The tables this migration makes, each the partnership's own. */
const TABLES = [
  'board_agenda_items',
  'board_attendance',
  'board_minutes',
  'board_meeting_actions',
  'board_decision_links',
]

/** The rows a connection may see, exactly as migration 0014 wrote it (copied: a migration is frozen in time). */
const ROWS = sql.raw(`(
  partnership_id = (
    select case when setting ~ '^[1-9][0-9]{0,8}$' then setting::integer end
    from current_setting('saferhub.partnership_id', true) as setting
  )
  or (select current_setting('saferhub.partnership_id', true)) = 'all'
)`)
