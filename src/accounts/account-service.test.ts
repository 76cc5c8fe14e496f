import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { createAuditRepository } from '../audit/audit-repository.ts'
import type { Database } from '../db/database.ts'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { createAccountService, NotFound, type AccountService, type SecurityEvent } from './account-service.ts'
import { fakeClock } from './clock.ts'
import { demoUsers } from './demo-users.ts'
import { passwordProblem } from './passwords.ts'
import { PermissionDenied } from './permissions.ts'
import type { ThrottlePolicy } from './sign-in-throttle.ts'

const policy: ThrottlePolicy = {
  accountAndSource: { threshold: 3, baseDelaySeconds: 60, maxDelaySeconds: 3600 },
  source: { threshold: 20, baseDelaySeconds: 60, maxDelaySeconds: 3600 },
  account: { threshold: 5, baseDelaySeconds: 30, maxDelaySeconds: 300 },
  forgetAfterSeconds: 86400,
}

const system = { system: 'test' } as const

for (const dialect of testDialects()) {
  describe(`account service (${dialect})`, () => {
    let database: Database
    let accounts: AccountService
    let events: SecurityEvent[]
    const clock = fakeClock('2018-04-03T09:00:00.000Z')

    beforeEach(async () => {
      database = await openTestPartnershipDatabase(dialect)
      clock.set('2018-04-03T09:00:00.000Z')
      events = []
      accounts = createAccountService({
        database,
        audit: createAuditRepository(database, { now: () => clock.now() }),
        clock,
        throttlePolicy: policy,
        log: (event) => events.push(event),
      })
      await accounts.createDefaultAgencies()
    })
    afterEach(() => database.close())

    async function agencyId(code: string): Promise<number> {
      const agency = await accounts.repository.findAgencyByCode(code)
      assert.ok(agency, code)
      return agency.id
    }

    async function addUser(email: string, role: string, agencyCode: string | null = null) {
      const result = await accounts.addUser(system, {
        email,
        name: `Test ${role}`,
        role,
        agencyId: agencyCode ? await agencyId(agencyCode) : null,
      })
      assert.ok(result.ok, JSON.stringify(!result.ok && result.errors))
      assert.ok(result.oneTimePassword !== null, 'a new account gets a one-time password')
      return { ...result, oneTimePassword: result.oneTimePassword }
    }

    /** An administrator who has already chosen their own password (one who has not may do nothing else). */
    async function addActiveUser(email: string, role: string) {
      const { user } = await addUser(email, role)
      await accounts.repository.updateUser(user.id, { at: clock.now().toISOString(), mustChangePassword: false })
      const active = await accounts.currentUser(user.id)
      assert.ok(active)
      return { user: active }
    }

    it('creates the default agencies once, audited', async () => {
      const agencies = await accounts.listAgencies()
      assert.deepEqual(agencies.map((a) => a.code).sort(), ['CTU', 'PH', 'SARC', 'SWP', 'WDVF', 'WMFS', 'WMP', 'YOT'])
      assert.equal(await accounts.createDefaultAgencies(), 0)
      const rows = await database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('entity_type', '=', 'agency')
        .execute()
      assert.equal(rows.length, 8)
    })

    it('emails are unique whatever their case, in the service and in the database', async () => {
      await addUser('Jane.Analyst@Example.org', 'partnership-analyst')
      const again = await accounts.addUser(system, {
        email: ' jane.analyst@EXAMPLE.ORG',
        name: 'J',
        role: 'viewer',
        agencyId: null,
      })
      assert.equal(again.ok, false)
      assert.deepEqual(!again.ok && again.errors.map((e) => e.field), ['email'])
      const found = await accounts.repository.findUserByEmail('JANE.ANALYST@example.org')
      assert.equal(found?.email, 'jane.analyst@example.org')
      // The database refuses a mixed-case email and a duplicate even if the service were bypassed.
      const raw = (email: string) =>
        database.db
          .insertInto('users')
          .values({
            email,
            name: 'x',
            instance_administrator: 0,
            disabled: 0,
            password_hash: null,
            must_change_password: 0,
            created_at: '2018-01-01T00:00:00.000Z',
            updated_at: '2018-01-01T00:00:00.000Z',
            password_changed_at: null,
            last_signed_in_at: null,
          })
          .execute()
      await assert.rejects(raw('Jane.Analyst@example.org'))
      await assert.rejects(raw('jane.analyst@example.org'))
    })

    it('validates a new user: email format, name, role, and an agency for a data owner', async () => {
      const result = await accounts.addUser(system, {
        email: 'not-an-email',
        name: '  ',
        role: 'superuser',
        agencyId: null,
      })
      assert.equal(result.ok, false)
      assert.deepEqual(!result.ok && result.errors.map((e) => e.field), ['name', 'email', 'role'])
      const owner = await accounts.addUser(system, {
        email: 'o@example.org',
        name: 'Owner',
        role: 'data-owner',
        agencyId: null,
      })
      assert.deepEqual(!owner.ok && owner.errors.map((e) => e.message), [
        'Select the agency whose figures this data owner sends',
      ])
      const ghost = await accounts.addUser(system, {
        email: 'o@example.org',
        name: 'Owner',
        role: 'viewer',
        agencyId: 9999,
      })
      assert.deepEqual(!ghost.ok && ghost.errors.map((e) => e.field), ['agency'])
      // The database refuses a data owner without an agency even if the service were bypassed.
      await assert.rejects(
        sql`insert into users (email, name, role, agency_id, disabled, must_change_password, created_at, updated_at)
            values ('raw@example.org', 'Raw', 'data-owner', null, 0, 0, 'x', 'x')`.execute(database.db),
      )
      await assert.rejects(
        sql`insert into users (email, name, role, agency_id, disabled, must_change_password, created_at, updated_at)
            values ('raw@example.org', 'Raw', 'root', null, 0, 0, 'x', 'x')`.execute(database.db),
      )
    })

    it('a new user gets a one-time password, must change it, and the audit holds no hash', async () => {
      const { user, oneTimePassword } = await addUser('owner@example.org', 'data-owner', 'YOT')
      assert.equal(user.mustChangePassword, true)
      assert.equal(user.agency?.code, 'YOT')
      const signedIn = await accounts.signIn({
        email: 'owner@example.org',
        password: oneTimePassword,
        source: '10.0.0.1',
      })
      assert.equal(signedIn.outcome, 'signed-in')
      const audit = await database.db.selectFrom('audit_events').selectAll().where('entity_type', '=', 'user').execute()
      // The creation, and the sign-in (src/accounts/sign-in-audit.test.ts tests those events).
      assert.deepEqual(
        audit.map((a) => [a.actor, a.action]),
        [
          ['test', 'create'],
          ['owner@example.org', 'sign-in'],
        ],
      )
      assert.ok(!JSON.stringify(audit).includes('argon2'))
      assert.ok(!JSON.stringify(audit).includes(oneTimePassword))
    })

    it('signs in with the right password only, with one generic refusal for every wrong case', async () => {
      const { user, oneTimePassword } = await addUser('viewer@example.org', 'viewer')
      const right = await accounts.signIn({
        email: ' VIEWER@example.org ',
        password: oneTimePassword,
        source: '10.0.0.1',
      })
      assert.equal(right.outcome, 'signed-in')
      assert.equal(right.outcome === 'signed-in' && right.user.id, user.id)
      assert.deepEqual(await accounts.signIn({ email: 'viewer@example.org', password: 'wrong', source: '10.0.0.1' }), {
        outcome: 'refused',
      })
      assert.deepEqual(await accounts.signIn({ email: 'nobody@example.org', password: 'wrong', source: '10.0.0.2' }), {
        outcome: 'refused',
      })
      await accounts.setUserDisabled(system, user.id, true)
      assert.deepEqual(
        await accounts.signIn({ email: 'viewer@example.org', password: oneTimePassword, source: '10.0.0.3' }),
        {
          outcome: 'refused',
        },
      )
      // The log names the account only when it exists, and never a password.
      assert.deepEqual(
        events.map((e) => [e.outcome, e.userId]),
        [
          ['signed-in', user.id],
          ['refused', user.id],
          ['refused', null],
          ['refused', user.id],
        ],
      )
      assert.ok(!JSON.stringify(events).includes(oneTimePassword) && !JSON.stringify(events).includes('nobody'))
      const stored = await accounts.repository.findUser(user.id)
      assert.equal(stored?.lastSignedInAt, '2018-04-03T09:00:00.000Z')
    })

    it('throttles after failures from one source, but the real user from elsewhere signs in after the delay', async () => {
      const { oneTimePassword } = await addUser('board@example.org', 'board-member')
      const attacker = '203.0.113.66'
      const realUser = '198.51.100.20'
      // Three wrong guesses from the attacker's address are answered; the fourth waits 60 s.
      for (let i = 0; i < 3; i++) {
        assert.equal(
          (await accounts.signIn({ email: 'board@example.org', password: `guess ${i}`, source: attacker })).outcome,
          'refused',
        )
      }
      assert.deepEqual(await accounts.signIn({ email: 'board@example.org', password: 'guess 3', source: attacker }), {
        outcome: 'throttled',
        retryAfterSeconds: 60,
      })
      // Even the right password is not checked from there while it waits.
      assert.equal(
        (await accounts.signIn({ email: 'board@example.org', password: oneTimePassword, source: attacker })).outcome,
        'throttled',
      )
      // The attacker keeps going after each wait: failures 4 and 5 reach the account's own threshold (5).
      clock.advance({ seconds: 60 })
      await accounts.signIn({ email: 'board@example.org', password: 'guess 4', source: attacker })
      clock.advance({ seconds: 120 })
      await accounts.signIn({ email: 'board@example.org', password: 'guess 5', source: attacker })
      // Now the account waits 30 s from anywhere, the attacker's address 240 s.
      assert.deepEqual(
        await accounts.signIn({ email: 'board@example.org', password: oneTimePassword, source: realUser }),
        {
          outcome: 'throttled',
          retryAfterSeconds: 30,
        },
      )
      clock.advance({ seconds: 30 })
      const real = await accounts.signIn({ email: 'board@example.org', password: oneTimePassword, source: realUser })
      assert.equal(real.outcome, 'signed-in')
      // The attacker's address is still waiting.
      assert.equal(
        (await accounts.signIn({ email: 'board@example.org', password: oneTimePassword, source: attacker })).outcome,
        'throttled',
      )
    })

    it('a sign-in clears away sessions that have timed out', async () => {
      const { oneTimePassword } = await addUser('viewer@example.org', 'viewer')
      await accounts.sessions.write('stale', { cookie: { originalMaxAge: 1 } } as never)
      clock.advance({ minutes: 31 })
      await accounts.sessions.write('fresh', { cookie: { originalMaxAge: 1 } } as never)
      await accounts.signIn({ email: 'viewer@example.org', password: oneTimePassword, source: '10.0.0.1' })
      const left = await database.db.selectFrom('sessions').select('expires_at').execute()
      assert.deepEqual(
        left.map((r) => r.expires_at),
        ['2018-04-03T10:01:00.000Z'],
      )
    })

    it('an unknown email is throttled exactly like a real one (no oracle)', async () => {
      await addUser('real@example.org', 'viewer')
      const outcomes = async (email: string, source: string) => {
        const seen: string[] = []
        for (let i = 0; i < 5; i++)
          seen.push((await accounts.signIn({ email, password: 'wrong password', source })).outcome)
        return seen
      }
      assert.deepEqual(await outcomes('real@example.org', '10.1.1.1'), await outcomes('ghost@example.org', '10.2.2.2'))
    })

    it('changing role or agency takes effect on the next load of the user; disabling ends their sessions', async () => {
      const { user } = await addUser('owner@example.org', 'data-owner', 'WMP')
      await accounts.sessions.write('owner-session', {
        cookie: { originalMaxAge: 1800000 },
        userId: user.id,
      } as never)
      const moved = await accounts.updateUser(system, user.id, {
        name: user.name,
        role: 'data-owner',
        agencyId: await agencyId('YOT'),
      })
      assert.ok(moved.ok)
      assert.equal((await accounts.currentUser(user.id))?.agency?.code, 'YOT')
      assert.notEqual(await accounts.sessions.read('owner-session'), null)
      const disabled = await accounts.setUserDisabled(system, user.id, true)
      assert.ok(disabled.ok)
      assert.equal(await accounts.currentUser(user.id), null)
      assert.equal(await accounts.sessions.read('owner-session'), null)
      const audit = await database.db
        .selectFrom('audit_events')
        .select(['action', 'before', 'after'])
        .where('entity_type', '=', 'user')
        .orderBy('id')
        .execute()
      assert.deepEqual(
        audit.map((a) => a.action),
        ['create', 'update', 'disable'],
      )
      assert.match(audit[1]?.before ?? '', /"agency":"WMP"/)
      assert.match(audit[1]?.after ?? '', /"agency":"YOT"/)
      assert.match(audit[2]?.after ?? '', /"sessionsEnded":1/)
    })

    it('keeps at least one enabled administrator, and an administrator cannot disable themselves', async () => {
      const { user: admin } = await addUser('admin@example.org', 'administrator')
      const demote = await accounts.updateUser(system, admin.id, { name: admin.name, role: 'viewer', agencyId: null })
      assert.equal(demote.ok, false)
      const disable = await accounts.setUserDisabled(system, admin.id, true)
      assert.equal(disable.ok, false)
      const { user: second } = await addActiveUser('second@example.org', 'administrator')
      const self = await accounts.setUserDisabled({ user: second }, second.id, true)
      assert.deepEqual(!self.ok && self.errors.map((e) => e.message), ['You cannot disable your own account'])
      assert.ok((await accounts.setUserDisabled({ user: second }, admin.id, true)).ok)
    })

    it('refuses administration to anyone but an administrator, checked against the user given', async () => {
      const { user: analyst } = await addActiveUser('analyst@example.org', 'partnership-analyst')
      await assert.rejects(accounts.listUsers({ user: analyst }), PermissionDenied)
      await assert.rejects(
        accounts.addUser(
          { user: analyst },
          { email: 'x@example.org', name: 'X', role: 'administrator', agencyId: null },
        ),
        PermissionDenied,
      )
      await assert.rejects(accounts.setUserDisabled({ user: analyst }, analyst.id, true), PermissionDenied)
      await assert.rejects(accounts.createApiToken({ user: analyst }, { agencyId: 1, name: 'x' }), PermissionDenied)
      const { user: admin } = await addActiveUser('admin@example.org', 'administrator')
      assert.equal((await accounts.listUsers({ user: admin })).length, 2)
      const { user: fresh } = await addUser('fresh@example.org', 'administrator')
      await assert.rejects(accounts.listUsers({ user: fresh }), PermissionDenied)
      await assert.rejects(accounts.setUserDisabled({ user: admin }, 9999, true), NotFound)
    })

    it('changes one’s own password: checks the current one and the rules, ends every session', async () => {
      const { user, oneTimePassword } = await addUser('analyst@example.org', 'partnership-analyst')
      await accounts.sessions.write('old-session', { cookie: { originalMaxAge: 1 }, userId: user.id } as never)
      const wrong = await accounts.changeOwnPassword(user.id, {
        currentPassword: 'not it',
        newPassword: 'a brand new passphrase',
        confirmPassword: 'a brand new passphrase',
        source: '10.0.0.1',
      })
      assert.deepEqual(!wrong.ok && wrong.errors.map((e) => e.field), ['currentPassword'])
      const weak = await accounts.changeOwnPassword(user.id, {
        currentPassword: oneTimePassword,
        newPassword: 'short',
        confirmPassword: 'short',
        source: '10.0.0.1',
      })
      assert.deepEqual(!weak.ok && weak.errors.map((e) => e.field), ['newPassword'])
      const mismatch = await accounts.changeOwnPassword(user.id, {
        currentPassword: oneTimePassword,
        newPassword: 'a brand new passphrase',
        confirmPassword: 'a brand new passphrasE',
        source: '10.0.0.1',
      })
      assert.deepEqual(!mismatch.ok && mismatch.errors.map((e) => e.field), ['confirmPassword'])
      const done = await accounts.changeOwnPassword(user.id, {
        currentPassword: oneTimePassword,
        newPassword: 'a brand new passphrase',
        confirmPassword: 'a brand new passphrase',
        source: '10.0.0.1',
      })
      assert.ok(done.ok)
      assert.equal(done.user.mustChangePassword, false)
      assert.equal(await accounts.sessions.read('old-session'), null)
      assert.equal(
        (await accounts.signIn({ email: 'analyst@example.org', password: oneTimePassword, source: '10.0.0.9' }))
          .outcome,
        'refused',
      )
      assert.equal(
        (
          await accounts.signIn({
            email: 'analyst@example.org',
            password: 'a brand new passphrase',
            source: '10.0.0.9',
          })
        ).outcome,
        'signed-in',
      )
    })

    it('an administrator’s password reset issues a new one-time password and ends sessions', async () => {
      const { user, oneTimePassword } = await addUser('viewer@example.org', 'viewer')
      await accounts.sessions.write('s', { cookie: { originalMaxAge: 1 }, userId: user.id } as never)
      const reset = await accounts.resetPassword(system, user.id)
      assert.notEqual(reset.oneTimePassword, oneTimePassword)
      assert.equal(reset.user.mustChangePassword, true)
      assert.equal(await accounts.sessions.read('s'), null)
      assert.equal(
        (await accounts.signIn({ email: 'viewer@example.org', password: reset.oneTimePassword, source: '10.0.0.1' }))
          .outcome,
        'signed-in',
      )
    })

    it('creates the first administrator once, with a one-time password to be changed', async () => {
      const first = await accounts.createFirstAdministrator('Admin@Localhost')
      assert.ok(first)
      assert.equal(first.email, 'admin@localhost')
      assert.equal(await accounts.createFirstAdministrator('other@localhost'), null)
      const signedIn = await accounts.signIn({
        email: 'admin@localhost',
        password: first.oneTimePassword,
        source: '127.0.0.1',
      })
      assert.equal(signedIn.outcome === 'signed-in' && signedIn.user.mustChangePassword, true)
      assert.equal(signedIn.outcome === 'signed-in' && signedIn.user.role, 'administrator')
    })

    it('creates the demo users, one per role, whose passwords pass the rules and sign in', async () => {
      assert.equal(await accounts.createDemoUsers(), 6)
      assert.equal(await accounts.createDemoUsers(), 0)
      const users = await accounts.repository.listUsers()
      assert.deepEqual(users.map((u) => u.role).sort(), [
        'administrator',
        'board-member',
        'data-owner',
        'partnership-analyst',
        'regional-analyst',
        'viewer',
      ])
      for (const demo of demoUsers) {
        assert.equal(passwordProblem(demo.password, { email: demo.email, name: demo.name }), null, demo.email)
        const result = await accounts.signIn({ email: demo.email, password: demo.password, source: '127.0.0.1' })
        assert.equal(result.outcome, 'signed-in', demo.email)
      }
      assert.equal(users.find((u) => u.role === 'data-owner')?.agency?.code, 'WMP')
    })

    it('API tokens: shown once, stored as a hash, bound to an agency, revocable, expiring', async () => {
      const { user: admin } = await addActiveUser('admin@example.org', 'administrator')
      const yot = await agencyId('YOT')
      const created = await accounts.createApiToken({ user: admin }, { agencyId: yot, name: 'YOT nightly upload' })
      assert.ok(created.ok)
      assert.match(created.token, /^shub_[A-Za-z0-9_-]{43}$/)
      const stored = await database.db.selectFrom('api_tokens').selectAll().execute()
      assert.equal(stored.length, 1)
      assert.ok(!JSON.stringify(stored).includes(created.token))
      assert.equal(stored[0]?.token_prefix, created.token.slice(0, 12))
      const who = await accounts.authenticateApiToken(created.token)
      assert.equal(who?.agency.code, 'YOT')
      assert.deepEqual(who?.principal, { role: 'data-owner', agencyId: yot })
      // One character changed (never the same one: a token ending in "A" stayed valid once in 64 runs).
      const tampered = created.token.slice(0, -1) + (created.token.endsWith('A') ? 'B' : 'A')
      assert.equal(await accounts.authenticateApiToken(tampered), null)
      assert.equal(await accounts.authenticateApiToken('nonsense'), null)
      await accounts.revokeApiToken({ user: admin }, created.apiToken.id)
      assert.equal(await accounts.authenticateApiToken(created.token), null)

      const expiring = await accounts.createApiToken(system, {
        agencyId: yot,
        name: 'one day',
        expiresAt: '2018-04-04T09:00:00.000Z',
      })
      assert.ok(expiring.ok)
      assert.notEqual(await accounts.authenticateApiToken(expiring.token), null)
      clock.advance({ hours: 24 })
      assert.equal(await accounts.authenticateApiToken(expiring.token), null)
      const past = await accounts.createApiToken(system, { agencyId: yot, name: 'past', expiresAt: '2018-01-01' })
      assert.deepEqual(!past.ok && past.errors.map((e) => e.field), ['expiresAt'])
      const actions = await database.db
        .selectFrom('audit_events')
        .select('action')
        .where('entity_type', '=', 'api-token')
        .orderBy('id')
        .execute()
      assert.deepEqual(
        actions.map((a) => a.action),
        ['create', 'revoke', 'create'],
      )
    })

    it('agencies: added with a unique code, audited', async () => {
      const added = await accounts.addAgency(system, { code: 'NPS', name: 'National Probation Service' })
      assert.ok(added.ok)
      const again = await accounts.addAgency(system, { code: 'NPS', name: 'Again' })
      assert.deepEqual(!again.ok && again.errors.map((e) => e.field), ['code'])
      const bad = await accounts.addAgency(system, { code: '<script>', name: '' })
      assert.deepEqual(!bad.ok && bad.errors.map((e) => e.field), ['code', 'name'])
    })

    it('the audit chain stays valid through all of this', async () => {
      const { user } = await addUser('a@example.org', 'viewer')
      await accounts.setUserDisabled(system, user.id, true)
      await accounts.setUserDisabled(system, user.id, false)
      const verification = await createAuditRepository(database).verify()
      assert.equal(verification.ok, true)
    })
  })
}
