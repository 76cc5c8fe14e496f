import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import ExcelJS from 'exceljs'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'

/** The budget page and its import over HTTP, by role, with the demo partnership's money (the seed's). */
for (const dialect of testDialects()) {
  describe(`budget pages (${dialect})`, () => {
    let app: RunningApp
    before(async () => {
      app = await startDemoApp(dialect, { dataDirectoryPrefix: 'saferhub-budget-web-' })
    })
    after(() => app.stop())

    const demoPartnership = async () => {
      const found = await app.services.partnerships.findBySlug('wolverhampton')
      assert.ok(found)
      return app.services.forPartnership(found)
    }
    const pccId = async () => {
      const scoped = await demoPartnership()
      const stream = (await scoped.budget.streams()).find((s) => s.name === 'PCC grant')
      assert.ok(stream, 'the demo has the PCC grant')
      return String(stream.id)
    }

    it('shows the seed’s 2018/19 PCC budget summed right, and marks the illustrative figures', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const page = await analyst.get('/funding?year=FY2018-19')
      assert.equal(page.status, 200)
      const html = await page.text()
      assert.ok(
        html.includes('The 2018/19 budget is £378,430: income £339,995 + carry-forward £38,435.'),
        'the PCC grant',
      )
      // The VAWG fund's split by year is not the seed's: it is labelled wherever shown.
      assert.match(html, /VAWG Service Transformation Fund[\s\S]*Illustrative figure \(not Wolverhampton’s\)/)
      assert.match(html, /£166,666\.67/)
      assert.match(html, /Change the money/)
      for (const link of ['/funding/services', '/funding/providers', '/funding/appendix-a', '/funding/360giving'])
        assert.ok(html.includes(`href="${link}`), link)
    })

    it('lets a board member read it but not change it, and hides it from a data owner', async () => {
      const board = await app.signedIn('board-member')
      const page = await board.get('/funding?year=FY2018-19')
      assert.equal(page.status, 200)
      const html = await page.text()
      assert.ok(html.includes('£378,430'))
      assert.ok(!html.includes('Change the money'))
      const csrf = await board.csrfTokenOf('/account/change-password')
      const refused = await board.post('/funding/awards', {
        _csrf: csrf,
        stream: await pccId(),
        year: 'FY2018-19',
        awarded: '1',
      })
      assert.equal(refused.status, 403)

      const owner = await app.signedIn('data-owner')
      assert.equal((await owner.get('/funding')).status, 404)
      assert.equal((await owner.get('/funding?year=FY2018-19')).status, 404)
      const viewer = await app.signedIn('viewer')
      assert.equal((await viewer.get('/funding')).status, 403)
    })

    it('lets an analyst set an award (audited) and shows an error summary for an amount it cannot read', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const csrf = await analyst.csrfTokenOf('/funding?year=FY2018-19')
      const bad = await analyst.post('/funding/awards', {
        _csrf: csrf,
        pageYear: 'FY2018-19',
        stream: await pccId(),
        year: 'FY2018-19',
        awarded: '£339K',
      })
      assert.equal(bad.status, 400)
      const badHtml = await bad.text()
      assert.match(badHtml, /There is a problem/)
      assert.match(badHtml, /href="#awarded"/)
      assert.match(badHtml, /uses a multiplier/)
      assert.match(badHtml, /value="£339K"/, 'what was typed is kept')

      const saved = await analyst.post('/funding/awards', {
        _csrf: csrf,
        pageYear: 'FY2018-19',
        stream: await pccId(),
        year: 'FY2018-19',
        awarded: '339,995',
        received: '84,998.75',
      })
      assert.equal(saved.status, 303)
      assert.equal(saved.headers.get('location'), '/funding?year=FY2018-19')
      const html = await (await analyst.get('/funding?year=FY2018-19')).text()
      assert.match(html, /2018\/19: £339,995 \(received £84,998\.75\)/)
      const events = await (await demoPartnership()).audit.list({ entityType: 'funding-award' })
      const last = events.at(-1)
      assert.equal(last?.action, 'update')
      assert.equal(last?.actor, 'analyst@example.org')
      assert.equal((JSON.parse(last?.after ?? '{}') as { receivedPence: number }).receivedPence, 8_499_875)
    })

    it('says the carry-forward agreed out of the year beside what is left', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const csrf = await analyst.csrfTokenOf('/funding?year=FY2018-19')
      const saved = await analyst.post('/funding/carry-forwards', {
        _csrf: csrf,
        pageYear: 'FY2018-19',
        stream: await pccId(),
        intoYear: 'FY2019-20',
        amount: '1,000',
      })
      assert.equal(saved.status, 303)
      const html = await (await analyst.get('/funding?year=FY2018-19')).text()
      // What is left depends on the demo's forecasts (there only once the plan's priorities are loaded); the
      // computation itself is tested in src/domain/budget.test.ts.
      assert.match(html, /PCC grant: £1,000 agreed to carry into 2019\/20; £[\d,.]+ is left to carry forward\./)
    })

    it('is not found at another partnership’s address', async () => {
      const added = await app.services.partnerships.add('test', { name: 'Northshire', code: 'E22000998' })
      assert.ok(added.ok)
      const analyst = await app.signedIn('partnership-analyst')
      assert.equal((await analyst.get(`/p/${added.value.slug}/funding`)).status, 404)
      assert.equal((await analyst.get(`/p/${added.value.slug}/funding/streams/${await pccId()}`)).status, 404)
    })

    it('imports a workbook: preview with the typed budget flagged, confirm, and the flag again after', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const csrf = await analyst.csrfTokenOf('/account/change-password')
      const book = new ExcelJS.Workbook()
      book.addWorksheet('Awards').addRows([
        ['Stream', 'Year', 'Awarded', 'Budget'],
        ['PCC grant', 'FY2018-19', '339,995', '378,390'],
      ])
      const form = new FormData()
      form.append('workbook', new Blob([Buffer.from(await book.xlsx.writeBuffer())]), 'appendix-a.xlsx')
      const uploaded = await analyst.request(`/funding/import?_csrf=${csrf}`, { method: 'POST', body: form })
      assert.equal(uploaded.status, 303)
      const location = uploaded.headers.get('location') ?? ''
      assert.match(location, /^\/funding\/import\/[0-9a-f]{32}$/)
      const preview = await (await analyst.get(location)).text()
      assert.ok(
        preview.includes(
          'PCC grant: the 2018/19 budget is £378,430: income £339,995 + carry-forward £38,435; the sheet says £378,390.',
        ),
      )
      assert.match(preview, /Confirm and import/)
      // Someone else (the administrator, who may edit too) cannot see another person's upload.
      const admin = await app.signedIn('administrator')
      assert.equal((await admin.get(location)).status, 404)

      const confirmed = await analyst.post(`${location}/confirm`, { _csrf: csrf })
      assert.equal(confirmed.status, 303)
      const after = await (await analyst.get('/funding/import')).text()
      assert.match(after, /Budget workbook imported/)
      assert.match(after, /the sheet says £378,390/)
      const template = await analyst.get('/funding/import/template.xlsx')
      assert.equal(template.status, 200)
      assert.match(template.headers.get('content-disposition') ?? '', /saferhub-budget-template\.xlsx/)
    })
  })
}
