import { onlyPartnership } from '../../../test/support/partnership.ts'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../../test/support/web-app.ts'
import { addUserWithPassword } from '../../../test/support/accounts.ts'
import { TestBrowser } from './test-client.ts'

/*
 * The agencies pages over the whole application with the demo data (its 34 KPIs, the Owner column of the seed
 * report's Appendix C: "SWP Analyst" 18, "Public Health" 6, "YOT" 2, "WDVF" 2, "WMP Analyst" 1, "WMP" 1,
 * "Community Safety" 1 — Domestic homicides —, "West Midlands SARC" 1, "WMP CTU" 1, "WMFS" 1). One server per
 * dialect; each test changes only what it names.
 */

type World = RunningApp

/** The text of the page without tags, with white space collapsed, for reading what a person sees. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&rsquo;|’/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}

/** One table row of the agencies list, by the agency's code: [code, name, owner names, KPIs, users, tokens]. */
function agencyRow(html: string, code: string): string[] {
  const rows = html.split('<tr class="govuk-table__row">').slice(1)
  const row = rows.find((r) => new RegExp(`^\\s*<td class="govuk-table__cell">${code}</td>`).test(r))
  assert.ok(row, `a row for ${code}`)
  return [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => visibleText(m[1] ?? '').trim())
}

async function auditCount(world: World): Promise<number> {
  return (await onlyPartnership(world.services)).audit.count()
}

