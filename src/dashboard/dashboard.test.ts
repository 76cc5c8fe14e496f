import { onlyPartnership } from '../../test/support/partnership.ts'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { buildDashboard } from './dashboard.ts'
import { unchanging, unchangingIdentity } from '../shared/web/unchanging.ts'
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

  it('is plain data, so that its kept page is keyed by its identity rather than its JSON', async () => {
    const report = await (await onlyPartnership(app.services)).reports.performance.report('FY2017-18')
    assert.ok(report)
    // A Date, a class instance or a getter in the view model would leave it keyed by its JSON (50 K characters for
    // the demo, written on every view): still correct, but a tenth of a view again (src/shared/web/unchanging.ts).
    const dashboard = buildDashboard(report)
    assert.ok(JSON.stringify(dashboard).length > 10_000)
    assert.notEqual(unchangingIdentity(unchanging(dashboard)), undefined)
    assert.equal(unchangingIdentity(buildDashboard(report)), undefined, 'only a value given by unchanging')
  })

  it('counts the KPIs as the report does: each once by outcome, by real change and by trend', async () => {
    const report = await (await onlyPartnership(app.services)).reports.performance.report('FY2017-18')
    assert.ok(report)
    const rows = report.themes.flatMap((t) => t.rows)
    const dashboard = buildDashboard(report)
    // The report's own counts (its summary table) and the dashboard's are the same numbers.
    assert.equal(dashboard.summary.kpis, report.summary.indicators)
    assert.equal(dashboard.summary.outcomes.achieved, report.summary.achieved)
    assert.equal(dashboard.summary.outcomes['not-achieved'], report.summary.notAchieved)
    assert.equal(dashboard.summary.outcomes['insufficient-data'], report.summary.insufficientData)
    assert.equal(dashboard.summary.realChanges['within-normal-variation'], report.summary.withinNormalVariation)
    assert.equal(
      dashboard.summary.improvements.length +
        dashboard.summary.deteriorations.length +
        dashboard.summary.otherRealChanges.length,
      report.summary.realChanges,
    )
    // Every dimension adds up to the KPIs shown (issue 9: "0 / 0 / 6" of 11, five KPIs in none).
    const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0)
    for (const counts of [dashboard.summary.outcomes, dashboard.summary.realChanges, dashboard.summary.trends])
      assert.equal(total(counts), rows.length)
    // Each row's own reading is what the counts count.
    assert.equal(
      dashboard.rows.filter((r) => r.trendAssessment === 'improving').length,
      rows.filter((r) => r.trend.assessment === 'improving').length,
    )
    for (const row of dashboard.rows) {
      const source = rows.find((r) => r.indicator.id === row.id)
      assert.ok(source)
      if (source.significance === null) assert.equal(row.realChange, 'not-tested')
      else if (!source.significance.significant) assert.equal(row.realChange, 'within-normal-variation')
      else assert.match(row.realChange, /^significant-/)
      // The year's figure is printed with its number (the outturn as the report prints it) first.
      assert.ok(row.yearFigure.startsWith(source.outturn.display), row.yearFigure)
    }
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
    // The summary tables count the two KPIs shown once each, and every outcome carries its colour and its words.
    const counted = (attribute: string) =>
      [...html.matchAll(new RegExp(`<td [^>]*${attribute}="[^"]+">(\\d+)<`, 'g'))].reduce((a, m) => a + Number(m[1]), 0)
    assert.equal(counted('data-outcome'), 2)
    assert.equal(counted('data-change'), 2)
    assert.equal(counted('data-trend-count'), 2)
    assert.match(html, /<strong class="govuk-tag govuk-tag--green">Achieved<\/strong>/)
    assert.match(html, /<strong class="govuk-tag govuk-tag--red">Not achieved<\/strong>/)
    // The latest figure says it is a quarter's.
    assert.match(html, /Latest quarter: 2017\/18 Q4/)
    assert.doesNotMatch(html, /href="\/publication\//, 'a viewer approves nothing')
    const board = await app.signedIn('board-member')
    assert.match(await (await board.get('/dashboard')).text(), /href="\/publication\/2017-18"/)
  })

  it('keeps each set of filters its own view, and shows a figure written since at once', async () => {
    const analyst = await app.signedIn('partnership-analyst')
    const kpisOn = async (query: string) => {
      const response = await analyst.get(`/dashboard${query}`)
      assert.equal(response.status, 200, query)
      assert.match(response.headers.get('content-type') ?? '', /^text\/html; charset=utf-8$/)
      const html = await response.text()
      return { html, kpis: [...html.matchAll(/data-kpi="([^"]+)"/g)].map((m) => m[1]) }
    }
    // From the demo's indicators.csv, read above, not from the application.
    const all = indicators.map((i) => i.id)
    const yot = indicators.filter((i) => i.data_owner === 'YOT').map((i) => i.id)
    const health = indicators.filter((i) => i.data_owner === 'Public Health').map((i) => i.id)
    assert.ok(health.length > 0 && yot.length > 0)
    // Each view twice, interleaved, so that the second of each is given from what was kept.
    for (let round = 0; round < 2; round++) {
      assert.deepEqual((await kpisOn('?dataOwner=YOT')).kpis, yot)
      assert.deepEqual((await kpisOn('')).kpis, all)
      assert.deepEqual((await kpisOn('?dataOwner=Public%20Health')).kpis, health)
      // Spaces round a choice are the same choice; a value that is no choice shows no KPI.
      assert.deepEqual((await kpisOn('?dataOwner=%20YOT%20')).kpis, yot)
      assert.deepEqual((await kpisOn('?dataOwner=Nobody')).kpis, [])
    }
    // The selected choice is the filter's own, not another view's.
    assert.match((await kpisOn('?dataOwner=Public%20Health')).html, /<option value="Public Health" selected>/)
    assert.doesNotMatch((await kpisOn('?dataOwner=YOT')).html, /<option value="Public Health" selected>/)

    // First time entrants' 2017/18 Q4 is 26 in values.csv; corrected to 27 it shows on the next view, filtered or not.
    const partnership = await onlyPartnership(app.services)
    const corrected = await partnership.performance.importFiles(
      [
        {
          name: 'values.csv',
          content: Buffer.from(
            'indicator,period,value,numerator,denominator,percent,text,status,reason,commentary\n' +
              'first-time-entrants,FY2017-18-Q4,27,,,,,,,\n',
          ),
        },
      ],
      'test',
    )
    assert.equal(corrected.outcome, 'applied', JSON.stringify(corrected))
    const latest = (html: string) =>
      new RegExp(`data-kpi="first-time-entrants"[\\s\\S]*?Latest quarter: 2017/18 Q4[^<]*<[^>]*>\\s*([\\d,]+)`).exec(
        html,
      )?.[1]
    for (const query of ['?dataOwner=YOT', '']) {
      const { html } = await kpisOn(query)
      assert.equal(latest(html), '27', query)
    }
  })
})
