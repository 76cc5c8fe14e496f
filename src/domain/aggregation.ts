import type { Cadence, Indicator, IndicatorValue } from './indicator.ts'
import type { DisplayValue, Outturn, PeriodGap } from './performance-report.ts'
import { period, yearsPeriods, type Period, type PeriodId, type PeriodKind } from './period.ts'
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
  return [...expectedPeriodsOf(cadence, financialYear)]
}

/** `expectedPeriods` without the copy, for callers that only read it. */
export function expectedPeriodsOf(cadence: Cadence, financialYear: number): readonly Period[] {
  const kind = periodKindOf(cadence)
  return kind === 'year' ? [period(yearId(financialYear))] : yearsPeriods(financialYear, kind)
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
export interface YearPeriod {
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

/**
 * The year's outturn from its expected periods as displayed (`yearPeriods`): what `yearOutturn` computes, for a
 * caller that has the periods displayed already (the report builder shows them beside the outturn too).
 */
export function outturnOf(indicator: Indicator, y: Period, periods: readonly YearPeriod[]): Outturn {
  const kind = periodKindOf(indicator.cadence)
  // One pass, in the periods' order: the figures that enter the year, and the gaps that keep it incomplete.
  const shown: DisplayValue[] = []
  let gaps: PeriodGap[] | null = null
  let notApplicable = 0
  for (const p of periods) {
    if (p.shown.status === 'not-applicable') notApplicable++
    else if (hasFigure(indicator, p.shown)) shown.push(p.shown)
    else (gaps ??= []).push(gapOf(p.shown))
  }
  const periodsExpected = periods.length - notApplicable
  const periodsReported = shown.length
  const complete = periodsReported === periodsExpected && periodsExpected > 0
  const year: YearCounts = { year: y.id, periodsReported, periodsExpected, complete, gaps: gaps ?? NO_GAPS }

  // "sum of 4 quarters", "sum of the 3 of 4 quarters reported", "… (1 not applicable)"
  const over = complete
    ? `${periodsReported} ${periodNoun(kind, periodsReported)}`
    : `the ${periodsReported} of ${periodsExpected} ${periodNoun(kind, periodsExpected)} reported`
  const naNote = notApplicable > 0 ? ` (${notApplicable} not applicable)` : ''
  const partNote =
    complete || periodsReported === 0
      ? ''
      : ` (${periodsReported} of ${periodsExpected} ${periodNoun(kind, periodsExpected)})`

  if (periodsReported === 0)
    return outturn(year, null, null, null, null, 'no figure', `no ${periodNoun(kind, 2)} reported${naNote}`)

  switch (indicator.measureType) {
    case 'count': {
      const value = total(shown, NUMBER)
      return outturn(year, value, null, null, null, formatFigure(value) + partNote, `sum of ${over}${naNote}`)
    }
    case 'proportion': {
      if (shown.every((d) => d.numerator !== null && d.denominator !== null)) {
        const numerator = total(shown, NUMERATOR)
        const denominator = total(shown, DENOMINATOR)
        const value = percentOf(numerator, denominator)
        return outturn(
          year,
          value,
          numerator,
          denominator,
          null,
          formatProportion(numerator, denominator) + partNote,
          `ratio of the sums over ${over}${naNote}`,
        )
      }
      return unweightedMean(
        indicator,
        year,
        total(shown, PERCENT) / shown.length,
        'percentages',
        over,
        naNote,
        partNote,
      )
    }
    case 'count-with-share': {
      const count = total(shown, NUMBER)
      let share: number | null = null
      let numerator: number | null = null
      let shareMethod = 'share not given for every period'
      if (shown.every((d) => d.numerator !== null)) {
        numerator = total(shown, NUMERATOR)
        share = percentOf(numerator, count)
        shareMethod = 'share: ratio of the sums'
      } else if (shown.every((d) => d.percent !== null)) {
        // Count-weighted: each period's share stands for share × count items; the report's 47.3% for domestic
        // abuse 2017/18 is this mean (47.35…, which the report truncated).
        share = count === 0 ? null : total(shown, WEIGHTED_SHARE) / count
        shareMethod = 'share: count-weighted mean of the published shares'
      }
      return outturn(
        year,
        count,
        numerator,
        numerator === null ? null : count,
        share,
        formatCountWithShare(count, share) + partNote,
        `count: sum of ${over}${naNote}; ${shareMethod}`,
      )
    }
    case 'stock': {
      if (indicator.stockAggregation === 'average') {
        const value = total(shown, NUMBER) / shown.length
        return outturn(year, value, null, null, null, formatFigure(value) + partNote, `average of ${over}${naNote}`)
      }
      // The expected periods come in time order, so the latest reported is the last.
      const latest = shown[shown.length - 1]
      const value = latest?.number ?? null
      return outturn(
        year,
        value,
        null,
        null,
        null,
        value === null ? 'no figure' : `${formatFigure(value)} (${latest?.periodLabel ?? ''})`,
        `latest (${latest?.periodLabel ?? ''})${naNote}`,
      )
    }
    case 'rate': {
      const ratePer = indicator.ratePer ?? DEFAULT_RATE_PER
      if (shown.every((d) => d.numerator !== null && d.denominator !== null)) {
        const numerator = total(shown, NUMERATOR)
        const denominator = total(shown, DENOMINATOR)
        const ratio = percentOf(numerator, denominator)
        const value = ratio === null ? null : (ratio / 100) * ratePer
        return outturn(
          year,
          value,
          numerator,
          denominator,
          null,
          (value === null ? 'no rate (population 0)' : formatMeasure(indicator, value)) + partNote,
          `ratio of the sums over ${over}${naNote}, per ${formatCount(ratePer)}`,
        )
      }
      return unweightedMean(indicator, year, total(shown, NUMBER) / shown.length, 'rates', over, naNote, partNote)
    }
    case 'text': {
      const latest = shown[shown.length - 1]
      return outturn(year, null, null, null, null, latest?.display ?? 'no figure', `text: no arithmetic${naNote}`)
    }
  }
}

/** A complete year's gaps: one frozen empty list for every such outturn. */
const NO_GAPS: readonly PeriodGap[] = Object.freeze([])

/** What every outturn says about its year's periods. */
interface YearCounts {
  readonly year: PeriodId
  readonly periodsReported: number
  readonly periodsExpected: number
  readonly complete: boolean
  readonly gaps: readonly PeriodGap[]
}

/** An outturn, its fields always in one order (the JSON export prints them in it). */
function outturn(
  year: YearCounts,
  value: number | null,
  numerator: number | null,
  denominator: number | null,
  share: number | null,
  display: string,
  method: string,
): Outturn {
  return {
    year: year.year,
    periodsReported: year.periodsReported,
    periodsExpected: year.periodsExpected,
    complete: year.complete,
    gaps: year.gaps,
    value,
    numerator,
    denominator,
    share,
    display,
    method,
  }
}

/**
 * Figures published without their counts cannot be weighted: the plain mean is the only honest year figure, and
 * the method says so.
 */
function unweightedMean(
  indicator: Indicator,
  year: YearCounts,
  value: number,
  published: string,
  over: string,
  naNote: string,
  partNote: string,
): Outturn {
  return outturn(
    year,
    value,
    null,
    null,
    null,
    formatMeasure(indicator, value) + partNote,
    `unweighted mean of the published ${published} of ${over}${naNote} (counts not given)`,
  )
}

const NUMBER = 0
const NUMERATOR = 1
const DENOMINATOR = 2
const PERCENT = 3
const WEIGHTED_SHARE = 4

/** The sum of one figure over the periods, in their order, an absent one counting 0 (as `Array.reduce` from 0). */
function total(shown: readonly DisplayValue[], figure: 0 | 1 | 2 | 3 | 4): number {
  let sum = 0
  for (const d of shown) {
    switch (figure) {
      case NUMBER:
        sum += d.number ?? 0
        break
      case NUMERATOR:
        sum += d.numerator ?? 0
        break
      case DENOMINATOR:
        sum += d.denominator ?? 0
        break
      case PERCENT:
        sum += d.percent ?? 0
        break
      case WEIGHTED_SHARE:
        sum += (d.number ?? 0) * (d.percent ?? 0)
        break
    }
  }
  return sum
}
