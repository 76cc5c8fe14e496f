import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import type { PartnershipServices } from '../composition-root.ts'
import { loadDemoMeetings } from './meeting-demo.ts'
import { addTestBoard, clearBoard, holdQuorateMeeting } from './testing/meeting-fixtures.ts'

const analyst = { role: 'partnership-analyst' as const, agencyId: null, email: 'analyst@example.org' }

/** The hidden fields of the first "Record this as the board’s decision" form on a page that offers `decisionId`. */
function linkForm(html: string, decisionId: number) {
  const csrf = /name="_csrf" value="([0-9a-f]+)"/.exec(html)?.[1] ?? ''
  const form = new RegExp(
    `<form method="post" action="[^"]*/board/decision-links"[\\s\\S]*?name="decision" value="${decisionId}"[\\s\\S]*?</form>`,
  ).exec(html)?.[0]
  assert.ok(form, `the page offers decision ${decisionId}`)
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(form)?.[1] ?? ''
  return {
    _csrf: csrf,
    kind: field('kind'),
    subject: field('subject'),
    decision: field('decision'),
    returnTo: field('returnTo'),
  }
}

for (const dialect of testDialects()) {
  describe(`the board's decisions on the pages of what it decides (${dialect})`, () => {
    let app: RunningApp
    let services: PartnershipServices
    let board: Awaited<ReturnType<typeof addTestBoard>>

    before(async () => {
      app = await startDemoApp(dialect)
      services = await onlyPartnership(app.services)
      // The demo's own board is cleared: these tests know their board (the "Test Board") and its seats.
      await clearBoard(services.database)
      board = await addTestBoard(services.database)
      assert.equal(await loadDemoMeetings({ database: services.database, audit: services.audit }, 'demo-data'), 5)
    })
    after(() => app?.stop())

    /** A board meeting held on `date` with every seat present (quorate), and one decision recorded at it. */
    const decidedAt = async (date: string, decision: { kind: string; subject: string; minute: string }) => {
      const meetings = services.meetings.service
      const id = await holdQuorateMeeting(meetings, analyst, board.board, date)
      const recorded = await meetings.recordDecision(analyst, id, {
        minuteNumber: decision.minute,
        kind: decision.kind,
        subject: decision.subject,
        text: 'Agreed.',
      })
      assert.ok(recorded.ok, JSON.stringify(recorded))
      return recorded.ok ? recorded.id : 0
    }

    test('the budget page and Appendix A say which demo meeting approved them', async () => {
      const browser = await app.signedIn('board-member')
      const budget = await (await browser.get('/funding?year=FY2017-18')).text()
      // The demo links the June 2017 meeting's minute 6 to the 2017/18 budget (src/board/meeting-demo.ts).
      assert.match(
        budget,
        /Budget approval: <a class="govuk-link" href="\/board\/decisions\/\d+">Decided by the Test Board on 13 June 2017 \(minute 6\)<\/a>/,
      )
      const appendix = await (await browser.get('/funding/appendix-a/FY2017-18')).text()
      assert.match(
        appendix,
        /Appendix A approval: <a class="govuk-link" href="\/board\/decisions\/\d+">Decided by the Test Board on 12 June 2018 \(minute 8\)<\/a>/,
      )
      // A board member may read the board but not change it: no choice is offered.
      assert.doesNotMatch(budget + appendix, /Record this as the board’s decision/)
    })

    test('a strategy: a board editor is offered the held meeting’s approval, links it and is brought back', async () => {
      const [strategy] = await services.strategy.strategies.list()
      assert.ok(strategy, 'the demo has a strategy')
      const path = `/plan/strategies/${strategy.id}`
      const browser = await app.signedIn('partnership-analyst')
      assert.doesNotMatch(
        await (await browser.get(path)).text(),
        /The board’s decisions/,
        'none to show before one is made',
      )
      const decisionId = await decidedAt('2017-04-11', {
        kind: 'strategy-approval',
        subject: String(strategy.id),
        minute: '3',
      })
      const page = await (await browser.get(path)).text()
      assert.match(page, /Strategy approval: the Test Board on 11 April 2017 \(minute 3\)/)
      const form = linkForm(page, decisionId)
      assert.deepEqual([form.kind, form.subject, form.returnTo], ['strategy-approval', String(strategy.id), path])
      const linked = await browser.post('/board/decision-links', form)
      assert.equal(linked.status, 303)
      assert.equal(linked.headers.get('location'), path)
      const after = await (await browser.get(path)).text()
      assert.match(after, /The board’s decision is recorded\./)
      assert.match(
        after,
        new RegExp(
          `href="/board/decisions/${decisionId}">Decided by the Test Board on 11 April 2017 \\(minute 3\\)</a>`,
        ),
      )
      assert.doesNotMatch(after, /Record this as the board’s decision/, 'the linked decision is no longer offered')
      // A viewer reads the plan but not the board: the strategy page shows none of its decisions.
      const viewer = await app.signedIn('viewer')
      const seen = await (await viewer.get(path)).text()
      assert.match(seen, /id="strategy-title"/)
      assert.doesNotMatch(seen, /The board’s decisions|Test Board/)
    })

    test('a quarter’s signed-off page: its own sign-off decision, and for the fourth quarter the year’s', async () => {
      const browser = await app.signedIn('partnership-analyst')
      const q3 = '/returns/FY2017-18-Q3/signed-off'
      const page = await (await browser.get(q3)).text()
      // The demo's March 2018 meeting signed off Q3 (minute 5), not linked: offered to the board's editor.
      const march = (await services.meetings.service.decisionsOfKind('report-sign-off', 'FY2017-18-Q3'))[0]
      assert.ok(march)
      assert.match(page, /Performance report sign-off: the Test Board on 13 March 2018 \(minute 5\)/)
      const form = linkForm(page, march.id)
      assert.equal(form.returnTo, q3)
      const linked = await browser.post('/board/decision-links', form)
      assert.equal(linked.headers.get('location'), q3)
      assert.match(await (await browser.get(q3)).text(), /Decided by the Test Board on 13 March 2018 \(minute 5\)<\/a>/)
      // Q4's sign-off is the year's: the demo links June 2018's minute 5 under the year, shown on Q4's page.
      const q4 = await (await browser.get('/returns/FY2017-18-Q4/signed-off')).text()
      assert.match(q4, /Decided by the Test Board on 12 June 2018 \(minute 5\)<\/a>/)
      assert.doesNotMatch(q4, /13 March 2018/, 'another quarter’s decision is not this one’s')
      const viewer = await app.signedIn('viewer')
      assert.doesNotMatch(await (await viewer.get(q3)).text(), /The board’s decisions|Test Board/)
    })

    test('after linking, only a page of this partnership is returned to', async () => {
      const browser = await app.signedIn('partnership-analyst')
      const decisionId = await decidedAt('2018-07-10', { kind: 'budget-approval', subject: 'FY2018-19', minute: '4' })
      const page = await (await browser.get('/funding?year=FY2018-19')).text()
      const form = linkForm(page, decisionId)
      assert.equal(form.returnTo, '/funding?year=FY2018-19', 'the budget page returns to its year')
      for (const returnTo of ['//evil.example/funding', 'https://evil.example/', '/funding/../../x', 'funding']) {
        const posted = await browser.post('/board/decision-links', { ...form, returnTo })
        assert.equal(posted.status, 303)
        assert.equal(posted.headers.get('location'), '/board/meetings', returnTo)
      }
      const back = await browser.post('/board/decision-links', form)
      assert.equal(back.headers.get('location'), '/funding?year=FY2018-19')
    })
  })
}
