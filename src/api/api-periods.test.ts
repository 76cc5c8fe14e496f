import { onlyPartnership } from '../../test/support/partnership.ts'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Services } from '../composition-root.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import type { TestBrowser } from '../accounts/web/test-client.ts'

/*
 * Figures written directly through the API (by an analyst: agencies send theirs in their return) for KPIs that are
 * not quarterly: a monthly KPI's figures go one month at a time, with the same rules as a quarterly return, and the
 * board's sign-off of the quarter a month ends in locks it. Public Health owns the demo framework's monthly
 * "criminal justice clients" KPIs; West Midlands Police its quarterly ones.
 */

const OPIATE = 'cj-clients-in-treatment-opiate'

for (const dialect of testDialects()) {
  describe(`JSON API: figures for months as well as quarters (${dialect})`, () => {
    let services: Services
    let app: RunningApp
    let base: string
    let analyst: TestBrowser
    let csrf: string

    before(async () => {
      app = await startDemoApp(dialect)
      services = app.services
      base = app.base
      analyst = await app.signedIn('partnership-analyst')
      csrf = await analyst.csrfTokenOf('/account/change-password')
    })

    after(async () => {
      await app.stop()
    })

    const put = async (indicator: string, period: string, body: unknown) => {
      const response = await analyst.request(`/api/indicators/${indicator}/values/${period}`, {
        method: 'PUT',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      })
      return { status: response.status, json: async () => JSON.parse(await response.text()) as unknown }
    }

    it('takes a monthly KPI’s figure for a month, and refuses a quarter for it with the import’s reason', async () => {
      const created = await put(OPIATE, '2019-05', { value: 31, percent: 22 })
      assert.equal(created.status, 201)
      const stored = await (await onlyPartnership(services)).performance.repository.getValue(OPIATE, '2019-05')
      assert.equal(stored?.value, 31)
      assert.equal(stored?.percent, 22)

      const quarter = await put(OPIATE, 'FY2019-20-Q1', { value: 93, percent: 22 })
      assert.equal(quarter.status, 422)
      const problem = (await quarter.json()) as { errors: { pointer: string; detail: string }[] }
      assert.equal(problem.errors[0]?.pointer, '/period')
      // The example is April of the financial year the clock is in (April to March).
      const now = new Date()
      const financialYear = now.getUTCMonth() >= 3 ? now.getUTCFullYear() : now.getUTCFullYear() - 1
      assert.match(
        problem.errors[0]?.detail ?? '',
        new RegExp(`reported monthly: use a month such as ${financialYear}-04`),
      )
      assert.equal(
        await (await onlyPartnership(services)).performance.repository.getValue(OPIATE, 'FY2019-20-Q1'),
        null,
      )
      // A quarterly KPI still takes its quarter.
      assert.equal((await put('proven-reoffending', 'FY2019-20-Q1', { numerator: 5, denominator: 50 })).status, 201)
    })

    it('locks a month with the quarter it ends in, and only that quarter', async () => {
      const board = { role: 'board-member' as const, agencyId: null, email: 'board@example.org' }
      assert.ok(await (await onlyPartnership(services)).returns.signOff(board, 'FY2021-22-Q1'))
      const june = await put(OPIATE, '2021-06', { value: 30, percent: 20 })
      assert.equal(june.status, 423)
      assert.equal(((await june.json()) as { lockedQuarter: string }).lockedQuarter, 'FY2021-22-Q1')
      assert.equal(await (await onlyPartnership(services)).performance.repository.getValue(OPIATE, '2021-06'), null)
      assert.equal((await put(OPIATE, '2021-07', { value: 30, percent: 20 })).status, 201)
    })

    it('says so in the OpenAPI document', async () => {
      const document = (await (await fetch(`${base}/api/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { description?: string; responses: Record<string, unknown> }>>
      }
      const operation = document.paths['/api/indicators/{id}/values/{period}']?.put
      assert.ok(operation)
      assert.match(operation.description ?? '', /a monthly indicator’s quarter is three requests, one per month/)
      assert.match(operation.description ?? '', /^For partnership analysts and administrators/)
      assert.ok('423' in operation.responses)
    })
  })
}
