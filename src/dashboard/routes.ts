import express, { type RequestHandler } from 'express'
import { can, type Principal } from '../accounts/permissions.ts'
import { yearSlug, type PerformanceReportService } from '../reports/performance-report-service.ts'
import { OUTCOME_WORDS, REAL_CHANGE_WORDS, TREND_WORDS } from '../domain/kpi-summary.ts'
import { OUTCOME_TAG, REAL_CHANGE_TAG, TREND_TAG } from '../reports/outcome-tags.ts'
import type { PerformanceReport } from '../domain/performance-report.ts'
import { unchanging } from '../shared/web/unchanging.ts'
import { buildDashboard, type Dashboard, type DashboardFilters } from './dashboard.ts'

export interface DashboardRoutesOptions {
  readonly reports: PerformanceReportService
  /** Access control, run before the page (e.g. `requirePermission(accounts, 'report:view')`). */
  readonly guard: readonly RequestHandler[]
  /**
   * The delivery plan's flags for the person (open actions overdue, at risk, off track: one query,
   * src/plan/action-service.ts), kept with `report` (built anew whenever the partnership's data changes), or absent
   * when the plan is not offered.
   */
  readonly actionFlags?: (
    user: Principal,
    report: PerformanceReport,
  ) => Promise<{ overdue: number; atRisk: number; offTrack: number }>
}

/** A query field as one short string: the 'simple' query parser can still give an array for `?a=1&a=2`. */
function field(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 200) : ''
}

/** What the page shows of one report and one set of filters: the same for everyone who may see the dashboard. */
interface DashboardView {
  readonly dashboard: Dashboard
  readonly priorityItems: readonly FilterItem[]
  readonly themeItems: readonly FilterItem[]
  readonly dataOwnerItems: readonly FilterItem[]
}

interface FilterItem {
  readonly value: string
  readonly text: string
  readonly selected: boolean
}

/** Views kept per report: at most this many sets of filters each, the least recently used let go. */
const VIEWS_PER_REPORT = 64

/**
 * The dashboard's view of `report` with `filters`, built once per report and set of filters and then given again:
 * building it (a row, marks and a sparkline per KPI) was a tenth of a view's processor time, and its JSON, the kept
 * page's key, as much again (CPU profile, `npm run bench:web`). Kept by the report *object*, which the report service
 * keeps per partnership under the partnership's data version and builds anew when any figure changes, so a view
 * kept here is never older than the report; the router, and so this memo, belongs to one partnership. Only filters
 * that are among the report's own choices are kept (any other shows no KPI, and is built each time), so the memo
 * holds at most every combination of real choices, and at most VIEWS_PER_REPORT of them.
 */
function keptViews(): (report: PerformanceReport, filters: DashboardFilters) => DashboardView {
  const byReport = new WeakMap<PerformanceReport, Map<string, DashboardView>>()
  const build = (report: PerformanceReport, filters: DashboardFilters): DashboardView => {
    const dashboard = buildDashboard(report, filters)
    const choices = (values: string[], selected: string) => [
      { value: '', text: 'All', selected: selected === '' },
      ...values.map((v) => ({ value: v, text: v, selected: v === selected })),
    ]
    // Each named by its identity in the kept page's key (each is a field at the top of the page's context).
    return {
      dashboard: unchanging(dashboard),
      priorityItems: unchanging(choices(dashboard.options.priorities, dashboard.filters.priority)),
      themeItems: unchanging(choices(dashboard.options.themes, dashboard.filters.theme)),
      dataOwnerItems: unchanging(choices(dashboard.options.dataOwners, dashboard.filters.dataOwner)),
    }
  }
  return (report, filters) => {
    let views = byReport.get(report)
    if (views === undefined) {
      views = new Map()
      byReport.set(report, views)
    }
    // As buildDashboard reads them (trimmed), so that " YOT" and "YOT" are one view, not two.
    const key = JSON.stringify([filters.priority, filters.theme, filters.dataOwner].map((f) => f?.trim() ?? ''))
    const found = views.get(key)
    if (found !== undefined) {
      views.delete(key)
      views.set(key, found)
      return found
    }
    const view = build(report, filters)
    const { options, filters: wanted } = view.dashboard
    const known = (chosen: string, among: readonly string[]) => chosen === '' || among.includes(chosen)
    if (
      known(wanted.priority, options.priorities) &&
      known(wanted.theme, options.themes) &&
      known(wanted.dataOwner, options.dataOwners)
    ) {
      views.set(key, view)
      for (const oldest of views.keys()) {
        if (views.size <= VIEWS_PER_REPORT) break
        views.delete(oldest)
      }
    }
    return view
  }
}

/** `/dashboard`: the current year's KPIs at a glance, filtered by a GET form (works without JavaScript). */
export function dashboardRoutes(options: DashboardRoutesOptions): express.Router {
  const router = express.Router()
  const viewOf = keptViews()
  router.get('/dashboard', ...options.guard, async (req, res) => {
    const report = await options.reports.latestReport()
    if (report === null) {
      res.render('no-figures.njk', { pageTitle: 'No performance figures yet' })
      return
    }
    const view = viewOf(report, {
      priority: field(req.query.priority),
      theme: field(req.query.theme),
      dataOwner: field(req.query.dataOwner),
    })
    const { dashboard } = view
    const user = res.locals.currentUser
    // Per person (a data owner's are their agency's actions), so outside the kept views; kept with the report.
    const actionFlags =
      options.actionFlags && user && (can(user, 'plan:view') || can(user, 'plan:view', { agencyId: user.agencyId }))
        ? await options.actionFlags(user, report)
        : null
    res.render('dashboard.njk', {
      actionFlags,
      pageTitle: `Dashboard ${dashboard.yearLabel}`,
      dashboard,
      priorityItems: view.priorityItems,
      themeItems: view.themeItems,
      dataOwnerItems: view.dataOwnerItems,
      // The summary's dimensions, each with its words and the report's colours.
      outcomeRows: OUTCOME_WORDS,
      changeRows: REAL_CHANGE_WORDS,
      trendRows: TREND_WORDS,
      outcomeTags: OUTCOME_TAG,
      changeTags: REAL_CHANGE_TAG,
      trendTags: TREND_TAG,
      // Those who approve publication get a way to the approvals of this year.
      publicationHref:
        can(res.locals.currentUser, 'report:publish') || can(res.locals.currentUser, 'report:sign-off')
          ? `${req.baseUrl}/publication/${yearSlug(report.year)}`
          : null,
      reportHref: `${req.baseUrl}/reports/performance/${yearSlug(report.year)}`,
      filtered:
        dashboard.filters.priority !== '' || dashboard.filters.theme !== '' || dashboard.filters.dataOwner !== '',
    })
  })
  return router
}
