import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../../test/support/databases.ts'
import { system, useAccountService } from '../../test/support/account-service.ts'

for (const dialect of testDialects()) {
  describe(`signing in, sessions and one’s own password (${dialect})`, () => {
    const f = useAccountService(dialect)

    it('signs in with the right password only, with one generic refusal for every wrong case', async () => {
      const { user, oneTimePassword } = await f.addUser('viewer@example.org', 'viewer')
      const right = await f.accounts.signIn({
        email: ' VIEWER@example.org ',
        password: oneTimePassword,
        source: '10.0.0.1',
      })
      assert.equal(right.outcome, 'signed-in')
      assert.equal(right.outcome === 'signed-in' && right.user.id, user.id)
      assert.deepEqual(
        await f.accounts.signIn({ email: 'viewer@example.org', password: 'wrong', source: '10.0.0.1' }),
        {
          outcome: 'refused',
        },
      )
      assert.deepEqual(
        await f.accounts.signIn({ email: 'nobody@example.org', password: 'wrong', source: '10.0.0.2' }),
        {
          outcome: 'refused',
        },
      )
      await f.accounts.setUserDisabled(system, user.id, true)
      assert.deepEqual(
        await f.accounts.signIn({ email: 'viewer@example.org', password: oneTimePassword, source: '10.0.0.3' }),
        {
          outcome: 'refused',
        },
      )
      // The log names the account only when it exists, and never a password.
      assert.deepEqual(
        f.events.map((e) => [e.outcome, e.userId]),
        [
          ['signed-in', user.id],
          ['refused', user.id],
          ['refused', null],
          ['refused', user.id],
        ],
      )
      assert.ok(!JSON.stringify(f.events).includes(oneTimePassword) && !JSON.stringify(f.events).includes('nobody'))
      const stored = await f.accounts.repository.findUser(user.id)
      assert.equal(stored?.lastSignedInAt, '2018-04-03T09:00:00.000Z')
    })

    it('throttles after failures from one source, but the real user from elsewhere signs in after the delay', async () => {
      const { oneTimePassword } = await f.addUser('board@example.org', 'board-member')
      const attacker = '203.0.113.66'
      const realUser = '198.51.100.20'
      // Three wrong guesses from the attacker's address are answered; the fourth waits 60 s.
      for (let i = 0; i < 3; i++) {
        assert.equal(
          (await f.accounts.signIn({ email: 'board@example.org', password: `guess ${i}`, source: attacker })).outcome,
          'refused',
        )
      }
      assert.deepEqual(await f.accounts.signIn({ email: 'board@example.org', password: 'guess 3', source: attacker }), {
        outcome: 'throttled',
        retryAfterSeconds: 60,
      })
      // Even the right password is not checked from there while it waits.
      assert.equal(
        (await f.accounts.signIn({ email: 'board@example.org', password: oneTimePassword, source: attacker })).outcome,
        'throttled',
      )
      // The attacker keeps going after each wait: failures 4 and 5 reach the account's own threshold (5).
      f.clock.advance({ seconds: 60 })
      await f.accounts.signIn({ email: 'board@example.org', password: 'guess 4', source: attacker })
      f.clock.advance({ seconds: 120 })
      await f.accounts.signIn({ email: 'board@example.org', password: 'guess 5', source: attacker })
      // Now the account waits 30 s from anywhere, the attacker's address 240 s.
      assert.deepEqual(
        await f.accounts.signIn({ email: 'board@example.org', password: oneTimePassword, source: realUser }),
        {
          outcome: 'throttled',
          retryAfterSeconds: 30,
        },
      )
      f.clock.advance({ seconds: 30 })
      const real = await f.accounts.signIn({ email: 'board@example.org', password: oneTimePassword, source: realUser })
      assert.equal(real.outcome, 'signed-in')
      // The attacker's address is still waiting.
      assert.equal(
        (await f.accounts.signIn({ email: 'board@example.org', password: oneTimePassword, source: attacker })).outcome,
        'throttled',
      )
    })

    it('a sign-in clears away sessions that have timed out', async () => {
      const { oneTimePassword } = await f.addUser('viewer@example.org', 'viewer')
      await f.accounts.sessions.write('stale', { cookie: { originalMaxAge: 1 } } as never)
      f.clock.advance({ minutes: 31 })
      await f.accounts.sessions.write('fresh', { cookie: { originalMaxAge: 1 } } as never)
      await f.accounts.signIn({ email: 'viewer@example.org', password: oneTimePassword, source: '10.0.0.1' })
      const left = await f.database.db.selectFrom('sessions').select('expires_at').execute()
      assert.deepEqual(
        left.map((r) => r.expires_at),
        ['2018-04-03T10:01:00.000Z'],
      )
    })

    it('an unknown email is throttled exactly like a real one (no oracle)', async () => {
      await f.addUser('real@example.org', 'viewer')
      const outcomes = async (email: string, source: string) => {
        const seen: string[] = []
        for (let i = 0; i < 5; i++)
          seen.push((await f.accounts.signIn({ email, password: 'wrong password', source })).outcome)
        return seen
      }
      assert.deepEqual(await outcomes('real@example.org', '10.1.1.1'), await outcomes('ghost@example.org', '10.2.2.2'))
    })

    it('changes one’s own password: checks the current one and the rules, ends every session', async () => {
      const { user, oneTimePassword } = await f.addUser('analyst@example.org', 'partnership-analyst')
      await f.accounts.sessions.write('old-session', { cookie: { originalMaxAge: 1 }, userId: user.id } as never)
      const wrong = await f.accounts.changeOwnPassword(user.id, {
        currentPassword: 'not it',
        newPassword: 'a brand new passphrase',
        confirmPassword: 'a brand new passphrase',
        source: '10.0.0.1',
      })
      assert.deepEqual(!wrong.ok && wrong.errors.map((e) => e.field), ['currentPassword'])
      const weak = await f.accounts.changeOwnPassword(user.id, {
        currentPassword: oneTimePassword,
        newPassword: 'short',
        confirmPassword: 'short',
        source: '10.0.0.1',
      })
      assert.deepEqual(!weak.ok && weak.errors.map((e) => e.field), ['newPassword'])
      const mismatch = await f.accounts.changeOwnPassword(user.id, {
        currentPassword: oneTimePassword,
        newPassword: 'a brand new passphrase',
        confirmPassword: 'a brand new passphrasE',
        source: '10.0.0.1',
      })
      assert.deepEqual(!mismatch.ok && mismatch.errors.map((e) => e.field), ['confirmPassword'])
      const done = await f.accounts.changeOwnPassword(user.id, {
        currentPassword: oneTimePassword,
        newPassword: 'a brand new passphrase',
        confirmPassword: 'a brand new passphrase',
        source: '10.0.0.1',
      })
      assert.ok(done.ok)
      assert.equal(done.user.mustChangePassword, false)
      assert.equal(await f.accounts.sessions.read('old-session'), null)
      assert.equal(
        (await f.accounts.signIn({ email: 'analyst@example.org', password: oneTimePassword, source: '10.0.0.9' }))
          .outcome,
        'refused',
      )
      assert.equal(
        (
          await f.accounts.signIn({
            email: 'analyst@example.org',
            password: 'a brand new passphrase',
            source: '10.0.0.9',
          })
        ).outcome,
        'signed-in',
      )
    })
  })
}
