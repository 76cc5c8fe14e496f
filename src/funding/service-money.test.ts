import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { agreementLength, serviceMoney } from './service-money.ts'

describe('a service’s money for a year', () => {
  const rows = {
    allocations: [
      { year: 'FY2018-19', amountPence: 2_000_000, illustrative: false },
      { year: 'FY2018-19', amountPence: 500_050, illustrative: false },
      { year: 'FY2017-18', amountPence: 9_999_999, illustrative: false },
    ],
    commitments: [{ year: 'FY2018-19', amountPence: 2_400_000, illustrative: false }],
    spend: [
      {
        period: 'FY2018-19-Q1',
        fundingStreamId: 1,
        kind: 'actual' as const,
        amountPence: 600_000,
        illustrative: false,
      },
      {
        period: 'FY2018-19-Q1',
        fundingStreamId: 1,
        kind: 'forecast' as const,
        amountPence: 650_000,
        illustrative: false,
      },
      {
        period: 'FY2018-19-Q2',
        fundingStreamId: 1,
        kind: 'actual' as const,
        amountPence: 600_001,
        illustrative: false,
      },
      {
        period: 'FY2018-19-Q3',
        fundingStreamId: 1,
        kind: 'forecast' as const,
        amountPence: 700_000,
        illustrative: false,
      },
      {
        period: 'FY2018-19-Q4',
        fundingStreamId: 1,
        kind: 'forecast' as const,
        amountPence: 700_000,
        illustrative: false,
      },
      { period: 'FY2017-18-Q4', fundingStreamId: 1, kind: 'actual' as const, amountPence: 123, illustrative: false },
    ],
  }

  it('adds the year’s allocations, payments and forecast in pence, never counting a paid quarter’s forecast', () => {
    const money = serviceMoney(rows, 'FY2018-19')
    // By hand: allocated 20,000.00 + 5,000.50 = 25,000.50; paid 6,000.00 + 6,000.01 = 12,000.01;
    // forecast = paid Q1 6,000.00 + paid Q2 6,000.01 + Q3 7,000 + Q4 7,000 = 26,000.01; left 25,000.50 − 12,000.01.
    assert.equal(money.allocated, 2_500_050)
    assert.equal(money.committed, 2_400_000)
    assert.equal(money.paid, 1_200_001)
    assert.equal(money.forecast, 2_600_001)
    assert.equal(money.left, 1_300_049)
    assert.equal(money.illustrative, false)
  })

  it('has no allocation, commitment or left for a year with none, and marks an illustrative row', () => {
    const money = serviceMoney(
      { allocations: [], commitments: [], spend: [{ ...rows.spend[0]!, illustrative: true }] },
      'FY2018-19',
    )
    assert.equal(money.allocated, null)
    assert.equal(money.committed, null)
    assert.equal(money.left, null)
    assert.equal(money.paid, 600_000)
    assert.equal(money.illustrative, true)
  })

  it('calls a service annual within one financial year and multi-year across 31 March', () => {
    assert.equal(agreementLength('2017-04-01', '2018-03-31'), 'annual')
    assert.equal(agreementLength('2017-04-01', '2018-04-01'), 'multi-year')
    assert.equal(agreementLength('2018-01-01', '2018-03-31'), 'annual')
    assert.equal(agreementLength('2017-07-01', '2020-03-31'), 'multi-year')
    assert.equal(agreementLength(null, '2020-03-31'), null)
  })
})
