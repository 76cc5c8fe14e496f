import type { Indicator } from './indicator.ts'
import { changeScaleOf, measureChange } from './judgement.ts'
import type { DisplayValue, LikeForLikeChange } from './performance-report.ts'
import { percentOf } from './rounding.ts'

/**
 * The like-for-like change of an incomplete year: null when the year is complete (the year's own change applies),
 * when no period has a figure in both years, or for a measure whose year is not a sum of its periods (a stock is
 * taken at its latest period, which the same-quarter change already compares; a rate's periods have their own
 * populations; text has no number). Counts (and a count-with-share's count) are summed; a proportion is the ratio of
 * the summed numerators and denominators, compared in percentage points, when every compared period has them.
 *
 * @example likeForLike(drugTests, periods, …)?.display // '-1 (-0.8%)' for 126 → 125 over Q1–Q3
 */
export function likeForLike(
  indicator: Indicator,
  periods: readonly { readonly label: string; readonly lastYear: DisplayValue; readonly thisYear: DisplayValue }[],
  thisYearComplete: boolean,
): LikeForLikeChange | null {
  if (thisYearComplete) return null
  const type = indicator.measureType
  if (type !== 'count' && type !== 'count-with-share' && type !== 'proportion') return null
  const both = periods
    .map((p, index) => ({ ...p, index }))
    .filter((p) => p.thisYear.number !== null && p.lastYear.number !== null)
  if (both.length === 0) return null
  let from: number
  let to: number
  if (type === 'proportion') {
    const counted = (d: DisplayValue) => d.numerator !== null && d.denominator !== null
    if (!both.every((p) => counted(p.thisYear) && counted(p.lastYear))) return null
    const sum = (pick: (p: (typeof both)[number]) => number) => both.reduce((total, p) => total + pick(p), 0)
    const last = percentOf(
      sum((p) => p.lastYear.numerator as number),
      sum((p) => p.lastYear.denominator as number),
    )
    const current = percentOf(
      sum((p) => p.thisYear.numerator as number),
      sum((p) => p.thisYear.denominator as number),
    )
    if (last === null || current === null) return null
    from = last
    to = current
  } else {
    from = both.reduce((total, p) => total + (p.lastYear.number as number), 0)
    to = both.reduce((total, p) => total + (p.thisYear.number as number), 0)
  }
  const periodLabels = both.map((p) => withinYear(p.thisYear.periodLabel))
  return {
    ...measureChange(from, to, changeScaleOf(indicator)),
    periods: both.map((p) => p.thisYear.period),
    periodLabels,
    label: rangeLabel(
      periodLabels,
      both.map((p) => p.index),
    ),
  }
}

/** A period's label without its financial year, as a year's table heads it: "2024/25 Q3" → "Q3"; "May 2024" stays. */
export function withinYear(periodLabel: string): string {
  return periodLabel.replace(/^\d{4}\/\d{2} /, '')
}

/** "Q1–Q3" for adjacent periods from the first to the last, else the labels listed: "Q1, Q3". */
export function rangeLabel(labels: readonly string[], indexes: readonly number[]): string {
  if (labels.length === 1) return labels[0] ?? ''
  const adjacent = indexes.every((index, i) => i === 0 || index === (indexes[i - 1] as number) + 1)
  return adjacent ? `${labels[0]}–${labels[labels.length - 1]}` : labels.join(', ')
}
