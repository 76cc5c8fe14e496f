import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createAuditRepository } from '../audit/audit-repository.ts'
import type { AuditEvent } from '../audit/audit-chain.ts'
import type { Database } from '../db/database.ts'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { createAccountService, type AccountService } from './account-service.ts'
import { fakeClock } from './clock.ts'
import { addressForAudit, emailForAudit, NOT_AN_EMAIL, SIGN_IN_AUDIT_ACTIONS } from './sign-in-audit.ts'
import type { ThrottlePolicy } from './sign-in-throttle.ts'

describe('what the audit trail keeps of a sign-in attempt', () => {
  it('keeps an email normalised as accounts are', () => {
    assert.equal(emailForAudit('  Jane.Analyst@Example.ORG '), 'jane.analyst@example.org')
    assert.equal(emailForAudit('o’brien@example.org'), 'o’brien@example.org')
  })

  it('never keeps text that is not shaped like an email (a password typed in the wrong box)', () => {
    for (const typed of ['maple-quartz-ribbon', 'correct horse battery staple', 'jane@', '@example.org', '', ' ']) {
      assert.equal(emailForAudit(typed), NOT_AN_EMAIL, typed)
    }
    assert.equal(emailForAudit(`${'a'.repeat(250)}@example.org`), NOT_AN_EMAIL)
  })

  it('keeps the address as given, shortened, or says it is unknown', () => {
    assert.equal(addressForAudit('203.0.113.9'), '203.0.113.9')
    assert.equal(addressForAudit(undefined), 'unknown')
    assert.equal(addressForAudit('x'.repeat(100)).length, 64)
  })
})

// A small policy so that the waits are short: 3 failures from one address at one account, then 60 s, 120 s, …
const policy: ThrottlePolicy = {
  accountAndSource: { threshold: 3, baseDelaySeconds: 60, maxDelaySeconds: 3600 },
  source: { threshold: 20, baseDelaySeconds: 60, maxDelaySeconds: 3600 },
  account: { threshold: 10, baseDelaySeconds: 30, maxDelaySeconds: 300 },
  forgetAfterSeconds: 86400,
}

const system = { system: 'test' } as const

