import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  addCalendarMonths,
  caseReference,
  decisionDueOn,
  notifiedCase,
  overdueOf,
  reportDueOn,
  takeStep,
  type CaseEvent,
  type ReviewCase,
} from './death-review.ts'

/** Runs steps in order, failing the test on the first that is not taken. */
function after(start: ReviewCase, steps: readonly CaseEvent[]): ReviewCase {
  let c = start
  for (const step of steps) {
    const outcome = takeStep(c, step)
    assert.ok(outcome.ok, `${step.kind}: ${JSON.stringify(outcome)}`)
    c = outcome.next
  }
  return c
}

const HELD_TO_PANEL: readonly CaseEvent[] = [
  { kind: 'decide', on: '2018-02-10', decision: 'review', reasons: 'Criteria met' },
  { kind: 'inform-home-office', on: '2018-02-11' },
  { kind: 'appoint-chair', on: '2018-03-01', statementOfIndependence: 'No links to any agency' },
  { kind: 'set-up-panel', on: '2018-03-15', termsOfReference: 'Scope: two years before the death' },
]

describe('due dates: calendar months, the day clamped to the end of a shorter month', () => {
  it('a notification on 31 January is due on the last day of February (28 or 29)', () => {
    assert.equal(decisionDueOn('2018-01-31'), '2018-02-28')
    assert.equal(decisionDueOn('2028-01-31'), '2028-02-29') // 2028 is a leap year
  })
  it('a notification on 29 February is due on 29 March', () => {
    assert.equal(decisionDueOn('2028-02-29'), '2028-03-29')
  })
  it('a notification on 31 August is due on 30 September', () => {
    assert.equal(decisionDueOn('2017-08-31'), '2017-09-30')
  })
  it('over a year end, and six months for the overview report', () => {
    assert.equal(addCalendarMonths('2017-12-15', 1), '2018-01-15')
    assert.equal(reportDueOn('2017-08-31'), '2018-02-28')
    assert.equal(reportDueOn('2018-03-01'), '2018-09-01')
  })
  it('refuses a date that is not one', () => {
    assert.throws(() => addCalendarMonths('2018-02-30', 1))
  })
})

