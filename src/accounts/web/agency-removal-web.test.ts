import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startDemoApp, type RunningApp } from '../../../test/support/web-app.ts'
import { onlyPartnership } from '../../../test/support/partnership.ts'

/*
 * Removing an agency from the agencies pages, over the demo: West Midlands Fire Service owns one KPI
 * (home-safety-checks: its Owner column says "WMFS" in demo/performance-framework/indicators.csv) and has no people.
 */
describe('removing an agency on its page', () => {
  let world: RunningApp
  let wmfs: number
  before(async () => {
    world = await startDemoApp('sqlite')
    const agency = (await (await onlyPartnership(world.services)).accounts.listAgencies()).find(
      (a) => a.code === 'WMFS',
    )
    assert.ok(agency)
    wmfs = agency.id
  })
  after(() => world.stop())

  it('names what would go, refuses without the confirmation, and removes it once confirmed (audited)', async () => {
    const admin = await world.signedIn('administrator')
    const agencyPage = await (await admin.get(`/admin/agencies/${wmfs}`)).text()
    assert.match(agencyPage, new RegExp(`href="/admin/agencies/${wmfs}/remove">Remove West Midlands Fire Service`))
    const page = await (await admin.get(`/admin/agencies/${wmfs}/remove`)).text()
    assert.match(page, /1 KPI\(s\) it owns, which would have no owner: home-safety-checks/)

    const token = await admin.csrfTokenOf(`/admin/agencies/${wmfs}/remove`)
    const refused = await admin.post(`/admin/agencies/${wmfs}/remove`, { _csrf: token })
    assert.equal(refused.status, 400)
    const refusedPage = await refused.text()
    assert.match(refusedPage, /<title>Error: Remove West Midlands Fire Service/)
    assert.match(refusedPage, /href="#confirm">Confirm that what it holds here is deleted with it/)
    const scoped = await onlyPartnership(world.services)
    assert.ok((await scoped.accounts.listAgencies()).some((a) => a.code === 'WMFS'))

    const removed = await admin.post(`/admin/agencies/${wmfs}/remove`, { _csrf: token, confirm: 'yes' })
    assert.equal(removed.status, 303)
    assert.equal(removed.headers.get('location'), '/admin/agencies')
    assert.match(
      await (await admin.get('/admin/agencies')).text(),
      /West Midlands Fire Service \(WMFS\) was removed and deleted/,
    )
    assert.ok(!(await scoped.accounts.listAgencies()).some((a) => a.code === 'WMFS'))
    const events = await scoped.audit.list({ entityType: 'agency', entityKey: String(wmfs) })
    assert.deepEqual(
      events.map((e) => [e.action, e.actor]),
      [
        ['create', 'first-start'],
        ['delete', 'admin@example.org'],
      ],
    )
  })

  it('is the administrator’s: an analyst may see agencies but not remove one', async () => {
    const analyst = await world.signedIn('partnership-analyst')
    assert.equal((await analyst.get(`/admin/agencies/${wmfs}/remove`)).status, 403)
  })
})
