import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../../test/support/databases.ts'
import { useAccountService } from '../../test/support/account-service.ts'
import { demoUsers } from './demo-users.ts'
import { passwordProblem } from './passwords.ts'

for (const dialect of testDialects()) {
  describe(`first start: agencies, the first administrator, demo users (${dialect})`, () => {
    const f = useAccountService(dialect)

    it('creates the default agencies once, audited', async () => {
      const agencies = await f.accounts.listAgencies()
      assert.deepEqual(agencies.map((a) => a.code).sort(), ['CTU', 'PH', 'SARC', 'SWP', 'WDVF', 'WMFS', 'WMP', 'YOT'])
      assert.equal(await f.accounts.createDefaultAgencies(), 0)
      const rows = await f.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('entity_type', '=', 'agency')
        .execute()
      assert.equal(rows.length, 8)
    })

    it('creates the first administrator once, with a one-time password to be changed', async () => {
      const first = await f.accounts.createFirstAdministrator('Admin@Localhost')
      assert.ok(first)
      assert.equal(first.email, 'admin@localhost')
      assert.equal(await f.accounts.createFirstAdministrator('other@localhost'), null)
      const signedIn = await f.accounts.signIn({
        email: 'admin@localhost',
        password: first.oneTimePassword,
        source: '127.0.0.1',
      })
      assert.equal(signedIn.outcome === 'signed-in' && signedIn.user.mustChangePassword, true)
      assert.equal(signedIn.outcome === 'signed-in' && signedIn.user.role, 'administrator')
    })

    it('creates the demo users, one per role, whose passwords pass the rules and sign in', async () => {
      assert.equal(await f.accounts.createDemoUsers(), 6)
      assert.equal(await f.accounts.createDemoUsers(), 0)
      const users = await f.accounts.repository.listUsers()
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
        const result = await f.accounts.signIn({ email: demo.email, password: demo.password, source: '127.0.0.1' })
        assert.equal(result.outcome, 'signed-in', demo.email)
      }
      assert.equal(users.find((u) => u.role === 'data-owner')?.agency?.code, 'WMP')
    })
  })
}
