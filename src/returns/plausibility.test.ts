import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { plausibilityWarning } from './plausibility.ts'

// First time entrants, 2016/17 Q1 to 2017/18 Q4 (seed report, Appendix C): sorted 25 26 28 30 32 35 35 41, median 31.
const firstTimeEntrants = [30, 25, 41, 35, 32, 28, 35, 26]

describe('plausibility against the KPI’s own history', () => {
  it('warns above three times, or below a third of, the median of the last 8 periods', () => {
    assert.equal(plausibilityWarning(firstTimeEntrants, 93), null, '93 = 3 × 31 is not above it')
    assert.match(
      plausibilityWarning(firstTimeEntrants, 94) ?? '',
      /more than 3 times the median of the last 8 periods \(31\)/,
    )
    assert.equal(plausibilityWarning(firstTimeEntrants, 11), null, '11 > 31 / 3 = 10.33')
    assert.match(plausibilityWarning(firstTimeEntrants, 10) ?? '', /less than a third of the median/)
    assert.match(plausibilityWarning(firstTimeEntrants, 0) ?? '', /less than a third/)
  })

  it('uses only the last 8 periods, and needs at least 4', () => {
    // Older figures (1000s) are outside the window: median of the last 8 is still 31.
    assert.equal(plausibilityWarning([1000, 1000, ...firstTimeEntrants], 40), null)
    assert.equal(plausibilityWarning([30, 25, 41], 500), null, 'three points say too little')
    assert.equal(plausibilityWarning([0, 0, 0, 0], 5), null, 'a median of 0 gives no ratio')
  })

  it('warns outside the control limits once there are 13 points', () => {
    // 13 points alternating 10 and 12: mean 142/13 = 10.923, mean moving range 2, limits 10.923 ± 2.66 × 2
    // = 5.603 to 16.243 (worked by hand). 17 is outside them but under 3 × the median (12 → 36).
    const history = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10]
    assert.equal(plausibilityWarning(history, 16), null)
    assert.match(
      plausibilityWarning(history, 17) ?? '',
      /outside the control limits of the last 13 periods \(5\.6 to 16\.24\)/,
    )
    assert.match(plausibilityWarning(history, 5) ?? '', /outside the control limits/)
    assert.equal(plausibilityWarning(history.slice(1), 17), null, '12 points: no control limits')
  })

  it('screens wild moving ranges before setting the limits, so one wild quarter does not hide the next', () => {
    // Mean 246/13 = 18.92; moving ranges 2,1,3,1,2,2,1,2,2,1,41,39 (mean 8.08; unscreened limits −2.58 to 40.42,
    // which would let 35 through). 41 and 39 are at least 3.267 × 8.08 = 26.4, so they are left out: the rest
    // average 1.7, and the limits are 18.92 ± 4.52 = 14.40 to 23.45 (worked by hand). The median of the last 8
    // (18.5) is not tripled by 35, so only the control limits warn.
    const history = [10, 12, 11, 14, 13, 15, 17, 16, 18, 20, 19, 60, 21]
    assert.equal(
      plausibilityWarning(history, 35),
      '35 is outside the control limits of the last 13 periods (14.4 to 23.45)',
    )
    assert.equal(plausibilityWarning(history, 23), null)
    assert.match(plausibilityWarning(history, 14) ?? '', /outside the control limits/)
  })
})
