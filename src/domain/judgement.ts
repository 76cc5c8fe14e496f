import type { Baseline, Indicator, IndicatorValue, PreferredDirection, Target } from './indicator.ts'
import type { Change, DisplayValue, Outcome, Outturn, Significance } from './performance-report.ts'
import { periodKindOf } from './aggregation.ts'
import { comparePeriods, period, previousPeriod, samePeriodLastYear, type Period, type PeriodId } from './period.ts'
import { formatPercent, formatSignedCount, formatSignedPercent, roundHalfAwayFromZero } from './rounding.ts'
import { poissonExactTest, readSignificance, twoProportionTest } from './statistics.ts'
import {
  DEFAULT_RATE_PER,
  displayValue,
  formatFigure,
  formatMeasure,
  formatPublishedPercent,
  PERCENT_DECIMALS,
  RATE_DECIMALS,
} from './value-display.ts'

/**
 * Judging a year: changes against the baseline, last year and the latest quarters; the outcome against the
 * preferred direction and against a target; next year's baseline; and whether a change is more than normal
 * variation. Pure functions over outturns and displayed values, so that every number in the report and in its
 * generated commentary comes from one place.
 *
 * Precision. A change in percentage points or in a rate is rounded half away from zero to one decimal place, the
 * precision the report prints; its direction (and so the outcome) is read from that rounded figure, so the report
 * never says "increased by 0.0 percentage points". Counts are whole and are never rounded.
 */

/** The unit a change is measured in: items counted, percentage points of a proportion, or a rate. */
export type ChangeScale = 'count' | 'percentage-points' | 'rate'

export function changeScaleOf(indicator: Indicator): ChangeScale {
  if (indicator.measureType === 'proportion') return 'percentage-points'
  if (indicator.measureType === 'rate') return 'rate'
  return 'count'
}

function signedFigure(n: number): string {
  if (Number.isInteger(n)) return formatSignedCount(n)
  return (n > 0 ? '+' : n < 0 ? '-' : '') + formatFigure(Math.abs(n))
}

/**
 * The change from one figure to another, in the indicator's unit and relative (in %, to one decimal place, null
 * when the starting figure is 0).
 *
 * @example measureChange(191, 221, 'count').display // '+30 (+15.7%)' — the seed report printed 16.5%
 * @example measureChange(9.9, 9.4527, 'percentage-points').absolute // -0.4
 */
export function measureChange(
  from: number,
  to: number,
  scale: ChangeScale,
  extra: { fromPeriod?: PeriodId; toPeriod?: PeriodId; ratePer?: number } = {},
): Change {
  const raw = to - from
  const absolute =
    scale === 'count' && Number.isInteger(raw)
      ? raw
      : roundHalfAwayFromZero(raw, scale === 'rate' ? RATE_DECIMALS : PERCENT_DECIMALS)
  const percent = from === 0 ? null : roundHalfAwayFromZero((raw / Math.abs(from)) * 100, 1)
  const unit =
    scale === 'percentage-points'
      ? ` percentage ${Math.abs(absolute) === 1 ? 'point' : 'points'}`
      : scale === 'rate'
        ? ` per ${formatFigure(extra.ratePer ?? DEFAULT_RATE_PER)}`
        : ''
  const relative = percent === null ? '' : ` (${formatSignedPercent(percent)})`
  const change: { -readonly [K in keyof Change]: Change[K] } = {
    absolute,
    percent,
    display: `${signedFigure(absolute)}${unit}${relative}`,
    from,
    to,
  }
  if (extra.fromPeriod !== undefined) change.fromPeriod = extra.fromPeriod
  if (extra.toPeriod !== undefined) change.toPeriod = extra.toPeriod
  return change
}

/** Which way a change went, at the precision it is printed. */
export function changeDirection(change: Change): 'increase' | 'decrease' | 'none' {
  return change.absolute > 0 ? 'increase' : change.absolute < 0 ? 'decrease' : 'none'
}

/** The change of the year's outturn against its baseline; null when the year is incomplete or has no baseline. */
export function changeOnBaseline(indicator: Indicator, baseline: Baseline | null, outturn: Outturn): Change | null {
  if (baseline === null || !outturn.complete || outturn.value === null) return null
  if (indicator.measureType === 'text') return null
  return measureChange(baseline.value, outturn.value, changeScaleOf(indicator), rateOf(indicator))
}

/** The change of the year's outturn on last year's; null unless both years are complete. */
export function changeOnLastYear(indicator: Indicator, previous: Outturn, outturn: Outturn): Change | null {
  if (!previous.complete || !outturn.complete || previous.value === null || outturn.value === null) return null
  if (indicator.measureType === 'text') return null
  return measureChange(previous.value, outturn.value, changeScaleOf(indicator), {
    ...rateOf(indicator),
    fromPeriod: previous.year,
    toPeriod: outturn.year,
  })
}

function rateOf(indicator: Indicator): { ratePer?: number } {
  return indicator.ratePer === undefined ? {} : { ratePer: indicator.ratePer }
}

