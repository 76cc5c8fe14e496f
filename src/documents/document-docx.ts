import {
  AlignmentType,
  Bookmark,
  BorderStyle,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  ImageRun,
  InternalHyperlink,
  LevelFormat,
  Packer,
  PageBreak,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun as DocxTextRun,
  WidthType,
  type ParagraphChild,
} from 'docx'
import type { DocumentBlock, DocumentTable, PrintableDocument, TextRun } from './document.ts'
import { anchorSections, safeHref, type AnchoredSection } from './document-html.ts'
import type { ChartRasteriser } from './pdf-printer.ts'

/**
 * The document as a Word file (DOCX) for communications teams who finish reports in Word: the title in Word's
 * Title style, chapters and their parts in Heading 1..3 (Word's navigation pane and any table of contents they add
 * follow them), English (United Kingdom) as the language of every run, the title, author and subject in the file's
 * properties, tables with their caption and a header row repeated on each page, real lists, notes as shaded
 * paragraphs, and each chart as a picture with its alternative text, followed by its summary and its data table.
 *
 * A chart is a PNG drawn by Chromium from the chart's own SVG (`ChartRasteriser`, the PdfPrinter), at three times
 * its size: Word (every version) and LibreOffice show a PNG identically, and it is exactly what the PDF shows. Word
 * 365 can also show an SVG, but its renderer and LibreOffice's differ from Chromium's where the charts rely on it
 * (`dominant-baseline` for the labels beside the bars, font fallback), so an SVG with a PNG fallback would look
 * different in each program; see docs/architecture.md, "The printed outputs".
 */

/** Word's limit for a bookmark's name is 40 characters of letters, digits and underscores. */
function bookmarkNames(sections: readonly AnchoredSection[]): Map<string, string> {
  const names = new Map<string, string>()
  const used = new Set<string>()
  const visit = (list: readonly AnchoredSection[]): void => {
    for (const s of list) {
      const wanted = s.anchor.replace(/-/g, '_').slice(0, 36)
      let name = wanted
      for (let n = 2; used.has(name); n++) name = `${wanted}_${n}`
      used.add(name)
      names.set(s.anchor, name)
      visit(s.children)
    }
  }
  visit(sections)
  return names
}

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3] as const
/** 96 pixels to the inch: the widest a picture may be inside A4's margins (about 16 cm). */
const MAX_IMAGE_WIDTH = 600

interface Context {
  readonly bookmarks: ReadonlyMap<string, string>
  readonly charts: ChartRasteriser
  /** Each list restarts its numbering: a new instance of the numbering per list. */
  listInstance: number
  chartNumber: number
}

function runs(list: readonly TextRun[], context: Context): ParagraphChild[] {
  return list.map((run) => {
    const text = new DocxTextRun({
      text: run.text,
      ...(run.bold ? { bold: true } : {}),
      ...(run.italic ? { italics: true } : {}),
      ...(run.href !== undefined && safeHref(run.href) !== null ? { style: 'Hyperlink' } : {}),
    })
    const href = run.href === undefined ? null : safeHref(run.href)
    if (href === null) return text
    if (href.startsWith('#')) {
      const bookmark = context.bookmarks.get(href.slice(1))
      return bookmark === undefined ? text : new InternalHyperlink({ anchor: bookmark, children: [text] })
    }
    return new ExternalHyperlink({ link: href, children: [text] })
  })
}

function table(source: DocumentTable): (Paragraph | Table)[] {
  const cell = (text: string, column: number, header: boolean): TableCell =>
    new TableCell({
      children: [
        new Paragraph({
          children: [new DocxTextRun({ text, ...(header ? { bold: true } : {}) })],
          ...(source.numeric?.[column] ? { alignment: AlignmentType.RIGHT } : {}),
        }),
      ],
    })
  return [
    new Paragraph({ style: 'Caption', keepNext: true, children: [new DocxTextRun(source.caption)] }),
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [
        // The header row repeats at the top of every page the table runs onto (w:tblHeader), and screen readers
        // announce it as the columns' headers.
        new TableRow({ tableHeader: true, cantSplit: true, children: source.head.map((h, i) => cell(h, i, true)) }),
        ...source.rows.map((row) => new TableRow({ cantSplit: true, children: row.map((c, i) => cell(c, i, false)) })),
      ],
    }),
    new Paragraph({ children: [] }),
  ]
}

async function block(source: DocumentBlock, context: Context): Promise<(Paragraph | Table)[]> {
  switch (source.kind) {
    case 'paragraph':
      return [new Paragraph({ children: runs(source.runs, context) })]
    case 'list': {
      const instance = context.listInstance++
      return source.items.map(
        (item) =>
          new Paragraph({
            children: runs(item, context),
            numbering: { reference: source.ordered ? 'numbered' : 'bulleted', level: 0, instance },
          }),
      )
    }
    case 'table':
      return table(source)
    case 'chart': {
      const { png, width, height } = await context.charts.chartPng(source.svg, 3)
      const scale = Math.min(1, MAX_IMAGE_WIDTH / width)
      const number = ++context.chartNumber
      return [
        new Paragraph({
          keepNext: true,
          children: [
            new ImageRun({
              type: 'png',
              data: png,
              transformation: { width: Math.round(width * scale), height: Math.round(height * scale) },
              // Word's "Alt Text" box reads `descr`; `title` is shown as a tooltip and `name` in the selection pane.
              altText: {
                id: String(number),
                name: `Chart ${number}`,
                title: source.table.caption,
                description: source.alt,
              },
            }),
          ],
        }),
        new Paragraph({ children: [new DocxTextRun(source.summary)] }),
        ...table(source.table),
      ]
    }
    case 'note':
      return [
        ...(source.title === undefined
          ? []
          : [
              new Paragraph({
                style: 'Note',
                keepNext: true,
                children: [new DocxTextRun({ text: source.title, bold: true })],
              }),
            ]),
        new Paragraph({ style: 'Note', children: runs(source.runs, context) }),
      ]
    case 'page-break':
      return [new Paragraph({ children: [new PageBreak()] })]
  }
}

