import express, { type Request, type Response } from 'express'
import type { AccountService } from '../accounts/account-service.ts'
import { can } from '../accounts/permissions.ts'
import { objectPageHandler, requirePermission, requireSignIn } from '../accounts/web/authentication.ts'
import { formField } from '../accounts/web/forms.ts'
import type { PlanAction } from './action-repository.ts'
import {
  ACTION_STATUSES,
  ActionNotFound,
  type ActionForm,
  type ActionService,
  type ActionUser,
  type Problem,
} from './action-service.ts'

export interface ActionRoutesDeps {
  readonly actions: ActionService
  readonly accounts: Pick<AccountService, 'log'>
}

/** Blank milestone rows offered below the action's own, so that more can be added without JavaScript. */
const BLANK_MILESTONE_ROWS = 2
/** At most this many milestone rows are read from a form. */
const MILESTONE_ROWS_LIMIT = 200

const ID_PATTERN = /^[1-9]\d{0,8}$/

/** A query field as one short string: the 'simple' query parser can still give an array for `?a=1&a=2`. */
function queryField(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 200) : ''
}

/** The three boxes of a GOV.UK date input as `YYYY-M-D` (empty boxes give `--`, which is no date). */
function dateBoxes(body: unknown, prefix: string): string {
  const box = (part: string) => formField(body, `${prefix}-${part}`).trim()
  return `${box('year')}-${box('month')}-${box('day')}`
}

/** A stored `YYYY-MM-DD` as the three boxes show it. */
function boxesOfDate(date: string | null): { day: string; month: string; year: string } {
  if (date === null) return { day: '', month: '', year: '' }
  const [year = '', month = '', day = ''] = date.split('-')
  return { day: String(Number(day)), month: String(Number(month)), year }
}

/** The boxes of a posted date, as typed, to show again after a refusal. */
function typedDate(body: unknown, prefix: string): { day: string; month: string; year: string } {
  return {
    day: formField(body, `${prefix}-day`),
    month: formField(body, `${prefix}-month`),
    year: formField(body, `${prefix}-year`),
  }
}

const DATE_FIELDS = /^(startDate|dueDate|writtenOn|milestone-\d+-(due|done))$/

/** Where the error summary's link goes: a date's first box, any other field itself. */
const hrefOf = (field: string) => `#${DATE_FIELDS.test(field) ? `${field}-day` : field}`

interface FormValues {
  readonly reference: string
  readonly title: string
  readonly description: string
  readonly strategicPriority: string
  readonly deliveryPriority: string
  readonly deliveryGroup: string
  readonly leadAgency: string
  readonly owner: string
  readonly status: string
  readonly startDate: { day: string; month: string; year: string }
  readonly dueDate: { day: string; month: string; year: string }
  readonly milestones: readonly {
    title: string
    due: { day: string; month: string; year: string }
    done: { day: string; month: string; year: string }
  }[]
}

function valuesOfAction(action: PlanAction | null): FormValues {
  return {
    reference: action?.reference ?? '',
    title: action?.title ?? '',
    description: action?.description ?? '',
    strategicPriority: action ? String(action.strategicPriorityId) : '',
    deliveryPriority: action?.deliveryPriorityId ? String(action.deliveryPriorityId) : '',
    deliveryGroup: action?.deliveryGroup ?? '',
    leadAgency: action?.leadAgencyId ? String(action.leadAgencyId) : '',
    owner: action?.owner ?? '',
    status: action?.status ?? 'not-started',
    startDate: boxesOfDate(action?.startDate ?? null),
    dueDate: boxesOfDate(action?.dueDate ?? null),
    milestones: (action?.milestones ?? []).map((m) => ({
      title: m.title,
      due: boxesOfDate(m.dueDate),
      done: boxesOfDate(m.completedOn),
    })),
  }
}

function milestoneRowCount(body: unknown): number {
  const text = formField(body, 'milestoneRows')
  return ID_PATTERN.test(text) ? Math.min(Number(text), MILESTONE_ROWS_LIMIT) : 0
}

