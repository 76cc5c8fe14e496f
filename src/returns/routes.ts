import express, { type Request, type Response } from 'express'
import type { AccountService } from '../accounts/account-service.ts'
import { can, PermissionDenied, type Principal } from '../accounts/permissions.ts'
import { roleNames } from '../accounts/roles.ts'
import { objectPageHandler, requirePermission, requireSignIn } from '../accounts/web/authentication.ts'
import { formField } from '../accounts/web/forms.ts'
import type { Indicator, ValueStatus } from '../domain/indicator.ts'
import { quarterOfMonth, type PeriodKind } from '../domain/period.ts'
import { escapeXml } from '../charts/svg.ts'
import type { BoardDecisions, DecisionsOfAThing } from '../shared/web/board-decisions.ts'
import { londonDate } from './due-dates.ts'
import { fieldName, ITEM_FIELDS, type ItemField, type ItemProblem } from './return-fields.ts'
import type { AgencyReturn, ReturnItem } from './returns-repository.ts'
import {
  ReturnNotFound,
  type ReturnEntry,
  type ReturnLine,
  type ReturnPage,
  type ReturnsService,
  type ReturnsUser,
} from './returns-service.ts'
import { VALUE_STATUSES } from '../performance/import/value-rows.ts'
import { FIGURE_BOXES } from './return-fields.ts'
import { actionFieldName } from '../plan/action-return-updates.ts'
import { isOverdue } from '../plan/action-overdue.ts'
import { ACTION_STATUSES, STATUS_WORDS } from '../plan/action-service.ts'

const BOX_LABELS: Readonly<Record<string, string>> = {
  value: 'Figure',
  numerator: 'Numerator (how many)',
  denominator: 'Denominator (out of)',
  percent: 'Percentage (only where no counts were published)',
  text: 'Result',
}

const STATUS_LABELS: Readonly<Record<ValueStatus, string>> = {
  reported: 'A figure is given',
  'not-yet-available': 'Not yet available',
  'not-collected': 'Not collected for this period',
  'not-applicable': 'Not applicable this period',
  suppressed: 'Suppressed (small number)',
}

const RETURN_STATUS_LABELS: Readonly<Record<AgencyReturn['status'], string>> = {
  draft: 'Draft',
  submitted: 'Submitted',
  accepted: 'Accepted',
  'sent-back': 'Sent back',
}

const ARRIVAL_LABELS = { in: 'In', late: 'In late', missing: 'Missing', 'not-yet-due': 'Not yet due' } as const

const QUARTER_PATTERN = /^FY\d{4}-\d{2}-Q[1-4]$/
const AGENCY_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/

function numberText(n: number | null): string {
  return n === null ? '' : String(n)
}

/** The boxes of a stored item, as form values. */
function boxesOf(item: ReturnItem | null): Record<string, string> {
  if (!item) return {}
  return {
    status: item.status,
    value: numberText(item.value),
    numerator: numberText(item.numerator),
    denominator: numberText(item.denominator),
    percent: numberText(item.percent),
    text: item.text ?? '',
    reason: item.reason ?? '',
    commentary: item.commentary ?? '',
  }
}

/** The form's fields for every KPI and period on the page, from the request body. */
function postedFields(body: unknown, lines: readonly ReturnLine[]): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const entry of lines.flatMap((l) => l.entries)) {
    for (const f of [...ITEM_FIELDS, 'confirm'] as const) {
      const name = fieldName(entry.boxes.prefix, f)
      fields[name] = formField(body, name)
    }
  }
  return fields
}

/** The action boxes of the page (status and note per action the agency leads), from the request body. */
function postedActionFields(body: unknown, page: ReturnPage): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const { action } of page.actions) {
    for (const box of ['status', 'note'] as const) {
      const name = actionFieldName(action.id, box)
      fields[name] = formField(body, name)
    }
  }
  return fields
}

