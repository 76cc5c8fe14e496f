import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import type { PartnershipServices } from '../composition-root.ts'
import { DEMO_CENTRE_COUNT, DEMO_WARDS } from './tension-demo.ts'

/**
 * Community tensions and the reporting centres over HTTP, on the demo (its wards, 20 illustrative centres, a year of
 * assessments for four wards and four log entries: src/registers/tension-demo.ts). Expected values are read off the
 * demo's own tables in that file by hand. The tests run in order on one app.
 */
const decode = (html: string) =>
  html
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')

for (const dialect of testDialects())
  describe(`community tensions and reporting centres on the web (${dialect})`, () => {
    let app: RunningApp
    let demo: PartnershipServices
    let wardId: (name: string) => number
    before(async () => {
      app = await startDemoApp(dialect)
      demo = await onlyPartnership(app.services)
      const admin = { role: 'administrator' as const, agencyId: null, email: 'test@example.org' }
      const wards = await demo.tensions.log.wards(admin)
      wardId = (name) => {
        const found = wards.find((w) => w.name === name)
        assert.ok(found, name)
        return found.id
      }
    })
    after(() => app.stop())

    it('shows March 2018 across the wards, with the trend on February and the month’s entries', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const response = await analyst.get('/registers/tensions?month=2018-03')
      assert.equal(response.status, 200)
      const html = decode(await response.text())
      // St Peter's: February 1, March 2 (DEMO_ASSESSMENTS' last two) — rising; Park 1 then 1 — no change.
      assert.match(
        html,
        /St Peter's<\/a><\/th>\s*<td class="govuk-table__cell">2 \(Low\)[^<]*<strong[^>]*>Illustrative figure \(not Wolverhampton’s\)<\/strong><\/td>\s*<td class="govuk-table__cell">Rising \(was 1\)/,
      )
      assert.match(html, /Park<\/a><\/th>\s*<td class="govuk-table__cell">1 \(Normal\)[\s\S]*?No change/)
      assert.match(html, /Oxley<\/a><\/th>\s*<td class="govuk-table__cell" colspan="3">Not assessed/)
      assert.ok(html.includes('CT-2018-002'), 'the entry dated 8 March 2018')
      const march = html.slice(html.indexOf('id="entries"'), html.indexOf('Community Cohesion Forum meetings'))
      assert.ok(
        march.includes('CT-2018-002</a>') && !march.includes('CT-2018-001'),
        'February’s entry is not in March’s',
      )
      // Both open demo entries had reviews due in spring 2018: overdue today.
      assert.match(html, /Reviews overdue \(2\)/)
    })

    it('draws a ward’s year as a chart with its summary and table', async () => {
      const board = await app.signedIn('board-member')
      const response = await board.get(`/registers/tensions/areas/${wardId('Heath Town')}?year=FY2017-18`)
      assert.equal(response.status, 200)
      const html = decode(await response.text())
      // Heath Town 2017-18: 2,3,3,4,3,2,2,2,2,3,2,2 — from 2 in April to 2 in March, highest 4 in July.
      const summary =
        'Heath Town: tension was the same at the end as at the start, 2 (Low). Highest: 4 (High) in July 2017.'
      assert.ok(html.includes(`<p class="govuk-body" id="summary">${summary}</p>`))
      assert.match(html, /<svg[^>]*role="img"/)
      assert.ok(html.includes(`<desc`) && html.includes(summary.replace(/'/g, '&#39;')) === html.includes(summary))
      assert.equal(
        (html.match(/<th scope="row" class="govuk-table__header">[A-Z][a-z]+ 20\d\d<\/th>/g) ?? []).length,
        12,
      )
      assert.match(
        html,
        /July 2017<\/th>\s*<td class="govuk-table__cell">4 \(High\)<\/td>\s*<td class="govuk-table__cell">Rising/,
      )
    })

    it('adds a log entry through the form, refusing a bad one with an error summary, audited', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const token = await analyst.csrfTokenOf('/registers/tensions/entries/new')
      const bad = await analyst.post('/registers/tensions/entries', {
        _csrf: token,
        entryDate: '2018-02-30',
        status: 'open',
      })
      assert.equal(bad.status, 400)
      const badHtml = decode(await bad.text())
      assert.ok(badHtml.includes('govuk-error-summary'))
      assert.ok(badHtml.includes('href="#entryDate"'))
      assert.ok(badHtml.includes('Select the ward'))
      const good = await analyst.post('/registers/tensions/entries', {
        _csrf: token,
        entryDate: '2018-03-20',
        wardId: String(wardId('Graiseley')),
        source: 'Councillor',
        reportingCentreId: '',
        category: 'evidenced',
        level: '3',
        description: 'Leaflets left at a bus stop',
        response: 'Removed',
        responseOwner: 'Council',
        status: 'monitoring',
        reviewDate: '2099-01-01',
      })
      assert.equal(good.status, 303)
      const location = good.headers.get('location') ?? ''
      assert.match(location, /\/registers\/tensions\/entries\/\d+\?saved=created$/)
      const page = decode(await (await analyst.get(location)).text())
      // The demo has CT-2018-001 and CT-2018-002: the next of 2018 is 003.
      assert.ok(page.includes('<h1 class="govuk-heading-l">CT-2018-003</h1>'))
      const id = location.match(/entries\/(\d+)/)?.[1] as string
      const events = await demo.audit.list({ entityType: 'tension-entry', entityKey: id })
      assert.deepEqual(
        events.map((e) => [e.action, e.actor]),
        [['create', 'analyst@example.org']],
      )
      // Closing it starts its retention clock today.
      const closed = await analyst.post(`/registers/tensions/entries/${id}`, {
        _csrf: token,
        status: 'closed',
        reviewDate: '',
        response: 'Removed',
        responseOwner: 'Council',
      })
      assert.equal(closed.status, 303)
      const entry = await demo.tensions.log.entry({ role: 'administrator', agencyId: null }, Number(id))
      assert.equal(entry?.status, 'closed')
      assert.match(entry?.closedOn ?? '', /^\d{4}-\d{2}-\d{2}$/)
    })

    it('records a month’s assessment, and says when the level rose on the month before', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const token = await analyst.csrfTokenOf('/registers/tensions?month=2018-04')
      const saved = await analyst.post('/registers/tensions/assessments', {
        _csrf: token,
        month: '2018-04',
        wardId: String(wardId('Park')),
        level: '3',
        note: '',
        meetingId: '',
      })
      assert.equal(saved.status, 303)
      const html = decode(await (await analyst.get('/registers/tensions?month=2018-04')).text())
      // Park was 1 in March 2018.
      assert.match(
        html,
        /Park<\/a><\/th>\s*<td class="govuk-table__cell">3 \(Moderate\)<\/td>\s*<td class="govuk-table__cell">Rising \(was 1\)/,
      )
      const refused = await analyst.post('/registers/tensions/assessments', {
        _csrf: token,
        month: '2018-4',
        wardId: '',
        level: '9',
        note: '',
        meetingId: '12345',
      })
      assert.equal(refused.status, 400)
      const text = decode(await refused.text())
      for (const field of ['month', 'wardId', 'level', 'meetingId']) assert.ok(text.includes(`href="#${field}"`), field)
    })

    it('lists the centres, the wards without one, and the checks due under the six-month rule', async () => {
      const board = await app.signedIn('board-member')
      const response = await board.get('/registers/reporting-centres')
      assert.equal(response.status, 200)
      const html = decode(await response.text())
      assert.ok(html.includes(`${DEMO_CENTRE_COUNT} centres on the register`))
      // The demo leaves Oxley, Penn and Tettenhall Wightwick without a centre.
      assert.ok(html.includes(`${DEMO_WARDS.length - 3} of ${DEMO_WARDS.length} wards have at least one open centre.`))
      assert.ok(html.includes('Wards with none: Oxley, Penn, Tettenhall Wightwick.'))
      // The demo's checks were in 2017 and March 2018: today (after September 2018) every centre is due.
      assert.match(html, new RegExp(`Due for a check \\(${DEMO_CENTRE_COUNT}\\)`))
      assert.ok(html.includes('last checked 2017-06-14') && html.includes('last checked 2018-03-07'))
      assert.ok(html.includes('A centre is due for a check when it has not been checked active in the last 6 months'))
    })

    it('imports centres from CSV all or nothing, with each problem’s row and column', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const token = await analyst.csrfTokenOf('/registers/reporting-centres/import')
      const before = (await demo.tensions.centres.view({ role: 'administrator', agencyId: null })).centres.length
      const bad = await analyst.post('/registers/reporting-centres/import', {
        _csrf: token,
        csv: 'organisation,ward,strands\nNew Centre,Oxley,race\nOther Centre,Atlantis,race\n',
      })
      assert.equal(bad.status, 400)
      const badHtml = decode(await bad.text())
      assert.ok(badHtml.includes('The import has 1 problem: nothing was imported'))
      assert.match(
        badHtml,
        /<td class="govuk-table__cell">3<\/td><td class="govuk-table__cell">ward<\/td><td class="govuk-table__cell">"Atlantis" is not one of the partnership's wards/,
      )
      assert.equal((await demo.tensions.centres.view({ role: 'administrator', agencyId: null })).centres.length, before)
      const good = await analyst.post('/registers/reporting-centres/import', {
        _csrf: token,
        csv: 'organisation,ward,strands,trained_staff\nNew Centre,Oxley,race;disability,2\n',
      })
      assert.equal(good.status, 303)
      assert.match(good.headers.get('location') ?? '', /imported=1-0-0$/)
      const view = await demo.tensions.centres.view({ role: 'administrator', agencyId: null })
      assert.equal(view.centres.length, before + 1)
      assert.ok(!view.wardsWithout.some((w) => w.name === 'Oxley'), 'Oxley is covered now')
      const created = view.centres.find((c) => c.organisation === 'New Centre')
      assert.deepEqual(created?.strands, ['race', 'disability'])
      assert.equal(
        (await demo.audit.list({ entityType: 'reporting-centre', entityKey: String(created?.id) })).length,
        1,
      )
    })

    it('records a quarter’s reports, refusing more passed to the police than taken', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const page = '/registers/reporting-centres/1'
      const token = await analyst.csrfTokenOf(page)
      const refused = await analyst.post(`${page}/quarters`, {
        _csrf: token,
        quarter: 'FY2018-19-Q1',
        reportsTaken: '2',
        passedToPolice: '3',
      })
      assert.equal(refused.status, 400)
      assert.ok(decode(await refused.text()).includes('More reports cannot be passed to the police than were taken'))
      const saved = await analyst.post(`${page}/quarters`, {
        _csrf: token,
        quarter: 'FY2018-19-Q1',
        reportsTaken: '4',
        passedToPolice: '3',
      })
      assert.equal(saved.status, 303)
      const html = decode(await (await analyst.get(page)).text())
      assert.match(html, /FY2018-19-Q1 \(April to June 2018\)<\/th><td[^>]*>4<\/td><td[^>]*>3<\/td>/)
    })

    it('is refused to a viewer and a data owner (403), and to nobody signed in', async () => {
      for (const role of ['viewer', 'data-owner'] as const) {
        const browser = await app.signedIn(role)
        for (const path of ['/registers/tensions', '/registers/reporting-centres', '/registers/wards'])
          assert.equal((await browser.get(path)).status, 403, `${role} ${path}`)
      }
      const regional = await app.signedIn('regional-analyst')
      assert.equal((await regional.get('/registers/tensions')).status, 200, 'a regional analyst reads')
      assert.equal((await regional.get('/registers/tensions/entries/new')).status, 403, 'but does not write')
    })

    it('gives the year’s figures, marking small counts of incidents for the partnership only', async () => {
      const figures = await demo.tensions.figures('FY2017-18')
      const byKey = new Map(figures.map((f) => [f.key, f]))
      // 20 demo centres + the imported one, open at 31 March 2018 (none closed); 17 wards + Oxley.
      assert.equal(byKey.get('register:reporting-centres-active:FY2017-18')?.value, DEMO_CENTRE_COUNT + 1)
      assert.equal(byKey.get('register:reporting-centre-wards:FY2017-18')?.value, DEMO_WARDS.length - 2)
      // The demo's quarters: centre i (0-19) in quarter q (1-4) took (3i + 2q) mod 7 and passed ⌊2·taken/3⌋.
      let taken = 0
      let passed = 0
      for (let i = 0; i < DEMO_CENTRE_COUNT; i++)
        for (let q = 1; q <= 4; q++) {
          const t = (i * 3 + q * 2) % 7
          taken += t
          passed += Math.floor((2 * t) / 3)
        }
      assert.equal(byKey.get('register:third-party-hate-reports:FY2017-18')?.value, taken)
      assert.equal(byKey.get('register:third-party-hate-reports-passed:FY2017-18')?.value, passed)
      // Entries dated April 2017 to March 2018: the four demo entries and the one the form added (20 March 2018).
      const potential = byKey.get('register:tension-entries:potential:FY2017-18')
      assert.equal(potential?.value, 2)
      assert.equal(potential?.suppressed, true, 'fewer than 5: withheld from the public')
      assert.equal(byKey.get('register:tension-entries:evidenced:FY2017-18')?.value, 2)
      assert.equal(byKey.get('register:tension-entries:level-2:FY2017-18')?.value, 2)
      assert.equal(byKey.get('register:third-party-hate-reports:FY2017-18')?.suppressed, undefined)
    })

    it('names a Community Cohesion Forum meeting on an assessment, read from the board’s meetings', async () => {
      // The board's tables are another feature's: this test writes a group and a meeting straight into them.
      const db = demo.database.db
      const stamp = { created_at: '2018-01-01T00:00:00Z', updated_at: '2018-01-01T00:00:00Z', updated_by: 'test' }
      // The demo board has the Forum (src/board/board-demo.ts); a partnership without it gets one here.
      const group =
        (await db
          .selectFrom('board_groups')
          .select('id')
          .where('name', '=', 'Community Cohesion Forum')
          .executeTakeFirst()) ??
        (await db
          .insertInto('board_groups')
          .values({ name: 'Community Cohesion Forum', kind: 'group', ...stamp })
          .returning('id')
          .executeTakeFirstOrThrow())
      const meeting = await db
        .insertInto('board_meetings')
        .values({ group_id: group.id, meeting_date: '2018-05-09', state: 'held', ...stamp })
        .returning('id')
        .executeTakeFirstOrThrow()
      const analyst = await app.signedIn('partnership-analyst')
      const page = decode(await (await analyst.get('/registers/tensions?month=2018-05')).text())
      assert.ok(page.includes('<li>2018-05-09 (held)</li>'))
      assert.ok(page.includes(`<option value="${meeting.id}">2018-05-09 (held)</option>`))
      const token = await analyst.csrfTokenOf('/registers/tensions?month=2018-05')
      const saved = await analyst.post('/registers/tensions/assessments', {
        _csrf: token,
        month: '2018-05',
        wardId: String(wardId('Park')),
        level: '2',
        note: '',
        meetingId: String(meeting.id),
      })
      assert.equal(saved.status, 303)
      const [assessment] = (
        await demo.tensions.log.month({ role: 'administrator', agencyId: null }, '2018-05')
      ).assessments
        .filter((a) => a.assessment !== null)
        .map((a) => a.assessment)
      assert.equal(assessment?.meetingId, meeting.id)
      assert.equal(assessment?.trend, 'down', 'Park was 3 in April (the earlier test)')
    })

    it('loads the demo again without changing anything', async () => {
      const before = await demo.audit.count()
      await demo.tensions.loadDemo('demo-data')
      assert.equal(await demo.audit.count(), before)
    })

    it('gives the demo’s wards their ONS codes and says the partnership holds every ward of the lookup', async () => {
      const admin = { role: 'administrator' as const, agencyId: null, email: 'test@example.org' }
      const wards = await demo.tensions.log.wards(admin)
      // Codes read from the ONS LSOA (2011) to Ward (2018) lookup by hand (LAD18CD E08000031).
      assert.equal(wards.find((w) => w.name === 'Heath Town')?.onsCode, 'E05001330')
      assert.equal(wards.find((w) => w.name === "St Peter's")?.onsCode, 'E05001335')
      assert.ok(wards.every((w) => w.onsCode !== null))
      const html = decode(await (await (await app.signedIn('partnership-analyst')).get('/registers/wards')).text())
      assert.ok(html.includes('lists 20 wards in the partnership’s area'))
      assert.ok(html.includes('The partnership holds all of them with their codes.'))
    })

    it('adds a new partnership’s wards from the ONS lookup in one step, audited, and only once', async () => {
      const added = await app.services.partnerships.add('test', { name: 'Safer Blaenau Gwent', code: 'W14000019' })
      assert.ok(added.ok)
      const gwent = app.services.forPartnership(added.value)
      const admin = { role: 'administrator' as const, agencyId: null, email: 'test@example.org' }
      // One ward held by name before the code was known: it is given its code, not added again.
      const first = await gwent.tensions.log.addWard(admin, 'Abertillery', '')
      assert.equal(first.outcome, 'saved')
      const shown = await gwent.tensions.log.onsWardsNotHeld(admin)
      // Blaenau Gwent had 16 wards in 2018 (counted in the ONS original, LAD18NM "Blaenau Gwent").
      assert.equal(shown.listed, 16)
      assert.equal(shown.notHeld.length, 16)
      assert.equal(
        shown.notHeld.find((w) => w.code === 'W05000751')?.heldWithoutCode,
        first.outcome === 'saved' ? first.value : -1,
      )
      const auditBefore = await gwent.audit.count()
      assert.deepEqual(await gwent.tensions.log.addOnsWards(admin), { added: 15, coded: 1 })
      assert.equal((await gwent.audit.count()) - auditBefore, 16)
      const wards = await gwent.tensions.log.wards(admin)
      assert.equal(wards.length, 16)
      assert.equal(wards.find((w) => w.name === 'Abertillery')?.onsCode, 'W05000751')
      assert.deepEqual(await gwent.tensions.log.addOnsWards(admin), { added: 0, coded: 0 })
      // The demo's own wards are untouched by another partnership's.
      assert.equal((await demo.tensions.log.wards(admin)).length, DEMO_WARDS.length)
    })
  })
