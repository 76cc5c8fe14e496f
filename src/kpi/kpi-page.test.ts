import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from 'csv-parse/sync'
import type { Indicator, IndicatorValue } from '../domain/indicator.ts'
import { buildKpiPage, kpiCsv } from './kpi-page.ts'

const indicator: Indicator = {
  id: 'knife-crime',
  name: 'Knife crime',
  theme: 'Gangs and Youth Crime',
  priority: 'Violence Prevention',
  definition: 'Knife crime offences',
  dataOwner: 'SWP Analyst',
  cadence: 'quarterly',
  measureType: 'count',
  preferredDirection: 'reduce',
  hiddenHarm: false,
}

function quarters(values: readonly number[]): IndicatorValue[] {
  return values.map((value, i) => ({
    indicatorId: 'knife-crime',
    period: `FY${2014 + Math.floor(i / 4)}-${String(15 + Math.floor(i / 4)).padStart(2, '0')}-Q${(i % 4) + 1}`,
    status: 'reported',
    value,
    numerator: null,
    denominator: null,
    percent: null,
    text: null,
    reason: null,
    commentary: null,
  }))
}

describe('the KPI page content', () => {
  it('draws control limits from 13 figures, not from 12', () => {
    const twelve = [40, 49, 51, 51, 49, 49, 56, 67, 50, 48, 52, 55]
    const short = buildKpiPage(indicator, quarters(twelve), [])
    assert.equal(short.hasControlLimits, false)
    assert.equal(short.limitsDisplay, null)
    assert.match(short.chartSummary, /Control limits are not drawn: they need at least 13 figures, and there are 12\./)
    const thirteen = [...twelve, 60]
    const page = buildKpiPage(indicator, quarters(thirteen), [])
    assert.equal(page.hasControlLimits, true)
    // By hand: mean = 677 / 13 = 52.08; moving ranges 9,2,0,2,0,7,11,17,2,4,3,5 sum 62, mean 62/12 = 5.1667;
    // the screen (3.267 × 5.1667 = 16.88) leaves out the 17, and the other eleven average 45/11 = 4.0909;
    // limits 52.08 ± 2.66 × 4.0909 = 41.2 to 62.96 (unscreened they would be 38.3 to 65.8).
    assert.match(page.chartSummary, /mean 52\.1, control limits 41\.2 to 63\./)
    assert.match(page.chart ?? '', /Upper limit 63</)
    // The table carries the chart's limit lines too, as the chart labels them.
    assert.deepEqual(page.limitsDisplay, { mean: '52.1', lower: '41.2', upper: '63' })
  })

  it('lists every figure in period order and writes the same numbers to CSV', () => {
    const values = quarters([40, 49, 51, 51]).reverse()
    const page = buildKpiPage(indicator, values, [])
    assert.deepEqual(
      page.points.map((p) => [p.label, p.number]),
      [
        ['2014/15 Q1', 40],
        ['2014/15 Q2', 49],
        ['2014/15 Q3', 51],
        ['2014/15 Q4', 51],
      ],
    )
    const rows = parse(kpiCsv(page), { columns: true, bom: true }) as Record<string, string>[]
    assert.deepEqual(
      rows.map((r) => r.Value),
      ['40', '49', '51', '51'],
    )
  })
})
