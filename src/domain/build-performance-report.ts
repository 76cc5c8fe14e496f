import type { Baseline, Indicator, IndicatorValue } from './indicator.ts'
import { summariseKpis } from './kpi-summary.ts'
import type {
  ControlChart,
  DisplayValue,
  IndicatorRow,
  Outturn,
  PerformanceReport,
  ReportSummary,
  ThemeSection,
} from './performance-report.ts'
import { expectedPeriodsOf, outturnOf, periodKindOf, type YearPeriod } from './aggregation.ts'
import { generateCommentary, unitOf } from './commentary.ts'
import { likeForLike } from './like-for-like.ts'
import { controlChart, ControlSeries } from './control-limits.ts'
import {
  changeOnBaseline,
  changeOnLastYear,
  directionLabel,
  judgeOutcome,
  judgeTarget,
  latestChangesAmong,
  nextBaseline,
  outcomeLabel,
  targetLabel,
  testSignificance,
} from './judgement.ts'
import {
  comparePeriods,
  isWithin,
  parsePeriod,
  period,
  previousPeriod,
  yearPeriod,
  type Period,
  type PeriodId,
} from './period.ts'
import { percentOf } from './rounding.ts'
import { describeTrendOfPeriods } from './trend.ts'
import {
  displayValue,
  figureOf,
  formatCountWithShare,
  formatFigure,
  formatMeasure,
  periodColumnLabel,
} from './value-display.ts'

export interface PerformanceReportInput {
  readonly partnership: string
  /** The financial year reported on, e.g. `FY2017-18`. */
  readonly year: PeriodId
  /** In the order the report prints them; themes appear in the order of their first indicator. */
  readonly indicators: readonly Indicator[]
  /** Any values: other years feed last year, the trend and relative targets; other indicators are ignored. */
  readonly values: readonly IndicatorValue[]
  readonly baselines: readonly Baseline[]
}

/**
 * The performance report (the seed's Appendix C) for one year, computed from the indicators, their values and
 * their baselines. Every figure, judgement and sentence of commentary in it comes from the same numbers.
 *
 * The baseline a year is judged against is the one stored for that year when there is one (so a past judgement keeps
 * the baseline it used), else last year's outturn when last year is complete; the row's baseline says which
 * (`source` and `note`). Without either, the outcome is "insufficient data".
 *
 * @example buildPerformanceReport({ partnership: 'Safer Wolverhampton Partnership', year: 'FY2017-18', indicators,
 *   values, baselines }).themes[0]?.rows[0]?.outcomeLabel
 */
export function buildPerformanceReport(input: PerformanceReportInput): PerformanceReport {
  const year = parsePeriod(input.year)
  if (year === null || year.kind !== 'year') {
    throw new Error(`A performance report is for a financial year such as FY2017-18, not "${input.year}"`)
  }
  const previousYear = previousPeriod(year)

  const valuesOf = valuesByIndicator(input.values)
  const baselines = new Map<string, Baseline>()
  for (const b of input.baselines) baselines.set(`${b.indicatorId}\u0000${b.year}`, b)

  const themes: { theme: string; rows: IndicatorRow[] }[] = []
  for (const indicator of input.indicators) {
    const { inScope, control } = readHistory(indicator, year, valuesOf(indicator.id))
    const row = indicatorRow(
      indicator,
      year,
      inScope,
      baselines.get(`${indicator.id}\u0000${year.id}`) ?? null,
      control,
    )
    let section = themes.find((t) => t.theme === indicator.theme)
    if (section === undefined) themes.push((section = { theme: indicator.theme, rows: [] }))
    section.rows.push(row)
  }

  return {
    partnership: input.partnership,
    year: year.id,
    previousYear: previousYear.id,
    yearLabel: year.label,
    previousYearLabel: previousYear.label,
    themes: themes as ThemeSection[],
    summary: summarise(themes.flatMap((t) => t.rows)),
  }
}

/** A KPI's stored values, in their order: the run of a list, or the list itself. */
interface StoredValues {
  readonly list: readonly IndicatorValue[]
  readonly start: number
  readonly end: number
}

/**
 * The report's values by KPI. Storage gives each KPI's values together, so a list is read as runs (where each KPI's
 * run starts and ends) without copying a value; a list with a KPI's values apart is copied into a list per KPI. A
 * list per KPI per report, grown a value at a time, was an eighth of the bytes a report allocated.
 */
