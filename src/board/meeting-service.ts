import { can, PermissionDenied, type Principal } from '../accounts/permissions.ts'
import type { AuditEventInput } from '../audit/audit-chain.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { financialYearDates, londonDate } from '../domain/period.ts'
import { quorumOf, type QuorumAnswer } from '../domain/quorum.ts'
import { dateInWords } from '../shared/time-in-words.ts'
import { attendanceOf, seatCurrentOn, type BodyAttendance } from './attendance-report.ts'
import type { DecisionKind } from './board-tables.ts'
import type {
  AttendanceRow,
  Body,
  DecisionRow,
  MeetingActionRow,
  MeetingRepository,
  MeetingRow,
  Seat,
} from './meeting-repository.ts'
import type { AttendanceStatus, MeetingActionStatus, PaperKind } from './meeting-tables.ts'

/** The person asking: a principal with a name for the audit trail. */
export interface MeetingUser extends Principal {
  readonly email: string
  readonly id?: number
}

/** A meeting, decision or action that does not exist (or is not this partnership's): 404. */
export class MeetingNotFound extends Error {
  constructor() {
    super('Not found')
    this.name = 'MeetingNotFound'
  }
}

export interface Problem {
  /** The form field the problem is about (the error summary links to it). */
  readonly field: string
  readonly message: string
}

/** A write's answer: done (with the new row's id), or refused with every problem found and nothing written. */
export type Outcome = { readonly ok: true; readonly id: number } | { readonly ok: false; readonly problems: Problem[] }

export const PAPER_WORDS: Readonly<Record<PaperKind, string>> = Object.freeze({
  none: 'No paper',
  'performance-report': 'Performance report',
  'budget-monitoring': 'Budget monitoring',
  'action-status': 'Delivery plan: action status',
  free: 'A paper of its own',
})

export const ATTENDANCE_WORDS: Readonly<Record<AttendanceStatus, string>> = Object.freeze({
  present: 'Present',
  apologies: 'Apologies',
  absent: 'Absent',
  substitute: 'Substitute sent',
})

export const DECISION_KIND_WORDS: Readonly<Record<DecisionKind, string>> = Object.freeze({
  resolution: 'Resolution',
  'report-sign-off': 'Performance report sign-off',
  'publication-approval': 'Publication approval',
  'strategy-approval': 'Strategy approval',
  'budget-approval': 'Budget approval',
  'annual-report-approval': 'Annual report approval',
  'appendix-a-approval': 'Appendix A approval',
})

export const ACTION_STATUS_WORDS: Readonly<Record<MeetingActionStatus, string>> = Object.freeze({
  open: 'Open',
  done: 'Done',
  dropped: 'Dropped',
})

export const TEXT_LIMITS = { title: 200, name: 120, place: 200, reason: 500, minutes: 50000, text: 2000 } as const

const isKind = (k: string): k is DecisionKind => Object.hasOwn(DECISION_KIND_WORDS, k)
const isPaper = (k: string): k is PaperKind => Object.hasOwn(PAPER_WORDS, k)
const isAttendance = (k: string): k is AttendanceStatus => Object.hasOwn(ATTENDANCE_WORDS, k)

/** Subjects that name a financial year or one of its quarters. */
const YEAR_SUBJECT = /^FY\d{4}-\d{2}(-Q[1-4])?$/

/**
 * A date from a form's three boxes (`YYYY-M-D`), checked to be a real date; `''` or `--` is no date.
 *
 * @example readDate('2018-6-12') // { date: '2018-06-12' }
 */
export function readDate(text: string): { readonly date: string | null } | { readonly problem: true } {
  const trimmed = text.trim()
  if (trimmed === '' || trimmed === '--') return { date: null }
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed)
  if (!match) return { problem: true }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const at = new Date(Date.UTC(year, month - 1, day))
  if (year < 1990 || year > 2100 || at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) return { problem: true }
  return { date: at.toISOString().slice(0, 10) }
}

export interface MeetingShown {
  readonly id: number
  readonly groupId: number
  readonly bodyName: string
  readonly bodyKind: 'board' | 'group'
  readonly date: string
  readonly startsAt: string | null
  readonly location: string | null
  readonly state: 'scheduled' | 'held' | 'cancelled'
  readonly cancelledReason: string | null
  readonly illustrative: boolean
  readonly version: number
}

export interface AgendaItemShown {
  readonly id: number
  readonly position: number
  readonly exempt: boolean
  /** "Exempt item" to someone who may not see exempt business. */
  readonly title: string
  readonly presenter: string | null
  /** Null when hidden (an exempt item, to someone who may not see it). */
  readonly paper: PaperKind | null
  readonly paperTitle: string | null
  readonly hidden: boolean
}

export interface ActionShown {
  readonly id: number
  readonly text: string
  readonly owner: string | null
  readonly agencyName: string | null
  readonly dueDate: string | null
  readonly status: MeetingActionStatus
  readonly raisedAt: { readonly id: number; readonly date: string }
  readonly closedAt: { readonly id: number; readonly date: string } | null
  readonly overdue: boolean
  readonly illustrative: boolean
  readonly version: number
}

