import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { addUserWithPassword } from '../../test/support/accounts.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import { testDialects } from '../../test/support/databases.ts'
import type { PartnershipServices } from '../composition-root.ts'

/** Text that exists only in Northshire's data (a data owner's commentary): it must never reach Wolverhampton. */
const NORTH_CANARY = 'CANARY-NORTHSHIRE-KNIFE-7F3A'
/** Text that exists only in Wolverhampton's data: it must never reach Northshire. */
const WOLVES_CANARY = 'CANARY-WOLVERHAMPTON-KNIFE-2C9D'

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/northshire/${name}`, import.meta.url))

for (const dialect of testDialects()) {
  describe(`two partnerships in one instance never see each other's data (${dialect})`, () => {
    let app: RunningApp
    let northshire: PartnershipServices
    let wolverhampton: PartnershipServices
    let northAnalyst: TestBrowser
    let wolvesToken: string

    before(async () => {
      app = await startDemoApp(dialect)
      const added = await app.services.partnerships.add('test', { name: 'Northshire', code: 'E22000999' })
      assert.ok(added.ok)
      northshire = app.services.forPartnership(added.value)
      wolverhampton = await onlyPartnershipNamed('wolverhampton')
      // Northshire's framework, with its canary as a data owner's commentary on one figure.
      const values = fixture('values.csv')
        .toString('utf8')
        .replace('knife-crime,FY2024-25-Q4,30,,,,,,,', `knife-crime,FY2024-25-Q4,30,,,,,,,${NORTH_CANARY}`)
      const imported = await northshire.performance.importFiles(
        [
          { name: 'indicators.csv', content: fixture('indicators.csv') },
          { name: 'baselines.csv', content: fixture('baselines.csv') },
          { name: 'values.csv', content: Buffer.from(values) },
        ],
        'test',
      )
      assert.equal(imported.outcome, 'applied', JSON.stringify(imported))
      // Wolverhampton's canary, on its own knife crime (the demo's 2017/18 Q1, 49).
      const wolves = await wolverhampton.performance.importFiles(
        [
          {
            name: 'values.csv',
            content: Buffer.from(
              `indicator,period,value,numerator,denominator,percent,text,status,reason,commentary\nknife-crime,FY2017-18-Q1,49,,,,,,,${WOLVES_CANARY}\n`,
            ),
          },
        ],
        'test',
      )
      assert.equal(wolves.outcome, 'applied', JSON.stringify(wolves))
      await addUserWithPassword(northshire.accounts, {
        email: 'analyst@northshire.example',
        role: 'partnership-analyst',
        password: 'lantern-quarry-thimble',
      })
      northAnalyst = new TestBrowser(app.base)
      assert.equal((await northAnalyst.signIn('analyst@northshire.example', 'lantern-quarry-thimble')).status, 303)
      const wmp = (await wolverhampton.accounts.listAgencies()).find((a) => a.code === 'WMP')
      assert.ok(wmp)
      const token = await wolverhampton.accounts.createApiToken({ system: 'test' }, { agencyId: wmp.id, name: 'WMP' })
      assert.ok(token.ok)
      wolvesToken = token.token
    })
    after(() => app.stop())

    async function onlyPartnershipNamed(slug: string): Promise<PartnershipServices> {
      return app.services.forPartnership(await app.services.partnerships.resolve(slug))
    }

    it('shows each partnership its own figures under the same KPI id', async () => {
      assert.equal((await northshire.performance.repository.getValue('knife-crime', 'FY2024-25-Q4'))?.value, 30)
      assert.equal(await northshire.performance.repository.getValue('knife-crime', 'FY2017-18-Q1'), null)
      assert.equal((await wolverhampton.performance.repository.getValue('knife-crime', 'FY2017-18-Q1'))?.value, 49)
      const page = await (await northAnalyst.get('/p/northshire/kpis/knife-crime')).text()
      assert.ok(page.includes(NORTH_CANARY))
      assert.ok(!page.includes(WOLVES_CANARY))
    })

    it('answers 404 to a member of one partnership on every page, download and API call of the other', async () => {
      const wolvesAnalyst = await app.signedIn('partnership-analyst')
      for (const path of [
        '/p/northshire/dashboard',
        '/p/northshire/kpis/knife-crime',
        '/p/northshire/kpis/knife-crime.csv',
        '/p/northshire/reports/performance/2024-25',
        '/p/northshire/reports/performance/2024-25.csv',
        '/p/northshire/reports/performance/2024-25.json',
        '/p/northshire/returns',
        '/p/northshire/audit',
        '/p/northshire/admin/users',
        '/p/northshire/imports',
        '/p/northshire/api/indicators',
      ]) {
        const response = await wolvesAnalyst.get(path, path.includes('/api/') ? { accept: 'application/json' } : {})
        assert.equal(response.status, 404, `${path}: ${response.status}`)
        assert.ok(!(await response.text()).includes(NORTH_CANARY), path)
      }
      for (const path of [
        '/p/wolverhampton/dashboard',
        '/p/wolverhampton/kpis/knife-crime',
        '/p/wolverhampton/audit',
      ]) {
        assert.equal((await northAnalyst.get(path)).status, 404, path)
      }
    })

    it('never puts one partnership’s canary on the other’s pages, exports, API or public report', async () => {
      const wolvesAnalyst = await app.signedIn('partnership-analyst')
      const wolvesPaths = [
        '/dashboard',
        '/kpis/knife-crime',
        '/kpis/knife-crime.csv',
        '/reports/performance/2017-18',
        '/reports/performance/2017-18.csv',
        '/reports/performance/2017-18.json',
        '/audit',
        '/p/wolverhampton/',
        '/',
      ]
      let sawOwnCanary = false
      for (const path of wolvesPaths) {
        const text = await (await wolvesAnalyst.get(path)).text()
        assert.ok(!text.includes(NORTH_CANARY), path)
        sawOwnCanary ||= text.includes(WOLVES_CANARY)
      }
      assert.ok(sawOwnCanary, 'the pages searched do show commentary (the check can fail)')
      for (const path of [
        '/dashboard',
        '/kpis/knife-crime',
        '/reports/performance/2024-25.csv',
        '/audit',
        '/p/northshire/',
      ]) {
        assert.ok(!(await (await northAnalyst.get(path)).text()).includes(WOLVES_CANARY), path)
      }
      // The API: Wolverhampton's token reads Wolverhampton only, with or without the prefix; Northshire's API is not there.
      const api = (path: string) => fetch(`${app.base}${path}`, { headers: { authorization: `Bearer ${wolvesToken}` } })
      const values = await api('/api/indicators/knife-crime/values')
      assert.equal(values.status, 200)
      assert.ok(!(await values.text()).includes(NORTH_CANARY))
      assert.equal((await api('/p/northshire/api/indicators/knife-crime/values')).status, 401)
      // The public home page lists the partnerships that have published: the demo's, not Northshire (unpublished).
      const home = await (await fetch(`${app.base}/`)).text()
      assert.ok(!home.includes(NORTH_CANARY))
      const publicNorth = await fetch(`${app.base}/p/northshire/`)
      assert.ok(!(await publicNorth.text()).includes(NORTH_CANARY))
    })
  })
}
