import type nunjucks from 'nunjucks'
import type { Change, IndicatorRow, Outcome, PerformanceReport, Significance } from '../domain/performance-report.ts'
import { financialYearId, parsePeriod, period } from '../domain/period.ts'
import { shownLowerLimit } from '../domain/control-limits.ts'
import { barChart } from '../charts/bar-chart.ts'
import { lineChart } from '../charts/line-chart.ts'
import { chartId, figureLabel } from '../charts/svg.ts'
import { formatCount, formatPercent, formatPValue } from '../domain/rounding.ts'
import { partnershipStylesheet } from '../shared/web/stylesheet.ts'
import { checkOwnerCommentary, type CommentaryFlag } from './commentary-check.ts'
import { outcomeWords } from './export-tables.ts'
import { OUTCOME_TAG, REAL_CHANGE_TAG, TREND_TAG } from './outcome-tags.ts'
import {
  REAL_CHANGE_WORDS,
  REAL_CHANGES,
  summariseReport,
  TREND_READINGS,
  TREND_WORDS,
  type KpiSummary,
} from '../domain/kpi-summary.ts'

/**
 * The performance report as HTML. One template (`performance-report.njk`) serves both the web page (inside the
 * site's layout, with download links) and the standalone file (`report --format html`, the `.html` download): a
 * self-contained page with the stylesheet inlined, no scripts and no external references, readable offline and
 * printable. Only the layout differs.
 */

/** Where the web page links to its downloads; absent in the standalone file. */
export interface ReportDownloads {
  readonly csv: string
  readonly summaryCsv: string
  readonly xlsx: string
  readonly json: string
  readonly html: string
}

/** p-values as every output prints them (one rule, in the domain's rounding module). */
export { formatPValue }

/** The govuk-tag class of an outcome, so that every page colours an outcome as the report does (beside its words). */
export function outcomeTagClass(outcome: Outcome): string {
  return OUTCOME_TAG[outcome]
}

const TEST_NAMES: Record<Significance['test'], string> = {
  'poisson-exact': 'exact test of two counts',
  'two-proportions': 'test of two proportions',
}

/** "within normal variation (p = 0.153, exact test of two counts)" */
export function significanceText(significance: Significance): string {
  return `${significance.reading} (${significanceDetail(significance)})`
}

/** "p = 0.153, exact test of two counts": the test behind a reading shown beside it in words. */
export function significanceDetail(significance: Significance): string {
  return `${formatPValue(significance.pValue)}, ${TEST_NAMES[significance.test]}`
}

/** A bare figure of the KPI's measure: a percentage for a proportion, else a number with thousands separators. */
function figureWords(row: IndicatorRow, value: number): string {
  return row.indicator.measureType === 'proportion' ? formatPercent(value) : formatCount(value)
}

/** "2017/18 Q4 on 2016/17 Q4" when the change names its periods, else the generic words. */
function latestChanges(row: IndicatorRow): { label: string; display: string }[] {
  const label = (change: Change, fallback: string) => {
    const from = change.fromPeriod === undefined ? null : parsePeriod(change.fromPeriod)
    const to = change.toPeriod === undefined ? null : parsePeriod(change.toPeriod)
    return from && to ? `${to.label} on ${from.label}` : fallback
  }
  const changes: { label: string; display: string }[] = []
  if (row.sameQuarterLastYear) {
    changes.push({
      label: label(row.sameQuarterLastYear, 'Latest period on the same period last year'),
      display: row.sameQuarterLastYear.display,
    })
  }
  if (row.quarterOnQuarter) {
    changes.push({
      label: label(row.quarterOnQuarter, 'Latest period on the one before'),
      display: row.quarterOnQuarter.display,
    })
  }
  return changes
}

/** "Quarter 1" → "Q1", "January" → "Jan"; a label that fits under a small chart. */
function axisLabel(columnLabel: string): string {
  const quarter = /^Quarter (\d)$/.exec(columnLabel)
  if (quarter) return `Q${quarter[1]}`
  return /^[A-Za-z]+$/.test(columnLabel) ? columnLabel.slice(0, 3) : columnLabel
}

