import { createHash } from 'node:crypto'
import net from 'node:net'
import type { Database } from '../db/database.ts'
import type { Clock } from './clock.ts'

/**
 * Sign-in throttling: progressive delays, never a permanent lock (ASVS 6.3.1; OWASP Authentication Cheat Sheet).
 *
 * Failed attempts are counted three ways, in the database so that every server process sees the same counts:
 * - per account and source together: one address guessing one account is slowed down fast;
 * - per source: one address trying many accounts (password spraying, credential stuffing) is slowed down;
 * - per account, from anywhere: many addresses guessing one account are slowed down too, but with a lower
 *   ceiling, so that an attacker who knows a user's email can only delay that user by minutes, not lock them out.
 * After `threshold` failures each further one doubles the wait, from `baseDelaySeconds` to `maxDelaySeconds`.
 * Attempts refused while waiting are not counted (otherwise waiting would never end). Counts are forgotten after
 * `forgetAfterSeconds` without a failure. An email that is not an account is counted like one that is, so the
 * throttle tells an attacker nothing about which emails exist.
 */
export interface ThrottleRule {
  readonly threshold: number
  readonly baseDelaySeconds: number
  readonly maxDelaySeconds: number
}

export interface ThrottlePolicy {
  readonly accountAndSource: ThrottleRule
  readonly source: ThrottleRule
  readonly account: ThrottleRule
  readonly forgetAfterSeconds: number
}

export const defaultThrottlePolicy: ThrottlePolicy = Object.freeze({
  // 5 free tries, then 15 s, 30 s, 1 min … up to 15 min between guesses from one address at one account.
  accountAndSource: Object.freeze({ threshold: 5, baseDelaySeconds: 15, maxDelaySeconds: 15 * 60 }),
  // An office behind one address may hold many users who mistype: 20 free failures a day across accounts.
  source: Object.freeze({ threshold: 20, baseDelaySeconds: 15, maxDelaySeconds: 15 * 60 }),
  // From anywhere: 10 free, then at most 5 minutes' wait for the real user.
  account: Object.freeze({ threshold: 10, baseDelaySeconds: 5, maxDelaySeconds: 5 * 60 }),
  forgetAfterSeconds: 24 * 60 * 60,
})

export type ThrottleKind = 'account' | 'source' | 'account-source'

/**
 * How long to wait after this many failures.
 *
 * @example
 *   throttleDelaySeconds(4, { threshold: 5, baseDelaySeconds: 15, maxDelaySeconds: 900 }) // 0
 *   throttleDelaySeconds(5, { threshold: 5, baseDelaySeconds: 15, maxDelaySeconds: 900 }) // 15
 *   throttleDelaySeconds(7, { threshold: 5, baseDelaySeconds: 15, maxDelaySeconds: 900 }) // 60
 */
export function throttleDelaySeconds(failures: number, rule: ThrottleRule): number {
  if (failures < rule.threshold) return 0
  const doublings = Math.min(failures - rule.threshold, 40)
  return Math.min(rule.baseDelaySeconds * 2 ** doublings, rule.maxDelaySeconds)
}

/**
 * The source an attempt came from, as counted: an IPv4 address as is (also when written IPv4-mapped), an IPv6
 * address by its /64 network, since one subscriber usually holds a whole /64.
 *
 * @example
 *   throttleSource('::ffff:203.0.113.9') // '203.0.113.9'
 *   throttleSource('2001:db8:1:2:aaaa::1') // '2001:db8:1:2::/64'
 */
export function throttleSource(address: string | undefined): string {
  if (!address) return 'unknown'
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  if (mapped?.[1]) return mapped[1]
  if (!net.isIPv6(address)) return address
  const [head = '', tail = ''] = address.toLowerCase().split('::')
  const headGroups = head ? head.split(':') : []
  const tailGroups = address.includes('::') && tail ? tail.split(':') : []
  const groups = address.includes('::')
    ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : headGroups
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}

interface Key {
  readonly kind: ThrottleKind
  readonly hash: string
}

/** A reserved attempt: counted as a failure until `succeeded` says otherwise. */
export interface ThrottledAttempt {
  readonly keys: readonly Key[]
}

export type ThrottleDecision =
  | { readonly allowed: true; readonly attempt: ThrottledAttempt }
  | {
      readonly allowed: false
      readonly retryAfterSeconds: number
      /** Which counts make this attempt wait. */
      readonly throttledBy: readonly ThrottleKind[]
      /**
       * True for the first attempt refused in this wait (one of the counts above has a failure newer than any wait
       * reported so far). The audit trail records only these: refused attempts cost an attacker nothing, so one
       * row each would let anyone fill the database; this way there is at most one per counted failure.
       */
      readonly firstRefusal: boolean
    }

