import express, { type Request, type Response } from 'express'
import { can, type Principal } from '../accounts/permissions.ts'
import type { AccountService } from '../accounts/account-service.ts'
import { requirePermission, requireWholePartnershipPermission } from '../accounts/web/authentication.ts'
import { formField } from '../accounts/web/forms.ts'
import { takeFlash } from '../accounts/web/session.ts'
import type { BoardDecisions } from '../shared/web/board-decisions.ts'
import { attachment, fileSlug } from '../shared/web/content-disposition.ts'
import { appendixACsv, appendixAStandaloneHtml, appendixAView, appendixAXlsx } from './appendix-a-exports.ts'
import { MAX_NARRATIVE, type AppendixAService } from './appendix-a-service.ts'
import { grantExportXlsx } from './three-sixty-giving-xlsx.ts'
import type { GrantPublishingSettings, ThreeSixtyGivingService } from './three-sixty-giving-service.ts'
import type nunjucks from 'nunjucks'
import type { AppendixA } from './appendix-a.ts'

export interface AppendixARoutesOptions {
  readonly appendixA: AppendixAService
  readonly threeSixtyGiving: ThreeSixtyGivingService
  readonly accounts: Pick<AccountService, 'log'>
  readonly nunjucks: nunjucks.Environment
  /** The board's approvals of a year's Appendix A (kind `appendix-a-approval`, src/board/); left out, none shown. */
  readonly boardDecisions?: BoardDecisions<Principal>
}

/** A year in an address: `FY2018-19`, optionally with a file's extension. */
const YEAR_FILE = /^(FY\d{4}-\d{2})(?:\.(csv|xlsx|html))?$/
const YEAR = /^FY\d{4}-\d{2}$/

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** Sends a download: the name from the partnership and the year, never cached. */
function download(res: Response, type: string, name: string, body: string | Buffer): void {
  res.setHeader('Content-Type', type)
  res.setHeader('Content-Disposition', attachment(name))
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Cache-Control', 'no-store')
  res.send(body)
}

const fileName = (appendix: AppendixA, extension: string) =>
  `${fileSlug(appendix.partnership) || 'partnership'}-appendix-a-${appendix.year}${extension}`

/**
 * Appendix A (signed in, the whole partnership's money: 'budget:view'): `/funding/appendix-a` (the latest year, or
 * `?year=FY2018-19`), `/funding/appendix-a/FY2018-19` the page, `.csv`, `.xlsx`, `.html` its files;
 * `/funding/appendix-a/FY2018-19/narrative` the narrative's form ('budget:edit'); POST `…/approve` an approval to
 * publish ('report:publish'). The public pages (no sign-in): `/public/appendix-a` the published years,
 * `/public/appendix-a/FY2018-19` (and `.csv`) the latest publication, never the live figures.
 *
 * The 360Giving export ('budget:view'): `/funding/360giving` what is exported and left out, and the settings form
 * ('budget:edit'); `/funding/360giving.json` the package, `/funding/360giving.xlsx` the spreadsheet form
 * (`?sample=illustrative`: with the illustrative grants, marked, for a demo).
 */
