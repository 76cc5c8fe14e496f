import { inUnitOfWork } from '../audit/audited-transaction.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import type { Database } from '../db/database.ts'
import { pounds } from '../domain/money.ts'
import type { BudgetRepository, FundingStreamFields } from './budget-repository.ts'
import { allocationKey, createBudgetWrites, spendKey } from './budget-writes.ts'
import { financialYearsFrom, splitAcrossYears } from './funding-stream-years.ts'

/**
 * The demo partnership's money, from the seed report (Wolverhampton's 2017/18 annual report):
 * - the PCC grant for 2018/19: income £339,995 and the agreed carry-forward of £38,435 (Appendix A; real figures,
 *   whose sum is £378,430 although the report printed £378,390);
 * - the Home Office VAWG Service Transformation Fund, £500K over 2017-2020 (the total is the seed's; its split by
 *   year is not, so each year's award is illustrative);
 * - Comic Relief (the Girls Allowed Project) and the combined business-crime pot, which the seed names without an
 *   amount: their awards are illustrative;
 * - allocations of the PCC grant to the strategy's three priorities and their quarterly forecasts: illustrative
 *   (the seed's allocation table was an image).
 * Priorities are the plan's, found by name; when the plan is not loaded yet, allocations are left out (a later
 * `demo load` adds them). Written as `actor` through the audited writes. The streams are loaded only into a
 * partnership that has none, and the allocations only into a year that has none, so loading again never undoes
 * what someone changed since.
 */
const YEAR = 'FY2018-19'

const STREAMS: readonly (FundingStreamFields & {
  readonly awards: readonly { year: string; pence: number; illustrative: boolean }[]
})[] = [
  {
    funder: 'West Midlands Police and Crime Commissioner',
    name: 'PCC grant',
    purpose:
      'The Police and Crime Commissioner’s grant to the partnership, spent on services commissioned for its priorities',
    firstYear: YEAR,
    lastYear: YEAR,
    conditions: 'Reduced for the third year running (the seed report); the PCC is changing how funding is distributed',
    funderReference: null,
    awards: [{ year: YEAR, pence: pounds(339_995), illustrative: false }],
  },
  {
    funder: 'Home Office',
    name: 'VAWG Service Transformation Fund',
    purpose:
      'To aid, promote and embed the best local practice in tackling violence against women and girls, and make early intervention and prevention the norm',
    firstYear: 'FY2017-18',
    lastYear: 'FY2019-20',
    conditions: null,
    funderReference: null,
    // £500K over the three years is the seed's; the equal split by year is not.
    awards: splitAcrossYears(pounds(500_000), financialYearsFrom('FY2017-18', 'FY2019-20')).map((share) => ({
      ...share,
      illustrative: true,
    })),
  },
  {
    funder: 'Comic Relief',
    name: 'Comic Relief: Girls Allowed Project',
    purpose: 'Young females associated with or vulnerable to gang involvement (the Girls Allowed Project)',
    firstYear: YEAR,
    lastYear: YEAR,
    conditions: null,
    funderReference: null,
    awards: [{ year: YEAR, pence: pounds(40_000), illustrative: true }],
  },
  {
    funder: 'Wolverhampton partners (combined funding pot)',
    name: 'Business crime combined funding pot',
    purpose: 'Enables the Wolverhampton Business Crime Reduction Group to reduce business crime in the city',
    firstYear: YEAR,
    lastYear: YEAR,
    conditions: null,
    funderReference: null,
    awards: [{ year: YEAR, pence: pounds(15_000), illustrative: true }],
  },
]

/** The seed's three strategic priorities, and the illustrative share of the PCC grant each is allocated. */
const ALLOCATIONS: readonly { priority: string; pence: number }[] = [
  { priority: 'Reducing Reoffending', pence: pounds(105_000) },
  { priority: 'Reducing Victimisation', pence: pounds(125_000) },
  { priority: 'Violence Prevention', pence: pounds(140_000) },
]

export async function loadBudgetDemo(
  deps: {
    readonly database: Database
    readonly repository: BudgetRepository
    readonly audit: Pick<AuditRepository, 'append'>
    readonly now?: () => Date
  },
  actor: string,
): Promise<void> {
  const { repository } = deps
  const writes = createBudgetWrites({ repository, audit: deps.audit })
  const ctx = { actor, at: (deps.now ?? (() => new Date()))().toISOString() }
  await inUnitOfWork(deps.database, async (uow) => {
    const streams = await repository.listStreams(uow)
    const awards = await repository.listAwards(uow)
    const ids = new Map<string, number>(streams.map((s) => [s.name, s.id]))
    for (const { awards: streamAwards, ...fields } of streams.length > 0 ? [] : STREAMS) {
      const existing = streams.find((s) => s.name === fields.name) ?? null
      const { stream } = await writes.stream(uow, ctx, fields, existing)
      ids.set(stream.name, stream.id)
      for (const award of streamAwards) {
        const before = awards.find((a) => a.streamId === stream.id && a.year === award.year) ?? null
        await writes.award(
          uow,
          ctx,
          {
            streamId: stream.id,
            year: award.year,
            awardedPence: award.pence,
            receivedPence: before?.receivedPence ?? 0,
            illustrative: award.illustrative,
          },
          before,
        )
      }
    }
    const pcc = ids.get('PCC grant')
    if (pcc === undefined) return // the partnership's own streams, not the demo's
    const carries = await repository.listCarryForwards(uow)
    if (streams.length === 0)
      await writes.carryForward(
        uow,
        ctx,
        { streamId: pcc, intoYear: YEAR, amountPence: pounds(38_435), illustrative: false },
        carries.find((c) => c.streamId === pcc && c.intoYear === YEAR) ?? null,
      )

    const rows = await repository.readRows(uow)
    const allocations = await repository.listAllocations(uow)
    const spend = await repository.listSpend(uow)
    if (allocations.some((a) => a.year === YEAR)) return
    for (const share of ALLOCATIONS) {
      const priority = rows.priorities.find((p) => p.name.toLowerCase() === share.priority.toLowerCase())
      if (!priority) continue // the plan's demo is not loaded (yet): no priority to allocate to
      const fields = {
        streamId: pcc,
        year: YEAR,
        priorityId: priority.id,
        serviceId: null,
        amountPence: share.pence,
        note: null,
        illustrative: true,
      }
      await writes.allocation(
        uow,
        ctx,
        fields,
        allocations.find((a) => allocationKey(a) === allocationKey(fields)) ?? null,
      )
      // The year's forecast, a quarter at a time: the allocation spread evenly (illustrative).
      const quarters = splitAcrossYears(share.pence, ['Q1', 'Q2', 'Q3', 'Q4'])
      for (const quarter of quarters) {
        const entry = {
          streamId: pcc,
          period: `${YEAR}-${quarter.year}`,
          kind: 'forecast' as const,
          priorityId: priority.id,
          serviceId: null,
          amountPence: quarter.pence,
          illustrative: true,
        }
        await writes.spend(uow, ctx, entry, spend.find((s) => spendKey(s) === spendKey(entry)) ?? null)
      }
    }
  })
}
