import { mkdir, open, readFile, rename } from 'node:fs/promises'
import path from 'node:path'
import express from 'express'
import { fileSlug } from '../../shared/web/content-disposition.ts'
import {
  BadMultipart,
  receiveMultipart,
  uploadsDirectory,
  UploadTooLarge,
  type MultipartForm,
  type UploadedFile,
} from '../../shared/web/multipart.ts'
import type { CrimeServices } from '../crime-services.ts'
import { CrimeImportError } from '../ingest/import-service.ts'
import { parseStreetFileName, StreetFileListingError } from '../ingest/street-files.ts'
import {
  crimeProblems,
  crimeSummary,
  IMPORT_KINDS,
  MAX_PROBLEMS_SHOWN,
  referenceOutcome,
  type CrimeImportOutcome,
  type ImportKind,
} from './import-outcome.ts'

/**
 * Uploads above this many bytes are refused with 413, counted while the body streams in. A month of street-level
 * files for every force is about 60 MB unzipped and 15 MB zipped; the ONS workbooks are under 1 MB.
 */
export const CRIME_UPLOAD_LIMIT_BYTES = 100 * 1024 * 1024

/**
 * The crime imports (import:run): `/crime/imports`, uploading street-level files, the ONS tables or population
 * estimates through the same services as the command line.
 */
