import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import {
  postgresPrograms,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../../test/support/postgres-cluster.ts'
import { startServerProcess, type ServerProcess } from '../../test/support/server-process.ts'
import { demoUsers } from '../accounts/demo-users.ts'
import type { Role } from '../accounts/roles.ts'
import { TestBrowser, type TestResponse } from '../accounts/web/test-client.ts'
import { AUDIT_CHAIN_LOCK } from '../audit/audited-transaction.ts'

const CLI = fileURLToPath(new URL('../../bin/saferhub.js', import.meta.url))
const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url))
const programs = postgresPrograms()

/**
 * PostgreSQL restarted (`pg_ctl restart -m fast`) or stopped (`pg_ctl stop -m immediate`) under a running server and
 * a running import. Before, the server process exited with "Unhandled 'error' event … terminating connection due to
 * administrator command" (a checked-out pg client had no error listener) and so did `saferhub import`. Now the
 * requests in flight get 503 (or succeed), the process stays up, the pool reconnects by itself once the server is
 * back, and the import prints one line and exits 1 having written nothing.
 *
 * On a PostgreSQL server of the test's own (initdb in a temporary directory, a free port of 127.0.0.1): the shared
 * test server must not be restarted. Skipped where PostgreSQL's server programs are not installed (`.ci/run` installs
 * them).
 */
