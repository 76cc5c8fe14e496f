import type { Kysely, Selectable } from 'kysely'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { ScopedDatabase } from '../db/partnership-scope.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import type {
  ActionStatus,
  DeliveryPrioritiesTable,
  IndicatorPrioritiesTable,
  StrategicPrioritiesTable,
  StrategiesTable,
} from './plan-tables.ts'

/** Rows as stored, without the partnership (the scoped handle keeps to one partnership). */
export type StrategyRow = Omit<Selectable<StrategiesTable>, 'partnership_id'>
export type PriorityRow = Omit<Selectable<StrategicPrioritiesTable>, 'partnership_id'>
export type DeliveryPriorityRow = Omit<Selectable<DeliveryPrioritiesTable>, 'partnership_id'>
export type KpiLinkRow = Omit<Selectable<IndicatorPrioritiesTable>, 'partnership_id'>

/** What points at a strategic priority: the reason a removal is refused, named. */
export interface PriorityReferences {
  readonly kpis: readonly string[]
  readonly actions: readonly string[]
  readonly services: readonly string[]
  readonly allocations: number
  readonly spendEntries: number
}

type Executor = Kysely<DatabaseSchema>

/**
 * The strategy's rows: strategies, strategic priorities, delivery priorities and KPIs' links to them. Reads take the
 * partnership's handle by default (or a unit of work's `trx`); writes take the unit of work the service opened and
 * never open a transaction. Every query runs on the partnership's scoped handle, so it sees one partnership's rows.
 */
