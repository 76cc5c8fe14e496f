import { AsyncLocalStorage } from 'node:async_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely'
import { DatabaseBusyError } from './database-errors.ts'

/** The parts of a better-sqlite3 statement this driver uses. */
interface SqliteStatement {
  readonly reader: boolean
  readonly readonly: boolean
  all(parameters: readonly unknown[]): unknown[]
  run(parameters: readonly unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint }
  iterate(parameters: readonly unknown[]): IterableIterator<unknown>
}

/** The parts of a better-sqlite3 connection this driver uses (kysely's own SQLite driver needs `prepare` and `close`). */
export interface SqliteConnection {
  prepare(sql: string): SqliteStatement
  readonly inTransaction: boolean
  close(): unknown
}

export interface WaitingSqliteOptions {
  /** The connection every write and every transaction goes through. */
  readonly writer: SqliteConnection
  /**
   * A second connection to the same file for reads outside a transaction (opened with `query_only`), so that a read
   * never waits for this process's own write transaction; null for an in-memory database, which has one connection.
   */
  readonly reader: SqliteConnection | null
  /** How long a write waits at most for another process's lock before failing with `DatabaseBusyError`. */
  readonly lockWaitMs: number
}

const noWait = new AsyncLocalStorage<true>()

/**
 * Runs `work` with writes that do not wait for another process's lock at all: a write that finds the database locked
 * fails at once with `DatabaseBusyError`. For writes that may simply be skipped, such as extending a session's idle
 * deadline, which must not hold up the page it comes with.
 *
 * @example await withoutWaitingForLocks(() => sessions.extend(sid)).catch(skipWhenBusy)
 */
export function withoutWaitingForLocks<T>(work: () => Promise<T>): Promise<T> {
  return noWait.run(true, work)
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
}

/** Reads that can go to the reading connection: SELECT and WITH … SELECT (confirmed by SQLite's `readonly`). */
const MAY_READ = /^\s*(?:select|with)\b/i

/**
 * Kysely's SQLite dialect, with one change of behaviour: no query waits on the event loop for another process's lock.
 *
 * better-sqlite3 is synchronous, so SQLite's own busy timeout (`busy_timeout`) waits *inside* the call, with the whole
 * process stopped: with another process holding the write lock for 15 s, every request of the web server, `/ping`
 * included, waited too. Here the busy timeout is zero (set by `openDatabase`): a write that finds the database locked
 * gets SQLITE_BUSY at once, and is tried again after an asynchronous pause (a few milliseconds, growing to 50), so
 * other requests run meanwhile, until `lockWaitMs` have passed; then it fails with `DatabaseBusyError`.
 *
 * - Only a statement that starts nothing is tried again: `BEGIN IMMEDIATE` (every transaction begins so: it takes the
 *   write lock first, so that a transaction never fails half-way because another process wrote meanwhile) or a write
 *   outside a transaction. A statement inside a transaction is not: it already holds the lock.
 * - Reads outside a transaction go to a second connection, where WAL lets them read the last commit while anyone
 *   writes: a read waits neither for another process nor for this process's own transaction.
 * - The writing connection is held by one transaction (or one statement) at a time, as in Kysely's own driver; between
 *   tries it is let go, so that a write waiting for another process does not hold up this process's other work.
 */
export class WaitingSqliteDialect extends SqliteDialect {
  readonly #options: WaitingSqliteOptions

  constructor(options: WaitingSqliteOptions) {
    super({ database: options.writer })
    this.#options = options
  }

  override createDriver(): Driver {
    return new WaitingSqliteDriver(this.#options)
  }
}

/** A lock that hands the writing connection to one holder at a time, first come first served. */
class WriterLock {
  #held = false
  readonly #waiting: (() => void)[] = []

  get held(): boolean {
    return this.#held
  }

  async take(): Promise<void> {
    if (!this.#held) {
      this.#held = true
      return
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve))
  }

  give(): void {
    const next = this.#waiting.shift()
    if (next) next()
    else this.#held = false
  }
}

/**
 * Statements prepared on one connection, kept by their SQL text (the most recently used `STATEMENTS_KEPT`). Kysely
 * sends the same text for the same query with `?` for every value, so a page's queries are prepared once per process
 * instead of once per request: preparing was a tenth of a KPI page's time (`npm run bench:web`, CPU profile). SQLite
 * prepares a kept statement again by itself when the schema changes (a migration). A statement being iterated cannot
 * run anything else meanwhile, so streamed queries are prepared afresh, never taken from here.
 */
class PreparedStatements {
  readonly #connection: SqliteConnection
  readonly #kept = new Map<string, SqliteStatement>()

  constructor(connection: SqliteConnection) {
    this.#connection = connection
  }

