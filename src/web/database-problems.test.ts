import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import type { TestBrowser } from '../accounts/web/test-client.ts'
import { DatabaseBusyError } from '../db/database-errors.ts'

/**
 * What a person (or an agency's system) is told when the database fails, for each kind of failure, on a page and
 * under /api. The faults are simulated with the errors the drivers raise (a disk cannot be filled, nor PostgreSQL
 * restarted, in a unit test); the real ones are tested in database-busy.test.ts (SQLite locked by another process)
 * and postgres-restart.test.ts (PostgreSQL restarted under load). The mapping does not depend on the dialect, so
 * this runs on SQLite only.
 */

function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code })
}

// Expected statuses from RFC 9110 (503 Service Unavailable, with Retry-After for a passing condition) and RFC 4918
// (507 Insufficient Storage); titles are the statuses' reason phrases.
const failures = [
  {
    name: 'database locked (SQLITE_BUSY after the lock wait)',
    error: new DatabaseBusyError({ cause: coded('database is locked', 'SQLITE_BUSY') }),
    status: 503,
    title: 'Service unavailable',
    retryAfter: true,
    heading: /Sorry, the service is busy/,
  },
  {
    name: 'database unreachable (PostgreSQL restarting)',
    error: coded('terminating connection due to administrator command', '57P01'),
    status: 503,
    title: 'Service unavailable',
    retryAfter: true,
    heading: /Sorry, the service is unavailable/,
  },
  {
    name: 'connection lost mid-query',
    error: new Error('Connection terminated unexpectedly'),
    status: 503,
    title: 'Service unavailable',
    retryAfter: true,
    heading: /Sorry, the service is unavailable/,
  },
  {
    name: 'disk full (SQLITE_FULL)',
    error: coded('database or disk is full', 'SQLITE_FULL'),
    status: 507,
    title: 'Insufficient storage',
    retryAfter: false,
    heading: /Sorry, the service has run out of storage space/,
  },
  {
    name: 'disk full (ENOSPC)',
    error: coded('ENOSPC: no space left on device, write', 'ENOSPC'),
    status: 507,
    title: 'Insufficient storage',
    retryAfter: false,
    heading: /Sorry, the service has run out of storage space/,
  },
]

describe('database failures on the web', () => {
  let app: RunningApp
  let viewer: TestBrowser
  let analyst: TestBrowser
  before(async () => {
    app = await startDemoApp('sqlite')
    viewer = await app.signedIn('viewer')
    analyst = await app.signedIn('partnership-analyst')
  })
  after(() => app.stop())

  /** Makes the report service fail with `error` for the duration of `work`. */
  async function failingReports<T>(error: unknown, work: () => Promise<T>): Promise<T> {
    const reports = (await onlyPartnership(app.services)).reports.performance
    const original = reports.report
    reports.report = () => Promise.reject(error)
    try {
      return await work()
    } finally {
      reports.report = original
    }
  }

  for (const failure of failures) {
    it(`${failure.name}: ${failure.status} page, and a problem document under /api`, async () => {
      const [page, api] = await failingReports(failure.error, async () => [
        await viewer.get('/reports/performance/2017-18'),
        await analyst.get('/api/reports/performance/2017-18'),
      ])

      assert.equal(page.status, failure.status)
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/)
      assert.equal(page.headers.get('retry-after') !== null, failure.retryAfter)
      const html = await page.text()
      assert.match(html, failure.heading)
      assert.match(html, /give this reference: <strong>[0-9a-f-]{36}<\/strong>/)
      assert.doesNotMatch(html, /could not be sent|problem with the service/)
      // Never the driver's words: they are for the log.
      assert.doesNotMatch(html, /SQLITE|ENOSPC|administrator command|terminated|locked/)

      assert.equal(api.status, failure.status)
      assert.match(api.headers.get('content-type') ?? '', /^application\/problem\+json/)
      assert.equal(api.headers.get('retry-after') !== null, failure.retryAfter)
      const problem = JSON.parse(await api.text()) as Record<string, unknown>
      assert.equal(problem.status, failure.status)
      assert.equal(problem.title, failure.title)
      assert.equal(typeof problem.detail, 'string')
      assert.match(String(problem.correlationId), /^[0-9a-f-]{36}$/)
      assert.doesNotMatch(JSON.stringify(problem), /SQLITE|ENOSPC|administrator command|terminated|locked/)
    })
  }

  it('a form that meets a full disk gets the storage page, not "Your form could not be sent"', async () => {
    const accounts = app.services.accounts
    const original = accounts.changeOwnPassword
    accounts.changeOwnPassword = () => Promise.reject(coded('database or disk is full', 'SQLITE_FULL'))
    try {
      const token = await viewer.csrfTokenOf('/account/change-password')
      const response = await viewer.post('/account/change-password', {
        _csrf: token,
        currentPassword: 'whatever it is',
        newPassword: 'a new password of some length',
        confirmPassword: 'a new password of some length',
      })
      assert.equal(response.status, 507)
      const html = await response.text()
      assert.match(html, /Sorry, the service has run out of storage space/)
      assert.doesNotMatch(html, /could not be sent/)
    } finally {
      accounts.changeOwnPassword = original
    }
  })

  it('any other fault under /api is a problem document too (500), not the HTML error page', async () => {
    const api = await failingReports(new TypeError('a bug'), () => analyst.get('/api/reports/performance/2017-18'))
    assert.equal(api.status, 500)
    assert.match(api.headers.get('content-type') ?? '', /^application\/problem\+json/)
    assert.equal(api.headers.get('retry-after'), null)
    const problem = JSON.parse(await api.text()) as Record<string, unknown>
    assert.equal(problem.status, 500)
    assert.doesNotMatch(JSON.stringify(problem), /a bug/)
    const page = await failingReports(new TypeError('a bug'), () => viewer.get('/reports/performance/2017-18'))
    assert.equal(page.status, 500)
    assert.match(await page.text(), /Sorry, there is a problem with the service/)
  })
})
