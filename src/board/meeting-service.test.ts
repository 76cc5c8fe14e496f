import assert from 'node:assert/strict'
import { beforeEach, describe, test } from 'node:test'
import { PermissionDenied } from '../accounts/permissions.ts'
import { createAuditRepository, type AuditRepository } from '../audit/audit-repository.ts'
import type { ScopedDatabase } from '../db/partnership-scope.ts'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { createMeetingRepository } from './meeting-repository.ts'
import { createMeetingService, type MeetingService, type Outcome } from './meeting-service.ts'
import { addTestBoard } from './testing/meeting-fixtures.ts'

const analyst = { role: 'partnership-analyst' as const, agencyId: null, email: 'analyst@example.org' }
const member = { role: 'board-member' as const, agencyId: null, email: 'member@example.org' }
const viewer = { role: 'viewer' as const, agencyId: null, email: 'viewer@example.org' }
const dataOwner = { role: 'data-owner' as const, agencyId: 1, email: 'owner@example.org' }

const idOf = (outcome: Outcome): number => {
  assert.ok(outcome.ok, JSON.stringify(outcome))
  return outcome.id
}
const problemOf = (outcome: Outcome): string => {
  assert.equal(outcome.ok, false, 'refused')
  return outcome.ok ? '' : outcome.problems.map((p) => p.message).join('; ')
}

