import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express'
import type { AccountService } from '../accounts/account-service.ts'
import type { User } from '../accounts/account-repository.ts'
import { can } from '../accounts/permissions.ts'
import type { TwoStepService } from '../accounts/two-step/two-step-service.ts'
import { requireSignIn, safeReturnPath } from '../accounts/web/authentication.ts'
import { formField } from '../accounts/web/forms.ts'
import { redirectAfterSaving, takeFlash } from '../accounts/web/session.ts'
import {
  GUIDANCE_VERSIONS,
  REVIEW_KINDS,
  type CaseEvent,
  type CaseEventKind,
  type Decision,
  type RecommendationStatus,
} from '../domain/death-review.ts'
import { sendProblem } from '../api/problem.ts'
import { CaseKeyError } from './case-text-cipher.ts'
import { periodInWords } from '../retention/retention-descriptor.ts'
import { ReviewNotFound, StepRefused, type Problem, type ReviewService, type SessionAccess } from './review-service.ts'

declare module 'express-session' {
  interface SessionData {
    /**
     * The cases this session may open, by reference: a reason was given this session (`reason`) or the glass broken
     * (`break-glass`). References only: a reason's text is sealed in the database, never kept in the session.
     */
    reviewAccess?: Record<string, 'reason' | 'break-glass'>
  }
}

/** A step-up (a two-step code) must be this recent for any register page, whatever the two-step policy. */
export const STEP_UP_MINUTES = 15

/**
 * Whether a session's last two-step sign-in (`twoStepAt`, ISO) is within `minutes` of `now`.
 *
 * @example stepUpIsFresh('2018-04-01T09:00:00Z', new Date('2018-04-01T09:15:00Z')) // true
 * @example stepUpIsFresh('2018-04-01T09:00:00Z', new Date('2018-04-01T09:16:00Z')) // false
 */
export function stepUpIsFresh(twoStepAt: string | undefined, now: Date, minutes = STEP_UP_MINUTES): boolean {
  if (typeof twoStepAt !== 'string') return false
  const at = new Date(twoStepAt).getTime()
  if (Number.isNaN(at)) return false
  const age = now.getTime() - at
  return age >= 0 && age <= minutes * 60_000
}

export interface ReviewRoutesDeps {
  readonly reviews: ReviewService
  readonly accounts: Pick<AccountService, 'log' | 'clock'>
  readonly twoStep: Pick<TwoStepService, 'status' | 'verifyCode'>
}

const STEP_KINDS: readonly CaseEventKind[] = [
  'decide',
  'inform-home-office',
  'record-home-office-response',
  'appoint-chair',
  'set-up-panel',
  'request-agency-report',
  'receive-agency-report',
  'contact-family',
  'submit-to-quality-assurance',
  'record-quality-assurance-outcome',
  'approve-publication',
  'publish',
  'add-recommendation',
  'update-recommendation',
  'extend',
  'close',
]

/** Each step's form: its title and the fields it asks for beyond the date. */
const STEP_FORMS: Readonly<Record<CaseEventKind, { readonly title: string; readonly fields: readonly string[] }>> = {
  decide: { title: 'Record the decision', fields: ['decision', 'reasons', 'leadPartnership'] },
  'inform-home-office': { title: 'Record that the Home Office was informed', fields: [] },
  'record-home-office-response': { title: "Record the Home Office's response", fields: ['response'] },
  'appoint-chair': { title: 'Record the independent chair’s appointment', fields: ['statementOfIndependence'] },
  'set-up-panel': { title: 'Record the panel and its terms of reference', fields: ['termsOfReference'] },
  'request-agency-report': { title: "Record an agency's report requested", fields: ['agency'] },
  'receive-agency-report': { title: "Record an agency's report received", fields: ['agency'] },
  'contact-family': { title: 'Record the family contacted', fields: ['advocacyOffered', 'notes'] },
  'submit-to-quality-assurance': { title: 'Record the submission to the quality-assurance panel', fields: [] },
  'record-quality-assurance-outcome': {
    title: "Record the quality-assurance panel's outcome",
    fields: ['outcome', 'notes'],
  },
  'approve-publication': { title: 'Approve publication', fields: [] },
  publish: { title: 'Record publication', fields: ['commissionerCopiedOn'] },
  'add-recommendation': { title: 'Add a recommendation to the action plan', fields: ['text', 'owner', 'dueOn'] },
  'update-recommendation': { title: "Change a recommendation's status", fields: ['index', 'status'] },
  extend: { title: 'Extend a due date', fields: ['which', 'newDueOn', 'reason'] },
  close: { title: 'Close the case', fields: ['notes'] },
}

