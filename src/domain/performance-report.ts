import type { Baseline, Indicator, IndicatorValue, PreferredDirection, Target } from './indicator.ts'
import type { PeriodId } from './period.ts'

/**
 * The performance report (the seed's Appendix C) as data: what every renderer (HTML, CSV, XLSX, JSON, PDF,
 * the web dashboard) prints. Built by `buildPerformanceReport` from indicators, values and baselines;
 * nothing in here is typed in by hand, so the numbers cannot contradict each other.
 */
export interface PerformanceReport {
  readonly partnership: string
  /** The year reported on, e.g. `FY2017-18`, and the year it is compared with. */
  readonly year: PeriodId
  readonly previousYear: PeriodId
  readonly yearLabel: string
  readonly previousYearLabel: string
  readonly themes: readonly ThemeSection[]
  readonly summary: ReportSummary
}

export interface ThemeSection {
  readonly theme: string
  readonly rows: readonly IndicatorRow[]
}

export interface ReportSummary {
  readonly indicators: number
  readonly achieved: number
  readonly notAchieved: number
  readonly insufficientData: number
  readonly realChanges: number
  readonly withinNormalVariation: number
}

/** One figure as displayed, with the numbers behind it kept for exports. */
export interface DisplayValue {
  readonly period: PeriodId
  readonly periodLabel: string
  readonly status: IndicatorValue['status']
  /** As the report prints it: "1495 (43.6%)", "16.3% (8/49)", "<5", "not available". */
  readonly display: string
  /** The headline number: the count, or the percentage (0–100) for a proportion. Null when absent. */
  readonly number: number | null
  readonly numerator: number | null
  readonly denominator: number | null
  readonly percent: number | null
  readonly reason: string | null
}

export interface Outturn {
  readonly year: PeriodId
  /** Count (sum, or latest/average for a stock) or percentage for a proportion. Null when nothing was reported. */
  readonly value: number | null
  readonly numerator: number | null
  readonly denominator: number | null
  readonly display: string
  /** How the year was formed: "sum of 4 quarters", "ratio of sums", "latest (February 2018)", "average of 6". */
  readonly method: string
  readonly periodsReported: number
  readonly periodsExpected: number
  readonly complete: boolean
  /** For a count-with-share: the year's share in % (unrounded), e.g. 47.35 for "6,251 (47.4%)". */
  readonly share?: number | null
  /** The expected periods without a figure, each with its status and reason (why the year is incomplete). */
  readonly gaps?: readonly PeriodGap[]
}

/** A period of the year that has no figure, and why ("2017/18 Q4 not available: MOJ website does not have…"). */
export interface PeriodGap {
  readonly period: PeriodId
  readonly periodLabel: string
  readonly status: IndicatorValue['status']
  readonly reason: string | null
}

export interface Change {
  /** In the indicator's unit: offences, or percentage points for a proportion. */
  readonly absolute: number
  /** Relative change in %, rounded half away from zero to one decimal place; null when the base is 0. */
  readonly percent: number | null
  readonly display: string
  /** The two figures compared (count, or percentage for a proportion) and, where they are periods, which. */
  readonly from?: number
  readonly to?: number
  readonly fromPeriod?: PeriodId
  readonly toPeriod?: PeriodId
}

/**
 * The change over the periods both years have, for a year that is incomplete (`likeForLike`): "Q1–Q3 2023/24 126 → Q1–Q3 2024/25
 * 125". The year's own change is never computed from an incomplete year (`changeOnLastYear` is null), because 3
 * quarters against 4 would read as a fall; the same quarters of both years compare like with like.
 */
export interface LikeForLikeChange extends Change {
  /** The periods compared, this year's, in order. */
  readonly periods: readonly DisplayValue['period'][]
  /** Their labels within the year ("Q1", "Q2", "Q3"), and the range: "Q1–Q3", or "Q1, Q3" when not adjacent. */
  readonly periodLabels: readonly string[]
  readonly label: string
}

export type Outcome = 'achieved' | 'not-achieved' | 'no-change' | 'insufficient-data' | 'no-preferred-direction'

