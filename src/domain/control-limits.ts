/**
 * Statistical process control limits (the XmR chart), computed the one way every page, export and check uses them.
 *
 * The method is NHS England's "Making Data Count" XmR chart as the NHS-R Community's NHSRplotthedots package computes
 * it by default (`ptd_spc(screen_outliers = TRUE)`, after Nelson 1982): the mean of every point; the moving ranges
 * (the absolute difference between consecutive points); any moving range at or above 3.267 × their mean (the upper
 * range limit) left out, once, and the mean of the rest taken; limits at the mean ± 2.66 × that screened mean moving
 * range. (The Making Data Count Excel tool does not screen; the package documents this as a deliberate deviation.)
 * Without the screen one wild quarter widens the limits so far that the next wild one passes unremarked: for 10, 12,
 * 11, 14, 13, 15, 17, 16, 18, 20, 19, 60, 21 the unscreened limits are −2.6 to 40.4; screened, 14.4 to 23.4.
 *
 * Which figures the limits are read from is decided here too (`controlPoints`): every figure of the KPI's own cadence
 * (quarters of a quarterly KPI, months of a monthly one), oldest first, over the whole stored history up to the
 * period in question. The report (up to the end of its year), the KPI page (up to the latest figure) and the returns'
 * plausibility check (up to the period before the one being sent in) all read that one series.
 */
import { periodKindOf } from './aggregation.ts'
import type { Indicator, IndicatorValue } from './indicator.ts'
import type { ControlChart, ControlLimits, ControlRule, ControlSignal } from './performance-report.ts'
import { parsePeriod, type Period, type PeriodId } from './period.ts'
import { figureOf } from './value-display.ts'

export type { ControlChart, ControlLimits, ControlRule, ControlSignal }

/** Control limits need about this many points to settle (Making Data Count). */
export const MINIMUM_CONTROL_POINTS = 13

/** The process limits lie this many mean moving ranges from the mean (3 / d2, d2 = 1.128 for ranges of 2). */
export const LIMIT_FACTOR = 2.66
/** The upper range limit, in mean moving ranges (D4 for ranges of 2): a moving range at or above it is screened. */
export const MOVING_RANGE_SCREEN = 3.267

const RUN_LENGTH = 7
/** Points in a trend: 6 consecutive increases take 7 points. */
const TREND_POINTS = 7

/** Plain words for each rule, for a chart's key or a tooltip. */
export const CONTROL_RULE_DESCRIPTIONS: Readonly<Record<ControlRule, string>> = Object.freeze({
  'outside-limits': 'a point outside the process limits',
  'run-of-7': 'a run of 7 or more points all above or all below the mean',
  'trend-of-6': '6 or more consecutive increases or decreases (7 points in a row going one way)',
})

/**
 * XmR control limits of a series (oldest first), and the points that signal special-cause variation:
 * - `outside-limits`: a point above the upper or below the lower limit;
 * - `run-of-7`: 7 or more consecutive points on the same side of the mean (a point exactly on the mean breaks
 *   the run);
 * - `trend-of-6`: 6 or more consecutive increases, or decreases (an unchanged value breaks it).
 * Every point that belongs to a signal is listed, once per rule, in order of index then rule. The "two of three
 * points near a limit" rule of Making Data Count is not checked.
 *
 * The mean is over every point; the moving ranges are screened as the module's note says (when every moving range
 * is 0 none is screened, and the limits are the mean). Limits are not floored at zero here: see `shownLowerLimit`.
 *
 * @example controlLimits([10, 12, 11, 14, 13, 15, 17, 16, 18, 20, 19, 60, 21])
 * // { mean: 18.92…, lower: 14.40…, upper: 23.45…, meanMovingRange: 1.7, screenedMovingRanges: 2, signals: […] }
 * @returns null when there are fewer than 13 points: limits from fewer are not yet reliable
 * @throws RangeError on a value that is not a finite number
 */
export function controlLimits(values: readonly number[]): ControlLimits | null {
  values.forEach((value, index) => {
    if (!Number.isFinite(value)) throw new RangeError(`point ${index + 1} is not a number (${value})`)
  })
  if (values.length < MINIMUM_CONTROL_POINTS) return null
  const n = values.length
  const value = (i: number) => values[i] as number
  let sum = 0
  for (let i = 0; i < n; i++) sum += value(i)
  const mean = sum / n

  let rangeSum = 0
  for (let i = 1; i < n; i++) rangeSum += Math.abs(value(i) - value(i - 1))
  const allRangesMean = rangeSum / (n - 1)
  // NHSRplotthedots keeps a moving range only when it is below 3.267 × the mean (`mr < 3.267 * amr`), once, not
  // repeatedly. When the mean is 0 every range is 0 and is kept (the package would be left with none).
  const screen = MOVING_RANGE_SCREEN * allRangesMean
  let keptSum = 0
  let kept = 0
  for (let i = 1; i < n; i++) {
    const range = Math.abs(value(i) - value(i - 1))
    if (allRangesMean === 0 || range < screen) {
      keptSum += range
      kept++
    }
  }
  const meanMovingRange = keptSum / kept
  const lower = mean - LIMIT_FACTOR * meanMovingRange
  const upper = mean + LIMIT_FACTOR * meanMovingRange
  return {
    mean,
    lower,
    upper,
    meanMovingRange,
    screenedMovingRanges: n - 1 - kept,
    signals: specialCauses(values, mean, lower, upper),
  }
}

