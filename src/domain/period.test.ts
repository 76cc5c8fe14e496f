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
  londonDate,
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

describe("a date in England (londonDate, which keeps the last hour's answer)", () => {
  // The expected dates come from Intl itself, formatted for every instant.
  const intl = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
  const fresh = (at: Date) => intl.format(at)

  it('gives the date in England every quarter of an hour through two years and their clock changes', () => {
    const start = Date.UTC(2025, 0, 1)
    for (let at = start; at < Date.UTC(2027, 0, 1); at += 15 * 60_000) {
      assert.equal(londonDate(new Date(at)), fresh(new Date(at)), new Date(at).toISOString())
    }
  })

  it('is right about the hours round midnight and the clock changes, in any order', () => {
    const instants = [
      '2026-03-28T23:59:59.999Z', // GMT: still the 28th
      '2026-03-29T00:00:00.000Z', // the 29th
      '2026-03-28T23:00:00.000Z', // back: the 28th
      '2026-03-29T01:00:00.000Z', // BST from here
      '2026-06-30T22:59:59.999Z', // BST: 23:59 on the 30th
      '2026-06-30T23:00:00.000Z', // BST: midnight, the 1st of July
      '2026-06-30T22:30:00.000Z', // back to the 30th
      '2026-10-24T23:00:00.000Z', // BST midnight: the 25th
      '2026-10-25T00:59:59.999Z', // 01:59 BST, the 25th
      '2026-10-25T01:00:00.000Z', // 01:00 GMT, still the 25th
      '2026-10-25T23:59:59.999Z', // GMT: the 25th
      '2026-10-26T00:00:00.000Z', // the 26th
      '1846-06-02T00:30:00.000Z', // before 1847 London ran 1 min 15 s behind GMT: 00:28:45 on the 2nd
      '1846-06-02T00:00:30.000Z', // the same UTC hour, but 23:59:15 on the 1st in London
    ]
    for (const iso of instants) assert.equal(londonDate(new Date(iso)), fresh(new Date(iso)), iso)
    assert.equal(londonDate(new Date('2018-04-28T23:30:00Z')), '2018-04-29')
  })

  it('still refuses an invalid date', () => {
    londonDate(new Date('2026-01-01T12:00:00Z'))
    assert.throws(() => londonDate(new Date(Number.NaN)), RangeError)
  })
})
