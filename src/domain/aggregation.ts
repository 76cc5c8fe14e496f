import type { Cadence, Indicator, IndicatorValue } from './indicator.ts'
import type { DisplayValue, Outturn, PeriodGap } from './performance-report.ts'
import { comparePeriods, period, periodsOfYear, type Period, type PeriodId, type PeriodKind } from './period.ts'
import { formatCount, percentOf } from './rounding.ts'
import {
  DEFAULT_RATE_PER,
  displayValue,
  formatCountWithShare,
  formatFigure,
  formatMeasure,
  formatProportion,
} from './value-display.ts'

/**
 * A year's outturn from its periods, per measure type:
 * - count: the sum of the periods.
 * - proportion: the ratio of the summed numerators to the summed denominators (never the mean of the
 *   percentages, which would weigh a quarter of 38 cases like one of 53); with published percentages only, the
 *   unweighted mean of them, and `method` says so.
 * - count-with-share: the count summed; the share the ratio of the sums, or with published shares only the
 *   count-weighted mean of the shares (which is the same thing, up to the publisher's rounding).
 * - stock: the latest reported period, or the average, as the indicator says. Never a sum: a stock counts the
 *   same people again each period (the seed's GODOC baseline 97 = 31 + 31 + 35 is that error).
 * - rate: the ratio of the sums times the rate base; with published rates only, their unweighted mean. Each
 *   period's denominator is its population, so the sums give a rate per period (per quarter), comparable with the
 *   periods' own rates and with last year's; it is not an annual rate.
 * - text: no number.
 *
 * Completeness. The periods expected are those of the indicator's cadence in the year (4 quarters, 6 two-month
 * periods, 12 months, or the year), less any the data owner marked not applicable (nothing is missing there).
 * A period that is not available, not collected or suppressed makes the year incomplete: `complete: false`, and it
 * never enters a total, as zero or otherwise.
 *
 * The value of an incomplete year is what the reported periods give (the sum of the quarters reported, the ratio of
 * their sums, the latest reported): it is shown with "(3 of 4 quarters)" and is never judged — the judgement is
 * "insufficient data" and no change is computed from it. It is null when no period was reported.
 */

/** The kind of period an indicator of this cadence reports for. */
export function periodKindOf(cadence: Cadence): PeriodKind {
  switch (cadence) {
    case 'quarterly':
      return 'quarter'
    case 'bi-monthly':
      return 'bi-month'
    case 'monthly':
      return 'month'
    case 'annual':
      return 'year'
  }
}

/** The periods an indicator of this cadence reports for in a financial year, in order. */
export function expectedPeriods(cadence: Cadence, financialYear: number): Period[] {
  const kind = periodKindOf(cadence)
  return kind === 'year' ? [period(yearId(financialYear))] : periodsOfYear(financialYear, kind)
}

function yearId(financialYear: number): PeriodId {
  return `FY${financialYear}-${String((financialYear + 1) % 100).padStart(2, '0')}`
}

const PERIOD_NOUNS: Record<PeriodKind, readonly [string, string]> = {
  quarter: ['quarter', 'quarters'],
  'bi-month': ['two-month period', 'two-month periods'],
  month: ['month', 'months'],
  year: ['year', 'years'],
}

/** "quarter", "quarters", "two-month periods"… */
export function periodNoun(kind: PeriodKind, count: number): string {
  return PERIOD_NOUNS[kind][count === 1 ? 0 : 1]
}

/**
 * The values of one indicator by period id. Where a period was submitted twice the later row wins (imports
 * reject duplicates; this only keeps the function total).
 */
export function valuesByPeriod(values: readonly IndicatorValue[], indicatorId: string): Map<PeriodId, IndicatorValue> {
  const map = new Map<PeriodId, IndicatorValue>()
  for (const v of values) if (v.indicatorId === indicatorId) map.set(v.period, v)
  return map
}

/** One period of the year, as displayed, so that the report and the outturn read the same figures. */
interface YearPeriod {
  readonly period: Period
  readonly shown: DisplayValue
  readonly value: IndicatorValue | undefined
}

