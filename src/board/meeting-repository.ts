import type { Selectable } from 'kysely'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import type { BoardDecisionsTable, BoardMeetingsTable, DecisionKind } from './board-tables.ts'
import type {
  AgendaItemsTable,
  AttendanceStatus,
  MeetingActionStatus,
  MeetingActionsTable,
  MinutesTable,
  PaperKind,
} from './meeting-tables.ts'
import { listPartnershipAgencies } from '../db/partnership-agencies.ts'

export type MeetingRow = Selectable<BoardMeetingsTable>
export type DecisionRow = Selectable<BoardDecisionsTable>
export type AgendaItemRow = Selectable<AgendaItemsTable>
export type MinutesRow = Selectable<MinutesTable>
export type MeetingActionRow = Selectable<MeetingActionsTable>

/** The board or a group, as the meetings read it (H1's `board_groups`; never written here). */
export interface Body {
  readonly id: number
  readonly name: string
  readonly kind: 'board' | 'group'
  readonly quorum: number | null
}

/** A seat as the attendance reads it (H1's `board_memberships`; never written here). */
export interface Seat {
  readonly id: number
  readonly groupId: number
  readonly personName: string | null
  readonly organisation: string
  readonly agencyId: number | null
  readonly seat: string | null
  readonly role: string
  readonly voting: boolean
  readonly fromDate: string | null
  readonly toDate: string | null
}

export interface AttendanceRow {
  readonly meetingId: number
  readonly membershipId: number
  readonly status: AttendanceStatus
  readonly substituteName: string | null
  readonly illustrative: boolean
}

export interface Stamp {
  readonly at: string
  readonly by: string
}

type Executor = Database['db'] | UnitOfWork['trx']

/**
 * The meetings' rows: the only code that writes SQL for meetings, agenda items, attendance, minutes, decisions,
 * meeting actions and decision links. Reads the board's groups and memberships (H1's) but never writes them. Reads
 * outside a unit of work for the pages; every write takes the service's unit of work. Built on the partnership's
 * scoped handle.
 */
