import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { addApprovalDecision, clearAnnualReports, clearApprovalDecisions } from './testing/annual-report-fixtures.ts'

/**
 * The annual report over HTTP, on the demo (its 2017-18 report, rebuilt from the seed, approved at the board's June
 * 2018 meeting and published; the demo holds 2017-18's KPI figures): after a look at the demo's report it is cleared
 * with the board's decision approving it, and a 2017-18 report is started from the template and worked on by two
 * people (the demo's analyst and administrator). The tests run in order on one app.
 */
const YEAR = 'FY2017-18'
const PAGE = `/annual-report/${YEAR}`
const KNIFE = '{{figure:kpi:knife-crime:outturn:FY2017-18}}'

const decode = (html: string) =>
  html
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')

/** The id of the first block of the chapter with this title, read from the page. */
function firstBlockOf(html: string, title: string): string {
  const at = html.indexOf(`>${title}</h2>`)
  assert.ok(at > 0, `no chapter ${title}`)
  const match = /id="block-(\d+)"/.exec(html.slice(at))
  assert.ok(match, `no block in ${title}`)
  return match[1] as string
}

const versionOf = (html: string) => /name="version" value="(\d+)"/.exec(html)?.[1] ?? ''

for (const dialect of testDialects())
  describe(`the annual report on the web (${dialect})`, () => {
    let app: RunningApp
    let analyst: TestBrowser
    let admin: TestBrowser
    let csrfA: string
    let csrfB: string
    let block: string
    before(async () => {
      app = await startDemoApp(dialect)
      analyst = await app.signedIn('partnership-analyst')
      admin = await app.signedIn('administrator')
      csrfA = await analyst.csrfTokenOf('/annual-report')
      csrfB = await admin.csrfTokenOf('/annual-report')
    })
    after(() => app.stop())

    it('lists the demo’s 2017-18 report, published, on the Reports page of those who may read it', async () => {
      const html = decode(await (await analyst.get('/annual-report')).text())
      assert.ok(html.includes('Safer Wolverhampton Partnership Annual Report 2017-2018'))
      assert.match(html, /Published/)
      assert.match(await (await analyst.get('/reports')).text(), /id="report-links"[^]*href="\/annual-report"/)
      assert.doesNotMatch(await (await (await app.signedIn('viewer')).get('/reports')).text(), /href="\/annual-report"/)
      const viewer = await app.signedIn('viewer')
      assert.equal((await viewer.get('/annual-report')).status, 403)
      assert.equal((await new TestBrowser(app.base).get('/annual-report')).status, 303)
      const demo = decode(await (await analyst.get('/annual-report/FY2017-18')).text())
      // The seed's "rose by 30 offences (16.5%)": the data's change is 15.7% (30 on a baseline of 191).
      assert.ok(demo.includes('rose by 30 offences (15.7%)'), 'the data’s figure where the seed printed 16.5%')
      assert.ok(!demo.includes('&lt;script'), 'no raw markup')
    })

    it('starts a report from the template, and refuses a year twice', async () => {
      const database = (await onlyPartnership(app.services)).database
      await clearAnnualReports(database)
      await clearApprovalDecisions(database)
      const started = await analyst.post('/annual-report', { _csrf: csrfA, year: YEAR })
      assert.equal(started.status, 303)
      assert.equal(started.headers.get('location'), PAGE)
      const html = decode(await (await analyst.get(PAGE)).text())
      for (const title of ['Introduction by the Chair', 'Glossary', 'Appendix C: performance report'])
        assert.ok(html.includes(`>${title}</h2>`), title)
      const again = await analyst.post('/annual-report', { _csrf: csrfA, year: YEAR })
      assert.equal(again.status, 400)
      assert.match(decode(await again.text()), /has been started already/)
      block = firstBlockOf(html, 'Introduction by the Chair')
    })

    it('locks a block for the one editing it: the other sees who and since when, and cannot save', async () => {
      assert.equal((await analyst.post(`${PAGE}/block`, { _csrf: csrfA, block, action: 'open' })).status, 303)
      const form = await (await analyst.get(`${PAGE}/block?id=${block}`)).text()
      assert.match(form, /id="block-form"/)
      const version = versionOf(form)
      const seen = decode(await (await admin.get(`${PAGE}/block?id=${block}`)).text())
      assert.match(seen, /Being edited by Demo Partnership Analyst since \d\d:\d\d/)
      assert.doesNotMatch(seen, /id="block-form"/)
      const refused = await admin.post(`${PAGE}/block`, {
        _csrf: csrfB,
        block,
        kind: 'text',
        version,
        markdown: 'Admin’s text',
        action: 'save',
      })
      assert.equal(refused.status, 409)
      assert.match(decode(await refused.text()), /Being edited by Demo Partnership Analyst since/)
      const saved = await analyst.post(`${PAGE}/block`, {
        _csrf: csrfA,
        block,
        kind: 'text',
        version,
        markdown: `Knife crime: ${KNIFE} offences. <script>alert(1)</script>`,
        action: 'save',
      })
      assert.equal(saved.status, 303)
      const page = await (await analyst.get(PAGE)).text()
      assert.ok(
        page.includes('Knife crime: 221 offences. &lt;script&gt;alert(1)&lt;/script&gt;'),
        'bound, and HTML shown as text',
      )
      // The holder's save released the lock: the administrator may open it now.
      assert.equal((await admin.post(`${PAGE}/block`, { _csrf: csrfB, block, action: 'open' })).status, 303)
      assert.match(await (await admin.get(`${PAGE}/block?id=${block}`)).text(), /id="block-form"/)
    })

    it('refuses a stale save and shows the other person’s text, losing nothing', async () => {
      const form = await (await admin.get(`${PAGE}/block?id=${block}`)).text()
      const version = versionOf(form)
      // The administrator saves and keeps editing; then a save from the analyst's older form (its version) comes in.
      const kept = await admin.post(`${PAGE}/block`, {
        _csrf: csrfB,
        block,
        kind: 'text',
        version,
        markdown: `Knife crime: ${KNIFE} offences, the administrator wrote.`,
        action: 'save',
      })
      assert.equal(kept.status, 303)
      const stale = await analyst.post(`${PAGE}/block`, {
        _csrf: csrfA,
        block,
        kind: 'text',
        version,
        markdown: 'The analyst’s late text',
        action: 'save',
      })
      assert.equal(stale.status, 409)
      const html = decode(await stale.text())
      assert.match(html, /admin@example.org saved this block after you opened it/)
      assert.ok(html.includes('the administrator wrote.'), 'their text is shown')
      assert.ok(html.includes('The analyst’s late text'), 'and the analyst’s own, not lost')
    })

    it('moves a block to another chapter: not while someone else edits it, nor from a page older than the block', async () => {
      const moved = firstBlockOf(decode(await (await admin.get(PAGE)).text()), 'The partnership')
      const chapterOf = (html: string, title: string) =>
        new RegExp(`<option value="(\\d+)">${title}</option>`).exec(html)?.[1] ?? ''
      /** The version the block's move form carries, as the page shows it now. */
      const moveForm = async (who: TestBrowser) => {
        const html = decode(await (await who.get(PAGE)).text())
        const form = new RegExp(`name="block" value="${moved}">\\s*<input type="hidden" name="version" value="(\\d+)"`)
        return { html, version: form.exec(html)?.[1] ?? '' }
      }
      const first = await moveForm(admin)
      const strategy = chapterOf(first.html, 'Strategy and priorities')
      assert.ok(first.version !== '' && strategy !== '', 'the move form is on the page')
      const move = (version: string) =>
        admin.post(`${PAGE}/block`, {
          _csrf: csrfB,
          block: moved,
          version,
          chapter: strategy,
          action: 'move-to-chapter',
        })

      // The analyst opens it to edit: the administrator cannot move it from under them.
      assert.equal((await analyst.post(`${PAGE}/block`, { _csrf: csrfA, block: moved, action: 'open' })).status, 303)
      const locked = await move(first.version)
      assert.equal(locked.status, 400)
      assert.match(decode(await locked.text()), /Being edited by Demo Partnership Analyst: it cannot be moved now/)
      const form = await (await analyst.get(`${PAGE}/block?id=${moved}`)).text()
      const saved = await analyst.post(`${PAGE}/block`, {
        _csrf: csrfA,
        block: moved,
        kind: 'text',
        version: versionOf(form),
        markdown: '### Who we are\n\nThe analyst’s words.',
        action: 'save',
      })
      assert.equal(saved.status, 303)

      // The lock is released, but the administrator's page shows the block before the analyst's save: refused.
      const stale = await move(first.version)
      assert.equal(stale.status, 400)
      assert.match(decode(await stale.text()), /analyst@example.org changed this block after you loaded the page/)
      let page = decode(await (await admin.get(PAGE)).text())
      assert.equal(firstBlockOf(page, 'The partnership'), moved, 'still where it was')

      const now = await moveForm(admin)
      assert.equal(Number(now.version), Number(first.version) + 1, 'the analyst’s save was one version')
      const done = await move(now.version)
      assert.equal(done.status, 303)
      assert.equal(done.headers.get('location'), `${PAGE}?done=block-moved#block-${moved}`)
      page = decode(await (await admin.get(PAGE)).text())
      // In its new chapter, after the block that was there, with its text; the chapter it left has none now.
      const strategyAt = page.indexOf('>Strategy and priorities</h2>')
      const strategyPart = page.slice(strategyAt, page.indexOf('<h2', strategyAt))
      assert.equal((strategyPart.match(/id="block-\d+"/g) ?? []).length, 2)
      assert.ok(strategyPart.lastIndexOf(`id="block-${moved}"`) > strategyPart.indexOf('id="block-'), 'at the end')
      assert.ok(strategyPart.includes('The analyst’s words.'))
      const partnershipPart = page.slice(
        page.indexOf('>The partnership</h2>'),
        page.indexOf('>Strategy and priorities</h2>'),
      )
      assert.doesNotMatch(partnershipPart, /id="block-\d+"/)
      // The same form sent again is stale now (the move made a new version): it is not moved twice.
      assert.equal((await move(now.version)).status, 400)

      const database = (await onlyPartnership(app.services)).database
      const events = await database.db
        .selectFrom('audit_events')
        .select(['action', 'actor', 'before', 'after'])
        .where('entity_type', '=', 'annual-report-block')
        .where('entity_key', '=', moved)
        .orderBy('id')
        .execute()
      const last = events.at(-1)
      assert.equal(last?.actor, 'admin@example.org')
      assert.equal(last?.action, 'update')
      assert.equal(JSON.parse(String(last?.after)).chapter_id, Number(strategy))
      assert.notEqual(JSON.parse(String(last?.before)).chapter_id, Number(strategy))
    })

    it('blocks approval while a comment is unresolved, and needs the board’s decision', async () => {
      assert.equal(
        (await admin.post(`${PAGE}/comments`, { _csrf: csrfB, block, comment: 'Say where the figure comes from' }))
          .status,
        303,
      )
      let page = decode(await (await analyst.get(PAGE)).text())
      assert.ok(page.includes('“Introduction by the Chair” has an unresolved comment'))
      assert.equal((await analyst.post(`${PAGE}/review`, { _csrf: csrfA })).status, 303)
      const none = decode(await (await admin.get(PAGE)).text())
      assert.match(none, /Record the board’s decision at a meeting first/)
      const decision = await addApprovalDecision((await onlyPartnership(app.services)).database, YEAR)
      const refused = await admin.post(`${PAGE}/approve`, { _csrf: csrfB, decision: String(decision) })
      assert.equal(refused.status, 400)
      assert.match(decode(await refused.text()), /has an unresolved comment/)
      const comment = /name="comment" value="(\d+)"/.exec(page)?.[1] ?? ''
      assert.equal((await analyst.post(`${PAGE}/comments/resolve`, { _csrf: csrfA, comment })).status, 303)
      page = decode(await (await analyst.get(PAGE)).text())
      assert.match(page, /Nothing blocks its approval/)
      // The analyst may edit but not approve; the administrator approves.
      assert.equal((await analyst.post(`${PAGE}/approve`, { _csrf: csrfA, decision: String(decision) })).status, 303)
      assert.match(decode(await (await admin.get(PAGE)).text()), /id="report-state">Approved</)
    })

    it('keeps the approved figure when the data changes, shows the change to editors, and publishes what was approved', async () => {
      const values =
        'indicator,period,value,numerator,denominator,percent,text,status,reason,commentary\nknife-crime,FY2017-18-Q4,76,,,,,,,\n'
      const imported = await (
        await onlyPartnership(app.services)
      ).performance.importFiles([{ name: 'values.csv', content: Buffer.from(values) }], 'analyst@example.org')
      assert.equal(imported.outcome, 'applied', JSON.stringify(imported))
      const page = decode(await (await admin.get(PAGE)).text())
      // 49 + 49 + 56 + 67 = 221 approved; with Q4 corrected to 76, 230.
      assert.ok(page.includes('Knife crime: 221 offences, the administrator wrote.'))
      assert.ok(page.includes('changed since approval: was 221, now 230'))
      assert.equal((await admin.post(`${PAGE}/publish`, { _csrf: csrfB })).status, 303)
      const anonymous = new TestBrowser(app.base)
      const published = decode(await (await anonymous.get(`/public/annual-report/${YEAR}`)).text())
      assert.ok(published.includes('Knife crime: 221 offences, the administrator wrote.'))
      assert.ok(!published.includes('230'))
    })

    it('republishes an amendment with a new decision and a dated note on the public page', async () => {
      assert.equal((await admin.post(`${PAGE}/reopen`, { _csrf: csrfB })).status, 303)
      assert.equal((await analyst.post(`${PAGE}/review`, { _csrf: csrfA })).status, 303)
      const database = (await onlyPartnership(app.services)).database
      const first = (await (await admin.get(PAGE)).text()).match(/name="decision"[^>]*value="(\d+)"/)?.[1]
      const reused = await admin.post(`${PAGE}/approve`, { _csrf: csrfB, decision: String(first) })
      assert.equal(reused.status, 400)
      assert.match(decode(await reused.text()), /an amendment needs a decision of its own/)
      const second = await addApprovalDecision(database, YEAR, { meetingDate: '2018-07-30' })
      assert.equal((await admin.post(`${PAGE}/approve`, { _csrf: csrfB, decision: String(second) })).status, 303)
      const noNote = await admin.post(`${PAGE}/publish`, { _csrf: csrfB })
      assert.equal(noNote.status, 400)
      assert.equal(
        (
          await admin.post(`${PAGE}/publish`, {
            _csrf: csrfB,
            note: 'knife crime corrected to 230',
            reason: 'West Midlands Police revised its fourth quarter',
          })
        ).status,
        303,
      )
      const published = decode(await (await new TestBrowser(app.base).get(`/public/annual-report/${YEAR}`)).text())
      assert.ok(published.includes('Knife crime: 230 offences'))
      assert.match(
        published,
        /Amended on \d{1,2} \w+ \d{4}: knife crime corrected to 230 because West Midlands Police revised its fourth quarter/,
      )
    })
  })
