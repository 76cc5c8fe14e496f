import express, { type NextFunction, type Request, type Response } from 'express'
import type { AccountService } from '../accounts/account-service.ts'
import { can, type Principal } from '../accounts/permissions.ts'
import { requirePermission, requireWholePartnershipPermission } from '../accounts/web/authentication.ts'
import { redirectAfterSaving, takeFlash } from '../accounts/web/session.ts'
import { reconciliationSentences, budgetSentence } from '../domain/budget.ts'
import type { UploadStore } from '../imports-web/upload-store.ts'
import { BadMultipart, receiveMultipart, UploadTooLarge } from '../shared/web/multipart.ts'
import { attachment } from '../shared/web/content-disposition.ts'
import type { BoardDecisions } from '../shared/web/board-decisions.ts'
import { MAX_BUDGET_WORKBOOK_BYTES } from './budget-import.ts'
import { importSummaryText, type BudgetImportService, type BudgetImportSummary } from './budget-import-service.ts'
import type { BudgetService, FieldError, FormInput, SaveResult } from './budget-service.ts'
import { budgetTemplateWorkbook } from './budget-template-workbook.ts'
import { startYearOf } from './funding-stream-years.ts'
import { budgetPageView } from './budget-page-view.ts'

/**
 * The budget page (`/funding`, the Funding menu's landing page) and its forms, and the budget import
 * (`/funding/import`). Readers of the whole partnership's money (`budget:view` for every agency) see the page; a
 * data owner, who may read only their own agency's services (H5's pages), is told it does not exist (404). Editors
 * (`budget:edit`) add streams, awards, carry-forwards, allocations and spend, each one audited unit of work.
 */
