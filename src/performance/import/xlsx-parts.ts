import { posix } from 'node:path'
import yauzl from 'yauzl'
import type { Entry, ZipFile } from 'yauzl'
import { XmlScanner, type XmlHandlers } from './xml-scanner.ts'

/**
 * The parts of an .xlsx workbook the importer reads, each inflated as a stream straight from the zip archive and
 * read by `XmlScanner`: nothing is inflated that is not asked for, and a part can be left unfinished (a sheet past
 * the row limit). The archive has already passed `checkZipSafety`.
 */
export interface WorkbookSheet {
  /** The name on the sheet's tab. */
  readonly name: string
  /** The sheet's part in the archive, e.g. `xl/worksheets/sheet1.xml`; undefined when the workbook names none. */
  readonly part: string | undefined
}

export interface WorkbookParts {
  /** Every sheet, in the workbook's tab order. */
  readonly sheets: readonly WorkbookSheet[]
  /** Dates are counted from 1904 (old Mac workbooks) rather than from 1900. */
  readonly date1904: boolean
  readonly sharedStringsPart: string | undefined
  readonly stylesPart: string | undefined
  /** Reads one part; `handlers` may call `stop()` to leave the rest of it uninflated. */
  read(part: string, handlers: (stop: () => void) => XmlHandlers): Promise<void>
  close(): void
}

function openZip(content: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(content, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, zip) =>
      error ? reject(error) : resolve(zip),
    )
  })
}

function listEntries(zip: ZipFile): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>()
    zip.on('entry', (entry: Entry) => {
      entries.set(entry.fileName, entry)
      zip.readEntry()
    })
    zip.on('end', () => resolve(entries))
    zip.on('error', reject)
    zip.readEntry()
  })
}

function readEntry(zip: ZipFile, entry: Entry, handlers: (stop: () => void) => XmlHandlers): Promise<void> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error)
      let stopped = false
      const stop = () => {
        stopped = true
      }
      const scanner = new XmlScanner(handlers(stop))
      const decoder = new TextDecoder('utf-8', { ignoreBOM: false })
      stream.on('data', (chunk: Buffer) => {
        if (stopped) return
        try {
          scanner.write(decoder.decode(chunk, { stream: true }))
        } catch (failure) {
          stopped = true
          stream.destroy()
          return reject(failure)
        }
        if (stopped) {
          // The rest is never inflated: the sheet went past the row limit.
          stream.destroy()
          resolve()
        }
      })
      stream.on('error', (failure) => (stopped ? undefined : reject(failure)))
      stream.on('end', () => {
        if (stopped) return
        try {
          scanner.write(decoder.decode())
          scanner.end()
          resolve()
        } catch (failure) {
          reject(failure)
        }
      })
    })
  })
}

/** A relationship's target as a path in the archive: relative to `xl/`, or absolute from the archive's root. */
function partPath(target: string): string {
  return target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join('xl', target))
}

/**
 * Opens a workbook: reads its sheet list (`xl/workbook.xml`) and where its sheets, shared strings and styles are
 * (`xl/_rels/workbook.xml.rels`).
 */
export async function openWorkbookParts(content: Buffer): Promise<WorkbookParts> {
  const zip = await openZip(content)
  try {
    const entries = await listEntries(zip)
    const read = async (part: string, handlers: (stop: () => void) => XmlHandlers) => {
      const entry = entries.get(part)
      if (entry === undefined) throw new Error(`the workbook has no part ${part}`)
      await readEntry(zip, entry, handlers)
    }
    const noText = { close() {}, text() {} }

    const declared: { name: string; id: string }[] = []
    let date1904 = false
    await read('xl/workbook.xml', () => ({
      ...noText,
      open(name, attributes) {
        if (name === 'sheet') declared.push({ name: attributes.name ?? '', id: attributes['r:id'] ?? '' })
        if (name === 'workbookPr') date1904 = attributes.date1904 === '1' || attributes.date1904 === 'true'
      },
    }))

    const targets = new Map<string, string>()
    let sharedStringsPart: string | undefined
    let stylesPart: string | undefined
    if (entries.has('xl/_rels/workbook.xml.rels')) {
      await read('xl/_rels/workbook.xml.rels', () => ({
        ...noText,
        open(name, attributes) {
          if (name !== 'Relationship' || !attributes.Target) return
          const path = partPath(attributes.Target)
          if (attributes.Id) targets.set(attributes.Id, path)
          if (attributes.Type?.endsWith('/sharedStrings')) sharedStringsPart = path
          if (attributes.Type?.endsWith('/styles')) stylesPart = path
        },
      }))
    }
    const present = (path: string | undefined) => (path !== undefined && entries.has(path) ? path : undefined)
    return {
      sheets: declared.map((sheet) => ({ name: sheet.name, part: present(targets.get(sheet.id)) })),
      date1904,
      sharedStringsPart: present(sharedStringsPart ?? 'xl/sharedStrings.xml'),
      stylesPart: present(stylesPart ?? 'xl/styles.xml'),
      read,
      close: () => zip.close(),
    }
  } catch (error) {
    zip.close()
    throw error
  }
}

