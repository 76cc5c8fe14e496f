import { onlyPartnership } from '../../test/support/partnership.ts'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Services } from '../composition-root.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import type { ReturnsUser } from '../returns/returns-service.ts'

/*
 * Agencies' systems send their quarterly RETURN through the API, with the same service, rules and review as the
 * return page. On the demo framework Public Health (PH) owns six monthly "criminal justice clients" KPIs; the test
 * gives it a quarterly KPI of its own too. The Youth Offending Team (YOT) owns two quarterly KPIs with eight
 * quarters of history (first-time entrants: 30, 25, 41, 35, 32, 28, 35, 26 in 2016/17 and 2017/18, from the seed
 * report's Appendix C). Each test works in a quarter of its own. Every expected figure is the one the test sends.
 */

const OPIATE = 'cj-clients-in-treatment-opiate'
const PH_MONTHLY = [
  'cj-clients-in-treatment-opiate',
  'cj-clients-in-treatment-non-opiate',
  'cj-successful-completions-opiate',
  'cj-successful-completions-non-opiate',
  'cj-representations-opiate',
  'cj-representations-non-opiate',
]
const PH_QUARTERLY = 'ph-test-custody-referrals'

const indicatorsCsv = [
  'id,name,priority,theme,definition,data_owner,cadence,measure_type,preferred_direction,hidden_harm',
  `${PH_QUARTERLY},Custody referrals to treatment,Reducing Reoffending,Substance Misuse,Referrals from custody,Public Health,quarterly,count,none,no`,
].join('\r\n')

const analyst: ReturnsUser = { role: 'partnership-analyst', agencyId: null, email: 'analyst@example.org' }
const board: ReturnsUser = { role: 'board-member', agencyId: null, email: 'board@example.org' }

interface ReturnBody {
  quarter: string
  agency: { code: string }
  status: string
  version: number | null
  locked: boolean
  submittedBy: string | null
  indicators: {
    indicator: string
    cadence: string
    periods: {
      period: string
      lastYear: { period: string; shown: string }
      item: {
        status: string
        value: number | null
        percent: number | null
        reason: string | null
        warning: string | null
        confirmed: boolean
        confirmedBy: string | null
      } | null
    }[]
  }[]
}

interface Problem {
  status: number
  detail: string
  errors?: { pointer: string; indicator?: string; period?: string; field?: string; detail: string }[]
  warnings?: { indicator: string; period: string; warning: string }[]
  currentVersion?: number
  current?: ReturnBody
  lockedQuarter?: string
  returnsEndpoint?: string
}

/** The item a return shows for a KPI's period. */
function itemOf(body: ReturnBody, indicator: string, period: string) {
  return body.indicators.find((i) => i.indicator === indicator)?.periods.find((p) => p.period === period)?.item
}

/** "Not collected" with a reason for every monthly KPI of PH's but the opiate clients, for the three months. */
function notCollected(months: readonly string[]) {
  return PH_MONTHLY.filter((id) => id !== OPIATE).flatMap((indicator) =>
    months.map((period) => ({ indicator, period, status: 'not-collected', reason: 'Not collected in this test' })),
  )
}