for (const dialect of testDialects()) {
  describe(`meetings: the service (${dialect})`, () => {
    let database: ScopedDatabase
    let audit: AuditRepository
    let service: MeetingService
    let ids: Awaited<ReturnType<typeof addTestBoard>>
    const clock = new Date('2018-09-01T12:00:00Z')

    const schedule = async (date: string, groupId = ids.board) =>
      idOf(
        await service.schedule(analyst, {
          groupId: String(groupId),
          date,
          startsAt: '14:00',
          location: 'Civic Centre',
        }),
      )
    const held = async (date: string, groupId = ids.board) => {
      const id = await schedule(date, groupId)
      idOf(await service.hold(analyst, id))
      return id
    }
    /** Present for each seat named, apologies for every other seat current on the date. */
    const attend = async (meetingId: number, present: readonly number[], substitutes: readonly number[] = []) => {
      const page = await service.page(analyst, meetingId)
      return service.recordAttendance(
        analyst,
        meetingId,
        page.roster.map((l) => ({
          membershipId: l.seat.id,
          status: present.includes(l.seat.id)
            ? 'present'
            : substitutes.includes(l.seat.id)
              ? 'substitute'
              : 'apologies',
          substituteName: substitutes.includes(l.seat.id) ? 'A deputy' : '',
        })),
      )
    }

    beforeEach(async () => {
      database = await openTestPartnershipDatabase(dialect)
      audit = createAuditRepository(database)
      service = createMeetingService({
        database,
        repository: createMeetingRepository(database),
        audit,
        now: () => clock,
      })
      ids = await addTestBoard(database)
    })

    test('a meeting is scheduled, then held or cancelled; every other transition is refused and writes nothing', async () => {
      const first = await schedule('2018-06-12')
      const future = await schedule('2018-12-12')
      assert.match(problemOf(await service.hold(analyst, future)), /only on or after its date/)
      idOf(await service.hold(analyst, first))
      assert.match(problemOf(await service.hold(analyst, first)), /held already/)
      assert.match(problemOf(await service.cancel(analyst, first, 'Snow')), /was held: it cannot be cancelled/)
      assert.match(problemOf(await service.cancel(analyst, future, '')), /Enter why/)
      idOf(await service.cancel(analyst, future, 'Not enough members could come'))
      assert.match(problemOf(await service.hold(analyst, future)), /cancelled: it cannot be held/)
      assert.match(problemOf(await service.draftMinutes(analyst, future, 'Minutes')), /cancelled: it has no minutes/)
      assert.match(problemOf(await attend(future, [])), /cancelled: nobody attended/)
      const scheduled = await schedule('2018-03-01')
      assert.match(problemOf(await service.draftMinutes(analyst, scheduled, 'Minutes')), /record it as held first/)
      assert.match(
        problemOf(
          await service.recordDecision(analyst, scheduled, {
            minuteNumber: '1',
            kind: 'resolution',
            subject: '',
            text: 'Agreed',
          }),
        ),
        /one is scheduled/,
      )
      const page = await service.page(analyst, future)
      assert.equal(page.meeting.state, 'cancelled')
      assert.equal(page.meeting.cancelledReason, 'Not enough members could come')
      const events = await audit.list({ entityType: 'board-meeting' })
      assert.deepEqual(
        events.map((e) => [e.action, e.entityKey]),
        [
          ['create', String(first)],
          ['create', String(future)],
          ['hold', String(first)],
          ['cancel', String(future)],
          ['create', String(scheduled)],
        ],
      )
    })

    test('the roster is the seats current on the meeting’s date; the quorum counts voting seats present and substitutes', async () => {
      const before = await held('2017-09-12')
      const after = await held('2018-03-13')
      const organisations = async (id: number) =>
        (await service.page(analyst, id)).roster.map((l) => l.seat.organisation).sort()
      // Health's seat ended on 2017-12-31 and Housing's began on 2018-01-01 (the fixture's dates).
      assert.ok((await organisations(before)).includes('Health'))
      assert.ok(!(await organisations(before)).includes('Housing'))
      assert.ok((await organisations(after)).includes('Housing'))
      assert.ok(!(await organisations(after)).includes('Health'))
      assert.match(
        problemOf(
          await service.recordAttendance(analyst, before, [
            { membershipId: ids.seats.housing, status: 'present', substituteName: '' },
          ]),
        ),
        /did not hold a seat/,
      )
      assert.match(
        problemOf(
          await service.recordAttendance(analyst, before, [
            { membershipId: ids.seats.police, status: 'substitute', substituteName: '' },
          ]),
        ),
        /Enter who came for Police/,
      )
      // Quorum 4: three voting members and the adviser present is not enough…
      idOf(await attend(before, [ids.seats.council, ids.seats.police, ids.seats.fire, ids.seats.adviser]))
      let page = await service.page(analyst, before)
      assert.deepEqual([page.quorum.quorate, page.quorum.votingPresent], [false, 3])
      assert.equal(
        problemOf(
          await service.recordDecision(analyst, before, {
            minuteNumber: '4',
            kind: 'resolution',
            subject: '',
            text: 'Agreed the plan',
          }),
        ),
        'The meeting was not quorate: 3 of the 4 voting members needed were present',
      )
      // …and a substitute sent for a voting seat makes four.
      idOf(
        await attend(
          before,
          [ids.seats.council, ids.seats.police, ids.seats.fire, ids.seats.adviser],
          [ids.seats.probation],
        ),
      )
      page = await service.page(analyst, before)
      assert.deepEqual([page.quorum.quorate, page.quorum.votingPresent], [true, 4])
      idOf(
        await service.recordDecision(analyst, before, {
          minuteNumber: '4',
          kind: 'resolution',
          subject: '',
          text: 'Agreed the plan',
        }),
      )
      assert.equal(
        (await service.page(analyst, before)).decisions[0]?.sentence,
        'Decided by the Test Board on 12 September 2017 (minute 4)',
      )
    })

    test('minutes: drafted after the meeting, approved only at a later held meeting of the same body, then fixed', async () => {
      const june = await held('2018-06-12')
      const groupMeeting = await held('2018-07-01', ids.group)
      const earlier = await held('2018-03-13')
      const september = await held('2018-09-01')
      idOf(await service.draftMinutes(analyst, june, 'Minute 1. Apologies.'))
      assert.equal((await service.page(member, june)).minutes, null, 'a board member does not read a draft')
      assert.equal((await service.page(member, june)).minutesHidden, true)
      assert.equal((await service.page(analyst, june)).minutes?.state, 'draft')
      assert.match(problemOf(await service.approveMinutes(analyst, june, groupMeeting)), /same body/)
      assert.match(problemOf(await service.approveMinutes(analyst, june, earlier)), /later meeting/)
      assert.match(problemOf(await service.approveMinutes(analyst, june, june)), /later meeting/)
      // The minutes up for approval at September's meeting are June's (the latest earlier held one's).
      assert.equal((await service.page(analyst, september)).previousMinutesDraft?.text, 'Minute 1. Apologies.')
      idOf(await service.approveMinutes(analyst, june, september))
      const approved = await service.page(member, june)
      assert.equal(approved.minutes?.state, 'approved')
      assert.equal(approved.minutes?.approvedAt?.id, september)
      assert.match(problemOf(await service.draftMinutes(analyst, june, 'Changed')), /approved: they cannot change/)
      assert.equal((await service.page(analyst, june)).minutes?.text, 'Minute 1. Apologies.')
    })

    test('actions are carried as matters arising at every later meeting of the body until closed; overdue flagged', async () => {
      const q1 = await held('2017-06-13')
      const q2 = await held('2017-09-12')
      const q3 = await held('2017-12-12')
      const q4 = await held('2018-03-13')
      const other = await held('2017-10-01', ids.group)
      const done = idOf(
        await service.raiseAction(analyst, q1, {
          text: 'Report knife crime',
          owner: 'Police',
          agencyId: '',
          dueDate: '2017-9-1',
        }),
      )
      const open = idOf(
        await service.raiseAction(analyst, q1, {
          text: 'Map hotspots',
          owner: 'Council',
          agencyId: '',
          dueDate: '2018-6-30',
        }),
      )
      const arising = async (id: number) => (await service.page(analyst, id)).mattersArising.map((a) => a.text)
      assert.deepEqual(await arising(q1), [], 'not a matter arising at the meeting that raised it')
      assert.deepEqual(await arising(q2), ['Report knife crime', 'Map hotspots'])
      assert.deepEqual(await arising(other), [], 'another body’s meeting')
      assert.match(
        problemOf(await service.closeAction(analyst, done, { status: 'done', atMeetingId: other, version: 1 })),
        /same body/,
      )
      idOf(await service.closeAction(analyst, done, { status: 'done', atMeetingId: q3, version: 1 }))
      assert.match(
        problemOf(await service.closeAction(analyst, done, { status: 'done', atMeetingId: q4, version: 2 })),
        /closed already/,
      )
      // Closed at Q3: still shown at Q2 and at Q3 (where it was closed), gone from Q4.
      assert.deepEqual(await arising(q2), ['Report knife crime', 'Map hotspots'])
      assert.deepEqual(await arising(q3), ['Report knife crime', 'Map hotspots'])
      assert.deepEqual(await arising(q4), ['Map hotspots'])
      // The clock is 1 September 2018: "Map hotspots" (due 30 June 2018, open) is overdue; the closed one is not.
      const shown = (await service.page(analyst, q4)).mattersArising
      assert.deepEqual(
        shown.map((a) => [a.text, a.overdue]),
        [['Map hotspots', true]],
      )
      assert.ok(open > 0)
      assert.equal((await audit.list({ entityType: 'board-meeting-action' })).length, 3)
    })

    test('exempt items show only to those who may see exempt business', async () => {
      const id = await schedule('2018-06-12')
      idOf(
        await service.addAgendaItem(analyst, id, {
          title: 'Performance',
          exempt: 'no',
          presenter: 'Analyst',
          paper: 'performance-report',
          paperTitle: '',
        }),
      )
      idOf(
        await service.addAgendaItem(analyst, id, {
          title: 'Domestic homicide review 3',
          exempt: 'yes',
          presenter: 'Chair',
          paper: 'free',
          paperTitle: 'DHR 3 overview',
        }),
      )
      assert.match(
        problemOf(
          await service.addAgendaItem(analyst, id, {
            title: 'X',
            exempt: 'no',
            presenter: '',
            paper: 'free',
            paperTitle: '',
          }),
        ),
        /paper’s title/,
      )
      const seen = (await service.page(member, id)).agenda
      assert.deepEqual(
        seen.map((i) => [i.position, i.title, i.paperTitle]),
        [
          [1, 'Performance', null],
          [2, 'Domestic homicide review 3', 'DHR 3 overview'],
        ],
      )
      // A data owner reads the board's business but not its exempt items.
      const hidden = (await service.page(dataOwner, id)).agenda
      assert.deepEqual(
        hidden.map((i) => [i.title, i.presenter, i.paper, i.paperTitle]),
        [
          ['Performance', 'Analyst', 'performance-report', null],
          ['Exempt item', null, null, null],
        ],
      )
      await assert.rejects(service.page(viewer, id), PermissionDenied)
      await assert.rejects(
        service.schedule(member, { groupId: String(ids.board), date: '2018-1-1', startsAt: '', location: '' }),
        PermissionDenied,
      )
    })

    test('decisions of a kind are the board’s, at held meetings; a link says which decision made a thing', async () => {
      const june = await held('2018-06-12')
      idOf(await attend(june, [ids.seats.council, ids.seats.police, ids.seats.fire, ids.seats.probation]))
      const group = await held('2018-06-13', ids.group)
      assert.match(
        problemOf(
          await service.recordDecision(analyst, group, {
            minuteNumber: '2',
            kind: 'report-sign-off',
            subject: 'FY2017-18-Q4',
            text: 'Signed off',
          }),
        ),
        /board’s decision, not a group’s/,
      )
      assert.match(
        problemOf(
          await service.recordDecision(analyst, june, {
            minuteNumber: '7',
            kind: 'annual-report-approval',
            subject: '2017',
            text: 'Approved',
          }),
        ),
        /a year or a quarter/,
      )
      const approval = idOf(
        await service.recordDecision(analyst, june, {
          minuteNumber: '7',
          kind: 'annual-report-approval',
          subject: 'FY2017-18',
          text: 'Approved the annual report',
        }),
      )
      const signOff = idOf(
        await service.recordDecision(analyst, june, {
          minuteNumber: '8',
          kind: 'report-sign-off',
          subject: 'FY2017-18-Q4',
          text: 'Signed off Q4',
        }),
      )
      assert.deepEqual(
        (await service.decisionsOfKind('annual-report-approval')).map((d) => d.id),
        [approval],
      )
      assert.deepEqual(
        (await service.decisionsOfKind('annual-report-approval', 'FY2018-19')).map((d) => d.id),
        [],
      )
      assert.equal(await service.decisionFor('report-sign-off', 'FY2017-18-Q4'), null)
      assert.match(
        problemOf(
          await service.linkDecision(analyst, {
            kind: 'report-sign-off',
            subject: 'FY2017-18-Q3',
            decisionId: signOff,
          }),
        ),
        /sign-off of FY2017-18-Q3/,
      )
      idOf(
        await service.linkDecision(analyst, { kind: 'report-sign-off', subject: 'FY2017-18-Q4', decisionId: signOff }),
      )
      const decided = await service.decisionFor('report-sign-off', 'FY2017-18-Q4')
      assert.equal(decided?.sentence, 'Decided by the Test Board on 12 June 2018 (minute 8)')
      assert.deepEqual((await service.decision(member, signOff)).links, [
        { kind: 'report-sign-off', kindText: 'Performance report sign-off', subject: 'FY2017-18-Q4' },
      ])
      assert.equal((await audit.list({ entityType: 'board-decision-link' })).length, 1)
    })
  })
}
