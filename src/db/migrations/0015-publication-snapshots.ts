import { sql, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'

/**
 * Publication is a snapshot (src/public/): what the two approvals published is what the public sees until a new
 * approval round publishes again.
 *
 * - `publication_snapshots`: one row per publication of a year (`round` 1 the first, 2 the first amendment, …): the
 *   protected public report as published (`report`, the PublicReport JSON after disclosure control), the approvals
 *   that published it (`approvals`, JSON), the reason given for an amendment (`reason`, null for round 1), what
 *   changed against the round before (`changes`, JSON) and when it was published and stored (`published_at`, the
 *   completing approval's time; `taken_at`, when the snapshot was written).
 * - `report_approvals` gains `round` (which publication of the year the approval is for; existing approvals are
 *   round 1) and `reason` (the reason for an amendment, given with a publish approval of round 2 or later). One
 *   person's approval of one kind counts once per round, so the once-per-person key gains `round`.
 *
 * Years already published before this migration get no snapshot here: a migration cannot build the report (it is
 * frozen in time and imports no application code). The publication service takes it at the first read of the year
 * (`taken_at` later than `published_at` says so), from the figures as they then are.
 *
 * Frozen in time: this file imports no application code. SQLite cannot change a table's keys in place, so
 * `report_approvals` is rebuilt there (nothing references it); PostgreSQL alters it in place, and the new table gets
 * the row-level security policy of 0014.
 */
export const publicationSnapshotsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const dialect = dialectOf(db)
    await withId(db, createTable(db, 'publication_snapshots'))
      .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnerships.id'))
      .addColumn('year', 'text', (c) => c.notNull())
      .addColumn('round', 'integer', (c) => c.notNull())
      .addColumn('published_at', 'text', (c) => c.notNull())
      .addColumn('taken_at', 'text', (c) => c.notNull())
      .addColumn('report', 'text', (c) => c.notNull())
      .addColumn('approvals', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('changes', 'text', (c) => c.notNull())
      .addCheckConstraint('publication_snapshots_year_shape', sql`length(year) = 9 and substr(year, 1, 2) = 'FY'`)
      .addCheckConstraint('publication_snapshots_round_positive', sql`round >= 1`)
      .addCheckConstraint(
        'publication_snapshots_reason_for_amendment',
        sql`(round = 1 and reason is null) or (round > 1 and reason is not null and length(reason) > 0)`,
      )
      .addUniqueConstraint('publication_snapshots_once_per_round', ['partnership_id', 'year', 'round'])
      .execute()

    if (dialect === 'sqlite') {
      await sql`CREATE TABLE "report_approvals__next" (
        "partnership_id" integer not null references "partnerships" ("id"),
        "id" integer primary key autoincrement,
        "year" text not null,
        "kind" text not null,
        "user_id" integer,
        "actor" text not null,
        "approved_at" text not null,
        "round" integer not null default 1,
        "reason" text,
        constraint "report_approvals_kind_known" check (kind in ('publish', 'sign-off', 'demo')),
        constraint "report_approvals_year_shape" check (length(year) = 9 and substr(year, 1, 2) = 'FY'),
        constraint "report_approvals_round_positive" check (round >= 1),
        constraint "report_approvals_once_per_person" unique ("partnership_id", "year", "round", "kind", "actor")
      ) strict`.execute(db)
      await sql`insert into "report_approvals__next"
        ("partnership_id", "id", "year", "kind", "user_id", "actor", "approved_at")
        select "partnership_id", "id", "year", "kind", "user_id", "actor", "approved_at" from "report_approvals"`.execute(
        db,
      )
      await sql`drop table "report_approvals"`.execute(db)
      await sql`alter table "report_approvals__next" rename to "report_approvals"`.execute(db)
      return
    }

    await sql`alter table "report_approvals" add column "round" integer not null default 1`.execute(db)
    await sql`alter table "report_approvals" add column "reason" text`.execute(db)
    await sql`alter table "report_approvals" add constraint "report_approvals_round_positive" check (round >= 1)`.execute(
      db,
    )
    await sql`alter table "report_approvals" drop constraint "report_approvals_once_per_person"`.execute(db)
    await sql`alter table "report_approvals" add constraint "report_approvals_once_per_person"
      unique ("partnership_id", "year", "round", "kind", "actor")`.execute(db)
    // The row-level security policy of 0014 (the same expression), on the new partnership-owned table.
    await sql`alter table "publication_snapshots" enable row level security`.execute(db)
    await sql`alter table "publication_snapshots" force row level security`.execute(db)
    await sql`create policy "partnership_rows" on "publication_snapshots" for all using ${ROWS} with check ${ROWS}`.execute(
      db,
    )
  },

  async down() {
    throw new Error('The publication snapshots migration cannot be undone: restore a backup taken before it instead.')
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
