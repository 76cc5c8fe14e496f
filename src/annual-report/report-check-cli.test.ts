import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Document, Packer, Paragraph, HeadingLevel } from 'docx'
import { loadConfig } from '../config.ts'
import { createServices, type Services } from '../composition-root.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { SEED_NARRATIVE_FILE } from './seed-comparison.ts'
import { docxParagraphs, readReportText } from './number-check-input.ts'
import { reportCheckCommand } from './report-check-cli.ts'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, output: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } }
}

async function wordDocument(paragraphs: readonly string[]): Promise<Buffer> {
  const document = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: 'Violence Prevention', heading: HeadingLevel.HEADING_1 }),
          ...paragraphs.map((text) => new Paragraph(text)),
        ],
      },
    ],
  })
  return Packer.toBuffer(document)
}

describe('reading a file to check', () => {
  it('reads a Word document as its paragraphs, one a line', async () => {
    const read = await readReportText(
      'report.docx',
      await wordDocument(['Knife crime rose by 30 offences (16.5%) & more.', 'Hate crime: 385 offences.']),
    )
    assert.deepEqual(read, {
      ok: true,
      text: 'Violence Prevention\nKnife crime rose by 30 offences (16.5%) & more.\nHate crime: 385 offences.',
    })
    assert.deepEqual(
      docxParagraphs('<w:p><w:r><w:t xml:space="preserve">a </w:t><w:tab/><w:t>b</w:t></w:r></w:p><w:p/>'),
      ['a \tb', ''],
    )
  })

  it('refuses what is not text, Markdown or a Word document, saying why', async () => {
    assert.deepEqual(await readReportText('report.pdf', Buffer.from('%PDF-1.7')), {
      ok: false,
      message: 'Give a plain text (.txt), Markdown (.md) or Word (.docx) file',
    })
    const notWord = await readReportText('report.docx', Buffer.from('plain text'))
    assert.equal(notWord.ok, false)
    const binary = await readReportText('report.txt', Buffer.from([0x41, 0x00, 0x42]))
    assert.deepEqual(binary, { ok: false, message: 'The file is not text' })
  })
})

for (const dialect of testDialects()) {
  describe(`saferhub report check (${dialect})`, () => {
    let services: Services
    let folder: string
    before(async () => {
      const database = await openTestDatabase(dialect)
      services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true' }), { database })
      folder = fs.mkdtempSync(path.join(os.tmpdir(), 'saferhub-check-'))
    })
    after(async () => {
      await services.close()
      fs.rmSync(folder, { recursive: true, force: true })
    })

    it("prints every finding of the seed's narrative with its line and exits 1 on a contradiction", async () => {
      const acknowledged = path.join(folder, 'acknowledged.txt')
      fs.writeFileSync(acknowledged, '# facts we hold ourselves\n217 Twitter followers\n')
      const { out, err, output } = capture()
      const status = await reportCheckCommand.run(
        [SEED_NARRATIVE_FILE, '--year', '2017/18', '--acknowledged', acknowledged],
        services,
        output,
      )
      assert.equal(status, 1, err.join(''))
      const lines = out.join('').split('\n')
      // Knife crime: 30 on 191 is 15.7%; the budget: £339,995 + £38,435 = £378,430.
      assert.ok(
        lines.some((l) => l.startsWith('line 356: contradicts — "30 offences (16.5%) - 4th": the data gives 15.7% (')),
        lines.join('\n'),
      )
      assert.ok(
        lines.some((l) => l.startsWith('line 570: contradicts — "£378,390": the data gives £378,430 (PCC grant')),
      )
      assert.ok(lines.some((l) => l.startsWith('line 404: acknowledged — ')))
      assert.ok(lines.some((l) => l.startsWith('line 404: unsourced — ') && l.includes('134')))
      assert.match(out.join(''), /\d+ numbers checked against \d+ figures for 2017\/18: .*\d+ contradict the data/)
    })

    it('exits 0 for a Word document whose numbers agree', async () => {
      const file = path.join(folder, 'good.docx')
      // Knife crime 191 → 221: up 30 (15.7%); hate crime 374 → 385.
      fs.writeFileSync(
        file,
        await wordDocument([
          'Violent crimes with a knife or bladed weapon rose by 30 offences (15.7%).',
          'Hate Crime increased from 374 to 385 offences.',
        ]),
      )
      const { out, err, output } = capture()
      assert.equal(await reportCheckCommand.run([file, '--year', 'FY2017-18'], services, output), 0, err.join(''))
      assert.match(out.join(''), /^line 2: agrees — .*kpi:knife-crime:change:FY2017-18/m)
      assert.match(out.join(''), /^line 3: agrees — "from 374 to 385 offences": kpi:hate-crime:baseline:FY2017-18/m)
      assert.match(out.join(''), /4 numbers checked .*: 4 agree with a figure in saferhub\./)
    })

    it('refuses a missing year, a missing file or an unknown option, with exit status 2', async () => {
      const noYear = capture()
      assert.equal(await reportCheckCommand.run([SEED_NARRATIVE_FILE], services, noYear.output), 2)
      assert.match(noYear.err.join(''), /--year 2017\/18/)
      const missing = capture()
      assert.equal(
        await reportCheckCommand.run([path.join(folder, 'none.txt'), '--year', '2017/18'], services, missing.output),
        2,
      )
      assert.match(missing.err.join(''), /Cannot read .*none\.txt: ENOENT/)
      const unknown = capture()
      assert.equal(
        await reportCheckCommand.run([SEED_NARRATIVE_FILE, '--year', '2017/18', '--fix'], services, unknown.output),
        2,
      )
      assert.match(unknown.err.join(''), /Unexpected option: --fix/)
      const empty = capture()
      assert.equal(await reportCheckCommand.run([SEED_NARRATIVE_FILE, '--year', '2009/10'], services, empty.output), 2)
      assert.match(empty.err.join(''), /holds no figures for 2009\/10/)
    })
  })
}
