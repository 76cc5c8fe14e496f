import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { londonDate } from '../domain/period.ts'
import { isOverdue } from './action-overdue.ts'

// Expected dates worked out by hand from the UK's clock changes: British Summer Time (UTC+1) ran from 01:00 UTC on
// 25 March 2018 to 01:00 UTC on 28 October 2018; outside it England keeps GMT (UTC+0).
describe('overdue: the one rule, in England’s calendar', () => {
  test('the date in England at an instant, either side of midnight in summer and winter', () => {
    assert.equal(londonDate(new Date('2018-06-30T22:59:59Z')), '2018-06-30') // 23:59:59 BST
    assert.equal(londonDate(new Date('2018-06-30T23:00:00Z')), '2018-07-01') // 00:00 BST
    assert.equal(londonDate(new Date('2018-12-31T23:59:59Z')), '2018-12-31') // GMT
    assert.equal(londonDate(new Date('2019-01-01T00:00:00Z')), '2019-01-01')
  })

  test('due yesterday in England is overdue; due today is not, even when UTC is still on the day before', () => {
    const action = { dueDate: '2018-06-30', status: 'on-track' as const }
    assert.equal(isOverdue(action, new Date('2018-06-30T22:59:59Z')), false, '23:59:59 BST on the due date')
    assert.equal(isOverdue(action, new Date('2018-06-30T23:00:00Z')), true, '00:00 BST the day after')
    const winter = { dueDate: '2018-12-31', status: 'at-risk' as const }
    assert.equal(isOverdue(winter, new Date('2018-12-31T23:59:59Z')), false, '23:59:59 GMT on the due date')
    assert.equal(isOverdue(winter, new Date('2019-01-01T00:00:00Z')), true, '00:00 GMT the day after')
  })

  test('across the spring clock change: the night of 24–25 March 2018', () => {
    const action = { dueDate: '2018-03-24', status: 'not-started' as const }
    assert.equal(isOverdue(action, new Date('2018-03-24T23:59:00Z')), false, '23:59 GMT on the 24th')
    assert.equal(isOverdue(action, new Date('2018-03-25T00:00:00Z')), true, '00:00 GMT on the 25th')
    assert.equal(isOverdue(action, new Date('2018-03-25T01:30:00Z')), true, '02:30 BST on the 25th')
  })

  test('across the autumn clock change: 00:30 UTC on 28 October 2018 is 01:30 BST on the 28th', () => {
    const action = { dueDate: '2018-10-27', status: 'off-track' as const }
    assert.equal(isOverdue(action, new Date('2018-10-27T22:59:00Z')), false, '23:59 BST on the 27th')
    assert.equal(isOverdue(action, new Date('2018-10-27T23:00:00Z')), true, '00:00 BST on the 28th')
  })

  test('complete and cancelled actions are never overdue, however late', () => {
    const late = new Date('2030-01-01T12:00:00Z')
    assert.equal(isOverdue({ dueDate: '2018-03-31', status: 'complete' }, late), false)
    assert.equal(isOverdue({ dueDate: '2018-03-31', status: 'cancelled' }, late), false)
    for (const status of ['not-started', 'on-track', 'at-risk', 'off-track'] as const) {
      assert.equal(isOverdue({ dueDate: '2018-03-31', status }, late), true, status)
    }
  })

  test('no due date: never overdue', () => {
    assert.equal(isOverdue({ dueDate: null, status: 'off-track' }, new Date('2030-01-01T12:00:00Z')), false)
  })

  test('a milestone: overdue when past due and not done, unless its action is complete or cancelled', () => {
    const now = new Date('2018-09-01T12:00:00Z')
    assert.equal(isOverdue({ dueDate: '2018-08-31', completedOn: null }, now, 'on-track'), true)
    assert.equal(isOverdue({ dueDate: '2018-08-31', completedOn: '2018-09-01' }, now, 'on-track'), false, 'done')
    assert.equal(isOverdue({ dueDate: '2018-08-31', completedOn: null }, now, 'complete'), false, 'action complete')
    assert.equal(isOverdue({ dueDate: '2018-08-31', completedOn: null }, now, 'cancelled'), false, 'action cancelled')
    assert.equal(isOverdue({ dueDate: '2018-09-01', completedOn: null }, now, 'on-track'), false, 'due today')
  })
})
