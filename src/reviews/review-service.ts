import { can, type Principal } from '../accounts/permissions.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import {
  EVENT_WORDS,
  GUIDANCE_VERSIONS,
  REFERENCE_PATTERN,
  REVIEW_KINDS,
  STATE_WORDS,
  caseReference,
  isDate,
  notifiedCase,
  overdueOf,
  takeStep,
  type CaseEvent,
  type RecommendationStatus,
  type ReviewCase,
  type ReviewKind,
} from '../domain/death-review.ts'
import { addMonths, londonDate } from '../domain/period.ts'
import type { CaseTextCipher } from './case-text-cipher.ts'
import { DEATH_REVIEW_RETENTION, retentionClockOf } from './review-retention.ts'
import type { CaseChanges, CaseRow, RecommendationRow, ReviewRepository } from './review-repository.ts'

/** The audit trail's entity types of the register: the audit pages hide every `death-review*` event from outsiders. */
export const REVIEW_ENTITY = 'death-review'
export const REGISTER_ENTITY = 'death-review-register'
export const REVIEW_ENTITY_PREFIX = 'death-review'

/** The person asking. */
export interface ReviewUser extends Principal {
  readonly id: number
  readonly email: string
}

/** The case does not exist, or this person may not know it exists: always shown as 404. */
export class ReviewNotFound extends Error {
  constructor() {
    super('Not found')
    this.name = 'ReviewNotFound'
  }
}

/** A step the process does not allow now: 409 on the API, an error summary on the page. */
export class StepRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StepRefused'
  }
}

export interface Problem {
  readonly field: string
  readonly message: string
}

/** How this session may open a case: the reason given this session (members) or a broken glass (others). */
export type SessionAccess = Readonly<Record<string, 'reason' | 'break-glass'>>

/** A case as the register's list shows it: its reference, kind, state and dates; never any text. */
export interface CaseSummary {
  readonly reference: string
  readonly kindText: string
  readonly stateText: string
  readonly notifiedOn: string
  readonly decisionDueOn: string
  readonly reportDueOn: string | null
  readonly leadPartnership: string | null
  /** A demo case whose dates the seed does not give. */
  readonly illustrative: boolean
  readonly overdue: { readonly decision: boolean; readonly report: boolean; readonly recommendations: number }
}

export interface CaseDetail extends CaseSummary {
  readonly state: ReviewCase['state']
  readonly kind: ReviewKind
  readonly guidanceText: string
  readonly notifiedBy: string
  readonly circumstances: string
  readonly decision: string | null
  readonly decidedOn: string | null
  readonly homeOfficeInformedOn: string | null
  readonly homeOfficeResponseOn: string | null
  readonly submittedOn: string | null
  readonly approvers: readonly string[]
  readonly publishedOn: string | null
  readonly commissionerCopiedOn: string | null
  readonly closedOn: string | null
  readonly agencyReports: ReviewCase['agencyReports']
  readonly timeline: readonly {
    readonly on: string
    readonly what: string
    readonly agency: string | null
    readonly outcome: string | null
    readonly dueOn: string | null
    readonly detail: string | null
    readonly by: string
  }[]
  readonly recommendations: readonly {
    readonly number: number
    readonly text: string
    readonly owner: string
    readonly dueOn: string
    readonly status: RecommendationStatus
    readonly overdue: boolean
  }[]
  readonly members: readonly { readonly name: string; readonly email: string; readonly roleOnCase: string }[]
  readonly access: readonly {
    readonly actor: string
    readonly kind: string
    readonly reason: string
    readonly at: string
  }[]
  readonly canEdit: boolean
}

export interface NotificationForm {
  readonly kind: string
  readonly guidanceVersion: string
  readonly notifiedOn: string
  readonly notifiedBy: string
  readonly circumstances: string
}

export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly Problem[] }

export interface ReviewServiceDeps {
  readonly database: Database
  readonly repository: ReviewRepository
  readonly audit: Pick<AuditRepository, 'append' | 'list'>
  readonly cipher: CaseTextCipher
  readonly partnershipId: number
  /** The partnership's people (to name one on a case, or grant the register). */
  readonly people: () => Promise<readonly { readonly id: number; readonly email: string; readonly name: string }[]>
  /**
   * The partnership's retention period of a death review record type (src/retention/ keeps it); the default when not
   * given.
   */
  readonly retentionPeriod?: (recordType: string) => Promise<{ readonly periodMonths: number; readonly reason: string }>
  readonly now?: () => Date
}

/** A closed case due for deletion under its record type's retention period: its reference and dates, no text. */
export interface CaseDueForDeletion {
  readonly reference: string
  readonly kindText: string
  readonly clockStarted: string
  readonly dueOn: string
}

/** A record type of the register in retention, its period and the cases due (inside the compartment only). */
export interface CaseRetentionReview {
  readonly recordType: string
  readonly name: string
  readonly clockStarts: string
  readonly periodMonths: number
  readonly reason: string
  readonly due: readonly CaseDueForDeletion[]
}