export function budgetRoutes(deps: {
  readonly accounts: AccountService
  readonly budget: Pick<
    BudgetService,
    | 'page'
    | 'defaultYear'
    | 'saveStream'
    | 'streams'
    | 'setAward'
    | 'setCarryForward'
    | 'saveAllocation'
    | 'removeAllocation'
    | 'setSpend'
  >
  readonly imports: BudgetImportService
  readonly uploads: UploadStore
  readonly partnershipId: number
  /** The board's approvals of a year's budget (kind `budget-approval`, src/board/decision-links.ts); left out, none. */
  readonly boardDecisions?: BoardDecisions<Principal>
}): express.Router {
  const router = express.Router()
  const { budget } = deps
  const wrap =
    (handler: (req: Request, res: Response, next: NextFunction) => Promise<void>) =>
    (req: Request, res: Response, next: NextFunction) =>
      handler(req, res, next).catch(next)

  // The whole partnership's money: a provider's data owner (their own services only) finds no such page.
  const mayRead = requireWholePartnershipPermission(deps.accounts, 'budget:view')
  const mayEdit = [requirePermission(deps.accounts, 'budget:edit')]

  const user = (res: Response) => {
    const found = res.locals.currentUser
    if (!found) throw new Error('requirePermission lets no anonymous request through')
    return found
  }
  const formOf = (req: Request): FormInput => {
    const body = (req.body ?? {}) as Record<string, unknown>
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]))
  }
  const yearOf = (text: unknown): string | null =>
    typeof text === 'string' && startYearOf(text) !== null ? text : null

  async function renderPage(
    req: Request,
    res: Response,
    year: string,
    extra: { status?: number; errors?: FieldError[]; form?: string; values?: FormInput } = {},
  ) {
    const page = await budget.page(year)
    const view = budgetPageView(page)
    const errors = extra.errors ?? []
    const returnTo = `${req.baseUrl}/funding?year=${year}`
    const boardDecisions = deps.boardDecisions ? await deps.boardDecisions(user(res), year, req.baseUrl) : null
    res.status(extra.status ?? 200).render('funding/budget.njk', {
      pageTitle: `${errors.length > 0 ? 'Error: ' : ''}Budget ${view.yearLabel}`,
      ...view,
      sentence: budgetSentence(page.budget),
      reconciliation: reconciliationSentences(page.budget),
      flash: takeFlash(req),
      mayEdit: can(user(res), 'budget:edit'),
      errors: errors.map((e) => ({ text: e.text, href: `#${e.field}` })),
      errorFor: Object.fromEntries(errors.map((e) => [e.field, e.text])),
      openForm: extra.form ?? null,
      values: extra.values ?? {},
      boardDecisions,
      returnTo,
    })
  }

  router.get(
    '/funding',
    ...mayRead,
    wrap(async (req, res) => {
      const asked = req.query.year
      if (asked !== undefined && yearOf(asked) === null) {
        res.status(404)
        return void res.render('funding/budget-no-year.njk', { pageTitle: 'Page not found' })
      }
      await renderPage(req, res, yearOf(asked) ?? (await budget.defaultYear()))
    }),
  )

  /** A form's POST: saved → back to the page with the message; refused → the page again with the errors. */
  const formRoute = (
    path: string,
    form: string,
    save: (actor: string, input: FormInput, req: Request) => Promise<SaveResult>,
  ) =>
    router.post(
      path,
      ...mayEdit,
      wrap(async (req, res) => {
        const input = formOf(req)
        const year = yearOf(input.pageYear) ?? (await budget.defaultYear())
        const result = await save(user(res).email, input, req)
        if (!result.ok) return renderPage(req, res, year, { status: 400, errors: result.errors, form, values: input })
        req.session.flash = result.message
        await redirectAfterSaving(req, res, `${req.baseUrl}/funding?year=${year}`)
      }),
    )

  formRoute('/funding/streams', 'stream', (actor, input) => budget.saveStream(actor, input))
  formRoute('/funding/awards', 'award', (actor, input) => budget.setAward(actor, input))
  formRoute('/funding/carry-forwards', 'carry', (actor, input) => budget.setCarryForward(actor, input))
  formRoute('/funding/allocations', 'allocation', (actor, input) => budget.saveAllocation(actor, input))
  formRoute('/funding/spend', 'spend', (actor, input) => budget.setSpend(actor, input))
  formRoute('/funding/allocations/:id/remove', 'allocation', (actor, _input, req) =>
    budget.removeAllocation(actor, Number.parseInt(String(req.params.id), 10)),
  )

  // A stream's own form, to change its details (its awards are set on the budget page, a year at a time).
  router.get(
    '/funding/streams/:id',
    ...mayEdit,
    wrap(async (req, res, next) => {
      const stream = (await budget.streams()).find((s) => String(s.id) === String(req.params.id))
      if (!stream) return next()
      res.render('funding/budget-stream.njk', {
        pageTitle: `Change ${stream.name}`,
        stream,
        values: {
          ...stream,
          purpose: stream.purpose ?? '',
          conditions: stream.conditions ?? '',
          funderReference: stream.funderReference ?? '',
        },
        errors: [],
        errorFor: {},
      })
    }),
  )
  router.post(
    '/funding/streams/:id',
    ...mayEdit,
    wrap(async (req, res, next) => {
      const stream = (await budget.streams()).find((s) => String(s.id) === String(req.params.id))
      if (!stream) return next()
      const input = formOf(req)
      const result = await budget.saveStream(user(res).email, { ...input, total: '' }, stream.id)
      if (!result.ok)
        return void res.status(400).render('funding/budget-stream.njk', {
          pageTitle: `Error: Change ${stream.name}`,
          stream,
          values: input,
          errors: result.errors.map((e) => ({ text: e.text, href: `#${e.field}` })),
          errorFor: Object.fromEntries(result.errors.map((e) => [e.field, e.text])),
        })
      req.session.flash = result.message
      await redirectAfterSaving(req, res, `${req.baseUrl}/funding`)
    }),
  )

  // ---- The budget import -------------------------------------------------------------------------------------
  const ownerOf = (res: Response) => ({ partnershipId: deps.partnershipId, userId: user(res).id })
  const limitText = `${MAX_BUDGET_WORKBOOK_BYTES / (1024 * 1024)} MB`
  const renderUpload = (req: Request, res: Response, status: number, error?: string) =>
    res.status(status).render('funding/budget-import.njk', {
      pageTitle: error ? 'Error: Import a budget workbook' : 'Import a budget workbook',
      error,
      flash: takeFlash(req),
      limitText,
    })

  router.get(
    '/funding/import/template.xlsx',
    ...mayEdit,
    wrap(async (_req, res) => {
      res.set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      res.set('Content-Disposition', attachment('saferhub-budget-template.xlsx'))
      res.send(await budgetTemplateWorkbook({ now: new Date() }))
    }),
  )
  router.get(
    '/funding/import',
    ...mayEdit,
    wrap(async (req, res) => renderUpload(req, res, 200)),
  )
  router.post(
    '/funding/import',
    ...mayEdit,
    wrap(async (req, res) => {
      if (!req.is('multipart/form-data')) return renderUpload(req, res, 400, 'Select a budget workbook (.xlsx)')
      let form
      try {
        form = await receiveMultipart(req, {
          directory: deps.uploads.directory,
          limit: MAX_BUDGET_WORKBOOK_BYTES + 64 * 1024,
        })
      } catch (error) {
        if (error instanceof UploadTooLarge)
          return renderUpload(req, res, 413, `The workbook must be ${limitText} or smaller`)
        if (error instanceof BadMultipart) return renderUpload(req, res, 400, 'The upload could not be read: try again')
        throw error
      }
      const files = form.files.filter((f) => f.field === 'workbook')
      let upload
      try {
        if (files.length === 1) upload = await deps.uploads.save(ownerOf(res), files, new Date())
      } finally {
        await form.discard()
      }
      if (!upload) return renderUpload(req, res, 400, 'Select one budget workbook (.xlsx)')
      res.redirect(303, `${req.baseUrl}/funding/import/${upload.id}`)
    }),
  )
  router.get(
    '/funding/import/:upload',
    ...mayEdit,
    wrap(async (req, res, next) => {
      const upload = await deps.uploads.find(String(req.params.upload), ownerOf(res))
      if (!upload) return next()
      const [file] = upload.applied ? [] : await deps.uploads.files(upload)
      const preview = file ? await deps.imports.preview(file, user(res).email) : null
      res.render('funding/budget-import-preview.njk', {
        pageTitle: preview?.outcome === 'rejected' ? 'Error: Import a budget workbook' : 'Check the budget import',
        upload,
        preview,
        summaryRows: preview && preview.outcome !== 'rejected' ? summaryRows(preview.summary) : [],
        totalsDisagreeing: preview && preview.outcome !== 'rejected' ? preview.totals.filter((t) => !t.agrees) : [],
        totalsAgreeing: preview && preview.outcome !== 'rejected' ? preview.totals.filter((t) => t.agrees) : [],
      })
    }),
  )
  router.post(
    '/funding/import/:upload/confirm',
    ...mayEdit,
    wrap(async (req, res, next) => {
      const upload = await deps.uploads.find(String(req.params.upload), ownerOf(res))
      if (!upload) return next()
      if (upload.applied) {
        req.session.flash = `This workbook was already imported. ${upload.applied.summaryText}`
        return redirectAfterSaving(req, res, `${req.baseUrl}/funding/import`)
      }
      const [file] = await deps.uploads.files(upload)
      if (!file) return next()
      const result = await deps.imports.apply(file, user(res).email)
      if (result.outcome === 'rejected') return res.redirect(303, `${req.baseUrl}/funding/import/${upload.id}`)
      const flagged = result.totals.filter((t) => !t.agrees)
      const text =
        `${importSummaryText(result.summary)}.` +
        (flagged.length > 0
          ? ` Typed totals that disagree: ${flagged.map((t) => `row ${t.row} of ${t.file}: ${t.text}`).join(' ')}`
          : '')
      await deps.uploads.markApplied(upload, { importId: 0, summaryText: text })
      req.session.flash = `Budget workbook imported. ${text}`
      await redirectAfterSaving(req, res, `${req.baseUrl}/funding/import`)
    }),
  )
  return router
}

function summaryRows(summary: BudgetImportSummary) {
  const names = {
    streams: 'Funding streams',
    awards: 'Awards',
    carryForwards: 'Carry-forwards',
    allocations: 'Allocations',
    spend: 'Spend',
  } as const
  return (Object.keys(names) as (keyof typeof names)[]).map((kind) => ({ kind, name: names[kind], ...summary[kind] }))
}
