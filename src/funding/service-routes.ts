import express, { type Request, type Response } from 'express'
import type { AccountService } from '../accounts/account-service.ts'
import { objectPageHandler, requirePermission, requireSignIn } from '../accounts/web/authentication.ts'
import { formField } from '../accounts/web/forms.ts'
import { formatMoney, type Pence } from '../domain/money.ts'
import { agreementLength } from './service-agreement.ts'
import { OUTPUT_RAG_RULE, RAG_LABELS, SPEND_RAG_RULE, type RagOrNone } from './service-rag.ts'
import {
  ServiceNotFound,
  type Commissioning,
  type CommissioningUser,
  type Problem,
  type ServiceMonitoring,
} from './service-commissioning.ts'
import { SERVICE_STATUS_LABELS, SERVICE_STATUSES, SERVICE_TRANSITIONS } from './service-status.ts'

/** Shown beside every figure the seed does not give (a demo figure), on every page that shows one. */
export const ILLUSTRATIVE_LABEL = 'Illustrative figure (not Wolverhampton’s)'

const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/

export interface ServiceRoutesDependencies {
  readonly commissioning: Commissioning
  readonly accounts: Pick<AccountService, 'log'>
}

const money = (amount: Pence | null) => (amount === null ? 'None' : formatMoney(amount))

/** A RAG as the page shows it: its word always, the colour only as a second cue (a GOV.UK tag). */
function ragView(rag: RagOrNone) {
  const classes = {
    green: 'govuk-tag--green',
    amber: 'govuk-tag--yellow',
    red: 'govuk-tag--red',
    none: 'govuk-tag--grey',
  }
  return { text: RAG_LABELS[rag], classes: classes[rag] }
}

function monitoringView(m: ServiceMonitoring) {
  const length = agreementLength(m.service.startDate, m.service.endDate)
  return {
    reference: m.service.reference,
    title: m.service.title,
    providerName: m.service.providerName,
    priorityName: m.service.priorityName,
    streamName: m.service.streamName,
    agreement: m.service.agreement === 'grant' ? 'Grant' : 'Contract',
    length: length === 'annual' ? 'Annual' : length === 'multi-year' ? 'Multi-year' : 'Dates not set',
    startDate: m.service.startDate,
    endDate: m.service.endDate,
    status: SERVICE_STATUS_LABELS[m.service.status],
    allocated: money(m.money.allocated),
    committed: money(m.money.committed),
    paid: formatMoney(m.money.paid),
    forecast: formatMoney(m.money.forecast),
    left: money(m.money.left),
    illustrative: m.money.illustrative,
    spendRag: ragView(m.spendRag),
    outputsRag: ragView(m.outputsRag),
    outputs: m.outputs.map((o) => ({
      id: o.output.id,
      kind: o.output.kind === 'outcome' ? 'Outcome' : 'Output',
      name: o.output.name,
      unit: o.output.unit,
      target: o.output.target,
      total: o.total,
      quartersReported: o.quartersReported,
      rag: ragView(o.rag),
      actuals: o.actuals.map((a) => ({
        period: a.period,
        actual: a.actual,
        note: a.note,
        viaReturn: a.returnId !== null,
      })),
    })),
  }
}

/** A GOV.UK select's items, with a first blank choice (unless null) and the chosen one selected. */
function selectItems(
  blank: string | null,
  items: readonly { value: string; text: string }[],
  chosen: string | undefined,
) {
  return [...(blank === null ? [] : [{ value: '', text: blank }]), ...items].map((item) => ({
    ...item,
    selected: item.value === (chosen ?? ''),
  }))
}

const errorsOf = (problems: readonly Problem[]) => ({
  errorList: problems.map((p) => ({ text: p.message, href: `#${p.field}` })),
  fieldErrors: Object.fromEntries(problems.map((p) => [p.field, { text: p.message }])),
})

/**
 * Commissioned services and their providers (`/funding/services`, `/funding/providers`). The list and the providers
 * are for those who read every service; a service's own page is agency-scoped (a provider's data owner sees their
 * provider's services, and another's is not found), and every change is for those who may edit the budget. Every
 * handler asks the commissioning service, which checks the permission against the service's provider as stored.
 */
