import { createHash } from 'node:crypto'
import session from 'express-session'
import type { CompiledQuery, Kysely } from 'kysely'
import { compiledOnce } from '../db/compiled-once.ts'
import { databaseFailure } from '../db/database-errors.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import { withoutWaitingForLocks } from '../db/sqlite-driver.ts'
import type { Clock } from './clock.ts'

export interface SessionStoreOptions {
  readonly db: Kysely<DatabaseSchema>
  readonly clock: Clock
  /** A session not used for this long ends (ASVS 7.3.1). */
  readonly idleTimeoutSeconds: number
  /** A session ends this long after it began however much it is used (ASVS 7.3.2). */
  readonly absoluteTimeoutSeconds: number
}

/** What the application keeps in a session besides the cookie. */
declare module 'express-session' {
  interface SessionData {
    /** The signed-in user's id. The user is loaded from the database on every request, never trusted from here. */
    userId?: number
    /** When this sign-in happened (ISO). */
    signedInAt?: string
    /** A one-off message for the next page (e.g. "Your password has been changed"). */
    flash?: string
    /** A one-time password an administrator just issued, kept only until the next page shows it once. */
    oneTimePassword?: { userId: number; password: string }
  }
}

/** A session's idle deadline is written again only once it is this far behind (see `touch`). */
const TOUCH_AFTER_MS = 60_000
/** Sessions whose deadline is remembered, at most (one entry per live session of this process: 10,000 is ~1 MB). */
const REMEMBERED_DEADLINES = 10_000

/** Sessions are stored under a SHA-256 of their id: a copy of the table does not give anyone a live session. */
export function sessionKey(sid: string): string {
  return createHash('sha256').update(sid, 'utf8').digest('hex')
}

/**
 * An express-session store in the application's own database, so that sessions survive a restart and are
 * shared by several server processes, on SQLite and PostgreSQL alike. The idle and absolute timeouts are
 * enforced here, on the server, by the injected clock (the browser's cookie expiry is only a courtesy).
 */
