import { onlyPartnership } from '../../test/support/partnership.ts'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { roles } from '../accounts/roles.ts'
import { routeManifest, type RouteAccess } from './route-manifest.ts'

/**
 * Security checks over every route of the manifest: no state-changing request without the session's CSRF token,
 * and stored script (in commentary, a KPI's name, an agency's name, a user's name) inert on every page and in
 * every export. Session fixation (a new id at sign-in) is tested in src/accounts/web/accounts-web.test.ts.
 */

const SCRIPT = '<script>alert(1)</script>'
const IMAGE = '"><img src=x onerror=alert(1)>'
/** What either payload looks like when it would run: the raw tags. */
const LIVE = [/<script>alert\(1\)/i, /<img src=x onerror/i]

interface World extends RunningApp {
  readonly placeholders: Readonly<Record<string, string>>
}

async function startWorld(dialect: 'sqlite' | 'postgres'): Promise<World> {
  const app = await startDemoApp(dialect)
  const { services } = app

  // Hostile text everywhere a person can type it: a KPI's name and definition, commentary, an agency, a user.
  const csv = (value: string) => `"${value.replace(/"/g, '""')}"`
  const indicators = [
    'id,name,priority,theme,definition,data_owner,cadence,measure_type,preferred_direction,hidden_harm,unit,rate_per,stock_aggregation,share_label,target_kind,target_value,target_comparison,target_reference_year',
    `hostile-kpi,${csv(SCRIPT)},Violence Prevention,${csv(IMAGE)},${csv(IMAGE)},YOT,quarterly,count,reduce,no,offences,,,,,,,`,
  ].join('\n')
  const values = [
    'indicator,period,value,numerator,denominator,percent,text,status,reason,commentary',
    ...[10, 12, 11, 13, 9, 8, 12, 10].map(
      (v, i) =>
        `hostile-kpi,FY${i < 4 ? '2016-17' : '2017-18'}-Q${(i % 4) + 1},${v},,,,,,,${csv(i % 2 ? SCRIPT : IMAGE)}`,
    ),
  ].join('\n')
  const imported = await (
    await onlyPartnership(services)
  ).performance.importFiles(
    [
      { name: 'indicators.csv', content: Buffer.from(indicators) },
      { name: 'values.csv', content: Buffer.from(values) },
    ],
    'security-test',
  )
  assert.equal(imported.outcome, 'applied', JSON.stringify(imported))
  const system = { system: 'security-test' }
  const agency = await (
    await onlyPartnership(services)
  ).accounts.addAgency(system, { code: 'HOSTILE', name: `Agency ${IMAGE} ${SCRIPT}` })
  assert.ok(agency.ok, JSON.stringify(agency))
  const user = await (
    await onlyPartnership(services)
  ).accounts.addUser(system, {
    email: 'hostile@example.org',
    name: `${SCRIPT} ${IMAGE}`,
    role: 'data-owner',
    agencyId: agency.agency.id,
  })
  assert.ok(user.ok, JSON.stringify(user))
  return { ...app, placeholders: { user: String(user.user.id) } }
}

/** The concrete path a manifest route is requested at here (its sample, placeholders filled). */
function pathsOf(route: RouteAccess, world: World): string[] {
  const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => world.placeholders[name] ?? '1')
  const paths = [route.sample?.own, route.sample?.other].filter((p): p is string => p !== undefined).map(fill)
  if (paths.length > 0) return paths
  return /[:*]/.test(route.path) ? [] : [route.path]
}