/**
 * The outcome against the preferred direction: 'achieved' when the figure moved the preferred way, 'not-achieved'
 * when it moved the other way, 'no-change', 'insufficient-data' when the year is incomplete or there is no
 * baseline (the change is then null), and 'no-preferred-direction'.
 */
export function judgeOutcome(preferred: PreferredDirection, change: Change | null): Outcome {
  if (preferred === 'none') return 'no-preferred-direction'
  if (change === null) return 'insufficient-data'
  const moved = changeDirection(change)
  if (moved === 'none') return 'no-change'
  return (moved === 'increase') === (preferred === 'increase') ? 'achieved' : 'not-achieved'
}

const OUTCOME_LABELS: Record<Outcome, string> = {
  achieved: 'Achieved',
  'not-achieved': 'Not achieved',
  'no-change': 'No change',
  'insufficient-data': 'Insufficient data',
  'no-preferred-direction': 'No preferred direction',
}

export function outcomeLabel(outcome: Outcome): string {
  return OUTCOME_LABELS[outcome]
}

export function directionLabel(preferred: PreferredDirection): string {
  return preferred === 'increase' ? 'To increase' : preferred === 'reduce' ? 'To reduce' : 'No preferred direction'
}

/**
 * The figure a relative target asks for: "5% lower than 2015/16" on a reference outturn of 1,200 is at most 1,140.
 * Null without a complete reference year.
 */
export function relativeTargetThreshold(
  target: Extract<Target, { kind: 'relative' }>,
  preferred: PreferredDirection,
  reference: Outturn | null,
): number | null {
  if (reference === null || !reference.complete || reference.value === null || preferred === 'none') return null
  const factor = preferred === 'reduce' ? 1 - target.percent / 100 : 1 + target.percent / 100
  return reference.value * factor
}

/** "At most 0", "At least 40.0%", "5.0% lower than 2015/16". */
export function targetLabel(indicator: Indicator, target: Target): string {
  if (target.kind === 'absolute') {
    // Printed as every percentage is (one decimal place: "40.0%"), so the target reads like the figures judged against
    // it ("38.2%") and a page never holds "40%" beside "40.0%" (issue 9: one number format).
    const figure =
      indicator.measureType === 'proportion'
        ? formatPublishedPercent(target.value)
        : formatMeasure(indicator, target.value)
    return `${target.comparison === 'at-most' ? 'At most' : 'At least'} ${figure}`
  }
  const way = indicator.preferredDirection === 'increase' ? 'higher' : 'lower'
  return `${formatPercent(target.percent)} ${way} than ${period(target.referenceYear).label}`
}

/** A figure compared with a target at the precision the report prints it, so the outcome never contradicts it. */
function atPrintedPrecision(indicator: Indicator, n: number): number {
  if (indicator.measureType === 'proportion') return roundHalfAwayFromZero(n, PERCENT_DECIMALS)
  if (indicator.measureType === 'rate') return roundHalfAwayFromZero(n, RATE_DECIMALS)
  return n
}

/** Whether a figure can only grow as more periods come in (a sum of counts, which are never negative). */
function onlyGrows(indicator: Indicator): boolean {
  return indicator.measureType === 'count' || indicator.measureType === 'count-with-share'
}

/**
 * The outcome against the indicator's target, or null when it has none.
 * - absolute: at most / at least the figure. An incomplete year is 'insufficient-data', except that a sum of
 *   counts already above an "at most" target cannot come back under it.
 * - relative: "5% lower than 2015/16" needs the complete outturn of the reference year; without it,
 *   'insufficient-data'.
 */
export function judgeTarget(indicator: Indicator, outturn: Outturn, reference: Outturn | null): Outcome | null {
  const target = indicator.target
  if (target === undefined) return null
  if (outturn.value === null) return 'insufficient-data'
  const value = atPrintedPrecision(indicator, outturn.value)
  if (target.kind === 'absolute') {
    const met = target.comparison === 'at-most' ? value <= target.value : value >= target.value
    if (!outturn.complete) {
      const alreadyMissed = target.comparison === 'at-most' && !met && onlyGrows(indicator)
      return alreadyMissed ? 'not-achieved' : 'insufficient-data'
    }
    return met ? 'achieved' : 'not-achieved'
  }
  if (indicator.preferredDirection === 'none') return 'no-preferred-direction'
  const threshold = relativeTargetThreshold(target, indicator.preferredDirection, reference)
  if (threshold === null || !outturn.complete) return 'insufficient-data'
  const limit = atPrintedPrecision(indicator, threshold)
  const met = indicator.preferredDirection === 'reduce' ? value <= limit : value >= limit
  return met ? 'achieved' : 'not-achieved'
}

/**
 * Next year's baseline: this year's outturn, when the baseline rolls on (its source is the previous outturn, or
 * there is no stored baseline, whose default is the same) and the year is complete. Null for a fixed baseline,
 * an incomplete year and a text result.
 *
 * @example nextBaseline(knifeBaseline, knife2017) // 221
 */
