import express, { type RequestHandler } from 'express'
import { can } from '../accounts/permissions.ts'
import { yearSlug, type PerformanceReportService } from '../reports/performance-report-service.ts'
import { OUTCOME_WORDS, REAL_CHANGE_WORDS, TREND_WORDS } from '../domain/kpi-summary.ts'
import { OUTCOME_TAG, REAL_CHANGE_TAG, TREND_TAG } from '../reports/outcome-tags.ts'
import { buildDashboard } from './dashboard.ts'

export interface DashboardRoutesOptions {
  readonly reports: PerformanceReportService
  /** Access control, run before the page (e.g. `requirePermission(accounts, 'report:view')`). */
  readonly guard: readonly RequestHandler[]
}

/** A query field as one short string: the 'simple' query parser can still give an array for `?a=1&a=2`. */
function field(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 200) : ''
}

/** `/dashboard`: the current year's KPIs at a glance, filtered by a GET form (works without JavaScript). */
export function dashboardRoutes(options: DashboardRoutesOptions): express.Router {
  const router = express.Router()
  router.get('/dashboard', ...options.guard, async (req, res) => {
    const report = await options.reports.latestReport()
    if (report === null) {
      res.render('no-figures.njk', { pageTitle: 'No performance figures yet' })
      return
    }
    const dashboard = buildDashboard(report, {
      priority: field(req.query.priority),
      theme: field(req.query.theme),
      dataOwner: field(req.query.dataOwner),
    })
    const choices = (values: string[], selected: string) => [
      { value: '', text: 'All', selected: selected === '' },
      ...values.map((v) => ({ value: v, text: v, selected: v === selected })),
    ]
    res.render('dashboard.njk', {
      pageTitle: `Dashboard ${dashboard.yearLabel}`,
      dashboard,
      priorityItems: choices(dashboard.options.priorities, dashboard.filters.priority),
      themeItems: choices(dashboard.options.themes, dashboard.filters.theme),
      dataOwnerItems: choices(dashboard.options.dataOwners, dashboard.filters.dataOwner),
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
