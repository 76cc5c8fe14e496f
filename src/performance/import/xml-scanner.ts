/**
 * A small streaming reader of the XML inside an .xlsx workbook: it is fed the text of one part in chunks as the
 * part inflates, and calls back for each element opened, closed and each piece of text. Nothing but the unread
 * tail of the last chunk is held, so a sheet of any size is read in the memory of one row.
 *
 * Why not a general XML library: the workbook parts are machine-written SpreadsheetML (no DTD, no entities
 * beyond the five predefined ones and character references), and what the importer needs of them is a few
 * element names, their attributes and text. The reader takes namespace prefixes off names (`x:row` is `row`),
 * skips comments, processing instructions and declarations, and reads CDATA as text.
 */
export interface XmlHandlers {
  open(name: string, attributes: Readonly<Record<string, string>>, selfClosing: boolean): void
  close(name: string): void
  text(text: string): void
}

/** A tag, a text or a comment longer than this is not SpreadsheetML (a cell holds at most 32,767 characters). */
export const MAX_XML_TOKEN_CHARS = 1024 * 1024

export class XmlTooLargeTokenError extends Error {
  constructor() {
    super(`a part of the workbook has a tag or text longer than ${MAX_XML_TOKEN_CHARS} characters`)
    this.name = 'XmlTooLargeTokenError'
  }
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/** Replaces the predefined entities and character references; an unknown entity is left as written. */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return PREDEFINED[ref] ?? whole
  })
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':')
  return colon === -1 ? qualified : qualified.slice(colon + 1)
}

const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g

function readAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {}
  for (const m of source.matchAll(ATTRIBUTE)) {
    const name = m[1] as string
    // `r:id` keeps its prefix (the relationship id of a sheet); every other attribute is known by its local name.
    attributes[name.endsWith(':id') ? 'r:id' : localName(name)] = decodeXmlText(m[2] ?? m[3] ?? '')
  }
  return attributes
}

/** Finds the `>` that ends a tag starting at `from`, skipping quoted attribute values (which may hold `>`). */
function tagEnd(buffer: string, from: number): number {
  let quote: string | null = null
  for (let i = from; i < buffer.length; i++) {
    const ch = buffer[i]
    if (quote !== null) {
      if (ch === quote) quote = null
    } else if (ch === '"' || ch === "'") quote = ch
    else if (ch === '>') return i
  }
  return -1
}

/**
 * @example
 *   const scanner = new XmlScanner({ open: (name) => names.push(name), close() {}, text() {} })
 *   scanner.write('<row r="2"><c r="A2"><v>4</v></c></row>')
 *   scanner.end()
 */
export class XmlScanner {
  readonly #handlers: XmlHandlers
  #buffer = ''

  constructor(handlers: XmlHandlers) {
    this.#handlers = handlers
  }

  /** Reads as much of the text as forms whole tokens; keeps the rest for the next chunk. */
  write(chunk: string): void {
    const buffer = this.#buffer + chunk
    const handlers = this.#handlers
    let at = 0
    while (at < buffer.length) {
      const lt = buffer.indexOf('<', at)
      if (lt === -1) break // text that may go on in the next chunk
      if (lt > at) handlers.text(decodeXmlText(buffer.slice(at, lt)))
      at = lt
      if (buffer.startsWith('<!--', lt)) {
        const end = buffer.indexOf('-->', lt + 4)
        if (end === -1) break
        at = end + 3
      } else if (buffer.startsWith('<![CDATA[', lt)) {
        const end = buffer.indexOf(']]>', lt + 9)
        if (end === -1) break
        handlers.text(buffer.slice(lt + 9, end))
        at = end + 3
      } else {
        const end = tagEnd(buffer, lt + 1)
        if (end === -1) break
        const second = buffer[lt + 1]
        if (second === '?' || second === '!') {
          // <?xml …?> and <!DOCTYPE …>: nothing the importer needs.
        } else if (second === '/') {
          handlers.close(localName(buffer.slice(lt + 2, end).trim()))
        } else {
          const selfClosing = buffer[end - 1] === '/'
          const inside = buffer.slice(lt + 1, selfClosing ? end - 1 : end)
          const space = inside.search(/\s/)
          const name = localName(space === -1 ? inside : inside.slice(0, space))
          const attributes = space === -1 ? {} : readAttributes(inside.slice(space))
          handlers.open(name, attributes, selfClosing)
          if (selfClosing) handlers.close(name)
        }
        at = end + 1
      }
    }
    this.#buffer = buffer.slice(at)
    if (this.#buffer.length > MAX_XML_TOKEN_CHARS) throw new XmlTooLargeTokenError()
  }

  /** The end of the part: text after the last tag is read; an unfinished tag is ignored. */
  end(): void {
    if (this.#buffer !== '' && !this.#buffer.startsWith('<')) this.#handlers.text(decodeXmlText(this.#buffer))
    this.#buffer = ''
  }
}
