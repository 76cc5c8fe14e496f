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
