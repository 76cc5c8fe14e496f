import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  absentValue,
  dip,
  dipValues,
  domesticAbuse,
  domesticAbuseValues,
  forcedMarriage,
  forcedMarriageValues,
  godoc,
  godocValues,
  GODOC_REASON,
  indicator,
  knifeCrime,
  knifeCrimeValues,
  MOJ_REASON,
  provenReoffending,
  provenReoffendingValues,
  reported,
  youthCustody,
  youthCustodyValues,
} from './appendix-c.fixture.ts'
import { expectedPeriods, yearOutturn } from './aggregation.ts'
import type { IndicatorValue } from './indicator.ts'

const close = (actual: number | null, expected: number, tolerance = 1e-6) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected}`)

describe('expected periods come from the cadence', () => {
  it('expects 4 quarters, 6 two-month periods, 12 months or the year', () => {
    assert.equal(expectedPeriods('quarterly', 2017).length, 4)
    assert.equal(expectedPeriods('bi-monthly', 2017).length, 6)
    assert.equal(expectedPeriods('monthly', 2017).length, 12)
    assert.deepEqual(
      expectedPeriods('annual', 2017).map((p) => p.id),
      ['FY2017-18'],
    )
  })
})

describe('the outturn of a count', () => {
  it('sums the quarters: knife crime 40+49+51+51 = 191 and 49+49+56+67 = 221', () => {
    const last = yearOutturn(knifeCrime, 'FY2016-17', knifeCrimeValues)
    const now = yearOutturn(knifeCrime, 'FY2017-18', knifeCrimeValues)
    assert.equal(last.value, 191)
    assert.equal(now.value, 221)
    assert.equal(now.display, '221')
    assert.equal(now.complete, true)
    assert.equal(now.periodsReported, 4)
    assert.equal(now.periodsExpected, 4)
    assert.equal(now.method, 'sum of 4 quarters')
  })

  it('reads only its own indicator and its own year', () => {
    const noise = [
      reported('other', 'FY2017-18-Q1', { value: 1000 }),
      reported('knife-crime', 'FY2018-19-Q1', { value: 500 }),
    ]
    assert.equal(yearOutturn(knifeCrime, 'FY2017-18', [...knifeCrimeValues, ...noise]).value, 221)
  })

  it('flags a year with a suppressed quarter as incomplete and never counts it', () => {
    const values = [
      ...knifeCrimeValues.filter((v) => v.period !== 'FY2017-18-Q2'),
      absentValue('knife-crime', 'FY2017-18-Q2', 'suppressed', '<5'),
    ]
    const o = yearOutturn(knifeCrime, 'FY2017-18', values)
    assert.equal(o.complete, false)
    assert.equal(o.periodsReported, 3)
    assert.equal(o.value, 49 + 56 + 67)
    assert.equal(o.display, '172 (3 of 4 quarters)')
    assert.deepEqual(o.gaps, [
      { period: 'FY2017-18-Q2', periodLabel: '2017/18 Q2', status: 'suppressed', reason: '<5' },
    ])
  })

  it('has no figure when nothing was reported', () => {
    const o = yearOutturn(knifeCrime, 'FY2015-16', knifeCrimeValues)
    assert.equal(o.value, null)
    assert.equal(o.complete, false)
    assert.equal(o.periodsReported, 0)
  })

  it('leaves a not-applicable period out of what is expected', () => {
    const values = [
      ...knifeCrimeValues.filter((v) => v.period !== 'FY2017-18-Q4'),
      absentValue('knife-crime', 'FY2017-18-Q4', 'not-applicable', 'no meeting held'),
    ]
    const o = yearOutturn(knifeCrime, 'FY2017-18', values)
    assert.equal(o.complete, true)
    assert.equal(o.periodsExpected, 3)
    assert.equal(o.value, 154)
  })

  it('property: a complete year is the sum of its periods, for every cadence', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('quarterly', 'bi-monthly', 'monthly') as fc.Arbitrary<'quarterly' | 'bi-monthly' | 'monthly'>,
        fc.array(fc.nat({ max: 100000 }), { minLength: 12, maxLength: 12 }),
        (cadence, counts) => {
          const kpi = indicator({
            id: 'k',
            name: 'offences',
            measureType: 'count',
            preferredDirection: 'reduce',
            cadence,
          })
          const periods = expectedPeriods(cadence, 2017)
          const values = periods.map((p, i) => reported('k', p.id, { value: counts[i] ?? 0 }))
          let expected = 0
          for (let i = 0; i < periods.length; i++) expected += counts[i] ?? 0
          const o = yearOutturn(kpi, 'FY2017-18', values)
          assert.equal(o.value, expected)
          assert.equal(o.complete, true)
        },
      ),
    )
  })

  it('property: a missing or suppressed quarter makes the year incomplete and never enters as a number', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 1000 }), { minLength: 4, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }).filter((gone) => gone.some(Boolean)),
        fc.constantFrom('suppressed', 'not-yet-available', 'not-collected', 'absent') as fc.Arbitrary<string>,
        (counts, gone, how) => {
          const values: IndicatorValue[] = []
          let reportedSum = 0
          counts.forEach((count, i) => {
            const id = `FY2017-18-Q${i + 1}`
            if (!gone[i]) {
              values.push(reported('knife-crime', id, { value: count }))
              reportedSum += count
            } else if (how !== 'absent') {
              values.push(absentValue('knife-crime', id, how as 'suppressed', 'withheld'))
            }
          })
          const o = yearOutturn(knifeCrime, 'FY2017-18', values)
          const missing = gone.filter(Boolean).length
          assert.equal(o.complete, false)
          assert.equal(o.periodsReported, 4 - missing)
          assert.equal(o.gaps?.length, missing)
          // What was reported, and nothing else: the withheld quarters add nothing, not even a 0 that the
          // judgement could read as a full year (it is flagged incomplete instead).
          assert.equal(o.value, missing === 4 ? null : reportedSum)
        },
      ),
    )
  })
})

describe('the outturn of a proportion', () => {
  it('is the ratio of the sums: youth custody 2017/18 is 19/201 = 9.45%', () => {
    const o = yearOutturn(youthCustody, 'FY2017-18', youthCustodyValues)
    assert.equal(o.numerator, 2 + 4 + 6 + 7)
    assert.equal(o.denominator, 52 + 53 + 50 + 46)
    close(o.value, (19 / 201) * 100)
    assert.equal(o.display, '9.5% (19/201)')
    assert.match(o.method, /ratio of the sums/)
    // 2016/17: 26/172 = 15.12%, not the mean of the quarters' percentages (15.35%).
    close(yearOutturn(youthCustody, 'FY2016-17', youthCustodyValues).value, (26 / 172) * 100)
  })

  it('keeps the reason for a quarter not yet published: proven reoffending', () => {
    const o = yearOutturn(provenReoffending, 'FY2017-18', provenReoffendingValues)
    assert.equal(o.complete, false)
    assert.equal(o.numerator, 578 + 512 + 522)
    assert.equal(o.denominator, 1739 + 1683 + 1723)
    close(o.value, (1612 / 5145) * 100)
    assert.deepEqual(o.gaps, [
      { period: 'FY2017-18-Q4', periodLabel: '2017/18 Q4', status: 'not-yet-available', reason: MOJ_REASON },
    ])
  })

  it('with published percentages only, is their unweighted mean and says so', () => {
    // DIP 2016/17: (62.1 + 66.7 + 70.0 + 54.5) / 4 = 63.325
    const o = yearOutturn(dip, 'FY2016-17', dipValues)
    close(o.value, 63.325)
    assert.equal(o.numerator, null)
    assert.match(o.method, /unweighted mean/)
    assert.equal(o.display, '63.3%')
  })

  it('property: the ratio of sums lies between the lowest and highest quarter', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ d: fc.integer({ min: 1, max: 5000 }), share: fc.double({ min: 0, max: 1, noNaN: true }) }),
          { minLength: 4, maxLength: 4 },
        ),
        (quarters) => {
          const values = quarters.map((q, i) =>
            reported('youth-custody', `FY2017-18-Q${i + 1}`, {
              numerator: Math.floor(q.share * q.d),
              denominator: q.d,
            }),
          )
          const percents = values.map((v) => ((v.numerator ?? 0) / (v.denominator ?? 1)) * 100)
          const o = yearOutturn(youthCustody, 'FY2017-18', values)
          assert.ok(o.value !== null)
          assert.ok(o.value >= Math.min(...percents) - 1e-9 && o.value <= Math.max(...percents) + 1e-9)
        },
      ),
    )
  })
})

describe('the outturn of a count with a share', () => {
  it('sums the count and weighs the published shares by the counts: domestic abuse 6,251 (47.35%)', () => {
    const o = yearOutturn(domesticAbuse, 'FY2017-18', domesticAbuseValues)
    assert.equal(o.value, 6251)
    // (1573×43.9 + 1543×44.9 + 1578×49.8 + 1557×50.8) / 6251 = 296015.4 / 6251 = 47.3549…
    // The report printed 47.3% (truncated); rounded to one place it is 47.4%.
    close(o.share ?? null, 296015.4 / 6251, 1e-9)
    assert.equal(o.display, '6,251 (47.4%)')
    assert.match(o.method, /count-weighted mean/)
    assert.equal(yearOutturn(domesticAbuse, 'FY2016-17', domesticAbuseValues).value, 6031)
  })

  it('counts forced marriage with shares: 3+1+1+0 = 5 then 0+2+1+1 = 4', () => {
    const last = yearOutturn(forcedMarriage, 'FY2016-17', forcedMarriageValues)
    const now = yearOutturn(forcedMarriage, 'FY2017-18', forcedMarriageValues)
    assert.equal(last.value, 5)
    assert.equal(now.value, 4)
    // (3×33 + 1×100) / 5 = 39.8; (2×50) / 4 = 25
    close(last.share ?? null, 39.8)
    close(now.share ?? null, 25)
    assert.equal(now.display, '4 (25.0%)')
  })

  it('with the counts behind the shares, takes the ratio of the sums', () => {
    const values = [
      reported('domestic-abuse', 'FY2017-18-Q1', { value: 100, numerator: 40 }),
      reported('domestic-abuse', 'FY2017-18-Q2', { value: 300, numerator: 150 }),
      reported('domestic-abuse', 'FY2017-18-Q3', { value: 50, numerator: 10 }),
      reported('domestic-abuse', 'FY2017-18-Q4', { value: 50, numerator: 0 }),
    ]
    const o = yearOutturn(domesticAbuse, 'FY2017-18', values)
    assert.equal(o.value, 500)
    assert.equal(o.numerator, 200)
    close(o.share ?? null, 40)
  })
})

describe('the outturn of a stock', () => {
  it('is the latest quarter, never the sum: GODOC 2017/18 is 31', () => {
    const o = yearOutturn(godoc, 'FY2017-18', godocValues)
    assert.equal(o.value, 31)
    assert.notEqual(o.value, 40 + 37 + 31 + 31)
    assert.equal(o.method, 'latest (2017/18 Q4)')
    assert.equal(o.complete, true)
  })

  it('for 2016/17, with Q4 not reported, is the latest reported (35), not 97, and incomplete', () => {
    const o = yearOutturn(godoc, 'FY2016-17', godocValues)
    assert.equal(o.value, 35)
    assert.notEqual(o.value, 97)
    assert.equal(o.complete, false)
    assert.equal(o.gaps?.[0]?.reason, GODOC_REASON)
  })

  it('averages when the indicator says so', () => {
    const averaged = { ...godoc, stockAggregation: 'average' as const }
    // (40 + 37 + 31 + 31) / 4 = 34.75
    const o = yearOutturn(averaged, 'FY2017-18', godocValues)
    close(o.value, 34.75)
    assert.equal(o.display, '34.8')
  })

  it('property: latest is one of the period values (the last reported); average is within their range', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.nat({ max: 500 }), { nil: null }), { minLength: 6, maxLength: 6 }),
        (figures) => {
          const bi = { ...godoc, cadence: 'bi-monthly' as const }
          const values = figures.map((f, i) =>
            f === null
              ? absentValue('godoc-gang-members', `FY2017-18-B${i + 1}`, 'not-collected', 'no meeting')
              : reported('godoc-gang-members', `FY2017-18-B${i + 1}`, { value: f }),
          )
          const present = figures.filter((f): f is number => f !== null)
          const latest = yearOutturn(bi, 'FY2017-18', values)
          const average = yearOutturn({ ...bi, stockAggregation: 'average' }, 'FY2017-18', values)
          if (present.length === 0) {
            assert.equal(latest.value, null)
            assert.equal(average.value, null)
            return
          }
          assert.equal(latest.value, present.at(-1))
          assert.ok(average.value !== null)
          assert.ok(average.value >= Math.min(...present) - 1e-9 && average.value <= Math.max(...present) + 1e-9)
        },
      ),
    )
  })
})

describe('the outturn of a rate and of a text result', () => {
  it('takes the ratio of the sums times the rate base', () => {
    const rate = indicator({ id: 'r', name: 'incidents per 1,000', measureType: 'rate', preferredDirection: 'reduce' })
    const values = [1, 2, 3, 4].map((q) =>
      reported('r', `FY2017-18-Q${q}`, { numerator: 100 * q, denominator: 250000 }),
    )
    // 1,000 incidents over 4 × 250,000 person-quarters: 1.0 per 1,000 a quarter, comparable with the quarters' rates
    // (0.4, 0.8, 1.2, 1.6).
    const o = yearOutturn(rate, 'FY2017-18', values)
    close(o.value, (1000 / 1000000) * 1000)
  })

  it('has no number for a text result, and shows the latest text', () => {
    const text = indicator({
      id: 't',
      name: 'Number of Domestic Homicides',
      measureType: 'text',
      preferredDirection: 'none',
    })
    const o = yearOutturn(text, 'FY2017-18', [
      reported('t', 'FY2017-18-Q4', { text: '0 Domestic Homicides in Quarter 4' }),
    ])
    assert.equal(o.value, null)
    assert.equal(o.display, '0 Domestic Homicides in Quarter 4')
  })
})
