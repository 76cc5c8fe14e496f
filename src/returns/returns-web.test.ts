import { onlyPartnership } from '../../test/support/partnership.ts'
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Services } from '../composition-root.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import type { TestBrowser } from '../accounts/web/test-client.ts'
import { demoUsers } from '../accounts/demo-users.ts'

/*
 * The returns journeys over HTTP, on the demo framework (Safer Wolverhampton 2017/18, Appendix C). The demo police
 * data owner (WMP) owns "Proven reoffending" (quarterly proportion); YOT owns "First time entrants" (count) and
 * "Youth custody" (proportion). Quarters of 2018/19 have no figures yet, so each test uses its own quarter.
 */

function credentials(role: string) {
  const found = demoUsers.find((u) => u.role === role)
  assert.ok(found, role)
  return found
}

/** The hidden version field of the form on a page. */
function versionOn(html: string): string {
  const match = /name="version" value="(\d*)"/.exec(html)
  assert.ok(match, 'the form carries the version it was made from')
  return match[1] as string
}

/** The page's main content (the layout around it carries a per-request nonce). */
const mainOf = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>'))

const decode = (html: string) =>
  html
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')

for (const dialect of testDialects()) {
  describe(`returns over HTTP (${dialect})`, () => {
    let services: Services
    let app: RunningApp
    let police: TestBrowser
    let analyst: TestBrowser
    let board: TestBrowser
    let viewer: TestBrowser

    before(async () => {
      app = await startDemoApp(dialect)
      services = app.services
      police = await app.signedIn('data-owner')
      analyst = await app.signedIn('partnership-analyst')
      board = await app.signedIn('board-member')
      viewer = await app.signedIn('viewer')
    })
    after(async () => {
      await app.stop()
    })

    /** Saves or submits the police return for a quarter, from the form as it is now. */
    async function policeReturn(period: string, intent: 'save' | 'submit', numerator: string, denominator: string) {
      const page = await police.get(`/returns/${period}/WMP`)
      assert.equal(page.status, 200)
      const html = await page.text()
      // A locked quarter's page has no form: then send the version last saved, as a form opened earlier would.
      const stored = await storedReturn('WMP', period)
      const token = await police.csrfTokenOf('/account/change-password')
      return police.post(`/returns/${period}/WMP`, {
        _csrf: token,
        version: /name="version"/.test(html) ? versionOn(html) : String(stored?.version ?? ''),
        intent,
        // Active gang members at GODOC, the police's other quarterly KPI: 34 is within its usual range (31–40).
        'godoc-active-gang-members-status': 'reported',
        'godoc-active-gang-members-value': '34',
        'proven-reoffending-status': 'reported',
        'proven-reoffending-numerator': numerator,
        'proven-reoffending-denominator': denominator,
        'proven-reoffending-commentary': 'From the MOJ proven reoffending tables',
      })
    }

    async function review(period: string, agency: string, decision: 'accept' | 'send-back', comment = '') {
      const path = `/returns/${period}/${agency}`
      const html = await (await analyst.get(path)).text()
      const token = await analyst.csrfTokenOf(path)
      return analyst.post(`${path}/review`, { _csrf: token, version: versionOn(html), decision, comment })
    }

    it('draft → submit → accept: the accepted figures become the partnership’s figures', async () => {
      const page = await (await police.get('/returns/FY2018-19-Q1/WMP')).text()
      assert.match(page, /Proven reoffending/)
      // Last year's same quarter beside the box: 2017/18 Q1 was 578 of 1,739 (33.2%).
      assert.match(page, /33\.2% \(578\/1,739\)/)

      assert.equal((await policeReturn('FY2018-19-Q1', 'save', '560', '1700')).status, 303)
      const draft = await (
        await onlyPartnership(services)
      ).returns.returnPage(
        { role: 'partnership-analyst', agencyId: null, email: 'test' },
        'FY2018-19-Q1',
        await agencyId('WMP'),
      )
      assert.equal(draft.returned?.status, 'draft')
      assert.equal(draft.returned?.items.find((i) => i.indicatorId === 'proven-reoffending')?.numerator, 560)
      assert.equal(
        await (await onlyPartnership(services)).performance.repository.getValue('proven-reoffending', 'FY2018-19-Q1'),
        null,
      )

      assert.equal((await policeReturn('FY2018-19-Q1', 'submit', '560', '1700')).status, 303)
      const overview = decode(await (await analyst.get('/returns/FY2018-19-Q1')).text())
      // Submitted now, years after its due date (28 July 2018): in, but late. YOT has sent nothing: missing.
      assert.match(overview, /West Midlands Police<\/a>[\s\S]*?Submitted[\s\S]*?In late/)
      assert.match(overview, /Youth Offending Team<\/a>[\s\S]*?Not started[\s\S]*?Missing/)

      assert.equal((await review('FY2018-19-Q1', 'WMP', 'accept')).status, 303)
      const value = await (
        await onlyPartnership(services)
      ).performance.repository.getValue('proven-reoffending', 'FY2018-19-Q1')
      assert.equal(value?.numerator, 560)
      assert.equal(value?.denominator, 1700)
      const accepted = decode(await (await police.get('/returns/FY2018-19-Q1/WMP')).text())
      assert.match(accepted, /Accepted/)
      assert.doesNotMatch(accepted, /Submit return/, 'an accepted return is no longer a form')
      const actions = (await (await onlyPartnership(services)).audit.list({ entityType: 'return' })).map(
        (e) => e.action,
      )
      assert.deepEqual(actions.slice(0, 3), ['create', 'submit', 'accept'])
    })

    it('send back with a comment → resubmit', async () => {
      assert.equal((await policeReturn('FY2018-19-Q2', 'submit', '480', '1700')).status, 303)
      const noComment = await review('FY2018-19-Q2', 'WMP', 'send-back')
      assert.equal(noComment.status, 400, 'sending back needs a comment')
      assert.match(await noComment.text(), /Say what needs to change/)
      assert.equal(
        (await review('FY2018-19-Q2', 'WMP', 'send-back', 'The cohort looks too small: check it')).status,
        303,
      )
      const page = decode(await (await police.get('/returns/FY2018-19-Q2/WMP')).text())
      assert.match(page, /Sent back/)
      assert.match(page, /The cohort looks too small: check it/)
      assert.equal((await policeReturn('FY2018-19-Q2', 'submit', '540', '1700')).status, 303)
      const again = await (
        await onlyPartnership(services)
      ).returns.returnPage(
        { role: 'partnership-analyst', agencyId: null, email: 'test' },
        'FY2018-19-Q2',
        await agencyId('WMP'),
      )
      assert.equal(again.returned?.status, 'submitted')
      assert.equal(again.returned?.items.find((i) => i.indicatorId === 'proven-reoffending')?.numerator, 540)
    })

    it('lock → a submit after it is refused; reopening needs a reason and is audited', async () => {
      assert.equal((await policeReturn('FY2018-19-Q3', 'save', '500', '1700')).status, 303)
      const overviewPath = '/returns/FY2018-19-Q3'
      const token = await board.csrfTokenOf(overviewPath)
      const unconfirmed = await board.post(`${overviewPath}/sign-off`, { _csrf: token })
      assert.equal(unconfirmed.status, 400, 'an empty form does not lock a quarter')
      const errorPage = await unconfirmed.text()
      assert.match(errorPage, /Confirm that the board has signed off this quarter/)
      assert.match(errorPage, /West Midlands Police/, 'the returns table is still shown beside the error')
      assert.equal((await board.post(`${overviewPath}/sign-off`, { _csrf: token, confirm: 'yes' })).status, 303)

      // Who signed off: the analyst (who reads the audit trail, where people are named by email) sees the email;
      // the board and a viewer see the name and role, never a colleague's address.
      const boardEmail = credentials('board-member').email
      const byName = 'Demo Board Member (Board member)'
      const analystView = await (await analyst.get(overviewPath)).text()
      assert.ok(analystView.includes(boardEmail) && !analystView.includes(byName))
      const boardView = await (await board.get(overviewPath)).text()
      assert.ok(boardView.includes(byName) && !boardView.includes(boardEmail))
      const viewerSnapshot = await viewer.get(`${overviewPath}/signed-off`)
      assert.equal(viewerSnapshot.status, 200)
      const viewerText = await viewerSnapshot.text()
      assert.ok(viewerText.includes(byName) && !viewerText.includes(boardEmail))

      const refused = await policeReturn('FY2018-19-Q3', 'submit', '510', '1700')
      assert.equal(refused.status, 409)
      assert.match(await refused.text(), /Nothing was saved: the quarter is locked/)
      const stored = await (
        await onlyPartnership(services)
      ).returns.returnPage(
        { role: 'partnership-analyst', agencyId: null, email: 'test' },
        'FY2018-19-Q3',
        await agencyId('WMP'),
      )
      assert.equal(stored.returned?.status, 'draft')
      assert.equal(stored.returned?.items.find((i) => i.indicatorId === 'proven-reoffending')?.numerator, 500)

      const noReason = await board.post(`${overviewPath}/reopen`, { _csrf: token, reason: '  ' })
      assert.equal(noReason.status, 400)
      assert.match(await noReason.text(), /Enter why the quarter is being reopened/)
      assert.equal(
        (await board.post(`${overviewPath}/reopen`, { _csrf: token, reason: 'WMP found an error' })).status,
        303,
      )
      const events = await (
        await onlyPartnership(services)
      ).audit.list({ entityType: 'return-period', entityKey: 'FY2018-19-Q3' })
      const reopen = events.find((e) => e.action === 'reopen')
      assert.ok(reopen, 'the reopening is audited')
      assert.equal(reopen.actor, credentials('board-member').email)
      assert.equal((JSON.parse(reopen.after ?? '{}') as { reason?: string }).reason, 'WMP found an error')
      assert.equal((JSON.parse(reopen.before ?? '{}') as { locked?: boolean }).locked, true)
      assert.equal((await policeReturn('FY2018-19-Q3', 'submit', '510', '1700')).status, 303, 'accepted once reopened')
    })

    it('two editors: the second gets 409 with the figures now saved, and nothing is lost', async () => {
      const path = '/returns/FY2018-19-Q4/WMP'
      assert.equal((await policeReturn('FY2018-19-Q4', 'save', '520', '1700')).status, 303)
      const second = await app.signedIn('data-owner')
      const firstForm = await (await police.get(path)).text()
      const secondForm = await (await second.get(path)).text()
      assert.equal(versionOn(firstForm), versionOn(secondForm))
      const fields = (numerator: string) => ({
        'proven-reoffending-status': 'reported',
        'proven-reoffending-numerator': numerator,
        'proven-reoffending-denominator': '1700',
        intent: 'save',
      })
      const one = await police.post(path, {
        _csrf: await police.csrfTokenOf(path),
        version: versionOn(firstForm),
        ...fields('531'),
      })
      assert.equal(one.status, 303)
      const two = await second.post(path, {
        _csrf: await second.csrfTokenOf(path),
        version: versionOn(secondForm),
        ...fields('599'),
      })
      assert.equal(two.status, 409)
      const html = await two.text()
      assert.match(html, /Someone else changed this return/)
      assert.match(html, /name="proven-reoffending-numerator"[^>]*value="531"/, 'the page shows the figure now saved')
      assert.equal(Number(versionOn(html)), Number(versionOn(firstForm)) + 1, 'and the version it is at')
      const stored = await (
        await onlyPartnership(services)
      ).returns.returnPage(
        { role: 'partnership-analyst', agencyId: null, email: 'test' },
        'FY2018-19-Q4',
        await agencyId('WMP'),
      )
      assert.equal(stored.returned?.items.find((i) => i.indicatorId === 'proven-reoffending')?.numerator, 531)
    })

    it('another agency’s return is not found; viewers see no returns; the board reads but does not edit', async () => {
      assert.equal((await police.get('/returns/FY2018-19-Q1/YOT')).status, 404)
      const token = await police.csrfTokenOf('/account/change-password')
      const post = await police.post('/returns/FY2018-19-Q1/YOT', {
        _csrf: token,
        version: '',
        intent: 'save',
        'first-time-entrants-value': '1',
      })
      assert.equal(post.status, 404)
      assert.equal(await storedReturn('YOT', 'FY2018-19-Q1'), null)
      assert.equal((await police.get('/returns/FY2018-19-Q1')).status, 403, 'the overview is for reviewers')
      assert.equal((await viewer.get('/returns/FY2018-19-Q1/WMP')).status, 403)
      assert.equal((await viewer.get('/returns/FY2018-19-Q1')).status, 403)
      assert.equal((await board.get('/returns/FY2018-19-Q1/WMP')).status, 200)
      const boardToken = await board.csrfTokenOf('/returns/FY2018-19-Q1')
      const boardEdit = await board.post('/returns/FY2018-19-Q1/WMP', {
        _csrf: boardToken,
        version: '',
        intent: 'save',
      })
      assert.equal(boardEdit.status, 403)
      const policeReview = await police.post('/returns/FY2018-19-Q1/WMP/review', {
        _csrf: token,
        version: '1',
        decision: 'accept',
      })
      assert.equal(policeReview.status, 403, 'a data owner cannot accept their own return')
    })

    it('hard rules block; a plausibility warning needs a confirmation, and the confirmation is stored', async () => {
      const path = '/returns/FY2019-20-Q1/YOT'
      const token = await analyst.csrfTokenOf(path)
      const form = (entrants: string, extra: Record<string, string> = {}) => ({
        _csrf: token,
        version: '',
        intent: 'submit',
        'first-time-entrants-status': 'reported',
        'first-time-entrants-value': entrants,
        'youth-custody-status': 'reported',
        'youth-custody-numerator': '6',
        'youth-custody-denominator': '50',
        ...extra,
      })
      const negative = await analyst.post(path, form('-3'))
      assert.equal(negative.status, 400)
      assert.match(decode(await negative.text()), /"-3" is negative/)
      const above = await analyst.post(path, { ...form('30'), 'youth-custody-numerator': '60' })
      assert.equal(above.status, 400)
      assert.match(await above.text(), /the numerator \(60\) is above the denominator \(50\)/)
      const both = await analyst.post(path, { ...form('30'), 'first-time-entrants-status': 'suppressed' })
      assert.equal(both.status, 400)
      assert.match(await both.text(), /so value must be empty/)
      assert.equal(await storedReturn('YOT', 'FY2019-20-Q1'), null)

      // First time entrants in the eight quarters before: 30, 25, 41, 35, 32, 28, 35, 26 → median 31; 100 > 3 × 31.
      const unconfirmed = await analyst.post(path, form('100'))
      assert.equal(unconfirmed.status, 400)
      const html = await unconfirmed.text()
      assert.match(html, /100 is more than 3 times the median of the last 8 periods \(31\)/)
      assert.equal(await storedReturn('YOT', 'FY2019-20-Q1'), null)
      // 6 of 50 (12%) is near the youth custody median (11.95%): no warning for it.
      assert.doesNotMatch(html, /youth-custody-confirm/)

      const confirmed = await analyst.post(path, form('100', { 'first-time-entrants-confirm': 'yes' }))
      assert.equal(confirmed.status, 303)
      const stored = await storedReturn('YOT', 'FY2019-20-Q1')
      const item = stored?.items.find((i) => i.indicatorId === 'first-time-entrants')
      assert.equal(item?.value, 100)
      assert.match(item?.warning ?? '', /more than 3 times the median/)
      assert.equal(item?.warningConfirmedBy, credentials('partnership-analyst').email)
      assert.ok(item?.warningConfirmedAt)
      assert.equal(stored?.items.find((i) => i.indicatorId === 'youth-custody')?.warning, null)
    })

    it('the board’s sign-off keeps the report as it stood: a later baseline change does not re-judge it', async () => {
      const path = '/returns/FY2017-18-Q4'
      const token = await board.csrfTokenOf(path)
      assert.equal((await board.post(`${path}/sign-off`, { _csrf: token, confirm: 'yes' })).status, 303)
      const before = mainOf(decode(await (await viewer.get(`${path}/signed-off`)).text()))
      // Knife crime 2017/18: 221 offences against the previous outturn of 191 (seed report, Appendix C).
      assert.match(before, /Knife crime: violent crimes[\s\S]*?191[\s\S]*?221/)
      await (
        await onlyPartnership(services)
      ).performance.importService.applyChanges(
        {
          indicators: [],
          values: [],
          baselines: [{ indicatorId: 'knife-crime', year: 'FY2017-18', source: 'fixed', value: 400 }],
        },
        { actor: 'test', files: [], rowsRead: 1 },
      )
      const live = await (await onlyPartnership(services)).reports.performance.report('FY2017-18')
      const liveRow = live?.themes.flatMap((t) => t.rows).find((r) => r.indicator.id === 'knife-crime')
      assert.equal(liveRow?.baseline?.value, 400, 'the live report uses the new baseline')
      const after = mainOf(decode(await (await viewer.get(`${path}/signed-off`)).text()))
      assert.equal(after, before, 'the signed-off report is unchanged')
      const snapshot = await (
        await onlyPartnership(services)
      ).returns.signedOffReport({ role: 'viewer', agencyId: null, email: 'test' }, 'FY2017-18-Q4')
      assert.equal(snapshot?.baselines.find((b) => b.indicatorId === 'knife-crime')?.value, 191)
    })

    it('a monthly KPI: a box set per month under the KPI, labels naming both, errors linked to the month’s box', async () => {
      // Public Health owns the six monthly "criminal justice clients" KPIs; the analyst enters the return for them.
      const quarter = 'FY2018-19-Q4'
      const path = `/returns/${quarter}/PH`
      const opiate = 'cj-clients-in-treatment-opiate'
      const html = decode(mainOf(await (await analyst.get(path)).text()))
      assert.match(
        html,
        /<h2 class="govuk-fieldset__heading">Criminal justice clients in treatment: opiate<\/h2>[\s\S]*?>January 2019<\/h3>[\s\S]*?>February 2019<\/h3>[\s\S]*?>March 2019<\/h3>[\s\S]*?<h2 class="govuk-fieldset__heading">Criminal justice clients in treatment: other drugs/,
      )
      // January 2018, the seed report's "Output for Jan 2018": 37 (24%), printed to one decimal place as every output
      // prints a percentage (src/domain/rounding.ts), beside January 2019; nothing for February.
      assert.match(
        html,
        new RegExp(`id="${opiate}--2019-01-last-year">Same month last year: <strong>37 \\(24.0%\\)</strong>`),
      )
      assert.match(
        html,
        new RegExp(`id="${opiate}--2019-02-last-year">Same month last year: <strong>not available</strong>`),
      )
      assert.match(
        html,
        new RegExp(
          `for="${opiate}--2019-02-value">\\s*Figure<span class="govuk-visually-hidden"> – Criminal justice clients in treatment: opiate, February 2019</span>`,
        ),
      )
      assert.match(
        html,
        new RegExp(`id="${opiate}--2019-02-value"[^>]*aria-describedby="${opiate}--2019-02-last-year"`),
      )

      // Every box not collected, but the opiate clients' three months; February's is negative.
      const page = await (
        await onlyPartnership(services)
      ).returns.returnPage(
        { role: 'partnership-analyst', agencyId: null, email: 'test' },
        quarter,
        await agencyId('PH'),
      )
      const fields: Record<string, string> = {}
      for (const entry of page.lines.flatMap((l) => l.entries)) {
        fields[`${entry.boxes.prefix}-status`] = 'not-collected'
        fields[`${entry.boxes.prefix}-reason`] = 'Not in the PH extract'
      }
      const months = { '2019-01': '36', '2019-02': '-2', '2019-03': '33' }
      for (const [month, figure] of Object.entries(months)) {
        Object.assign(fields, {
          [`${opiate}--${month}-status`]: 'reported',
          [`${opiate}--${month}-reason`]: '',
          [`${opiate}--${month}-value`]: figure,
          [`${opiate}--${month}-percent`]: '23',
        })
      }
      const send = async () =>
        analyst.post(path, { _csrf: await analyst.csrfTokenOf(path), version: '', intent: 'submit', ...fields })
      const refused = await send()
      assert.equal(refused.status, 400)
      const errors = decode(await refused.text())
      assert.match(
        errors,
        new RegExp(
          `<a href="#${opiate}--2019-02-value">Criminal justice clients in treatment: opiate, February 2019: "-2" is negative`,
        ),
      )
      assert.match(
        errors,
        new RegExp(`class="govuk-input govuk-input--width-10 govuk-input--error" id="${opiate}--2019-02-value"`),
      )
      assert.match(errors, new RegExp(`id="${opiate}--2019-03-value"[^>]*value="33"`), 'what was typed is kept')
      assert.equal(await storedReturn('PH', quarter), null)

      fields[`${opiate}--2019-02-value`] = '35'
      assert.equal((await send()).status, 303)
      assert.equal((await review(quarter, 'PH', 'accept')).status, 303)
      for (const [month, figure] of Object.entries({ ...months, '2019-02': '35' })) {
        const value = await (await onlyPartnership(services)).performance.repository.getValue(opiate, month)
        assert.equal(value?.value, Number(figure), month)
      }
      // The accepted return reads as a table: a row per KPI per month.
      const accepted = decode(mainOf(await (await analyst.get(path)).text()))
      assert.match(
        accepted,
        /Criminal justice clients in treatment: opiate<\/th>\s*<td class="govuk-table__cell">February 2019<\/td>/,
      )
    })

    /** The return as stored, read as the partnership analyst would. */
    async function storedReturn(code: string, period: string) {
      const page = await (
        await onlyPartnership(services)
      ).returns.returnPage({ role: 'partnership-analyst', agencyId: null, email: 'test' }, period, await agencyId(code))
      return page.returned
    }

    async function agencyId(code: string): Promise<number> {
      const agency = (await (await onlyPartnership(services)).returns.agencies()).find((a) => a.code === code)
      assert.ok(agency)
      return agency.id
    }
  })
}