describe('the state machine', () => {
  it('walks a review from notification to a closed action plan', () => {
    const c = after(notifiedCase('2018-01-31'), [
      ...HELD_TO_PANEL,
      { kind: 'request-agency-report', on: '2018-03-16', agency: 'West Midlands Police' },
      { kind: 'receive-agency-report', on: '2018-04-20', agency: 'west midlands police' },
      { kind: 'contact-family', on: '2018-03-20', advocacyOffered: true, notes: '' },
      { kind: 'submit-to-quality-assurance', on: '2018-07-30' },
      { kind: 'record-quality-assurance-outcome', on: '2018-09-30', outcome: 'approved', notes: '' },
      { kind: 'approve-publication', on: '2018-10-01', approver: 'a@example.org' },
      { kind: 'approve-publication', on: '2018-10-02', approver: 'b@example.org' },
      { kind: 'publish', on: '2018-10-10', commissionerCopiedOn: '2018-10-10' },
      { kind: 'add-recommendation', on: '2018-10-11', text: 'Train staff', owner: 'Council', dueOn: '2019-03-31' },
      { kind: 'update-recommendation', on: '2019-03-01', index: 0, status: 'complete' },
      { kind: 'close', on: '2019-03-02', notes: '' },
    ])
    assert.equal(c.state, 'closed')
    assert.equal(c.reportDueOn, '2018-08-10')
    assert.deepEqual(c.agencyReports, [
      { agency: 'West Midlands Police', requestedOn: '2018-03-16', receivedOn: '2018-04-20' },
    ])
  })

  it('a decision not to review needs reasons, and closes only after the Home Office responds', () => {
    const start = notifiedCase('2017-06-01')
    const noReasons = takeStep(start, { kind: 'decide', on: '2017-06-20', decision: 'no-review', reasons: ' ' })
    assert.deepEqual(noReasons, {
      ok: false,
      kind: 'invalid',
      field: 'reasons',
      message: 'Enter the reasons for the decision',
    })
    const decided = after(start, [
      { kind: 'decide', on: '2017-06-20', decision: 'no-review', reasons: 'No agency had contact' },
      { kind: 'inform-home-office', on: '2017-06-21' },
    ])
    const early = takeStep(decided, { kind: 'close', on: '2017-06-22', notes: '' })
    assert.equal(early.ok, false)
    assert.equal(!early.ok && early.kind, 'refused')
    const closed = after(decided, [
      { kind: 'record-home-office-response', on: '2017-07-10', response: 'Agreed' },
      { kind: 'close', on: '2017-07-11', notes: '' },
    ])
    assert.equal(closed.state, 'closed')
  })

  it('another partnership leading: the lead is required and the case is followed, then closed', () => {
    const start = notifiedCase('2017-09-01')
    const missing = takeStep(start, {
      kind: 'decide',
      on: '2017-09-05',
      decision: 'another-partnership-leads',
      reasons: 'Victim lived in Birmingham',
    })
    assert.equal(!missing.ok && missing.kind === 'invalid' && missing.field, 'leadPartnership')
    const led = after(start, [
      {
        kind: 'decide',
        on: '2017-09-05',
        decision: 'another-partnership-leads',
        reasons: 'Victim lived there',
        leadPartnership: 'Birmingham',
      },
    ])
    assert.equal(led.state, 'led-elsewhere')
    assert.equal(led.leadPartnership, 'Birmingham')
    assert.equal(led.reportDueOn, null, 'not ours to write: no report due here')
    const chair = takeStep(led, { kind: 'appoint-chair', on: '2017-09-10', statementOfIndependence: 'x' })
    assert.equal(!chair.ok && chair.kind, 'refused', 'a followed case is not worked')
  })

  it('refuses steps out of order', () => {
    const start = notifiedCase('2018-01-31')
    const refusals: CaseEvent[] = [
      { kind: 'publish', on: '2018-02-01', commissionerCopiedOn: '2018-02-01' },
      { kind: 'appoint-chair', on: '2018-02-01', statementOfIndependence: 'x' },
      { kind: 'submit-to-quality-assurance', on: '2018-02-01' },
      { kind: 'approve-publication', on: '2018-02-01', approver: 'a@example.org' },
      { kind: 'inform-home-office', on: '2018-02-01' },
      { kind: 'close', on: '2018-02-01', notes: '' },
    ]
    for (const step of refusals) {
      const outcome = takeStep(start, step)
      assert.equal(!outcome.ok && outcome.kind, 'refused', step.kind)
    }
    const panel = after(start, HELD_TO_PANEL)
    // Skipping the panel: a set-up case cannot be set up again, nor submitted without agencies' reports.
    assert.equal(takeStep(panel, { kind: 'set-up-panel', on: '2018-04-01', termsOfReference: 'x' }).ok, false)
    const none = takeStep(panel, { kind: 'submit-to-quality-assurance', on: '2018-04-01' })
    assert.equal(!none.ok && none.kind, 'refused')
    const waiting = after(panel, [{ kind: 'request-agency-report', on: '2018-03-16', agency: 'Probation' }])
    const unreceived = takeStep(waiting, { kind: 'submit-to-quality-assurance', on: '2018-04-01' })
    assert.equal(!unreceived.ok && unreceived.kind, 'refused')
  })

  it('publication only after the panel approves, by two different approvers', () => {
    const submitted = after(notifiedCase('2018-01-31'), [
      ...HELD_TO_PANEL,
      { kind: 'request-agency-report', on: '2018-03-16', agency: 'Probation' },
      { kind: 'receive-agency-report', on: '2018-03-17', agency: 'Probation' },
      { kind: 'submit-to-quality-assurance', on: '2018-07-01' },
    ])
    const tooSoon = takeStep(submitted, { kind: 'approve-publication', on: '2018-07-02', approver: 'a@example.org' })
    assert.equal(!tooSoon.ok && tooSoon.kind, 'refused')
    const resubmit = after(submitted, [
      { kind: 'record-quality-assurance-outcome', on: '2018-08-01', outcome: 'resubmit', notes: 'More on housing' },
    ])
    assert.equal(resubmit.state, 'resubmit')
    const approved = after(resubmit, [
      { kind: 'submit-to-quality-assurance', on: '2018-09-01' },
      { kind: 'record-quality-assurance-outcome', on: '2018-10-01', outcome: 'approved', notes: '' },
      { kind: 'approve-publication', on: '2018-10-02', approver: 'a@example.org' },
    ])
    const same = takeStep(approved, { kind: 'approve-publication', on: '2018-10-03', approver: 'a@example.org' })
    assert.deepEqual(same, {
      ok: false,
      kind: 'refused',
      message: 'The second approval must come from a different person',
    })
    const one = takeStep(approved, { kind: 'publish', on: '2018-10-04', commissionerCopiedOn: '2018-10-04' })
    assert.equal(!one.ok && one.kind, 'refused', 'one approval is not enough')
  })

  it('extensions need a reason and move the due date later', () => {
    const start = notifiedCase('2018-01-31')
    const noReason = takeStep(start, {
      kind: 'extend',
      on: '2018-02-01',
      which: 'decision',
      newDueOn: '2018-03-15',
      reason: '',
    })
    assert.equal(!noReason.ok && noReason.kind === 'invalid' && noReason.field, 'reason')
    const earlier = takeStep(start, {
      kind: 'extend',
      on: '2018-02-01',
      which: 'decision',
      newDueOn: '2018-02-20',
      reason: 'x',
    })
    assert.equal(!earlier.ok && earlier.kind === 'invalid' && earlier.field, 'newDueOn')
    const extended = after(start, [
      {
        kind: 'extend',
        on: '2018-02-01',
        which: 'decision',
        newDueOn: '2018-03-15',
        reason: 'Awaiting police chronology',
      },
    ])
    assert.equal(extended.decisionDueOn, '2018-03-15')
  })

  it('rejects a date before the notification', () => {
    const outcome = takeStep(notifiedCase('2018-01-31'), {
      kind: 'decide',
      on: '2018-01-30',
      decision: 'review',
      reasons: 'x',
    })
    assert.equal(!outcome.ok && outcome.kind === 'invalid' && outcome.field, 'on')
  })
})

