import type { Kysely } from 'kysely'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import type { BudgetRows } from '../domain/budget.ts'
import type { SpendKind } from './funding-tables.ts'

/**
 * The partnership's money rows, read and written: the only place that holds the budget's SQL. Built over the
 * partnership's scoped handle (src/db/partnership-scope.ts), so every query is that partnership's. Writes take the
 * service's unit of work and never open a transaction; reads outside one use the handle itself.
 */

export interface FundingStreamRecord {
  readonly id: number
  readonly funder: string
  readonly name: string
  readonly purpose: string | null
  readonly firstYear: string
  readonly lastYear: string
  readonly conditions: string | null
  readonly funderReference: string | null
}

export type FundingStreamFields = Omit<FundingStreamRecord, 'id'>

export interface AwardRecord {
  readonly streamId: number
  readonly year: string
  readonly awardedPence: number
  readonly receivedPence: number
  readonly illustrative: boolean
}

export interface CarryForwardRecord {
  readonly streamId: number
  readonly intoYear: string
  readonly amountPence: number
  readonly illustrative: boolean
}

export interface AllocationRecord {
  readonly id: number
  readonly streamId: number
  readonly year: string
  readonly priorityId: number | null
  readonly serviceId: number | null
  readonly amountPence: number
  readonly note: string | null
  readonly illustrative: boolean
}

export type AllocationFields = Omit<AllocationRecord, 'id'>

export interface SpendRecord {
  readonly id: number
  readonly streamId: number
  readonly period: string
  readonly kind: SpendKind
  readonly priorityId: number | null
  readonly serviceId: number | null
  readonly amountPence: number
  readonly illustrative: boolean
}

export type SpendFields = Omit<SpendRecord, 'id'>

/** Who wrote a row, and when (every money table carries both; the audit trail holds the history). */
export interface Stamp {
  readonly actor: string
  readonly at: string
}

const flag = (value: number) => value === 1

