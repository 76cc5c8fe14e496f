import express, { type RequestHandler, type Response } from 'express'
import type nunjucks from 'nunjucks'
import type { PerformanceReport } from '../domain/performance-report.ts'
import { period } from '../domain/period.ts'
import { attachment, fileSlug } from '../shared/web/content-disposition.ts'
import { performanceReportCsv } from './csv.ts'
import { performanceReportPage, performanceReportStandaloneHtml, type ReportDownloads } from './html.ts'
import { performanceReportJson } from './json.ts'
import { parseReportYear, yearSlug, type PerformanceReportService } from './performance-report-service.ts'
import { performanceReportXlsx } from './xlsx.ts'

export interface PerformanceReportRoutesOptions {
  readonly reports: PerformanceReportService
  readonly nunjucks: nunjucks.Environment
  /**
   * Middleware every report route runs first: the place for access control once accounts exist, e.g.
   * `[requirePermission('read', 'performance-report')]`. The same guard covers the page and every download, so
   * an export can never show more than the page (ASVS 8.2.2; DHIS2's "API shows what the UI hid").
   */
  readonly guard?: readonly RequestHandler[]
  /** Middleware a download runs after `guard` (`requirePermission(accounts, 'report:export')`). */
  readonly exportGuard?: readonly RequestHandler[]
}

/**
 * `…/2017-18` the page; `…/2017-18.csv` values by period; `…/2017-18-summary.csv` one row per KPI;
 * `…/2017-18.xlsx`, `…/2017-18.json`, `…/2017-18.html` (standalone). Anything else is a 404: the year is
 * matched strictly (four digits, a hyphen, the next year's two) before it goes anywhere near the database.
 */
const REPORT_FILE = /^(\d{4}-\d{2})(?:\.(csv|xlsx|json|html)|(-summary\.csv))?$/

type Download = {
  readonly type: string
  readonly extension: string
  readonly body: (r: PerformanceReport) => Promise<string | Buffer>
}

const DOWNLOADS: Record<'csv' | 'summary-csv' | 'xlsx' | 'json' | 'html', (env: nunjucks.Environment) => Download> = {
  csv: () => ({ type: 'text/csv; charset=utf-8', extension: '.csv', body: async (r) => performanceReportCsv(r) }),
  'summary-csv': () => ({
    type: 'text/csv; charset=utf-8',
    extension: '-summary.csv',
    body: async (r) => performanceReportCsv(r, 'summary'),
  }),
  xlsx: () => ({
    type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: '.xlsx',
    body: (r) => performanceReportXlsx(r),
  }),
  json: () => ({
    type: 'application/json; charset=utf-8',
    extension: '.json',
    body: async (r) => performanceReportJson(r),
  }),
  html: (env) => ({
    type: 'text/html; charset=utf-8',
    extension: '.html',
    body: async (r) => performanceReportStandaloneHtml(env, r),
  }),
}

/** Where the downloads of a year's report live. */
export function reportDownloads(year: string): ReportDownloads {
  const base = `/reports/performance/${yearSlug(year)}`
  return {
    csv: `${base}.csv`,
    summaryCsv: `${base}-summary.csv`,
    xlsx: `${base}.xlsx`,
    json: `${base}.json`,
    html: `${base}.html`,
  }
}

function renderReport(res: Response, report: PerformanceReport): void {
  const page = performanceReportPage(report, { downloads: reportDownloads(report.year) })
  res.render(page.template, page.context)
}

/** The performance report pages and downloads. */
export function performanceReportRoutes(options: PerformanceReportRoutesOptions): express.Router {
  const router = express.Router()
  const guard = [...(options.guard ?? [])]
  const exportGuard = [...(options.exportGuard ?? [])]
  const { reports } = options

  // The home page: the current report, i.e. the latest year with figures.
  router.get('/', ...guard, async (_req, res) => {
    const latest = await reports.latestYear()
    const report = latest === null ? null : await reports.report(latest)
    if (report === null) {
      res.render('no-figures.njk', { pageTitle: 'No performance figures yet' })
      return
    }
    renderReport(res, report)
  })

  router.get('/reports/performance', ...guard, async (req, res) => {
    const years = await reports.yearsWithFigures()
    res.render('report-years.njk', {
      pageTitle: 'Performance reports',
      years: years.map((y) => ({ label: period(y).label, href: `${req.baseUrl}/reports/performance/${yearSlug(y)}` })),
    })
  })

  // A download (a name with an extension) asks for more than the page: 'report:export'.
  router.get('/reports/performance/:year.:format', ...guard, ...exportGuard, async (req, res, next) => {
    const match = REPORT_FILE.exec(`${req.params.year}.${req.params.format}`)
    const year = match ? parseReportYear(match[1] as string) : null
    const format = match?.[3] ? 'summary-csv' : (match?.[2] as 'csv' | 'xlsx' | 'json' | 'html' | undefined)
    if (!match || year === null || format === undefined) return next()
    const report = await reports.report(year)
    if (report === null) return next()
    const download = DOWNLOADS[format](options.nunjucks)
    const body = await download.body(report)
    const name = `${fileSlug(report.partnership) || 'partnership'}-performance-report-${yearSlug(report.year)}${download.extension}`
    res.setHeader('Content-Type', download.type)
    res.setHeader('Content-Disposition', attachment(name))
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Cache-Control', 'no-store')
    res.send(body)
  })

  router.get('/reports/performance/:file', ...guard, async (req, res, next) => {
    const file = req.params.file
    const match = typeof file === 'string' ? REPORT_FILE.exec(file) : null
    const year = match ? parseReportYear(match[1] as string) : null
    // Downloads are the route above's; a name it refused is not a page either.
    if (!match || year === null || match[2] !== undefined || match[3] !== undefined) return next()
    const report = await reports.report(year)
    if (report === null) return next()
    renderReport(res, report)
  })

  return router
}
