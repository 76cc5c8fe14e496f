import { sparkline } from '../charts/kpi-icons.ts'
import { defaultNumberLabel } from '../charts/svg.ts'
import {
  latestPeriodHeading,
  outturnWithChange,
  summariseKpis,
  type KpiSummary,
  type RealChange,
} from '../domain/kpi-summary.ts'
import type { IndicatorRow, PerformanceReport } from '../domain/performance-report.ts'
import { parsePeriod } from '../domain/period.ts'
import { formatPercent } from '../domain/rounding.ts'
import { kpiMarks, OUTCOME_TAG } from '../reports/outcome-tags.ts'
import { significanceDetail } from '../reports/html.ts'

/** The dashboard's filters, as the GET form sends them; an empty or absent field means "all". */
export interface DashboardFilters {
  readonly priority?: string
  readonly theme?: string
  readonly dataOwner?: string
}

/** One KPI as the dashboard lists it. */
export interface DashboardRow {
  readonly id: string
  readonly name: string
  readonly priority: string
  readonly theme: string
  readonly dataOwner: string
  /** The latest period of the year with a figure, e.g. "2017/18 Q4", and the figure as the report prints it. */
  readonly latestPeriod: string | null
  /** "Latest quarter", "Latest month": the latest figure is one period, never the year. */
  readonly latestHeading: string
  readonly latestDisplay: string
  /** The year's outturn and its change on last year as numbers: "221, up 30 (+15.7%) on 2016/17". */
  readonly yearFigure: string
  readonly outcomeLabel: string
  readonly outcome: IndicatorRow['outcome']
  /** The report's colour for the outcome (a GOV.UK tag class); the label always says it in words too. */
  readonly outcomeTag: string
  readonly targetLabel: string | null
  readonly targetOutcome: IndicatorRow['targetOutcome']
  /** What the year-on-year test says, read against the preferred direction (the summary's own reading). */
  readonly realChange: RealChange
  readonly realChangeWords: string
  readonly realChangeTag: string
  /** The test behind `realChange`: "p = 0.153, exact test of two counts", or null when no test applies. */
  readonly significance: string | null
  readonly trendAssessment: IndicatorRow['trend']['assessment']
  readonly trendWords: string
  readonly trendTag: string
  readonly trendDescription: string
  /** Making Data Count's icons (inline SVG with their words), null without a control chart or a comparable target. */
  readonly variation: { readonly icon: string; readonly words: string } | null
  readonly assurance: { readonly icon: string; readonly words: string } | null
  /** The KPI's figures over the trend's periods as a small line; its accessible name lists them. */
  readonly sparkline: string | null
}

export interface DashboardCounts {
  readonly shown: number
}

export interface Dashboard {
  readonly yearLabel: string
  readonly filters: Required<DashboardFilters>
  readonly options: { readonly priorities: string[]; readonly themes: string[]; readonly dataOwners: string[] }
  readonly rows: DashboardRow[]
  readonly counts: DashboardCounts
  /**
   * The KPIs shown, counted by the one summary (src/domain/kpi-summary.ts) the report and the public page use:
   * unfiltered, its counts are the report's.
   */
  readonly summary: KpiSummary
}

/**
 * The dashboard over one year's performance report: every KPI with its year figure and change, latest figure,
 * outcome, real change and trend, narrowed by priority, theme and data owner, with the KPIs shown counted by the one
 * summary: each once by outcome, once by real change and once by trend (issue 9: "improving" and "worsening" came
 * from the trend test and "within normal variation" from the year-on-year test, so KPIs fell between them). Pure: the
 * report comes from `buildPerformanceReport`.
 *
 * @example buildDashboard(report, { dataOwner: 'YOT' }).counts.shown // 2 in the demo data
 */
export function buildDashboard(report: PerformanceReport, filters: DashboardFilters = {}): Dashboard {
  const all = report.themes.flatMap((t) => t.rows)
  const wanted = {
    priority: filters.priority?.trim() ?? '',
    theme: filters.theme?.trim() ?? '',
    dataOwner: filters.dataOwner?.trim() ?? '',
  }
  const chosen = all.filter(
    (r) =>
      (wanted.priority === '' || r.indicator.priority === wanted.priority) &&
      (wanted.theme === '' || r.indicator.theme === wanted.theme) &&
      (wanted.dataOwner === '' || r.indicator.dataOwner === wanted.dataOwner),
  )
  const rows = chosen.map((row) => dashboardRow(row, report.previousYearLabel))
  const distinct = (pick: (r: IndicatorRow) => string) => [...new Set(all.map(pick))].sort((a, b) => a.localeCompare(b))
  return {
    yearLabel: report.yearLabel,
    filters: wanted,
    options: {
      priorities: distinct((r) => r.indicator.priority),
      themes: distinct((r) => r.indicator.theme),
      dataOwners: distinct((r) => r.indicator.dataOwner),
    },
    rows,
    counts: { shown: rows.length },
    summary: summariseKpis(chosen),
  }
}

function dashboardRow(row: IndicatorRow, previousYearLabel: string): DashboardRow {
  let latest: { period: string; label: string; display: string } | null = null
  for (const p of row.periods) {
    if (p.thisYear.status === 'reported')
      latest = { period: p.thisYear.period, label: p.thisYear.periodLabel, display: p.thisYear.display }
  }
  const marks = kpiMarks(row)
  return {
    id: row.indicator.id,
    name: row.indicator.name,
    priority: row.indicator.priority,
    theme: row.indicator.theme,
    dataOwner: row.indicator.dataOwner,
    latestPeriod: latest?.label ?? null,
    latestHeading: latest === null ? 'Latest period' : latestPeriodHeading(latest.period),
    latestDisplay: latest?.display ?? 'not available',
    yearFigure: outturnWithChange(row, previousYearLabel),
    outcomeLabel: row.outcomeLabel,
    outcome: row.outcome,
    outcomeTag: OUTCOME_TAG[row.outcome],
    targetLabel: row.targetLabel,
    targetOutcome: row.targetOutcome,
    realChange: marks.realChange.key,
    realChangeWords: marks.realChange.words,
    realChangeTag: marks.realChange.tag,
    significance: row.significance === null ? null : significanceDetail(row.significance),
    trendAssessment: marks.trend.key,
    trendWords: marks.trend.words,
    trendTag: marks.trend.tag,
    trendDescription: row.trend.description,
    variation: marks.variation,
    assurance: marks.assurance,
    sparkline: trendSparkline(row),
  }
}

/** The trend's points (up to three years of the KPI's cadence) as a sparkline, each figure named by its period. */
function trendSparkline(row: IndicatorRow): string | null {
  const percent = row.indicator.measureType === 'proportion'
  return sparkline({
    id: `spark-${row.indicator.id}`,
    name: `${row.indicator.name}, ${row.trend.points.length} figures`,
    points: row.trend.points.map((p) => ({
      label: parsePeriod(p.period)?.label ?? p.period,
      value: p.value,
      display: percent ? formatPercent(p.value) : defaultNumberLabel(p.value),
    })),
  })
}
