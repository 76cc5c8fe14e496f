import { sql, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'

/**
 * Several partnerships in one instance (types in src/partnerships/partnership-tables.ts).
 *
 * - `partnerships`: one row per partnership, with its own settings (a null setting means the instance's, from the
 *   environment).
 * - `partnership_agencies`: which partner agencies serve which partnerships (a police force serves several).
 * - `memberships`: a person's role in one partnership (and, for a data owner, their agency there); `users` keeps
 *   who the person is, plus `instance_administrator` for those who manage the instance's partnerships.
 * - Everything a partnership owns gains `partnership_id`, and its keys become per partnership: KPI ids and
 *   positions, baselines, values, imports, quarters and returns, publication approvals, commentary reviews, API
 *   tokens and idempotency keys. Crime counts and ONS reference data stay shared: they are national public data.
 * - `audit_events.partnership_id` names the partnership an event belongs to (null: the instance's own events, such
 *   as sign-ins). Events written before this migration keep null, because the trail is append-only and hash-chained;
 *   the migrated partnership claims them through `audit_legacy_through` (the last event id before the migration).
 *
 * An existing database's data becomes partnership 1, named by `SAFERHUB_PARTNERSHIP` (default "Safer
 * Wolverhampton Partnership"), with every agency linked to it and every user a member with the role they had;
 * administrators also become instance administrators. An empty database gets no partnership: the first start
 * (the demo) or `saferhub partnerships add` makes one.
 *
 * Frozen in time: this file imports no application code. Keys cannot be changed in place on SQLite, so there each
 * table is rebuilt from its own stored CREATE TABLE text with exact, checked edits (every CHECK constraint kept),
 * with foreign keys off for the rebuild and checked before the end; PostgreSQL alters the tables in place.
 */

export const PARTNERSHIPS_MIGRATION_ACTOR = 'migration 0013-partnerships'

const PARTNERSHIP_COLUMN = `"partnership_id" integer not null references "partnerships" ("id")`

/** How each owned table changes: constraints dropped (by their SQLite text / PostgreSQL name) and added. */
interface TableChange {
  readonly table: string
  /** SQLite: exact fragments of the stored CREATE TABLE text and what replaces each (each must occur once). */
  readonly sqliteEdits: readonly (readonly [string, string])[]
  /** PostgreSQL: constraints to drop, by name, or by kind ('primary key', or foreign keys to a table). */
  readonly postgresDrops: readonly (
    { readonly name: string } | { readonly primaryKey: true } | { readonly uniqueColumn: string }
  )[]
  /** Added on both: table constraints, as SQL. */
  readonly constraints: readonly string[]
  /** Indexes created after the change (both dialects). */
  readonly indexes?: readonly string[]
}

const changes: readonly TableChange[] = [
  {
    table: 'indicators',
    sqliteEdits: [
      ['"id" text primary key', '"id" text not null'],
      ['"position" integer not null unique', '"position" integer not null'],
    ],
    postgresDrops: [{ primaryKey: true }, { uniqueColumn: 'position' }],
    constraints: [
      `constraint "indicators_key" primary key ("partnership_id", "id")`,
      `constraint "indicators_position_unique" unique ("partnership_id", "position")`,
    ],
  },
  {
    table: 'baselines',
    sqliteEdits: [
      ['"indicator_id" text not null references "indicators" ("id")', '"indicator_id" text not null'],
      ['constraint "baselines_indicator_year" unique ("indicator_id", "year"), ', ''],
    ],
    postgresDrops: [{ name: 'baselines_indicator_year' }],
    constraints: [
      `constraint "baselines_indicator_year" unique ("partnership_id", "indicator_id", "year")`,
      `constraint "baselines_indicator" foreign key ("partnership_id", "indicator_id") references "indicators" ("partnership_id", "id")`,
    ],
  },
  {
    table: 'indicator_values',
    sqliteEdits: [
      ['"indicator_id" text not null references "indicators" ("id")', '"indicator_id" text not null'],
      ['constraint "indicator_values_indicator_period" unique ("indicator_id", "period"), ', ''],
    ],
    postgresDrops: [{ name: 'indicator_values_indicator_period' }],
    constraints: [
      `constraint "indicator_values_indicator_period" unique ("partnership_id", "indicator_id", "period")`,
      `constraint "indicator_values_indicator" foreign key ("partnership_id", "indicator_id") references "indicators" ("partnership_id", "id")`,
    ],
    indexes: [`create index "indicator_values_by_period" on "indicator_values" ("partnership_id", "period")`],
  },
  {
    table: 'imports',
    sqliteEdits: [],
    postgresDrops: [],
    constraints: [],
    indexes: [`create index "imports_by_sha256" on "imports" ("partnership_id", "sha256")`],
  },
  {
    table: 'return_periods',
    sqliteEdits: [['"period" text primary key', '"period" text not null']],
    postgresDrops: [{ primaryKey: true }],
    constraints: [`constraint "return_periods_key" primary key ("partnership_id", "period")`],
  },
  {
    table: 'agency_returns',
    sqliteEdits: [
      ['"period" text not null references "return_periods" ("period")', '"period" text not null'],
      ['constraint "agency_returns_one_per_quarter" unique ("agency_id", "period"), ', ''],
    ],
    postgresDrops: [{ name: 'agency_returns_one_per_quarter' }],
    constraints: [
      `constraint "agency_returns_one_per_quarter" unique ("partnership_id", "agency_id", "period")`,
      `constraint "agency_returns_quarter" foreign key ("partnership_id", "period") references "return_periods" ("partnership_id", "period")`,
    ],
  },
  {
    table: 'return_items',
    sqliteEdits: [['"indicator_id" text not null references "indicators" ("id")', '"indicator_id" text not null']],
    postgresDrops: [],
    constraints: [
      `constraint "return_items_indicator" foreign key ("partnership_id", "indicator_id") references "indicators" ("partnership_id", "id")`,
    ],
  },
  {
    table: 'report_approvals',
    sqliteEdits: [[', constraint "report_approvals_once_per_person" unique ("year", "kind", "actor")', '']],
    postgresDrops: [{ name: 'report_approvals_once_per_person' }],
    constraints: [`constraint "report_approvals_once_per_person" unique ("partnership_id", "year", "kind", "actor")`],
  },
  {
    table: 'commentary_reviews',
    sqliteEdits: [[', constraint "commentary_reviews_once_per_kpi_and_year" unique ("year", "indicator_id")', '']],
    postgresDrops: [{ name: 'commentary_reviews_once_per_kpi_and_year' }],
    constraints: [
      `constraint "commentary_reviews_once_per_kpi_and_year" unique ("partnership_id", "year", "indicator_id")`,
    ],
  },
  {
    table: 'api_idempotency_keys',
    sqliteEdits: [[', constraint "api_idempotency_keys_client_key" unique ("client", "idempotency_key")', '']],
    postgresDrops: [{ name: 'api_idempotency_keys_client_key' }],
    constraints: [
      `constraint "api_idempotency_keys_client_key" unique ("partnership_id", "client", "idempotency_key")`,
    ],
  },
  { table: 'api_tokens', sqliteEdits: [], postgresDrops: [], constraints: [] },
]

/** The tables whose rows mean an existing partnership's data is here (then the migration makes partnership 1). */
const DATA_TABLES = [
  'indicators',
  'users',
  'agency_returns',
  'report_approvals',
  'imports',
  'api_tokens',
  'audit_events',
]

/** "Safer Wolverhampton Partnership" → "wolverhampton": the words every partnership's name shares are left out. */
export function slugFromName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
  const kept = words.filter((w) => !['safer', 'partnership', 'community', 'safety', 'csp', 'the'].includes(w))
  const slug = (kept.length > 0 ? kept : words).join('-').slice(0, 60).replace(/-+$/, '')
  return slug || 'partnership'
}

