import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import { addUserWithPassword } from '../../test/support/accounts.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { ILLUSTRATIVE_LABEL } from './appendix-a.ts'
import { addSpend, clearMoney, seedMoney } from './testing/seed-money.ts'

/**
 * Appendix A over HTTP, on the demo (its 2018/19 has the seed's narrative and was published by the demo loader before
 * any money was recorded) with the money of testing/seed-money.ts added. Expected figures are the hand-worked ones of
 * appendix-a.test.ts. The tests run in order on one app.
 */
const PAGE = '/funding/appendix-a/FY2018-19'
const SEED_CHECK = 'the budget is £378,430: income £339,995 + carry-forward £38,435; the text says £378,390'

const decode = (html: string) =>
  html
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')

for (const dialect of testDialects())
  describe(`Appendix A on the web (${dialect})`, () => {
    let app: RunningApp
    let ids: Awaited<ReturnType<typeof seedMoney>>
    before(async () => {
      app = await startDemoApp(dialect)
      const demo = await onlyPartnership(app.services)
      // The demo's own money (src/funding/budget-demo.ts) gives way to the fixture's, whose figures are worked by hand.
      await clearMoney(demo.database)
      ids = await seedMoney(demo.database)
    })
    after(() => app.stop())

    it('shows the computed totals, the illustrative marks and the seed’s £40, to those who read the money', async () => {
      for (const role of ['partnership-analyst', 'board-member', 'regional-analyst'] as const) {
        const browser = await app.signedIn(role)
        const response = await browser.get(PAGE)
        assert.equal(response.status, 200, role)
        const html = decode(await response.text())
        assert.ok(html.includes('The 2018/19 budget is £398,430: income £359,995 + carry-forward £38,435.'), role)
        assert.match(html, /id="total-budget"><strong>£398,430</)
        assert.match(html, /id="total-allocated"><strong>£335,000.50</)
        assert.match(html, /id="total-spent"><strong>£108,000.25</)
        assert.ok(html.includes(SEED_CHECK), `${role} sees the narrative check`)
        assert.ok(html.includes(ILLUSTRATIVE_LABEL))
      }
    })

    it('is not there for a provider’s data owner (404), and refused to a viewer (403)', async () => {
      const owner = await app.signedIn('data-owner')
      for (const path of [PAGE, `${PAGE}.csv`, '/funding/appendix-a', '/funding/360giving', '/funding/360giving.json'])
        assert.equal((await owner.get(path)).status, 404, path)
      const viewer = await app.signedIn('viewer')
      assert.equal((await viewer.get(PAGE)).status, 403)
      assert.equal((await new TestBrowser(app.base).get(PAGE)).status, 303, 'nobody signed in: to the sign-in page')
    })

    it('downloads CSV and XLSX with the illustrative column, and a standalone HTML page', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const csv = await analyst.get(`${PAGE}.csv`)
      assert.equal(csv.status, 200)
      const rows = parse(await csv.text(), { columns: true, bom: true }) as Record<string, string>[]
      assert.equal(rows.find((r) => r.Section === 'Total')?.['Budget (£)'], '398430')
      assert.deepEqual(
        rows.filter((r) => r.Illustrative === ILLUSTRATIVE_LABEL).map((r) => r.Name),
        ['Comic Relief (Comic Relief)', 'Reducing reoffending', 'S3 Youth outreach', '2018/19 total'],
      )
      const xlsx = await fetch(new URL(`${PAGE}.xlsx`, app.base), { headers: { cookie: analyst.cookieHeader() } })
      assert.equal(xlsx.status, 200)
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(await xlsx.arrayBuffer())
      const header = (workbook.getWorksheet('Appendix A')?.getRow(1).values as unknown[]).slice(1)
      assert.ok(header.includes('Illustrative'))
      const html = await analyst.get(`${PAGE}.html`)
      assert.equal(html.status, 200)
      assert.match(html.headers.get('content-disposition') ?? '', /attachment/)
      assert.ok(decode(await html.text()).includes(ILLUSTRATIVE_LABEL))
    })

    it('checks a narrative before saving it, and saves it audited with before and after', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const form = `${PAGE}/narrative`
      const csrf = await analyst.csrfTokenOf(form)
      const corrected =
        'The total income allocated from PCC was £339,995. This, along with an agreed carry forward of £38,435, amounted to a budget of £378,430.'
      const checked = await analyst.post(form, { _csrf: csrf, narrative: corrected, action: 'check' })
      assert.equal(checked.status, 200)
      assert.ok((await checked.text()).includes('The amounts this text states agree with the computed figures.'))
      const stillSeed = decode(await (await analyst.get(PAGE)).text())
      assert.ok(stillSeed.includes(SEED_CHECK), 'a check writes nothing')

      const saved = await analyst.post(form, { _csrf: csrf, narrative: corrected, action: 'save' })
      assert.equal(saved.status, 303)
      const page = decode(await (await analyst.get(PAGE)).text())
      assert.ok(!page.includes(SEED_CHECK))
      const events = await (await onlyPartnership(app.services)).audit.list({ entityType: 'appendix-a-narrative' })
      const event = events.find((e) => e.actor === 'analyst@example.org' && e.action === 'update')
      assert.ok(event, 'the change is audited')
      assert.match(JSON.stringify(event.before), /£378,390/)
      assert.match(JSON.stringify(event.after), /£378,430/)
    })

    it('publishes only with two different people approving the same figures, and serves the snapshot', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const administrator = await app.signedIn('administrator')
      const hashOn = async (browser: TestBrowser) =>
        /name="contentSha256" value="([0-9a-f]{64})"/.exec(await (await browser.get(PAGE)).text())?.[1] ?? ''
      const approve = async (browser: TestBrowser, hash: string) =>
        browser.post(`${PAGE}/approve`, { _csrf: await browser.csrfTokenOf(PAGE), contentSha256: hash })

      // The demo loader published 2018/19 with the demo's own money, which the fixture's has since replaced: the public
      // page still serves what was published, not the live £398,430.
      const before = decode(await (await new TestBrowser(app.base).get('/public/appendix-a/FY2018-19')).text())
      assert.match(before, /The 2018\/19 budget is £/)
      assert.ok(!before.includes('£398,430'), 'the public page serves what was published')
      assert.match(decode(await (await analyst.get(PAGE)).text()), /changed since publication/)

      const hash = await hashOn(analyst)
      assert.equal((await approve(analyst, 'f'.repeat(64))).status, 400, 'an approval of other figures is refused')
      assert.match((await approve(analyst, hash)).headers.get('location') ?? '', /approval=recorded/)
      assert.match(
        (await approve(analyst, hash)).headers.get('location') ?? '',
        /approval=already/,
        'one person counts once',
      )
      const stillOld = decode(await (await new TestBrowser(app.base).get('/public/appendix-a/FY2018-19')).text())
      const main = (html: string) => /<main[^]*<\/main>/.exec(html)?.[0]
      assert.equal(main(stillOld), main(before), 'one approval publishes nothing')

      assert.match(
        (await approve(administrator, await hashOn(administrator))).headers.get('location') ?? '',
        /approval=published/,
      )
      const published = decode(await (await new TestBrowser(app.base).get('/public/appendix-a/FY2018-19')).text())
      assert.ok(published.includes('The 2018/19 budget is £398,430: income £359,995 + carry-forward £38,435.'))
      assert.ok(published.includes(ILLUSTRATIVE_LABEL))
      const publicCsv = await new TestBrowser(app.base).get('/public/appendix-a/FY2018-19.csv')
      assert.equal(publicCsv.status, 200)

      // A figure changed after publication waits for two new approvals.
      await addSpend((await onlyPartnership(app.services)).database, ids.pcc, ids.services.s1, 1_000_000)
      assert.match(decode(await (await analyst.get(PAGE)).text()), /id="total-spent"><strong>£118,000.25</)
      const unchanged = decode(await (await new TestBrowser(app.base).get('/public/appendix-a/FY2018-19')).text())
      assert.match(unchanged, /id="total-spent"><strong>£108,000.25</)
      assert.match(decode(await (await analyst.get(PAGE)).text()), /changed since publication/)
      // The first round's approver's approval was of other figures: they approve again, and it still needs a second.
      assert.match((await approve(analyst, await hashOn(analyst))).headers.get('location') ?? '', /approval=recorded/)
      assert.match(
        (await approve(administrator, await hashOn(administrator))).headers.get('location') ?? '',
        /approval=published/,
      )
      const republished = decode(await (await new TestBrowser(app.base).get('/public/appendix-a/FY2018-19')).text())
      assert.match(republished, /id="total-spent"><strong>£118,000.25</)
      assert.match(republished, /publication 3 of the year/)
    })

    it('refuses approval to those who may not publish (403)', async () => {
      for (const role of ['board-member', 'viewer', 'data-owner'] as const) {
        const browser = await app.signedIn(role)
        const csrf = await browser.csrfTokenOf('/sign-out')
        assert.equal((await browser.post(`${PAGE}/approve`, { _csrf: csrf, contentSha256: 'x' })).status, 403, role)
      }
    })

    // Last: it adds a second partnership to the instance.
    it('keeps each partnership’s Appendix A and 360Giving export to its own people', async () => {
      const added = await app.services.partnerships.add('test', { name: 'Northshire', code: 'E22000999' })
      assert.ok(added.ok)
      const northshire = app.services.forPartnership(added.value)
      await seedMoney(northshire.database, { tag: 'N' })
      const canary = 'CANARY-NORTHSHIRE-7e1 The total income was £339,995.'
      const person = await addUserWithPassword(northshire.accounts, {
        email: 'analyst@northshire.example',
        role: 'partnership-analyst',
        password: 'maple-harbour-quiet-seventy',
      })
      await northshire.appendixA.saveNarrative({ ...person, email: person.email }, 'FY2018-19', canary)
      const theirs = new TestBrowser(app.base)
      assert.equal((await theirs.signIn('analyst@northshire.example', 'maple-harbour-quiet-seventy')).status, 303)
      const own = `/p/${added.value.slug}${PAGE}`
      const page = await theirs.get(own)
      assert.equal(page.status, 200)
      assert.ok((await page.text()).includes('CANARY-NORTHSHIRE-7e1'))

      const demoAnalyst = await app.signedIn('partnership-analyst')
      for (const path of [own, `${own}.csv`, `/p/${added.value.slug}/funding/360giving.json`])
        assert.equal((await demoAnalyst.get(path)).status, 404, path)
      const demoSlug = (await onlyDemo()).slug
      for (const path of [
        `/p/${demoSlug}${PAGE}`,
        `/p/${demoSlug}${PAGE}.csv`,
        `/p/${demoSlug}/public/appendix-a/FY2018-19`,
      ]) {
        const response = await demoAnalyst.get(path)
        assert.equal(response.status, 200, path)
        assert.ok(!(await response.text()).includes('CANARY-NORTHSHIRE'), `${path} holds nothing of Northshire's`)
      }
      assert.equal((await theirs.get(`/p/${demoSlug}${PAGE}`)).status, 404, 'nor the other way')
      assert.equal(
        (await new TestBrowser(app.base).get(`/p/${added.value.slug}/public/appendix-a/FY2018-19`)).status,
        404,
      )
    })

    const onlyDemo = async () => {
      const demo = await app.services.partnerships.findBySlug('wolverhampton')
      assert.ok(demo)
      return demo
    }

    it('answers 404 for a year with nothing, and for the public page of a year never published', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const demo = `/p/${(await onlyDemo()).slug}`
      assert.equal((await analyst.get(`${demo}/funding/appendix-a/FY2010-11`)).status, 404)
      assert.equal((await analyst.get(`${demo}/funding/appendix-a/2018-19`)).status, 404)
      assert.equal((await new TestBrowser(app.base).get(`${demo}/public/appendix-a/FY2010-11`)).status, 404)
    })
  })
