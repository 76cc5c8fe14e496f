import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createEmptyPostgresDatabase } from '../../test/support/databases.ts'
import { startServerProcess, type ServerProcess } from '../../test/support/server-process.ts'
import { demoUsers } from '../accounts/demo-users.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'

const adminUrl = process.env.SAFERHUB_TEST_DATABASE_URL

/**
 * Two `saferhub serve` processes (as on two hosts behind a load balancer without sticky sessions) over one
 * PostgreSQL database, with the same SESSION_SECRET and nothing else shared: not the data directory, not memory.
 * A session begun on one works on the other, a figure written through one shows at once in the other's report (its
 * report cache is keyed by the partnership's newest audit event, read on every use), and signing out on one ends the
 * session on both. PostgreSQL only: SQLite is one file on one host, so it has no second process to serve the same
 * users.
 */
describe(
  'two server processes on one PostgreSQL database',
  { skip: adminUrl ? false : 'SAFERHUB_TEST_DATABASE_URL is not set: two processes need a shared PostgreSQL' },
  () => {
    let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>> | null = null
    const directories: string[] = []
    const servers: ServerProcess[] = []

    before(async () => {
      database = await createEmptyPostgresDatabase()
      const url = database.url
      const env = (label: string) => {
        const directory = mkdtempSync(path.join(os.tmpdir(), `saferhub-two-processes-${label}-`))
        directories.push(directory)
        return {
          DATABASE_URL: url,
          SAFERHUB_DATA_DIR: directory,
          SAFERHUB_DEMO: 'true',
          SESSION_SECRET: 'the-same-secret-on-every-host-of-this-test',
        }
      }
      // The first migrates the fresh database and loads the demo; the second starts on what the first made.
      servers.push(await startServerProcess(env('one')))
      servers.push(await startServerProcess(env('two')))
      for (const server of servers) assert.equal((await fetch(`${server.base}/health`)).status, 200)
    })

    after(async () => {
      const codes = await Promise.all(servers.map((server) => server.stop()))
      for (const directory of directories) rmSync(directory, { recursive: true, force: true })
      await database?.drop()
      for (const [i, code] of codes.entries()) assert.equal(code, 0, `process ${i + 1} stopped cleanly`)
    })

    /** A browser pointed at process `i` (0 or 1) that carries `from`'s cookies: the same person, another host. */
    function onProcess(i: number, from?: TestBrowser): TestBrowser {
      const server = servers[i]
      assert.ok(server)
      const browser = new TestBrowser(server.base)
      for (const [cookie, value] of from?.cookies ?? []) browser.cookies.set(cookie, value)
      return browser
    }

    it('serves one session from either process, shows a figure written on one at once on the other, and signs out on both', async () => {
      const analyst = demoUsers.find((u) => u.role === 'partnership-analyst')
      assert.ok(analyst)

      // Signed in on process 1; the same cookie on process 2 is signed in too.
      const first = onProcess(0)
      assert.equal((await first.signIn(analyst.email, analyst.password)).status, 303)
      const second = onProcess(1, first)
      const before = await second.get('/reports/performance/2017-18')
      assert.equal(before.status, 200, 'the session begun on process 1 is signed in on process 2')
      const beforeHtml = await before.text()
      // The demo's knife crime 2017/18 (its Appendix C): 49 + 49 + 56 + 67 = 221. Process 2 has now built and
      // cached this report.
      assert.match(beforeHtml, /Knife crime/)
      assert.doesNotMatch(beforeHtml, /1,141/)

      // Q4 corrected to 987 through process 1 (the JSON API with the browser's session and CSRF token, replacing
      // the demo's first version)…
      const csrf = await first.csrfTokenOf('/account/change-password')
      const put = await first.request('/api/indicators/knife-crime/values/FY2017-18-Q4', {
        method: 'PUT',
        body: JSON.stringify({ value: 987 }),
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, 'if-match': '"1"' },
      })
      assert.ok(
        [200, 201].includes(put.status),
        `the figure was written on process 1: ${put.status} ${await put.text()}`,
      )

      // …and process 2's report, cached a moment ago, has it at once: the year is 49 + 49 + 56 + 987 = 1,141.
      const afterWrite = await second.get('/reports/performance/2017-18')
      assert.equal(afterWrite.status, 200)
      assert.match(await afterWrite.text(), /1,141/)
      const kpiPage = await second.get('/kpis/knife-crime')
      assert.equal(kpiPage.status, 200)
      assert.match(await kpiPage.text(), /987/)

      // Signed out on process 2: the cookie (as it was before) no longer works on process 1.
      const cookieBeforeSignOut = new Map(second.cookies)
      const signOutToken = await second.csrfTokenOf('/sign-out')
      assert.equal((await second.post('/sign-out', { _csrf: signOutToken })).status, 303)
      const stale = onProcess(0)
      for (const [cookie, value] of cookieBeforeSignOut) stale.cookies.set(cookie, value)
      const afterSignOut = await stale.get('/reports/performance/2017-18')
      assert.equal(afterSignOut.status, 303, 'the session ended on process 2 is not signed in on process 1')
      assert.match(afterSignOut.headers.get('location') ?? '', /\/sign-in/)
    })
  },
)
