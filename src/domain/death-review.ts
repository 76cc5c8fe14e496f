import { addMonths } from './period.ts'

/**
 * A review after a death (a Domestic Homicide Review, renamed a Domestic Abuse Related Death Review by the Victims and
 * Prisoners Act 2024 s.19; an Offensive Weapons Homicide Review follows the same shape), as a state machine: which
 * step may follow which, what each step must carry, and the two statutory timescales (the decision within one
 * calendar month of the notification; the overview report within six months of the decision). Pure: no I/O, no
 * clock (today's date in England is handed in), no text kept (the free text of a step is the caller's to encrypt).
 *
 * The steps follow the Home Office's "Multi-agency statutory guidance for the conduct of Domestic Homicide Reviews"
 * (2016): notification → decision (with reasons; the Home Office informed either way and its response recorded) →
 * independent chair (with a statement of independence) → panel and terms of reference → agencies' reports, the
 * family's involvement → overview report submitted to the Home Office quality-assurance panel → approved (or sent
 * back to resubmit) → published after two different people approve it, a copy to the Domestic Abuse Commissioner →
 * the recommendations' action plan, monitored until it is closed. When another partnership leads the review (the
 * victim lived there), the case is followed, not worked: the lead is recorded and the case closed when it ends.
 */

export type ReviewKind = 'domestic-abuse-related-death-review' | 'offensive-weapons-homicide-review'

export const REVIEW_KINDS: readonly { readonly value: ReviewKind; readonly text: string }[] = Object.freeze([
  { value: 'domestic-abuse-related-death-review', text: 'Domestic abuse related death review' },
  { value: 'offensive-weapons-homicide-review', text: 'Offensive weapons homicide review' },
])

/** The guidance a case follows: its terms can change between versions, so each case names its own. */
export const GUIDANCE_VERSIONS: readonly { readonly value: string; readonly text: string }[] = Object.freeze([
  {
    value: 'dhr-2016',
    text: 'Multi-agency statutory guidance for the conduct of Domestic Homicide Reviews (Home Office, 2016)',
  },
  {
    value: 'dardr-2024',
    text: 'Domestic Abuse Related Death Reviews (Victims and Prisoners Act 2024, s.19)',
  },
  {
    value: 'owhr-2022',
    text: 'Offensive Weapons Homicide Reviews (Police, Crime, Sentencing and Courts Act 2022)',
  },
])

export type CaseState =
  | 'notified'
  | 'not-held'
  | 'led-elsewhere'
  | 'held'
  | 'chair-appointed'
  | 'panel-set-up'
  | 'submitted'
  | 'resubmit'
  | 'approved'
  | 'published'
  | 'closed'

export const STATE_WORDS: Readonly<Record<CaseState, string>> = Object.freeze({
  notified: 'Notified: decision to be made',
  'not-held': 'Review not held',
  'led-elsewhere': 'Led by another partnership (followed)',
  held: 'Review to be held: chair to be appointed',
  'chair-appointed': 'Chair appointed: panel to be set up',
  'panel-set-up': 'Panel set up: review under way',
  submitted: 'Submitted to the Home Office quality-assurance panel',
  resubmit: 'Quality-assurance panel asked for a resubmission',
  approved: 'Approved by the quality-assurance panel: awaiting publication',
  published: 'Published: action plan open',
  closed: 'Closed',
})

export type Decision = 'review' | 'no-review' | 'another-partnership-leads'

export type RecommendationStatus = 'not-started' | 'in-progress' | 'complete' | 'cancelled'

/** What the state machine needs to know of a case (the rest of its record is the repository's). */
export interface ReviewCase {
  readonly state: CaseState
  readonly notifiedOn: string
  readonly decision: Decision | null
  readonly decidedOn: string | null
  /** The decision's due date: one calendar month after notification unless extended. */
  readonly decisionDueOn: string
  /** The overview report's due date: six months after the decision to review unless extended; null before. */
  readonly reportDueOn: string | null
  readonly homeOfficeInformedOn: string | null
  readonly homeOfficeResponseOn: string | null
  readonly leadPartnership: string | null
  readonly submittedOn: string | null
  /** Who approved publication (after the quality-assurance panel's approval), in order: at most two, different. */
  readonly publicationApprovers: readonly string[]
  readonly publishedOn: string | null
  readonly agencyReports: readonly {
    readonly agency: string
    readonly requestedOn: string
    readonly receivedOn: string | null
  }[]
  readonly recommendations: readonly { readonly status: RecommendationStatus }[]
}

