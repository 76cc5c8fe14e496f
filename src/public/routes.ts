import express, { type RequestHandler } from 'express'
import { can, type Principal } from '../accounts/permissions.ts'
import { formField } from '../accounts/web/forms.ts'
import { period, type PeriodId } from '../domain/period.ts'
import { parseReportYear, yearSlug } from '../reports/performance-report-service.ts'
import { attachment, fileSlug } from '../shared/web/content-disposition.ts'
import { dateInWords } from '../shared/time-in-words.ts'
import type { BoardDecisions } from '../shared/web/board-decisions.ts'
import type { ReviewFieldError } from './commentary-review.ts'
import { publicReportCsv, publicReportJson, publicReportXlsx } from './public-exports.ts'
import { publicPageView } from './public-page.ts'
import type { PublicationService, PublishedYear } from './publication-service.ts'

export interface PublicRoutesOptions {
  readonly publication: PublicationService
  /** For the publication pages (signed-in): `requirePermission(accounts, 'report:view')`. */
  readonly signedInGuard: readonly RequestHandler[]
  readonly publishGuard: readonly RequestHandler[]
  readonly signOffGuard: readonly RequestHandler[]
  /**
   * The board's decisions about a year's sign-off and publication (src/board/decision-links.ts): which decision made
   * them, and the held board meetings' decisions to choose from. Left out, the page shows none.
   */
  readonly boardDecisions?: BoardDecisions<Principal>
}

const PUBLIC_FILE = /^(\d{4}-\d{2})(?:\.(csv|json|xlsx))?$/

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const

/** A KPI id as the import formats allow it (lower-case letters, digits and hyphens). */
const KPI_ID = /^[a-z0-9][a-z0-9-]{0,99}$/

function publicDownloads(year: string) {
  const base = `/public/performance/${yearSlug(year)}`
  return { page: base, csv: `${base}.csv`, json: `${base}.json`, xlsx: `${base}.xlsx` }
}

/**
 * The public pages (no sign-in): `/` the latest published year, `/public/performance/2017-18` a published year,
 * with `.csv` and `.json` downloads of the protected figures. Only published years, only protected figures: an
 * unpublished year is a 404 exactly as a year that does not exist.
 *
 * The public pages serve the year's latest publication (a stored snapshot), never the live report, with its
 * amendments listed.
 *
 * The publication pages (signed in): `/publication/2017-18` the approvals so far, what has changed since publication
 * and the withheld commentary; POST `…/publish` (with `reason` for an amendment) and `…/sign-off` (approvals),
 * `…/commentary/<kpi>` (a review decision).
 */
