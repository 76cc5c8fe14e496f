import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import type { PartnershipServices } from '../composition-root.ts'
import { createReportingCentreRepository } from '../registers/reporting-centre-repository.ts'
import { reportingCentreRetention } from '../registers/reporting-centre-service.ts'
import { createTensionRepository } from '../registers/tension-repository.ts'
import { tensionEntryRetention } from '../registers/tension-service.ts'
import { createRetentionService, type RetentionService } from './retention-service.ts'

/**
 * Retention over the demo's tension log and reporting centres: the review list, deletion leaving a tombstone, and
 * the refusals. The service is built here as the composition root builds it, with the clock set where the test
 * needs it. The demo's closed entries: CT-2017-001 closed 2017-08-03, CT-2017-002 closed 2017-12-01.
 */
const admin = { role: 'administrator' as const, agencyId: null, email: 'admin@example.org' }
const analyst = { role: 'partnership-analyst' as const, agencyId: null, email: 'analyst@example.org' }

for (const dialect of testDialects())
  describe(`retention (${dialect})`, () => {
    let app: RunningApp
    let demo: PartnershipServices
    const at = (date: string): RetentionService => {
      const tensions = createTensionRepository(demo.audit)
      const centres = createReportingCentreRepository(demo.audit)
      return createRetentionService({
        database: demo.database,
        audit: demo.audit,
        descriptors: [tensionEntryRetention(tensions), reportingCentreRetention(centres)],
        now: () => new Date(`${date}T12:00:00Z`),
      })
    }
    before(async () => {
      app = await startDemoApp(dialect)
      demo = await onlyPartnership(app.services)
    })
    after(() => app.stop())

    it('lists what is due on the day its period ends, not the day before (default three years after closing)', async () => {
      const dueOf = async (date: string) =>
        (await at(date).review(admin))
          .find((r) => r.recordType === 'tension-entry')
          ?.due.map((d) => [d.label, d.clockStarted, d.dueOn])
      assert.deepEqual(await dueOf('2020-08-02'), [])
      assert.deepEqual(await dueOf('2020-08-03'), [['CT-2017-001', '2017-08-03', '2020-08-03']])
      assert.deepEqual(await dueOf('2020-12-01'), [
        ['CT-2017-001', '2017-08-03', '2020-08-03'],
        ['CT-2017-002', '2017-12-01', '2020-12-01'],
      ])
      const centres = (await at('2099-01-01').review(admin)).find((r) => r.recordType === 'reporting-centre')
      assert.equal(centres?.due.length, 0, 'no centre has closed: no clock has started')
      assert.equal(centres?.periodMonths, 72)
      assert.equal(centres?.isDefault, true)
    })

    it('is for administrators only', async () => {
      await assert.rejects(() => at('2020-01-01').review(analyst))
      await assert.rejects(() => at('2099-01-01').deleteRecord(analyst, 'tension-entry', 1))
    })

    it('uses a period the partnership sets, with its reason, audited', async () => {
      const service = at('2019-02-03')
      const invalid = await service.setPeriod(admin, 'tension-entry', 0, ' ')
      assert.equal(invalid.outcome, 'invalid')
      assert.deepEqual(
        await service.setPeriod(admin, 'tension-entry', 18, 'Kept 18 months after closing, as agreed by the board'),
        {
          outcome: 'saved',
        },
      )
      const review = (await service.review(admin)).find((r) => r.recordType === 'tension-entry')
      assert.equal(review?.isDefault, false)
      // Closed 3 August 2017 + 18 months = 3 February 2019; 1 December 2017 + 18 = 1 June 2019.
      assert.deepEqual(
        review?.due.map((d) => [d.label, d.dueOn]),
        [['CT-2017-001', '2019-02-03']],
      )
      const events = await demo.audit.list({ entityType: 'retention-period', entityKey: 'tension-entry' })
      assert.equal(events.length, 1)
      assert.deepEqual(JSON.parse(String(events[0]?.after)), {
        record_type: 'tension-entry',
        period_months: 18,
        reason: 'Kept 18 months after closing, as agreed by the board',
      })
    })

    it('refuses a record not yet due, and one whose clock has not started', async () => {
      const service = at('2019-02-02')
      const [first] = (await demo.tensions.log.month(admin, '2017-07')).entries
      assert.equal(first?.reference, 'CT-2017-001')
      assert.deepEqual(await service.deleteRecord(admin, 'tension-entry', first.id), {
        outcome: 'not-due',
        dueOn: '2019-02-03',
      })
      const open = (await demo.tensions.log.month(admin, '2018-03')).entries.find((e) => e.reference === 'CT-2018-002')
      assert.ok(open)
      assert.deepEqual(await service.deleteRecord(admin, 'tension-entry', open.id), { outcome: 'not-due', dueOn: null })
      assert.deepEqual(await service.deleteRecord(admin, 'tension-entry', 987654), { outcome: 'not-found' })
      assert.ok(await demo.tensions.log.entry(admin, first.id), 'still there')
    })

    it('deletes a due record in one unit of work, leaving an audited tombstone with no personal text', async () => {
      const service = at('2019-02-03')
      const [first] = (await demo.tensions.log.month(admin, '2017-07')).entries
      assert.ok(first)
      const result = await service.deleteRecord(admin, 'tension-entry', first.id)
      assert.equal(result.outcome, 'deleted')
      assert.equal(await demo.tensions.log.entry(admin, first.id), null)
      const [tombstone] = await service.tombstones(admin)
      assert.deepEqual(
        { ...tombstone, deletedAt: undefined },
        {
          recordType: 'tension-entry',
          recordId: first.id,
          label: 'CT-2017-001',
          clockStarted: '2017-08-03',
          deletedAt: undefined,
          deletedBy: 'admin@example.org',
          reason: 'Kept 18 months after closing, as agreed by the board',
          periodMonths: 18,
        },
      )
      assert.ok(!JSON.stringify(tombstone).includes('graffiti'), 'the description is not kept')
      const deleted = await demo.audit.list({ entityType: 'tension-entry', entityKey: String(first.id) })
      assert.deepEqual(
        deleted.map((e) => e.action),
        ['create', 'delete'],
      )
      const stone = await demo.audit.list({ entityType: 'retention-tombstone' })
      assert.deepEqual(
        stone.map((e) => [e.action, e.entityKey]),
        [['retention-delete', `tension-entry/${first.id}`]],
      )
      assert.deepEqual(
        (await service.review(admin)).find((r) => r.recordType === 'tension-entry')?.due,
        [],
        'gone from the review list',
      )
    })

    it('refuses to delete a centre a log entry still needs, saying which, then deletes it with its quarters', async () => {
      const view = await demo.tensions.centres.view(admin)
      const centre = view.centres[0]
      assert.ok(centre)
      const added = await demo.tensions.log.addEntry(admin, {
        entryDate: '2018-01-10',
        wardId: String(centre.wardId),
        source: 'Third-party reporting centre',
        reportingCentreId: String(centre.id),
        category: 'experienced',
        level: '2',
        description: 'Reported through the centre',
        response: '',
        responseOwner: '',
        status: 'closed',
        reviewDate: '',
      })
      assert.equal(added.outcome, 'saved')
      assert.ok(await demo.tensions.centres.close(admin, centre.id))
      const later = at('2199-01-01')
      const refused = await later.deleteRecord(admin, 'reporting-centre', centre.id)
      assert.deepEqual(refused, {
        outcome: 'needed',
        reason: '1 community tension log entry names it as where it was reported: delete that entry first',
      })
      assert.ok(await demo.tensions.centres.centre(admin, centre.id), 'nothing deleted')
      const entryId = (added as { value: { id: number } }).value.id
      assert.equal((await later.deleteRecord(admin, 'tension-entry', entryId)).outcome, 'deleted')
      const deleted = await later.deleteRecord(admin, 'reporting-centre', centre.id)
      assert.equal(deleted.outcome, 'deleted')
      assert.equal(await demo.tensions.centres.centre(admin, centre.id), null)
      assert.equal(
        (await demo.audit.list({ entityType: 'reporting-centre-quarter', entityKeyPrefix: `${centre.id}/` })).filter(
          (e) => e.action === 'delete',
        ).length,
        4,
      )
      const labels = (await later.tombstones(admin)).map((t) => t.label)
      assert.ok(labels.includes(centre.organisation))
    })

    it('serves /retention to an administrator only, and deletes through the confirmation page', async () => {
      const browser = await app.signedIn('administrator')
      const page = await browser.get('/retention')
      assert.equal(page.status, 200)
      const html = await page.text()
      assert.ok(html.includes('Community tension log entries'))
      assert.ok(html.includes('Deleted records (3)'))
      for (const role of ['partnership-analyst', 'board-member'] as const)
        assert.equal((await (await app.signedIn(role)).get('/retention')).status, 403, role)
      // CT-2017-002 closed 1 December 2017, 18 months: due since June 2019 on the real clock.
      const [entry] = (await demo.tensions.log.month(admin, '2017-11')).entries
      assert.equal(entry?.reference, 'CT-2017-002')
      const confirm = await browser.get(`/retention/tension-entry/${entry.id}`)
      assert.equal(confirm.status, 200)
      const token = await browser.csrfTokenOf(`/retention/tension-entry/${entry.id}`)
      const deleted = await browser.post(`/retention/tension-entry/${entry.id}`, { _csrf: token })
      assert.equal(deleted.status, 303)
      assert.equal(await demo.tensions.log.entry(admin, entry.id), null)
      // An open centre: refused on the page with the reason (409).
      const open = (await demo.tensions.centres.view(admin)).centres.find((c) => c.closedOn === null)
      assert.ok(open)
      const refused = await browser.post(`/retention/reporting-centre/${open.id}`, { _csrf: token })
      assert.equal(refused.status, 409)
      assert.ok((await refused.text()).includes('its retention clock has not started'))
    })
  })