const DATE_FIELDS = new Set(['on', 'commissionerCopiedOn', 'dueOn', 'newDueOn'])

/** The three boxes of a GOV.UK date input as `YYYY-MM-DD` (padded), or what was typed when not a date shape. */
function dateOf(body: unknown, prefix: string): string {
  const box = (part: string) => formField(body, `${prefix}-${part}`).trim()
  const [year, month, day] = [box('year'), box('month'), box('day')]
  if (!/^\d{4}$/.test(year) || !/^\d{1,2}$/.test(month) || !/^\d{1,2}$/.test(day)) return `${year}-${month}-${day}`
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
}

function typedDate(body: unknown, prefix: string) {
  return {
    day: formField(body, `${prefix}-day`),
    month: formField(body, `${prefix}-month`),
    year: formField(body, `${prefix}-year`),
  }
}

const hrefOf = (field: string) => `#${DATE_FIELDS.has(field) || field === 'notifiedOn' ? `${field}-day` : field}`

function errorsOf(problems: readonly Problem[]) {
  const fieldErrors: Record<string, { text: string }> = {}
  for (const p of problems) fieldErrors[p.field] ??= { text: p.message }
  return { errorList: problems.map((p) => ({ text: p.message, href: hrefOf(p.field) })), fieldErrors }
}

/** The step a form posted, as the state machine reads it. */
function eventOf(kind: CaseEventKind, body: unknown): CaseEvent {
  const text = (name: string) => formField(body, name).slice(0, 6000)
  const on = dateOf(body, 'on')
  switch (kind) {
    case 'decide': {
      const decision = (['review', 'no-review', 'another-partnership-leads'] as const).find(
        (d) => d === text('decision'),
      )
      return {
        kind,
        on,
        decision: (decision ?? 'review') as Decision,
        reasons: decision ? text('reasons') : '',
        leadPartnership: text('leadPartnership'),
      }
    }
    case 'inform-home-office':
    case 'submit-to-quality-assurance':
      return { kind, on }
    case 'record-home-office-response':
      return { kind, on, response: text('response') }
    case 'appoint-chair':
      return { kind, on, statementOfIndependence: text('statementOfIndependence') }
    case 'set-up-panel':
      return { kind, on, termsOfReference: text('termsOfReference') }
    case 'request-agency-report':
    case 'receive-agency-report':
      return { kind, on, agency: text('agency') }
    case 'contact-family':
      return { kind, on, advocacyOffered: text('advocacyOffered') === 'yes', notes: text('notes') }
    case 'record-quality-assurance-outcome':
      return { kind, on, outcome: text('outcome') === 'resubmit' ? 'resubmit' : 'approved', notes: text('notes') }
    case 'approve-publication':
      return { kind, on, approver: '' }
    case 'publish':
      return { kind, on, commissionerCopiedOn: dateOf(body, 'commissionerCopiedOn') }
    case 'add-recommendation':
      return { kind, on, text: text('text'), owner: text('owner'), dueOn: dateOf(body, 'dueOn') }
    case 'update-recommendation': {
      const status = (['not-started', 'in-progress', 'complete', 'cancelled'] as const).find(
        (s) => s === text('status'),
      )
      return {
        kind,
        on,
        index: Number.parseInt(text('index'), 10) - 1,
        status: (status ?? 'in-progress') as RecommendationStatus,
      }
    }
    case 'extend':
      return {
        kind,
        on,
        which: text('which') === 'report' ? 'report' : 'decision',
        newDueOn: dateOf(body, 'newDueOn'),
        reason: text('reason'),
      }
    case 'close':
      return { kind, on, notes: text('notes') }
  }
}