export interface Significance {
  /** `poisson-exact`: two counts over equal periods; `two-proportions`: a difference of two proportions. */
  readonly test: 'poisson-exact' | 'two-proportions'
  readonly pValue: number
  /** "within normal variation", "a real increase", "a real decrease". */
  readonly reading: string
  readonly significant: boolean
}

export interface Trend {
  /** 'rising' | 'falling' | 'stable' | 'insufficient-data' */
  readonly direction: 'rising' | 'falling' | 'stable' | 'insufficient-data'
  /** Whether the trend runs the way the indicator wants ('improving'), the other way ('worsening'), or neither. */
  readonly assessment: 'improving' | 'worsening' | 'neutral' | 'insufficient-data'
  /** Plain words, e.g. "Rising over the last 8 quarters (about 3 a quarter)". */
  readonly description: string
  /** The points the trend was read from, oldest first. */
  readonly points: readonly { readonly period: PeriodId; readonly value: number }[]
}

/** The special-cause rules checked, as Making Data Count (and the NHS-R "plot the dots" package) apply them. */
export type ControlRule = 'outside-limits' | 'run-of-7' | 'trend-of-6'

/** A point (by its index in the series) that belongs to a special-cause signal under one rule. */
export interface ControlSignal {
  readonly index: number
  readonly rule: ControlRule
}

/** XmR control limits (Making Data Count, with the moving ranges screened: see `control-limits.ts`). */
export interface ControlLimits {
  /** The mean of every point. */
  readonly mean: number
  /** mean ± 2.66 × the screened mean moving range; not floored at zero (pages show `shownLowerLimit`). */
  readonly lower: number
  readonly upper: number
  /** The mean of the moving ranges kept by the screen. */
  readonly meanMovingRange: number
  /** How many moving ranges the screen left out (those at or above 3.267 × the mean of all of them). */
  readonly screenedMovingRanges: number
  readonly signals: readonly ControlSignal[]
}

/**
 * A KPI's control chart: the limits, and the figures of its cadence they were read from, oldest first, as two arrays
 * side by side (`values[i]` is the figure for `periods[i]`): a report holds one per KPI, often of 40 or more figures,
 * and two arrays take a quarter of the memory of an object per figure.
 */
export interface ControlChart extends ControlLimits {
  readonly periods: readonly PeriodId[]
  readonly values: readonly number[]
}

export interface IndicatorRow {
  readonly indicator: Indicator
  readonly preferredDirection: PreferredDirection
  readonly directionLabel: string
  readonly target: Target | null
  readonly targetLabel: string | null
  /** Period by period, this year and the same period last year side by side. */
  readonly periods: readonly {
    readonly label: string
    readonly lastYear: DisplayValue
    readonly thisYear: DisplayValue
  }[]
  readonly baseline: (Baseline & { readonly display: string }) | null
  readonly outturn: Outturn
  readonly previousOutturn: Outturn
  readonly changeOnBaseline: Change | null
  readonly changeOnLastYear: Change | null
  /**
   * For an incomplete year, the change over the periods both years have (Q1–Q3 against Q1–Q3); null for a complete
   * year or where it cannot be formed (see `likeForLike`). Absent in hand-made rows.
   */
  readonly likeForLike?: LikeForLikeChange | null
  readonly sameQuarterLastYear: Change | null
  readonly quarterOnQuarter: Change | null
  readonly outcome: Outcome
  readonly outcomeLabel: string
  readonly targetOutcome: Outcome | null
  readonly significance: Significance | null
  readonly trend: Trend
  /**
   * XmR control limits over every figure of the KPI's cadence up to the end of the year (the whole stored history,
   * not only the trend's three years); null with fewer than 13 figures. The KPI page and the returns' plausibility
   * check compute theirs with the same function over the same series.
   */
  readonly control: ControlChart | null
  /** Next year's baseline as this year's outturn gives it (null for a fixed baseline or an incomplete year). */
  readonly nextBaseline: number | null
  /** Generated from the numbers above, in the report's register. */
  readonly generatedCommentary: string
  /** The data owner's own commentary for the latest period that has one. */
  readonly ownerCommentary: string | null
  /** The period `ownerCommentary` was written for (the publication review lists it); absent in hand-made rows. */
  readonly ownerCommentaryPeriod?: PeriodId | null
}
