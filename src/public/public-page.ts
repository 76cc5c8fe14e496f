import { barChart } from '../charts/bar-chart.ts'
import { lineChart } from '../charts/line-chart.ts'
import { chartId, figureLabel } from '../charts/svg.ts'
import { OUTCOMES, OUTCOME_WORDS, REAL_CHANGE_WORDS, TREND_WORDS, type KpiSummary } from '../domain/kpi-summary.ts'
import { OUTCOME_TAG, REAL_CHANGE_TAG, TREND_TAG } from '../reports/outcome-tags.ts'
import type { PublicFigure, PublicKpi, PublicReport } from './public-report.ts'

/**
 * What the public page prints, worked out from the public report (the protected figures only): a summary in plain
 * words first, the themes as headings with a contents list, and each KPI with its outcome in the report's colours
 * and words, its year and change as numbers, and a chart drawn from the same published figures as the table beside
 * it. Nothing here reads the internal report: a withheld figure is a gap in the chart as it is "[c]" in the table.
 */

export interface PublicKpiView {
  readonly kpi: PublicKpi
  readonly anchor: string
  readonly outcomeTag: string
  readonly realChangeWords: string | null
  readonly realChangeTag: string | null
  readonly trendWords: string
  readonly trendTag: string
  readonly chart: string | null
}

export interface PublicThemeView {
  readonly theme: string
  readonly anchor: string
  readonly kpis: readonly PublicKpiView[]
}

export interface PublicPageView {
  readonly summary: KpiSummary | null
  readonly summarySentences: readonly string[]
  /** The outcomes as a bar chart, with `outcomeRows` as its table. */
  readonly outcomeChart: string | null
  readonly outcomeRows: readonly { readonly words: string; readonly tag: string; readonly count: number }[]
  readonly themes: readonly PublicThemeView[]
}

/** The figure a chart draws for a published cell: the count, percentage or rate; null (a gap) when withheld. */
function chartValue(kpi: PublicKpi, figure: PublicFigure): number | null {
  if (figure.suppressed) return null
  switch (kpi.measureType) {
    case 'proportion':
      return figure.percent
    case 'rate':
      return figure.rate
    case 'text':
      return null
    default:
      return figure.count
  }
}

function kpiChart(report: PublicReport, kpi: PublicKpi, anchor: string): string | null {
  const last = kpi.lastYear.periods
  const current = kpi.thisYear.periods
  const points = [...last, ...current].map((f) => ({ label: shortLabel(f.label), value: chartValue(kpi, f) }))
  if (points.every((p) => p.value === null) || points.length < 2) return null
  const listed = (year: string, figures: readonly PublicFigure[]) =>
    `${year}: ${figures.map((f) => `${f.label} ${f.display}`).join(', ')}`
  const percent = kpi.measureType === 'proportion'
  return lineChart({
    id: `${anchor}-chart`,
    title: `${kpi.name}: ${report.previousYearLabel} and ${report.yearLabel} by period`,
    description: `${listed(report.previousYearLabel, last)}. ${listed(report.yearLabel, current)}. Withheld figures are gaps.`,
    points,
    bands: [
      { label: report.previousYearLabel, from: 0, to: last.length - 1 },
      { label: report.yearLabel, from: last.length, to: last.length + current.length - 1 },
    ],
    numberLabel: figureLabel(percent),
  })
}

/** "2017/18 Q1" → "Q1", "April 2017" → "Apr": a label that fits under a small chart. */
function shortLabel(label: string): string {
  const quarter = /\bQ(\d)$/.exec(label)
  if (quarter) return `Q${quarter[1]}`
  const month = /^([A-Z][a-z]{2})[a-z]* \d{4}$/.exec(label)
  return month ? (month[1] as string) : label
}

/**
 * The public page's view of a published year.
 *
 * @example publicPageView(report).summarySentences[0] // 'Of 11 KPIs in 2017/18, 4 achieved their outcome, …'
 */
export function publicPageView(report: PublicReport): PublicPageView {
  const summary = report.summary ?? null
  const themes: { theme: string; anchor: string; kpis: PublicKpiView[] }[] = []
  const used = new Set<string>()
  for (const kpi of report.kpis) {
    let section = themes.find((t) => t.theme === kpi.theme)
    if (section === undefined) {
      section = { theme: kpi.theme, anchor: `theme-${themes.length + 1}`, kpis: [] }
      themes.push(section)
    }
    let anchor = `kpi-${chartId(kpi.id)}`
    for (let n = 2; used.has(anchor); n++) anchor = `kpi-${chartId(kpi.id)}-${n}`
    used.add(anchor)
    section.kpis.push({
      kpi,
      anchor,
      outcomeTag: kpi.outcome === undefined ? 'govuk-tag--grey' : OUTCOME_TAG[kpi.outcome],
      realChangeWords: kpi.realChange === undefined ? null : REAL_CHANGE_WORDS[kpi.realChange],
      realChangeTag: kpi.realChange === undefined ? null : REAL_CHANGE_TAG[kpi.realChange],
      trendWords: TREND_WORDS[kpi.trend],
      trendTag: TREND_TAG[kpi.trend],
      chart: kpiChart(report, kpi, anchor),
    })
  }
  const outcomeRows = summary
    ? OUTCOMES.filter((o) => summary.outcomes[o] > 0 || o === 'achieved' || o === 'not-achieved').map((o) => ({
        words: OUTCOME_WORDS[o],
        tag: OUTCOME_TAG[o],
        count: summary.outcomes[o],
      }))
    : []
  return {
    summary,
    summarySentences: report.summarySentences ?? [],
    outcomeChart:
      summary === null
        ? null
        : barChart({
            id: 'public-outcomes',
            title: `Outcomes of the ${summary.kpis} KPIs in ${report.yearLabel}`,
            description: outcomeRows.map((r) => `${r.words}: ${r.count}`).join('; '),
            bars: outcomeRows.map((r) => ({ label: r.words, value: r.count })),
          }),
    outcomeRows,
    themes,
  }
}
