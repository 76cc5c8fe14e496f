import express, { type Request, type RequestHandler, type Response } from 'express'
import { can, type Principal } from '../accounts/permissions.ts'
import type { AccountService } from '../accounts/account-service.ts'
import { redirectAfterSaving, requirePermission } from '../accounts/web/index.ts'
import { takeFlash } from '../accounts/web/session.ts'
import { financialYearId, financialYearOf } from '../domain/period.ts'
import type { PerformanceReportService } from '../reports/performance-report-service.ts'
import { OUTCOME_TAG } from '../reports/outcome-tags.ts'
import type { BoardDecisions } from '../shared/web/board-decisions.ts'
import type { KpiLinkService } from './kpi-links.ts'
import type { StrategyRepository } from './strategy-repository.ts'
import { buildStrategyOverview, type PriorityMoney } from './strategy-overview.ts'
import {
  yearLabel,
  yearsBetween,
  type FieldProblem,
  type PlanChange,
  type StrategyService,
} from './strategy-service.ts'

export interface StrategyRoutesOptions {
  readonly accounts: Pick<AccountService, 'log'>
  readonly strategies: StrategyService
  readonly kpiLinks: KpiLinkService
  readonly repository: Pick<
    StrategyRepository,
    'links' | 'actionCounts' | 'servicesFor' | 'indicators' | 'priority' | 'deliveryPriority'
  >
  readonly reports: Pick<PerformanceReportService, 'latestReport'>
  /**
   * Allocated and spent per priority for one of the strategy's years (src/plan/strategy-money.ts over
   * src/domain/budget.ts): the year asked for, else the current one, else the latest with money; null when none has.
   */
  readonly money?: (
    years: readonly string[],
    wanted: string | null,
    current: string,
  ) => Promise<{ year: string; byPriority: Map<number, PriorityMoney>; yearsWithMoney: string[] } | null>
  readonly now?: () => Date
  /**
   * The board's approvals of a strategy (kind `strategy-approval`, subject the strategy's number; src/board/), shown
   * on the strategy's own page. Left out, the page shows none.
   */
  readonly boardDecisions?: BoardDecisions<Principal>
}

export const STATUS_WORDS = { draft: 'Draft', approved: 'Approved', superseded: 'Superseded' } as const
export const STATUS_TAG = {
  draft: 'govuk-tag--grey',
  approved: 'govuk-tag--green',
  superseded: 'govuk-tag--yellow',
} as const

/** A form field as one trimmed-later string (the 'simple' query parser and forms can give arrays). */
function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name]
  return typeof value === 'string' ? value.slice(0, 10_000) : ''
}

/** A positive whole number from an address, or null (then the route answers 404). */
function idOf(text: unknown): number | null {
  return typeof text === 'string' && /^[1-9]\d{0,9}$/.test(text) && Number(text) <= 2_147_483_647 ? Number(text) : null
}

const errorList = (problems: readonly FieldProblem[], prefix = '') =>
  problems.map((p) => ({ text: p.message, href: `#${prefix}${p.field}` }))

/**
 * The plan's landing page (`/plan`), the strategy pages and the KPI links page (src/plan/). Reading asks `plan:view`
 * (a data owner has it for their own agency: they see the strategy with only their agency's actions counted);
 * changing asks `plan:edit`. Every change goes through the strategy or KPI link service (one audited unit of work).
 * Another partnership's strategy, priority or KPI is not found here (the services read through the partnership's
 * handle), so its address answers 404.
 */
