import { demand, type Principal } from '../accounts/permissions.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { partnershipIdOf } from '../db/partnership-scope.ts'
import { londonDate } from '../domain/period.ts'
import type { RetentionDescriptor } from '../retention/retention-descriptor.ts'
import type { ReportingCentreRepository } from './reporting-centre-repository.ts'
import type { ForumMeeting, TensionAssessment, TensionEntry, TensionRepository, Ward } from './tension-repository.ts'
import {
  checkTensionEntry,
  isDate,
  isMonth,
  isReviewOverdue,
  LEVELS,
  previousMonth,
  STATUSES,
  trendOnPreviousMonth,
  type FieldError,
  type TensionEntryInput,
  type TensionStatus,
  type Trend,
} from './tension-rules.ts'

type User = Principal & { readonly email: string }

export type Outcome<T> =
  | { readonly outcome: 'saved'; readonly value: T }
  | { readonly outcome: 'invalid'; readonly errors: readonly FieldError[] }
  | { readonly outcome: 'not-found' }

/** A log entry as the pages show it: with whether its review is overdue today (in England). */
export type TensionEntryShown = TensionEntry & { readonly overdue: boolean }

/** A ward's assessment for a month, with its trend on the month before. */
export type AssessmentShown = TensionAssessment & { readonly previousLevel: number | null; readonly trend: Trend }

/** The partnership-wide view of one month. */
export interface MonthView {
  readonly month: string
  readonly wards: readonly Ward[]
  /** One per ward, in ward order; null where the ward has no assessment that month. */
  readonly assessments: readonly { readonly ward: Ward; readonly assessment: AssessmentShown | null }[]
  /** The log entries dated in the month. */
  readonly entries: readonly TensionEntryShown[]
  /** Entries of any month still open or monitored whose review is overdue. */
  readonly overdue: readonly TensionEntryShown[]
  readonly meetings: readonly ForumMeeting[]
}

/** One ward over time. */
export interface AreaView {
  readonly ward: Ward
  readonly months: readonly string[]
  /** One per month of `months`; null where there is no assessment. */
  readonly points: readonly { readonly month: string; readonly assessment: AssessmentShown | null }[]
  readonly entries: readonly TensionEntryShown[]
  readonly meetings: readonly ForumMeeting[]
}

/** A ward of the ONS lookup, and whether the partnership holds it by name without its code. */
export interface OnsWardShown {
  readonly code: string
  readonly name: string
  /** The held ward of the same name that will be given this code; null when the ward will be added. */
  readonly heldWithoutCode: number | null
}

export interface TensionService {
  wards(viewer: Principal): Promise<Ward[]>
  addWard(user: User, name: string, onsCode: string, requestId?: string | null): Promise<Outcome<number>>
  /**
   * The partnership's wards in the ONS lookup of 2018 that it does not hold yet (by code, or by name for a ward held
   * without its code). Empty when the partnership has no ONS code.
   */
  onsWardsNotHeld(viewer: Principal): Promise<{ readonly listed: number; readonly notHeld: readonly OnsWardShown[] }>
  /**
   * Adds the partnership's ONS wards it does not hold, and gives their codes to wards held by name alone, in one
   * audited unit: what "Add the wards from the ONS lookup" does.
   */
  addOnsWards(user: User, requestId?: string | null): Promise<{ readonly added: number; readonly coded: number }>
  month(viewer: Principal, month: string): Promise<MonthView>
  area(viewer: Principal, wardId: number, months: readonly string[]): Promise<AreaView | null>
  entry(viewer: Principal, id: number): Promise<TensionEntryShown | null>
  /** The choices of the entry form. */
  formChoices(viewer: Principal): Promise<{ wards: Ward[]; centres: { id: number; organisation: string }[] }>
  addEntry(
    user: User,
    input: TensionEntryInput,
    requestId?: string | null,
  ): Promise<Outcome<{ id: number; reference: string }>>
  /** Changes an entry's status, review date and response; closing it starts its retention clock (today, in England). */
  updateEntry(
    user: User,
    id: number,
    input: { status: string; reviewDate: string; response: string; responseOwner: string },
    requestId?: string | null,
  ): Promise<Outcome<boolean>>
  saveAssessment(
    user: User,
    input: { month: string; wardId: string; level: string; note: string; meetingId: string },
    requestId?: string | null,
  ): Promise<Outcome<'created' | 'updated' | 'unchanged'>>
  forumMeetings(viewer: Principal): Promise<ForumMeeting[]>
}

