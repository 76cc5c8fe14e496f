import type { AuditEventInput } from '../audit/audit-chain.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { ScopedDatabase } from '../db/partnership-scope.ts'
import type {
  DeliveryPriorityRow,
  KpiLinkRow,
  PriorityRow,
  StrategyRepository,
  StrategyRow,
} from './strategy-repository.ts'
import { normaliseName, type PlanChange } from './strategy-service.ts'

/** One KPI on the links page: its framework text (never changed), its link, and the priority its text matches. */
export interface KpiLinkLine {
  readonly id: string
  readonly name: string
  /** The framework's free text, as imported. */
  readonly priorityText: string
  readonly theme: string
  readonly link: {
    readonly priority: PriorityRow
    readonly strategy: StrategyRow | null
    readonly delivery: DeliveryPriorityRow | null
  } | null
  /** The chosen strategy's priority whose name the KPI's priority text matches (case and spacing ignored). */
  readonly matches: PriorityRow | null
  /** Linked to a priority of the chosen strategy. */
  readonly linkedHere: boolean
}

export interface KpiLinksView {
  readonly strategy: StrategyRow
  readonly priorities: readonly PriorityRow[]
  readonly deliveryPriorities: readonly DeliveryPriorityRow[]
  /** KPIs whose text matches no priority of the strategy and that are not linked to one: the analyst's to resolve. */
  readonly unmatched: readonly KpiLinkLine[]
  /** KPIs not linked here whose text matches a priority: what "link the matching KPIs" would link. */
  readonly matching: readonly KpiLinkLine[]
  /** Every KPI, the unmatched first. */
  readonly lines: readonly KpiLinkLine[]
}

/**
 * KPIs' links to the strategy's priorities (`indicator_priorities`: one per KPI). The framework's free-text
 * `priority` and `theme` stay on the KPI as imported; the link is what the plan's pages read. A KPI whose text matches
 * a priority's name (case and spacing ignored) can be linked in one action; the rest are listed first for the analyst
 * to resolve one by one. Every link made, changed or removed is audited (`kpi-priority-link`, keyed by the KPI's id).
 *
 * Linking is never automatic when a strategy is made: the analyst sees on the links page what would be linked and
 * says so. The demo links its KPIs as it loads (src/plan/strategy-demo.ts), since its priorities are the framework's
 * own texts.
 */