/** Every expected period of the year, displayed: the same figures the report prints beside the outturn. */
export function yearPeriods(
  indicator: Indicator,
  financialYear: number,
  values: ReadonlyMap<PeriodId, IndicatorValue>,
): YearPeriod[] {
  return expectedPeriods(indicator.cadence, financialYear).map((p) => {
    const value = values.get(p.id)
    return { period: p, shown: displayValue(indicator, p.id, value), value }
  })
}

function gapOf(d: DisplayValue): PeriodGap {
  return { period: d.period, periodLabel: d.periodLabel, status: d.status, reason: d.reason }
}

/** Whether a displayed period has the figures its measure needs to enter the year. */
function hasFigure(indicator: Indicator, d: DisplayValue): boolean {
  if (indicator.measureType === 'text') return d.status === 'reported'
  return d.number !== null
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)
const mean = (xs: readonly number[]) => sum(xs) / xs.length

/**
 * The year's outturn of one indicator. `values` may hold any indicator's values and any periods: only this
 * indicator's values for the periods of its cadence within `year` are read.
 *
 * @example yearOutturn(knifeCrime, 'FY2017-18', values).value // 221 (49 + 49 + 56 + 67)
 * @example yearOutturn(godoc, 'FY2017-18', values).value // 31, the latest; never 40 + 37 + 31 + 31
 */
export function yearOutturn(
  indicator: Indicator,
  year: PeriodId,
  values: readonly IndicatorValue[] | ReadonlyMap<PeriodId, IndicatorValue>,
): Outturn {
  const y = period(year)
  if (y.kind !== 'year') throw new Error(`An outturn is for a financial year, not "${year}"`)
  const byPeriod = values instanceof Map ? values : valuesByPeriod(values as readonly IndicatorValue[], indicator.id)
  return outturnOf(indicator, y, yearPeriods(indicator, y.financialYear, byPeriod))
}