for (const dialect of testDialects()) {
  describe(`agencies on the web (${dialect})`, () => {
    let world: World
    before(async () => {
      world = await startDemoApp(dialect, { dataDirectoryPrefix: 'saferhub-agencies-' })
    })
    after(() => world.stop())

    it('the list: each agency with its KPIs, active users and live tokens; every demo KPI belongs to an agency', async () => {
      const admin = await world.signedIn('administrator')
      const response = await admin.get('/admin/agencies')
      assert.equal(response.status, 200)
      const html = await response.text()
      assert.match(visibleText(html), /None: each of the 34 KPIs belongs to an agency/)
      // SWP: "SWP Analyst" 18 + "Community Safety" 1, and the demo analyst (demo-users.ts gives them SWP).
      // WMP: "WMP Analyst" 1 + "WMP" 1, and the demo data owner.
      assert.deepEqual(agencyRow(html, 'SWP').slice(3), ['19', '1', '0'])
      assert.deepEqual(agencyRow(html, 'WMP').slice(3), ['2', '1', '0'])
      assert.deepEqual(agencyRow(html, 'PH').slice(3), ['6', '0', '0'])
      assert.match(agencyRow(html, 'CTU')[2] ?? '', /WMP CTU/)
      assert.match(html, /href="\/admin\/agencies\/new"/)
      // The agencies page is one of the administration's: the menu's one Admin item is the current one.
      assert.match(html, /href="\/admin" aria-current="true">\s*<strong[^>]*>Admin</)
    })

    it('counts a live API token and not a revoked one; a disabled user is not counted', async () => {
      const system = { system: 'agencies-web-test' }
      const wmfs = (await (await onlyPartnership(world.services)).accounts.listAgencies()).find(
        (a) => a.code === 'WMFS',
      )
      assert.ok(wmfs)
      const live = await (
        await onlyPartnership(world.services)
      ).accounts.createApiToken(system, { agencyId: wmfs.id, name: 'live' })
      const revoked = await (
        await onlyPartnership(world.services)
      ).accounts.createApiToken(system, { agencyId: wmfs.id, name: 'revoked' })
      assert.ok(live.ok && revoked.ok)
      await (await onlyPartnership(world.services)).accounts.revokeApiToken(system, revoked.apiToken.id)
      const added = await (
        await onlyPartnership(world.services)
      ).accounts.addUser(system, {
        email: 'fire.owner@example.org',
        name: 'Fire Owner',
        role: 'data-owner',
        agencyId: wmfs.id,
      })
      const gone = await (
        await onlyPartnership(world.services)
      ).accounts.addUser(system, {
        email: 'fire.leaver@example.org',
        name: 'Fire Leaver',
        role: 'data-owner',
        agencyId: wmfs.id,
      })
      assert.ok(added.ok && gone.ok)
      await (await onlyPartnership(world.services)).accounts.setUserDisabled(system, gone.user.id, true)
      const admin = await world.signedIn('administrator')
      const html = await (await admin.get('/admin/agencies')).text()
      assert.deepEqual(agencyRow(html, 'WMFS').slice(3), ['1', '1', '1'])
      // The agency's page lists its users (both, the disabled one marked) for an administrator.
      const page = visibleText(await (await admin.get(`/admin/agencies/${wmfs.id}`)).text())
      assert.match(page, /Fire Owner \(fire\.owner@example\.org\), data owner[^,]/)
      assert.match(page, /Fire Leaver \(fire\.leaver@example\.org\), data owner, disabled/)
    })

    it('the analyst sees agencies and their KPIs but can change nothing; other roles are refused', async () => {
      const analyst = await world.signedIn('partnership-analyst')
      const list = await analyst.get('/admin/agencies')
      assert.equal(list.status, 200)
      const listHtml = await list.text()
      assert.doesNotMatch(listHtml, /href="\/admin\/agencies\/new"/)
      const ph = (await (await onlyPartnership(world.services)).accounts.listAgencies()).find((a) => a.code === 'PH')
      assert.ok(ph)
      const page = await analyst.get(`/admin/agencies/${ph.id}`)
      assert.equal(page.status, 200)
      const pageHtml = await page.text()
      assert.doesNotMatch(pageHtml, /<form method="post" action="\/admin\/agencies/)
      assert.doesNotMatch(pageHtml, /fire\.owner|police@example\.org/, 'no user list without user:manage')
      const token = await analyst.csrfTokenOf('/account/change-password')
      const before = await auditCount(world)
      assert.equal((await analyst.get('/admin/agencies/new')).status, 403)
      assert.equal((await analyst.post('/admin/agencies', { _csrf: token, code: 'X1', name: 'X' })).status, 403)
      const rename = await analyst.post(`/admin/agencies/${ph.id}`, { _csrf: token, name: 'Renamed', ownerNames: '' })
      assert.equal(rename.status, 403)
      assert.equal(await auditCount(world), before, 'nothing written')
      assert.equal(
        (await (await onlyPartnership(world.services)).accounts.listAgencies()).find((a) => a.id === ph.id)?.name,
        'Public Health',
      )

      for (const role of ['viewer', 'board-member', 'data-owner'] as const) {
        const browser = await world.signedIn(role)
        assert.equal((await browser.get('/admin/agencies')).status, 403, role)
        assert.equal((await browser.get(`/admin/agencies/${ph.id}`)).status, 403, role)
      }
    })

    it('adding an agency: the error summary names each field, what was typed is kept, nothing is written', async () => {
      const admin = await world.signedIn('administrator')
      const token = await admin.csrfTokenOf('/admin/agencies/new')
      const before = await auditCount(world)
      const agenciesBefore = (await (await onlyPartnership(world.services)).accounts.listAgencies()).length

      const empty = await admin.post('/admin/agencies', { _csrf: token, code: '', name: '', ownerNames: '' })
      assert.equal(empty.status, 400)
      const emptyHtml = await empty.text()
      assert.match(emptyHtml, /<title>Error: Add an agency/)
      assert.match(emptyHtml, /govuk-error-summary/)
      assert.match(emptyHtml, /<a href="#code">Enter a short code/)
      assert.match(emptyHtml, /<a href="#name">Enter the agency’s name<\/a>/)
      assert.match(emptyHtml, /id="code-error"/)

      const taken = await admin.post('/admin/agencies', {
        _csrf: token,
        code: 'wmp',
        name: 'Another police',
        ownerNames: 'Probation\r\nWMP Analyst',
      })
      assert.equal(taken.status, 400)
      const takenHtml = await taken.text()
      const takenText = visibleText(takenHtml)
      assert.match(takenText, /There is already an agency with this code/)
      assert.match(
        takenText,
        /Line 2: “WMP Analyst” is already a name of West Midlands Police \(WMP\): remove it there first/,
      )
      assert.match(takenHtml, /id="code"[^>]* value="wmp"/, 'what was typed is kept')
      assert.match(takenHtml, /id="ownerNames"[^>]*>Probation\r?\nWMP Analyst<\/textarea>/)
      assert.match(await (await admin.get('/admin/agencies/new')).text(), /Add an agency/)
      assert.equal(await auditCount(world), before)
      assert.equal((await (await onlyPartnership(world.services)).accounts.listAgencies()).length, agenciesBefore)
    })

    it('a KPI follows its owner name from one agency to another: list, agency page, returns and API agree', async () => {
      const admin = await world.signedIn('administrator')
      const agencies = await (await onlyPartnership(world.services)).accounts.listAgencies()
      const swp = agencies.find((a) => a.code === 'SWP')
      assert.ok(swp)

      // 1. "Community Safety" taken from the partnership team: Domestic homicides now matches no agency.
      const swpPage = `/admin/agencies/${swp.id}`
      const token = await admin.csrfTokenOf(swpPage)
      const kept = swp.ownerNames.filter((n) => n !== 'Community Safety')
      const removed = await admin.post(swpPage, { _csrf: token, name: swp.name, ownerNames: kept.join('\r\n') })
      assert.equal(removed.status, 303)
      assert.equal(removed.headers.get('location'), swpPage)
      assert.match(await (await admin.get(swpPage)).text(), /Changes saved/)
      const list = visibleText(await (await admin.get('/admin/agencies')).text())
      assert.match(list, /1 of 34 KPIs name an owner that is no agency's code or name/)
      assert.match(list, /Community Safety Domestic homicides/)

      // 2. A new agency given that name owns it.
      const added = await admin.post('/admin/agencies', {
        _csrf: token,
        code: 'CST',
        name: 'Community Safety Team',
        ownerNames: '\r\n  community   SAFETY \r\n',
      })
      assert.equal(added.status, 303)
      const location = added.headers.get('location') ?? ''
      assert.match(location, /^\/admin\/agencies\/\d+$/)
      const page = await (await admin.get(location)).text()
      assert.match(page, /Community Safety Team \(CST\) has been added/)
      assert.match(page, /<a class="govuk-link" href="\/kpis\/domestic-homicides">Domestic homicides<\/a>/)
      assert.match(visibleText(await (await admin.get('/admin/agencies')).text()), /None: each of the 34 KPIs/)
      assert.equal(agencyRow(await (await admin.get('/admin/agencies')).text(), 'SWP')[3], '18')

      // 3. The same answer everywhere a KPI's agency is asked: the API and the quarter's returns.
      const api = await admin.get('/api/indicators/domestic-homicides', { accept: 'application/json' })
      assert.equal(api.status, 200)
      assert.equal(JSON.parse(await api.text()).agency, 'CST')
      const analyst = { role: 'partnership-analyst' as const, agencyId: null, email: 'analyst@example.org' }
      const overview = await (await onlyPartnership(world.services)).returns.overview(analyst, 'FY2017-18-Q4')
      const cst = overview.rows.find((r) => r.agency.code === 'CST')
      assert.equal(cst?.indicators, 1)
    })

    it('renaming: the code stays, before and after are audited; saving unchanged writes nothing', async () => {
      const admin = await world.signedIn('administrator')
      const yot = (await (await onlyPartnership(world.services)).accounts.listAgencies()).find((a) => a.code === 'YOT')
      assert.ok(yot)
      const pagePath = `/admin/agencies/${yot.id}`
      const token = await admin.csrfTokenOf(pagePath)
      const names = yot.ownerNames.join('\n')
      const before = await auditCount(world)

      const blank = await admin.post(pagePath, { _csrf: token, name: '  ', ownerNames: '' })
      assert.equal(blank.status, 400)
      const blankHtml = await blank.text()
      assert.match(blankHtml, /<title>Error: Youth Offending Team/)
      assert.match(blankHtml, /<a href="#name">Enter the agency’s name<\/a>/)
      assert.equal(await auditCount(world), before)
      assert.deepEqual(
        (await (await onlyPartnership(world.services)).accounts.listAgencies()).find((a) => a.id === yot.id)
          ?.ownerNames,
        ['YOT', 'Youth Offending Team'],
      )

      const renamed = await admin.post(pagePath, { _csrf: token, name: 'Youth Justice Service', ownerNames: names })
      assert.equal(renamed.status, 303)
      const events = await (
        await onlyPartnership(world.services)
      ).audit.list({ entityType: 'agency', entityKey: String(yot.id) })
      const last = events.at(-1)
      assert.equal(last?.action, 'update')
      assert.equal(last?.actor, 'admin@example.org')
      assert.deepEqual(JSON.parse(last?.before ?? 'null'), {
        id: yot.id,
        code: 'YOT',
        name: 'Youth Offending Team',
        ownerNames: ['YOT', 'Youth Offending Team'],
      })
      assert.deepEqual(JSON.parse(last?.after ?? 'null'), {
        id: yot.id,
        code: 'YOT',
        name: 'Youth Justice Service',
        ownerNames: ['YOT', 'Youth Offending Team'],
      })
      const after = await auditCount(world)
      assert.equal(after, before + 1)

      const again = await admin.post(pagePath, { _csrf: token, name: 'Youth Justice Service', ownerNames: names })
      assert.equal(again.status, 303)
      assert.match(await (await admin.get(pagePath)).text(), /Nothing was changed/)
      assert.equal(await auditCount(world), after)
      // The KPIs named "YOT" still belong to it (by its code).
      assert.equal(agencyRow(await (await admin.get('/admin/agencies')).text(), 'YOT')[3], '2')
    })

    it('shows owner names and agency names typed with markup as text, on the list and the agency page', async () => {
      const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>'
      const added = await (
        await onlyPartnership(world.services)
      ).accounts.addAgency(
        { system: 'agencies-web-test' },
        { code: 'HOST', name: `Agency ${hostile}`, ownerNames: [`Owner ${hostile}`] },
      )
      assert.ok(added.ok, JSON.stringify(!added.ok && added.errors))
      const admin = await world.signedIn('administrator')
      for (const page of ['/admin/agencies', `/admin/agencies/${added.agency.id}`]) {
        const html = await (await admin.get(page)).text()
        assert.doesNotMatch(html, /<script>alert|<img src=x/, page)
        assert.match(html, /Owner &lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src=x onerror=alert\(2\)&gt;/, page)
      }
    })

    it('an unknown agency is not found', async () => {
      const admin = await world.signedIn('administrator')
      assert.equal((await admin.get('/admin/agencies/999999')).status, 404)
      assert.equal((await admin.get('/admin/agencies/abc')).status, 404)
      const token = await admin.csrfTokenOf('/admin/agencies/new')
      assert.equal((await admin.post('/admin/agencies/999999', { _csrf: token, name: 'X' })).status, 404)
    })

    it('links an agency of the instance to another partnership: its administrator and instance administrators, nobody else', async () => {
      // Runs last: the instance has two partnerships from here on.
      const wmp = (await (await onlyPartnership(world.services)).accounts.listAgencies()).find((a) => a.code === 'WMP')
      assert.ok(wmp)
      const added = await world.services.partnerships.add('test', { name: 'Northshire', code: 'E22000999' })
      assert.ok(added.ok)
      const northshire = world.services.forPartnership(added.value)
      await addUserWithPassword(northshire.accounts, {
        email: 'admin@northshire.example',
        role: 'administrator',
        password: 'copper-lantern-harbour-seven',
      })
      await addUserWithPassword(northshire.accounts, {
        email: 'analyst@northshire.example',
        role: 'partnership-analyst',
        password: 'copper-lantern-harbour-eight',
      })
      const northAdmin = new TestBrowser(world.base)
      assert.equal((await northAdmin.signIn('admin@northshire.example', 'copper-lantern-harbour-seven')).status, 303)

      // The form offers every agency of the instance not yet linked (all the demo's: Northshire has none yet).
      const form = await northAdmin.get('/p/northshire/admin/agencies/link')
      assert.equal(form.status, 200)
      const html = await form.text()
      assert.match(visibleText(html), /Link an agency to Northshire/)
      assert.match(html, new RegExp(`value="${wmp.id}"`))
      assert.match(visibleText(html), /West Midlands Police \(WMP\)/)

      const token = await northAdmin.csrfTokenOf('/p/northshire/admin/agencies/link')
      const nothing = await northAdmin.post('/p/northshire/admin/agencies/link', { _csrf: token })
      assert.equal(nothing.status, 400)
      assert.match(await nothing.text(), /There is a problem[\s\S]*Select the agency to link/)

      const linked = await northAdmin.post('/p/northshire/admin/agencies/link', {
        _csrf: token,
        agency: String(wmp.id),
      })
      assert.equal(linked.status, 303)
      assert.equal(linked.headers.get('location'), `/p/northshire/admin/agencies/${wmp.id}`)
      assert.match(
        visibleText(await (await northAdmin.get(`/p/northshire/admin/agencies/${wmp.id}`)).text()),
        /West Midlands Police \(WMP\) now works with Northshire/,
      )
      assert.deepEqual(
        (await northshire.accounts.listAgencies()).map((a) => a.code),
        ['WMP'],
      )
      assert.doesNotMatch(
        await (await northAdmin.get('/p/northshire/admin/agencies/link')).text(),
        new RegExp(`value="${wmp.id}"`),
      )
      const events = await northshire.audit.list({ entityType: 'agency', actions: ['link'] })
      assert.deepEqual(
        events.map((e) => [e.actor, e.entityKey]),
        [['admin@northshire.example', String(wmp.id)]],
      )

      // The demo partnership's administrator is no member of Northshire: its pages do not exist for them.
      const demoAdmin = await world.signedIn('administrator')
      assert.equal((await demoAdmin.get('/p/northshire/admin/agencies/link')).status, 404)
      const demoToken = await demoAdmin.csrfTokenOf('/sign-out')
      assert.equal(
        (await demoAdmin.post('/p/northshire/admin/agencies/link', { _csrf: demoToken, agency: String(wmp.id) }))
          .status,
        404,
      )
      // Northshire's analyst sees agencies but links none.
      const northAnalyst = new TestBrowser(world.base)
      assert.equal(
        (await northAnalyst.signIn('analyst@northshire.example', 'copper-lantern-harbour-eight')).status,
        303,
      )
      assert.equal((await northAnalyst.get('/p/northshire/admin/agencies/link')).status, 403)

      // An instance administrator (administrator in every partnership) links one too.
      await addUserWithPassword(world.services.accounts, {
        email: 'instance@example.org',
        role: 'administrator',
        password: 'copper-lantern-harbour-nine',
      })
      const instanceAdmin = new TestBrowser(world.base)
      assert.equal((await instanceAdmin.signIn('instance@example.org', 'copper-lantern-harbour-nine')).status, 303)
      const yot = (await northshire.accounts.linkableAgencies({ system: 'test' })).find((a) => a.code === 'YOT')
      assert.ok(yot)
      const instanceToken = await instanceAdmin.csrfTokenOf('/p/northshire/admin/agencies/link')
      const byInstanceAdmin = await instanceAdmin.post('/p/northshire/admin/agencies/link', {
        _csrf: instanceToken,
        agency: String(yot.id),
      })
      assert.equal(byInstanceAdmin.status, 303)
      assert.deepEqual((await northshire.accounts.listAgencies()).map((a) => a.code).sort(), ['WMP', 'YOT'])
    })
  })
}
