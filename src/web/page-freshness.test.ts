import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { demoUsers } from '../accounts/demo-users.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { createServices, type Services } from '../composition-root.ts'
import { loadConfig } from '../config.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { openEmptyTestDatabase, testDialects, type EmptyTestDatabase } from '../../test/support/databases.ts'
import { serveForTest, type TestServer } from '../../test/support/web-app.ts'
import { createApp } from './app.ts'

/**
 * The dashboard and a KPI page are served from what this process keeps (the built report under the partnership's
 * newest audit event, the rendered page under its whole context, prepared statements, the session's idle deadline):
 * a figure written here, or through another
 * handle on the same database (another process), must show on the very next view. Two applications over two handles
 * of one database (SQLite: two connections to one file; PostgreSQL: two pools), each with its own caches.
 */
for (const dialect of testDialects()) {
  describe(`a written figure shows on the next page view (${dialect})`, () => {
    let database: EmptyTestDatabase
    const services: Services[] = []
    const servers: TestServer[] = []
    const analyst = demoUsers.find((u) => u.role === 'partnership-analyst')
    assert.ok(analyst)

    before(async () => {
      database = await openEmptyTestDatabase(dialect)
      await migrateToLatest(database)
      const config = loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true' })
      // The first loads the demo; the second starts on what the first made, over a handle of its own.
      for (const handle of [database, database.reopen()]) {
        const built = await createServices(config, { database: handle })
        services.push(built)
        servers.push(await serveForTest(createApp(built, { logger: { log: () => undefined } })))
      }
    })
    after(async () => {
      for (const server of servers) await server.close()
      // The second's handle is closed by its services; the first's by the database (which removes its file).
      await services[1]?.close()
      await database.close()
    })

    async function signedIn(server: TestServer): Promise<TestBrowser> {
      assert.ok(analyst)
      const browser = new TestBrowser(server.base)
      assert.equal((await browser.signIn(analyst.email, analyst.password)).status, 303)
      return browser
    }

    /** Writes knife crime's 2017/18 Q4 through the JSON API with the browser's session (as the browser does). */
    async function writeQ4(browser: TestBrowser, value: number, version: number): Promise<void> {
      const csrf = await browser.csrfTokenOf('/account/change-password')
      const put = await browser.request('/api/indicators/knife-crime/values/FY2017-18-Q4', {
        method: 'PUT',
        body: JSON.stringify({ value }),
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, 'if-match': `"${version}"` },
      })
      assert.ok([200, 201].includes(put.status), `written: ${put.status} ${await put.text()}`)
    }

    const page = async (browser: TestBrowser, path: string) => {
      const response = await browser.get(path)
      assert.equal(response.status, 200, path)
      return response.text()
    }

    it("a page given from what was kept carries its own response's CSP nonce", async () => {
      const browser = await signedIn(servers[0] as TestServer)
      const nonces: string[] = []
      for (let i = 0; i < 3; i++) {
        const response = await browser.get('/dashboard')
        assert.equal(response.status, 200)
        const header = /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1]
        const html = await response.text()
        assert.ok(header, 'the response has a CSP nonce')
        // A kept page goes out as bytes (src/web/kept-pages.ts), still as HTML in UTF-8.
        assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8')
        assert.ok(html.includes(`nonce="${header}"`), "the page has the response's own nonce")
        assert.doesNotMatch(html, /kept-[0-9a-f]{24}/, 'no marker is left in the page')
        nonces.push(header)
      }
      assert.equal(new Set(nonces).size, 3, 'each response has a nonce of its own')
    })

    it('in this process and through another handle, on the dashboard and the KPI page', async () => {
      const [here, there] = [await signedIn(servers[0] as TestServer), await signedIn(servers[1] as TestServer)]
      // The demo's 2017/18 knife crime (Appendix C): 49 + 49 + 56 + 67 = 221. Each page viewed twice, so that
      // whatever is kept for it is kept.
      for (const path of ['/dashboard', '/kpis/knife-crime']) {
        for (let i = 0; i < 2; i++) {
          const html = await page(here, path)
          assert.doesNotMatch(html, /\b987\b|1,141|\b876\b|1,030/, path)
        }
      }

      // Written through this process: Q4 987, the year 49 + 49 + 56 + 987 = 1,141. The dashboard shows the quarter
      // today (its latest figure); with the item 3 it shows the year's outturn: either comes from the figure.
      await writeQ4(here, 987, 1)
      assert.match(await page(here, '/dashboard'), /\b987\b|1,141/)
      assert.match(await page(here, '/kpis/knife-crime'), /\b987\b/)

      // Written through the other handle (another process): Q4 876, the year 1,030; this process, which has just
      // kept both pages' figures, shows the new one at once.
      await writeQ4(there, 876, 2)
      const dashboard = await page(here, '/dashboard')
      assert.match(dashboard, /\b876\b|1,030/)
      assert.doesNotMatch(dashboard, /\b987\b|1,141/)
      const kpi = await page(here, '/kpis/knife-crime')
      assert.match(kpi, /\b876\b/)
      // The KPI page's audit history is kept with the page's figures, under the same data version: the change made
      // through the other handle is listed at once, newest first, above the one made here.
      const history = kpi.slice(kpi.indexOf('id="kpi-audit"'))
      const latest = history.indexOf('Figure for 2017/18 Q4 changed from 987 to 876')
      const earlier = history.indexOf('Figure for 2017/18 Q4 changed from 67 to 987')
      assert.ok(latest > 0 && earlier > latest, 'both changes listed, the newest first')
    })
  })
}
