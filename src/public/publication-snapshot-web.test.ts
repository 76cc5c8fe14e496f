import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'

/**
 * Publication is a snapshot, over the demo (its 2017/18 report is published at start-up). Expected figures are read
 * from the demo's values.csv here, independently of the report builder. The tests run in order on one app.
 */
const demoValues = parse(readFileSync(new URL('../../demo/performance-framework/values.csv', import.meta.url)), {
  columns: true,
}) as Record<string, string>[]
const value = (indicator: string, period: string) =>
  demoValues.find((r) => r.indicator === indicator && r.period === period)
const reported = (indicator: string, year: string) =>
  [1, 2, 3, 4].filter((q) => {
    const row = value(indicator, `${year}-Q${q}`)
    return row !== undefined && (row.value !== '' || row.percent !== '')
  })

const PAGE = '/publication/2017-18'
const JSON_FILE = '/public/performance/2017-18.json'
const CSV_FILE = '/public/performance/2017-18.csv'
const XLSX_FILE = '/public/performance/2017-18.xlsx'

interface Figure {
  label: string
  display: string
  count: number | null
  completeness: string | null
  complete: boolean | null
  asAt: string | null
}
interface Kpi {
  id: string
  thisYear: { periods: Figure[]; total: Figure }
  lastYear: { periods: Figure[]; total: Figure }
  likeForLike: { label: string; periods: string[]; lastYear: number; thisYear: number; change: string } | null
}
interface PublicJson {
  kpis: Kpi[]
  amendments: {
    publishedAt: string
    reason: string
    changes: { kpiId: string; what: string; published: string | null; now: string | null }[]
  }[]
}

/** The public page's section of one KPI. */
function section(html: string, kpi: string): string {
  const start = html.indexOf(`id="kpi-${kpi}"`)
  assert.ok(start > 0, `the public page has ${kpi}`)
  return html.slice(start, html.indexOf('</section>', start))
}

/** The XLSX's "Published figures" sheet as records by header. */
async function xlsxRows(response: Response): Promise<Record<string, unknown>[]> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(await response.arrayBuffer())
  const sheet = workbook.getWorksheet('Published figures')
  assert.ok(sheet)
  const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String)
  const rows: Record<string, unknown>[] = []
  sheet.eachRow((row, n) => {
    if (n === 1) return
    rows.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value ?? null])))
  })
  return rows
}

