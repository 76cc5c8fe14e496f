import express, { type Request, type Response } from 'express'
import { can } from '../accounts/permissions.ts'
import type { AccountService } from '../accounts/account-service.ts'
import { requirePermission } from '../accounts/web/authentication.ts'
import { formField } from '../accounts/web/forms.ts'
import type { ReportingCentreService } from './reporting-centre-service.ts'
import {
  CENTRE_COLUMNS,
  CHECK_EVERY_MONTHS,
  quarterInWords,
  STRAND_WORDS,
  type ImportProblem,
} from './reporting-centre-rules.ts'
import type { FieldError } from './tension-rules.ts'
import { ILLUSTRATIVE_LABEL } from './tension-routes.ts'

export interface ReportingCentreRoutesOptions {
  readonly centres: ReportingCentreService
  readonly accounts: Pick<AccountService, 'log'>
}

/** The longest CSV the import form takes (a few hundred centres are a few tens of kilobytes). */
const MAX_CSV_CHARACTERS = 200_000

/** The rule, in the words the pages use. */
export const CHECK_RULE = `A centre is due for a check when it has not been checked active in the last ${CHECK_EVERY_MONTHS} months (never checked, or last checked before the same day ${CHECK_EVERY_MONTHS} months ago).`

/**
 * Hate-crime third-party reporting centres ('statutory:view' to read, 'statutory:edit' to write; audited):
 * `/registers/reporting-centres` the register, coverage by ward and the checks due; `/registers/reporting-centres/:id`
 * a centre with its quarters; POST `…/:id/checked` (checked active today), `…/:id/close`, `…/:id/quarters`;
 * `/registers/reporting-centres/import` the CSV import (pasted text: all rows or none).
 */
export function reportingCentreRoutes(options: ReportingCentreRoutesOptions): express.Router {
  const router = express.Router()
  const { centres, accounts } = options
  const view = [requirePermission(accounts, 'statutory:view')]
  const edit = [requirePermission(accounts, 'statutory:edit')]

  router.get('/registers/reporting-centres', ...view, async (req, res, next) => {
    const user = res.locals.currentUser
    if (!user) return next()
    res.render('registers/reporting-centres.njk', {
      pageTitle: 'Hate-crime third-party reporting centres',
      page: await centres.view(user),
      strandWords: STRAND_WORDS,
      checkRule: CHECK_RULE,
      illustrativeLabel: ILLUSTRATIVE_LABEL,
      mayEdit: can(user, 'statutory:edit'),
      imported: typeof req.query.imported === 'string' ? req.query.imported : null,
    })
  })

  const renderImport = (res: Response, text: string, problems: readonly ImportProblem[], status = 200) =>
    res.status(status).render('registers/reporting-centre-import.njk', {
      pageTitle: `${problems.length > 0 ? 'Error: ' : ''}Import reporting centres`,
      text,
      columns: CENTRE_COLUMNS,
      problems,
      errorList:
        problems.length > 0
          ? [
              {
                text: `The import has ${problems.length} problem${problems.length === 1 ? '' : 's'}: nothing was imported`,
                href: '#problems',
              },
            ]
          : [],
    })

  router.get('/registers/reporting-centres/import', ...edit, async (_req, res) => {
    renderImport(res, '', [])
  })

  router.post('/registers/reporting-centres/import', ...edit, async (req, res, next) => {
    const user = res.locals.currentUser
    if (!user) return next()
    const text = formField(req.body, 'csv')
    if (text.length > MAX_CSV_CHARACTERS)
      return renderImport(
        res,
        '',
        [{ row: 0, column: '', message: `The CSV must be ${MAX_CSV_CHARACTERS} characters or fewer` }],
        413,
      )
    const result = await centres.importCsv(user, text)
    if (result.outcome === 'invalid') return renderImport(res, text, result.problems, 400)
    res.redirect(
      303,
      `${req.baseUrl}/registers/reporting-centres?imported=${result.created}-${result.updated}-${result.unchanged}`,
    )
  })

  const renderCentre = async (
    req: Request,
    res: Response,
    id: number,
    form: { values: Record<string, string>; errors: readonly FieldError[] } | null,
  ): Promise<boolean> => {
    const user = res.locals.currentUser
    if (!user) return false
    const found = await centres.centre(user, id)
    if (!found) return false
    const invalid = form !== null && form.errors.length > 0
    res.status(invalid ? 400 : 200).render('registers/reporting-centre.njk', {
      pageTitle: `${invalid ? 'Error: ' : ''}${found.centre.organisation}`,
      centre: found.centre,
      quarters: found.quarters.map((q) => ({ ...q, words: quarterInWords(q.quarter) })),
      strandWords: STRAND_WORDS,
      checkRule: CHECK_RULE,
      illustrativeLabel: ILLUSTRATIVE_LABEL,
      mayEdit: can(user, 'statutory:edit'),
      saved: typeof req.query.saved === 'string' ? req.query.saved : null,
      values: form?.values ?? { quarter: '', reportsTaken: '', passedToPolice: '' },
      errorList: form?.errors.map((e) => ({ text: e.message, href: `#${e.field}` })) ?? [],
      fieldErrors: Object.fromEntries(form?.errors.map((e) => [e.field, { text: e.message }]) ?? []),
    })
    return true
  }

  router.get('/registers/reporting-centres/:id', ...view, async (req, res, next) => {
    const id = Number(req.params.id)
    if (!Number.isInteger(id) || !(await renderCentre(req, res, id, null))) next()
  })

  router.post('/registers/reporting-centres/:id/checked', ...edit, async (req, res, next) => {
    const user = res.locals.currentUser
    const id = Number(req.params.id)
    if (!user || !Number.isInteger(id) || !(await centres.markChecked(user, id))) return next()
    res.redirect(303, `${req.baseUrl}/registers/reporting-centres/${id}?saved=checked`)
  })

  router.post('/registers/reporting-centres/:id/close', ...edit, async (req, res, next) => {
    const user = res.locals.currentUser
    const id = Number(req.params.id)
    if (!user || !Number.isInteger(id)) return next()
    if (!(await centres.centre(user, id))) return next()
    const closed = await centres.close(user, id)
    res.redirect(303, `${req.baseUrl}/registers/reporting-centres/${id}?saved=${closed ? 'closed' : 'already-closed'}`)
  })

  router.post('/registers/reporting-centres/:id/quarters', ...edit, async (req, res, next) => {
    const user = res.locals.currentUser
    const id = Number(req.params.id)
    if (!user || !Number.isInteger(id)) return next()
    const values = {
      quarter: formField(req.body, 'quarter'),
      reportsTaken: formField(req.body, 'reportsTaken'),
      passedToPolice: formField(req.body, 'passedToPolice'),
    }
    const result = await centres.saveQuarter(user, id, values)
    if (result.outcome === 'not-found') return next()
    if (result.outcome === 'invalid') {
      if (!(await renderCentre(req, res, id, { values, errors: result.errors }))) next()
      return
    }
    res.redirect(303, `${req.baseUrl}/registers/reporting-centres/${id}?saved=quarter`)
  })

  return router
}
