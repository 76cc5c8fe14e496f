import express, { type RequestHandler } from 'express'
import { can } from '../accounts/permissions.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import type { Indicator } from '../domain/indicator.ts'
import type { PerformanceRepository } from '../performance/performance-repository.ts'
import { attachment } from '../shared/web/content-disposition.ts'
import type { PeerSection } from '../regional/regional-service.ts'
import type { PerformanceReportService } from '../reports/performance-report-service.ts'
import { yearSlug } from '../reports/performance-report-service.ts'
import { kpiHistory, type KpiHistoryEntry } from './kpi-history.ts'
import { buildKpiPage, kpiCsv } from './kpi-page.ts'
import { buildKpiYear, rowOf } from './kpi-year.ts'
import { unchanging } from '../shared/web/unchanging.ts'

export interface KpiRoutesOptions {
  readonly performance: Pick<PerformanceRepository, 'listIndicators' | 'listValues' | 'listBaselines'>
  /** The KPI's audit history (`list`), and the partnership's data version (`latestId`) that the page is kept under. */
  readonly audit: Pick<AuditRepository, 'list' | 'latestId'>
  /** The performance report (the same, cached model the dashboard and the report pages read): the year's judgement. */
  readonly reports: Pick<PerformanceReportService, 'latestReport'>
  /** `requirePermission(accounts, 'report:view')`; the audit history is shown only with 'audit:view'. */
  readonly guard: readonly RequestHandler[]
  /** Middleware the CSV download runs after `guard`: `requirePermission(accounts, 'report:export')`. */
  readonly exportGuard: readonly RequestHandler[]
  /**
   * "How other partnerships compare": the instance's other partnerships that share the KPI's code, from their
   * published reports only (src/regional/). Without it the section is left out.
   */
  readonly peers?: (code: string) => Promise<PeerSection>
  /**
   * The strategy's priority the KPI is linked to (src/plan/kpi-links.ts), shown as a link to the strategy in place of
   * the framework's free text; without it, or when the KPI is not linked, the text is shown as before.
   */
  readonly planLink?: (
    id: string,
  ) => Promise<{ readonly priorityName: string; readonly strategyId: number; readonly strategyTitle: string } | null>
}

/** One KPI's page as kept for a data version: built once, then only read (never changed once shown). */
interface KeptKpiPage {
  readonly indicator: Indicator
  readonly planLink: Awaited<ReturnType<NonNullable<KpiRoutesOptions['planLink']>>>
  readonly page: ReturnType<typeof buildKpiPage>
  readonly year: ReturnType<typeof buildKpiYear> | null
  /** The report's year in its address (`2017-18`), or null when no year has figures. */
  readonly reportYear: string | null
  /** Filled on the first view by someone who may see it. */
  auditHistory: readonly KpiHistoryEntry[] | null
}

const KPI_FILE = /^([a-z0-9][a-z0-9-]{0,99})(\.csv)?$/

/** `/kpis/knife-crime`: one KPI in full; `/kpis/knife-crime.csv`: its stored figures. */
export function kpiRoutes(options: KpiRoutesOptions): express.Router {
  const router = express.Router()

  /**
   * What a KPI's page shows from the partnership's figures, kept under the partnership's data version (the newest
   * audit event, sign-ins aside: every change to a KPI, a baseline or a figure is audited in the transaction that
   * makes it, in this process or another). Read on every view, so a figure written anywhere shows at once; while it
   * does not move, a view reads one row instead of the KPI list, its values and baselines, the report and three audit
   * histories, and builds nothing. This router belongs to one partnership (src/web/app.ts builds one per partnership
   * over its own services), so the cache is that partnership's; it holds one entry per KPI that exists, for the
   * current version only.
   */
  let kept: { version: number; pages: Map<string, KeptKpiPage> } = { version: -1, pages: new Map() }

  /** The KPI's page model, or null when the name is not a KPI's. */
  async function kpiPage(id: string): Promise<KeptKpiPage | null> {
    // The version is read before the figures, so what is kept under it is never older than it.
    const version = await options.audit.latestId({ ignoring: ['user'] })
    if (kept.version !== version) kept = { version, pages: new Map() }
    const entry = kept
    const hit = entry.pages.get(id)
    if (hit) return hit
    const indicator = (await options.performance.listIndicators()).find((i) => i.id === id)
    if (!indicator) return null
    const [values, baselines] = await Promise.all([
      options.performance.listValues({ indicatorIds: [id] }),
      options.performance.listBaselines({ indicatorIds: [id] }),
    ])
    // The latest year with figures, judged by the report itself: the page shows the report's row, never its own sums.
    const report = await options.reports.latestReport()
    const row = report === null ? null : rowOf(report, id)
    // The page's two models named by identity in the kept page's key (src/shared/web/unchanging.ts), so a view does
    // not write them as JSON again: they are kept here, unchanged, until the data version moves.
    const found: KeptKpiPage = {
      indicator,
      page: unchanging(buildKpiPage(indicator, values, baselines)),
      year: report !== null && row !== null ? unchanging(buildKpiYear(report, row, values)) : null,
      reportYear: report === null ? null : yearSlug(report.year),
      auditHistory: null,
      // A link's every change is audited, so it moves the data version too: kept with the page.
      planLink: options.planLink ? await options.planLink(id) : null,
    }
    entry.pages.set(id, found)
    return found
  }

  /** The KPI's changes in words, newest first (at most 200), read once per data version. */
  async function auditHistoryOf(found: KeptKpiPage): Promise<readonly KpiHistoryEntry[]> {
    if (found.auditHistory) return found.auditHistory
    const id = found.indicator.id
    const events = [
      ...(await options.audit.list({ entityType: 'indicator', entityKey: id, limit: 10_000 })),
      ...(await options.audit.list({ entityType: 'baseline', entityKeyPrefix: `${id}/`, limit: 10_000 })),
      ...(await options.audit.list({ entityType: 'indicator-value', entityKeyPrefix: `${id}/`, limit: 10_000 })),
    ].sort((a, b) => b.id - a.id)
    found.auditHistory = unchanging(kpiHistory(found.indicator, events.slice(0, 200)))
    return found.auditHistory
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
    const { indicator, page, year, reportYear } = found
    const auditHistory = can(res.locals.currentUser, 'audit:view') ? await auditHistoryOf(found) : null
    const peers = options.peers ? await options.peers(id) : null
    const user = res.locals.currentUser
    const mayReadPlan = can(user, 'plan:view') || can(user, 'plan:view', { agencyId: user?.agencyId ?? null })
    const planLink = mayReadPlan ? found.planLink : null
    res.render('kpi-page.njk', {
      pageTitle: indicator.name,
      page,
      year,
      reportHref: reportYear === null ? null : `${req.baseUrl}/reports/performance/${reportYear}`,
      peers,
      csvHref: `${req.baseUrl}/kpis/${id}.csv`,
      // Removing a KPI is for those who may import figures (src/performance/indicator-removal.ts asks to confirm).
      removeHref: can(res.locals.currentUser, 'import:run') ? `${req.baseUrl}/kpis/${id}/remove` : null,
      auditHistory,
      planLink: planLink && { ...planLink, href: `${req.baseUrl}/plan/strategies/${planLink.strategyId}` },
    })
  })
  return router
}