/** The agency's actions as the return page shows them: the draft update (or what was typed) in each one's boxes. */
function actionLinesView(
  page: ReturnPage,
  typed: Readonly<Record<string, string>> | undefined,
  fieldErrors: Readonly<Record<string, { text: string }>>,
  now: Date,
) {
  return page.actions.map(({ action, draft }) => {
    const statusId = actionFieldName(action.id, 'status')
    const noteId = actionFieldName(action.id, 'note')
    const status = typed ? (typed[statusId] ?? '') : (draft?.status ?? '')
    return {
      id: action.id,
      reference: action.reference,
      title: action.title,
      statusText: STATUS_WORDS[action.status],
      dueDate: action.dueDate,
      overdue: isOverdue(action, now),
      illustrative: action.illustrative,
      draft: draft ? { statusText: STATUS_WORDS[draft.status], note: draft.note, writtenBy: draft.writtenBy } : null,
      statusField: {
        id: statusId,
        items: [
          { value: '', text: 'No update', selected: status === '' },
          ...ACTION_STATUSES.map((s) => ({ value: s.value, text: s.text, selected: s.value === status })),
        ],
        error: fieldErrors[statusId],
      },
      noteField: { id: noteId, value: typed ? (typed[noteId] ?? '') : (draft?.note ?? ''), error: fieldErrors[noteId] },
    }
  })
}

/** What a KPI's boxes on a quarter's return are for, by the kind of its periods (due-periods.ts). */
const PERIODS_HINTS: Readonly<Record<PeriodKind, string>> = {
  month: 'A figure for each month of the quarter.',
  'bi-month': 'A figure for each two-month period that ends in this quarter.',
  quarter: '',
  year: 'A figure for the whole financial year, which ends with this quarter.',
}

/** "Same month last year", "Same quarter last year", … for a period's kind. */
const LAST_YEAR_LABELS: Readonly<Record<PeriodKind, string>> = {
  month: 'Same month last year',
  'bi-month': 'Same two months last year',
  quarter: 'Same quarter last year',
  year: 'Last year',
}

/**
 * A label naming its KPI and period for screen readers (WCAG 2.4.6): "Figure" on screen, under the KPI's heading,
 * is "Figure – CJ clients in treatment (opiate), April 2017" to assistive technology.
 */
function labelHtml(text: string, entry: ReturnEntry): string {
  return `${escapeXml(text)}<span class="govuk-visually-hidden"> – ${escapeXml(entry.boxes.title)}</span>`
}

/** One period's boxes of a KPI, as the template shows them: what was typed (after a refusal) or what is stored. */
function entryView(
  indicator: Indicator,
  entry: ReturnEntry,
  typed: Readonly<Record<string, string>> | undefined,
  warnings: Readonly<Record<string, string>> | undefined,
  fieldErrors: Readonly<Record<string, { text: string }>>,
) {
  const stored = boxesOf(entry.item)
  const name = (f: ItemField | 'confirm') => fieldName(entry.boxes.prefix, f)
  const value = (f: ItemField) => (typed ? (typed[name(f)] ?? '') : (stored[f] ?? ''))
  const status = value('status') || 'reported'
  const lastYearId = `${entry.boxes.prefix}-last-year`
  return {
    prefix: entry.boxes.prefix,
    periodLabel: entry.period.label,
    lastYearId,
    lastYearLabel: LAST_YEAR_LABELS[entry.period.kind],
    lastYear: entry.lastYear,
    boxes: FIGURE_BOXES[indicator.measureType].map((box) => ({
      id: name(box),
      label: BOX_LABELS[box] ?? box,
      labelHtml: labelHtml(BOX_LABELS[box] ?? box, entry),
      value: value(box),
      multiline: box === 'text',
      error: fieldErrors[name(box)],
    })),
    status: {
      id: name('status'),
      labelHtml: labelHtml('Is there a figure?', entry),
      items: VALUE_STATUSES.map((s) => ({ value: s, text: STATUS_LABELS[s], selected: s === status })),
      error: fieldErrors[name('status')],
      text: STATUS_LABELS[status as ValueStatus] ?? status,
    },
    reason: {
      id: name('reason'),
      labelHtml: labelHtml('Reason (only when there is no figure)', entry),
      value: value('reason'),
      error: fieldErrors[name('reason')],
    },
    commentary: {
      id: name('commentary'),
      labelHtml: labelHtml('Commentary', entry),
      value: value('commentary'),
      error: fieldErrors[name('commentary')],
    },
    warning: warnings?.[entry.boxes.prefix] ?? entry.item?.warning ?? null,
    confirm: {
      id: name('confirm'),
      labelHtml: labelHtml('I have checked this figure and it is right', entry),
      checked: typed ? typed[name('confirm')] === 'yes' : entry.item?.warningConfirmedBy != null,
      error: fieldErrors[name('confirm')],
    },
    confirmedBy: entry.item?.warningConfirmedBy ?? null,
  }
}