export function commissionedServiceRoutes(deps: ServiceRoutesDependencies): express.Router {
  const { commissioning, accounts } = deps
  const router = express.Router()
  const view = requirePermission(accounts, 'budget:view')
  const edit = requirePermission(accounts, 'budget:edit')

  const userOf = (res: Response): CommissioningUser => {
    const user = res.locals.currentUser
    if (!user) throw new Error('requireSignIn lets no anonymous request through')
    return user
  }

  /** Runs a handler: an unknown or hidden object is 404, a refused action 403 (logged). */
  const handle = objectPageHandler(accounts, (error) => error instanceof ServiceNotFound)

  const referenceOf = (req: Request): string => {
    const reference = req.params.reference
    if (typeof reference !== 'string' || !REFERENCE.test(reference)) throw new ServiceNotFound()
    return reference
  }

  const yearAsked = (req: Request): string | undefined =>
    typeof req.query.year === 'string' ? req.query.year : undefined

  const body = (req: Request, names: readonly string[]): Record<string, string> =>
    Object.fromEntries(names.map((n) => [n, formField(req.body, n)]))

  const takeFlash = (req: Request): string | undefined => {
    const flash = req.session?.flash
    if (flash !== undefined) delete req.session.flash
    return typeof flash === 'string' ? flash : undefined
  }

  async function renderService(
    req: Request,
    res: Response,
    reference: string,
    options: {
      status?: number
      problems?: readonly Problem[]
      /** The form that was refused (its name) and what was typed in it, shown again. */
      form?: { name: string; values: Record<string, string> }
      year?: string
    } = {},
  ): Promise<void> {
    const user = userOf(res)
    const page = await commissioning.service(user, reference, options.year ?? yearAsked(req))
    const m = monitoringView(page.monitoring)
    const problems = options.problems ?? []
    res.status(options.status ?? 200)
    res.render('funding/service.njk', {
      pageTitle: `${problems.length > 0 ? 'Error: ' : ''}${m.title}`,
      service: m,
      year: page.monitoring.year,
      years: page.years,
      spend: page.spend.map((s) => ({
        period: s.period,
        kind: s.kind === 'actual' ? 'Paid' : 'Forecast',
        amount: formatMoney(s.amountPence),
        paidOn: s.paidOn,
        note: s.note,
        illustrative: s.illustrative,
      })),
      canEdit: page.canEdit,
      nextStatuses: SERVICE_TRANSITIONS[page.monitoring.service.status].map((s) => ({
        value: s,
        text: SERVICE_STATUS_LABELS[s],
      })),
      outputItems: selectItems(
        'Choose the output',
        page.monitoring.outputs.map((o) => ({ value: String(o.output.id), text: o.output.name })),
        options.form?.name === 'actuals' ? options.form.values.outputId : undefined,
      ),
      // Each form is filled again only when it was the one refused.
      values: options.form ? { [options.form.name]: options.form.values } : {},
      flash: problems.length > 0 ? undefined : takeFlash(req),
      outputRule: OUTPUT_RAG_RULE,
      spendRule: SPEND_RAG_RULE,
      illustrativeLabel: ILLUSTRATIVE_LABEL,
      ...errorsOf(problems),
    })
  }

  router.get(
    '/funding/services',
    view,
    handle(async (req, res) => {
      const list = await commissioning.services(userOf(res), yearAsked(req))
      const rows = list.rows.map(monitoringView)
      res.render('funding/services.njk', {
        pageTitle: `Commissioned services, ${list.year}`,
        year: list.year,
        rows,
        anyIllustrative: rows.some((r) => r.illustrative),
        canEdit: commissioning.mayEdit(userOf(res)),
        outputRule: OUTPUT_RAG_RULE,
        spendRule: SPEND_RAG_RULE,
        illustrativeLabel: ILLUSTRATIVE_LABEL,
        flash: takeFlash(req),
      })
    }),
  )

  async function renderNewService(res: Response, values: Record<string, string>, problems: readonly Problem[] = []) {
    const choices = await commissioning.choices(userOf(res))
    res.status(problems.length > 0 ? 400 : 200)
    res.render('funding/service-new.njk', {
      pageTitle: `${problems.length > 0 ? 'Error: ' : ''}Add a commissioned service`,
      values,
      providers: choices.providers,
      providerItems: selectItems(
        'Choose the provider',
        choices.providers.map((p) => ({ value: String(p.id), text: p.name })),
        values.providerId,
      ),
      priorityItems: selectItems(
        'None',
        choices.priorities.map((p) => ({ value: String(p.id), text: p.name })),
        values.priorityId,
      ),
      streamItems: selectItems(
        'None',
        choices.streams.map((s) => ({ value: String(s.id), text: s.name })),
        values.streamId,
      ),
      statusItems: selectItems(
        null,
        SERVICE_STATUSES.map((s) => ({ value: s, text: SERVICE_STATUS_LABELS[s] })),
        values.status,
      ),
      ...errorsOf(problems),
    })
  }

  const SERVICE_FIELDS = [
    'reference',
    'title',
    'description',
    'providerId',
    'priorityId',
    'streamId',
    'agreement',
    'startDate',
    'endDate',
    'status',
  ] as const

  router.get(
    '/funding/services/new',
    edit,
    handle(async (_req, res) => renderNewService(res, { status: 'planned', agreement: 'grant' })),
  )

  router.post(
    '/funding/services',
    edit,
    handle(async (req, res) => {
      const values = body(req, SERVICE_FIELDS)
      const added = await commissioning.addService(userOf(res), values)
      if (!added.ok) return renderNewService(res, values, added.problems)
      req.session.flash = `${added.value.title} is added.`
      res.redirect(303, `${req.baseUrl}/funding/services/${encodeURIComponent(added.value.reference)}`)
    }),
  )

  router.get(
    '/funding/services/:reference',
    requireSignIn(),
    handle(async (req, res) => renderService(req, res, referenceOf(req))),
  )

  /** A change to a service: refused (403) before the service is looked up for anyone who may not edit. */
  const change = (
    path: string,
    fields: readonly string[],
    act: (
      user: CommissioningUser,
      reference: string,
      form: Record<string, string>,
    ) => Promise<{ ok: true } | { ok: false; problems: Problem[] }>,
    done: string,
    year: (form: Record<string, string>) => string | undefined,
  ) =>
    router.post(
      path,
      edit,
      handle(async (req, res) => {
        const reference = referenceOf(req)
        const form = body(req, fields)
        const outcome = await act(userOf(res), reference, form)
        if (!outcome.ok) {
          const asked = year(form)
          return renderService(req, res, reference, {
            status: 400,
            problems: outcome.problems,
            form: { name: path.split('/').at(-1) ?? '', values: form },
            ...(asked && /^FY\d{4}-\d{2}$/.test(asked) ? { year: asked } : {}),
          })
        }
        req.session.flash = done
        const asked = year(form)
        const query = asked && /^FY\d{4}-\d{2}$/.test(asked) ? `?year=${asked}` : ''
        res.redirect(303, `${req.baseUrl}/funding/services/${encodeURIComponent(reference)}${query}`)
      }),
    )

  change(
    '/funding/services/:reference/status',
    ['status'],
    (user, reference, form) => commissioning.changeStatus(user, reference, form.status ?? ''),
    'The service’s status is changed.',
    () => undefined,
  )
  change(
    '/funding/services/:reference/commitments',
    ['year', 'amount'],
    (user, reference, form) => commissioning.setCommitment(user, reference, form),
    'The amount awarded is saved.',
    (form) => form.year,
  )
  change(
    '/funding/services/:reference/spend',
    ['period', 'kind', 'amount', 'paidOn', 'note'],
    (user, reference, form) => commissioning.recordSpend(user, reference, form),
    'The payment or forecast is saved.',
    (form) => form.period?.slice(0, 9),
  )
  change(
    '/funding/services/:reference/outputs',
    ['kind', 'name', 'unit', 'year', 'target'],
    (user, reference, form) => commissioning.addOutput(user, reference, form),
    'The output is added.',
    (form) => form.year,
  )
  change(
    '/funding/services/:reference/actuals',
    ['outputId', 'period', 'actual', 'note'],
    (user, reference, form) => commissioning.recordActual(user, reference, form),
    'The actual is saved.',
    (form) => form.period?.slice(0, 9),
  )

  async function renderProviders(
    req: Request,
    res: Response,
    values: Record<string, string> = {},
    problems: readonly Problem[] = [],
  ) {
    const user = userOf(res)
    const providers = await commissioning.providers(user)
    const mayEdit = commissioning.mayEdit(user)
    const agencies = mayEdit ? (await commissioning.choices(user)).agencies : []
    res.status(problems.length > 0 ? 400 : 200)
    res.render('funding/providers.njk', {
      pageTitle: `${problems.length > 0 ? 'Error: ' : ''}Providers`,
      providers,
      canEdit: mayEdit,
      agencyItems: selectItems(
        'None',
        agencies.map((a) => ({ value: String(a.id), text: a.name })),
        values.agencyId,
      ),
      values,
      flash: problems.length > 0 ? undefined : takeFlash(req),
      ...errorsOf(problems),
    })
  }

  router.get(
    '/funding/providers',
    view,
    handle(async (req, res) => {
      // `?change=<id>`: the form filled with that provider, to change it (for those who may edit).
      const asked = typeof req.query.change === 'string' ? req.query.change : ''
      const providers = /^[1-9]\d{0,8}$/.test(asked) ? await commissioning.providers(userOf(res)) : []
      const chosen = commissioning.mayEdit(userOf(res)) ? providers.find((p) => String(p.id) === asked) : undefined
      if (asked !== '' && !chosen) throw new ServiceNotFound()
      return renderProviders(
        req,
        res,
        chosen
          ? {
              id: String(chosen.id),
              name: chosen.name,
              charityNumber: chosen.charityNumber ?? '',
              companyNumber: chosen.companyNumber ?? '',
              postcode: chosen.postcode ?? '',
              agencyId: chosen.agencyId === null ? '' : String(chosen.agencyId),
            }
          : {},
      )
    }),
  )

  router.post(
    '/funding/providers',
    edit,
    handle(async (req, res) => {
      const values = body(req, ['id', 'name', 'charityNumber', 'companyNumber', 'postcode', 'agencyId'])
      // With `id`: a change to that provider (one of this partnership's, or not found); without: a new provider.
      const changing = values.id !== undefined && values.id !== ''
      if (changing && !/^[1-9]\d{0,8}$/.test(values.id ?? '')) throw new ServiceNotFound()
      const added = changing
        ? await commissioning.updateProvider(userOf(res), Number(values.id), values)
        : await commissioning.addProvider(userOf(res), values)
      if (!added.ok) return renderProviders(req, res, values, added.problems)
      req.session.flash = `${added.value.name} is ${changing ? 'changed' : 'added'}.`
      res.redirect(303, `${req.baseUrl}/funding/providers`)
    }),
  )

  return router
}
