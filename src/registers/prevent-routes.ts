import { readFile } from 'node:fs/promises'
import express, { type Request, type Response } from 'express'
import type { AccountService } from '../accounts/account-service.ts'
import { can } from '../accounts/permissions.ts'
import { requirePermission } from '../accounts/web/authentication.ts'
import { redirectAfterSaving, takeFlash } from '../accounts/web/session.ts'
import { barChart } from '../charts/bar-chart.ts'
import { BadMultipart, receiveMultipart, UploadTooLarge } from '../shared/web/multipart.ts'
import { dateInWords } from '../shared/time-in-words.ts'
import { ILLUSTRATIVE_LABEL } from './prevent-labels.ts'
import {
  RECORD_TYPES,
  recordType,
  enteredOf,
  type Choice,
  type EnteredValue,
  type RecordType,
} from './prevent-record-types.ts'
import { MAX_SETTINGS_BYTES } from './prevent-settings-import.ts'
import type { PreventPage, PreventService, RegisterUser } from './prevent-service.ts'

export interface PreventRoutesOptions {
  readonly prevent: PreventService
  readonly accounts: Pick<AccountService, 'log'>
  /** Where an uploaded CSV waits while it is read (the instance's uploads folder). */
  readonly uploadDirectory: string
  /**
   * Registers other features hold, listed on the landing page after Prevent and engagement (community tensions and
   * hate-crime reporting centres, src/registers/tension-*, reporting-centre-*): each a link, added by the web app.
   */
  readonly moreRegisters?: readonly LandingRegister[]
}

export interface LandingRegister {
  readonly href: string
  readonly title: string
  readonly description: string
}

const YEAR = /^FY\d{4}-\d{2}$/
const ID = /^[1-9]\d{0,9}$/

/**
 * The statutory registers' landing page and the Prevent and engagement registers (statutory:view to read,
 * statutory:edit to change):
 * - `/registers`: the registers, each a link.
 * - `/registers/prevent` (`?year=FY2017-18`): the Prevent record of a year: arrangements, risk assessment, pathway,
 *   meetings, Channel's counts, training and its coverage, communications, referrals by quarter beside the KPI.
 * - `/registers/engagement` (`?year=`): activities by type, consultations, covenant sign-ups.
 * - `/registers/prevent/arrangements`: which board group, plan priority and KPI are Prevent's (form).
 * - `/registers/prevent/settings/import`: the area's settings from CSV (all or nothing).
 * - `/registers/<prevent|engagement>/<register>`: one register's rows; `…/new`, `…/<id>/edit`, `…/<id>/delete`.
 * Every page works without JavaScript; every chart has its text summary and its data table.
 */
