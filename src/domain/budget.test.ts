import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  budgetSentence,
  computeYearBudget,
  nextFinancialYear,
  reconciliationSentences,
  type BudgetRows,
} from './budget.ts'

// Figures in pence, worked by hand below each test (never from the code).
const PCC = { id: 1, name: 'PCC grant', funder: 'West Midlands Police and Crime Commissioner' }
const VAWG = { id: 2, name: 'VAWG Transformation Fund', funder: 'Home Office' }
const REOFFENDING = { id: 10, name: 'Reducing Reoffending', position: 1 }
const VICTIMISATION = { id: 11, name: 'Reducing Victimisation', position: 2 }
const MENTORING = { id: 100, reference: 'S1', title: 'Mentoring', priorityId: 10, streamId: 1 }
const IDVA = { id: 101, reference: 'S2', title: 'IDVA service', priorityId: 11, streamId: 2 }

function rows(overrides: Partial<BudgetRows> = {}): BudgetRows {
  return {
    streams: [PCC, VAWG],
    priorities: [VICTIMISATION, REOFFENDING],
    services: [MENTORING, IDVA],
    awards: [
      { streamId: 1, year: 'FY2018-19', awardedPence: 33_999_500, receivedPence: 16_999_750, illustrative: false },
      { streamId: 2, year: 'FY2018-19', awardedPence: 16_666_700, receivedPence: 0, illustrative: false },
      { streamId: 1, year: 'FY2017-18', awardedPence: 99_999_900, receivedPence: 0, illustrative: false },
    ],
    carryForwards: [
      { streamId: 1, intoYear: 'FY2018-19', amountPence: 3_843_500, illustrative: false },
      { streamId: 1, intoYear: 'FY2019-20', amountPence: 1_000_000, illustrative: false },
    ],
    allocations: [
      { streamId: 1, year: 'FY2018-19', priorityId: null, serviceId: 100, amountPence: 5_000_000, illustrative: true },
      { streamId: 1, year: 'FY2018-19', priorityId: 10, serviceId: null, amountPence: 1_000_000, illustrative: false },
      {
        streamId: 2,
        year: 'FY2018-19',
        priorityId: null,
        serviceId: 101,
        amountPence: 16_666_700,
        illustrative: false,
      },
      { streamId: 1, year: 'FY2017-18', priorityId: 10, serviceId: null, amountPence: 77_777_700, illustrative: false },
    ],
    commitments: [{ serviceId: 100, year: 'FY2018-19', amountPence: 5_000_000, illustrative: false }],
    spend: [
      // Mentoring: Q1 and Q2 actual 1,250,000 each; Q3 forecast 1,250,000 and Q4 forecast 1,500,000.
      {
        streamId: 1,
        period: 'FY2018-19-Q1',
        kind: 'actual',
        priorityId: null,
        serviceId: 100,
        amountPence: 1_250_000,
        illustrative: false,
      },
      {
        streamId: 1,
        period: 'FY2018-19-Q2',
        kind: 'actual',
        priorityId: null,
        serviceId: 100,
        amountPence: 1_250_000,
        illustrative: false,
      },
      {
        streamId: 1,
        period: 'FY2018-19-Q2',
        kind: 'forecast',
        priorityId: null,
        serviceId: 100,
        amountPence: 9_999_999,
        illustrative: false,
      },
      {
        streamId: 1,
        period: 'FY2018-19-Q3',
        kind: 'forecast',
        priorityId: null,
        serviceId: 100,
        amountPence: 1_250_000,
        illustrative: false,
      },
      {
        streamId: 1,
        period: 'FY2018-19-Q4',
        kind: 'forecast',
        priorityId: null,
        serviceId: 100,
        amountPence: 1_500_000,
        illustrative: false,
      },
      // IDVA: Q1 actual 4,000,000 (the year before's spend is not this year's).
      {
        streamId: 2,
        period: 'FY2018-19-Q1',
        kind: 'actual',
        priorityId: null,
        serviceId: 101,
        amountPence: 4_000_000,
        illustrative: false,
      },
      {
        streamId: 2,
        period: 'FY2017-18-Q4',
        kind: 'actual',
        priorityId: null,
        serviceId: 101,
        amountPence: 8_888_800,
        illustrative: false,
      },
    ],
    ...overrides,
  }
}

