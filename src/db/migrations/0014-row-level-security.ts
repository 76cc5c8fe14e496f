import { sql, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'

/**
 * The tables whose every row belongs to one partnership, as they were at this migration (a copy, not an import of
 * `PARTNERSHIP_OWNED_TABLES`: a migration is frozen in time; a table made owned later gets its policy in its own
 * migration).
 */
const OWNED_TABLES = [
  'indicators',
  'baselines',
  'indicator_values',
  'imports',
  'return_periods',
  'agency_returns',
  'return_items',
  'report_approvals',
  'commentary_reviews',
  'api_idempotency_keys',
  'api_tokens',
] as const

/** The name of the policy on each owned table. */
const POLICY = 'partnership_rows'

/**
 * Which rows a connection may see and write, by its `saferhub.partnership_id` setting (src/db/row-security.ts sets
 * it on every connection the application uses): a partnership's id → that partnership's rows; `all` → every row
 * (the instance's own work: migrations, the partnerships list); not set, empty or anything else → none.
 *
 * Each `current_setting` is inside a scalar subquery so that PostgreSQL computes it once per statement (an InitPlan)
 * rather than once per row, and the text is checked to be a plain integer before the cast, so that `all` or a
 * mistyped value gives no rows rather than an error in the middle of a query.
 */
const ROWS = sql.raw(`(
  partnership_id = (
    select case when setting ~ '^[1-9][0-9]{0,8}$' then setting::integer end
    from current_setting('saferhub.partnership_id', true) as setting
  )
  or (select current_setting('saferhub.partnership_id', true)) = 'all'
)`)

/**
 * PostgreSQL row-level security on every partnership-owned table: the second wall behind the application's own
 * (src/db/partnership-scope.ts), so that a query that forgets its partnership (raw SQL, a bug in the rewriting)
 * still reads and writes only that partnership's rows. FORCE makes the tables' owner subject to the policies too: the
 * application usually migrates its own database and so owns the tables. A superuser or a role with BYPASSRLS is never
 * subject to them; the web server warns at start when it connects as one. SQLite has no row-level security: nothing
 * changes there.
 */
export const rowLevelSecurityMigration: Migration = {
  async up(db: Kysely<unknown>) {
    if (dialectOf(db) !== 'postgres') return
    for (const table of OWNED_TABLES) {
      await sql`alter table ${sql.table(table)} enable row level security`.execute(db)
      await sql`alter table ${sql.table(table)} force row level security`.execute(db)
      await sql`create policy ${sql.id(POLICY)} on ${sql.table(table)} for all
        using ${ROWS} with check ${ROWS}`.execute(db)
    }
  },

  async down(db: Kysely<unknown>) {
    if (dialectOf(db) !== 'postgres') return
    for (const table of OWNED_TABLES) {
      await sql`drop policy if exists ${sql.id(POLICY)} on ${sql.table(table)}`.execute(db)
      await sql`alter table ${sql.table(table)} no force row level security`.execute(db)
      await sql`alter table ${sql.table(table)} disable row level security`.execute(db)
    }
  },
}