export const partnershipsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const dialect = dialectOf(db)
    if (dialect === 'sqlite') {
      // Rebuilding a table that others reference needs foreign keys off (otherwise dropping it deletes or refuses
      // the rows that point at it); the pragma has no effect inside a transaction, so it comes first.
      await sql`pragma foreign_keys = off`.execute(db)
      await sql`savepoint partnerships`.execute(db)
    }
    try {
      await createTables(db)
      const existing = await hasData(db)
      if (existing) await createMigratedPartnership(db)
      for (const change of changes) {
        if (dialect === 'sqlite') await rebuildSqliteTable(db, change, existing)
        else await addPartnershipColumnPostgres(db, change.table, existing)
      }
      if (dialect === 'postgres') {
        for (const change of changes) await dropPostgresConstraints(db, change)
        for (const change of changes) {
          for (const constraint of change.constraints)
            await sql`alter table ${sql.id(change.table)} add ${sql.raw(constraint)}`.execute(db)
        }
        await sql`drop index if exists "indicator_values_by_period"`.execute(db)
        await sql`drop index if exists "imports_by_sha256"`.execute(db)
        for (const change of changes) for (const index of change.indexes ?? []) await sql.raw(index).execute(db)
      }
      await moveRolesToMemberships(db, dialect, existing)
      await sql`alter table "audit_events" add column "partnership_id" integer references "partnerships" ("id")`.execute(
        db,
      )
      await sql`create index "audit_events_by_partnership" on "audit_events" ("partnership_id", "id")`.execute(db)
      if (dialect === 'sqlite') {
        const problems = await sql`pragma foreign_key_check`.execute(db)
        if (problems.rows.length > 0)
          throw new Error(`Foreign keys broken by the partnerships migration: ${JSON.stringify(problems.rows)}`)
        await sql`release partnerships`.execute(db)
      }
    } catch (error) {
      if (dialect === 'sqlite') {
        await sql`rollback to partnerships`.execute(db).catch(() => undefined)
        await sql`release partnerships`.execute(db).catch(() => undefined)
      }
      throw error
    } finally {
      if (dialect === 'sqlite') await sql`pragma foreign_keys = on`.execute(db)
    }
  },

  async down() {
    throw new Error('The partnerships migration cannot be undone: restore a backup taken before it instead.')
  },
}