async function section(anchored: AnchoredSection, context: Context): Promise<(Paragraph | Table)[]> {
  const heading = HEADINGS[Math.min(anchored.level, HEADINGS.length) - 1] ?? HeadingLevel.HEADING_3
  const bookmark = context.bookmarks.get(anchored.anchor) ?? anchored.anchor
  const out: (Paragraph | Table)[] = [
    new Paragraph({
      heading,
      // A chapter starts a new page, as in the PDF.
      ...(anchored.level === 1 ? { pageBreakBefore: true } : {}),
      children: [new Bookmark({ id: bookmark, children: [new DocxTextRun(anchored.section.heading)] })],
    }),
  ]
  for (const b of anchored.section.blocks) out.push(...(await block(b, context)))
  for (const child of anchored.children) out.push(...(await section(child, context)))
  return out
}

/**
 * The document as a DOCX file. Charts are drawn by `charts` (the composition root's PdfPrinter), so a document with
 * charts needs Chromium as the PDF does; one without charts does not start it.
 *
 * @example const docx = await documentDocx(annualReport, services.printer) // Buffer starting "PK"
 */
export async function documentDocx(doc: PrintableDocument, charts: ChartRasteriser): Promise<Buffer> {
  const sections = anchorSections(doc)
  const context: Context = { bookmarks: bookmarkNames(sections), charts, listInstance: 0, chartNumber: 0 }
  const children: (Paragraph | Table)[] = []
  if (doc.watermark !== undefined) {
    children.push(new Paragraph({ children: [new DocxTextRun({ text: doc.watermark, bold: true, color: 'D4351C' })] }))
  }
  children.push(new Paragraph({ heading: HeadingLevel.TITLE, children: [new DocxTextRun(doc.title)] }))
  if (doc.subtitle !== undefined)
    children.push(new Paragraph({ style: 'Subtitle', children: [new DocxTextRun(doc.subtitle)] }))
  for (const s of sections) children.push(...(await section(s, context)))

  const language = { value: doc.language }
  const font = 'Arial'
  const document = new Document({
    title: doc.title,
    ...(doc.author === undefined ? {} : { creator: doc.author, lastModifiedBy: doc.author }),
    ...(doc.subtitle === undefined ? {} : { subject: doc.subtitle, description: doc.subtitle }),
    styles: {
      default: {
        // Every run in British English (w:lang in the document defaults): Word's spelling and a screen reader's
        // voice follow it.
        document: { run: { language, font, size: 22 }, paragraph: { spacing: { after: 120 } } },
        title: { run: { language, font, size: 52, bold: true, color: '0B0C0C' } },
        heading1: {
          run: { language, font, size: 36, bold: true, color: '0B0C0C' },
          paragraph: { spacing: { before: 240, after: 160 } },
        },
        heading2: {
          run: { language, font, size: 30, bold: true, color: '0B0C0C' },
          paragraph: { spacing: { before: 240, after: 120 } },
        },
        heading3: {
          run: { language, font, size: 26, bold: true, color: '0B0C0C' },
          paragraph: { spacing: { before: 200, after: 120 } },
        },
        hyperlink: { run: { color: '1D70B8', underline: {} } },
      },
      paragraphStyles: [
        { id: 'Subtitle', name: 'Subtitle', basedOn: 'Normal', next: 'Normal', run: { size: 28, color: '505A5F' } },
        { id: 'Caption', name: 'caption', basedOn: 'Normal', next: 'Normal', run: { bold: true, size: 20 } },
        {
          id: 'Note',
          name: 'Note',
          basedOn: 'Normal',
          next: 'Normal',
          paragraph: {
            shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'F3F2F1' },
            border: { left: { style: BorderStyle.SINGLE, size: 24, color: '1D70B8', space: 8 } },
            indent: { left: 240, right: 240 },
            spacing: { after: 0 },
          },
        },
      ],
    },
    numbering: {
      config: [
        {
          reference: 'bulleted',
          levels: [
            {
              level: 0,
              format: LevelFormat.BULLET,
              text: '•',
              alignment: AlignmentType.LEFT,
              style: { paragraph: { indent: { left: 720, hanging: 360 } } },
            },
          ],
        },
        {
          reference: 'numbered',
          levels: [
            {
              level: 0,
              format: LevelFormat.DECIMAL,
              text: '%1.',
              alignment: AlignmentType.LEFT,
              style: { paragraph: { indent: { left: 720, hanging: 360 } } },
            },
          ],
        },
      ],
    },
    sections: [
      {
        properties: {
          page: {
            // A4 in twentieths of a point, with the PDF's margins (16 mm ≈ 907, 20 mm ≈ 1134).
            size: { width: 11906, height: 16838 },
            margin: { top: 1021, bottom: 1134, left: 907, right: 907 },
          },
        },
        children,
      },
    ],
  })
  return Packer.toBuffer(document)
}
