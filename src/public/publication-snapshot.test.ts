import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  absentValue,
  godoc,
  godocValues,
  indicator,
  knifeCrime,
  knifeCrimeValues,
  quarterlyCounts,
} from '../domain/appendix-c.fixture.ts'
import { buildPerformanceReport } from '../domain/build-performance-report.ts'
import type { Indicator, IndicatorValue } from '../domain/indicator.ts'
import { protectReport } from './public-report.ts'
import { figureDifferences, NOT_REPEATED } from './publication-snapshot.ts'

const rules = { minimumCount: 5 }

function publicReport(indicators: readonly Indicator[], values: readonly IndicatorValue[]) {
  return protectReport(
    buildPerformanceReport({ partnership: 'Test', year: 'FY2017-18', indicators, values, baselines: [] }),
    rules,
  )
}
const q4Withdrawn = (id: string) => absentValue(id, 'FY2017-18-Q4', 'not-yet-available', 'awaiting the police')

describe('completeness and a stock’s period in the public report', () => {
  it('says how many quarters a year has, and where a stock is taken', () => {
    // GODOC (a stock taken at its latest): 2016/17 31, 31, 35 and no Q4; 2017/18 40, 37, 31, 31.
    const report = publicReport([godoc], godocValues)
    const kpi = report.kpis[0]
    assert.deepEqual(
      [kpi?.lastYear.total.display, kpi?.lastYear.total.asAt, kpi?.lastYear.total.completeness],
      ['35 (Q3)', 'Q3', '3 of 4 quarters'],
    )
    assert.deepEqual(
      [kpi?.thisYear.total.display, kpi?.thisYear.total.asAt, kpi?.thisYear.total.complete],
      ['31 (Q4)', 'Q4', true],
    )
    const knife = publicReport(
      [knifeCrime],
      [...knifeCrimeValues.filter((v) => v.period !== 'FY2017-18-Q4'), q4Withdrawn('knife-crime')],
    )
    // 49 + 49 + 56 = 154 over three quarters.
    assert.equal(knife.kpis[0]?.thisYear.total.display, '154 (3 of 4 quarters)')
    assert.equal(knife.kpis[0]?.lastYear.total.display, '191', 'a complete year has no note')
  })
})

describe('the public like-for-like change', () => {
  it('adds up only quarters published unwithheld in both years', () => {
    // Last year 8, 3, 11, 5 (27): 3 is below 5 and withheld, and with the total published the smallest other
    // quarter (5, Q4) is withheld beside it. This year 12, 16, 16 and Q4 not yet available.
    const shots = indicator({ id: 'shots', name: 'Shots fired', measureType: 'count', preferredDirection: 'reduce' })
    const values = [...quarterlyCounts('shots', [8, 3, 11, 5], [12, 16, 16]), q4Withdrawn('shots')]
    const built = buildPerformanceReport({
      partnership: 'T',
      year: 'FY2017-18',
      indicators: [shots],
      values,
      baselines: [],
    })
    // Internally, Q1–Q3: 8 + 3 + 11 = 22 against 12 + 16 + 16 = 44.
    const internal = built.themes[0]?.rows[0]?.likeForLike
    assert.deepEqual([internal?.label, internal?.from, internal?.to], ['Q1–Q3', 22, 44])
    const kpi = protectReport(built, rules).kpis[0]
    assert.deepEqual(
      kpi?.lastYear.periods.map((f) => f.display),
      ['8', '<5', '11', '[c]'],
    )
    // Publicly, Q2 is left out of both sides (its last-year count is withheld): Q1 and Q3, 8 + 11 = 19 against
    // 12 + 16 = 28, both sums of published figures.
    assert.deepEqual(
      [kpi?.likeForLike?.label, kpi?.likeForLike?.lastYear, kpi?.likeForLike?.thisYear, kpi?.likeForLike?.change],
      ['Q1, Q3', 19, 28, '+9 (+47.4%)'],
    )
  })

  it('is absent for a complete year', () => {
    assert.equal(publicReport([knifeCrime], knifeCrimeValues).kpis[0]?.likeForLike, null)
  })
})

describe('the differences between two versions of the public report', () => {
  const shots = indicator({ id: 'shots', name: 'Shots fired', measureType: 'count', preferredDirection: 'reduce' })
  const before = publicReport([shots], quarterlyCounts('shots', [8, 9, 11, 12], [12, 16, 16, 20]))
  // This year's Q4 revised to 4: withheld, and Q1 (12, the smallest other) withheld beside it; the year 48.
  const after = publicReport([shots], quarterlyCounts('shots', [8, 9, 11, 12], [12, 16, 16, 4]))

  it('lists each figure that the public would see differently, as it was and as it is', () => {
    const changes = figureDifferences(before, after).map((d) => [d.what, d.published, d.now])
    assert.deepEqual(changes, [
      ['2017/18 Q1', '12', '[c]'],
      ['2017/18 Q4', '20', '<5'],
      ['2017/18', '64', '48'],
    ])
    assert.deepEqual(figureDifferences(before, before), [])
  })

  it('does not repeat, for the public, the old value of a figure now withheld', () => {
    // With the old 12 for Q1 beside the new year (48) and Q2, Q3 (16, 16), Q4 = 48 − 12 − 32 = 4 would follow.
    const changes = figureDifferences(before, after, 'public').map((d) => [d.what, d.published, d.now])
    assert.deepEqual(changes, [
      ['2017/18 Q1', NOT_REPEATED, '[c]'],
      ['2017/18 Q4', NOT_REPEATED, '<5'],
      ['2017/18', '64', '48'],
    ])
  })
})
