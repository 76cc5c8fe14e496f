import { setTimeout as sleep } from 'node:timers/promises'
import { sql, type Kysely } from 'kysely'
import type { Database, DialectName } from '../db/database.ts'
import { DatabaseBusyError } from '../db/database-errors.ts'
import { partnershipIdOf } from '../db/partnership-scope.ts'
import type { DatabaseSchema } from '../db/schema.ts'

/**
 * The one way to run a change that writes audit events. It starts a transaction that already holds the
 * write lock, so that the audit chain's "read the last hash, append the next" cannot interleave with another
 * writer (which would fork the chain) and the records read to work out "before" are the ones replaced:
 * - SQLite: every transaction begins with `BEGIN IMMEDIATE` (src/db/sqlite-driver.ts), which takes the database's
 *   write lock at once (a deferred `BEGIN` that reads first can fail half-way with SQLITE_BUSY when another process
 *   wrote in between). When another process holds the lock, it is waited for without stopping the process, up to
 *   the database's lock wait; then `DatabaseBusyError`.
 * - PostgreSQL: a transaction-scoped advisory lock, taken as the first statement (READ COMMITTED, so every
 *   later statement sees what the previous holder committed).
 * Everything `work` does commits together or not at all. Never nest one inside another (on SQLite the inner
 * one would wait for the outer one's connection for ever).
 */
export async function withAuditedTransaction<T>(
  database: Database,
  work: (trx: Kysely<DatabaseSchema>) => Promise<T>,
): Promise<T> {
  if (database.dialect === 'sqlite') return database.db.transaction().execute(work)
  return database.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_CHAIN_LOCK)})`.execute(trx)
    return work(trx)
  })
}

/**
 * One unit of work: the transaction a service opened, handed down to every repository function (and to
 * `writeFigures`) that takes part in the change, so that they commit together or not at all. Repositories never open
 * a transaction of their own; they take this handle instead. `trx` comes from the database handle the service was
 * given: for a partnership's services that handle is bound to the partnership (src/db/partnership-scope.ts), and a
 * Kysely transaction keeps its database's plugins, so every query inside is scoped as it would be outside.
 */
export interface UnitOfWork {
  readonly trx: Kysely<DatabaseSchema>
  readonly dialect: DialectName
  /** The partnership the handle is bound to, or null for the instance's unscoped handle. */
  readonly partnershipId: number | null
}

/**
 * Runs `work` as one unit of work in an audited transaction (see `withAuditedTransaction`): the way a service opens
 * the transaction its repositories share.
 *
 * @example
 *   await inUnitOfWork(database, async (uow) => {
 *     const returned = await repository.readReturn(uow, agencyId, period)
 *     await figures.writeFigures(uow, writes, { actor, source: 'return', reference: `return:${returned.id}` })
 *   })
 */
export function inUnitOfWork<T>(database: Database, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
  const partnershipId = partnershipIdOf(database)
  return withAuditedTransaction(database, (trx) => work({ trx, dialect: database.dialect, partnershipId }))
}

/**
 * Thrown inside a unit of work to undo it while handing a typed outcome to the caller (a refusal found after some rows
 * were written, or a preview): `inUnitOfWork` rolls back, `rollingBack` turns it back into the outcome.
 */
export class RollBack<T> extends Error {
  readonly outcome: T
  constructor(outcome: T) {
    super('rolled back on purpose')
    this.name = 'RollBack'
    this.outcome = outcome
  }
}

/**
 * `inUnitOfWork`, where `work` may throw `new RollBack(outcome)` to leave nothing written and answer `outcome`.
 *
 * @example const summary = await inUnitOfWorkOrRollBack(database, async (uow) => { …; throw new RollBack(summary) })
 */
export async function inUnitOfWorkOrRollBack<T>(database: Database, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
  try {
    return await inUnitOfWork(database, work)
  } catch (error) {
    if (error instanceof RollBack) return error.outcome as T
    throw error
  }
}

/**
 * The PostgreSQL advisory lock key that serialises audited changes ("saferhub audit" as a number). Every
 * appender takes it; a writer that does not is still stopped by the UNIQUE constraint on `previous_hash`.
 */
export const AUDIT_CHAIN_LOCK = 0x5afe_a0d1

// Defined with the database's other failures (src/db/database-errors.ts); the features that write import it from here.
export { DatabaseBusyError }

function errorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object' || !('code' in error)) return undefined
  const code = (error as { code: unknown }).code
  return typeof code === 'string' ? code : undefined
}

/** SQLITE_BUSY (and its extended codes such as SQLITE_BUSY_SNAPSHOT), SQLITE_LOCKED, or a `DatabaseBusyError`. */
export function isDatabaseBusy(error: unknown): boolean {
  if (error instanceof DatabaseBusyError) return true
  const code = errorCode(error)
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
}

/** PostgreSQL serialization failure (40001) or deadlock detected (40P01): the transaction may simply be re-run. */
export function isRetryableConflict(error: unknown): boolean {
  const code = errorCode(error)
  return code === '40001' || code === '40P01'
}

export interface RetryOptions {
  /** How many times to run `work` at most (default 3). */
  readonly attempts?: number
  /** The first wait between attempts, doubled each time with some jitter (default 50 ms). */
  readonly backoffMs?: number
}

/**
 * Runs a whole transaction again when PostgreSQL aborted it as a serialization failure or a deadlock victim,
 * a bounded number of times; turns SQLITE_BUSY into a `DatabaseBusyError` with a message a person can act on.
 * `work` must be the whole transaction (a retry re-reads everything).
 *
 * @example await retryOnConflict(() => repository.applyImport(changes, context))
 */
export async function retryOnConflict<T>(
  work: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 3
  const backoffMs = options.backoffMs ?? 50
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt)
    } catch (error) {
      if (error instanceof DatabaseBusyError) throw error
      if (isDatabaseBusy(error)) throw new DatabaseBusyError({ cause: error })
      if (!isRetryableConflict(error) || attempt >= attempts) throw error
      await sleep(backoffMs * 2 ** (attempt - 1) * (1 + Math.random()))
    }
  }
}
