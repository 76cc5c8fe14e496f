import { can, demand, PermissionDenied, type Action, type Principal } from '../accounts/permissions.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { parseMoney, type Pence } from '../domain/money.ts'
import { financialYearId, financialYearOf, parsePeriod } from '../domain/period.ts'
import type { OutputKind, ServiceAgreement, ServiceStatus, SpendKind } from './funding-tables.ts'
import { checkCharityNumber, checkCompanyNumber, checkPostcode } from './provider-numbers.ts'
import type { ServiceYear, YearBudget } from '../domain/budget.ts'
import { outputRag, spendRag, type RagOrNone } from './service-rag.ts'
import type {
  CommissionedService,
  Named,
  OutputActual,
  Provider,
  ServiceOutput,
  ServiceRepository,
} from './service-repository.ts'
import { SERVICE_STATUSES, serviceTransition } from './service-status.ts'

/** The signed-in person asking: a principal with the name the audit trail records. */
export interface CommissioningUser extends Principal {
  readonly email: string
}

/** A service that does not exist, or that the person may not know exists (shown as 404). */
export class ServiceNotFound extends Error {
  constructor() {
    super('Not found')
    this.name = 'ServiceNotFound'
  }
}

export interface Problem {
  readonly field: string
  readonly message: string
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: Problem[] }

/**
 * One output's progress in a year: its quarterly actuals, their sum, the latest quarter reported (1–4, 0: none) and
 * its RAG against the target pro rata to that quarter.
 */
export interface OutputProgress {
  readonly output: ServiceOutput
  readonly actuals: readonly OutputActual[]
  readonly total: number
  readonly quartersReported: number
  readonly rag: RagOrNone
}

/**
 * A service's money for a year, as the year's budget computes it (src/domain/budget.ts: the one computation of the
 * money, which the budget page and Appendix A print too).
 */
export interface ServiceMoney {
  readonly allocated: Pence
  readonly committed: Pence
  /** Actual spend (the instalments paid). */
  readonly paid: Pence
  /** Each quarter's actual where there is one, its forecast otherwise. */
  readonly forecast: Pence
  /** Allocated less paid: negative when overspent. */
  readonly left: Pence
  readonly illustrative: boolean
}

/** A service's monitoring for a year: money against its allocation, outputs against their targets, each with RAG. */
export interface ServiceMonitoring {
  readonly service: CommissionedService
  readonly year: string
  readonly money: ServiceMoney
  readonly spendRag: RagOrNone
  readonly outputs: readonly OutputProgress[]
  /** The worst output RAG (red over amber over green), none when no output has one. */
  readonly outputsRag: RagOrNone
}

export interface CommissioningDependencies {
  readonly database: Database
  readonly repository: ServiceRepository
  readonly audit: Pick<AuditRepository, 'append'>
  /** The year's money, computed from the budget's rows (the budget service's `yearBudget`). */
  readonly budget: { yearBudget(year: string): Promise<YearBudget> }
  readonly now?: () => Date
}

const YEAR = /^FY(\d{4})-(\d{2})$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/
const TEXT_LIMIT = 200
const NOTE_LIMIT = 2000

/** A financial year `FY2017-18` that is what it says (the second part is the year after the first). */
export function isFinancialYear(text: string): boolean {
  const m = YEAR.exec(text)
  return m !== null && (Number(m[1]) + 1) % 100 === Number(m[2])
}

function isRealDate(text: string): boolean {
  if (!DATE.test(text)) return false
  const d = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text
}

const worst = (rags: readonly RagOrNone[]): RagOrNone =>
  rags.includes('red') ? 'red' : rags.includes('amber') ? 'amber' : rags.includes('green') ? 'green' : 'none'

/**
 * The monitoring of one service for a year: its line of the year's budget (absent: no money that year) and its
 * outputs with their actuals. Pure.
 */
