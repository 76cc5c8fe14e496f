import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { dueDate, isAfterDueDate, londonDate } from './due-dates.ts'

describe('due dates', () => {
  it('counts the days after the last day of the quarter', () => {
    // Q4 2017/18 ends on 31 March 2018; 28 days later is 28 April.
    assert.equal(dueDate('FY2017-18-Q4', 28), '2018-04-28')
    // Q1 ends 30 June; Q2 30 September; Q3 31 December (the due date is in the next calendar year).
    assert.equal(dueDate('FY2018-19-Q1', 28), '2018-07-28')
    assert.equal(dueDate('FY2018-19-Q2', 31), '2018-10-31')
    assert.equal(dueDate('FY2018-19-Q3', 28), '2019-01-28')
    // A due date that crosses the end of February in a leap year: 31 Dec 2019 + 60 days = 29 Feb 2020.
    assert.equal(dueDate('FY2019-20-Q3', 60), '2020-02-29')
    assert.equal(dueDate('FY2017-18-Q4', 0), '2018-03-31')
  })

  it('refuses what is not a quarter or a sensible number of days', () => {
    assert.throws(() => dueDate('FY2017-18', 28), RangeError)
    assert.throws(() => dueDate('2018-01', 28), RangeError)
    assert.throws(() => dueDate('FY2017-18-Q4', -1), RangeError)
    assert.throws(() => dueDate('FY2017-18-Q4', 1.5), RangeError)
  })

  it('reads the calendar date in England, across the clock changes', () => {
    // British Summer Time (UTC+1): 23:30 UTC on 28 April 2018 is 00:30 on 29 April in London.
    assert.equal(londonDate(new Date('2018-04-28T23:30:00Z')), '2018-04-29')
    assert.equal(londonDate(new Date('2018-04-28T22:59:59Z')), '2018-04-28')
    // Greenwich Mean Time in January: London and UTC agree.
    assert.equal(londonDate(new Date('2019-01-28T23:30:00Z')), '2019-01-28')
  })

  it('calls a return late only when it arrived after the due date in London', () => {
    assert.equal(isAfterDueDate(new Date('2018-04-28T22:59:59Z'), '2018-04-28'), false)
    assert.equal(isAfterDueDate(new Date('2018-04-28T23:00:00Z'), '2018-04-28'), true)
    assert.equal(isAfterDueDate(new Date('2019-01-28T23:59:59Z'), '2019-01-28'), false)
  })
})