function valuesByIndicator(values: readonly IndicatorValue[]): (indicatorId: string) => StoredValues | undefined {
  const runs = new Map<string, StoredValues>()
  let start = 0
  for (let i = 1; i <= values.length; i++) {
    const id = (values[start] as IndicatorValue).indicatorId
    if (i < values.length && (values[i] as IndicatorValue).indicatorId === id) continue
    if (runs.has(id)) return valuesCopiedByIndicator(values)
    runs.set(id, { list: values, start, end: i })
    start = i
  }
  return (id) => runs.get(id)
}

function valuesCopiedByIndicator(values: readonly IndicatorValue[]): (indicatorId: string) => StoredValues | undefined {
  const lists = new Map<string, IndicatorValue[]>()
  for (const v of values) {
    let forIndicator = lists.get(v.indicatorId)
    if (forIndicator === undefined) lists.set(v.indicatorId, (forIndicator = []))
    forIndicator.push(v)
  }
  return (id) => {
    const list = lists.get(id)
    return list === undefined ? undefined : { list, start: 0, end: list.length }
  }
}

/**
 * One pass over a KPI's stored values for a year's row: the values the row can use, and the figures its control
 * limits are read from.
 *
 * The row uses the values from the start of the trend window (or of a relative target's reference year, if earlier)
 * to the end of the year: later and older values cannot change it, and leaving them out keeps the work per row the
 * same however long the history grows. The control limits read every figure of the KPI's cadence up to the end of
 * the year (`controlPoints`), which this pass collects as it goes rather than reading the history again.
 */
function readHistory(
  indicator: Indicator,
  year: Period,
  stored: StoredValues | undefined,
): { inScope: RowValues; control: ControlChart | null } {
  if (stored === undefined) return { inScope: new RowValues(indicator), control: null }
  let from = yearPeriod(year.financialYear - TREND_YEARS + 1).firstMonth
  const target = indicator.target
  if (target?.kind === 'relative') {
    const reference = parsePeriod(target.referenceYear)
    if (reference !== null && reference.firstMonth < from) from = reference.firstMonth
  }
  return readEachOnce(indicator, year, from, stored) ?? readThroughMap(indicator, year, from, stored)
}

/**
 * `readHistory` of values stored once per period under the period's own id, as storage gives them; null for a list
 * with a period twice or an id written any other way (`readThroughMap` then reads it as a map by id would).
 *
 * A list in time order (each period starting after the one before, or with it and ending later) cannot hold a period
 * twice, and storage gives lists in that order, so most lists are read without looking anything up. Only from the
 * first value out of order on is each period read stamped with the list being read, to see a second value for it
 * without a map per KPI per report (which cost more than the rest of reading the values); the stamps cost a map
 * lookup and a map write a value, which is why lists in order skip them.
 */
function readEachOnce(
  indicator: Indicator,
  year: Period,
  from: string,
  { list, start, end }: StoredValues,
): { inScope: RowValues; control: ControlChart | null } | null {
  const inScope = new RowValues(indicator)
  const series = new ControlSeries(indicator, year)
  let stamp = 0
  let previous: Period | null = null
  for (let i = start; i < end; i++) {
    const value = list[i] as IndicatorValue
    const p = parsePeriod(value.period)
    if (p === null || p.id !== value.period) return null
    if (stamp === 0 && previous !== null && !follows(previous, p)) stamp = stampPeriodsBefore(list, start, i)
    if (stamp !== 0) {
      if (seenInList.get(p) === stamp) return null
      seenInList.set(p, stamp)
    }
    previous = p
    if (p.firstMonth >= from && p.lastMonth <= year.lastMonth) inScope.add(value.period, value, p)
    series.add(value, p)
  }
  return { inScope, control: series.chart() }
}

/** Whether period `p` comes after `before` in time order, as periods stored once each and sorted do. */
function follows(before: Period, p: Period): boolean {
  return before.firstMonth < p.firstMonth || (before.firstMonth === p.firstMonth && before.lastMonth < p.lastMonth)
}

