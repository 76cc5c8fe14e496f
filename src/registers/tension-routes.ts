import express, { type Request, type Response } from 'express'
import { can } from '../accounts/permissions.ts'
import type { AccountService } from '../accounts/account-service.ts'
import { requirePermission } from '../accounts/web/authentication.ts'
import { formField } from '../accounts/web/forms.ts'
import { lineChart } from '../charts/line-chart.ts'
import { financialYearId, financialYearLabel, londonDate } from '../domain/period.ts'
import type { TensionService } from './tension-service.ts'
import {
  CATEGORIES,
  CATEGORY_HINTS,
  isMonth,
  LEVELS,
  LEVEL_WORDS,
  levelInWords,
  monthInWords,
  monthsOfFinancialYear,
  STATUSES,
  TREND_WORDS,
  trendSummary,
  type FieldError,
} from './tension-rules.ts'

const STATUS_OPTIONS = STATUSES.map((s) => ({ value: s, text: s[0]?.toUpperCase() + s.slice(1) }))

export interface TensionRoutesOptions {
  readonly tensions: TensionService
  readonly accounts: Pick<AccountService, 'log'>
}

/** "Illustrative figure (not Wolverhampton's)": the label of a demo row the seed does not give. */
export const ILLUSTRATIVE_LABEL = 'Illustrative figure (not Wolverhampton’s)'

const errorView = (errors: readonly FieldError[]) => ({
  errorList: errors.map((e) => ({ text: e.message, href: `#${e.field}` })),
  fieldErrors: Object.fromEntries(errors.map((e) => [e.field, { text: e.message }])),
})

/** Items of a GOV.UK select or radios, the one whose value is `selected` chosen; `first` is a leading empty choice. */
function choiceItems(
  options: readonly { value: string; text: string }[],
  selected: string,
  kind: 'selected' | 'checked',
  first?: string,
) {
  return [
    ...(first === undefined ? [] : [{ value: '', text: first, [kind]: selected === '' }]),
    ...options.map((o) => ({ value: o.value, text: o.text, [kind]: o.value === selected })),
  ]
}

/** The financial year (`FY2017-18`) a month `YYYY-MM` falls in. */
const yearOfMonth = (month: string) => {
  const y = Number(month.slice(0, 4))
  const start = Number(month.slice(5, 7)) >= 4 ? y : y - 1
  return `FY${start}-${String((start + 1) % 100).padStart(2, '0')}`
}

/**
 * Community tension monitoring ('statutory:view' to read, 'statutory:edit' to write; every write audited):
 * `/registers/tensions` the partnership-wide view of a month (`?month=2018-03`, this month in England by default) with
 * its assessment form; `/registers/tensions/areas/:ward` a ward's monthly levels over a financial year (`?year=`) as
 * a chart with its table and summary; `/registers/tensions/entries/new` and POST `/registers/tensions/entries` the
 * log's form; `/registers/tensions/entries/:id` an entry, and its status form; `/registers/wards` the partnership's
 * wards.
 */