export function preventRoutes(options: PreventRoutesOptions): express.Router {
  const router = express.Router()
  const { prevent, accounts } = options
  const view = [requirePermission(accounts, 'statutory:view')]
  const edit = [requirePermission(accounts, 'statutory:edit')]
  const userOf = (res: Response): RegisterUser => {
    const user = res.locals.currentUser
    if (!user) throw new Error('the permission guard lets no anonymous request through')
    return user
  }
  const yearAsked = async (req: Request, res: Response): Promise<{ year: string; years: string[] }> => {
    const years = await prevent.years(userOf(res))
    const asked = typeof req.query.year === 'string' ? req.query.year.trim() : ''
    return { year: YEAR.test(asked) ? asked : (years[0] as string), years }
  }

  router.get('/registers', ...view, (req, res) => {
    res.render('registers/registers.njk', {
      pageTitle: 'Statutory registers',
      registers: [
        {
          href: `${req.baseUrl}/registers/prevent`,
          title: 'Prevent and Channel',
          description:
            'The Prevent duty: the multi-agency group, risk assessment, plan, referral pathway, Channel panel case counts, training and its coverage, communications and referrals.',
        },
        {
          href: `${req.baseUrl}/registers/engagement`,
          title: 'Engagement, campaigns and covenants',
          description: 'Engagement activities, consultations and surveys, and sign-ups to covenants and charters.',
        },
        ...(options.moreRegisters ?? []).map((r) => ({ ...r, href: `${req.baseUrl}${r.href}` })),
      ],
    })
  })

  router.get('/registers/prevent', ...view, async (req, res) => {
    const user = userOf(res)
    const { year } = await yearAsked(req, res)
    const page = await prevent.preventPage(user, year)
    res.render('registers/prevent.njk', {
      pageTitle: `Prevent and Channel ${page.yearWords}`,
      page,
      view: preventView(page),
      flash: takeFlash(req),
      mayEdit: can(user, 'statutory:edit'),
      illustrativeLabel: ILLUSTRATIVE_LABEL,
      types: RECORD_TYPES.filter((t) => t.area === 'prevent'),
      yearItems: page.years.map((y) => ({ value: y, text: y.slice(2).replace('-', '-'), selected: y === year })),
    })
  })

  router.get('/registers/engagement', ...view, async (req, res) => {
    const user = userOf(res)
    const { year } = await yearAsked(req, res)
    const page = await prevent.engagementPage(user, year)
    const shown = page.activities.filter((a) => a.activities > 0)
    res.render('registers/engagement.njk', {
      pageTitle: `Engagement ${page.yearWords}`,
      page,
      flash: takeFlash(req),
      mayEdit: can(user, 'statutory:edit'),
      illustrativeLabel: ILLUSTRATIVE_LABEL,
      types: RECORD_TYPES.filter((t) => t.area === 'engagement'),
      yearItems: page.years.map((y) => ({ value: y, text: y.slice(2), selected: y === year })),
      chart:
        shown.length === 0
          ? null
          : {
              svg: barChart({
                id: 'engagement-by-type',
                title: `Engagement activities by type, ${page.yearWords}`,
                description: activitiesSummary(shown, page.yearWords),
                bars: shown.map((a) => ({ label: a.label, value: a.activities })),
              }),
              summary: activitiesSummary(shown, page.yearWords),
            },
    })
  })

  // Prevent's arrangements: which board group is the Prevent group, which delivery priority holds its plan's actions,
  // which KPI counts its referrals.
  const renderArrangements = async (
    req: Request,
    res: Response,
    values: { boardGroup: string; planPriority: string; referralsIndicator: string },
    errors: Record<string, string>,
  ) => {
    const choices = await prevent.arrangementChoices(userOf(res))
    const items = (list: Choice[], selected: string, none: string) => [
      { value: 'none', text: none, selected: selected === '' || selected === 'none' },
      ...list.map((c) => ({ ...c, selected: c.value === selected })),
    ]
    const failed = Object.keys(errors).length > 0
    res.status(failed ? 400 : 200).render('registers/prevent-arrangements.njk', {
      pageTitle: `${failed ? 'Error: ' : ''}Prevent arrangements`,
      errorList: Object.entries(errors).map(([field, text]) => ({ text, href: `#${field}` })),
      fieldErrors: Object.fromEntries(Object.entries(errors).map(([field, text]) => [field, { text }])),
      groupItems: items(choices.groups, values.boardGroup, 'Not one of the board’s groups'),
      priorityItems: items(choices.priorities, values.planPriority, 'None'),
      indicatorItems: items(choices.indicators, values.referralsIndicator, 'None'),
    })
  }
  router.get('/registers/prevent/arrangements', ...edit, async (req, res) => {
    const current = await prevent.arrangements(userOf(res))
    await renderArrangements(
      req,
      res,
      {
        boardGroup: current.boardGroupId === null ? '' : String(current.boardGroupId),
        planPriority: current.planDeliveryPriorityId === null ? '' : String(current.planDeliveryPriorityId),
        referralsIndicator: current.referralsIndicatorId ?? '',
      },
      {},
    )
  })
  router.post('/registers/prevent/arrangements', ...edit, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    const result = await prevent.saveArrangements(userOf(res), body)
    if (!result.ok) {
      const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '')
      return renderArrangements(
        req,
        res,
        {
          boardGroup: text('boardGroup'),
          planPriority: text('planPriority'),
          referralsIndicator: text('referralsIndicator'),
        },
        result.errors,
      )
    }
    req.session.flash = 'Prevent arrangements saved.'
    await redirectAfterSaving(req, res, `${req.baseUrl}/registers/prevent`)
  })

  // The area's settings from CSV: all or nothing, every problem named by row and column.
  const renderImport = (
    res: Response,
    status: number,
    problems: readonly { row: number | null; column: string | null; message: string }[],
  ) =>
    res.status(status).render('registers/prevent-settings-import.njk', {
      pageTitle: `${problems.length > 0 ? 'Error: ' : ''}Import the area’s settings`,
      problems: problems.map((p) => ({
        where: [p.row === null ? null : `Row ${p.row}`, p.column === null ? null : `column “${p.column}”`]
          .filter((w) => w !== null)
          .join(', '),
        message: p.message,
      })),
      errorList:
        problems.length > 0
          ? [
              {
                text: `The file was not imported: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}. Nothing was changed.`,
                href: '#problems',
              },
            ]
          : [],
    })
  router.get('/registers/prevent/settings/import', ...edit, (_req, res) => renderImport(res, 200, []))
  router.post('/registers/prevent/settings/import', ...edit, async (req, res) => {
    if (!req.is('multipart/form-data'))
      return renderImport(res, 400, [{ row: null, column: null, message: 'Select a CSV file of the area’s settings' }])
    let content: Buffer | null = null
    try {
      const form = await receiveMultipart(req, {
        directory: options.uploadDirectory,
        limit: MAX_SETTINGS_BYTES + 64 * 1024,
      })
      try {
        // A form sent with no file chosen carries an empty part with no name: that is no file.
        const files = form.files.filter((f) => f.field === 'settings' && f.name !== '')
        if (files.length === 1 && files[0]) content = await readFile(files[0].path)
      } finally {
        await form.discard()
      }
    } catch (error) {
      if (error instanceof UploadTooLarge)
        return renderImport(res, 413, [{ row: null, column: null, message: 'The file must be 1 MB or smaller' }])
      if (error instanceof BadMultipart)
        return renderImport(res, 400, [{ row: null, column: null, message: 'The upload could not be read: try again' }])
      throw error
    }
    if (content === null)
      return renderImport(res, 400, [{ row: null, column: null, message: 'Select a CSV file of the area’s settings' }])
    const result = await prevent.importSettings(userOf(res), content)
    if (!result.ok) return renderImport(res, 400, result.problems)
    req.session.flash = `Settings imported: ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged.`
    await redirectAfterSaving(req, res, `${req.baseUrl}/registers/prevent/settings`)
  })

  for (const area of ['prevent', 'engagement'] as const) {
    const typeOf = (req: Request): RecordType | undefined => recordType(area, String(req.params.register))
    const listPath = (req: Request, type: RecordType) => `${req.baseUrl}/registers/${type.area}/${type.slug}`

    const renderForm = async (
      req: Request,
      res: Response,
      type: RecordType,
      options: {
        readonly id: number | null
        readonly version: number | null
        readonly entered: Record<string, EnteredValue>
        readonly errors: Record<string, string>
        readonly conflict?: boolean
      },
    ) => {
      const choices = await prevent.choices(userOf(res), type)
      const title =
        options.id === null ? `Add: ${type.singular.toLowerCase()}` : `Change: ${type.singular.toLowerCase()}`
      const failed = Object.keys(options.errors).length > 0 || options.conflict === true
      res
        .status(options.conflict ? 409 : Object.keys(options.errors).length > 0 ? 400 : 200)
        .render('registers/register-form.njk', {
          pageTitle: `${failed ? 'Error: ' : ''}${type.title}: ${title.toLowerCase()}`,
          title,
          type,
          conflict: options.conflict === true,
          formAction: options.id === null ? `${listPath(req, type)}/new` : `${listPath(req, type)}/${options.id}/edit`,
          deleteAction: options.id === null ? null : `${listPath(req, type)}/${options.id}/delete`,
          cancelHref: listPath(req, type),
          version: options.version === null ? '' : String(options.version),
          errorList: type.fields
            .filter((f) => options.errors[f.name] !== undefined)
            .map((f) => ({ text: options.errors[f.name], href: `#${f.name}${f.kind === 'date' ? '-day' : ''}` })),
          fields: type.fields.map((f) => {
            const entered = options.entered[f.name] ?? (f.kind === 'date' ? { day: '', month: '', year: '' } : '')
            const error = options.errors[f.name]
            const list: readonly Choice[] =
              f.kind === 'choice'
                ? (f.choices ?? [])
                : f.kind === 'reference'
                  ? (choices[f.reference ?? 'setting'] ?? [])
                  : []
            return {
              ...f,
              value: entered,
              errorMessage: error === undefined ? undefined : { text: error },
              items:
                f.kind === 'choice' || f.kind === 'reference'
                  ? [
                      { value: '', text: f.required ? 'Choose one' : 'None', selected: entered === '' },
                      ...list.map((c) => ({ ...c, selected: c.value === entered })),
                    ]
                  : [],
            }
          }),
        })
    }

    router.get(`/registers/${area}/:register`, ...view, async (req, res, next) => {
      const type = typeOf(req)
      if (!type) return next()
      const user = userOf(res)
      const rows = await prevent.list(user, type)
      res.render('registers/register-list.njk', {
        pageTitle: type.title,
        type,
        rows,
        flash: takeFlash(req),
        mayEdit: can(user, 'statutory:edit'),
        illustrativeLabel: ILLUSTRATIVE_LABEL,
        areaHref: `${req.baseUrl}/registers/${area}`,
        areaTitle: area === 'prevent' ? 'Prevent and Channel' : 'Engagement',
        listPath: listPath(req, type),
        anyIllustrative: rows.some((r) => r.illustrative),
      })
    })

    router.get(`/registers/${area}/:register/new`, ...edit, async (req, res, next) => {
      const type = typeOf(req)
      if (!type) return next()
      await renderForm(req, res, type, { id: null, version: null, entered: {}, errors: {} })
    })
    router.post(`/registers/${area}/:register/new`, ...edit, async (req, res, next) => {
      const type = typeOf(req)
      if (!type) return next()
      const result = await prevent.create(userOf(res), type, (req.body ?? {}) as Record<string, unknown>)
      if (result.outcome === 'invalid')
        return renderForm(req, res, type, {
          id: null,
          version: null,
          entered: result.form.entered,
          errors: result.form.errors,
        })
      req.session.flash = `${type.singular} added.`
      await redirectAfterSaving(req, res, listPath(req, type))
    })

    router.get(`/registers/${area}/:register/:id/edit`, ...edit, async (req, res, next) => {
      const type = typeOf(req)
      const id = String(req.params.id)
      if (!type || !ID.test(id)) return next()
      const row = await prevent.get(userOf(res), type, Number(id))
      if (!row) return next()
      await renderForm(req, res, type, { id: row.id, version: row.version, entered: enteredOf(type, row), errors: {} })
    })
    router.post(`/registers/${area}/:register/:id/edit`, ...edit, async (req, res, next) => {
      const type = typeOf(req)
      const id = String(req.params.id)
      if (!type || !ID.test(id)) return next()
      const body = (req.body ?? {}) as Record<string, unknown>
      const version = Number(typeof body.version === 'string' ? body.version : NaN)
      const result = await prevent.update(userOf(res), type, Number(id), Number.isInteger(version) ? version : -1, body)
      if (result.outcome === 'not-found') return next()
      if (result.outcome === 'invalid')
        return renderForm(req, res, type, {
          id: Number(id),
          version,
          entered: result.form.entered,
          errors: result.form.errors,
        })
      if (result.outcome === 'changed') {
        const row = await prevent.get(userOf(res), type, Number(id))
        if (!row) return next()
        return renderForm(req, res, type, {
          id: row.id,
          version: row.version,
          entered: enteredOf(type, row),
          errors: {},
          conflict: true,
        })
      }
      req.session.flash = `${type.singular} saved.`
      await redirectAfterSaving(req, res, listPath(req, type))
    })
    router.post(`/registers/${area}/:register/:id/delete`, ...edit, async (req, res, next) => {
      const type = typeOf(req)
      const id = String(req.params.id)
      if (!type || !ID.test(id)) return next()
      const body = (req.body ?? {}) as Record<string, unknown>
      // Asked first: the row is deleted only once the confirmation page's "Yes, delete" is pressed.
      if (body.confirm !== 'yes') {
        const row = await prevent.get(userOf(res), type, Number(id))
        if (!row) return next()
        return res.render('registers/register-delete.njk', {
          pageTitle: `${type.title}: delete`,
          type,
          cells: type.fields.map((f, i) => ({ label: f.label.replace(/ \(optional\)$/, ''), index: i })),
          row: (await prevent.list(userOf(res), type)).find((r) => r.id === row.id),
          deleteAction: `${listPath(req, type)}/${id}/delete`,
          cancelHref: `${listPath(req, type)}/${id}/edit`,
        })
      }
      const result = await prevent.remove(userOf(res), type, Number(id))
      if (result === 'not-found') return next()
      req.session.flash =
        result === 'in-use'
          ? `This ${type.singular.toLowerCase()} was not deleted: training delivered there refers to it.`
          : `${type.singular} deleted.`
      await redirectAfterSaving(req, res, listPath(req, type))
    })
  }
  return router
}

