import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { DocumentBlock, DocumentSection, PrintableDocument } from './document.ts'
import { DEFAULT_CHROMIUM, PdfPrinter, printPdf } from './pdf-printer.ts'
import { sampleDocument } from './testing/sample-document.ts'

/**
 * Reads the printed PDF back with pdf.js (Mozilla's reader, independent of Chromium's writer): its structure tree
 * (the tags a screen reader follows), its outline (the bookmarks pane) and its metadata. Expectations come from the
 * document model, not from the printer.
 */

const chromium = existsSync(DEFAULT_CHROMIUM)
const skip = chromium ? false : `Chromium is not at ${DEFAULT_CHROMIUM} (apt-get install chromium; CI installs it)`

interface StructNode {
  readonly role?: string
  readonly alt?: string
  readonly lang?: string
  readonly children?: readonly StructNode[]
}
interface OutlineItem {
  readonly title: string
  readonly items: readonly OutlineItem[]
}

const doc: PrintableDocument = {
  ...sampleDocument({ chapters: 2, tables: 2, charts: 3, paragraphsPerChapter: 2 }),
  watermark: 'Draft: not approved',
  // A title long enough to wrap, with characters that need escaping in HTML.
  title: 'Safer Wolverhampton Partnership annual report 2017/18: <crime> & "disorder" in the city',
}

function sectionsOf(sections: readonly DocumentSection[]): DocumentSection[] {
  return sections.flatMap((s) => [s, ...sectionsOf(s.sections ?? [])])
}
const blocks: DocumentBlock[] = sectionsOf(doc.sections).flatMap((s) => [...s.blocks])
const charts = blocks.flatMap((b) => (b.kind === 'chart' ? [b] : []))

/** The heading tags expected, in order: the title, the contents, then each section one level below its parent. */
function expectedHeadings(): string[] {
  const walk = (sections: readonly DocumentSection[], depth: number): string[] =>
    sections.flatMap((s) => [`H${depth + 1}`, ...walk(s.sections ?? [], depth + 1)])
  return ['H1', 'H2', ...walk(doc.sections, 1)]
}

function expectedOutline(): unknown {
  const walk = (sections: readonly DocumentSection[]): unknown[] =>
    sections.map((s) => ({ title: s.heading, items: walk(s.sections ?? []) }))
  return [{ title: doc.title, items: [{ title: 'Contents', items: [] }, ...walk(doc.sections)] }]
}

