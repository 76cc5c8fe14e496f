import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { dateInWords, timeInWords } from './time-in-words.ts'

// Expectations worked out by hand: the UK is on GMT (UTC+0) from the last Sunday of October to the last Sunday of
// March, and on BST (UTC+1) between. In 2026 BST runs from 29 March 01:00 UTC to 25 October 01:00 UTC.
describe('times in words, in Europe/London', () => {
  it('reads a winter (GMT) instant as the same clock time', () => {
    assert.equal(timeInWords('2026-12-07T02:33:58.882Z'), '7 December 2026, 2:33am')
    assert.equal(timeInWords(new Date('2026-01-15T17:05:00Z')), '15 January 2026, 5:05pm')
  })

  it('reads a summer (BST) instant one hour ahead, across midnight too', () => {
    assert.equal(timeInWords('2026-07-07T02:33:00Z'), '7 July 2026, 3:33am')
    // 23:30 UTC on 30 June is 00:30 on 1 July in London.
    assert.equal(timeInWords('2026-06-30T23:30:00Z'), '1 July 2026, 12:30am')
    assert.equal(dateInWords('2026-06-30T23:30:00Z'), '1 July 2026')
  })

  it('changes at the clocks going forward and back', () => {
    assert.equal(timeInWords('2026-03-29T00:59:00Z'), '29 March 2026, 12:59am')
    assert.equal(timeInWords('2026-03-29T01:00:00Z'), '29 March 2026, 2:00am')
    assert.equal(timeInWords('2026-10-25T00:30:00Z'), '25 October 2026, 1:30am')
    assert.equal(timeInWords('2026-10-25T01:30:00Z'), '25 October 2026, 1:30am')
  })

  it('says midday and midnight, as GOV.UK style asks', () => {
    assert.equal(timeInWords('2026-12-07T12:00:00Z'), '7 December 2026, midday')
    assert.equal(timeInWords('2026-07-06T23:00:00Z'), '7 July 2026, midnight')
    assert.equal(timeInWords('2026-12-07T12:01:00Z'), '7 December 2026, 12:01pm')
  })

  it('shows a calendar date as that day, and leaves what is not a time as it is', () => {
    assert.equal(dateInWords('2026-12-07'), '7 December 2026')
    assert.equal(timeInWords('2027-03-01'), '1 March 2027')
    assert.equal(timeInWords(null), '')
    assert.equal(timeInWords(undefined), '')
    assert.equal(timeInWords('not a time'), 'not a time')
  })
})