export function createTensionService(deps: {
  readonly database: Database
  readonly repository: TensionRepository
  readonly centres: ReportingCentreRepository
  readonly audit: AuditRepository
  /** The partnership's wards in the ONS lookup (src/crime/geography/wards.ts); none when it has no ONS code. */
  readonly onsWards?: () => readonly { readonly code: string; readonly name: string }[]
  readonly now?: () => Date
}): TensionService {
  const { database, repository } = deps
  const now = deps.now ?? (() => new Date())
  const read = (): UnitOfWork => ({
    trx: database.db,
    dialect: database.dialect,
    partnershipId: partnershipIdOf(database),
  })
  const view = (viewer: Principal) => demand(viewer, 'statutory:view')
  const edit = (user: Principal) => demand(user, 'statutory:edit')
  const shown =
    (today: string) =>
    (e: TensionEntry): TensionEntryShown => ({ ...e, overdue: isReviewOverdue(e, today) })

  /** Assessments with their trend on the calendar month before (read from the same rows). */
  const withTrend = (all: readonly TensionAssessment[]) => {
    const level = new Map(all.map((a) => [`${a.wardId}/${a.month}`, a.level]))
    return (a: TensionAssessment): AssessmentShown => {
      const previousLevel = level.get(`${a.wardId}/${previousMonth(a.month)}`) ?? null
      return { ...a, previousLevel, trend: trendOnPreviousMonth(a.level, previousLevel) }
    }
  }

  async function choices() {
    const uow = read()
    const [wards, centres] = await Promise.all([repository.wards(uow), deps.centres.centres(uow)])
    return {
      wards,
      centres: centres.filter((c) => c.closedOn === null).map((c) => ({ id: c.id, organisation: c.organisation })),
    }
  }

  /** The ONS wards the partnership does not hold by code, matched by name to wards held without one. */
  async function notHeld(uow: UnitOfWork) {
    const listed = deps.onsWards?.() ?? []
    const held = await repository.wards(uow)
    const codes = new Set(held.map((w) => w.onsCode).filter((c) => c !== null))
    const uncoded = new Map(held.filter((w) => w.onsCode === null).map((w) => [w.name.toLowerCase(), w.id]))
    // A ward held by name under another code (a newer boundary's) is left as the partnership recorded it.
    const codedNames = new Set(held.filter((w) => w.onsCode !== null).map((w) => w.name.toLowerCase()))
    const missing = listed
      .filter((w) => !codes.has(w.code) && !codedNames.has(w.name.toLowerCase()))
      .map((w) => ({ code: w.code, name: w.name, heldWithoutCode: uncoded.get(w.name.toLowerCase()) ?? null }))
    return { listed: listed.length, notHeld: missing }
  }

  return {
    async wards(viewer) {
      view(viewer)
      return repository.wards(read())
    },
    async addWard(user, name, onsCode, requestId = null) {
      edit(user)
      const errors: FieldError[] = []
      const n = name.trim()
      const code = onsCode.trim().toUpperCase()
      if (n === '' || n.length > 100)
        errors.push({ field: 'name', message: 'Enter the ward’s name (up to 100 characters)' })
      if (code !== '' && !/^[EW]05\d{6}$/.test(code))
        errors.push({
          field: 'onsCode',
          message: 'An ONS ward code is E05 or W05 and six digits, e.g. E05001313; or leave it empty',
        })
      if (errors.length === 0 && (await repository.wards(read())).some((w) => w.name.toLowerCase() === n.toLowerCase()))
        errors.push({ field: 'name', message: `The partnership has a ward named ${n} already` })
      if (errors.length > 0) return { outcome: 'invalid', errors }
      const id = await inUnitOfWork(database, (uow) =>
        repository.addWard(uow, { name: n, onsCode: code || null, illustrative: false }, user.email, requestId),
      )
      return { outcome: 'saved', value: id }
    },
    async onsWardsNotHeld(viewer) {
      view(viewer)
      return notHeld(read())
    },
    async addOnsWards(user, requestId = null) {
      edit(user)
      return inUnitOfWork(database, async (uow) => {
        const { notHeld: missing } = await notHeld(uow)
        let added = 0
        let coded = 0
        for (const ward of missing) {
          if (ward.heldWithoutCode === null) {
            await repository.addWard(
              uow,
              { name: ward.name, onsCode: ward.code, illustrative: false },
              user.email,
              requestId,
            )
            added++
          } else {
            await repository.setWardCode(uow, ward.heldWithoutCode, ward.code, user.email, requestId)
            coded++
          }
        }
        return { added, coded }
      })
    },
    async month(viewer, month) {
      view(viewer)
      const uow = read()
      const today = londonDate(now())
      const [wards, assessments, entries, open, meetings] = await Promise.all([
        repository.wards(uow),
        repository.assessments(uow, { from: previousMonth(month), to: month }),
        repository.entries(uow, { from: `${month}-01`, to: `${month}-31` }),
        repository.entries(uow),
        repository.forumMeetings(uow),
      ])
      const trend = withTrend(assessments)
      return {
        month,
        wards,
        assessments: wards.map((ward) => {
          const found = assessments.find((a) => a.wardId === ward.id && a.month === month)
          return { ward, assessment: found ? trend(found) : null }
        }),
        entries: entries.map(shown(today)),
        overdue: open.map(shown(today)).filter((e) => e.overdue),
        meetings,
      }
    },
    async area(viewer, wardId, months) {
      view(viewer)
      const uow = read()
      const ward = (await repository.wards(uow)).find((w) => w.id === wardId)
      if (!ward) return null
      const first = months[0] ?? '0000-01'
      const last = months[months.length - 1] ?? '9999-12'
      const [assessments, entries, meetings] = await Promise.all([
        repository.assessments(uow, { wardId, from: previousMonth(first), to: last }),
        repository.entries(uow, { wardId }),
        repository.forumMeetings(uow),
      ])
      const trend = withTrend(assessments)
      const today = londonDate(now())
      return {
        ward,
        months,
        points: months.map((month) => {
          const found = assessments.find((a) => a.month === month)
          return { month, assessment: found ? trend(found) : null }
        }),
        entries: entries.map(shown(today)),
        meetings,
      }
    },
    async entry(viewer, id) {
      view(viewer)
      const found = await repository.entry(read(), id)
      return found ? shown(londonDate(now()))(found) : null
    },
    async formChoices(viewer) {
      view(viewer)
      return choices()
    },
    async addEntry(user, input, requestId = null) {
      edit(user)
      const { wards, centres } = await choices()
      const checked = checkTensionEntry(input, new Set(wards.map((w) => w.id)), new Set(centres.map((c) => c.id)))
      if (!checked.ok) return { outcome: 'invalid', errors: checked.errors }
      const value = checked.value
      const today = londonDate(now())
      const created = await inUnitOfWork(database, async (uow) => {
        const reference = await repository.nextReference(uow, value.entryDate.slice(0, 4))
        const id = await repository.addEntry(
          uow,
          { ...value, reference, closedOn: value.status === 'closed' ? today : null, illustrative: false },
          user.email,
          requestId,
        )
        return { id, reference }
      })
      return { outcome: 'saved', value: created }
    },
    async updateEntry(user, id, input, requestId = null) {
      edit(user)
      const errors: FieldError[] = []
      if (!(STATUSES as readonly string[]).includes(input.status))
        errors.push({ field: 'status', message: 'Select open, monitoring or closed' })
      const reviewDate = input.reviewDate.trim()
      if (reviewDate !== '' && !isDate(reviewDate))
        errors.push({ field: 'reviewDate', message: 'Enter the review date as YYYY-MM-DD' })
      if (input.status !== 'closed' && reviewDate === '')
        errors.push({ field: 'reviewDate', message: 'Enter when it will next be reviewed (it is still open)' })
      if (input.response.length > 2000)
        errors.push({ field: 'response', message: 'The response must be 2000 characters or fewer' })
      if (errors.length > 0) return { outcome: 'invalid', errors }
      const today = londonDate(now())
      return inUnitOfWork(database, async (uow): Promise<Outcome<boolean>> => {
        const before = await repository.entry(uow, id)
        if (!before) return { outcome: 'not-found' }
        const status = input.status as TensionStatus
        // Closing starts the retention clock today; it keeps its date while closed, and stops if reopened.
        const closedOn = status === 'closed' ? (before.closedOn ?? today) : null
        const changed = await repository.updateEntry(
          uow,
          id,
          {
            status,
            reviewDate: reviewDate || null,
            response: input.response.trim() || null,
            responseOwner: input.responseOwner.trim() || null,
            closedOn,
          },
          user.email,
          requestId,
        )
        return { outcome: 'saved', value: changed }
      })
    },
    async saveAssessment(user, input, requestId = null) {
      edit(user)
      const errors: FieldError[] = []
      const uow = read()
      const [wards, meetings] = await Promise.all([repository.wards(uow), repository.forumMeetings(uow)])
      if (!isMonth(input.month)) errors.push({ field: 'month', message: 'Enter the month as YYYY-MM' })
      const wardId = Number(input.wardId)
      if (!wards.some((w) => w.id === wardId)) errors.push({ field: 'wardId', message: 'Select the ward' })
      const level = Number(input.level)
      if (!(LEVELS as readonly number[]).includes(level))
        errors.push({ field: 'level', message: 'Select a level from 1 to 5' })
      const note = input.note.trim()
      if (note.length > 2000) errors.push({ field: 'note', message: 'The note must be 2000 characters or fewer' })
      let meetingId: number | null = null
      if (input.meetingId.trim() !== '') {
        meetingId = Number(input.meetingId)
        if (!meetings.some((m) => m.id === meetingId))
          errors.push({ field: 'meetingId', message: 'Select a meeting of the Community Cohesion Forum, or none' })
      }
      if (errors.length > 0) return { outcome: 'invalid', errors }
      const result = await inUnitOfWork(database, (w) =>
        repository.saveAssessment(
          w,
          { month: input.month, wardId, level, note: note || null, meetingId, illustrative: false },
          user.email,
          requestId,
        ),
      )
      return { outcome: 'saved', value: result }
    },
    async forumMeetings(viewer) {
      view(viewer)
      return repository.forumMeetings(read())
    },
  }
}

/** Default: three years after an entry is closed (see the README's retention section for why). */
export const TENSION_ENTRY_DEFAULT_MONTHS = 36

/** Tension log entries in retention: the clock starts when an entry is closed; the reference labels it. */
export function tensionEntryRetention(repository: TensionRepository): RetentionDescriptor {
  return {
    recordType: 'tension-entry',
    name: 'Community tension log entries',
    table: 'tension_entries',
    clockColumn: 'closed_on',
    clockStarts: 'when the entry is closed',
    labelColumn: 'reference',
    defaultMonths: TENSION_ENTRY_DEFAULT_MONTHS,
    defaultReason:
      'Suggested default: three years after closing keeps three years of closed entries for comparing tensions year on year; confirm with the partnership’s data protection officer.',
    delete: (uow, id, actor, requestId) => repository.deleteEntry(uow, id, actor, requestId),
  }
}
