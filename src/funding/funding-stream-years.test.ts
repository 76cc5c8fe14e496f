import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { currentFinancialYear, financialYearsFrom, splitAcrossYears, startYearOf } from './funding-stream-years.ts'

describe('a multi-year fund split across its years', () => {
  it('splits £500,000 over three years into equal whole-pence shares, the odd pence to the earliest years', () => {
    // 50,000,000 pence / 3 = 16,666,666 remainder 2: the first two years get one penny more (worked by hand).
    assert.deepEqual(splitAcrossYears(50_000_000, ['FY2017-18', 'FY2018-19', 'FY2019-20']), [
      { year: 'FY2017-18', pence: 16_666_667 },
      { year: 'FY2018-19', pence: 16_666_667 },
      { year: 'FY2019-20', pence: 16_666_666 },
    ])
  })

  it('gives every year the same when the total divides, and never loses or invents a penny', () => {
    assert.deepEqual(
      splitAcrossYears(90_000, ['FY2020-21', 'FY2021-22', 'FY2022-23']).map((s) => s.pence),
      [30_000, 30_000, 30_000],
    )
    // 7 pence over four years: 2, 2, 2, 1.
    assert.deepEqual(
      splitAcrossYears(7, ['a', 'b', 'c', 'd']).map((s) => s.pence),
      [2, 2, 2, 1],
    )
    for (const [total, years] of [
      [1, 3],
      [99_999_999, 7],
      [123_457, 2],
      [0, 5],
    ] as const) {
      const shares = splitAcrossYears(
        total,
        Array.from({ length: years }, (_, i) => `y${i}`),
      ).map((s) => s.pence)
      assert.equal(
        shares.reduce((a, b) => a + b, 0),
        total,
      )
      assert.ok(Math.max(...shares) - Math.min(...shares) <= 1)
      assert.ok(
        shares.every((s, i) => i === 0 || s <= (shares[i - 1] as number)),
        'earliest years get the odd pence',
      )
    }
  })

  it('refuses a total that is not whole pence', () => {
    assert.throws(() => splitAcrossYears(0.5, ['FY2017-18']))
    assert.throws(() => splitAcrossYears(-1, ['FY2017-18']))
  })

  it('lists a stream’s years and reads a year', () => {
    assert.deepEqual(financialYearsFrom('FY2017-18', 'FY2019-20'), ['FY2017-18', 'FY2018-19', 'FY2019-20'])
    assert.equal(startYearOf('FY2018-19'), 2018)
    assert.equal(startYearOf('FY2018-20'), null)
    assert.equal(startYearOf('2018-19'), null)
  })

  it('takes the current financial year in London: 31 March 23:30 UTC in summer time is already 1 April', () => {
    assert.equal(currentFinancialYear(new Date('2026-03-31T23:30:00Z')), 'FY2026-27')
    assert.equal(currentFinancialYear(new Date('2026-03-31T22:30:00Z')), 'FY2025-26')
  })
})
