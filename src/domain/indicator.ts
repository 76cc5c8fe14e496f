import type { PeriodId } from './period.ts'

/**
 * The shapes of KPI that occur in a partnership's performance framework (the seed report's Appendix C).
 * - `count`: offences or referrals per period; a year is the sum of its periods.
 * - `proportion`: numerator over denominator ("16.33% (8/49)"); a year is the ratio of the sums.
 * - `count-with-share`: a count and the share of it with some property ("1495 (43.6%)" recordable);
 *   the year's count is the sum, its share the ratio of the sums.
 * - `stock`: a point-in-time number ("active gang members discussed at GODOC"); never summed:
 *   a year is the latest value, or the average, as the indicator says.
 * - `rate`: a count per N population; a year is the ratio of the sums times N.
 * - `text`: a statement ("0 Domestic Homicides in Quarter 4"); no arithmetic.
 */
export type MeasureType = 'count' | 'proportion' | 'count-with-share' | 'stock' | 'rate' | 'text'

export type PreferredDirection = 'increase' | 'reduce' | 'none'

export type Cadence = 'monthly' | 'bi-monthly' | 'quarterly' | 'annual'

export type StockAggregation = 'latest' | 'average'

/**
 * A target beside the preferred direction.
 * - absolute: "0 domestic homicides" (at most 0), "non-police MARAC referrals 40%" (at least 40).
 * - relative: "5% lower than 2015/16" — `percent` below (reduce) or above (increase) the outturn of `referenceYear`.
 */
export type Target =
  | { readonly kind: 'absolute'; readonly value: number; readonly comparison: 'at-most' | 'at-least' }
  | { readonly kind: 'relative'; readonly percent: number; readonly referenceYear: PeriodId }

export interface Indicator {
  /** A short stable code, e.g. `knife-crime`. */
  readonly id: string
  readonly name: string
  /** The theme the report groups it under, e.g. "Gangs and Youth Crime". */
  readonly theme: string
  /** The strategic priority, e.g. "Violence Prevention". */
  readonly priority: string
  readonly definition: string
  /** The partner agency that owns and submits the figure, e.g. "YOT", "SWP Analyst", "WMFS". */
  readonly dataOwner: string
  readonly cadence: Cadence
  readonly measureType: MeasureType
  readonly preferredDirection: PreferredDirection
  /**
   * Hidden harm (domestic abuse, sexual offences, FGM, forced marriage, honour-based abuse, hate crime,
   * modern slavery, Prevent): a rise is read as growing confidence to report, so the preferred direction is
   * normally "increase".
   */
  readonly hiddenHarm: boolean
  /** For `rate`: per how many of the population (1,000 by default). */
  readonly ratePer?: number
  /** For `stock`: how a year is summarised. */
  readonly stockAggregation?: StockAggregation
  readonly target?: Target
  /** What a published percentage of a `count-with-share` means, e.g. "recordable offences". */
  readonly shareLabel?: string
  /**
   * The word for what is counted, plural: "offences", "incidents", "referrals", "young people". Used by the
   * generated commentary ("increased by 11 offences"); without it a default is read from the name.
   */
  readonly unit?: string
}

/**
 * The baseline a year is judged against. Usually the previous year's outturn ("The new baseline is 385"),
 * sometimes a fixed figure ("Baseline 25.6%"). Kept per year, so that a past judgement keeps the baseline it used.
 */
export interface Baseline {
  readonly indicatorId: string
  /** The year judged against this baseline, e.g. `FY2017-18`. */
  readonly year: PeriodId
  readonly source: 'fixed' | 'previous-outturn'
  /** The figure: a count, or a percentage for proportions and shares. */
  readonly value: number
  /** For a proportion or share baseline, the counts behind it when known. */
  readonly numerator?: number
  readonly denominator?: number
  readonly note?: string
}

/**
 * Why a value is absent. Missing is never zero.
 * - `reported`: a figure (or a text result) is present.
 * - `not-yet-available`: due but not in ("MOJ website does not have an update for Q4").
 * - `not-collected`: no figure exists for this period ("Q4 2016/17 was not reported").
 * - `not-applicable`: the indicator does not apply in this period (e.g. no meeting held).
 * - `suppressed`: a small number withheld by disclosure control ("<5").
 */
export type ValueStatus = 'reported' | 'not-yet-available' | 'not-collected' | 'not-applicable' | 'suppressed'

/**
 * One indicator's figure for one period, as an agency returned it.
 * Which fields are set depends on the measure type:
 * - count, stock: `value`
 * - proportion: `numerator` and `denominator` (the percentage is computed), or only `percent` where the
 *   source published a percentage without its counts ("DIP 62.1%")
 * - count-with-share: `value` (the count) with `numerator` (how many have the property) or `percent` as published
 * - rate: `numerator` (count) and `denominator` (population), or `value` (a rate as published)
 * - text: `text`
 * A status other than `reported` carries no numbers, and a `reason`.
 */
export interface IndicatorValue {
  readonly indicatorId: string
  readonly period: PeriodId
  readonly status: ValueStatus
  readonly value: number | null
  readonly numerator: number | null
  readonly denominator: number | null
  /** A percentage as published, only where its counts are not available. */
  readonly percent: number | null
  readonly text: string | null
  readonly reason: string | null
  readonly commentary: string | null
}
