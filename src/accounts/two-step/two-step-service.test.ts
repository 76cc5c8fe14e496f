import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { SessionData } from 'express-session'
import { createAuditRepository, type AuditRepository } from '../../audit/audit-repository.ts'
import type { Database } from '../../db/database.ts'
import { openTestPartnershipDatabase, testDialects } from '../../../test/support/databases.ts'
import { createAccountService, type AccountService } from '../account-service.ts'
import type { User } from '../account-repository.ts'
import { fakeClock } from '../clock.ts'
import { PermissionDenied } from '../permissions.ts'
import { codeAt, independentHotp, keyBytes, stepAt } from './testing/independent-totp.ts'
import { createTwoStepService, type TwoStepService } from './two-step-service.ts'
import type { TwoStepPolicy } from '../../config.ts'

const SECRET = 'test session secret, long enough to be a real one'
const START = '2018-04-03T09:00:10.000Z'

for (const dialect of testDialects()) {
  describe(`two-step sign-in service (${dialect})`, () => {
    const clock = fakeClock(START)
    let database: Database
    let audit: AuditRepository
    let accounts: AccountService
    let twoStep: TwoStepService
    let viewer: User
    let viewerPassword: string

    const serviceWith = (policy: TwoStepPolicy, applicationSecret = SECRET) =>
      createTwoStepService({ database, audit, accounts, policy, applicationSecret, issuer: 'Test Partnership' })

    /** A user who has chosen their password (here: kept the one-time one, as if chosen). */
    async function addUser(email: string, role: string): Promise<{ user: User; password: string }> {
      const added = await accounts.addUser({ system: 'test' }, { email, name: email, role, agencyId: null })
      assert.ok(added.ok)
      await accounts.repository.updateUser(added.user.id, { at: START, mustChangePassword: false })
      const user = await accounts.repository.findUser(added.user.id)
      assert.ok(user)
      assert.ok(added.oneTimePassword !== null)
      return { user, password: added.oneTimePassword }
    }

    /** Sets two-step sign-in up for a user as the page does; returns the key as shown and the recovery codes. */
    async function enrol(user: User, service = twoStep): Promise<{ key: string; recoveryCodes: readonly string[] }> {
      const enrolment = service.newEnrolment(user)
      const result = await service.confirmEnrolment(user, enrolment.sealedSecret, codeAt(enrolment.keyText, now()))
      assert.ok(result.ok, JSON.stringify(result))
      return { key: enrolment.keyText, recoveryCodes: result.recoveryCodes }
    }

    const now = () => clock.now().getTime()

    beforeEach(async () => {
      clock.set(START)
      database = await openTestPartnershipDatabase(dialect)
      audit = createAuditRepository(database, { now: () => clock.now() })
      accounts = createAccountService({ database, audit, clock })
      twoStep = serviceWith('optional')
      ;({ user: viewer, password: viewerPassword } = await addUser('viewer@example.org', 'viewer'))
    })
    afterEach(() => database.close())

    it('offers a 160-bit key in groups of four and an otpauth URI labelled with the partnership and email', () => {
      const enrolment = twoStep.newEnrolment(viewer)
      assert.match(enrolment.keyText, /^[A-Z2-7]{4}( [A-Z2-7]{4}){7}$/)
      assert.equal(keyBytes(enrolment.keyText).length, 20)
      const key = enrolment.keyText.replace(/ /g, '')
      assert.equal(
        enrolment.uri,
        `otpauth://totp/Test%20Partnership:viewer%40example.org?secret=${key}&issuer=Test%20Partnership` +
          '&algorithm=SHA1&digits=6&period=30',
      )
      assert.notEqual(twoStep.newEnrolment(viewer).keyText, enrolment.keyText, 'a new key each time')
      // The sealed copy for the session opens for this user only.
      assert.equal(twoStep.enrolment(viewer, enrolment.sealedSecret)?.keyText, enrolment.keyText)
      assert.equal(twoStep.enrolment({ ...viewer, id: viewer.id + 1 }, enrolment.sealedSecret), null)
    })

    it('switches on only with a current code from the new key, keeps it sealed, and audits no secret', async () => {
      const enrolment = twoStep.newEnrolment(viewer)
      const wrong = await twoStep.confirmEnrolment(viewer, enrolment.sealedSecret, '000000')
      const current = codeAt(enrolment.keyText, now())
      assert.equal(wrong.ok, current === '000000')
      const empty = await twoStep.confirmEnrolment(viewer, enrolment.sealedSecret, '')
      assert.deepEqual(empty, {
        ok: false,
        errors: [{ field: 'code', message: 'Enter the code from your authenticator app' }],
      })
      assert.equal((await twoStep.status(viewer)).enabled, false)

      const result = await twoStep.confirmEnrolment(viewer, enrolment.sealedSecret, current)
      assert.ok(result.ok)
      assert.equal(result.recoveryCodes.length, 10)
      const status = await twoStep.status(viewer)
      assert.deepEqual(
        { enabled: status.enabled, left: status.recoveryCodesLeft, at: status.enabledAt },
        { enabled: true, left: 10, at: START },
      )

      const row = await database.db.selectFrom('two_step_credentials').selectAll().executeTakeFirstOrThrow()
      const key = enrolment.keyText.replace(/ /g, '')
      assert.match(row.secret_sealed, /^v1\./)
      const stored = JSON.stringify(
        await database.db.selectFrom('two_step_recovery_codes').selectAll().execute(),
      ).toLowerCase()
      for (const secretText of [key, keyBytes(enrolment.keyText).toString('hex'), keyBytes(key).toString('base64')]) {
        assert.ok(!row.secret_sealed.includes(secretText), 'the secret is not stored in clear')
      }
      for (const code of result.recoveryCodes) assert.ok(!stored.includes(code.replace(/-/g, '')), 'codes hashed')

      const events = await audit.list({ entityType: 'user', entityKey: String(viewer.id) })
      const turnOn = events.find((e) => e.action === 'two-step-turn-on')
      assert.ok(turnOn, 'turning it on is audited')
      const everything = JSON.stringify(events)
      assert.ok(!everything.includes(key) && !everything.includes(current))
      for (const code of result.recoveryCodes) assert.ok(!everything.includes(code))

      // A second confirmation (another browser) does not replace the first.
      const again = twoStep.newEnrolment(viewer)
      const second = await twoStep.confirmEnrolment(viewer, again.sealedSecret, codeAt(again.keyText, now()))
      assert.equal(second.ok, false)
    })

    it('says what comes after the password, by policy and role', async () => {
      const { user: analyst } = await addUser('analyst@example.org', 'partnership-analyst')
      const { user: administrator } = await addUser('administrator@example.org', 'administrator')
      const expectations: [TwoStepPolicy, User, string][] = [
        ['optional', viewer, 'signed-in'],
        ['optional', administrator, 'signed-in'],
        ['administrators', viewer, 'signed-in'],
        ['administrators', analyst, 'set-up'],
        ['administrators', administrator, 'set-up'],
        ['required', viewer, 'set-up'],
      ]
      for (const [policy, user, next] of expectations) {
        assert.equal(await serviceWith(policy).afterPassword(user), next, `${policy} ${user.role}`)
      }
      await enrol(viewer)
      for (const policy of ['optional', 'administrators', 'required'] as const) {
        assert.equal(await serviceWith(policy).afterPassword(viewer), 'enter-code', policy)
      }
    })

    it('accepts a current code once: the same code again is a replay, and so is an earlier one', async () => {
      const { key } = await enrol(viewer)
      // The code used to switch it on is used up.
      assert.deepEqual(await twoStep.verifyCode(viewer.id, codeAt(key, now()), '203.0.113.9'), {
        outcome: 'refused',
        reason: 'reused-code',
      })
      clock.advance({ seconds: 30 })
      const code = codeAt(key, now())
      assert.deepEqual(await twoStep.verifyCode(viewer.id, code, '203.0.113.9'), {
        outcome: 'accepted',
        recoveryCodesLeft: null,
      })
      assert.deepEqual(await twoStep.verifyCode(viewer.id, code, '203.0.113.9'), {
        outcome: 'refused',
        reason: 'reused-code',
      })
      // Still within its step, from another address: refused all the same.
      clock.advance({ seconds: 5 })
      assert.equal((await twoStep.verifyCode(viewer.id, code, '198.51.100.7')).outcome, 'refused')
    })

    it('allows one step of clock drift either way, and no more', async () => {
      const { key } = await enrol(viewer)
      const bytes = keyBytes(key)
      clock.advance({ minutes: 10 })
      const step = stepAt(now())
      assert.equal(
        (await twoStep.verifyCode(viewer.id, independentHotp(bytes, step + 2), undefined)).outcome,
        'refused',
      )
      assert.equal(
        (await twoStep.verifyCode(viewer.id, independentHotp(bytes, step - 2), undefined)).outcome,
        'refused',
      )
      // A phone 30 seconds slow.
      assert.equal(
        (await twoStep.verifyCode(viewer.id, independentHotp(bytes, step - 1), undefined)).outcome,
        'accepted',
      )
      // A phone 30 seconds fast, later.
      clock.advance({ minutes: 1 })
      const later = stepAt(now())
      assert.equal(
        (await twoStep.verifyCode(viewer.id, independentHotp(bytes, later + 1), undefined)).outcome,
        'accepted',
      )
      // Now that step +1 is used, the current code (an earlier step) is refused as a replay.
      assert.deepEqual(await twoStep.verifyCode(viewer.id, independentHotp(bytes, later), undefined), {
        outcome: 'refused',
        reason: 'reused-code',
      })
    })

    it('throttles wrong codes like passwords: 5 free from one address, then a growing wait', async () => {
      const { key } = await enrol(viewer)
      clock.advance({ minutes: 1 })
      const right = codeAt(key, now())
      const wrong = ['000000', '111111', '222222', '333333', '444444', '555555'].filter((c) => c !== right)
      for (const code of wrong.slice(0, 5)) {
        assert.deepEqual(await twoStep.verifyCode(viewer.id, code, '203.0.113.9'), {
          outcome: 'refused',
          reason: 'wrong-code',
        })
      }
      // The sixth try waits 30 seconds, even with the right code (it is not even checked).
      assert.deepEqual(await twoStep.verifyCode(viewer.id, right, '203.0.113.9'), {
        outcome: 'throttled',
        retryAfterSeconds: 30,
      })
      assert.equal((await twoStep.verifyRecoveryCode(viewer.id, 'x', '203.0.113.9')).outcome, 'throttled')
      // The audit trail has each wrong code, and the wait once however many attempts it refused.
      const actions = (await audit.list({ entityType: 'user', entityKey: String(viewer.id) })).map((e) => e.action)
      assert.equal(actions.filter((a) => a === 'sign-in-second-step-failed').length, 5)
      assert.equal(actions.filter((a) => a === 'sign-in-second-step-throttled').length, 1)
      clock.advance({ seconds: 31 })
      const next = codeAt(key, now())
      assert.equal((await twoStep.verifyCode(viewer.id, next, '203.0.113.9')).outcome, 'accepted')
      // Success clears the user's counts: five more wrong codes are free again.
      for (const code of wrong.slice(0, 5)) {
        assert.equal((await twoStep.verifyCode(viewer.id, code, '203.0.113.9')).outcome, 'refused')
      }
    })

    it('audits every second step tried, with the outcome and never the code', async () => {
      const { key } = await enrol(viewer)
      clock.advance({ seconds: 30 })
      const code = codeAt(key, now())
      await twoStep.verifyCode(viewer.id, code, '203.0.113.9')
      await twoStep.verifyCode(viewer.id, code, '203.0.113.9')
      const events = await audit.list({ entityType: 'user', entityKey: String(viewer.id) })
      const steps = events.filter((e) => e.action.startsWith('sign-in-second-step'))
      assert.deepEqual(
        steps.map((e) => [e.actor, e.action, JSON.parse(e.after ?? 'null')]),
        [
          ['viewer@example.org', 'sign-in-second-step', { method: 'authenticator', address: '203.0.113.9' }],
          [
            'viewer@example.org',
            'sign-in-second-step-failed',
            { method: 'authenticator', address: '203.0.113.9', reason: 'reused-code' },
          ],
        ],
      )
      assert.ok(!JSON.stringify(events).includes(code))
      assert.equal((await audit.verify()).ok, true)
    })

    it('of three requests racing with one code, exactly one is accepted', async () => {
      const { key } = await enrol(viewer)
      clock.advance({ seconds: 30 })
      const code = codeAt(key, now())
      const outcomes = await Promise.all([1, 2, 3].map(() => twoStep.verifyCode(viewer.id, code, undefined)))
      assert.deepEqual(outcomes.map((o) => o.outcome).sort(), ['accepted', 'refused', 'refused'])
    })

    it('accepts each recovery code once, however it is typed', async () => {
      const { recoveryCodes } = await enrol(viewer)
      const [first = '', second = ''] = recoveryCodes
      assert.deepEqual(await twoStep.verifyRecoveryCode(viewer.id, first, undefined), {
        outcome: 'accepted',
        recoveryCodesLeft: 9,
      })
      assert.deepEqual(await twoStep.verifyRecoveryCode(viewer.id, first, undefined), {
        outcome: 'refused',
        reason: 'wrong-code',
      })
      assert.deepEqual(
        await twoStep.verifyRecoveryCode(viewer.id, ` ${second.toUpperCase().replace(/-/g, ' ')} `, undefined),
        { outcome: 'accepted', recoveryCodesLeft: 8 },
      )
      assert.equal((await twoStep.verifyRecoveryCode(viewer.id, 'k7q2-9xvd-m3tn-p8aw', undefined)).outcome, 'refused')
      assert.equal((await twoStep.status(viewer)).recoveryCodesLeft, 8)
      // Another user's code does not work for this one.
      const { user: other } = await addUser('other@example.org', 'viewer')
      const { recoveryCodes: others } = await enrol(other)
      assert.equal((await twoStep.verifyRecoveryCode(viewer.id, others[0] ?? '', undefined)).outcome, 'refused')
    })

    it('makes new recovery codes and turns off only with the password again', async () => {
      const { recoveryCodes: old } = await enrol(viewer)
      const refused = await twoStep.newRecoveryCodes(viewer, 'not the password', undefined)
      assert.deepEqual(refused, { ok: false, errors: [{ field: 'password', message: 'Your password is not right' }] })
      const renewed = await twoStep.newRecoveryCodes(viewer, viewerPassword, undefined)
      assert.ok(renewed.ok)
      assert.equal((await twoStep.verifyRecoveryCode(viewer.id, old[0] ?? '', undefined)).outcome, 'refused')
      assert.equal(
        (await twoStep.verifyRecoveryCode(viewer.id, renewed.recoveryCodes[0] ?? '', undefined)).outcome,
        'accepted',
      )

      assert.deepEqual(await twoStep.turnOff(viewer, '', undefined), {
        ok: false,
        errors: [{ field: 'password', message: 'Enter your password' }],
      })
      assert.equal((await twoStep.turnOff(viewer, 'wrong', undefined)).ok, false)
      assert.equal((await twoStep.status(viewer)).enabled, true)
      assert.deepEqual(await twoStep.turnOff(viewer, viewerPassword, undefined), { ok: true })
      assert.deepEqual(await twoStep.status(viewer), {
        enabled: false,
        enabledAt: null,
        recoveryCodesLeft: 0,
        required: false,
      })
      assert.equal(
        (await twoStep.verifyRecoveryCode(viewer.id, renewed.recoveryCodes[1] ?? '', undefined)).outcome,
        'refused',
      )
      const actions = (await audit.list({ entityType: 'user', entityKey: String(viewer.id) })).map((e) => e.action)
      assert.ok(actions.includes('two-step-new-recovery-codes') && actions.includes('two-step-turn-off'))
    })

    it("lets an administrator (or the command line) reset a user's two-step sign-in, ending their sessions", async () => {
      await enrol(viewer)
      const cookie = { originalMaxAge: 1_800_000, httpOnly: true, path: '/' } as SessionData['cookie']
      await accounts.sessions.write('viewer-session', { cookie, userId: viewer.id })
      const { user: board } = await addUser('board@example.org', 'board-member')
      await assert.rejects(twoStep.reset({ user: board }, viewer.id), PermissionDenied)
      assert.equal((await twoStep.status(viewer)).enabled, true)

      const { user: administrator } = await addUser('administrator@example.org', 'administrator')
      assert.deepEqual((await twoStep.reset({ user: administrator }, viewer.id)).wasOn, true)
      assert.equal((await twoStep.status(viewer)).enabled, false)
      assert.equal(await accounts.sessions.read('viewer-session'), null, 'their sessions ended')
      const reset = (await audit.list({ entityType: 'user', entityKey: String(viewer.id) })).find(
        (e) => e.action === 'two-step-reset',
      )
      assert.equal(reset?.actor, 'administrator@example.org')
      assert.deepEqual(JSON.parse(reset?.after ?? 'null'), { twoStep: 'off', sessionsEnded: 1 })
      // Under `required` they must set it up again at their next sign-in.
      assert.equal(await serviceWith('required').afterPassword(viewer), 'set-up')
      assert.equal((await twoStep.reset({ system: 'command line (test)' }, viewer.id)).wasOn, false)
    })

    it('refuses codes when the stored secret was altered or SESSION_SECRET changed, and says so', async () => {
      const { key, recoveryCodes } = await enrol(viewer)
      clock.advance({ seconds: 30 })
      const rotated = serviceWith('optional', 'a different session secret after rotation')
      assert.deepEqual(await rotated.verifyCode(viewer.id, codeAt(key, now()), undefined), {
        outcome: 'refused',
        reason: 'unreadable',
      })
      // Recovery codes are hashes, not sealed: they still work, so the user can sign in and set it up again.
      assert.equal((await rotated.verifyRecoveryCode(viewer.id, recoveryCodes[0] ?? '', undefined)).outcome, 'accepted')

      const row = await database.db.selectFrom('two_step_credentials').select('secret_sealed').executeTakeFirstOrThrow()
      const parts = row.secret_sealed.split('.')
      const ciphertext = Buffer.from(parts[2] ?? '', 'base64url')
      ciphertext[0] = (ciphertext[0] ?? 0) ^ 1
      parts[2] = ciphertext.toString('base64url')
      await database.db
        .updateTable('two_step_credentials')
        .set({ secret_sealed: parts.join('.') })
        .execute()
      assert.deepEqual(await twoStep.verifyCode(viewer.id, codeAt(key, now()), undefined), {
        outcome: 'refused',
        reason: 'unreadable',
      })
    })

    it("does not accept another user's sealed secret copied onto this user's row", async () => {
      const { key } = await enrol(viewer)
      const { user: other } = await addUser('other@example.org', 'viewer')
      await enrol(other)
      const viewerRow = await database.db
        .selectFrom('two_step_credentials')
        .select('secret_sealed')
        .where('user_id', '=', viewer.id)
        .executeTakeFirstOrThrow()
      await database.db
        .updateTable('two_step_credentials')
        .set({ secret_sealed: viewerRow.secret_sealed, last_used_step: null })
        .where('user_id', '=', other.id)
        .execute()
      clock.advance({ seconds: 30 })
      assert.equal((await twoStep.verifyCode(other.id, codeAt(key, now()), undefined)).outcome, 'refused')
    })
  })
}
