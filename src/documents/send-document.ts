import { attachment, fileSlug } from '../shared/web/content-disposition.ts'
import type { PrintableDocument } from './document.ts'
import { documentDocx } from './document-docx.ts'
import { documentHtml } from './document-html.ts'
import { ChromiumMissingError, type PdfPrinter } from './pdf-printer.ts'

/**
 * Sending a printed document from a route: the right content type, a safe file name, and caching that fits who may
 * see it. A route builds the PrintableDocument, turns it into bytes (documentHtml, PdfPrinter.print, documentDocx)
 * and hands them here.
 *
 * @example
 * sendDocument(res, { format: 'pdf', body: await services.printer.print(report), name: 'Annual report 2017/18' })
 * // Content-Type: application/pdf; Content-Disposition: attachment; filename="annual-report-2017-18.pdf"; …
 */

export type DocumentFormat = 'html' | 'pdf' | 'docx'

export const DOCUMENT_CONTENT_TYPES: Readonly<Record<DocumentFormat, string>> = Object.freeze({
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
})

export interface SentDocument {
  readonly format: DocumentFormat
  readonly body: Buffer | string
  /** What the document is called, e.g. "Annual report 2017/18": made into a safe file name with the extension. */
  readonly name: string
  /**
   * A published document anyone may read (the public annual report): cached for five minutes. Anything else (a
   * draft, an agenda pack with exempt items) is `no-store`, as every other dynamic response is.
   */
  readonly public?: boolean
  /** Opened in the browser (`inline`) rather than saved (`attachment`, the default). */
  readonly disposition?: 'attachment' | 'inline'
}

/** The part of Express's response this needs (a test passes a recorder). */
export interface DocumentResponse {
  setHeader(name: string, value: string): unknown
  send(body: Buffer | string): unknown
}

/**
 * The file name for a document: its name as lower-case letters, digits and hyphens, and the format's extension.
 *
 * @example documentFilename('Annual report 2017/18', 'pdf') // 'annual-report-2017-18.pdf'
 */
export function documentFilename(name: string, format: DocumentFormat): string {
  return `${fileSlug(name).slice(0, 100).replace(/-+$/, '') || 'document'}.${format}`
}

/** The headers a document is sent with, in the order they are set. */
export function documentHeaders(document: Omit<SentDocument, 'body'>): [string, string][] {
  const filename = documentFilename(document.name, document.format)
  return [
    ['Content-Type', DOCUMENT_CONTENT_TYPES[document.format]],
    [
      'Content-Disposition',
      document.disposition === 'inline' ? attachment(filename).replace(/^attachment/, 'inline') : attachment(filename),
    ],
    ['Cache-Control', document.public ? 'public, max-age=300' : 'no-store'],
  ]
}

export function sendDocument(res: DocumentResponse, document: SentDocument): void {
  for (const [name, value] of documentHeaders(document)) res.setHeader(name, value)
  res.send(document.body)
}

/**
 * A printable document built into the asked format and sent: the one call a download route makes. The PDF and a
 * DOCX with charts need the printer's Chromium: without it this rejects with `ChromiumMissingError` (its message
 * says what to install), which the route may show as "not available" rather than as a server error.
 *
 * @example
 * router.get('/annual-report/:year.pdf', async (req, res) => {
 *   await sendPrintable(res, await annualReports.document(year), 'pdf', { printer: services.printer })
 * })
 */
export async function sendPrintable(
  res: DocumentResponse,
  doc: PrintableDocument,
  format: DocumentFormat,
  options: { readonly printer: PdfPrinter; readonly public?: boolean; readonly name?: string },
): Promise<void> {
  const body =
    format === 'html'
      ? documentHtml(doc)
      : format === 'pdf'
        ? await options.printer.print(doc)
        : await documentDocx(doc, options.printer)
  sendDocument(res, {
    format,
    body,
    name: options.name ?? doc.title,
    ...(options.public === undefined ? {} : { public: options.public }),
  })
}

/** The formats a download route offers, read from its `:format` part; anything else is not a page (404). */
export function documentFormatOf(text: unknown): DocumentFormat | null {
  return text === 'html' || text === 'pdf' || text === 'docx' ? text : null
}

/**
 * A download route's answer: the document in the format asked for, or, when this machine has no Chromium to print
 * with, 503 with what to install (the HTML download still works). The one place routes turn the printer's missing
 * browser into "not available" rather than a server error.
 */
export async function sendDownload(
  res: DocumentResponse & { status(code: number): unknown; type(type: string): unknown; send(body: string): unknown },
  doc: PrintableDocument,
  format: DocumentFormat,
  options: { readonly printer: PdfPrinter; readonly public?: boolean },
): Promise<void> {
  try {
    await sendPrintable(res, doc, format, options)
  } catch (error) {
    if (!(error instanceof ChromiumMissingError)) throw error
    res.status(503)
    res.type('text/plain; charset=utf-8')
    res.send(`${error.message}. The HTML download does not need it.`)
  }
}
