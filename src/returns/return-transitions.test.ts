import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { quarterTransition, returnTransition, type ReturnStatus, type ReturnStep } from './return-transitions.ts'

// The process as the partnership runs it, written out by hand: where each step takes a return from each state in an
// open quarter (null: not allowed).
const expected: Record<ReturnStatus | 'none', Record<ReturnStep, ReturnStatus | null>> = {
  none: { 'save-draft': 'draft', submit: 'submitted', accept: null, 'send-back': null },
  draft: { 'save-draft': 'draft', submit: 'submitted', accept: null, 'send-back': null },
  submitted: { 'save-draft': 'draft', submit: 'submitted', accept: 'accepted', 'send-back': 'sent-back' },
  'sent-back': { 'save-draft': 'draft', submit: 'submitted', accept: null, 'send-back': null },
  accepted: { 'save-draft': null, submit: null, accept: null, 'send-back': null },
}

describe('the returns process as one table', () => {
  for (const [from, steps] of Object.entries(expected)) {
    for (const [step, to] of Object.entries(steps)) {
      it(`${step} from ${from}: ${to ?? 'refused'}; refused in a locked quarter`, () => {
        const current = from === 'none' ? null : (from as ReturnStatus)
        assert.deepEqual(
          returnTransition(current, step as ReturnStep, false),
          to === null ? { allowed: false, reason: 'wrong-state' } : { allowed: true, to },
        )
        assert.deepEqual(returnTransition(current, step as ReturnStep, true), { allowed: false, reason: 'locked' })
      })
    }
  }

  it('the board locks an open quarter and reopens a locked one, not the other way round', () => {
    assert.deepEqual(quarterTransition(false, 'lock'), { allowed: true, to: 'locked' })
    assert.deepEqual(quarterTransition(true, 'lock'), { allowed: false, reason: 'wrong-state' })
    assert.deepEqual(quarterTransition(true, 'reopen'), { allowed: true, to: 'open' })
    assert.deepEqual(quarterTransition(false, 'reopen'), { allowed: false, reason: 'wrong-state' })
  })
})