/** Built-in number formats that show a percentage (9: `0%`, 10: `0.00%`) or a date or time (14–22, 27–36, 45–58). */
const BUILT_IN_PERCENT = new Set([9, 10])
const BUILT_IN_DATE = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47])
for (let id = 50; id <= 58; id++) BUILT_IN_DATE.add(id)

/** How a style shows a number: as a percentage, as a date, or as a plain number. */
export type NumberShown = 'percent' | 'date' | 'number'

/** Whether a custom format code shows a date: as exceljs decides it (a y, m, d, h or s outside quotes and []). */
function isDateFormat(code: string): boolean {
  const bare = code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '')
  return /[ymdhMsb]/.test(bare)
}

/** For each cell style (`s` on a cell), how it shows a number. */
export async function readStyles(parts: WorkbookParts): Promise<readonly NumberShown[]> {
  if (parts.stylesPart === undefined) return []
  const formats = new Map<number, string>()
  const styleFormats: number[] = []
  let inCellXfs = false
  await parts.read(parts.stylesPart, () => ({
    text() {},
    open(name, attributes) {
      if (name === 'numFmt') formats.set(Number(attributes.numFmtId), attributes.formatCode ?? '')
      else if (name === 'cellXfs') inCellXfs = true
      else if (name === 'xf' && inCellXfs) styleFormats.push(Number(attributes.numFmtId ?? 0))
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false
    },
  }))
  return styleFormats.map((id) => {
    const code = formats.get(id)
    if (code === undefined) return BUILT_IN_PERCENT.has(id) ? 'percent' : BUILT_IN_DATE.has(id) ? 'date' : 'number'
    if (code.replace(/"[^"]*"/g, '').includes('%')) return 'percent'
    return isDateFormat(code) ? 'date' : 'number'
  })
}

/**
 * The shared strings at the given indexes only (a sheet stores each text once, in this part, and refers to it by
 * index): the texts of rows past the limit or of other sheets are never kept. Rich text runs are joined; phonetic
 * guides (`rPh`) are left out, as Excel shows them.
 */
export async function readSharedStrings(
  parts: WorkbookParts,
  wanted: ReadonlySet<number>,
): Promise<ReadonlyMap<number, string>> {
  const strings = new Map<number, string>()
  if (parts.sharedStringsPart === undefined || wanted.size === 0) return strings
  let index = -1
  let inText = false
  let inPhonetic = false
  let current = ''
  await parts.read(parts.sharedStringsPart, (stop) => ({
    open(name, _attributes, selfClosing) {
      // An empty <si/> is closed at once, and kept as ''.
      if (name === 'si') {
        index++
        current = ''
      } else if (name === 'rPh') inPhonetic = true
      else if (name === 't' && !selfClosing) inText = true
    },
    close(name) {
      if (name === 't') inText = false
      else if (name === 'rPh') inPhonetic = false
      else if (name === 'si' && wanted.has(index)) {
        strings.set(index, current)
        if (strings.size === wanted.size) stop()
      }
    },
    text(text) {
      if (inText && !inPhonetic && wanted.has(index)) current += text
    },
  }))
  return strings
}