export function createStrategyRepository(database: ScopedDatabase) {
  const db = database.db
  const strategyColumns = [
    'id',
    'title',
    'first_year',
    'last_year',
    'status',
    'summary',
    'approved_at',
    'approved_by',
    'approved_on',
    'updated_at',
    'updated_by',
  ] as const
  const priorityColumns = [
    'id',
    'strategy_id',
    'position',
    'name',
    'description',
    'kind',
    'updated_at',
    'updated_by',
  ] as const
  const deliveryColumns = [
    'delivery_priorities.id',
    'delivery_priorities.strategic_priority_id',
    'delivery_priorities.year',
    'delivery_priorities.position',
    'delivery_priorities.name',
    'delivery_priorities.description',
    'delivery_priorities.updated_at',
    'delivery_priorities.updated_by',
  ] as const

  return {
    /** Every strategy, newest first years first. */
    listStrategies(executor: Executor = db): Promise<StrategyRow[]> {
      return executor
        .selectFrom('strategies')
        .select(strategyColumns)
        .orderBy('first_year', 'desc')
        .orderBy('id', 'desc')
        .execute()
    },

    async strategy(id: number, executor: Executor = db): Promise<StrategyRow | null> {
      return (
        (await executor.selectFrom('strategies').select(strategyColumns).where('id', '=', id).executeTakeFirst()) ??
        null
      )
    },

    /** A strategy's priorities in their order (strategic first, then statutory functions). */
    priorities(strategyId: number, executor: Executor = db): Promise<PriorityRow[]> {
      return executor
        .selectFrom('strategic_priorities')
        .select(priorityColumns)
        .where('strategy_id', '=', strategyId)
        .orderBy('position')
        .orderBy('id')
        .execute()
    },

    async priority(id: number, executor: Executor = db): Promise<PriorityRow | null> {
      return (
        (await executor
          .selectFrom('strategic_priorities')
          .select(priorityColumns)
          .where('id', '=', id)
          .executeTakeFirst()) ?? null
      )
    },

    /** Every priority of every strategy (the KPI links page names a link's strategy). */
    allPriorities(executor: Executor = db): Promise<PriorityRow[]> {
      return executor.selectFrom('strategic_priorities').select(priorityColumns).orderBy('position').execute()
    },

    /** A strategy's delivery priorities, by year and position. */
    deliveryPriorities(strategyId: number, executor: Executor = db): Promise<DeliveryPriorityRow[]> {
      return executor
        .selectFrom('delivery_priorities')
        .innerJoin('strategic_priorities', 'strategic_priorities.id', 'delivery_priorities.strategic_priority_id')
        .select(deliveryColumns)
        .where('strategic_priorities.strategy_id', '=', strategyId)
        .orderBy('delivery_priorities.year')
        .orderBy('delivery_priorities.position')
        .orderBy('delivery_priorities.id')
        .execute()
    },

    async deliveryPriority(id: number, executor: Executor = db): Promise<DeliveryPriorityRow | null> {
      return (
        (await executor
          .selectFrom('delivery_priorities')
          .select(deliveryColumns)
          .where('delivery_priorities.id', '=', id)
          .executeTakeFirst()) ?? null
      )
    },

    async insertStrategy(
      uow: UnitOfWork,
      row: Omit<StrategyRow, 'id' | 'approved_at' | 'approved_by' | 'approved_on'>,
    ): Promise<number> {
      const inserted = await uow.trx.insertInto('strategies').values(row).returning('id').executeTakeFirstOrThrow()
      return inserted.id
    },

    async updateStrategy(uow: UnitOfWork, id: number, changes: Partial<Omit<StrategyRow, 'id'>>): Promise<void> {
      await uow.trx.updateTable('strategies').set(changes).where('id', '=', id).execute()
    },

    async insertPriority(uow: UnitOfWork, row: Omit<PriorityRow, 'id'>): Promise<number> {
      const inserted = await uow.trx
        .insertInto('strategic_priorities')
        .values(row)
        .returning('id')
        .executeTakeFirstOrThrow()
      return inserted.id
    },

    async updatePriority(uow: UnitOfWork, id: number, changes: Partial<Omit<PriorityRow, 'id'>>): Promise<void> {
      await uow.trx.updateTable('strategic_priorities').set(changes).where('id', '=', id).execute()
    },

    async deletePriority(uow: UnitOfWork, id: number): Promise<void> {
      await uow.trx.deleteFrom('strategic_priorities').where('id', '=', id).execute()
    },

    async insertDeliveryPriority(uow: UnitOfWork, row: Omit<DeliveryPriorityRow, 'id'>): Promise<number> {
      const inserted = await uow.trx
        .insertInto('delivery_priorities')
        .values(row)
        .returning('id')
        .executeTakeFirstOrThrow()
      return inserted.id
    },

    async updateDeliveryPriority(
      uow: UnitOfWork,
      id: number,
      changes: Partial<Omit<DeliveryPriorityRow, 'id'>>,
    ): Promise<void> {
      await uow.trx.updateTable('delivery_priorities').set(changes).where('id', '=', id).execute()
    },

    async deleteDeliveryPriority(uow: UnitOfWork, id: number): Promise<void> {
      await uow.trx.deleteFrom('delivery_priorities').where('id', '=', id).execute()
    },

    /** What points at a priority (KPIs, actions, services, allocations, spend), named where a name exists. */
    async priorityReferences(priorityId: number, executor: Executor = db): Promise<PriorityReferences> {
      const [kpis, actions, services, allocations, spend] = await Promise.all([
        executor
          .selectFrom('indicator_priorities')
          .select('indicator_id')
          .where('strategic_priority_id', '=', priorityId)
          .orderBy('indicator_id')
          .execute(),
        executor
          .selectFrom('plan_actions')
          .select('reference')
          .where('strategic_priority_id', '=', priorityId)
          .orderBy('reference')
          .execute(),
        executor
          .selectFrom('commissioned_services')
          .select('reference')
          .where('strategic_priority_id', '=', priorityId)
          .orderBy('reference')
          .execute(),
        executor
          .selectFrom('budget_allocations')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('strategic_priority_id', '=', priorityId)
          .executeTakeFirstOrThrow(),
        executor
          .selectFrom('spend_entries')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('strategic_priority_id', '=', priorityId)
          .executeTakeFirstOrThrow(),
      ])
      return {
        kpis: kpis.map((k) => k.indicator_id),
        actions: actions.map((a) => a.reference),
        services: services.map((s) => s.reference),
        allocations: Number(allocations.n),
        spendEntries: Number(spend.n),
      }
    },

    /** Every KPI's link (one per KPI at most). */
    links(executor: Executor = db): Promise<KpiLinkRow[]> {
      return executor
        .selectFrom('indicator_priorities')
        .select(['id', 'indicator_id', 'strategic_priority_id', 'delivery_priority_id', 'updated_at', 'updated_by'])
        .orderBy('indicator_id')
        .execute()
    },

    /** A KPI's priority and strategy, in one read (the KPI page shows them). */
    async linkOfIndicator(
      indicatorId: string,
      executor: Executor = db,
    ): Promise<{ priorityName: string; strategyId: number; strategyTitle: string } | null> {
      return (
        (await executor
          .selectFrom('indicator_priorities')
          .innerJoin('strategic_priorities', 'strategic_priorities.id', 'indicator_priorities.strategic_priority_id')
          .innerJoin('strategies', 'strategies.id', 'strategic_priorities.strategy_id')
          .select([
            'strategic_priorities.name as priorityName',
            'strategies.id as strategyId',
            'strategies.title as strategyTitle',
          ])
          .where('indicator_priorities.indicator_id', '=', indicatorId)
          .executeTakeFirst()) ?? null
      )
    },

    async insertLink(uow: UnitOfWork, row: Omit<KpiLinkRow, 'id'>): Promise<void> {
      await uow.trx.insertInto('indicator_priorities').values(row).execute()
    },

    async updateLink(uow: UnitOfWork, indicatorId: string, changes: Partial<Omit<KpiLinkRow, 'id'>>): Promise<void> {
      await uow.trx.updateTable('indicator_priorities').set(changes).where('indicator_id', '=', indicatorId).execute()
    },

    async deleteLink(uow: UnitOfWork, indicatorId: string): Promise<void> {
      await uow.trx.deleteFrom('indicator_priorities').where('indicator_id', '=', indicatorId).execute()
    },

    /** The partnership's KPIs with the free text the framework gave them (never changed here). */
    indicators(executor: Executor = db) {
      return executor
        .selectFrom('indicators')
        .select(['id', 'name', 'priority', 'theme', 'position'])
        .orderBy('position')
        .orderBy('id')
        .execute()
    },

    /** The services commissioned for each priority of a strategy (any status), by reference. */
    async servicesFor(
      strategyId: number,
      executor: Executor = db,
    ): Promise<{ priorityId: number; reference: string; title: string; status: string }[]> {
      const rows = await executor
        .selectFrom('commissioned_services')
        .innerJoin('strategic_priorities', 'strategic_priorities.id', 'commissioned_services.strategic_priority_id')
        .select([
          'commissioned_services.strategic_priority_id as priorityId',
          'commissioned_services.reference as reference',
          'commissioned_services.title as title',
          'commissioned_services.status as status',
        ])
        .where('strategic_priorities.strategy_id', '=', strategyId)
        .orderBy('commissioned_services.reference')
        .execute()
      return rows.map((r) => ({ ...r, priorityId: Number(r.priorityId) }))
    },

    /**
     * How many actions each priority of a strategy has, by status; only actions led by `agencyId` when given (a data
     * owner sees only their agency's actions: counts of others' would tell them what they may not read).
     */
    async actionCounts(
      strategyId: number,
      agencyId: number | null,
      executor: Executor = db,
    ): Promise<{ priorityId: number; status: ActionStatus; count: number }[]> {
      let query = executor
        .selectFrom('plan_actions')
        .innerJoin('strategic_priorities', 'strategic_priorities.id', 'plan_actions.strategic_priority_id')
        .select((eb) => [
          'plan_actions.strategic_priority_id as priorityId',
          'plan_actions.status as status',
          eb.fn.countAll<number | string>().as('n'),
        ])
        .where('strategic_priorities.strategy_id', '=', strategyId)
        .groupBy(['plan_actions.strategic_priority_id', 'plan_actions.status'])
      if (agencyId !== null) query = query.where('plan_actions.lead_agency_id', '=', agencyId)
      const rows = await query.execute()
      return rows.map((r) => ({ priorityId: r.priorityId, status: r.status, count: Number(r.n) }))
    },
  }
}

export type StrategyRepository = ReturnType<typeof createStrategyRepository>
