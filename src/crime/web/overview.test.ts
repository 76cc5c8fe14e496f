import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { addMonths, crimeOverview, describeMonthlyTotals, headlineYear, monthRange } from './overview.ts'

describe('crime overview figures', () => {
  it('counts months, leaves months not loaded as gaps, and totals only complete financial quarters', () => {
    const counts = [
      { month: '2020-01', crimeType: 'Burglary', crimes: 3 },
      { month: '2020-01', crimeType: 'Anti-social behaviour', crimes: 50 },
      { month: '2020-02', crimeType: 'Robbery', crimes: 2 },
      { month: '2020-02', crimeType: 'Burglary', crimes: 4 },
      { month: '2020-03', crimeType: 'Drugs', crimes: 1 },
      { month: '2020-05', crimeType: 'Drugs', crimes: 9 },
      // Not loaded for the force (another force's file): left out rather than shown as a partial month.
      { month: '2020-04', crimeType: 'Drugs', crimes: 7 },
    ]
    const overview = crimeOverview(counts, ['2020-01', '2020-02', '2020-03', '2020-05'])
    assert.deepEqual(
      overview.months.map((m) => [m.month, m.label, m.crimes]),
      [
        ['2020-01', 'Jan 2020', 3],
        ['2020-02', 'Feb 2020', 6],
        ['2020-03', 'Mar 2020', 1],
        ['2020-04', 'Apr 2020', null],
        ['2020-05', 'May 2020', 9],
      ],
    )
    // January to March 2020 is 2019/20 Q4 (3 + 6 + 1); April to June is 2020/21 Q1, missing April and June.
    assert.deepEqual(
      overview.quarters.map((q) => [q.label, q.crimes, q.missingMonths]),
      [
        ['2019/20 Q4', 10, []],
        ['2020/21 Q1', null, ['2020-04', '2020-06']],
      ],
    )
    const mix = overview.mix
    assert.ok(mix)
    assert.equal(mix.fromMonth, '2019-06')
    assert.equal(mix.toMonth, '2020-05')
    assert.equal(mix.monthsLoaded, 4)
    assert.equal(mix.total, 19)
    assert.equal(mix.antiSocialBehaviour, 50)
    assert.deepEqual(
      mix.types.map((t) => [t.crimeType, t.crimes]),
      [
        ['Drugs', 10],
        ['Burglary', 7],
        ['Robbery', 2],
      ],
    )
    assert.equal(mix.types[0]?.percent, (10 / 19) * 100)
  })

  it('has nothing to show when no month is loaded', () => {
    assert.deepEqual(crimeOverview([{ month: '2020-01', crimeType: 'Drugs', crimes: 1 }], []), {
      months: [],
      quarters: [],
      mix: null,
    })
  })

  it('picks the latest complete financial year for the headlines, else the year of the latest month', () => {
    const twoYears = monthRange('2019-04', '2021-05')
    assert.equal(headlineYear(twoYears), 2020)
    assert.equal(headlineYear(['2020-01', '2020-04', '2020-12']), 2020)
    assert.equal(headlineYear(['2020-03']), 2019)
    assert.equal(headlineYear([]), null)
  })

  it('steps months across year ends', () => {
    assert.equal(addMonths('2020-12', 1), '2021-01')
    assert.equal(addMonths('2020-01', -1), '2019-12')
    assert.equal(addMonths('2020-12', -11), '2020-01')
    assert.deepEqual(monthRange('2019-11', '2020-02'), ['2019-11', '2019-12', '2020-01', '2020-02'])
  })

  it('describes the series in words, naming the gaps', () => {
    const text = describeMonthlyTotals('Crime', [
      { month: '2020-01', label: 'Jan 2020', crimes: 1200 },
      { month: '2020-02', label: 'Feb 2020', crimes: null },
      { month: '2020-03', label: 'Mar 2020', crimes: 900 },
    ])
    assert.equal(
      text,
      'Crime by month, Jan 2020 to Mar 2020: 1,200 in Jan 2020, 900 in Mar 2020; highest 1,200 (Jan 2020), ' +
        'lowest 900 (Mar 2020). 1 month is not loaded and left as a gap.',
    )
  })
})
