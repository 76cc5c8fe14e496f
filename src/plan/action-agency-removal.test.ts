import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import { actionForm, addTestPriorities } from './testing/action-fixtures.ts'

const analyst = { role: 'partnership-analyst' as const, agencyId: null, email: 'analyst@example.org' }

for (const dialect of testDialects()) {
  describe(`removing an agency that leads delivery plan actions (${dialect})`, () => {
    let app: RunningApp
    before(async () => {
      app = await startDemoApp(dialect)
    })
    after(() => app?.stop())

    test('names the actions it leads, and once confirmed leaves them with no lead agency (audited)', async () => {
      const services = await onlyPartnership(app.services)
      const { violence } = await addTestPriorities(services.database)
      const wmfs = (await services.accounts.listAgencies()).find((a) => a.code === 'WMFS')
      assert.ok(wmfs)
      const saved = await services.actions.create(
        analyst,
        actionForm({
          reference: 'FIRE-1',
          title: 'Target hardening visits with the Business Crime Reduction Group',
          strategicPriority: String(violence),
          leadAgency: String(wmfs.id),
        }),
      )
      assert.equal(saved.kind, 'saved')
      if (saved.kind !== 'saved') return
      const actor = { system: 'agency-removal-test' }
      const asked = await services.accounts.removeAgency(actor, wmfs.id, { deleteHoldings: false })
      assert.equal(asked.outcome, 'needs-confirmation')
      if (asked.outcome === 'needs-confirmation') {
        assert.ok(
          asked.described.includes('1 delivery plan action(s) it leads, which would have no lead agency: FIRE-1'),
          JSON.stringify(asked.described),
        )
      }
      const removed = await services.accounts.removeAgency(actor, wmfs.id, { deleteHoldings: true })
      assert.equal(removed.outcome, 'removed', JSON.stringify(removed))
      const { action } = await services.actions.get(analyst, saved.action.id)
      assert.equal(action.leadAgencyId, null)
      assert.equal(action.version, 2)
      const [event] = await services.audit
        .list({ entityType: 'plan-action', entityKey: String(saved.action.id), limit: 10 })
        .then((e) => e.filter((x) => x.action === 'update'))
      assert.ok(event)
      assert.equal(JSON.parse(event.before ?? 'null').leadAgencyId, wmfs.id)
      assert.equal(JSON.parse(event.after ?? 'null').leadAgencyId, null)
    })
  })
}
