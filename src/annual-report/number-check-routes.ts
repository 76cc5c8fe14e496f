import { readFile } from 'node:fs/promises'
import express, { type Request, type Response } from 'express'
import type { AccountService } from '../accounts/account-service.ts'
import { requirePermission, requireWholePartnershipPermission } from '../accounts/web/authentication.ts'
import { parsePeriod } from '../domain/period.ts'
import { parseReportYear, yearSlug } from '../reports/performance-report-service.ts'
import { BadMultipart, receiveMultipart, UploadTooLarge } from '../shared/web/multipart.ts'
import type { Figure } from './figures.ts'
import { checkNumbers, type Outcome } from './number-check.ts'
import { MAX_CHECK_BYTES, readReportText } from './number-check-input.ts'
import {
  comparisonRow,
  readSeedNarrative,
  SEED_ACKNOWLEDGED,
  SEED_PARTNERSHIP_CODE,
  SEED_YEAR,
  seedComparison,
} from './seed-comparison.ts'

export interface NumberCheckRoutesOptions {
  readonly accounts: Pick<AccountService, 'log'>
  readonly figureCatalogue: (year: string) => Promise<readonly Figure[]>
  /** Where a form's uploaded file waits while it is read (removed straight after). */
  readonly uploadsDirectory: string
  /** The partnership's ONS code: the seed comparison is the seed's partnership's (the demo's) only. */
  readonly partnershipCode: string | null
}

/** The most text a person may paste: an annual report's narrative is some 60,000 characters. */
export const MAX_PASTED_CHARACTERS = 300_000

const OUTCOMES: readonly { readonly outcome: Outcome; readonly label: string; readonly tag: string }[] = [
  { outcome: 'contradicts', label: 'Contradict the data', tag: 'govuk-tag--red' },
  { outcome: 'agrees', label: 'Agree with a figure in saferhub', tag: 'govuk-tag--green' },
  { outcome: 'from-data', label: 'From data', tag: 'govuk-tag--blue' },
  { outcome: 'acknowledged', label: 'Acknowledged as facts saferhub does not hold', tag: 'govuk-tag--grey' },
  { outcome: 'unsourced', label: 'Unsourced', tag: 'govuk-tag--yellow' },
]

function summaryOf(counts: Readonly<Record<Outcome, number>>) {
  return OUTCOMES.map((o) => ({ ...o, count: counts[o.outcome] }))
}

/** The year in the address (`2017-18`), or null. */
function yearOf(req: Request): string | null {
  const year = parseReportYear(String(req.params.year))
  return year === null ? null : year
}

/**
 * The number checker's pages (issue 11, item 4): `/annual-report/2017-18/check` where an editor of the annual report
 * ('annual-report:edit') pastes text or uploads a .txt, .md or .docx file and sees every number's finding; and, for
 * the demo partnership, `/annual-report/2017-18/seed-comparison` ('annual-report:view'): "What the seed printed and
 * what the data says", the seed report's own narrative checked against the demo's data. Nothing is stored: the
 * text is checked and shown, so there is nothing to audit.
 */