export function nextBaseline(indicator: Indicator, baseline: Baseline | null, outturn: Outturn): number | null {
  if (indicator.measureType === 'text' || !outturn.complete || outturn.value === null) return null
  if (baseline !== null && baseline.source === 'fixed') return null
  return outturn.value
}

/**
 * Whether the change on last year is more than normal variation.
 * - counts (and the count of a count-with-share): two Poisson counts over equal periods, exact test;
 * - proportions with their counts: a test of two proportions on the summed numerators and denominators.
 * None for a stock (the same people counted again), a rate, a text result, a proportion published without its
 * counts, or when either year is incomplete.
 */
export function testSignificance(indicator: Indicator, previous: Outturn, outturn: Outturn): Significance | null {
  if (!previous.complete || !outturn.complete || previous.value === null || outturn.value === null) return null
  const direction = outturn.value > previous.value ? 'increase' : outturn.value < previous.value ? 'decrease' : 'none'
  switch (indicator.measureType) {
    case 'count':
    case 'count-with-share': {
      const [before, after] = [previous.value, outturn.value]
      if (!Number.isInteger(before) || !Number.isInteger(after) || before < 0 || after < 0) return null
      const pValue = poissonExactTest(before, after)
      return { test: 'poisson-exact', pValue, ...readSignificance(pValue, direction) }
    }
    case 'proportion': {
      const { numerator: x1, denominator: n1 } = previous
      const { numerator: x2, denominator: n2 } = outturn
      if (x1 === null || n1 === null || x2 === null || n2 === null) return null
      // The test is for whole counts with 0 ≤ x ≤ n; anything else is not a proportion of cases.
      const whole = (x: number, n: number) => Number.isInteger(x) && Number.isInteger(n) && x >= 0 && x <= n && n > 0
      if (!whole(x1, n1) || !whole(x2, n2)) return null
      const pValue = twoProportionTest(x1, n1, x2, n2)
      return { test: 'two-proportions', pValue, ...readSignificance(pValue, direction) }
    }
    default:
      return null
  }
}

/**
 * The latest period of the year with a figure, and its changes on the same period last year and on the period
 * before it (for a quarterly indicator, "same quarter last year" and "quarter on quarter"; for monthly or
 * bi-monthly ones, the same comparisons at their own cadence; none for an annual one).
 */
export function latestPeriodChanges(
  indicator: Indicator,
  year: PeriodId,
  values: ReadonlyMap<PeriodId, IndicatorValue>,
): LatestChanges {
  const y = period(year)
  const periods: Period[] = []
  if (periodKindOf(indicator.cadence) !== 'year' && indicator.measureType !== 'text')
    for (const v of values.values()) periods.push(period(v.period))
  return latestChangesAmong(indicator, y, periods, {
    shown: (p) => displayValue(indicator, p.id, values.get(p.id)),
  })
}

/** The latest period of a year with a figure, and its changes on the same period last year and the one before. */
export interface LatestChanges {
  readonly latest: DisplayValue | null
  readonly sameQuarterLastYear: Change | null
  readonly quarterOnQuarter: Change | null
}

const NO_LATEST: LatestChanges = Object.freeze({ latest: null, sameQuarterLastYear: null, quarterOnQuarter: null })

/**
 * `latestPeriodChanges` over periods already read (those the values are stored under, in their order) and a way
 * to display a period's figure, for the report builder, which has both at hand.
 */
export function latestChangesAmong(
  indicator: Indicator,
  y: Period,
  periods: Iterable<Period>,
  figures: { shown(p: Period): DisplayValue },
): LatestChanges {
  const kind = periodKindOf(indicator.cadence)
  if (kind === 'year' || indicator.measureType === 'text') return { ...NO_LATEST }
  // The latest of the year's periods with a figure; of two values stored under the same period, the later one.
  let latest: DisplayValue | null = null
  let latestPeriod: Period | null = null
  for (const p of periods) {
    if (p.kind !== kind || p.financialYear !== y.financialYear) continue
    const d = figures.shown(p)
    if (d.number !== null && (latestPeriod === null || comparePeriods(p, latestPeriod) >= 0)) {
      latest = d
      latestPeriod = p
    }
  }
  if (latest === null || latestPeriod === null || latest.number === null) return { ...NO_LATEST }
  return {
    latest,
    sameQuarterLastYear: changeToLatest(indicator, latest, figures.shown(samePeriodLastYear(latestPeriod))),
    quarterOnQuarter: changeToLatest(indicator, latest, figures.shown(previousPeriod(latestPeriod))),
  }
}

function changeToLatest(indicator: Indicator, latest: DisplayValue, earlier: DisplayValue): Change | null {
  if (earlier.number === null || latest.number === null) return null
  return measureChange(earlier.number, latest.number, changeScaleOf(indicator), {
    ...rateOf(indicator),
    fromPeriod: earlier.period,
    toPeriod: latest.period,
  })
}
