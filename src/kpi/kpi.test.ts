import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'

const stored = (
  parse(readFileSync(new URL('../../demo/performance-framework/values.csv', import.meta.url)), {
    columns: true,
  }) as Record<string, string>[]
).filter((r) => r.indicator === 'knife-crime')

describe('the KPI page', () => {
  let app: RunningApp
  before(async () => {
    app = await startDemoApp()
  })
  after(async () => {
    await app.stop()
  })

  it('shows the definition, a chart with its text summary, a table and a CSV whose numbers are the stored values', async () => {
    const analyst = await app.signedIn('partnership-analyst')
    const html = await (await analyst.get('/kpis/knife-crime')).text()
    assert.match(html, /<svg [^>]*role="img"/)
    assert.match(html, /<title id="[^"]+">Knife crime/)
    assert.match(html, /id="kpi-chart-summary"/)
    assert.match(html, /href="\/kpis\/knife-crime.csv"/)
    const csv = parse(await (await analyst.get('/kpis/knife-crime.csv')).text(), {
      columns: true,
      bom: true,
    }) as Record<string, string>[]
    assert.deepEqual(
      csv.map((r) => [r.Period, r.Value]),
      stored.map((r) => [r.period, r.value]),
    )
    // Eight quarters in the demo: fewer than 13, so no control limits yet.
    assert.equal(stored.length, 8)
    assert.doesNotMatch(html, /app-chart__limit/)
    for (const r of stored) assert.match(html, new RegExp(`data-period="${r.period}"[^]*?<td[^>]*>${r.value}`))
  })

  it('shows the year as the report judges it: outcome, outturn, change, significance and both commentaries', async () => {
    const analyst = await app.signedIn('partnership-analyst')
    const html = await (await analyst.get('/kpis/knife-crime')).text()
    // The year's sums from the demo's own file, not from the code under test.
    const sum = (year: string) =>
      stored.filter((r) => r.period?.startsWith(year)).reduce((total, r) => total + Number(r.value), 0)
    const thisYear = sum('FY2017-18')
    const lastYear = sum('FY2016-17')
    assert.deepEqual([lastYear, thisYear], [191, 221])
    const change = thisYear - lastYear
    const percent = ((change / lastYear) * 100).toFixed(1)
    const cell = (id: string) => new RegExp(`id="${id}"[^]*?<dd[^>]*>([^]*?)</dd>`).exec(html)?.[1] ?? ''
    assert.match(cell('kpi-outturn'), new RegExp(`^${thisYear} `))
    assert.match(cell('kpi-outcome'), /govuk-tag--red">Not achieved</)
    assert.equal(cell('kpi-change'), `+${change} (+${percent}%): an increase on 2016/17`)
    // scipy.stats.binomtest(221, 412).pvalue = 0.1530: the exact test of two counts, printed as the report prints it.
    assert.equal(cell('kpi-significance'), 'within normal variation (p = 0.153, exact test of two counts)')
    // p = 0.153 is above 0.05: the same reading, in words and the grey of "no real change", as the dashboard shows.
    assert.match(cell('kpi-real-change'), /govuk-tag--grey">Within normal variation</)
    const dashboard = await (await analyst.get('/dashboard')).text()
    assert.match(dashboard, /href="\/kpis\/knife-crime"[^]*?govuk-tag--grey">Within normal variation</)
    assert.match(html, /id="kpi-generated-commentary"[^]*?Generated from the figures[^]*?increased by 30 offences/)
    assert.match(html, /id="kpi-owner-commentary"[^]*?The data owner’s commentary \(2017\/18 Q4\)/)
    assert.doesNotMatch(html, /No commentary yet/)
    // The year chart: this year, last year, the baseline; and its data table.
    assert.match(html, /id="kpi-year-chart"[^]*?<svg [^>]*role="img"[^]*?<title id="[^"]+">[^<]*against 2016\/17/)
    assert.match(html, /id="kpi-year-figures"[^]*?Quarter 4<\/th><td[^>]*>221<\/td><td[^>]*>191<\/td><td[^>]*>191</)
    assert.match(html, /Control limits are not drawn: they need at least 13 figures, and there are 8\./)
  })

  it('shows no time as a raw ISO string and no entity ids, in its text', async () => {
    const analyst = await app.signedIn('partnership-analyst')
    const html = await (await analyst.get('/kpis/knife-crime')).text()
    // What a reader sees: the text between tags (a <time datetime="…"> attribute is for machines).
    const text = html.replace(/<script[^]*?<\/script>/g, '').replace(/<[^>]*>/g, ' ')
    assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/)
    assert.doesNotMatch(text, /indicator-value|FY20\d\d-\d\d-Q\d/)
    assert.match(text, /Figure for 2017\/18 Q4 added: 67 by demo-data \(import\)/)
    assert.match(
      html,
      /<time datetime="\d{4}-\d{2}-\d{2}T[^"]+">\d{1,2} [A-Z][a-z]+ \d{4}, (\d{1,2}:\d{2}[ap]m|midday|midnight)<\/time>/,
    )
  })

  it('shows the audit history to roles with audit:view only', async () => {
    const analyst = await app.signedIn('partnership-analyst')
    assert.match(await (await analyst.get('/kpis/knife-crime')).text(), /id="kpi-audit"[^]*demo-data/)
    const viewer = await app.signedIn('viewer')
    const page = await viewer.get('/kpis/knife-crime')
    assert.equal(page.status, 200)
    assert.doesNotMatch(await page.text(), /id="kpi-audit"/)
    assert.equal((await viewer.get('/kpis/no-such-kpi')).status, 404)
  })
})
