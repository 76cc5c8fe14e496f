import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { testDialects } from '../../test/support/databases.ts'
import { system, useAccountService } from '../../test/support/account-service.ts'
import { NotFound } from './account-service.ts'
import { PermissionDenied } from './permissions.ts'

for (const dialect of testDialects()) {
  describe(`user administration (${dialect})`, () => {
    const f = useAccountService(dialect)

    it('emails are unique whatever their case, in the service and in the database', async () => {
      await f.addUser('Jane.Analyst@Example.org', 'partnership-analyst')
      const again = await f.accounts.addUser(system, {
        email: ' jane.analyst@EXAMPLE.ORG',
        name: 'J',
        role: 'viewer',
        agencyId: null,
      })
      assert.equal(again.ok, false)
      assert.deepEqual(!again.ok && again.errors.map((e) => e.field), ['email'])
      const found = await f.accounts.repository.findUserByEmail('JANE.ANALYST@example.org')
      assert.equal(found?.email, 'jane.analyst@example.org')
      // The database refuses a mixed-case email and a duplicate even if the service were bypassed.
      const raw = (email: string) =>
        f.database.db
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
      const result = await f.accounts.addUser(system, {
        email: 'not-an-email',
        name: '  ',
        role: 'superuser',
        agencyId: null,
      })
      assert.equal(result.ok, false)
      assert.deepEqual(!result.ok && result.errors.map((e) => e.field), ['name', 'email', 'role'])
      const owner = await f.accounts.addUser(system, {
        email: 'o@example.org',
        name: 'Owner',
        role: 'data-owner',
        agencyId: null,
      })
      assert.deepEqual(!owner.ok && owner.errors.map((e) => e.message), [
        'Select the agency whose figures this data owner sends',
      ])
      const ghost = await f.accounts.addUser(system, {
        email: 'o@example.org',
        name: 'Owner',
        role: 'viewer',
        agencyId: 9999,
      })
      assert.deepEqual(!ghost.ok && ghost.errors.map((e) => e.field), ['agency'])
      // The database refuses a data owner without an agency even if the service were bypassed.
      await assert.rejects(
        sql`insert into users (email, name, role, agency_id, disabled, must_change_password, created_at, updated_at)
            values ('raw@example.org', 'Raw', 'data-owner', null, 0, 0, 'x', 'x')`.execute(f.database.db),
      )
      await assert.rejects(
        sql`insert into users (email, name, role, agency_id, disabled, must_change_password, created_at, updated_at)
            values ('raw@example.org', 'Raw', 'root', null, 0, 0, 'x', 'x')`.execute(f.database.db),
      )
    })

    it('a new user gets a one-time password, must change it, and the audit holds no hash', async () => {
      const { user, oneTimePassword } = await f.addUser('owner@example.org', 'data-owner', 'YOT')
      assert.equal(user.mustChangePassword, true)
      assert.equal(user.agency?.code, 'YOT')
      const signedIn = await f.accounts.signIn({
        email: 'owner@example.org',
        password: oneTimePassword,
        source: '10.0.0.1',
      })
      assert.equal(signedIn.outcome, 'signed-in')
      const audit = await f.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('entity_type', '=', 'user')
        .execute()
      // The creation, and the sign-in (src/accounts/sign-in-audit.test.ts tests those f.events).
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

    it('changing role or agency takes effect on the next load of the user; disabling ends their sessions', async () => {
      const { user } = await f.addUser('owner@example.org', 'data-owner', 'WMP')
      await f.accounts.sessions.write('owner-session', {
        cookie: { originalMaxAge: 1800000 },
        userId: user.id,
      } as never)
      const moved = await f.accounts.updateUser(system, user.id, {
        name: user.name,
        role: 'data-owner',
        agencyId: await f.agencyId('YOT'),
      })
      assert.ok(moved.ok)
      assert.equal((await f.accounts.currentUser(user.id))?.agency?.code, 'YOT')
      assert.notEqual(await f.accounts.sessions.read('owner-session'), null)
      const disabled = await f.accounts.setUserDisabled(system, user.id, true)
      assert.ok(disabled.ok)
      assert.equal(await f.accounts.currentUser(user.id), null)
      assert.equal(await f.accounts.sessions.read('owner-session'), null)
      const audit = await f.database.db
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
      const { user: admin } = await f.addUser('admin@example.org', 'administrator')
      const demote = await f.accounts.updateUser(system, admin.id, { name: admin.name, role: 'viewer', agencyId: null })
      assert.equal(demote.ok, false)
      const disable = await f.accounts.setUserDisabled(system, admin.id, true)
      assert.equal(disable.ok, false)
      const { user: second } = await f.addActiveUser('second@example.org', 'administrator')
      const self = await f.accounts.setUserDisabled({ user: second }, second.id, true)
      assert.deepEqual(!self.ok && self.errors.map((e) => e.message), ['You cannot disable your own account'])
      assert.ok((await f.accounts.setUserDisabled({ user: second }, admin.id, true)).ok)
    })

    it('refuses administration to anyone but an administrator, checked against the user given', async () => {
      const { user: analyst } = await f.addActiveUser('analyst@example.org', 'partnership-analyst')
      await assert.rejects(f.accounts.listUsers({ user: analyst }), PermissionDenied)
      await assert.rejects(
        f.accounts.addUser(
          { user: analyst },
          { email: 'x@example.org', name: 'X', role: 'administrator', agencyId: null },
        ),
        PermissionDenied,
      )
      await assert.rejects(f.accounts.setUserDisabled({ user: analyst }, analyst.id, true), PermissionDenied)
      await assert.rejects(f.accounts.createApiToken({ user: analyst }, { agencyId: 1, name: 'x' }), PermissionDenied)
      const { user: admin } = await f.addActiveUser('admin@example.org', 'administrator')
      assert.equal((await f.accounts.listUsers({ user: admin })).length, 2)
      const { user: fresh } = await f.addUser('fresh@example.org', 'administrator')
      await assert.rejects(f.accounts.listUsers({ user: fresh }), PermissionDenied)
      await assert.rejects(f.accounts.setUserDisabled({ user: admin }, 9999, true), NotFound)
    })

    it('an administrator’s password reset issues a new one-time password and ends sessions', async () => {
      const { user, oneTimePassword } = await f.addUser('viewer@example.org', 'viewer')
      await f.accounts.sessions.write('s', { cookie: { originalMaxAge: 1 }, userId: user.id } as never)
      const reset = await f.accounts.resetPassword(system, user.id)
      assert.notEqual(reset.oneTimePassword, oneTimePassword)
      assert.equal(reset.user.mustChangePassword, true)
      assert.equal(await f.accounts.sessions.read('s'), null)
      assert.equal(
        (await f.accounts.signIn({ email: 'viewer@example.org', password: reset.oneTimePassword, source: '10.0.0.1' }))
          .outcome,
        'signed-in',
      )
    })
  })
}
