import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  CONTROL_RULE_DESCRIPTIONS,
  controlChart,
  controlLimits,
  controlPoints,
  shownLowerLimit,
} from './control-limits.ts'
import type { Indicator, IndicatorValue } from './indicator.ts'
import { period } from './period.ts'

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`)

describe('controlLimits (XmR, Making Data Count, moving ranges screened as NHSRplotthedots does)', () => {
  it('needs 13 points', () => {
    assert.equal(controlLimits([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), null)
    assert.notEqual(controlLimits([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]), null)
  })

  it('screens the two wild moving ranges of the issue’s series, so that 35 lies outside (worked by hand)', () => {
    const values = [10, 12, 11, 14, 13, 15, 17, 16, 18, 20, 19, 60, 21]
    // Sum 246, mean 246/13 = 18.923. Moving ranges 2,1,3,1,2,2,1,2,2,1,41,39: sum 97, mean 97/12 = 8.083.
    // Unscreened the limits would be 18.923 ± 2.66 × 8.083 = −2.58 to 40.42, and 35 would pass.
    // Screen: 3.267 × 8.083 = 26.41, so 41 and 39 go; the other ten sum 17, mean 1.7.
    // Limits 18.923 ± 2.66 × 1.7 = 18.923 ± 4.522 = 14.401 to 23.445 (93607/6500 and 152393/6500).
    const result = controlLimits(values)
    assert.ok(result)
    close(result.mean, 246 / 13, 'mean')
    close(result.meanMovingRange, 1.7, 'screened mean moving range')
    assert.equal(result.screenedMovingRanges, 2)
    close(result.lower, 93607 / 6500, 'lower')
    close(result.upper, 152393 / 6500, 'upper')
    assert.ok(35 > result.upper)
    // Outside: 10, 12, 11, 14, 13 (below 14.401) and 60. Below the mean: the first nine points, a run of 7 or more.
    assert.deepEqual(result.signals, [
      { index: 0, rule: 'outside-limits' },
      { index: 0, rule: 'run-of-7' },
      { index: 1, rule: 'outside-limits' },
      { index: 1, rule: 'run-of-7' },
      { index: 2, rule: 'outside-limits' },
      { index: 2, rule: 'run-of-7' },
      { index: 3, rule: 'outside-limits' },
      { index: 3, rule: 'run-of-7' },
      { index: 4, rule: 'outside-limits' },
      { index: 4, rule: 'run-of-7' },
      { index: 5, rule: 'run-of-7' },
      { index: 6, rule: 'run-of-7' },
      { index: 7, rule: 'run-of-7' },
      { index: 8, rule: 'run-of-7' },
      { index: 11, rule: 'outside-limits' },
    ])
  })

  it('gives the limits of the NHSRplotthedots vignette’s screening example', () => {
    // NHSRplotthedots, vignettes/deviations.Rmd ("Deviations from Excel defaults", 1. Treatment of outlying
    // points): screened, as by default, UPL 4.6, mean 1.94, LPL −0.72 (unscreened, as the Excel tool: 6.95, −3.06).
    const values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    const result = controlLimits(values)
    assert.ok(result)
    assert.equal(result.upper.toFixed(2), '4.60')
    assert.equal(result.mean.toFixed(2), '1.94')
    assert.equal(result.lower.toFixed(2), '-0.72')
    // By hand: mean 35/18; moving ranges fifteen 1s, an 8 and a 9 (mean 32/17 = 1.88, screen 6.15): the 8 and the 9
    // go, leaving a mean of 1; limits 35/18 ± 2.66.
    assert.equal(result.screenedMovingRanges, 2)
    close(result.meanMovingRange, 1, 'screened mean moving range')
    close(result.upper, 35 / 18 + 2.66, 'upper')
  })

  it('screens once, as the package does, not again over what is left', () => {
    // Ten moving ranges of 1, then 10, then 100: mean 120/12 = 10, screen 32.67 drops only the 100. Over the rest
    // (mean 20/11 = 1.818) the 10 would be above 3.267 × 1.818 = 5.94, but it is kept.
    const values = [50, 51, 50, 51, 50, 51, 50, 51, 50, 51, 50, 60, 160]
    const result = controlLimits(values)
    assert.ok(result)
    assert.equal(result.screenedMovingRanges, 1)
    close(result.meanMovingRange, 20 / 11, 'screened mean moving range')
    close(result.mean, 775 / 13, 'mean of every point, the screened ones included')
    close(result.lower, 775 / 13 - (2.66 * 20) / 11, 'lower')
  })

  it('computes the limits and flags a point outside them (by hand)', () => {
    const values = [10, 12, 11, 13, 12, 11, 10, 12, 11, 13, 12, 30, 11]
    // Sum 168, mean 168/13 = 12.923. Moving ranges 2,1,2,1,1,1,2,1,2,1,18,19: sum 51, mean 4.25; the screen
    // (3.267 × 4.25 = 13.88) drops 18 and 19, leaving 14/10 = 1.4. Limits 12.923 ± 3.724 = [9.199, 16.647]:
    // only 30 (index 11) is outside. Sides of the mean: 3 below, above, 5 below, above, below, above, below: no run.
    const result = controlLimits(values)
    assert.ok(result)
    close(result.mean, 168 / 13, 'mean')
    close(result.lower, 168 / 13 - 2.66 * 1.4, 'lower')
    close(result.upper, 168 / 13 + 2.66 * 1.4, 'upper')
    assert.deepEqual(result.signals, [{ index: 11, rule: 'outside-limits' }])
  })

  it('flags a run of 7 on one side of the mean, but not a run of 6 (by hand)', () => {
    const values = [8, 9, 8, 9, 8, 9, 8, 12, 11, 12, 11, 12, 13]
    // Mean 130/13 = 10; moving ranges six 1s, a 4, five 1s: 15/12 = 1.25, and 4 < 3.267 × 1.25 = 4.08 stays;
    // limits 10 ± 3.325 = [6.675, 13.325]. The first 7 points are below 10 (a run of 7); the last 6 above (a run
    // of 6, no signal); no trend of 6 steps.
    const result = controlLimits(values)
    assert.ok(result)
    assert.equal(result.mean, 10)
    assert.equal(result.screenedMovingRanges, 0)
    assert.ok(Math.abs(result.upper - 13.325) < 1e-12)
    assert.deepEqual(
      result.signals,
      [0, 1, 2, 3, 4, 5, 6].map((index) => ({ index, rule: 'run-of-7' })),
    )
  })

  it('flags 6 consecutive increases, but not 5 (by hand)', () => {
    const values = [10, 10, 10, 10, 10, 10, 4, 5, 6, 7, 8, 9, 10]
    // Mean 109/13 = 8.385; moving ranges 0×5, 6, 1×6: mean 1, so the 6 is screened (≥ 3.267) and 6/11 = 0.545
    // is left; limits 8.385 ± 1.451 = [6.934, 9.836]: the 10s (indices 0–5, 12) above, 4, 5 and 6 (6–8) below.
    // From index 6 to 12 the value rises 6 times running: indices 6–12 trend. Sides: 6 above, 5 below, 2 above.
    const result = controlLimits(values)
    assert.ok(result)
    close(result.lower, 109 / 13 - (2.66 * 6) / 11, 'lower')
    const outside = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12]
    const trend = [6, 7, 8, 9, 10, 11, 12]
    const expected: { index: number; rule: string }[] = []
    for (let index = 0; index < 13; index++) {
      if (outside.includes(index)) expected.push({ index, rule: 'outside-limits' })
      if (trend.includes(index)) expected.push({ index, rule: 'trend-of-6' })
    }
    assert.deepEqual(result.signals, expected)
    // One fewer increase (the last value repeats): 5 increases, no trend signal.
    const five = controlLimits([10, 10, 10, 10, 10, 10, 4, 5, 6, 7, 8, 9, 9])
    assert.ok(five)
    assert.ok(five.signals.every((signal) => signal.rule !== 'trend-of-6'))
  })

  it('finds nothing in a constant series, and screens nothing out of it', () => {
    const result = controlLimits(Array.from({ length: 13 }, () => 5))
    assert.deepEqual(result, {
      mean: 5,
      lower: 5,
      upper: 5,
      meanMovingRange: 0,
      screenedMovingRanges: 0,
      signals: [],
    })
  })

  it('never widens the limits by screening, and screens nothing when no moving range is wild', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 13, maxLength: 60 }), (values) => {
        const result = controlLimits(values)
        assert.ok(result)
        const ranges = values.slice(1).map((v, i) => Math.abs(v - (values[i] as number)))
        const all = ranges.reduce((s, r) => s + r, 0) / ranges.length
        assert.ok(result.meanMovingRange <= all + 1e-9)
        const wild = ranges.filter((r) => all > 0 && r >= 3.267 * all).length
        assert.equal(result.screenedMovingRanges, wild)
        if (wild === 0) assert.ok(Math.abs(result.meanMovingRange - all) < 1e-9)
      }),
    )
  })

  it('names every rule it can report in plain words', () => {
    for (const text of Object.values(CONTROL_RULE_DESCRIPTIONS)) assert.match(text, /^[a-z0-9]/)
  })

  it('rejects values that are not numbers', () => {
    assert.throws(() => controlLimits([...Array.from({ length: 12 }, () => 1), Number.NaN]), /point 13/)
  })

  it('shows a lower limit below zero as 0', () => {
    assert.equal(shownLowerLimit({ lower: -2.5 }), 0)
    assert.equal(shownLowerLimit({ lower: 14.4 }), 14.4)
  })
})

const knifeCrime: Indicator = {
  id: 'knife-crime',
  name: 'Knife crime',
  theme: 'Gangs and Youth Crime',
  priority: 'Violence Prevention',
  definition: 'Knife crime offences',
  dataOwner: 'SWP Analyst',
  cadence: 'quarterly',
  measureType: 'count',
  preferredDirection: 'reduce',
  hiddenHarm: false,
}

function figure(indicatorId: string, periodId: string, value: number | null, status: IndicatorValue['status']) {
  return {
    indicatorId,
    period: periodId,
    status,
    value,
    numerator: null,
    denominator: null,
    percent: null,
    text: null,
    reason: status === 'reported' ? null : 'Not yet received',
    commentary: null,
  } satisfies IndicatorValue
}

describe('controlPoints: the one series control limits are read from', () => {
  const values: IndicatorValue[] = [
    figure('knife-crime', 'FY2016-17-Q2', 12, 'reported'),
    figure('knife-crime', 'FY2016-17-Q1', 10, 'reported'),
    figure('knife-crime', 'FY2016-17-Q3', null, 'not-yet-available'),
    figure('knife-crime', 'FY2016-17', 99, 'reported'),
    figure('knife-crime', '2016-05', 98, 'reported'),
    figure('knife-crime', 'FY2016-17-Q4', 11, 'reported'),
    figure('gun-crime', 'FY2016-17-Q4', 97, 'reported'),
    figure('knife-crime', 'FY2017-18-Q1', 14, 'reported'),
  ]

  it('takes every figure of the KPI’s own cadence, oldest first, leaving gaps out (missing is not zero)', () => {
    assert.deepEqual(controlPoints(knifeCrime, values), [
      { period: 'FY2016-17-Q1', value: 10 },
      { period: 'FY2016-17-Q2', value: 12 },
      { period: 'FY2016-17-Q4', value: 11 },
      { period: 'FY2017-18-Q1', value: 14 },
    ])
  })

  it('stops at the end of the period asked about', () => {
    assert.deepEqual(
      controlPoints(knifeCrime, values, period('FY2016-17')).map((p) => p.period),
      ['FY2016-17-Q1', 'FY2016-17-Q2', 'FY2016-17-Q4'],
    )
  })

  it('charts the percentage of a proportion', () => {
    const proportion: Indicator = { ...knifeCrime, measureType: 'proportion' }
    const value = { ...figure('knife-crime', 'FY2016-17-Q1', null, 'reported'), numerator: 8, denominator: 49 }
    assert.deepEqual(controlPoints(proportion, [value]), [{ period: 'FY2016-17-Q1', value: (8 / 49) * 100 }])
  })

  it('gives a chart with the issue’s limits from 13 quarters, and none from 12', () => {
    const series = [10, 12, 11, 14, 13, 15, 17, 16, 18, 20, 19, 60, 21]
    const quarters = series.map((v, i) =>
      figure('knife-crime', `FY${2014 + Math.floor(i / 4)}-${15 + Math.floor(i / 4)}-Q${(i % 4) + 1}`, v, 'reported'),
    )
    const chart = controlChart(knifeCrime, quarters)
    assert.ok(chart)
    assert.deepEqual(chart.values, series)
    assert.equal(chart.periods.length, 13)
    assert.equal(chart.periods[12], 'FY2017-18-Q1')
    close(chart.lower, 93607 / 6500, 'lower')
    close(chart.upper, 152393 / 6500, 'upper')
    assert.equal(controlChart(knifeCrime, quarters, period('FY2016-17')), null, '12 quarters up to 2016/17')
  })
})
