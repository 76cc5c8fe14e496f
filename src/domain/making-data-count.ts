import type { IndicatorRow } from './performance-report.ts'

/**
 * NHS England's "Making Data Count" summary icons for a KPI, read from its control chart (`row.control`, XmR limits
 * over 13 or more figures), as NHSRplotthedots reads them:
 * - **variation**, from the latest point: special-cause improvement or concern when it belongs to a signal (outside
 *   the limits, a run of 7 on one side of the mean, a trend of 6), on the side the KPI wants or the other; special
 *   cause with no preferred direction; or common cause (no signal at the latest point);
 * - **assurance**, from where the target lies against the limits: a target the whole band of normal variation
 *   meets is consistently met; one it misses is consistently missed; a target inside the limits is met
 *   inconsistently (hit and miss).
 * Both are null without a control chart (fewer than 13 figures). Assurance is null without an absolute target, and
 * for a count or a count with a share: their target is for the year's total while each point of the chart is one
 * period, so the two cannot be compared.
 */

export type Variation = 'special-cause-improvement' | 'special-cause-concern' | 'special-cause-neutral' | 'common-cause'
export type Assurance = 'consistently-met' | 'consistently-missed' | 'inconsistent'

export const VARIATION_WORDS: Readonly<Record<Variation, string>> = Object.freeze({
  'special-cause-improvement': 'Special cause variation: improvement',
  'special-cause-concern': 'Special cause variation: concern',
  'special-cause-neutral': 'Special cause variation (no preferred direction)',
  'common-cause': 'Common cause variation: no significant change',
})

export const ASSURANCE_WORDS: Readonly<Record<Assurance, string>> = Object.freeze({
  'consistently-met': 'Target consistently met',
  'consistently-missed': 'Target consistently missed',
  inconsistent: 'Target met inconsistently (hit and miss)',
})

/**
 * The variation icon's reading for the latest figure of the control chart.
 *
 * @example variationOf(rowWithLatestAboveTheUpperLimitThatShouldReduce) // 'special-cause-concern'
 */
export function variationOf(row: Pick<IndicatorRow, 'control' | 'preferredDirection'>): Variation | null {
  const control = row.control
  if (control === null) return null
  const last = control.values.length - 1
  const value = control.values[last]
  if (value === undefined) return null
  const rules = control.signals.filter((s) => s.index === last).map((s) => s.rule)
  if (rules.length === 0) return 'common-cause'
  if (row.preferredDirection === 'none') return 'special-cause-neutral'
  // Outside the limits or in a run, the side of the mean says which way; in a trend alone, the way it is going.
  const previous = control.values[last - 1] ?? value
  const side =
    rules.includes('outside-limits') || rules.includes('run-of-7')
      ? Math.sign(value - control.mean)
      : Math.sign(value - previous)
  if (side === 0) return 'special-cause-neutral'
  return side > 0 === (row.preferredDirection === 'increase') ? 'special-cause-improvement' : 'special-cause-concern'
}

/**
 * The assurance icon's reading: where the target stands against the control limits.
 *
 * @example assuranceOf({ control: { lower: 42, upper: 58, … }, target: { kind: 'absolute', value: 40, comparison: 'at-least' }, indicator: { measureType: 'proportion' } })
 * // 'consistently-met'
 */
export function assuranceOf(row: Pick<IndicatorRow, 'control' | 'target' | 'indicator'>): Assurance | null {
  const { control, target } = row
  if (control === null || target === null || target.kind !== 'absolute') return null
  const type = row.indicator.measureType
  if (type !== 'proportion' && type !== 'rate' && type !== 'stock') return null
  if (target.comparison === 'at-least') {
    if (control.lower >= target.value) return 'consistently-met'
    if (control.upper < target.value) return 'consistently-missed'
    return 'inconsistent'
  }
  if (control.upper <= target.value) return 'consistently-met'
  if (control.lower > target.value) return 'consistently-missed'
  return 'inconsistent'
}
