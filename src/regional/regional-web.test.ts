import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { readDemoFiles } from '../performance/demo.ts'
import type { PartnershipServices } from '../composition-root.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { addUserWithPassword } from '../../test/support/accounts.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'

/*
 * Three partnerships of the West Midlands in one instance, each with the demo framework (the same KPI codes):
 * Wolverhampton (the demo's, published 2017/18), Walsall (its knife crime 2017/18 Q4 changed to 100, published) and
 * Sandwell (Q4 changed to 9,137, never published). The demo's regional analyst is granted Wolverhampton and Walsall.
 *
 * Expected figures, by hand from demo/performance-framework/values.csv and reference/ons/district-profile.csv
 * (no population estimates are imported, so the shipped mid-2023 profile gives the populations):
 * - Wolverhampton knife crime: 49+49+56+67 = 221 (2016/17: 40+49+51+51 = 191); 221 / 272,425 × 1,000 = 0.811 → 0.81;
 *   scipy.stats.binomtest(221, 412).pvalue = 0.153: within normal variation.
 * - Walsall: 49+49+56+100 = 254; 254 / 288,736 × 1,000 = 0.8797 → 0.88; binomtest(254, 445) = 0.0032: a real
 *   increase; +63 on 191 = +33.0%.
 * - Sandwell: 49+49+56+9137 = 9,291: must never show to the regional analyst, nor on another partnership's page.
 */
const SANDWELL_FIGURES = ['9291', '9,291', '9137', '9,137']

async function addPartnership(app: RunningApp, name: string, code: string, knifeCrimeQ4: number) {
  const added = await app.services.partnerships.add('test', { name, code })
  assert.ok(added.ok, JSON.stringify(added))
  const services = app.services.forPartnership(added.value)
  const demo = await readDemoFiles()
  const files = demo.map((f) =>
    f.name === 'values.csv'
      ? {
          name: f.name,
          content: Buffer.from(
            f.content
              .toString('utf8')
              .replace(/^knife-crime,FY2017-18-Q4,67,/m, `knife-crime,FY2017-18-Q4,${knifeCrimeQ4},`),
          ),
        }
      : f,
  )
  assert.ok(files.some((f) => f.content.toString('utf8').includes(`knife-crime,FY2017-18-Q4,${knifeCrimeQ4},`)))
  const imported = await services.performance.importFiles(files, 'test')
  assert.equal(imported.outcome, 'applied', JSON.stringify(imported))
  return services
}