async function createTables(db: Kysely<unknown>): Promise<void> {
  await withId(db, createTable(db, 'partnerships'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('ons_code', 'text', (c) => c.unique())
    .addColumn('nation', 'text', (c) => c.notNull())
    .addColumn('disclosure_minimum', 'integer')
    .addColumn('returns_due_days', 'integer')
    .addColumn('two_step_policy', 'text')
    .addColumn('audit_legacy_through', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('partnerships_slug_shape', sql`length(slug) between 1 and 60 and slug = lower(slug)`)
    .addCheckConstraint('partnerships_name_not_blank', sql`length(trim(name)) > 0`)
    .addCheckConstraint('partnerships_nation_known', sql`nation in ('england', 'wales')`)
    .addCheckConstraint('partnerships_disclosure_minimum', sql`disclosure_minimum >= 1`)
    .addCheckConstraint('partnerships_returns_due_days', sql`returns_due_days >= 1`)
    .addCheckConstraint(
      'partnerships_two_step_policy_known',
      sql`two_step_policy in ('required', 'administrators', 'optional')`,
    )
    .execute()

  await createTable(db, 'partnership_agencies')
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnerships.id'))
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('linked_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('partnership_agencies_key', ['partnership_id', 'agency_id'])
    .execute()
  await db.schema.createIndex('partnership_agencies_by_agency').on('partnership_agencies').column('agency_id').execute()

  await createTable(db, 'memberships')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnerships.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('agency_id', 'integer', (c) => c.references('agencies.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_key', ['user_id', 'partnership_id'])
    .addCheckConstraint(
      'memberships_role_known',
      sql`role in ('administrator', 'partnership-analyst', 'data-owner', 'board-member', 'viewer', 'regional-analyst')`,
    )
    // A data owner's returns are their agency's; anyone else may belong to an agency too (the analyst to the council).
    .addCheckConstraint('memberships_data_owner_has_agency', sql`role <> 'data-owner' or agency_id is not null`)
    .execute()
  await db.schema.createIndex('memberships_by_partnership').on('memberships').column('partnership_id').execute()
}

async function hasData(db: Kysely<unknown>): Promise<boolean> {
  for (const table of DATA_TABLES) {
    const row = await sql<{ found: number }>`select 1 as found from ${sql.id(table)} limit 1`.execute(db)
    if (row.rows.length > 0) return true
  }
  return false
}

async function createMigratedPartnership(db: Kysely<unknown>): Promise<void> {
  const name = (process.env.SAFERHUB_PARTNERSHIP ?? '').trim() || 'Safer Wolverhampton Partnership'
  const now = new Date().toISOString()
  const last = await sql<{ id: number | null }>`select max(id) as id from "audit_events"`.execute(db)
  await sql`insert into "partnerships" ("id", "slug", "name", "ons_code", "nation", "audit_legacy_through",
      "created_at", "created_by", "updated_at")
    values (1, ${slugFromName(name)}, ${name}, null, 'england', ${last.rows[0]?.id ?? null}, ${now},
      ${PARTNERSHIPS_MIGRATION_ACTOR}, ${now})`.execute(db)
  if (dialectOf(db) === 'postgres')
    await sql`select setval(pg_get_serial_sequence('partnerships', 'id'), 1)`.execute(db)
  await sql`insert into "partnership_agencies" ("partnership_id", "agency_id", "linked_at")
    select 1, "id", ${now} from "agencies"`.execute(db)
}

/** SQLite: the table again from its stored CREATE TABLE text, edited, with the rows copied into partnership 1. */
async function rebuildSqliteTable(db: Kysely<unknown>, change: TableChange, existing: boolean): Promise<void> {
  const { table } = change
  const stored = await sql<{
    sql: string
  }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(db)
  let ddl = stored.rows[0]?.sql
  if (ddl === undefined) throw new Error(`Table ${table} not found`)
  const head = `CREATE TABLE "${table}" (`
  if (!ddl.startsWith(head)) throw new Error(`Unexpected definition of ${table}`)
  for (const [from, to] of change.sqliteEdits) {
    if (ddl.split(from).length !== 2) throw new Error(`Unexpected definition of ${table}: ${from}`)
    ddl = ddl.replace(from, to)
  }
  const next = `${table}__next`
  const tail = ') strict'
  if (!ddl.endsWith(tail)) throw new Error(`Unexpected definition of ${table}: not STRICT`)
  ddl =
    `CREATE TABLE "${next}" (${PARTNERSHIP_COLUMN}, ` +
    ddl.slice(head.length, -tail.length) +
    change.constraints.map((c) => `, ${c}`).join('') +
    tail
  await sql.raw(ddl).execute(db)
  const columns = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)
  const list = columns.rows.map((c) => `"${c.name}"`).join(', ')
  if (existing)
    await sql.raw(`insert into "${next}" ("partnership_id", ${list}) select 1, ${list} from "${table}"`).execute(db)
  else {
    const count = await sql<{ n: number }>`select count(*) as n from ${sql.id(table)}`.execute(db)
    if (Number(count.rows[0]?.n) > 0) throw new Error(`${table} holds rows but no partnership was made for them`)
  }
  await sql.raw(`drop table "${table}"`).execute(db)
  await sql.raw(`alter table "${next}" rename to "${table}"`).execute(db)
  for (const index of change.indexes ?? []) await sql.raw(index).execute(db)
}

async function addPartnershipColumnPostgres(db: Kysely<unknown>, table: string, existing: boolean): Promise<void> {
  await sql`alter table ${sql.id(table)} add column "partnership_id" integer references "partnerships" ("id")`.execute(
    db,
  )
  if (existing) await sql`update ${sql.id(table)} set "partnership_id" = 1`.execute(db)
  await sql`alter table ${sql.id(table)} alter column "partnership_id" set not null`.execute(db)
}

async function dropPostgresConstraints(db: Kysely<unknown>, change: TableChange): Promise<void> {
  const { table } = change
  // Foreign keys that point at the old single-column keys go first (they depend on them).
  if (change.postgresDrops.some((d) => 'primaryKey' in d)) {
    const dependants = await sql<{ conname: string; child: string }>`
      select conname, conrelid::regclass::text as child from pg_constraint
      where contype = 'f' and confrelid = ${table}::regclass`.execute(db)
    for (const d of dependants.rows)
      await sql`alter table ${sql.raw(d.child)} drop constraint ${sql.id(d.conname)}`.execute(db)
  }
  for (const drop of change.postgresDrops) {
    let name: string | undefined
    if ('name' in drop) name = drop.name
    else if ('primaryKey' in drop) {
      const found = await sql<{ conname: string }>`
        select conname from pg_constraint where contype = 'p' and conrelid = ${table}::regclass`.execute(db)
      name = found.rows[0]?.conname
    } else {
      const found = await sql<{ conname: string }>`
        select c.conname from pg_constraint c
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
        where c.contype = 'u' and c.conrelid = ${table}::regclass and a.attname = ${drop.uniqueColumn}
          and array_length(c.conkey, 1) = 1`.execute(db)
      name = found.rows[0]?.conname
    }
    if (name === undefined) throw new Error(`Constraint to drop on ${table} not found: ${JSON.stringify(drop)}`)
    await sql`alter table ${sql.id(table)} drop constraint ${sql.id(name)}`.execute(db)
  }
}

/**
 * Each user's role and agency become their membership of partnership 1; administrators also manage the instance.
 * `users` loses `role` and `agency_id` (SQLite: rebuilt, its CHECK constraints on them going with them).
 */
async function moveRolesToMemberships(
  db: Kysely<unknown>,
  dialect: 'sqlite' | 'postgres',
  existing: boolean,
): Promise<void> {
  const now = new Date().toISOString()
  if (existing)
    await sql`insert into "memberships" ("user_id", "partnership_id", "role", "agency_id", "created_at", "updated_at")
      select "id", 1, "role", "agency_id", ${now}, ${now} from "users"`.execute(db)
  if (dialect === 'postgres') {
    await sql`alter table "users" add column "instance_administrator" integer not null default 0
      constraint "users_instance_administrator_boolean" check ("instance_administrator" in (0, 1))`.execute(db)
    await sql`update "users" set "instance_administrator" = 1 where "role" = 'administrator'`.execute(db)
    await sql`alter table "users" drop column "role", drop column "agency_id"`.execute(db)
    return
  }
  const stored = await sql<{
    sql: string
  }>`select sql from sqlite_master where type = 'table' and name = 'users'`.execute(db)
  let ddl = stored.rows[0]?.sql ?? ''
  const edits: [string, string][] = [
    ['CREATE TABLE "users" (', 'CREATE TABLE "users__next" ('],
    [
      '"role" text not null, "agency_id" integer references "agencies" ("id"), ',
      '"instance_administrator" integer default 0 not null, ',
    ],
    [
      `constraint "users_role_known" check (role in ('administrator', 'partnership-analyst', 'data-owner', 'board-member', 'viewer')), constraint "users_data_owner_has_agency" check (role <> 'data-owner' or agency_id is not null), `,
      `constraint "users_instance_administrator_boolean" check (instance_administrator in (0, 1)), `,
    ],
  ]
  for (const [from, to] of edits) {
    if (ddl.split(from).length !== 2) throw new Error(`Unexpected definition of users: ${from}`)
    ddl = ddl.replace(from, to)
  }
  await sql.raw(ddl).execute(db)
  const kept = [
    'id',
    'email',
    'name',
    'disabled',
    'password_hash',
    'must_change_password',
    'created_at',
    'updated_at',
    'password_changed_at',
    'last_signed_in_at',
  ]
    .map((c) => `"${c}"`)
    .join(', ')
  await sql
    .raw(
      `insert into "users__next" (${kept}, "instance_administrator")
       select ${kept}, case when "role" = 'administrator' then 1 else 0 end from "users"`,
    )
    .execute(db)
  await sql`drop table "users"`.execute(db)
  await sql`alter table "users__next" rename to "users"`.execute(db)
}
