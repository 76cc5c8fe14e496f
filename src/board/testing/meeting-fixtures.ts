import type { Database } from '../../db/database.ts'
import type { MeetingService } from '../meeting-service.ts'
import { clearAnnualReports } from '../../annual-report/testing/annual-report-fixtures.ts'

const STAMP = { created_at: '2017-04-01T00:00:00.000Z', updated_at: '2017-04-01T00:00:00.000Z', updated_by: 'test' }

/**
 * A board with a quorum of `quorum` and six voting seats and one adviser, and a group under it, written straight
 * into H1's tables (the meetings never write them): the setup of the meetings' tests. Seat 6 (Health) ends on
 * 2017-12-31 and seat 7 (Housing) starts on 2018-01-01, so attendance can be checked against the seats current on a
 * meeting's date. Returns the ids.
 */
export async function addTestBoard(database: Database, options: { readonly quorum?: number | null } = {}) {
  const db = database.db
  const board = await db
    .insertInto('board_groups')
    .values({
      name: 'Test Board',
      kind: 'board',
      parent_group_id: null,
      quorum: options.quorum === undefined ? 4 : options.quorum,
      purpose: null,
      terms_of_reference: null,
      meeting_frequency: 'Quarterly',
      ...STAMP,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const group = await db
    .insertInto('board_groups')
    .values({
      name: 'Test Group',
      kind: 'group',
      parent_group_id: board.id,
      quorum: null,
      purpose: null,
      terms_of_reference: null,
      meeting_frequency: 'Monthly',
      ...STAMP,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const seat = async (
    groupId: number,
    organisation: string,
    sector: 'council' | 'police' | 'fire-and-rescue' | 'probation' | 'health' | 'housing' | 'voluntary',
    extra: {
      voting?: number
      from_date?: string | null
      to_date?: string | null
      role?: 'chair' | 'member' | 'adviser'
    } = {},
  ) =>
    (
      await db
        .insertInto('board_memberships')
        .values({
          group_id: groupId,
          person_name: `${organisation} member`,
          job_title: null,
          organisation,
          agency_id: null,
          sector,
          seat: null,
          role: extra.role ?? 'member',
          voting: extra.voting ?? 1,
          from_date: extra.from_date ?? null,
          to_date: extra.to_date ?? null,
          ...STAMP,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  const seats = {
    council: await seat(board.id, 'City Council', 'council', { role: 'chair' }),
    police: await seat(board.id, 'Police', 'police'),
    fire: await seat(board.id, 'Fire and Rescue', 'fire-and-rescue'),
    probation: await seat(board.id, 'Probation', 'probation'),
    voluntary: await seat(board.id, 'Voluntary Sector', 'voluntary'),
    health: await seat(board.id, 'Health', 'health', { to_date: '2017-12-31' }),
    housing: await seat(board.id, 'Housing', 'housing', { from_date: '2018-01-01' }),
    adviser: await seat(board.id, 'Adviser', 'council', { voting: 0, role: 'adviser' }),
    groupPolice: await seat(group.id, 'Police', 'police'),
  }
  return { board: board.id, group: group.id, seats }
}

/**
 * A held meeting with a decision and an open action, for the authorisation matrices' sample paths: of a group of its
 * own (no quorum, so whatever board the partnership has, the decision stands). Returns the placeholders' values.
 */
export async function seedMatrixMeeting(database: Database, meetings: MeetingService, date = '2018-06-12') {
  const group = await database.db
    .insertInto('board_groups')
    .values({
      name: 'Matrix Group',
      kind: 'group',
      parent_group_id: null,
      quorum: null,
      purpose: null,
      terms_of_reference: null,
      meeting_frequency: null,
      ...STAMP,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const user = { role: 'administrator' as const, agencyId: null, email: 'matrix@example.org' }
  const must = (o: Awaited<ReturnType<MeetingService['hold']>>) => {
    if (!o.ok) throw new Error(JSON.stringify(o.problems))
    return o.id
  }
  const meeting = must(await meetings.schedule(user, { groupId: String(group.id), date, startsAt: '', location: '' }))
  must(await meetings.hold(user, meeting))
  const decision = must(
    await meetings.recordDecision(user, meeting, {
      minuteNumber: '1',
      kind: 'resolution',
      subject: '',
      text: 'Matrix decision',
    }),
  )
  const action = must(
    await meetings.raiseAction(user, meeting, { text: 'Matrix action', owner: '', agencyId: '', dueDate: '' }),
  )
  return { meeting: String(meeting), decision: String(decision), meetingAction: String(action) }
}

/**
 * Removes the partnership's board, groups, memberships and every meeting row (children first): a test that loads the
 * demo clears the demo's board before adding its own (one board per partnership).
 */
export async function clearBoard(database: Database): Promise<void> {
  // What other features keep of the board's: the annual report's approvals and publications (each names a decision;
  // the demo's report is approved at the June 2018 meeting) go with it, the registers' links to meetings and groups
  // are emptied.
  await clearAnnualReports(database)
  await database.db.updateTable('tension_assessments').set({ meeting_id: null }).execute()
  await database.db.updateTable('prevent_meetings').set({ board_meeting_id: null }).execute()
  await database.db.updateTable('prevent_arrangements').set({ board_group_id: null }).execute()
  for (const table of [
    'board_decision_links',
    'board_meeting_actions',
    'board_minutes',
    'board_attendance',
    'board_agenda_items',
    'board_decisions',
    'board_meetings',
    'board_memberships',
  ] as const)
    await database.db.deleteFrom(table).execute()
  // Groups refer to their parent: the groups first, then the board.
  await database.db.deleteFrom('board_groups').where('kind', '=', 'group').execute()
  await database.db.deleteFrom('board_groups').execute()
}

/**
 * A meeting of the body `groupId` scheduled on `date`, held, with every seat present (so quorate): through the
 * meeting service, as an analyst would. Returns its id; throws if any step is refused.
 */
export async function holdQuorateMeeting(
  meetings: MeetingService,
  analyst: Parameters<MeetingService['schedule']>[0],
  groupId: number,
  date: string,
): Promise<number> {
  const made = await meetings.schedule(analyst, { groupId: String(groupId), date, startsAt: '', location: '' })
  if (!made.ok) throw new Error(`the meeting of ${date} was not scheduled: ${JSON.stringify(made)}`)
  if (!(await meetings.hold(analyst, made.id)).ok) throw new Error(`the meeting of ${date} was not held`)
  const roster = (await meetings.page(analyst, made.id)).roster
  const present = roster.map((l) => ({ membershipId: l.seat.id, status: 'present', substituteName: '' }))
  if (!(await meetings.recordAttendance(analyst, made.id, present)).ok)
    throw new Error(`the attendance of ${date} was not recorded`)
  return made.id
}