/** Stamps the periods of the values from `start` to before `end` (all readable, in time order) with a new stamp. */
function stampPeriodsBefore(list: readonly IndicatorValue[], start: number, end: number): number {
  const stamp = ++listsRead
  if (seenInList.size > 10_000) seenInList.clear()
  for (let i = start; i < end; i++) seenInList.set(parsePeriod((list[i] as IndicatorValue).period) as Period, stamp)
  return stamp
}

let listsRead = 0
/** The list (by its stamp) each period was last seen in. */
const seenInList = new Map<Period, number>()

/**
 * `readHistory` through a map by period id: where an id comes twice, the later value, in the place of the first.
 * Unreadable ids are kept: the row's own checks report them rather than this filter hiding them.
 */
function readThroughMap(
  indicator: Indicator,
  year: Period,
  from: string,
  { list, start, end }: StoredValues,
): { inScope: RowValues; control: ControlChart | null } {
  const byId = new Map<PeriodId, IndicatorValue>()
  for (let i = start; i < end; i++) byId.set((list[i] as IndicatorValue).period, list[i] as IndicatorValue)
  const inScope = new RowValues(indicator)
  const series = new ControlSeries(indicator, year)
  for (const [id, value] of byId) {
    const p = parsePeriod(id)
    if (p === null || (p.firstMonth >= from && p.lastMonth <= year.lastMonth)) inScope.add(id, value, p)
    series.add(value, p)
  }
  return { inScope, control: series.chart() }
}

/** One value of a row, with its period (null for an id that cannot be read) and, once asked for, its display. */
interface RowValue {
  readonly id: PeriodId
  readonly period: Period | null
  readonly value: IndicatorValue
  shown: DisplayValue | null
}

/**
 * The values one row uses, each period read once and each period's figure displayed once (a row shows a figure
 * in its year's columns, in the outturn, in the latest changes and in the trend).
 *
 * A value is found by its period id by looking back from the newest entry rather than through a map: a row asks
 * for its recent years' periods, which lie at the end of a history stored in time order, and a map per row (its
 * table grown entry by entry) was a tenth of the bytes a row allocated. Ids are stored once each (every caller reads
 * them from a map by id or refuses a list with a period twice), so the first found is the only one.
 */
class RowValues {
  readonly #indicator: Indicator
  /** In the order they were stored. */
  readonly entries: RowValue[] = []

  constructor(indicator: Indicator) {
    this.#indicator = indicator
  }

  add(id: PeriodId, value: IndicatorValue, period: Period | null): void {
    this.entries.push({ id, period, value, shown: null })
  }