function valuesOfBody(body: unknown): FormValues {
  const rows = milestoneRowCount(body)
  return {
    reference: formField(body, 'reference'),
    title: formField(body, 'title'),
    description: formField(body, 'description'),
    strategicPriority: formField(body, 'strategicPriority'),
    deliveryPriority: formField(body, 'deliveryPriority'),
    deliveryGroup: formField(body, 'deliveryGroup'),
    leadAgency: formField(body, 'leadAgency'),
    owner: formField(body, 'owner'),
    status: formField(body, 'status'),
    startDate: typedDate(body, 'startDate'),
    dueDate: typedDate(body, 'dueDate'),
    milestones: Array.from({ length: rows }, (_, i) => ({
      title: formField(body, `milestone-${i + 1}-title`),
      due: typedDate(body, `milestone-${i + 1}-due`),
      done: typedDate(body, `milestone-${i + 1}-done`),
    })),
  }
}

function formOfBody(body: unknown, withStatus: boolean): ActionForm {
  const rows = milestoneRowCount(body)
  return {
    reference: formField(body, 'reference'),
    title: formField(body, 'title'),
    description: formField(body, 'description'),
    strategicPriority: formField(body, 'strategicPriority'),
    deliveryPriority: formField(body, 'deliveryPriority'),
    deliveryGroup: formField(body, 'deliveryGroup'),
    leadAgency: formField(body, 'leadAgency'),
    owner: formField(body, 'owner'),
    startDate: dateBoxes(body, 'startDate'),
    dueDate: dateBoxes(body, 'dueDate'),
    ...(withStatus ? { status: formField(body, 'status') } : {}),
    milestones: Array.from({ length: rows }, (_, i) => ({
      title: formField(body, `milestone-${i + 1}-title`),
      dueDate: dateBoxes(body, `milestone-${i + 1}-due`),
      completedOn: dateBoxes(body, `milestone-${i + 1}-done`),
    })),
  }
}

/** `?a=1&b=` for the list's links (filters kept), leaving out the empty ones. */
function queryOf(filters: Readonly<Record<string, string>>): string {
  const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ''))
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

/**
 * The delivery plan's actions over the web (`/plan/actions`): the list with its filters (a GET form: works without
 * JavaScript), an action's page with its milestones and progress updates, the form to add or change an action, and
 * the form to add a dated progress update. Every read and write asks the action service, which checks the permission
 * policy against the action's own lead agency.
 */