/** The quarter that ended most recently on the calendar in England. */
export function latestEndedQuarter(now: Date): string {
  const today = londonDate(now)
  const current = quarterOfMonth(today.slice(0, 7))
  if (!current) throw new Error(`No quarter for ${today}`)
  const index = current.index === 1 ? 4 : current.index - 1
  const year = current.index === 1 ? current.financialYear - 1 : current.financialYear
  return `FY${year}-${String((year + 1) % 100).padStart(2, '0')}-Q${index}`
}

/**
 * The board's decisions about a quarter's sign-off: those about the quarter (`FY2017-18-Q3`) and, for a fourth quarter,
 * those about its year (`FY2017-18`), since signing off the fourth quarter signs off the year's report (the publication
 * page links the year's sign-off under the year's name).
 */
async function quarterDecisions(
  decisions: BoardDecisions<Principal>,
  user: Principal,
  period: string,
  base: string,
): Promise<DecisionsOfAThing> {
  const subjects = period.endsWith('-Q4') ? [period, period.slice(0, -3)] : [period]
  const found = await Promise.all(subjects.map((subject) => decisions(user, subject, base)))
  return { decided: found.flatMap((f) => f.decided), choices: found.flatMap((f) => f.choices) }
}

export interface ReturnsRoutesDeps {
  readonly returns: ReturnsService
  readonly accounts: Pick<AccountService, 'log' | 'repository'>
  readonly now?: () => Date
  /**
   * The board's decisions signing off a quarter (src/board/decision-links.ts, kind `report-sign-off`), shown on the
   * quarter's signed-off page. Left out, the page shows none.
   */
  readonly boardDecisions?: BoardDecisions<Principal>
}

/**
 * Quarterly returns over the web: the quarter's overview for reviewers, each agency's return (a data owner's form),
 * the analyst's review, and the board's sign-off and reopening. Every handler asks the service, which checks the
 * permission policy against the agency of the return as stored, never against anything the request says about it.
 */