  get(sql: string): SqliteStatement {
    const kept = this.#kept.get(sql)
    if (kept !== undefined) {
      // Most recently used last, so that the first key is the one to let go.
      this.#kept.delete(sql)
      this.#kept.set(sql, kept)
      return kept
    }
    const statement = this.#connection.prepare(sql)
    if (this.#kept.size >= STATEMENTS_KEPT) this.#kept.delete(this.#kept.keys().next().value as string)
    this.#kept.set(sql, statement)
    return statement
  }

  fresh(sql: string): SqliteStatement {
    return this.#connection.prepare(sql)
  }
}

/** Prepared statements kept per connection: a page's dozen queries, every page's, and room for `in (?, ?, …)` lists. */
const STATEMENTS_KEPT = 500

interface Statements {
  readonly writer: PreparedStatements
  readonly reader: PreparedStatements | null
}

class WaitingSqliteDriver extends SqliteDriver {
  readonly #options: WaitingSqliteOptions
  readonly #lock = new WriterLock()
  readonly #statements: Statements

  constructor(options: WaitingSqliteOptions) {
    super({ database: options.writer })
    this.#options = options
    this.#statements = {
      writer: new PreparedStatements(options.writer),
      reader: options.reader === null ? null : new PreparedStatements(options.reader),
    }
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    return new WaitingConnection(this.#options, this.#lock, this.#statements)
  }

  // Kysely passes the connection it acquired (its own SQLite driver needs none, hence the base signature).
  override async releaseConnection(connection?: DatabaseConnection): Promise<void> {
    ;(connection as WaitingConnection | undefined)?.release()
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // SQLite has already rolled back after some errors (SQLITE_FULL, some I/O errors): then a ROLLBACK would fail
    // with "no transaction is active" and hide the error that matters.
    if (this.#options.writer.inTransaction) await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  override async destroy(): Promise<void> {
    this.#options.reader?.close()
    this.#options.writer.close()
  }
}

class WaitingConnection implements DatabaseConnection {
  readonly #options: WaitingSqliteOptions
  readonly #lock: WriterLock
  readonly #statements: Statements
  #holdsWriter = false

  constructor(options: WaitingSqliteOptions, lock: WriterLock, statements: Statements) {
    this.#options = options
    this.#lock = lock
    this.#statements = statements
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery
    const read = this.#readingStatement(sql, 'kept')
    if (read) return this.#withRetry(() => execute<R>(read, parameters), { reading: true })
    await this.#takeWriter()
    return this.#withRetry(() => execute<R>(this.#statements.writer.get(sql), parameters), { reading: false })
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { sql, parameters } = compiledQuery
    let statement = this.#readingStatement(sql, 'fresh')
    if (!statement) {
      await this.#takeWriter()
      statement = this.#statements.writer.fresh(sql)
    }
    for (const row of statement.iterate(parameters)) yield { rows: [row as R] }
  }

  release(): void {
    if (this.#holdsWriter) {
      this.#holdsWriter = false
      this.#lock.give()
    }
  }

  /**
   * The statement prepared on the reading connection when it only reads and is not part of a transaction: neither
   * one this connection holds, nor one opened by a bare BEGIN or SAVEPOINT and left open between statements (the
   * writing connection in a transaction that nobody holds; a migration does that), whose own reads must see its
   * writes.
   */
  #readingStatement(sql: string, how: 'kept' | 'fresh'): SqliteStatement | null {
    const reader = this.#statements.reader
    if (reader === null || this.#holdsWriter || !MAY_READ.test(sql)) return null
    if (this.#options.writer.inTransaction && !this.#lock.held) return null
    const statement = how === 'kept' ? reader.get(sql) : reader.fresh(sql)
    return statement.readonly ? statement : null
  }

  async #takeWriter(): Promise<void> {
    if (this.#holdsWriter) return
    await this.#lock.take()
    this.#holdsWriter = true
  }

  /**
   * Runs the statement; on SQLITE_BUSY from a statement that starts nothing (a read, BEGIN, a write outside a
   * transaction) lets the writing connection go, pauses, takes it again and tries again, until `lockWaitMs`.
   */
  async #withRetry<R>(run: () => QueryResult<R>, how: { reading: boolean }): Promise<QueryResult<R>> {
    const writer = this.#options.writer
    const waitMs = noWait.getStore() ? 0 : this.#options.lockWaitMs
    const deadline = performance.now() + waitMs
    for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
      // The writing connection is ours here (held since before the statement), so its state is our transaction's.
      const startedInTransaction = !how.reading && writer.inTransaction
      try {
        return run()
      } catch (error) {
        if (!isBusy(error)) throw error
        const left = deadline - performance.now()
        // Inside a transaction the statement cannot simply be tried again: the caller's transaction fails whole.
        const inTransaction = !how.reading && (startedInTransaction || writer.inTransaction)
        if (inTransaction || left <= 0) throw new DatabaseBusyError({ cause: error })
        const holding = this.#holdsWriter
        if (holding) this.release()
        await sleep(Math.min(left, pause * (0.5 + Math.random())))
        if (holding) await this.#takeWriter()
      }
    }
  }
}

function execute<R>(statement: SqliteStatement, parameters: readonly unknown[]): QueryResult<R> {
  if (statement.reader) return { rows: statement.all(parameters) as R[] }
  const { changes, lastInsertRowid } = statement.run(parameters)
  return {
    numAffectedRows: BigInt(changes),
    insertId: BigInt(lastInsertRowid),
    rows: [],
  }
}
