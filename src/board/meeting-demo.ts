import type { AuditRepository } from '../audit/audit-repository.ts'
import type { Database } from '../db/database.ts'
import type { DecisionKind } from './board-tables.ts'
import { createMeetingRepository } from './meeting-repository.ts'
import { createMeetingService, type MeetingUser, type Outcome } from './meeting-service.ts'
import type { PaperKind } from './meeting-tables.ts'

/**
 * The seed says only that the SWP Board "meets quarterly"; it gives no dates, attendance, minutes or minute numbers.
 * The demo's 2017-18 meetings are therefore illustrative (`illustrative = 1`, labelled on every page): four quarterly
 * meetings and the June 2018 one that signs off the fourth quarter and approves the annual report, with the sign-offs
 * and approvals the demo itself holds (its published 2017/18 performance report, its 2017/18 budget and Appendix A) as
 * decisions, each linked so that its page says which meeting made it. The quarters' sign-offs are not linked: the demo
 * signs off no quarter in its returns. Nor is the strategy's approval recorded: the seed gives no date for it (the demo
 * strategy says "date of approval not given"), and the meeting it fell at is before the demo's first.
 */
interface DemoMeeting {
  readonly date: string
  readonly agenda: readonly {
    title: string
    paper: PaperKind
    paperTitle?: string
    exempt?: boolean
    presenter?: string
  }[]
  readonly decisions: readonly { minute: string; kind: DecisionKind; subject: string; text: string; link?: boolean }[]
  readonly actions: readonly { text: string; owner: string; due: string; closedAtNext?: 'done' | 'dropped' }[]
  readonly minutes: string
}

const STANDING_ITEMS = [
  { title: 'Welcome, apologies and minutes of the last meeting', paper: 'none' as const, presenter: 'Chair' },
  { title: 'Matters arising', paper: 'none' as const, presenter: 'Chair' },
  { title: 'Performance report', paper: 'performance-report' as const, presenter: 'SWP analyst' },
  { title: 'Budget monitoring', paper: 'budget-monitoring' as const, presenter: 'SWP manager' },
  { title: 'Delivery plan progress', paper: 'action-status' as const, presenter: 'SWP manager' },
]

export const DEMO_MEETINGS: readonly DemoMeeting[] = [
  {
    date: '2017-06-13',
    agenda: STANDING_ITEMS,
    decisions: [
      // Linked: the budget page of 2017/18 says which meeting approved it.
      {
        minute: '6',
        kind: 'budget-approval',
        subject: 'FY2017-18',
        text: 'The Board approved the 2017/18 budget.',
        link: true,
      },
    ],
    actions: [
      {
        text: 'Circulate the 2017/18 delivery plan to all partners',
        owner: 'SWP team',
        due: '2017-07-31',
        closedAtNext: 'done',
      },
    ],
    minutes: 'Illustrative minutes.\n\n6. The Board approved the 2017/18 budget.',
  },
  {
    date: '2017-09-12',
    agenda: STANDING_ITEMS,
    decisions: [
      {
        minute: '5',
        kind: 'report-sign-off',
        subject: 'FY2017-18-Q1',
        text: 'The Board signed off the Q1 performance report.',
      },
    ],
    actions: [
      {
        text: 'Report on the rise in knife crime to the next meeting',
        owner: 'West Midlands Police',
        due: '2017-12-12',
        closedAtNext: 'done',
      },
    ],
    minutes: 'Illustrative minutes.\n\n5. The Board signed off the Q1 performance report.',
  },
  {
    date: '2017-12-12',
    agenda: [
      ...STANDING_ITEMS,
      {
        title: 'Domestic homicide review: progress of the action plan',
        paper: 'free',
        paperTitle: 'DHR action plan (restricted)',
        exempt: true,
        presenter: 'Chair',
      },
    ],
    decisions: [
      {
        minute: '5',
        kind: 'report-sign-off',
        subject: 'FY2017-18-Q2',
        text: 'The Board signed off the Q2 performance report.',
      },
    ],
    actions: [],
    minutes: 'Illustrative minutes.\n\n5. The Board signed off the Q2 performance report.',
  },
  {
    date: '2018-03-13',
    agenda: STANDING_ITEMS,
    decisions: [
      {
        minute: '5',
        kind: 'report-sign-off',
        subject: 'FY2017-18-Q3',
        text: 'The Board signed off the Q3 performance report.',
      },
    ],
    actions: [
      {
        text: 'Review the offender management pathway with Probation',
        owner: 'National Probation Service',
        due: '2018-09-30',
      },
    ],
    minutes: 'Illustrative minutes.\n\n5. The Board signed off the Q3 performance report.',
  },
  {
    date: '2018-06-12',
    agenda: [
      ...STANDING_ITEMS,
      {
        title: 'Annual report 2017/18',
        paper: 'free',
        paperTitle: 'SWP Annual Report 2017-18 (draft)',
        presenter: 'SWP manager',
      },
    ],
    decisions: [
      // saferhub signs off a year's report (its fourth quarter completes it): the subject is the year.
      {
        minute: '5',
        kind: 'report-sign-off',
        subject: 'FY2017-18',
        text: 'The Board signed off the Q4 and year-end performance report.',
        link: true,
      },
      {
        minute: '6',
        kind: 'publication-approval',
        subject: 'FY2017-18',
        text: 'The Board approved publication of the 2017/18 performance report.',
        link: true,
      },
      {
        minute: '7',
        kind: 'annual-report-approval',
        subject: 'FY2017-18',
        text: 'The Board approved the annual report 2017/18.',
      },
      {
        minute: '8',
        kind: 'appendix-a-approval',
        subject: 'FY2017-18',
        text: 'The Board approved Appendix A (commissioning 2017/18).',
        link: true,
      },
    ],
    actions: [],
    minutes: 'Illustrative minutes.\n\n7. The Board approved the annual report 2017/18.',
  },
]

