import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Database } from '../db/database.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { fakeClock } from './clock.ts'
import { createSignInThrottle, throttleDelaySeconds, throttleSource, type ThrottlePolicy } from './sign-in-throttle.ts'

describe('throttle delays', () => {
  const rule = { threshold: 5, baseDelaySeconds: 15, maxDelaySeconds: 900 }
  it('are free below the threshold, then double up to the ceiling', () => {
    // By hand: 15 × 2^(failures − 5), at most 900.
    const expected: [number, number][] = [
      [0, 0],
      [4, 0],
      [5, 15],
      [6, 30],
      [7, 60],
      [8, 120],
      [9, 240],
      [10, 480],
      [11, 900],
      [12, 900],
      [1000, 900],
    ]
    for (const [failures, seconds] of expected)
      assert.equal(throttleDelaySeconds(failures, rule), seconds, `${failures}`)
  })
})

describe('throttle sources', () => {
  it('count IPv4 as is, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64', () => {
    assert.equal(throttleSource('203.0.113.9'), '203.0.113.9')
    assert.equal(throttleSource('::ffff:203.0.113.9'), '203.0.113.9')
    assert.equal(throttleSource('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64')
    assert.equal(throttleSource('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64')
    assert.equal(throttleSource('2001:db8::1'), '2001:db8:0:0::/64')
    assert.equal(throttleSource('::1'), '0:0:0:0::/64')
    assert.equal(throttleSource(undefined), 'unknown')
  })
})

// Small numbers so the test reads easily: one address may fail 3 times at one account, any address 5 times,
// and the whole account 4 times.
const policy: ThrottlePolicy = {
  accountAndSource: { threshold: 3, baseDelaySeconds: 60, maxDelaySeconds: 3600 },
  source: { threshold: 5, baseDelaySeconds: 60, maxDelaySeconds: 3600 },
  account: { threshold: 4, baseDelaySeconds: 10, maxDelaySeconds: 120 },
  forgetAfterSeconds: 86400,
}

for (const dialect of testDialects()) {
  describe(`sign-in throttle (${dialect})`, () => {
    let database: Database
    const clock = fakeClock('2018-04-03T09:00:00.000Z')
    beforeEach(async () => {
      database = await openTestDatabase(dialect)
      clock.set('2018-04-03T09:00:00.000Z')
    })
    afterEach(() => database.close())

    it('counts a failure per account and source, and waits after the threshold', async () => {
      const throttle = createSignInThrottle(database, clock, policy)
      for (let i = 0; i < 3; i++) assert.equal((await throttle.begin('jane@example.org', '203.0.113.9')).allowed, true)
      // Three failures from one address: 60 s to wait (account 3 < 4, source 3 < 5 are still free).
      const refused = await throttle.begin('jane@example.org', '203.0.113.9')
      assert.deepEqual(refused, {
        allowed: false,
        retryAfterSeconds: 60,
        throttledBy: ['account-source'],
        firstRefusal: true,
      })
      // A refused attempt is not counted: after 60 s the next try is allowed.
      clock.advance({ seconds: 60 })
      assert.equal((await throttle.begin('jane@example.org', '203.0.113.9')).allowed, true)
      // That was the 4th failure for the account: 10 s for everyone, 120 s (60 × 2) for this address.
      const elsewhere = await throttle.begin('jane@example.org', '198.51.100.7')
      assert.deepEqual(elsewhere, {
        allowed: false,
        retryAfterSeconds: 10,
        throttledBy: ['account'],
        firstRefusal: true,
      })
      clock.advance({ seconds: 10 })
      assert.equal((await throttle.begin('jane@example.org', '198.51.100.7')).allowed, true)
    })

    it('reports only the first attempt refused in each wait, so refusals cannot be multiplied', async () => {
      const throttle = createSignInThrottle(database, clock, policy)
      const refusals = async (n: number) => {
        const firsts: boolean[] = []
        for (let i = 0; i < n; i++) {
          const decision = await throttle.begin('jane@example.org', '203.0.113.9')
          assert.equal(decision.allowed, false)
          if (!decision.allowed) firsts.push(decision.firstRefusal)
        }
        return firsts
      }
      for (let i = 0; i < 3; i++) await throttle.begin('jane@example.org', '203.0.113.9')
      // Wait 1 (60 s after the 3rd failure): a hundred refused attempts, one reported.
      assert.deepEqual(await refusals(100), [true, ...Array<boolean>(99).fill(false)])
      clock.advance({ seconds: 30 })
      assert.deepEqual(await refusals(3), [false, false, false])
      // After the wait the 4th failure is counted; it starts wait 2 (120 s here, 10 s for the account): reported once.
      clock.advance({ seconds: 30 })
      assert.equal((await throttle.begin('jane@example.org', '203.0.113.9')).allowed, true)
      const next = await throttle.begin('jane@example.org', '203.0.113.9')
      assert.deepEqual(next, {
        allowed: false,
        retryAfterSeconds: 120,
        throttledBy: ['account-source', 'account'],
        firstRefusal: true,
      })
      // The account's 10 s are over, the address's 120 s are not: still the same wait, not reported again.
      clock.advance({ seconds: 11 })
      assert.deepEqual(await refusals(5), [false, false, false, false, false])
      // Another address meets the account's wait only, which ended: allowed, and it counts the 5th failure.
      assert.equal((await throttle.begin('jane@example.org', '198.51.100.7')).allowed, true)
      const fromThere = await throttle.begin('jane@example.org', '198.51.100.7')
      assert.equal(!fromThere.allowed && fromThere.firstRefusal, true)
    })

    it('a success clears the account’s counts but takes only one failure off the source', async () => {
      const throttle = createSignInThrottle(database, clock, policy)
      for (let i = 0; i < 2; i++) await throttle.begin('jane@example.org', '203.0.113.9')
      for (let i = 0; i < 2; i++) await throttle.begin('omar@example.org', '203.0.113.9')
      const attempt = await throttle.begin('attacker-own@example.org', '203.0.113.9')
      assert.equal(attempt.allowed, true)
      if (attempt.allowed) await throttle.succeeded(attempt.attempt)
      // The source has 4 failures left (5 attempts − the success): one more is free, the next waits.
      assert.equal((await throttle.begin('someone@example.org', '203.0.113.9')).allowed, true)
      assert.equal((await throttle.begin('another@example.org', '203.0.113.9')).allowed, false)
      const rows = await database.db.selectFrom('sign_in_throttle').select(['kind', 'failures']).execute()
      assert.ok(rows.every((r) => r.failures >= 0))
    })

    it('stores no email or address, only hashes', async () => {
      const throttle = createSignInThrottle(database, clock, policy)
      await throttle.begin('jane@example.org', '203.0.113.9')
      const rows = await database.db.selectFrom('sign_in_throttle').selectAll().execute()
      assert.equal(rows.length, 3)
      for (const row of rows) {
        assert.match(row.key_hash, /^[0-9a-f]{64}$/)
        assert.ok(!JSON.stringify(row).includes('jane') && !JSON.stringify(row).includes('203.0.113'))
      }
    })

    it('forgets failures after a quiet day, and prunes them', async () => {
      const throttle = createSignInThrottle(database, clock, policy)
      for (let i = 0; i < 3; i++) await throttle.begin('jane@example.org', '203.0.113.9')
      clock.advance({ hours: 24, seconds: 1 })
      assert.equal((await throttle.begin('jane@example.org', '203.0.113.9')).allowed, true)
      assert.equal((await throttle.begin('jane@example.org', '203.0.113.9')).allowed, true)
      clock.advance({ hours: 25 })
      assert.equal(await throttle.prune(), 3)
    })

    it('parallel guesses cannot slip past the check: exactly the free ones get through', async () => {
      const throttle = createSignInThrottle(database, clock, policy)
      const decisions = await Promise.all(
        Array.from({ length: 12 }, () => throttle.begin('jane@example.org', '203.0.113.9')),
      )
      assert.equal(decisions.filter((d) => d.allowed).length, 3)
    })
  })
}