export function appendixARoutes(options: AppendixARoutesOptions): express.Router {
  const router = express.Router()
  const { appendixA, threeSixtyGiving, accounts } = options
  const read = requireWholePartnershipPermission(accounts, 'budget:view')
  // Whoever may edit the money or publish reads all of it (src/accounts/permissions.ts), so these need no hiding.
  const edit = [requirePermission(accounts, 'budget:edit')]
  const publish = [requirePermission(accounts, 'report:publish')]

  router.get('/funding/appendix-a', ...read, async (req, res, next) => {
    const user = res.locals.currentUser
    // The guards above let no one through unsigned; were one to, the page does not exist for them.
    if (!user) return next()
    const asked = typeof req.query.year === 'string' ? req.query.year.trim() : ''
    if (YEAR.test(asked)) return res.redirect(303, `${req.baseUrl}/funding/appendix-a/${asked}`)
    const years = await appendixA.years(user)
    res.render('funding/appendix-a-years.njk', {
      pageTitle: 'Appendix A',
      years: years.map((y) => ({ year: y, label: `${y.slice(2, 6)}/${y.slice(7, 9)}` })),
    })
  })

  router.get('/funding/appendix-a/:file', ...read, async (req, res, next) => {
    const user = res.locals.currentUser
    const match = YEAR_FILE.exec(String(req.params.file))
    if (!user || !match) return next()
    const year = match[1] as string
    const format = match[2]
    if (format === undefined) {
      const page = await appendixA.page(user, year)
      if (page === null) return next()
      res.render('funding/appendix-a.njk', {
        layoutTemplate: 'layout.njk',
        pageTitle: `Appendix A ${page.appendix.yearLabel}`,
        view: appendixAView(page.appendix),
        page,
        standalone: false,
        mayEdit: can(user, 'budget:edit'),
        mayPublish: can(user, 'report:publish'),
        recorded: typeof req.query.approval === 'string' ? req.query.approval : null,
        flash: takeFlash(req),
        boardDecisions: options.boardDecisions ? await options.boardDecisions(user, year, req.baseUrl) : null,
        returnTo: `${req.baseUrl}/funding/appendix-a/${year}`,
      })
      return
    }
    const appendix = await appendixA.appendix(user, year)
    if (appendix === null) return next()
    if (format === 'csv')
      return download(res, 'text/csv; charset=utf-8', fileName(appendix, '.csv'), appendixACsv(appendix))
    if (format === 'xlsx') return download(res, XLSX, fileName(appendix, '.xlsx'), await appendixAXlsx(appendix))
    return download(
      res,
      'text/html; charset=utf-8',
      fileName(appendix, '.html'),
      appendixAStandaloneHtml(options.nunjucks, appendix),
    )
  })

  const renderNarrative = async (
    req: Request,
    res: Response,
    year: string,
    text: string,
    problem: string | null,
    checked: boolean,
  ): Promise<boolean> => {
    const user = res.locals.currentUser
    if (!user) return false
    const appendix = await appendixA.appendix(user, year)
    if (appendix === null) return false
    const check = await appendixA.checkNarrative(user, year, text)
    res.status(problem ? 400 : 200).render('funding/appendix-a-narrative.njk', {
      pageTitle: `${problem ? 'Error: ' : ''}Appendix A ${appendix.yearLabel}: narrative`,
      appendix,
      text,
      check,
      checked,
      maxLength: MAX_NARRATIVE,
      errorList: problem ? [{ text: problem, href: '#narrative' }] : [],
      problem,
    })
    return true
  }

  router.get('/funding/appendix-a/:year/narrative', ...edit, async (req, res, next) => {
    const year = String(req.params.year)
    const user = res.locals.currentUser
    if (!user || !YEAR.test(year)) return next()
    const text = (await appendixA.narrative(user, year)) ?? ''
    if (!(await renderNarrative(req, res, year, text, null, false))) next()
  })

  // "Check the amounts" shows the form again with what the text's amounts say against the figures, writing nothing;
  // "Save" stores it (audited) and returns to the page, where the check shows too. A form without either only checks.
  router.post('/funding/appendix-a/:year/narrative', ...edit, async (req, res, next) => {
    const year = String(req.params.year)
    const user = res.locals.currentUser
    if (!user || !YEAR.test(year)) return next()
    const text = formField(req.body, 'narrative')
    if (formField(req.body, 'action') !== 'save') {
      if (!(await renderNarrative(req, res, year, text, null, true))) next()
      return
    }
    const result = await appendixA.saveNarrative(user, year, text)
    if (result.outcome === 'not-found') return next()
    if (result.outcome === 'invalid') {
      await renderNarrative(req, res, year, text, result.message, false)
      return
    }
    res.redirect(
      303,
      `${req.baseUrl}/funding/appendix-a/${year}?approval=${result.changed ? 'narrative-saved' : 'narrative-unchanged'}#narrative`,
    )
  })

  router.post('/funding/appendix-a/:year/approve', ...publish, async (req, res, next) => {
    const year = String(req.params.year)
    const user = res.locals.currentUser
    if (!user || !YEAR.test(year)) return next()
    const result = await appendixA.approve(user, year, formField(req.body, 'contentSha256'))
    if (result.outcome === 'not-found') return next()
    if (result.outcome === 'changed') {
      res.status(400).render('funding/appendix-a-changed.njk', {
        pageTitle: 'Error: the figures changed',
        back: `${req.baseUrl}/funding/appendix-a/${year}`,
      })
      return
    }
    const word =
      result.outcome === 'unchanged'
        ? 'unchanged'
        : result.published
          ? 'published'
          : result.outcome === 'recorded'
            ? 'recorded'
            : 'already'
    res.redirect(303, `${req.baseUrl}/funding/appendix-a/${year}?approval=${word}#publication`)
  })

  // ---- Public (no sign-in): the latest publication only --------------------------------------------------------
  router.get('/public/appendix-a', async (_req, res) => {
    const years = await appendixA.publishedYears()
    res.render('funding/appendix-a-public-years.njk', {
      pageTitle: 'Published Appendix A',
      years: years.map((y) => ({ year: y, label: `${y.slice(2, 6)}/${y.slice(7, 9)}` })),
    })
  })

  router.get('/public/appendix-a/:file', async (req, res, next) => {
    const match = /^(FY\d{4}-\d{2})(?:\.(csv))?$/.exec(String(req.params.file))
    if (!match) return next()
    const published = await appendixA.published(match[1] as string)
    if (published === null) return next()
    if (match[2] === 'csv')
      return download(
        res,
        'text/csv; charset=utf-8',
        fileName(published.appendix, '.csv'),
        appendixACsv(published.appendix),
      )
    res.render('funding/appendix-a.njk', {
      layoutTemplate: 'layout.njk',
      pageTitle: `Appendix A ${published.appendix.yearLabel}`,
      view: appendixAView(published.appendix),
      page: null,
      published,
      standalone: false,
      public: true,
    })
  })

  // ---- 360Giving ---------------------------------------------------------------------------------------------------
  const renderGrants = async (
    req: Request,
    res: Response,
    form: { values: GrantPublishingSettings; errors: readonly { field: string; message: string }[] } | null,
  ) => {
    const user = res.locals.currentUser
    // Only reached behind the guards, which let nobody through unsigned.
    if (!user) throw new Error('The 360Giving page was reached without a signed-in user')
    const [grantExport, settings] = await Promise.all([threeSixtyGiving.grants(user), threeSixtyGiving.settings(user)])
    const values = form?.values ?? settings ?? { prefix: '', funderOrgId: '', funderName: '' }
    res.status(form && form.errors.length > 0 ? 400 : 200).render('funding/three-sixty-giving.njk', {
      pageTitle: `${form && form.errors.length > 0 ? 'Error: ' : ''}Grants in the 360Giving Data Standard`,
      grantExport,
      settings,
      placeholderPrefix: threeSixtyGiving.placeholderPrefix,
      values,
      mayEdit: can(user, 'budget:edit'),
      saved: req.query.saved === 'yes',
      errorList: form?.errors.map((e) => ({ text: e.message, href: `#${e.field}` })) ?? [],
      fieldErrors: Object.fromEntries(form?.errors.map((e) => [e.field, { text: e.message }]) ?? []),
    })
  }

  router.get('/funding/360giving', ...read, async (req, res) => {
    await renderGrants(req, res, null)
  })

  const includeIllustrative = (req: Request) => req.query.sample === 'illustrative'
  router.get('/funding/360giving.json', ...read, async (req, res, next) => {
    const user = res.locals.currentUser
    if (!user) return next()
    const grantExport = await threeSixtyGiving.grants(user, { includeIllustrative: includeIllustrative(req) })
    // The standard's package needs at least one grant: with none to publish there is no file, only the reasons (409:
    // the address is right, the partnership's data cannot make the file yet).
    if (grantExport.package.grants.length === 0) {
      res.status(409).render('funding/three-sixty-giving-none.njk', { pageTitle: 'No grants to export', grantExport })
      return
    }
    const sample = grantExport.illustrativeGrants > 0 ? '-illustrative-sample' : ''
    download(
      res,
      'application/json; charset=utf-8',
      `${fileSlug(threeSixtyGiving.placeholderPrefix)}-360giving${sample}.json`,
      `${JSON.stringify(grantExport.package, null, 2)}\n`,
    )
  })

  router.get('/funding/360giving.xlsx', ...read, async (req, res, next) => {
    const user = res.locals.currentUser
    if (!user) return next()
    const grantExport = await threeSixtyGiving.grants(user, { includeIllustrative: includeIllustrative(req) })
    if (grantExport.package.grants.length === 0) {
      res.status(409).render('funding/three-sixty-giving-none.njk', { pageTitle: 'No grants to export', grantExport })
      return
    }
    const sample = grantExport.illustrativeGrants > 0 ? '-illustrative-sample' : ''
    download(
      res,
      XLSX,
      `${fileSlug(threeSixtyGiving.placeholderPrefix)}-360giving${sample}.xlsx`,
      await grantExportXlsx(grantExport),
    )
  })

  router.post('/funding/360giving/settings', ...edit, async (req, res, next) => {
    const user = res.locals.currentUser
    if (!user) return next()
    const values = {
      prefix: formField(req.body, 'prefix'),
      funderOrgId: formField(req.body, 'funderOrgId'),
      funderName: formField(req.body, 'funderName'),
    }
    const result = await threeSixtyGiving.saveSettings(user, values)
    if (result.outcome === 'invalid') return renderGrants(req, res, { values, errors: result.errors })
    res.redirect(303, `${req.baseUrl}/funding/360giving?saved=yes`)
  })

  return router
}
