import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { IndicatorValue } from '../domain/indicator.ts'
import type { PerformanceReport } from '../domain/performance-report.ts'
import { createPerformanceReportService } from './performance-report-service.ts'

const value = (period: string, v: number): IndicatorValue => ({
  indicatorId: 'knife-crime',
  period,
  status: 'reported',
  value: v,
  numerator: null,
  denominator: null,
  percent: null,
  text: null,
  reason: null,
  commentary: null,
})

describe('performance report service: rebuilt only when the data has changed', () => {
  it('builds once per data version, and again as soon as the version moves', async () => {
    let version = 7
    let values = [value('FY2017-18-Q1', 49)]
    const built: number[] = []
    const service = createPerformanceReportService({
      figures: { listIndicators: async () => [], listBaselines: async () => [], listValues: async () => values },
      partnership: 'Test',
      build: (input) => {
        built.push(input.values.length)
        return { year: input.year } as unknown as PerformanceReport
      },
      dataVersion: async () => version,
    })
    await service.report('FY2017-18')
    await service.report('FY2017-18')
    assert.deepEqual(built, [1], 'the second call is served from the cache')
    values = [...values, value('FY2017-18-Q2', 49)]
    version = 8
    await service.report('FY2017-18')
    assert.deepEqual(built, [1, 2], 'a new version rebuilds from the new figures')
    assert.deepEqual(await service.yearsWithFigures(), ['FY2017-18'])
    values = [...values, value('FY2018-19-Q1', 50)]
    version = 9
    assert.deepEqual(await service.yearsWithFigures(), ['FY2018-19', 'FY2017-18'])
  })

  it("gives the latest year's report reading the version once while it is kept, and follows a new year at once", async () => {
    let version = 7
    let versionReads = 0
    let values = [value('FY2017-18-Q1', 49)]
    const built: string[] = []
    const service = createPerformanceReportService({
      figures: { listIndicators: async () => [], listBaselines: async () => [], listValues: async () => values },
      partnership: 'Test',
      build: (input) => {
        built.push(`${input.year}:${input.values.length}`)
        return { year: input.year } as unknown as PerformanceReport
      },
      dataVersion: async () => {
        versionReads++
        return version
      },
    })
    assert.equal((await service.latestReport())?.year, 'FY2017-18')
    versionReads = 0
    assert.equal((await service.latestReport())?.year, 'FY2017-18')
    assert.equal(versionReads, 1, 'kept: one read of the version')
    assert.deepEqual(built, ['FY2017-18:1'])
    // A figure of a new year, written anywhere: the version moves, and the next view is the new year's.
    values = [...values, value('FY2018-19-Q1', 50)]
    version = 8
    assert.equal((await service.latestReport())?.year, 'FY2018-19')
    assert.deepEqual(built, ['FY2017-18:1', 'FY2018-19:2'])
    // Nothing loaded: no report.
    values = []
    version = 9
    assert.equal(await service.latestReport(), null)
  })

  it('builds on every call without a version stamp', async () => {
    let builds = 0
    const service = createPerformanceReportService({
      figures: {
        listIndicators: async () => [],
        listBaselines: async () => [],
        listValues: async () => [value('FY2017-18-Q1', 49)],
      },
      partnership: 'Test',
      build: () => {
        builds++
        return {} as PerformanceReport
      },
    })
    await service.report('FY2017-18')
    await service.report('FY2017-18')
    assert.equal(builds, 2)
  })
})
