import { formatMoney, sumPence, type Pence } from './money.ts'

/**
 * A financial year's money, computed from what is stored and never typed: the one place that says what the budget,
 * an allocation's spend, a forecast outturn and what is left to carry forward are. The budget page, the strategy
 * page's money per priority, each service's monitoring and Appendix A all read it, so they cannot disagree.
 *
 * The rules:
 * - **Income** of a stream for the year is its award for the year; **carry-forward in** is the amount agreed into the
 *   year from the stream's year before; the **budget** is income plus carry-forward in. (The seed's Appendix A printed
 *   £339,995 + £38,435 as £378,390; the sum is £378,430.)
 * - **Allocated**: the year's allocations of the stream. An allocation to a service belongs to the service's priority
 *   unless it names a priority itself.
 * - **Spent** is the sum of the year's actual spend entries (quarters `FYyyyy-yy-Q1` … `Q4`). The **forecast outturn**
 *   of one line of spend (a stream, priority and service) is, quarter by quarter, the actual where there is one and
 *   the forecast where there is not: what the year will have cost when it ends.
 * - **Left to carry forward** of a stream is its budget less its forecast outturn (less the actual spend once every
 *   quarter has an actual); compared with the carry-forward agreed into the next year.
 *
 * Pure: the caller reads the rows (one partnership's, through its scoped handle) and passes them in.
 */

export interface BudgetStream {
  readonly id: number
  readonly name: string
  readonly funder: string
}

export interface BudgetPriority {
  readonly id: number
  readonly name: string
  readonly position: number
}

export interface BudgetService {
  readonly id: number
  readonly reference: string
  readonly title: string
  readonly priorityId: number | null
  readonly streamId: number | null
}

export interface BudgetAward {
  readonly streamId: number
  readonly year: string
  readonly awardedPence: Pence
  readonly receivedPence: Pence
  readonly illustrative: boolean
}

export interface BudgetCarryForward {
  readonly streamId: number
  readonly intoYear: string
  readonly amountPence: Pence
  readonly illustrative: boolean
}

export interface BudgetAllocation {
  readonly streamId: number
  readonly year: string
  readonly priorityId: number | null
  readonly serviceId: number | null
  readonly amountPence: Pence
  readonly illustrative: boolean
}

export interface BudgetCommitment {
  readonly serviceId: number
  readonly year: string
  readonly amountPence: Pence
  readonly illustrative: boolean
}

export interface BudgetSpend {
  readonly streamId: number
  /** A quarter, `FY2018-19-Q2`. */
  readonly period: string
  readonly kind: 'actual' | 'forecast'
  readonly priorityId: number | null
  readonly serviceId: number | null
  readonly amountPence: Pence
  readonly illustrative: boolean
}

/** Everything the partnership holds about its money (any years: the computation picks the year's). */
export interface BudgetRows {
  readonly streams: readonly BudgetStream[]
  readonly priorities: readonly BudgetPriority[]
  readonly services: readonly BudgetService[]
  readonly awards: readonly BudgetAward[]
  readonly carryForwards: readonly BudgetCarryForward[]
  readonly allocations: readonly BudgetAllocation[]
  readonly commitments: readonly BudgetCommitment[]
  readonly spend: readonly BudgetSpend[]
}

/** The money of one thing (a stream, a priority, a service, or the year) in the year. */
export interface MoneyLine {
  readonly allocated: Pence
  readonly spent: Pence
  readonly forecastOutturn: Pence
  /** True when any figure that went into the line is illustrative (a demo figure the source does not give). */
  readonly illustrative: boolean
}

export interface StreamYear extends MoneyLine {
  readonly stream: BudgetStream
  readonly income: Pence
  readonly received: Pence
  readonly carryForwardIn: Pence
  readonly budget: Pence
  readonly unallocated: Pence
  readonly leftToCarryForward: Pence
  /** The carry-forward agreed into the next year, or null when none is recorded. */
  readonly carryForwardOutAgreed: Pence | null
}