/** A short axis label for a period: "Q1", "Apr–May", "Jan". */
function periodAxisLabel(id: string): string {
  const p = parsePeriod(id)
  if (!p) return id
  if (p.kind === 'quarter') return `Q${p.index}`
  if (p.kind === 'bi-month') return p.label.slice(p.label.indexOf(' ') + 1)
  if (p.kind === 'month') return p.label.slice(0, 3)
  return p.label
}

/**
 * With a long enough history (13 figures or more, as NHS England's "Making Data Count" asks), the chart shows the
 * series the row's control limits were read from (every figure of the KPI's cadence up to the end of the year) with
 * those limits, so a reader sees whether the latest figures lie outside normal variation. The limits are the report
 * model's (`row.control`), the same numbers the KPI page and the returns' plausibility check use.
 */
function controlChartSvg(row: IndicatorRow, anchor: string): string | null {
  const control = row.control
  if (control === null) return null
  const periods = control.periods
  const bands: { label: string; from: number; to: number }[] = []
  periods.forEach((id, index) => {
    const year = parsePeriod(id)?.financialYear
    const label = year === undefined ? '' : period(financialYearId(year)).label
    const last = bands[bands.length - 1]
    if (last && last.label === label) last.to = index
    else bands.push({ label, from: index, to: index })
  })
  const first = parsePeriod(periods[0] ?? '')?.label ?? ''
  const lastPoint = parsePeriod(periods[periods.length - 1] ?? '')?.label ?? ''
  const signalled = new Set(control.signals.map((s) => s.index)).size
  const percent = row.indicator.measureType === 'proportion'
  const number = figureLabel(percent)
  const lower = shownLowerLimit(control)
  return lineChart({
    id: `${anchor}-chart`,
    title: `${row.indicator.name}: ${first} to ${lastPoint}, with control limits`,
    description:
      `${row.trend.description}. ${periods.length} points from ${first} to ${lastPoint}; mean ${number(control.mean)}, ` +
      `control limits ${number(lower)} to ${number(control.upper)}; ` +
      `${signalled === 0 ? 'no point signals special-cause variation' : `${signalled} points signal special-cause variation`}.`,
    points: periods.map((id, i) => ({ label: periodAxisLabel(id), value: control.values[i] ?? null })),
    controlLimits: { mean: control.mean, upper: control.upper, lower },
    bands,
    ...(percent ? { numberLabel: number } : {}),
  })
}

function kpiChart(report: PerformanceReport, row: IndicatorRow, anchor: string): string | null {
  const control = controlChartSvg(row, anchor)
  if (control !== null) return control
  const periods = row.periods
  const points = [
    ...periods.map((p) => ({ label: axisLabel(p.label), value: p.lastYear.number })),
    ...periods.map((p) => ({ label: axisLabel(p.label), value: p.thisYear.number })),
  ]
  if (points.every((p) => p.value === null)) return null
  const percent = row.indicator.measureType === 'proportion'
  const listed = (year: string, pick: (p: IndicatorRow['periods'][number]) => { display: string }) =>
    `${year}: ${periods.map((p) => `${p.label} ${pick(p).display}`).join(', ')}`
  return lineChart({
    id: `${anchor}-chart`,
    title: `${row.indicator.name}: ${report.previousYearLabel} and ${report.yearLabel} by period`,
    description: `${row.trend.description}. ${listed(report.previousYearLabel, (p) => p.lastYear)}. ${listed(report.yearLabel, (p) => p.thisYear)}.`,
    points,
    bands: [
      { label: report.previousYearLabel, from: 0, to: periods.length - 1 },
      { label: report.yearLabel, from: periods.length, to: 2 * periods.length - 1 },
    ],
    numberLabel: figureLabel(percent),
  })
}

function summaryChart(report: PerformanceReport): string {
  const s = report.summary
  const other = s.indicators - s.achieved - s.notAchieved - s.insufficientData
  const bars = [
    { label: 'Achieved', value: s.achieved },
    { label: 'Not achieved', value: s.notAchieved },
    { label: 'Insufficient data', value: s.insufficientData },
    ...(other > 0 ? [{ label: 'Other', value: other }] : []),
  ]
  return barChart({
    id: 'summary-outcomes',
    title: `Outcomes of the ${s.indicators} KPIs in ${report.yearLabel}`,
    description: bars.map((b) => `${b.label}: ${b.value}`).join('; '),
    bars,
  })
}