export function monitor(
  service: CommissionedService,
  year: string,
  money: ServiceYear | undefined,
  rows: { readonly outputs: readonly ServiceOutput[]; readonly actuals: readonly OutputActual[] },
): ServiceMonitoring {
  const line: ServiceMoney = {
    allocated: money?.allocated ?? 0,
    committed: money?.committed ?? 0,
    paid: money?.spent ?? 0,
    forecast: money?.forecastOutturn ?? 0,
    left: money?.remaining ?? 0,
    illustrative: money?.illustrative ?? false,
  }
  const outputs = rows.outputs
    .filter((o) => o.serviceId === service.id)
    .filter((o) => o.year === year)
    .map((output) => {
      const actuals = rows.actuals.filter((a) => a.outputId === output.id && a.period.startsWith(year))
      const total = actuals.reduce((sum, a) => sum + a.actual, 0)
      // The year so far: up to the latest quarter with a figure (a provider's year total recorded at Q4 counts 4).
      const quartersReported = Math.max(0, ...actuals.map((a) => Number(a.period.slice(-1))))
      return {
        output,
        actuals,
        total,
        quartersReported,
        rag: outputRag({ target: output.target, actual: total, quartersReported }),
      }
    })
  return {
    service,
    year,
    money: line,
    spendRag: spendRag({ allocated: line.allocated, paid: line.paid, forecast: line.forecast }),
    outputs,
    outputsRag: worst(outputs.map((o) => o.rag)),
  }
}

/**
 * Commissioned services: providers, services, their money and outputs, and their monitoring. Every permission is
 * checked here against the service's provider as stored: a provider's data owner (budget:view for their own agency)
 * sees only the services of providers reporting for their agency, and another's is not found (404). Every change is
 * one unit of work with its audit event.
 */