export interface ServiceYear extends MoneyLine {
  readonly service: BudgetService
  /** The service's own priority, or the priority its allocations name. */
  readonly priorityId: number | null
  readonly committed: Pence
  /** Allocated less spent: negative when the service has spent more than it was allocated. */
  readonly remaining: Pence
}

export interface PriorityYear extends MoneyLine {
  /** Null for money tied to no priority (a service without one). */
  readonly priority: BudgetPriority | null
  readonly services: readonly ServiceYear[]
}

export interface YearBudget extends MoneyLine {
  readonly year: string
  readonly income: Pence
  readonly received: Pence
  readonly carryForwardIn: Pence
  readonly budget: Pence
  readonly committed: Pence
  readonly unallocated: Pence
  readonly leftToCarryForward: Pence
  /** How many of the year's four quarters have any actual spend recorded. */
  readonly quartersWithActuals: number
  readonly streams: readonly StreamYear[]
  readonly priorities: readonly PriorityYear[]
  readonly services: readonly ServiceYear[]
  readonly findings: readonly BudgetFinding[]
}

/** What the reconciliation found, as data; `reconciliationSentences` says it in words. */
export type BudgetFinding =
  | {
      readonly kind: 'allocations-exceed-budget'
      readonly stream: BudgetStream
      readonly budget: Pence
      readonly allocated: Pence
    }
  | { readonly kind: 'allocations-exceed-total-budget'; readonly budget: Pence; readonly allocated: Pence }
  | {
      readonly kind: 'spend-exceeds-allocation'
      readonly service: BudgetService
      readonly allocated: Pence
      readonly spent: Pence
    }
  | {
      readonly kind: 'forecast-exceeds-allocation'
      readonly service: BudgetService
      readonly allocated: Pence
      readonly forecastOutturn: Pence
    }
  | {
      readonly kind: 'priority-spend-exceeds-allocation'
      readonly priority: BudgetPriority | null
      readonly allocated: Pence
      readonly spent: Pence
    }
  | {
      readonly kind: 'spend-exceeds-budget'
      readonly stream: BudgetStream
      readonly budget: Pence
      readonly spent: Pence
    }
  | {
      readonly kind: 'carry-forward-agreed-exceeds-left'
      readonly stream: BudgetStream
      readonly agreed: Pence
      readonly left: Pence
    }
  | {
      readonly kind: 'left-to-carry-forward'
      readonly stream: BudgetStream
      readonly left: Pence
      readonly final: boolean
    }

const QUARTERS = ['Q1', 'Q2', 'Q3', 'Q4'] as const

function quarterOf(period: string, year: string): string | null {
  if (!period.startsWith(`${year}-`)) return null
  const quarter = period.slice(year.length + 1)
  return (QUARTERS as readonly string[]).includes(quarter) ? quarter : null
}

/** The financial year after `year`: `FY2018-19` → `FY2019-20`. */
export function nextFinancialYear(year: string): string {
  const match = /^FY(\d{4})-\d{2}$/.exec(year)
  if (!match) throw new RangeError(`Not a financial year: ${year}`)
  const start = Number(match[1]) + 1
  return `FY${start}-${String((start + 1) % 100).padStart(2, '0')}`
}

interface Accumulator {
  allocated: Pence[]
  spent: Pence[]
  outturn: Pence[]
  illustrative: boolean
}

const emptyAccumulator = (): Accumulator => ({ allocated: [], spent: [], outturn: [], illustrative: false })

function line(acc: Accumulator): MoneyLine {
  return {
    allocated: sumPence(acc.allocated),
    spent: sumPence(acc.spent),
    forecastOutturn: sumPence(acc.outturn),
    illustrative: acc.illustrative,
  }
}

/**
 * The year's money from the partnership's rows.
 *
 * @example
 *   computeYearBudget(rows, 'FY2018-19').budget // income + carry-forward in, every stream
 */
