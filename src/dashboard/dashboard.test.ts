import { onlyPartnership } from '../../test/support/partnership.ts'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { buildDashboard } from './dashboard.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'

// The demo framework, read independently of the application.
const indicators = parse(readFileSync(new URL('../../demo/performance-framework/indicators.csv', import.meta.url)), {
  columns: true,
}) as Record<string, string>[]

describe('the dashboard', () => {
  let app: RunningApp
  before(async () => {
    app = await startDemoApp()
  })
  after(async () => {
    await app.stop()
  })

  it('filters by data owner, priority and theme', async () => {
    const report = await (await onlyPartnership(app.services)).reports.performance.report('FY2017-18')
    assert.ok(report)
    assert.equal(buildDashboard(report).counts.shown, indicators.length)
    const yot = indicators.filter((i) => i.data_owner === 'YOT').map((i) => i.id)
    assert.deepEqual(yot, ['first-time-entrants', 'youth-custody'])
    assert.deepEqual(
      buildDashboard(report, { dataOwner: 'YOT' }).rows.map((r) => r.id),
      yot,
    )
    const vawg = indicators.filter((i) => i.theme === 'Violence Against Women and Girls').length
    assert.equal(buildDashboard(report, { theme: 'Violence Against Women and Girls' }).counts.shown, vawg)
    assert.equal(
      buildDashboard(report, { priority: 'Violence Prevention', dataOwner: 'SWP Analyst' }).counts.shown,
      indicators.filter((i) => i.priority === 'Violence Prevention' && i.data_owner === 'SWP Analyst').length,
    )
    assert.equal(buildDashboard(report, { dataOwner: 'Nobody' }).counts.shown, 0)
  })

  it('counts improving and worsening KPIs by their trend, and normal variation by their significance', async () => {
    const report = await (await onlyPartnership(app.services)).reports.performance.report('FY2017-18')
    assert.ok(report)
    const rows = report.themes.flatMap((t) => t.rows)
    const dashboard = buildDashboard(report)
    assert.equal(dashboard.counts.improving, rows.filter((r) => r.trend.assessment === 'improving').length)
    assert.equal(dashboard.counts.worsening, rows.filter((r) => r.trend.assessment === 'worsening').length)
    assert.equal(dashboard.counts.withinNormalVariation, report.summary.withinNormalVariation)
    // By hand from values.csv: the YOT KPIs. First time entrants 2016/17 30+25+41+35 = 131, 2017/18 32+28+35+26 = 121;
    // youth custody is a proportion. The dashboard's latest figure for first time entrants is Q4's 26.
    const fte = buildDashboard(report, { dataOwner: 'YOT' }).rows.find((r) => r.id === 'first-time-entrants')
    assert.equal(fte?.latestDisplay, '26')
    assert.equal(fte?.latestPeriod, '2017/18 Q4')
  })

  it('serves the page with a GET form to signed-in users only', async () => {
    const anonymous = await fetch(`${app.base}/dashboard`, { redirect: 'manual' })
    assert.equal(anonymous.status, 303)
    const viewer = await app.signedIn('viewer')
    const response = await viewer.get('/dashboard?dataOwner=YOT')
    assert.equal(response.status, 200)
    const html = await response.text()
    assert.match(html, /<form method="get" action="\/dashboard"/)
    assert.deepEqual(
      [...html.matchAll(/data-kpi="([^"]+)"/g)].map((m) => m[1]),
      ['first-time-entrants', 'youth-custody'],
    )
    assert.match(html, /data-count="shown">2</)
    assert.doesNotMatch(html, /href="\/publication\//, 'a viewer approves nothing')
    const board = await app.signedIn('board-member')
    assert.match(await (await board.get('/dashboard')).text(), /href="\/publication\/2017-18"/)
  })
})
