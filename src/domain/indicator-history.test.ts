import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generatedIndicators, generatedValues } from '../../bench/performance-framework-data.ts'
import { buildPerformanceReport } from './build-performance-report.ts'
import { controlChart, ControlSeries } from './control-limits.ts'
import type { Indicator, IndicatorValue } from './indicator.ts'
import { indexValues } from './indicator-history.ts'
import { parsePeriod, type Period } from './period.ts'

/**
 * The index lets several years' reports share the work on one partnership's values. It must change nothing: each
 * year's report built from one shared index is the report built from the plain list (which the golden digests in
 * src/reports/report-golden.test.ts hold to the output from before the index existed).
 */

const YEARS = ['FY2014-15', 'FY2015-16', 'FY2016-17', 'FY2017-18', 'FY2018-19', 'FY2019-20']

/** Generated quarterly KPIs (every measure type the bench makes), with a relative target on one. */
function framework(): { indicators: Indicator[]; values: IndicatorValue[] } {
  const indicators = generatedIndicators(12).map((indicator, i) =>
    i === 1
      ? { ...indicator, target: { kind: 'relative' as const, percent: 5, referenceYear: 'FY2014-15' } }
      : indicator,
  )
  return { indicators, values: generatedValues(3, indicators, 2014, 6) }
}

const copy = (value: IndicatorValue, fields: Partial<IndicatorValue>): IndicatorValue => ({ ...value, ...fields })

/** The list with what storage never gives but the builder must still read as before: the awkward cases. */
function awkward(values: IndicatorValue[]): IndicatorValue[] {
  const first = values[0] as IndicatorValue
  // Out of order (the trend and control series must sort them), with one period written as its label.
  const later = values.slice(1).reverse()
  const labelled = later.findIndex((v) => v.period === 'FY2015-16-Q3')
  later[labelled] = copy(later[labelled] as IndicatorValue, { period: '2015/16 Q3' })
  return [
    ...later,
    first,
    // The same period twice: the later value counts, in the place of the first.
    copy(first, { status: 'reported', value: 999, reason: null, commentary: 'Corrected figure' }),
    // A whole year for a quarterly KPI.
    copy(values[7] as IndicatorValue, { period: 'FY2016-17', value: 9 }),
    // Another partnership's KPI: ignored.
    copy(first, { indicatorId: 'not-in-the-framework', value: 5 }),
  ]
}

describe('indexValues: several years’ reports from values read once', () => {
  for (const [name, make] of [
    ['values as storage gives them', (v: IndicatorValue[]) => v],
    ['out of order, a period twice, ids written otherwise', awkward],
  ] as const) {
    it(`gives every year the report the plain list gives (${name})`, () => {
      const { indicators, values: generated } = framework()
      const values = make(generated)
      const index = indexValues(values)
      for (const year of YEARS) {
        const input = { partnership: 'Northshire', year, indicators, baselines: [] }
        const fromList = buildPerformanceReport({ ...input, values })
        const fromIndex = buildPerformanceReport({ ...input, values: index })
        assert.deepEqual(fromIndex, fromList, year)
      }
      if (make === awkward) {
        // The first quarter of kpi-0 was given twice: the later figure is the one shown.
        const report = buildPerformanceReport({
          partnership: 'Northshire',
          year: 'FY2014-15',
          indicators,
          baselines: [],
          values: index,
        })
        const row = report.themes.flatMap((t) => t.rows).find((r) => r.indicator.id === 'kpi-0')
        assert.equal(row?.periods[0]?.thisYear.display, '999')
        assert.equal(row?.ownerCommentary, 'Corrected figure')
      }
    })
  }

  it('refuses a period that cannot be read as the plain list does', () => {
    const { indicators, values } = framework()
    const unreadable = [...values, copy(values[6] as IndicatorValue, { period: 'FY2015-16-Q9', value: 8 })]
    const input = { partnership: 'Northshire', year: 'FY2017-18', indicators, baselines: [] }
    const refusal = { message: 'Not a period identifier: "FY2015-16-Q9"' }
    assert.throws(() => buildPerformanceReport({ ...input, values: unreadable }), refusal)
    assert.throws(() => buildPerformanceReport({ ...input, values: indexValues(unreadable) }), refusal)
  })

  it('keeps the values as they were when indexed', () => {
    const { indicators, values } = framework()
    const asIndexed = [...values]
    const index = indexValues(values)
    values.splice(0, values.length, ...values.map((v) => copy(v, { value: v.value === null ? null : v.value + 1 })))
    const input = { partnership: 'Northshire', year: 'FY2017-18', indicators, baselines: [] }
    assert.deepEqual(
      buildPerformanceReport({ ...input, values: index }),
      buildPerformanceReport({ ...input, values: asIndexed }),
    )
    assert.notDeepEqual(
      buildPerformanceReport({ ...input, values: index }),
      buildPerformanceReport({ ...input, values }),
      'the changed list does give another report (so the comparison above could fail)',
    )
  })
})

describe('ControlSeries.chartThrough: one series, read through each year', () => {
  it('gives the chart a series made through that year gives', () => {
    const { indicators, values } = framework()
    const shuffled = awkward(values)
    for (const indicator of indicators.slice(0, 4)) {
      const series = new ControlSeries(indicator)
      for (const v of shuffled) if (v.indicatorId === indicator.id) series.add(v, parsePeriod(v.period))
      for (const year of YEARS) {
        const through = parsePeriod(year) as Period
        const expected = controlChart(indicator, shuffled, through)
        assert.deepEqual(series.chartThrough(through), expected, `${indicator.id} ${year}`)
      }
      // Through the first year there are 4 quarters: too few for limits.
      assert.equal(series.chartThrough(parsePeriod('FY2014-15') as Period), null)
    }
  })
})
