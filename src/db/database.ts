import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
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
  const sqlite = new BetterSqlite3(file)
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