export function returnsRoutes(deps: ReturnsRoutesDeps): express.Router {
  const { returns, accounts } = deps
  const now = deps.now ?? (() => new Date())
  const router = express.Router()

  const userOf = (res: Response): ReturnsUser => {
    const user = res.locals.currentUser
    if (!user) throw new Error('requireSignIn lets no anonymous request through')
    return user
  }

  /**
   * Who signed off or locked, as the reader may see them: the email to those who read the audit trail (where people
   * are named by email anyway), name and role to everyone else, so that a viewer does not collect colleagues'
   * addresses.
   */
  async function personShown(reader: Principal, email: string | null | undefined): Promise<string | null> {
    if (!email) return null
    if (can(reader, 'audit:view')) return email
    const person = await accounts.repository.findUserByEmail(email)
    return person ? `${person.name} (${roleNames[person.role]})` : 'a former user'
  }

  /**
   * The quarter's overview: every agency's return and where it stands, with the sign-off and reopen forms. With
   * problems (a sign-off not confirmed, a reopening without a reason) it is shown again with them, as 400.
   */
  async function renderOverview(
    req: Request,
    res: Response,
    period: string,
    problems: readonly ItemProblem[] = [],
  ): Promise<void> {
    const user = userOf(res)
    const overview = await returns.overview(user, period)
    if (problems.length > 0) res.status(400)
    res.render('returns/overview.njk', {
      pageTitle: `${problems.length > 0 ? 'Error: ' : ''}Returns for ${overview.period.label}`,
      overview,
      lockedBy: await personShown(user, overview.quarter?.lockedBy),
      flash: problems.length > 0 ? undefined : takeFlash(req),
      rows: overview.rows.map((r) => ({
        ...r,
        stateLabel: r.returned ? RETURN_STATUS_LABELS[r.returned.status] : 'Not started',
        arrivalLabel: ARRIVAL_LABELS[r.arrival],
        path: returnPath(overview.period.id, r.agency.code),
      })),
      canSignOff: can(user, 'report:sign-off'),
      errorList: problems.map((p) => ({ text: p.message, href: `#${p.field}` })),
      fieldErrors: Object.fromEntries(problems.map((p) => [p.field, { text: p.message }])),
    })
  }

  /** Runs a handler: an unknown or hidden object is 404, a refused action 403 (logged). */
  const handle = objectPageHandler(accounts, (error) => error instanceof ReturnNotFound)

  const signedIn = requireSignIn()

  const periodParam = (req: Request): string => {
    const p = req.params.period
    if (typeof p !== 'string' || !QUARTER_PATTERN.test(p)) throw new ReturnNotFound()
    return p
  }

  /** The agency named in the URL (its code), as an id; unknown → 404. Access is checked on the id by the service. */
  const agencyParam = async (req: Request): Promise<number> => {
    const code = req.params.agency
    if (typeof code !== 'string' || !AGENCY_CODE_PATTERN.test(code)) throw new ReturnNotFound()
    const agency = (await returns.agencies()).find((a) => a.code.toLowerCase() === code.toLowerCase())
    if (!agency) throw new ReturnNotFound()
    return agency.id
  }

  const returnPath = (period: string, code: string) => `/returns/${period}/${encodeURIComponent(code)}`

  const takeFlash = (req: Request): string | undefined => {
    const flash = req.session?.flash
    if (flash !== undefined) delete req.session.flash
    return typeof flash === 'string' ? flash : undefined
  }

  function renderReturn(
    req: Request,
    res: Response,
    page: ReturnPage,
    options: {
      status?: number
      values?: Readonly<Record<string, string>>
      problems?: readonly ItemProblem[]
      warnings?: Readonly<Record<string, string>>
      conflict?: boolean
      locked?: boolean
      reviewProblems?: readonly ItemProblem[]
      reviewComment?: string
    } = {},
  ) {
    const user = userOf(res)
    const problems = options.problems ?? []
    const fieldErrors: Record<string, { text: string }> = {}
    for (const p of [...problems, ...(options.reviewProblems ?? [])]) fieldErrors[p.field] ??= { text: p.message }
    const locked = page.quarter?.locked === true
    const state = page.returned?.status ?? null
    const editable = can(user, 'return:edit', { agencyId: page.agency.id }) && !locked && state !== 'accepted'
    const lines = page.lines.map((line) => ({
      id: line.indicator.id,
      name: line.indicator.name,
      definition: line.indicator.definition.replace(/\.\s*$/, ''),
      measureType: line.indicator.measureType,
      // A quarterly KPI's one box set needs no heading of its own; months, two-month periods and years do.
      headed: line.entries.some((e) => e.period.id !== page.period.id),
      periodsHint: PERIODS_HINTS[line.entries[0]?.period.kind ?? 'quarter'],
      entries: line.entries.map((entry) =>
        entryView(line.indicator, entry, options.values, options.warnings, fieldErrors),
      ),
    }))
    const title = `${page.agency.name}: return for ${page.period.label}`
    res.status(options.status ?? 200)
    res.render('returns/return.njk', {
      pageTitle: problems.length > 0 || options.conflict || options.locked ? `Error: ${title}` : title,
      title,
      page,
      lines,
      actionLines: actionLinesView(page, options.values, fieldErrors, now()),
      flash: takeFlash(req),
      errorList: [...problems, ...(options.reviewProblems ?? [])].map((p) => ({
        text: p.message,
        href: `#${p.field}`,
      })),
      fieldErrors,
      conflict: options.conflict === true,
      locked,
      lockedRefusal: options.locked === true,
      editable,
      state,
      stateLabel: state ? RETURN_STATUS_LABELS[state] : 'Not started',
      version: page.returned ? String(page.returned.version) : '',
      canReview: can(user, 'return:review', { agencyId: page.agency.id }) && state === 'submitted' && !locked,
      reviewComment: options.reviewComment ?? '',
      path: returnPath(page.period.id, page.agency.code),
      outputs: page.outputs.map((line) => ({
        ...line,
        actual:
          options.values?.[`${line.prefix}-actual`] ?? (line.draft?.actual == null ? '' : String(line.draft.actual)),
        note: options.values?.[`${line.prefix}-note`] ?? line.draft?.note ?? '',
        actualError: fieldErrors[`${line.prefix}-actual`],
        noteError: fieldErrors[`${line.prefix}-note`],
      })),
    })
  }

  router.get(
    '/returns',
    signedIn,
    handle(async (req, res) => {
      const user = res.locals.currentUser
      const quarter = latestEndedQuarter(now())
      // A data owner goes straight to their agency's return; reviewers to the quarter's overview.
      if (user?.role === 'data-owner' && user.agency)
        return res.redirect(303, req.baseUrl + returnPath(quarter, user.agency.code))
      res.redirect(303, `${req.baseUrl}/returns/${quarter}`)
    }),
  )

  router.get(
    '/returns/:period',
    requirePermission(accounts, 'return:view'),
    handle(async (req, res) => {
      await renderOverview(req, res, periodParam(req))
    }),
  )

  router.get(
    '/returns/:period/signed-off',
    requirePermission(accounts, 'report:view'),
    handle(async (req, res) => {
      const period = periodParam(req)
      const user = userOf(res)
      const snapshot = await returns.signedOffReport(user, period)
      const signedOffBy = await personShown(user, snapshot?.signedOffBy)
      const returnTo = `${req.baseUrl}/returns/${period}/signed-off`
      res.render('returns/signed-off.njk', {
        pageTitle: 'Signed-off report',
        period,
        snapshot,
        signedOffBy,
        flash: takeFlash(req),
        boardDecisions: deps.boardDecisions
          ? await quarterDecisions(deps.boardDecisions, user, period, req.baseUrl)
          : null,
        returnTo,
      })
    }),
  )

  router.post(
    '/returns/:period/sign-off',
    requirePermission(accounts, 'report:sign-off'),
    handle(async (req, res) => {
      const period = periodParam(req)
      const user = userOf(res)
      // An explicit confirmation: a stray or empty POST never locks a quarter.
      if (formField(req.body, 'confirm') !== 'yes') {
        const problem = { field: 'confirm', message: 'Confirm that the board has signed off this quarter' }
        return renderOverview(req, res, period, [problem])
      }
      const locked = await returns.signOff(user, period)
      req.session.flash = locked ? 'The quarter is signed off and locked.' : 'The quarter was already signed off.'
      res.redirect(303, `${req.baseUrl}/returns/${period}`)
    }),
  )

  router.post(
    '/returns/:period/reopen',
    requirePermission(accounts, 'report:sign-off'),
    handle(async (req, res) => {
      const period = periodParam(req)
      const user = userOf(res)
      const result = await returns.reopen(user, period, formField(req.body, 'reason'))
      if (result.kind === 'invalid') {
        return renderOverview(req, res, period, result.problems)
      }
      req.session.flash = result.kind === 'reopened' ? 'The quarter is reopened.' : 'The quarter was not locked.'
      res.redirect(303, `${req.baseUrl}/returns/${period}`)
    }),
  )

  router.get(
    '/returns/:period/:agency',
    signedIn,
    handle(async (req, res) => {
      const period = periodParam(req)
      const page = await returns.returnPage(userOf(res), period, await agencyParam(req))
      if (page.lines.length === 0 && page.outputs.length === 0) {
        return res.render('returns/nothing-due.njk', { pageTitle: `Nothing due for ${page.period.label}`, page })
      }
      renderReturn(req, res, page)
    }),
  )

  router.post(
    '/returns/:period/:agency',
    signedIn,
    handle(async (req, res) => {
      const user = userOf(res)
      const period = periodParam(req)
      const agencyId = await agencyParam(req)
      const page = await returns.returnPage(user, period, agencyId)
      if (page.lines.length === 0 && page.outputs.length === 0) throw new ReturnNotFound() // nothing due: no form
      const intent = formField(req.body, 'intent')
      const versionText = formField(req.body, 'version')
      const version = versionText === '' ? null : /^[1-9]\d{0,8}$/.test(versionText) ? Number(versionText) : undefined
      const fields = postedFields(req.body, page.lines)
      const actionFields = postedActionFields(req.body, page)
      for (const name of page.outputFields) fields[name] = formField(req.body, name)
      if ((intent !== 'save' && intent !== 'submit') || version === undefined) {
        // Not a form of ours (no button pressed, a version that is not a number): nothing is saved.
        if (!can(user, 'return:edit', { agencyId })) throw new PermissionDenied('return:edit')
        return renderReturn(req, res, page, {
          status: 400,
          values: { ...fields, ...actionFields },
          problems: [{ field: 'save', message: 'Choose “Save draft” or “Submit return”' }],
        })
      }
      const result = await returns.saveReturn(user, period, agencyId, { version, intent, fields, actionFields })
      switch (result.kind) {
        case 'saved':
          req.session.flash = intent === 'submit' ? 'Your return has been submitted.' : 'Your draft has been saved.'
          return res.redirect(303, req.baseUrl + returnPath(period, page.agency.code))
        case 'invalid':
          return renderReturn(req, res, page, {
            status: 400,
            values: { ...fields, ...actionFields },
            problems: result.problems,
            warnings: result.warnings,
          })
        case 'conflict':
          // The figures now stored are shown (the page is read again); the editor's own changes were not saved.
          return renderReturn(req, res, await returns.returnPage(user, period, agencyId), {
            status: 409,
            conflict: true,
          })
        case 'locked':
          return renderReturn(req, res, await returns.returnPage(user, period, agencyId), { status: 409, locked: true })
        case 'wrong-state':
          return renderReturn(req, res, await returns.returnPage(user, period, agencyId), {
            status: 409,
            problems: [{ field: 'save', message: 'This return has been accepted: it can no longer be changed' }],
          })
      }
    }),
  )

  router.post(
    '/returns/:period/:agency/review',
    signedIn,
    handle(async (req, res) => {
      const user = userOf(res)
      const period = periodParam(req)
      const agencyId = await agencyParam(req)
      const page = await returns.returnPage(user, period, agencyId)
      if (!can(user, 'return:review', { agencyId })) throw new PermissionDenied('return:review')
      const decision = formField(req.body, 'decision')
      const comment = formField(req.body, 'comment')
      const versionText = formField(req.body, 'version')
      if ((decision !== 'accept' && decision !== 'send-back') || !/^[1-9]\d{0,8}$/.test(versionText)) {
        return renderReturn(req, res, page, {
          status: 400,
          reviewProblems: [{ field: 'comment', message: 'Choose “Accept return” or “Send back”' }],
          reviewComment: comment,
        })
      }
      const result = await returns.review(user, period, agencyId, { version: Number(versionText), decision, comment })
      switch (result.kind) {
        case 'saved':
          req.session.flash = decision === 'accept' ? 'The return is accepted.' : 'The return is sent back.'
          return res.redirect(303, req.baseUrl + returnPath(period, page.agency.code))
        case 'invalid':
          return renderReturn(req, res, page, { status: 400, reviewProblems: result.problems, reviewComment: comment })
        case 'conflict':
          return renderReturn(req, res, await returns.returnPage(user, period, agencyId), {
            status: 409,
            conflict: true,
          })
        case 'locked':
          return renderReturn(req, res, page, { status: 409, locked: true })
        case 'wrong-state':
          return renderReturn(req, res, page, {
            status: 409,
            reviewProblems: [{ field: 'comment', message: 'Only a submitted return can be accepted or sent back' }],
          })
      }
    }),
  )

  return router
}
