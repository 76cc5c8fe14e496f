import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'
import { Kysely, PostgresDriver, SqliteAdapter } from 'kysely'
import pg from 'pg'
import { databaseFailure } from './database-errors.ts'
import { createPartnershipConnections } from './row-security.ts'
import type { DatabaseSchema } from './schema.ts'
import { WaitingSqliteDialect } from './sqlite-driver.ts'

export type DialectName = 'sqlite' | 'postgres'

/** The database handle every repository receives: Kysely plus which dialect is underneath. */
export interface Database {
  readonly db: Kysely<DatabaseSchema>
  readonly dialect: DialectName
  close(): Promise<void>
}

export interface DatabaseOptions {
  /** A PostgreSQL URL; when absent, SQLite is used. */
  readonly databaseUrl?: string | null
  /** The SQLite file, or ':memory:'. */
  readonly sqliteFile?: string
  /**
   * SQLite: how long a write waits at most, asynchronously, for another process's write lock before it fails with
   * `DatabaseBusyError` (503 on the web). Default `DEFAULT_LOCK_WAIT_MS`.
   */
  readonly lockWaitMs?: number
  /**
   * PostgreSQL: told when an idle pooled connection is ended by the server (a restart). The web server logs it; a
   * command says nothing (its one line says what failed, if anything did). Default: nothing.
   */
  readonly onConnectionLost?: (message: string) => void
}

/**
 * How long a write waits for another process's SQLite write lock by default: long enough for another process's
 * ordinary writes and a month's crime import, short enough that a person is told soon that the service is busy.
 */
export const DEFAULT_LOCK_WAIT_MS = 5000

// PostgreSQL returns int8 (COUNT, SUM of integers) as strings by default; our counts fit in a double exactly.
pg.types.setTypeParser(20, (value) => Number(value))
// numeric → number (only used for aggregates; stored values are double precision).
pg.types.setTypeParser(1700, (value) => Number(value))

/**
 * The SQLite driver for this Node.js. better-sqlite3 12 (what Node 20 can run: 13 needs Node 22 and crashed on 20
 * in our measurements) aborts the process on Node 24.19 and later: Node 24 changed `node::ObjectWrap`, and a
 * Statement collected by an idle garbage collection trips `Assertion failed: (env) != nullptr` (seen in our CI on
 * Node 24.21; better-sqlite3 issue #1515). Version 13 uses Node-API and does not, so on Node 22 and later the
 * optional dependency `better-sqlite3-napi` (better-sqlite3 13 under another name; npm skips it on Node 20 by its
 * engines field) is used. Same API, same SQLite file format.
 */
export function sqliteDriver(): typeof BetterSqlite3 {
  const require = createRequire(import.meta.url)
  const major = Number(process.versions.node.split('.')[0])
  if (major >= 22) {
    try {
      return require('better-sqlite3-napi') as typeof BetterSqlite3
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error
      process.stderr.write(
        `${JSON.stringify({ level: 'warn', event: 'sqlite-driver', message: 'better-sqlite3-napi is not installed: better-sqlite3 12 can abort on Node 24; run npm install' })}\n`,
      )
    }
  }
  return require('better-sqlite3') as typeof BetterSqlite3
}

/**
 * Opens the embedded SQLite database (WAL, synchronous=FULL so every commit is fsynced, foreign keys on) or
 * PostgreSQL. Neither lets a database fault end the process: see `openPostgres` and `openSqlite`.
 */
export function openDatabase(options: DatabaseOptions): Database {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.onConnectionLost) : openSqlite(options)
}

/**
 * PostgreSQL through a pool of up to 10 connections. A connection that the server ends (a restart, `pg_ctl stop`, an
 * administrator's pg_terminate_backend) makes its client emit 'error', and an 'error' event with no listener ends the
 * whole process. pg-pool listens on idle clients only (and re-emits on the pool, told to `onConnectionLost`), so every
 * client also gets a listener of its own as it connects. A client lost while checked out needs no log line of its
 * own: the query it was running fails with the same error, and so does the request (503) or command (one line) that
 * ran it. The broken client is not put back in the pool, and the next query opens a new connection once the server
 * is back.
 */
function openPostgres(databaseUrl: string, onConnectionLost: (message: string) => void = () => undefined): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })
  pool.on('error', (error) => onConnectionLost(error.message))
  pool.on('connect', (client) => {
    client.on('error', () => undefined)
  })
  // The instance's handle, and each partnership's, over the one pool: each sets `saferhub.partnership_id` on the
  // connections it uses, which the row-level security policies read (src/db/row-security.ts, migration 0014).
  const connections = createPartnershipConnections(new LostConnectionPostgresDriver({ pool }))
  const db = connections.instance
  return {
    db,
    dialect: 'postgres',
    async close() {
      await db.destroy()
      await connections.destroy()
    },
  }
}

/**
 * Kysely's PostgreSQL driver, except that a transaction whose connection was lost is not rolled back: the server
 * has ended the transaction with the connection, and the ROLLBACK that Kysely sends would fail in turn ("Client has
 * encountered a connection error and is not queryable") and hide the error that says what happened.
 */
class LostConnectionPostgresDriver extends PostgresDriver {
  override async rollbackTransaction(connection: Parameters<PostgresDriver['rollbackTransaction']>[0]): Promise<void> {
    try {
      await super.rollbackTransaction(connection)
    } catch (error) {
      // The driver has marked the connection to be discarded; the transaction went with it.
      if (databaseFailure(error) !== 'unreachable') throw error
    }
  }
}

/**
 * SQLite with a zero busy timeout and asynchronous waiting for another process's lock (`WaitingSqliteDialect`):
 * SQLite's own busy timeout waits inside better-sqlite3's synchronous call, stopping every request of the process.
 * A file database also gets a second connection, read-only, for reads outside a transaction.
 */
function openSqlite(options: DatabaseOptions): Database {
  const file = options.sqliteFile ?? ':memory:'
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true })
  const Sqlite = sqliteDriver()
  const writer = new Sqlite(file)
  let reader: BetterSqlite3.Database | null = null
  try {
    writer.pragma('busy_timeout = 0')
    writer.pragma('journal_mode = WAL')
    writer.pragma('synchronous = FULL')
    writer.pragma('foreign_keys = ON')
    if (file !== ':memory:') {
      reader = new Sqlite(file)
      reader.pragma('busy_timeout = 0')
      reader.pragma('foreign_keys = ON')
      // Only reads are sent to it; this makes SQLite refuse anything else, should one ever be.
      reader.pragma('query_only = ON')
    }
  } catch (error) {
    reader?.close()
    writer.close()
    throw error
  }
  const dialect = new WaitingSqliteDialect({
    writer,
    reader,
    lockWaitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
  })
  const db = new Kysely<DatabaseSchema>({ dialect })
  return { db, dialect: 'sqlite', close: () => db.destroy() }
}

/** Which dialect a Kysely instance speaks (migrations receive only the Kysely instance). */
export function dialectOf(db: Kysely<unknown>): DialectName {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres'
}