  #entry(id: PeriodId): RowValue | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i] as RowValue
      if (entry.id === id) return entry
    }
    return undefined
  }

  /** `displayValue` of the value stored for the period (or of none), made once per value. */
  shown(p: Period): DisplayValue {
    const entry = this.#entry(p.id)
    if (entry === undefined) return displayValue(this.#indicator, p.id, undefined)
    return (entry.shown ??= displayValue(this.#indicator, p.id, entry.value))
  }

  /** Every expected period of a financial year, displayed (what `yearPeriods` gives). */
  yearPeriods(financialYear: number): YearPeriod[] {
    return expectedPeriodsOf(this.#indicator.cadence, financialYear).map((p) => {
      const entry = this.#entry(p.id)
      if (entry === undefined)
        return { period: p, shown: displayValue(this.#indicator, p.id, undefined), value: undefined }
      return {
        period: p,
        shown: (entry.shown ??= displayValue(this.#indicator, p.id, entry.value)),
        value: entry.value,
      }
    })
  }
}

/**
 * The counts above the report's tables: how many KPIs achieved, and how many changes were real. Read from the one
 * summary (`summariseKpis`) the dashboard and the public page count with, so they can never disagree.
 */
export function summarise(rows: readonly IndicatorRow[]): ReportSummary {
  const summary = summariseKpis(rows)
  return {
    indicators: summary.kpis,
    achieved: summary.outcomes.achieved,
    notAchieved: summary.outcomes['not-achieved'],
    insufficientData: summary.outcomes['insufficient-data'],
    realChanges:
      summary.realChanges['significant-improvement'] +
      summary.realChanges['significant-deterioration'] +
      summary.realChanges['significant-change'],
    withinNormalVariation: summary.realChanges['within-normal-variation'],
  }
}

/** How a baseline is printed: "191", "9.9%", "9.9% (17/172)", "6,031 (42.4%)". */
export function baselineDisplay(indicator: Indicator, baseline: Baseline): string {
  const { numerator, denominator } = baseline
  switch (indicator.measureType) {
    case 'count-with-share':
      return formatCountWithShare(
        baseline.value,
        numerator !== undefined && denominator !== undefined ? percentOf(numerator, denominator) : null,
      )
    case 'proportion':
      return numerator !== undefined && denominator !== undefined
        ? `${formatMeasure(indicator, baseline.value)} (${formatFigure(numerator)}/${formatFigure(denominator)})`
        : formatMeasure(indicator, baseline.value)
    default:
      return formatMeasure(indicator, baseline.value)
  }
}

/** Last year's outturn as the baseline, when no baseline is stored for the year and last year is complete. */
function baselineFromOutturn(indicator: Indicator, year: Period, previous: Outturn): Baseline | null {
  if (!previous.complete || previous.value === null || indicator.measureType === 'text') return null
  return {
    indicatorId: indicator.id,
    year: year.id,
    source: 'previous-outturn',
    value: previous.value,
    ...(previous.numerator === null ? {} : { numerator: previous.numerator }),
    ...(previous.denominator === null ? {} : { denominator: previous.denominator }),
    note: `The ${period(previous.year).label} outturn (no baseline is stored for ${year.label})`,
  }
}

/**
 * One KPI's row: its periods this year and last, baseline, outturns, changes, outcomes, significance, trend, control
 * limits and commentary. `values` are the indicator's values by period (any years); `storedBaseline` the one stored
 * for `year`; `history` every stored value of the indicator, for the control limits (`values` when not given).
 */
export function buildIndicatorRow(
  indicator: Indicator,
  year: Period,
  values: ReadonlyMap<PeriodId, IndicatorValue>,
  storedBaseline: Baseline | null,
  history: ReadonlyMap<PeriodId, IndicatorValue> = values,
): IndicatorRow {
  const row = new RowValues(indicator)
  for (const [id, value] of values) row.add(id, value, parsePeriod(id))
  return indicatorRow(indicator, year, row, storedBaseline, controlChart(indicator, history.values(), year))
}

function indicatorRow(
  indicator: Indicator,
  year: Period,
  values: RowValues,
  storedBaseline: Baseline | null,
  control: ControlChart | null,
): IndicatorRow {
  const previousYear = previousPeriod(year)
  const thisYearPeriods = values.yearPeriods(year.financialYear)
  const lastYearPeriods = values.yearPeriods(previousYear.financialYear)
  const outturn = outturnOf(indicator, year, thisYearPeriods)
  const previousOutturn = outturnOf(indicator, previousYear, lastYearPeriods)

  const periods = thisYearPeriods.map((p, i) => ({
    label: periodColumnLabel(p.period),
    lastYear: lastYearPeriods[i]?.shown ?? displayValue(indicator, previousYear.id, undefined),
    thisYear: p.shown,
  }))

  const baselineUsed = storedBaseline ?? baselineFromOutturn(indicator, year, previousOutturn)
  const baseline = baselineUsed === null ? null : { ...baselineUsed, display: baselineDisplay(indicator, baselineUsed) }

  const onBaseline = changeOnBaseline(indicator, baselineUsed, outturn)
  const onLastYear = changeOnLastYear(indicator, previousOutturn, outturn)
  const latest = latestChangesAmong(indicator, year, storedPeriods(indicator, values), values)
  const outcome = judgeOutcome(indicator.preferredDirection, onBaseline)

  const target = indicator.target ?? null
  const referenceYear = target !== null && target.kind === 'relative' ? parsePeriod(target.referenceYear) : null
  const reference =
    referenceYear !== null && referenceYear.kind === 'year'
      ? outturnOf(indicator, referenceYear, values.yearPeriods(referenceYear.financialYear))
      : null

  const unit = unitOf(indicator)
  const series = trendSeries(indicator, year, values)
  const trend = describeTrendOfPeriods(
    series.periods,
    series.values,
    indicator.preferredDirection,
    indicator.measureType === 'proportion' ? 'percentage points' : (unit ?? undefined),
  )

  const owner = ownerCommentary(values, year)
  // Built whole, then the commentary written from it (generateCommentary reads everything but the commentaries):
  // one object with its fields in the order the JSON export prints them, rather than a copy of a partial row.
  const row: { -readonly [K in keyof IndicatorRow]: IndicatorRow[K] } = {
    indicator,
    preferredDirection: indicator.preferredDirection,
    directionLabel: directionLabel(indicator.preferredDirection),
    target,
    targetLabel: target === null ? null : targetLabel(indicator, target),
    periods,
    baseline,
    outturn,
    previousOutturn,
    changeOnBaseline: onBaseline,
    changeOnLastYear: onLastYear,
    likeForLike: likeForLike(indicator, periods, outturn.complete),
    sameQuarterLastYear: latest.sameQuarterLastYear,
    quarterOnQuarter: latest.quarterOnQuarter,
    outcome,
    outcomeLabel: outcomeLabel(outcome),
    targetOutcome: judgeTarget(indicator, outturn, reference),
    significance: testSignificance(indicator, previousOutturn, outturn),
    trend,
    control,
    nextBaseline: nextBaseline(indicator, baselineUsed, outturn),
    generatedCommentary: '',
    ownerCommentary: owner?.text ?? null,
    ownerCommentaryPeriod: owner?.period.id ?? null,
  }
  row.generatedCommentary = generateCommentary(row)
  return row
}

/**
 * The periods the row's values are stored under, in order, for the latest changes. As `latestPeriodChanges`, an id
 * that cannot be read is an error there (and only there: an annual or text KPI has no latest changes to read).
 */
function storedPeriods(indicator: Indicator, values: RowValues): Period[] {
  const periods: Period[] = []
  if (periodKindOf(indicator.cadence) === 'year' || indicator.measureType === 'text') return periods
  for (const entry of values.entries) periods.push(entry.period ?? period(entry.id))
  return periods
}

/**
 * The points the trend is read from: every period of the indicator's cadence up to the end of the year that has a
 * figure, oldest first (two years of quarters give 8 points; more history, when stored, gives more).
 */
/** How many financial years, ending with the report's, the trend is read over. */
export const TREND_YEARS = 3

function trendSeries(
  indicator: Indicator,
  year: Period,
  values: RowValues,
): { periods: readonly Period[]; values: readonly number[] } {
  const kind = periodKindOf(indicator.cadence)
  // The trend reads the last three financial years: recent enough to describe the indicator now, long enough
  // (12 quarters) for a trend test to have power. Older history stays on the KPI page's chart.
  const windowStart = yearPeriod(year.financialYear - TREND_YEARS + 1).firstMonth
  const periods: Period[] = []
  const figures: number[] = []
  let inOrder = true
  for (const { period: p, value: v } of values.entries) {
    if (p === null || p.kind !== kind || p.lastMonth > year.lastMonth || p.firstMonth < windowStart) continue
    // The number the value displays (`figureOf` is `displayValue(…).number`), without displaying it: the oldest
    // year of the window is shown nowhere else, and its display strings were a third of those a row made.
    const figure = figureOf(indicator, v)
    if (figure === null) continue
    const previous = periods[periods.length - 1]
    if (previous !== undefined && comparePeriods(previous, p) > 0) inOrder = false
    periods.push(p)
    figures.push(figure)
  }
  if (inOrder) return { periods, values: figures }
  // Oldest first; a stable sort, so that two values of one period keep their order (the trend then refuses them).
  const order = periods
    .map((_, i) => i)
    .sort((a, b) => comparePeriods(periods[a] as Period, periods[b] as Period) || a - b)
  return { periods: order.map((i) => periods[i] as Period), values: order.map((i) => figures[i] as number) }
}

/** The data owner's commentary for the latest period within the year that has one. */
function ownerCommentary(values: RowValues, year: Period): { period: Period; text: string } | null {
  let latest: { period: Period; text: string } | null = null
  for (const { period: p, value: v } of values.entries) {
    const text = v.commentary?.trim()
    if (!text || p === null || !isWithin(p, year)) continue
    // Later periods win; at the same end, the shorter period (a quarter over the whole year) is the more recent word.
    if (
      latest === null ||
      p.lastMonth > latest.period.lastMonth ||
      (p.lastMonth === latest.period.lastMonth && p.firstMonth > latest.period.firstMonth)
    ) {
      latest = { period: p, text }
    }
  }
  return latest
}