/** One line of a summary table: the reading in words, its colour, and how many KPIs have it. */
export interface SummaryRow {
  readonly words: string
  readonly tag: string
  readonly count: number
}

/** What the template prints for one KPI, beside the row itself. */
export interface KpiView {
  readonly row: IndicatorRow
  readonly anchor: string
  readonly chart: string | null
  readonly outcomeTag: string
  readonly targetOutcomeTag: string | null
  readonly targetOutcomeWords: string | null
  readonly significance: string | null
  readonly nextBaseline: string | null
  /** Figures in the owner's commentary that the KPI's own numbers do not support. */
  readonly commentaryFlags: readonly CommentaryFlag[]
  /** The latest period against the same period last year and against the one before, labelled by period. */
  readonly latestChanges: readonly { readonly label: string; readonly display: string }[]
}

export interface ReportView {
  readonly report: PerformanceReport
  /** The one summary the dashboard and the public page count with (src/domain/kpi-summary.ts). */
  readonly kpiSummary: KpiSummary
  readonly changeRows: readonly SummaryRow[]
  readonly trendRows: readonly SummaryRow[]
  readonly summaryChart: string
  readonly otherOutcomes: number
  readonly themes: readonly { readonly theme: string; readonly anchor: string; readonly kpis: readonly KpiView[] }[]
}

/** The template's input: the report plus the charts and words worked out from it (no figure is recomputed here). */
export function reportView(report: PerformanceReport): ReportView {
  const used = new Set<string>()
  const anchorFor = (id: string) => {
    const base = `kpi-${chartId(id)}`
    let anchor = base
    for (let n = 2; used.has(anchor); n++) anchor = `${base}-${n}`
    used.add(anchor)
    return anchor
  }
  const s = report.summary
  const kpiSummary = summariseReport(report)
  return {
    report,
    kpiSummary,
    changeRows: REAL_CHANGES.map((c) => ({
      words: REAL_CHANGE_WORDS[c],
      tag: REAL_CHANGE_TAG[c],
      count: kpiSummary.realChanges[c],
    })),
    trendRows: TREND_READINGS.map((t) => ({ words: TREND_WORDS[t], tag: TREND_TAG[t], count: kpiSummary.trends[t] })),
    summaryChart: summaryChart(report),
    otherOutcomes: s.indicators - s.achieved - s.notAchieved - s.insufficientData,
    themes: report.themes.map((section, index) => ({
      theme: section.theme,
      anchor: `theme-${index + 1}`,
      kpis: section.rows.map((row) => {
        const anchor = anchorFor(row.indicator.id)
        return {
          row,
          anchor,
          chart: kpiChart(report, row, anchor),
          outcomeTag: OUTCOME_TAG[row.outcome],
          targetOutcomeTag: row.targetOutcome === null ? null : OUTCOME_TAG[row.targetOutcome],
          targetOutcomeWords: row.targetOutcome === null ? null : outcomeWords(row.targetOutcome),
          significance: row.significance === null ? null : significanceText(row.significance),
          nextBaseline: row.nextBaseline === null ? null : figureWords(row, row.nextBaseline),
          commentaryFlags: checkOwnerCommentary(row),
          latestChanges: latestChanges(row),
        }
      }),
    })),
  }
}

export interface WebPageContext {
  /** Links to the downloads of this year's report. */
  readonly downloads: ReportDownloads
}

/** The template and context for the web page (rendered by Express with the site's layout and locals). */
export function performanceReportPage(report: PerformanceReport, context: WebPageContext) {
  return {
    template: 'performance-report.njk',
    context: {
      layoutTemplate: 'layout.njk',
      pageTitle: `Performance report ${report.yearLabel}`,
      view: reportView(report),
      downloads: context.downloads,
      standalone: false,
    },
  }
}

/**
 * The standalone HTML file: the same template inside a self-contained layout (inlined CSS, no script, a
 * Content-Security-Policy that forbids anything else), with the definitions open so that they print.
 */
export function performanceReportStandaloneHtml(env: nunjucks.Environment, report: PerformanceReport): string {
  return env.render('performance-report.njk', {
    layoutTemplate: 'performance-report-standalone.njk',
    pageTitle: `Performance report ${report.yearLabel}`,
    partnershipName: report.partnership,
    inlineStylesheet: partnershipStylesheet().css,
    view: reportView(report),
    downloads: null,
    standalone: true,
  })
}
