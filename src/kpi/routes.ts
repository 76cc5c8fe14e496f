import express, { type RequestHandler } from 'express'
import { can } from '../accounts/permissions.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import type { PerformanceRepository } from '../performance/performance-repository.ts'
import { attachment } from '../shared/web/content-disposition.ts'
import type { PeerSection } from '../regional/regional-service.ts'
import type { PerformanceReportService } from '../reports/performance-report-service.ts'
import { yearSlug } from '../reports/performance-report-service.ts'
import { kpiHistory, type KpiHistoryEntry } from './kpi-history.ts'
import { buildKpiPage, kpiCsv } from './kpi-page.ts'
import { buildKpiYear, rowOf } from './kpi-year.ts'

export interface KpiRoutesOptions {
  readonly performance: Pick<PerformanceRepository, 'listIndicators' | 'listValues' | 'listBaselines'>
  readonly audit: Pick<AuditRepository, 'list'>
  /** The performance report (the same, cached model the dashboard and the report pages read): the year's judgement. */
  readonly reports: Pick<PerformanceReportService, 'latestYear' | 'report'>
  /** `requirePermission(accounts, 'report:view')`; the audit history is shown only with 'audit:view'. */
  readonly guard: readonly RequestHandler[]
  /** Middleware the CSV download runs after `guard`: `requirePermission(accounts, 'report:export')`. */
  readonly exportGuard: readonly RequestHandler[]
  /**
   * "How other partnerships compare": the instance's other partnerships that share the KPI's code, from their
   * published reports only (src/regional/). Without it the section is left out.
   */
  readonly peers?: (code: string) => Promise<PeerSection>
}

const KPI_FILE = /^([a-z0-9][a-z0-9-]{0,99})(\.csv)?$/

/** `/kpis/knife-crime`: one KPI in full; `/kpis/knife-crime.csv`: its stored figures. */
export function kpiRoutes(options: KpiRoutesOptions): express.Router {
  const router = express.Router()

  /** The KPI's page model, or null when the name is not a KPI's. */
  async function kpiPage(id: string) {
    const indicator = (await options.performance.listIndicators()).find((i) => i.id === id)
    if (!indicator) return null
    const [values, baselines] = await Promise.all([
      options.performance.listValues({ indicatorIds: [id] }),
      options.performance.listBaselines({ indicatorIds: [id] }),
    ])
    return { indicator, values, page: buildKpiPage(indicator, values, baselines) }
  }

  // The download asks for more than the page: 'report:export'.
  router.get('/kpis/:id.csv', ...options.guard, ...options.exportGuard, async (req, res, next) => {
    const match = KPI_FILE.exec(String(req.params.id))
    const found = match && !match[2] ? await kpiPage(match[1] as string) : null
    if (!found) return next()
    res.setHeader('Content-Type', 'text/csv; charset=utf-8')
    res.setHeader('Content-Disposition', attachment(`kpi-${found.indicator.id}.csv`))
    res.send(kpiCsv(found.page))
  })

  router.get('/kpis/:file', ...options.guard, async (req, res, next) => {
    const match = KPI_FILE.exec(String(req.params.file))
    // A name ending .csv is the download's (the route above), never a page.
    if (!match || match[2]) return next()
    const id = match[1] as string
    const found = await kpiPage(id)
    if (!found) return next()
    const { indicator, values, page } = found
    // The latest year with figures, judged by the report itself: the page shows the report's row, never its own sums.
    const latest = await options.reports.latestYear()
    const report = latest === null ? null : await options.reports.report(latest)
    const row = report === null ? null : rowOf(report, id)
    const year = report !== null && row !== null ? buildKpiYear(report, row, values) : null
    let auditHistory: KpiHistoryEntry[] | null = null
    if (can(res.locals.currentUser, 'audit:view')) {
      const events = [
        ...(await options.audit.list({ entityType: 'indicator', entityKey: id, limit: 10_000 })),
        ...(await options.audit.list({ entityType: 'baseline', entityKeyPrefix: `${id}/`, limit: 10_000 })),
        ...(await options.audit.list({ entityType: 'indicator-value', entityKeyPrefix: `${id}/`, limit: 10_000 })),
      ].sort((a, b) => b.id - a.id)
      auditHistory = kpiHistory(indicator, events.slice(0, 200))
    }
    const peers = options.peers ? await options.peers(id) : null
    res.render('kpi-page.njk', {
      pageTitle: indicator.name,
      page,
      year,
      reportHref: report === null ? null : `${req.baseUrl}/reports/performance/${yearSlug(report.year)}`,
      peers,
      csvHref: `${req.baseUrl}/kpis/${id}.csv`,
      // Removing a KPI is for those who may import figures (src/performance/indicator-removal.ts asks to confirm).
      removeHref: can(res.locals.currentUser, 'import:run') ? `${req.baseUrl}/kpis/${id}/remove` : null,
      auditHistory,
    })
  })
  return router
}