export function computeYearBudget(rows: BudgetRows, year: string): YearBudget {
  nextFinancialYear(year) // checks the shape
  const servicesById = new Map(rows.services.map((s) => [s.id, s]))
  const priorityOf = (priorityId: number | null, serviceId: number | null): number | null =>
    priorityId ?? (serviceId === null ? null : (servicesById.get(serviceId)?.priorityId ?? null))

  const byStream = new Map<number, Accumulator>()
  const byService = new Map<number, Accumulator>()
  const byPriority = new Map<number | null, Accumulator>()
  const accumulatorIn = <K>(map: Map<K, Accumulator>, key: K): Accumulator => {
    let acc = map.get(key)
    if (!acc) map.set(key, (acc = emptyAccumulator()))
    return acc
  }
  const servicePriority = new Map<number, number | null>()

  for (const allocation of rows.allocations) {
    if (allocation.year !== year) continue
    const priorityId = priorityOf(allocation.priorityId, allocation.serviceId)
    const targets = [accumulatorIn(byStream, allocation.streamId), accumulatorIn(byPriority, priorityId)]
    if (allocation.serviceId !== null) {
      targets.push(accumulatorIn(byService, allocation.serviceId))
      if (!servicePriority.has(allocation.serviceId)) servicePriority.set(allocation.serviceId, priorityId)
    }
    for (const acc of targets) {
      acc.allocated.push(allocation.amountPence)
      acc.illustrative ||= allocation.illustrative
    }
  }

  // One line of spend is a stream, a priority and a service; its forecast outturn takes each quarter's actual where
  // there is one and its forecast otherwise.
  const lines = new Map<string, { streamId: number; priorityId: number | null; serviceId: number | null }>()
  const quarterly = new Map<string, { actual: Pence[]; forecast: Pence[]; illustrative: boolean }>()
  const quartersWithActuals = new Set<string>()
  for (const entry of rows.spend) {
    const quarter = quarterOf(entry.period, year)
    if (quarter === null) continue
    const priorityId = priorityOf(entry.priorityId, entry.serviceId)
    const lineKey = `${entry.streamId}/${priorityId ?? ''}/${entry.serviceId ?? ''}`
    lines.set(lineKey, { streamId: entry.streamId, priorityId, serviceId: entry.serviceId })
    const cellKey = `${lineKey}/${quarter}`
    let cell = quarterly.get(cellKey)
    if (!cell) quarterly.set(cellKey, (cell = { actual: [], forecast: [], illustrative: false }))
    cell[entry.kind].push(entry.amountPence)
    cell.illustrative ||= entry.illustrative
    if (entry.kind === 'actual') quartersWithActuals.add(quarter)
  }
  for (const [lineKey, where] of lines) {
    const targets = [accumulatorIn(byStream, where.streamId), accumulatorIn(byPriority, where.priorityId)]
    if (where.serviceId !== null) {
      targets.push(accumulatorIn(byService, where.serviceId))
      if (!servicePriority.has(where.serviceId)) servicePriority.set(where.serviceId, where.priorityId)
    }
    for (const quarter of QUARTERS) {
      const cell = quarterly.get(`${lineKey}/${quarter}`)
      if (!cell) continue
      const actual = cell.actual.length > 0 ? sumPence(cell.actual) : null
      const outturn = actual ?? sumPence(cell.forecast)
      for (const acc of targets) {
        if (actual !== null) acc.spent.push(actual)
        acc.outturn.push(outturn)
        acc.illustrative ||= cell.illustrative
      }
    }
  }

  const final = quartersWithActuals.size === QUARTERS.length
  const findings: BudgetFinding[] = []

  const streams: StreamYear[] = rows.streams
    .map((stream) => {
      const awards = rows.awards.filter((a) => a.streamId === stream.id && a.year === year)
      const carriedIn = rows.carryForwards.filter((c) => c.streamId === stream.id && c.intoYear === year)
      const carriedOut = rows.carryForwards.filter(
        (c) => c.streamId === stream.id && c.intoYear === nextFinancialYear(year),
      )
      const acc = byStream.get(stream.id) ?? emptyAccumulator()
      const money = line(acc)
      const income = sumPence(awards.map((a) => a.awardedPence))
      const carryForwardIn = sumPence(carriedIn.map((c) => c.amountPence))
      const budget = income + carryForwardIn
      const leftToCarryForward = budget - (final ? money.spent : money.forecastOutturn)
      return {
        stream,
        ...money,
        illustrative: money.illustrative || awards.some((a) => a.illustrative) || carriedIn.some((c) => c.illustrative),
        income,
        received: sumPence(awards.map((a) => a.receivedPence)),
        carryForwardIn,
        budget,
        unallocated: budget - money.allocated,
        leftToCarryForward,
        carryForwardOutAgreed: carriedOut.length > 0 ? sumPence(carriedOut.map((c) => c.amountPence)) : null,
      }
    })
    // A stream with nothing in the year is not part of the year's budget.
    .filter((s) => s.income !== 0 || s.carryForwardIn !== 0 || s.allocated !== 0 || s.forecastOutturn !== 0)

  for (const s of streams) {
    if (s.allocated > s.budget)
      findings.push({ kind: 'allocations-exceed-budget', stream: s.stream, budget: s.budget, allocated: s.allocated })
    if (s.spent > s.budget)
      findings.push({ kind: 'spend-exceeds-budget', stream: s.stream, budget: s.budget, spent: s.spent })
    if (s.carryForwardOutAgreed !== null && s.carryForwardOutAgreed > s.leftToCarryForward)
      findings.push({
        kind: 'carry-forward-agreed-exceeds-left',
        stream: s.stream,
        agreed: s.carryForwardOutAgreed,
        left: s.leftToCarryForward,
      })
  }

  const commitmentsByService = new Map<number, BudgetCommitment[]>()
  for (const commitment of rows.commitments) {
    if (commitment.year !== year) continue
    const list = commitmentsByService.get(commitment.serviceId)
    if (list) list.push(commitment)
    else commitmentsByService.set(commitment.serviceId, [commitment])
  }
  const services: ServiceYear[] = rows.services
    .filter((service) => byService.has(service.id) || commitmentsByService.has(service.id))
    .map((service) => {
      const acc = byService.get(service.id) ?? emptyAccumulator()
      const commitments = commitmentsByService.get(service.id) ?? []
      const money = line(acc)
      return {
        service,
        priorityId: service.priorityId ?? servicePriority.get(service.id) ?? null,
        ...money,
        illustrative: money.illustrative || commitments.some((c) => c.illustrative),
        committed: sumPence(commitments.map((c) => c.amountPence)),
        remaining: money.allocated - money.spent,
      }
    })
  for (const s of services) {
    if (s.spent > s.allocated)
      findings.push({ kind: 'spend-exceeds-allocation', service: s.service, allocated: s.allocated, spent: s.spent })
    else if (s.forecastOutturn > s.allocated)
      findings.push({
        kind: 'forecast-exceeds-allocation',
        service: s.service,
        allocated: s.allocated,
        forecastOutturn: s.forecastOutturn,
      })
  }

  const prioritiesInOrder = [...rows.priorities].sort((a, b) => a.position - b.position || a.id - b.id)
  const priorities: PriorityYear[] = [...prioritiesInOrder.map((p) => p.id), null]
    .filter((id) => byPriority.has(id) || services.some((s) => s.priorityId === id))
    .map((id) => ({
      priority: id === null ? null : (prioritiesInOrder.find((p) => p.id === id) ?? null),
      ...line(byPriority.get(id) ?? emptyAccumulator()),
      services: services.filter((s) => s.priorityId === id),
    }))
  for (const p of priorities) {
    if (p.spent > p.allocated)
      findings.push({
        kind: 'priority-spend-exceeds-allocation',
        priority: p.priority,
        allocated: p.allocated,
        spent: p.spent,
      })
  }

  const income = sumPence(streams.map((s) => s.income))
  const carryForwardIn = sumPence(streams.map((s) => s.carryForwardIn))
  const budget = income + carryForwardIn
  const allocated = sumPence(streams.map((s) => s.allocated))
  if (streams.length > 1 && allocated > budget)
    findings.push({ kind: 'allocations-exceed-total-budget', budget, allocated })
  for (const s of streams)
    if (s.leftToCarryForward > 0)
      findings.push({ kind: 'left-to-carry-forward', stream: s.stream, left: s.leftToCarryForward, final })

  return {
    year,
    income,
    received: sumPence(streams.map((s) => s.received)),
    carryForwardIn,
    budget,
    allocated,
    committed: sumPence(services.map((s) => s.committed)),
    spent: sumPence(streams.map((s) => s.spent)),
    forecastOutturn: sumPence(streams.map((s) => s.forecastOutturn)),
    unallocated: budget - allocated,
    leftToCarryForward: sumPence(streams.map((s) => s.leftToCarryForward)),
    illustrative: streams.some((s) => s.illustrative),
    quartersWithActuals: quartersWithActuals.size,
    streams,
    priorities,
    services,
    findings,
  }
}

