import type { AuditEventInput } from '../audit/audit-chain.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork, type UnitOfWork } from '../audit/audited-transaction.ts'
import type { ScopedDatabase } from '../db/partnership-scope.ts'
import { financialYearLabel, parsePeriod } from '../domain/period.ts'
import type { PriorityKind } from './plan-tables.ts'
import type {
  DeliveryPriorityRow,
  PriorityReferences,
  PriorityRow,
  StrategyRepository,
  StrategyRow,
} from './strategy-repository.ts'

/** A field the person typed, and what is wrong with it (shown in a GOV.UK error summary). */
export interface FieldProblem {
  readonly field: string
  readonly message: string
}

/** What a change came to: done, refused with a reason in words, a form to correct, or nothing of that id here. */
export type PlanChange<T> =
  | { readonly outcome: 'done'; readonly value: T }
  | { readonly outcome: 'invalid'; readonly problems: readonly FieldProblem[] }
  | { readonly outcome: 'refused'; readonly reason: string }
  | { readonly outcome: 'not-found' }

export interface StrategyInput {
  readonly title: string
  readonly firstYear: string
  readonly lastYear: string
  readonly summary: string
}

export interface ApprovalInput {
  /** Who approved it, as the recorder names them (e.g. "SWP Board"); the audit event names the recorder. */
  readonly approvedBy: string
  /** The date of the approval (`YYYY-MM-DD`), or empty when it is not known. */
  readonly approvedOn: string
}

export interface PriorityInput {
  readonly name: string
  readonly description: string
  readonly kind?: PriorityKind
}

export interface DeliveryPriorityInput {
  readonly year: string
  readonly name: string
  readonly description: string
}

/** A strategy with its priorities and each priority's delivery priorities by year. */
export interface StrategyDetail {
  readonly strategy: StrategyRow
  /** Its financial years, first to last (`FY2017-18` …). */
  readonly years: readonly string[]
  readonly priorities: readonly (PriorityRow & { readonly delivery: readonly DeliveryPriorityRow[] })[]
}

const MAX_TITLE = 200
const MAX_TEXT = 4000

/** `FY2017-18` → 2017, or null when it is not a financial year. */
function yearStart(text: string): number | null {
  const period = parsePeriod(text.trim())
  return period?.kind === 'year' ? period.financialYear : null
}

/** The financial years from `first` to `last`, as identifiers. */
export function yearsBetween(first: string, last: string): string[] {
  const from = yearStart(first)
  const to = yearStart(last)
  if (from === null || to === null) return []
  const years: string[] = []
  for (let y = from; y <= to; y++) years.push(`FY${y}-${String((y + 1) % 100).padStart(2, '0')}`)
  return years
}

/** "2017/18" for `FY2017-18`. */
export function yearLabel(id: string): string {
  const start = yearStart(id)
  return start === null ? id : financialYearLabel(start)
}

/** True when two strategies' years share at least one financial year. */
function overlaps(a: Pick<StrategyRow, 'first_year' | 'last_year'>, b: Pick<StrategyRow, 'first_year' | 'last_year'>) {
  return a.first_year <= b.last_year && b.first_year <= a.last_year
}

