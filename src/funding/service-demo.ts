import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { pounds } from '../domain/money.ts'
import { DEMO_ACTOR } from '../performance/demo.ts'
import type { OutputKind, ServiceAgreement, ServiceStatus } from './funding-tables.ts'
import { createServiceRepository } from './service-repository.ts'

/**
 * The demo partnership's commissioned services: the services the seed report (Wolverhampton's annual report,
 * 2017-18) names, from its own providers, with the outputs it says they delivered. What the seed gives is stored as
 * it gives it; the seed gives no amount per service (its Appendix A allocation table was an image), so every amount
 * here is `illustrative = 1` and every page that shows one says so.
 *
 * The seed gives each output as a total for 2017-18, not per quarter: each is recorded as the year's figure at Q4 with
 * a note saying so. Targets: only the school mentoring programme's ("rolled out in 24 targeted primary schools …
 * commenced in 14 schools") is in the seed; the others have none (no RAG).
 *
 * Money: each service gets an illustrative amount awarded for 2017-18 (a commitment), and no allocation or payment.
 * The budget's demo (budget-demo.ts) holds the PCC grant for 2018-19, allocated to the priorities (Appendix A); an
 * allocation or payment of 2017-18 from a stream with no 2017-18 income would make the budget page report money
 * allocated beyond a budget of nothing, which is not the seed's. The spend monitoring of these services therefore says
 * "No RAG"; its rule is shown working in src/funding/service-web.test.ts.
 *
 * Priorities and funding streams are the plan's and the budget's (loaded by their own demo loaders), found by name; a
 * link whose row is absent is left empty. Loaded once: nothing is written when the partnership has a provider already.
 */
interface DemoService {
  readonly reference: string
  readonly title: string
  readonly description: string
  readonly provider: string
  readonly agencyCode: string | null
  readonly priority: RegExp
  readonly stream: RegExp | null
  readonly agreement: ServiceAgreement
  readonly start: string | null
  readonly end: string | null
  readonly status: ServiceStatus
  /** Illustrative: the seed gives no amount per service. */
  readonly amountPounds: number
  readonly outputs: readonly {
    readonly kind: OutputKind
    readonly name: string
    readonly unit: string
    readonly target: number | null
    readonly actual: number | null
  }[]
}

const YEAR = 'FY2017-18'
const YEAR_TOTAL_NOTE = 'The year’s total as the 2017-18 annual report gives it (no quarterly split is given)'

const PCC = /police (and|&) crime commissioner|\bPCC\b/i

export const DEMO_SERVICES: readonly DemoService[] = Object.freeze([
  {
    reference: 'SWP-1718-YOT-CRW',
    title: 'Community Resolution Workshops',
    description:
      'Part-funded YOT staffing for brief assessment and intervention workshops for young people apprehended for low-level offending, on the cusp of entering the youth justice system.',
    provider: 'Youth Offending Team (YOT)',
    agencyCode: 'YOT',
    priority: /reoffending/i,
    stream: PCC,
    agreement: 'grant',
    start: '2017-04-01',
    end: '2018-03-31',
    status: 'ended',
    amountPounds: 25_000,
    outputs: [
      {
        kind: 'output',
        name: 'Young people with a Community Resolution or Out of Court Disposal engaged in YOT interventions',
        unit: 'young people',
        target: null,
        actual: 145,
      },
      {
        kind: 'output',
        name: 'Young people taking part in Community Resolution Workshops at The Way Youth Zone',
        unit: 'young people',
        target: null,
        actual: 175,
      },
      {
        kind: 'output',
        name: 'ONSET and AssetPlus assessments of pre-court young people',
        unit: 'assessments',
        target: null,
        actual: 70,
      },
    ],
  },
  {
    reference: 'SWP-1718-CRG-MED',
    title: 'Critical Call Out Mediation Service',
    description:
      'Deployed in response to escalating gang and youth violence tensions: support to those directly involved, their families and the community.',
    provider: 'Community Reference Group (CRG)',
    agencyCode: null,
    priority: /violence prevention/i,
    stream: PCC,
    agreement: 'contract',
    start: '2017-04-01',
    end: '2018-03-31',
    status: 'ended',
    amountPounds: 30_000,
    outputs: [],
  },
  {
    reference: 'SWP-1718-CRG-FIP',
    title: 'Family Intervention Project',
    description:
      'Delivered by the CRG in partnership with Wolverhampton Police: engaging young people and their families identified by Early Help.',
    provider: 'Community Reference Group (CRG)',
    agencyCode: null,
    priority: /violence prevention/i,
    stream: null,
    agreement: 'contract',
    start: null,
    end: null,
    status: 'live',
    amountPounds: 15_000,
    outputs: [],
  },
  {
    reference: 'SWP-1718-SMP',
    title: 'School Mentoring Programme',
    description:
      'For year 5 and 6 children in targeted primary schools in Whitmore Reans and Graiseley: trains young people as mentors, with a complementary programme for teaching staff.',
    provider: 'School mentoring provider (not named in the report)',
    agencyCode: null,
    priority: /violence prevention/i,
    stream: PCC,
    agreement: 'contract',
    start: '2017-04-01',
    end: '2018-03-31',
    status: 'ended',
    amountPounds: 12_000,
    outputs: [
      {
        kind: 'outcome',
        name: 'Targeted primary schools where the programme has started',
        unit: 'schools',
        target: 24,
        actual: 14,
      },
    ],
  },
  {
    reference: 'SWP-1718-WVBCRG',
    title: 'Business crime reduction',
    description:
      'Work with owners of small and medium enterprises to raise awareness and build resilience, with West Midlands Fire Service and West Midlands Police.',
    provider: 'Wolverhampton Business Crime Reduction Group (WvBCRG)',
    agencyCode: null,
    priority: /victimisation/i,
    stream: /business crime/i,
    agreement: 'grant',
    start: '2017-04-01',
    end: '2018-03-31',
    status: 'ended',
    amountPounds: 5_000,
    outputs: [
      {
        kind: 'output',
        name: 'Business crime reviews at locations where crime has taken place',
        unit: 'reviews',
        target: null,
        actual: 14,
      },
      { kind: 'output', name: 'Cyber crime awareness sessions', unit: 'sessions', target: null, actual: 40 },
    ],
  },
  {
    reference: 'SWP-1718-GIRLS',
    title: 'Girls Allowed Project',
    description:
      'For young females associated with or vulnerable to gang involvement: peer mentoring, outreach, group sessions, healthy relationships, sports and drama, and work with families.',
    provider: 'Girls Allowed consortium of third sector partners',
    agencyCode: null,
    priority: /violence prevention/i,
    stream: /comic relief/i,
    agreement: 'grant',
    start: null,
    end: null,
    status: 'live',
    amountPounds: 20_000,
    outputs: [],
  },
])