function specialCauses(values: readonly number[], mean: number, lower: number, upper: number): ControlSignal[] {
  const n = values.length
  const at = (i: number) => values[i] as number
  const outside = new Uint8Array(n)
  const run = new Uint8Array(n)
  const trend = new Uint8Array(n)
  for (let i = 0; i < n; i++) if (at(i) > upper || at(i) < lower) outside[i] = 1
  // Runs of 7 or more on one side of the mean (sign 0, on the mean, breaks a run and is never one).
  for (let start = 0, i = 1; i <= n; i++) {
    if (i < n && Math.sign(at(i) - mean) === Math.sign(at(start) - mean)) continue
    if (Math.sign(at(start) - mean) !== 0 && i - start >= RUN_LENGTH) run.fill(1, start, i)
    start = i
  }
  // Step i is the change from point i − 1 to point i (step 0 is none); a run of 6 equal non-zero steps covers the
  // 7 points from the one before its first step to its last.
  const step = (i: number) => (i === 0 ? 0 : Math.sign(at(i) - at(i - 1)))
  for (let start = 0, i = 1; i <= n; i++) {
    if (i < n && step(i) === step(start)) continue
    if (step(start) !== 0 && i - start >= TREND_POINTS - 1) trend.fill(1, start - 1, i)
    start = i
  }
  const signals: ControlSignal[] = []
  for (let index = 0; index < n; index++) {
    if (outside[index] === 1) signals.push({ index, rule: 'outside-limits' })
    if (run[index] === 1) signals.push({ index, rule: 'run-of-7' })
    if (trend[index] === 1) signals.push({ index, rule: 'trend-of-6' })
  }
  return signals
}

/**
 * The lower limit as pages and warnings print it: every figure a KPI has (a count, a percentage, a rate, a stock) is
 * 0 or more, so a limit below zero is shown as 0. The signals are unaffected (no figure lies below a negative limit).
 *
 * @example shownLowerLimit({ lower: -2.58, … }) // 0
 */
export function shownLowerLimit(limits: Pick<ControlLimits, 'lower'>): number {
  return Math.max(0, limits.lower)
}

/**
 * The figures a KPI's control limits are read from: each period of the KPI's own cadence that has a figure
 * (`displayValue(…).number`, read by `figureOf`: a count, the percentage of a proportion, a rate; never a gap,
 * which is not zero), oldest first, ending with the last that ends by `through` (or the latest of all without it).
 * Values of other indicators, other kinds of period and unreadable period ids are ignored.
 *
 * @example controlPoints(knifeCrime, values, period('FY2017-18')) // [{ period: 'FY2014-15-Q1', value: 40 }, …]
 */
export function controlPoints(
  indicator: Indicator,
  values: Iterable<IndicatorValue>,
  through?: Period,
): { period: PeriodId; value: number }[] {
  return inOrder(figuresOfCadence(indicator, values, through)).map((f) => ({ period: f.period.id, value: f.value }))
}

function figuresOfCadence(
  indicator: Indicator,
  values: Iterable<IndicatorValue>,
  through: Period | undefined,
): { period: Period; value: number }[] {
  const kind = periodKindOf(indicator.cadence)
  const found: { period: Period; value: number }[] = []
  for (const v of values) {
    if (v.indicatorId !== indicator.id || v.status !== 'reported') continue
    const p = parsePeriod(v.period)
    if (p === null || p.kind !== kind || (through !== undefined && p.lastMonth > through.lastMonth)) continue
    const number = figureOf(indicator, v)
    if (number !== null) found.push({ period: p, value: number })
  }
  return found
}

/** Periods of one kind never overlap, so ordering by first month orders them (a stable sort: ties keep order). */
function inOrder<T extends { period: Period }>(figures: T[]): T[] {
  return figures.sort((a, b) =>
    a.period.firstMonth < b.period.firstMonth ? -1 : a.period.firstMonth > b.period.firstMonth ? 1 : 0,
  )
}

/**
 * A KPI's control chart: the series `controlPoints` gives and its limits, or null with fewer than 13 figures.
 * The report carries one per KPI row (through the end of its year); the KPI page asks for one over every figure.
 */
export function controlChart(
  indicator: Indicator,
  values: Iterable<IndicatorValue>,
  through?: Period,
): ControlChart | null {
  return controlChartOf(figuresOfCadence(indicator, values, through))
}

/**
 * The control chart of figures already chosen as `controlPoints` chooses them, in any order (the report builder
 * collects them while it reads a KPI's values for other purposes). Sorts `figures` in place.
 */
export function controlChartOf(figures: { period: Period; value: number }[]): ControlChart | null {
  if (figures.length < MINIMUM_CONTROL_POINTS) return null
  const points = inOrder(figures).map((f) => ({ period: f.period.id, value: f.value }))
  const limits = controlLimits(points.map((p) => p.value))
  return limits === null ? null : { ...limits, points }
}