/** Whether the request is the JSON form of a step (`Content-Type: application/json`): answered with JSON problems. */
const isJson = (req: Request) => req.is('application/json') === 'application/json'

/** A JSON step's body as the page's form would post it: dates `YYYY-MM-DD` become the three boxes. */
function formOfJson(body: unknown): Record<string, string> {
  const form: Record<string, string> = {}
  if (!body || typeof body !== 'object' || Array.isArray(body)) return form
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (name === '__proto__' || name === 'constructor') continue
    const text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : typeof value === 'number' ? String(value) : value
    if (typeof text !== 'string') continue
    const date = DATE_FIELDS.has(name) ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) : null
    if (DATE_FIELDS.has(name)) {
      form[`${name}-year`] = date?.[1] ?? text
      form[`${name}-month`] = date?.[2] ?? ''
      form[`${name}-day`] = date?.[3] ?? ''
    } else form[name] = text
  }
  return form
}

/**
 * The death review register's pages (`/reviews…`), behind its compartment. Every route, in this order:
 * 1. signed in;
 * 2. in the compartment (granted the register or named on a case; for the break-glass page, holding
 *    'dhr:break-glass'; for the register's grants, 'user:manage'): anyone else is told the page does not exist (404),
 *    so nobody outside learns even that the register holds cases;
 * 3. a two-step sign-in within the last 15 minutes (a step-up), whatever the partnership's two-step policy: a
 *    session without one is sent to step up, and someone without two-step sign-in set up is sent to set it up;
 * 4. a case's own pages ask, once a session, the reason for opening it (recorded, sealed, audited).
 * A case is named only by its pseudonymous reference, in URLs and page titles alike.
 */
