import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testDialects } from '../../test/support/databases.ts'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import type { PartnershipServices } from '../composition-root.ts'
import type { TestBrowser } from '../accounts/web/test-client.ts'
import { DEMO_ACTOR } from '../performance/demo.ts'
import { DEMO_STRATEGY } from './strategy-demo.ts'
import { clearMoney } from '../funding/testing/seed-money.ts'

/*
 * The plan's pages over HTTP on the demo (the seed's Community Safety and Harm Reduction Strategy 2017-2020, loaded
 * and approved by the demo, its KPIs linked): what each role reads and may change, what a data owner is shown of
 * other agencies' actions (nothing), and another partnership's strategy at this partnership's address (404).
 */

/** The page's main content, entities decoded (the layout around it carries a per-request nonce). */
const mainOf = (html: string) =>
  html
    .slice(html.indexOf('<main'), html.indexOf('</main>'))
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')

for (const dialect of testDialects()) {
  describe(`the plan's pages (${dialect})`, () => {
    let app: RunningApp
    let demo: PartnershipServices
    let analyst: TestBrowser
    let viewer: TestBrowser
    let police: TestBrowser
    let strategyId: number

    before(async () => {
      app = await startDemoApp(dialect)
      demo = await onlyPartnership(app.services)
      analyst = await app.signedIn('partnership-analyst')
      viewer = await app.signedIn('viewer')
      police = await app.signedIn('data-owner')
      const [strategy] = await demo.strategy.strategies.list()
      assert.ok(strategy)
      strategyId = strategy.id
    })
    after(() => app.stop())

    it('shows the demo strategy on the Plan page: its years, approval without an invented date, priorities and delivery', async () => {
      const response = await viewer.get('/plan')
      assert.equal(response.status, 200)
      const page = mainOf(await response.text())
      assert.ok(page.includes(DEMO_STRATEGY.title))
      assert.ok(page.includes('2017/18 to 2019/20'))
      assert.ok(page.includes('Safer Wolverhampton Partnership Board, date of approval not given'))
      for (const name of ['Reducing Reoffending', 'Reducing Victimisation', 'Violence Prevention'])
        assert.ok(page.includes(`>${name}</h3>`), name)
      // The statutory functions are shown apart, under their own heading, not as a fourth strategic priority.
      const statutoryAt = page.indexOf('<h2 class="govuk-heading-l">Statutory functions</h2>')
      assert.ok(statutoryAt > page.indexOf('>Violence Prevention</h3>'))
      assert.ok(page.indexOf('>Statutory Functions</h3>') > statutoryAt)
      // Year one and year two delivery priorities, from the seed.
      assert.ok(page.includes('Delivery of the Health and Justice Pathways Pilot for Wolverhampton'))
      assert.ok(page.includes('Implement a Black Country wide Reducing Reoffending strategy'))
      assert.ok(page.includes('2019/20:</span> none set yet.'))
      // Links to the other parts of the plan.
      for (const href of ['/plan/assessments', '/plan/actions', '/plan/kpi-links'])
        assert.ok(page.includes(`${href}"`), href)
      // A reader is offered no change.
      assert.ok(!page.includes('/edit"'))
      assert.ok(!page.includes('Create a strategy'))
    })

    it('shows each priority’s KPIs with the report’s own outcome for the latest year', async () => {
      const report = await demo.reports.performance.latestReport()
      assert.ok(report)
      const row = report.themes.flatMap((t) => t.rows).find((r) => r.indicator.id === 'first-time-entrants')
      assert.ok(row)
      const page = mainOf(await (await analyst.get(`/plan/strategies/${strategyId}`)).text())
      const kpiRow = new RegExp(`<tr class="govuk-table__row" data-kpi="first-time-entrants">([\\s\\S]*?)</tr>`).exec(
        page,
      )
      assert.ok(kpiRow, 'first-time entrants is listed under its priority')
      assert.ok(kpiRow[1]?.includes(`data-outcome="${row.outcome}"`), `the report's outcome, ${row.outcome}`)
      assert.ok(kpiRow[1]?.includes(row.outturn.display))
      // Under Reducing Reoffending, the priority the framework gives it.
      const rrAt = page.indexOf('>Reducing Reoffending</h3>')
      const rvAt = page.indexOf('>Reducing Victimisation</h3>')
      const kpiAt = page.indexOf('data-kpi="first-time-entrants"')
      assert.ok(rrAt < kpiAt && kpiAt < rvAt)
    })

    it('shows a linked KPI’s priority on its page as a link to the strategy', async () => {
      const page = mainOf(await (await viewer.get('/kpis/first-time-entrants')).text())
      assert.ok(page.includes(`<a class="govuk-link" href="/plan/strategies/${strategyId}">Reducing Reoffending</a>`))
    })

    const removeActions = async () => {
      for (const table of ['return_action_updates', 'action_updates', 'action_milestones', 'plan_actions'] as const)
        await demo.database.db.deleteFrom(table).execute()
    }

    it('counts a data owner’s own agency’s actions only, and every agency’s for a reader of the whole plan', async () => {
      const agencies = await demo.accounts.listAgencies()
      const wmp = agencies.find((a) => a.code === 'WMP')
      const yot = agencies.find((a) => a.code === 'YOT')
      assert.ok(wmp && yot)
      const rr = (await demo.strategy.strategies.detail(strategyId))?.priorities.find(
        (p) => p.name === 'Reducing Reoffending',
      )
      assert.ok(rr)
      // The demo's own actions (src/plan/action-demo.ts) give way to these three, whose counts are known.
      await removeActions()
      const at = '2026-12-07T10:00:00.000Z'
      const action = (reference: string, agency: number, status: string) => ({
        reference,
        title: `Action ${reference}`,
        strategic_priority_id: rr.id,
        lead_agency_id: agency,
        status,
        created_at: at,
        updated_at: at,
        updated_by: DEMO_ACTOR,
      })
      await demo.database.db
        .insertInto('plan_actions')
        .values([
          action('RR-W1', wmp.id, 'on-track'),
          action('RR-Y1', yot.id, 'at-risk'),
          action('RR-Y2', yot.id, 'at-risk'),
        ] as never)
        .execute()
      try {
        const actionsOf = (page: string) => {
          const table = new RegExp(`<table class="govuk-table" data-actions-of="${rr.id}">([\\s\\S]*?)</table>`).exec(
            page,
          )
          return Object.fromEntries(
            [...(table?.[1] ?? '').matchAll(/data-status="([a-z-]+)">(\d+)</g)].map((m) => [m[1], Number(m[2])]),
          )
        }
        const everyone = mainOf(await (await analyst.get('/plan')).text())
        assert.deepEqual(actionsOf(everyone), { 'on-track': 1, 'at-risk': 2 })
        const own = await police.get('/plan')
        assert.equal(own.status, 200)
        const ownPage = mainOf(await own.text())
        assert.deepEqual(actionsOf(ownPage), { 'on-track': 1 }, 'the police see their one action, not YOT’s two')
        assert.ok(ownPage.includes('Actions are counted for your agency only.'))
        assert.ok(!ownPage.includes('at-risk'))
        const strategyPage = mainOf(await (await police.get(`/plan/strategies/${strategyId}`)).text())
        assert.deepEqual(actionsOf(strategyPage), { 'on-track': 1 })
        // The KPI links page is for those who read the whole plan.
        assert.equal((await police.get('/plan/kpi-links')).status, 403)
      } finally {
        await removeActions()
      }
    })

    it('shows each priority’s money for the year from the budget, to those who may read the budget', async () => {
      const rr = (await demo.strategy.strategies.detail(strategyId))?.priorities.find(
        (p) => p.name === 'Reducing Reoffending',
      )
      assert.ok(rr)
      // The demo's own money (src/funding/budget-demo.ts) gives way to these rows, whose sums are worked by hand.
      await clearMoney(demo.database)
      const db = demo.database.db
      const at = '2026-12-07T10:00:00.000Z'
      const changed = { updated_at: at, updated_by: 'test' }
      const stream = await db
        .insertInto('funding_streams')
        .values({
          ...changed,
          funder: 'PCC',
          name: 'Test grant',
          first_year: 'FY2018-19',
          last_year: 'FY2018-19',
        } as never)
        .returning('id')
        .executeTakeFirstOrThrow()
      const provider = await db
        .insertInto('providers')
        .values({ ...changed, name: 'Test provider' } as never)
        .returning('id')
        .executeTakeFirstOrThrow()
      const service = await db
        .insertInto('commissioned_services')
        .values({
          ...changed,
          reference: 'T-1',
          title: 'Mentoring',
          provider_id: provider.id,
          strategic_priority_id: rr.id,
          agreement: 'grant',
          status: 'live',
        } as never)
        .returning('id')
        .executeTakeFirstOrThrow()
      await db
        .insertInto('funding_awards')
        .values({ ...changed, funding_stream_id: stream.id, year: 'FY2018-19', awarded_pence: 300_000 } as never)
        .execute()
      await db
        .insertInto('budget_allocations')
        .values([
          // £1,000.00 to the priority itself, and £500.50 to a service of the priority (illustrative).
          {
            ...changed,
            funding_stream_id: stream.id,
            year: 'FY2018-19',
            strategic_priority_id: rr.id,
            service_id: null,
            amount_pence: 100_000,
            illustrative: 0,
          },
          {
            ...changed,
            funding_stream_id: stream.id,
            year: 'FY2018-19',
            service_id: service.id,
            amount_pence: 50_050,
            illustrative: 1,
            strategic_priority_id: null,
          },
        ] as never)
        .execute()
      await db
        .insertInto('spend_entries')
        .values({
          ...changed,
          funding_stream_id: stream.id,
          period: 'FY2018-19-Q1',
          kind: 'actual',
          service_id: service.id,
          amount_pence: 20_000,
        } as never)
        .execute()
      try {
        const moneyOf = (page: string) => {
          const list = new RegExp(
            `<dl class="govuk-summary-list[^"]*" data-money-of="${rr.id}">([\\s\\S]*?)</dl>`,
          ).exec(page)
          return (list?.[1] ?? '').replace(/\s+/g, ' ')
        }
        const board = await app.signedIn('board-member')
        const page = mainOf(await (await board.get(`/plan/strategies/${strategyId}`)).text())
        assert.ok(page.includes('Money allocated and spent is shown for 2018/19'), 'the strategy’s year with money')
        const money = moneyOf(page)
        assert.match(money, /Allocated <\/dt> <dd class="govuk-summary-list__value"> £1,500.50/)
        assert.match(money, /Spent <\/dt> <dd class="govuk-summary-list__value"> £200 /)
        assert.ok(page.includes('Illustrative figure (not Wolverhampton’s)'))
        // The services commissioned for the priority, linked to their monitoring page.
        const services = new RegExp(
          `<ul class="govuk-list govuk-list--bullet" data-services-of="${rr.id}">([\\s\\S]*?)</ul>`,
        )
        assert.match(services.exec(page)?.[1] ?? '', /href="\/funding\/services\/T-1">Mentoring<\/a> \(live\)/)
        // A viewer may not read the budget, nor may a data owner (only their provider's services, on the funding pages).
        for (const reader of [viewer, police]) {
          const theirs = mainOf(await (await reader.get(`/plan/strategies/${strategyId}`)).text())
          assert.equal(moneyOf(theirs), '')
          assert.ok(!theirs.includes('£1,500.50'))
          assert.ok(!theirs.includes('data-services-of'), 'nor the services commissioned')
        }
      } finally {
        for (const table of [
          'spend_entries',
          'budget_allocations',
          'funding_awards',
          'commissioned_services',
          'providers',
          'funding_streams',
        ] as const)
          await db.deleteFrom(table).execute()
      }
    })

    it('refuses readers’ changes and lets an analyst create, fill and approve a strategy that supersedes the demo’s', async () => {
      const token = await viewer.csrfTokenOf('/account/change-password')
      assert.equal((await viewer.get('/plan/strategies/new')).status, 403)
      assert.equal(
        (
          await viewer.post('/plan/strategies', {
            _csrf: token,
            title: 'X',
            firstYear: 'FY2019-20',
            lastYear: 'FY2021-22',
          })
        ).status,
        403,
      )
      assert.equal((await viewer.get(`/plan/strategies/${strategyId}/edit`)).status, 403)

      const csrf = await analyst.csrfTokenOf('/plan/strategies/new')
      const invalid = await analyst.post('/plan/strategies', {
        _csrf: csrf,
        title: '',
        firstYear: '2019',
        lastYear: '',
      })
      assert.equal(invalid.status, 400)
      const invalidPage = mainOf(await invalid.text())
      assert.ok(invalidPage.includes('There is a problem'))
      assert.ok(invalidPage.includes('Enter the first financial year as FY2017-18'))

      const created = await analyst.post('/plan/strategies', {
        _csrf: csrf,
        title: 'Community Safety Strategy 2019-22',
        firstYear: 'FY2019-20',
        lastYear: 'FY2021-22',
        summary: '',
      })
      assert.equal(created.status, 303)
      const editPath = created.headers.get('location') ?? ''
      const newId = Number(/\/plan\/strategies\/(\d+)\/edit$/.exec(editPath)?.[1])
      assert.ok(newId > 0, editPath)
      assert.equal(
        (
          await analyst.post(`/plan/strategies/${newId}/priorities`, {
            _csrf: csrf,
            name: 'Violence Prevention',
            description: '',
            kind: 'strategic',
          })
        ).status,
        303,
      )
      // A year's delivery priority: added, refused a year outside the strategy (the error names the field), removed.
      const vp = (await demo.strategy.strategies.detail(newId))?.priorities[0]
      assert.ok(vp)
      const added = await analyst.post(`/plan/priorities/${vp.id}/delivery`, {
        _csrf: csrf,
        year: 'FY2020-21',
        name: 'Knife crime education in schools',
        description: '',
      })
      assert.equal(added.status, 303)
      const delivery = (await demo.strategy.strategies.detail(newId))?.priorities[0]?.delivery[0]
      assert.equal(delivery?.name, 'Knife crime education in schools')
      assert.ok(delivery)
      const outside = await analyst.post(`/plan/delivery-priorities/${delivery.id}`, {
        _csrf: csrf,
        intent: 'save',
        year: 'FY2025-26',
        name: 'Knife crime education in schools',
        description: '',
      })
      assert.equal(outside.status, 400)
      assert.ok(
        mainOf(await outside.text()).includes(
          `<a href="#d${delivery.id}-year">Choose a year of the strategy, from 2019/20 to 2021/22</a>`,
        ),
      )
      assert.equal(
        (await analyst.post(`/plan/delivery-priorities/${delivery.id}`, { _csrf: csrf, intent: 'remove' })).status,
        303,
      )
      assert.deepEqual((await demo.strategy.strategies.detail(newId))?.priorities[0]?.delivery, [])
      const trail = await demo.audit.list({ entityType: 'delivery-priority', entityKey: String(delivery.id) })
      assert.deepEqual(
        trail.map((e) => [e.action, e.actor]),
        [
          ['create', 'analyst@example.org'],
          ['delete', 'analyst@example.org'],
        ],
      )

      // The page says, before approving, which approved strategy the approval supersedes.
      const edit = mainOf(await (await analyst.get(`/plan/strategies/${newId}/edit`)).text())
      const warning = /<ul class="govuk-list govuk-list--bullet" id="would-supersede">([\s\S]*?)<\/ul>/.exec(edit)
      assert.ok(warning?.[1]?.includes(DEMO_STRATEGY.title))

      const approved = await analyst.post(`/plan/strategies/${newId}/approve`, {
        _csrf: csrf,
        approvedBy: 'SWP Board & Chair’s group <b>',
        approvedOn: '2019-03-28',
      })
      assert.equal(approved.status, 303)
      const statuses = Object.fromEntries((await demo.strategy.strategies.list()).map((s) => [s.id, s.status]))
      assert.deepEqual(statuses, { [strategyId]: 'superseded', [newId]: 'approved' })
      const newPage = mainOf(await (await analyst.get(`/plan/strategies/${newId}`)).text())
      // Shown once escaped: neither markup nor escaped twice.
      assert.ok(newPage.includes('SWP Board & Chair’s group &lt;b&gt;, on 28 March 2019'), newPage.slice(0, 3000))
      const approval = (
        await demo.audit.list({ entityType: 'strategy', actions: ['approve'], newestFirst: true, limit: 1 })
      )[0]
      assert.equal(approval?.entityKey, String(newId))
      assert.equal(approval.actor, 'analyst@example.org', 'the recorder, not the approver, is the audit trail’s actor')

      // A superseded strategy's priorities are history: renaming one is refused, and the page says why.
      const rr = (await demo.strategy.strategies.detail(strategyId))?.priorities[0]
      assert.ok(rr)
      const refused = await analyst.post(`/plan/priorities/${rr.id}`, { _csrf: csrf, name: 'Renamed', description: '' })
      assert.equal(refused.status, 409)
      assert.ok(mainOf(await refused.text()).includes('has been superseded'))
    })

    it('answers 404 at this partnership’s address for another partnership’s strategy, priority and delivery priority', async () => {
      const added = await app.services.partnerships.add('test', {
        name: 'Northshire Community Safety Partnership',
        code: null,
        slug: 'northshire',
      })
      assert.ok(added.ok)
      const other = app.services.forPartnership(added.value)
      const theirs = other.strategy.strategies
      const s = await theirs.createStrategy('test', {
        title: 'NORTHSHIRE-ONLY strategy',
        firstYear: 'FY2024-25',
        lastYear: 'FY2026-27',
        summary: '',
      })
      assert.equal(s.outcome, 'done')
      const strategy = (s as { value: { id: number } }).value
      const p = await theirs.addPriority('test', strategy.id, { name: 'NORTHSHIRE-ONLY priority', description: '' })
      const priority = (p as { value: { id: number } }).value
      const d = await theirs.addDeliveryPriority('test', priority.id, {
        year: 'FY2024-25',
        name: 'NORTHSHIRE-ONLY',
        description: '',
      })
      const delivery = (d as { value: { id: number } }).value
      const csrf = await analyst.csrfTokenOf('/account/change-password')
      for (const path of [
        `/plan/strategies/${strategy.id}`,
        `/plan/strategies/${strategy.id}/edit`,
        `/plan/priorities/${priority.id}`,
      ]) {
        const response = await analyst.get(path)
        assert.equal(response.status, 404, path)
        assert.ok(!(await response.text()).includes('NORTHSHIRE-ONLY'))
      }
      for (const path of [
        `/plan/priorities/${priority.id}/remove`,
        `/plan/delivery-priorities/${delivery.id}`,
        `/plan/strategies/${strategy.id}/approve`,
      ])
        assert.equal((await analyst.post(path, { _csrf: csrf, intent: 'remove', approvedBy: 'x' })).status, 404, path)
      const stillThere = await theirs.detail(strategy.id)
      assert.equal(stillThere?.strategy.status, 'draft')
      assert.equal(stillThere?.priorities[0]?.delivery.length, 1)
    })

    it('lists every KPI with its link on the KPI links page (the demo linked them all), and shows readers no form', async () => {
      const response = await viewer.get('/plan/kpi-links')
      assert.equal(response.status, 200)
      const page = mainOf(await response.text())
      const rows = [...page.matchAll(/<tr class="govuk-table__row" id="kpi-([a-z0-9-]+)"/g)]
      const kpis = await demo.performance.repository.listIndicators()
      assert.equal(rows.length, kpis.length)
      assert.ok(!page.includes('<form'))
    })
  })
}