/** A step, as the case page's forms send it (already parsed: dates `YYYY-MM-DD`, text trimmed). */
export type CaseEvent =
  | {
      readonly kind: 'decide'
      readonly on: string
      readonly decision: Decision
      readonly reasons: string
      readonly leadPartnership?: string
    }
  | { readonly kind: 'inform-home-office'; readonly on: string }
  | { readonly kind: 'record-home-office-response'; readonly on: string; readonly response: string }
  | { readonly kind: 'appoint-chair'; readonly on: string; readonly statementOfIndependence: string }
  | { readonly kind: 'set-up-panel'; readonly on: string; readonly termsOfReference: string }
  | { readonly kind: 'request-agency-report'; readonly on: string; readonly agency: string }
  | { readonly kind: 'receive-agency-report'; readonly on: string; readonly agency: string }
  | { readonly kind: 'contact-family'; readonly on: string; readonly advocacyOffered: boolean; readonly notes: string }
  | { readonly kind: 'submit-to-quality-assurance'; readonly on: string }
  | {
      readonly kind: 'record-quality-assurance-outcome'
      readonly on: string
      readonly outcome: 'approved' | 'resubmit'
      readonly notes: string
    }
  | { readonly kind: 'approve-publication'; readonly on: string; readonly approver: string }
  | { readonly kind: 'publish'; readonly on: string; readonly commissionerCopiedOn: string }
  | {
      readonly kind: 'add-recommendation'
      readonly on: string
      readonly text: string
      readonly owner: string
      readonly dueOn: string
    }
  | {
      readonly kind: 'update-recommendation'
      readonly on: string
      readonly index: number
      readonly status: RecommendationStatus
    }
  | {
      readonly kind: 'extend'
      readonly on: string
      readonly which: 'decision' | 'report'
      readonly newDueOn: string
      readonly reason: string
    }
  | { readonly kind: 'close'; readonly on: string; readonly notes: string }

export type CaseEventKind = CaseEvent['kind']

/** The words of each step, for the timeline and the audit trail. */
export const EVENT_WORDS: Readonly<Record<CaseEventKind | 'notify', string>> = Object.freeze({
  notify: 'Notification received',
  decide: 'Decision made',
  'inform-home-office': 'Home Office informed of the decision',
  'record-home-office-response': "Home Office's response recorded",
  'appoint-chair': 'Independent chair appointed',
  'set-up-panel': 'Panel and terms of reference agreed',
  'request-agency-report': "Agency's report requested",
  'receive-agency-report': "Agency's report received",
  'contact-family': 'Family contacted',
  'submit-to-quality-assurance': 'Overview report submitted to the Home Office quality-assurance panel',
  'record-quality-assurance-outcome': "Quality-assurance panel's outcome recorded",
  'approve-publication': 'Publication approved',
  publish: 'Published (copy sent to the Domestic Abuse Commissioner)',
  'add-recommendation': 'Recommendation added to the action plan',
  'update-recommendation': "Recommendation's status changed",
  extend: 'Due date extended',
  close: 'Case closed',
})

/** Why a step was not taken: bad input (`invalid`, a form field to correct) or a step out of order (`refused`, 409). */
export type StepOutcome =
  | { readonly ok: true; readonly next: ReviewCase }
  | { readonly ok: false; readonly kind: 'invalid'; readonly field: string; readonly message: string }
  | { readonly ok: false; readonly kind: 'refused'; readonly message: string }

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Whether `text` is a real calendar date `YYYY-MM-DD`. */
export function isDate(text: string): boolean {
  const match = DATE.exec(text)
  if (!match) return false
  const at = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  return at.toISOString().slice(0, 10) === text
}

