import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'

/**
 * The register of reviews after a death (issue 12, item 1: Domestic Homicide Reviews, now Domestic Abuse Related
 * Death Reviews; Offensive Weapons Homicide Reviews), and its compartment (item 2):
 *
 * - `death_review_cases`: one case, known by a pseudonymous `reference` (`DARDR-2017-01`) and never by a name; its
 *   kind, whether its dates are a demo's illustration (`illustrative`), the guidance version it follows, its state in the process (src/domain/death-review.ts) and the dates of
 *   each step, with the two statutory due dates (decision, overview report) as computed or extended.
 * - `death_review_events`: the case's timeline, one row per step taken (and per extension), with its date, who
 *   recorded it, an agency (for agencies' reports) and the step's own text.
 * - `death_review_recommendations`: the recommendations' action plan (owner, due date, status).
 * - `death_review_members`: the people named on a case, who alone (with the register's holders) know it exists.
 * - `death_review_register_grants`: the people an administrator granted the register (every case).
 * - `death_review_access`: each reason given to open a case, and each "break the glass" by someone not named on it.
 *
 * Every free-text column ends in `_sealed`: AES-256-GCM ciphertext (src/reviews/case-text-cipher.ts) under a key
 * that is never in the database; the plain columns hold dates, states, codes and the names of organisations only.
 * References between rows are composite `(partnership_id, x_id)` as in 0018 and 0025, with row-level security on
 * PostgreSQL as in 0014. Frozen in time: this file imports no application code.
 */
export const deathReviewsMigration: Migration = {
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

    await owned('death_review_cases')
      .addColumn('reference', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('guidance_version', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('notified_on', 'text', (c) => c.notNull())
      .addColumn('notified_by_sealed', 'text', (c) => c.notNull())
      .addColumn('circumstances_sealed', 'text', (c) => c.notNull())
      .addColumn('decision', 'text')
      .addColumn('decided_on', 'text')
      .addColumn('decision_due_on', 'text', (c) => c.notNull())
      .addColumn('report_due_on', 'text')
      .addColumn('home_office_informed_on', 'text')
      .addColumn('home_office_response_on', 'text')
      .addColumn('lead_partnership', 'text')
      .addColumn('submitted_on', 'text')
      .addColumn('first_approver', 'text')
      .addColumn('second_approver', 'text')
      .addColumn('published_on', 'text')
      .addColumn('commissioner_copied_on', 'text')
      .addColumn('closed_on', 'text')
      .addColumn('illustrative', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addCheckConstraint(
        'death_review_cases_kind_known',
        sql`kind in ('domestic-abuse-related-death-review', 'offensive-weapons-homicide-review')`,
      )
      .addCheckConstraint(
        'death_review_cases_state_known',
        sql`state in ('notified', 'not-held', 'led-elsewhere', 'held', 'chair-appointed', 'panel-set-up', 'submitted',
          'resubmit', 'approved', 'published', 'closed')`,
      )
      .addCheckConstraint(
        'death_review_cases_decision_known',
        sql`decision is null or decision in ('review', 'no-review', 'another-partnership-leads')`,
      )
      .addCheckConstraint('death_review_cases_reference_shape', sql`length(reference) between 8 and 20`)
      .addCheckConstraint('death_review_cases_notified_shape', sql`length(notified_on) = 10`)
      .addCheckConstraint('death_review_cases_decided_shape', dateShape('decided_on'))
      .addCheckConstraint('death_review_cases_illustrative_flag', sql`illustrative in (0, 1)`)
      .addCheckConstraint(
        'death_review_cases_two_approvers',
        sql`second_approver is null or (first_approver is not null and first_approver <> second_approver)`,
      )
      .addUniqueConstraint('death_review_cases_partnership_row', ['partnership_id', 'id'])
      .addUniqueConstraint('death_review_cases_reference_once', ['partnership_id', 'reference'])
      .execute()

    await inSamePartnership(
      owned('death_review_events')
        .addColumn('case_id', 'integer', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('occurred_on', 'text', (c) => c.notNull())
        .addColumn('agency', 'text')
        .addColumn('outcome', 'text')
        .addColumn('due_on', 'text')
        .addColumn('detail_sealed', 'text')
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addCheckConstraint('death_review_events_occurred_shape', sql`length(occurred_on) = 10`)
        .addCheckConstraint('death_review_events_due_shape', dateShape('due_on')),
      'death_review_events_case',
      'case_id',
      'death_review_cases',
    ).execute()
    await db.schema
      .createIndex('death_review_events_by_case')
      .on('death_review_events')
      .columns(['partnership_id', 'case_id'])
      .execute()

    await inSamePartnership(
      owned('death_review_recommendations')
        .addColumn('case_id', 'integer', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('text_sealed', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('due_on', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addCheckConstraint(
          'death_review_recommendations_status_known',
          sql`status in ('not-started', 'in-progress', 'complete', 'cancelled')`,
        )
        .addCheckConstraint('death_review_recommendations_due_shape', sql`length(due_on) = 10`)
        .addUniqueConstraint('death_review_recommendations_number_once', ['partnership_id', 'case_id', 'number']),
      'death_review_recommendations_case',
      'case_id',
      'death_review_cases',
    ).execute()

    await inSamePartnership(
      owned('death_review_members')
        .addColumn('case_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('role_on_case', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addCheckConstraint('death_review_members_role_known', sql`role_on_case in ('officer', 'chair', 'panel')`)
        .addUniqueConstraint('death_review_members_once', ['partnership_id', 'case_id', 'user_id']),
      'death_review_members_case',
      'case_id',
      'death_review_cases',
    ).execute()

    await owned('death_review_register_grants')
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('granted_at', 'text', (c) => c.notNull())
      .addColumn('granted_by', 'text', (c) => c.notNull())
      .addUniqueConstraint('death_review_register_grants_once', ['partnership_id', 'user_id'])
      .execute()

    await inSamePartnership(
      owned('death_review_access')
        .addColumn('case_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reason_sealed', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addCheckConstraint('death_review_access_kind_known', sql`kind in ('reason', 'break-glass')`),
      'death_review_access_case',
      'case_id',
      'death_review_cases',
    ).execute()
    await db.schema
      .createIndex('death_review_access_by_case')
      .on('death_review_access')
      .columns(['partnership_id', 'case_id'])
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
    throw new Error('The death reviews migration cannot be undone: restore a backup taken before it instead.')
  },
}

/** The tables this migration makes, each the partnership's own. */
const TABLES = [
  'death_review_cases',
  'death_review_events',
  'death_review_recommendations',
  'death_review_members',
  'death_review_register_grants',
  'death_review_access',
]

/** The rows a connection may see, exactly as migration 0014 wrote it (copied: a migration is frozen in time). */
const ROWS = sql.raw(`(
  partnership_id = (
    select case when setting ~ '^[1-9][0-9]{0,8}$' then setting::integer end
    from current_setting('saferhub.partnership_id', true) as setting
  )
  or (select current_setting('saferhub.partnership_id', true)) = 'all'
)`)