/** A priority's references in words, for a refusal ("3 KPIs (knife-crime, …), 1 action (RR-1)"). */
export function describeReferences(refs: PriorityReferences): string {
  const named = (items: readonly string[], one: string, many: string) =>
    items.length === 0
      ? []
      : [
          `${items.length} ${items.length === 1 ? one : many} (${items.slice(0, 8).join(', ')}${items.length > 8 ? ', …' : ''})`,
        ]
  const counted = (n: number, one: string, many: string) => (n === 0 ? [] : [`${n} ${n === 1 ? one : many}`])
  const parts = [
    ...named(refs.kpis, 'KPI', 'KPIs'),
    ...named(refs.actions, 'action', 'actions'),
    ...named(refs.services, 'commissioned service', 'commissioned services'),
    ...counted(refs.allocations, 'budget allocation', 'budget allocations'),
    ...counted(refs.spendEntries, 'spend entry', 'spend entries'),
  ]
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1) ?? ''}`
}

const hasReferences = (refs: PriorityReferences) =>
  refs.kpis.length + refs.actions.length + refs.services.length + refs.allocations + refs.spendEntries > 0

/**
 * The partnership's strategy, its strategic priorities (and statutory functions) and each year's delivery priorities.
 * Every change runs in one unit of work on the partnership's handle and appends its audit events there (entity types
 * `strategy`, `strategic-priority`, `delivery-priority`, with the row before and after). The rules:
 * - a strategy's years are financial years, first no later than last; a delivery priority's year is one of them;
 * - approving records who approved (named by the recorder) and when, if known; it supersedes, in the same unit, every
 *   approved strategy whose years overlap (the page says which first: `wouldSupersede`);
 * - an approved strategy's priorities are fixed (added, renamed, reordered or removed only in a draft: make a new
 *   strategy), but each year may still gain, change and lose delivery priorities; a superseded strategy is history;
 * - a priority that KPIs, actions, services, allocations or spend point at is not removed, and the refusal names them.
 */
export function createStrategyService(deps: {
  readonly database: ScopedDatabase
  readonly repository: StrategyRepository
  readonly audit: AuditRepository
  readonly now?: () => Date
}) {
  const { database, repository: repo, audit } = deps
  const now = () => (deps.now ?? (() => new Date()))().toISOString()
  /** The change in its own unit of work, or in `within` when the caller opened one (the demo's load, as one unit). */
  const write = <T>(work: (uow: UnitOfWork) => Promise<PlanChange<T>>, within?: UnitOfWork) =>
    within ? work(within) : inUnitOfWork(database, work)
  const event = (
    actor: string,
    action: string,
    entityType: string,
    key: number | string,
    before: unknown,
    after: unknown,
  ) => ({ actor, action, entityType, entityKey: String(key), before, after }) satisfies AuditEventInput

  function checkStrategy(input: StrategyInput): FieldProblem[] {
    const problems: FieldProblem[] = []
    const title = input.title.trim()
    if (title === '') problems.push({ field: 'title', message: 'Enter the strategy’s title' })
    else if (title.length > MAX_TITLE)
      problems.push({ field: 'title', message: `The title must be ${MAX_TITLE} characters or fewer` })
    const first = yearStart(input.firstYear)
    const last = yearStart(input.lastYear)
    if (first === null) problems.push({ field: 'firstYear', message: 'Enter the first financial year as FY2017-18' })
    if (last === null) problems.push({ field: 'lastYear', message: 'Enter the last financial year as FY2019-20' })
    if (first !== null && last !== null && last < first)
      problems.push({ field: 'lastYear', message: 'The last financial year must be the same as or after the first' })
    if (first !== null && last !== null && last - first > 9)
      problems.push({ field: 'lastYear', message: 'A strategy covers at most ten financial years' })
    if (input.summary.length > MAX_TEXT)
      problems.push({ field: 'summary', message: `The summary must be ${MAX_TEXT} characters or fewer` })
    return problems
  }

  function checkPriority(input: PriorityInput): FieldProblem[] {
    const problems: FieldProblem[] = []
    const name = input.name.trim()
    if (name === '') problems.push({ field: 'name', message: 'Enter the priority’s name' })
    else if (name.length > MAX_TITLE)
      problems.push({ field: 'name', message: `The name must be ${MAX_TITLE} characters or fewer` })
    if (input.description.length > MAX_TEXT)
      problems.push({ field: 'description', message: `The description must be ${MAX_TEXT} characters or fewer` })
    return problems
  }

  /** The strategy a priority belongs to, and whether its priorities may still change. */
  async function fixedPriorities(uow: UnitOfWork, strategyId: number): Promise<string | null> {
    const strategy = await repo.strategy(strategyId, uow.trx)
    if (!strategy) return 'The strategy no longer exists.'
    if (strategy.status === 'approved')
      return `“${strategy.title}” is approved: its priorities cannot change. Make a new strategy (approving it supersedes this one).`
    if (strategy.status === 'superseded') return `“${strategy.title}” has been superseded: it is kept as it was.`
    return null
  }

  const duplicateName = (error: unknown) => /unique|UNIQUE/.test(error instanceof Error ? error.message : String(error))

  return {
    /** Several changes as one unit of work (each method takes it as `within`): all made, or none. */
    together: <T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> => inUnitOfWork(database, work),

    list: () => repo.listStrategies(),

    /** A strategy with its priorities and their delivery priorities; null when the partnership has none of that id. */
    async detail(id: number): Promise<StrategyDetail | null> {
      const strategy = await repo.strategy(id)
      if (!strategy) return null
      const [priorities, delivery] = await Promise.all([repo.priorities(id), repo.deliveryPriorities(id)])
      return {
        strategy,
        years: yearsBetween(strategy.first_year, strategy.last_year),
        priorities: priorities.map((p) => ({
          ...p,
          delivery: delivery.filter((d) => d.strategic_priority_id === p.id),
        })),
      }
    },

    /**
     * The strategy the plan's landing page shows: the approved one covering `year` (the current financial year), or
     * else the latest (by its first year); null when there is none.
     */
    async current(year: string): Promise<StrategyRow | null> {
      const all = await repo.listStrategies()
      return all.find((s) => s.status === 'approved' && s.first_year <= year && year <= s.last_year) ?? all[0] ?? null
    },

    /** The approved strategies that approving `id` would supersede (their years overlap), for the page to say first. */
    async wouldSupersede(id: number): Promise<StrategyRow[]> {
      const strategy = await repo.strategy(id)
      if (!strategy) return []
      return (await repo.listStrategies()).filter(
        (s) => s.id !== id && s.status === 'approved' && overlaps(s, strategy),
      )
    },

    /** A new draft strategy. */
    createStrategy(actor: string, input: StrategyInput, within?: UnitOfWork): Promise<PlanChange<StrategyRow>> {
      const problems = checkStrategy(input)
      if (problems.length > 0) return Promise.resolve({ outcome: 'invalid', problems })
      return write(async (uow) => {
        const row = {
          title: input.title.trim(),
          first_year: input.firstYear.trim(),
          last_year: input.lastYear.trim(),
          status: 'draft' as const,
          summary: input.summary.trim() || null,
          updated_at: now(),
          updated_by: actor,
        }
        const id = await repo.insertStrategy(uow, row)
        const stored = (await repo.strategy(id, uow.trx)) as StrategyRow
        await audit.append(uow.trx, event(actor, 'create', 'strategy', id, null, stored))
        return { outcome: 'done', value: stored }
      }, within)
    },

    /** A draft's title, years and summary (an approved strategy's years and title stay as approved). */
    updateStrategy(actor: string, id: number, input: StrategyInput): Promise<PlanChange<StrategyRow>> {
      const problems = checkStrategy(input)
      if (problems.length > 0) return Promise.resolve({ outcome: 'invalid', problems })
      return write(async (uow) => {
        const before = await repo.strategy(id, uow.trx)
        if (!before) return { outcome: 'not-found' }
        if (before.status !== 'draft')
          return { outcome: 'refused', reason: `“${before.title}” is ${before.status}: only a draft’s details change.` }
        const outside = (await repo.deliveryPriorities(id, uow.trx)).filter(
          (d) => d.year < input.firstYear.trim() || d.year > input.lastYear.trim(),
        )
        if (outside.length > 0)
          return {
            outcome: 'invalid',
            problems: [
              {
                field: 'firstYear',
                message: `Delivery priorities are set for ${[...new Set(outside.map((d) => yearLabel(d.year)))].join(', ')}, outside those years: remove them first`,
              },
            ],
          }
        await repo.updateStrategy(uow, id, {
          title: input.title.trim(),
          first_year: input.firstYear.trim(),
          last_year: input.lastYear.trim(),
          summary: input.summary.trim() || null,
          updated_at: now(),
          updated_by: actor,
        })
        const after = (await repo.strategy(id, uow.trx)) as StrategyRow
        await audit.append(uow.trx, event(actor, 'update', 'strategy', id, before, after))
        return { outcome: 'done', value: after }
      })
    },

    /**
     * Records a draft's approval: by whom (as the recorder names them) and on what date, if known. Every approved
     * strategy whose years overlap is superseded in the same unit of work, each with its own audit event.
     */
    approveStrategy(
      actor: string,
      id: number,
      input: ApprovalInput,
      within?: UnitOfWork,
    ): Promise<PlanChange<{ strategy: StrategyRow; superseded: StrategyRow[] }>> {
      const problems: FieldProblem[] = []
      const approvedBy = input.approvedBy.trim()
      const approvedOn = input.approvedOn.trim()
      if (approvedBy === '')
        problems.push({
          field: 'approvedBy',
          message: 'Enter who approved the strategy, such as the partnership’s board',
        })
      else if (approvedBy.length > MAX_TITLE)
        problems.push({ field: 'approvedBy', message: `Who approved it must be ${MAX_TITLE} characters or fewer` })
      if (approvedOn !== '' && !isRealDate(approvedOn))
        problems.push({
          field: 'approvedOn',
          message:
            'Enter the date it was approved as a real date, such as 2017-06-27, or leave it empty if it is not known',
        })
      if (problems.length > 0) return Promise.resolve({ outcome: 'invalid', problems })
      return write(async (uow) => {
        const before = await repo.strategy(id, uow.trx)
        if (!before) return { outcome: 'not-found' }
        if (before.status !== 'draft')
          return { outcome: 'refused', reason: `“${before.title}” is already ${before.status}.` }
        const priorities = await repo.priorities(id, uow.trx)
        if (!priorities.some((p) => p.kind === 'strategic'))
          return {
            outcome: 'refused',
            reason: 'Add the strategy’s strategic priorities before recording its approval.',
          }
        const at = now()
        const superseded: StrategyRow[] = []
        const events: AuditEventInput[] = []
        for (const other of await repo.listStrategies(uow.trx)) {
          if (other.id === id || other.status !== 'approved' || !overlaps(other, before)) continue
          await repo.updateStrategy(uow, other.id, { status: 'superseded', updated_at: at, updated_by: actor })
          const after = (await repo.strategy(other.id, uow.trx)) as StrategyRow
          superseded.push(after)
          events.push(event(actor, 'supersede', 'strategy', other.id, other, { ...after, supersededBy: id }))
        }
        await repo.updateStrategy(uow, id, {
          status: 'approved',
          approved_at: at,
          approved_by: approvedBy,
          approved_on: approvedOn === '' ? null : approvedOn,
          updated_at: at,
          updated_by: actor,
        })
        const after = (await repo.strategy(id, uow.trx)) as StrategyRow
        events.push(event(actor, 'approve', 'strategy', id, before, after))
        await audit.appendAll(uow.trx, events)
        return { outcome: 'done', value: { strategy: after, superseded } }
      }, within)
    },

    /** A priority added at the end of a draft strategy's list. */
    addPriority(
      actor: string,
      strategyId: number,
      input: PriorityInput,
      within?: UnitOfWork,
    ): Promise<PlanChange<PriorityRow>> {
      const problems = checkPriority(input)
      if (problems.length > 0) return Promise.resolve({ outcome: 'invalid', problems })
      return write(async (uow) => {
        if (!(await repo.strategy(strategyId, uow.trx))) return { outcome: 'not-found' }
        const fixed = await fixedPriorities(uow, strategyId)
        if (fixed) return { outcome: 'refused', reason: fixed }
        const existing = await repo.priorities(strategyId, uow.trx)
        const name = input.name.trim()
        if (existing.some((p) => normaliseName(p.name) === normaliseName(name)))
          return {
            outcome: 'invalid',
            problems: [{ field: 'name', message: `The strategy already has a priority called “${name}”` }],
          }
        const id = await repo.insertPriority(uow, {
          strategy_id: strategyId,
          position: existing.reduce((max, p) => Math.max(max, p.position), 0) + 1,
          name,
          description: input.description.trim() || null,
          kind: input.kind ?? 'strategic',
          updated_at: now(),
          updated_by: actor,
        })
        const stored = (await repo.priority(id, uow.trx)) as PriorityRow
        await audit.append(uow.trx, event(actor, 'create', 'strategic-priority', id, null, stored))
        return { outcome: 'done', value: stored }
      }, within)
    },

    /** A draft's priority renamed or described again. */
    updatePriority(actor: string, priorityId: number, input: PriorityInput): Promise<PlanChange<PriorityRow>> {
      const problems = checkPriority(input)
      if (problems.length > 0) return Promise.resolve({ outcome: 'invalid', problems })
      return write(async (uow) => {
        const before = await repo.priority(priorityId, uow.trx)
        if (!before) return { outcome: 'not-found' }
        const fixed = await fixedPriorities(uow, before.strategy_id)
        if (fixed) return { outcome: 'refused', reason: fixed }
        const name = input.name.trim()
        const others = (await repo.priorities(before.strategy_id, uow.trx)).filter((p) => p.id !== priorityId)
        if (others.some((p) => normaliseName(p.name) === normaliseName(name)))
          return {
            outcome: 'invalid',
            problems: [{ field: 'name', message: `The strategy already has a priority called “${name}”` }],
          }
        await repo.updatePriority(uow, priorityId, {
          name,
          description: input.description.trim() || null,
          ...(input.kind ? { kind: input.kind } : {}),
          updated_at: now(),
          updated_by: actor,
        })
        const after = (await repo.priority(priorityId, uow.trx)) as PriorityRow
        await audit.append(uow.trx, event(actor, 'update', 'strategic-priority', priorityId, before, after))
        return { outcome: 'done', value: after }
      })
    },

    /** A draft's priority moved one place up or down (it swaps with its neighbour; both audited). */
    movePriority(actor: string, priorityId: number, direction: 'up' | 'down'): Promise<PlanChange<PriorityRow>> {
      return write(async (uow) => {
        const before = await repo.priority(priorityId, uow.trx)
        if (!before) return { outcome: 'not-found' }
        const fixed = await fixedPriorities(uow, before.strategy_id)
        if (fixed) return { outcome: 'refused', reason: fixed }
        const list = await repo.priorities(before.strategy_id, uow.trx)
        const index = list.findIndex((p) => p.id === priorityId)
        const neighbour = list[direction === 'up' ? index - 1 : index + 1]
        if (!neighbour) return { outcome: 'done', value: before }
        const at = now()
        // Positions renumbered 1…n with the two swapped, so that equal or gapped positions cannot make a move a no-op.
        const order = list.map((p) => p.id)
        const [a, b] = direction === 'up' ? [index - 1, index] : [index, index + 1]
        ;[order[a], order[b]] = [order[b] as number, order[a] as number]
        const events: AuditEventInput[] = []
        for (const [i, id] of order.entries()) {
          const row = list.find((p) => p.id === id) as PriorityRow
          if (row.position === i + 1) continue
          await repo.updatePriority(uow, id, { position: i + 1, updated_at: at, updated_by: actor })
          events.push(
            event(actor, 'update', 'strategic-priority', id, row, (await repo.priority(id, uow.trx)) as PriorityRow),
          )
        }
        await audit.appendAll(uow.trx, events)
        return { outcome: 'done', value: (await repo.priority(priorityId, uow.trx)) as PriorityRow }
      })
    },

    /**
     * Removes a draft's priority with its delivery priorities (each audited); refused, naming them, while KPIs,
     * actions, services, allocations or spend point at it.
     */
    removePriority(actor: string, priorityId: number): Promise<PlanChange<PriorityRow>> {
      return write(async (uow) => {
        const before = await repo.priority(priorityId, uow.trx)
        if (!before) return { outcome: 'not-found' }
        const fixed = await fixedPriorities(uow, before.strategy_id)
        if (fixed) return { outcome: 'refused', reason: fixed }
        const refs = await repo.priorityReferences(priorityId, uow.trx)
        if (hasReferences(refs))
          return {
            outcome: 'refused',
            reason: `“${before.name}” cannot be removed: ${describeReferences(refs)} ${refs.kpis.length + refs.actions.length + refs.services.length + refs.allocations + refs.spendEntries === 1 ? 'points' : 'point'} at it. Move them to another priority first.`,
          }
        const delivery = (await repo.deliveryPriorities(before.strategy_id, uow.trx)).filter(
          (d) => d.strategic_priority_id === priorityId,
        )
        const events: AuditEventInput[] = []
        for (const d of delivery) {
          await repo.deleteDeliveryPriority(uow, d.id)
          events.push(event(actor, 'delete', 'delivery-priority', d.id, d, null))
        }
        await repo.deletePriority(uow, priorityId)
        events.push(event(actor, 'delete', 'strategic-priority', priorityId, before, null))
        await audit.appendAll(uow.trx, events)
        return { outcome: 'done', value: before }
      })
    },

    /** A delivery priority for one of the strategy's years (a draft's or an approved strategy's). */
    addDeliveryPriority(
      actor: string,
      priorityId: number,
      input: DeliveryPriorityInput,
      within?: UnitOfWork,
    ): Promise<PlanChange<DeliveryPriorityRow>> {
      return write(async (uow) => {
        const priority = await repo.priority(priorityId, uow.trx)
        if (!priority) return { outcome: 'not-found' }
        const strategy = (await repo.strategy(priority.strategy_id, uow.trx)) as StrategyRow
        const problems = checkDelivery(strategy, input)
        if (problems.length > 0) return { outcome: 'invalid', problems }
        if (strategy.status === 'superseded')
          return { outcome: 'refused', reason: `“${strategy.title}” has been superseded: it is kept as it was.` }
        const siblings = (await repo.deliveryPriorities(strategy.id, uow.trx)).filter(
          (d) => d.strategic_priority_id === priorityId && d.year === input.year.trim(),
        )
        const name = input.name.trim()
        if (siblings.some((d) => normaliseName(d.name) === normaliseName(name)))
          return {
            outcome: 'invalid',
            problems: [
              {
                field: 'name',
                message: `“${priority.name}” already has that delivery priority for ${yearLabel(input.year.trim())}`,
              },
            ],
          }
        const id = await repo.insertDeliveryPriority(uow, {
          strategic_priority_id: priorityId,
          year: input.year.trim(),
          position: siblings.reduce((max, d) => Math.max(max, d.position), 0) + 1,
          name,
          description: input.description.trim() || null,
          updated_at: now(),
          updated_by: actor,
        })
        const stored = (await repo.deliveryPriority(id, uow.trx)) as DeliveryPriorityRow
        await audit.append(uow.trx, event(actor, 'create', 'delivery-priority', id, null, stored))
        return { outcome: 'done', value: stored }
      }, within)
    },

    updateDeliveryPriority(
      actor: string,
      id: number,
      input: DeliveryPriorityInput,
    ): Promise<PlanChange<DeliveryPriorityRow>> {
      return write(async (uow) => {
        const before = await repo.deliveryPriority(id, uow.trx)
        if (!before) return { outcome: 'not-found' }
        const priority = (await repo.priority(before.strategic_priority_id, uow.trx)) as PriorityRow
        const strategy = (await repo.strategy(priority.strategy_id, uow.trx)) as StrategyRow
        const problems = checkDelivery(strategy, input)
        if (problems.length > 0) return { outcome: 'invalid', problems }
        if (strategy.status === 'superseded')
          return { outcome: 'refused', reason: `“${strategy.title}” has been superseded: it is kept as it was.` }
        try {
          await repo.updateDeliveryPriority(uow, id, {
            year: input.year.trim(),
            name: input.name.trim(),
            description: input.description.trim() || null,
            updated_at: now(),
            updated_by: actor,
          })
        } catch (error) {
          if (!duplicateName(error)) throw error
          return {
            outcome: 'invalid',
            problems: [
              {
                field: 'name',
                message: `“${priority.name}” already has that delivery priority for ${yearLabel(input.year.trim())}`,
              },
            ],
          }
        }
        const after = (await repo.deliveryPriority(id, uow.trx)) as DeliveryPriorityRow
        await audit.append(uow.trx, event(actor, 'update', 'delivery-priority', id, before, after))
        return { outcome: 'done', value: after }
      })
    },

    /** Removes a delivery priority; refused, naming them, while KPIs or actions point at it. */
    removeDeliveryPriority(actor: string, id: number): Promise<PlanChange<DeliveryPriorityRow>> {
      return write(async (uow) => {
        const before = await repo.deliveryPriority(id, uow.trx)
        if (!before) return { outcome: 'not-found' }
        const priority = (await repo.priority(before.strategic_priority_id, uow.trx)) as PriorityRow
        const strategy = (await repo.strategy(priority.strategy_id, uow.trx)) as StrategyRow
        if (strategy.status === 'superseded')
          return { outcome: 'refused', reason: `“${strategy.title}” has been superseded: it is kept as it was.` }
        const kpis = (await repo.links(uow.trx)).filter((l) => l.delivery_priority_id === id).map((l) => l.indicator_id)
        const actions = await uow.trx
          .selectFrom('plan_actions')
          .select('reference')
          .where('delivery_priority_id', '=', id)
          .orderBy('reference')
          .execute()
        if (kpis.length + actions.length > 0)
          return {
            outcome: 'refused',
            reason: `“${before.name}” cannot be removed: ${describeReferences({ kpis, actions: actions.map((a) => a.reference), services: [], allocations: 0, spendEntries: 0 })} point at it.`,
          }
        await repo.deleteDeliveryPriority(uow, id)
        await audit.append(uow.trx, event(actor, 'delete', 'delivery-priority', id, before, null))
        return { outcome: 'done', value: before }
      })
    },
  }
}

export type StrategyService = ReturnType<typeof createStrategyService>

function checkDelivery(strategy: StrategyRow, input: DeliveryPriorityInput): FieldProblem[] {
  const problems: FieldProblem[] = []
  const year = input.year.trim()
  if (!yearsBetween(strategy.first_year, strategy.last_year).includes(year))
    problems.push({
      field: 'year',
      message: `Choose a year of the strategy, from ${yearLabel(strategy.first_year)} to ${yearLabel(strategy.last_year)}`,
    })
  const name = input.name.trim()
  if (name === '') problems.push({ field: 'name', message: 'Enter the delivery priority' })
  else if (name.length > MAX_TEXT)
    problems.push({ field: 'name', message: `The delivery priority must be ${MAX_TEXT} characters or fewer` })
  if (input.description.length > MAX_TEXT)
    problems.push({ field: 'description', message: `The description must be ${MAX_TEXT} characters or fewer` })
  return problems
}

/** A real calendar date written `YYYY-MM-DD`. */
function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text
}

/**
 * A name as KPIs' free text is matched against it: case and spacing ignored ("Reducing  reoffending " matches
 * "Reducing Reoffending").
 */
export function normaliseName(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase()
}
