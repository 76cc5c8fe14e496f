import { computeYearBudget, type BudgetRows, type YearBudget } from '../domain/budget.ts'
import type { ScopedDatabase } from '../db/partnership-scope.ts'
import type { PriorityMoney } from './strategy-overview.ts'

/**
 * The budget's rows as src/domain/budget.ts takes them, read through the partnership's handle (so only its own).
 * The plan reads them to show each priority's money; the budget itself (src/funding/) owns the tables and their
 * writes. Kept here, small, so the plan does not import the funding feature's internals; when the funding feature
 * offers its own reader of these rows, this one should give way to it.
 */
export async function readBudgetRows(database: ScopedDatabase): Promise<BudgetRows> {
  const db = database.db
  const flag = (n: number) => n === 1
  const [streams, priorities, services, awards, carryForwards, allocations, commitments, spend] = await Promise.all([
    db.selectFrom('funding_streams').select(['id', 'name', 'funder']).execute(),
    db.selectFrom('strategic_priorities').select(['id', 'name', 'position']).execute(),
    db
      .selectFrom('commissioned_services')
      .select(['id', 'reference', 'title', 'strategic_priority_id', 'funding_stream_id'])
      .execute(),
    db
      .selectFrom('funding_awards')
      .select(['funding_stream_id', 'year', 'awarded_pence', 'received_pence', 'illustrative'])
      .execute(),
    db
      .selectFrom('carry_forwards')
      .select(['funding_stream_id', 'into_year', 'amount_pence', 'illustrative'])
      .execute(),
    db
      .selectFrom('budget_allocations')
      .select(['funding_stream_id', 'year', 'strategic_priority_id', 'service_id', 'amount_pence', 'illustrative'])
      .execute(),
    db.selectFrom('service_commitments').select(['service_id', 'year', 'amount_pence', 'illustrative']).execute(),
    db
      .selectFrom('spend_entries')
      .select([
        'funding_stream_id',
        'period',
        'kind',
        'strategic_priority_id',
        'service_id',
        'amount_pence',
        'illustrative',
      ])
      .execute(),
  ])
  return {
    streams,
    priorities,
    services: services.map((s) => ({
      id: s.id,
      reference: s.reference,
      title: s.title,
      priorityId: s.strategic_priority_id,
      streamId: s.funding_stream_id,
    })),
    awards: awards.map((a) => ({
      streamId: a.funding_stream_id,
      year: a.year,
      awardedPence: Number(a.awarded_pence),
      receivedPence: Number(a.received_pence),
      illustrative: flag(a.illustrative),
    })),
    carryForwards: carryForwards.map((c) => ({
      streamId: c.funding_stream_id,
      intoYear: c.into_year,
      amountPence: Number(c.amount_pence),
      illustrative: flag(c.illustrative),
    })),
    allocations: allocations.map((a) => ({
      streamId: a.funding_stream_id,
      year: a.year,
      priorityId: a.strategic_priority_id,
      serviceId: a.service_id,
      amountPence: Number(a.amount_pence),
      illustrative: flag(a.illustrative),
    })),
    commitments: commitments.map((c) => ({
      serviceId: c.service_id,
      year: c.year,
      amountPence: Number(c.amount_pence),
      illustrative: flag(c.illustrative),
    })),
    spend: spend.map((s) => ({
      streamId: s.funding_stream_id,
      period: s.period,
      kind: s.kind,
      priorityId: s.strategic_priority_id,
      serviceId: s.service_id,
      amountPence: Number(s.amount_pence),
      illustrative: flag(s.illustrative),
    })),
  }
}

/** Each priority's money in the year, from the one computation of the year's budget (never summed here). */
export function moneyByPriority(budget: YearBudget): Map<number, PriorityMoney> {
  const byPriority = new Map<number, PriorityMoney>()
  for (const p of budget.priorities) {
    if (p.priority === null) continue
    byPriority.set(p.priority.id, {
      allocatedPence: p.allocated,
      spentPence: p.spent,
      services: p.services.length,
      illustrative: p.illustrative,
    })
  }
  return byPriority
}

/** The years that hold any money: an award, a carry-forward in, an allocation, a commitment or spend. */
function yearsWithMoney(rows: BudgetRows): Set<string> {
  return new Set([
    ...rows.awards.map((a) => a.year),
    ...rows.carryForwards.map((c) => c.intoYear),
    ...rows.allocations.map((a) => a.year),
    ...rows.commitments.map((c) => c.year),
    ...rows.spend.map((s) => s.period.slice(0, 9)),
  ])
}

/**
 * A reader of a year's money per priority for the plan's pages: the rows read once per page, the budget computed by
 * src/domain/budget.ts. The year is the one asked for when it is one of the strategy's; else the current year when
 * it is one of them; else the strategy's latest year that holds any money; null when none of its years does.
 *
 * @example const money = await planMoney(scoped)(['FY2017-18', 'FY2018-19'], null, 'FY2026-27')
 */
export function planMoney(database: ScopedDatabase) {
  return async (
    years: readonly string[],
    wanted: string | null,
    current: string,
  ): Promise<{ year: string; byPriority: Map<number, PriorityMoney>; yearsWithMoney: string[] } | null> => {
    const rows = await readBudgetRows(database)
    const held = yearsWithMoney(rows)
    const withMoney = years.filter((y) => held.has(y))
    const year =
      wanted !== null && years.includes(wanted)
        ? wanted
        : years.includes(current) && held.has(current)
          ? current
          : (withMoney.at(-1) ?? null)
    if (year === null) return null
    return { year, byPriority: moneyByPriority(computeYearBudget(rows, year)), yearsWithMoney: withMoney }
  }
}