for (const dialect of testDialects()) {
  describe(`sign-in events in the audit trail (${dialect})`, () => {
    let database: Database
    let accounts: AccountService
    const clock = fakeClock('2018-04-03T09:00:00.000Z')

    beforeEach(async () => {
      database = await openTestPartnershipDatabase(dialect)
      clock.set('2018-04-03T09:00:00.000Z')
      accounts = createAccountService({
        database,
        audit: createAuditRepository(database, { now: () => clock.now() }),
        clock,
        throttlePolicy: policy,
      })
      await accounts.createDefaultAgencies()
    })
    afterEach(() => database.close())

    /** The authentication events stored, oldest first. */
    async function signInEvents(): Promise<AuditEvent[]> {
      return createAuditRepository(database).list({ actions: SIGN_IN_AUDIT_ACTIONS })
    }

    const parsed = (json: string | null) => (json === null ? null : (JSON.parse(json) as unknown))

    async function addUser(email: string) {
      const result = await accounts.addUser(system, { email, name: 'Test Person', role: 'viewer', agencyId: null })
      assert.ok(result.ok && result.oneTimePassword !== null)
      return { ...result, oneTimePassword: result.oneTimePassword }
    }

    it('records a sign-in, each kind of failure, and never a password', async () => {
      const { user, oneTimePassword } = await addUser('viewer@example.org')
      const attempts = [
        { email: ' VIEWER@example.org ', password: oneTimePassword, source: '10.0.0.1' },
        { email: 'viewer@example.org', password: 'wrong password one', source: '10.0.0.2' },
        { email: 'Nobody@Example.org', password: 'wrong password two', source: '10.0.0.3' },
        // Someone typed their password into the email box.
        { email: 'my secret pass phrase', password: 'wrong password three', source: '10.0.0.4' },
        { email: 'viewer@example.org', password: 'x'.repeat(1025), source: '10.0.0.5' },
      ]
      for (const attempt of attempts) await accounts.signIn(attempt)
      await accounts.setUserDisabled(system, user.id, true)
      await accounts.signIn({ email: 'viewer@example.org', password: oneTimePassword, source: '10.0.0.6' })

      const events = await signInEvents()
      assert.deepEqual(
        events.map((e) => [e.action, e.actor, e.entityType, e.entityKey, parsed(e.before), parsed(e.after)]),
        [
          [
            'sign-in',
            'viewer@example.org',
            'user',
            String(user.id),
            { lastSignedInAt: null },
            { lastSignedInAt: '2018-04-03T09:00:00.000Z', address: '10.0.0.1' },
          ],
          [
            'sign-in-failed',
            'viewer@example.org',
            'user',
            String(user.id),
            null,
            { reason: 'wrong password', address: '10.0.0.2' },
          ],
          [
            'sign-in-failed',
            'nobody@example.org',
            'user',
            'unknown',
            null,
            { reason: 'no such account', address: '10.0.0.3' },
          ],
          ['sign-in-failed', NOT_AN_EMAIL, 'user', 'unknown', null, { reason: 'no such account', address: '10.0.0.4' }],
          [
            'sign-in-failed',
            'viewer@example.org',
            'user',
            String(user.id),
            null,
            { reason: 'password too long', address: '10.0.0.5' },
          ],
          [
            'sign-in-failed',
            'viewer@example.org',
            'user',
            String(user.id),
            null,
            { reason: 'account disabled', address: '10.0.0.6' },
          ],
        ],
      )
      const everything = JSON.stringify(await createAuditRepository(database).list())
      for (const secret of [
        oneTimePassword,
        'wrong password one',
        'wrong password two',
        'wrong password three',
        'my secret pass phrase',
        'xxxxxxxx',
      ]) {
        assert.ok(!everything.includes(secret), secret)
      }
      assert.equal((await createAuditRepository(database).verify()).ok, true)
    })

    it('records one throttled attempt per wait, so the rows are bounded by the failures the throttle counts', async () => {
      const { user } = await addUser('board@example.org')
      const attacker = '203.0.113.66'
      const guess = (i: number) =>
        accounts.signIn({ email: 'board@example.org', password: `guess ${i}`, source: attacker })
      for (let i = 0; i < 3; i++) assert.equal((await guess(i)).outcome, 'refused')
      // The 4th and later attempts wait 60 s: fifty of them, one row.
      for (let i = 0; i < 50; i++) assert.equal((await guess(100 + i)).outcome, 'throttled')
      let events = await signInEvents()
      assert.deepEqual(
        events.map((e) => e.action),
        ['sign-in-failed', 'sign-in-failed', 'sign-in-failed', 'sign-in-throttled'],
      )
      const throttled = events[3] as AuditEvent
      assert.equal(throttled.actor, 'board@example.org')
      assert.equal(throttled.entityKey, String(user.id))
      assert.deepEqual(parsed(throttled.after), {
        address: attacker,
        retryAfterSeconds: 60,
        throttledBy: ['account-source'],
      })
      // After the wait one more guess is counted (the 4th failure); the next wait (120 s) gives one more row.
      clock.advance({ seconds: 60 })
      assert.equal((await guess(200)).outcome, 'refused')
      for (let i = 0; i < 20; i++) assert.equal((await guess(300 + i)).outcome, 'throttled')
      events = await signInEvents()
      assert.deepEqual(
        events.map((e) => e.action),
        [...Array<string>(3).fill('sign-in-failed'), 'sign-in-throttled', 'sign-in-failed', 'sign-in-throttled'],
      )
      assert.deepEqual(parsed(events[5]?.after ?? null), {
        address: attacker,
        retryAfterSeconds: 120,
        throttledBy: ['account-source'],
      })
      // 74 attempts, 4 counted failures: 6 rows, within the bound of two per counted failure.
      assert.ok(events.length <= 2 * 4)
    })

    it('records sign-out, a refused password change and a password change', async () => {
      const { user, oneTimePassword } = await addUser('analyst@example.org')
      await accounts.recordSignOut(user.id, '10.0.0.7')
      const wrong = await accounts.changeOwnPassword(user.id, {
        currentPassword: 'not the password',
        newPassword: 'a brand new passphrase',
        confirmPassword: 'a brand new passphrase',
        source: '10.0.0.8',
      })
      assert.equal(wrong.ok, false)
      const done = await accounts.changeOwnPassword(user.id, {
        currentPassword: oneTimePassword,
        newPassword: 'a brand new passphrase',
        confirmPassword: 'a brand new passphrase',
        source: '10.0.0.9',
      })
      assert.ok(done.ok)
      // Nobody signed in: a sign-out for a user that does not exist records nothing.
      await accounts.recordSignOut(9999, '10.0.0.7')
      const events = await signInEvents()
      assert.deepEqual(
        events.map((e) => [e.action, e.actor, e.entityKey, parsed(e.after)]),
        [
          ['sign-out', 'analyst@example.org', String(user.id), { address: '10.0.0.7' }],
          [
            'change-own-password-refused',
            'analyst@example.org',
            String(user.id),
            { reason: 'current password wrong', address: '10.0.0.8' },
          ],
          [
            'change-own-password',
            'analyst@example.org',
            String(user.id),
            {
              passwordChangedAt: '2018-04-03T09:00:00.000Z',
              mustChangePassword: false,
              sessionsEnded: 0,
              address: '10.0.0.9',
            },
          ],
        ],
      )
      const everything = JSON.stringify(events)
      assert.ok(!everything.includes('a brand new passphrase') && !everything.includes(oneTimePassword))
    })
  })
}