export function numberCheckRoutes(options: NumberCheckRoutesOptions): express.Router {
  const router = express.Router()
  // The figures cover every agency's KPIs and the whole budget: a reader for one agency only finds nothing here.
  const read = requireWholePartnershipPermission(options.accounts, 'annual-report:view')
  const edit = [requirePermission(options.accounts, 'annual-report:edit')]

  router.get('/annual-report/:year/seed-comparison', ...read, async (req, res, next) => {
    const year = yearOf(req)
    if (options.partnershipCode !== SEED_PARTNERSHIP_CODE || year !== SEED_YEAR) return next()
    const figures = await options.figureCatalogue(year)
    const comparison = await seedComparison(figures, await readSeedNarrative(), SEED_ACKNOWLEDGED)
    const rows = comparison.rows
    res.render('annual-report/seed-comparison.njk', {
      pageTitle: 'What the seed printed and what the data says',
      yearLabel: parsePeriod(year)?.label ?? year,
      yearSlug: yearSlug(year),
      summary: summaryOf(comparison.result.counts),
      total: comparison.result.findings.length,
      contradictions: rows.filter((r) => r.outcome === 'contradicts'),
      agreements: rows.filter((r) => r.outcome === 'agrees'),
      others: rows.filter((r) => r.outcome === 'unsourced' || r.outcome === 'acknowledged'),
      acknowledged: SEED_ACKNOWLEDGED,
    })
  })

  const renderCheck = async (req: Request, res: Response, status: number, extra: Record<string, unknown>) => {
    const year = yearOf(req) as string
    res.status(status).render('annual-report/number-check.njk', {
      pageTitle: `${'errorList' in extra ? 'Error: ' : ''}Check the numbers in a text`,
      yearLabel: parsePeriod(year)?.label ?? year,
      yearSlug: yearSlug(year),
      maxMegabytes: MAX_CHECK_BYTES / 1024 / 1024,
      ...extra,
    })
  }

  router.get('/annual-report/:year/check', ...edit, async (req, res, next) => {
    if (yearOf(req) === null) return next()
    await renderCheck(req, res, 200, {})
  })

  router.post('/annual-report/:year/check', ...edit, async (req, res, next) => {
    const year = yearOf(req)
    if (year === null) return next()
    const problem = (status: number, text: string, href = '#text', pasted = '', acknowledged = '') =>
      renderCheck(req, res, status, { errorList: [{ text, href }], pasted, acknowledgedText: acknowledged })

    let pasted: string
    let acknowledgedText: string
    let file: { name: string; content: Buffer } | null = null
    if (req.is('multipart/form-data')) {
      let form
      try {
        form = await receiveMultipart(req, { directory: options.uploadsDirectory, limit: MAX_CHECK_BYTES + 64 * 1024 })
      } catch (error) {
        if (error instanceof UploadTooLarge)
          return problem(413, `The file must be ${MAX_CHECK_BYTES / 1024 / 1024} MB or smaller`, '#file')
        if (error instanceof BadMultipart) return problem(400, 'The form could not be read: try again', '#file')
        throw error
      }
      try {
        pasted = form.fields.text ?? ''
        acknowledgedText = form.fields.acknowledged ?? ''
        const files = form.files.filter((f) => f.field === 'file')
        if (files.length > 1) return problem(400, 'Choose one file', '#file', pasted, acknowledgedText)
        const [uploaded] = files
        if (uploaded) file = { name: uploaded.name, content: await readFile(uploaded.path) }
      } finally {
        await form.discard()
      }
    } else {
      const body = (req.body ?? {}) as Record<string, unknown>
      pasted = typeof body.text === 'string' ? body.text : ''
      acknowledgedText = typeof body.acknowledged === 'string' ? body.acknowledged : ''
    }
    if (pasted.length > MAX_PASTED_CHARACTERS)
      return problem(
        400,
        `Paste at most ${MAX_PASTED_CHARACTERS.toLocaleString('en-GB')} characters`,
        '#text',
        '',
        acknowledgedText,
      )
    if (file && pasted.trim() !== '')
      return problem(400, 'Paste a text or choose a file, not both', '#text', pasted, acknowledgedText)
    let text = pasted
    if (file) {
      const readText = await readReportText(file.name, file.content)
      if (!readText.ok) return problem(400, readText.message, '#file', '', acknowledgedText)
      text = readText.text
    }
    if (text.trim() === '') return problem(400, 'Paste a text or choose a file to check', '#text', '', acknowledgedText)

    const acknowledged = acknowledgedText
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '')
    const figures = await options.figureCatalogue(year)
    const result = checkNumbers(text, figures, { acknowledged })
    const rows = result.findings.map(comparisonRow)
    await renderCheck(req, res, 200, {
      pasted: file ? '' : pasted,
      acknowledgedText,
      checkedFile: file?.name ?? null,
      figureCount: figures.length,
      result: {
        total: result.findings.length,
        summary: summaryOf(result.counts),
        contradictions: result.counts.contradicts,
        rows,
      },
    })
  })

  return router
}
