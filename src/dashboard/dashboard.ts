import type { IndicatorRow, PerformanceReport } from '../domain/performance-report.ts'

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
  readonly latestDisplay: string
  readonly outcomeLabel: string
  readonly outcome: IndicatorRow['outcome']
  readonly targetLabel: string | null
  readonly targetOutcome: IndicatorRow['targetOutcome']
  /** "within normal variation", "a real increase", … or null when no test applies. */
  readonly significance: string | null
  readonly trendAssessment: IndicatorRow['trend']['assessment']
  readonly trendDescription: string
}

export interface DashboardCounts {
  readonly shown: number
  readonly improving: number
  readonly worsening: number
  /** KPIs whose change on last year is within normal variation (tested, and not significant). */
  readonly withinNormalVariation: number
}

export interface Dashboard {
  readonly yearLabel: string
  readonly filters: Required<DashboardFilters>
  readonly options: { readonly priorities: string[]; readonly themes: string[]; readonly dataOwners: string[] }
  readonly rows: DashboardRow[]
  readonly counts: DashboardCounts
}

/**
 * The dashboard over one year's performance report: every KPI with its latest figure, outcome, significance and
 * trend, narrowed by priority, theme and data owner, with counts of the KPIs shown that are improving, worsening
 * and within normal variation. Pure: the report comes from `buildPerformanceReport`.
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
  const rows = all
    .filter(
      (r) =>
        (wanted.priority === '' || r.indicator.priority === wanted.priority) &&
        (wanted.theme === '' || r.indicator.theme === wanted.theme) &&
        (wanted.dataOwner === '' || r.indicator.dataOwner === wanted.dataOwner),
    )
    .map(dashboardRow)
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
    counts: {
      shown: rows.length,
      improving: rows.filter((r) => r.trendAssessment === 'improving').length,
      worsening: rows.filter((r) => r.trendAssessment === 'worsening').length,
      withinNormalVariation: rows.filter((r) => r.significance === 'within normal variation').length,
    },
  }
}

function dashboardRow(row: IndicatorRow): DashboardRow {
  let latest: { label: string; display: string } | null = null
  for (const p of row.periods) {
    if (p.thisYear.status === 'reported') latest = { label: p.thisYear.periodLabel, display: p.thisYear.display }
  }
  return {
    id: row.indicator.id,
    name: row.indicator.name,
    priority: row.indicator.priority,
    theme: row.indicator.theme,
    dataOwner: row.indicator.dataOwner,
    latestPeriod: latest?.label ?? null,
    latestDisplay: latest?.display ?? 'not available',
    outcomeLabel: row.outcomeLabel,
    outcome: row.outcome,
    targetLabel: row.targetLabel,
    targetOutcome: row.targetOutcome,
    significance: row.significance === null ? null : withinOrReal(row.significance),
    trendAssessment: row.trend.assessment,
    trendDescription: row.trend.description,
  }
}

function withinOrReal(significance: NonNullable<IndicatorRow['significance']>): string {
  return significance.significant ? significance.reading : 'within normal variation'
}