export interface DecisionShown {
  readonly id: number
  readonly minuteNumber: string | null
  readonly kind: DecisionKind
  readonly kindText: string
  readonly subject: string | null
  readonly text: string
  readonly illustrative: boolean
  readonly meeting: { readonly id: number; readonly date: string; readonly bodyName: string; readonly bodyKind: string }
  /** "Decided by the SWP Board on 12 June 2018 (minute 7)". */
  readonly sentence: string
}

export interface RosterLine {
  readonly seat: Seat
  readonly status: AttendanceStatus | null
  readonly substituteName: string | null
}

export interface MeetingServiceDeps {
  readonly database: Database
  readonly repository: MeetingRepository
  readonly audit: Pick<AuditRepository, 'append' | 'appendAll'>
  readonly now?: () => Date
}

/**
 * The board's and its groups' meetings: scheduled, then held or cancelled; their agenda (public or exempt items),
 * attendance and the quorum rule (src/domain/quorum.ts), minutes drafted then approved at a later held meeting of the
 * same body, decisions (refused at an inquorate meeting), and actions carried as matters arising until closed.
 * Every change is one unit of work with its audit event; a refused change writes nothing and says why.
 */
export function createMeetingService(deps: MeetingServiceDeps) {
  const { database, repository, audit } = deps
  const now = deps.now ?? (() => new Date())

  const demandView = (user: Principal) => {
    if (!can(user, 'board:view')) throw new PermissionDenied('board:view')
  }
  const demandEdit = (user: Principal) => {
    if (!can(user, 'board:edit')) throw new PermissionDenied('board:edit')
  }
  const event = (
    user: MeetingUser,
    action: string,
    entityType: string,
    entityKey: string,
    before: unknown,
    after: unknown,
    requestId: string | null,
  ): AuditEventInput => ({ actor: user.email, action, entityType, entityKey, before, after, requestId })
  const refused = (field: string, message: string): Outcome => ({ ok: false, problems: [{ field, message }] })
  const stampOf = (user: MeetingUser) => ({ at: now().toISOString(), by: user.email })

  function shown(row: MeetingRow, bodies: readonly Body[]): MeetingShown {
    const body = bodies.find((b) => b.id === row.group_id)
    return {
      id: row.id,
      groupId: row.group_id,
      bodyName: body?.name ?? 'Unknown group',
      bodyKind: body?.kind ?? 'group',
      date: row.meeting_date,
      startsAt: row.starts_at,
      location: row.location,
      state: row.state,
      cancelledReason: row.cancelled_reason,
      illustrative: row.illustrative === 1,
      version: row.version,
    }
  }

  /** "Decided by the SWP Board on 12 June 2018 (minute 7)". */
  function decisionSentence(bodyName: string, date: string, minute: string | null): string {
    return `Decided by the ${bodyName} on ${dateInWords(date)}${minute ? ` (minute ${minute})` : ''}`
  }

  function decisionShown(row: DecisionRow, meeting: MeetingShown): DecisionShown {
    return {
      id: row.id,
      minuteNumber: row.minute_number,
      kind: row.kind,
      kindText: DECISION_KIND_WORDS[row.kind],
      subject: row.subject,
      text: row.text,
      illustrative: row.illustrative === 1,
      meeting: { id: meeting.id, date: meeting.date, bodyName: meeting.bodyName, bodyKind: meeting.bodyKind },
      sentence: decisionSentence(meeting.bodyName, meeting.date, row.minute_number),
    }
  }

  /** Every seat of the meeting's body current on its date, with what was recorded for it. */
  function rosterOf(seats: readonly Seat[], meeting: MeetingRow, attendance: readonly AttendanceRow[]): RosterLine[] {
    return seats
      .filter((s) => s.groupId === meeting.group_id && seatCurrentOn(s, meeting.meeting_date))
      .map((seat) => {
        const a = attendance.find((x) => x.meetingId === meeting.id && x.membershipId === seat.id)
        return { seat, status: a?.status ?? null, substituteName: a?.substituteName ?? null }
      })
  }

  function quorumAt(body: Body | undefined, roster: readonly RosterLine[]): QuorumAnswer {
    return quorumOf(
      body?.quorum ?? null,
      roster.flatMap((l) => (l.status === null ? [] : [{ voting: l.seat.voting, status: l.status }])),
    )
  }

  /** Actions as shown, overdue as of `asOf` (a London date): open and due before it. */
  function actionsShown(
    rows: readonly MeetingActionRow[],
    meetings: readonly MeetingRow[],
    agencies: readonly { id: number; name: string }[],
    asOf: string,
  ): ActionShown[] {
    const dateOf = (id: number | null) => meetings.find((m) => m.id === id)?.meeting_date ?? ''
    return rows.map((a) => ({
      id: a.id,
      text: a.text,
      owner: a.owner,
      agencyName: agencies.find((g) => g.id === a.agency_id)?.name ?? null,
      dueDate: a.due_date,
      status: a.status,
      raisedAt: { id: a.raised_at_meeting_id, date: dateOf(a.raised_at_meeting_id) },
      closedAt:
        a.closed_at_meeting_id === null ? null : { id: a.closed_at_meeting_id, date: dateOf(a.closed_at_meeting_id) },
      overdue: a.status === 'open' && a.due_date !== null && a.due_date < asOf,
      illustrative: a.illustrative === 1,
      version: a.version,
    }))
  }

  /**
   * The matters arising at `meeting`: actions raised at an earlier meeting of the same body that were still open when
   * it met (open now, or closed at this meeting or a later one).
   */
  function mattersArisingAt(
    meeting: MeetingRow,
    sameBody: readonly MeetingRow[],
    actions: readonly MeetingActionRow[],
  ): MeetingActionRow[] {
    const dateOf = (id: number | null) => sameBody.find((m) => m.id === id)?.meeting_date
    return actions.filter((a) => {
      const raised = sameBody.find((m) => m.id === a.raised_at_meeting_id)
      if (!raised || a.raised_at_meeting_id === meeting.id) return false
      const earlier =
        raised.meeting_date < meeting.meeting_date ||
        (raised.meeting_date === meeting.meeting_date && raised.id < meeting.id)
      if (!earlier) return false
      if (a.status === 'open') return true
      const closed = dateOf(a.closed_at_meeting_id)
      return closed !== undefined && (closed > meeting.meeting_date || a.closed_at_meeting_id === meeting.id)
    })
  }

  /** Everything about one meeting, read once: the pages, the agenda pack and the scrutiny pack use it. */
  async function readMeeting(id: number) {
    const row = await repository.getMeeting(id)
    if (!row) throw new MeetingNotFound()
    const [bodies, seats, agenda, minutes, agencies] = await Promise.all([
      repository.bodies(),
      repository.seats(row.group_id),
      repository.agenda(id),
      repository.minutes(id),
      repository.agencies(),
    ])
    const sameBody = await repository.listMeetings({ groupId: row.group_id })
    const [attendance, decisions, actions] = await Promise.all([
      repository.attendance([id]),
      repository.decisions({ meetingIds: [id] }),
      repository.actions(sameBody.map((m) => m.id)),
    ])
    const body = bodies.find((b) => b.id === row.group_id)
    const roster = rosterOf(seats, row, attendance)
    const meeting = shown(row, bodies)
    // The minutes up for approval: the latest earlier held meeting of the same body with draft minutes.
    const earlierHeld = sameBody
      .filter((m) => m.state === 'held' && m.meeting_date < row.meeting_date)
      .sort((a, b) => (a.meeting_date < b.meeting_date ? 1 : -1))
    const previous = earlierHeld[0]
    const previousMinutes = previous ? await repository.minutes(previous.id) : undefined
    return {
      row,
      meeting,
      body,
      bodies,
      roster,
      quorum: quorumAt(body, roster),
      agenda,
      minutes,
      previous: previous ? shown(previous, bodies) : null,
      previousMinutes: previousMinutes ?? null,
      decisions: decisions.map((d) => decisionShown(d, meeting)),
      sameBody,
      actionsRaised: actions.filter((a) => a.raised_at_meeting_id === id),
      mattersArising: mattersArisingAt(row, sameBody, actions),
      agencies,
    }
  }

  function agendaShown(items: Awaited<ReturnType<MeetingRepository['agenda']>>, seeExempt: boolean): AgendaItemShown[] {
    return items.map((i) => {
      const hidden = i.exempt === 1 && !seeExempt
      return {
        id: i.id,
        position: i.position,
        exempt: i.exempt === 1,
        title: hidden ? 'Exempt item' : i.title,
        presenter: hidden ? null : i.presenter,
        paper: hidden ? null : i.paper,
        paperTitle: hidden ? null : i.paper_title,
        hidden,
      }
    })
  }

  /** A held meeting of the same body after `meeting`: where its minutes may be approved or its actions closed. */
  async function laterHeldMeeting(
    uow: UnitOfWork,
    of: MeetingRow,
    atId: number,
    field: string,
    what: string,
  ): Promise<MeetingRow | Outcome> {
    const at = await repository.readMeeting(uow, atId)
    if (!at || at.group_id !== of.group_id) return refused(field, `Choose a meeting of the same body to ${what} at`)
    if (at.state !== 'held') return refused(field, `${capital(what)} only at a meeting that was held`)
    if (!(at.meeting_date > of.meeting_date))
      return refused(field, `${capital(what)} only at a later meeting than the one of ${dateInWords(of.meeting_date)}`)
    return at
  }

  const isOutcome = (x: unknown): x is Outcome => typeof x === 'object' && x !== null && 'ok' in x

  return {
    /** The board and its groups (empty when the partnership has none yet). */
    async bodies(user: Principal): Promise<Body[]> {
      demandView(user)
      return repository.bodies()
    },

    /** Meetings by body and date, the board's first. */
    async list(user: Principal, filter: { readonly groupId?: number } = {}) {
      demandView(user)
      const [bodies, rows] = await Promise.all([repository.bodies(), repository.listMeetings(filter)])
      const meetings = rows.map((r) => shown(r, bodies))
      return bodies
        .filter((b) => filter.groupId === undefined || b.id === filter.groupId)
        .map((body) => ({ body, meetings: meetings.filter((m) => m.groupId === body.id) }))
    },

    /**
     * One meeting as `user` may read it: exempt items' titles and papers only with `board:view-exempt`; draft minutes
     * only with `board:edit`.
     */
    async page(user: Principal, id: number) {
      demandView(user)
      const read = await readMeeting(id)
      const seeExempt = can(user, 'board:view-exempt')
      const mayEdit = can(user, 'board:edit')
      const today = londonDate(now())
      const meetings = read.sameBody
      const minutesShown =
        read.minutes && (read.minutes.state === 'approved' || mayEdit)
          ? {
              text: read.minutes.text,
              state: read.minutes.state,
              approvedAt:
                read.minutes.approved_at_meeting_id === null
                  ? null
                  : shown(
                      meetings.find((m) => m.id === read.minutes?.approved_at_meeting_id) as MeetingRow,
                      read.bodies,
                    ),
            }
          : null
      return {
        meeting: read.meeting,
        body: read.body ?? null,
        agenda: agendaShown(read.agenda, seeExempt),
        roster: read.roster,
        quorum: read.quorum,
        minutes: minutesShown,
        minutesHidden: read.minutes !== undefined && minutesShown === null,
        previous: read.previous,
        previousMinutesDraft:
          read.previousMinutes && read.previousMinutes.state === 'draft' && mayEdit ? read.previousMinutes : null,
        decisions: read.decisions,
        actionsRaised: actionsShown(read.actionsRaised, meetings, read.agencies, today),
        mattersArising: actionsShown(read.mattersArising, meetings, read.agencies, today),
        agencies: read.agencies,
        today,
        canEdit: mayEdit,
      }
    },

    /** The whole of a meeting for its agenda pack (src/board/meeting-pack.ts): nothing hidden; the pack decides. */
    internals: readMeeting,
    actionsShown,

    /** Attendance per organisation at the board's and each group's meetings held in a financial year. */
    async attendance(user: Principal, year: string): Promise<BodyAttendance[]> {
      demandView(user)
      const range = financialYearDates(year)
      if (!range) throw new MeetingNotFound()
      const [bodies, meetings, seats] = await Promise.all([
        repository.bodies(),
        repository.listMeetings(range),
        repository.seats(),
      ])
      const attendance = await repository.attendance(meetings.map((m) => m.id))
      return bodies.map((b) => attendanceOf(b, meetings, seats, attendance))
    },

    /** The meeting that raised an action (its page is where the action is closed). */
    async meetingOfAction(user: Principal, actionId: number): Promise<number> {
      demandView(user)
      const action = (await repository.actions()).find((a) => a.id === actionId)
      if (!action) throw new MeetingNotFound()
      return action.raised_at_meeting_id
    },

    /** A decision with the things it decided (the links other features' pages show). */
    async decision(user: Principal, id: number) {
      demandView(user)
      const row = await repository.getDecision(id)
      if (!row) throw new MeetingNotFound()
      const [meeting, bodies, links] = await Promise.all([
        repository.getMeeting(row.meeting_id),
        repository.bodies(),
        repository.linksOfDecision(id),
      ])
      if (!meeting) throw new MeetingNotFound()
      return {
        decision: decisionShown(row, shown(meeting, bodies)),
        links: links.map((l) => ({ kind: l.kind, kindText: DECISION_KIND_WORDS[l.kind], subject: l.subject })),
      }
    },

    /**
     * Decisions of a kind (and subject, when given) made at held meetings, oldest first: what the annual report reads
     * to approve a report (`annual-report-approval`), and what a sign-off or approval page offers to choose.
     */
    async decisionsOfKind(kind: DecisionKind, subject?: string): Promise<DecisionShown[]> {
      const [rows, bodies] = await Promise.all([
        repository.decisions({ kind, ...(subject === undefined ? {} : { subject }) }),
        repository.bodies(),
      ])
      const out: DecisionShown[] = []
      for (const row of rows) {
        const meeting = await repository.getMeeting(row.meeting_id)
        if (meeting?.state === 'held') out.push(decisionShown(row, shown(meeting, bodies)))
      }
      return out.sort((a, b) =>
        a.meeting.date < b.meeting.date ? -1 : a.meeting.date > b.meeting.date ? 1 : a.id - b.id,
      )
    },

    /** The decision recorded as having made a thing (`kind`, `subject`), for its page's "Decided by …" line. */
    async decisionFor(kind: DecisionKind, subject: string): Promise<DecisionShown | null> {
      const link = await repository.linkOf(kind, subject)
      if (!link) return null
      const [row, bodies] = await Promise.all([repository.getDecision(link.decision_id), repository.bodies()])
      const meeting = row ? await repository.getMeeting(row.meeting_id) : undefined
      return row && meeting ? decisionShown(row, shown(meeting, bodies)) : null
    },

    // ---- Writes (board:edit) --------------------------------------------------------------------------------

    async schedule(
      user: MeetingUser,
      form: { groupId: string; date: string; startsAt: string; location: string },
      requestId: string | null = null,
      options: { readonly illustrative?: boolean } = {},
    ): Promise<Outcome> {
      demandEdit(user)
      const problems: Problem[] = []
      const bodies = await repository.bodies()
      const body = bodies.find((b) => String(b.id) === form.groupId.trim())
      if (!body) problems.push({ field: 'groupId', message: 'Choose the board or the group that meets' })
      const date = readDate(form.date)
      if ('problem' in date)
        problems.push({ field: 'date', message: 'The date must be a real date, for example 12 6 2018' })
      else if (date.date === null) problems.push({ field: 'date', message: 'Enter the date of the meeting' })
      const time = form.startsAt.trim()
      if (time !== '' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(time))
        problems.push({ field: 'startsAt', message: 'The time must be a 24-hour time, for example 14:00' })
      const location = form.location.trim()
      if ([...location].length > TEXT_LIMITS.place)
        problems.push({ field: 'location', message: `The place must be ${TEXT_LIMITS.place} characters or fewer` })
      if (problems.length > 0 || !body || 'problem' in date || date.date === null) return { ok: false, problems }
      const meetingDate = date.date
      return inUnitOfWork(database, async (uow): Promise<Outcome> => {
        const fields = {
          group_id: body.id,
          meeting_date: meetingDate,
          starts_at: time === '' ? null : time,
          location: location === '' ? null : location,
        }
        const id = await repository.insertMeeting(uow, fields, stampOf(user), options.illustrative === true)
        await audit.append(
          uow.trx,
          event(user, 'create', 'board-meeting', String(id), null, { id, ...fields, state: 'scheduled' }, requestId),
        )
        return { ok: true, id }
      })
    },

    /** Scheduled → held. A cancelled meeting cannot be held; a held one is held already. */
    async hold(user: MeetingUser, id: number, requestId: string | null = null): Promise<Outcome> {
      demandEdit(user)
      return inUnitOfWork(database, async (uow): Promise<Outcome> => {
        const before = await repository.readMeeting(uow, id)
        if (!before) throw new MeetingNotFound()
        if (before.state !== 'scheduled')
          return refused(
            'state',
            `The meeting was ${before.state === 'held' ? 'held already' : 'cancelled'}: it cannot be held`,
          )
        if (before.meeting_date > londonDate(now()))
          return refused('state', 'A meeting can be recorded as held only on or after its date')
        await repository.setMeetingState(
          uow,
          id,
          before.version,
          { state: 'held', cancelled_reason: null },
          stampOf(user),
        )
        await audit.append(
          uow.trx,
          event(user, 'hold', 'board-meeting', String(id), { state: before.state }, { state: 'held' }, requestId),
        )
        return { ok: true, id }
      })
    },

    /** Scheduled → cancelled, with the reason. A held meeting cannot be cancelled. */
    async cancel(user: MeetingUser, id: number, reason: string, requestId: string | null = null): Promise<Outcome> {
      demandEdit(user)
      const why = reason.trim()
      if (why === '') return refused('reason', 'Enter why the meeting was cancelled')
      if ([...why].length > TEXT_LIMITS.reason)
        return refused('reason', `The reason must be ${TEXT_LIMITS.reason} characters or fewer`)
      return inUnitOfWork(database, async (uow): Promise<Outcome> => {
        const before = await repository.readMeeting(uow, id)
        if (!before) throw new MeetingNotFound()
        if (before.state !== 'scheduled')
          return refused(
            'reason',
            `The meeting was ${before.state === 'held' ? 'held' : 'cancelled already'}: it cannot be cancelled`,
          )
        await repository.setMeetingState(
          uow,
          id,
          before.version,
          { state: 'cancelled', cancelled_reason: why },
          stampOf(user),
        )
        await audit.append(
          uow.trx,
          event(
            user,
            'cancel',
            'board-meeting',
            String(id),
            { state: before.state },
            { state: 'cancelled', cancelled_reason: why },
            requestId,
          ),
        )
        return { ok: true, id }
      })
    },

    async addAgendaItem(
      user: MeetingUser,
      meetingId: number,
      form: { title: string; exempt: string; presenter: string; paper: string; paperTitle: string },
      requestId: string | null = null,
      options: { readonly illustrative?: boolean } = {},
    ): Promise<Outcome> {
      demandEdit(user)
      const problems: Problem[] = []
      const title = form.title.trim()
      if (title === '') problems.push({ field: 'title', message: 'Enter the item’s title' })
      else if ([...title].length > TEXT_LIMITS.title)
        problems.push({ field: 'title', message: `The title must be ${TEXT_LIMITS.title} characters or fewer` })
      const presenter = form.presenter.trim()
      if ([...presenter].length > TEXT_LIMITS.name)
        problems.push({ field: 'presenter', message: `The presenter must be ${TEXT_LIMITS.name} characters or fewer` })
      const paper = form.paper.trim() === '' ? 'none' : form.paper.trim()
      if (!isPaper(paper)) problems.push({ field: 'paper', message: 'Choose the paper the item carries' })
      const paperTitle = form.paperTitle.trim()
      if (paper === 'free' && paperTitle === '')
        problems.push({ field: 'paperTitle', message: 'Enter the paper’s title' })
      if ([...paperTitle].length > TEXT_LIMITS.title)
        problems.push({
          field: 'paperTitle',
          message: `The paper’s title must be ${TEXT_LIMITS.title} characters or fewer`,
        })
      if (form.exempt !== '' && form.exempt !== 'yes' && form.exempt !== 'no')
        problems.push({ field: 'exempt', message: 'Say whether the item is public or exempt' })
      if (problems.length > 0 || !isPaper(paper)) return { ok: false, problems }
      return inUnitOfWork(database, async (uow): Promise<Outcome> => {
        const meeting = await repository.readMeeting(uow, meetingId)
        if (!meeting) throw new MeetingNotFound()
        if (meeting.state === 'cancelled')
          return refused('title', 'The meeting was cancelled: its agenda cannot change')
        const fields = {
          meeting_id: meetingId,
          title,
          exempt: form.exempt === 'yes' ? 1 : 0,
          presenter: presenter === '' ? null : presenter,
          paper,
          paper_title: paper === 'free' ? paperTitle : null,
        }
        const id = await repository.insertAgendaItem(uow, fields, stampOf(user), options.illustrative === true)
        await audit.append(
          uow.trx,
          event(user, 'create', 'board-agenda-item', `${meetingId}/${id}`, null, fields, requestId),
        )
        return { ok: true, id }
      })
    },

    /**
     * Who came: each seat current on the meeting's date, present, apologies, absent or a named substitute. Only for a
     * held meeting; a seat left blank is left as it was.
     */
    async recordAttendance(
      user: MeetingUser,
      meetingId: number,
      entries: readonly { membershipId: number; status: string; substituteName: string }[],
      requestId: string | null = null,
      options: { readonly illustrative?: boolean } = {},
    ): Promise<Outcome> {
      demandEdit(user)
      return inUnitOfWork(database, async (uow): Promise<Outcome> => {
        const meeting = await repository.readMeeting(uow, meetingId)
        if (!meeting) throw new MeetingNotFound()
        if (meeting.state !== 'held')
          return refused(
            'attendance',
            meeting.state === 'cancelled'
              ? 'The meeting was cancelled: nobody attended it'
              : 'Record the meeting as held before its attendance',
          )
        const seats = (await repository.readSeats(uow, meeting.group_id)).filter((s) =>
          seatCurrentOn(s, meeting.meeting_date),
        )
        const problems: Problem[] = []
        const writes: { membership_id: number; status: AttendanceStatus; substitute_name: string | null }[] = []
        for (const entry of entries) {
          const seat = seats.find((s) => s.id === entry.membershipId)
          const field = `seat-${entry.membershipId}`
          if (!seat) {
            problems.push({ field: 'attendance', message: 'Someone listed did not hold a seat on the meeting’s date' })
            continue
          }
          if (entry.status === '') continue
          if (!isAttendance(entry.status)) {
            problems.push({
              field,
              message: `Choose whether ${seat.organisation} was present, sent apologies or was absent`,
            })
            continue
          }
          const substitute = entry.substituteName.trim()
          if (entry.status === 'substitute' && substitute === '') {
            problems.push({ field: `${field}-substitute`, message: `Enter who came for ${seat.organisation}` })
            continue
          }
          if ([...substitute].length > TEXT_LIMITS.name) {
            problems.push({
              field: `${field}-substitute`,
              message: `The substitute’s name must be ${TEXT_LIMITS.name} characters or fewer`,
            })
            continue
          }
          writes.push({
            membership_id: seat.id,
            status: entry.status,
            substitute_name: entry.status === 'substitute' ? substitute : null,
          })
        }
        if (problems.length > 0) return { ok: false, problems }
        if (writes.length === 0) return refused('attendance', 'Choose the attendance of at least one seat')
        const before = await repository.readAttendance(uow, meetingId)
        const stamp = stampOf(user)
        for (const w of writes)
          await repository.putAttendance(uow, { meeting_id: meetingId, ...w }, stamp, options.illustrative === true)
        await audit.append(
          uow.trx,
          event(
            user,
            'update',
            'board-attendance',
            String(meetingId),
            before.map((b) => ({ membership_id: b.membershipId, status: b.status, substitute_name: b.substituteName })),
            writes,
            requestId,
          ),
        )
        return { ok: true, id: meetingId }
      })
    },

    /** The minutes' draft (plain text), after the meeting was held; approved minutes are fixed. */
    async draftMinutes(
      user: MeetingUser,
      meetingId: number,
      text: string,
      requestId: string | null = null,
      options: { readonly illustrative?: boolean } = {},
    ): Promise<Outcome> {
      demandEdit(user)
      const body = text.replace(/\r\n/g, '\n').trim()
      if (body === '') return refused('minutes', 'Enter the minutes')
      if ([...body].length > TEXT_LIMITS.minutes)
        return refused('minutes', `The minutes must be ${TEXT_LIMITS.minutes} characters or fewer`)
      return inUnitOfWork(database, async (uow): Promise<Outcome> => {
        const meeting = await repository.readMeeting(uow, meetingId)
        if (!meeting) throw new MeetingNotFound()
        if (meeting.state !== 'held')
          return refused(
            'minutes',
            meeting.state === 'cancelled'
              ? 'The meeting was cancelled: it has no minutes'
              : 'Minutes are written after the meeting is held: record it as held first',
          )
        const before = await repository.readMinutes(uow, meetingId)
        if (before?.state === 'approved') return refused('minutes', 'These minutes were approved: they cannot change')
        await repository.putDraftMinutes(uow, meetingId, body, stampOf(user), options.illustrative === true)
        await audit.append(
          uow.trx,
          event(
            user,
            before ? 'update' : 'create',
            'board-minutes',
            String(meetingId),
            before ? { text: before.text } : null,
            { text: body, state: 'draft' },
            requestId,
          ),
        )
        return { ok: true, id: meetingId }
      })
    },

    /** Approves a meeting's draft minutes at a later held meeting of the same body (recorded as where). */
    async approveMinutes(
      user: MeetingUser,
      meetingId: number,
      atMeetingId: number,
      requestId: string | null = null,
    ): Promise<Outcome> {
      demandEdit(user)
      return inUnitOfWork(database, async (uow): Promise<Outcome> => {
        const meeting = await repository.readMeeting(uow, meetingId)
        if (!meeting) throw new MeetingNotFound()
        const minutes = await repository.readMinutes(uow, meetingId)
        if (!minutes) return refused('minutes', 'There are no minutes of this meeting to approve')
        if (minutes.state === 'approved') return refused('minutes', 'These minutes were approved already')
        const at = await laterHeldMeeting(uow, meeting, atMeetingId, 'minutes', 'approve minutes')
        if (isOutcome(at)) return at
        await repository.approveMinutes(uow, minutes.id, at.id, stampOf(user))
        await audit.append(
          uow.trx,
          event(
            user,
            'approve',
            'board-minutes',
            String(meetingId),
            { state: 'draft' },
            { state: 'approved', approved_at_meeting_id: at.id },
            requestId,
          ),
        )
        return { ok: true, id: meetingId }
      })
    },

    /**
     * A resolution of a held, quorate meeting. Kinds other than `resolution` (a sign-off, an approval) are the
     * board's, with the subject they decided (`FY2017-18`, `FY2017-18-Q4`, a strategy's number).
     */
    async recordDecision(
      user: MeetingUser,
      meetingId: number,
      form: { minuteNumber: string; kind: string; subject: string; text: string },
      requestId: string | null = null,
      options: { readonly illustrative?: boolean } = {},
    ): Promise<Outcome> {
      demandEdit(user)
      const problems: Problem[] = []
      const minute = form.minuteNumber.trim()
      if (minute !== '' && !/^[0-9A-Za-z][0-9A-Za-z.()/-]{0,19}$/.test(minute))
        problems.push({ field: 'minuteNumber', message: 'The minute number must be short, for example 7 or 7.2' })
      const kind = form.kind.trim() === '' ? 'resolution' : form.kind.trim()
      if (!isKind(kind)) problems.push({ field: 'kind', message: 'Choose what kind of decision it is' })
      const subject = form.subject.trim()
      if (kind !== 'resolution' && subject === '')
        problems.push({ field: 'subject', message: 'Enter what was decided, for example FY2017-18 or FY2017-18-Q4' })
      else if (kind !== 'resolution' && kind !== 'strategy-approval' && !YEAR_SUBJECT.test(subject))
        problems.push({
          field: 'subject',
          message: 'The subject must be a year or a quarter, for example FY2017-18 or FY2017-18-Q4',
        })
      else if ([...subject].length > 60)
        problems.push({ field: 'subject', message: 'The subject must be 60 characters or fewer' })
      const text = form.text.trim()
      if (text === '') problems.push({ field: 'text', message: 'Enter the resolution as minuted' })
      else if ([...text].length > TEXT_LIMITS.text)
        problems.push({ field: 'text', message: `The resolution must be ${TEXT_LIMITS.text} characters or fewer` })
      if (problems.length > 0 || !isKind(kind)) return { ok: false, problems }
      return inUnitOfWork(database, async (uow): Promise<Outcome> => {
        const meeting = await repository.readMeeting(uow, meetingId)
        if (!meeting) throw new MeetingNotFound()
        if (meeting.state !== 'held')
          return refused('text', `Decisions are recorded at a meeting that was held; this one is ${meeting.state}`)
        const body = (await repository.readBodies(uow)).find((b) => b.id === meeting.group_id)
        if (kind !== 'resolution' && body?.kind !== 'board')
          return refused('kind', `${DECISION_KIND_WORDS[kind]} is the board’s decision, not a group’s`)
        const seats = await repository.readSeats(uow, meeting.group_id)
        const roster = rosterOf(seats, meeting, await repository.readAttendance(uow, meetingId))
        const quorum = quorumAt(body, roster)
        if (!quorum.quorate && quorum.reason) return refused('text', quorum.reason)
        const fields = {
          meeting_id: meetingId,
          minute_number: minute === '' ? null : minute,
          kind,
          subject: subject === '' ? null : subject,
          text,
        }
        const id = await repository.insertDecision(uow, fields, stampOf(user), options.illustrative === true)
        await audit.append(
          uow.trx,
          event(user, 'create', 'board-decision', String(id), null, { id, ...fields }, requestId),
        )
        return { ok: true, id }
      })
    },

    /** An action the meeting gave someone: carried as matters arising until closed. */
    async raiseAction(
      user: MeetingUser,
      meetingId: number,
      form: { text: string; owner: string; agencyId: string; dueDate: string },
      requestId: string | null = null,
      options: { readonly illustrative?: boolean } = {},
    ): Promise<Outcome> {
      demandEdit(user)
      const problems: Problem[] = []
      const text = form.text.trim()
      if (text === '') problems.push({ field: 'actionText', message: 'Enter the action' })
      else if ([...text].length > TEXT_LIMITS.text)
        problems.push({ field: 'actionText', message: `The action must be ${TEXT_LIMITS.text} characters or fewer` })
      const owner = form.owner.trim()
      if ([...owner].length > TEXT_LIMITS.name)
        problems.push({ field: 'owner', message: `The owner must be ${TEXT_LIMITS.name} characters or fewer` })
      let agencyId: number | null = null
      if (form.agencyId.trim() !== '') {
        const agency = (await repository.agencies()).find((a) => String(a.id) === form.agencyId.trim())
        if (!agency) problems.push({ field: 'agencyId', message: 'Choose the agency from the partnership’s agencies' })
        else agencyId = agency.id
      }
      const due = readDate(form.dueDate)
      if ('problem' in due)
        problems.push({ field: 'dueDate', message: 'The due date must be a real date, for example 30 9 2018' })
      if (problems.length > 0 || 'problem' in due) return { ok: false, problems }
      return inUnitOfWork(database, async (uow): Promise<Outcome> => {
        const meeting = await repository.readMeeting(uow, meetingId)
        if (!meeting) throw new MeetingNotFound()
        if (meeting.state !== 'held')
          return refused('actionText', `Actions are raised at a meeting that was held; this one is ${meeting.state}`)
        const fields = {
          raised_at_meeting_id: meetingId,
          text,
          owner: owner === '' ? null : owner,
          agency_id: agencyId,
          due_date: due.date,
        }
        const id = await repository.insertAction(uow, fields, stampOf(user), options.illustrative === true)
        await audit.append(
          uow.trx,
          event(user, 'create', 'board-meeting-action', String(id), null, { id, ...fields, status: 'open' }, requestId),
        )
        return { ok: true, id }
      })
    },

    /** Closes an action (done or dropped) at a later held meeting of the body that raised it. */
    async closeAction(
      user: MeetingUser,
      actionId: number,
      form: { status: string; atMeetingId: number; version: number },
      requestId: string | null = null,
    ): Promise<Outcome> {
      demandEdit(user)
      if (form.status !== 'done' && form.status !== 'dropped')
        return refused('status', 'Choose whether the action was done or dropped')
      const status = form.status
      return inUnitOfWork(database, async (uow): Promise<Outcome> => {
        const action = await repository.readAction(uow, actionId)
        if (!action) throw new MeetingNotFound()
        if (action.status !== 'open') return refused('status', 'The action was closed already')
        if (action.version !== form.version)
          return refused('status', 'Someone else changed this action while you were looking: nothing was saved')
        const raised = await repository.readMeeting(uow, action.raised_at_meeting_id)
        if (!raised) throw new MeetingNotFound()
        const at = await laterHeldMeeting(uow, raised, form.atMeetingId, 'status', 'close actions')
        if (isOutcome(at)) return at
        await repository.closeAction(uow, actionId, action.version, status, at.id, stampOf(user))
        await audit.append(
          uow.trx,
          event(
            user,
            'close',
            'board-meeting-action',
            String(actionId),
            { status: 'open' },
            { status, closed_at_meeting_id: at.id },
            requestId,
          ),
        )
        return { ok: true, id: actionId }
      })
    },

    /**
     * Records that a decision made a thing another feature holds (a quarter's sign-off, a publication, an approval):
     * the decision must be the board's, of that kind and subject, at a held meeting. A second link replaces the first.
     */
    async linkDecision(
      user: MeetingUser,
      link: { kind: DecisionKind; subject: string; decisionId: number },
      requestId: string | null = null,
    ): Promise<Outcome> {
      demandEdit(user)
      return inUnitOfWork(database, async (uow): Promise<Outcome> => {
        const decision = await repository.readDecision(uow, link.decisionId)
        if (!decision || decision.kind !== link.kind || decision.subject !== link.subject)
          return refused(
            'decision',
            `Choose a decision of the board’s that is a ${DECISION_KIND_WORDS[link.kind].toLowerCase()} of ${link.subject}`,
          )
        const meeting = await repository.readMeeting(uow, decision.meeting_id)
        const body = (await repository.readBodies(uow)).find((b) => b.id === meeting?.group_id)
        if (meeting?.state !== 'held' || body?.kind !== 'board')
          return refused('decision', 'Choose a decision the board made at a meeting that was held')
        const before = await repository.readLink(uow, link.kind, link.subject)
        await repository.putLink(uow, link.kind, link.subject, link.decisionId, stampOf(user))
        await audit.append(
          uow.trx,
          event(
            user,
            before ? 'update' : 'create',
            'board-decision-link',
            `${link.kind}/${link.subject}`,
            before ? { decision_id: before.decision_id } : null,
            { decision_id: link.decisionId },
            requestId,
          ),
        )
        return { ok: true, id: link.decisionId }
      })
    },
  }
}

export type MeetingService = ReturnType<typeof createMeetingService>

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
