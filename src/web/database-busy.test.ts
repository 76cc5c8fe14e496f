import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { holdWriteLock } from '../../test/support/hold-write-lock.ts'
import { startServerProcess, type ServerProcess } from '../../test/support/server-process.ts'
import { demoUsers } from '../accounts/demo-users.ts'
import type { Role } from '../accounts/roles.ts'
import { TestBrowser, type TestResponse } from '../accounts/web/test-client.ts'

/**
 * Another process holding SQLite's write lock (a command-line import, `sqlite3` with BEGIN IMMEDIATE) must not stop
 * the web server: `/ping` and pages that only read answer while it holds the lock, and a write waits for it without
 * stopping the process, up to the database's lock wait, then answers 503 with Retry-After. Before, SQLite's busy
 * timeout waited inside better-sqlite3's synchronous call: nothing else ran for up to 5 s per write, and a write then
 * failed with a generic 500 page (HTML even under /api).
 *
 * The lock wait is 1 s here (5 s by default) so that the test is quick; the child holds the lock until told to let go,
 * so every assertion "while the lock is held" is about order, not time.
 */

const LOCK_WAIT_MS = 1000

function signInAs(base: string, role: Role): Promise<TestBrowser> {
  const user = demoUsers.find((u) => u.role === role)
  assert.ok(user)
  const browser = new TestBrowser(base)
  return browser.signIn(user.email, user.password).then((response) => {
    assert.equal(response.status, 303, `${role} signs in`)
    return browser
  })
}

/** A request whose completion is noted in `finished`, in order. */
function track(name: string, finished: string[], request: Promise<TestResponse>): Promise<TestResponse> {
  return request.then((response) => {
    finished.push(name)
    return response
  })
}

describe('SQLite locked by another process', () => {
  let directory: string
  let file: string
  let server: ServerProcess
  let analyst: TestBrowser
  let viewer: TestBrowser
  let csrf: string

  before(async () => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'saferhub-locked-'))
    file = path.join(directory, 'saferhub.sqlite')
    // The server in a process of its own, so that a server stopped inside SQLite cannot also stop this test's client.
    server = await startServerProcess({
      SAFERHUB_DATA_DIR: directory,
      SAFERHUB_DEMO: 'true',
      SAFERHUB_LOCK_WAIT_SECONDS: String(LOCK_WAIT_MS / 1000),
    })
    analyst = await signInAs(server.base, 'partnership-analyst')
    viewer = await signInAs(server.base, 'viewer')
    // Someone already using the service: their session holds its CSRF token (made by the first page after sign-in,
    // which must store it, and so cannot be shown while the database takes no writes).
    assert.equal((await viewer.get('/dashboard')).status, 200)
    csrf = await analyst.csrfTokenOf('/account/change-password')
  })

  after(async () => {
    await server?.stop()
    rmSync(directory, { recursive: true, force: true })
  })

  const putFigure = (value: number) =>
    analyst.request('/api/indicators/knife-crime/values/FY2018-19-Q1', {
      method: 'PUT',
      body: JSON.stringify({ value }),
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    })

  it('answers /ping and reads at once, and a write with 503 and Retry-After after the lock wait', async (t) => {
    const lock = await holdWriteLock(file)
    try {
      const finished: string[] = []
      const started = performance.now()
      const write = track('write', finished, putFigure(40)).then((response) => ({
        response,
        milliseconds: performance.now() - started,
      }))
      // Sent while the write is waiting for the lock: with the process stopped inside SQLite they would answer only
      // after it.
      const dashboard = await track('dashboard', finished, viewer.get('/dashboard'))
      const api = await track('api read', finished, analyst.get('/api/indicators/knife-crime'))
      const pingStarted = performance.now()
      const ping = await track('ping', finished, new TestBrowser(server.base).get('/ping'))
      const pingMilliseconds = performance.now() - pingStarted
      const { response: refused, milliseconds } = await write

      assert.equal(ping.status, 200)
      assert.equal(await ping.text(), 'pong')
      assert.equal(dashboard.status, 200, 'a signed-in page reads; its session touch is skipped, not a 500')
      assert.equal(api.status, 200)
      assert.deepEqual(finished, ['dashboard', 'api read', 'ping', 'write'])

      assert.equal(refused.status, 503)
      assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/)
      assert.equal(refused.headers.get('retry-after'), '5')
      const problem = JSON.parse(await refused.text()) as { status: number; title: string; detail: string }
      assert.equal(problem.status, 503)
      assert.match(problem.detail, /Another task, such as a large import, is writing to the database/)
      // It waited for the lock (asynchronously) for the lock wait, and then no longer than it takes to answer. The
      // upper bound is generous (a loaded 2-core machine); what matters is that it is not SQLite's old 5 s per try.
      assert.ok(milliseconds >= LOCK_WAIT_MS * 0.9, `the write gave up after ${Math.round(milliseconds)} ms`)
      assert.ok(milliseconds < LOCK_WAIT_MS + 3000, `the write took ${Math.round(milliseconds)} ms`)
      t.diagnostic(`/ping answered in ${pingMilliseconds.toFixed(1)} ms while the write waited`)
      assert.ok(server.running())
    } finally {
      await lock.release()
    }
    const saved = await putFigure(40)
    assert.equal(saved.status, 201, 'once the lock is let go the same write succeeds')
  })

  it('a form gets the busy page (503), never "Your form could not be sent"', async () => {
    const visitor = new TestBrowser(server.base)
    const token = await visitor.csrfTokenOf('/sign-in')
    const lock = await holdWriteLock(file)
    try {
      const viewerCredentials = demoUsers.find((u) => u.role === 'viewer')
      assert.ok(viewerCredentials)
      const signIn = await visitor.post('/sign-in', {
        _csrf: token,
        email: viewerCredentials.email,
        password: viewerCredentials.password,
        returnTo: '/',
      })
      assert.equal(signIn.status, 503)
      assert.equal(signIn.headers.get('retry-after'), '5')
      const html = await signIn.text()
      assert.match(html, /Sorry, the service is busy/)
      assert.doesNotMatch(html, /could not be sent/)

      // A new visitor's sign-in page needs its session (the form's CSRF token) stored: busy, not a form that would
      // then fail with "Your form could not be sent".
      const newcomer = new TestBrowser(server.base)
      const page = await newcomer.get('/sign-in')
      assert.equal(page.status, 503)
      assert.match(await page.text(), /Sorry, the service is busy/)
      // The public report only reads.
      assert.equal((await newcomer.get('/')).status, 200)
    } finally {
      await lock.release()
    }
    const newcomer = new TestBrowser(server.base)
    const viewerCredentials = demoUsers.find((u) => u.role === 'viewer')
    assert.ok(viewerCredentials)
    assert.equal((await newcomer.signIn(viewerCredentials.email, viewerCredentials.password)).status, 303)
  })
})