/**
 * Loads the demo's meetings when the partnership has a board and none of its meetings (does nothing otherwise), each
 * change through the meetings' service (audited, as `actor`). Returns how many meetings it loaded.
 *
 * @example await loadDemoMeetings({ database: scopedDatabase, audit }, 'demo-data')
 */
export async function loadDemoMeetings(
  dependencies: { readonly database: Database; readonly audit: Pick<AuditRepository, 'append' | 'appendAll'> },
  actor: string,
): Promise<number> {
  const repository = createMeetingRepository(dependencies.database)
  const board = (await repository.bodies()).find((b) => b.kind === 'board')
  if (!board) return 0
  if ((await repository.listMeetings({ groupId: board.id })).length > 0) return 0
  const service = createMeetingService({ ...dependencies, repository })
  const user: MeetingUser = { role: 'administrator', agencyId: null, email: actor }
  const illustrative = { illustrative: true }
  const ok = (outcome: Outcome, what: string): number => {
    if (!outcome.ok) throw new Error(`The demo's ${what} was refused: ${JSON.stringify(outcome.problems)}`)
    return outcome.id
  }
  const ids: number[] = []
  const open: { id: number; closedAtNext: 'done' | 'dropped' }[] = []
  for (const [index, demo] of DEMO_MEETINGS.entries()) {
    const id = ok(
      await service.schedule(
        user,
        { groupId: String(board.id), date: demo.date, startsAt: '14:00', location: 'Civic Centre, Wolverhampton' },
        null,
        illustrative,
      ),
      'meeting',
    )
    ids.push(id)
    for (const item of demo.agenda)
      ok(
        await service.addAgendaItem(
          user,
          id,
          {
            title: item.title,
            exempt: item.exempt ? 'yes' : 'no',
            presenter: item.presenter ?? '',
            paper: item.paper,
            paperTitle: item.paperTitle ?? '',
          },
          null,
          illustrative,
        ),
        'agenda item',
      )
    ok(await service.hold(user, id), 'holding')
    // Every seat current on the date present but one in five, in turn, sending apologies; all present if that would
    // leave the board inquorate (the demo's meetings made their decisions).
    const current = (await service.page(user, id)).roster
    const rotate = current.map((l, i) => ({
      membershipId: l.seat.id,
      status: (i + index) % 5 === 0 ? 'apologies' : 'present',
      substituteName: '',
    }))
    const votingPresent = rotate.filter((e, i) => e.status === 'present' && current[i]?.seat.voting).length
    const entries =
      board.quorum !== null && votingPresent < board.quorum ? rotate.map((e) => ({ ...e, status: 'present' })) : rotate
    ok(await service.recordAttendance(user, id, entries, null, illustrative), 'attendance')
    ok(await service.draftMinutes(user, id, demo.minutes, null, illustrative), 'minutes')
    const previous = ids[index - 1]
    if (previous !== undefined) ok(await service.approveMinutes(user, previous, id), 'minutes approval')
    for (const action of open.splice(0)) {
      ok(
        await service.closeAction(user, action.id, { status: action.closedAtNext, atMeetingId: id, version: 1 }),
        'action',
      )
    }
    for (const action of demo.actions) {
      const actionId = ok(
        await service.raiseAction(
          user,
          id,
          { text: action.text, owner: action.owner, agencyId: '', dueDate: action.due },
          null,
          illustrative,
        ),
        'action',
      )
      if (action.closedAtNext) open.push({ id: actionId, closedAtNext: action.closedAtNext })
    }
    // A board with fewer voting seats than its quorum cannot decide: its demo meetings then record no decisions.
    const quorate = (await service.page(user, id)).quorum.quorate
    for (const decision of quorate ? demo.decisions : []) {
      const decisionId = ok(
        await service.recordDecision(
          user,
          id,
          { minuteNumber: decision.minute, kind: decision.kind, subject: decision.subject, text: decision.text },
          null,
          illustrative,
        ),
        'decision',
      )
      if (decision.link)
        ok(await service.linkDecision(user, { kind: decision.kind, subject: decision.subject, decisionId }), 'link')
    }
  }
  return ids.length
}