export function actionRoutes(deps: ActionRoutesDeps): express.Router {
  const { actions, accounts } = deps
  const router = express.Router()
  const editGuard = requirePermission(accounts, 'plan:edit')

  const userOf = (res: Response): ActionUser => {
    const user = res.locals.currentUser
    if (!user) throw new Error('signedIn lets no anonymous request through')
    return user
  }

  const signedIn = requireSignIn()

  /** Runs a handler: an unknown or hidden object is 404, a refused action 403 (logged). */
  const handle = objectPageHandler(accounts, (error) => error instanceof ActionNotFound)

  const idParam = (req: Request): number => {
    const id = req.params.id
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw new ActionNotFound()
    return Number(id)
  }

  const takeFlash = (req: Request): string | undefined => {
    const flash = req.session?.flash
    if (flash !== undefined) delete req.session.flash
    return typeof flash === 'string' ? flash : undefined
  }

  const actionPath = (req: Request, id: number) => `${req.baseUrl}/plan/actions/${id}`

  async function renderForm(
    req: Request,
    res: Response,
    options: {
      readonly action: PlanAction | null
      readonly values: FormValues
      readonly problems?: readonly Problem[]
      readonly conflict?: boolean
      readonly status?: number
    },
  ): Promise<void> {
    const { priorities, agencies } = await actions.choices()
    const problems = options.problems ?? []
    const fieldErrors: Record<string, { text: string }> = {}
    for (const p of problems) fieldErrors[p.field] ??= { text: p.message }
    const values = options.values
    const rows = [
      ...values.milestones,
      ...Array.from({ length: BLANK_MILESTONE_ROWS }, () => ({
        title: '',
        due: { day: '', month: '', year: '' },
        done: { day: '', month: '', year: '' },
      })),
    ]
    const title = options.action ? `Change action ${options.action.reference}` : 'Add an action'
    res.status(options.status ?? (problems.length > 0 ? 400 : 200))
    res.render('plan/action-form.njk', {
      pageTitle: problems.length > 0 || options.conflict ? `Error: ${title}` : title,
      title,
      action: options.action,
      formAction: options.action ? `${actionPath(req, options.action.id)}/edit` : `${req.baseUrl}/plan/actions`,
      cancelHref: options.action ? actionPath(req, options.action.id) : `${req.baseUrl}/plan/actions`,
      values,
      conflict: options.conflict === true,
      errorList: problems.map((p) => ({ text: p.message, href: hrefOf(p.field) })),
      fieldErrors,
      strategicItems: [
        { value: '', text: 'Choose a strategic priority', selected: values.strategicPriority === '' },
        ...priorities.strategic.map((p) => ({
          value: String(p.id),
          text: `${p.name} (${p.context})`,
          selected: String(p.id) === values.strategicPriority,
        })),
      ],
      deliveryItems: [
        { value: '', text: 'None', selected: values.deliveryPriority === '' },
        ...priorities.delivery.map((p) => ({
          value: String(p.id),
          text: `${p.context}: ${p.name}`,
          selected: String(p.id) === values.deliveryPriority,
        })),
      ],
      agencyItems: [
        { value: '', text: 'Not given', selected: values.leadAgency === '' },
        ...agencies.map((a) => ({ value: String(a.id), text: a.name, selected: String(a.id) === values.leadAgency })),
      ],
      statusItems: ACTION_STATUSES.map((s) => ({ ...s, selected: s.value === values.status })),
      noPriorities: priorities.strategic.length === 0,
      milestoneRows: rows.map((m, i) => ({ ...m, n: i + 1 })),
      milestoneCount: rows.length,
      version: options.action ? String(options.action.version) : '',
    })
  }

  async function renderAction(
    req: Request,
    res: Response,
    id: number,
    options: {
      readonly problems?: readonly Problem[]
      readonly conflict?: boolean
      readonly typed?: { writtenOn: { day: string; month: string; year: string }; status: string; note: string }
      readonly status?: number
    } = {},
  ): Promise<void> {
    const user = userOf(res)
    const { action, updates } = await actions.get(user, id)
    const problems = options.problems ?? []
    const fieldErrors: Record<string, { text: string }> = {}
    for (const p of problems) fieldErrors[p.field] ??= { text: p.message }
    const title = `${action.reference}: ${action.title}`
    const typedStatus = options.typed?.status ?? action.status
    res.status(options.status ?? (problems.length > 0 ? 400 : 200))
    res.render('plan/action-page.njk', {
      pageTitle: problems.length > 0 || options.conflict ? `Error: ${title}` : title,
      action,
      updates: updates.map((u) => ({
        ...u,
        statusText: ACTION_STATUSES.find((s) => s.value === u.status)?.text ?? u.status,
      })),
      flash: takeFlash(req),
      canEdit: can(user, 'plan:edit'),
      listHref: `${req.baseUrl}/plan/actions`,
      path: actionPath(req, id),
      errorList: problems.map((p) => ({ text: p.message, href: hrefOf(p.field) })),
      fieldErrors,
      conflict: options.conflict === true,
      typed: options.typed ?? { writtenOn: { day: '', month: '', year: '' }, status: action.status, note: '' },
      statusItems: ACTION_STATUSES.map((s) => ({ ...s, selected: s.value === typedStatus })),
    })
  }

  router.get(
    '/plan/actions',
    signedIn,
    handle(async (req, res) => {
      const user = userOf(res)
      const list = await actions.list(user, {
        priority: queryField(req.query.priority),
        status: queryField(req.query.status),
        agency: queryField(req.query.agency),
        group: queryField(req.query.group),
        overdue: queryField(req.query.overdue),
      })
      const f = list.filters
      const choose = (items: { value: string; text: string }[], selected: string) => [
        { value: '', text: 'All', selected: selected === '' },
        ...items.map((i) => ({ ...i, selected: i.value === selected })),
      ]
      res.render('plan/action-list.njk', {
        pageTitle: 'Delivery plan actions',
        list,
        filtered: Object.values(f).some((v) => v !== ''),
        clearHref: `${req.baseUrl}/plan/actions`,
        query: queryOf(f),
        priorityItems: choose(
          list.options.priorities.map((p) => ({ value: String(p.id), text: p.name })),
          f.priority,
        ),
        statusItems: choose(
          ACTION_STATUSES.map((s) => ({ value: s.value, text: s.text })),
          f.status,
        ),
        agencyItems: choose(
          list.options.agencies.map((a) => ({ value: String(a.id), text: a.name })),
          f.agency,
        ),
        groupItems: choose(
          list.options.groups.map((g) => ({ value: g, text: g })),
          f.group,
        ),
        overdueChecked: f.overdue === 'yes',
        canEdit: can(user, 'plan:edit'),
        flash: takeFlash(req),
      })
    }),
  )

  router.get(
    '/plan/actions/new',
    editGuard,
    handle(async (req, res) => {
      await renderForm(req, res, { action: null, values: valuesOfAction(null) })
    }),
  )

  router.post(
    '/plan/actions',
    editGuard,
    handle(async (req, res) => {
      const result = await actions.create(userOf(res), formOfBody(req.body, true))
      if (result.kind === 'saved') {
        req.session.flash = `Action ${result.action.reference} added.`
        return res.redirect(303, actionPath(req, result.action.id))
      }
      if (result.kind === 'invalid') {
        return renderForm(req, res, { action: null, values: valuesOfBody(req.body), problems: result.problems })
      }
      throw new Error('A new action cannot conflict')
    }),
  )

  router.get(
    '/plan/actions/:id',
    signedIn,
    handle(async (req, res) => {
      await renderAction(req, res, idParam(req))
    }),
  )

  router.get(
    '/plan/actions/:id/edit',
    editGuard,
    handle(async (req, res) => {
      const { action } = await actions.get(userOf(res), idParam(req))
      await renderForm(req, res, { action, values: valuesOfAction(action) })
    }),
  )

  router.post(
    '/plan/actions/:id/edit',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const user = userOf(res)
      const { action } = await actions.get(user, id)
      const versionText = formField(req.body, 'version')
      if (!ID_PATTERN.test(versionText)) {
        return renderForm(req, res, {
          action,
          values: valuesOfBody(req.body),
          problems: [
            { field: 'reference', message: 'The form was incomplete: nothing was saved. Make your changes again.' },
          ],
        })
      }
      const result = await actions.update(user, id, Number(versionText), formOfBody(req.body, false))
      switch (result.kind) {
        case 'saved':
          req.session.flash = `Action ${result.action.reference} saved.`
          return res.redirect(303, actionPath(req, id))
        case 'invalid':
          return renderForm(req, res, { action, values: valuesOfBody(req.body), problems: result.problems })
        case 'conflict':
          // The action as it is now, so the editor can make their changes again over it.
          return renderForm(req, res, {
            action: result.current,
            values: valuesOfAction(result.current),
            conflict: true,
            status: 409,
          })
      }
    }),
  )

  router.post(
    '/plan/actions/:id/updates',
    editGuard,
    handle(async (req, res) => {
      const id = idParam(req)
      const user = userOf(res)
      await actions.get(user, id)
      const versionText = formField(req.body, 'version')
      const typed = {
        writtenOn: typedDate(req.body, 'writtenOn'),
        status: formField(req.body, 'status'),
        note: formField(req.body, 'note'),
      }
      if (!ID_PATTERN.test(versionText)) {
        return renderAction(req, res, id, {
          typed,
          problems: [{ field: 'note', message: 'The form was incomplete: nothing was saved. Add the update again.' }],
        })
      }
      const result = await actions.addUpdate(
        user,
        id,
        Number(versionText),
        { writtenOn: dateBoxes(req.body, 'writtenOn'), status: typed.status, note: typed.note },
        null,
      )
      switch (result.kind) {
        case 'saved':
          req.session.flash = 'Progress update added.'
          return res.redirect(303, `${actionPath(req, id)}#updates`)
        case 'invalid':
          return renderAction(req, res, id, { typed, problems: result.problems })
        case 'conflict':
          return renderAction(req, res, id, { typed, conflict: true, status: 409 })
      }
    }),
  )

  return router
}