for (const dialect of testDialects()) {
  describe(`JSON API: quarterly returns (${dialect})`, () => {
    let services: Services
    let app: RunningApp
    let base: string
    let phToken: string
    let phTokenId: number
    let yotToken: string
    let yotTokenId: number
    let wmpToken: string
    let agencyIds: Record<string, number>

    before(async () => {
      app = await startDemoApp(dialect)
      services = app.services
      base = app.base
      const imported = await (
        await onlyPartnership(services)
      ).performance.importFiles(
        [{ name: 'indicators.csv', content: Buffer.from(indicatorsCsv) }],
        'analyst@example.org',
      )
      assert.equal(imported.outcome, 'applied', JSON.stringify(imported))
      agencyIds = Object.fromEntries(
        (await (await onlyPartnership(services)).accounts.listAgencies()).map((a) => [a.code, a.id]),
      )
      const issue = async (code: string) => {
        const result = await (
          await onlyPartnership(services)
        ).accounts.createApiToken({ system: 'test' }, { agencyId: agencyIds[code] as number, name: code })
        assert.ok(result.ok)
        return result
      }
      const ph = await issue('PH')
      phToken = ph.token
      phTokenId = ph.apiToken.id
      const yot = await issue('YOT')
      yotToken = yot.token
      yotTokenId = yot.apiToken.id
      wmpToken = (await issue('WMP')).token
    })

    after(async () => {
      await app.stop()
    })

    const call = (path: string, token: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers)
      headers.set('authorization', `Bearer ${token}`)
      return fetch(`${base}${path}`, { ...init, headers, redirect: 'manual' })
    }
    const put = (path: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
      call(path, token, {
        method: 'PUT',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      })
    const countRows = async (table: 'agency_returns' | 'audit_events' | 'indicator_values') =>
      Number(
        (
          await services.database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )

    it('a token saves a draft of a monthly KPI’s three months and a quarterly KPI, submits, and the analyst’s acceptance makes them the figures', async () => {
      const path = '/api/returns/FY2018-19-Q2/PH'
      const empty = await call(path, phToken)
      assert.equal(empty.status, 200)
      assert.equal(empty.headers.get('etag'), '"0"')
      const before = (await empty.json()) as ReturnBody
      assert.equal(before.status, 'not-started')
      assert.equal(before.version, null)
      // The six monthly KPIs with July, August and September 2018, then the quarterly one with the quarter, in the
      // framework's order (the test's KPI was imported last).
      assert.deepEqual(
        before.indicators.map((i) => [i.indicator, i.periods.map((p) => p.period)]),
        [...PH_MONTHLY.map((id) => [id, ['2018-07', '2018-08', '2018-09']]), [PH_QUARTERLY, ['FY2018-19-Q2']]],
      )
      assert.deepEqual(
        before.indicators.find((i) => i.indicator === OPIATE)?.periods.map((p) => p.lastYear.period),
        ['2017-07', '2017-08', '2017-09'],
      )

      const draft = await put(path, phToken, {
        intent: 'save',
        items: [
          { indicator: OPIATE, period: '2018-07', value: 36, percent: 23 },
          { indicator: OPIATE, period: '2018-08', value: 34, percent: 22 },
          { indicator: OPIATE, period: '2018-09', value: 33, percent: 21.5, commentary: 'Steady' },
          { indicator: PH_QUARTERLY, period: 'FY2018-19-Q2', value: 12 },
        ],
      })
      assert.equal(draft.status, 201)
      assert.equal(draft.headers.get('etag'), '"1"')
      assert.equal(draft.headers.get('location'), path)
      const saved = (await draft.json()) as ReturnBody
      assert.equal(saved.status, 'draft')
      assert.equal(saved.version, 1)
      assert.deepEqual([itemOf(saved, OPIATE, '2018-09')?.value, itemOf(saved, OPIATE, '2018-09')?.percent], [33, 21.5])
      assert.equal(itemOf(saved, PH_QUARTERLY, 'FY2018-19-Q2')?.value, 12)
      assert.equal(itemOf(saved, 'cj-representations-opiate', '2018-07'), null, 'a KPI left out is blank in a draft')
      // The page reads the same draft.
      const page = await (
        await onlyPartnership(services)
      ).returns.returnPage(analyst, 'FY2018-19-Q2', agencyIds.PH as number)
      assert.equal(page.returned?.items.length, 4)

      const submitted = await put(
        path,
        phToken,
        {
          intent: 'submit',
          items: [
            { indicator: OPIATE, period: '2018-07', value: 36, percent: 23 },
            { indicator: OPIATE, period: '2018-08', value: 34, percent: 22 },
            { indicator: OPIATE, period: '2018-09', value: 33, percent: 21.5, commentary: 'Steady' },
            { indicator: PH_QUARTERLY, period: 'FY2018-19-Q2', value: 12 },
            ...notCollected(['2018-07', '2018-08', '2018-09']),
          ],
        },
        { 'if-match': '"1"' },
      )
      assert.equal(submitted.status, 200, await submitted.clone().text())
      assert.equal(submitted.headers.get('etag'), '"2"')
      const sent = (await submitted.json()) as ReturnBody
      assert.equal(sent.status, 'submitted')
      assert.equal(sent.submittedBy, `api-token:${phTokenId} (PH)`)
      // Submitted is not accepted: the partnership's figures are untouched until the analyst's review.
      assert.equal(await (await onlyPartnership(services)).performance.repository.getValue(OPIATE, '2018-07'), null)

      const reviewed = await (
        await onlyPartnership(services)
      ).returns.review(analyst, 'FY2018-19-Q2', agencyIds.PH as number, {
        version: 2,
        decision: 'accept',
        comment: '',
      })
      assert.equal(reviewed.kind, 'saved')
      const figures = await Promise.all(
        ['2018-07', '2018-08', '2018-09'].map(async (m) =>
          (await onlyPartnership(services)).performance.repository.getValue(OPIATE, m),
        ),
      )
      assert.deepEqual(
        figures.map((f) => [f?.status, f?.value, f?.percent]),
        [
          ['reported', 36, 23],
          ['reported', 34, 22],
          ['reported', 33, 21.5],
        ],
      )
      assert.equal(figures[2]?.commentary, 'Steady')
      assert.equal(
        (await (await onlyPartnership(services)).performance.repository.getValue(PH_QUARTERLY, 'FY2018-19-Q2'))?.value,
        12,
      )
      const missing = await (
        await onlyPartnership(services)
      ).performance.repository.getValue('cj-representations-non-opiate', '2018-08')
      assert.deepEqual([missing?.status, missing?.reason], ['not-collected', 'Not collected in this test'])

      const afterwards = await call(path, phToken)
      assert.equal(((await afterwards.json()) as ReturnBody).status, 'accepted')
      const change = await put(path, phToken, { intent: 'save', items: [] }, { 'if-match': '"3"' })
      assert.equal(change.status, 409)
      assert.match(((await change.json()) as Problem).detail, /accepted: it can no longer be changed/)
    })

    it('answers a stale If-Match with 409 and the return as it stands, and no If-Match on an existing return with 428', async () => {
      const path = '/api/returns/FY2018-19-Q3/PH'
      const first = await put(path, phToken, {
        intent: 'save',
        items: [{ indicator: OPIATE, period: '2018-10', value: 30, percent: 20 }],
      })
      assert.equal(first.status, 201)
      const second = await put(
        path,
        phToken,
        { intent: 'save', items: [{ indicator: OPIATE, period: '2018-10', value: 31, percent: 20 }] },
        { 'if-match': '"1"' },
      )
      assert.equal(second.status, 200)
      const events = await countRows('audit_events')
      const stale = await put(
        path,
        phToken,
        { intent: 'save', items: [{ indicator: OPIATE, period: '2018-10', value: 99, percent: 20 }] },
        { 'if-match': '"1"' },
      )
      assert.equal(stale.status, 409)
      assert.equal(stale.headers.get('etag'), '"2"')
      const problem = (await stale.json()) as Problem
      assert.equal(problem.currentVersion, 2)
      assert.ok(problem.current)
      assert.equal(itemOf(problem.current, OPIATE, '2018-10')?.value, 31)
      const without = await put(path, phToken, { intent: 'save', items: [] })
      assert.equal(without.status, 428)
      assert.equal(((await without.json()) as Problem).currentVersion, 2)
      assert.equal(await countRows('audit_events'), events, 'nothing written')
      const stored = await (
        await onlyPartnership(services)
      ).returns.returnPage(analyst, 'FY2018-19-Q3', agencyIds.PH as number)
      assert.equal(stored.returned?.version, 2)
    })

    it('hides another agency’s return (404) for reading and writing, and writes nothing', async () => {
      const rows = await countRows('agency_returns')
      const read = await call('/api/returns/FY2018-19-Q2/YOT', phToken)
      assert.equal(read.status, 404)
      assert.match(read.headers.get('content-type') ?? '', /^application\/problem\+json/)
      const write = await put('/api/returns/FY2018-19-Q2/YOT', phToken, {
        intent: 'save',
        items: [{ indicator: 'first-time-entrants', period: 'FY2018-19-Q2', value: 20 }],
      })
      assert.equal(write.status, 404)
      // An agency that does not exist is answered the same way.
      assert.equal((await call('/api/returns/FY2018-19-Q2/NOPE', phToken)).status, 404)
      assert.equal(await countRows('agency_returns'), rows)
      assert.equal(
        await (
          await onlyPartnership(services)
        ).returns
          .returnPage(analyst, 'FY2018-19-Q2', agencyIds.YOT as number)
          .then((p) => p.returned),
        null,
      )
    })

    it('refuses an agency (or any unknown field) in the body with 400 naming it, writing nothing', async () => {
      const rows = await countRows('agency_returns')
      const path = '/api/returns/FY2019-20-Q3/PH'
      const top = await put(path, phToken, { intent: 'save', items: [], agency: 'YOT' })
      assert.equal(top.status, 400)
      assert.deepEqual(
        ((await top.json()) as Problem).errors?.map((e) => e.pointer),
        ['/agency'],
      )
      const inItem = await put(path, phToken, {
        intent: 'save',
        items: [{ indicator: OPIATE, period: '2019-10', value: 30, percent: 20, agencyId: agencyIds.YOT }],
      })
      assert.equal(inItem.status, 400)
      assert.deepEqual(
        ((await inItem.json()) as Problem).errors?.map((e) => e.pointer),
        ['/items/0/agencyId'],
      )
      assert.equal(await countRows('agency_returns'), rows)
    })

    it('refuses items for periods and KPIs the return does not ask for with 422 naming them', async () => {
      const rows = await countRows('agency_returns')
      const response = await put('/api/returns/FY2019-20-Q1/PH', phToken, {
        intent: 'save',
        items: [
          { indicator: OPIATE, period: '2019-05', value: 30, percent: 20 },
          // July is in Q2's return, not Q1's.
          { indicator: OPIATE, period: '2019-07', value: 30, percent: 20 },
          // A monthly KPI's quarter is not a period of it.
          { indicator: OPIATE, period: 'FY2019-20-Q1', value: 90, percent: 20 },
          // The Youth Offending Team's KPI.
          { indicator: 'first-time-entrants', period: 'FY2019-20-Q1', value: 20 },
        ],
      })
      assert.equal(response.status, 422)
      const problem = (await response.json()) as Problem
      assert.deepEqual(
        problem.errors?.map((e) => [e.pointer, e.indicator, e.period]),
        [
          ['/items/1/period', OPIATE, '2019-07'],
          ['/items/2/period', OPIATE, 'FY2019-20-Q1'],
          ['/items/3/indicator', 'first-time-entrants', 'FY2019-20-Q1'],
        ],
      )
      assert.equal(await countRows('agency_returns'), rows)
    })

    it('names the KPI, period and field of a figure that breaks the rules (422), saving nothing', async () => {
      const response = await put('/api/returns/FY2019-20-Q4/PH', phToken, {
        intent: 'save',
        items: [{ indicator: OPIATE, period: '2020-02', value: -4, percent: 20 }],
      })
      assert.equal(response.status, 422)
      const problem = (await response.json()) as Problem
      assert.deepEqual(
        problem.errors?.map((e) => [e.pointer, e.indicator, e.period, e.field]),
        [['/items/0/value', OPIATE, '2020-02', 'value']],
      )
      assert.match(problem.errors?.[0]?.detail ?? '', /February 2020: .*negative/)
      assert.equal(
        (await (await onlyPartnership(services)).returns.returnPage(analyst, 'FY2019-20-Q4', agencyIds.PH as number))
          .returned,
        null,
      )
    })

    it('saves an unusual figure in a draft with its warning, and submits it only once it is confirmed', async () => {
      const path = '/api/returns/FY2018-19-Q1/YOT'
      // The median of the last eight quarters is (30 + 32) / 2 = 31; 100 is more than three times it.
      const warning = '100 is more than 3 times the median of the last 8 periods (31)'
      const youthCustody = {
        indicator: 'youth-custody',
        period: 'FY2018-19-Q1',
        status: 'not-yet-available',
        reason: 'The Youth Justice Board has not published it',
      }
      const fte = { indicator: 'first-time-entrants', period: 'FY2018-19-Q1', value: 100 }
      const draft = await put(path, yotToken, { intent: 'save', items: [fte, youthCustody] })
      assert.equal(draft.status, 201)
      const drafted = itemOf((await draft.json()) as ReturnBody, 'first-time-entrants', 'FY2018-19-Q1')
      assert.deepEqual([drafted?.warning, drafted?.confirmed], [warning, false])

      const unconfirmed = await put(
        path,
        yotToken,
        { intent: 'submit', items: [fte, youthCustody] },
        { 'if-match': '1' },
      )
      assert.equal(unconfirmed.status, 422)
      const problem = (await unconfirmed.json()) as Problem
      assert.deepEqual(
        problem.errors?.map((e) => [e.pointer, e.indicator, e.period, e.field]),
        [['/items/0/confirmed', 'first-time-entrants', 'FY2018-19-Q1', 'confirmed']],
      )
      assert.ok(problem.errors?.[0]?.detail.includes(warning), problem.errors?.[0]?.detail)
      assert.match(problem.errors?.[0]?.detail ?? '', /"confirmed": true/)
      assert.deepEqual(problem.warnings, [{ indicator: 'first-time-entrants', period: 'FY2018-19-Q1', warning }])
      const stillDraft = await (
        await onlyPartnership(services)
      ).returns.returnPage(analyst, 'FY2018-19-Q1', agencyIds.YOT as number)
      assert.deepEqual([stillDraft.returned?.status, stillDraft.returned?.version], ['draft', 1])

      const confirmed = await put(
        path,
        yotToken,
        { intent: 'submit', items: [{ ...fte, confirmed: true }, youthCustody] },
        { 'if-match': '1' },
      )
      assert.equal(confirmed.status, 200)
      const body = (await confirmed.json()) as ReturnBody
      assert.equal(body.status, 'submitted')
      const item = itemOf(body, 'first-time-entrants', 'FY2018-19-Q1')
      assert.deepEqual(
        [item?.warning, item?.confirmed, item?.confirmedBy],
        [warning, true, `api-token:${yotTokenId} (YOT)`],
      )
    })

    it('refuses a return of a signed-off quarter with 423, writing nothing', async () => {
      assert.ok(await (await onlyPartnership(services)).returns.signOff(board, 'FY2020-21-Q1'))
      const events = await countRows('audit_events')
      const response = await put('/api/returns/FY2020-21-Q1/PH', phToken, {
        intent: 'save',
        items: [{ indicator: OPIATE, period: '2020-05', value: 30, percent: 20 }],
      })
      assert.equal(response.status, 423)
      assert.equal(((await response.json()) as Problem).lockedQuarter, 'FY2020-21-Q1')
      assert.equal(await countRows('audit_events'), events)
      const read = (await (await call('/api/returns/FY2020-21-Q1/PH', phToken)).json()) as ReturnBody
      assert.deepEqual([read.locked, read.status], [true, 'not-started'])
    })

    it('answers a retry with the same Idempotency-Key with the first answer, saving once', async () => {
      const path = '/api/returns/FY2020-21-Q2/PH'
      const body = { intent: 'save', items: [{ indicator: OPIATE, period: '2020-08', value: 28, percent: 19 }] }
      const headers = { 'idempotency-key': 'ph-nightly-2020-10-01' }
      const events = await countRows('audit_events')
      const first = await put(path, phToken, body, headers)
      assert.equal(first.status, 201)
      const firstBody = await first.text()
      const retry = await put(path, phToken, body, headers)
      assert.equal(retry.status, 201)
      assert.equal(retry.headers.get('idempotent-replayed'), 'true')
      assert.equal(retry.headers.get('etag'), '"1"')
      assert.equal(await retry.text(), firstBody)
      assert.equal(await countRows('audit_events'), events + 1, 'one save, one audit event')
      const stored = await (
        await onlyPartnership(services)
      ).returns.returnPage(analyst, 'FY2020-21-Q2', agencyIds.PH as number)
      assert.equal(stored.returned?.version, 1)
      // The same key for a different request is refused; without a key, the retry meets the version check.
      const other = await put(path, phToken, { ...body, intent: 'submit' }, headers)
      assert.equal(other.status, 422)
      assert.equal((await put(path, phToken, body)).status, 428)
    })

    it('tells an agency’s token writing a figure directly to send it in its return (403), writing nothing', async () => {
      const rows = await countRows('indicator_values')
      for (const [kpi, period] of [
        ['proven-reoffending', 'FY2018-19-Q1'],
        ['first-time-entrants', 'FY2018-19-Q1'],
      ] as const) {
        const response = await call(`/api/indicators/${kpi}/values/${period}`, wmpToken, {
          method: 'PUT',
          body: JSON.stringify({ value: 30 }),
          headers: { 'content-type': 'application/json' },
        })
        assert.equal(response.status, 403)
        const problem = (await response.json()) as Problem
        assert.equal(problem.returnsEndpoint, '/api/returns/FY2018-19-Q1/WMP')
      }
      // A month points to the return of the quarter it ends in.
      const month = await call(`/api/indicators/${OPIATE}/values/2018-08`, phToken, {
        method: 'PUT',
        body: JSON.stringify({ value: 30, percent: 20 }),
        headers: { 'content-type': 'application/json' },
      })
      assert.equal(((await month.json()) as Problem).returnsEndpoint, '/api/returns/FY2018-19-Q2/PH')
      assert.equal(await countRows('indicator_values'), rows)
    })

    it('a data owner’s browser sends its return with the session and the CSRF token, and may not write a figure directly', async () => {
      const browser = await app.signedIn('data-owner')
      const path = '/api/returns/FY2019-20-Q2/WMP'
      const read = await browser.get(path)
      assert.equal(read.status, 200)
      const kpis = ((JSON.parse(await read.text()) as ReturnBody).indicators ?? []).map((i) => i.indicator)
      assert.ok(kpis.includes('proven-reoffending'))
      const body = JSON.stringify({
        intent: 'save',
        items: [{ indicator: 'proven-reoffending', period: 'FY2019-20-Q2', numerator: 500, denominator: 1600 }],
      })
      const json = { 'content-type': 'application/json' }
      assert.equal((await browser.request(path, { method: 'PUT', body, headers: json })).status, 403)
      const token = await browser.csrfTokenOf('/account/change-password')
      const saved = await browser.request(path, { method: 'PUT', body, headers: { ...json, 'x-csrf-token': token } })
      assert.equal(saved.status, 201)
      const item = itemOf(JSON.parse(await saved.text()) as ReturnBody, 'proven-reoffending', 'FY2019-20-Q2')
      assert.equal(item?.status, 'reported')

      const direct = await browser.request('/api/indicators/proven-reoffending/values/FY2019-20-Q2', {
        method: 'PUT',
        body: JSON.stringify({ numerator: 500, denominator: 1600 }),
        headers: { ...json, 'x-csrf-token': token },
      })
      assert.equal(direct.status, 403)
      assert.equal((JSON.parse(await direct.text()) as Problem).returnsEndpoint, '/api/returns/FY2019-20-Q2/WMP')
      assert.equal(
        await (await onlyPartnership(services)).performance.repository.getValue('proven-reoffending', 'FY2019-20-Q2'),
        null,
      )
    })

    it('a body that is not JSON is 415, malformed JSON 400, both as problems', async () => {
      const path = '/api/returns/FY2021-22-Q3/PH'
      const text = await call(path, phToken, { method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain' } })
      assert.equal(text.status, 415)
      const bad = await call(path, phToken, {
        method: 'PUT',
        body: '{"intent": ',
        headers: { 'content-type': 'application/json' },
      })
      assert.equal(bad.status, 400)
      assert.match(bad.headers.get('content-type') ?? '', /problem\+json/)
    })

    it('describes the returns endpoints in the OpenAPI document with every status they answer', async () => {
      const document = (await (await fetch(`${base}/api/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
      }
      const operations = document.paths['/api/returns/{quarter}/{agency}']
      assert.deepEqual(Object.keys(operations?.get?.responses ?? {}), ['200', '401', '403', '404'])
      assert.deepEqual(Object.keys(operations?.put?.responses ?? {}), [
        '200',
        '201',
        '400',
        '401',
        '403',
        '404',
        '409',
        '413',
        '415',
        '422',
        '423',
        '428',
      ])
    })
  })
}
