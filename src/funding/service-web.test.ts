import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { addUserWithPassword } from '../../test/support/accounts.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'
import type { PartnershipServices } from '../composition-root.ts'
import { ServiceNotFound } from './service-commissioning.ts'

/*
 * Commissioned services over HTTP, on the demo partnership (the seed's services, loaded by service-demo.ts): what the
 * pages show, who sees which service (a provider's data owner only its own; another partnership's never), the
 * analyst's changes, and a provider's outputs through the quarterly return (draft, submit, send back, accept).
 */

const YOT_OWNER = { email: 'yot-services@example.org', password: 'harbour-juniper-ninety-lantern' }
const ADMIN = { role: 'administrator' as const, agencyId: null, email: 'test-admin@example.org' }

const mainOf = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>'))

for (const dialect of testDialects()) {
  describe(`commissioned services over HTTP (${dialect})`, () => {
    let app: RunningApp
    let scoped: PartnershipServices
    let analyst: TestBrowser
    let police: TestBrowser
    let viewer: TestBrowser
    let yot: TestBrowser

    before(async () => {
      app = await startDemoApp(dialect)
      scoped = await onlyPartnership(app.services)
      const agencies = await scoped.accounts.listAgencies()
      const yotAgency = agencies.find((a) => a.code === 'YOT')
      assert.ok(yotAgency)
      await addUserWithPassword(scoped.accounts, {
        email: YOT_OWNER.email,
        role: 'data-owner',
        agencyId: yotAgency.id,
        password: YOT_OWNER.password,
      })
      analyst = await app.signedIn('partnership-analyst')
      police = await app.signedIn('data-owner')
      viewer = await app.signedIn('viewer')
      yot = new TestBrowser(app.base)
      assert.equal((await yot.signIn(YOT_OWNER.email, YOT_OWNER.password)).status, 303)
    })
    after(() => app.stop())

    it('shows the seed’s services with the outputs it gives, and labels every amount illustrative', async () => {
      const list = await analyst.get('/funding/services?year=FY2017-18')
      assert.equal(list.status, 200)
      const listHtml = mainOf(await list.text())
      for (const title of [
        'Community Resolution Workshops',
        'School Mentoring Programme',
        'Business crime reduction',
      ]) {
        assert.ok(listHtml.includes(title), title)
      }
      assert.match(listHtml, /Illustrative figure \(not Wolverhampton’s\)/)

      const yotService = mainOf(await (await analyst.get('/funding/services/SWP-1718-YOT-CRW?year=FY2017-18')).text())
      for (const figure of ['>145<', '>175<', '>70<']) assert.ok(yotService.includes(figure), figure)
      assert.match(yotService, /Youth Offending Team \(YOT\)/)
      assert.match(yotService, /Grant, annual/)
      // The commitment is the demo's own figure: labelled.
      assert.match(yotService, /Illustrative figure \(not Wolverhampton’s\)/)

      // 14 of 24 schools at the year's end: 58%, red, said in words.
      const schools = mainOf(await (await analyst.get('/funding/services/SWP-1718-SMP?year=FY2017-18')).text())
      assert.match(schools, /Targeted primary schools where the programme has started/)
      assert.match(schools, />24</)
      assert.match(schools, />14</)
      assert.match(schools, /govuk-tag--red">\s*Red\s*</)
      assert.match(schools, /Green at 100% or more, amber from 75% up to 100%, red below 75%/)
    })

    it('shows a provider’s data owner its own services only: another’s is not found', async () => {
      assert.equal((await yot.get('/funding/services/SWP-1718-YOT-CRW')).status, 200)
      assert.equal((await yot.get('/funding/services/SWP-1718-SMP')).status, 404, 'a provider with no agency')
      assert.equal((await police.get('/funding/services/SWP-1718-YOT-CRW')).status, 404, 'another agency’s provider')
      assert.equal((await yot.get('/funding/services/NO-SUCH-SERVICE')).status, 404)
      assert.equal((await yot.get('/funding/services')).status, 403, 'the list of every service is not theirs')
      assert.equal((await viewer.get('/funding/services/SWP-1718-YOT-CRW')).status, 403, 'a viewer reads no money')
      // The service gives the same answers to a data owner as the pages.
      await assert.rejects(
        scoped.commissioning.service({ role: 'data-owner', agencyId: -1, email: 'x@example.org' }, 'SWP-1718-YOT-CRW'),
        ServiceNotFound,
      )
    })

    it('never shows another partnership’s service (404 at this partnership’s address)', async () => {
      const added = await app.services.partnerships.add('test', { name: 'Northshire', code: 'E22000999' })
      assert.ok(added.ok, JSON.stringify(added))
      const northshire = app.services.forPartnership(added.value)
      const provider = await northshire.commissioning.addProvider(ADMIN, { name: 'Northshire Mediation' })
      assert.ok(provider.ok, JSON.stringify(provider))
      const service = await northshire.commissioning.addService(ADMIN, {
        reference: 'NS-001',
        title: 'Northshire mediation CANARY-NS',
        providerId: String(provider.value.id),
        agreement: 'grant',
      })
      assert.ok(service.ok, JSON.stringify(service))
      const asked = await analyst.get('/funding/services/NS-001')
      assert.equal(asked.status, 404)
      assert.ok(!(await asked.text()).includes('CANARY-NS'))
      assert.ok(!mainOf(await (await analyst.get('/funding/services')).text()).includes('CANARY-NS'))
      await assert.rejects(scoped.commissioning.service(ADMIN, 'NS-001'), ServiceNotFound)
      // And a change aimed at it from here touches nothing of Northshire's.
      const token = await analyst.csrfTokenOf('/account/change-password')
      const refused = await analyst.post('/funding/services/NS-001/status', { _csrf: token, status: 'commissioned' })
      assert.equal(refused.status, 404)
      const still = await northshire.commissioning.service(ADMIN, 'NS-001')
      assert.equal(still.monitoring.service.status, 'planned')
      // Nor a change to its provider, named by id.
      const renamed = await analyst.post('/funding/providers', {
        _csrf: token,
        id: String(provider.value.id),
        name: 'Renamed from Wolverhampton',
      })
      assert.equal(renamed.status, 404)
      assert.deepEqual(
        (await northshire.commissioning.providers(ADMIN)).map((p) => p.name),
        ['Northshire Mediation'],
      )
    })

    it('refuses a provider whose charity or company number has the wrong shape, and keeps what was typed', async () => {
      const token = await analyst.csrfTokenOf('/funding/providers')
      const bad = await analyst.post('/funding/providers', {
        _csrf: token,
        name: 'Safer Streets Trust',
        charityNumber: '12345',
        companyNumber: '1234567',
        postcode: 'wv1 1sh',
      })
      assert.equal(bad.status, 400)
      const html = await bad.text()
      assert.match(html, /6 to 8 digits/)
      assert.match(html, /01234567/)
      assert.match(html, /value="Safer Streets Trust"/)
      const good = await analyst.post('/funding/providers', {
        _csrf: token,
        name: 'Safer Streets Trust',
        charityNumber: '1123456-1',
        companyNumber: 'sc123456',
        postcode: 'wv1 1sh',
      })
      assert.equal(good.status, 303)
      const stored = (await scoped.commissioning.providers(ADMIN)).find((p) => p.name === 'Safer Streets Trust')
      assert.deepEqual(
        [stored?.charityNumber, stored?.companyNumber, stored?.postcode],
        ['1123456-1', 'SC123456', 'WV1 1SH'],
      )
      // Changed: it now reports through the YOT, whose data owner then sees its services.
      const yotAgency = (await scoped.accounts.listAgencies()).find((a) => a.code === 'YOT')
      const changed = await analyst.post('/funding/providers', {
        _csrf: token,
        id: String(stored?.id),
        name: 'Safer Streets Trust',
        charityNumber: '1123456-1',
        agencyId: String(yotAgency?.id),
      })
      assert.equal(changed.status, 303)
      const after = (await scoped.commissioning.providers(ADMIN)).find((p) => p.id === stored?.id)
      assert.deepEqual([after?.agencyId, after?.companyNumber], [yotAgency?.id, null])
      const events = await scoped.audit.list({ entityType: 'provider', limit: 10_000 })
      assert.ok(
        events.some((e) => e.entityType === 'provider' && e.action === 'create' && e.actor === 'analyst@example.org'),
      )
    })

    it('moves a service only along its allowed statuses, and holds its money in pence against the allocation', async () => {
      const providers = await scoped.commissioning.providers(ADMIN)
      const token = await analyst.csrfTokenOf('/funding/services/new')
      const created = await analyst.post('/funding/services', {
        _csrf: token,
        reference: 'TEST-MONEY',
        title: 'Test money service',
        providerId: String(providers[0]?.id),
        agreement: 'contract',
        startDate: '2018-04-01',
        endDate: '2020-03-31',
        status: 'planned',
      })
      assert.equal(created.status, 303)
      const page = mainOf(await (await analyst.get('/funding/services/TEST-MONEY')).text())
      assert.match(page, /Contract, multi-year/)

      const skip = await analyst.post('/funding/services/TEST-MONEY/status', { _csrf: token, status: 'ended' })
      assert.equal(skip.status, 400, 'planned cannot jump to ended')
      assert.match(await skip.text(), /cannot become ended/)
      for (const status of ['commissioned', 'live']) {
        assert.equal((await analyst.post('/funding/services/TEST-MONEY/status', { _csrf: token, status })).status, 303)
      }

      // A funding stream and an allocation of £25,000.00 to the service for 2018/19 (the budget helper's rows).
      const stream = await scoped.database.db
        .insertInto('funding_streams')
        .values({
          funder: 'Test funder',
          name: 'Test stream',
          purpose: null,
          first_year: 'FY2018-19',
          last_year: 'FY2018-19',
          conditions: null,
          funder_reference: null,
          funder_org_id: null,
          updated_at: new Date().toISOString(),
          updated_by: 'test',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const service = await scoped.commissioning.service(ADMIN, 'TEST-MONEY')
      await scoped.database.db
        .updateTable('commissioned_services')
        .set({ funding_stream_id: stream.id })
        .where('id', '=', service.monitoring.service.id)
        .execute()
      await scoped.database.db
        .insertInto('budget_allocations')
        .values({
          funding_stream_id: stream.id,
          year: 'FY2018-19',
          strategic_priority_id: null,
          service_id: service.monitoring.service.id,
          amount_pence: 2_500_000,
          note: null,
          updated_at: new Date().toISOString(),
          updated_by: 'test',
        })
        .execute()

      const commit = await analyst.post('/funding/services/TEST-MONEY/commitments', {
        _csrf: token,
        year: 'FY2018-19',
        amount: '£25,000',
      })
      assert.equal(commit.status, 303)
      const refusedAmount = await analyst.post('/funding/services/TEST-MONEY/spend', {
        _csrf: token,
        period: 'FY2018-19-Q1',
        kind: 'actual',
        amount: '£25K',
      })
      assert.equal(refusedAmount.status, 400, 'a multiplier hides a rounding: refused')
      // Two instalments: £12,500.00 in Q1 and £12,500.01 in Q3 — one penny over the allocation.
      for (const [period, amount] of [
        ['FY2018-19-Q1', '12,500.00'],
        ['FY2018-19-Q3', '12500.01'],
      ] as const) {
        const paid = await analyst.post('/funding/services/TEST-MONEY/spend', {
          _csrf: token,
          period,
          kind: 'actual',
          amount,
        })
        assert.equal(paid.status, 303, period)
      }
      const money = (await scoped.commissioning.service(ADMIN, 'TEST-MONEY', 'FY2018-19')).monitoring
      // By hand: allocated 2,500,000 p; paid 1,250,000 + 1,250,001 = 2,500,001 p; left −1 p; red (paid > allocated).
      assert.equal(money.money.allocated, 2_500_000)
      assert.equal(money.money.committed, 2_500_000)
      assert.equal(money.money.paid, 2_500_001)
      assert.equal(money.money.left, -1)
      assert.equal(money.spendRag, 'red')
      const shown = mainOf(await (await analyst.get('/funding/services/TEST-MONEY?year=FY2018-19')).text())
      assert.match(shown, /£25,000\.01/)
      assert.match(shown, /-£0\.01/)
      assert.match(shown, /govuk-tag--red">\s*Red\s*</)
      const events = [
        ...(await scoped.audit.list({ entityType: 'spend-entry', limit: 10_000 })),
        ...(await scoped.audit.list({ entityType: 'commissioned-service', limit: 10_000 })),
      ]
      assert.ok(events.some((e) => e.entityType === 'spend-entry' && e.entityKey === 'TEST-MONEY/FY2018-19-Q3/actual'))
      assert.ok(events.some((e) => e.entityType === 'commissioned-service' && e.action === 'update'))
    })

    it('takes a provider’s outputs through its quarterly return: draft and send back write no actual; acceptance does', async () => {
      const token = await analyst.csrfTokenOf('/account/change-password')
      const added = await analyst.post('/funding/services/SWP-1718-YOT-CRW/outputs', {
        _csrf: token,
        kind: 'output',
        name: 'Workshops delivered',
        unit: 'workshops',
        year: 'FY2018-19',
        target: '40',
      })
      assert.equal(added.status, 303)
      const outputs = await scoped.database.db
        .selectFrom('service_outputs')
        .select(['id'])
        .where('name', '=', 'Workshops delivered')
        .execute()
      const outputId = outputs[0]?.id
      assert.ok(outputId)
      const box = `output-${outputId}-actual`
      const quarter = 'FY2018-19-Q1'
      const returnPath = `/returns/${quarter}/YOT`

      const form = await yot.get(returnPath)
      assert.equal(form.status, 200)
      const formHtml = await form.text()
      assert.ok(formHtml.includes(`name="${box}"`), 'the return asks for the output')
      const versionOf = (html: string) => /name="version" value="(\d*)"/.exec(html)?.[1] ?? ''
      const kpis = {
        'first-time-entrants-status': 'reported',
        'first-time-entrants-value': '30',
        'first-time-entrants-confirm': 'yes',
        'youth-custody-status': 'reported',
        'youth-custody-numerator': '4',
        'youth-custody-denominator': '50',
        'youth-custody-confirm': 'yes',
      }
      const yotToken = await yot.csrfTokenOf('/account/change-password')
      const actuals = () =>
        scoped.database.db.selectFrom('service_output_actuals').selectAll().where('output_id', '=', outputId).execute()

      const bad = await yot.post(returnPath, {
        _csrf: yotToken,
        version: versionOf(formHtml),
        intent: 'save',
        ...kpis,
        [box]: 'twelve',
      })
      assert.equal(bad.status, 400)
      assert.match(await bad.text(), /Workshops delivered: enter a whole number/)

      const draft = await yot.post(returnPath, {
        _csrf: yotToken,
        version: versionOf(formHtml),
        intent: 'save',
        ...kpis,
        [box]: '12',
      })
      assert.equal(draft.status, 303)
      const drafted = await scoped.database.db
        .selectFrom('return_output_items')
        .selectAll()
        .where('output_id', '=', outputId)
        .execute()
      assert.deepEqual(
        drafted.map((d) => d.actual),
        [12],
      )
      assert.deepEqual(await actuals(), [], 'a draft writes no actual')

      const again = await (await yot.get(returnPath)).text()
      assert.ok(again.includes(`value="12"`), 'the draft figure is shown again')
      const submitted = await yot.post(returnPath, {
        _csrf: yotToken,
        version: versionOf(again),
        intent: 'submit',
        ...kpis,
        [box]: '12',
      })
      assert.equal(submitted.status, 303)
      assert.deepEqual(await actuals(), [], 'a submission writes no actual')

      const review = async (decision: string, comment: string) => {
        const page = await (await analyst.get(returnPath)).text()
        const analystToken = await analyst.csrfTokenOf('/account/change-password')
        return analyst.post(`${returnPath}/review`, {
          _csrf: analystToken,
          version: versionOf(page),
          decision,
          comment,
        })
      }
      assert.equal((await review('send-back', 'Please check the workshops')).status, 303)
      assert.deepEqual(await actuals(), [], 'sent back: no actual')

      const corrected = await (await yot.get(returnPath)).text()
      const resubmitted = await yot.post(returnPath, {
        _csrf: yotToken,
        version: versionOf(corrected),
        intent: 'submit',
        ...kpis,
        [box]: '13',
      })
      assert.equal(resubmitted.status, 303)
      assert.equal((await review('accept', '')).status, 303)
      const written = await actuals()
      const returned = await scoped.returns.returnPage(
        ADMIN,
        quarter,
        (await scoped.accounts.listAgencies()).find((a) => a.code === 'YOT')?.id ?? 0,
      )
      assert.equal(written.length, 1)
      assert.equal(written[0]?.actual, 13)
      assert.equal(written[0]?.period, quarter)
      assert.equal(written[0]?.return_id, returned.returned?.id)
      const events = await scoped.audit.list({ entityType: 'service-output-actual', limit: 10_000 })
      assert.ok(
        events.some(
          (e) =>
            e.entityType === 'service-output-actual' &&
            e.entityKey === `${outputId}/${quarter}` &&
            e.actor === 'analyst@example.org',
        ),
        'the actual written by the acceptance is audited',
      )
      // The service page shows it, from the return: 13 of a pro-rata 10 (40 × 1/4): green.
      const service = mainOf(await (await analyst.get('/funding/services/SWP-1718-YOT-CRW?year=FY2018-19')).text())
      assert.match(service, /FY2018-19-Q1: 13 \(from the quarterly return\)/)
      const monitoring = (await scoped.commissioning.service(ADMIN, 'SWP-1718-YOT-CRW', 'FY2018-19')).monitoring
      assert.equal(monitoring.outputs.find((o) => o.output.id === outputId)?.rag, 'green')
    })

    it('gives a provider’s agency that owns no KPI a return of its outputs alone, on the quarter’s overview', async () => {
      const added = await scoped.accounts.addAgency(
        { system: 'test' },
        { code: 'CRG', name: 'Community Reference Group' },
      )
      assert.ok(added.ok, JSON.stringify(added))
      const crgAgency = added.agency.id
      const crg = (await scoped.commissioning.providers(ADMIN)).find(
        (p) => p.name === 'Community Reference Group (CRG)',
      )
      assert.ok(crg)
      const changed = await scoped.commissioning.updateProvider(ADMIN, crg.id, {
        name: crg.name,
        agencyId: String(crgAgency),
      })
      assert.ok(changed.ok, JSON.stringify(changed))
      const output = await scoped.commissioning.addOutput(ADMIN, 'SWP-1718-CRG-FIP', {
        kind: 'output',
        name: 'Families engaged',
        year: 'FY2018-19',
        target: '20',
      })
      assert.ok(output.ok)
      const owner = { email: 'crg@example.org', password: 'meadow-copper-seventy-kettle' }
      await addUserWithPassword(scoped.accounts, { ...owner, role: 'data-owner', agencyId: crgAgency })
      const browser = new TestBrowser(app.base)
      assert.equal((await browser.signIn(owner.email, owner.password)).status, 303)

      const quarter = 'FY2018-19-Q2'
      const page = await browser.get(`/returns/${quarter}/CRG`)
      assert.equal(page.status, 200)
      const html = await page.text()
      const box = `output-${output.value}-actual`
      assert.ok(html.includes(`name="${box}"`))
      const token = await browser.csrfTokenOf('/account/change-password')
      const submitted = await browser.post(`/returns/${quarter}/CRG`, {
        _csrf: token,
        version: '',
        intent: 'submit',
        [box]: '6',
      })
      assert.equal(submitted.status, 303)
      // The CRG's own service is theirs to read now; another provider's still is not.
      assert.equal((await browser.get('/funding/services/SWP-1718-CRG-FIP')).status, 200)
      assert.equal((await browser.get('/funding/services/SWP-1718-YOT-CRW')).status, 404)

      const overview = mainOf(await (await analyst.get(`/returns/${quarter}`)).text())
      assert.match(overview, /Community Reference Group/)
      const returnPage = await (await analyst.get(`/returns/${quarter}/CRG`)).text()
      const version = /name="version" value="(\d+)"/.exec(returnPage)?.[1]
      const analystToken = await analyst.csrfTokenOf('/account/change-password')
      const accepted = await analyst.post(`/returns/${quarter}/CRG/review`, {
        _csrf: analystToken,
        version: version ?? '',
        decision: 'accept',
        comment: '',
      })
      assert.equal(accepted.status, 303)
      const written = await scoped.database.db
        .selectFrom('service_output_actuals')
        .select(['actual', 'period'])
        .where('output_id', '=', output.value)
        .execute()
      assert.deepEqual(written, [{ actual: 6, period: quarter }])
    })
  })
}
