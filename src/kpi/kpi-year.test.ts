import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { absentValue, indicator, quarterlyCounts, reported } from '../domain/appendix-c.fixture.ts'
import { buildPerformanceReport } from '../domain/build-performance-report.ts'
import type { Indicator, IndicatorValue } from '../domain/indicator.ts'
import { buildKpiYear, rowOf } from './kpi-year.ts'

// A small fixture whose figures are worked out by hand below, not by the code under test.
const burglary = indicator({
  id: 'burglary',
  name: 'Residential burglary',
  measureType: 'count',
  preferredDirection: 'reduce',
  unit: 'offences',
  target: { kind: 'absolute', value: 200, comparison: 'at-most' },
})

function yearOf(kpi: Indicator, values: IndicatorValue[]) {
  const report = buildPerformanceReport({
    partnership: 'Northshire Community Safety Partnership',
    year: 'FY2017-18',
    indicators: [kpi],
    values,
    baselines: [],
  })
  const row = rowOf(report, kpi.id)
  assert.ok(row)
  return buildKpiYear(report, row, values)
}

describe('the KPI page’s year, from the report’s row', () => {
  it('shows the outcome, outturn, change in number and words, significance and both commentaries', () => {
    const values = quarterlyCounts('burglary', [40, 49, 51, 51], [49, 49, 56, 67])
    const q4 = values.findIndex((v) => v.period === 'FY2017-18-Q4')
    values[q4] = { ...(values[q4] as IndicatorValue), commentary: 'A rise after two quiet winters.' }
    const year = yearOf(burglary, values)
    // By hand: 2016/17 = 40 + 49 + 51 + 51 = 191; 2017/18 = 49 + 49 + 56 + 67 = 221; +30 on 191 is +15.7%.
    assert.equal(year.outturn, '221')
    assert.equal(year.previousOutturn, '191')
    assert.equal(year.changeOnLastYear, '+30 (+15.7%): an increase on 2016/17')
    // No stored baseline: last year's outturn is the baseline, so the KPI (to reduce) went the wrong way.
    assert.equal(year.changeOnBaseline, '+30 (+15.7%): an increase on the baseline')
    assert.equal(year.outcome.label, 'Not achieved')
    assert.equal(year.outcome.tagClass, 'govuk-tag--red')
    // Exact test of two counts over equal periods: 221 of 412 against a fair split. scipy.stats.binomtest(221, 412)
    // gives p = 0.15300; every output prints three decimal places (src/domain/rounding.ts).
    assert.equal(year.significance, 'within normal variation (p = 0.153, exact test of two counts)')
    assert.match(year.generatedCommentary, /increased by 30 offences \(15\.7%\), from 191 to 221/)
    assert.deepEqual(year.ownerCommentary, { periodLabel: '2017/18 Q4', text: 'A rise after two quiet winters.' })
    assert.deepEqual(year.target, { label: 'At most 200', outcome: 'Not achieved' })
  })

  it('reads a real increase as the report does', () => {
    // 100 then 150: scipy.stats.binomtest(150, 250).pvalue = 0.00188, printed to three places.
    const year = yearOf(burglary, quarterlyCounts('burglary', [25, 25, 25, 25], [30, 35, 40, 45]))
    assert.equal(year.significance, 'a real increase (p = 0.002, exact test of two counts)')
    assert.equal(year.changeOnLastYear, '+50 (+50.0%): an increase on 2016/17')
  })

  it('charts this year and last year to date, with the baseline and the target, in its table and summary', () => {
    const year = yearOf(burglary, quarterlyCounts('burglary', [40, 49, 51, 51], [49, 49, 56, 67]))
    const chart = year.chart
    assert.ok(chart)
    assert.equal(chart.cumulative, true)
    assert.deepEqual(chart.columns, [
      'Period',
      '2017/18 (year to date)',
      '2016/17 (year to date)',
      'Baseline',
      'Target',
    ])
    // Running totals by hand: 49, 98, 154, 221 and 40, 89, 140, 191; the baseline 191, the target 200.
    assert.deepEqual(
      chart.rows.map((r) => r.cells),
      [
        ['49', '40', '191', '200'],
        ['98', '89', '191', '200'],
        ['154', '140', '191', '200'],
        ['221', '191', '191', '200'],
      ],
    )
    assert.match(chart.summary, /2017\/18 \(year to date\): Quarter 1 49, Quarter 2 98, Quarter 3 154, Quarter 4 221\./)
    assert.match(chart.summary, /2016\/17 \(year to date\): Quarter 1 40, Quarter 2 89, Quarter 3 140, Quarter 4 191\./)
    assert.match(chart.summary, /Baseline: 191\. Target: At most 200\./)
    assert.match(chart.svg, /^<svg [^>]*role="img"/)
    assert.match(chart.svg, /<title id="[^"]+">Residential burglary: 2017\/18 against 2016\/17, year to date<\/title>/)
    assert.match(chart.svg, /<desc id="[^"]+">2017\/18 \(year to date\)/)
    assert.equal((chart.svg.match(/class="app-chart__reference"/g) ?? []).length, 2)
    assert.match(chart.svg, />Baseline 191</)
    assert.match(chart.svg, />Target 200</)
    assert.equal((chart.svg.match(/class="app-chart__other-point"/g) ?? []).length, 4)
    assert.match(chart.svg, />2016\/17 \(year to date\)</)
  })

  it('draws a relative target at the figure it asks for', () => {
    const kpi = { ...burglary, target: { kind: 'relative', percent: 10, referenceYear: 'FY2016-17' } } as const
    const year = yearOf(kpi, quarterlyCounts('burglary', [40, 49, 51, 51], [49, 49, 56, 67]))
    // 10% lower than 191 is 171.9.
    assert.match(year.chart?.summary ?? '', /Target: 10\.0% lower than 2016\/17: 171\.9\./)
    assert.match(year.chart?.svg ?? '', />Target 171\.9</)
  })

  it('says why an incomplete year is neither compared nor tested, and stops its running total at the gap', () => {
    const values = [
      ...quarterlyCounts('burglary', [40, 49, 51, 51], [49, 49, 56]),
      absentValue('burglary', 'FY2017-18-Q4', 'not-yet-available', 'Not in yet'),
    ]
    const year = yearOf(burglary, values)
    assert.equal(year.outturn, '154 (3 of 4 quarters)')
    assert.equal(year.changeOnLastYear, 'Not compared: 2017/18 has 3 of 4 figures.')
    assert.equal(year.significance, 'Not tested: the test compares two complete years.')
    assert.equal(year.outcome.label, 'Insufficient data')
    assert.deepEqual(
      year.chart?.rows.map((r) => r.cells[0]),
      ['49', '98', '154', 'no figure'],
    )
  })

  it('charts a proportion period by period, not as a running total', () => {
    const kpi = indicator({
      id: 'repeat',
      name: 'Repeat victims',
      measureType: 'proportion',
      preferredDirection: 'reduce',
    })
    const values = [
      ...[1, 2, 3, 4].map((q) => reported('repeat', `FY2016-17-Q${q}`, { numerator: 10, denominator: 40 })),
      ...[1, 2, 3, 4].map((q) => reported('repeat', `FY2017-18-Q${q}`, { numerator: 8, denominator: 40 })),
    ]
    const year = yearOf(kpi, values)
    assert.equal(year.chart?.cumulative, false)
    // 10/40 = 25.0% and 8/40 = 20.0% each quarter; the year 32/160 = 20.0% against 40/160 = 25.0%.
    assert.deepEqual(year.chart?.rows[0]?.cells.slice(0, 2), ['20.0%', '25.0%'])
    // The chart's axis prints a percentage as the table does (one decimal place): "25.0%" and "0.0%", never "25%".
    assert.match(year.chart?.svg ?? '', />25\.0%</)
    assert.match(year.chart?.svg ?? '', />0\.0%</)
    assert.doesNotMatch(year.chart?.svg ?? '', />\d+%</)
    assert.equal(year.changeOnLastYear, '-5 percentage points (-20.0%): a decrease on 2016/17')
  })
})
