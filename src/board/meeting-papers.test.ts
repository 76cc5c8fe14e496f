import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import type { PartnershipServices } from '../composition-root.ts'
import type { PerformanceReport } from '../domain/performance-report.ts'
import { loadDemoMeetings } from './meeting-demo.ts'
import { actionStatusOn, reportSignedOffBy, type PlanActionLine } from './meeting-papers.ts'
import { addTestBoard, clearBoard } from './testing/meeting-fixtures.ts'

const signed = (period: string, signedOffAt: string) => ({ period, signedOffAt, report: null })

test('the report a meeting had: the latest quarter signed off on or before its date, in England', () => {
  const reports = [
    signed('FY2017-18-Q1', '2017-10-10T09:00:00.000Z'),
    signed('FY2017-18-Q2', '2018-01-10T09:00:00.000Z'),
    // Signed off at 00:30 on 14 March in England (GMT in March): after a meeting on the 13th.
    signed('FY2017-18-Q3', '2018-03-14T00:30:00.000Z'),
    // 23:30 UTC on 11 June is 00:30 on 12 June in England (BST): on the day of a meeting on the 12th.
    signed('FY2017-18-Q4', '2018-06-11T23:30:00.000Z'),
  ]
  assert.equal(reportSignedOffBy(reports, '2017-10-09'), null)
  assert.equal(reportSignedOffBy(reports, '2017-10-10')?.period, 'FY2017-18-Q1')
  assert.equal(reportSignedOffBy(reports, '2018-03-13')?.period, 'FY2017-18-Q2')
  assert.equal(reportSignedOffBy(reports, '2018-03-14')?.period, 'FY2017-18-Q3')
  assert.equal(reportSignedOffBy(reports, '2018-06-11')?.period, 'FY2017-18-Q3')
  assert.equal(reportSignedOffBy(reports, '2018-06-12')?.period, 'FY2017-18-Q4')
  // An earlier quarter signed off again later (reopened) does not displace the later quarter.
  const again = [...reports, signed('FY2017-18-Q1', '2018-07-01T09:00:00.000Z')]
  assert.equal(reportSignedOffBy(again.slice(4), '2018-06-12'), null)
  assert.equal(reportSignedOffBy(again, '2018-07-02')?.period, 'FY2017-18-Q4')
})

test('an action’s status on a date: its latest update by then; closed later is open then', () => {
  const action = (updates: PlanActionLine['updates'], startDate: string | null = null): PlanActionLine => ({
    reference: 'RR-1',
    title: 'An action',
    statusText: 'Complete',
    closed: true,
    startDate,
    dueDate: '2018-03-31',
    updates,
  })
  const twice = action([
    { writtenOn: '2018-05-01', statusText: 'Complete', closed: true },
    { writtenOn: '2018-02-01', statusText: 'At risk', closed: false },
  ])
  assert.deepEqual(actionStatusOn(twice, '2018-03-13'), { statusText: 'At risk', closed: false, basis: 'update' })
  assert.deepEqual(actionStatusOn(twice, '2018-05-01'), { statusText: 'Complete', closed: true, basis: 'update' })
  assert.deepEqual(actionStatusOn(twice, '2018-01-31'), {
    statusText: 'No update by then',
    closed: false,
    basis: 'no-update-by-then',
  })
  assert.deepEqual(actionStatusOn(action([], '2018-04-01'), '2018-03-13'), {
    statusText: 'Not started',
    closed: false,
    basis: 'not-started',
  })
  // No update ever: its status has not changed since it was recorded.
  assert.deepEqual(actionStatusOn(action([]), '2018-03-13'), {
    statusText: 'Complete',
    closed: true,
    basis: 'recorded',
  })
})

const analyst = { role: 'partnership-analyst' as const, agencyId: null, email: 'analyst@example.org' }