describe('a year’s budget', () => {
  it('is income plus carry-forward, never typed (the seed’s Appendix A: £339,995 + £38,435 = £378,430, printed £378,390)', () => {
    const year = computeYearBudget(rows(), 'FY2018-19')
    const pcc = year.streams.find((s) => s.stream.id === 1)
    assert.equal(pcc?.income, 33_999_500)
    assert.equal(pcc?.carryForwardIn, 3_843_500)
    assert.equal(pcc?.budget, 37_843_000)
    // The year: PCC 37,843,000 + VAWG 16,666,700.
    assert.equal(year.budget, 54_509_700)
    assert.equal(year.income, 50_666_200)
    assert.equal(year.received, 16_999_750)
    assert.equal(
      budgetSentence(computeYearBudget(rows({ streams: [PCC] }), 'FY2018-19')),
      'The 2018/19 budget is £378,430: income £339,995 + carry-forward £38,435.',
    )
  })

  it('counts the year’s allocations, actuals and forecast outturn, by stream, priority and service', () => {
    const year = computeYearBudget(rows(), 'FY2018-19')
    const mentoring = year.services.find((s) => s.service.id === 100)
    // Allocated 5,000,000; spent Q1+Q2 = 2,500,000; outturn 1,250,000 + 1,250,000 (Q2's actual beats its forecast)
    // + 1,250,000 + 1,500,000 = 5,250,000.
    assert.equal(mentoring?.allocated, 5_000_000)
    assert.equal(mentoring?.spent, 2_500_000)
    assert.equal(mentoring?.forecastOutturn, 5_250_000)
    assert.equal(mentoring?.remaining, 2_500_000)
    assert.equal(mentoring?.committed, 5_000_000)
    assert.equal(mentoring?.illustrative, true)
    // Reducing Reoffending: the service's 5,000,000 plus 1,000,000 to the priority alone.
    const reoffending = year.priorities.find((p) => p.priority?.id === 10)
    assert.equal(reoffending?.allocated, 6_000_000)
    assert.equal(reoffending?.spent, 2_500_000)
    assert.deepEqual(
      year.priorities.map((p) => p.priority?.name),
      ['Reducing Reoffending', 'Reducing Victimisation'],
    )
    const pcc = year.streams.find((s) => s.stream.id === 1)
    assert.equal(pcc?.allocated, 6_000_000)
    assert.equal(pcc?.unallocated, 37_843_000 - 6_000_000)
    // Not every quarter has actuals: left = budget - forecast outturn = 37,843,000 - 5,250,000.
    assert.equal(year.quartersWithActuals, 2)
    assert.equal(pcc?.leftToCarryForward, 32_593_000)
    assert.equal(pcc?.carryForwardOutAgreed, 1_000_000)
    assert.equal(year.spent, 6_500_000)
  })

  it('says in words where allocations exceed the budget and spend exceeds an allocation', () => {
    const overspent = rows({
      allocations: [
        {
          streamId: 2,
          year: 'FY2018-19',
          priorityId: null,
          serviceId: 101,
          amountPence: 20_000_000,
          illustrative: false,
        },
        {
          streamId: 1,
          year: 'FY2018-19',
          priorityId: null,
          serviceId: 100,
          amountPence: 2_000_000,
          illustrative: false,
        },
      ],
    })
    const sentences = reconciliationSentences(computeYearBudget(overspent, 'FY2018-19'))
    // VAWG: 200,000.00 allocated against 166,667.00: over by 33,333.00.
    assert.ok(
      sentences.includes('VAWG Transformation Fund: allocations of £200,000 exceed the budget of £166,667 by £33,333.'),
      sentences.join('\n'),
    )
    // Mentoring: spent 25,000.00 against 20,000.00.
    assert.ok(
      sentences.includes('Mentoring: spend of £25,000 exceeds its allocation of £20,000 by £5,000.'),
      sentences.join('\n'),
    )
    assert.ok(sentences.some((s) => /forecast to be left to carry forward/.test(s)))
  })

  it('a year with every quarter’s actuals says what is left, and when the agreed carry-forward is more', () => {
    const spend = ['Q1', 'Q2', 'Q3', 'Q4'].map((q) => ({
      streamId: 1,
      period: `FY2018-19-${q}`,
      kind: 'actual' as const,
      priorityId: 10,
      serviceId: null,
      amountPence: 9_000_000,
      illustrative: false,
    }))
    const year = computeYearBudget(
      rows({
        streams: [PCC],
        spend,
        carryForwards: [
          { streamId: 1, intoYear: 'FY2018-19', amountPence: 3_843_500, illustrative: false },
          { streamId: 1, intoYear: 'FY2019-20', amountPence: 2_000_000, illustrative: false },
        ],
      }),
      'FY2018-19',
    )
    // Budget 37,843,000 - spent 36,000,000 = 1,843,000 left; 2,000,000 agreed.
    assert.equal(year.leftToCarryForward, 1_843_000)
    const sentences = reconciliationSentences(year)
    assert.ok(sentences.includes('PCC grant: £18,430 is left to carry forward.'), sentences.join('\n'))
    assert.ok(
      sentences.includes('PCC grant: the carry-forward agreed into next year, £20,000, is more than the £18,430 left.'),
      sentences.join('\n'),
    )
  })

  it('a year with nothing is empty, and its budget sentence names the income only', () => {
    const year = computeYearBudget(rows(), 'FY2020-21')
    assert.equal(year.budget, 0)
    assert.deepEqual(year.streams, [])
    assert.deepEqual(reconciliationSentences(year), [
      'Allocations are within the budget and spend is within every allocation.',
    ])
    assert.equal(nextFinancialYear('FY2099-00'), 'FY2100-01')
    assert.throws(() => computeYearBudget(rows(), '2018'), RangeError)
  })
})