export function createBudgetRepository(database: Database) {
  const db = (uow?: UnitOfWork): Kysely<DatabaseSchema> => uow?.trx ?? database.db

  return {
    /**
     * Everything the budget's computation needs (src/domain/budget.ts), every year: eight plain queries, one a
     * table. A partnership holds tens of streams and hundreds of rows a year, so reading them all is cheaper than
     * asking per year (and lets the year list come from the same rows).
     */
    async readRows(uow?: UnitOfWork): Promise<BudgetRows> {
      const q = db(uow)
      const [streams, priorities, services, awards, carryForwards, allocations, commitments, spend] = await Promise.all(
        [
          q.selectFrom('funding_streams').select(['id', 'name', 'funder']).orderBy('name').orderBy('id').execute(),
          q
            .selectFrom('strategic_priorities')
            .select(['id', 'name', 'position'])
            .orderBy('position')
            .orderBy('id')
            .execute(),
          q
            .selectFrom('commissioned_services')
            .select(['id', 'reference', 'title', 'strategic_priority_id', 'funding_stream_id'])
            .orderBy('reference')
            .orderBy('id')
            .execute(),
          q
            .selectFrom('funding_awards')
            .select(['funding_stream_id', 'year', 'awarded_pence', 'received_pence', 'illustrative'])
            .orderBy('year')
            .orderBy('funding_stream_id')
            .execute(),
          q
            .selectFrom('carry_forwards')
            .select(['funding_stream_id', 'into_year', 'amount_pence', 'illustrative'])
            .orderBy('into_year')
            .orderBy('funding_stream_id')
            .execute(),
          q
            .selectFrom('budget_allocations')
            .select([
              'funding_stream_id',
              'year',
              'strategic_priority_id',
              'service_id',
              'amount_pence',
              'illustrative',
            ])
            .orderBy('id')
            .execute(),
          q
            .selectFrom('service_commitments')
            .select(['service_id', 'year', 'amount_pence', 'illustrative'])
            .orderBy('id')
            .execute(),
          q
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
        ],
      )
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
          awardedPence: a.awarded_pence,
          receivedPence: a.received_pence,
          illustrative: flag(a.illustrative),
        })),
        carryForwards: carryForwards.map((c) => ({
          streamId: c.funding_stream_id,
          intoYear: c.into_year,
          amountPence: c.amount_pence,
          illustrative: flag(c.illustrative),
        })),
        allocations: allocations.map((a) => ({
          streamId: a.funding_stream_id,
          year: a.year,
          priorityId: a.strategic_priority_id,
          serviceId: a.service_id,
          amountPence: a.amount_pence,
          illustrative: flag(a.illustrative),
        })),
        commitments: commitments.map((c) => ({
          serviceId: c.service_id,
          year: c.year,
          amountPence: c.amount_pence,
          illustrative: flag(c.illustrative),
        })),
        spend: spend.map((s) => ({
          streamId: s.funding_stream_id,
          period: s.period,
          kind: s.kind,
          priorityId: s.strategic_priority_id,
          serviceId: s.service_id,
          amountPence: s.amount_pence,
          illustrative: flag(s.illustrative),
        })),
      }
    },

    async listStreams(uow?: UnitOfWork): Promise<FundingStreamRecord[]> {
      const rows = await db(uow).selectFrom('funding_streams').selectAll().orderBy('name').orderBy('id').execute()
      return rows.map(toStream)
    },

    async insertStream(uow: UnitOfWork, fields: FundingStreamFields, stamp: Stamp): Promise<FundingStreamRecord> {
      const row = await uow.trx
        .insertInto('funding_streams')
        .values({ ...streamColumns(fields), updated_at: stamp.at, updated_by: stamp.actor })
        .returningAll()
        .executeTakeFirstOrThrow()
      return toStream(row)
    },

    async updateStream(uow: UnitOfWork, id: number, fields: FundingStreamFields, stamp: Stamp): Promise<void> {
      await uow.trx
        .updateTable('funding_streams')
        .set({ ...streamColumns(fields), updated_at: stamp.at, updated_by: stamp.actor })
        .where('id', '=', id)
        .execute()
    },

    async listAwards(uow?: UnitOfWork): Promise<AwardRecord[]> {
      const rows = await db(uow).selectFrom('funding_awards').selectAll().orderBy('year').execute()
      return rows.map((a) => ({
        streamId: a.funding_stream_id,
        year: a.year,
        awardedPence: a.awarded_pence,
        receivedPence: a.received_pence,
        illustrative: flag(a.illustrative),
      }))
    },

    async insertAward(uow: UnitOfWork, award: AwardRecord, stamp: Stamp): Promise<void> {
      await uow.trx
        .insertInto('funding_awards')
        .values({
          funding_stream_id: award.streamId,
          year: award.year,
          awarded_pence: award.awardedPence,
          received_pence: award.receivedPence,
          illustrative: award.illustrative ? 1 : 0,
          updated_at: stamp.at,
          updated_by: stamp.actor,
        })
        .execute()
    },

    async updateAward(uow: UnitOfWork, award: AwardRecord, stamp: Stamp): Promise<void> {
      await uow.trx
        .updateTable('funding_awards')
        .set({
          awarded_pence: award.awardedPence,
          received_pence: award.receivedPence,
          illustrative: award.illustrative ? 1 : 0,
          updated_at: stamp.at,
          updated_by: stamp.actor,
        })
        .where('funding_stream_id', '=', award.streamId)
        .where('year', '=', award.year)
        .execute()
    },

    async deleteAward(uow: UnitOfWork, streamId: number, year: string): Promise<void> {
      await uow.trx
        .deleteFrom('funding_awards')
        .where('funding_stream_id', '=', streamId)
        .where('year', '=', year)
        .execute()
    },

    async listCarryForwards(uow?: UnitOfWork): Promise<CarryForwardRecord[]> {
      const rows = await db(uow).selectFrom('carry_forwards').selectAll().orderBy('into_year').execute()
      return rows.map((c) => ({
        streamId: c.funding_stream_id,
        intoYear: c.into_year,
        amountPence: c.amount_pence,
        illustrative: flag(c.illustrative),
      }))
    },

    async insertCarryForward(uow: UnitOfWork, carry: CarryForwardRecord, stamp: Stamp): Promise<void> {
      await uow.trx
        .insertInto('carry_forwards')
        .values({
          funding_stream_id: carry.streamId,
          into_year: carry.intoYear,
          amount_pence: carry.amountPence,
          illustrative: carry.illustrative ? 1 : 0,
          updated_at: stamp.at,
          updated_by: stamp.actor,
        })
        .execute()
    },

    async updateCarryForward(uow: UnitOfWork, carry: CarryForwardRecord, stamp: Stamp): Promise<void> {
      await uow.trx
        .updateTable('carry_forwards')
        .set({
          amount_pence: carry.amountPence,
          illustrative: carry.illustrative ? 1 : 0,
          updated_at: stamp.at,
          updated_by: stamp.actor,
        })
        .where('funding_stream_id', '=', carry.streamId)
        .where('into_year', '=', carry.intoYear)
        .execute()
    },

    async deleteCarryForward(uow: UnitOfWork, streamId: number, intoYear: string): Promise<void> {
      await uow.trx
        .deleteFrom('carry_forwards')
        .where('funding_stream_id', '=', streamId)
        .where('into_year', '=', intoYear)
        .execute()
    },

    async listAllocations(uow?: UnitOfWork): Promise<AllocationRecord[]> {
      const rows = await db(uow).selectFrom('budget_allocations').selectAll().orderBy('year').orderBy('id').execute()
      return rows.map((a) => ({
        id: a.id,
        streamId: a.funding_stream_id,
        year: a.year,
        priorityId: a.strategic_priority_id,
        serviceId: a.service_id,
        amountPence: a.amount_pence,
        note: a.note,
        illustrative: flag(a.illustrative),
      }))
    },

    async insertAllocation(uow: UnitOfWork, fields: AllocationFields, stamp: Stamp): Promise<number> {
      const row = await uow.trx
        .insertInto('budget_allocations')
        .values({ ...allocationColumns(fields), updated_at: stamp.at, updated_by: stamp.actor })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    },

    async updateAllocation(uow: UnitOfWork, id: number, fields: AllocationFields, stamp: Stamp): Promise<void> {
      await uow.trx
        .updateTable('budget_allocations')
        .set({ ...allocationColumns(fields), updated_at: stamp.at, updated_by: stamp.actor })
        .where('id', '=', id)
        .execute()
    },

    async deleteAllocation(uow: UnitOfWork, id: number): Promise<void> {
      await uow.trx.deleteFrom('budget_allocations').where('id', '=', id).execute()
    },

    async listSpend(uow?: UnitOfWork): Promise<SpendRecord[]> {
      const rows = await db(uow).selectFrom('spend_entries').selectAll().orderBy('period').orderBy('id').execute()
      return rows.map((s) => ({
        id: s.id,
        streamId: s.funding_stream_id,
        period: s.period,
        kind: s.kind,
        priorityId: s.strategic_priority_id,
        serviceId: s.service_id,
        amountPence: s.amount_pence,
        illustrative: flag(s.illustrative),
      }))
    },

    async insertSpend(uow: UnitOfWork, fields: SpendFields, stamp: Stamp): Promise<number> {
      const row = await uow.trx
        .insertInto('spend_entries')
        .values({
          funding_stream_id: fields.streamId,
          period: fields.period,
          kind: fields.kind,
          strategic_priority_id: fields.priorityId,
          service_id: fields.serviceId,
          amount_pence: fields.amountPence,
          illustrative: fields.illustrative ? 1 : 0,
          updated_at: stamp.at,
          updated_by: stamp.actor,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    },

    async updateSpend(uow: UnitOfWork, id: number, amountPence: number, illustrative: boolean, stamp: Stamp) {
      await uow.trx
        .updateTable('spend_entries')
        .set({
          amount_pence: amountPence,
          illustrative: illustrative ? 1 : 0,
          updated_at: stamp.at,
          updated_by: stamp.actor,
        })
        .where('id', '=', id)
        .execute()
    },

    async deleteSpend(uow: UnitOfWork, id: number): Promise<void> {
      await uow.trx.deleteFrom('spend_entries').where('id', '=', id).execute()
    },
  }
}

export type BudgetRepository = ReturnType<typeof createBudgetRepository>

function toStream(row: {
  id: number
  funder: string
  name: string
  purpose: string | null
  first_year: string
  last_year: string
  conditions: string | null
  funder_reference: string | null
}): FundingStreamRecord {
  return {
    id: row.id,
    funder: row.funder,
    name: row.name,
    purpose: row.purpose,
    firstYear: row.first_year,
    lastYear: row.last_year,
    conditions: row.conditions,
    funderReference: row.funder_reference,
  }
}

function streamColumns(fields: FundingStreamFields) {
  return {
    funder: fields.funder,
    name: fields.name,
    purpose: fields.purpose,
    first_year: fields.firstYear,
    last_year: fields.lastYear,
    conditions: fields.conditions,
    funder_reference: fields.funderReference,
  }
}

function allocationColumns(fields: AllocationFields) {
  return {
    funding_stream_id: fields.streamId,
    year: fields.year,
    strategic_priority_id: fields.priorityId,
    service_id: fields.serviceId,
    amount_pence: fields.amountPence,
    note: fields.note,
    illustrative: fields.illustrative ? 1 : 0,
  }
}
