import { formatMoney } from '../domain/money.ts'
import { OUTCOME_WORDS, readKpi, summariseKpis, type KpiSummary } from '../domain/kpi-summary.ts'
import type { IndicatorRow, Outcome, PerformanceReport } from '../domain/performance-report.ts'
import type { ActionStatus, PriorityKind } from './plan-tables.ts'
import type { KpiLinkRow } from './strategy-repository.ts'
import { yearLabel, type StrategyDetail } from './strategy-service.ts'

/** The words a page prints for an action's status. */
export const ACTION_STATUS_WORDS: Readonly<Record<ActionStatus, string>> = Object.freeze({
  'not-started': 'Not started',
  'on-track': 'On track',
  'at-risk': 'At risk',
  'off-track': 'Off track',
  complete: 'Complete',
  cancelled: 'Cancelled',
})
const ACTION_STATUSES = Object.keys(ACTION_STATUS_WORDS) as ActionStatus[]

/** Money for one priority in one year, from the budget (src/domain/budget.ts), when it is known. */
export interface PriorityMoney {
  readonly allocatedPence: number
  readonly spentPence: number
  readonly services: number
  /** Some of the figures are illustrative (demo figures the seed does not give). */
  readonly illustrative: boolean
}

export interface OverviewKpi {
  readonly id: string
  readonly name: string
  readonly outturn: string
  readonly outcome: Outcome
  readonly outcomeWords: string
  /** The delivery priority the KPI is linked to, if any. */
  readonly delivery: string | null
}

export interface OverviewPriority {
  readonly id: number
  readonly name: string
  readonly kind: PriorityKind
  readonly description: string | null
  readonly years: readonly { readonly year: string; readonly label: string; readonly items: readonly string[] }[]
  /** Its KPIs with the report year's outcome (the report's judgement, never recomputed). */
  readonly kpis: readonly OverviewKpi[]
  /** Linked KPIs that have no row in the report's year (no figures that year). */
  readonly kpisWithoutFigures: readonly string[]
  readonly summary: KpiSummary
  readonly actions: readonly { readonly status: ActionStatus; readonly words: string; readonly count: number }[]
  readonly actionTotal: number
  /** As the page prints it ("£378,430"), with the pence kept. */
  readonly money: (PriorityMoney & { readonly allocated: string; readonly spent: string }) | null
  /** The services commissioned for it (any status; shown to those who may read the money). */
  readonly services: readonly { readonly reference: string; readonly title: string; readonly status: string }[]
}

export interface StrategyOverview {
  readonly detail: StrategyDetail
  readonly yearLabels: readonly { readonly year: string; readonly label: string }[]
  readonly reportYearLabel: string | null
  readonly strategic: readonly OverviewPriority[]
  readonly statutory: readonly OverviewPriority[]
}

/**
 * A strategy as the plan's pages show it, per priority: its delivery priorities per year, its KPIs with the latest
 * report's outcome (read from the report's own rows: the judgement is the report's, as on the dashboard), a count of
 * its actions by status (only those `actionCounts` was asked for: a data owner's agency's), and its money for the year
 * when the budget gives it. Pure: the caller reads.
 *
 * @example buildStrategyOverview({ detail, report, links, actionCounts: [], money: () => null })
 */
export function buildStrategyOverview(input: {
  readonly detail: StrategyDetail
  readonly report: PerformanceReport | null
  readonly links: readonly KpiLinkRow[]
  readonly actionCounts: readonly {
    readonly priorityId: number
    readonly status: ActionStatus
    readonly count: number
  }[]
  readonly money: (priorityId: number) => PriorityMoney | null
  /** The services commissioned for the strategy's priorities (empty for those who may not read the money). */
  readonly services?: readonly {
    readonly priorityId: number
    readonly reference: string
    readonly title: string
    readonly status: string
  }[]
  /** KPI names, for linked KPIs the report's year does not hold. */
  readonly kpiNames: ReadonlyMap<string, string>
}): StrategyOverview {
  const { detail, report } = input
  const rows = new Map<string, IndicatorRow>()
  for (const theme of report?.themes ?? []) for (const row of theme.rows) rows.set(row.indicator.id, row)
  const deliveryName = new Map(detail.priorities.flatMap((p) => p.delivery.map((d) => [d.id, d.name] as const)))

  const priorities = detail.priorities.map((p): OverviewPriority => {
    const linked = input.links.filter((l) => l.strategic_priority_id === p.id)
    const withRows = linked.flatMap((l) => {
      const row = rows.get(l.indicator_id)
      return row ? [{ link: l, row }] : []
    })
    const counts = input.actionCounts.filter((c) => c.priorityId === p.id)
    const actions = ACTION_STATUSES.map((status) => ({
      status,
      words: ACTION_STATUS_WORDS[status],
      count: counts.filter((c) => c.status === status).reduce((n, c) => n + c.count, 0),
    }))
    return {
      id: p.id,
      name: p.name,
      kind: p.kind,
      description: p.description,
      years: detail.years.map((year) => ({
        year,
        label: yearLabel(year),
        items: p.delivery.filter((d) => d.year === year).map((d) => d.name),
      })),
      kpis: withRows.map(({ link, row }) => {
        const reading = readKpi(row)
        return {
          id: reading.id,
          name: reading.name,
          outturn: row.outturn.display,
          outcome: reading.outcome,
          outcomeWords: OUTCOME_WORDS[reading.outcome],
          delivery: link.delivery_priority_id === null ? null : (deliveryName.get(link.delivery_priority_id) ?? null),
        }
      }),
      kpisWithoutFigures: linked
        .filter((l) => !rows.has(l.indicator_id))
        .map((l) => input.kpiNames.get(l.indicator_id) ?? l.indicator_id),
      summary: summariseKpis(withRows.map((w) => w.row)),
      actions,
      actionTotal: actions.reduce((n, a) => n + a.count, 0),
      money: moneyText(input.money(p.id)),
      services: (input.services ?? [])
        .filter((service) => service.priorityId === p.id)
        .map(({ reference, title, status }) => ({ reference, title, status })),
    }
  })
  return {
    detail,
    yearLabels: detail.years.map((year) => ({ year, label: yearLabel(year) })),
    reportYearLabel: report?.yearLabel ?? null,
    strategic: priorities.filter((p) => p.kind === 'strategic'),
    statutory: priorities.filter((p) => p.kind === 'statutory'),
  }
}

function moneyText(money: PriorityMoney | null) {
  return money === null
    ? null
    : { ...money, allocated: formatMoney(money.allocatedPence), spent: formatMoney(money.spentPence) }
}