export function publicRoutes(options: PublicRoutesOptions): express.Router {
  const router = express.Router()
  const { publication } = options

  const renderPublic = (res: express.Response, published: PublishedYear) => {
    const { report } = published
    res.render('public-report.njk', {
      pageTitle: `Performance report ${report.yearLabel}`,
      report,
      view: publicPageView(report),
      published: {
        firstPublished: dateInWords(published.firstPublishedAt),
        amendments: published.amendments.map((a) => ({ ...a, date: dateInWords(a.publishedAt) })),
      },
      downloads: publicDownloads(report.year),
    })
  }

  router.get('/', async (_req, res, next) => {
    const [latest] = await publication.publishedYears()
    const published = latest === undefined ? null : await publication.publishedYear(latest)
    if (published === null) {
      // Nothing published yet: a signed-in user goes on to the internal report (src/reports/routes.ts), which
      // checks their permission and says how to load figures when there are none.
      if (res.locals.currentUser) return next()
      res.render('public-nothing-published.njk', { pageTitle: 'Nothing published yet' })
      return
    }
    renderPublic(res, published)
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
    const published = await publication.publishedYear(year)
    if (published === null) return next()
    const { report, amendments } = published
    const format = match[2] as keyof typeof CONTENT_TYPES | undefined
    if (format === undefined) return renderPublic(res, published)
    const name = `${fileSlug(report.partnership) || 'partnership'}-published-performance-${yearSlug(report.year)}.${format}`
    const body =
      format === 'csv'
        ? publicReportCsv(report)
        : format === 'xlsx'
          ? await publicReportXlsx(report, amendments)
          : publicReportJson(report, amendments)
    res.setHeader('Content-Type', CONTENT_TYPES[format])
    res.setHeader('Content-Disposition', attachment(name))
    res.send(body)
  })

  /**
   * The publication page: who has approved a year, the approval forms for those who may give them, and the data
   * owners' commentary withheld from the public page with the review form for those with 'report:publish'. With a
   * refused review, the same page again (400) with the error summary and what was typed.
   */
  const renderPublication = async (
    req: express.Request,
    res: express.Response,
    year: PeriodId,
    review: { indicatorId: string; errors: readonly ReviewFieldError[]; values: Record<string, string> } | null = null,
    approval: { message: string; reason: string } | null = null,
  ): Promise<boolean> => {
    const user = res.locals.currentUser
    if (!user) return false
    const page = await publication.publicationPage(user, year)
    if (page === null) return false
    const label = period(year).label
    const flash = req.session.flash
    if (flash !== undefined) delete req.session.flash
    const fieldId = (field: ReviewFieldError['field']) => `${field}-${review?.indicatorId ?? ''}`
    const refused = review !== null || approval !== null
    res.status(refused ? 400 : 200).render('publication.njk', {
      pageTitle: `${refused ? 'Error: ' : ''}Publication of the ${label} report`,
      yearLabel: label,
      slug: yearSlug(year),
      page,
      minimumCount: publication.rules.minimumCount,
      mayPublish: can(user, 'report:publish'),
      boardDecisions: options.boardDecisions ? await options.boardDecisions(user, year, req.baseUrl) : null,
      returnTo: `${req.baseUrl}/publication/${yearSlug(year)}`,
      maySignOff: can(user, 'report:sign-off'),
      recorded: req.query.recorded === 'yes',
      already: req.query.recorded === 'already',
      flash: refused ? undefined : flash,
      publicPage: publicDownloads(year).page,
      errorList:
        approval !== null
          ? [{ text: approval.message, href: '#reason' }]
          : (review?.errors.map((e) => ({ text: e.message, href: `#${fieldId(e.field)}` })) ?? []),
      approvalError: approval,
      review:
        review === null
          ? null
          : {
              indicatorId: review.indicatorId,
              values: review.values,
              fieldErrors: Object.fromEntries(review.errors.map((e) => [e.field, { text: e.message }])),
            },
    })
    return true
  }

  router.get('/publication/:year', ...options.signedInGuard, async (req, res, next) => {
    const year = parseReportYear(String(req.params.year))
    if (year === null || !(await renderPublication(req, res, year))) return next()
  })

  const approve =
    (kind: 'publish' | 'sign-off'): RequestHandler =>
    async (req, res, next) => {
      const year = parseReportYear(String(req.params.year))
      const user = res.locals.currentUser
      if (year === null || !user || !(await publication.hasFigures(year))) return next()
      const reason = formField(req.body, 'reason')
      const result = await publication.approve(user, year, kind, null, reason)
      if (result.outcome === 'reason-needed') {
        await renderPublication(req, res, year, null, { message: result.message, reason })
        return
      }
      const recorded = result.recorded ? 'yes' : 'already'
      res.redirect(303, `${req.baseUrl}/publication/${yearSlug(year)}?recorded=${recorded}`)
    }
  router.post('/publication/:year/publish', ...options.publishGuard, approve('publish'))
  router.post('/publication/:year/sign-off', ...options.signOffGuard, approve('sign-off'))

  // A review decision about one KPI's withheld commentary: POST, then redirect to the page (303) or the page again
  // with the problem (400). Nothing is written unless the whole decision is acceptable.
  router.post('/publication/:year/commentary/:kpi', ...options.publishGuard, async (req, res, next) => {
    const year = parseReportYear(String(req.params.year))
    const indicatorId = String(req.params.kpi)
    const user = res.locals.currentUser
    if (year === null || !user || !KPI_ID.test(indicatorId)) return next()
    const input = {
      textHash: formField(req.body, 'textHash'),
      decision: formField(req.body, 'decision'),
      publicText: formField(req.body, 'publicText'),
    }
    const result = await publication.reviewCommentary(user, year, indicatorId, input)
    if (result.outcome === 'not-found') return next()
    if (result.outcome === 'invalid') {
      const values = { decision: input.decision, publicText: input.publicText }
      await renderPublication(req, res, year, { indicatorId, errors: result.errors, values })
      return
    }
    req.session.flash = result.changed
      ? 'Your decision about the commentary has been recorded.'
      : 'That was already the decision: nothing has changed.'
    res.redirect(303, `${req.baseUrl}/publication/${yearSlug(year)}#commentary-${indicatorId}`)
  })
  return router
}
