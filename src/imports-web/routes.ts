import express, { type NextFunction, type Request, type Response } from 'express'
import type { AccountService } from '../accounts/account-service.ts'
import { requirePermission } from '../accounts/web/authentication.ts'
import { redirectAfterSaving } from '../accounts/web/session.ts'
import type { ChangeCounts } from '../performance/performance-repository.ts'
import type { PerformanceImportService } from '../performance/import-service.ts'
import { BadMultipart, receiveMultipart, UploadTooLarge } from '../shared/web/multipart.ts'
import type { UploadStore } from './upload-store.ts'
import { importTemplateWorkbook } from '../performance/template-workbook.ts'
import { attachment } from '../shared/web/content-disposition.ts'
import { MAX_CSV_BYTES } from '../performance/import/csv-table.ts'
import { MAX_XLSX_BYTES } from '../performance/import/xlsx-tables.ts'

/**
 * What the files of one upload may hold in all: the most one file may be (`MAX_CSV_BYTES`, `MAX_XLSX_BYTES`: 20 MB,
 * as docs/import-formats.md says), so that a workbook at the limit can be uploaded, and no upload holds more than
 * one such file's worth. The page, its error and the docs print this one number.
 */
export const MAX_UPLOAD_FILES_BYTES = Math.min(MAX_CSV_BYTES, MAX_XLSX_BYTES)
/** "20 MB", as the upload page and its error say it. */
export const UPLOAD_LIMIT_TEXT = `${MAX_UPLOAD_FILES_BYTES / (1024 * 1024)} MB`
/**
 * The largest request body accepted, counted while it streams in: the files plus the form's own framing (part
 * boundaries and headers, the CSRF field), which is never near 64 KB.
 */
export const MAX_UPLOAD_BYTES = MAX_UPLOAD_FILES_BYTES + 64 * 1024
const MAX_FILES = 10

declare module 'express-session' {
  interface SessionData {
    /** A one-off message for the imports page. */
    importFlash?: string
    /** The partnership the person last worked in: pages without `/p/<slug>` are that partnership's. */
    partnershipId?: number
  }
}

function summaryText(counts: { indicators: ChangeCounts; baselines: ChangeCounts; values: ChangeCounts }): string {
  const part = (name: string, c: ChangeCounts) =>
    `${name}: ${c.added} added, ${c.changed} changed, ${c.unchanged} unchanged`
  return [
    part('Indicators', counts.indicators),
    part('Baselines', counts.baselines),
    part('Values', counts.values),
  ].join('; ')
}

/**
 * Imports from the browser (`/imports`, 'import:run'): upload CSV or XLSX files; see, before anything is
 * written, every problem (file, row, column, reason) or what would be added, changed and left unchanged; then
 * confirm, which applies exactly the previewed bytes (kept server-side under an opaque id) all-or-nothing. A
 * second confirmation of the same upload changes nothing and shows the first result.
 */
export function importRoutes(deps: {
  readonly accounts: AccountService
  readonly imports: PerformanceImportService
  readonly uploads: UploadStore
  /** The partnership whose address these routes serve: an upload is kept for it and found only through it. */
  readonly partnershipId: number
}): express.Router {
  const router = express.Router()
  router.use('/imports', requirePermission(deps.accounts, 'import:run'))

  const user = (res: Response) => {
    const found = res.locals.currentUser
    if (!found) throw new Error('requirePermission lets no anonymous request through')
    return found
  }
  const ownerOf = (res: Response) => ({ partnershipId: deps.partnershipId, userId: user(res).id })
  const wrap =
    (handler: (req: Request, res: Response, next: NextFunction) => Promise<void>) =>
    (req: Request, res: Response, next: NextFunction) =>
      handler(req, res, next).catch(next)

  const renderForm = (res: Response, status: number, error?: string, flash?: string) => {
    res.status(status).render('imports/upload.njk', {
      pageTitle: error ? 'Error: Import figures' : 'Import figures',
      error,
      flash,
      limitText: UPLOAD_LIMIT_TEXT,
    })
  }

  // The workbook to fill in (src/performance/template-workbook.ts): before `/imports/:upload`, which would take it.
  router.get(
    '/imports/template.xlsx',
    wrap(async (_req, res) => {
      const bytes = await importTemplateWorkbook({ now: new Date() })
      res.set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      res.set('Content-Disposition', attachment('saferhub-import-template.xlsx'))
      res.send(bytes)
    }),
  )

  router.get(
    '/imports',
    wrap(async (req, res) => {
      const flash = req.session.importFlash
      if (flash !== undefined) delete req.session.importFlash
      renderForm(res, 200, undefined, flash)
    }),
  )

  router.post(
    '/imports',
    wrap(async (req, res) => {
      if (!req.is('multipart/form-data')) return renderForm(res, 400, 'Select one or more CSV or XLSX files')
      let form
      try {
        // Each file goes to disk as it arrives, in the uploads folder; only the kept ones stay (moved, by save).
        form = await receiveMultipart(req, { directory: deps.uploads.directory, limit: MAX_UPLOAD_BYTES })
      } catch (error) {
        if (error instanceof UploadTooLarge)
          return renderForm(res, 413, `The files must be ${UPLOAD_LIMIT_TEXT} or smaller in all`)
        if (error instanceof BadMultipart) return renderForm(res, 400, 'The upload could not be read: try again')
        throw error
      }
      const files = form.files.filter((f) => f.field === 'files')
      let upload
      try {
        if (files.length > 0 && files.length <= MAX_FILES)
          upload = await deps.uploads.save(ownerOf(res), files, new Date())
      } finally {
        // What save did not keep is removed before the answer is sent.
        await form.discard()
      }
      if (files.length === 0) return renderForm(res, 400, 'Select one or more CSV or XLSX files')
      if (!upload) return renderForm(res, 400, `Select ${MAX_FILES} files or fewer`)
      res.redirect(303, `${req.baseUrl}/imports/${upload.id}`)
    }),
  )

  router.get(
    '/imports/:upload',
    wrap(async (req, res, next) => {
      const upload = await deps.uploads.find(String(req.params.upload), ownerOf(res))
      if (!upload) return next()
      const preview = upload.applied
        ? null
        : await deps.imports.previewPerformanceFiles(await deps.uploads.files(upload))
      res.render('imports/preview.njk', {
        pageTitle: preview?.outcome === 'rejected' ? 'Error: Import figures' : 'Check the import',
        upload,
        preview,
        summaryRows:
          preview?.outcome === 'preview'
            ? (['indicators', 'baselines', 'values'] as const).map((kind) => ({ kind, ...preview.summary[kind] }))
            : [],
      })
    }),
  )

  router.post(
    '/imports/:upload/confirm',
    wrap(async (req, res, next) => {
      const upload = await deps.uploads.find(String(req.params.upload), ownerOf(res))
      if (!upload) return next()
      if (upload.applied) {
        req.session.importFlash = `This import was already applied (import ${upload.applied.importId}). ${upload.applied.summaryText}.`
        return redirectAfterSaving(req, res, '/imports')
      }
      const result = await deps.imports.importPerformanceFiles(await deps.uploads.files(upload), user(res).email)
      if (result.outcome === 'rejected') return res.redirect(303, `${req.baseUrl}/imports/${upload.id}`)
      const text = summaryText(result.summary)
      await deps.uploads.markApplied(upload, { importId: result.importId, summaryText: text })
      req.session.importFlash = `Import ${result.importId} applied. ${text}.`
      await redirectAfterSaving(req, res, '/imports')
    }),
  )
  return router
}