export function tensionRoutes(options: TensionRoutesOptions): express.Router {
  const router = express.Router()
  const { tensions, accounts } = options
  const view = [requirePermission(accounts, 'statutory:view')]
  const edit = [requirePermission(accounts, 'statutory:edit')]

  const renderMonth = async (
    req: Request,
    res: Response,
    month: string,
    form: { values: Record<string, string>; errors: readonly FieldError[] } | null,
  ) => {
    const user = res.locals.currentUser
    if (!user) throw new Error('The tension page was reached without a signed-in user')
    const page = await tensions.month(user, month)
    const invalid = form !== null && form.errors.length > 0
    const values = form?.values ?? { month, wardId: '', level: '', note: '', meetingId: '' }
    res.status(invalid ? 400 : 200).render('registers/tension-month.njk', {
      wardItems: choiceItems(
        page.wards.map((w) => ({ value: String(w.id), text: w.name })),
        values.wardId ?? '',
        'selected',
        'Select a ward',
      ),
      levelItems: choiceItems(
        LEVELS.map((l) => ({ value: String(l), text: levelInWords(l) })),
        values.level ?? '',
        'selected',
        'Select a level',
      ),
      meetingItems: choiceItems(
        page.meetings.map((m) => ({ value: String(m.id), text: `${m.date} (${m.state})` })),
        values.meetingId ?? '',
        'selected',
        'None',
      ),
      pageTitle: `${invalid ? 'Error: ' : ''}Community tensions, ${monthInWords(month)}`,
      page,
      monthWords: monthInWords(month),
      previous: previousOf(month),
      next: nextOf(month),
      year: yearOfMonth(month),
      trendWords: TREND_WORDS,
      levelWords: LEVEL_WORDS,
      illustrativeLabel: ILLUSTRATIVE_LABEL,
      mayEdit: can(user, 'statutory:edit'),
      values,
      saved: typeof req.query.saved === 'string' ? req.query.saved : null,
      ...errorView(form?.errors ?? []),
    })
  }

  router.get('/registers/tensions', ...view, async (req, res) => {
    const asked = typeof req.query.month === 'string' ? req.query.month : ''
    const month = isMonth(asked) ? asked : londonDate(new Date()).slice(0, 7)
    await renderMonth(req, res, month, null)
  })

  router.post('/registers/tensions/assessments', ...edit, async (req, res, next) => {
    const user = res.locals.currentUser
    if (!user) return next()
    const values = {
      month: formField(req.body, 'month').trim(),
      wardId: formField(req.body, 'wardId'),
      level: formField(req.body, 'level'),
      note: formField(req.body, 'note'),
      meetingId: formField(req.body, 'meetingId'),
    }
    const result = await tensions.saveAssessment(user, values)
    if (result.outcome === 'invalid')
      return renderMonth(req, res, isMonth(values.month) ? values.month : londonDate(new Date()).slice(0, 7), {
        values,
        errors: result.errors,
      })
    if (result.outcome === 'not-found') return next()
    res.redirect(303, `${req.baseUrl}/registers/tensions?month=${values.month}&saved=${result.value}#assessments`)
  })

  router.get('/registers/tensions/areas/:ward', ...view, async (req, res, next) => {
    const user = res.locals.currentUser
    const wardId = Number(req.params.ward)
    if (!user || !Number.isInteger(wardId)) return next()
    const askedYear =
      typeof req.query.year === 'string' && /^FY\d{4}-\d{2}$/.test(req.query.year) ? req.query.year : null
    const year = askedYear ?? yearOfMonth(londonDate(new Date()).slice(0, 7))
    const months = monthsOfFinancialYear(year)
    const area = await tensions.area(user, wardId, months)
    if (!area) return next()
    const points = area.points.map((p) => ({ month: p.month, level: p.assessment?.level ?? null }))
    const summary = trendSummary(area.ward.name, points)
    const start = Number(year.slice(2, 6))
    res.render('registers/tension-area.njk', {
      pageTitle: `Community tensions in ${area.ward.name}`,
      area,
      year,
      yearWords: financialYearLabel(start),
      previousYear: financialYearId(start - 1),
      nextYear: financialYearId(start + 1),
      summary,
      chart: lineChart({
        id: `tension-${area.ward.id}`,
        title: `Tension level in ${area.ward.name} by month, ${year}`,
        description: summary,
        points: points.map((p) => ({ label: monthInWords(p.month).slice(0, 3), value: p.level })),
        numberLabel: (v) => String(Math.round(v)),
      }),
      rows: area.points.map((p) => ({ ...p, monthWords: monthInWords(p.month) })),
      trendWords: TREND_WORDS,
      levelWords: LEVEL_WORDS,
      illustrativeLabel: ILLUSTRATIVE_LABEL,
      illustrative: area.points.some((p) => p.assessment?.illustrative),
    })
  })

  const renderEntryForm = async (res: Response, values: Record<string, string>, errors: readonly FieldError[]) => {
    const user = res.locals.currentUser
    if (!user) throw new Error('The tension form was reached without a signed-in user')
    const choices = await tensions.formChoices(user)
    res.status(errors.length > 0 ? 400 : 200).render('registers/tension-entry-form.njk', {
      pageTitle: `${errors.length > 0 ? 'Error: ' : ''}Add to the community tension log`,
      values,
      wardItems: choiceItems(
        choices.wards.map((w) => ({ value: String(w.id), text: w.name })),
        values.wardId ?? '',
        'selected',
        'Select a ward',
      ),
      centreItems: choiceItems(
        choices.centres.map((c) => ({ value: String(c.id), text: c.organisation })),
        values.reportingCentreId ?? '',
        'selected',
        'None',
      ),
      categoryItems: choiceItems(
        CATEGORIES.map((c) => ({ value: c, text: CATEGORY_HINTS[c] })),
        values.category ?? '',
        'checked',
      ),
      levelItems: choiceItems(
        LEVELS.map((l) => ({ value: String(l), text: levelInWords(l) })),
        values.level ?? '',
        'checked',
      ),
      statusItems: choiceItems(STATUS_OPTIONS, values.status ?? '', 'checked'),
      ...errorView(errors),
    })
  }

  const ENTRY_FIELDS = [
    'entryDate',
    'wardId',
    'source',
    'reportingCentreId',
    'category',
    'level',
    'description',
    'response',
    'responseOwner',
    'status',
    'reviewDate',
  ] as const

  router.get('/registers/tensions/entries/new', ...edit, async (_req, res) => {
    const values = Object.fromEntries(ENTRY_FIELDS.map((f) => [f, ''])) as Record<string, string>
    values.entryDate = londonDate(new Date())
    values.status = 'open'
    await renderEntryForm(res, values, [])
  })

  router.post('/registers/tensions/entries', ...edit, async (req, res, next) => {
    const user = res.locals.currentUser
    if (!user) return next()
    const values = Object.fromEntries(ENTRY_FIELDS.map((f) => [f, formField(req.body, f)])) as Record<
      (typeof ENTRY_FIELDS)[number],
      string
    >
    const result = await tensions.addEntry(user, values)
    if (result.outcome === 'invalid') return renderEntryForm(res, values, result.errors)
    if (result.outcome === 'not-found') return next()
    res.redirect(303, `${req.baseUrl}/registers/tensions/entries/${result.value.id}?saved=created`)
  })

  const renderEntry = async (
    req: Request,
    res: Response,
    id: number,
    form: { values: Record<string, string>; errors: readonly FieldError[] } | null,
  ): Promise<boolean> => {
    const user = res.locals.currentUser
    if (!user) return false
    const entry = await tensions.entry(user, id)
    if (!entry) return false
    const invalid = form !== null && form.errors.length > 0
    const values = form?.values ?? {
      status: entry.status,
      reviewDate: entry.reviewDate ?? '',
      response: entry.response ?? '',
      responseOwner: entry.responseOwner ?? '',
    }
    res.status(invalid ? 400 : 200).render('registers/tension-entry.njk', {
      pageTitle: `${invalid ? 'Error: ' : ''}Tension log entry ${entry.reference}`,
      entry,
      levelText: levelInWords(entry.level),
      entryYear: yearOfMonth(entry.entryDate.slice(0, 7)),
      statusItems: choiceItems(STATUS_OPTIONS, values.status ?? '', 'checked'),
      values,
      mayEdit: can(user, 'statutory:edit'),
      saved: typeof req.query.saved === 'string' ? req.query.saved : null,
      illustrativeLabel: ILLUSTRATIVE_LABEL,
      ...errorView(form?.errors ?? []),
    })
    return true
  }

  router.get('/registers/tensions/entries/:id', ...view, async (req, res, next) => {
    const id = Number(req.params.id)
    if (!Number.isInteger(id) || !(await renderEntry(req, res, id, null))) next()
  })

  router.post('/registers/tensions/entries/:id', ...edit, async (req, res, next) => {
    const user = res.locals.currentUser
    const id = Number(req.params.id)
    if (!user || !Number.isInteger(id)) return next()
    const values = {
      status: formField(req.body, 'status'),
      reviewDate: formField(req.body, 'reviewDate'),
      response: formField(req.body, 'response'),
      responseOwner: formField(req.body, 'responseOwner'),
    }
    const result = await tensions.updateEntry(user, id, values)
    if (result.outcome === 'not-found') return next()
    if (result.outcome === 'invalid') {
      if (!(await renderEntry(req, res, id, { values, errors: result.errors }))) next()
      return
    }
    res.redirect(303, `${req.baseUrl}/registers/tensions/entries/${id}?saved=${result.value ? 'updated' : 'unchanged'}`)
  })

  const renderWards = async (
    res: Response,
    form: { values: Record<string, string>; errors: readonly FieldError[] } | null,
    saved: string | null,
  ) => {
    const user = res.locals.currentUser
    if (!user) throw new Error('The wards page was reached without a signed-in user')
    const invalid = form !== null && form.errors.length > 0
    res.status(invalid ? 400 : 200).render('registers/wards.njk', {
      pageTitle: `${invalid ? 'Error: ' : ''}The partnership’s wards`,
      wards: await tensions.wards(user),
      ons: await tensions.onsWardsNotHeld(user),
      values: form?.values ?? { name: '', onsCode: '' },
      mayEdit: can(user, 'statutory:edit'),
      saved,
      ...errorView(form?.errors ?? []),
    })
  }

  router.get('/registers/wards', ...view, async (req, res) => {
    const saved = req.query.saved
    const added = Number(req.query.added ?? 0)
    const coded = Number(req.query.coded ?? 0)
    const savedText =
      saved === 'yes'
        ? 'The ward has been added.'
        : saved === 'ons' && Number.isInteger(added) && Number.isInteger(coded)
          ? `${added} ${added === 1 ? 'ward' : 'wards'} added and ${coded} given ${coded === 1 ? 'its' : 'their'} ONS code.`
          : null
    await renderWards(res, null, savedText)
  })

  router.post('/registers/wards/ons', ...edit, async (req, res, next) => {
    const user = res.locals.currentUser
    if (!user) return next()
    const { added, coded } = await tensions.addOnsWards(user)
    res.redirect(303, `${req.baseUrl}/registers/wards?saved=ons&added=${added}&coded=${coded}`)
  })

  router.post('/registers/wards', ...edit, async (req, res, next) => {
    const user = res.locals.currentUser
    if (!user) return next()
    const values = { name: formField(req.body, 'name'), onsCode: formField(req.body, 'onsCode') }
    const result = await tensions.addWard(user, values.name, values.onsCode)
    if (result.outcome === 'invalid') return renderWards(res, { values, errors: result.errors }, null)
    res.redirect(303, `${req.baseUrl}/registers/wards?saved=yes`)
  })

  return router
}

function previousOf(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

function nextOf(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}
