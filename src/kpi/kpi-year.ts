import { lineChart } from '../charts/line-chart.ts'
import { figureLabel } from '../charts/svg.ts'
import { yearOutturn } from '../domain/aggregation.ts'
import type { IndicatorValue } from '../domain/indicator.ts'
import { changeDirection, relativeTargetThreshold } from '../domain/judgement.ts'
import type { Change, IndicatorRow, Outturn, PerformanceReport } from '../domain/performance-report.ts'
import { period } from '../domain/period.ts'
import { formatMeasure } from '../domain/value-display.ts'
import { outcomeTagClass, significanceText } from '../reports/html.ts'
import { outcomeWords } from '../reports/export-tables.ts'
import { kpiMarks, type KpiMarks } from '../reports/outcome-tags.ts'

/**
 * The KPI's year as the performance report judges it: the report's own row for the KPI (src/domain's
 * `buildPerformanceReport`), so the page can never disagree with the report, the dashboard or the public page. Every
 * figure and phrase here is the report's display string; this module only chooses which to show and says in words
 * what they mean.
 */
export interface KpiYear {
  readonly yearLabel: string
  readonly previousYearLabel: string
  readonly outcome: { readonly label: string; readonly tagClass: string }
  readonly outturn: string
  /** "sum of 4 quarters", "ratio of the sums over the 3 of 4 quarters reported". */
  readonly outturnMethod: string
  readonly previousOutturn: string
  readonly baseline: string | null
  readonly target: { readonly label: string; readonly outcome: string | null } | null
  /** Each change as a number and in words, or why there is none. */
  readonly changeOnBaseline: string
  readonly changeOnLastYear: string
  /** "a real increase (p = 0.014, exact test of two counts)" as the report prints it, or why it was not tested. */
  readonly significance: string
  readonly trend: string
  /** The real change and trend in the report's words and colours, and Making Data Count's icons: as the dashboard. */
  readonly marks: KpiMarks
  readonly generatedCommentary: string
  readonly ownerCommentary: { readonly periodLabel: string | null; readonly text: string } | null
  readonly chart: YearChart | null
}

/** This year against last year, with the baseline and the target: the SVG, its text summary and its data table. */
export interface YearChart {
  readonly svg: string
  readonly summary: string
  /** "year to date" for a KPI whose year is a sum; the figures of each period otherwise. */
  readonly cumulative: boolean
  readonly columns: readonly string[]
  readonly rows: readonly { readonly label: string; readonly cells: readonly string[] }[]
}

/** The report's row of the KPI in `report`, or null when the report does not list it. */
export function rowOf(report: PerformanceReport, indicatorId: string): IndicatorRow | null {
  for (const theme of report.themes) for (const row of theme.rows) if (row.indicator.id === indicatorId) return row
  return null
}

/**
 * The page's account of the year from the report's row. `values` are the KPI's stored figures: a relative target
 * ("5% lower than 2022/23") is drawn at the figure it asks for, from its reference year's outturn.
 */
export function buildKpiYear(
  report: Pick<PerformanceReport, 'yearLabel' | 'previousYearLabel'>,
  row: IndicatorRow,
  values: readonly IndicatorValue[],
): KpiYear {
  const { yearLabel, previousYearLabel } = report
  const incomplete = (o: Outturn, label: string) =>
    `${label} has ${o.periodsReported} of ${o.periodsExpected} ${o.periodsExpected === 1 ? 'figure' : 'figures'}`
  const whyNoChange = (other: Outturn | null, otherLabel: string): string => {
    if (!row.outturn.complete) return `Not compared: ${incomplete(row.outturn, yearLabel)}.`
    if (other !== null && !other.complete) return `Not compared: ${incomplete(other, otherLabel)}.`
    return 'Not compared.'
  }
  const target = row.target
  return {
    yearLabel,
    previousYearLabel,
    outcome: { label: row.outcomeLabel, tagClass: outcomeTagClass(row.outcome) },
    outturn: row.outturn.display,
    outturnMethod: row.outturn.method,
    previousOutturn: row.previousOutturn.display,
    baseline: row.baseline?.display ?? null,
    target:
      target === null || row.targetLabel === null
        ? null
        : { label: row.targetLabel, outcome: row.targetOutcome === null ? null : outcomeWords(row.targetOutcome) },
    changeOnBaseline:
      row.changeOnBaseline === null
        ? row.baseline === null
          ? 'Not compared: no baseline.'
          : whyNoChange(null, '')
        : changeInWords(row.changeOnBaseline, 'the baseline'),
    changeOnLastYear:
      row.changeOnLastYear === null
        ? whyNoChange(row.previousOutturn, previousYearLabel)
        : changeInWords(row.changeOnLastYear, previousYearLabel),
    significance:
      row.significance === null
        ? row.outturn.complete && row.previousOutturn.complete
          ? 'Not tested.'
          : `Not tested: the test compares two complete years.`
        : significanceText(row.significance),
    trend: row.trend.description,
    marks: kpiMarks(row),
    generatedCommentary: row.generatedCommentary,
    ownerCommentary:
      row.ownerCommentary === null
        ? null
        : {
            periodLabel: row.ownerCommentaryPeriod ? period(row.ownerCommentaryPeriod).label : null,
            text: row.ownerCommentary,
          },
    chart: yearChart(report, row, values),
  }
}