/**
 * The date `months` calendar months after `date`, the day clamped to the end of a shorter month: what "within one
 * calendar month" and "within six months" mean. Dates are England's calendar dates, so no time zone enters.
 *
 * @example addCalendarMonths('2018-01-31', 1) // '2018-02-28'
 * @example addCalendarMonths('2028-02-29', 1) // '2028-03-29'
 * @example addCalendarMonths('2017-08-31', 1) // '2017-09-30'
 */
export function addCalendarMonths(date: string, months: number): string {
  if (!DATE.test(date) || !isDate(date)) throw new Error(`Not a date: ${date}`)
  return addMonths(date, months)
}

/** The decision's due date for a notification received on `notifiedOn`. */
export function decisionDueOn(notifiedOn: string): string {
  return addCalendarMonths(notifiedOn, 1)
}

/** The overview report's due date after a decision to review on `decidedOn`. */
export function reportDueOn(decidedOn: string): string {
  return addCalendarMonths(decidedOn, 6)
}

/** A new case as notified: its decision due one calendar month on. */
export function notifiedCase(notifiedOn: string): ReviewCase {
  return {
    state: 'notified',
    notifiedOn,
    decision: null,
    decidedOn: null,
    decisionDueOn: decisionDueOn(notifiedOn),
    reportDueOn: null,
    homeOfficeInformedOn: null,
    homeOfficeResponseOn: null,
    leadPartnership: null,
    submittedOn: null,
    publicationApprovers: [],
    publishedOn: null,
    agencyReports: [],
    recommendations: [],
  }
}

/** The states in which the overview report is still to be submitted (so its due date runs). */
const REPORT_RUNNING: ReadonlySet<CaseState> = new Set(['held', 'chair-appointed', 'panel-set-up', 'resubmit'])

/** What is overdue on a case on `today` (England's date): the decision, the overview report, recommendations. */
export function overdueOf(
  reviewCase: ReviewCase,
  today: string,
  recommendationDueDates: readonly { readonly dueOn: string; readonly status: RecommendationStatus }[] = [],
): { readonly decision: boolean; readonly report: boolean; readonly recommendations: number; readonly any: boolean } {
  const decision = reviewCase.state === 'notified' && today > reviewCase.decisionDueOn
  const report =
    REPORT_RUNNING.has(reviewCase.state) && reviewCase.reportDueOn !== null && today > reviewCase.reportDueOn
  const recommendations = recommendationDueDates.filter(
    (r) => (r.status === 'not-started' || r.status === 'in-progress') && today > r.dueOn,
  ).length
  return { decision, report, recommendations, any: decision || report || recommendations > 0 }
}

const refused = (message: string): StepOutcome => ({ ok: false, kind: 'refused', message })
const invalid = (field: string, message: string): StepOutcome => ({ ok: false, kind: 'invalid', field, message })

/**
 * Takes one step on a case: the case as it becomes, or why not. Input problems (a missing reason, a date that is not
 * a date, a date before the notification) are `invalid`; a step the process does not allow now is `refused`.
 *
 * @example takeStep(notifiedCase('2018-01-31'), { kind: 'publish', on: '2018-02-01', commissionerCopiedOn: '2018-02-01' })
 * // { ok: false, kind: 'refused', message: 'Only a review the quality-assurance panel approved can be published' }
 */