export function strategyRoutes(options: StrategyRoutesOptions): express.Router {
  const { strategies, kpiLinks, repository } = options
  const router = express.Router()
  const edit = [requirePermission(options.accounts, 'plan:edit')]
  const viewAll = [requirePermission(options.accounts, 'plan:view')]
  // A reader of the plan: everyone with plan:view, and a data owner for their own agency's part.
  const view: RequestHandler[] = [
    requirePermission(options.accounts, 'plan:view', (req) => ({
      agencyId: req.res?.locals.currentUser?.agencyId ?? null,
    })),
  ]
  const thisYear = () => financialYearId(financialYearOf((options.now ?? (() => new Date()))()))

  /** The actions a person may count: all for those who read the whole plan; a data owner their agency's. */
  const agencyOf = (res: Response): number | null => {
    const user = res.locals.currentUser
    return can(user, 'plan:view') ? null : (user?.agencyId ?? -1)
  }

  async function overview(strategyId: number, req: Request, res: Response) {
    const detail = await strategies.detail(strategyId)
    if (!detail) return null
    // The money and the services are the budget's, for those who may read the whole budget (a provider's data owner
    // reads only its own services, on the funding pages).
    const mayReadMoney = can(res.locals.currentUser, 'budget:view')
    const [report, links, counts, indicators, services] = await Promise.all([
      options.reports.latestReport(),
      repository.links(),
      repository.actionCounts(strategyId, agencyOf(res)),
      repository.indicators(),
      mayReadMoney ? repository.servicesFor(strategyId) : Promise.resolve([]),
    ])
    const wanted = typeof req.query.year === 'string' ? req.query.year : null
    const money = options.money && mayReadMoney ? await options.money(detail.years, wanted, thisYear()) : null
    return {
      view: buildStrategyOverview({
        detail,
        report,
        links,
        actionCounts: counts,
        money: (id) => money?.byPriority.get(id) ?? null,
        services,
        kpiNames: new Map(indicators.map((k) => [k.id, k.name])),
      }),
      money: money && {
        year: money.year,
        label: yearLabel(money.year),
        years: money.yearsWithMoney.map((y) => ({ year: y, label: yearLabel(y), current: y === money.year })),
      },
      moneyReadable: Boolean(options.money) && mayReadMoney,
    }
  }

  function common(req: Request, res: Response) {
    const user = res.locals.currentUser
    return {
      flash: takeFlash(req),
      mayEdit: can(user, 'plan:edit'),
      readsWholePlan: can(user, 'plan:view'),
      statusWords: STATUS_WORDS,
      statusTag: STATUS_TAG,
      outcomeTag: OUTCOME_TAG,
    }
  }

  // ---- The landing page and the strategy page -----------------------------------------------------------------
  router.get('/plan', ...view, async (req, res) => {
    const all = await strategies.list()
    const current = await strategies.current(thisYear())
    const shown = current ? await overview(current.id, req, res) : null
    res.render('plan/strategy-overview.njk', {
      pageTitle: 'Plan',
      landing: true,
      ...common(req, res),
      strategies: all,
      ...(shown ?? {}),
      coversToday:
        current !== null &&
        current.status === 'approved' &&
        yearsBetween(current.first_year, current.last_year).includes(thisYear()),
      thisYearLabel: yearLabel(thisYear()),
    })
  })

  router.get('/plan/strategies/new', ...edit, (req, res) => {
    res.render('plan/strategy-new.njk', { pageTitle: 'Create a strategy', ...common(req, res), values: {} })
  })

  router.post('/plan/strategies', ...edit, async (req, res) => {
    const input = {
      title: field(req.body, 'title'),
      firstYear: field(req.body, 'firstYear'),
      lastYear: field(req.body, 'lastYear'),
      summary: field(req.body, 'summary'),
    }
    const made = await strategies.createStrategy(actorOf(res), input)
    if (made.outcome !== 'done') {
      return res.status(400).render('plan/strategy-new.njk', {
        pageTitle: 'Create a strategy',
        ...common(req, res),
        errors: problemsOf(made),
        fieldErrors: fieldErrorsOf(made),
        values: input,
      })
    }
    req.session.flash = `“${made.value.title}” was created as a draft. Add its strategic priorities, then record its approval.`
    await redirectAfterSaving(req, res, `${req.baseUrl}/plan/strategies/${made.value.id}/edit`)
  })

  router.get('/plan/strategies/:id', ...view, async (req, res, next) => {
    const id = idOf(req.params.id)
    const shown = id === null ? null : await overview(id, req, res)
    if (!shown || id === null) return next()
    const user = res.locals.currentUser
    res.render('plan/strategy-overview.njk', {
      pageTitle: shown.view.detail.strategy.title,
      landing: false,
      ...common(req, res),
      ...shown,
      boardDecisions:
        options.boardDecisions && user ? await options.boardDecisions(user, String(id), req.baseUrl) : null,
      returnTo: `${req.baseUrl}/plan/strategies/${id}`,
    })
  })

  // ---- Changing a strategy (plan:edit) ------------------------------------------------------------------------
  async function renderEdit(
    req: Request,
    res: Response,
    id: number,
    status = 200,
    extra: Record<string, unknown> = {},
  ) {
    const detail = await strategies.detail(id)
    if (!detail) return false
    const supersedes = detail.strategy.status === 'draft' ? await strategies.wouldSupersede(id) : []
    res.status(status).render('plan/strategy-edit.njk', {
      pageTitle: `Change ${detail.strategy.title}`,
      ...common(req, res),
      detail,
      supersedes,
      yearLabels: detail.years.map((year) => ({ year, label: yearLabel(year) })),
      values: {},
      ...extra,
    })
    return true
  }

  router.get('/plan/strategies/:id/edit', ...edit, async (req, res, next) => {
    const id = idOf(req.params.id)
    if (id === null || !(await renderEdit(req, res, id))) return next()
  })

  /** Answers a change: back to `to` with `flash`, or the edit page again with what was wrong. */
  async function answer<T>(
    req: Request,
    res: Response,
    next: express.NextFunction,
    change: PlanChange<T>,
    page: (status: number, extra: Record<string, unknown>) => Promise<boolean>,
    to: string,
    flash: (value: T) => string,
    prefix = '',
  ) {
    if (change.outcome === 'not-found') return next()
    if (change.outcome === 'done') {
      req.session.flash = flash(change.value)
      return redirectAfterSaving(req, res, `${req.baseUrl}${to}`)
    }
    const shown = await page(change.outcome === 'refused' ? 409 : 400, {
      errors: problemsOf(change, prefix),
      fieldErrors: fieldErrorsOf(change, prefix),
      values: req.body,
    })
    if (!shown) return next()
  }

  router.post('/plan/strategies/:id', ...edit, async (req, res, next) => {
    const id = idOf(req.params.id)
    if (id === null) return next()
    const change = await strategies.updateStrategy(actorOf(res), id, {
      title: field(req.body, 'title'),
      firstYear: field(req.body, 'firstYear'),
      lastYear: field(req.body, 'lastYear'),
      summary: field(req.body, 'summary'),
    })
    await answer(
      req,
      res,
      next,
      change,
      (s, e) => renderEdit(req, res, id, s, e),
      `/plan/strategies/${id}/edit`,
      () => 'Changes saved.',
    )
  })

  router.post('/plan/strategies/:id/approve', ...edit, async (req, res, next) => {
    const id = idOf(req.params.id)
    if (id === null) return next()
    const change = await strategies.approveStrategy(actorOf(res), id, {
      approvedBy: field(req.body, 'approvedBy'),
      approvedOn: field(req.body, 'approvedOn'),
    })
    await answer(
      req,
      res,
      next,
      change,
      (s, e) => renderEdit(req, res, id, s, e),
      `/plan/strategies/${id}`,
      (v) =>
        v.superseded.length === 0
          ? `“${v.strategy.title}” is recorded as approved.`
          : `“${v.strategy.title}” is recorded as approved; ${v.superseded.map((s) => `“${s.title}”`).join(', ')} ${v.superseded.length === 1 ? 'is' : 'are'} now superseded.`,
    )
  })

  router.post('/plan/strategies/:id/priorities', ...edit, async (req, res, next) => {
    const id = idOf(req.params.id)
    if (id === null) return next()
    const change = await strategies.addPriority(actorOf(res), id, {
      name: field(req.body, 'name'),
      description: field(req.body, 'description'),
      kind: field(req.body, 'kind') === 'statutory' ? 'statutory' : 'strategic',
    })
    await answer(
      req,
      res,
      next,
      change,
      (s, e) => renderEdit(req, res, id, s, e),
      `/plan/strategies/${id}/edit`,
      (p) => `“${p.name}” was added.`,
    )
  })

  // ---- A priority and its delivery priorities (plan:edit) -----------------------------------------------------
  async function renderPriority(
    req: Request,
    res: Response,
    id: number,
    status = 200,
    extra: Record<string, unknown> = {},
  ) {
    const priority = await repository.priority(id)
    if (!priority) return false
    const detail = (await strategies.detail(priority.strategy_id)) ?? null
    if (!detail) return false
    const withDelivery = detail.priorities.find((p) => p.id === id)
    res.status(status).render('plan/strategy-priority.njk', {
      pageTitle: `Change ${priority.name}`,
      ...common(req, res),
      detail,
      priority: withDelivery,
      yearLabels: detail.years.map((year) => ({ year, label: yearLabel(year) })),
      years: detail.years.map((year) => ({
        year,
        label: yearLabel(year),
        items: withDelivery?.delivery.filter((d) => d.year === year) ?? [],
      })),
      values: {},
      ...extra,
    })
    return true
  }

  router.get('/plan/priorities/:id', ...edit, async (req, res, next) => {
    const id = idOf(req.params.id)
    if (id === null || !(await renderPriority(req, res, id))) return next()
  })

  router.post('/plan/priorities/:id', ...edit, async (req, res, next) => {
    const id = idOf(req.params.id)
    if (id === null) return next()
    const change = await strategies.updatePriority(actorOf(res), id, {
      name: field(req.body, 'name'),
      description: field(req.body, 'description'),
    })
    await answer(
      req,
      res,
      next,
      change,
      (s, e) => renderPriority(req, res, id, s, e),
      `/plan/priorities/${id}`,
      (p) => `“${p.name}”: changes saved.`,
      'priority-',
    )
  })

  router.post('/plan/priorities/:id/move', ...edit, async (req, res, next) => {
    const id = idOf(req.params.id)
    if (id === null) return next()
    const change = await strategies.movePriority(
      actorOf(res),
      id,
      field(req.body, 'direction') === 'up' ? 'up' : 'down',
    )
    const strategyId = change.outcome === 'done' ? change.value.strategy_id : null
    await answer(
      req,
      res,
      next,
      change,
      (s, e) => renderPriority(req, res, id, s, e),
      `/plan/strategies/${strategyId ?? ''}/edit`,
      (p) => `“${p.name}” was moved.`,
    )
  })

  router.post('/plan/priorities/:id/remove', ...edit, async (req, res, next) => {
    const id = idOf(req.params.id)
    if (id === null) return next()
    const change = await strategies.removePriority(actorOf(res), id)
    const strategyId = change.outcome === 'done' ? change.value.strategy_id : null
    await answer(
      req,
      res,
      next,
      change,
      (s, e) => renderPriority(req, res, id, s, e),
      `/plan/strategies/${strategyId ?? ''}/edit`,
      (p) => `“${p.name}” was removed.`,
    )
  })

  router.post('/plan/priorities/:id/delivery', ...edit, async (req, res, next) => {
    const id = idOf(req.params.id)
    if (id === null) return next()
    const change = await strategies.addDeliveryPriority(actorOf(res), id, {
      year: field(req.body, 'year'),
      name: field(req.body, 'name'),
      description: field(req.body, 'description'),
    })
    await answer(
      req,
      res,
      next,
      change,
      (s, e) => renderPriority(req, res, id, s, e),
      `/plan/priorities/${id}`,
      (d) => `Delivery priority added for ${yearLabel(d.year)}.`,
    )
  })

  router.post('/plan/delivery-priorities/:id', ...edit, async (req, res, next) => {
    const id = idOf(req.params.id)
    if (id === null) return next()
    const remove = field(req.body, 'intent') === 'remove'
    const priorityId = (await repository.deliveryPriority(id))?.strategic_priority_id ?? null
    if (priorityId === null) return next()
    const change = remove
      ? await strategies.removeDeliveryPriority(actorOf(res), id)
      : await strategies.updateDeliveryPriority(actorOf(res), id, {
          year: field(req.body, 'year'),
          name: field(req.body, 'name'),
          description: field(req.body, 'description'),
        })
    await answer(
      req,
      res,
      next,
      change,
      (s, e) => renderPriority(req, res, priorityId, s, e),
      `/plan/priorities/${priorityId}`,
      () => (remove ? 'Delivery priority removed.' : 'Delivery priority saved.'),
      `d${id}-`,
    )
  })

  // ---- KPIs linked to priorities --------------------------------------------------------------------------------
  async function renderLinks(req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) {
    const current = await strategies.current(thisYear())
    const linksView = current ? await kpiLinks.view(current.id) : null
    res.status(status).render('plan/strategy-kpi-links.njk', {
      pageTitle: 'KPIs and the strategy’s priorities',
      ...common(req, res),
      linksView,
      ...extra,
    })
  }

  router.get('/plan/kpi-links', ...viewAll, (req, res) => renderLinks(req, res))

  router.post('/plan/kpi-links/match', ...edit, async (req, res) => {
    const current = await strategies.current(thisYear())
    const change = current ? await kpiLinks.linkMatching(actorOf(res), current.id) : ({ outcome: 'not-found' } as const)
    if (change.outcome === 'done') {
      const n = change.value.linked.length
      req.session.flash = `${n} ${n === 1 ? 'KPI was' : 'KPIs were'} linked to the priority their text names.`
      return redirectAfterSaving(req, res, `${req.baseUrl}/plan/kpi-links`)
    }
    await renderLinks(req, res, change.outcome === 'not-found' ? 404 : 409, { errors: problemsOf(change) })
  })

  router.post('/plan/kpi-links/:kpi', ...edit, async (req, res, next) => {
    const kpi = typeof req.params.kpi === 'string' ? req.params.kpi : ''
    const priority = idOf(field(req.body, 'priority'))
    const delivery = idOf(field(req.body, 'delivery'))
    const change =
      field(req.body, 'intent') === 'unlink'
        ? await kpiLinks.unlink(actorOf(res), kpi)
        : priority === null
          ? ({ outcome: 'invalid', problems: [{ field: 'priority', message: 'Choose a priority' }] } as const)
          : await kpiLinks.link(actorOf(res), kpi, priority, delivery)
    if (change.outcome === 'not-found') return next()
    if (change.outcome === 'done') {
      req.session.flash = 'The KPI’s link was saved.'
      return redirectAfterSaving(req, res, `${req.baseUrl}/plan/kpi-links#kpi-${kpi}`)
    }
    await renderLinks(req, res, change.outcome === 'refused' ? 409 : 400, {
      errors: errorList(change.outcome === 'invalid' ? change.problems : [], `kpi-${kpi}-`).concat(
        change.outcome === 'refused' ? [{ text: change.reason, href: `#kpi-${kpi}` }] : [],
      ),
    })
  })

  return router
}

function actorOf(res: Response): string {
  return res.locals.currentUser?.email ?? 'unknown'
}

function problemsOf(change: PlanChange<unknown>, prefix = ''): { text: string; href: string }[] {
  if (change.outcome === 'invalid') return errorList(change.problems, prefix)
  if (change.outcome === 'refused') return [{ text: change.reason, href: '#main-content' }]
  return []
}

/** Each field's first problem, by the field's id on the page (for the input's own error message). */
function fieldErrorsOf(change: PlanChange<unknown>, prefix = ''): Record<string, string> {
  const errors: Record<string, string> = {}
  if (change.outcome === 'invalid') for (const p of change.problems) errors[`${prefix}${p.field}`] ??= p.message
  return errors
}