for (const dialect of testDialects()) {
  describe(`a meeting's papers as of its date (${dialect})`, () => {
    let app: RunningApp
    let services: PartnershipServices
    const meeting: Record<string, number> = {}

    before(async () => {
      app = await startDemoApp(dialect)
      services = await onlyPartnership(app.services)
      await clearBoard(services.database)
      const board = await addTestBoard(services.database)
      assert.equal(await loadDemoMeetings({ database: services.database, audit: services.audit }, 'demo-data'), 5)
      const [bodyMeetings] = await services.meetings.service.list(analyst, { groupId: board.board })
      for (const m of bodyMeetings?.meetings ?? []) meeting[m.date] = m.id
    })
    after(() => app?.stop())

    /** The agenda pack of the demo's meeting on `date`, as one text. */
    const pack = async (date: string) =>
      JSON.stringify(
        await services.meetings.packs.agendaPack(meeting[date] as number, { exempt: false, draftMinutes: false }),
      )

    test('the performance paper is the report signed off by the meeting’s date, as stored; else the live one', async () => {
      const live = await services.reports.performance.report('FY2017-18')
      assert.ok(live && live.themes[0]?.rows[0], 'the demo has a 2017/18 report')
      // The stored reports are marked so that the paper can be seen to print them and not the live report.
      const stored = (mark: string): PerformanceReport => ({
        ...live,
        themes: live.themes.map((t, i) =>
          i === 0
            ? { ...t, rows: t.rows.map((r, j) => (j === 0 ? { ...r, outturn: { ...r.outturn, display: mark } } : r)) }
            : t,
        ),
      })
      const quarter = (period: string, at: string, mark: string) =>
        services.database.db
          .insertInto('return_periods')
          .values({
            period,
            due_date: '2018-01-01',
            locked: 1,
            locked_at: at,
            locked_by: 'analyst@example.org',
            signed_off_report: JSON.stringify({
              period,
              year: 'FY2017-18',
              signedOffAt: at,
              signedOffBy: 'analyst@example.org',
              report: stored(mark),
              baselines: [],
            }),
            version: 2,
            updated_at: at,
          } as never)
          .execute()
      await quarter('FY2017-18-Q1', '2017-10-10T09:00:00.000Z', 'stored-in-Q1')
      await quarter('FY2017-18-Q3', '2018-03-14T00:30:00.000Z', 'stored-in-Q3')

      const september = await pack('2017-09-12')
      assert.match(
        september,
        /No quarter’s performance report had been signed off by 12 September 2017: this is the live report for 2017\/18\./,
      )
      assert.match(september, /as saferhub holds it when the pack is printed/)
      assert.doesNotMatch(september, /stored-in-/)
      const december = await pack('2017-12-12')
      assert.match(december, /The performance report for 2017\/18 to Q1, as signed off on 10 October 2017\./)
      assert.match(december, /stored-in-Q1/)
      assert.doesNotMatch(december, /as saferhub holds it when the pack is printed\./)
      // Q3 was signed off the day after the March meeting: that meeting had Q1's.
      assert.match(await pack('2018-03-13'), /2017\/18 to Q1, as signed off on 10 October 2017/)
      const june = await pack('2018-06-12')
      assert.match(june, /The performance report for 2017\/18 to Q3, as signed off on 14 March 2018\./)
      assert.match(june, /stored-in-Q3/)
    })

    test('the action status paper gives each action’s status on the meeting’s date', async () => {
      const { actions } = await services.actions.list(analyst)
      const chosen = actions.find((a) => a.status === 'on-track')
      assert.ok(chosen, 'the demo has an action on track')
      const first = await services.actions.addUpdate(analyst, chosen.id, chosen.version, {
        writtenOn: '2018-02-01',
        status: 'at-risk',
        note: 'Slipping.',
      })
      assert.equal(first.kind, 'saved')
      const second = await services.actions.addUpdate(analyst, chosen.id, chosen.version + 1, {
        writtenOn: '2018-05-01',
        status: 'complete',
        note: 'Done.',
      })
      assert.equal(second.kind, 'saved')
      const row = (text: string) =>
        new RegExp(`\\["${chosen.reference}: ${chosen.title.replace(/[()]/g, '\\$&')}","([^"]*)"`).exec(text)?.[1]
      assert.equal(row(await pack('2017-12-12')), 'No update by then')
      assert.equal(row(await pack('2018-03-13')), 'At risk')
      assert.equal(row(await pack('2018-06-12')), 'Complete')
      // An action with no update at all is shown with its status as recorded, and said to be so.
      const untouched = actions.find((a) => a.id !== chosen.id && a.status === 'complete')
      assert.ok(untouched)
      const june = await pack('2018-06-12')
      assert.equal(row(june.replace(chosen.reference, 'x')), undefined)
      assert.match(june, new RegExp(`${untouched.reference}: [^"]*","Complete \\(as recorded\\)"`))
      assert.match(june, /“As recorded”: \d+ actions with no dated update/)
    })

    test('budget monitoring counts the actual spend of the quarters ended by the date', async () => {
      const stream = (await services.budget.streams()).find(
        (s) => s.firstYear <= 'FY2018-19' && s.lastYear >= 'FY2018-19',
      )
      const priority = (await services.budget.rows()).priorities[0]
      assert.ok(stream && priority)
      const before = {
        june: (await services.budget.yearBudgetAsOf('FY2018-19', '2018-06-30')).spent,
        july: (await services.budget.yearBudgetAsOf('FY2018-19', '2018-07-01')).spent,
        year: (await services.budget.yearBudgetAsOf('FY2018-19', '2019-04-01')).spent,
      }
      const spend = (quarter: string, amount: string) =>
        services.budget.setSpend('analyst@example.org', {
          stream: String(stream.id),
          quarter,
          kind: 'actual',
          priority: String(priority.id),
          amount,
        })
      assert.ok((await spend('FY2018-19-Q1', '1000')).ok)
      assert.ok((await spend('FY2018-19-Q3', '500')).ok)
      const onLastDayOfQ1 = await services.budget.yearBudgetAsOf('FY2018-19', '2018-06-30')
      assert.deepEqual(onLastDayOfQ1.quartersCounted, [])
      assert.equal(onLastDayOfQ1.spent - before.june, 0)
      const afterQ1 = await services.budget.yearBudgetAsOf('FY2018-19', '2018-07-01')
      assert.deepEqual(afterQ1.quartersCounted, ['FY2018-19-Q1'])
      assert.equal(afterQ1.spent - before.july, 100_000)
      const afterYear = await services.budget.yearBudgetAsOf('FY2018-19', '2019-04-01')
      assert.equal(afterYear.quartersCounted.length, 4)
      assert.equal(afterYear.spent - before.year, 150_000)
      // The June 2018 meeting reads 2018/19, none of whose quarters had ended.
      assert.match(await pack('2018-06-12'), /Spent: no quarter of 2018\/19 had ended by 12 June 2018/)
    })
  })
}
