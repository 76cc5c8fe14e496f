import { onlyPartnership } from '../../test/support/partnership.ts'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { publicationStatus, type Approval } from './publication.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import { testDialects } from '../../test/support/databases.ts'

interface Figure {
  label: string
  display: string
  count: number | null
  suppressed: boolean
}
interface Kpi {
  id: string
  measureType: string
  thisYear: { periods: Figure[]; total: Figure }
  lastYear: { periods: Figure[]; total: Figure }
  commentary: string | null
}

const approval = (kind: Approval['kind'], actor: string, approvedAt: string): Approval => ({
  year: 'FY2016-17',
  kind,
  userId: 1,
  actor,
  approvedAt,
  round: 1,
  reason: null,
})

describe('the two-person rule', () => {
  it('needs two different people, at least one with a publish approval', () => {
    assert.equal(publicationStatus([]).published, false)
    assert.equal(publicationStatus([approval('publish', 'a@x', '1')]).published, false)
    assert.equal(publicationStatus([approval('sign-off', 'b@x', '1')]).published, false)
    // Two sign-offs are not a publication: nobody with 'report:publish' approved.
    assert.equal(
      publicationStatus([approval('sign-off', 'b@x', '1'), approval('sign-off', 'c@x', '2')]).published,
      false,
    )
    // The same person twice counts once (whatever the letter case of their email).
    assert.equal(
      publicationStatus([approval('publish', 'a@x', '1'), approval('sign-off', 'A@X', '2')]).published,
      false,
    )
    const done = publicationStatus([approval('publish', 'a@x', '1'), approval('sign-off', 'b@x', '2')])
    assert.equal(done.published, true)
    assert.equal(done.publishedAt, '2')
    assert.equal(publicationStatus([approval('publish', 'a@x', '1'), approval('publish', 'c@x', '3')]).publishedAt, '3')
  })
})