function outturnOf(indicator: Indicator, y: Period, periods: readonly YearPeriod[]): Outturn {
  const kind = periodKindOf(indicator.cadence)
  const applicable = periods.filter((p) => p.shown.status !== 'not-applicable')
  const reported = applicable.filter((p) => hasFigure(indicator, p.shown))
  const gaps = applicable.filter((p) => !hasFigure(indicator, p.shown)).map((p) => gapOf(p.shown))
  const notApplicable = periods.length - applicable.length
  const periodsExpected = applicable.length
  const periodsReported = reported.length
  const complete = periodsReported === periodsExpected && periodsExpected > 0
  const shown = reported.map((p) => p.shown)

  // "sum of 4 quarters", "sum of the 3 of 4 quarters reported", "… (1 not applicable)"
  const over = complete
    ? `${periodsReported} ${periodNoun(kind, periodsReported)}`
    : `the ${periodsReported} of ${periodsExpected} ${periodNoun(kind, periodsExpected)} reported`
  const naNote = notApplicable > 0 ? ` (${notApplicable} not applicable)` : ''
  const partNote =
    complete || periodsReported === 0
      ? ''
      : ` (${periodsReported} of ${periodsExpected} ${periodNoun(kind, periodsExpected)})`

  const base = { year: y.id, periodsReported, periodsExpected, complete, gaps }
  const nothing = (method: string): Outturn => ({
    ...base,
    value: null,
    numerator: null,
    denominator: null,
    share: null,
    display: 'no figure',
    method,
  })
  if (periodsReported === 0) return nothing(`no ${periodNoun(kind, 2)} reported${naNote}`)
  // Figures published without their counts cannot be weighted: the plain mean is the only honest year figure,
  // and the method says so.
  const unweightedMean = (figures: readonly number[], published: string): Outturn => {
    const value = mean(figures)
    return {
      ...base,
      value,
      numerator: null,
      denominator: null,
      share: null,
      display: formatMeasure(indicator, value) + partNote,
      method: `unweighted mean of the published ${published} of ${over}${naNote} (counts not given)`,
    }
  }

  switch (indicator.measureType) {
    case 'count': {
      const value = sum(shown.map((d) => d.number ?? 0))
      return {
        ...base,
        value,
        numerator: null,
        denominator: null,
        share: null,
        display: formatFigure(value) + partNote,
        method: `sum of ${over}${naNote}`,
      }
    }
    case 'proportion': {
      if (shown.every((d) => d.numerator !== null && d.denominator !== null)) {
        const numerator = sum(shown.map((d) => d.numerator ?? 0))
        const denominator = sum(shown.map((d) => d.denominator ?? 0))
        const value = percentOf(numerator, denominator)
        return {
          ...base,
          value,
          numerator,
          denominator,
          share: null,
          display: formatProportion(numerator, denominator) + partNote,
          method: `ratio of the sums over ${over}${naNote}`,
        }
      }
      return unweightedMean(
        shown.map((d) => d.percent ?? 0),
        'percentages',
      )
    }
    case 'count-with-share': {
      const count = sum(shown.map((d) => d.number ?? 0))
      let share: number | null = null
      let numerator: number | null = null
      let shareMethod = 'share not given for every period'
      if (shown.every((d) => d.numerator !== null)) {
        numerator = sum(shown.map((d) => d.numerator ?? 0))
        share = percentOf(numerator, count)
        shareMethod = 'share: ratio of the sums'
      } else if (shown.every((d) => d.percent !== null)) {
        // Count-weighted: each period's share stands for share × count items; the report's 47.3% for domestic
        // abuse 2017/18 is this mean (47.35…, which the report truncated).
        share = count === 0 ? null : sum(shown.map((d) => (d.number ?? 0) * (d.percent ?? 0))) / count
        shareMethod = 'share: count-weighted mean of the published shares'
      }
      return {
        ...base,
        value: count,
        numerator,
        denominator: numerator === null ? null : count,
        share,
        display: formatCountWithShare(count, share) + partNote,
        method: `count: sum of ${over}${naNote}; ${shareMethod}`,
      }
    }
    case 'stock': {
      if (indicator.stockAggregation === 'average') {
        const value = mean(shown.map((d) => d.number ?? 0))
        return {
          ...base,
          value,
          numerator: null,
          denominator: null,
          share: null,
          display: formatFigure(value) + partNote,
          method: `average of ${over}${naNote}`,
        }
      }
      const latest = [...shown].sort((a, b) => comparePeriods(period(a.period), period(b.period))).at(-1)
      const value = latest?.number ?? null
      return {
        ...base,
        value,
        numerator: null,
        denominator: null,
        share: null,
        display: value === null ? 'no figure' : `${formatFigure(value)} (${latest?.periodLabel ?? ''})`,
        method: `latest (${latest?.periodLabel ?? ''})${naNote}`,
      }
    }
    case 'rate': {
      const ratePer = indicator.ratePer ?? DEFAULT_RATE_PER
      if (shown.every((d) => d.numerator !== null && d.denominator !== null)) {
        const numerator = sum(shown.map((d) => d.numerator ?? 0))
        const denominator = sum(shown.map((d) => d.denominator ?? 0))
        const ratio = percentOf(numerator, denominator)
        const value = ratio === null ? null : (ratio / 100) * ratePer
        return {
          ...base,
          value,
          numerator,
          denominator,
          share: null,
          display: (value === null ? 'no rate (population 0)' : formatMeasure(indicator, value)) + partNote,
          method: `ratio of the sums over ${over}${naNote}, per ${formatCount(ratePer)}`,
        }
      }
      return unweightedMean(
        shown.map((d) => d.number ?? 0),
        'rates',
      )
    }
    case 'text': {
      const latest = [...shown].sort((a, b) => comparePeriods(period(a.period), period(b.period))).at(-1)
      return { ...nothing(`text: no arithmetic${naNote}`), display: latest?.display ?? 'no figure' }
    }
  }
}