export function createKpiLinkService(deps: {
  readonly database: ScopedDatabase
  readonly repository: StrategyRepository
  readonly audit: AuditRepository
  readonly now?: () => Date
}) {
  const { database, repository: repo, audit } = deps
  const now = () => (deps.now ?? (() => new Date()))().toISOString()

  async function view(strategyId: number): Promise<KpiLinksView | null> {
    const strategy = await repo.strategy(strategyId)
    if (!strategy) return null
    const [indicators, links, priorities, allPriorities, strategies, delivery] = await Promise.all([
      repo.indicators(),
      repo.links(),
      repo.priorities(strategyId),
      repo.allPriorities(),
      repo.listStrategies(),
      repo.deliveryPriorities(strategyId),
    ])
    const byName = new Map(priorities.map((p) => [normaliseName(p.name), p]))
    const linkOf = new Map(links.map((l) => [l.indicator_id, l]))
    const lines = indicators.map((kpi): KpiLinkLine => {
      const link = linkOf.get(kpi.id)
      const priority = link ? (allPriorities.find((p) => p.id === link.strategic_priority_id) ?? null) : null
      return {
        id: kpi.id,
        name: kpi.name,
        priorityText: kpi.priority,
        theme: kpi.theme,
        link:
          link && priority
            ? {
                priority,
                strategy: strategies.find((s) => s.id === priority.strategy_id) ?? null,
                delivery: delivery.find((d) => d.id === link.delivery_priority_id) ?? null,
              }
            : null,
        matches: byName.get(normaliseName(kpi.priority)) ?? null,
        linkedHere: priority?.strategy_id === strategyId,
      }
    })
    const unmatched = lines.filter((l) => !l.linkedHere && l.matches === null)
    const matching = lines.filter((l) => !l.linkedHere && l.matches !== null)
    return {
      strategy,
      priorities,
      deliveryPriorities: delivery,
      unmatched,
      matching,
      lines: [...unmatched, ...lines.filter((l) => !unmatched.includes(l))],
    }
  }

  /** Writes one KPI's link (new or changed), with its audit event; nothing when it is already so. */
  async function setLink(
    uow: UnitOfWork,
    actor: string,
    existing: KpiLinkRow | undefined,
    indicatorId: string,
    priorityId: number,
    deliveryId: number | null,
  ): Promise<AuditEventInput | null> {
    if (existing && existing.strategic_priority_id === priorityId && existing.delivery_priority_id === deliveryId)
      return null
    const row = {
      indicator_id: indicatorId,
      strategic_priority_id: priorityId,
      delivery_priority_id: deliveryId,
      updated_at: now(),
      updated_by: actor,
    }
    if (existing) await repo.updateLink(uow, indicatorId, row)
    else await repo.insertLink(uow, row)
    const { id: _id, ...before } = existing ?? { id: 0 }
    return {
      actor,
      action: existing ? 'update' : 'create',
      entityType: 'kpi-priority-link',
      entityKey: indicatorId,
      before: existing ? before : null,
      after: row,
    }
  }

  return {
    view,

    /**
     * Links every KPI not yet linked to the strategy whose priority text matches one of its priorities' names (a
     * KPI linked to an older strategy's priority moves to the matching one). Returns how many were linked.
     */
    linkMatching(actor: string, strategyId: number, within?: UnitOfWork): Promise<PlanChange<{ linked: string[] }>> {
      const work = async (uow: UnitOfWork): Promise<PlanChange<{ linked: string[] }>> => {
        const strategy = await repo.strategy(strategyId, uow.trx)
        if (!strategy) return { outcome: 'not-found' }
        if (strategy.status === 'superseded')
          return {
            outcome: 'refused',
            reason: `“${strategy.title}” has been superseded: link KPIs to the current strategy.`,
          }
        const priorities = await repo.priorities(strategyId, uow.trx)
        const byName = new Map(priorities.map((p) => [normaliseName(p.name), p]))
        const ids = new Set(priorities.map((p) => p.id))
        const links = new Map((await repo.links(uow.trx)).map((l) => [l.indicator_id, l]))
        const events: AuditEventInput[] = []
        const linked: string[] = []
        for (const kpi of await repo.indicators(uow.trx)) {
          const existing = links.get(kpi.id)
          if (existing && ids.has(existing.strategic_priority_id)) continue
          const match = byName.get(normaliseName(kpi.priority))
          if (!match) continue
          const made = await setLink(uow, actor, existing, kpi.id, match.id, null)
          if (made) {
            events.push(made)
            linked.push(kpi.id)
          }
        }
        await audit.appendAll(uow.trx, events)
        return { outcome: 'done', value: { linked } }
      }
      return within ? work(within) : inUnitOfWork(database, work)
    },

    /** Links one KPI to a priority and, optionally, one of its delivery priorities. */
    link(
      actor: string,
      indicatorId: string,
      priorityId: number,
      deliveryPriorityId: number | null,
    ): Promise<PlanChange<{ indicatorId: string }>> {
      return inUnitOfWork(database, async (uow) => {
        const kpi = (await repo.indicators(uow.trx)).find((k) => k.id === indicatorId)
        if (!kpi) return { outcome: 'not-found' }
        const priority = await repo.priority(priorityId, uow.trx)
        if (!priority) return { outcome: 'invalid', problems: [{ field: 'priority', message: 'Choose a priority' }] }
        const strategy = (await repo.strategy(priority.strategy_id, uow.trx)) as StrategyRow
        if (strategy.status === 'superseded')
          return {
            outcome: 'refused',
            reason: `“${strategy.title}” has been superseded: link KPIs to the current strategy.`,
          }
        if (deliveryPriorityId !== null) {
          const delivery = await repo.deliveryPriority(deliveryPriorityId, uow.trx)
          if (!delivery || delivery.strategic_priority_id !== priorityId)
            return {
              outcome: 'invalid',
              problems: [{ field: 'delivery', message: `Choose a delivery priority of “${priority.name}”, or none` }],
            }
        }
        const existing = (await repo.links(uow.trx)).find((l) => l.indicator_id === indicatorId)
        const made = await setLink(uow, actor, existing, indicatorId, priorityId, deliveryPriorityId)
        if (made) await audit.append(uow.trx, made)
        return { outcome: 'done', value: { indicatorId } }
      })
    },

    /** Removes a KPI's link (its framework text stays). */
    unlink(actor: string, indicatorId: string): Promise<PlanChange<{ indicatorId: string }>> {
      return inUnitOfWork(database, async (uow) => {
        const existing = (await repo.links(uow.trx)).find((l) => l.indicator_id === indicatorId)
        if (!existing) return { outcome: 'not-found' }
        await repo.deleteLink(uow, indicatorId)
        const { id: _id, ...before } = existing
        await audit.append(uow.trx, {
          actor,
          action: 'delete',
          entityType: 'kpi-priority-link',
          entityKey: indicatorId,
          before,
          after: null,
        })
        return { outcome: 'done', value: { indicatorId } }
      })
    },

    /** A KPI's priority and strategy, for the KPI page; null when it is not linked. */
    linkOf: (indicatorId: string) => repo.linkOfIndicator(indicatorId),
  }
}

export type KpiLinkService = ReturnType<typeof createKpiLinkService>
