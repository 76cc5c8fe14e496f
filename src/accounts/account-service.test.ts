import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createAuditRepository } from '../audit/audit-repository.ts'
import { testDialects } from '../../test/support/databases.ts'
import { system, useAccountService } from '../../test/support/account-service.ts'

for (const dialect of testDialects()) {
  describe(`account service, composed (${dialect})`, () => {
    const f = useAccountService(dialect)

    it('agencies: added with a unique code, audited', async () => {
      const added = await f.accounts.addAgency(system, { code: 'NPS', name: 'National Probation Service' })
      assert.ok(added.ok)
      const again = await f.accounts.addAgency(system, { code: 'NPS', name: 'Again' })
      assert.deepEqual(!again.ok && again.errors.map((e) => e.field), ['code'])
      const bad = await f.accounts.addAgency(system, { code: '<script>', name: '' })
      assert.deepEqual(!bad.ok && bad.errors.map((e) => e.field), ['code', 'name'])
    })

    it('the audit chain stays valid through all of this', async () => {
      const { user } = await f.addUser('a@example.org', 'viewer')
      await f.accounts.setUserDisabled(system, user.id, true)
      await f.accounts.setUserDisabled(system, user.id, false)
      const verification = await createAuditRepository(f.database).verify()
      assert.equal(verification.ok, true)
    })
  })
}