describe('overdue, judged on the date in England', () => {
  it('the decision is overdue the day after its due date, not on it', () => {
    const c = notifiedCase('2018-01-31')
    assert.equal(overdueOf(c, '2018-02-28').decision, false)
    assert.equal(overdueOf(c, '2018-03-01').decision, true)
  })
  it('the overview report is overdue after six months until submitted; recommendations past due', () => {
    const held = after(notifiedCase('2018-01-31'), [
      { kind: 'decide', on: '2018-02-10', decision: 'review', reasons: 'x' },
    ])
    assert.equal(overdueOf(held, '2018-08-10').report, false)
    assert.equal(overdueOf(held, '2018-08-11').report, true)
    assert.equal(overdueOf(held, '2018-08-11').decision, false)
    const recs = [
      { dueOn: '2019-01-01', status: 'in-progress' as const },
      { dueOn: '2019-01-01', status: 'complete' as const },
    ]
    assert.equal(overdueOf(held, '2019-01-02', recs).recommendations, 1)
  })
})

describe('the pseudonymous reference', () => {
  it('names the kind, the year and the number, never a person', () => {
    assert.equal(caseReference('domestic-abuse-related-death-review', '2017-06-01', 1), 'DARDR-2017-01')
    assert.equal(caseReference('offensive-weapons-homicide-review', '2024-03-01', 12), 'OWHR-2024-12')
  })
})
