import { onlyPartnership } from '../../test/support/partnership.ts'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { loadConfig } from '../config.ts'
import { createServices, type Services } from '../composition-root.ts'
import { openTestDatabase } from '../../test/support/databases.ts'
import { createApp } from '../web/app.ts'
import { MAX_UPLOAD_BYTES } from './routes.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { demoUsers } from '../accounts/demo-users.ts'

const user = (role: string) => demoUsers.find((u) => u.role === role) as (typeof demoUsers)[number]

describe('imports from the browser, with a preview', () => {
  let services: Services
  let server: Server
  let base: string
  let dataDirectory: string
  let analyst: TestBrowser
  let csrf: string

  before(async () => {
    dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'saferhub-imports-'))
    const database = await openTestDatabase('sqlite')
    const config = loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true', SAFERHUB_DATA_DIR: dataDirectory })
    services = await createServices(config, { database })
    server = createApp(services, { logger: { log: () => {} } }).listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    analyst = new TestBrowser(base)
    assert.equal(
      (await analyst.signIn(user('partnership-analyst').email, user('partnership-analyst').password)).status,
      303,
    )
    csrf = await analyst.csrfTokenOf('/account/change-password')
  })
  after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await services.close()
    await rm(dataDirectory, { recursive: true, force: true })
  })

  const formOf = (files: { name: string; content: string | Buffer }[]) => {
    const form = new FormData()
    for (const file of files) form.append('files', new Blob([file.content]), file.name)
    return form
  }
  const upload = (browser: TestBrowser, token: string, files: { name: string; content: string | Buffer }[]) =>
    browser.request(`/imports?_csrf=${token}`, { method: 'POST', body: formOf(files) })
  const count = async (table: 'indicator_values' | 'audit_events' | 'imports') =>
    Number(
      (
        await services.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const counts = async () => [await count('indicator_values'), await count('audit_events'), await count('imports')]

  it('previews without writing, then applies on confirmation, once', async () => {
    // Knife crime 2017/18 Q1 and Q2 are both 49 in the demo data: Q1 60 is a change, 2018/19 Q1 is new, Q2 unchanged.
    const csv =
      'indicator,period,value\r\nknife-crime,FY2017-18-Q1,60\r\nknife-crime,FY2018-19-Q1,41\r\nknife-crime,FY2017-18-Q2,49\r\n'
    const before = await counts()
    const uploaded = await upload(analyst, csrf, [{ name: 'values.csv', content: csv }])
    assert.equal(uploaded.status, 303)
    const location = uploaded.headers.get('location') as string
    assert.match(location, /^\/imports\/[0-9a-f]{32}$/)
    const preview = (await (await analyst.get(location)).text()).replace(/\s+/g, ' ')
    assert.match(preview, /id="changes-values">.*?>1<\/td>.*?>1<\/td>.*?>1<\/td>/)
    assert.deepEqual(await counts(), before, 'the preview wrote nothing')

    const confirmed = await analyst.post(`${location}/confirm`, { _csrf: csrf })
    assert.equal(confirmed.status, 303)
    assert.equal(
      (await (await onlyPartnership(services)).performance.repository.getValue('knife-crime', 'FY2017-18-Q1'))?.value,
      60,
    )
    assert.equal(
      (await (await onlyPartnership(services)).performance.repository.getValue('knife-crime', 'FY2018-19-Q1'))?.value,
      41,
    )
    const [values, events, imports] = await counts()
    assert.deepEqual(
      [values, events, imports],
      [(before[0] as number) + 1, (before[1] as number) + 2, (before[2] as number) + 1],
    )
    assert.match(await (await analyst.get('/imports')).text(), /applied/)

    const again = await analyst.post(`${location}/confirm`, { _csrf: csrf })
    assert.equal(again.status, 303)
    assert.deepEqual(await counts(), [values, events, imports], 'a second confirmation writes nothing')
  })

  it('a bad file shows every problem with its row and column, and nothing can be applied', async () => {
    const csv =
      'indicator,period,value\r\nknife-crime,FY2017-18-Q1,-3\r\nno-such-kpi,FY2017-18-Q1,4\r\nknife-crime,FY2017-18-Q9,5\r\n'
    const before = await counts()
    const uploaded = await upload(analyst, csrf, [{ name: 'bad.csv', content: csv }])
    const location = uploaded.headers.get('location') as string
    const page = await (await analyst.get(location)).text()
    const rows = [
      ...page.matchAll(
        /<tr class="govuk-table__row app-import-problem">\s*<td[^>]*>([^<]*)<\/td>\s*<td[^>]*>([^<]*)<\/td>\s*<td[^>]*>([^<]*)<\/td>/g,
      ),
    ].map((m) => [m[1], m[2], m[3]])
    assert.deepEqual(rows, [
      ['bad.csv', '2', 'value'],
      ['bad.csv', '3', 'indicator'],
      ['bad.csv', '4', 'period'],
    ])
    assert.doesNotMatch(page, /Confirm and import/)
    assert.equal((await analyst.post(`${location}/confirm`, { _csrf: csrf })).status, 303)
    assert.deepEqual(await counts(), before)
  })

  it('says the same limit on the page, in its error and in the docs: 20 MB, the most one file may be', async () => {
    const page = await (await analyst.get('/imports')).text()
    assert.match(page, /CSV or XLSX files, 20 MB at most in all \(the most one file may be\)/)
    // The docs' per-file limit is the upload's limit in all, so a workbook at the limit can be uploaded.
    const docs = readFileSync(new URL('../../docs/import-formats.md', import.meta.url), 'utf8')
    assert.match(
      docs,
      /At most 20 MB and 100,000 rows per file\. Through the web page \(`\/imports`\), the files of one upload may hold\s+20 MB in all/,
    )
    // The body limit leaves room for the form's framing around 20 MB of files, and no more than 64 KB.
    assert.equal(MAX_UPLOAD_BYTES - 20 * 1024 * 1024, 64 * 1024)
  })

  it('refuses an upload over 20 MB with 413, another user’s upload is 404, and a viewer may not import', async () => {
    const big = await upload(analyst, csrf, [
      { name: 'big.csv', content: Buffer.alloc(20 * 1024 * 1024 + 64 * 1024 + 10, 0x41) },
    ])
    assert.equal(big.status, 413)
    assert.match(await big.text(), /The files must be 20 MB or smaller in all/)
    const uploaded = await upload(analyst, csrf, [
      { name: 'v.csv', content: 'indicator,period,value\r\nknife-crime,FY2017-18-Q3,1\r\n' },
    ])
    const location = uploaded.headers.get('location') as string
    const admin = new TestBrowser(base)
    await admin.signIn(user('administrator').email, user('administrator').password)
    assert.equal((await admin.get(location)).status, 404)
    const viewer = new TestBrowser(base)
    await viewer.signIn(user('viewer').email, user('viewer').password)
    assert.equal((await viewer.get('/imports')).status, 403)
    const noCsrf = await upload(analyst, 'wrong', [{ name: 'v.csv', content: 'x' }])
    assert.equal(noCsrf.status, 403)
  })

  it('the imports page links to the template workbook, which downloads as XLSX for whoever may import', async () => {
    const page = await (await analyst.get('/imports')).text()
    assert.match(page, /href="\/imports\/template\.xlsx"[^>]*>Download the template workbook/)
    const download = await analyst.get('/imports/template.xlsx')
    assert.equal(download.status, 200)
    assert.equal(
      download.headers.get('content-type'),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    assert.match(
      download.headers.get('content-disposition') ?? '',
      /attachment; filename="saferhub-import-template\.xlsx"/,
    )
    assert.equal((await download.text()).slice(0, 2), 'PK') // a zip archive, as every .xlsx is (its sheets: template-workbook.test.ts)
    const viewer = new TestBrowser(base)
    await viewer.signIn(user('viewer').email, user('viewer').password)
    assert.equal((await viewer.get('/imports/template.xlsx')).status, 403)
  })

  it('a KPI is removed from its own page only once its figures are confirmed to go too; audited', async () => {
    // demo/performance-framework: home-safety-checks has 8 quarters in values.csv and one baseline.
    // The KPI's own page links to its removal for those who may import (and only for them: below).
    assert.match(
      await (await analyst.get('/kpis/home-safety-checks')).text(),
      /href="\/kpis\/home-safety-checks\/remove"/,
    )
    const page = await (await analyst.get('/kpis/home-safety-checks/remove')).text()
    assert.match(page, /<h1 class="govuk-heading-l">Remove Home safety checks by West Midlands Fire Service<\/h1>/)
    assert.match(page, /It holds 8 figures and 1 baseline, which would be deleted with it/)
    const token = await analyst.csrfTokenOf('/kpis/home-safety-checks/remove')
    const refused = await analyst.post('/kpis/home-safety-checks/remove', { _csrf: token })
    assert.equal(refused.status, 400)
    assert.match(await refused.text(), /href="#confirm">Confirm that its figures are deleted with it/)
    const scoped = await onlyPartnership(services)
    assert.ok((await scoped.performance.repository.listIndicators()).some((k) => k.id === 'home-safety-checks'))

    const removed = await analyst.post('/kpis/home-safety-checks/remove', { _csrf: token, confirm: 'yes' })
    assert.equal(removed.status, 303)
    assert.match(
      await (await analyst.get('/imports')).text(),
      /Home safety checks by West Midlands Fire Service \(home-safety-checks\) was removed/,
    )
    assert.ok(!(await scoped.performance.repository.listIndicators()).some((k) => k.id === 'home-safety-checks'))
    const events = await scoped.audit.list({ entityKeyPrefix: 'home-safety-checks', actions: ['delete'] })
    // Each figure, the baseline, the KPI's link to its strategic priority (the demo links its KPIs), the KPI.
    assert.deepEqual(
      events.map((e) => e.entityType).sort(),
      [...Array(8).fill('indicator-value'), 'baseline', 'indicator', 'kpi-priority-link'].sort(),
    )
    assert.equal((await analyst.get('/kpis/home-safety-checks/remove')).status, 404)
    const viewer = new TestBrowser(base)
    await viewer.signIn(user('viewer').email, user('viewer').password)
    const knifePage = await (await viewer.get('/kpis/knife-crime')).text()
    assert.match(knifePage, /Download these figures/)
    assert.doesNotMatch(knifePage, /Remove this KPI/)
    assert.equal((await viewer.get('/kpis/knife-crime/remove')).status, 403)
  })

  it('an upload made in one partnership is not there at another partnership’s address, even for its maker', async () => {
    // Northshire, with a framework that has knife crime too, and the demo analyst a member there as well.
    const added = await services.partnerships.add('test', { name: 'Northshire', code: 'E22000999' })
    assert.ok(added.ok)
    const northshire = services.forPartnership(added.value)
    const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/northshire/${name}`, import.meta.url))
    const framework = await northshire.performance.importFiles(
      [
        { name: 'indicators.csv', content: fixture('indicators.csv') },
        { name: 'baselines.csv', content: fixture('baselines.csv') },
      ],
      'test',
    )
    assert.equal(framework.outcome, 'applied', JSON.stringify(framework))
    const member = await northshire.accounts.addUser(
      { system: 'test' },
      { email: user('partnership-analyst').email, name: 'Analyst', role: 'partnership-analyst', agencyId: null },
    )
    assert.ok(member.ok && member.oneTimePassword === null, 'the analyst is now a member of both')
    const demoSlug = (await onlyDemo()).slug

    const uploaded = await analyst.request(`/p/${demoSlug}/imports?_csrf=${csrf}`, {
      method: 'POST',
      body: formOf([{ name: 'values.csv', content: 'indicator,period,value\r\nknife-crime,FY2017-18-Q3,77\r\n' }]),
    })
    assert.equal(uploaded.status, 303)
    const id = /\/imports\/([0-9a-f]{32})$/.exec(uploaded.headers.get('location') ?? '')?.[1]
    assert.ok(id, uploaded.headers.get('location') ?? '')
    const before = await counts()
    assert.equal((await analyst.get(`/p/northshire/imports/${id}`)).status, 404, 'no preview through Northshire')
    const confirmed = await analyst.post(`/p/northshire/imports/${id}/confirm`, { _csrf: csrf })
    assert.equal(confirmed.status, 404, 'no confirmation through Northshire')
    assert.deepEqual(await counts(), before, 'nothing written anywhere')
    assert.equal(await northshire.performance.repository.getValue('knife-crime', 'FY2017-18-Q3'), null)
    // Through its own partnership's address the very same upload is there (so the 404s above could have failed).
    assert.equal((await analyst.get(`/p/${demoSlug}/imports/${id}`)).status, 200)
  })

  async function onlyDemo() {
    const all = await services.partnerships.list()
    const demo = all.find((p) => p.slug !== 'northshire')
    assert.ok(demo)
    return demo
  }
})