export function createMeetingRepository(database: Database) {
  const db = database.db

  const bodies = async (x: Executor): Promise<Body[]> =>
    (
      await x
        .selectFrom('board_groups')
        .select(['id', 'name', 'kind', 'quorum'])
        .orderBy('kind') // 'board' before 'group'
        .orderBy('sort_order')
        .orderBy('name')
        .execute()
    ).map((r) => ({ id: r.id, name: r.name, kind: r.kind, quorum: r.quorum }))

  const seats = async (x: Executor, groupId?: number): Promise<Seat[]> => {
    let q = x.selectFrom('board_memberships').selectAll().orderBy('group_id').orderBy('organisation').orderBy('id')
    if (groupId !== undefined) q = q.where('group_id', '=', groupId)
    return (await q.execute()).map((r) => ({
      id: r.id,
      groupId: r.group_id,
      personName: r.person_name,
      organisation: r.organisation,
      agencyId: r.agency_id,
      seat: r.seat,
      role: r.role,
      voting: r.voting === 1,
      fromDate: r.from_date,
      toDate: r.to_date,
    }))
  }

  const meeting = (x: Executor, id: number) =>
    x.selectFrom('board_meetings').selectAll().where('id', '=', id).executeTakeFirst()

  const attendanceOf = async (x: Executor, meetingIds: readonly number[]): Promise<AttendanceRow[]> => {
    if (meetingIds.length === 0) return []
    const rows = await x
      .selectFrom('board_attendance')
      .selectAll()
      .where('meeting_id', 'in', [...meetingIds])
      .execute()
    return rows.map((r) => ({
      meetingId: r.meeting_id,
      membershipId: r.membership_id,
      status: r.status,
      substituteName: r.substitute_name,
      illustrative: r.illustrative === 1,
    }))
  }

  const minutesOf = (x: Executor, meetingId: number) =>
    x.selectFrom('board_minutes').selectAll().where('meeting_id', '=', meetingId).executeTakeFirst()

  return {
    bodies: () => bodies(db),
    seats: (groupId?: number) => seats(db, groupId),
    getMeeting: (id: number) => meeting(db, id),
    listMeetings: (filter: { readonly groupId?: number; readonly from?: string; readonly to?: string } = {}) => {
      let q = db.selectFrom('board_meetings').selectAll().orderBy('meeting_date').orderBy('id')
      if (filter.groupId !== undefined) q = q.where('group_id', '=', filter.groupId)
      if (filter.from !== undefined) q = q.where('meeting_date', '>=', filter.from)
      if (filter.to !== undefined) q = q.where('meeting_date', '<=', filter.to)
      return q.execute()
    },
    agenda: (meetingId: number) =>
      db.selectFrom('board_agenda_items').selectAll().where('meeting_id', '=', meetingId).orderBy('position').execute(),
    attendance: (meetingIds: readonly number[]) => attendanceOf(db, meetingIds),
    minutes: (meetingId: number) => minutesOf(db, meetingId),
    decisions: (
      filter: { readonly meetingIds?: readonly number[]; readonly kind?: DecisionKind; readonly subject?: string } = {},
    ) => {
      let q = db.selectFrom('board_decisions').selectAll().orderBy('meeting_id').orderBy('id')
      if (filter.meetingIds !== undefined) {
        if (filter.meetingIds.length === 0) return Promise.resolve([] as DecisionRow[])
        q = q.where('meeting_id', 'in', [...filter.meetingIds])
      }
      if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind)
      if (filter.subject !== undefined) q = q.where('subject', '=', filter.subject)
      return q.execute()
    },
    getDecision: (id: number) => db.selectFrom('board_decisions').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Actions raised at any of `meetingIds` (every action when not given). */
    actions: (meetingIds?: readonly number[]) => {
      let q = db.selectFrom('board_meeting_actions').selectAll().orderBy('raised_at_meeting_id').orderBy('id')
      if (meetingIds !== undefined) {
        if (meetingIds.length === 0) return Promise.resolve([] as MeetingActionRow[])
        q = q.where('raised_at_meeting_id', 'in', [...meetingIds])
      }
      return q.execute()
    },
    linksOfDecision: (decisionId: number) =>
      db.selectFrom('board_decision_links').selectAll().where('decision_id', '=', decisionId).orderBy('kind').execute(),
    linkOf: (kind: DecisionKind, subject: string) =>
      db
        .selectFrom('board_decision_links')
        .selectAll()
        .where('kind', '=', kind)
        .where('subject', '=', subject)
        .executeTakeFirst(),
    /** The agencies linked to the partnership, for an action's agency. */
    agencies: () => listPartnershipAgencies(database),

    // ---- Inside a unit of work ------------------------------------------------------------------------------
    readBodies: (uow: UnitOfWork) => bodies(uow.trx),
    readSeats: (uow: UnitOfWork, groupId: number) => seats(uow.trx, groupId),
    readMeeting: (uow: UnitOfWork, id: number) => meeting(uow.trx, id),
    readAttendance: (uow: UnitOfWork, meetingId: number) => attendanceOf(uow.trx, [meetingId]),
    readMinutes: (uow: UnitOfWork, meetingId: number) => minutesOf(uow.trx, meetingId),
    readAction: (uow: UnitOfWork, id: number) =>
      uow.trx.selectFrom('board_meeting_actions').selectAll().where('id', '=', id).executeTakeFirst(),
    readDecision: (uow: UnitOfWork, id: number) =>
      uow.trx.selectFrom('board_decisions').selectAll().where('id', '=', id).executeTakeFirst(),
    readLink: (uow: UnitOfWork, kind: DecisionKind, subject: string) =>
      uow.trx
        .selectFrom('board_decision_links')
        .selectAll()
        .where('kind', '=', kind)
        .where('subject', '=', subject)
        .executeTakeFirst(),

    async insertMeeting(
      uow: UnitOfWork,
      fields: { group_id: number; meeting_date: string; starts_at: string | null; location: string | null },
      stamp: Stamp,
      illustrative = false,
    ): Promise<number> {
      const row = await uow.trx
        .insertInto('board_meetings')
        .values({
          ...fields,
          state: 'scheduled',
          cancelled_reason: null,
          illustrative: illustrative ? 1 : 0,
          version: 1,
          created_at: stamp.at,
          updated_at: stamp.at,
          updated_by: stamp.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    },
    async setMeetingState(
      uow: UnitOfWork,
      id: number,
      version: number,
      change: { state: 'held' | 'cancelled'; cancelled_reason: string | null },
      stamp: Stamp,
    ): Promise<boolean> {
      const result = await uow.trx
        .updateTable('board_meetings')
        .set({ ...change, version: version + 1, updated_at: stamp.at, updated_by: stamp.by })
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },
    async insertAgendaItem(
      uow: UnitOfWork,
      fields: {
        meeting_id: number
        title: string
        exempt: number
        presenter: string | null
        paper: PaperKind
        paper_title: string | null
      },
      stamp: Stamp,
      illustrative = false,
    ): Promise<number> {
      const last = await uow.trx
        .selectFrom('board_agenda_items')
        .select((eb) => eb.fn.max('position').as('top'))
        .where('meeting_id', '=', fields.meeting_id)
        .executeTakeFirst()
      const row = await uow.trx
        .insertInto('board_agenda_items')
        .values({
          ...fields,
          position: Number(last?.top ?? 0) + 1,
          illustrative: illustrative ? 1 : 0,
          version: 1,
          created_at: stamp.at,
          updated_at: stamp.at,
          updated_by: stamp.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    },
    /** Replaces one seat's attendance at a meeting (one row per seat per meeting). */
    async putAttendance(
      uow: UnitOfWork,
      entry: { meeting_id: number; membership_id: number; status: AttendanceStatus; substitute_name: string | null },
      stamp: Stamp,
      illustrative = false,
    ): Promise<void> {
      await uow.trx
        .deleteFrom('board_attendance')
        .where('meeting_id', '=', entry.meeting_id)
        .where('membership_id', '=', entry.membership_id)
        .execute()
      await uow.trx
        .insertInto('board_attendance')
        .values({
          ...entry,
          illustrative: illustrative ? 1 : 0,
          version: 1,
          created_at: stamp.at,
          updated_at: stamp.at,
          updated_by: stamp.by,
        })
        .execute()
    },
    async putDraftMinutes(uow: UnitOfWork, meetingId: number, text: string, stamp: Stamp, illustrative = false) {
      const existing = await minutesOf(uow.trx, meetingId)
      if (existing) {
        await uow.trx
          .updateTable('board_minutes')
          .set({ text, version: existing.version + 1, updated_at: stamp.at, updated_by: stamp.by })
          .where('id', '=', existing.id)
          .where('state', '=', 'draft')
          .execute()
        return
      }
      await uow.trx
        .insertInto('board_minutes')
        .values({
          meeting_id: meetingId,
          text,
          state: 'draft',
          approved_at_meeting_id: null,
          illustrative: illustrative ? 1 : 0,
          version: 1,
          created_at: stamp.at,
          updated_at: stamp.at,
          updated_by: stamp.by,
        })
        .execute()
    },
    async approveMinutes(uow: UnitOfWork, minutesId: number, atMeetingId: number, stamp: Stamp) {
      await uow.trx
        .updateTable('board_minutes')
        .set((eb) => ({
          state: 'approved',
          approved_at_meeting_id: atMeetingId,
          version: eb('version', '+', 1),
          updated_at: stamp.at,
          updated_by: stamp.by,
        }))
        .where('id', '=', minutesId)
        .where('state', '=', 'draft')
        .execute()
    },
    async insertDecision(
      uow: UnitOfWork,
      fields: {
        meeting_id: number
        minute_number: string | null
        kind: DecisionKind
        subject: string | null
        text: string
      },
      stamp: Stamp,
      illustrative = false,
    ): Promise<number> {
      const row = await uow.trx
        .insertInto('board_decisions')
        .values({
          ...fields,
          illustrative: illustrative ? 1 : 0,
          version: 1,
          created_at: stamp.at,
          updated_at: stamp.at,
          updated_by: stamp.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    },
    async insertAction(
      uow: UnitOfWork,
      fields: {
        raised_at_meeting_id: number
        text: string
        owner: string | null
        agency_id: number | null
        due_date: string | null
      },
      stamp: Stamp,
      illustrative = false,
    ): Promise<number> {
      const row = await uow.trx
        .insertInto('board_meeting_actions')
        .values({
          ...fields,
          status: 'open',
          closed_at_meeting_id: null,
          illustrative: illustrative ? 1 : 0,
          version: 1,
          created_at: stamp.at,
          updated_at: stamp.at,
          updated_by: stamp.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    },
    async closeAction(
      uow: UnitOfWork,
      id: number,
      version: number,
      status: Exclude<MeetingActionStatus, 'open'>,
      atMeetingId: number,
      stamp: Stamp,
    ): Promise<boolean> {
      const result = await uow.trx
        .updateTable('board_meeting_actions')
        .set({
          status,
          closed_at_meeting_id: atMeetingId,
          version: version + 1,
          updated_at: stamp.at,
          updated_by: stamp.by,
        })
        .where('id', '=', id)
        .where('version', '=', version)
        .where('status', '=', 'open')
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },
    async putLink(uow: UnitOfWork, kind: DecisionKind, subject: string, decisionId: number, stamp: Stamp) {
      await uow.trx.deleteFrom('board_decision_links').where('kind', '=', kind).where('subject', '=', subject).execute()
      await uow.trx
        .insertInto('board_decision_links')
        .values({ kind, subject, decision_id: decisionId, created_at: stamp.at, updated_by: stamp.by })
        .execute()
    },
  }
}

export type MeetingRepository = ReturnType<typeof createMeetingRepository>