export function takeStep(c: ReviewCase, event: CaseEvent): StepOutcome {
  if (!isDate(event.on)) return invalid('on', 'Enter the date as a real date, for example 31 1 2018')
  if (event.on < c.notifiedOn) return invalid('on', 'The date must be on or after the notification')
  if (c.state === 'closed') return refused('The case is closed: nothing more can be recorded on it')
  switch (event.kind) {
    case 'decide': {
      if (c.state !== 'notified') return refused('The decision has already been made')
      if (event.reasons.trim() === '') return invalid('reasons', 'Enter the reasons for the decision')
      if (event.decision === 'another-partnership-leads') {
        const lead = (event.leadPartnership ?? '').trim()
        if (lead === '') return invalid('leadPartnership', 'Enter the partnership that leads the review')
        return {
          ok: true,
          next: { ...c, state: 'led-elsewhere', decision: event.decision, decidedOn: event.on, leadPartnership: lead },
        }
      }
      if (event.decision === 'no-review') {
        return { ok: true, next: { ...c, state: 'not-held', decision: event.decision, decidedOn: event.on } }
      }
      return {
        ok: true,
        next: { ...c, state: 'held', decision: 'review', decidedOn: event.on, reportDueOn: reportDueOn(event.on) },
      }
    }
    case 'inform-home-office':
      if (c.decision === null) return refused('Record the decision before informing the Home Office of it')
      if (c.homeOfficeInformedOn !== null) return refused('The Home Office has already been informed')
      if (c.decidedOn !== null && event.on < c.decidedOn)
        return invalid('on', 'The date must be on or after the decision')
      return { ok: true, next: { ...c, homeOfficeInformedOn: event.on } }
    case 'record-home-office-response':
      if (c.homeOfficeInformedOn === null)
        return refused('Record that the Home Office was informed before its response')
      if (c.homeOfficeResponseOn !== null) return refused("The Home Office's response has already been recorded")
      if (event.response.trim() === '') return invalid('response', "Enter the Home Office's response")
      if (event.on < c.homeOfficeInformedOn)
        return invalid('on', 'The date must be on or after the Home Office was informed')
      return { ok: true, next: { ...c, homeOfficeResponseOn: event.on } }
    case 'appoint-chair':
      if (c.state !== 'held') return refused('A chair is appointed once, after a decision to hold the review')
      if (event.statementOfIndependence.trim() === '') {
        return invalid('statementOfIndependence', "Enter the chair's statement of independence")
      }
      return { ok: true, next: { ...c, state: 'chair-appointed' } }
    case 'set-up-panel':
      if (c.state !== 'chair-appointed') return refused('The panel is set up once, after the chair is appointed')
      if (event.termsOfReference.trim() === '') return invalid('termsOfReference', 'Enter the terms of reference')
      return { ok: true, next: { ...c, state: 'panel-set-up' } }
    case 'request-agency-report': {
      if (c.state !== 'panel-set-up' && c.state !== 'resubmit') {
        return refused("Agencies' reports are requested once the panel is set up and before submission")
      }
      const agency = event.agency.trim()
      if (agency === '') return invalid('agency', 'Enter the agency asked for its report')
      if (c.agencyReports.some((r) => r.agency.toLowerCase() === agency.toLowerCase())) {
        return invalid('agency', "That agency's report has already been requested")
      }
      return {
        ok: true,
        next: { ...c, agencyReports: [...c.agencyReports, { agency, requestedOn: event.on, receivedOn: null }] },
      }
    }
    case 'receive-agency-report': {
      if (c.state !== 'panel-set-up' && c.state !== 'resubmit') {
        return refused("Agencies' reports are received once the panel is set up and before submission")
      }
      const index = c.agencyReports.findIndex((r) => r.agency.toLowerCase() === event.agency.trim().toLowerCase())
      const report = c.agencyReports[index]
      if (!report) return invalid('agency', 'Choose an agency whose report was requested')
      if (report.receivedOn !== null) return invalid('agency', "That agency's report has already been received")
      if (event.on < report.requestedOn) return invalid('on', 'The report cannot be received before it was requested')
      const agencyReports = c.agencyReports.map((r, i) => (i === index ? { ...r, receivedOn: event.on } : r))
      return { ok: true, next: { ...c, agencyReports } }
    }
    case 'contact-family':
      if (!['chair-appointed', 'panel-set-up', 'resubmit'].includes(c.state)) {
        return refused('The family is contacted by the review once its chair is appointed and before submission')
      }
      return { ok: true, next: c }
    case 'submit-to-quality-assurance':
      if (c.state !== 'panel-set-up' && c.state !== 'resubmit') {
        return refused('Only a review whose panel is set up can submit its overview report')
      }
      if (c.agencyReports.length === 0) return refused("Request and receive the agencies' reports before submitting")
      if (c.agencyReports.some((r) => r.receivedOn === null)) {
        return refused("Every agency's report requested must be received before submitting")
      }
      return { ok: true, next: { ...c, state: 'submitted', submittedOn: event.on } }
    case 'record-quality-assurance-outcome':
      if (c.state !== 'submitted') return refused("Record the panel's outcome after the overview report is submitted")
      if (event.outcome === 'resubmit') return { ok: true, next: { ...c, state: 'resubmit', publicationApprovers: [] } }
      return { ok: true, next: { ...c, state: 'approved' } }
    case 'approve-publication':
      if (c.state !== 'approved')
        return refused('Publication is approved only after the quality-assurance panel approves')
      if (c.publicationApprovers.length >= 2) return refused('Publication already has its two approvals')
      if (c.publicationApprovers.includes(event.approver)) {
        return refused('The second approval must come from a different person')
      }
      return { ok: true, next: { ...c, publicationApprovers: [...c.publicationApprovers, event.approver] } }
    case 'publish':
      if (c.state !== 'approved') return refused('Only a review the quality-assurance panel approved can be published')
      if (c.publicationApprovers.length < 2) return refused('Publication needs the approval of two different people')
      if (!isDate(event.commissionerCopiedOn)) {
        return invalid('commissionerCopiedOn', 'Enter the date the copy was sent to the Domestic Abuse Commissioner')
      }
      return { ok: true, next: { ...c, state: 'published', publishedOn: event.on } }
    case 'add-recommendation':
      if (c.state !== 'published') return refused('Recommendations join the action plan once the review is published')
      if (event.text.trim() === '') return invalid('text', 'Enter the recommendation')
      if (event.owner.trim() === '') return invalid('owner', 'Enter who owns the action')
      if (!isDate(event.dueOn)) return invalid('dueOn', 'Enter the date the action is due')
      return { ok: true, next: { ...c, recommendations: [...c.recommendations, { status: 'not-started' }] } }
    case 'update-recommendation': {
      if (c.state !== 'published') return refused('The action plan is open only while the review is published')
      if (!c.recommendations[event.index]) return invalid('index', 'Choose a recommendation')
      const recommendations = c.recommendations.map((r, i) => (i === event.index ? { status: event.status } : r))
      return { ok: true, next: { ...c, recommendations } }
    }
    case 'extend': {
      if (event.reason.trim() === '') return invalid('reason', 'Enter the reason for the extension')
      if (!isDate(event.newDueOn)) return invalid('newDueOn', 'Enter the new due date as a real date')
      if (event.which === 'decision') {
        if (c.state !== 'notified') return refused('The decision is made: its due date can no longer be extended')
        if (event.newDueOn <= c.decisionDueOn)
          return invalid('newDueOn', 'The new due date must be after the current one')
        return { ok: true, next: { ...c, decisionDueOn: event.newDueOn } }
      }
      if (!REPORT_RUNNING.has(c.state) || c.reportDueOn === null) {
        return refused("The overview report's due date runs only while the review is being written")
      }
      if (event.newDueOn <= c.reportDueOn) return invalid('newDueOn', 'The new due date must be after the current one')
      return { ok: true, next: { ...c, reportDueOn: event.newDueOn } }
    }
    case 'close':
      if (c.state === 'not-held') {
        if (c.homeOfficeResponseOn === null) {
          return refused("A case not reviewed is closed once the Home Office's response is recorded")
        }
        return { ok: true, next: { ...c, state: 'closed' } }
      }
      if (c.state === 'led-elsewhere') return { ok: true, next: { ...c, state: 'closed' } }
      if (c.state === 'published') {
        if (c.recommendations.some((r) => r.status === 'not-started' || r.status === 'in-progress')) {
          return refused('The action plan is closed once every recommendation is complete or cancelled')
        }
        return { ok: true, next: { ...c, state: 'closed' } }
      }
      return refused('Only a case not reviewed, led elsewhere or published with its action plan done can be closed')
  }
}

/** The pseudonymous reference of a case: `DARDR-2017-01` (kind, year of notification, number in that year). */
export function caseReference(kind: ReviewKind, notifiedOn: string, numberInYear: number): string {
  const prefix = kind === 'offensive-weapons-homicide-review' ? 'OWHR' : 'DARDR'
  return `${prefix}-${notifiedOn.slice(0, 4)}-${String(numberInYear).padStart(2, '0')}`
}

export const REFERENCE_PATTERN = /^(DARDR|OWHR)-\d{4}-\d{2,4}$/
