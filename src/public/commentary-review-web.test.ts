import { onlyPartnership } from '../../test/support/partnership.ts'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'

/**
 * The review of withheld commentary on the publication page, over the demo data (the seed report's Appendix C): the
 * youth custody commentary ("One female received a custodial sentence") and the hate crime one ("… with 1
 * transgender") are withheld from the public page by disclosure control. The tests run in order on one app.
 */
const demoValues = parse(readFileSync(new URL('../../demo/performance-framework/values.csv', import.meta.url)), {
  columns: true,
}) as Record<string, string>[]
const demoCommentary = (indicator: string) =>
  demoValues.find((r) => r.indicator === indicator && r.period === 'FY2017-18-Q4')?.commentary ?? ''
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.-]+/

const PAGE = '/publication/2017-18'
const action = (kpi: string) => `${PAGE}/commentary/${kpi}`

/** The text hash the review form of a KPI carries. */
function formHash(html: string, kpi: string): string {
  const match = new RegExp(`action="${action(kpi)}"[\\s\\S]*?name="textHash" value="([0-9a-f]{64})"`).exec(html)
  assert.ok(match?.[1], `a review form for ${kpi}`)
  return match[1]
}

/** The public page's section of one KPI. */
function publicSection(html: string, kpi: string): string {
  const start = html.indexOf(`id="kpi-${kpi}"`)
  assert.ok(start > 0, `the public page has ${kpi}`)
  return html.slice(start, html.indexOf('</section>', start))
}