/** What remains of a case deleted: the audit event's tombstone (reference, kind, dates, who, when, why). */
export interface CaseTombstone {
  readonly reference: string
  readonly kindText: string
  readonly recordName: string | null
  readonly clockStarted: string | null
  readonly periodMonths: number | null
  readonly deletedAt: string
  readonly deletedBy: string
  readonly reason: string
}

/** A case's retention as its deletion's confirmation shows it (clock and due date null while it is open). */
export interface CaseRetention {
  readonly reference: string
  readonly kindText: string
  readonly stateText: string
  readonly recordName: string | null
  readonly clockStarted: string | null
  readonly dueOn: string | null
  readonly due: boolean
}

export type CaseDeletion =
  | { readonly outcome: 'deleted' }
  | { readonly outcome: 'not-due'; readonly dueOn: string | null }
  | { readonly outcome: 'invalid'; readonly problems: readonly Problem[] }

const TEXT_LIMIT = 5000

/** The text fields of each step (encrypted), by the step's kind. */
const STEP_TEXT: Partial<Record<CaseEvent['kind'], string>> = {
  decide: 'reasons',
  'record-home-office-response': 'response',
  'appoint-chair': 'statementOfIndependence',
  'set-up-panel': 'termsOfReference',
  'contact-family': 'notes',
  'record-quality-assurance-outcome': 'notes',
  extend: 'reason',
  close: 'notes',
  'add-recommendation': 'text',
}

function kindText(kind: ReviewKind): string {
  return REVIEW_KINDS.find((k) => k.value === kind)?.text ?? kind
}

/** The state machine's view of a stored case (its agencies' reports and recommendations from their rows). */
function machineCase(
  row: CaseRow,
  agencyReports: ReviewCase['agencyReports'],
  recommendations: readonly { status: RecommendationStatus }[],
): ReviewCase {
  return {
    state: row.state,
    notifiedOn: row.notified_on,
    decision: row.decision,
    decidedOn: row.decided_on,
    decisionDueOn: row.decision_due_on,
    reportDueOn: row.report_due_on,
    homeOfficeInformedOn: row.home_office_informed_on,
    homeOfficeResponseOn: row.home_office_response_on,
    leadPartnership: row.lead_partnership,
    submittedOn: row.submitted_on,
    publicationApprovers: [row.first_approver, row.second_approver].filter((a): a is string => a !== null),
    publishedOn: row.published_on,
    agencyReports,
    recommendations,
  }
}

/** The agencies' reports, from the timeline's request and receipt rows. */
function agencyReportsOf(events: readonly { event: string; agency: string | null; occurred_on: string }[]) {
  const reports: { agency: string; requestedOn: string; receivedOn: string | null }[] = []
  for (const e of events) {
    if (e.event === 'request-agency-report' && e.agency) {
      reports.push({ agency: e.agency, requestedOn: e.occurred_on, receivedOn: null })
    }
    if (e.event === 'receive-agency-report' && e.agency) {
      const report = reports.find((r) => r.agency.toLowerCase() === e.agency?.toLowerCase())
      if (report) report.receivedOn = e.occurred_on
    }
  }
  return reports
}

/** The plain columns of a case, for the audit trail's before and after: dates, states and codes, never text. */
function auditedColumns(row: CaseRow | (CaseRow & CaseChanges)) {
  return {
    reference: row.reference,
    kind: row.kind,
    guidanceVersion: row.guidance_version,
    state: row.state,
    notifiedOn: row.notified_on,
    decision: row.decision,
    decidedOn: row.decided_on,
    decisionDueOn: row.decision_due_on,
    reportDueOn: row.report_due_on,
    homeOfficeInformedOn: row.home_office_informed_on,
    homeOfficeResponseOn: row.home_office_response_on,
    leadPartnership: row.lead_partnership,
    submittedOn: row.submitted_on,
    publishedOn: row.published_on,
    closedOn: row.closed_on,
  }
}

/**
 * The register of reviews after a death, behind its compartment: only people named on a case, or granted the
 * register, can know a case exists (everyone else is told "not found"); someone with 'dhr:break-glass' may open one
 * case by giving a reason. Every read of a case and every change is one unit of work with its audit event
 * (entity `death-review`, the reference only: the audit trail's before and after hold dates and states and the names
 * of the text fields changed, never their text). Free text is sealed before it is stored.
 */