for (const dialect of testDialects())
  describe(`the public pages (${dialect})`, () => {
    let app: RunningApp
    before(async () => {
      app = await startDemoApp(dialect)
    })
    after(async () => {
      await app.stop()
    })

    it('shows the published demo year at / without sign-in, with small numbers suppressed', async () => {
      const response = await new TestBrowser(app.base).get('/')
      assert.equal(response.status, 200)
      const html = await response.text()
      assert.match(html, /performance report 2017\/18/)
      assert.match(html, /&lt;5/)
      assert.match(html, /\[c\]/)
      assert.match(html, /href="\/sign-in"/)
    })

    it('suppresses a small count and its complement so that the year total cannot give it back', async () => {
      const response = await new TestBrowser(app.base).get('/public/performance/2017-18.json')
      assert.equal(response.status, 200)
      const report = JSON.parse(await response.text()) as { kpis: Kpi[] }
      // Demo values (values.csv): Q1 13, Q2 7, Q3 5, Q4 3, year 28. 3 < 5 is withheld; the smallest other quarter (5)
      // is the complement; 28 − 13 − 7 = 8 is Q3 + Q4 together, which gives neither back.
      const kpi = report.kpis.find((k) => k.id === 'personal-robbery-offender-10-24')
      assert.ok(kpi)
      assert.deepEqual(
        kpi.thisYear.periods.map((f) => [f.count, f.display]),
        [
          [13, '13'],
          [7, '7'],
          [null, '[c]'],
          [null, '<5'],
        ],
      )
      assert.equal(kpi.thisYear.total.count, 28)

      // Youth custody (a proportion), values.csv: 2/52, 4/53, 6/50, 7/46; year 19/201. Both small numerators are
      // withheld, and so are their percentages (which with the published denominators would give them back).
      const custody = report.kpis.find((k) => k.id === 'youth-custody')
      assert.deepEqual(
        custody?.thisYear.periods.map((f) => f.display),
        // One decimal place always, as the internal report prints it (issue 9: "12%" here was "12.0%" there).
        ['[c] (<5/52)', '[c] (<5/53)', '12.0% (6/50)', '15.2% (7/46)'],
      )
      assert.equal(custody?.thisYear.total.display, '9.5% (19/201)')
      // A percentage the source published without its counts stays as published: there is no count to protect.
      const dip = report.kpis.find((k) => k.id === 'dip-positive-drug-tests')
      assert.equal(dip?.lastYear.periods[0]?.display, '62.1%')
    })

    it('never publishes a count below the threshold, nor a single withheld part of a published total (differencing)', async () => {
      const report = JSON.parse(
        await (await new TestBrowser(app.base).get('/public/performance/2017-18.json')).text(),
      ) as {
        kpis: Kpi[]
      }
      // Small counts in the stored demo values, read independently of the application.
      const rows = parse(readFileSync(new URL('../../demo/performance-framework/values.csv', import.meta.url)), {
        columns: true,
      }) as Record<string, string>[]
      const small = rows.filter((r) => /^[1-4]$/.test(r.value ?? '') && /^FY201[67]-1[78]-Q\d$/.test(r.period ?? ''))
      assert.ok(small.length >= 5, 'the demo data has small counts to protect')
      for (const kpi of report.kpis) {
        for (const year of [kpi.thisYear, kpi.lastYear]) {
          for (const f of [...year.periods, year.total]) {
            if (f.count !== null && kpi.measureType !== 'proportion') {
              assert.ok(f.count === 0 || f.count >= 5, `${kpi.id} ${f.label}: ${f.count} published`)
            }
          }
          if (kpi.measureType === 'count' && year.total.count !== null) {
            const hidden = year.periods.filter((f) => f.count === null && /^(<5|\[c\])$/.test(f.display))
            assert.notEqual(hidden.length, 1, `${kpi.id}: exactly one quarter hidden beside a published total`)
          }
        }
      }
      for (const row of small) {
        const kpi = report.kpis.find((k) => k.id === row.indicator)
        assert.ok(kpi, row.indicator)
        const year = row.period?.startsWith('FY2017-18') ? kpi.thisYear : kpi.lastYear
        const quarter = Number(row.period?.slice(-1))
        assert.equal(year.periods[quarter - 1]?.count, null, `${row.indicator} ${row.period} is withheld`)
        assert.equal(year.periods[quarter - 1]?.display, '<5')
      }
    })

    it('serves the protected figures as CSV too, without the withheld ones', async () => {
      const response = await new TestBrowser(app.base).get('/public/performance/2017-18.csv')
      assert.equal(response.status, 200)
      const table = parse(await response.text(), { columns: true, bom: true }) as Record<string, string>[]
      const q4 = table.find((r) => r['KPI id'] === 'personal-robbery-offender-10-24' && r.Period === '2017/18 Q4')
      assert.equal(q4?.Figure, '<5')
      assert.equal(q4?.Count, '')
    })

    it('a year not yet published is not found on the public routes', async () => {
      assert.equal((await new TestBrowser(app.base).get('/public/performance/2016-17')).status, 404)
      assert.equal((await new TestBrowser(app.base).get('/public/performance/2016-17.json')).status, 404)
    })

    it('publication needs two different approvers', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const admin = await app.signedIn('administrator')
      const board = await app.signedIn('board-member')
      const viewer = await app.signedIn('viewer')
      // Any page with a form gives the session's token (the viewer's publication page has no form).
      const token = (b: TestBrowser) => b.csrfTokenOf('/account/change-password')

      // A viewer and a board member may not give a publish approval; an analyst may not sign off.
      assert.equal((await viewer.post('/publication/2016-17/publish', { _csrf: await token(viewer) })).status, 403)
      assert.equal((await board.post('/publication/2016-17/publish', { _csrf: await token(board) })).status, 403)
      assert.equal((await analyst.post('/publication/2016-17/sign-off', { _csrf: await token(analyst) })).status, 403)

      // A year without figures cannot be approved.
      assert.equal((await analyst.post('/publication/2030-31/publish', { _csrf: await token(analyst) })).status, 404)
      const first = await analyst.post('/publication/2016-17/publish', { _csrf: await token(analyst) })
      assert.equal(first.status, 303)
      assert.equal((await new TestBrowser(app.base).get('/public/performance/2016-17')).status, 404, 'one approver')
      // The same analyst again: still one person.
      assert.equal((await analyst.post('/publication/2016-17/publish', { _csrf: await token(analyst) })).status, 303)
      assert.equal((await new TestBrowser(app.base).get('/public/performance/2016-17')).status, 404, 'still one')
      assert.equal(
        (
          await (
            await onlyPartnership(app.services)
          ).audit.list({ entityType: 'report-publication', entityKey: 'FY2016-17' })
        ).length,
        1,
        'one audited approval',
      )

      assert.equal((await board.post('/publication/2016-17/sign-off', { _csrf: await token(board) })).status, 303)
      assert.equal((await new TestBrowser(app.base).get('/public/performance/2016-17')).status, 200, 'two approvers')
      const events = await (
        await onlyPartnership(app.services)
      ).audit.list({ entityType: 'report-publication', entityKey: 'FY2016-17' })
      assert.deepEqual(
        events.map((e) => [e.actor, e.action]),
        [
          ['analyst@example.org', 'approve-publish'],
          ['board@example.org', 'approve-sign-off'],
          // The second approval completed the round: the public report is stored as the year's publication.
          ['board@example.org', 'publish'],
        ],
      )
      assert.match(await (await admin.get('/publication/2016-17')).text(), /Published/)
    })

    it('escapes stored script in commentary, and withholds commentary that puts a small number beside a person', async () => {
      const values =
        'indicator,period,value,numerator,denominator,percent,text,status,reason,commentary\n' +
        'knife-crime,FY2017-18-Q4,67,,,,,,,"<script>alert(1)</script> rose this quarter"\n' +
        'first-time-entrants,FY2017-18-Q4,26,,,,,,,"Two girls aged 12 entered the system."\n'
      const result = await (
        await onlyPartnership(app.services)
      ).performance.importFiles([{ name: 'values.csv', content: Buffer.from(values) }], 'analyst@example.org')
      assert.equal(result.outcome, 'applied', JSON.stringify(result))
      // Published again (an amendment), so that the public page shows the new commentary.
      const analyst = await app.signedIn('partnership-analyst')
      const board = await app.signedIn('board-member')
      const reason = 'Knife crime and first-time entrants commentary'
      const publish = await analyst.post('/publication/2017-18/publish', {
        _csrf: await analyst.csrfTokenOf('/publication/2017-18'),
        reason,
      })
      assert.equal(publish.status, 303)
      const signOff = await board.post('/publication/2017-18/sign-off', {
        _csrf: await board.csrfTokenOf('/account/change-password'),
      })
      assert.equal(signOff.status, 303)
      const html = await (await new TestBrowser(app.base).get('/')).text()
      assert.doesNotMatch(html, /<script>alert/)
      assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; rose this quarter/)
      assert.doesNotMatch(html, /Two girls aged 12/)
      const section = html.slice(html.indexOf('id="kpi-first-time-entrants"'))
      assert.match(section.slice(0, section.indexOf('</section>')), /Commentary withheld/)
      const kpiPage = await (await analyst.get('/kpis/knife-crime')).text()
      assert.doesNotMatch(kpiPage, /<script>alert/)
      assert.match(kpiPage, /&lt;script&gt;alert\(1\)/)
    })
  })
