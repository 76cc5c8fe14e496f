import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { absentValue, domesticAbuse, indicator, knifeCrime, reported, youthCustody } from './appendix-c.fixture.ts'
import fc from 'fast-check'
import type { IndicatorValue, MeasureType } from './indicator.ts'
import { displayValue, figureOf, formatPublishedPercent, periodColumnLabel } from './value-display.ts'
import { period } from './period.ts'

describe('displaying one period of a KPI', () => {
  it('prints a count as it is', () => {
    const d = displayValue(knifeCrime, 'FY2017-18-Q4', reported('knife-crime', 'FY2017-18-Q4', { value: 67 }))
    assert.equal(d.display, '67')
    assert.equal(d.number, 67)
    assert.equal(d.periodLabel, '2017/18 Q4')
    assert.equal(d.status, 'reported')
  })

  it('puts thousands separators in large counts (GOV.UK style)', () => {
    const d = displayValue(knifeCrime, 'FY2017-18-Q1', reported('knife-crime', 'FY2017-18-Q1', { value: 6031 }))
    assert.equal(d.display, '6,031')
  })

  it('computes a proportion from its counts and rounds it, where the report truncated', () => {
    // Appendix C: "26.31% (10/38)"; 10/38 = 0.263157…, so 26.32% at two places and 26.3% at one.
    const d = displayValue(
      youthCustody,
      'FY2016-17-Q2',
      reported('youth-custody', 'FY2016-17-Q2', { numerator: 10, denominator: 38 }),
    )
    assert.equal(d.display, '26.3% (10/38)')
    assert.ok(d.percent !== null && Math.abs(d.percent - 26.315789) < 1e-5)
    assert.equal(Math.round((d.percent ?? 0) * 100) / 100, 26.32)
    assert.equal(d.numerator, 10)
    assert.equal(d.denominator, 38)
    const q1 = displayValue(
      youthCustody,
      'FY2016-17-Q1',
      reported('youth-custody', 'FY2016-17-Q1', { numerator: 8, denominator: 49 }),
    )
    assert.equal(q1.display, '16.3% (8/49)')
  })

  it('prints a published percentage when there are no counts, to one decimal place like every other percentage', () => {
    const dip = indicator({
      id: 'dip',
      name: 'DIP % positive tests',
      measureType: 'proportion',
      preferredDirection: 'none',
    })
    assert.equal(displayValue(dip, 'FY2016-17-Q1', reported('dip', 'FY2016-17-Q1', { percent: 62.1 })).display, '62.1%')
    // One format on every page (issue 9: "9%" in one place was "9.0%" in another).
    assert.equal(formatPublishedPercent(33), '33.0%')
    assert.equal(formatPublishedPercent(43.6), '43.6%')
    // 62.15 is a half at one decimal place: away from zero.
    assert.equal(formatPublishedPercent(62.15), '62.2%')
  })

  it('prints a count with its share', () => {
    const published = displayValue(
      domesticAbuse,
      'FY2016-17-Q1',
      reported('domestic-abuse', 'FY2016-17-Q1', { value: 1495, percent: 43.6 }),
    )
    assert.equal(published.display, '1,495 (43.6%)')
    assert.equal(published.number, 1495)
    assert.equal(published.percent, 43.6)
    // With the count of recordable offences, the share is computed: 652/1495 = 43.61…%.
    const counted = displayValue(
      domesticAbuse,
      'FY2016-17-Q1',
      reported('domestic-abuse', 'FY2016-17-Q1', { value: 1495, numerator: 652 }),
    )
    assert.equal(counted.display, '1,495 (43.6%)')
    assert.equal(counted.numerator, 652)
  })

  it('prints a rate per 1,000 from its counts', () => {
    const rate = indicator({
      id: 'asb-rate',
      name: 'ASB incidents per 1,000',
      measureType: 'rate',
      preferredDirection: 'reduce',
    })
    // 1,234 incidents in a population of 263,700: 4.6796… per 1,000.
    const d = displayValue(
      rate,
      'FY2017-18-Q1',
      reported('asb-rate', 'FY2017-18-Q1', { numerator: 1234, denominator: 263700 }),
    )
    assert.equal(d.display, '4.7 per 1,000')
    assert.ok(d.number !== null && Math.abs(d.number - 4.67956) < 1e-4)
  })

  it('prints a text result', () => {
    const homicides = indicator({
      id: 'dh',
      name: 'Number of Domestic Homicides',
      measureType: 'text',
      preferredDirection: 'none',
    })
    const d = displayValue(
      homicides,
      'FY2017-18-Q4',
      reported('dh', 'FY2017-18-Q4', { text: '0 Domestic Homicides in Quarter 4' }),
    )
    assert.equal(d.display, '0 Domestic Homicides in Quarter 4')
    assert.equal(d.number, null)
  })

  it('never shows an absent figure as zero, and keeps the reason', () => {
    const cases = [
      ['not-yet-available', 'MOJ website does not have an update for Q4', 'not available'],
      ['not-collected', 'Q4 2016/17 was not reported', 'not collected'],
      ['not-applicable', 'no meeting held', 'not applicable'],
      ['suppressed', '<5', '<5'],
      ['suppressed', 'fewer than 6 cases', '<6'],
      ['suppressed', 'disclosure control', 'suppressed'],
    ] as const
    for (const [status, reason, label] of cases) {
      const d = displayValue(knifeCrime, 'FY2017-18-Q4', absentValue('knife-crime', 'FY2017-18-Q4', status, reason))
      assert.equal(d.display, label)
      assert.equal(d.number, null)
      assert.equal(d.status, status)
      assert.equal(d.reason, reason)
    }
    const none = displayValue(knifeCrime, 'FY2017-18-Q4', undefined)
    assert.equal(none.display, 'not available')
    assert.equal(none.number, null)
  })

  it('treats a reported row without the figure its type needs as missing, not zero', () => {
    const d = displayValue(youthCustody, 'FY2017-18-Q1', reported('youth-custody', 'FY2017-18-Q1', { numerator: 2 }))
    assert.equal(d.number, null)
    assert.equal(d.display, 'not available')
    assert.notEqual(d.reason, null)
  })

  it('labels period columns as the report does', () => {
    assert.equal(periodColumnLabel(period('FY2017-18-Q3')), 'Quarter 3')
    assert.equal(periodColumnLabel(period('FY2017-18-B6')), 'Feb–Mar')
    assert.equal(periodColumnLabel(period('2018-01')), 'January')
  })
})

