import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildPerformanceReport } from '../domain/build-performance-report.ts'
import type { Indicator, IndicatorValue } from '../domain/indicator.ts'
import { buildKpiPage } from '../kpi/kpi-page.ts'
import type { ReturnsRepository } from '../returns/returns-repository.ts'
import type { ReturnWrites } from '../returns/return-writes.ts'
import { createReturnsService } from '../returns/returns-service.ts'
import { createNunjucksEnvironment } from '../shared/web/nunjucks-setup.ts'
import { performanceReportStandaloneHtml } from './html.ts'

/**
 * The three places that used to compute control limits each their own way (the report's chart, the KPI page's
 * chart, the returns' plausibility warning) now give the same numbers for the same KPI.
 */
const knifeCrime: Indicator = {
  id: 'knife-crime',
  name: 'Knife crime',
  theme: 'Gangs and Youth Crime',
  priority: 'Violence Prevention',
  definition: 'Knife crime offences',
  dataOwner: 'YOT',
  cadence: 'quarterly',
  measureType: 'count',
  preferredDirection: 'reduce',
  hiddenHarm: false,
}

// 2014/15 Q1 to 2017/18 Q1, with one wild quarter (60) in 2016/17 Q4.
const series = [10, 12, 11, 14, 13, 15, 17, 16, 18, 20, 19, 60, 21]
const values: IndicatorValue[] = series.map((value, i) => ({
  indicatorId: knifeCrime.id,
  period: `FY${2014 + Math.floor(i / 4)}-${15 + Math.floor(i / 4)}-Q${(i % 4) + 1}`,
  status: 'reported',
  value,
  numerator: null,
  denominator: null,
  percent: null,
  text: null,
  reason: null,
  commentary: null,
}))

// Worked by hand (see src/domain/control-limits.test.ts): mean 246/13, screened mean moving range 1.7,
// limits 93607/6500 = 14.401 and 152393/6500 = 23.445.
const LOWER = 93607 / 6500
const UPPER = 152393 / 6500

describe('control limits: one computation for the report, the KPI page and the returns check', () => {
  const report = buildPerformanceReport({
    partnership: 'Test',
    year: 'FY2017-18',
    indicators: [knifeCrime],
    values,
    baselines: [],
  })
  const row = report.themes[0]?.rows[0]
  const page = buildKpiPage(knifeCrime, values, [])

  it('carries the screened limits in the report model', () => {
    assert.ok(row?.control)
    assert.ok(Math.abs(row.control.lower - LOWER) < 1e-9)
    assert.ok(Math.abs(row.control.upper - UPPER) < 1e-9)
    assert.deepEqual(row.control.values, series)
  })

  it('gives the KPI page exactly the report’s limits, and both charts print them alike', () => {
    assert.ok(row?.control && page.control)
    assert.deepEqual(page.control, row.control)
    assert.match(page.chartSummary, /mean 18\.9, control limits 14\.4 to 23\.4\./)
    const html = performanceReportStandaloneHtml(createNunjucksEnvironment(), report)
    assert.match(html, /13 points from 2014\/15 Q1 to 2017\/18 Q1; mean 18\.9, control limits 14\.4 to 23\.4;/)
    assert.match(html, />Upper limit 23\.4</)
    assert.match(page.chart ?? '', />Upper limit 23\.4</)
  })

  it('warns a data owner who sends 35 for 2017/18 Q2, against the same limits', async () => {
    const service = createReturnsService({
      repository: {
        listAgencies: async () => [{ id: 1, code: 'YOT', name: 'Youth Offending Team' }],
      } as unknown as ReturnsRepository,
      // Never reached: a figure with an unconfirmed warning is refused before anything is written.
      writes: {} as ReturnWrites,
      figures: {
        listIndicators: async () => [knifeCrime],
        listValues: async () => values,
        listBaselines: async () => [],
      },
      report: async () => null,
      daysAfterQuarterEnd: 28,
    })
    const owner = { role: 'data-owner' as const, agencyId: 1, email: 'yot@example.org' }
    const result = await service.saveReturn(owner, 'FY2017-18-Q2', 1, {
      version: null,
      intent: 'submit',
      fields: { 'knife-crime-value': '35' },
    })
    assert.equal(result.kind, 'invalid')
    assert.ok(result.kind === 'invalid')
    // 14.401 and 23.445 to two decimal places, as the warning writes them.
    assert.equal(
      result.warnings['knife-crime'],
      '35 is outside the control limits of the last 13 periods (14.4 to 23.45)',
    )
  })
})