export class DatabaseSessionStore extends session.Store {
  readonly #db: Kysely<DatabaseSchema>
  readonly #readQuery: (
    key: unknown,
  ) => CompiledQuery<{ data: string; expires_at: string; absolute_expires_at: string }>
  readonly #clock: Clock
  readonly #idleMs: number
  readonly #absoluteMs: number
  readonly #touchAfterMs: number
  /**
   * Each session's idle deadline (by the id's hash) as this process last read or wrote it, so that the touch as a
   * page ends knows whether the deadline needs moving: every request reads its session first, so the value is as
   * fresh as the request. Kept, not taken by the touch: a person's requests overlap (a page and its downloads), and
   * each would otherwise find the other's entry gone and write. Bounded (cleared when full: a missing entry only
   * means the touch writes, as before).
   */
  readonly #deadlineKnown = new Map<string, number>()

  constructor(options: SessionStoreOptions) {
    super()
    this.#db = options.db
    // On every page: compiled once (src/db/compiled-once.ts).
    this.#readQuery = compiledOnce((key) =>
      options.db
        .selectFrom('sessions')
        .select(['data', 'expires_at', 'absolute_expires_at'])
        .where('sid_hash', '=', key as string)
        .compile(),
    )
    this.#clock = options.clock
    this.#idleMs = options.idleTimeoutSeconds * 1000
    this.#absoluteMs = options.absoluteTimeoutSeconds * 1000
    this.#touchAfterMs = Math.min(TOUCH_AFTER_MS, this.#idleMs / 10)
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    this.read(sid).then((data) => callback(null, data), callback)
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    this.write(sid, data).then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    )
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.remove(sid).then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    )
  }

  /**
   * Called as every page of a signed-in user ends, to push the idle deadline forward; the page waits for it. When the
   * database cannot take the write (SQLite locked by another process: no waiting at all; PostgreSQL unreachable; disk
   * full) the touch is skipped: the session only ends a little sooner if the user stays idle, where failing would turn
   * a page already shown into an error.
   *
   * The deadline is moved only once it has fallen behind by a minute (a tenth of the idle timeout if that is shorter),
   * judged by the deadline this request read from the database (or this process wrote since): a write on every page
   * was most of a signed-in page's time (SQLite commits with an fsync: 1–5 ms holding up the whole process,
   * `npm run bench:web`). So a session ends up to that minute *sooner* than the idle timeout after its last use,
   * never later.
   */
  override touch(sid: string, _data: session.SessionData, callback?: (err?: unknown) => void): void {
    const deadline = this.#deadlineKnown.get(sessionKey(sid))
    if (deadline !== undefined && deadline - this.#clock.now().getTime() > this.#idleMs - this.#touchAfterMs) {
      callback?.()
      return
    }
    withoutWaitingForLocks(() => this.extend(sid)).then(
      () => callback?.(),
      (error: unknown) => {
        if (databaseFailure(error) !== null) callback?.()
        else callback?.(error)
      },
    )
  }

  override length(callback: (err: unknown, length?: number) => void): void {
    this.count().then((n) => callback(null, n), callback)
  }

  override clear(callback?: (err?: unknown) => void): void {
    this.#db
      .deleteFrom('sessions')
      .execute()
      .then(
        () => callback?.(),
        (error: unknown) => callback?.(error),
      )
  }

  /** The session's data, or null when there is none or it has timed out (a timed-out session is deleted). */
  async read(sid: string): Promise<session.SessionData | null> {
    const key = sessionKey(sid)
    const row = (await this.#db.executeQuery(this.#readQuery(key))).rows[0]
    if (!row) return null
    const now = this.#clock.now().toISOString()
    if (row.expires_at <= now || row.absolute_expires_at <= now) {
      await this.#db.deleteFrom('sessions').where('sid_hash', '=', key).execute()
      return null
    }
    this.#remember(key, Date.parse(row.expires_at))
    return JSON.parse(row.data) as session.SessionData
  }

  /** Creates or updates a session; the idle deadline moves forward, the absolute one never does. */
  async write(sid: string, data: session.SessionData): Promise<void> {
    const now = this.#clock.now()
    const userId = typeof data.userId === 'number' ? data.userId : null
    const deadline = now.getTime() + this.#idleMs
    const key = sessionKey(sid)
    await this.#db
      .insertInto('sessions')
      .values({
        sid_hash: key,
        user_id: userId,
        data: JSON.stringify(data),
        expires_at: new Date(deadline).toISOString(),
        absolute_expires_at: new Date(now.getTime() + this.#absoluteMs).toISOString(),
        created_at: now.toISOString(),
      })
      .onConflict((oc) =>
        oc.column('sid_hash').doUpdateSet((eb) => ({
          user_id: eb.ref('excluded.user_id'),
          data: eb.ref('excluded.data'),
          expires_at: eb.ref('excluded.expires_at'),
        })),
      )
      .execute()
    this.#remember(key, deadline)
  }

  /** Pushes the idle deadline forward for a session still alive; never revives an expired one. */
  async extend(sid: string): Promise<void> {
    const now = this.#clock.now()
    const nowIso = now.toISOString()
    const deadline = now.getTime() + this.#idleMs
    const key = sessionKey(sid)
    const result = await this.#db
      .updateTable('sessions')
      .set({ expires_at: new Date(deadline).toISOString() })
      .where('sid_hash', '=', key)
      .where('expires_at', '>', nowIso)
      .where('absolute_expires_at', '>', nowIso)
      .executeTakeFirst()
    if (result.numUpdatedRows > 0n) this.#remember(key, deadline)
  }

  #remember(key: string, deadline: number): void {
    if (this.#deadlineKnown.size >= REMEMBERED_DEADLINES && !this.#deadlineKnown.has(key)) this.#deadlineKnown.clear()
    this.#deadlineKnown.set(key, deadline)
  }

  async remove(sid: string): Promise<void> {
    this.#deadlineKnown.delete(sessionKey(sid))
    await this.#db.deleteFrom('sessions').where('sid_hash', '=', sessionKey(sid)).execute()
  }

  /**
   * Ends every session of a user (when they are disabled, or change their password), inside the caller's
   * transaction when one is given. Returns how many were ended.
   */
  async removeAllForUser(userId: number, executor: Kysely<DatabaseSchema> = this.#db): Promise<number> {
    const result = await executor.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  /** Deletes sessions that have timed out; returns how many. Run now and then: expired rows are useless. */
  async prune(): Promise<number> {
    const now = this.#clock.now().toISOString()
    const result = await this.#db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('absolute_expires_at', '<=', now)]))
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  async count(): Promise<number> {
    const now = this.#clock.now().toISOString()
    const row = await this.#db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('expires_at', '>', now)
      .where('absolute_expires_at', '>', now)
      .executeTakeFirstOrThrow()
    return Number(row.count)
  }
}