/**
 * Loads the demo's services into the partnership's database (its scoped handle), in one audited unit of work.
 * Returns false when it had providers already (nothing written).
 */
export async function loadDemoServices(database: Database, audit: Pick<AuditRepository, 'append'>): Promise<boolean> {
  const repository = createServiceRepository(database)
  if ((await repository.listProviders()).length > 0) return false
  const [priorities, streams, agencies] = await Promise.all([
    repository.listPriorities(),
    database.db.selectFrom('funding_streams').select(['id', 'name', 'funder']).orderBy('id').execute(),
    database.db.selectFrom('agencies').select(['id', 'code']).execute(),
  ])
  return inUnitOfWork(database, async (uow) => {
    const at = new Date().toISOString()
    const stamp = { updated_at: at, updated_by: DEMO_ACTOR }
    const record = (action: string, entityType: string, entityKey: string, after: unknown) =>
      audit.append(uow.trx, { actor: DEMO_ACTOR, action, entityType, entityKey, before: null, after })
    const providers = new Map<string, number>()
    for (const demo of DEMO_SERVICES) {
      let providerId = providers.get(demo.provider)
      if (providerId === undefined) {
        const agencyId = agencies.find((a) => a.code === demo.agencyCode)?.id ?? null
        const row = {
          name: demo.provider,
          charity_number: null,
          company_number: null,
          postcode: null,
          agency_id: agencyId,
        }
        providerId = await repository.insertProvider(uow, { ...row, ...stamp })
        providers.set(demo.provider, providerId)
        await record('create', 'provider', String(providerId), row)
      }
      const priorityId = priorities.find((p) => demo.priority.test(p.name))?.id ?? null
      const streamId =
        demo.stream === null ? null : (streams.find((s) => demo.stream?.test(`${s.name} ${s.funder}`))?.id ?? null)
      const service = {
        reference: demo.reference,
        title: demo.title,
        description: demo.description,
        provider_id: providerId,
        strategic_priority_id: priorityId,
        funding_stream_id: streamId,
        agreement: demo.agreement,
        start_date: demo.start,
        end_date: demo.end,
        status: demo.status,
      }
      const serviceId = await repository.insertService(uow, { ...service, ...stamp })
      await record('create', 'commissioned-service', demo.reference, service)
      const amount = pounds(demo.amountPounds)
      await repository.putCommitment(uow, {
        service_id: serviceId,
        year: YEAR,
        amount_pence: amount,
        illustrative: 1,
        ...stamp,
      })
      await record('create', 'service-commitment', `${demo.reference}/${YEAR}`, {
        amountPence: amount,
        illustrative: true,
      })
      for (const output of demo.outputs) {
        const row = {
          service_id: serviceId,
          kind: output.kind,
          name: output.name,
          unit: output.unit,
          year: YEAR,
          target: output.target,
        }
        const outputId = await repository.insertOutput(uow, { ...row, ...stamp })
        await record('create', 'service-output', `${demo.reference}/${outputId}`, row)
        if (output.actual !== null) {
          const actual = {
            output_id: outputId,
            period: `${YEAR}-Q4`,
            actual: output.actual,
            note: YEAR_TOTAL_NOTE,
            return_id: null,
          }
          await repository.putActual(uow, { ...actual, ...stamp })
          await record('create', 'service-output-actual', `${outputId}/${YEAR}-Q4`, actual)
        }
      }
    }
    return true
  })
}