export function crimeImportRoutes(deps: {
  readonly services: CrimeServices
  readonly importGuard: readonly express.RequestHandler[]
  readonly uploadLimitBytes?: number
}): express.Router {
  const { services } = deps
  const limit = deps.uploadLimitBytes ?? CRIME_UPLOAD_LIMIT_BYTES
  const router = express.Router()

  router.get('/crime/imports', ...deps.importGuard, async (req, res, next) => {
    try {
      const outcome = req.session.crimeImportOutcome
      delete req.session.crimeImportOutcome
      res.render('crime/imports.njk', {
        pageTitle: outcome && !outcome.ok ? 'Error: Import crime data' : 'Import crime data',
        kinds: Object.entries(IMPORT_KINDS).map(([value, label]) => ({ value, text: label })),
        outcome,
        outcomeKind: outcome ? IMPORT_KINDS[outcome.kind] : '',
        limitMb: Math.round(limit / 1024 / 1024),
      })
    } catch (error) {
      next(error)
    }
  })

  router.post('/crime/imports', ...deps.importGuard, async (req, res, next) => {
    const renderForm = (status: number, errors: Record<string, string>) => {
      res.status(status)
      res.render('crime/imports.njk', {
        pageTitle: 'Error: Import crime data',
        kinds: Object.entries(IMPORT_KINDS).map(([value, label]) => ({ value, text: label })),
        errorList: Object.entries(errors).map(([field, message]) => ({ text: message, href: `#${field}` })),
        fieldErrors: Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, { text: message }])),
        limitMb: Math.round(limit / 1024 / 1024),
      })
    }
    try {
      if (!req.is('multipart/form-data')) {
        renderForm(400, { file: 'Choose a file to upload' })
        return
      }
      let form: MultipartForm
      try {
        // The file goes to disk as it arrives, in the data directory's uploads folder: never whole in memory.
        form = await receiveMultipart(req, { directory: uploadsDirectory(services.config.dataDirectory), limit })
      } catch (error) {
        if (error instanceof UploadTooLarge) {
          res.set('Connection', 'close')
          renderForm(413, { file: `The file must be smaller than ${Math.round(limit / 1024 / 1024)} MB` })
          return
        }
        if (error instanceof BadMultipart) {
          renderForm(400, { file: 'The upload could not be read: choose the file again' })
          return
        }
        throw error
      }
      // The form's files are removed before the answer is sent, whatever the outcome.
      let result: { readonly errors: Record<string, string> } | { readonly outcome: CrimeImportOutcome }
      try {
        result = await importForm(form, res.locals.currentUser?.email ?? 'web')
      } finally {
        await form.discard()
      }
      if ('errors' in result) {
        renderForm(400, result.errors)
        return
      }
      req.session.crimeImportOutcome = result.outcome
      res.redirect(303, `${req.baseUrl}/crime/imports`)
    } catch (error) {
      next(error)
    }
  })

  /** Checks the form and imports its file: the form's errors, or the import's outcome. */
  async function importForm(
    form: MultipartForm,
    actor: string,
  ): Promise<{ readonly errors: Record<string, string> } | { readonly outcome: CrimeImportOutcome }> {
    const kind = form.fields.kind
    const files = form.files.filter((f) => f.field === 'file')
    const errors: Record<string, string> = {}
    if (kind === undefined || !Object.hasOwn(IMPORT_KINDS, kind)) errors.kind = 'Select what the file holds'
    if (files.length !== 1) errors.file = files.length === 0 ? 'Choose a file to upload' : 'Choose one file'
    const file = files[0]
    if (Object.keys(errors).length > 0 || !file || kind === undefined) return { errors }
    const importKind = kind as ImportKind
    if (importKind === 'police-uk') return { outcome: await importStreetFile(file, form.folder) }
    // The ONS workbooks are under 1 MB, and the reference service reads a workbook from its bytes.
    const content = { name: file.name, content: await readFile(file.path) }
    const result =
      importKind === 'ons-tables'
        ? await services.crimeComparisons.reference.importRecordedCrime(content, actor)
        : await services.crimeComparisons.reference.importPopulation(content, actor)
    return { outcome: referenceOutcome(importKind, file.name, result) }
  }

  /**
   * A police.uk CSV or zip goes through the CLI's import service, which reads files by path: the received file is
   * moved into a folder of its own inside the form's private folder, under a name of our making (a CSV keeps its
   * data.police.uk name, which gives its month and force, once checked); the form's folder is removed afterwards.
   */
  async function importStreetFile(file: UploadedFile, formFolder: string): Promise<CrimeImportOutcome> {
    const uploadedName = file.name
    const fail = (reason: string): CrimeImportOutcome => ({
      kind: 'police-uk',
      fileName: uploadedName,
      ok: false,
      summary: [],
      problems: [{ where: uploadedName, reason }],
      problemsLeftOut: 0,
    })
    const isZip = (await firstBytes(file.path, 4)).readUInt32LE(0) === 0x04034b50
    let name: string
    if (isZip) name = `${fileSlug(uploadedName.replace(/\.zip$/i, '')) || 'upload'}.zip`
    else if (parseStreetFileName(uploadedName)) name = uploadedName
    else {
      return fail(
        'not a zip archive, and not a data.police.uk street-level file name: the name must look like ' +
          '2020-01-gwent-street.csv (it gives the month and the force)',
      )
    }
    const folder = path.join(formFolder, 'police-uk')
    await mkdir(folder, { mode: 0o700 })
    try {
      const filePath = path.join(folder, name)
      await rename(file.path, filePath)
      const summary = await services.crime.imports.importPaths([filePath])
      return {
        kind: 'police-uk',
        fileName: uploadedName,
        ok: true,
        summary: crimeSummary(summary),
        problems: [],
        problemsLeftOut: 0,
      }
    } catch (error) {
      if (error instanceof CrimeImportError) {
        const problems = crimeProblems(error, folder)
        return {
          kind: 'police-uk',
          fileName: uploadedName,
          ok: false,
          summary: [],
          problems: problems.slice(0, MAX_PROBLEMS_SHOWN),
          problemsLeftOut: Math.max(0, problems.length - MAX_PROBLEMS_SHOWN),
        }
      }
      if (error instanceof StreetFileListingError) {
        return fail(error.message.split(`${folder}${path.sep}`).join(''))
      }
      throw error
    }
  }

  return router
}

/** The first `count` bytes of a file (fewer when it is shorter, zero-filled). */
async function firstBytes(filePath: string, count: number): Promise<Buffer> {
  const handle = await open(filePath, 'r')
  try {
    const buffer = Buffer.alloc(count)
    await handle.read(buffer, 0, count, 0)
    return buffer
  } finally {
    await handle.close()
  }
}
