import type { Kysely } from 'kysely'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import type { Pence } from '../domain/money.ts'
import type { OutputKind, ServiceAgreement, ServiceStatus, SpendKind } from './funding-tables.ts'
import { listPartnershipAgencies } from '../db/partnership-agencies.ts'

/**
 * The rows of commissioned services: providers, services, what each was awarded and paid, its outputs and their
 * actuals, and a quarterly return's draft output figures. The only code of the services feature that writes SQL.
 * Reads take the partnership's handle; writes take the unit of work their service opened and never open one.
 */

export interface Provider {
  readonly id: number
  readonly name: string
  readonly charityNumber: string | null
  readonly companyNumber: string | null
  readonly postcode: string | null
  readonly agencyId: number | null
  readonly agencyName: string | null
}

export interface CommissionedService {
  readonly id: number
  readonly reference: string
  readonly title: string
  readonly description: string | null
  readonly providerId: number
  readonly providerName: string
  /** The provider's agency: its data owners report the service's outputs and see it. */
  readonly providerAgencyId: number | null
  readonly strategicPriorityId: number | null
  readonly priorityName: string | null
  readonly fundingStreamId: number | null
  readonly streamName: string | null
  readonly agreement: ServiceAgreement
  readonly startDate: string | null
  readonly endDate: string | null
  readonly status: ServiceStatus
}

export interface MoneyRow {
  readonly serviceId: number
  readonly year: string
  readonly amountPence: Pence
  readonly illustrative: boolean
}

export interface SpendRow {
  readonly id: number
  readonly serviceId: number
  readonly fundingStreamId: number
  readonly period: string
  readonly kind: SpendKind
  readonly amountPence: Pence
  readonly paidOn: string | null
  readonly note: string | null
  readonly illustrative: boolean
}

export interface ServiceOutput {
  readonly id: number
  readonly serviceId: number
  readonly kind: OutputKind
  readonly name: string
  readonly unit: string | null
  readonly year: string
  readonly target: number | null
  readonly position: number
}

export interface OutputActual {
  readonly id: number
  readonly outputId: number
  readonly period: string
  readonly actual: number
  readonly note: string | null
  readonly returnId: number | null
}

export interface DraftOutputItem {
  readonly outputId: number
  readonly actual: number | null
  readonly note: string | null
}

export interface Named {
  readonly id: number
  readonly name: string
}

type Executor = Kysely<DatabaseSchema>

function servicesQuery(db: Executor) {
  return db
    .selectFrom('commissioned_services as s')
    .innerJoin('providers as p', 'p.id', 's.provider_id')
    .leftJoin('strategic_priorities as sp', 'sp.id', 's.strategic_priority_id')
    .leftJoin('funding_streams as fs', 'fs.id', 's.funding_stream_id')
    .select([
      's.id',
      's.reference',
      's.title',
      's.description',
      's.provider_id',
      'p.name as provider_name',
      'p.agency_id as provider_agency_id',
      's.strategic_priority_id',
      'sp.name as priority_name',
      's.funding_stream_id',
      'fs.name as stream_name',
      's.agreement',
      's.start_date',
      's.end_date',
      's.status',
    ])
}

type ServiceRow = Awaited<ReturnType<ReturnType<typeof servicesQuery>['executeTakeFirstOrThrow']>>

const toService = (r: ServiceRow): CommissionedService => ({
  id: r.id,
  reference: r.reference,
  title: r.title,
  description: r.description,
  providerId: r.provider_id,
  providerName: r.provider_name,
  providerAgencyId: r.provider_agency_id,
  strategicPriorityId: r.strategic_priority_id,
  priorityName: r.priority_name,
  fundingStreamId: r.funding_stream_id,
  streamName: r.stream_name,
  agreement: r.agreement,
  startDate: r.start_date,
  endDate: r.end_date,
  status: r.status,
})