for (const dialect of testDialects()) {
  describe(`comparing partnerships (${dialect})`, () => {
    let app: RunningApp
    let walsall: PartnershipServices
    let sandwell: PartnershipServices
    let regional: TestBrowser

    before(async () => {
      app = await startDemoApp(dialect)
      walsall = await addPartnership(app, 'Walsall Community Safety Partnership', 'E22000340', 100)
      sandwell = await addPartnership(app, 'Safer Sandwell Partnership', 'E22000338', 9137)
      await walsall.publication.recordDemoPublication('FY2017-18', 'test')
      // The demo's regional analyst (a member of Wolverhampton) is granted Walsall too; never Sandwell.
      const granted = await walsall.accounts.addUser(
        { system: 'test' },
        { email: 'regional@example.org', name: 'Demo Regional Analyst', role: 'regional-analyst', agencyId: null },
      )
      assert.ok(granted.ok, JSON.stringify(granted))
      regional = await app.signedIn('regional-analyst')
    })
    after(() => app.stop())

    const assertNoSandwell = (page: string, where: string) => {
      assert.ok(!page.includes('Sandwell'), `${where} names Sandwell`)
      for (const figure of SANDWELL_FIGURES) assert.ok(!page.includes(figure), `${where} shows Sandwell's ${figure}`)
    }

    it('lists the partnerships the regional analyst is granted and the KPIs they share, and no other', async () => {
      const response = await regional.get('/regional')
      assert.equal(response.status, 200)
      const page = await response.text()
      assert.ok(page.includes('Safer Wolverhampton Partnership'))
      assert.ok(page.includes('Walsall Community Safety Partnership'))
      assertNoSandwell(page, '/regional')
      assert.match(page, /href="\/regional\/kpis\/knife-crime\?year=2017-18"/)
      assert.ok(page.includes('Compare partnerships'), 'the menu offers the comparison')
    })

    it('sets a shared KPI side by side: outturn, change, significance in words, rate per 1,000 with its source', async () => {
      const response = await regional.get('/regional/kpis/knife-crime?year=2017-18')
      assert.equal(response.status, 200)
      const page = await response.text()
      assertNoSandwell(page, '/regional/kpis/knife-crime')
      const table = page.slice(page.indexOf('id="regional-comparison"'))
      const rowOf = (name: string) => {
        const start = table.indexOf(`<th scope="row" class="govuk-table__header">${name}</th>`)
        assert.ok(start >= 0, `a row for ${name}`)
        return table.slice(start, table.indexOf('</tr>', start))
      }
      const wolves = rowOf('Safer Wolverhampton Partnership')
      assert.match(wolves, />221</)
      assert.match(wolves, /Within normal variation \(p = 0\.153\)/)
      assert.match(wolves, /0\.81 <span class="govuk-body-s">\(population 272,425: ONS mid-2023 population estimate/)
      const wal = rowOf('Walsall Community Safety Partnership')
      assert.match(wal, />254</)
      assert.match(wal, /\+63/)
      assert.match(wal, /A real increase on last year \(p = 0\.003\)/)
      assert.match(wal, /0\.88 <span class="govuk-body-s">\(population 288,736/)
      // The chart: an SVG image with a title and a description, and the summary in text.
      assert.match(
        page,
        /<svg[^>]*role="img"[^>]*aria-labelledby="regional-knife-crime-chart-title regional-knife-crime-chart-desc"/,
      )
      assert.match(
        page,
        /<desc id="regional-knife-crime-chart-desc">[^<]*highest Walsall Community Safety Partnership \(0\.88 per 1,000\)/,
      )
      assert.match(page, /id="regional-summary">[^<]*lowest Safer Wolverhampton Partnership \(0\.81 per 1,000\)/)
    })

    it('refuses those with no regional analyst role (403), and sends those signed out to sign in', async () => {
      const viewer = await app.signedIn('viewer')
      for (const path of ['/regional', '/regional/kpis/knife-crime?year=2017-18']) {
        const refused = await viewer.get(path)
        assert.equal(refused.status, 403, path)
        assertNoSandwell(await refused.text(), path)
        assert.ok(!(await (await viewer.get('/dashboard')).text()).includes('href="/regional"'), 'no menu item')
        const anonymous = await new TestBrowser(app.base).get(path)
        assert.equal(anonymous.status, 303)
        assert.match(anonymous.headers.get('location') ?? '', /^\/sign-in/)
      }
      // Sandwell's own analyst is no regional analyst either: nothing of the comparison for them.
      await addUserWithPassword(sandwell.accounts, {
        email: 'analyst@sandwell.example',
        role: 'partnership-analyst',
        password: 'quarry-lantern-thimble-oak',
      })
      const sandwellAnalyst = new TestBrowser(app.base)
      assert.equal((await sandwellAnalyst.signIn('analyst@sandwell.example', 'quarry-lantern-thimble-oak')).status, 303)
      assert.equal((await sandwellAnalyst.get('/regional')).status, 403)
    })

    it('a KPI unknown to the granted partnerships is not found', async () => {
      assert.equal((await regional.get('/regional/kpis/no-such-kpi?year=2017-18')).status, 404)
    })

    it("shows on a partnership's KPI page the peers' published figures only", async () => {
      const wolvesAnalyst = await app.signedIn('partnership-analyst')
      const page = await (await wolvesAnalyst.get('/p/wolverhampton/kpis/knife-crime')).text()
      assert.ok(page.includes('How other partnerships compare'))
      const peers = page.slice(page.indexOf('id="kpi-peers"'), page.indexOf('</table>', page.indexOf('id="kpi-peers"')))
      assert.ok(peers.includes('href="/p/walsall/public/performance/2017-18"'))
      assert.match(peers, />254</)
      assert.match(peers, /\+63 \(\+33\.0%\)/)
      assert.match(peers, /A real increase/)
      assert.match(peers, /0\.88 <span class="govuk-body-s">\(ONS mid-2023 population estimate/)
      // Sandwell has the same KPI but published nothing: neither its name nor its figures.
      assertNoSandwell(page, "Wolverhampton's KPI page")
      // Once Sandwell publishes, its figures may appear: the section was filtering on publication, not on the name.
      await sandwell.publication.recordDemoPublication('FY2017-18', 'test')
      const after = await (await wolvesAnalyst.get('/p/wolverhampton/kpis/knife-crime')).text()
      assert.ok(after.includes('Safer Sandwell Partnership'))
      assert.ok(after.includes('9291') || after.includes('9,291'))
      // …but never on the regional analyst's pages: they are not granted Sandwell, published or not.
      for (const path of ['/regional', '/regional/kpis/knife-crime?year=2017-18']) {
        assertNoSandwell(await (await regional.get(path)).text(), `${path} after Sandwell published`)
      }
    })
  })
}
