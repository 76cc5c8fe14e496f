import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  parsePeriod,
  previousPeriod,
  nextPeriod,
  quarterOfMonth,
  samePeriodLastYear,
  periodsOfYear,
  isWithin,
  period,
} from './period.ts'

describe('periods of the financial year', () => {
  it("reads identifiers and the report's labels alike", () => {
    assert.equal(parsePeriod('FY2017-18-Q1')?.label, '2017/18 Q1')
    assert.equal(parsePeriod('2017/18 Q4')?.id, 'FY2017-18-Q4')
    assert.equal(parsePeriod('FY2017-18')?.label, '2017/18')
    assert.equal(parsePeriod('2018-01')?.label, 'January 2018')
    assert.equal(parsePeriod('FY2017-18-B6')?.label, '2017/18 Feb–Mar')
  })

  it('puts Q1 in April–June and Q4 in January–March of the next calendar year', () => {
    const q1 = period('FY2017-18-Q1')
    assert.equal(q1.firstMonth, '2017-04')
    assert.equal(q1.lastMonth, '2017-06')
    const q4 = period('FY2017-18-Q4')
    assert.equal(q4.firstMonth, '2018-01')
    assert.equal(q4.lastMonth, '2018-03')
  })

  it('places 31 March in the old year and 1 April in the new', () => {
    assert.equal(quarterOfMonth('2018-03')?.id, 'FY2017-18-Q4')
    assert.equal(quarterOfMonth('2018-04')?.id, 'FY2018-19-Q1')
    assert.equal(parsePeriod('2000-03')?.financialYear, 1999)
  })

  it('rejects what it cannot read instead of guessing', () => {
    for (const bad of [
      'FY2017-19',
      '2017/18 Q5',
      'FY2017-18-B7',
      '2018-13',
      '2018-00',
      '12abc',
      '',
      'Q1 2017',
      'FY2017-18-Q0',
    ])
      assert.equal(parsePeriod(bad), null, bad)
  })

  it('steps back a quarter across the year boundary and a year for the same quarter', () => {
    assert.equal(previousPeriod(period('FY2017-18-Q1')).id, 'FY2016-17-Q4')
    assert.equal(samePeriodLastYear(period('FY2017-18-Q3')).id, 'FY2016-17-Q3')
    assert.equal(previousPeriod(period('2018-01')).id, '2017-12')
  })

  it('steps forward across the year boundary, and undoes a step back', () => {
    assert.equal(nextPeriod(period('FY2017-18-Q4')).id, 'FY2018-19-Q1')
    assert.equal(nextPeriod(period('FY2017-18-Q2')).id, 'FY2017-18-Q3')
    assert.equal(nextPeriod(period('FY2017-18-B6')).id, 'FY2018-19-B1')
    assert.equal(nextPeriod(period('2017-12')).id, '2018-01')
    assert.equal(nextPeriod(period('2018-03')).id, '2018-04')
    assert.equal(nextPeriod(period('FY2017-18')).id, 'FY2018-19')
    for (const id of ['FY2017-18-Q1', 'FY2017-18-B1', '2017-04', 'FY2017-18']) {
      assert.equal(nextPeriod(previousPeriod(period(id))).id, id)
    }
  })

  it('divides a year into 4 quarters, 6 bi-months and 12 months that lie within it', () => {
    const year = period('FY2017-18')
    for (const kind of ['quarter', 'bi-month', 'month'] as const) {
      const parts = periodsOfYear(2017, kind)
      assert.equal(parts.length, { quarter: 4, 'bi-month': 6, month: 12 }[kind])
      assert.ok(parts.every((p) => isWithin(p, year)))
      assert.equal(parts[0]?.firstMonth, '2017-04')
      assert.equal(parts.at(-1)?.lastMonth, '2018-03')
    }
  })
})
