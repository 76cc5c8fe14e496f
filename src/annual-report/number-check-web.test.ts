import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Document, Packer, Paragraph } from 'docx'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'

const textOnly = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')

for (const dialect of testDialects()) {
  describe(`the number checker's pages (${dialect})`, () => {
    let app: RunningApp
    before(async () => {
      app = await startDemoApp(dialect)
    })
    after(() => app?.stop())

    test('the seed comparison lists what the seed printed and what the data says', async () => {
      const board = await app.signedIn('board-member')
      const page = await board.get('/annual-report/2017-18/seed-comparison')
      assert.equal(page.status, 200)
      const html = await page.text()
      const text = textOnly(html)
      assert.match(text, /What the seed printed and what the data says/)
      // Knife crime: 30 on 191 is 15.7%; Appendix A: £339,995 + £38,435 = £378,430.
      const contradictions = html.slice(html.indexOf('id="contradictions"'), html.indexOf('id="agreements"'))
      assert.match(textOnly(contradictions), /356 “30 offences \(16\.5%\) - 4th” Contradicts 15\.7%/)
      assert.match(textOnly(contradictions), /570 “£378,390” Contradicts £378,430/)
      assert.match(textOnly(contradictions), /402 “336 out of 384” Contradicts 385/)
      assert.match(text, /Contains public sector information licensed under the Open Government Licence v3\.0/)
      // Another year, or a year that is not one, does not exist here.
      assert.equal((await board.get('/annual-report/2018-19/seed-comparison')).status, 404)
      assert.equal((await board.get('/annual-report/nonsense/seed-comparison')).status, 404)
    })

    test('an editor pastes text and sees each finding; a reader may not; a bad file is refused, saying why', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const form = await analyst.get('/annual-report/2017-18/check')
      assert.equal(form.status, 200)
      const csrf = await analyst.csrfTokenOf('/account/change-password')
      const pasted = new FormData()
      // Gun crime: 33 to 63 is +90.9%; hate crime from 374 to 385.
      pasted.append('text', 'Gun crime increased by 73% this year.\nHate Crime increased from 374 to 385 offences.')
      pasted.append('acknowledged', '')
      const checked = await analyst.request(`/annual-report/2017-18/check?_csrf=${csrf}`, {
        method: 'POST',
        body: pasted,
      })
      assert.equal(checked.status, 200)
      const text = textOnly(await checked.text())
      assert.match(text, /1 of the 3 numbers contradict the data/)
      assert.match(text, /1 “increased by 73% this year\.” Contradicts 90\.9%/)
      assert.match(text, /2 “from 374 to 385 offences” Agrees 374/)

      const document = new Document({
        sections: [{ children: [new Paragraph('Knife crime rose by 30 offences (15.7%).')] }],
      })
      const upload = new FormData()
      upload.append('text', '')
      upload.append('file', new Blob([await Packer.toBuffer(document)]), 'report.docx')
      const fromWord = await analyst.request(`/annual-report/2017-18/check?_csrf=${csrf}`, {
        method: 'POST',
        body: upload,
      })
      assert.equal(fromWord.status, 200)
      assert.match(
        textOnly(await fromWord.text()),
        /Findings in report\.docx .*No number contradicts the data \(2 numbers checked/,
      )

      const wrong = new FormData()
      wrong.append('file', new Blob([Buffer.from('%PDF-1.7')]), 'report.pdf')
      const refused = await analyst.request(`/annual-report/2017-18/check?_csrf=${csrf}`, {
        method: 'POST',
        body: wrong,
      })
      assert.equal(refused.status, 400)
      const refusedText = textOnly(await refused.text())
      assert.match(
        refusedText,
        /There is a problem Give a plain text \(\.txt\), Markdown \(\.md\) or Word \(\.docx\) file/,
      )
      assert.doesNotMatch(refusedText, /Findings/)

      const both = new FormData()
      both.append('text', 'Knife crime rose by 30.')
      both.append('file', new Blob([Buffer.from('Hate crime 385')]), 'a.txt')
      const twice = await analyst.request(`/annual-report/2017-18/check?_csrf=${csrf}`, { method: 'POST', body: both })
      assert.equal(twice.status, 400)
      assert.match(textOnly(await twice.text()), /Paste a text or choose a file, not both/)

      const empty = await analyst.request(`/annual-report/2017-18/check?_csrf=${csrf}`, {
        method: 'POST',
        body: new FormData(),
      })
      assert.equal(empty.status, 400)

      // Without the csrf token, nothing is checked.
      const forged = new FormData()
      forged.append('text', 'Knife crime rose by 30.')
      assert.equal(
        (await analyst.request('/annual-report/2017-18/check', { method: 'POST', body: forged })).status,
        403,
      )

      const board = await app.signedIn('board-member')
      assert.equal((await board.get('/annual-report/2017-18/check')).status, 403)
    })
  })
}
