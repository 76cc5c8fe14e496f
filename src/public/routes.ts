import express, { type RequestHandler } from 'express'
import { can } from '../accounts/permissions.ts'
import { period } from '../domain/period.ts'
import { parseReportYear, yearSlug } from '../reports/performance-report-service.ts'
import { attachment, fileSlug } from '../web/content-disposition.ts'
import { publicReportCsv, publicReportJson } from './public-exports.ts'
import type { PublicationService } from './publication-service.ts'
import type { PublicReport } from './public-report.ts'

export interface PublicRoutesOptions {
  readonly publication: PublicationService
  /** For the publication pages (signed-in): `requirePermission(accounts, 'report:view')`. */
  readonly signedInGuard: readonly RequestHandler[]
  readonly publishGuard: readonly RequestHandler[]
  readonly signOffGuard: readonly RequestHandler[]
}

const PUBLIC_FILE = /^(\d{4}-\d{2})(?:\.(csv|json))?$/

function publicDownloads(year: string) {
  const base = `/public/performance/${yearSlug(year)}`
  return { page: base, csv: `${base}.csv`, json: `${base}.json` }
}

/**
 * The public pages (no sign-in): `/` the latest published year, `/public/performance/2017-18` a published year,
 * with `.csv` and `.json` downloads of the protected figures. Only published years, only protected figures: an
 * unpublished year is a 404 exactly as a year that does not exist.
 *
 * The publication pages (signed in): `/publication/2017-18` the approvals so far; POST `…/publish` and `…/sign-off`.
 */
export function publicRoutes(options: PublicRoutesOptions): express.Router {
  const router = express.Router()
  const { publication } = options

  const renderPublic = (res: express.Response, report: PublicReport) => {
    res.render('public-report.njk', {
      pageTitle: `Performance report ${report.yearLabel}`,
      report,
      downloads: publicDownloads(report.year),
    })
  }

  router.get('/', async (_req, res, next) => {
    const [latest] = await publication.publishedYears()
    const report = latest === undefined ? null : await publication.publicReport(latest)
    if (report === null) {
      // Nothing published yet: a signed-in user goes on to the internal report (src/reports/routes.ts), which
      // checks their permission and says how to load figures when there are none.
      if (res.locals.currentUser) return next()
      res.render('public-nothing-published.njk', { pageTitle: 'Nothing published yet' })
      return
    }
    renderPublic(res, report)
  })

  router.get('/public/performance', async (_req, res) => {
    const years = await publication.publishedYears()
    res.render('public-years.njk', {
      pageTitle: 'Published performance reports',
      years: years.map((y) => ({ label: period(y).label, href: publicDownloads(y).page })),
    })
  })

  router.get('/public/performance/:file', async (req, res, next) => {
    const match = PUBLIC_FILE.exec(String(req.params.file))
    const year = match ? parseReportYear(match[1] as string) : null
    if (!match || year === null) return next()
    const report = await publication.publicReport(year)
    if (report === null) return next()
    const format = match[2]
    if (format === undefined) return renderPublic(res, report)
    const name = `${fileSlug(report.partnership) || 'partnership'}-published-performance-${yearSlug(report.year)}.${format}`
    res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
    res.setHeader('Content-Disposition', attachment(name))
    res.send(format === 'csv' ? publicReportCsv(report) : publicReportJson(report))
  })

  // Publication: who has approved a year, and the approval forms for those who may give them.
  router.get('/publication/:year', ...options.signedInGuard, async (req, res, next) => {
    const year = parseReportYear(String(req.params.year))
    if (year === null || !(await publication.hasFigures(year))) return next()
    const status = await publication.status(year)
    const user = res.locals.currentUser
    res.render('publication.njk', {
      pageTitle: `Publication of the ${period(year).label} report`,
      yearLabel: period(year).label,
      slug: yearSlug(year),
      status,
      mayPublish: can(user, 'report:publish'),
      maySignOff: can(user, 'report:sign-off'),
      recorded: req.query.recorded === 'yes',
      already: req.query.recorded === 'already',
      publicPage: publicDownloads(year).page,
    })
  })

  const approve =
    (kind: 'publish' | 'sign-off'): RequestHandler =>
    async (req, res, next) => {
      const year = parseReportYear(String(req.params.year))
      const user = res.locals.currentUser
      if (year === null || !user || !(await publication.hasFigures(year))) return next()
      const { recorded } = await publication.approve(user, year, kind)
      res.redirect(303, `/publication/${yearSlug(year)}?recorded=${recorded ? 'yes' : 'already'}`)
    }
  router.post('/publication/:year/publish', ...options.publishGuard, approve('publish'))
  router.post('/publication/:year/sign-off', ...options.signOffGuard, approve('sign-off'))
  return router
}
