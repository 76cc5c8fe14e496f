import type { Indicator, IndicatorValue, ValueStatus } from './indicator.ts'
import type { DisplayValue } from './performance-report.ts'
import { period, type Period, type PeriodId } from './period.ts'
import { formatCount, formatPercent, PERCENT_DECIMALS, percentOf, roundHalfAwayFromZero } from './rounding.ts'

/**
 * How one figure of the performance report is printed, per measure type. Every percentage shown beside counts is
 * computed from those counts (so "16.3% (8/49)" can never disagree with 8 and 49); a percentage is printed as
 * published only where the source gave no counts. A period with no figure says why, and never shows 0.
 *
 * Counts use thousands separators ("6,251") as GOV.UK style asks, although the seed report printed "6251".
 */

/** Proportions and shares are printed to one decimal place ("16.3% (8/49)"): the rule is rounding.ts's, for every output. */
export { PERCENT_DECIMALS } from './rounding.ts'
/** Rates are printed to one decimal place ("4.2 per 1,000"). */
export const RATE_DECIMALS = 1
/** The rate base when an indicator does not give one. */
export const DEFAULT_RATE_PER = 1000

/** What the report prints for a period without a figure. The reason is kept beside it for a footnote. */
export function statusLabel(status: Exclude<ValueStatus, 'reported'>, reason: string | null): string {
  switch (status) {
    case 'not-yet-available':
      return 'not available'
    case 'not-collected':
      return 'not collected'
    case 'not-applicable':
      return 'not applicable'
    case 'suppressed':
      return suppressedLabel(reason)
  }
}

/**
 * "<5" when the suppression reason states the threshold ("<5", "fewer than 5"), else "suppressed": the threshold
 * differs between publishers (1–4 or 1–5), so it is never assumed.
 */
function suppressedLabel(reason: string | null): string {
  const m = /^\s*(?:<|fewer than|less than)\s*(\d{1,6})\b/i.exec(reason ?? '')
  return m ? `<${m[1]}` : 'suppressed'
}

/**
 * A number as the report prints it: whole numbers with thousands separators, anything else to one decimal place
 * (the average of a stock, a change in percentage points).
 *
 * @example formatFigure(6251) // '6,251'
 * @example formatFigure(34.75) // '34.8'
 */
export function formatFigure(n: number): string {
  return formatCount(n)
}

/**
 * A percentage as published, printed like every other percentage (one decimal place): "33%" from a source is shown
 * as "33.0%", so a page never holds "9%" beside "9.0%" for the same measure. The number kept for exports is the
 * published one, unrounded.
 *
 * @example formatPublishedPercent(62.1) // '62.1%'
 * @example formatPublishedPercent(33) // '33.0%'
 */
export function formatPublishedPercent(percent: number): string {
  return formatPercent(percent, PERCENT_DECIMALS)
}

/** "4.2 per 1,000". */
export function formatRate(rate: number, ratePer: number): string {
  const rounded = roundHalfAwayFromZero(rate, RATE_DECIMALS)
  const text = rounded.toLocaleString('en-GB', {
    minimumFractionDigits: RATE_DECIMALS,
    maximumFractionDigits: RATE_DECIMALS,
  })
  return `${text} per ${formatCount(ratePer)}`
}

/** The headline figure of a measure, formatted for its type: a count, a percentage, a rate. */
export function formatMeasure(indicator: Indicator, n: number): string {
  switch (indicator.measureType) {
    case 'proportion':
      return formatPercent(n, PERCENT_DECIMALS)
    case 'rate':
      return formatRate(n, indicator.ratePer ?? DEFAULT_RATE_PER)
    default:
      return formatFigure(n)
  }
}

/** "16.3% (8/49)": a proportion computed from its counts. */
export function formatProportion(numerator: number, denominator: number): string {
  const percent = percentOf(numerator, denominator)
  const shown = percent === null ? 'no rate (denominator 0)' : formatPercent(percent, PERCENT_DECIMALS)
  return `${shown} (${formatCount(numerator)}/${formatCount(denominator)})`
}

/** "1,495 (43.6%)": a count with the share of it that has some property. */
export function formatCountWithShare(count: number, share: number | null, published = false): string {
  if (share === null) return formatFigure(count)
  const shown = published ? formatPublishedPercent(share) : formatPercent(share, PERCENT_DECIMALS)
  return `${formatFigure(count)} (${shown})`
}

/**
 * The label a period takes as a column of the report: "Quarter 1", "Apr–May", "January", or the year's label.
 */
export function periodColumnLabel(p: Period): string {
  // Periods are shared values (see period.ts), so each one's label is made once: a report prints every KPI's.
  let label = columnLabels.get(p)
  if (label === undefined) {
    label = columnLabel(p)
    if (columnLabels.size >= 10_000) columnLabels.clear()
    columnLabels.set(p, label)
  }
  return label
}

const columnLabels = new Map<Period, string>()

function columnLabel(p: Period): string {
  switch (p.kind) {
    case 'quarter':
      return `Quarter ${p.index}`
    case 'bi-month':
      return p.label.slice(p.label.indexOf(' ') + 1)
    case 'month':
      return p.label.slice(0, p.label.indexOf(' '))
    case 'year':
      return p.label
  }
}