for (const dialect of testDialects())
  describe(`publication is a snapshot (${dialect})`, () => {
    let app: RunningApp
    const anonymous = () => new TestBrowser(app.base)
    const text = async (path: string) => (await anonymous().get(path)).text()
    const publicJson = async () => JSON.parse(await text(JSON_FILE)) as PublicJson
    const csv = async () => parse(await text(CSV_FILE), { columns: true, bom: true }) as Record<string, string>[]
    const yearRow = <T extends Record<string, unknown>>(rows: T[], kpi: string, year: string) =>
      rows.find((r) => r['KPI id'] === kpi && r.Year === year && r.Kind === 'year')
    const importValues = async (csvText: string) => {
      const result = await (
        await onlyPartnership(app.services)
      ).performance.importFiles([{ name: 'values.csv', content: Buffer.from(csvText) }], 'analyst@example.org')
      assert.equal(result.outcome, 'applied', JSON.stringify(result))
    }
    const publicationEvents = async () =>
      (await onlyPartnership(app.services)).audit.list({ entityType: 'report-publication', entityKey: 'FY2017-18' })

    before(async () => {
      app = await startDemoApp(dialect)
    })
    after(async () => {
      await app.stop()
    })

    it('carries completeness and a stock’s period into the public page, CSV, XLSX and JSON', async () => {
      // Drug tests: 2017/18 has a figure for Q1–Q3 only (values.csv); gang members (a stock, taken at its latest):
      // 2017/18 at Q4; 2016/17 had no Q4, so at Q3 and 3 of 4 quarters.
      const drugQuarters = reported('dip-positive-drug-tests', 'FY2017-18')
      const drugCompleteness = `${drugQuarters.length} of 4 quarters`
      assert.equal(drugCompleteness, '3 of 4 quarters')
      const gangThis = reported('godoc-active-gang-members', 'FY2017-18')
      const gangLast = reported('godoc-active-gang-members', 'FY2016-17')
      const gangThisAt = `Q${gangThis.at(-1)}`
      const gangLastAt = `Q${gangLast.at(-1)}`
      const gangThisValue = value('godoc-active-gang-members', `FY2017-18-${gangThisAt}`)?.value
      const gangLastValue = value('godoc-active-gang-members', `FY2016-17-${gangLastAt}`)?.value

      const json = await publicJson()
      const drug = json.kpis.find((k) => k.id === 'dip-positive-drug-tests')
      assert.deepEqual([drug?.thisYear.total.completeness, drug?.thisYear.total.complete], [drugCompleteness, false])
      assert.match(drug?.thisYear.total.display ?? '', / \(3 of 4 quarters\)$/)
      assert.deepEqual([drug?.lastYear.total.completeness, drug?.lastYear.total.complete], ['4 of 4 quarters', true])
      assert.equal(drug?.thisYear.periods[0]?.completeness, null, 'a period has no completeness')
      const gang = json.kpis.find((k) => k.id === 'godoc-active-gang-members')
      assert.deepEqual(
        [gang?.thisYear.total.display, gang?.thisYear.total.asAt],
        [`${gangThisValue} (${gangThisAt})`, gangThisAt],
      )
      assert.deepEqual(
        [gang?.lastYear.total.display, gang?.lastYear.total.asAt, gang?.lastYear.total.completeness],
        [`${gangLastValue} (${gangLastAt})`, gangLastAt, `${gangLast.length} of 4 quarters`],
      )

      const rows = await csv()
      assert.equal(yearRow(rows, 'dip-positive-drug-tests', '2017/18')?.Completeness, drugCompleteness)
      assert.match(yearRow(rows, 'dip-positive-drug-tests', '2017/18')?.Figure ?? '', /\(3 of 4 quarters\)$/)
      assert.equal(yearRow(rows, 'godoc-active-gang-members', '2017/18')?.['Stock at'], gangThisAt)
      assert.equal(yearRow(rows, 'godoc-active-gang-members', '2017/18')?.Figure, `${gangThisValue} (${gangThisAt})`)
      assert.equal(yearRow(rows, 'godoc-active-gang-members', '2016/17')?.['Stock at'], gangLastAt)

      const xlsx = await xlsxRows(await fetch(`${app.base}${XLSX_FILE}`))
      assert.equal(yearRow(xlsx, 'dip-positive-drug-tests', '2017/18')?.Completeness, drugCompleteness)
      assert.equal(yearRow(xlsx, 'godoc-active-gang-members', '2017/18')?.['Stock at'], gangThisAt)

      const home = await text('/')
      assert.match(section(home, 'dip-positive-drug-tests'), /3 of 4 quarters/)
      assert.match(section(home, 'godoc-active-gang-members'), new RegExp(`${gangThisValue} \\(${gangThisAt}\\)`))
      assert.match(home, /id="published-on">Published \d{1,2} \w+ \d{4}\./)
    })

    it('keeps serving what was published after a later import, and tells editors what changed', async () => {
      const [jsonBefore, csvBefore, xlsxBefore] = [
        await text(JSON_FILE),
        await text(CSV_FILE),
        await xlsxRows(await fetch(`${app.base}${XLSX_FILE}`)),
      ]
      const homeBefore = section(await text('/'), 'knife-crime')
      // Knife crime's Q4 withdrawn (not yet available): the year becomes Q1–Q3.
      await importValues(
        'indicator,period,value,numerator,denominator,percent,text,status,reason,commentary\n' +
          'knife-crime,FY2017-18-Q4,,,,,,not-yet-available,Figures being revised,\n',
      )
      assert.equal(await text(JSON_FILE), jsonBefore, 'the JSON is byte for byte what was published')
      assert.equal(await text(CSV_FILE), csvBefore, 'so is the CSV')
      assert.deepEqual(await xlsxRows(await fetch(`${app.base}${XLSX_FILE}`)), xlsxBefore, 'and the XLSX figures')
      assert.equal(section(await text('/'), 'knife-crime'), homeBefore)

      const q4 = value('knife-crime', 'FY2017-18-Q4')?.value
      const year = [1, 2, 3, 4].reduce((sum, q) => sum + Number(value('knife-crime', `FY2017-18-Q${q}`)?.value), 0)
      const q1to3 = year - Number(q4)
      const analyst = await app.signedIn('partnership-analyst')
      const page = await (await analyst.get(PAGE)).text()
      assert.match(page, /Figures have changed since publication/)
      const changes = page.slice(page.indexOf('id="changed-since-publication"'))
      const row = (what: string, was: string, now: string) =>
        new RegExp(
          `Knife crime[^<]*</td><td class="govuk-table__cell">${what}</td>\\s*<td class="govuk-table__cell">${was}</td><td class="govuk-table__cell">${now}</td>`,
        )
      assert.match(changes, row('2017/18 Q4', String(q4), 'not[^<]*'))
      assert.match(changes, row('2017/18', String(year), `${q1to3} \\(3 of 4 quarters\\)`))
    })

    it('publishes an amendment only with a reason and two approvals; the public outputs then list it', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const board = await app.signedIn('board-member')
      const eventsBefore = (await publicationEvents()).length

      const refused = await analyst.post(`${PAGE}/publish`, { _csrf: await analyst.csrfTokenOf(PAGE), reason: '  ' })
      assert.equal(refused.status, 400)
      const refusedPage = await refused.text()
      assert.match(refusedPage, /<title>Error: Publication of the 2017\/18 report/)
      assert.match(refusedPage, /href="#reason"[^>]*>Enter the reason for publishing the year again/)
      assert.equal((await publicationEvents()).length, eventsBefore, 'nothing written')

      const reason = 'Knife crime Q4 withdrawn while the police revise it'
      assert.equal(
        (await analyst.post(`${PAGE}/publish`, { _csrf: await analyst.csrfTokenOf(PAGE), reason })).status,
        303,
      )
      assert.match(await (await analyst.get(PAGE)).text(), new RegExp(`Reason given: ${reason}`))
      // One approval is not a publication: the public still sees the first.
      assert.equal((await publicJson()).amendments.length, 0)
      const signOff = await board.post(`${PAGE}/sign-off`, {
        _csrf: await board.csrfTokenOf('/account/change-password'),
      })
      assert.equal(signOff.status, 303)

      // Like for like: Q1–Q3 of both years, summed here from values.csv.
      const sum = (year: string) =>
        [1, 2, 3].reduce((total, q) => total + Number(value('knife-crime', `${year}-Q${q}`)?.value), 0)
      const [last, current] = [sum('FY2016-17'), sum('FY2017-18')]
      const json = await publicJson()
      const knife = json.kpis.find((k) => k.id === 'knife-crime')
      assert.equal(knife?.thisYear.total.display, `${current} (3 of 4 quarters)`)
      assert.deepEqual(
        [knife?.likeForLike?.label, knife?.likeForLike?.lastYear, knife?.likeForLike?.thisYear],
        ['Q1–Q3', last, current],
      )
      const percent = Math.round(((current - last) / last) * 1000) / 10
      const sign = (n: number) => (n > 0 ? '+' : '-')
      const change = `${sign(current - last)}${Math.abs(current - last)} (${sign(percent)}${Math.abs(percent).toFixed(1)}%)`
      assert.equal(knife?.likeForLike?.change, change)
      assert.equal(json.amendments.length, 1)
      assert.equal(json.amendments[0]?.reason, reason)
      // The import left Q4 without its commentary (values.csv had one there), so that changed too.
      const hadCommentary = (value('knife-crime', 'FY2017-18-Q4')?.commentary ?? '') !== ''
      assert.deepEqual(
        json.amendments[0]?.changes.filter((c) => c.kpiId === 'knife-crime').map((c) => c.what),
        ['2017/18 Q4', '2017/18', ...(hadCommentary ? ['Commentary'] : [])],
      )
      const knifeCsv = yearRow(await csv(), 'knife-crime', '2017/18')
      assert.deepEqual(
        [
          knifeCsv?.['Like-for-like periods'],
          knifeCsv?.['Like-for-like last year'],
          knifeCsv?.['Like-for-like this year'],
        ],
        ['Q1–Q3', String(last), String(current)],
      )
      const home = await text('/')
      assert.match(
        section(home, 'knife-crime'),
        new RegExp(
          `Like for like, Q1–Q3: ${last} in 2016/17, ${current} in 2017/18, a change of ${change.replace(/[+().]/g, '\\$&')}\\.`,
        ),
      )
      const amendments = home.slice(home.indexOf('id="amendments"'))
      assert.match(amendments, /Amended \d{1,2} \w+ \d{4}/)
      assert.match(amendments, new RegExp(`Why: ${reason}`))
      assert.match(home, /amended 1 time since/)
      assert.deepEqual(
        (await publicationEvents()).slice(eventsBefore).map((e) => [e.actor, e.action]),
        [
          ['analyst@example.org', 'approve-publish'],
          ['board@example.org', 'approve-sign-off'],
          ['board@example.org', 'publish-amendment'],
        ],
      )
      assert.match(
        await (await analyst.get(PAGE)).text(),
        /Nothing the public page shows has changed since publication/,
      )
    })

    it('stores a publication at its first read for a year published before snapshots existed', async () => {
      // As a database migrated by 0015 holds it: the approvals, and no snapshot.
      await app.services.database.db.deleteFrom('publication_snapshots').execute()
      await importValues(
        'indicator,period,value,numerator,denominator,percent,text,status,reason,commentary\n' +
          'knife-crime,FY2017-18-Q4,70,,,,,,,\n',
      )
      const json = await publicJson()
      const year = [1, 2, 3].reduce((s, q) => s + Number(value('knife-crime', `FY2017-18-Q${q}`)?.value), 70)
      // The figures as they are at that first read: both rounds are stored, each from the live report.
      assert.equal(json.kpis.find((k) => k.id === 'knife-crime')?.thisYear.total.display, String(year))
      assert.equal(json.amendments.length, 1)
      const stored = await publicationEvents()
      assert.deepEqual(
        stored.slice(-2).map((e) => [e.actor, e.action]),
        [
          ['saferhub (publication stored at first read)', 'publish'],
          ['saferhub (publication stored at first read)', 'publish-amendment'],
        ],
      )
      // Read again: nothing more is stored.
      await publicJson()
      assert.equal((await publicationEvents()).length, stored.length)
    })
  })
