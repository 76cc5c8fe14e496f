import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Indicator } from '../domain/indicator.ts'
import { period } from '../domain/period.ts'
import { isBlankItem, itemBoxes, readItem } from './return-fields.ts'

const youthCustody: Indicator = {
  id: 'youth-custody',
  name: 'Youth custody (% of court disposals)',
  theme: 'Reducing Reoffending',
  priority: 'Reducing Reoffending',
  definition: 'Reducing youth custody numbers - % of court disposals',
  dataOwner: 'YOT',
  cadence: 'quarterly',
  measureType: 'proportion',
  preferredDirection: 'reduce',
  hiddenHarm: false,
}
const entrants: Indicator = {
  ...youthCustody,
  id: 'first-time-entrants',
  name: 'First time entrants',
  measureType: 'count',
}

describe('a return form’s boxes, read with the import rules', () => {
  it('reads a proportion and a count as the values table would', () => {
    const read = readItem(youthCustody, 'FY2018-19-Q1', { status: 'reported', numerator: '7', denominator: '46' })
    assert.deepEqual(read.problems, [])
    assert.equal(read.value?.numerator, 7)
    assert.equal(read.value?.denominator, 46)
    assert.equal(read.value?.status, 'reported')
    assert.equal(readItem(entrants, 'FY2018-19-Q1', { value: '26' }).value?.value, 26)
  })

  it('points a problem about a figure the form does not show at a box it does show (the error summary link)', () => {
    // A proportion's form has numerator, denominator and percent boxes, no "value": an empty submission's problem
    // must link to a field that exists on the page.
    const empty = readItem(youthCustody, 'FY2018-19-Q1', { status: 'reported' })
    assert.equal(empty.value, null)
    assert.ok(empty.problems.length > 0)
    for (const p of empty.problems)
      assert.ok(
        [
          'youth-custody-numerator',
          'youth-custody-denominator',
          'youth-custody-percent',
          'youth-custody-status',
          'youth-custody-reason',
          'youth-custody-commentary',
        ].includes(p.field),
        p.field,
      )
  })

  it('blocks a negative count, a numerator above its denominator, and a figure beside a status', () => {
    const negative = readItem(entrants, 'FY2018-19-Q1', { value: '-3' })
    assert.equal(negative.value, null)
    assert.deepEqual(
      negative.problems.map((p) => p.field),
      ['first-time-entrants-value'],
    )
    assert.match(negative.problems[0]?.message ?? '', /is negative/)
    const above = readItem(youthCustody, 'FY2018-19-Q1', { numerator: '60', denominator: '50' })
    assert.match(above.problems[0]?.message ?? '', /numerator \(60\) is above the denominator \(50\)/)
    assert.equal(above.problems[0]?.field, 'youth-custody-numerator')
    const both = readItem(entrants, 'FY2018-19-Q1', { status: 'suppressed', value: '3', reason: '<5' })
    assert.match(both.problems[0]?.message ?? '', /status is suppressed, so value must be empty/)
    const noReason = readItem(entrants, 'FY2018-19-Q1', { status: 'not-yet-available' })
    assert.equal(noReason.problems[0]?.field, 'first-time-entrants-reason')
    const ok = readItem(entrants, 'FY2018-19-Q1', { status: 'suppressed', reason: '<5' })
    assert.equal(ok.value?.status, 'suppressed')
    assert.equal(ok.value?.value, null)
  })

  it('tells an untouched KPI from one with something in it', () => {
    assert.equal(isBlankItem({}), true)
    assert.equal(isBlankItem({ status: 'reported', value: ' ' }), true)
    assert.equal(isBlankItem({ commentary: 'later' }), false)
    assert.equal(isBlankItem({ status: 'not-collected' }), false)
  })

  it('names a month’s boxes with the month, and keeps a quarterly KPI’s own quarter plain', () => {
    const monthly: Indicator = { ...entrants, id: 'cj-clients', name: 'CJ clients', cadence: 'monthly' }
    const q1 = period('FY2018-19-Q1')
    assert.deepEqual(itemBoxes(entrants, q1, q1), { prefix: 'first-time-entrants', title: 'First time entrants' })
    const may = itemBoxes(monthly, period('2018-05'), q1)
    assert.deepEqual(may, { prefix: 'cj-clients--2018-05', title: 'CJ clients, May 2018' })
    const negative = readItem(monthly, '2018-05', { value: '-1' }, may)
    assert.deepEqual(
      negative.problems.map((p) => [p.field, p.message.slice(0, 26)]),
      [['cj-clients--2018-05-value', 'CJ clients, May 2018: "-1"']],
    )
    assert.equal(readItem(monthly, '2018-05', { value: '12' }, may).value?.period, '2018-05')
    // A quarter for a monthly KPI breaks the import's cadence rule: the problem lands on a box the page shows.
    const wrongKind = readItem(monthly, 'FY2018-19-Q1', { value: '12' })
    assert.equal(wrongKind.value, null)
    assert.deepEqual(
      wrongKind.problems.map((p) => p.field),
      ['cj-clients-value'],
    )
    assert.match(wrongKind.problems[0]?.message ?? '', /reported monthly/)
  })
})
