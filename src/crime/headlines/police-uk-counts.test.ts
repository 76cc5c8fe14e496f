import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { gwentCounts, gwentExpected } from '../../../test/support/ons-fixtures.ts'
import { quarterPeriod, yearPeriod } from '../../domain/period.ts'
import {
  crimeTypeSelection,
  CRIME_TYPE_GROUPS,
  monthsOf,
  TOTAL_RECORDED_CRIME,
  totalsByPartnership,
  yearAndQuarterChanges,
} from './police-uk-counts.ts'

/** The 24 months of Gwent files the fixture was made from. */
const LOADED = new Set(monthsOf({ firstMonth: '2020-01', lastMonth: '2021-12' }))

describe('police.uk counts by financial year and quarter (Gwent, 2020-01 to 2021-12)', () => {
  const counts = gwentCounts()
  const expected = gwentExpected()

  it('lists the months of a period', () => {
    assert.deepEqual(monthsOf(quarterPeriod(2020, 4)), ['2021-01', '2021-02', '2021-03'])
    assert.equal(monthsOf(yearPeriod(2020)).length, 12)
    assert.equal(LOADED.size, 24)
  })

  it('sums each financial quarter as the Python pass over the raw rows does', () => {
    for (const [code, p] of Object.entries(expected.partnerships)) {
      for (const [quarterId, total] of Object.entries(p.quarters)) {
        const [, fy, q] = /^FY(\d{4})-\d{2}-Q(\d)$/.exec(quarterId)!
        const sums = totalsByPartnership(counts, quarterPeriod(Number(fy), Number(q)), TOTAL_RECORDED_CRIME)
        assert.equal(sums.get(code), total, `${code} ${quarterId}`)
      }
      assert.equal(totalsByPartnership(counts, yearPeriod(2020), TOTAL_RECORDED_CRIME).get(code), p.fy2020_21)
    }
  })

  it('compares quarters with the same quarter the year before, and leaves a quarter with a missing month without a figure', () => {
    const newport = expected.partnerships['W14000022']!.quarters
    const fy2020 = yearAndQuarterChanges(counts, 'W14000022', 2020, TOTAL_RECORDED_CRIME, LOADED)
    // 2020/21 Q4 (January–March 2021) against 2019/20 Q4 (January–March 2020): both loaded.
    const q4 = fy2020.quarters[3]!
    assert.equal(q4.quarter.id, 'FY2020-21-Q4')
    assert.equal(q4.lastYearQuarter.id, 'FY2019-20-Q4')
    assert.equal(q4.change?.before, newport['FY2019-20-Q4'])
    assert.equal(q4.change?.after, newport['FY2020-21-Q4'])
    // Q1–Q3 of 2019/20 (April–December 2019) are not loaded: no figure, never a comparison with zero.
    for (const q of fy2020.quarters.slice(0, 3)) {
      assert.equal(q.change, null)
      assert.equal(q.missingMonths.length, 3)
    }
    assert.equal(fy2020.year.change, null)
    assert.deepEqual(fy2020.year.missingMonths, monthsOf({ firstMonth: '2019-04', lastMonth: '2019-12' }))

    const fy2021 = yearAndQuarterChanges(counts, 'W14000022', 2021, TOTAL_RECORDED_CRIME, LOADED)
    for (const [i, id] of ['FY2021-22-Q1', 'FY2021-22-Q2', 'FY2021-22-Q3'].entries()) {
      const q = fy2021.quarters[i]!
      assert.equal(q.change?.after, newport[id as keyof typeof newport])
      assert.equal(q.change?.before, newport[id.replace('FY2021-22', 'FY2020-21') as keyof typeof newport])
    }
    assert.equal(fy2021.quarters[3]!.change, null)
    assert.deepEqual(fy2021.quarters[3]!.missingMonths, ['2022-01', '2022-02', '2022-03'])
  })

  it('sums single crime types and groups for a calendar year as the Python pass does', () => {
    const year2021 = { firstMonth: '2021-01', lastMonth: '2021-12' }
    for (const [code, p] of Object.entries(expected.partnerships)) {
      for (const [type, n] of Object.entries(p.by_type_2021)) {
        assert.equal(totalsByPartnership(counts, year2021, crimeTypeSelection(type)).get(code), n, `${code} ${type}`)
      }
      const theft = CRIME_TYPE_GROUPS.find((g) => g.id === 'theft-offences')!
      const theftTypes = [
        'Bicycle theft',
        'Burglary',
        'Other theft',
        'Shoplifting',
        'Theft from the person',
        'Vehicle crime',
      ]
      const expectedTheft = theftTypes.reduce((s, t) => s + (p.by_type_2021[t] ?? 0), 0)
      assert.equal(totalsByPartnership(counts, year2021, theft).get(code), expectedTheft)
      const expectedTotal = Object.entries(p.by_type_2021).reduce(
        (s, [t, n]) => (t === 'Anti-social behaviour' ? s : s + n),
        0,
      )
      assert.equal(expectedTotal, p.calendar_2021)
    }
  })
})
