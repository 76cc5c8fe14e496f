import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect, SqliteAdapter } from 'kysely'
import pg from 'pg'
import type { DatabaseSchema } from './schema.ts'

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
}

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
 * Opens the embedded SQLite database (WAL, synchronous=FULL so every commit is fsynced, foreign keys on,
 * a busy timeout so a second process waits instead of failing) or PostgreSQL.
 */
export function openDatabase(options: DatabaseOptions): Database {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 })
    // An idle pooled connection that the server ends (a restart, an administrator's pg_terminate_backend) makes
    // the pool emit 'error'; without a listener that would crash the whole process. The pool drops the client
    // and the next query opens a new connection, so noting it is enough.
    pool.on('error', (error) => {
      process.stderr.write(
        `${JSON.stringify({ level: 'warn', event: 'database-connection-lost', message: error.message })}\n`,
      )
    })
    const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) })
    return { db, dialect: 'postgres', close: () => db.destroy() }
  }
  const file = options.sqliteFile ?? ':memory:'
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true })
  const Sqlite = sqliteDriver()
  const sqlite = new Sqlite(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  const db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: sqlite }) })
  return { db, dialect: 'sqlite', close: () => db.destroy() }
}

/** Which dialect a Kysely instance speaks (migrations receive only the Kysely instance). */
export function dialectOf(db: Kysely<unknown>): DialectName {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres'
}
