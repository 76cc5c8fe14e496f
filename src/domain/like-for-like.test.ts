import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  absentValue,
  godoc,
  godocValues,
  knifeCrime,
  knifeCrimeValues,
  youthCustody,
  youthCustodyValues,
} from './appendix-c.fixture.ts'
import { buildPerformanceReport } from './build-performance-report.ts'
import type { Indicator, IndicatorValue } from './indicator.ts'

/** The report's row of one KPI for 2017/18, from its values with some 2017/18 quarters withdrawn (not yet available). */
function row(indicator: Indicator, values: readonly IndicatorValue[], withdrawn: readonly string[]) {
  const kept = values.filter((v) => !withdrawn.includes(v.period))
  const absent = withdrawn.map((p) => absentValue(indicator.id, p, 'not-yet-available', 'awaiting the police'))
  const report = buildPerformanceReport({
    partnership: 'Test',
    year: 'FY2017-18',
    indicators: [indicator],
    values: [...kept, ...absent],
    baselines: [],
  })
  const found = report.themes[0]?.rows[0]
  assert.ok(found)
  return found
}

describe('the like-for-like change of an incomplete year', () => {
  it('compares the quarters both years have: knife crime Q1–Q3 (Appendix C figures)', () => {
    // 2016/17 Q1–Q3: 40 + 49 + 51 = 140; 2017/18 Q1–Q3: 49 + 49 + 56 = 154; +14, 14 / 140 = +10.0%.
    const r = row(knifeCrime, knifeCrimeValues, ['FY2017-18-Q4'])
    assert.equal(r.outturn.complete, false)
    assert.equal(r.changeOnLastYear, null, 'no change of the year itself from 3 quarters against 4')
    assert.deepEqual(
      [r.likeForLike?.label, r.likeForLike?.from, r.likeForLike?.to, r.likeForLike?.absolute, r.likeForLike?.percent],
      ['Q1–Q3', 140, 154, 14, 10],
    )
    assert.deepEqual(r.likeForLike?.periods, ['FY2017-18-Q1', 'FY2017-18-Q2', 'FY2017-18-Q3'])
    assert.equal(r.likeForLike?.display, '+14 (+10.0%)')
  })

  it('lists quarters that are not adjacent, and is absent for a complete year', () => {
    // Q2 of 2017/18 missing: Q1, Q3, Q4: 40 + 51 + 51 = 142 against 49 + 56 + 67 = 172.
    const gap = row(knifeCrime, knifeCrimeValues, ['FY2017-18-Q2'])
    assert.deepEqual([gap.likeForLike?.label, gap.likeForLike?.from, gap.likeForLike?.to], ['Q1, Q3, Q4', 142, 172])
    assert.equal(row(knifeCrime, knifeCrimeValues, []).likeForLike, null)
  })

  it('takes a proportion as the ratio of the sums over the same quarters, in percentage points', () => {
    // Youth custody Q1–Q3: 2016/17 (8 + 10 + 5) / (49 + 38 + 42) = 23/129 = 17.829…%; 2017/18 (2 + 4 + 6) /
    // (52 + 53 + 50) = 12/155 = 7.741…%; change −10.087… → −10.1 points (one decimal, as the report rounds them).
    const r = row(youthCustody, youthCustodyValues, ['FY2017-18-Q4'])
    assert.equal(r.likeForLike?.label, 'Q1–Q3')
    assert.ok(Math.abs((r.likeForLike?.from ?? 0) - (23 / 129) * 100) < 1e-9)
    assert.ok(Math.abs((r.likeForLike?.to ?? 0) - (12 / 155) * 100) < 1e-9)
    assert.equal(r.likeForLike?.absolute, -10.1)
  })

  it('is not formed for a stock (taken at its latest quarter, which the same-quarter change compares)', () => {
    assert.equal(row(godoc, godocValues, ['FY2017-18-Q4']).likeForLike, null)
  })
})
