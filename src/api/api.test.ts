import { onlyPartnership } from '../../test/support/partnership.ts'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { loadConfig } from '../config.ts'
import { createServices, type Services } from '../composition-root.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { createApp } from '../web/app.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { demoUsers } from '../accounts/demo-users.ts'
import { routeManifest } from '../web/route-manifest.ts'

const quiet = { logger: { log: () => {} } }

for (const dialect of testDialects()) {
  describe(`JSON API (${dialect})`, () => {
    let services: Services
    let server: Server
    let base: string
    let wmpToken: string
    let revokedToken: string

    before(async () => {
      const database = await openTestDatabase(dialect)
      services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true' }), { database })
      server = createApp(services, quiet).listen(0, '127.0.0.1')
      await new Promise((resolve) => server.once('listening', resolve))
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const agencies = await (await onlyPartnership(services)).accounts.listAgencies()
      const agencyId = (code: string) => agencies.find((a) => a.code === code)?.id as number
      const issue = async (code: string) => {
        const result = await (
          await onlyPartnership(services)
        ).accounts.createApiToken({ system: 'test' }, { agencyId: agencyId(code), name: code })
        assert.ok(result.ok)
        return result
      }
      wmpToken = (await issue('WMP')).token
      const revoked = await issue('WMP')
      revokedToken = revoked.token
      await (await onlyPartnership(services)).accounts.revokeApiToken({ system: 'test' }, revoked.apiToken.id)
    })

    after(async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await services.close()
    })

    const call = (path: string, token: string | null, init: RequestInit = {}) => {
      const headers = new Headers(init.headers)
      if (token) headers.set('authorization', `Bearer ${token}`)
      return fetch(`${base}${path}`, { ...init, headers, redirect: 'manual' })
    }
    const put = (path: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
      call(path, token, {
        method: 'PUT',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      })
    const countRows = async (table: 'indicator_values' | 'audit_events') =>
      Number(
        (
          await services.database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )

    it('publishes an OpenAPI 3.1 document listing exactly the /api routes of the route manifest', async () => {
      const response = await call('/api/openapi.json', null)
      assert.equal(response.status, 200)
      const document = JSON.parse(await response.text()) as { openapi: string; paths: Record<string, object> }
      assert.equal(document.openapi, '3.1.0')
      const documented = new Set(
        Object.entries(document.paths).flatMap(([path, operations]) =>
          Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
        ),
      )
      const manifest = new Set(
        routeManifest
          .filter((r) => r.path.startsWith('/api/'))
          .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`),
      )
      assert.ok(manifest.size >= 7)
      assert.deepEqual([...documented].sort(), [...manifest].sort())
    })

    it('refuses a request with no credentials, an unknown token or a revoked token with 401 problem+json', async () => {
      for (const token of [null, 'shub_' + 'x'.repeat(43), revokedToken]) {
        const response = await call('/api/indicators', token)
        assert.equal(response.status, 401, `token ${token}`)
        assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/)
        assert.equal(response.headers.get('www-authenticate'), 'Bearer')
      }
    })

    it('reads indicators, one indicator with its agency, values and the report with a token', async () => {
      const list = await call('/api/indicators', wmpToken)
      assert.equal(list.status, 200)
      const { indicators } = (await list.json()) as { indicators: { id: string; agency: string | null }[] }
      assert.equal(indicators[0]?.id, 'proven-reoffending')
      const one = (await (await call('/api/indicators/first-time-entrants', wmpToken)).json()) as { agency: string }
      assert.equal(one.agency, 'YOT')
      // First-time entrants 2017/18 from demo/performance-framework/values.csv (the report's Appendix C).
      const values = await call('/api/indicators/first-time-entrants/values?year=2017-18', wmpToken)
      const body = (await values.json()) as { values: { period: string; value: number }[] }
      assert.deepEqual(
        body.values.map((v) => [v.period, v.value]),
        [
          ['FY2017-18-Q1', 32],
          ['FY2017-18-Q2', 28],
          ['FY2017-18-Q3', 35],
          ['FY2017-18-Q4', 26],
        ],
      )
      const value = await call('/api/indicators/first-time-entrants/values/FY2017-18-Q4', wmpToken)
      assert.equal(value.headers.get('etag'), '"1"')
      const report = await call('/api/reports/performance/2017-18', wmpToken)
      assert.equal(report.status, 200)
      assert.ok(JSON.stringify(await report.json()).includes('first-time-entrants'))
      assert.equal((await call('/api/indicators/no-such-kpi', wmpToken)).status, 404)
      assert.equal((await call('/api/no-such-route', wmpToken)).status, 404)
    })

    it('sends no CORS headers, whatever the Origin', async () => {
      const response = await call('/api/indicators', wmpToken, { headers: { origin: 'https://evil.example' } })
      assert.equal(response.headers.get('access-control-allow-origin'), null)
    })

    it('an agency’s token may not write a figure directly, its own KPI’s or another’s: 403 pointing to its return', async () => {
      const rows = await countRows('indicator_values')
      const events = await countRows('audit_events')
      for (const kpi of ['proven-reoffending', 'first-time-entrants']) {
        const response = await put(`/api/indicators/${kpi}/values/FY2018-19-Q1`, wmpToken, { value: 30 })
        assert.equal(response.status, 403)
        assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/)
        const problem = (await response.json()) as { returnsEndpoint: string }
        assert.equal(problem.returnsEndpoint, '/api/returns/FY2018-19-Q1/WMP')
      }
      assert.equal(await countRows('indicator_values'), rows)
      assert.equal(await countRows('audit_events'), events)
    })

    /** The demo analyst, signed in, with the session's CSRF token: who may write a figure directly. */
    async function signedIn(role: 'partnership-analyst' | 'administrator') {
      const credentials = demoUsers.find((u) => u.role === role)
      assert.ok(credentials)
      const browser = new TestBrowser(base)
      assert.equal((await browser.signIn(credentials.email, credentials.password)).status, 303)
      const csrf = await browser.csrfTokenOf('/account/change-password')
      return {
        email: credentials.email,
        put: (path: string, body: unknown, headers: Record<string, string> = {}) =>
          browser.request(path, {
            method: 'PUT',
            body: typeof body === 'string' ? body : JSON.stringify(body),
            headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, ...headers },
          }),
      }
    }

    it('refuses an agency (or any unknown field) in the body with 400, writing nothing', async () => {
      const analyst = await signedIn('partnership-analyst')
      const rows = await countRows('indicator_values')
      const otherAgency = (await (await onlyPartnership(services)).accounts.listAgencies()).find(
        (a) => a.code === 'YOT',
      )?.id
      const response = await analyst.put('/api/indicators/proven-reoffending/values/FY2018-19-Q1', {
        numerator: 500,
        denominator: 1600,
        agencyId: otherAgency,
      })
      assert.equal(response.status, 400)
      const problem = JSON.parse(await response.text()) as { errors: { pointer: string }[] }
      assert.equal(problem.errors[0]?.pointer, '/agencyId')
      assert.equal(await countRows('indicator_values'), rows)
    })

    it('checks a figure with the import rules: numerator above denominator is 422 naming the field', async () => {
      const analyst = await signedIn('partnership-analyst')
      const response = await analyst.put('/api/indicators/proven-reoffending/values/FY2018-19-Q1', {
        numerator: 1800,
        denominator: 1739,
      })
      assert.equal(response.status, 422)
      const problem = JSON.parse(await response.text()) as { errors: { pointer: string }[] }
      assert.ok(
        problem.errors.some((e) => e.pointer === '/numerator'),
        JSON.stringify(problem),
      )
    })

    it('creates, updates with If-Match, and answers a stale If-Match with 409 and the current version', async () => {
      const analyst = await signedIn('partnership-analyst')
      const path = '/api/indicators/proven-reoffending/values/FY2018-19-Q2'
      const created = await analyst.put(path, { numerator: 500, denominator: 1600 })
      assert.equal(created.status, 201)
      assert.equal(created.headers.get('etag'), '"1"')
      const stored = await (
        await onlyPartnership(services)
      ).performance.repository.getValue('proven-reoffending', 'FY2018-19-Q2')
      assert.equal(stored?.numerator, 500)
      assert.equal(stored?.updatedBy, analyst.email)
      // Written by the one figure write (src/performance/write-figure.ts): a signed-in person's browser, as itself.
      const [createdEvent] = await (
        await onlyPartnership(services)
      ).audit.list({ entityType: 'indicator-value', entityKey: 'proven-reoffending/FY2018-19-Q2' })
      const after = JSON.parse(createdEvent?.after ?? 'null') as { source: string; reference: string; version: number }
      assert.equal(after.source, 'browser')
      assert.match(after.reference, /^user:\d+$/)
      assert.equal(after.version, 1)

      const withoutIfMatch = await analyst.put(path, { numerator: 501, denominator: 1600 })
      assert.equal(withoutIfMatch.status, 428)

      const updated = await analyst.put(path, { numerator: 510, denominator: 1600 }, { 'if-match': '"1"' })
      assert.equal(updated.status, 200)
      assert.equal((JSON.parse(await updated.text()) as { version: number }).version, 2)

      const stale = await analyst.put(path, { numerator: 520, denominator: 1600 }, { 'if-match': '"1"' })
      assert.equal(stale.status, 409)
      const problem = JSON.parse(await stale.text()) as { currentVersion: number; current: { numerator: number } }
      assert.equal(problem.currentVersion, 2)
      assert.equal(problem.current.numerator, 510)
      assert.equal(
        (await (await onlyPartnership(services)).performance.repository.getValue('proven-reoffending', 'FY2018-19-Q2'))
          ?.numerator,
        510,
      )
    })

    it('an idempotent retry returns the first answer and writes once', async () => {
      const analyst = await signedIn('partnership-analyst')
      const path = '/api/indicators/first-time-entrants/values/FY2018-19-Q1'
      const events = await countRows('audit_events')
      const headers = { 'idempotency-key': 'analyst-correction-2018-07-10-0001' }
      const first = await analyst.put(path, { value: 29, commentary: 'Corrected by the analyst' }, headers)
      assert.equal(first.status, 201)
      const firstBody = await first.text()
      const retry = await analyst.put(path, { value: 29, commentary: 'Corrected by the analyst' }, headers)
      assert.equal(retry.status, 201)
      assert.equal(await retry.text(), firstBody)
      assert.equal(retry.headers.get('idempotent-replayed'), 'true')
      assert.equal(await countRows('audit_events'), events + 1)
      assert.equal(
        (await (await onlyPartnership(services)).performance.repository.getValue('first-time-entrants', 'FY2018-19-Q1'))
          ?.version,
        1,
      )
      const audit = await (
        await onlyPartnership(services)
      ).audit.list({ entityKey: 'first-time-entrants/FY2018-19-Q1' })
      assert.equal(audit.length, 1)

      const reused = await analyst.put(path, { value: 30 }, headers)
      assert.equal(reused.status, 422)
      // The same key from another client (the administrator) is another request.
      const administrator = await signedIn('administrator')
      const otherClient = await administrator.put(
        '/api/indicators/first-time-entrants/values/FY2018-19-Q2',
        { value: 1 },
        headers,
      )
      assert.equal(otherClient.status, 201)
    })

    it('malformed JSON and a non-JSON body are problems, not crashes', async () => {
      const analyst = await signedIn('partnership-analyst')
      const path = '/api/indicators/proven-reoffending/values/FY2018-19-Q3'
      const bad = await analyst.put(path, '{"numerator": ')
      assert.equal(bad.status, 400)
      assert.match(bad.headers.get('content-type') ?? '', /problem\+json/)
      const text = await analyst.put(path, 'x', { 'content-type': 'text/plain' })
      assert.equal(text.status, 415)
    })

    it('a signed-in browser reads with its session; its writes need the CSRF token; a viewer may not write', async () => {
      const analyst = new TestBrowser(base)
      const credentials = demoUsers.find((u) => u.role === 'partnership-analyst')
      assert.ok(credentials)
      assert.equal((await analyst.signIn(credentials.email, credentials.password)).status, 303)
      assert.equal((await analyst.get('/api/indicators')).status, 200)
      const path = '/api/indicators/knife-crime/values/FY2018-19-Q1'
      const body = JSON.stringify({ value: 40 })
      const json = { 'content-type': 'application/json' }
      const withoutToken = await analyst.request(path, { method: 'PUT', body, headers: json })
      assert.equal(withoutToken.status, 403)
      const token = await analyst.csrfTokenOf('/account/change-password')
      const withToken = await analyst.request(path, {
        method: 'PUT',
        body,
        headers: { ...json, 'x-csrf-token': token },
      })
      assert.equal(withToken.status, 201)

      const viewer = new TestBrowser(base)
      const viewerCredentials = demoUsers.find((u) => u.role === 'viewer')
      assert.ok(viewerCredentials)
      await viewer.signIn(viewerCredentials.email, viewerCredentials.password)
      const viewerToken = await viewer.csrfTokenOf('/account/change-password')
      const refused = await viewer.request('/api/indicators/knife-crime/values/FY2018-19-Q2', {
        method: 'PUT',
        body,
        headers: { ...json, 'x-csrf-token': viewerToken },
      })
      assert.equal(refused.status, 403)
    })
  })
}