export function createCommissioning(deps: CommissioningDependencies) {
  const { database, repository, audit } = deps
  const now = deps.now ?? (() => new Date())
  const stamp = (user: CommissioningUser) => ({ updated_at: now().toISOString(), updated_by: user.email })
  const event = (
    user: CommissioningUser,
    action: string,
    entityType: string,
    entityKey: string,
    before: unknown,
    after: unknown,
  ) => ({ actor: user.email, action, entityType, entityKey, before, after })

  /** 404 to someone who may see their own agency's services only; 403 to someone who may see none. */
  function refuse(user: CommissioningUser, action: Action, agencyId: number | null): void {
    if (can(user, action, { agencyId })) return
    if (user.agencyId !== null && can(user, action, { agencyId: user.agencyId })) throw new ServiceNotFound()
    throw new PermissionDenied(action)
  }

  async function visibleService(user: CommissioningUser, reference: string): Promise<CommissionedService> {
    // Asked before the lookup, so that someone who may see no services learns nothing of which exist.
    if (!can(user, 'budget:view') && !(user.agencyId !== null && can(user, 'budget:view', { agencyId: user.agencyId })))
      throw new PermissionDenied('budget:view')
    const service = await repository.findService(reference)
    if (!service) throw new ServiceNotFound()
    refuse(user, 'budget:view', service.providerAgencyId)
    return service
  }

  async function monitoringOf(services: readonly CommissionedService[], year: string): Promise<ServiceMonitoring[]> {
    const [budget, outputs] = await Promise.all([
      deps.budget.yearBudget(year),
      repository.outputsOf(services.map((s) => s.id)),
    ])
    return services.map((s) =>
      monitor(
        s,
        year,
        budget.services.find((line) => line.service.id === s.id),
        outputs,
      ),
    )
  }

  /** The year to show when none is asked for: the latest with any money or output of these services, else today's. */
  async function defaultYear(services: readonly CommissionedService[]): Promise<string> {
    const ids = services.map((s) => s.id)
    const [money, outputs] = await Promise.all([repository.moneyOf(ids), repository.outputsOf(ids)])
    const years = [
      ...money.allocations.map((a) => a.year),
      ...money.commitments.map((c) => c.year),
      ...money.spend.map((s) => s.period.slice(0, 9)),
      ...outputs.outputs.map((o) => o.year),
    ].sort()
    return years.at(-1) ?? financialYearId(financialYearOf(now()))
  }

  /** Reads a year from a query (`FY2017-18`), or the default; anything else is not found. */
  async function yearOf(asked: string | undefined, services: readonly CommissionedService[]): Promise<string> {
    if (asked === undefined || asked === '') return defaultYear(services)
    if (!isFinancialYear(asked)) throw new ServiceNotFound()
    return asked
  }

  async function choices(): Promise<{
    providers: Provider[]
    priorities: Named[]
    streams: Named[]
    agencies: Named[]
  }> {
    const [providers, priorities, streams, agencies] = await Promise.all([
      repository.listProviders(),
      repository.listPriorities(),
      repository.listStreams(),
      repository.listAgencies(),
    ])
    return { providers, priorities, streams, agencies }
  }

  function readProvider(
    form: Readonly<Record<string, string>>,
    agencies: readonly Named[],
  ): Outcome<{
    name: string
    charity_number: string | null
    company_number: string | null
    postcode: string | null
    agency_id: number | null
  }> {
    const problems: Problem[] = []
    const name = (form.name ?? '').trim()
    if (name === '') problems.push({ field: 'name', message: 'Enter the provider’s name' })
    else if ([...name].length > TEXT_LIMIT)
      problems.push({ field: 'name', message: `The name must be ${TEXT_LIMIT} characters or fewer` })
    const optional = (
      field: string,
      check: (t: string) => { ok: true; value: string } | { ok: false; message: string },
    ) => {
      const text = (form[field] ?? '').trim()
      if (text === '') return null
      const checked = check(text)
      if (checked.ok) return checked.value
      problems.push({ field, message: checked.message })
      return null
    }
    const charity = optional('charityNumber', checkCharityNumber)
    const company = optional('companyNumber', checkCompanyNumber)
    const postcode = optional('postcode', checkPostcode)
    const agencyText = (form.agencyId ?? '').trim()
    let agencyId: number | null = null
    if (agencyText !== '') {
      const agency = agencies.find((a) => String(a.id) === agencyText)
      if (!agency) problems.push({ field: 'agencyId', message: 'Choose one of the partnership’s agencies, or none' })
      else agencyId = agency.id
    }
    if (problems.length > 0) return { ok: false, problems }
    return {
      ok: true,
      value: { name, charity_number: charity, company_number: company, postcode, agency_id: agencyId },
    }
  }

  return {
    /** Whether the person may change services, providers and their money (the pages show the forms only then). */
    mayEdit: (user: CommissioningUser): boolean => can(user, 'budget:edit'),

    /** What the forms choose from: providers, strategic priorities, funding streams, the partnership's agencies. */
    async choices(user: CommissioningUser) {
      demand(user, 'budget:edit')
      return choices()
    },

    async providers(user: CommissioningUser): Promise<Provider[]> {
      demand(user, 'budget:view')
      return repository.listProviders()
    },

    async addProvider(user: CommissioningUser, form: Readonly<Record<string, string>>): Promise<Outcome<Provider>> {
      demand(user, 'budget:edit')
      const read = readProvider(form, await repository.listAgencies())
      if (!read.ok) return read
      return inUnitOfWork(database, async (uow): Promise<Outcome<Provider>> => {
        const taken = (await repository.listProviders(uow.trx)).some(
          (p) => p.name.toLowerCase() === read.value.name.toLowerCase(),
        )
        if (taken)
          return { ok: false, problems: [{ field: 'name', message: 'There is already a provider with this name' }] }
        const id = await repository.insertProvider(uow, { ...read.value, ...stamp(user) })
        const after = (await repository.findProvider(uow.trx, id)) as Provider
        await audit.append(uow.trx, event(user, 'create', 'provider', String(id), null, after))
        return { ok: true, value: after }
      })
    },

    /** Changes a provider's name, numbers, postcode or reporting agency (who then sees and reports its services). */
    async updateProvider(
      user: CommissioningUser,
      id: number,
      form: Readonly<Record<string, string>>,
    ): Promise<Outcome<Provider>> {
      demand(user, 'budget:edit')
      const read = readProvider(form, await repository.listAgencies())
      if (!read.ok) return read
      return inUnitOfWork(database, async (uow): Promise<Outcome<Provider>> => {
        const before = await repository.findProvider(uow.trx, id)
        if (!before) throw new ServiceNotFound()
        const others = (await repository.listProviders(uow.trx)).filter((p) => p.id !== id)
        if (others.some((p) => p.name.toLowerCase() === read.value.name.toLowerCase()))
          return { ok: false, problems: [{ field: 'name', message: 'There is already a provider with this name' }] }
        await repository.updateProvider(uow, id, { ...read.value, ...stamp(user) })
        const after = (await repository.findProvider(uow.trx, id)) as Provider
        await audit.append(uow.trx, event(user, 'update', 'provider', String(id), before, after))
        return { ok: true, value: after }
      })
    },

    /** Services with their monitoring for a year: every service, or a provider's data owner's own. */
    async services(
      user: CommissioningUser,
      askedYear?: string,
    ): Promise<{ year: string; rows: ServiceMonitoring[]; ownAgencyOnly: boolean }> {
      let filter: { agencyId?: number } = {}
      if (!can(user, 'budget:view')) {
        if (user.agencyId === null || !can(user, 'budget:view', { agencyId: user.agencyId }))
          throw new PermissionDenied('budget:view')
        filter = { agencyId: user.agencyId }
      }
      const services = await repository.listServices(filter)
      const year = await yearOf(askedYear, services)
      return { year, rows: await monitoringOf(services, year), ownAgencyOnly: filter.agencyId !== undefined }
    },

    /** One service with its monitoring for a year, its payments and forecasts, and every year's outputs. */
    async service(user: CommissioningUser, reference: string, askedYear?: string) {
      const service = await visibleService(user, reference)
      const year = await yearOf(askedYear, [service])
      const [money, outputs] = await Promise.all([repository.moneyOf([service.id]), repository.outputsOf([service.id])])
      const years = [
        ...new Set([
          ...money.allocations.map((a) => a.year),
          ...money.commitments.map((c) => c.year),
          ...money.spend.map((s) => s.period.slice(0, 9)),
          ...outputs.outputs.map((o) => o.year),
          year,
        ]),
      ].sort()
      const [monitoring] = await monitoringOf([service], year)
      return {
        monitoring: monitoring as ServiceMonitoring,
        spend: money.spend.filter((s) => s.period.startsWith(year)),
        years,
        canEdit: can(user, 'budget:edit'),
      }
    },

    async addService(
      user: CommissioningUser,
      form: Readonly<Record<string, string>>,
    ): Promise<Outcome<CommissionedService>> {
      demand(user, 'budget:edit')
      const { providers, priorities, streams } = await choices()
      const problems: Problem[] = []
      const text = (f: string) => (form[f] ?? '').trim()
      const reference = text('reference')
      if (!REFERENCE.test(reference))
        problems.push({
          field: 'reference',
          message:
            'Enter a reference of up to 40 letters, digits, dots, dashes or underscores (for example SWP-2018-04)',
        })
      const title = text('title')
      if (title === '') problems.push({ field: 'title', message: 'Enter the service’s title' })
      else if ([...title].length > TEXT_LIMIT)
        problems.push({ field: 'title', message: `The title must be ${TEXT_LIMIT} characters or fewer` })
      const provider = providers.find((p) => String(p.id) === text('providerId'))
      if (!provider) problems.push({ field: 'providerId', message: 'Choose the provider' })
      const pick = (field: string, list: readonly Named[], label: string): number | null => {
        if (text(field) === '') return null
        const found = list.find((x) => String(x.id) === text(field))
        if (!found) problems.push({ field, message: `Choose a ${label} from the list, or none` })
        return found?.id ?? null
      }
      const priorityId = pick('priorityId', priorities, 'strategic priority')
      const streamId = pick('streamId', streams, 'funding stream')
      const agreement = text('agreement')
      if (agreement !== 'grant' && agreement !== 'contract')
        problems.push({ field: 'agreement', message: 'Choose whether it is a grant or a contract' })
      const date = (field: string, label: string): string | null => {
        const t = text(field)
        if (t === '') return null
        if (!isRealDate(t))
          problems.push({ field, message: `Enter the ${label} as a real date, for example 2018-04-01` })
        return isRealDate(t) ? t : null
      }
      const start = date('startDate', 'start date')
      const end = date('endDate', 'end date')
      if (start !== null && end !== null && start > end)
        problems.push({ field: 'endDate', message: 'The end date must be the same as or after the start date' })
      const status = text('status') || 'planned'
      if (!(SERVICE_STATUSES as readonly string[]).includes(status))
        problems.push({ field: 'status', message: 'Choose the service’s status' })
      const description = text('description')
      if ([...description].length > NOTE_LIMIT)
        problems.push({ field: 'description', message: `The description must be ${NOTE_LIMIT} characters or fewer` })
      if (problems.length > 0 || !provider) return { ok: false, problems }
      return inUnitOfWork(database, async (uow): Promise<Outcome<CommissionedService>> => {
        if (await repository.findService(reference, uow.trx))
          return { ok: false, problems: [{ field: 'reference', message: 'Another service has this reference' }] }
        const id = await repository.insertService(uow, {
          reference,
          title,
          description: description === '' ? null : description,
          provider_id: provider.id,
          strategic_priority_id: priorityId,
          funding_stream_id: streamId,
          agreement: agreement as ServiceAgreement,
          start_date: start,
          end_date: end,
          status: status as ServiceStatus,
          ...stamp(user),
        })
        const after = (await repository.findServiceById(uow.trx, id)) as CommissionedService
        await audit.append(uow.trx, event(user, 'create', 'commissioned-service', reference, null, after))
        return { ok: true, value: after }
      })
    },

    /** Moves a service to another status, if the table of transitions (service-status.ts) allows it. */
    async changeStatus(user: CommissioningUser, reference: string, to: string): Promise<Outcome<CommissionedService>> {
      demand(user, 'budget:edit')
      if (!(SERVICE_STATUSES as readonly string[]).includes(to))
        return { ok: false, problems: [{ field: 'status', message: 'Choose the service’s new status' }] }
      return inUnitOfWork(database, async (uow): Promise<Outcome<CommissionedService>> => {
        const before = await repository.findService(reference, uow.trx)
        if (!before) throw new ServiceNotFound()
        const step = serviceTransition(before.status, to as ServiceStatus)
        if (!step.allowed) return { ok: false, problems: [{ field: 'status', message: step.message }] }
        await repository.setServiceStatus(uow, before.id, to as ServiceStatus, stamp(user))
        const after = (await repository.findServiceById(uow.trx, before.id)) as CommissionedService
        await audit.append(uow.trx, event(user, 'update', 'commissioned-service', reference, before, after))
        return { ok: true, value: after }
      })
    },

    /** The amount awarded to the service for a year (replacing the year's figure). */
    async setCommitment(
      user: CommissioningUser,
      reference: string,
      form: Readonly<Record<string, string>>,
    ): Promise<Outcome<Pence>> {
      demand(user, 'budget:edit')
      const problems: Problem[] = []
      const year = (form.year ?? '').trim()
      if (!isFinancialYear(year))
        problems.push({ field: 'commitmentYear', message: 'Enter the financial year, for example FY2018-19' })
      const amount = parseMoney(form.amount ?? '')
      if (!amount.ok) problems.push({ field: 'commitmentAmount', message: `The amount awarded ${amount.message}` })
      if (problems.length > 0 || !amount.ok) return { ok: false, problems }
      return inUnitOfWork(database, async (uow): Promise<Outcome<Pence>> => {
        const service = await repository.findService(reference, uow.trx)
        if (!service) throw new ServiceNotFound()
        const before = await repository.putCommitment(uow, {
          service_id: service.id,
          year,
          amount_pence: amount.pence,
          illustrative: 0,
          ...stamp(user),
        })
        await audit.append(
          uow.trx,
          event(
            user,
            before === null ? 'create' : 'update',
            'service-commitment',
            `${reference}/${year}`,
            before === null ? null : { amountPence: before },
            { amountPence: amount.pence },
          ),
        )
        return { ok: true, value: amount.pence }
      })
    },

    /** A payment (an instalment: actual) or a forecast for a quarter, from the service's funding stream. */
    async recordSpend(
      user: CommissioningUser,
      reference: string,
      form: Readonly<Record<string, string>>,
    ): Promise<Outcome<Pence>> {
      demand(user, 'budget:edit')
      const problems: Problem[] = []
      const period = (form.period ?? '').trim()
      const quarter = parsePeriod(period)
      if (!quarter || quarter.kind !== 'quarter' || quarter.id !== period)
        problems.push({ field: 'spendPeriod', message: 'Enter the quarter, for example FY2018-19-Q2' })
      const kind = (form.kind ?? '').trim()
      if (kind !== 'actual' && kind !== 'forecast')
        problems.push({ field: 'spendKind', message: 'Choose whether this is a payment made or a forecast' })
      const amount = parseMoney(form.amount ?? '')
      if (!amount.ok) problems.push({ field: 'spendAmount', message: `The amount ${amount.message}` })
      const paidOn = (form.paidOn ?? '').trim()
      if (paidOn !== '' && !isRealDate(paidOn))
        problems.push({ field: 'spendPaidOn', message: 'Enter the date paid as a real date, for example 2018-07-15' })
      const note = (form.note ?? '').trim()
      if ([...note].length > NOTE_LIMIT)
        problems.push({ field: 'spendNote', message: `The note must be ${NOTE_LIMIT} characters or fewer` })
      if (problems.length > 0 || !amount.ok) return { ok: false, problems }
      return inUnitOfWork(database, async (uow): Promise<Outcome<Pence>> => {
        const service = await repository.findService(reference, uow.trx)
        if (!service) throw new ServiceNotFound()
        if (service.fundingStreamId === null) {
          return {
            ok: false,
            problems: [
              {
                field: 'spendAmount',
                message: 'This service has no funding stream: its spend cannot be recorded against one',
              },
            ],
          }
        }
        const row = {
          service_id: service.id,
          funding_stream_id: service.fundingStreamId,
          strategic_priority_id: service.strategicPriorityId,
          period,
          kind: kind as SpendKind,
          amount_pence: amount.pence,
          paid_on: paidOn === '' ? null : paidOn,
          note: note === '' ? null : note,
          illustrative: 0,
          ...stamp(user),
        }
        const before = await repository.putSpend(uow, row)
        await audit.append(
          uow.trx,
          event(user, before === null ? 'create' : 'update', 'spend-entry', `${reference}/${period}/${kind}`, before, {
            amountPence: row.amount_pence,
            paidOn: row.paid_on,
            note: row.note,
          }),
        )
        return { ok: true, value: amount.pence }
      })
    },

    /** An output or outcome of the service for a year, with its target (blank: none). */
    async addOutput(
      user: CommissioningUser,
      reference: string,
      form: Readonly<Record<string, string>>,
    ): Promise<Outcome<number>> {
      demand(user, 'budget:edit')
      const problems: Problem[] = []
      const kind = (form.kind ?? '').trim()
      if (kind !== 'output' && kind !== 'outcome')
        problems.push({ field: 'outputKind', message: 'Choose whether it is an output or an outcome' })
      const name = (form.name ?? '').trim()
      if (name === '' || [...name].length > TEXT_LIMIT)
        problems.push({ field: 'outputName', message: `Enter what is counted, in ${TEXT_LIMIT} characters or fewer` })
      const unit = (form.unit ?? '').trim()
      const year = (form.year ?? '').trim()
      if (!isFinancialYear(year))
        problems.push({ field: 'outputYear', message: 'Enter the financial year, for example FY2018-19' })
      const targetText = (form.target ?? '').trim().replace(/,/g, '')
      if (targetText !== '' && !/^\d{1,9}$/.test(targetText))
        problems.push({ field: 'outputTarget', message: 'Enter the target as a whole number, or leave it blank' })
      if (problems.length > 0) return { ok: false, problems }
      return inUnitOfWork(database, async (uow): Promise<Outcome<number>> => {
        const service = await repository.findService(reference, uow.trx)
        if (!service) throw new ServiceNotFound()
        const existing = await repository.outputsOf([service.id], uow.trx)
        if (existing.outputs.some((o) => o.year === year && o.name.toLowerCase() === name.toLowerCase()))
          return {
            ok: false,
            problems: [{ field: 'outputName', message: `The service already has “${name}” for ${year}` }],
          }
        const row = {
          service_id: service.id,
          kind: kind as OutputKind,
          name,
          unit: unit === '' ? null : unit,
          year,
          target: targetText === '' ? null : Number(targetText),
          ...stamp(user),
        }
        const id = await repository.insertOutput(uow, row)
        await audit.append(
          uow.trx,
          event(user, 'create', 'service-output', `${reference}/${id}`, null, await repository.findOutput(uow, id)),
        )
        return { ok: true, value: id }
      })
    },

    /** An output's actual for a quarter, typed by the analyst (a provider's come through its quarterly return). */
    async recordActual(
      user: CommissioningUser,
      reference: string,
      form: Readonly<Record<string, string>>,
    ): Promise<Outcome<number>> {
      demand(user, 'budget:edit')
      const problems: Problem[] = []
      const period = (form.period ?? '').trim()
      const quarter = parsePeriod(period)
      if (!quarter || quarter.kind !== 'quarter' || quarter.id !== period)
        problems.push({ field: 'actualPeriod', message: 'Enter the quarter, for example FY2018-19-Q2' })
      const actualText = (form.actual ?? '').trim().replace(/,/g, '')
      if (!/^\d{1,9}$/.test(actualText))
        problems.push({ field: 'actualValue', message: 'Enter the actual as a whole number' })
      const note = (form.note ?? '').trim()
      if ([...note].length > NOTE_LIMIT)
        problems.push({ field: 'actualNote', message: `The note must be ${NOTE_LIMIT} characters or fewer` })
      const outputId = Number(form.outputId)
      if (problems.length > 0) return { ok: false, problems }
      return inUnitOfWork(database, async (uow): Promise<Outcome<number>> => {
        const service = await repository.findService(reference, uow.trx)
        if (!service) throw new ServiceNotFound()
        const output = Number.isSafeInteger(outputId) ? await repository.findOutput(uow, outputId) : null
        if (!output || output.serviceId !== service.id)
          return { ok: false, problems: [{ field: 'actualOutput', message: 'Choose one of the service’s outputs' }] }
        if (!period.startsWith(output.year))
          return {
            ok: false,
            problems: [
              {
                field: 'actualPeriod',
                message: `“${output.name}” is for ${output.year}: enter a quarter of that year`,
              },
            ],
          }
        const row = {
          output_id: output.id,
          period,
          actual: Number(actualText),
          note: note === '' ? null : note,
          return_id: null,
          ...stamp(user),
        }
        const before = await repository.putActual(uow, row)
        await audit.append(
          uow.trx,
          event(
            user,
            before === null ? 'create' : 'update',
            'service-output-actual',
            `${reference}/${output.id}/${period}`,
            before,
            {
              actual: row.actual,
              note: row.note,
              returnId: null,
            },
          ),
        )
        return { ok: true, value: row.actual }
      })
    },
  }
}

export type Commissioning = ReturnType<typeof createCommissioning>
