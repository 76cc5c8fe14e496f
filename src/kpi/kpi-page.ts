import { lineChart } from '../charts/line-chart.ts'
import { figureLabel } from '../charts/svg.ts'
import { periodKindOf } from '../domain/aggregation.ts'
import { baselineDisplay } from '../domain/build-performance-report.ts'
import { controlChart, MINIMUM_CONTROL_POINTS, shownLowerLimit, type ControlChart } from '../domain/control-limits.ts'
import type { Baseline, Indicator, IndicatorValue } from '../domain/indicator.ts'
import { comparePeriods, parsePeriod, period, type Period } from '../domain/period.ts'
import { displayValue } from '../domain/value-display.ts'
import { tableToCsv } from '../reports/csv.ts'
import type { ExportTable } from '../reports/export-tables.ts'

/** One stored figure of the KPI, as the page's table and CSV list it. */
export interface KpiPoint {
  readonly period: string
  readonly label: string
  readonly status: IndicatorValue['status']
  readonly display: string
  /** The number charted: the count, or the percentage of a proportion; null when absent. */
  readonly number: number | null
  readonly value: number | null
  readonly numerator: number | null
  readonly denominator: number | null
  readonly percent: number | null
  readonly reason: string | null
}

export interface KpiPage {
  readonly indicator: Indicator
  readonly points: readonly KpiPoint[]
  /** The SVG (built and escaped by src/charts), or null when nothing can be drawn. */
  readonly chart: string | null
  readonly chartSummary: string
  readonly hasControlLimits: boolean
  /** The XmR limits drawn (the domain's `controlChart` over every figure of the KPI's cadence), or null. */
  readonly control: ControlChart | null
  /** The limits as the chart labels them, for the figures' table; null when none are drawn. */
  readonly limitsDisplay: { readonly mean: string; readonly lower: string; readonly upper: string } | null
  readonly baselines: readonly {
    readonly yearLabel: string
    readonly display: string
    readonly source: string
    readonly note: string | null
  }[]
  readonly commentary: readonly { readonly label: string; readonly text: string }[]
}

/**
 * The KPI page's content from the indicator's stored values and baselines: every period of its cadence, oldest
 * first, as a chart (with XmR control limits once there are 13 or more figures), a table, and the commentary and
 * baseline histories, newest first.
 */
export function buildKpiPage(
  indicator: Indicator,
  values: readonly IndicatorValue[],
  baselines: readonly Baseline[],
): KpiPage {
  const kind = periodKindOf(indicator.cadence)
  const own = values
    .filter((v) => v.indicatorId === indicator.id)
    .map((v) => ({ v, p: parsePeriod(v.period) }))
    .filter((x): x is { v: IndicatorValue; p: Period } => x.p !== null)
  const series = own.filter((x) => x.p.kind === kind).sort((a, b) => comparePeriods(a.p, b.p))
  const points: KpiPoint[] = series.map(({ v, p }) => {
    const shown = displayValue(indicator, p.id, v)
    return {
      period: p.id,
      label: p.label,
      status: v.status,
      display: shown.display,
      number: shown.number,
      value: v.value,
      numerator: v.numerator,
      denominator: v.denominator,
      percent: v.percent,
      reason: v.reason,
    }
  })
  const numbers = points.filter((p) => p.number !== null)
  // The same limits as the report's chart and the returns' plausibility check: one function, one series.
  const limits = controlChart(indicator, values)
  const percent = indicator.measureType === 'proportion'
  const fmt = figureLabel(percent)
  const first = numbers[0]
  const last = numbers[numbers.length - 1]
  const chartSummary =
    first === undefined || last === undefined
      ? 'No figures to chart.'
      : `${numbers.length} figures from ${first.label} (${fmt(first.number as number)}) to ${last.label} (${fmt(last.number as number)})` +
        (limits
          ? `; mean ${fmt(limits.mean)}, control limits ${fmt(shownLowerLimit(limits))} to ${fmt(limits.upper)}.`
          : // Making Data Count's minimum: limits from fewer points move too much to say what is unusual.
            `. Control limits are not drawn: they need at least ${MINIMUM_CONTROL_POINTS} figures, and there ${numbers.length === 1 ? 'is 1' : `are ${numbers.length}`}.`)
  const chart =
    numbers.length === 0
      ? null
      : lineChart({
          id: `kpi-${indicator.id}-chart`,
          title: `${indicator.name} by period`,
          description: chartSummary,
          points: points.map((p) => ({ label: shortLabel(p.period), value: p.number })),
          ...(limits
            ? { controlLimits: { mean: limits.mean, upper: limits.upper, lower: shownLowerLimit(limits) } }
            : {}),
          ...(percent ? { numberLabel: fmt } : {}),
          width: 640,
          height: 240,
        })
  const commentary = own
    .filter(({ v }) => (v.commentary ?? '').trim() !== '')
    .sort((a, b) => comparePeriods(b.p, a.p))
    .map(({ v, p }) => ({ label: p.label, text: (v.commentary as string).trim() }))
  const history = baselines
    .filter((b) => b.indicatorId === indicator.id)
    .sort((a, b) => b.year.localeCompare(a.year))
    .map((b) => ({
      yearLabel: period(b.year).label,
      display: baselineDisplay(indicator, b),
      source: b.source === 'fixed' ? 'Fixed' : 'Previous year’s outturn',
      note: b.note ?? null,
    }))
  return {
    indicator,
    points,
    chart,
    chartSummary,
    hasControlLimits: limits !== null,
    control: limits,
    limitsDisplay: limits
      ? { mean: fmt(limits.mean), lower: fmt(shownLowerLimit(limits)), upper: fmt(limits.upper) }
      : null,
    baselines: history,
    commentary,
  }
}

function shortLabel(id: string): string {
  const p = parsePeriod(id)
  if (!p) return id
  if (p.kind === 'quarter')
    return `Q${p.index} ${String(p.financialYear).slice(2)}/${String(p.financialYear + 1).slice(2)}`
  return p.label
}

/** The KPI's stored figures as CSV, the same numbers as the page's table. */
export function kpiCsv(page: KpiPage): string {
  const col = (header: string, description: string, format: 'text' | 'number' | 'percent' = 'text') => ({
    header,
    description,
    format,
    width: 14,
  })
  const table: ExportTable = {
    name: page.indicator.name,
    columns: [
      col('KPI id', 'Stable code of the KPI'),
      col('Period', 'Period id'),
      col('Period label', 'As printed'),
      col('Status', 'reported, or why there is no figure'),
      col('Value', 'The count (count, stock, count-with-share)', 'number'),
      col('Numerator', 'Proportion or share numerator', 'number'),
      col('Denominator', 'Proportion denominator', 'number'),
      col('Percent', 'Percentage as published, where its counts are not available', 'percent'),
      col('Shown as', 'As the report prints it'),
      col('Reason', 'Why a figure is absent'),
    ],
    rows: page.points.map((p) => [
      page.indicator.id,
      p.period,
      p.label,
      p.status,
      p.value,
      p.numerator,
      p.denominator,
      p.percent,
      p.display,
      p.reason,
    ]),
  }
  return tableToCsv(table)
}