export function createReviewService(deps: ReviewServiceDeps) {
  const { database, repository, audit, cipher, partnershipId } = deps
  const now = deps.now ?? (() => new Date())
  const seal = (reference: string, field: string, text: string) =>
    cipher.seal(text, { partnershipId, reference, field })
  const open = (reference: string, field: string, sealed: string) =>
    cipher.open(sealed, { partnershipId, reference, field })

  /** Who may see which cases: `all` (granted the register) or the cases the person is named on. */
  async function compartmentOf(uow: UnitOfWork, user: ReviewUser): Promise<{ granted: boolean; caseIds: number[] }> {
    const [granted, caseIds] = await Promise.all([
      repository.isGranted(uow, user.id),
      repository.memberCaseIds(uow, user.id),
    ])
    return { granted, caseIds }
  }

  /** The case if the person is in its compartment (or broke the glass for it this session); else not found. */
  async function visibleCase(
    uow: UnitOfWork,
    user: ReviewUser,
    reference: string,
    access: SessionAccess,
  ): Promise<{ row: CaseRow; named: boolean }> {
    if (!REFERENCE_PATTERN.test(reference)) throw new ReviewNotFound()
    const row = await repository.caseByReference(uow, reference)
    if (!row) throw new ReviewNotFound()
    const compartment = await compartmentOf(uow, user)
    const named = compartment.granted || compartment.caseIds.includes(row.id)
    const glass = access[reference] === 'break-glass' && can(user, 'dhr:break-glass')
    if (!named && !glass) throw new ReviewNotFound()
    return { row, named }
  }

  function summaryOf(
    row: CaseRow,
    recommendationDates: readonly { due_on: string; status: RecommendationStatus }[],
    today: string,
  ): CaseSummary {
    const overdue = overdueOf(
      machineCase(row, [], []),
      today,
      recommendationDates.map((r) => ({ dueOn: r.due_on, status: r.status })),
    )
    return {
      reference: row.reference,
      kindText: kindText(row.kind),
      stateText: STATE_WORDS[row.state],
      notifiedOn: row.notified_on,
      decisionDueOn: row.decision_due_on,
      reportDueOn: row.report_due_on,
      leadPartnership: row.lead_partnership,
      illustrative: row.illustrative === 1,
      overdue,
    }
  }

  type Periods = ReadonlyMap<string, { readonly periodMonths: number; readonly reason: string }>

  /**
   * Each record type's period: the partnership's, or the policy's default. Read before a unit of work opens (the
   * retention service reads on its own handle, which must not wait on this one's transaction).
   */
  async function periods(): Promise<Periods> {
    const map = new Map<string, { periodMonths: number; reason: string }>()
    for (const policy of DEATH_REVIEW_RETENTION)
      map.set(
        policy.recordType,
        deps.retentionPeriod
          ? await deps.retentionPeriod(policy.recordType)
          : { periodMonths: policy.defaultMonths, reason: policy.defaultReason },
      )
    return map
  }

  /** A case's retention: its record type, clock, period and due date (null while the case is open). */
  function retentionOf(row: CaseRow, periodsOf: Periods) {
    const clock = retentionClockOf(row)
    if (!clock) return null
    const policy = DEATH_REVIEW_RETENTION.find((p) => p.recordType === clock.recordType)
    const period = periodsOf.get(clock.recordType)
    if (!period) throw new Error(`No retention period for ${clock.recordType}`)
    return {
      ...clock,
      recordName: policy?.name ?? clock.recordType,
      ...period,
      dueOn: addMonths(clock.clockStarted, period.periodMonths),
    }
  }

  /**
   * Retention inside the compartment is for those who hold the whole register (a person named on one case sees too
   * little to review the register's retention) and may manage retention: everyone else is told it does not exist.
   */
  async function requireRetentionManager(uow: UnitOfWork, user: ReviewUser): Promise<void> {
    if (!can(user, 'retention:manage') || !(await repository.isGranted(uow, user.id))) throw new ReviewNotFound()
  }

  /** Deletes a case and all its rows, its audit event the tombstone: the reference, kind, dates, who and why. */
  async function removeCase(
    uow: UnitOfWork,
    row: CaseRow,
    actor: string,
    why: string,
    retention: Readonly<Record<string, unknown>> = {},
  ): Promise<void> {
    await repository.deleteCase(uow, row.id)
    await audit.append(uow.trx, {
      actor,
      action: 'delete',
      entityType: REVIEW_ENTITY,
      entityKey: row.reference,
      before: auditedColumns(row),
      after: {
        tombstone: true,
        reference: row.reference,
        kind: row.kind,
        notifiedOn: row.notified_on,
        closedOn: row.closed_on,
        deletedBy: actor,
        reason: why,
        ...retention,
      },
    })
  }

  return {
    /**
     * Whether the person may reach the register at all: granted it, named on a case, or (for the break-glass page
     * only) holding 'dhr:break-glass'. Everyone else is told the register's pages do not exist.
     */
    async mayEnter(user: ReviewUser, purpose: 'register' | 'break-glass'): Promise<boolean> {
      if (purpose === 'break-glass') return can(user, 'dhr:break-glass')
      return inUnitOfWork(database, async (uow) => {
        const compartment = await compartmentOf(uow, user)
        return compartment.granted || compartment.caseIds.length > 0
      })
    },

    /** Whether the person may record a notification (a new case): those granted the register. */
    async mayNotify(user: ReviewUser): Promise<boolean> {
      return inUnitOfWork(database, (uow) => repository.isGranted(uow, user.id))
    },

    /** The cases the person may know of, newest notification last; the listing is audited (no references in it). */
    async list(user: ReviewUser): Promise<CaseSummary[]> {
      return inUnitOfWork(database, async (uow) => {
        const compartment = await compartmentOf(uow, user)
        if (!compartment.granted && compartment.caseIds.length === 0) throw new ReviewNotFound()
        const rows = await repository.listCases(uow, compartment.granted ? null : compartment.caseIds)
        const dates = await repository.allRecommendationDates(uow)
        const today = londonDate(now())
        await audit.append(uow.trx, {
          actor: user.email,
          action: 'list',
          entityType: REGISTER_ENTITY,
          entityKey: 'register',
          before: null,
          after: { cases: rows.length },
        })
        return rows.map((row) =>
          summaryOf(
            row,
            dates.filter((d) => d.case_id === row.id),
            today,
          ),
        )
      })
    },

    /** Whether the case exists for this person and whether they must still give a reason to open it this session. */
    async needsReason(user: ReviewUser, reference: string, access: SessionAccess): Promise<boolean> {
      return inUnitOfWork(database, async (uow) => {
        await visibleCase(uow, user, reference, access)
        return access[reference] === undefined
      })
    },

    /**
     * Records the reason someone gives to open a case (each session), or to break the glass (someone not named on it,
     * with 'dhr:break-glass'): sealed, listed on the case, audited (the reference and the kind of access, not the
     * reason's text). A break-glass for a case that does not exist is refused as not found.
     */
    async recordAccess(
      user: ReviewUser,
      reference: string,
      reason: string,
      kind: 'reason' | 'break-glass',
    ): Promise<Outcome<'reason' | 'break-glass'>> {
      const text = reason.trim()
      if (text === '')
        return { ok: false, problems: [{ field: 'reason', message: 'Enter the reason you need to open this case' }] }
      if (text.length > 1000)
        return { ok: false, problems: [{ field: 'reason', message: 'The reason must be 1,000 characters or fewer' }] }
      return inUnitOfWork(database, async (uow) => {
        let row: CaseRow
        let granted: 'reason' | 'break-glass' = kind
        if (kind === 'break-glass') {
          if (!can(user, 'dhr:break-glass') || !REFERENCE_PATTERN.test(reference)) throw new ReviewNotFound()
          const found = await repository.caseByReference(uow, reference)
          if (!found) throw new ReviewNotFound()
          row = found
          const compartment = await compartmentOf(uow, user)
          // Someone named on it needs no glass broken: their reason is recorded as an ordinary one.
          if (compartment.granted || compartment.caseIds.includes(row.id)) granted = 'reason'
        } else {
          row = (await visibleCase(uow, user, reference, {})).row
        }
        const at = now().toISOString()
        await repository.insertAccess(uow, {
          case_id: row.id,
          user_id: user.id,
          actor: user.email,
          kind: granted,
          reason_sealed: seal(reference, `access-reason:${at}:${user.id}`, text),
          opened_at: at,
        })
        await audit.append(uow.trx, {
          actor: user.email,
          action: granted === 'break-glass' ? 'break-glass' : 'give-reason',
          entityType: REVIEW_ENTITY,
          entityKey: reference,
          before: null,
          after: { reference, access: granted, fieldsSet: ['reason'] },
        })
        return { ok: true, value: granted }
      })
    },

    /** A case with its text opened, for its own pages: audited as a read. Throws ReviewNotFound outside it. */
    async detail(user: ReviewUser, reference: string, access: SessionAccess): Promise<CaseDetail> {
      return inUnitOfWork(database, async (uow) => {
        const { row, named } = await visibleCase(uow, user, reference, access)
        if (access[reference] === undefined) throw new ReviewNotFound()
        const [events, recommendations, members, accessRows] = await Promise.all([
          repository.events(uow, row.id),
          repository.recommendations(uow, row.id),
          repository.members(uow, row.id),
          repository.access(uow, row.id),
        ])
        const today = londonDate(now())
        await audit.append(uow.trx, {
          actor: user.email,
          action: 'read',
          entityType: REVIEW_ENTITY,
          entityKey: reference,
          before: null,
          after: { reference, access: access[reference] },
        })
        const summary = summaryOf(row, recommendations, today)
        return {
          ...summary,
          state: row.state,
          kind: row.kind,
          guidanceText: GUIDANCE_VERSIONS.find((g) => g.value === row.guidance_version)?.text ?? row.guidance_version,
          notifiedBy: open(reference, 'notifiedBy', row.notified_by_sealed),
          circumstances: open(reference, 'circumstances', row.circumstances_sealed),
          decision: row.decision,
          decidedOn: row.decided_on,
          homeOfficeInformedOn: row.home_office_informed_on,
          homeOfficeResponseOn: row.home_office_response_on,
          submittedOn: row.submitted_on,
          approvers: [row.first_approver, row.second_approver].filter((a): a is string => a !== null),
          publishedOn: row.published_on,
          commissionerCopiedOn: row.commissioner_copied_on,
          closedOn: row.closed_on,
          agencyReports: agencyReportsOf(events),
          timeline: events.map((e) => ({
            on: e.occurred_on,
            what: EVENT_WORDS[e.event as keyof typeof EVENT_WORDS] ?? e.event,
            agency: e.agency,
            outcome: e.outcome,
            dueOn: e.due_on,
            detail: e.detail_sealed === null ? null : open(reference, `event:${e.id}`, e.detail_sealed),
            by: e.recorded_by,
          })),
          recommendations: recommendations.map((r) => ({
            number: r.number,
            text: open(reference, `recommendation:${r.number}`, r.text_sealed),
            owner: r.owner,
            dueOn: r.due_on,
            status: r.status,
            overdue: (r.status === 'not-started' || r.status === 'in-progress') && today > r.due_on,
          })),
          members: members.map((m) => ({ name: m.name, email: m.email, roleOnCase: m.roleOnCase })),
          access: accessRows.map((a) => ({
            actor: a.actor,
            kind: a.kind,
            reason: open(reference, `access-reason:${a.opened_at}:${a.user_id}`, a.reason_sealed),
            at: a.opened_at,
          })),
          canEdit: named,
        }
      })
    },

    /**
     * Records a notification: a new case with a generated pseudonymous reference, its decision due one calendar
     * month on; the person recording it is named on it as its officer. Only those granted the register.
     */
    async notify(
      user: ReviewUser,
      form: NotificationForm,
      options: { readonly illustrative?: boolean } = {},
    ): Promise<Outcome<string>> {
      const problems: Problem[] = []
      const kind = REVIEW_KINDS.find((k) => k.value === form.kind)?.value
      if (!kind) problems.push({ field: 'kind', message: 'Choose the kind of review' })
      if (!GUIDANCE_VERSIONS.some((g) => g.value === form.guidanceVersion)) {
        problems.push({ field: 'guidanceVersion', message: 'Choose the guidance the case follows' })
      }
      if (!isDate(form.notifiedOn))
        problems.push({ field: 'notifiedOn', message: 'Enter the date of the notification as a real date' })
      if (form.notifiedBy.trim() === '')
        problems.push({ field: 'notifiedBy', message: 'Enter who notified the partnership' })
      if (form.circumstances.trim() === '')
        problems.push({ field: 'circumstances', message: 'Enter the circumstances as known' })
      if (form.circumstances.length > TEXT_LIMIT) {
        problems.push({ field: 'circumstances', message: 'The circumstances must be 5,000 characters or fewer' })
      }
      if (problems.length > 0 || !kind) return { ok: false, problems }
      return inUnitOfWork(database, async (uow) => {
        if (!(await repository.isGranted(uow, user.id))) throw new ReviewNotFound()
        const prefix = caseReference(kind, form.notifiedOn, 0).slice(0, -2)
        const reference = caseReference(kind, form.notifiedOn, (await repository.countReferences(uow, prefix)) + 1)
        const start = notifiedCase(form.notifiedOn)
        const at = now().toISOString()
        const row = {
          reference,
          kind,
          guidance_version: form.guidanceVersion,
          state: start.state,
          notified_on: start.notifiedOn,
          notified_by_sealed: seal(reference, 'notifiedBy', form.notifiedBy.trim()),
          circumstances_sealed: seal(reference, 'circumstances', form.circumstances.trim()),
          decision: null,
          decided_on: null,
          decision_due_on: start.decisionDueOn,
          report_due_on: null,
          home_office_informed_on: null,
          home_office_response_on: null,
          lead_partnership: null,
          submitted_on: null,
          first_approver: null,
          second_approver: null,
          published_on: null,
          commissioner_copied_on: null,
          closed_on: null,
          illustrative: options.illustrative ? 1 : 0,
          created_at: at,
          updated_at: at,
          updated_by: user.email,
        }
        const id = await repository.insertCase(uow, row)
        await repository.insertEvent(uow, {
          case_id: id,
          event: 'notify',
          occurred_on: start.notifiedOn,
          agency: null,
          outcome: null,
          due_on: start.decisionDueOn,
          detail_sealed: null,
          recorded_at: at,
          recorded_by: user.email,
        })
        await repository.addMember(uow, {
          case_id: id,
          user_id: user.id,
          role_on_case: 'officer',
          added_at: at,
          added_by: user.email,
        })
        await audit.append(uow.trx, {
          actor: user.email,
          action: 'create',
          entityType: REVIEW_ENTITY,
          entityKey: reference,
          before: null,
          after: {
            ...auditedColumns({ ...row, id, partnership_id: partnershipId, version: 1 }),
            fieldsSet: ['notifiedBy', 'circumstances'],
          },
        })
        return { ok: true, value: reference }
      })
    },

    /**
     * Takes one step on a case (the state machine decides whether it may be taken now): the case's columns, a row
     * of its timeline with the step's text sealed, and an audit event, in one unit of work. Refused steps throw
     * `StepRefused`; bad input is a problem for the form.
     */
    async step(user: ReviewUser, reference: string, event: CaseEvent, access: SessionAccess): Promise<Outcome<null>> {
      return inUnitOfWork(database, async (uow) => {
        const { row, named } = await visibleCase(uow, user, reference, access)
        // Breaking the glass opens a case to read, not to work.
        if (!named) throw new StepRefused('You opened this case by breaking the glass: you may read it, not change it')
        const [events, recommendations] = await Promise.all([
          repository.events(uow, row.id),
          repository.recommendations(uow, row.id),
        ])
        const textField = STEP_TEXT[event.kind]
        const text = textField ? String((event as unknown as Record<string, unknown>)[textField] ?? '').trim() : ''
        if (text.length > TEXT_LIMIT)
          return {
            ok: false,
            problems: [{ field: textField ?? 'text', message: 'The text must be 5,000 characters or fewer' }],
          }
        const stepEvent = event.kind === 'approve-publication' ? { ...event, approver: user.email } : event
        const outcome = takeStep(machineCase(row, agencyReportsOf(events), recommendations), stepEvent)
        if (!outcome.ok) {
          if (outcome.kind === 'refused') throw new StepRefused(outcome.message)
          return { ok: false, problems: [{ field: outcome.field, message: outcome.message }] }
        }
        const next = outcome.next
        const at = now().toISOString()
        const changes: CaseChanges = {
          state: next.state,
          decision: next.decision,
          decided_on: next.decidedOn,
          decision_due_on: next.decisionDueOn,
          report_due_on: next.reportDueOn,
          home_office_informed_on: next.homeOfficeInformedOn,
          home_office_response_on: next.homeOfficeResponseOn,
          lead_partnership: next.leadPartnership,
          submitted_on: next.submittedOn,
          first_approver: next.publicationApprovers[0] ?? null,
          second_approver: next.publicationApprovers[1] ?? null,
          published_on: next.publishedOn,
          ...(event.kind === 'publish' ? { commissioner_copied_on: event.commissionerCopiedOn } : {}),
          ...(next.state === 'closed' ? { closed_on: event.on } : {}),
        }
        const updated = await repository.updateCase(uow, row.id, row.version, {
          ...changes,
          updated_at: at,
          updated_by: user.email,
        })
        if (!updated) throw new StepRefused('Someone else changed the case at the same time: look again and retry')
        const eventId = await repository.insertEvent(uow, {
          case_id: row.id,
          event: event.kind,
          occurred_on: event.on,
          agency:
            event.kind === 'request-agency-report' || event.kind === 'receive-agency-report'
              ? event.agency.trim()
              : event.kind === 'add-recommendation'
                ? event.owner.trim()
                : null,
          outcome:
            event.kind === 'decide'
              ? event.decision
              : event.kind === 'record-quality-assurance-outcome'
                ? event.outcome
                : event.kind === 'contact-family'
                  ? event.advocacyOffered
                    ? 'advocacy offered'
                    : 'advocacy not offered'
                  : event.kind === 'extend'
                    ? event.which
                    : event.kind === 'update-recommendation'
                      ? `${event.index + 1}: ${event.status}`
                      : null,
          due_on: event.kind === 'extend' ? event.newDueOn : event.kind === 'add-recommendation' ? event.dueOn : null,
          detail_sealed: null,
          recorded_at: at,
          recorded_by: user.email,
        })
        if (text !== '' && event.kind !== 'add-recommendation') {
          // Sealed under the timeline row's own id, so it cannot be moved to another row.
          await uow.trx
            .updateTable('death_review_events')
            .set({ detail_sealed: seal(reference, `event:${eventId}`, text) })
            .where('id', '=', eventId)
            .execute()
        }
        if (event.kind === 'add-recommendation') {
          const number = recommendations.length + 1
          await repository.insertRecommendation(uow, {
            case_id: row.id,
            number,
            text_sealed: seal(reference, `recommendation:${number}`, text),
            owner: event.owner.trim(),
            due_on: event.dueOn,
            status: 'not-started',
            created_at: at,
            updated_at: at,
            updated_by: user.email,
          })
        }
        if (event.kind === 'update-recommendation') {
          await repository.setRecommendationStatus(uow, row.id, event.index + 1, event.status, at, user.email)
        }
        await audit.append(uow.trx, {
          actor: user.email,
          action: event.kind,
          entityType: REVIEW_ENTITY,
          entityKey: reference,
          before: auditedColumns(row),
          after: { ...auditedColumns({ ...row, ...changes }), ...(textField ? { fieldsSet: [textField] } : {}) },
        })
        return { ok: true, value: null }
      })
    },

    /** Names a person of the partnership on a case (only someone named on it, or granted the register). */
    async addMember(
      user: ReviewUser,
      reference: string,
      email: string,
      roleOnCase: string,
      access: SessionAccess,
    ): Promise<Outcome<null>> {
      const role = (['officer', 'chair', 'panel'] as const).find((r) => r === roleOnCase)
      if (!role) return { ok: false, problems: [{ field: 'roleOnCase', message: 'Choose their role on the case' }] }
      const person = (await deps.people()).find((p) => p.email === email.trim().toLowerCase())
      if (!person)
        return { ok: false, problems: [{ field: 'email', message: 'Enter the email of someone in the partnership' }] }
      return inUnitOfWork(database, async (uow) => {
        const { row, named } = await visibleCase(uow, user, reference, access)
        if (!named) throw new StepRefused('You opened this case by breaking the glass: you may read it, not change it')
        const at = now().toISOString()
        await repository.addMember(uow, {
          case_id: row.id,
          user_id: person.id,
          role_on_case: role,
          added_at: at,
          added_by: user.email,
        })
        await audit.append(uow.trx, {
          actor: user.email,
          action: 'name-on-case',
          entityType: REVIEW_ENTITY,
          entityKey: reference,
          before: null,
          after: { reference, userId: person.id, roleOnCase: role },
        })
        return { ok: true, value: null }
      })
    },

    /** The people granted the register, and the partnership's people who could be (for the administrator's page). */
    async grants(): Promise<{
      granted: { userId: number; email: string; name: string; grantedAt: string }[]
      people: readonly { id: number; email: string; name: string }[]
    }> {
      const granted = await inUnitOfWork(database, (uow) => repository.grants(uow))
      return { granted, people: await deps.people() }
    },

    /** Grants or withdraws the register (every case) for a person: an administrator's act, audited. */
    async setGrant(admin: ReviewUser, userId: number, granted: boolean): Promise<Outcome<null>> {
      if (!can(admin, 'user:manage')) throw new ReviewNotFound()
      const person = (await deps.people()).find((p) => p.id === userId)
      if (!person) return { ok: false, problems: [{ field: 'userId', message: 'Choose someone in the partnership' }] }
      return inUnitOfWork(database, async (uow) => {
        const at = now().toISOString()
        const changed = granted
          ? await repository.grant(uow, userId, at, admin.email)
          : await repository.revoke(uow, userId)
        if (changed) {
          await audit.append(uow.trx, {
            actor: admin.email,
            action: granted ? 'grant' : 'withdraw',
            entityType: REGISTER_ENTITY,
            entityKey: `user:${userId}`,
            before: { granted: !granted },
            after: { granted },
          })
        }
        return { ok: true, value: null }
      })
    },

    /**
     * Removes a case and all its rows in one unit of work, leaving an audited tombstone: the reference, the kind,
     * its dates, who and why; no text. Asks no permission and no due date: retention's own deletion, with both, is
     * `deleteForRetention`.
     */
    async deleteCase(actor: string, reference: string, reason: string): Promise<boolean> {
      const why = reason.trim().slice(0, 200)
      if (why === '') throw new Error('A deletion needs a reason')
      return inUnitOfWork(database, async (uow) => {
        const row = await repository.caseByReference(uow, reference)
        if (!row) return false
        await removeCase(uow, row, actor, why)
        return true
      })
    },

    /** Whether the person may see the register's retention page (holds the register and 'retention:manage'). */
    async mayManageRetention(user: ReviewUser): Promise<boolean> {
      if (!can(user, 'retention:manage')) return false
      return inUnitOfWork(database, (uow) => repository.isGranted(uow, user.id))
    },

    /**
     * The register's record types, each with its period and the closed cases due for deletion today (in England),
     * oldest clock first; audited as a listing (the count, no references). Not found outside the compartment's
     * retention managers.
     */
    async retentionReview(user: ReviewUser): Promise<CaseRetentionReview[]> {
      const periodsOf = await periods()
      return inUnitOfWork(database, async (uow) => {
        await requireRetentionManager(uow, user)
        const today = londonDate(now())
        const reviews: CaseRetentionReview[] = DEATH_REVIEW_RETENTION.map((policy) => ({
          ...policy,
          periodMonths: periodsOf.get(policy.recordType)?.periodMonths ?? policy.defaultMonths,
          reason: periodsOf.get(policy.recordType)?.reason ?? policy.defaultReason,
          due: [],
        }))
        for (const row of await repository.listCases(uow, null)) {
          const retention = retentionOf(row, periodsOf)
          if (!retention || retention.dueOn > today) continue
          const review = reviews.find((r) => r.recordType === retention.recordType)
          ;(review?.due as CaseDueForDeletion[] | undefined)?.push({
            reference: row.reference,
            kindText: kindText(row.kind),
            clockStarted: retention.clockStarted,
            dueOn: retention.dueOn,
          })
        }
        for (const review of reviews)
          (review.due as CaseDueForDeletion[]).sort(
            (a, b) => a.clockStarted.localeCompare(b.clockStarted) || a.reference.localeCompare(b.reference),
          )
        await audit.append(uow.trx, {
          actor: user.email,
          action: 'retention-list',
          entityType: REGISTER_ENTITY,
          entityKey: 'register',
          before: null,
          after: { due: reviews.reduce((n, r) => n + r.due.length, 0) },
        })
        return reviews
      })
    },

    /** One case's retention, for its deletion's confirmation. Not found outside the retention managers. */
    async caseRetention(user: ReviewUser, reference: string): Promise<CaseRetention> {
      const periodsOf = await periods()
      return inUnitOfWork(database, async (uow) => {
        await requireRetentionManager(uow, user)
        if (!REFERENCE_PATTERN.test(reference)) throw new ReviewNotFound()
        const row = await repository.caseByReference(uow, reference)
        if (!row) throw new ReviewNotFound()
        const retention = retentionOf(row, periodsOf)
        return {
          reference: row.reference,
          kindText: kindText(row.kind),
          stateText: STATE_WORDS[row.state],
          recordName: retention?.recordName ?? null,
          clockStarted: retention?.clockStarted ?? null,
          dueOn: retention?.dueOn ?? null,
          due: retention !== null && retention.dueOn <= londonDate(now()),
        }
      })
    },

    /**
     * Deletes a case whose retention period has ended, with the reason the person gives, in one unit of work: every
     * row of the case, and the audit event that is its tombstone (with the record type, clock and period). Refused,
     * nothing written, while it is not due. Not found outside the retention managers.
     */
    async deleteForRetention(user: ReviewUser, reference: string, reason: string): Promise<CaseDeletion> {
      const why = reason.trim()
      if (why === '')
        return {
          outcome: 'invalid',
          problems: [{ field: 'reason', message: 'Enter the reason for deleting the case' }],
        }
      if (why.length > 200)
        return {
          outcome: 'invalid',
          problems: [{ field: 'reason', message: 'The reason must be 200 characters or fewer' }],
        }
      const periodsOf = await periods()
      return inUnitOfWork(database, async (uow): Promise<CaseDeletion> => {
        await requireRetentionManager(uow, user)
        if (!REFERENCE_PATTERN.test(reference)) throw new ReviewNotFound()
        const row = await repository.caseByReference(uow, reference)
        if (!row) throw new ReviewNotFound()
        const retention = retentionOf(row, periodsOf)
        if (!retention) return { outcome: 'not-due', dueOn: null }
        if (retention.dueOn > londonDate(now())) return { outcome: 'not-due', dueOn: retention.dueOn }
        await removeCase(uow, row, user.email, why, {
          recordType: retention.recordType,
          clockStarted: retention.clockStarted,
          periodMonths: retention.periodMonths,
          periodReason: retention.reason,
        })
        return { outcome: 'deleted' }
      })
    },

    /** The tombstones of deleted cases, newest first, from their audit events. Not found outside the managers. */
    async caseTombstones(user: ReviewUser): Promise<CaseTombstone[]> {
      await inUnitOfWork(database, (uow) => requireRetentionManager(uow, user))
      const events = await audit.list({ entityType: REVIEW_ENTITY, actions: ['delete'], limit: 10_000 })
      return events
        .map((e) => {
          const after = JSON.parse(e.after ?? '{}') as Record<string, unknown>
          const text = (key: string) => (typeof after[key] === 'string' ? (after[key] as string) : null)
          const recordType = text('recordType')
          return {
            reference: e.entityKey,
            kindText: kindText(String(after.kind) as ReviewKind),
            recordName: DEATH_REVIEW_RETENTION.find((p) => p.recordType === recordType)?.name ?? null,
            clockStarted: text('clockStarted'),
            periodMonths: typeof after.periodMonths === 'number' ? after.periodMonths : null,
            deletedAt: e.occurredAt,
            deletedBy: e.actor,
            reason: text('reason') ?? '',
          }
        })
        .reverse()
    },

    /**
     * Every case's reference, kind, notified and closed dates, without asking who (no text): for tests and tooling.
     */
    async retentionDates(): Promise<
      { reference: string; kind: ReviewKind; notifiedOn: string; closedOn: string | null }[]
    > {
      const rows = await inUnitOfWork(database, (uow) => repository.listCases(uow, null))
      return rows.map((r) => ({
        reference: r.reference,
        kind: r.kind,
        notifiedOn: r.notified_on,
        closedOn: r.closed_on,
      }))
    },

    /** Counts for a financial year (`FY2017-18`), from the register: for src/reviews/review-figures.ts. */
    async countsFor(
      year: string,
    ): Promise<{ notified: number; held: number; notHeld: number; ledElsewhere: number; overdue: number }> {
      const match = /^FY(\d{4})-\d{2}$/.exec(year)
      if (!match) throw new Error(`Not a financial year: ${year}`)
      const start = `${match[1]}-04-01`
      const end = `${Number(match[1]) + 1}-03-31`
      return inUnitOfWork(database, async (uow) => {
        const rows = (await repository.listCases(uow, null)).filter(
          (r) => r.notified_on >= start && r.notified_on <= end,
        )
        const dates = await repository.allRecommendationDates(uow)
        // Overdue as at the year's end, or today if the year is not over: what the year's report can say.
        const today = londonDate(now())
        const asAt = today < end ? today : end
        return {
          notified: rows.length,
          held: rows.filter((r) => r.decision === 'review').length,
          notHeld: rows.filter((r) => r.decision === 'no-review').length,
          ledElsewhere: rows.filter((r) => r.decision === 'another-partnership-leads').length,
          overdue: rows.filter(
            (r) =>
              summaryOf(
                r,
                dates.filter((d) => d.case_id === r.id),
                asAt,
              ).overdue.decision || summaryOf(r, [], asAt).overdue.report,
          ).length,
        }
      })
    },
  }
}

export type ReviewService = ReturnType<typeof createReviewService>

export type { RecommendationRow }