/**
 * "+30 (+15.7%): an increase on 2023/24". The number is the report's; the words say which way, so a reader never
 * has to decode a sign.
 */
export function changeInWords(change: Change, against: string): string {
  const way = changeDirection(change)
  const words =
    way === 'none' ? `no change on ${against}` : `${way === 'increase' ? 'an increase' : 'a decrease'} on ${against}`
  return `${change.display}: ${words}`
}

/** Measures whose year is the sum of its periods: their chart runs the year to date, so it meets the year's figures. */
function summed(row: IndicatorRow): boolean {
  return row.indicator.measureType === 'count' || row.indicator.measureType === 'count-with-share'
}

/**
 * The periods' figures, or their running total. A running total stops at the first period without a figure: a
 * total that skipped it would look lower than it is. A period where the KPI does not apply adds nothing.
 */
function line(shown: readonly { status: string; number: number | null }[], cumulative: boolean): (number | null)[] {
  if (!cumulative) return shown.map((s) => s.number)
  let total = 0
  let broken = false
  return shown.map((s) => {
    if (broken) return null
    if (s.number !== null) total += s.number
    else if (s.status !== 'not-applicable') {
      broken = true
      return null
    }
    return total
  })
}

function yearChart(
  report: Pick<PerformanceReport, 'yearLabel' | 'previousYearLabel'>,
  row: IndicatorRow,
  values: readonly IndicatorValue[],
): YearChart | null {
  const indicator = row.indicator
  if (indicator.measureType === 'text' || row.periods.length === 0) return null
  const cumulative = summed(row)
  const thisYear = line(
    row.periods.map((p) => p.thisYear),
    cumulative,
  )
  const lastYear = line(
    row.periods.map((p) => p.lastYear),
    cumulative,
  )
  if ([...thisYear, ...lastYear].every((v) => v === null)) return null
  const figure = (n: number | null) => (n === null ? 'no figure' : formatMeasure(indicator, n))

  const references: { name: string; value: number; words: string }[] = []
  if (row.baseline !== null)
    references.push({ name: 'Baseline', value: row.baseline.value, words: row.baseline.display })
  const target = row.target
  if (target !== null && row.targetLabel !== null) {
    const level =
      target.kind === 'absolute'
        ? target.value
        : relativeTargetThreshold(
            target,
            indicator.preferredDirection,
            yearOutturn(indicator, target.referenceYear, values),
          )
    if (level !== null)
      references.push({
        name: 'Target',
        value: level,
        words: target.kind === 'absolute' ? row.targetLabel : `${row.targetLabel}: ${figure(level)}`,
      })
  }

  const ytd = cumulative ? ' (year to date)' : ''
  const listed = (label: string, line: readonly (number | null)[]) =>
    `${label}${ytd}: ${row.periods.map((p, i) => `${p.label} ${figure(line[i] ?? null)}`).join(', ')}`
  const summary =
    [
      listed(report.yearLabel, thisYear),
      listed(report.previousYearLabel, lastYear),
      ...references.map((r) => `${r.name}: ${r.words}`),
    ].join('. ') + '.'
  const percent = indicator.measureType === 'proportion'
  const svg = lineChart({
    id: `kpi-${indicator.id}-year-chart`,
    title: `${indicator.name}: ${report.yearLabel} against ${report.previousYearLabel}${cumulative ? ', year to date' : ''}`,
    description: summary,
    seriesName: `${report.yearLabel}${ytd}`,
    points: row.periods.map((p, i) => ({ label: p.label, value: thisYear[i] ?? null })),
    otherSeries: [{ name: `${report.previousYearLabel}${ytd}`, values: lastYear }],
    referenceLines: references.map((r) => ({ name: r.name, value: r.value })),
    numberLabel: figureLabel(percent),
    width: 640,
    height: 260,
  })
  return {
    svg,
    summary,
    cumulative,
    columns: [
      'Period',
      `${report.yearLabel}${ytd}`,
      `${report.previousYearLabel}${ytd}`,
      ...references.map((r) => r.name),
    ],
    rows: row.periods.map((p, i) => ({
      label: p.label,
      cells: [figure(thisYear[i] ?? null), figure(lastYear[i] ?? null), ...references.map((r) => figure(r.value))],
    })),
  }
}
