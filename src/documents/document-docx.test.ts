import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { describe, it } from 'node:test'
import yauzl from 'yauzl'
import type { DocumentBlock, DocumentSection, PrintableDocument } from './document.ts'
import { documentDocx } from './document-docx.ts'
import { DEFAULT_CHROMIUM, PdfPrinter, type ChartRasteriser } from './pdf-printer.ts'
import { sampleDocument } from './testing/sample-document.ts'

/** Every file in the DOCX (a zip), as text. */
function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error)
      const files = new Map<string, Buffer>()
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError)
          const chunks: Buffer[] = []
          stream.on('data', (chunk: Buffer) => chunks.push(chunk))
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks))
            zip.readEntry()
          })
        })
      })
      zip.on('end', () => resolve(files))
      zip.on('error', reject)
      zip.readEntry()
    })
  })
}

/** A 1×1 PNG: the DOCX's structure does not depend on the picture, so these tests need no browser. */
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
)
const pixels: ChartRasteriser = { chartPng: () => Promise.resolve({ png: PIXEL, width: 520, height: 220 }) }

const doc: PrintableDocument = {
  ...sampleDocument({ chapters: 2, tables: 3, charts: 2, paragraphsPerChapter: 2 }),
  watermark: 'Draft: not approved',
}
function sectionsOf(sections: readonly DocumentSection[]): DocumentSection[] {
  return sections.flatMap((s) => [s, ...sectionsOf(s.sections ?? [])])
}
const blocks: DocumentBlock[] = sectionsOf(doc.sections).flatMap((s) => [...s.blocks])

describe('the DOCX', () => {
  it('uses Word’s Title and Heading 1..3 styles, in the document’s order', async () => {
    const xml = (await unzip(await documentDocx(doc, pixels))).get('word/document.xml')?.toString('utf8') ?? ''
    const styles = [...xml.matchAll(/<w:pStyle w:val="(Title|Heading\d)"\/>/g)].map((m) => m[1])
    const walk = (sections: readonly DocumentSection[], depth: number): string[] =>
      sections.flatMap((s) => [`Heading${depth}`, ...walk(s.sections ?? [], depth + 1)])
    assert.deepEqual(styles, ['Title', ...walk(doc.sections, 1)])
    // Each heading's text, in order.
    const headingTexts = [...xml.matchAll(/<w:pStyle w:val="Heading\d"\/>[^]*?<w:t[^>]*>([^<]*)<\/w:t>/g)].map(
      (m) => m[1],
    )
    assert.deepEqual(
      headingTexts,
      sectionsOf(doc.sections).map((s) => s.heading),
    )
  })

  it('writes each table with a repeating header row, then its rows', async () => {
    const xml = (await unzip(await documentDocx(doc, pixels))).get('word/document.xml')?.toString('utf8') ?? ''
    const tables = [...xml.matchAll(/<w:tbl>([^]*?)<\/w:tbl>/g)].map((m) => m[1] ?? '')
    const expected = blocks.flatMap((b) => (b.kind === 'table' ? [b] : b.kind === 'chart' ? [b.table] : []))
    assert.equal(tables.length, expected.length)
    tables.forEach((table, i) => {
      const rows = [...table.matchAll(/<w:tr>([^]*?)<\/w:tr>/g)].map((m) => m[1] ?? '')
      assert.equal(rows.length, (expected[i]?.rows.length ?? 0) + 1, `table ${i + 1}: a header row and its rows`)
      assert.match(rows[0] ?? '', /<w:tblHeader\/>/, 'the first row repeats on each page')
      for (const row of rows.slice(1)) assert.doesNotMatch(row, /<w:tblHeader/)
      const firstCell = /<w:t[^>]*>([^<]*)<\/w:t>/.exec(rows[0] ?? '')?.[1]
      assert.equal(firstCell, expected[i]?.head[0])
    })
  })

  it('gives each chart’s picture its alternative text (descr), with unique ids', async () => {
    const xml = (await unzip(await documentDocx(doc, pixels))).get('word/document.xml')?.toString('utf8') ?? ''
    const pictures = [...xml.matchAll(/<wp:docPr id="(\d+)" name="([^"]*)" descr="([^"]*)"/g)]
    const charts = blocks.flatMap((b) => (b.kind === 'chart' ? [b] : []))
    assert.deepEqual(
      pictures.map((p) => p[3]),
      charts.map((c) => c.alt),
    )
    assert.equal(new Set(pictures.map((p) => p[1])).size, pictures.length)
    assert.equal((xml.match(/<w:drawing>/g) ?? []).length, charts.length)
  })

  it('is in British English, with its title and author in the file’s properties', async () => {
    const files = await unzip(await documentDocx(doc, pixels))
    const styles = files.get('word/styles.xml')?.toString('utf8') ?? ''
    const defaults = /<w:docDefaults>([^]*?)<\/w:docDefaults>/.exec(styles)?.[1] ?? ''
    assert.match(defaults, /<w:lang w:val="en-GB"\/>/)
    const core = files.get('docProps/core.xml')?.toString('utf8') ?? ''
    assert.match(core, /<dc:title>Safer Wolverhampton Partnership annual report 2017\/18<\/dc:title>/)
    assert.match(core, /<dc:creator>Safer Wolverhampton Partnership<\/dc:creator>/)
  })

  it('writes lists as numbered or bulleted paragraphs, notes shaded, the watermark first', async () => {
    const files = await unzip(await documentDocx(doc, pixels))
    const xml = files.get('word/document.xml')?.toString('utf8') ?? ''
    const items = blocks.reduce((n, b) => n + (b.kind === 'list' ? b.items.length : 0), 0)
    assert.equal((xml.match(/<w:numPr>/g) ?? []).length, items)
    const notes = blocks.filter((b) => b.kind === 'note').length
    // Each note: its title and its text, in the shaded Note style.
    assert.equal((xml.match(/<w:pStyle w:val="Note"\/>/g) ?? []).length, notes * 2)
    const styles = files.get('word/styles.xml')?.toString('utf8') ?? ''
    assert.match(
      /<w:style [^>]*w:styleId="Note"[^]*?<\/w:style>/.exec(styles)?.[0] ?? '',
      /<w:shd [^>]*w:fill="F3F2F1"/,
    )
    const firstText = /<w:t[^>]*>([^<]*)<\/w:t>/.exec(xml)?.[1]
    assert.equal(firstText, 'Draft: not approved')
  })

  it(
    'draws the charts with Chromium as PNG pictures',
    { skip: existsSync(DEFAULT_CHROMIUM) ? false : `Chromium is not at ${DEFAULT_CHROMIUM}` },
    async () => {
      const printer = new PdfPrinter()
      try {
        const files = await unzip(await documentDocx(doc, printer))
        const media = [...files.keys()].filter((name) => name.startsWith('word/media/') && !name.endsWith('/'))
        assert.equal(media.length, 2)
        for (const name of media) {
          const png = files.get(name) ?? Buffer.alloc(0)
          assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG')
          // Three times the chart's own 520 pixels, for print.
          assert.equal(png.readUInt32BE(16), 1560)
        }
      } finally {
        await printer.close()
      }
    },
  )
})