export function createServiceRepository(database: Database) {
  const db = database.db

  async function listProviders(executor: Executor = db): Promise<Provider[]> {
    const rows = await executor
      .selectFrom('providers as p')
      .leftJoin('agencies as a', 'a.id', 'p.agency_id')
      .select([
        'p.id',
        'p.name',
        'p.charity_number',
        'p.company_number',
        'p.postcode',
        'p.agency_id',
        'a.name as agency_name',
      ])
      .orderBy('p.name')
      .execute()
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      charityNumber: r.charity_number,
      companyNumber: r.company_number,
      postcode: r.postcode,
      agencyId: r.agency_id,
      agencyName: r.agency_name,
    }))
  }

  return {
    listProviders: (executor: Executor = db) => listProviders(executor),

    async findProvider(executor: Executor, id: number): Promise<Provider | null> {
      return (await listProviders(executor)).find((p) => p.id === id) ?? null
    },

    /** Every service, or only those of providers reporting for `agencyId` (a provider's data owner). */
    async listServices(filter: { readonly agencyId?: number } = {}): Promise<CommissionedService[]> {
      let query = servicesQuery(db).orderBy('s.reference')
      if (filter.agencyId !== undefined) query = query.where('p.agency_id', '=', filter.agencyId)
      return (await query.execute()).map(toService)
    },

    async findService(reference: string, executor: Executor = db): Promise<CommissionedService | null> {
      const row = await servicesQuery(executor).where('s.reference', '=', reference).executeTakeFirst()
      return row ? toService(row) : null
    },

    async findServiceById(executor: Executor, id: number): Promise<CommissionedService | null> {
      const row = await servicesQuery(executor).where('s.id', '=', id).executeTakeFirst()
      return row ? toService(row) : null
    },

    /** The budget's allocations, commitments and spend of the given services (all years). */
    async moneyOf(serviceIds: readonly number[]): Promise<{
      allocations: MoneyRow[]
      commitments: MoneyRow[]
      spend: SpendRow[]
    }> {
      if (serviceIds.length === 0) return { allocations: [], commitments: [], spend: [] }
      const [allocations, commitments, spend] = await Promise.all([
        db
          .selectFrom('budget_allocations')
          .select(['service_id', 'year', 'amount_pence', 'illustrative'])
          .where('service_id', 'in', serviceIds)
          .execute(),
        db
          .selectFrom('service_commitments')
          .select(['service_id', 'year', 'amount_pence', 'illustrative'])
          .where('service_id', 'in', serviceIds)
          .execute(),
        db
          .selectFrom('spend_entries')
          .selectAll()
          .where('service_id', 'in', serviceIds)
          .orderBy('period')
          .orderBy('kind')
          .orderBy('id')
          .execute(),
      ])
      const money = (r: { service_id: number | null; year: string; amount_pence: number; illustrative: number }) => ({
        serviceId: r.service_id as number,
        year: r.year,
        amountPence: Number(r.amount_pence),
        illustrative: r.illustrative === 1,
      })
      return {
        allocations: allocations.map(money),
        commitments: commitments.map(money),
        spend: spend.map((s) => ({
          id: s.id,
          serviceId: s.service_id as number,
          fundingStreamId: s.funding_stream_id,
          period: s.period,
          kind: s.kind,
          amountPence: Number(s.amount_pence),
          paidOn: s.paid_on,
          note: s.note,
          illustrative: s.illustrative === 1,
        })),
      }
    },

    async outputsOf(
      serviceIds: readonly number[],
      executor: Executor = db,
    ): Promise<{ outputs: ServiceOutput[]; actuals: OutputActual[] }> {
      if (serviceIds.length === 0) return { outputs: [], actuals: [] }
      const outputs = await executor
        .selectFrom('service_outputs')
        .selectAll()
        .where('service_id', 'in', serviceIds)
        .orderBy('year')
        .orderBy('position')
        .execute()
      const ids = outputs.map((o) => o.id)
      const actuals =
        ids.length === 0
          ? []
          : await executor
              .selectFrom('service_output_actuals')
              .selectAll()
              .where('output_id', 'in', ids)
              .orderBy('period')
              .execute()
      return {
        outputs: outputs.map((o) => ({
          id: o.id,
          serviceId: o.service_id,
          kind: o.kind,
          name: o.name,
          unit: o.unit,
          year: o.year,
          target: o.target,
          position: o.position,
        })),
        actuals: actuals.map((a) => ({
          id: a.id,
          outputId: a.output_id,
          period: a.period,
          actual: a.actual,
          note: a.note,
          returnId: a.return_id,
        })),
      }
    },

    /** The partnership's agencies (those linked to it), for choosing the agency that reports for a provider. */
    listAgencies: (): Promise<Named[]> => listPartnershipAgencies(database),

    listPriorities: (): Promise<Named[]> =>
      db.selectFrom('strategic_priorities').select(['id', 'name']).orderBy('position').orderBy('id').execute(),

    listStreams: (): Promise<Named[]> =>
      db.selectFrom('funding_streams').select(['id', 'name']).orderBy('name').execute(),

    // ---- Writes: each inside the caller's unit of work -----------------------------------------------------

    async insertProvider(
      uow: UnitOfWork,
      row: {
        name: string
        charity_number: string | null
        company_number: string | null
        postcode: string | null
        agency_id: number | null
        updated_at: string
        updated_by: string
      },
    ): Promise<number> {
      const inserted = await uow.trx
        .insertInto('providers')
        .values({ ...row, website: null })
        .returning('id')
        .executeTakeFirstOrThrow()
      return inserted.id
    },

    async updateProvider(
      uow: UnitOfWork,
      id: number,
      row: {
        name: string
        charity_number: string | null
        company_number: string | null
        postcode: string | null
        agency_id: number | null
        updated_at: string
        updated_by: string
      },
    ): Promise<void> {
      await uow.trx.updateTable('providers').set(row).where('id', '=', id).execute()
    },

    async insertService(
      uow: UnitOfWork,
      row: {
        reference: string
        title: string
        description: string | null
        provider_id: number
        strategic_priority_id: number | null
        funding_stream_id: number | null
        agreement: ServiceAgreement
        start_date: string | null
        end_date: string | null
        status: ServiceStatus
        updated_at: string
        updated_by: string
      },
    ): Promise<number> {
      const inserted = await uow.trx
        .insertInto('commissioned_services')
        .values(row)
        .returning('id')
        .executeTakeFirstOrThrow()
      return inserted.id
    },

    async setServiceStatus(
      uow: UnitOfWork,
      id: number,
      status: ServiceStatus,
      stamp: { updated_at: string; updated_by: string },
    ): Promise<void> {
      await uow.trx
        .updateTable('commissioned_services')
        .set({ status, ...stamp })
        .where('id', '=', id)
        .execute()
    },

    /** A service's commitment for a year: replaces the year's figure (one a year). Returns the one replaced. */
    async putCommitment(
      uow: UnitOfWork,
      row: {
        service_id: number
        year: string
        amount_pence: number
        illustrative: number
        updated_at: string
        updated_by: string
      },
    ): Promise<number | null> {
      const before = await uow.trx
        .selectFrom('service_commitments')
        .select(['id', 'amount_pence'])
        .where('service_id', '=', row.service_id)
        .where('year', '=', row.year)
        .executeTakeFirst()
      if (before) {
        await uow.trx
          .updateTable('service_commitments')
          .set({
            amount_pence: row.amount_pence,
            illustrative: row.illustrative,
            updated_at: row.updated_at,
            updated_by: row.updated_by,
          })
          .where('id', '=', before.id)
          .execute()
        return Number(before.amount_pence)
      }
      await uow.trx
        .insertInto('service_commitments')
        .values({ ...row, committed_on: null })
        .execute()
      return null
    },

    /**
     * A payment (actual) or forecast for a quarter from a stream: replaces the quarter's figure of that kind for the
     * service and stream (the table holds one of each; the audit trail keeps the one replaced). Returns it.
     */
    async putSpend(
      uow: UnitOfWork,
      row: {
        service_id: number
        funding_stream_id: number
        strategic_priority_id: number | null
        period: string
        kind: SpendKind
        amount_pence: number
        paid_on: string | null
        note: string | null
        illustrative: number
        updated_at: string
        updated_by: string
      },
    ): Promise<{ amountPence: number; paidOn: string | null; note: string | null } | null> {
      const before = await uow.trx
        .selectFrom('spend_entries')
        .select(['id', 'amount_pence', 'paid_on', 'note'])
        .where('service_id', '=', row.service_id)
        .where('funding_stream_id', '=', row.funding_stream_id)
        .where('period', '=', row.period)
        .where('kind', '=', row.kind)
        .executeTakeFirst()
      if (before) {
        await uow.trx
          .updateTable('spend_entries')
          .set({
            amount_pence: row.amount_pence,
            paid_on: row.paid_on,
            note: row.note,
            illustrative: row.illustrative,
            updated_at: row.updated_at,
            updated_by: row.updated_by,
          })
          .where('id', '=', before.id)
          .execute()
        return { amountPence: Number(before.amount_pence), paidOn: before.paid_on, note: before.note }
      }
      await uow.trx.insertInto('spend_entries').values(row).execute()
      return null
    },

    async insertOutput(
      uow: UnitOfWork,
      row: {
        service_id: number
        kind: OutputKind
        name: string
        unit: string | null
        year: string
        target: number | null
        updated_at: string
        updated_by: string
      },
    ): Promise<number> {
      const last = await uow.trx
        .selectFrom('service_outputs')
        .select((eb) => eb.fn.max('position').as('position'))
        .where('service_id', '=', row.service_id)
        .executeTakeFirst()
      const inserted = await uow.trx
        .insertInto('service_outputs')
        .values({ ...row, position: Number(last?.position ?? 0) + 1 })
        .returning('id')
        .executeTakeFirstOrThrow()
      return inserted.id
    },

    async findOutput(uow: UnitOfWork, id: number): Promise<ServiceOutput | null> {
      const o = await uow.trx.selectFrom('service_outputs').selectAll().where('id', '=', id).executeTakeFirst()
      return o
        ? {
            id: o.id,
            serviceId: o.service_id,
            kind: o.kind,
            name: o.name,
            unit: o.unit,
            year: o.year,
            target: o.target,
            position: o.position,
          }
        : null
    },

    /** The output's actual for a quarter: replaced when there is one. Returns the one replaced. */
    async putActual(
      uow: UnitOfWork,
      row: {
        output_id: number
        period: string
        actual: number
        note: string | null
        return_id: number | null
        updated_at: string
        updated_by: string
      },
    ): Promise<{ actual: number; note: string | null; returnId: number | null } | null> {
      const before = await uow.trx
        .selectFrom('service_output_actuals')
        .select(['id', 'actual', 'note', 'return_id'])
        .where('output_id', '=', row.output_id)
        .where('period', '=', row.period)
        .executeTakeFirst()
      if (before) {
        await uow.trx
          .updateTable('service_output_actuals')
          .set({
            actual: row.actual,
            note: row.note,
            return_id: row.return_id,
            updated_at: row.updated_at,
            updated_by: row.updated_by,
          })
          .where('id', '=', before.id)
          .execute()
        return { actual: before.actual, note: before.note, returnId: before.return_id }
      }
      await uow.trx.insertInto('service_output_actuals').values(row).execute()
      return null
    },

    // ---- A quarterly return's draft output figures --------------------------------------------------------

    async draftsOf(returnId: number, executor: Executor = db): Promise<DraftOutputItem[]> {
      const rows = await executor
        .selectFrom('return_output_items')
        .select(['output_id', 'actual', 'note'])
        .where('return_id', '=', returnId)
        .orderBy('output_id')
        .execute()
      return rows.map((r) => ({ outputId: r.output_id, actual: r.actual, note: r.note }))
    },

    async replaceDrafts(
      uow: UnitOfWork,
      returnId: number,
      drafts: readonly DraftOutputItem[],
      stamp: { updated_at: string; updated_by: string },
    ): Promise<void> {
      await uow.trx.deleteFrom('return_output_items').where('return_id', '=', returnId).execute()
      if (drafts.length === 0) return
      await uow.trx
        .insertInto('return_output_items')
        .values(
          drafts.map((d) => ({ return_id: returnId, output_id: d.outputId, actual: d.actual, note: d.note, ...stamp })),
        )
        .execute()
    },
  }
}

export type ServiceRepository = ReturnType<typeof createServiceRepository>
