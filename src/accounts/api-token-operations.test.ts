import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../../test/support/databases.ts'
import { system, useAccountService } from '../../test/support/account-service.ts'

for (const dialect of testDialects()) {
  describe(`API tokens (${dialect})`, () => {
    const f = useAccountService(dialect)

    it('API tokens: shown once, stored as a hash, bound to an agency, revocable, expiring', async () => {
      const { user: admin } = await f.addActiveUser('admin@example.org', 'administrator')
      const yot = await f.agencyId('YOT')
      const created = await f.accounts.createApiToken({ user: admin }, { agencyId: yot, name: 'YOT nightly upload' })
      assert.ok(created.ok)
      assert.match(created.token, /^shub_[A-Za-z0-9_-]{43}$/)
      const stored = await f.database.db.selectFrom('api_tokens').selectAll().execute()
      assert.equal(stored.length, 1)
      assert.ok(!JSON.stringify(stored).includes(created.token))
      assert.equal(stored[0]?.token_prefix, created.token.slice(0, 12))
      const who = await f.accounts.authenticateApiToken(created.token)
      assert.equal(who?.agency.code, 'YOT')
      assert.deepEqual(who?.principal, { role: 'data-owner', agencyId: yot })
      // One character changed (never the same one: a token ending in "A" stayed valid once in 64 runs).
      const tampered = created.token.slice(0, -1) + (created.token.endsWith('A') ? 'B' : 'A')
      assert.equal(await f.accounts.authenticateApiToken(tampered), null)
      assert.equal(await f.accounts.authenticateApiToken('nonsense'), null)
      await f.accounts.revokeApiToken({ user: admin }, created.apiToken.id)
      assert.equal(await f.accounts.authenticateApiToken(created.token), null)

      const expiring = await f.accounts.createApiToken(system, {
        agencyId: yot,
        name: 'one day',
        expiresAt: '2018-04-04T09:00:00.000Z',
      })
      assert.ok(expiring.ok)
      assert.notEqual(await f.accounts.authenticateApiToken(expiring.token), null)
      f.clock.advance({ hours: 24 })
      assert.equal(await f.accounts.authenticateApiToken(expiring.token), null)
      const past = await f.accounts.createApiToken(system, { agencyId: yot, name: 'past', expiresAt: '2018-01-01' })
      assert.deepEqual(!past.ok && past.errors.map((e) => e.field), ['expiresAt'])
      const actions = await f.database.db
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
  })
}