const money = (pence: Pence) => formatMoney(pence)
const priorityName = (p: BudgetPriority | null) => (p ? p.name : 'money tied to no priority')

/** The reconciliation in words, one sentence a finding, problems first. */
export function reconciliationSentences(budget: YearBudget): string[] {
  const sentences: string[] = []
  for (const f of budget.findings) {
    switch (f.kind) {
      case 'allocations-exceed-budget':
        sentences.push(
          `${f.stream.name}: allocations of ${money(f.allocated)} exceed the budget of ${money(f.budget)} by ${money(f.allocated - f.budget)}.`,
        )
        break
      case 'allocations-exceed-total-budget':
        sentences.push(
          `Allocations of ${money(f.allocated)} exceed the year's budget of ${money(f.budget)} by ${money(f.allocated - f.budget)}.`,
        )
        break
      case 'spend-exceeds-budget':
        sentences.push(
          `${f.stream.name}: spend of ${money(f.spent)} exceeds the budget of ${money(f.budget)} by ${money(f.spent - f.budget)}.`,
        )
        break
      case 'spend-exceeds-allocation':
        sentences.push(
          `${f.service.title}: spend of ${money(f.spent)} exceeds its allocation of ${money(f.allocated)} by ${money(f.spent - f.allocated)}.`,
        )
        break
      case 'forecast-exceeds-allocation':
        sentences.push(
          `${f.service.title}: the forecast outturn of ${money(f.forecastOutturn)} would exceed its allocation of ${money(f.allocated)} by ${money(f.forecastOutturn - f.allocated)}.`,
        )
        break
      case 'priority-spend-exceeds-allocation':
        sentences.push(
          `${capitalise(priorityName(f.priority))}: spend of ${money(f.spent)} exceeds the ${money(f.allocated)} allocated by ${money(f.spent - f.allocated)}.`,
        )
        break
      case 'carry-forward-agreed-exceeds-left':
        sentences.push(
          `${f.stream.name}: the carry-forward agreed into next year, ${money(f.agreed)}, is more than the ${money(f.left)} left.`,
        )
        break
      case 'left-to-carry-forward':
        break
    }
  }
  for (const f of budget.findings) {
    if (f.kind !== 'left-to-carry-forward') continue
    sentences.push(
      f.final
        ? `${f.stream.name}: ${money(f.left)} is left to carry forward.`
        : `${f.stream.name}: ${money(f.left)} is forecast to be left to carry forward (not every quarter's spend is in yet).`,
    )
  }
  if (sentences.length === 0) sentences.push('Allocations are within the budget and spend is within every allocation.')
  return sentences
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * How the year's budget is made, in words: "The 2018/19 budget is £378,430: income £339,995 + carry-forward £38,435."
 * What a narrative or an import that states the budget is compared with.
 */
export function budgetSentence(budget: YearBudget): string {
  const label = `${budget.year.slice(2, 6)}/${budget.year.slice(7, 9)}`
  const parts = [`income ${money(budget.income)}`]
  if (budget.carryForwardIn !== 0) parts.push(`carry-forward ${money(budget.carryForwardIn)}`)
  return `The ${label} budget is ${money(budget.budget)}: ${parts.join(' + ')}.`
}
