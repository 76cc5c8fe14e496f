import type { Database } from '../db/database.ts'
import type { BudgetRows } from '../domain/budget.ts'

/**
 * The partnership's money rows as `computeYearBudget` (src/domain/budget.ts) takes them, read through its scoped
 * handle. A stand-in, kept small on purpose: the budget feature's own read (`budget.yearBudget(year)` and the rows
 * behind it, issue 10 item 4) is the one the application should use, and replaces this function where Appendix A is
 * put together (src/composition-root.ts) once both are on main. Nothing here computes: it only reads.
 */
export async function readBudgetRows(database: Database): Promise<BudgetRows> {
  const { db } = database
  const [streams, priorities, services, awards, carryForwards, allocations, commitments, spend] = await Promise.all([
    db.selectFrom('funding_streams').select(['id', 'name', 'funder']).orderBy('id').execute(),
    db
      .selectFrom('strategic_priorities')
      .select(['id', 'name', 'position'])
      .orderBy('position')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('commissioned_services')
      .select(['id', 'reference', 'title', 'strategic_priority_id', 'funding_stream_id'])
      .orderBy('reference')
      .execute(),
    db
      .selectFrom('funding_awards')
      .select(['funding_stream_id', 'year', 'awarded_pence', 'received_pence', 'illustrative'])
      .orderBy('id')
      .execute(),
    db
      .selectFrom('carry_forwards')
      .select(['funding_stream_id', 'into_year', 'amount_pence', 'illustrative'])
      .orderBy('id')
      .execute(),
    db
      .selectFrom('budget_allocations')
      .select(['funding_stream_id', 'year', 'strategic_priority_id', 'service_id', 'amount_pence', 'illustrative'])
      .orderBy('id')
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
      .orderBy('id')
      .execute(),
  ])
  return {
    streams: streams.map((s) => ({ id: s.id, name: s.name, funder: s.funder })),
    priorities: priorities.map((p) => ({ id: p.id, name: p.name, position: p.position })),
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
      illustrative: a.illustrative === 1,
    })),
    carryForwards: carryForwards.map((c) => ({
      streamId: c.funding_stream_id,
      intoYear: c.into_year,
      amountPence: Number(c.amount_pence),
      illustrative: c.illustrative === 1,
    })),
    allocations: allocations.map((a) => ({
      streamId: a.funding_stream_id,
      year: a.year,
      priorityId: a.strategic_priority_id,
      serviceId: a.service_id,
      amountPence: Number(a.amount_pence),
      illustrative: a.illustrative === 1,
    })),
    commitments: commitments.map((c) => ({
      serviceId: c.service_id,
      year: c.year,
      amountPence: Number(c.amount_pence),
      illustrative: c.illustrative === 1,
    })),
    spend: spend.map((s) => ({
      streamId: s.funding_stream_id,
      period: s.period,
      kind: s.kind,
      priorityId: s.strategic_priority_id,
      serviceId: s.service_id,
      amountPence: Number(s.amount_pence),
      illustrative: s.illustrative === 1,
    })),
  }
}
