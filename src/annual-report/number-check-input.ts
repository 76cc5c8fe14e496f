import yauzl from 'yauzl'
import type { Entry, ZipFile } from 'yauzl'
import { checkZipSafety, looksLikeZip } from '../shared/zip-safety.ts'

/**
 * The text of a file given to the number checker: plain text and Markdown as they are; a Word document (.docx) as
 * its paragraphs, one a line, read from `word/document.xml` with yauzl (already a dependency: no Word library is
 * needed to read paragraphs). The archive is checked first as any uploaded zip is (src/shared/zip-safety.ts).
 * Findings' line numbers are then the text's lines, or the document's paragraphs counted from 1.
 */

/** The most a file to check may be: an annual report's text is a few hundred kilobytes; a .docx with images more. */
export const MAX_CHECK_BYTES = 10 * 1024 * 1024

export type ReportText = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string }

const TEXT_EXTENSIONS = /\.(txt|md|markdown|text)$/i

/**
 * Reads a file's text for checking, by its name's extension (or its first bytes, for a .docx).
 *
 * @example (await readReportText('report.md', Buffer.from('Knife crime rose by 16.5%'))).ok // true
 */
export async function readReportText(name: string, content: Buffer): Promise<ReportText> {
  if (content.length > MAX_CHECK_BYTES) {
    return { ok: false, message: `The file is larger than ${MAX_CHECK_BYTES / 1024 / 1024} MB` }
  }
  if (/\.docx$/i.test(name) || (!TEXT_EXTENSIONS.test(name) && looksLikeZip(content))) {
    if (!looksLikeZip(content)) return { ok: false, message: 'The file is not a Word document (.docx)' }
    const reasons = await checkZipSafety(content, ['word/document.xml'])
    if (reasons.length > 0) return { ok: false, message: `The Word document cannot be read: ${reasons.join('; ')}` }
    const xml = await readEntry(content, 'word/document.xml')
    if (xml === null) return { ok: false, message: 'The Word document has no word/document.xml' }
    return { ok: true, text: docxParagraphs(xml).join('\n') }
  }
  if (!TEXT_EXTENSIONS.test(name)) {
    return { ok: false, message: 'Give a plain text (.txt), Markdown (.md) or Word (.docx) file' }
  }
  const text = content.toString('utf8')
  if (text.includes('\u0000')) return { ok: false, message: 'The file is not text' }
  return { ok: true, text: text.replace(/^\uFEFF/, '') }
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(parseInt(entity.slice(2), 16))
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)))
    return ENTITIES[entity.toLowerCase()] ?? ''
  })
}

/**
 * The paragraphs of a document.xml, in order: each `<w:p>`'s runs of `<w:t>` text, a tab for `<w:tab/>`, a space
 * for a line break within the paragraph. A table's cells are paragraphs too, so each is a line of its own.
 *
 * @example docxParagraphs('<w:p><w:r><w:t>Knife crime</w:t></w:r></w:p>') // ['Knife crime']
 */
export function docxParagraphs(xml: string): string[] {
  const paragraphs: string[] = []
  for (const paragraph of xml.matchAll(/<w:p[\s>][\s\S]*?<\/w:p>|<w:p\/>/g)) {
    let text = ''
    for (const piece of paragraph[0].matchAll(/<w:t(?:\s[^>]*)?>([\s\S]*?)<\/w:t>|<w:tab\/>|<w:br\/>/g)) {
      if (piece[0] === '<w:tab/>') text += '\t'
      else if (piece[0] === '<w:br/>') text += ' '
      else text += decodeXml(piece[1] ?? '')
    }
    paragraphs.push(text)
  }
  return paragraphs
}

function readEntry(content: Buffer, wanted: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(content, { lazyEntries: true, validateEntrySizes: true }, (error, zip: ZipFile) => {
      if (error) return reject(error)
      zip.on('entry', (entry: Entry) => {
        if (entry.fileName !== wanted) return zip.readEntry()
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError)
          const chunks: Buffer[] = []
          stream.on('data', (chunk: Buffer) => chunks.push(chunk))
          stream.on('error', reject)
          stream.on('end', () => {
            zip.close()
            resolve(Buffer.concat(chunks).toString('utf8'))
          })
        })
      })
      zip.on('end', () => resolve(null))
      zip.on('error', reject)
      zip.readEntry()
    })
  })
}