function keyHash(kind: ThrottleKind, value: string): string {
  return createHash('sha256').update(`${kind}\u0000${value}`, 'utf8').digest('hex')
}

/**
 * The throttle over the `sign_in_throttle` table. `begin` is check-and-count in one transaction (with the
 * rows locked on PostgreSQL; SQLite takes its write lock at the first statement), so that a burst of parallel
 * guesses cannot all slip through between a check and the count.
 */
export function createSignInThrottle(database: Database, clock: Clock, policy: ThrottlePolicy = defaultThrottlePolicy) {
  const rules: Record<ThrottleKind, ThrottleRule> = {
    account: policy.account,
    source: policy.source,
    'account-source': policy.accountAndSource,
  }

  return {
    /** Asks whether a sign-in for this account (the email as typed) from this source may be tried now. */
    async begin(account: string, source: string): Promise<ThrottleDecision> {
      const keys: Key[] = [
        { kind: 'account-source', hash: keyHash('account-source', `${account}\u0000${source}`) },
        { kind: 'source', hash: keyHash('source', source) },
        { kind: 'account', hash: keyHash('account', account) },
      ]
      const now = clock.now()
      const nowIso = now.toISOString()
      const forgetBefore = new Date(now.getTime() - policy.forgetAfterSeconds * 1000).toISOString()
      return database.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('sign_in_throttle')
          .values(keys.map((k) => ({ key_hash: k.hash, kind: k.kind, failures: 0, last_failure_at: nowIso })))
          .onConflict((oc) => oc.column('key_hash').doNothing())
          .execute()
        let query = trx
          .selectFrom('sign_in_throttle')
          .select(['key_hash', 'kind', 'failures', 'last_failure_at', 'refusal_reported_at'])
          .where(
            'key_hash',
            'in',
            keys.map((k) => k.hash),
          )
        if (database.dialect === 'postgres') query = query.forUpdate()
        const rows = await query.execute()
        let waitMs = 0
        const counted = new Map<string, number>()
        const waiting: (typeof rows)[number][] = []
        for (const key of keys) {
          const row = rows.find((r) => r.key_hash === key.hash)
          const failures = !row || row.last_failure_at < forgetBefore ? 0 : row.failures
          counted.set(key.hash, failures)
          if (!row || failures === 0) continue
          const until = new Date(row.last_failure_at).getTime() + throttleDelaySeconds(failures, rules[key.kind]) * 1000
          if (until > now.getTime()) waiting.push(row)
          waitMs = Math.max(waitMs, until - now.getTime())
        }
        if (waitMs > 0) {
          // A count's wait only shrinks until its next failure is counted, so any count that will hold back a later
          // attempt in this wait is holding this one back too: marking them all now reports the wait once.
          const unreported = waiting.filter((row) => row.refusal_reported_at !== row.last_failure_at)
          for (const row of unreported) {
            await trx
              .updateTable('sign_in_throttle')
              .set({ refusal_reported_at: row.last_failure_at })
              .where('key_hash', '=', row.key_hash)
              .execute()
          }
          return {
            allowed: false,
            retryAfterSeconds: Math.ceil(waitMs / 1000),
            throttledBy: waiting.map((row) => row.kind as ThrottleKind),
            firstRefusal: unreported.length > 0,
          } as const
        }
        for (const key of keys) {
          await trx
            .updateTable('sign_in_throttle')
            .set({ failures: (counted.get(key.hash) ?? 0) + 1, last_failure_at: nowIso })
            .where('key_hash', '=', key.hash)
            .execute()
        }
        return { allowed: true, attempt: { keys } } as const
      })
    },

    /**
     * The attempt was right: the account's counts start again. The source's count only loses this attempt,
     * so an attacker cannot wipe their address's record by signing in to an account of their own.
     */
    async succeeded(attempt: ThrottledAttempt): Promise<void> {
      await database.db.transaction().execute(async (trx) => {
        for (const key of attempt.keys) {
          if (key.kind === 'source') {
            await trx
              .updateTable('sign_in_throttle')
              .set((eb) => ({
                failures: eb
                  .case()
                  .when('failures', '>', 0)
                  .then(eb('failures', '-', 1))
                  .else(0)
                  .end(),
              }))
              .where('key_hash', '=', key.hash)
              .execute()
          } else {
            await trx.deleteFrom('sign_in_throttle').where('key_hash', '=', key.hash).execute()
          }
        }
      })
    },

    /** Deletes counts old enough to be forgotten; returns how many. */
    async prune(): Promise<number> {
      const forgetBefore = new Date(clock.now().getTime() - policy.forgetAfterSeconds * 1000).toISOString()
      const result = await database.db
        .deleteFrom('sign_in_throttle')
        .where('last_failure_at', '<', forgetBefore)
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>
