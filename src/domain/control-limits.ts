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
import { displayValue } from './value-display.ts'

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
  const flagged: Record<ControlRule, Set<number>> = {
    'outside-limits': new Set(),
    'run-of-7': new Set(),
    'trend-of-6': new Set(),
  }
  for (let i = 0; i < n; i++) {
    const v = values[i] as number
    if (v > upper || v < lower) flagged['outside-limits'].add(i)
  }
  markRuns(
    values.map((v) => Math.sign(v - mean)),
    RUN_LENGTH,
    0,
    flagged['run-of-7'],
  )
  // Step i is the change from point i − 1 to point i; a run of 6 steps covers 7 points.
  const steps = values.map((v, i) => (i === 0 ? 0 : Math.sign(v - (values[i - 1] as number))))
  const trendSteps = new Set<number>()
  markRuns(steps, TREND_POINTS - 1, 0, trendSteps)
  for (const step of trendSteps) {
    flagged['trend-of-6'].add(step - 1)
    flagged['trend-of-6'].add(step)
  }

  const rules = Object.keys(flagged) as ControlRule[]
  const signals: ControlSignal[] = []
  for (let index = 0; index < n; index++)
    for (const rule of rules) if (flagged[rule].has(index)) signals.push({ index, rule })
  return signals
}

/** Adds to `into` every index in a run of at least `length` equal non-`neutral` signs. */
function markRuns(signs: readonly number[], length: number, neutral: number, into: Set<number>): void {
  let start = 0
  for (let i = 1; i <= signs.length; i++) {
    if (i < signs.length && signs[i] === signs[start]) continue
    if (signs[start] !== neutral && i - start >= length) for (let k = start; k < i; k++) into.add(k)
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
 * (`displayValue(…).number`: a count, the percentage of a proportion, a rate; never a gap, which is not zero),
 * oldest first, ending with the last that ends by `through` (or the latest of all without it). Values of other
 * indicators, other kinds of period and unreadable period ids are ignored.
 *
 * @example controlPoints(knifeCrime, values, period('FY2017-18')) // [{ period: 'FY2014-15-Q1', value: 40 }, …]
 */
export function controlPoints(
  indicator: Indicator,
  values: Iterable<IndicatorValue>,
  through?: Period,
): { period: PeriodId; value: number }[] {
  const kind = periodKindOf(indicator.cadence)
  const found: { period: Period; value: number }[] = []
  for (const v of values) {
    if (v.indicatorId !== indicator.id || v.status !== 'reported') continue
    const p = parsePeriod(v.period)
    if (p === null || p.kind !== kind || (through !== undefined && p.lastMonth > through.lastMonth)) continue
    const number = displayValue(indicator, p.id, v).number
    if (number !== null) found.push({ period: p, value: number })
  }
  // Periods of one kind never overlap, so ordering by first month orders them.
  found.sort((a, b) =>
    a.period.firstMonth < b.period.firstMonth ? -1 : a.period.firstMonth > b.period.firstMonth ? 1 : 0,
  )
  return found.map((f) => ({ period: f.period.id, value: f.value }))
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
  const points = controlPoints(indicator, values, through)
  const limits = controlLimits(points.map((p) => p.value))
  return limits === null ? null : { ...limits, points }
}
