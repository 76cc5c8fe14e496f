import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import type { PartnershipServices } from '../composition-root.ts'
import { loadDemoMeetings } from './meeting-demo.ts'
import { addTestBoard, clearBoard, holdQuorateMeeting } from './testing/meeting-fixtures.ts'

const analyst = { role: 'partnership-analyst' as const, agencyId: null, email: 'analyst@example.org' }

for (const dialect of testDialects()) {
  describe(`meetings over the web, on the demo's meetings (${dialect})`, () => {
    let app: RunningApp
    let services: PartnershipServices
    let board: Awaited<ReturnType<typeof addTestBoard>>
    /** The demo's meetings by date. */
    const meeting: Record<string, number> = {}

    before(async () => {
      app = await startDemoApp(dialect)
      services = await onlyPartnership(app.services)
      // The demo's own board (when the board's loader made one) is cleared: these tests know their board's seats.
      await clearBoard(services.database)
      board = await addTestBoard(services.database)
      assert.equal(await loadDemoMeetings({ database: services.database, audit: services.audit }, 'demo-data'), 5)
      assert.equal(
        await loadDemoMeetings({ database: services.database, audit: services.audit }, 'demo-data'),
        0,
        'loading again adds nothing',
      )
      const [bodyMeetings] = await services.meetings.service.list(analyst, { groupId: board.board })
      for (const m of bodyMeetings?.meetings ?? []) meeting[m.date] = m.id
    })
    after(() => app?.stop())

    /** A board meeting held on `date` with every seat present (quorate). */
    const held = (date: string) => holdQuorateMeeting(services.meetings.service, analyst, board.board, date)

    test('the demo: five illustrative held meetings, minutes approved at the next, decisions linked', async () => {
      assert.deepEqual(Object.keys(meeting), ['2017-06-13', '2017-09-12', '2017-12-12', '2018-03-13', '2018-06-12'])
      const june = await services.meetings.service.page(analyst, meeting['2018-06-12'] as number)
      assert.equal(june.meeting.illustrative, true)
      assert.deepEqual(
        june.decisions.map((d) => [d.minuteNumber, d.kind, d.subject]),
        [
          ['5', 'report-sign-off', 'FY2017-18'],
          ['6', 'publication-approval', 'FY2017-18'],
          ['7', 'annual-report-approval', 'FY2017-18'],
          ['8', 'appendix-a-approval', 'FY2017-18'],
        ],
      )
      const march = await services.meetings.service.page(analyst, meeting['2018-03-13'] as number)
      assert.equal(march.minutes?.state, 'approved')
      assert.equal(march.minutes?.approvedAt?.date, '2018-06-12')
      assert.equal(june.minutes?.state, 'draft', 'the last meeting’s minutes wait for the next')
      const decided = await services.meetings.service.decisionFor('publication-approval', 'FY2017-18')
      assert.equal(decided?.sentence, 'Decided by the Test Board on 12 June 2018 (minute 6)')
      assert.deepEqual(
        (await services.meetings.service.decisionsOfKind('annual-report-approval')).map((d) => d.meeting.date),
        ['2018-06-12'],
      )
    })

    test('matters arising carry an action to every later meeting until the meeting that closed it', async () => {
      const arising = async (date: string) =>
        (await services.meetings.service.page(analyst, meeting[date] as number)).mattersArising.map((a) => [
          a.text,
          a.status,
        ])
      assert.deepEqual(await arising('2017-12-12'), [['Report on the rise in knife crime to the next meeting', 'done']])
      assert.deepEqual(await arising('2018-03-13'), [])
      assert.deepEqual(await arising('2018-06-12'), [['Review the offender management pathway with Probation', 'open']])
      const browser = await app.signedIn('board-member')
      const pack = await (await browser.get(`/board/meetings/${meeting['2018-06-12']}/pack`)).text()
      assert.match(pack, /Matters arising[\s\S]*Review the offender management pathway with Probation/)
      // The papers as of the meeting's date: the performance report's summary of 2017/18 and the year's budget.
      assert.match(pack, /Item 3: Performance report[\s\S]*Of \d+ KPIs in 2017\/18/)
      assert.match(pack, /Item 4: Budget monitoring[\s\S]*The 2018\/19 budget is £/)
    })

    test('exempt items are hidden on every path from those who may not see exempt business', async () => {
      const id = meeting['2017-12-12'] as number
      const title = 'Domestic homicide review: progress of the action plan'
      const paper = 'DHR action plan (restricted)'
      const member = await app.signedIn('board-member')
      assert.match(await (await member.get(`/board/meetings/${id}`)).text(), new RegExp(title))
      const exemptPack = await (await member.get(`/board/meetings/${id}/pack/exempt`)).text()
      assert.match(exemptPack, new RegExp(title))
      assert.match(exemptPack, new RegExp(paper.replace(/[()]/g, '\\$&')))
      const owner = await app.signedIn('data-owner')
      const page = await owner.get(`/board/meetings/${id}`)
      assert.equal(page.status, 200)
      const publicPack = await owner.get(`/board/meetings/${id}/pack`)
      assert.equal(publicPack.status, 200)
      for (const html of [await page.text(), await publicPack.text()]) {
        assert.match(html, /Exempt item/)
        // (The performance report's paper names the KPI "Domestic homicides": the item's own title must not show.)
        assert.doesNotMatch(html, /Domestic homicide review: progress/)
        assert.doesNotMatch(html, /DHR action plan \(restricted\)/)
      }
      assert.equal((await owner.get(`/board/meetings/${id}/pack/exempt`)).status, 403)
      assert.equal((await (await app.signedIn('viewer')).get(`/board/meetings/${id}`)).status, 403)
    })

    test('attendance per agency over the year, with the rate’s numerator and denominator, and its CSV', async () => {
      // Worked by hand from the demo's rule (the seat at place i of the roster, in the order of the organisations'
      // names, sends apologies to meeting j when (i + j) is a multiple of 5) over the fixture's seats and dates.
      const expected = [
        ['Adviser', 4, 3, 1],
        ['City Council', 4, 4, 0],
        ['Fire and Rescue', 4, 3, 1],
        ['Health', 3, 2, 1],
        ['Housing', 1, 1, 0],
        ['Police', 4, 3, 1],
        ['Probation', 4, 3, 1],
        ['Voluntary Sector', 4, 4, 0],
      ]
      const browser = await app.signedIn('board-member')
      const html = await (await browser.get('/board/attendance/FY2017-18')).text()
      for (const [organisation, held, attended] of expected)
        assert.match(
          html,
          new RegExp(
            `${organisation}</th>[\\s\\S]*?>${held}</td>[\\s\\S]*?>${attended}</td>[\\s\\S]*?${attended}/${held} \\(`,
          ),
        )
      const csv = await browser.get('/board/attendance/FY2017-18.csv')
      assert.equal(csv.status, 200)
      assert.match(csv.headers.get('content-type') ?? '', /text\/csv/)
      const lines = (await csv.text()).trim().split('\r\n')
      assert.deepEqual(
        lines.filter((l) => l.includes('Test Board')),
        expected.map(
          ([o, h, a, p]) =>
            `FY2017-18,Test Board,${o},${h},${a},${p},${Math.round(((a as number) / (h as number)) * 100)}`,
        ),
      )
      assert.equal((await browser.get('/board/attendance/2017')).status, 404)
    })

    test('the scrutiny pack lists the year’s decisions by meeting, the actions and attendance', async () => {
      const browser = await app.signedIn('board-member')
      const html = await (await browser.get('/board/scrutiny/FY2017-18')).text()
      assert.match(html, /Crime and disorder scrutiny pack 2017\/18/)
      assert.match(html, /Police and Justice Act 2006/)
      assert.match(html, /Test Board, 12 September 2017[\s\S]*FY2017-18-Q1/)
      assert.doesNotMatch(html, /approved the annual report 2017\/18/, 'June 2018 is in the next year')
      assert.match(html, /3 actions were raised at the year’s meetings; 1 open on 31 March 2018/)
      assert.match(html, /Attendance per agency/)
    })

    test('the publication page says which decision signed off and approved the year, and offers the others', async () => {
      const browser = await app.signedIn('partnership-analyst')
      const html = await (await browser.get('/publication/2017-18')).text()
      assert.match(html, /Decided by the Test Board on 12 June 2018 \(minute 5\)/)
      assert.match(html, /Decided by the Test Board on 12 June 2018 \(minute 6\)/)
      // A second sign-off decision of the year at a later held board meeting is offered, and chosen through the form.
      const id = await held('2018-09-11')
      const signOff = await services.meetings.service.recordDecision(analyst, id, {
        minuteNumber: '4',
        kind: 'report-sign-off',
        subject: 'FY2017-18',
        text: 'Signed off again after the amendment',
      })
      assert.ok(signOff.ok)
      const page = await (await browser.get('/publication/2017-18')).text()
      assert.match(page, /Performance report sign-off: the Test Board on 11 September 2018 \(minute 4\)/)
      const csrf = /name="_csrf" value="([0-9a-f]+)"/.exec(page)?.[1] ?? ''
      const chosen = await browser.post('/board/decision-links', {
        _csrf: csrf,
        kind: 'report-sign-off',
        subject: 'FY2017-18',
        decision: String(signOff.ok ? signOff.id : 0),
        returnTo: '/publication/2017-18',
      })
      assert.equal(chosen.status, 303)
      assert.equal(chosen.headers.get('location'), '/publication/2017-18')
      assert.match(await (await browser.get('/publication/2017-18')).text(), /on 11 September 2018 \(minute 4\)<\/a>/)
      const member = await app.signedIn('board-member')
      const refused = await member.post('/board/decision-links', { _csrf: csrf })
      assert.equal(refused.status, 403)
    })

    test('through the forms: scheduling, holding, attendance and the quorum, a refused decision, audited', async () => {
      const browser = await app.signedIn('partnership-analyst')
      const csrf = await browser.csrfTokenOf('/board/meetings/new')
      const refused = await browser.post('/board/meetings', { _csrf: csrf, groupId: String(board.board) })
      assert.equal(refused.status, 400)
      const again = await refused.text()
      assert.match(again, /There is a problem[\s\S]*Enter the date of the meeting/)
      // The refused form is shown at /board/meetings: it must post to the same place from there (a relative
      // "../meetings" went to /meetings, a page not found, found by e2e/meetings.forms.spec.ts).
      assert.match(again, /<form method="post" action="\/board\/meetings" novalidate>/)
      const made = await browser.post('/board/meetings', {
        _csrf: csrf,
        groupId: String(board.board),
        'date-day': '10',
        'date-month': '9',
        'date-year': '2018',
        startsAt: '10:00',
        location: 'Civic Centre',
      })
      assert.equal(made.status, 303)
      const id = Number(/\/board\/meetings\/(\d+)$/.exec(made.headers.get('location') ?? '')?.[1])
      const path = `/board/meetings/${id}`
      const early = await browser.post(`${path}/minutes`, { _csrf: csrf, minutes: 'Too early' })
      assert.equal(early.status, 400)
      assert.match(await early.text(), /record it as held first/)
      assert.equal((await browser.post(`${path}/hold`, { _csrf: csrf })).status, 303)
      // Three voting members present of the four needed: inquorate, and the decision is refused.
      const seats = board.seats
      const attendance = {
        _csrf: csrf,
        [`seat-${seats.council}`]: 'present',
        [`seat-${seats.police}`]: 'present',
        [`seat-${seats.fire}`]: 'present',
        [`seat-${seats.adviser}`]: 'present',
        [`seat-${seats.probation}`]: 'apologies',
      }
      assert.equal((await browser.post(`${path}/attendance`, attendance)).status, 303)
      const decision = { _csrf: csrf, minuteNumber: '3', kind: 'resolution', subject: '', text: 'Agreed the plan' }
      const inquorate = await browser.post(`${path}/decisions`, decision)
      assert.equal(inquorate.status, 400)
      assert.match(await inquorate.text(), /The meeting was not quorate: 3 of the 4 voting members needed were present/)
      assert.equal(
        (
          await browser.post(`${path}/attendance`, {
            ...attendance,
            [`seat-${seats.probation}`]: 'substitute',
            [`seat-${seats.probation}-substitute`]: 'Deputy head of probation',
          })
        ).status,
        303,
      )
      assert.equal((await browser.post(`${path}/decisions`, decision)).status, 303)
      const page = await (await browser.get(path)).text()
      assert.match(page, /data-quorum="quorate"/)
      assert.match(page, /Agreed the plan/)
      assert.equal((await browser.post(`${path}/cancel`, { _csrf: csrf, reason: 'Snow' })).status, 400)
      const events = await services.audit.list({ entityType: 'board-decision' })
      assert.ok(
        events.some(
          (e) =>
            e.actor === 'analyst@example.org' &&
            (JSON.parse(String(e.after)) as { text?: string }).text === 'Agreed the plan',
        ),
      )
      // Without the token: refused.
      assert.equal((await browser.post(`${path}/hold`, {})).status, 403)
    })
  })
}
