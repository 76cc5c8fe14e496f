import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Indicator } from '../domain/indicator.ts'
import { period } from '../domain/period.ts'
import { duePeriods } from '../domain/due-periods.ts'
import { itemBoxes } from '../returns/return-fields.ts'
import type { ReturnLine } from '../returns/returns-service.ts'
import { problemsInApiTerms, returnBodySchema, returnItemsToFields, warningsInApiTerms } from './return-input.ts'

/*
 * The API's items → the return form's fields, and the service's problems → the API's terms. The expected field
 * names are written out by hand from return-fields.ts's rule: a quarterly KPI's own quarter keeps `<kpi>-<box>`,
 * any other period is `<kpi>--<period>-<box>`.
 */

const indicator = (id: string, name: string, cadence: Indicator['cadence'], measureType: Indicator['measureType']) =>
  ({
    id,
    name,
    theme: 'Test',
    priority: 'Test',
    definition: name,
    dataOwner: 'Public Health',
    cadence,
    measureType,
    preferredDirection: 'reduce',
    hiddenHarm: false,
  }) satisfies Indicator

const KNIFE = indicator('knife-crime', 'Knife crime', 'quarterly', 'count')
const OPIATE = indicator(
  'cj-clients-in-treatment-opiate',
  'CJ clients in treatment (opiate)',
  'monthly',
  'count-with-share',
)
const Q1 = period('FY2018-19-Q1')

/** The 2018/19 Q1 return's lines: knife crime's quarter, and the opiate KPI's April, May and June 2018. */
const lines: ReturnLine[] = [KNIFE, OPIATE].map((i) => ({
  indicator: i,
  entries: duePeriods(i.cadence, Q1).map((p) => ({ period: p, lastYear: '', boxes: itemBoxes(i, p, Q1), item: null })),
}))

describe('returnItemsToFields', () => {
  it('writes each item into its KPI’s boxes for its period, as the return page names them', () => {
    const mapped = returnItemsToFields(
      [
        { indicator: 'knife-crime', period: 'FY2018-19-Q1', value: 41, commentary: 'Up on last year' },
        { indicator: OPIATE.id, period: '2018-05', value: 31, percent: 22.5, confirmed: true },
        { indicator: OPIATE.id, period: '2018-06', status: 'not-yet-available', reason: 'Extract late', value: null },
      ],
      lines,
    )
    assert.ok(mapped.ok)
    assert.deepEqual(mapped.fields, {
      'knife-crime-value': '41',
      'knife-crime-commentary': 'Up on last year',
      'cj-clients-in-treatment-opiate--2018-05-value': '31',
      'cj-clients-in-treatment-opiate--2018-05-percent': '22.5',
      'cj-clients-in-treatment-opiate--2018-05-confirm': 'yes',
      'cj-clients-in-treatment-opiate--2018-06-status': 'not-yet-available',
      'cj-clients-in-treatment-opiate--2018-06-reason': 'Extract late',
    })
    // Every box of the four periods due (8 boxes and the confirmation each), whether sent or not.
    assert.equal(mapped.boxes.size, 4 * 9)
    assert.deepEqual(mapped.boxes.get('cj-clients-in-treatment-opiate--2018-04-value'), {
      indicator: OPIATE.id,
      period: '2018-04',
      field: 'value',
      prefix: 'cj-clients-in-treatment-opiate--2018-04',
      title: 'CJ clients in treatment (opiate), April 2018',
      index: null,
      blank: true,
    })
  })

  it('names each item the return does not ask for: a wrong period of a KPI due, or a KPI not due', () => {
    const mapped = returnItemsToFields(
      [
        { indicator: 'knife-crime', period: 'FY2018-19-Q1', value: 41 },
        { indicator: OPIATE.id, period: 'FY2018-19-Q1', value: 93 },
        { indicator: OPIATE.id, period: '2018-07', value: 30 },
        { indicator: 'first-time-entrants', period: 'FY2018-19-Q1', value: 29 },
      ],
      lines,
    )
    assert.equal(mapped.ok, false)
    assert.ok(!mapped.ok)
    assert.deepEqual(
      mapped.problems.map((p) => [p.pointer, p.indicator, p.period, p.field]),
      [
        ['/items/1/period', OPIATE.id, 'FY2018-19-Q1', 'period'],
        ['/items/2/period', OPIATE.id, '2018-07', 'period'],
        ['/items/3/indicator', 'first-time-entrants', 'FY2018-19-Q1', 'indicator'],
      ],
    )
    assert.match(mapped.problems[0]?.detail ?? '', /asks for 2018-04, 2018-05, 2018-06$/)
    assert.match(mapped.problems[2]?.detail ?? '', /KPI first-time-entrants is not due in this return/)
  })

  it('refuses a KPI and period sent twice', () => {
    const mapped = returnItemsToFields(
      [
        { indicator: OPIATE.id, period: '2018-04', value: 30, percent: 20 },
        { indicator: OPIATE.id, period: '2018-04', value: 31, percent: 21 },
      ],
      lines,
    )
    assert.ok(!mapped.ok)
    assert.deepEqual(
      mapped.problems.map((p) => [p.pointer, p.detail]),
      [
        [
          '/items/1',
          'CJ clients in treatment (opiate), April 2018: sent twice (also item 0); send each KPI and period once',
        ],
      ],
    )
  })
})