describe('figureOf', () => {
  it('gives the number displayValue shows, for every measure type and status', () => {
    const measures: MeasureType[] = ['count', 'proportion', 'count-with-share', 'stock', 'rate', 'text']
    const maybe = (arbitrary: fc.Arbitrary<number>) => fc.option(arbitrary, { nil: null })
    fc.assert(
      fc.property(
        fc.constantFrom(...measures),
        fc.constantFrom('reported', 'reported', 'not-yet-available', 'suppressed', 'not-applicable', 'not-collected'),
        maybe(fc.integer({ min: 0, max: 5000 })),
        maybe(fc.integer({ min: 0, max: 5000 })),
        maybe(fc.integer({ min: 0, max: 5000 })),
        maybe(fc.double({ min: 0, max: 100, noNaN: true })),
        fc.option(fc.constantFrom(1000, 100_000), { nil: undefined }),
        (measureType, status, value, numerator, denominator, percent, ratePer) => {
          const kpi = { ...knifeCrime, measureType, ...(ratePer === undefined ? {} : { ratePer }) }
          const v: IndicatorValue = {
            ...reported('knife-crime', 'FY2017-18-Q1', { value, numerator, denominator, percent, text: 'x' }),
            status: status as IndicatorValue['status'],
          }
          assert.equal(figureOf(kpi, v), displayValue(kpi, 'FY2017-18-Q1', v).number)
        },
      ),
      { numRuns: 3000 },
    )
  })
})