for (const dialect of testDialects()) {
  describe(`web security over every route (${dialect})`, () => {
    let world: World
    before(async () => {
      world = await startWorld(dialect)
    })
    after(() => world.stop())

    it('refuses every state-changing route without the CSRF token, signed in or not, with 403', async () => {
      const admin = await world.signedIn('administrator')
      const anonymous = new TestBrowser(world.base)
      await anonymous.csrfTokenOf('/sign-in') // a session, so that only the token is missing
      const unsafe = routeManifest.filter((r) => r.method !== 'GET')
      assert.ok(unsafe.length >= 9, 'the manifest lists the forms')
      const failures: string[] = []
      for (const route of unsafe) {
        for (const path of pathsOf(route, world)) {
          for (const [who, browser] of [
            ['administrator', admin],
            ['signed out', anonymous],
          ] as const) {
            const form = await browser.request(path, {
              method: route.method,
              body: new URLSearchParams({ name: 'x' }).toString(),
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
            })
            if (form.status !== 403) failures.push(`${route.method} ${path} as ${who} (form): ${form.status}`)
            const json = await browser.request(path, {
              method: route.method,
              body: '{}',
              headers: { 'content-type': 'application/json' },
            })
            if (json.status !== 403) failures.push(`${route.method} ${path} as ${who} (JSON): ${json.status}`)
          }
        }
      }
      assert.deepEqual(failures, [])
      // The administrator's session is still good: nothing above signed them out.
      assert.equal((await admin.get('/account')).status, 200)
    })

    it('shows stored script as text on every page, for every role', async () => {
      const failures: string[] = []
      let pages = 0
      const escapedSeen = new Set<string>()
      for (const role of roles) {
        const browser = await world.signedIn(role)
        for (const route of routeManifest.filter((r) => r.method === 'GET' && !r.path.startsWith('/assets/'))) {
          for (const path of pathsOf(route, world)) {
            const response = await browser.get(path)
            const body = await response.text()
            const type = response.headers.get('content-type') ?? ''
            pages++
            if (type.startsWith('text/html')) {
              for (const live of LIVE) if (live.test(body)) failures.push(`${path} as ${role}: ${live}`)
              if (body.includes('&lt;script&gt;alert(1)&lt;/script&gt;')) escapedSeen.add(`${path}`)
            }
          }
        }
      }
      assert.deepEqual(failures, [], `${failures.length} of ${pages} pages carry live script`)
      // The payloads really were on pages (escaped): the report, and the administration of the hostile user.
      assert.ok(escapedSeen.has('/reports/performance/2017-18'), [...escapedSeen].join(', '))
      assert.ok(escapedSeen.has(`/admin/users/${world.placeholders.user}`), [...escapedSeen].join(', '))
    })

    it('lists the hostile agency escaped in the user administration form', async () => {
      const admin = await world.signedIn('administrator')
      const html = await (await admin.get('/admin/users/new')).text()
      assert.ok(html.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'), 'the agency is in the list, escaped')
      for (const live of LIVE) assert.doesNotMatch(html, live)
    })

    it('keeps stored script inert in the CSV, XLSX, JSON and standalone HTML downloads', async () => {
      const viewer = await world.signedIn('viewer')
      const csvResponse = await viewer.get('/reports/performance/2017-18-summary.csv')
      assert.equal(csvResponse.headers.get('x-content-type-options'), 'nosniff')
      assert.match(csvResponse.headers.get('content-disposition') ?? '', /^attachment/)
      const rows = parse(await csvResponse.text(), { bom: true, columns: true }) as Record<string, string>[]
      const row = rows.find((r) => r.KPI === SCRIPT)
      assert.ok(row, 'the hostile KPI is a row, its name kept as text')
      // Neither payload starts with = + - @ tab or CR, so the prefix rule leaves it as it is: text, not a formula.
      assert.equal(row['Data owner’s commentary'], SCRIPT)

      const xlsx = await fetch(`${world.base}/reports/performance/2017-18.xlsx`, {
        headers: { cookie: viewer.cookieHeader() },
      })
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(await xlsx.arrayBuffer())
      let hostileCells = 0
      workbook.eachSheet((sheet) =>
        sheet.eachRow((r) =>
          r.eachCell((cell) => {
            assert.notEqual(cell.type, ExcelJS.ValueType.Formula)
            if (cell.value === SCRIPT || cell.value === IMAGE) hostileCells++
          }),
        ),
      )
      assert.ok(hostileCells >= 2, `the payloads are in the workbook as plain text (${hostileCells} cells)`)

      const json = await viewer.get('/reports/performance/2017-18.json')
      assert.match(json.headers.get('content-type') ?? '', /^application\/json/)
      assert.equal(json.headers.get('x-content-type-options'), 'nosniff')
      const text = await json.text()
      assert.ok(JSON.stringify(JSON.parse(text)).includes(JSON.stringify(SCRIPT)), 'the name survives as a JSON string')

      const standalone = await (await viewer.get('/reports/performance/2017-18.html')).text()
      for (const live of LIVE) assert.doesNotMatch(standalone, live)
      assert.ok(standalone.includes('&lt;script&gt;alert(1)&lt;/script&gt;'))
    })
  })
}
