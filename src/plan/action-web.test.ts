import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import type { PartnershipServices } from '../composition-root.ts'
import { actionForm, addTestPriorities } from './testing/action-fixtures.ts'

const analyst = { role: 'partnership-analyst' as const, agencyId: null, email: 'analyst@example.org' }

/** The references of the actions listed on a page (each row carries `data-action`). */
const listed = (html: string) => [...html.matchAll(/data-action="([^"]+)"/g)].map((m) => m[1])

for (const dialect of testDialects()) {
  describe(`delivery plan actions over the web (${dialect})`, () => {
    let app: RunningApp
    let services: PartnershipServices
    const ids: Record<string, number> = {}

    before(async () => {
      app = await startDemoApp(dialect)
      services = await onlyPartnership(app.services)
      const priorities = await addTestPriorities(services.database)
      const agencies = await services.accounts.listAgencies()
      const agency = (code: string) => String(agencies.find((a) => a.code === code)?.id)
      const add = async (reference: string, fields: Record<string, string>) => {
        const saved = await services.actions.create(
          analyst,
          actionForm({
            reference,
            title: `Web test action ${reference}`,
            strategicPriority: String(priorities.violence),
            ...fields,
          }),
        )
        assert.equal(saved.kind, 'saved', JSON.stringify(saved))
        if (saved.kind === 'saved') ids[reference] = saved.action.id
      }
      // Overdue (due in 2018, still open), at risk, and complete: whatever today is, the first is overdue.
      await add('WEB-WMP-1', { leadAgency: agency('WMP'), dueDate: '2018-3-31', status: 'on-track' })
      await add('WEB-WMP-2', { leadAgency: agency('WMP'), status: 'at-risk', deliveryGroup: 'Web test group' })
      await add('WEB-YOT-1', { leadAgency: agency('YOT'), dueDate: '2018-3-31', status: 'complete' })
    })
    after(() => app?.stop())

    test('the list, its filters without JavaScript, and each action’s page', async () => {
      const browser = await app.signedIn('partnership-analyst')
      const all = await browser.get('/plan/actions')
      assert.equal(all.status, 200)
      const html = await all.text()
      for (const ref of ['WEB-WMP-1', 'WEB-WMP-2', 'WEB-YOT-1']) assert.ok(listed(html).includes(ref), ref)
      const overdue = listed(await (await browser.get('/plan/actions?overdue=yes')).text())
      assert.ok(overdue.includes('WEB-WMP-1'))
      assert.ok(!overdue.includes('WEB-WMP-2'), 'no due date: never overdue')
      assert.ok(!overdue.includes('WEB-YOT-1'), 'complete: never overdue')
      assert.deepEqual(listed(await (await browser.get('/plan/actions?group=Web+test+group')).text()), ['WEB-WMP-2'])
      const page = await browser.get(`/plan/actions/${ids['WEB-WMP-1']}`)
      assert.equal(page.status, 200)
      const text = await page.text()
      assert.match(text, /Web test action WEB-WMP-1/)
      assert.match(text, /Overdue/)
      assert.equal((await browser.get('/plan/actions/999999')).status, 404)
    })

    test('a data owner sees only their agency’s actions; another agency’s is 404; they cannot edit', async () => {
      const police = await app.signedIn('data-owner')
      const html = await (await police.get('/plan/actions')).text()
      assert.ok(listed(html).includes('WEB-WMP-1'))
      assert.ok(!listed(html).includes('WEB-YOT-1'))
      assert.ok(!html.includes('Web test action WEB-YOT-1'))
      assert.equal((await police.get(`/plan/actions/${ids['WEB-WMP-1']}`)).status, 200)
      assert.equal((await police.get(`/plan/actions/${ids['WEB-YOT-1']}`)).status, 404)
      assert.equal((await police.get(`/plan/actions/${ids['WEB-WMP-1']}/edit`)).status, 403)
    })

    test('adding an action through the form; a stale edit is refused and says so', async () => {
      const browser = await app.signedIn('partnership-analyst')
      const csrf = await browser.csrfTokenOf('/plan/actions/new')
      const { priorities } = await services.actions.choices()
      const strategic = String(priorities.strategic.find((p) => p.name === 'Reducing Reoffending')?.id)
      const refused = await browser.post('/plan/actions', {
        _csrf: csrf,
        reference: 'WEB-NEW',
        title: '',
        milestoneRows: '0',
      })
      assert.equal(refused.status, 400)
      assert.match(await refused.text(), /There is a problem[\s\S]*Enter what the action is/)
      const created = await browser.post('/plan/actions', {
        _csrf: csrf,
        reference: 'WEB-NEW',
        title: 'Added through the form',
        strategicPriority: strategic,
        status: 'not-started',
        'dueDate-day': '31',
        'dueDate-month': '3',
        'dueDate-year': '2030',
        milestoneRows: '1',
        'milestone-1-title': 'First step',
      })
      assert.equal(created.status, 303)
      const id = Number(/\/plan\/actions\/(\d+)$/.exec(created.headers.get('location') ?? '')?.[1])
      const { action } = await services.actions.get(analyst, id)
      assert.equal(action.dueDate, '2030-03-31')
      assert.deepEqual(
        action.milestones.map((m) => m.title),
        ['First step'],
      )

      const edit = (title: string) =>
        browser.post(`/plan/actions/${id}/edit`, {
          _csrf: csrf,
          version: '1',
          reference: 'WEB-NEW',
          title,
          strategicPriority: strategic,
          milestoneRows: '0',
        })
      assert.equal((await edit('First editor')).status, 303)
      const stale = await edit('Second editor')
      assert.equal(stale.status, 409)
      assert.match(await stale.text(), /Someone else changed this action/)
      assert.equal((await services.actions.get(analyst, id)).action.title, 'First editor')
    })

    test('a progress update through the page changes the status, dated, with who wrote it', async () => {
      const browser = await app.signedIn('partnership-analyst')
      const path = `/plan/actions/${ids['WEB-WMP-2']}`
      const csrf = await browser.csrfTokenOf(path)
      const { action } = await services.actions.get(analyst, ids['WEB-WMP-2'] as number)
      const posted = await browser.post(`${path}/updates`, {
        _csrf: csrf,
        version: String(action.version),
        'writtenOn-day': '1',
        'writtenOn-month': '9',
        'writtenOn-year': '2018',
        status: 'off-track',
        note: 'Partner withdrew',
      })
      assert.equal(posted.status, 303)
      const after = await services.actions.get(analyst, ids['WEB-WMP-2'] as number)
      assert.equal(after.action.status, 'off-track')
      assert.deepEqual(
        after.updates.map((u) => [u.writtenOn, u.note, u.writtenBy]),
        [['2018-09-01', 'Partner withdrew', 'analyst@example.org']],
      )
    })

    test('the dashboard flags overdue, at-risk and off-track actions with links to the filtered list', async () => {
      const browser = await app.signedIn('partnership-analyst')
      const html = await (await browser.get('/dashboard')).text()
      const flags = await services.actions.flags(analyst)
      assert.ok(flags.overdue >= 1)
      const count = (flag: string) =>
        Number(new RegExp(`data-flag="${flag}"><strong>(\\d+)</strong>`).exec(html)?.[1] ?? 'NaN')
      assert.equal(count('overdue'), flags.overdue)
      assert.equal(count('at-risk'), flags.atRisk)
      assert.equal(count('off-track'), flags.offTrack)
      assert.match(html, /href="\/plan\/actions\?overdue=yes"/)
      // The police data owner's flags count only their agency's actions.
      const police = await (await app.signedIn('data-owner')).get('/dashboard')
      const policeFlags = await services.actions.flags({
        role: 'data-owner',
        agencyId: (await services.accounts.listAgencies()).find((a) => a.code === 'WMP')?.id ?? 0,
      })
      assert.match(await police.text(), new RegExp(`data-flag="overdue"><strong>${policeFlags.overdue}</strong>`))
    })

    test('the data owner’s return shows their agency’s actions, and a draft saves their update', async () => {
      const police = await app.signedIn('data-owner')
      const path = '/returns/FY2017-18-Q4/WMP'
      const page = await police.get(path)
      assert.equal(page.status, 200)
      const html = await page.text()
      assert.match(html, /Actions your agency leads/)
      assert.match(html, /WEB-WMP-1/)
      assert.doesNotMatch(html, /WEB-YOT-1/)
      const csrf = /name="_csrf" value="([0-9a-f]+)"/.exec(html)?.[1] ?? ''
      const version = /name="version" value="(\d*)"/.exec(html)?.[1] ?? ''
      const saved = await police.post(path, {
        _csrf: csrf,
        version,
        intent: 'save',
        [`action-${ids['WEB-WMP-1']}-status`]: 'at-risk',
        [`action-${ids['WEB-WMP-1']}-note`]: 'Waiting on a venue',
      })
      assert.equal(saved.status, 303, await saved.text())
      const again = await (await police.get(path)).text()
      assert.match(again, /Waiting on a venue/)
      // Not the action's until the analyst accepts the return.
      assert.equal((await services.actions.get(analyst, ids['WEB-WMP-1'] as number)).action.status, 'on-track')
    })
  })
}
