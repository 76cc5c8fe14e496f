import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { youthCustody } from '../reports/fixture-report.ts'
import { controlLimits } from './control-limits.ts'
import type { ControlChart, IndicatorRow } from './performance-report.ts'
import type { PreferredDirection, Target } from './indicator.ts'
import { assuranceOf, variationOf } from './making-data-count.ts'

/** A control chart over `values` as the report builds one (its limits from `controlLimits`). */
function chart(values: number[]): ControlChart {
  const limits = controlLimits(values)
  assert.ok(limits)
  return { ...limits, periods: values.map((_, i) => `P${i}`), values }
}

const row = (control: ControlChart | null, preferredDirection: PreferredDirection) => ({ control, preferredDirection })

// Twelve points at 10 and 11 alternating: mean 10.5, mean moving range 1, limits 10.5 ± 2.66 = 7.84 to 13.16.
const steady = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11]

describe('variationOf: Making Data Count variation icon from the latest point', () => {
  it('is common cause when the latest point signals nothing', () => {
    assert.equal(variationOf(row(chart([...steady, 10]), 'reduce')), 'common-cause')
  })

  it('is a concern when the latest point is above the upper limit of a KPI that should reduce', () => {
    // 13 points: mean (115 + 30) / 13 = 11.15; moving ranges 1 ×11 and 19 (screened out: 19 ≥ 3.267 × 2.5),
    // so the upper limit is 11.15 + 2.66 × 1 = 13.8 and 30 lies far outside it.
    assert.equal(variationOf(row(chart([...steady, 30]), 'reduce')), 'special-cause-concern')
    assert.equal(variationOf(row(chart([...steady, 30]), 'increase')), 'special-cause-improvement')
    assert.equal(variationOf(row(chart([...steady, 30]), 'none')), 'special-cause-neutral')
  })

  it('is an improvement when the latest point is below the lower limit of a KPI that should reduce', () => {
    assert.equal(variationOf(row(chart([...steady, -9]), 'reduce')), 'special-cause-improvement')
  })

  it('is absent without a control chart (fewer than 13 figures)', () => {
    assert.equal(variationOf(row(null, 'reduce')), null)
  })
})

describe('assuranceOf: Making Data Count assurance icon from the target against the limits', () => {
  const proportion = youthCustody.indicator // a proportion
  const withTarget = (
    control: ControlChart | null,
    target: Target | null,
  ): Pick<IndicatorRow, 'control' | 'target' | 'indicator'> => ({
    control,
    target,
    indicator: proportion,
  })
  const limits = chart([...steady, 10]) // 7.84 to 13.16 (see above)

  it('is consistently met when the whole band of normal variation meets the target', () => {
    assert.equal(
      assuranceOf(withTarget(limits, { kind: 'absolute', value: 7, comparison: 'at-least' })),
      'consistently-met',
    )
    assert.equal(
      assuranceOf(withTarget(limits, { kind: 'absolute', value: 14, comparison: 'at-most' })),
      'consistently-met',
    )
  })

  it('is consistently missed when the whole band misses it', () => {
    assert.equal(
      assuranceOf(withTarget(limits, { kind: 'absolute', value: 14, comparison: 'at-least' })),
      'consistently-missed',
    )
    assert.equal(
      assuranceOf(withTarget(limits, { kind: 'absolute', value: 7, comparison: 'at-most' })),
      'consistently-missed',
    )
  })

  it('is hit and miss when the target lies inside the limits', () => {
    assert.equal(
      assuranceOf(withTarget(limits, { kind: 'absolute', value: 10, comparison: 'at-least' })),
      'inconsistent',
    )
  })

  it('is absent for a count (its target is for the year, each point one period) or without a target', () => {
    const count = {
      control: limits,
      target: { kind: 'absolute', value: 7, comparison: 'at-least' } as const,
      indicator: { ...proportion, measureType: 'count' as const },
    }
    assert.equal(assuranceOf(count), null)
    assert.equal(assuranceOf(withTarget(limits, null)), null)
    assert.equal(assuranceOf(withTarget(null, { kind: 'absolute', value: 7, comparison: 'at-least' })), null)
  })
})