for (const dialect of testDialects())
  describe(`reviewing withheld commentary (${dialect})`, () => {
    let app: RunningApp
    let analyst: TestBrowser
    const anonymous = () => new TestBrowser(app.base)
    const reviewEvents = async (kpi: string) =>
      (await onlyPartnership(app.services)).audit.list({
        entityType: 'commentary-review',
        entityKey: `FY2017-18/${kpi}`,
      })
    const csvRow = async (kpi: string) => {
      const table = parse(await (await anonymous().get('/public/performance/2017-18.csv')).text(), {
        columns: true,
        bom: true,
      }) as Record<string, string>[]
      const rows = table.filter((r) => r['KPI id'] === kpi && r.Commentary !== '')
      assert.equal(rows.length <= 1, true, 'commentary on one row of the KPI at most')
      const row = table.find((r) => r['KPI id'] === kpi && r.Year === '2017/18' && r.Kind === 'year')
      return { commentary: row?.Commentary, source: row?.['Commentary source'], withText: rows.length }
    }

    /** A new publication of the year (an amendment): the analyst's publish approval with a reason, the board's sign-off. */
    const republish = async (reason: string) => {
      const publish = await analyst.post(`${PAGE}/publish`, { _csrf: await analyst.csrfTokenOf(PAGE), reason })
      assert.equal(publish.status, 303)
      const board = await app.signedIn('board-member')
      const signOff = await board.post(`${PAGE}/sign-off`, {
        _csrf: await board.csrfTokenOf('/account/change-password'),
      })
      assert.equal(signOff.status, 303)
    }

    before(async () => {
      app = await startDemoApp(dialect)
      analyst = await app.signedIn('partnership-analyst')
    })
    after(async () => {
      await app.stop()
    })

    it('lists each withheld commentary with its KPI, period, text and what was flagged; the public page withholds it', async () => {
      const html = await (await analyst.get(PAGE)).text()
      for (const kpi of ['youth-custody', 'hate-crime']) assert.match(html, new RegExp(`id="commentary-${kpi}"`))
      const custody = html.slice(
        html.indexOf('id="commentary-youth-custody"'),
        html.indexOf('id="commentary-hate-crime"'),
      )
      assert.match(custody, /Youth custody/)
      assert.match(custody, /2017\/18 Q4/)
      assert.match(custody, /One female received a custodial sentence\./)
      assert.match(custody, /“<strong>One<\/strong>” beside “<strong>female<\/strong>”/)
      assert.match(custody, /Not yet reviewed/)
      assert.equal(formHash(html, 'youth-custody'), sha256(demoCommentary('youth-custody')))
      // A KPI whose commentary nothing flags is not on the list (knife crime's is published as written).
      assert.doesNotMatch(html, /id="commentary-knife-crime"/)

      const home = await (await anonymous().get('/')).text()
      assert.match(publicSection(home, 'youth-custody'), /Commentary withheld/)
      assert.doesNotMatch(home, /One female/)
      assert.deepEqual(await csvRow('youth-custody'), { commentary: '', source: 'withheld', withText: 0 })
    })

    it('an analyst releases one as written: it waits for the next publication, then the public page, CSV and JSON show it; audited', async () => {
      const page = await (await analyst.get(PAGE)).text()
      const token = await analyst.csrfTokenOf(PAGE)
      const response = await analyst.post(action('youth-custody'), {
        _csrf: token,
        textHash: formHash(page, 'youth-custody'),
        decision: 'release',
        publicText: '',
      })
      assert.equal(response.status, 303)
      assert.equal(response.headers.get('location'), `${PAGE}#commentary-youth-custody`)
      const after = await (await analyst.get(PAGE)).text()
      assert.match(after, /Your decision about the commentary has been recorded\./)
      assert.match(after, /Published as written/)
      // The demo year was published at start-up: the decision waits for the next publication, and says so.
      assert.match(after, /Waits for the next publication/)
      assert.match(after, /1 review decision was made after the report was published/)
      const text = demoCommentary('youth-custody')
      assert.match(publicSection(await (await anonymous().get('/')).text(), 'youth-custody'), /Commentary withheld/)
      assert.deepEqual(await csvRow('youth-custody'), { commentary: '', source: 'withheld', withText: 0 })
      // The publication page lists it among what would change: the commentary, published "Withheld", now the text.
      const changed = after.slice(after.indexOf('id="changed-since-publication"'))
      assert.match(after, /Figures have changed since publication/)
      assert.match(
        changed,
        /Youth custody[^<]*<\/td><td class="govuk-table__cell">Commentary<\/td>\s*<td class="govuk-table__cell">Withheld<\/td><td class="govuk-table__cell">7 young offenders received[^<]*One female received/,
      )

      await republish('Youth custody commentary released after review')
      assert.match(
        await (await analyst.get(PAGE)).text(),
        /Nothing the public page shows has changed since publication/,
      )
      // The public page lists the amendment: when, why, and what changed (the commentary's state, not its text).
      const amended = await (await anonymous().get('/')).text()
      const amendments = amended.slice(amended.indexOf('id="amendments"'))
      assert.match(amendments, /Why: Youth custody commentary released after review/)
      assert.match(
        amendments,
        /Youth custody[^<]*<\/td><td class="govuk-table__cell">Commentary<\/td>\s*<td class="govuk-table__cell">Withheld<\/td><td class="govuk-table__cell">Published<\/td>/,
      )
      assert.match(amended, /amended 1 time since/)
      assert.match(publicSection(await (await anonymous().get('/')).text(), 'youth-custody'), /One female received/)
      assert.deepEqual(await csvRow('youth-custody'), { commentary: text, source: 'data owner', withText: 1 })
      const json = JSON.parse(await (await anonymous().get('/public/performance/2017-18.json')).text()) as {
        kpis: { id: string; commentary: string | null; commentaryReworded: boolean }[]
      }
      const kpi = json.kpis.find((k) => k.id === 'youth-custody')
      assert.deepEqual([kpi?.commentary, kpi?.commentaryReworded], [text, false])

      const events = await reviewEvents('youth-custody')
      assert.deepEqual(
        events.map((e) => [e.actor, e.action, e.before]),
        [['analyst@example.org', 'commentary-release', null]],
      )
      assert.equal((JSON.parse(events[0]?.after ?? '{}') as { text_sha256?: string }).text_sha256, sha256(text))
      // Saving the same decision again changes nothing and records nothing.
      const again = await analyst.post(action('youth-custody'), {
        _csrf: token,
        textHash: sha256(text),
        decision: 'release',
        publicText: '',
      })
      assert.equal(again.status, 303)
      assert.match(await (await analyst.get(PAGE)).text(), /That was already the decision/)
      assert.equal((await reviewEvents('youth-custody')).length, 1)
    })

    it('refuses a public wording that names a small number (inline error, nothing written), then publishes a clean one', async () => {
      const page = await (await analyst.get(PAGE)).text()
      const token = await analyst.csrfTokenOf(PAGE)
      const hash = formHash(page, 'hate-crime')
      const refused = await analyst.post(action('hate-crime'), {
        _csrf: token,
        textHash: hash,
        decision: 'reword',
        publicText: 'Hate crime rose; 1 transgender victim was targeted.',
      })
      assert.equal(refused.status, 400)
      const html = await refused.text()
      assert.match(html, /<title>Error: Publication of the 2017\/18 report/)
      assert.match(html, /There is a problem/)
      assert.match(html, /href="#publicText-hate-crime"/)
      assert.match(html, /id="publicText-hate-crime-error"[\s\S]*?“1” beside “transgender”/)
      assert.match(html, /Hate crime rose; 1 transgender victim was targeted\.<\/textarea>/, 'what was typed is kept')
      assert.deepEqual(await reviewEvents('hate-crime'), [])
      assert.match(publicSection(await (await anonymous().get('/')).text(), 'hate-crime'), /Commentary withheld/)

      const noChoice = await analyst.post(action('hate-crime'), { _csrf: token, textHash: hash, publicText: '' })
      assert.equal(noChoice.status, 400)
      assert.match(await noChoice.text(), /href="#decision-hate-crime"/)

      const wording = 'Hate crime rose by 11 offences on last year; most were race related.'
      const accepted = await analyst.post(action('hate-crime'), {
        _csrf: token,
        textHash: hash,
        decision: 'reword',
        publicText: wording,
      })
      assert.equal(accepted.status, 303)
      assert.match(publicSection(await (await anonymous().get('/')).text(), 'hate-crime'), /Commentary withheld/)
      await republish('Hate crime commentary published in the partnership’s wording')
      const section = publicSection(await (await anonymous().get('/')).text(), 'hate-crime')
      assert.match(section, new RegExp(wording.replace(/[.;]/g, '\\$&')))
      assert.match(section, /Worded for publication by the partnership/)
      assert.doesNotMatch(section, /transgender/)
      assert.deepEqual(await csvRow('hate-crime'), { commentary: wording, source: 'partnership wording', withText: 1 })

      const xlsx = await fetch(`${app.base}/public/performance/2017-18.xlsx`)
      assert.equal(xlsx.status, 200)
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(await xlsx.arrayBuffer())
      const sheet = workbook.getWorksheet('Published figures')
      assert.ok(sheet)
      const header = (sheet.getRow(1).values as unknown[]).slice(1)
      const column = (name: string) => header.indexOf(name) + 1
      const rows: unknown[][] = []
      sheet.eachRow((row) => {
        if (row.getCell(column('KPI id')).value === 'hate-crime' && row.getCell(column('Kind')).value === 'year') {
          rows.push([row.getCell(column('Year')).value, row.getCell(column('Commentary')).value])
        }
      })
      assert.deepEqual(rows, [
        ['2016/17', null],
        ['2017/18', wording],
      ])
    })

    it('withholds again when the data owner changes the commentary, until the new text is reviewed', async () => {
      const before = await (await analyst.get(PAGE)).text()
      const oldHash = formHash(before, 'youth-custody')
      const changed = 'Custodial sentences rose each quarter. Two girls aged 16 were sentenced in March.'
      const values =
        'indicator,period,value,numerator,denominator,percent,text,status,reason,commentary\n' +
        `youth-custody,FY2017-18-Q4,,7,46,15.2,,,,"${changed}"\n`
      const result = await (
        await onlyPartnership(app.services)
      ).performance.importFiles([{ name: 'values.csv', content: Buffer.from(values) }], 'police@example.org')
      assert.equal(result.outcome, 'applied', JSON.stringify(result))

      // The public page keeps what was published (the released text) until the year is published again.
      const home = await (await anonymous().get('/')).text()
      assert.match(publicSection(home, 'youth-custody'), /One female received/)
      assert.doesNotMatch(home, /Two girls/)

      const page = await (await analyst.get(PAGE)).text()
      const item = page.slice(page.indexOf('id="commentary-youth-custody"'))
      assert.match(item, /Withheld again: the commentary changed/)
      assert.match(item, /about an earlier\s+text/)
      assert.match(item, /“<strong>Two<\/strong>” beside “<strong>girls<\/strong>”/)
      const newHash = formHash(page, 'youth-custody')
      assert.equal(newHash, sha256(changed))

      // A decision posted from the page as it was (the old text's hash) is refused: it was about another text.
      const token = await analyst.csrfTokenOf(PAGE)
      const stale = await analyst.post(action('youth-custody'), {
        _csrf: token,
        textHash: oldHash,
        decision: 'release',
        publicText: '',
      })
      assert.equal(stale.status, 400)
      assert.match(await stale.text(), /changed since this page was opened/)
      assert.equal((await reviewEvents('youth-custody')).length, 1)

      const kept = await analyst.post(action('youth-custody'), {
        _csrf: token,
        textHash: newHash,
        decision: 'withhold',
        publicText: '',
      })
      assert.equal(kept.status, 303)
      assert.match(await (await analyst.get(PAGE)).text(), /Withheld after review/)
      await republish('Youth custody commentary changed by the data owner; withheld after review')
      const republished = await (await anonymous().get('/')).text()
      assert.match(publicSection(republished, 'youth-custody'), /Commentary withheld/)
      assert.doesNotMatch(republished, /One female|Two girls/)
      assert.deepEqual(await csvRow('youth-custody'), { commentary: '', source: 'withheld', withText: 0 })
      const events = await reviewEvents('youth-custody')
      assert.deepEqual(
        events.map((e) => e.action),
        ['commentary-release', 'commentary-withhold'],
      )
      const [beforeRow, afterRow] = [events[1]?.before, events[1]?.after].map(
        (r) => JSON.parse(r ?? 'null') as { text_sha256: string; decision: string },
      )
      assert.deepEqual(
        [beforeRow?.decision, beforeRow?.text_sha256, afterRow?.decision, afterRow?.text_sha256],
        ['release', oldHash, 'withhold', newHash],
      )
    })

    it('writes published commentary formula-safe in the public CSV and XLSX', async () => {
      const values =
        'indicator,period,value,numerator,denominator,percent,text,status,reason,commentary\n' +
        'knife-crime,FY2017-18-Q4,67,,,,,,,"=HYPERLINK(""http://example.invalid/"",""rose"")"\n'
      const result = await (
        await onlyPartnership(app.services)
      ).performance.importFiles([{ name: 'values.csv', content: Buffer.from(values) }], 'analyst@example.org')
      assert.equal(result.outcome, 'applied', JSON.stringify(result))
      await republish('Knife crime commentary added')
      const formula = '=HYPERLINK("http://example.invalid/","rose")'
      assert.deepEqual(await csvRow('knife-crime'), { commentary: `'${formula}`, source: 'data owner', withText: 1 })
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(await (await fetch(`${app.base}/public/performance/2017-18.xlsx`)).arrayBuffer())
      const cells: unknown[] = []
      workbook.getWorksheet('Published figures')?.eachRow((row) => {
        row.eachCell((cell) => {
          if (String(cell.value).includes('HYPERLINK') || cell.type === ExcelJS.ValueType.Formula)
            cells.push(cell.value)
        })
      })
      assert.deepEqual(cells, [`'${formula}`])
    })

    it('shows viewers and board members names, not emails; analysts and administrators see emails', async () => {
      const board = await app.signedIn('board-member')
      assert.equal(
        (await board.post(`${PAGE}/sign-off`, { _csrf: await board.csrfTokenOf('/account/change-password') })).status,
        303,
      )
      const reason = 'Approved again by the board'
      assert.equal(
        (await analyst.post(`${PAGE}/publish`, { _csrf: await analyst.csrfTokenOf(PAGE), reason })).status,
        303,
      )

      for (const role of ['viewer', 'board-member'] as const) {
        const browser = await app.signedIn(role)
        const html = await (await browser.get(PAGE)).text()
        assert.doesNotMatch(html, EMAIL, `${role}: no email address on the page`)
        assert.match(html, /Demo Partnership Analyst \(Partnership analyst\)/, `${role}: the analyst by name and role`)
        assert.match(html, /Demo Board Member \(Board member\)/, `${role}: the board member by name and role`)
        assert.doesNotMatch(html, new RegExp(`action="${PAGE}/commentary/`), `${role}: no review form`)
        const token = await browser.csrfTokenOf('/account/change-password')
        const post = await browser.post(action('hate-crime'), { _csrf: token, decision: 'withhold', textHash: '' })
        assert.equal(post.status, 403, `${role} may not review`)
      }
      for (const role of ['partnership-analyst', 'administrator'] as const) {
        const html = await (await (await app.signedIn(role)).get(PAGE)).text()
        assert.match(html, /analyst@example\.org/, `${role} sees emails`)
        assert.match(html, /board@example\.org/, `${role} sees emails`)
      }
      // Nor do the public downloads name anyone.
      assert.doesNotMatch(await (await anonymous().get('/public/performance/2017-18.json')).text(), EMAIL)
      assert.doesNotMatch(await (await anonymous().get('/public/performance/2017-18.csv')).text(), EMAIL)
    })
  })