export function reviewRoutes(deps: ReviewRoutesDeps): express.Router {
  const { reviews, accounts, twoStep } = deps
  const router = express.Router()
  const userOf = (res: Response) => res.locals.currentUser as User
  const accessOf = (req: Request): SessionAccess => req.session.reviewAccess ?? {}

  const inCompartment =
    (purpose: 'register' | 'break-glass' | 'administration' | 'retention' | 'either'): RequestHandler =>
    async (req, res, next) => {
      try {
        const user = userOf(res)
        // Someone who broke the glass this session reaches the register's routes (the case they opened; the service
        // still answers "not found" for every other case and for the list).
        const brokeGlass =
          can(user, 'dhr:break-glass') && Object.values(accessOf(req)).some((kind) => kind === 'break-glass')
        const allowed =
          purpose === 'administration'
            ? can(user, 'user:manage')
            : purpose === 'retention'
              ? await reviews.mayManageRetention(user)
              : purpose === 'either'
                ? (await reviews.mayEnter(user, 'register')) || (await reviews.mayEnter(user, 'break-glass'))
                : (purpose === 'register' && brokeGlass) || (await reviews.mayEnter(user, purpose))
        // Not 403: outside the compartment the register's pages do not exist.
        if (!allowed) return next('router')
        next()
      } catch (error) {
        next(error)
      }
    }

  const requireStepUp: RequestHandler = async (req, res, next) => {
    try {
      if (stepUpIsFresh(req.session.twoStepAt, accounts.clock.now())) return next()
      if (isJson(req)) {
        return sendProblem(res, 401, 'Step-up needed', 'Enter a two-step code at /reviews/step-up first.')
      }
      const status = await twoStep.status(userOf(res))
      if (!status.enabled) {
        req.session.flash = 'The death review register needs two-step sign-in: set it up, then open the register again.'
        return redirectAfterSaving(req, res, '/account/two-step')
      }
      const returnTo = req.method === 'GET' ? safeReturnPath(req.originalUrl) : `${req.baseUrl}/reviews`
      res.redirect(303, `${req.baseUrl}/reviews/step-up?returnTo=${encodeURIComponent(returnTo)}`)
    } catch (error) {
      next(error)
    }
  }

  /** A page of a case: not found (404) outside its compartment; a refused step 409; a key problem says so. */
  const casePage =
    (handler: (req: Request, res: Response) => Promise<void>): RequestHandler =>
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        await handler(req, res)
      } catch (error) {
        if (error instanceof ReviewNotFound) {
          return isJson(req) ? sendProblem(res, 404, 'Not found', 'There is no such case.') : next('router')
        }
        if (error instanceof CaseKeyError) {
          accounts.log({ event: 'case-key-error', path: `${req.baseUrl}/reviews` })
          res.status(500)
          return res.render('reviews/key-problem.njk', { pageTitle: 'The register cannot be read' })
        }
        next(error)
      }
    }

  const register = [requireSignIn(), inCompartment('register'), requireStepUp]

  // The step-up: a code from the authenticator app, whatever the sign-in was.
  router.get('/reviews/step-up', requireSignIn(), inCompartment('either'), async (req, res) => {
    const status = await twoStep.status(userOf(res))
    if (!status.enabled) return redirectAfterSaving(req, res, '/account/two-step')
    res.render('reviews/step-up.njk', { pageTitle: 'Confirm it is you', returnTo: safeReturnPath(req.query.returnTo) })
  })
  router.post('/reviews/step-up', requireSignIn(), inCompartment('either'), async (req, res) => {
    const user = userOf(res)
    const returnTo = safeReturnPath(formField(req.body, 'returnTo'))
    const outcome = await twoStep.verifyCode(user.id, formField(req.body, 'code'), req.ip)
    if (outcome.outcome !== 'accepted') {
      res.status(outcome.outcome === 'throttled' ? 429 : 400)
      return res.render('reviews/step-up.njk', {
        pageTitle: 'Error: Confirm it is you',
        returnTo,
        ...errorsOf([{ field: 'code', message: 'Enter the 6-digit code your authenticator app shows now' }]),
      })
    }
    req.session.twoStepAt = accounts.clock.now().toISOString()
    await redirectAfterSaving(req, res, returnTo === '/' ? `${req.baseUrl}/reviews` : returnTo)
  })

  router.get(
    '/reviews',
    ...register,
    casePage(async (req, res) => {
      const user = userOf(res)
      const cases = await reviews.list(user)
      res.render('reviews/register.njk', {
        pageTitle: 'Death review register',
        cases,
        flash: takeFlash(req),
        mayNotify: await reviews.mayNotify(user),
        mayBreakGlass: can(user, 'dhr:break-glass'),
        mayGrant: can(user, 'user:manage'),
        mayManageRetention: await reviews.mayManageRetention(user),
      })
    }),
  )

  const renderNew = (
    res: Response,
    status: number,
    values: Record<string, unknown>,
    problems: readonly Problem[] = [],
  ) => {
    res.status(status)
    res.render('reviews/new.njk', {
      pageTitle: problems.length ? 'Error: Record a notification' : 'Record a notification',
      kinds: REVIEW_KINDS,
      guidance: GUIDANCE_VERSIONS,
      values,
      ...errorsOf(problems),
    })
  }
  router.get(
    '/reviews/new',
    ...register,
    casePage(async (_req, res) => {
      if (!(await reviews.mayNotify(userOf(res)))) throw new ReviewNotFound()
      renderNew(res, 200, { kind: REVIEW_KINDS[0]?.value, guidanceVersion: 'dardr-2024', notifiedOn: {} })
    }),
  )
  router.post(
    '/reviews',
    ...register,
    casePage(async (req, res) => {
      const form = {
        kind: formField(req.body, 'kind'),
        guidanceVersion: formField(req.body, 'guidanceVersion'),
        notifiedOn: dateOf(req.body, 'notifiedOn'),
        notifiedBy: formField(req.body, 'notifiedBy').slice(0, 6000),
        circumstances: formField(req.body, 'circumstances').slice(0, 6000),
      }
      const outcome = await reviews.notify(userOf(res), form)
      if (!outcome.ok) {
        return renderNew(res, 400, { ...form, notifiedOn: typedDate(req.body, 'notifiedOn') }, outcome.problems)
      }
      // The one who recorded it has given their reason by recording it.
      req.session.reviewAccess = { ...accessOf(req), [outcome.value]: 'reason' }
      req.session.flash = `Notification recorded as ${outcome.value}.`
      await redirectAfterSaving(req, res, `${req.baseUrl}/reviews/${outcome.value}`)
    }),
  )

  // Break the glass: someone with 'dhr:break-glass' not named on a case opens it (to read) by giving a reason.
  router.get('/reviews/break-glass', requireSignIn(), inCompartment('break-glass'), requireStepUp, (_req, res) => {
    res.render('reviews/break-glass.njk', { pageTitle: 'Open a case you are not named on', values: {} })
  })
  router.post(
    '/reviews/break-glass',
    requireSignIn(),
    inCompartment('break-glass'),
    requireStepUp,
    async (req, res, next) => {
      const reference = formField(req.body, 'reference').trim().toUpperCase().slice(0, 20)
      const reason = formField(req.body, 'reason').slice(0, 2000)
      try {
        const outcome = await reviews.recordAccess(userOf(res), reference, reason, 'break-glass')
        if (!outcome.ok) {
          res.status(400)
          return res.render('reviews/break-glass.njk', {
            pageTitle: 'Error: Open a case you are not named on',
            values: { reference },
            ...errorsOf(outcome.problems),
          })
        }
        req.session.reviewAccess = { ...accessOf(req), [reference]: outcome.value }
        await redirectAfterSaving(req, res, `${req.baseUrl}/reviews/${reference}`)
      } catch (error) {
        if (!(error instanceof ReviewNotFound)) return next(error)
        // Said on the form (not as a 404): someone allowed to break the glass is asking for a case by its reference.
        res.status(400)
        res.render('reviews/break-glass.njk', {
          pageTitle: 'Error: Open a case you are not named on',
          values: { reference },
          ...errorsOf([{ field: 'reference', message: 'There is no case with that reference' }]),
        })
      }
    },
  )

  // Who holds the register (every case): granted and withdrawn by an administrator, audited.
  router.get(
    '/reviews/register-access',
    requireSignIn(),
    inCompartment('administration'),
    requireStepUp,
    async (req, res) => {
      const { granted, people } = await reviews.grants()
      res.render('reviews/register-access.njk', {
        pageTitle: 'Who holds the death review register',
        granted,
        people: people.filter((p) => !granted.some((g) => g.userId === p.id)),
        flash: takeFlash(req),
      })
    },
  )
  router.post(
    '/reviews/register-access',
    requireSignIn(),
    inCompartment('administration'),
    requireStepUp,
    casePage(async (req, res) => {
      const userId = Number.parseInt(formField(req.body, 'userId'), 10)
      const grant = formField(req.body, 'grant') !== 'withdraw'
      const outcome = await reviews.setGrant(userOf(res), Number.isInteger(userId) ? userId : 0, grant)
      if (!outcome.ok) {
        const { granted, people } = await reviews.grants()
        res.status(400)
        return res.render('reviews/register-access.njk', {
          pageTitle: 'Error: Who holds the death review register',
          granted,
          people: people.filter((p) => !granted.some((g) => g.userId === p.id)),
          ...errorsOf(outcome.problems),
        })
      }
      req.session.flash = grant ? 'The register was granted.' : 'The register was withdrawn.'
      await redirectAfterSaving(req, res, `${req.baseUrl}/reviews/register-access`)
    }),
  )

  // Retention inside the compartment: the cases due for deletion, each deleted with a reason, its tombstone kept.
  // For those who hold the register and may manage retention ('retention:manage'); the administrators' `/retention`
  // page sets the periods but never lists a case.
  const retentionPages = [requireSignIn(), inCompartment('retention'), requireStepUp]
  router.get(
    '/reviews/retention',
    ...retentionPages,
    casePage(async (req, res) => {
      const user = userOf(res)
      res.render('reviews/retention.njk', {
        pageTitle: 'Death review register: retention',
        reviews: (await reviews.retentionReview(user)).map((r) => ({
          ...r,
          periodWords: periodInWords(r.periodMonths),
        })),
        tombstones: (await reviews.caseTombstones(user)).map((t) => ({
          ...t,
          periodWords: t.periodMonths === null ? null : periodInWords(t.periodMonths),
        })),
        flash: takeFlash(req),
      })
    }),
  )
  const renderCaseDeletion = async (
    req: Request,
    res: Response,
    status: number,
    extra: { reason?: string; refusal?: string; problems?: readonly Problem[] } = {},
  ) => {
    const record = await reviews.caseRetention(userOf(res), String(req.params.reference))
    const errors = extra.refusal
      ? { errorList: [{ text: extra.refusal, href: '#refusal' }], fieldErrors: {} }
      : errorsOf(extra.problems ?? [])
    res.status(status)
    res.render('reviews/retention-delete.njk', {
      pageTitle: `${errors.errorList.length ? 'Error: ' : ''}Delete case ${record.reference}`,
      record,
      reason: extra.reason ?? '',
      refusal: extra.refusal ?? null,
      ...errors,
    })
  }
  router.get(
    '/reviews/retention/:reference',
    ...retentionPages,
    casePage((req, res) => renderCaseDeletion(req, res, 200)),
  )
  router.post(
    '/reviews/retention/:reference',
    ...retentionPages,
    casePage(async (req, res) => {
      const reference = String(req.params.reference)
      const reason = formField(req.body, 'reason').slice(0, 1000)
      const outcome = await reviews.deleteForRetention(userOf(res), reference, reason)
      if (outcome.outcome === 'invalid')
        return renderCaseDeletion(req, res, 400, { reason, problems: outcome.problems })
      if (outcome.outcome === 'not-due') {
        const refusal =
          outcome.dueOn === null
            ? 'It cannot be deleted: the case is not closed, so its retention clock has not started.'
            : `It cannot be deleted before ${outcome.dueOn}, when its retention period ends.`
        return renderCaseDeletion(req, res, 409, { reason, refusal })
      }
      req.session.flash = `Case ${reference} has been deleted; its tombstone is listed below.`
      await redirectAfterSaving(req, res, `${req.baseUrl}/reviews/retention`)
    }),
  )

  const renderCase = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const reference = String(req.params.reference)
    const detail = await reviews.detail(userOf(res), reference, accessOf(req))
    res.status(status)
    res.render('reviews/case.njk', {
      pageTitle: `${extra.errorList ? 'Error: ' : ''}Case ${detail.reference}`,
      detail,
      steps: STEP_KINDS.map((kind) => ({ kind, title: STEP_FORMS[kind].title })),
      flash: takeFlash(req),
      ...extra,
    })
  }

  router.get(
    '/reviews/:reference',
    ...register,
    casePage(async (req, res) => {
      const reference = String(req.params.reference)
      if (await reviews.needsReason(userOf(res), reference, accessOf(req))) {
        return res.render('reviews/reason.njk', { pageTitle: `Why are you opening case ${reference}?`, reference })
      }
      await renderCase(req, res)
    }),
  )
  router.post(
    '/reviews/:reference/reason',
    ...register,
    casePage(async (req, res) => {
      const reference = String(req.params.reference)
      const outcome = await reviews.recordAccess(
        userOf(res),
        reference,
        formField(req.body, 'reason').slice(0, 2000),
        'reason',
      )
      if (!outcome.ok) {
        res.status(400)
        return res.render('reviews/reason.njk', {
          pageTitle: `Error: Why are you opening case ${reference}?`,
          reference,
          ...errorsOf(outcome.problems),
        })
      }
      req.session.reviewAccess = { ...accessOf(req), [reference]: outcome.value }
      await redirectAfterSaving(req, res, `${req.baseUrl}/reviews/${reference}`)
    }),
  )

  const stepOf = (req: Request): CaseEventKind | null => {
    const step = String(req.params.step)
    return (STEP_KINDS as readonly string[]).includes(step) ? (step as CaseEventKind) : null
  }
  const renderStep = async (
    req: Request,
    res: Response,
    kind: CaseEventKind,
    status: number,
    problems: readonly Problem[] = [],
    refusal: string | null = null,
  ) => {
    const reference = String(req.params.reference)
    const detail = await reviews.detail(userOf(res), reference, accessOf(req))
    res.status(status)
    res.render('reviews/step.njk', {
      pageTitle: `${problems.length || refusal ? 'Error: ' : ''}${STEP_FORMS[kind].title}: case ${reference}`,
      detail,
      kind,
      form: STEP_FORMS[kind],
      values:
        req.method === 'POST'
          ? {
              ...(req.body as object),
              on: typedDate(req.body, 'on'),
              commissionerCopiedOn: typedDate(req.body, 'commissionerCopiedOn'),
              dueOn: typedDate(req.body, 'dueOn'),
              newDueOn: typedDate(req.body, 'newDueOn'),
            }
          : {},
      refusal,
      ...errorsOf(problems),
    })
  }
  router.get(
    '/reviews/:reference/steps/:step',
    ...register,
    casePage(async (req, res) => {
      const kind = stepOf(req)
      if (!kind) throw new ReviewNotFound()
      const reference = String(req.params.reference)
      if (await reviews.needsReason(userOf(res), reference, accessOf(req))) {
        return res.redirect(303, `${req.baseUrl}/reviews/${reference}`)
      }
      await renderStep(req, res, kind, 200)
    }),
  )
  // A step, from the page's form or as JSON (`Content-Type: application/json`, the session's X-CSRF-Token): a JSON
  // caller gets 200 with the case's stage, or an RFC 9457 problem: 400 bad input, 404 no such case, 409 out of order.
  router.post(
    '/reviews/:reference/steps/:step',
    express.json({ limit: '64kb', strict: true }),
    ...register,
    casePage(async (req, res) => {
      const kind = stepOf(req)
      if (!kind) throw new ReviewNotFound()
      const reference = String(req.params.reference)
      if (isJson(req)) {
        // The reason for opening the case this session was given on its page, as for the form.
        if (await reviews.needsReason(userOf(res), reference, accessOf(req))) {
          return sendProblem(res, 403, 'Reason needed', 'Give the reason for opening this case on its page first.')
        }
        try {
          const outcome = await reviews.step(userOf(res), reference, eventOf(kind, formOfJson(req.body)), accessOf(req))
          if (!outcome.ok) {
            return sendProblem(res, 400, 'Bad request', outcome.problems.map((p) => p.message).join('; '), {
              errors: outcome.problems.map((p) => ({ pointer: `/${p.field}`, detail: p.message })),
            })
          }
        } catch (error) {
          if (error instanceof StepRefused) return sendProblem(res, 409, 'Conflict', error.message)
          throw error
        }
        const detail = await reviews.detail(userOf(res), reference, accessOf(req))
        res.json({ reference, state: detail.state, stage: detail.stateText })
        return
      }
      if (await reviews.needsReason(userOf(res), reference, accessOf(req))) {
        return res.redirect(303, `${req.baseUrl}/reviews/${reference}`)
      }
      try {
        const outcome = await reviews.step(userOf(res), reference, eventOf(kind, req.body), accessOf(req))
        if (!outcome.ok) return renderStep(req, res, kind, 400, outcome.problems)
      } catch (error) {
        // A step out of order: 409, with the reason in the page's error summary.
        if (error instanceof StepRefused) return renderStep(req, res, kind, 409, [], error.message)
        throw error
      }
      req.session.flash = `${STEP_FORMS[kind].title}: done.`
      await redirectAfterSaving(req, res, `${req.baseUrl}/reviews/${reference}`)
    }),
  )
  router.post(
    '/reviews/:reference/members',
    ...register,
    casePage(async (req, res) => {
      const reference = String(req.params.reference)
      if (await reviews.needsReason(userOf(res), reference, accessOf(req))) {
        return res.redirect(303, `${req.baseUrl}/reviews/${reference}`)
      }
      try {
        const outcome = await reviews.addMember(
          userOf(res),
          reference,
          formField(req.body, 'email').slice(0, 300),
          formField(req.body, 'roleOnCase'),
          accessOf(req),
        )
        if (!outcome.ok) return renderCase(req, res, 400, errorsOf(outcome.problems))
      } catch (error) {
        if (error instanceof StepRefused) return renderCase(req, res, 409, { refusal: error.message })
        throw error
      }
      req.session.flash = 'The person is now named on the case.'
      await redirectAfterSaving(req, res, `${req.baseUrl}/reviews/${reference}`)
    }),
  )
  return router
}