describe('the tagged PDF printed by Chromium', { skip }, () => {
  const printer = new PdfPrinter()
  const roles: { role: string; alt?: string; children: string[] }[] = []
  let pages = 0
  let outline: OutlineItem[] = []
  let info: Record<string, unknown> = {}
  const pageTexts: string[] = []
  let bytes: Buffer

  before(async () => {
    bytes = await printPdf(doc, printer)
    const pdf = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise
    pages = pdf.numPages
    for (let p = 1; p <= pdf.numPages; p++) {
      const page = await pdf.getPage(p)
      const text = await page.getTextContent()
      pageTexts.push(text.items.map((item) => ('str' in item ? item.str : '')).join(' '))
      const tree = (await page.getStructTree()) as StructNode | null
      const walk = (node: StructNode): void => {
        if (node.role !== undefined) {
          const children = (node.children ?? []).flatMap((c) => (c.role === undefined ? [] : [c.role]))
          roles.push({ role: node.role, children, ...(node.alt === undefined ? {} : { alt: node.alt }) })
        }
        for (const child of node.children ?? []) walk(child)
      }
      if (tree) walk(tree)
    }
    const strip = (items: readonly OutlineItem[] | null): OutlineItem[] =>
      (items ?? []).map((i) => ({ title: i.title, items: strip(i.items) }))
    outline = strip((await pdf.getOutline()) as OutlineItem[] | null)
    info = (await pdf.getMetadata()).info as Record<string, unknown>
    await pdf.destroy()
  })
  after(() => printer.close())

  it('is a PDF of several A4 pages', () => {
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-')
    assert.ok(pages >= 5, `${pages} pages: the contents and each chapter start a page`)
  })

  it('numbers every page, and says on each that it is a draft', () => {
    pageTexts.forEach((text, i) => {
      assert.ok(text.includes(`Page ${i + 1} of ${pages}`), `page ${i + 1} is numbered`)
      assert.ok(text.includes('Draft: not approved'), `page ${i + 1} says it is a draft`)
    })
  })

  it('carries the document’s title and language in its metadata', () => {
    assert.equal(info.Title, doc.title)
    assert.equal(info.Language, 'en-GB')
  })

  it('is tagged: the headings in order and by level, as the document has them', () => {
    const headings = roles.filter((r) => /^H[1-6]$/.test(r.role)).map((r) => r.role)
    assert.deepEqual(headings, expectedHeadings())
  })

  it('tags every table, with its caption and header cells', () => {
    const tables = blocks.filter((b) => b.kind === 'table').length + charts.length
    // pdf.js gives each page's part of the tree, with the ancestors of what is on the page: a table that runs onto a
    // second page is met twice, the second time with an empty caption. Counted once each, by their captions' text.
    const captions = roles.filter((r) => r.role === 'Caption' && r.children.length > 0)
    assert.equal(captions.length, tables)
    assert.ok(roles.filter((r) => r.role === 'Table').length >= tables)
    const headerCells = blocks.reduce(
      (sum, b) =>
        sum +
        (b.kind === 'table'
          ? b.head.length + b.rows.length
          : b.kind === 'chart'
            ? b.table.head.length + b.table.rows.length
            : 0),
      0,
    )
    // Column headers plus one row header a row; at least, because a table that runs onto another page repeats its
    // header row there (thead) and Chromium tags the repeated cells too.
    const headers = roles.filter((r) => r.role === 'TH' && r.children.length > 0).length
    assert.ok(headers >= headerCells, `${headers} header cells, ${headerCells} in the document`)
    assert.ok(roles.some((r) => r.role === 'TD'))
  })

  it('tags each chart as one Figure with its alternative text, and nothing else as a Figure', () => {
    const figures = roles.filter((r) => r.role === 'Figure')
    assert.deepEqual(
      figures.map((f) => f.alt),
      charts.map((c) => c.alt),
    )
  })

  it('has an outline that mirrors the headings', () => {
    assert.deepEqual(outline, expectedOutline())
  })

  it('prints again with the same browser', async () => {
    const again = await printer.print({ title: 'Second', language: 'en-GB', sections: [] })
    assert.equal(again.subarray(0, 5).toString('latin1'), '%PDF-')
  })
})

describe('several prints at once', { skip }, () => {
  it('each gets its own document, one page at a time, in one browser', async () => {
    const printer = new PdfPrinter({ concurrentPages: 1 })
    try {
      const titles = ['Agenda pack, 12 June', 'Agenda pack, 11 September', 'Scrutiny pack 2017/18']
      const pdfs = await Promise.all(
        titles.map((title) =>
          printer.print({ title, language: 'en-GB', sections: [{ heading: 'Item 1', level: 1, blocks: [] }] }),
        ),
      )
      const read = await Promise.all(
        pdfs.map(async (bytes) => {
          const pdf = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise
          const title = ((await pdf.getMetadata()).info as Record<string, unknown>).Title
          await pdf.destroy()
          return title
        }),
      )
      assert.deepEqual(read, titles)
    } finally {
      await printer.close()
    }
  })
})

describe('a print that takes too long', { skip }, () => {
  it('is stopped with a clear error', async () => {
    const printer = new PdfPrinter({ timeoutMs: 1 })
    try {
      // No print of a document of several pages finishes within a millisecond.
      await assert.rejects(printer.print(doc), {
        name: 'PrintTimeoutError',
        message: 'Printing the PDF took longer than 0.001 s and was stopped',
      })
    } finally {
      await printer.close()
    }
  })
})

describe('the PDF printer without Chromium', () => {
  it('says what to install', async () => {
    const printer = new PdfPrinter({ executablePath: '/nowhere/chromium' })
    assert.equal(printer.available, false)
    await assert.rejects(printer.print(doc), {
      name: 'ChromiumMissingError',
      message: 'PDF printing needs Chromium at /nowhere/chromium: apt-get install chromium',
    })
  })
})
