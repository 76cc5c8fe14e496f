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
import { parsePeriod, type Period, type PeriodId, type PeriodKind } from './period.ts'
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
  const n = values.length
  for (let i = 0; i < n; i++) {
    const value = values[i]
    if (!Number.isFinite(value)) throw new RangeError(`point ${i + 1} is not a number (${value})`)
  }
  if (n < MINIMUM_CONTROL_POINTS) return null
  let sum = 0
  for (let i = 0; i < n; i++) sum += values[i] as number
  const mean = sum / n

  let rangeSum = 0
  for (let i = 1; i < n; i++) rangeSum += Math.abs((values[i] as number) - (values[i - 1] as number))
  const allRangesMean = rangeSum / (n - 1)
  // NHSRplotthedots keeps a moving range only when it is below 3.267 × the mean (`mr < 3.267 * amr`), once, not
  // repeatedly. When the mean is 0 every range is 0 and is kept (the package would be left with none).
  const screen = MOVING_RANGE_SCREEN * allRangesMean
  let keptSum = 0
  let kept = 0
  for (let i = 1; i < n; i++) {
    const range = Math.abs((values[i] as number) - (values[i - 1] as number))
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
  const { run, trend, sides, steps } = scratch(n)
  for (let i = 0; i < n; i++) {
    const v = values[i] as number
    sides[i] = Math.sign(v - mean)
    steps[i] = i === 0 ? 0 : Math.sign(v - (values[i - 1] as number))
  }
  // Runs of 7 or more on one side of the mean (on the mean breaks a run, and is never one).
  markRuns(sides, n, RUN_LENGTH, run, 0)
  // Runs of 6 or more equal steps, each run marking the 7 points from the one before its first step to its last.
  markRuns(steps, n, TREND_POINTS - 1, trend, 1)
  const signals: ControlSignal[] = []
  for (let index = 0; index < n; index++) {
    const v = values[index] as number
    if (v > upper || v < lower) signals.push({ index, rule: 'outside-limits' })
    if (run[index] === 1) signals.push({ index, rule: 'run-of-7' })
    if (trend[index] === 1) signals.push({ index, rule: 'trend-of-6' })
  }
  return signals
}

/**
 * Working space for `specialCauses`, kept between calls (a report reads a chart per KPI; nothing is kept in it from
 * one call to the next, and JavaScript runs one call at a time): marks cleared, for `n` points.
 */
function scratch(n: number): { run: Uint8Array; trend: Uint8Array; sides: Int8Array; steps: Int8Array } {
  if (space.run.length < n) {
    const size = Math.max(n, 2 * space.run.length)
    space = {
      run: new Uint8Array(size),
      trend: new Uint8Array(size),
      sides: new Int8Array(size),
      steps: new Int8Array(size),
    }
  } else {
    space.run.fill(0, 0, n)
    space.trend.fill(0, 0, n)
  }
  return space
}

let space = { run: new Uint8Array(64), trend: new Uint8Array(64), sides: new Int8Array(64), steps: new Int8Array(64) }

/**
 * Marks in `into` every index of a run of at least `length` equal non-zero signs among the first `n`, and the
 * `before` indices just before it.
 */
function markRuns(signs: Int8Array, n: number, length: number, into: Uint8Array, before: number): void {
  let start = 0
  for (let i = 1; i <= n; i++) {
    if (i < n && signs[i] === signs[start]) continue
    if (signs[start] !== 0 && i - start >= length) into.fill(1, start - before, i)
    start = i
  }
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
  const series = new ControlSeries(indicator, through)
  for (const v of values) if (v.indicatorId === indicator.id) series.add(v, parsePeriod(v.period))
  return series.points()
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
  const series = new ControlSeries(indicator, through)
  for (const v of values) if (v.indicatorId === indicator.id) series.add(v, parsePeriod(v.period))
  return series.chart()
}

/**
 * The series `controlPoints` chooses, collected one value at a time (the report builder offers each value of a KPI
 * as it reads them for other purposes), in any order.
 */
export class ControlSeries {
  readonly #indicator: Indicator
  readonly #kind: PeriodKind
  readonly #through: string | null
  // The periods' ids and figures side by side, as the chart keeps them, in the order offered.
  readonly #ids: PeriodId[] = []
  readonly #values: number[] = []
  #lastFirstMonth = ''
  #inOrder = true

  constructor(indicator: Indicator, through?: Period) {
    this.#indicator = indicator
    this.#kind = periodKindOf(indicator.cadence)
    this.#through = through === undefined ? null : through.lastMonth
  }

  /** Offers one of the KPI's values, stored under period `p` (null when its id cannot be read). */
  add(value: IndicatorValue, p: Period | null): void {
    if (value.status !== 'reported' || p === null || p.kind !== this.#kind) return
    if (this.#through !== null && p.lastMonth > this.#through) return
    const figure = figureOf(this.#indicator, value)
    if (figure === null) return
    if (p.firstMonth < this.#lastFirstMonth) this.#inOrder = false
    this.#lastFirstMonth = p.firstMonth
    this.#ids.push(p.id)
    this.#values.push(figure)
  }

  /** The figures oldest first. */
  points(): { period: PeriodId; value: number }[] {
    const { ids, values } = this.#oldestFirst()
    return ids.map((period, i) => ({ period, value: values[i] as number }))
  }

  /** The chart of the figures, or null with fewer than 13. */
  chart(): ControlChart | null {
    if (this.#values.length < MINIMUM_CONTROL_POINTS) return null
    const { ids, values } = this.#oldestFirst()
    const limits = controlLimits(values)
    if (limits === null) return null
    // Written out rather than spread (`{ ...limits, periods, values }`), the same fields in the same order: a spread
    // with fields added after it copies property by property, and every KPI row makes one chart.
    return {
      mean: limits.mean,
      lower: limits.lower,
      upper: limits.upper,
      meanMovingRange: limits.meanMovingRange,
      screenedMovingRanges: limits.screenedMovingRanges,
      signals: limits.signals,
      periods: ids,
      values,
    }
  }

  /**
   * Periods of one kind never overlap, so ordering by first month orders them; a stable sort, so that two values of
   * one period keep their order. Values mostly come in order, and are then not sorted.
   */
  #oldestFirst(): { ids: PeriodId[]; values: number[] } {
    if (this.#inOrder) return { ids: this.#ids, values: this.#values }
    const first = this.#ids.map((id) => (parsePeriod(id) as Period).firstMonth)
    const order = first.map((_, i) => i)
    order.sort((a, b) => {
      const [x, y] = [first[a] as string, first[b] as string]
      return x < y ? -1 : x > y ? 1 : a - b
    })
    return { ids: order.map((i) => this.#ids[i] as PeriodId), values: order.map((i) => this.#values[i] as number) }
  }
}