describe('problemsInApiTerms', () => {
  const mapped = returnItemsToFields(
    [
      { indicator: 'knife-crime', period: 'FY2018-19-Q1', value: -3 },
      { indicator: OPIATE.id, period: '2018-05', value: 300, percent: 22 },
      { indicator: OPIATE.id, period: '2018-06' },
    ],
    lines,
  )
  assert.ok(mapped.ok)
  const warning = '300 is more than 3 times the median of the last 8 periods (35.5)'
  const warnings = { 'cj-clients-in-treatment-opiate--2018-05': warning }

  it('names the item, KPI, period and field of each of the service’s problems, and says what to send', () => {
    const problems = problemsInApiTerms(
      [
        { field: 'knife-crime-value', message: 'Knife crime: "-3" is negative' },
        { field: 'cj-clients-in-treatment-opiate--2018-05-confirm', message: 'tick the box' },
        { field: 'cj-clients-in-treatment-opiate--2018-04-value', message: 'enter the figure' },
        { field: 'cj-clients-in-treatment-opiate--2018-06-value', message: 'enter the figure' },
        { field: 'save', message: 'Choose' },
      ],
      warnings,
      mapped.boxes,
    )
    assert.deepEqual(
      problems.map((p) => [p.pointer, p.indicator, p.period, p.field]),
      [
        ['/items/0/value', 'knife-crime', 'FY2018-19-Q1', 'value'],
        ['/items/1/confirmed', OPIATE.id, '2018-05', 'confirmed'],
        ['/items', OPIATE.id, '2018-04', 'value'],
        ['/items/2/value', OPIATE.id, '2018-06', 'value'],
        ['', undefined, undefined, undefined],
      ],
    )
    assert.equal(problems[0]?.detail, 'Knife crime: "-3" is negative')
    assert.equal(
      problems[1]?.detail,
      `CJ clients in treatment (opiate), May 2018: check this figure — ${warning}. If it is right, send the item again with "confirmed": true`,
    )
    for (const blank of [problems[2], problems[3]]) {
      assert.match(blank?.detail ?? '', /: a submitted return needs every KPI and period it asks for: send the figure/)
    }
  })

  it('lists the warnings by KPI and period', () => {
    assert.deepEqual(warningsInApiTerms(warnings, mapped.boxes), [{ indicator: OPIATE.id, period: '2018-05', warning }])
  })
})

describe('returnBodySchema', () => {
  it('refuses an agency, at the top or in an item, and anything but save or submit', () => {
    assert.equal(returnBodySchema.safeParse({ intent: 'save', items: [] }).success, true)
    assert.equal(returnBodySchema.safeParse({ intent: 'save', items: [], agency: 'YOT' }).success, false)
    const inItem = { intent: 'save', items: [{ indicator: 'knife-crime', period: 'FY2018-19-Q1', agencyId: 2 }] }
    assert.equal(returnBodySchema.safeParse(inItem).success, false)
    assert.equal(returnBodySchema.safeParse({ intent: 'accept', items: [] }).success, false)
    assert.equal(returnBodySchema.safeParse({ intent: 'save' }).success, false)
    const text = { intent: 'save', items: [{ indicator: 'knife-crime', period: 'FY2018-19-Q1', value: '41' }] }
    assert.equal(returnBodySchema.safeParse(text).success, false, 'a figure is a JSON number')
  })
})