describe(
  'PostgreSQL restarted or stopped under load',
  { skip: 'missing' in programs ? programs.missing : false },
  () => {
    let postgres: ThrowawayPostgres
    let server: ServerProcess
    let directory: string

    before(async () => {
      assert.ok('bin' in programs)
      directory = mkdtempSync(path.join(os.tmpdir(), 'saferhub-pg-restart-'))
      postgres = await startThrowawayPostgres(programs.bin)
      server = await startServerProcess({
        DATABASE_URL: postgres.url,
        SAFERHUB_DATA_DIR: directory,
        SAFERHUB_DEMO: 'true',
      })
    })

    after(async () => {
      const code = server === undefined ? 0 : await server.stop()
      await postgres?.destroy()
      if (directory !== undefined) rmSync(directory, { recursive: true, force: true })
      assert.equal(code, 0, `the server stopped cleanly\n${server?.stderr() ?? ''}`)
    })

    async function signInAs(role: Role): Promise<TestBrowser> {
      const user = demoUsers.find((u) => u.role === role)
      assert.ok(user)
      const browser = new TestBrowser(server.base)
      assert.equal((await browser.signIn(user.email, user.password)).status, 303)
      return browser
    }

    /** A session of the test's own holding the audit chain's lock, so that a write queues behind it inside its transaction. */
    async function holdAuditLock(url: string): Promise<pg.Client> {
      const client = new pg.Client({ connectionString: url })
      // It is ended by the restart too: noted, not fatal.
      client.on('error', () => undefined)
      await client.connect()
      await client.query('select pg_advisory_lock($1)', [AUDIT_CHAIN_LOCK])
      return client
    }

    /** Waits until a session of `database` waits for an advisory lock (a write queued behind holdAuditLock). */
    async function waitForLockWaiter(client: pg.Client, database: string): Promise<void> {
      for (let tries = 0; ; tries++) {
        const { rows } = await client.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity
          where datname = $1 and wait_event_type = 'Lock' and wait_event = 'advisory'`,
          [database],
        )
        if ((rows[0]?.n ?? 0) > 0) return
        assert.ok(tries < 500, 'nothing ever waited for the audit lock')
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }

    /** Checks a response that may meet the database going away: a success, or 503 in the form of its path. */
    function assertSucceededOr503(path: string, response: TestResponse, body: string): void {
      assert.ok([200, 503].includes(response.status), `${path}: ${response.status} ${body.slice(0, 200)}`)
      if (response.status !== 503) return
      assert.ok(response.headers.get('retry-after'), `${path}: 503 without Retry-After`)
      if (path.startsWith('/api/')) {
        assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, path)
        assert.equal((JSON.parse(body) as { status: number }).status, 503)
      } else if (path !== '/health') {
        assert.match(body, /Sorry, the service is unavailable/, path)
      }
    }

    it('pg_ctl restart -m fast: in-flight requests get 503 or succeed, the process stays up, later requests succeed', async (t) => {
      const viewer = await signInAs('viewer')
      const analyst = await signInAs('partnership-analyst')
      assert.equal((await viewer.get('/dashboard')).status, 200)
      const csrf = await analyst.csrfTokenOf('/account/change-password')
      const putFigure = () =>
        analyst.request('/api/indicators/knife-crime/values/FY2018-19-Q1', {
          method: 'PUT',
          body: JSON.stringify({ value: 40 }),
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        })

      // A write certainly in flight when the server restarts: queued inside its transaction behind the audit lock.
      const holder = await holdAuditLock(postgres.url)
      const write = putFigure()
      await waitForLockWaiter(holder, 'postgres')

      // Load: four clients, 160 requests at most, on pages and API reads that use the database.
      const paths = ['/dashboard', '/api/indicators', '/reports/performance/2017-18', '/health', '/kpis/knife-crime']
      let stopping = false
      let sent = 0
      const answered: { path: string; status: number }[] = []
      const client = async (browser: TestBrowser, offset: number) => {
        for (let i = offset; !stopping && sent < 160; i++) {
          sent++
          const requestPath = paths[i % paths.length] as string
          const response = await browser.get(requestPath)
          assertSucceededOr503(requestPath, response, await response.text())
          answered.push({ path: requestPath, status: response.status })
        }
      }
      const load = Promise.all([client(viewer, 0), client(analyst, 1), client(viewer, 2), client(analyst, 3)])

      await postgres.restart()
      holder.end().catch(() => undefined)
      const written = await write
      const body = await written.text()
      assert.equal(written.status, 503, body)
      assert.match(written.headers.get('content-type') ?? '', /^application\/problem\+json/)
      assert.equal(written.headers.get('retry-after'), '10')

      stopping = true
      await load
      assert.ok(server.running(), `the server process is up\n${server.stderr()}`)
      assert.doesNotMatch(server.stderr(), /Unhandled 'error' event/)
      assert.ok(answered.length > 0)

      // The pool reconnects by itself: everything works again, the write included, with the same sessions.
      for (const requestPath of paths) {
        const response = await viewer.get(requestPath)
        assert.equal(response.status, 200, `${requestPath} after the restart`)
      }
      assert.equal((await putFigure()).status, 201)
      assert.ok(server.running())
      t.diagnostic(
        `${answered.length} requests under load: ${answered.filter((a) => a.status === 200).length} succeeded, ` +
          `${answered.filter((a) => a.status === 503).length} got 503`,
      )
    })

    it('pg_ctl stop -m immediate during saferhub import: one line, exit 1, nothing written; the server answers 503 meanwhile', async () => {
      const analyst = await signInAs('partnership-analyst')
      // The import's database of its own on the same server, first started (administrator, a partnership) beforehand.
      const admin = new pg.Client({ connectionString: postgres.url })
      admin.on('error', () => undefined)
      await admin.connect()
      await admin.query('create database cli_import')
      await admin.end()
      const url = postgres.urlOf('cli_import')
      const env = { ...process.env, DATABASE_URL: url, SAFERHUB_DEMO: 'false', SAFERHUB_DATA_DIR: directory }
      const runCli = (args: string[]) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
          const child = spawn(process.execPath, [CLI, ...args], { env, cwd: REPOSITORY })
          let stdout = ''
          let stderr = ''
          child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
          child.on('error', reject)
          child.on('close', (code) => resolve({ code, stdout, stderr }))
        })
      assert.equal((await runCli(['partnerships', 'add', '--name', 'Safer Testshire Partnership'])).code, 0)

      const holder = await holdAuditLock(url)
      const importing = runCli([
        'import',
        'demo/performance-framework/indicators.csv',
        'demo/performance-framework/values.csv',
      ])
      await waitForLockWaiter(holder, 'cli_import')
      await postgres.stopImmediately()
      const result = await importing
      holder.end().catch(() => undefined)

      assert.equal(result.code, 1, result.stderr)
      assert.equal(result.stdout, '')
      const lines = result.stderr.trimEnd().split('\n')
      assert.equal(lines.length, 1, result.stderr)
      assert.match(
        lines[0] ?? '',
        /^The database cannot be reached \(.+\): the command stopped, and what it was writing was not committed\./,
      )

      // Meanwhile the web server answers, with 503 where it needs the database.
      const visitor = new TestBrowser(server.base)
      assert.equal(await (await visitor.get('/ping')).text(), 'pong')
      const health = await visitor.get('/health')
      assert.equal(health.status, 503)
      const page = await visitor.get('/')
      assertSucceededOr503('/', page, await page.text())
      assert.equal(page.status, 503)
      const api = await analyst.get('/api/indicators')
      assertSucceededOr503('/api/indicators', api, await api.text())
      assert.ok(server.running(), server.stderr())

      await postgres.start()
      const check = new pg.Client({ connectionString: url })
      await check.connect()
      try {
        const { rows } = await check.query<{ n: number }>('select count(*)::int as n from indicators')
        assert.equal(rows[0]?.n, 0, 'nothing of the import was written')
      } finally {
        await check.end()
      }
      for (let tries = 0; (await visitor.get('/health')).status !== 200; tries++) {
        assert.ok(tries < 100, 'the server never saw the database again')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      assert.equal((await visitor.get('/')).status, 200)
    })
  },
)