function absent(p: Period, status: Exclude<ValueStatus, 'reported'>, reason: string | null): DisplayValue {
  return {
    period: p.id,
    periodLabel: p.label,
    status,
    display: statusLabel(status, reason),
    number: null,
    numerator: null,
    denominator: null,
    percent: null,
    reason,
  }
}

/** Why a reported row without the figures its measure type needs cannot be shown. */
const INCOMPLETE_RETURN = 'the return has no figure for this measure'

/**
 * The figure of one indicator for one period as the report prints it, with the numbers behind it.
 * `value` is the stored figure for that period, or undefined when none was submitted ("not available").
 * `number` is the headline: the count, the percentage (0–100, unrounded) of a proportion, the rate; null when
 * there is no figure. `percent` is the percentage of a proportion or the share of a count-with-share, unrounded.
 *
 * @example displayValue(youthCustody, 'FY2016-17-Q2', { ...reported, numerator: 10, denominator: 38 }).display
 * // '26.3% (10/38)'
 */
export function displayValue(
  indicator: Indicator,
  periodId: PeriodId,
  value: IndicatorValue | undefined,
): DisplayValue {
  if (value === undefined) return absent(period(periodId), 'not-yet-available', 'no figure has been submitted')
  // The report builder displays each value of a row once (`RowValues.shown`); values are not remembered here, as a
  // cache keyed by every value object held a display for each value for as long as the values lived (about 600
  // bytes a value: half a gigabyte in `npm run bench`).
  return Object.freeze(showValue(indicator, period(periodId), value))
}

/**
 * The headline number `displayValue` gives a value (`.number`), without formatting anything: for the series read
 * over a KPI's whole history (the control limits), where only the numbers are needed. Null for a gap.
 */
export function figureOf(indicator: Indicator, value: IndicatorValue): number | null {
  if (value.status !== 'reported') return null
  const { numerator, denominator } = value
  switch (indicator.measureType) {
    case 'count':
    case 'stock':
    case 'count-with-share':
      return value.value
    case 'proportion':
      if (numerator !== null && denominator !== null) return percentOf(numerator, denominator)
      return value.percent
    case 'rate': {
      if (numerator !== null && denominator !== null) {
        const ratio = percentOf(numerator, denominator)
        return ratio === null ? null : (ratio / 100) * (indicator.ratePer ?? DEFAULT_RATE_PER)
      }
      return value.value
    }
    case 'text':
      return null
  }
}

function showValue(indicator: Indicator, p: Period, value: IndicatorValue): DisplayValue {
  if (value.status !== 'reported') return absent(p, value.status, value.reason)
  const { numerator, denominator } = value
  switch (indicator.measureType) {
    case 'count':
    case 'stock':
      if (value.value === null) break
      return shownFigure(p, value, formatFigure(value.value), value.value, null, null, null)
    case 'proportion': {
      if (numerator !== null && denominator !== null) {
        const percent = percentOf(numerator, denominator)
        return shownFigure(p, value, formatProportion(numerator, denominator), percent, numerator, denominator, percent)
      }
      if (value.percent !== null) {
        const display = formatPublishedPercent(value.percent)
        return shownFigure(p, value, display, value.percent, null, null, value.percent)
      }
      break
    }
    case 'count-with-share': {
      if (value.value === null) break
      const count = value.value
      if (numerator !== null) {
        const share = percentOf(numerator, count)
        return shownFigure(p, value, formatCountWithShare(count, share), count, numerator, count, share)
      }
      const display = formatCountWithShare(count, value.percent, true)
      return shownFigure(p, value, display, count, null, null, value.percent)
    }
    case 'rate': {
      const ratePer = indicator.ratePer ?? DEFAULT_RATE_PER
      if (numerator !== null && denominator !== null) {
        const ratio = percentOf(numerator, denominator)
        const rate = ratio === null ? null : (ratio / 100) * ratePer
        const display = rate === null ? 'no rate (population 0)' : formatRate(rate, ratePer)
        return shownFigure(p, value, display, rate, numerator, denominator, null)
      }
      if (value.value !== null) {
        const display = formatRate(value.value, ratePer)
        return shownFigure(p, value, display, value.value, null, null, null)
      }
      break
    }
    case 'text':
      if (value.text === null || value.text.trim() === '') break
      return shownFigure(p, value, value.text, null, null, null, null)
  }
  // A reported row that lacks the figures its type needs is shown as a gap with the reason, never as 0.
  return absent(p, 'not-yet-available', INCOMPLETE_RETURN)
}

/** A reported figure as displayed: one shape (and one order of fields, which the JSON export keeps) for every type. */
function shownFigure(
  p: Period,
  value: IndicatorValue,
  display: string,
  number: number | null,
  numerator: number | null,
  denominator: number | null,
  percent: number | null,
): DisplayValue {
  return {
    period: p.id,
    periodLabel: p.label,
    status: 'reported',
    reason: value.reason,
    display,
    number,
    numerator,
    denominator,
    percent,
  }
}
