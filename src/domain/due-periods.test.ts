import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Cadence } from './indicator.ts'
import { period } from './period.ts'
import { duePeriods, reportingQuarterOf } from './due-periods.ts'

/*
 * Expected sets written by hand from the calendar of the financial year 2017/18 (1 April 2017 – 31 March 2018):
 * Q1 April–June 2017, Q2 July–September, Q3 October–December, Q4 January–March 2018; the two-month periods are
 * B1 Apr–May, B2 Jun–Jul, B3 Aug–Sep, B4 Oct–Nov, B5 Dec–Jan, B6 Feb–Mar.
 */
const due = (cadence: Cadence, quarter: string) => duePeriods(cadence, period(quarter)).map((p) => p.id)

describe('the periods a quarter’s return asks for, per cadence', () => {
  it('quarterly: the quarter itself', () => {
    for (const q of ['FY2017-18-Q1', 'FY2017-18-Q2', 'FY2017-18-Q3', 'FY2017-18-Q4'])
      assert.deepEqual(due('quarterly', q), [q])
  })

  it('monthly: the quarter’s three months, January to March in the next calendar year for Q4', () => {
    assert.deepEqual(due('monthly', 'FY2017-18-Q1'), ['2017-04', '2017-05', '2017-06'])
    assert.deepEqual(due('monthly', 'FY2017-18-Q2'), ['2017-07', '2017-08', '2017-09'])
    assert.deepEqual(due('monthly', 'FY2017-18-Q3'), ['2017-10', '2017-11', '2017-12'])
    assert.deepEqual(due('monthly', 'FY2017-18-Q4'), ['2018-01', '2018-02', '2018-03'])
  })

  it('bi-monthly: the two-month periods that end in the quarter', () => {
    assert.deepEqual(due('bi-monthly', 'FY2017-18-Q1'), ['FY2017-18-B1'])
    assert.deepEqual(due('bi-monthly', 'FY2017-18-Q2'), ['FY2017-18-B2', 'FY2017-18-B3'])
    assert.deepEqual(due('bi-monthly', 'FY2017-18-Q3'), ['FY2017-18-B4'])
    assert.deepEqual(due('bi-monthly', 'FY2017-18-Q4'), ['FY2017-18-B5', 'FY2017-18-B6'])
  })

  it('annual: the financial year, in the Q4 return only', () => {
    assert.deepEqual(due('annual', 'FY2017-18-Q1'), [])
    assert.deepEqual(due('annual', 'FY2017-18-Q2'), [])
    assert.deepEqual(due('annual', 'FY2017-18-Q3'), [])
    assert.deepEqual(due('annual', 'FY2017-18-Q4'), ['FY2017-18'])
  })

  it('every period of a year is asked for in exactly one of its four returns', () => {
    for (const cadence of ['monthly', 'bi-monthly', 'quarterly', 'annual'] as const) {
      const all = ['Q1', 'Q2', 'Q3', 'Q4'].flatMap((q) => due(cadence, `FY2019-20-${q}`))
      assert.equal(new Set(all).size, all.length, cadence)
      assert.equal(all.length, { monthly: 12, 'bi-monthly': 6, quarterly: 4, annual: 1 }[cadence], cadence)
    }
  })

  it('refuses anything but a quarter', () => {
    assert.throws(() => duePeriods('monthly', period('FY2017-18')), /Not a quarter/)
  })

  it('the quarter that reports a period is the one its last month falls in', () => {
    const quarterOf = (id: string) => reportingQuarterOf(period(id)).id
    assert.equal(quarterOf('2017-06'), 'FY2017-18-Q1')
    assert.equal(quarterOf('FY2017-18-B2'), 'FY2017-18-Q2') // June–July: known only after July
    assert.equal(quarterOf('FY2017-18-B5'), 'FY2017-18-Q4') // December–January
    assert.equal(quarterOf('FY2017-18'), 'FY2017-18-Q4')
    assert.equal(quarterOf('FY2017-18-Q3'), 'FY2017-18-Q3')
    assert.equal(quarterOf('2018-03'), 'FY2017-18-Q4')
  })
})
