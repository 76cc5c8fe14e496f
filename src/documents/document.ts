/**
 * A document as saferhub prints it: the one model the annual report, the agenda pack and the scrutiny pack are turned
 * into, and the one model the outputs read (standalone HTML, the tagged PDF, the DOCX), so a heading, a table or a
 * chart's alternative text is the same in every format. Pure data: no I/O, no markup but a chart's own SVG.
 */
export interface PrintableDocument {
  /** The document's title (the PDF's and DOCX's title property, the HTML `<title>`, the first heading). */
  readonly title: string
  /** Always British English: the PDF's and DOCX's document language. */
  readonly language: 'en-GB'
  /** A line under the title, e.g. the partnership's name and the year. */
  readonly subtitle?: string
  /** Who publishes it, for the document's author property. */
  readonly author?: string
  /** Shown at the top of every format when the document is not the published version, e.g. "Draft: not approved". */
  readonly watermark?: string
  readonly sections: readonly DocumentSection[]
}

/** A chapter or part: a heading (level 1 is a chapter; the outline and the DOCX navigation follow the levels). */
export interface DocumentSection {
  readonly heading: string
  readonly level: 1 | 2 | 3
  /** A stable anchor for links within the document (letters, digits and hyphens). */
  readonly anchor?: string
  readonly blocks: readonly DocumentBlock[]
  readonly sections?: readonly DocumentSection[]
}

/** A run of text with the only formatting the safe Markdown subset allows. */
export interface TextRun {
  readonly text: string
  readonly bold?: boolean
  readonly italic?: boolean
  /** An http(s) or mailto address, or `#anchor` within the document. */
  readonly href?: string
}

export interface DocumentTable {
  readonly caption: string
  readonly head: readonly string[]
  readonly rows: readonly (readonly string[])[]
  /** Per column: right-align as figures. */
  readonly numeric?: readonly boolean[]
}

export type DocumentBlock =
  | { readonly kind: 'paragraph'; readonly runs: readonly TextRun[] }
  | { readonly kind: 'list'; readonly ordered: boolean; readonly items: readonly (readonly TextRun[])[] }
  | ({ readonly kind: 'table' } & DocumentTable)
  | {
      readonly kind: 'chart'
      /** The chart's own SVG (src/charts), with role="img", <title> and <desc>. */
      readonly svg: string
      /** The alternative text (the PDF's /Alt, the DOCX image description). */
      readonly alt: string
      /** The text summary shown under the chart. */
      readonly summary: string
      /** The chart's data as a table. */
      readonly table: DocumentTable
    }
  /** A boxed note, e.g. a case study, a figure's source, an amendment's dated note. */
  | { readonly kind: 'note'; readonly title?: string; readonly runs: readonly TextRun[] }
  | { readonly kind: 'page-break' }
