import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { openDatabase, type Database, type DialectName } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { scopeToPartnership, type ScopedDatabase } from '../../src/db/partnership-scope.ts'

/**
 * The databases every repository test runs on: SQLite always, PostgreSQL when
 * `SAFERHUB_TEST_DATABASE_URL` names a server where the test user may create databases (`.ci/run` starts one).
 * Use as:
 *
 *   for (const dialect of testDialects()) {
 *     describe(`returns repository (${dialect})`, () => {
 *       let database: Database
 *       beforeEach(async () => { database = await openTestDatabase(dialect) })
 *       afterEach(() => database.close())
 *       ...
 *     })
 *   }
 */
export function testDialects(): DialectName[] {
  return process.env.SAFERHUB_TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite']
}

/** A fresh, migrated, empty database; PostgreSQL gets a new database of its own, dropped on close. */
export async function openTestDatabase(dialect: DialectName): Promise<Database> {
  if (dialect === 'sqlite') {
    const database = openDatabase({ sqliteFile: ':memory:' })
    await migrateToLatest(database)
    return database
  }
  const database = await openEmptyTestDatabase('postgres')
  await migrateToLatest(database)
  return database
}

/** A database with no tables yet, for a migration's own test, and a way to open a second connection to it. */
export interface EmptyTestDatabase extends Database {
  /** Another connection to the same database, to see what has been committed (close it too). */
  reopen(): Database
}

/**
 * A fresh database with no tables at all (openTestDatabase migrates to the latest, which a migration's test does
 * not want): SQLite in a file of its own (so that `reopen` reaches the same data), or a PostgreSQL database of its
 * own. Either is removed on close.
 */
export async function openEmptyTestDatabase(dialect: DialectName): Promise<EmptyTestDatabase> {
  if (dialect === 'sqlite') {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'saferhub-test-'))
    const sqliteFile = path.join(directory, 'test.sqlite')
    const database = openDatabase({ sqliteFile })
    return {
      ...database,
      reopen: () => openDatabase({ sqliteFile }),
      async close() {
        await database.close()
        rmSync(directory, { recursive: true, force: true })
      },
    }
  }
  const empty = await createEmptyPostgresDatabase()
  const database = openDatabase({ databaseUrl: empty.url })
  return {
    ...database,
    reopen: () => openDatabase({ databaseUrl: empty.url }),
    async close() {
      await database.close()
      await empty.drop()
    },
  }
}

/**
 * A new, empty database on the test PostgreSQL server (SAFERHUB_TEST_DATABASE_URL), for a test that opens it itself
 * (or hands its URL to server processes): its URL, and `drop` (which ends any connection still open to it).
 */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.SAFERHUB_TEST_DATABASE_URL
  if (!adminUrl) throw new Error('SAFERHUB_TEST_DATABASE_URL is not set')
  const name = `saferhub_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: adminUrl })
      await cleanup.connect()
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await cleanup.end()
    },
  }
}

/**
 * A fresh, migrated database with one partnership in it, and the database handle bound to that partnership
 * (src/db/partnership-scope.ts), as a partnership's services receive it. Closing it closes the database.
 */
export async function openTestPartnershipDatabase(
  dialect: DialectName,
  name = 'Safer Testshire Partnership',
): Promise<ScopedDatabase> {
  return inTestPartnership(await openTestDatabase(dialect), name)
}

/**
 * The database handle bound to the test partnership of a migrated database: the first partnership there, made when
 * there is none (so that two processes on one database find the same one).
 */
export async function inTestPartnership(
  database: Database,
  name = 'Safer Testshire Partnership',
): Promise<ScopedDatabase> {
  const existing = await database.db.selectFrom('partnerships').select('id').orderBy('id').executeTakeFirst()
  return scopeToPartnership(database, existing?.id ?? (await addTestPartnership(database, name)))
}

/** Stores a partnership (no ONS code, the instance's settings) straight into the table; returns its id. */
export async function addTestPartnership(database: Database, name: string): Promise<number> {
  const at = '2018-04-01T00:00:00.000Z'
  const row = await database.db
    .insertInto('partnerships')
    .values({
      slug: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      name,
      ons_code: null,
      nation: 'england',
      disclosure_minimum: null,
      returns_due_days: null,
      two_step_policy: null,
      audit_legacy_through: null,
      created_at: at,
      created_by: 'test',
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** A PostgreSQL database owned by a role of its own that is neither a superuser nor has BYPASSRLS. */
export interface ApplicationRoleDatabase {
  /** The URL to connect as the role, with its password. */
  readonly url: string
  /** The role's name. */
  readonly role: string
  /** Drops the database and the role (close every handle opened on `url` first). */
  drop(): Promise<void>
}

/**
 * A fresh, empty PostgreSQL database owned by a new ordinary role, as a deployment should run the application (see
 * the README: a superuser or a role with BYPASSRLS is never subject to row-level security, so the test server's own
 * `postgres` user would prove nothing). The application migrates it as that role, so the role owns the tables.
 */
export async function createApplicationRoleDatabase(): Promise<ApplicationRoleDatabase> {
  const adminUrl = process.env.SAFERHUB_TEST_DATABASE_URL
  if (!adminUrl) throw new Error('SAFERHUB_TEST_DATABASE_URL is not set')
  const suffix = randomBytes(6).toString('hex')
  const role = `saferhub_app_${suffix}`
  const name = `saferhub_test_${suffix}`
  // A password too, so that a server that asks for one (not only the trusting test server) lets the role in.
  const password = randomBytes(12).toString('hex')
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query(
      `CREATE ROLE ${role} LOGIN PASSWORD '${password}' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`,
    )
    await admin.query(`CREATE DATABASE ${name} OWNER ${role}`)
  } finally {
    await admin.end()
  }
  const url = new URL(adminUrl)
  url.username = role
  url.password = password
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    role,
    async drop() {
      const cleanup = new pg.Client({ connectionString: adminUrl })
      await cleanup.connect()
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await cleanup.query(`DROP ROLE IF EXISTS ${role}`)
      } finally {
        await cleanup.end()
      }
    },
  }
}