function activitiesSummary(shown: readonly { label: string; activities: number }[], year: string): string {
  const total = shown.reduce((s, a) => s + a.activities, 0)
  return `${total} engagement ${total === 1 ? 'activity' : 'activities'} in ${year}: ${shown
    .map((a) => `${a.activities} ${a.label.toLowerCase()}`)
    .join(', ')}.`
}

/** The Prevent page's charts, their summaries and tables' words. */
function preventView(page: PreventPage) {
  const r = page.referrals
  const quarterBars = r.quarters.flatMap((q) => (q.register === null ? [] : [{ label: q.label, value: q.register }]))
  const referralsSummary =
    r.total === null
      ? `Prevent referrals recorded for ${quarterBars.length} of the 4 quarters of ${page.yearWords}${
          quarterBars.length > 0 ? `: ${quarterBars.map((b) => `${b.label} ${b.value}`).join(', ')}` : ''
        }.`
      : `${r.total} Prevent referrals in ${page.yearWords}${
          r.previousTotal === null ? '' : ` (${r.previousTotal} the year before)`
        }: ${r.quarters.map((q) => `${q.label.toLowerCase()} ${q.register}`).join(', ')}.`
  return {
    referrals: {
      summary: referralsSummary,
      svg:
        quarterBars.length === 0
          ? null
          : barChart({
              id: 'prevent-referrals',
              title: `Prevent referrals by quarter, ${page.yearWords}`,
              description: referralsSummary,
              bars: quarterBars,
            }),
    },
    coverage: {
      summary:
        page.coverage.length === 0
          ? `No training in ${page.yearWords} is recorded against the area’s settings.`
          : `${page.coverage.map((c) => c.sentence).join('. ')}.`,
      svg:
        page.coverage.length === 0
          ? null
          : barChart({
              id: 'prevent-coverage',
              title: `Training coverage of the area’s settings, ${page.yearWords}`,
              description: `${page.coverage.map((c) => c.sentence).join('. ')}.`,
              bars: page.coverage.map((c) => ({ label: `${c.course}, ${c.kind}`, value: c.percent })),
              numberLabel: (v) => `${Number.isInteger(v) ? v : v.toFixed(1)}%`,
            }),
    },
    riskAssessedOn: page.riskAssessment ? dateInWords(page.riskAssessment.assessedOn) : '',
    riskReviewOn: page.riskAssessment?.reviewOn ? dateInWords(page.riskAssessment.reviewOn) : '',
    pathwayFrom: page.pathway ? dateInWords(page.pathway.effectiveOn) : '',
  }
}
