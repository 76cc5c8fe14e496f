/**
 * What the parser needs to know: the LSOA codes of the lookup (a row's LSOA becomes its position in this list) and
 * the crime types a file may contain (a row's type becomes its position in this list).
 */
export interface KernelSetup {
  readonly lsoaCodes: readonly string[]
  readonly crimeTypes: readonly string[]
  /**
   * The group (partnership) of each LSOA, by position, or -1 for none. With groups, a file's counts come back by
   * group, summed in the worker (a national year is 4 million LSOA counts but 60,000 partnership ones), and by LSOA
   * only for LSOAs without a group and for groups in `detailedGroups`.
   */
  readonly lsoaGroups?: Int32Array
  /** 1 for each group whose counts are wanted by LSOA too. */
  readonly detailedGroups?: Uint8Array
}

/** What one street-level file holds, counted. */
export interface StreetFileSummary {
  /** Data rows (the header not counted). */
  readonly rows: number
  readonly bytes: number
  /** The force every row's "Falls within" names, or null for a file with no rows. */
  readonly fallsWithin: string | null
  /** Rows with an empty "LSOA code" (no location), by crime type (positions as in `KernelSetup.crimeTypes`). */
  readonly withoutLocation: readonly number[]
  /**
   * Rows with a location, as triples (LSOA, crime type, rows): every LSOA without groups, else those without a group
   * and those of detailed groups. An LSOA position at or past `lsoaCodes.length` is
   * `extraLsoaCodes[position - lsoaCodes.length]`: a code the lookup does not have.
   */
  readonly counts: Int32Array
  /** With groups: rows in LSOAs that have one, as triples (group, crime type, rows). */
  readonly groupCounts: Int32Array
  readonly extraLsoaCodes: readonly string[]
}

/** A faulty file's first fault: the physical line (the header is line 1) and the reason. */
export interface StreetFileFault {
  readonly line: number
  readonly reason: string
}

/** A source of bytes: fills `target` from `offset` with at most `length` bytes, returns how many (0 at the end). */
export type ReadInto = (target: Uint8Array, offset: number, length: number) => number

export interface StreetFileParser {
  /** Adds the next bytes of the file (copied: the caller may reuse `chunk`). */
  feed(chunk: Uint8Array): void
  /** Reads the whole file through `read` straight into the parser's buffer (no copy), then ends it. */
  readAll(read: ReadInto): StreetFileSummary
  /** Checks that the file ended cleanly and returns its counts. */
  end(): StreetFileSummary
  /** Bytes and rows parsed so far, for a progress bar. */
  readonly bytesParsed: number
  readonly rowsParsed: number
}

export interface StreetFileReader {
  /** A parser for one file, whose every row's Month must be `month` (`YYYY-MM`). One file at a time. */
  beginFile(month: string): StreetFileParser
  /** Replaces the lookups (between files). */
  configure(setup: KernelSetup): void
}

/**
 * The byte-level parser of data.police.uk street-level crime files: it scans the bytes for commas, quotes and line
 * ends, decodes only the four fields it needs (Month, Falls within, LSOA code, Crime type), turns LSOA codes and
 * crime types into small integers and counts rows by (partnership or LSOA, crime type) in a typed array. General CSV
 * libraries build a string for every field of every row: csv-parse took 13 s for a national month (117 MB) that this
 * reads in 0.1 s on the same machine (1,270 MB/s on one thread once optimised).
 *
 * It is strict RFC 4180: a field may be quoted (commas, line breaks and doubled quotes inside), a quote may not
 * appear inside an unquoted field, a closing quote must end its field. Every row must have the 12 columns of the
 * header, the file's month, one "Falls within" force throughout and a known crime type, and a file must have at
 * least one row. Beyond RFC 4180, as Python's csv module reads them: header cells may be quoted, blank lines may end
 * the file, and lines may end with CR alone (LF and CRLF as well).
 *
 * Why one self-contained function: the worker threads that parse files in parallel run this function's source text
 * (`String(streetFileKernel)`), which starts in a few milliseconds where loading TypeScript modules into a worker
 * takes several hundred. So nothing in here may refer to anything outside it: no imports, no module constants.
 *
 * @example
 * const reader = streetFileKernel().createReader({ lsoaCodes, crimeTypes: POLICE_UK_CRIME_TYPES })
 * const parser = reader.beginFile('2020-01')
 * parser.feed(bytes)
 * const summary = parser.end() // throws an Error with `streetFileFault` for a faulty file
 */
export function streetFileKernel() {
  const QUOTE = 34
  const LF = 10
  const CR = 13
  const COLUMNS = [
    'Crime ID',
    'Month',
    'Reported by',
    'Falls within',
    'Longitude',
    'Latitude',
    'Location',
    'LSOA code',
    'LSOA name',
    'Crime type',
    'Last outcome category',
    'Context',
  ]
  const HEADER = COLUMNS.join(',')
  /** A real row is about 250 bytes; a "row" this long is an unclosed quote, and is not held in memory whole. */
  const MAX_ROW_BYTES = 1 << 20
  const CHUNK_BYTES = 1 << 20
  /** The fast path is taken while this many bytes or more are held past the row: no bounds to check in it. */
  const FAST_WINDOW = 4096
  /** LSOA codes of the form E01dddddd / W01dddddd index a flat table: E by the six digits, W by a million more. */
  const FAST_LSOA_SLOTS = 2_000_000

  function fault(line: number, reason: string): Error {
    return Object.assign(new Error(`line ${line}: ${reason}`), { streetFileFault: { line, reason } })
  }

  /** Where a crime type of this length, first and last byte sits in the type table (12 bits). */
  function typeSlot(length: number, first: number, last: number): number {
    return ((length & 63) << 6) | ((first * 31 + last) & 63)
  }

  function fastLsoaKey(code: string): number {
    if (code.length !== 9 || code.charCodeAt(1) !== 48 || code.charCodeAt(2) !== 49) return -1
    const first = code.charCodeAt(0)
    if (first !== 69 && first !== 87) return -1
    let n = 0
    for (let i = 3; i < 9; i++) {
      const d = code.charCodeAt(i) - 48
      if (d < 0 || d > 9) return -1
      n = n * 10 + d
    }
    return first === 87 ? 1_000_000 + n : n
  }

  /** Bytes as little-endian 32-bit words (the last partial word left out), to compare four bytes at a time. */
  function wordsOf(bytes: Uint8Array): Int32Array {
    const words = new Int32Array(bytes.length >> 2)
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    for (let i = 0; i < words.length; i++) words[i] = view.getInt32(i * 4, true)
    return words
  }

  /** Whether bytes hold no comma, quote, CR or LF: such a field is the same bytes however a row is split. */
  function isPlain(bytes: Uint8Array): boolean {
    return bytes.every((c) => c !== 44 && c !== 34 && c !== 10 && c !== 13)
  }

  /**
   * The position of the comma, quote, CR or LF that ends an unquoted field starting at `p` (the bytes held end with
   * an LF, so it stops there at the latest): four bytes at a time while none is below 45, then byte by byte.
   */
  function skipField(b: Uint8Array, v: DataView, p: number, end: number): number {
    while (p + 4 <= end) {
      const word = v.getUint32(p, true)
      if (((word - 0x2d2d2d2d) & ~word & 0x80808080) !== 0) break
      p += 4
    }
    let c = b[p] as number
    while (c > 44 || (c !== 44 && c !== 10 && c !== 13 && c !== 34)) c = b[++p] as number
    return p
  }

  /** Not zero when one of the four bytes of `word` is below 45 (a comma, quote, CR or LF among them; exact). */
  function hasByteBelow45(word: number): number {
    return (word - 0x2d2d2d2d) & ~word & 0x80808080
  }

  /** Whether `length` bytes at `p` are `bytes` (whose words are `words`). */
  function sameBytes(
    b: Uint8Array,
    v: DataView,
    p: number,
    words: Int32Array,
    bytes: Uint8Array,
    length: number,
  ): boolean {
    const whole = length & ~3
    let i = 0
    for (; i < whole; i += 4) if (v.getInt32(p + i, true) !== words[i >> 2]) return false
    for (; i < length; i++) if (b[p + i] !== bytes[i]) return false
    return true
  }

  /** Text of a field; a quoted field's doubled quotes become single ones. */
  function fieldText(buf: Buffer, start: number, end: number, quoted: boolean): string {
    const text = buf.toString('utf8', start, end)
    return quoted ? text.replace(/""/g, '"') : text
  }

  function createReader(initialSetup: KernelSetup): StreetFileReader {
    // The lookups: replaced by `configure`, so that a worker can warm the parser up before it has them.
    let setup = initialSetup
    let knownLsoas = 0
    let typeCount = 0
    const fastLsoa = new Int32Array(FAST_LSOA_SLOTS)
    let otherLsoa = new Map<string, number>()
    let typeBytes: Buffer[] = []
    let typeByName = new Map<string, number>()
    /** A crime type by (length, first and last byte): its position, -1 none, -2 several (then by name). */
    const typeSlots = new Int16Array(4096)
    /** The fast path's crime types: up to four candidates by first byte (-1 ends the list), and each type as words. */
    const typeByFirstByte = new Int16Array(256 * 4)
    let typeWords: Int32Array[] = []

    function configure(next: KernelSetup): void {
      if (current !== 0) throw new Error('a file is being read: finish it before changing the lookups')
      setup = next
      knownLsoas = next.lsoaCodes.length
      typeCount = next.crimeTypes.length
      fastLsoa.fill(0)
      otherLsoa = new Map()
      next.lsoaCodes.forEach((code, i) => {
        const key = fastLsoaKey(code)
        const before = key >= 0 ? (fastLsoa[key] as number) - 1 : (otherLsoa.get(code) ?? -1)
        if (before >= 0) throw new Error(`LSOA ${code} appears twice in the LSOA lookup`)
        if (key >= 0) fastLsoa[key] = i + 1
        else otherLsoa.set(code, i)
      })
      // A crime type is found by (length, first byte, last byte), then checked byte by byte.
      typeBytes = next.crimeTypes.map((name) => Buffer.from(name, 'utf8'))
      typeByName = new Map(next.crimeTypes.map((name, i) => [name, i]))
      typeSlots.fill(-1)
      typeByFirstByte.fill(-1)
      typeWords = typeBytes.map(wordsOf)
      typeBytes.forEach((bytes, i) => {
        const first = (bytes[0] as number) * 4
        let k = 0
        while (k < 4 && typeByFirstByte[first + k] !== -1) k++
        if (k < 4 && bytes.length > 0 && bytes.length <= 64 && isPlain(bytes)) typeByFirstByte[first + k] = i
      })
      typeBytes.forEach((bytes, i) => {
        const slot = typeSlot(bytes.length, bytes[0] as number, bytes[bytes.length - 1] as number)
        typeSlots[slot] = typeSlots[slot] === -1 ? i : -2
      })
      // Rows are counted by counter × crime type: one counter per group whose LSOAs are not wanted one by one (a
      // few hundred, so that the counts stay in the processor's fastest cache: counting by LSOA, 2 MB of them,
      // took a fifth of the parsing), one per other LSOA, and one per code the lookup lacks (added as met).
      groupCount = 0
      if (next.lsoaGroups) for (const g of next.lsoaGroups) if (g >= groupCount) groupCount = g + 1
      counterOf = new Int32Array(knownLsoas)
      const individual: number[] = []
      for (let i = 0; i < knownLsoas; i++) {
        const group = next.lsoaGroups?.[i] ?? -1
        if (group >= 0 && next.detailedGroups?.[group] !== 1) counterOf[i] = group
        else {
          counterOf[i] = groupCount + individual.length
          individual.push(i)
        }
      }
      counterLsoa = Int32Array.from(individual)
      firstExtraCounter = groupCount + individual.length
      counts = new Int32Array((firstExtraCounter + 1024) * typeCount)
      touchedCount = 0
      // Sums by group and the slots used, for the groups whose LSOAs are also counted one by one.
      groupSums = new Int32Array(groupCount * typeCount)
      groupKeys = new Int32Array(groupCount * typeCount)
    }

    // Reused from file to file: counts by (counter, type), and the list of slots touched, to read and reset them.
    let groupCount = 0
    /** Each known LSOA's counter; the LSOA of each counter from `groupCount` on; the first extra code's counter. */
    let counterOf = new Int32Array(0)
    let counterLsoa = new Int32Array(0)
    let firstExtraCounter = 0
    let counts = new Int32Array(0)
    let groupSums = new Int32Array(0)
    let groupKeys = new Int32Array(0)
    let touched = new Int32Array(4096)
    let touchedCount = 0
    let buf = Buffer.allocUnsafe(CHUNK_BYTES * 2 + 1)
    let view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)

    // The file being read. One file at a time per reader: its state lives here rather than in closures made per
    // file, so that the functions below stay the same objects and V8 keeps their optimised code from file to file.
    let current = 0 // which file (a serial number); 0 when none is open
    let serial = 0
    let month = ''
    let monthBytes = [0, 0, 0, 0, 0, 0, 0]
    let withoutLocation = new Int32Array(0)
    let extras = new Map<string, number>()
    let extraCodes: string[] = []
    let len = 0 // bytes held in buf
    let pos = 0 // where the next row starts
    let consumed = 0 // bytes of the file before buf[0]
    let line = 1
    let headerDone = false
    /**
     * Whether the file's lines end with a carriage return alone (old Mac files; Python's csv module reads them). Then
     * every CR is turned into an LF as the bytes arrive, before they are parsed: the parser itself is unchanged, and
     * files with LF or CRLF line ends pay one test per chunk.
     */
    let crOnly = false
    let rows = 0
    let fallsWithin: Buffer | null = null
    let fallsWithinName: string | null = null
    /** "Falls within" as words, for the fast path (null until the first row, or when it is not plain). */
    let forceWords: Int32Array | null = null
    /** The last "Reported by" the fast path met, to compare the next row's with rather than scan it. */
    const reportedBytes = new Uint8Array(64)
    let reportedWords: Int32Array = new Int32Array(0)
    let reportedLength = -1

    function lsoaIndexOf(start: number, end: number, quoted: boolean): number {
      if (!quoted && end - start === 9 && buf[start + 1] === 48 && buf[start + 2] === 49) {
        const first = buf[start]
        if (first === 69 || first === 87) {
          let n = 0
          let ok = true
          for (let i = start + 3; i < end; i++) {
            const d = (buf[i] as number) - 48
            if (d < 0 || d > 9) {
              ok = false
              break
            }
            n = n * 10 + d
          }
          if (ok) {
            const slot = fastLsoa[first === 87 ? 1_000_000 + n : n] as number
            if (slot > 0) return slot - 1
          }
        }
      }
      // The slow path: quoted, padded, not of the E01/W01 form, or not in the lookup.
      const code = fieldText(buf, start, end, quoted).trim()
      if (code === '') return -1
      const key = fastLsoaKey(code)
      const known = key >= 0 ? (fastLsoa[key] as number) - 1 : (otherLsoa.get(code) ?? -1)
      if (known >= 0) return known
      let extra = extras.get(code)
      if (extra === undefined) {
        extra = knownLsoas + extraCodes.length
        extras.set(code, extra)
        extraCodes.push(code)
        if ((firstExtraCounter + extraCodes.length) * typeCount > counts.length) {
          const larger = new Int32Array(counts.length * 2)
          larger.set(counts)
          counts = larger
        }
      }
      return extra
    }

    function crimeTypeOf(start: number, end: number, quoted: boolean, rowLine: number): number {
      const length = end - start
      if (!quoted && length > 0 && length < 64) {
        const candidate = typeSlots[typeSlot(length, buf[start] as number, buf[end - 1] as number)] as number
        if (candidate >= 0) {
          // The table only narrows it down: every byte is compared (a typo must not pass as its neighbour).
          const bytes = typeBytes[candidate] as Buffer
          if (bytes.length === length) {
            let i = 0
            while (i < length && buf[start + i] === bytes[i]) i++
            if (i === length) return candidate
          }
        }
      }
      const name = fieldText(buf, start, end, quoted)
      const found = typeByName.get(name)
      if (found === undefined) throw fault(rowLine, `unknown crime type "${name}" in column "Crime type"`)
      return found
    }

    function checkHeader(end: number): void {
      let start = 0
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3
      let stop = end
      if (stop > start && buf[stop - 1] === CR) stop--
      const header = buf.toString('utf8', start, stop)
      if (header === HEADER) return
      const found = headerCells(header)
      if (found.length === COLUMNS.length && COLUMNS.every((name, k) => found[k] === name)) return
      const i = COLUMNS.findIndex((name, k) => found[k] !== name)
      const where =
        i < 0
          ? `it has ${found.length} columns where ${COLUMNS.length} were expected`
          : found[i] === undefined
            ? `column ${i + 1} ("${COLUMNS[i]}") is missing`
            : `column ${i + 1} is "${found[i]}" where "${COLUMNS[i]}" was expected`
      throw fault(1, `this is not a data.police.uk street-level file header: ${where}`)
    }

    /**
     * The header's cells, read as CSV: a cell may be quoted (`"Crime ID","Month",…` is the same header), with doubled
     * quotes inside. A header whose quoting is broken is split at its commas, for the message.
     */
    function headerCells(header: string): string[] {
      const cells: string[] = []
      let i = 0
      for (;;) {
        if (header.charCodeAt(i) === QUOTE) {
          let cell = ''
          let j = i + 1
          for (;;) {
            const q = header.indexOf('"', j)
            if (q < 0) return header.split(',')
            cell += header.slice(j, q)
            if (header.charCodeAt(q + 1) === QUOTE) {
              cell += '"'
              j = q + 2
              continue
            }
            i = q + 1
            break
          }
          cells.push(cell)
          if (i >= header.length) return cells
          if (header.charCodeAt(i) !== 44) return header.split(',')
          i++
        } else {
          const comma = header.indexOf(',', i)
          if (comma < 0) {
            cells.push(header.slice(i))
            return cells
          }
          cells.push(header.slice(i, comma))
          i = comma + 1
        }
      }
    }

    /** CR → LF in buf[from, to), for a file whose lines end with CR alone. */
    function carriageReturnsToLineFeeds(from: number, to: number): void {
      for (let k = buf.indexOf(CR, from); k >= 0 && k < to; k = buf.indexOf(CR, k + 1)) buf[k] = LF
    }

    /**
     * A blank line at `rowStart`: accepted when only blank lines follow it to the end of the file (editors and
     * exports add them), refused when a row follows (a blank line among the rows is no row of the file's 12
     * columns). Returns where parsing goes on, or -1 to wait for more bytes.
     */
    function blankLines(rowStart: number, rowLine: number, end: number, final: boolean): number {
      let q = rowStart
      while (q < end && (buf[q] === LF || buf[q] === CR)) q++
      if (q < end) {
        throw fault(rowLine, 'a blank line among the rows (blank lines are accepted only at the end of the file)')
      }
      if (!final && end - rowStart > MAX_ROW_BYTES) throw fault(rowLine, 'more than 1 MB of blank lines')
      return final ? end : -1
    }

    /** Checks a row's Month (byte by byte against the file's) and "Falls within" (the same on every row). */
    function checkMonthAndForce(
      monthStart: number,
      monthEnd: number,
      forceStart: number,
      forceEnd: number,
      quotedFields: number,
      rowLine: number,
    ): void {
      if (
        quotedFields & 2
          ? fieldText(buf, monthStart, monthEnd, true) !== month
          : monthEnd - monthStart !== 7 || monthBytes.some((byte, i) => buf[monthStart + i] !== byte)
      ) {
        const found = fieldText(buf, monthStart, monthEnd, (quotedFields & 2) !== 0)
        throw fault(rowLine, `Month "${found}" is not the file's month, ${month}`)
      }
      if (fallsWithin === null) {
        fallsWithinName = fieldText(buf, forceStart, forceEnd, (quotedFields & 8) !== 0)
        if (fallsWithinName.trim() === '') throw fault(rowLine, 'the "Falls within" column is empty')
        fallsWithin = Buffer.from(buf.subarray(forceStart, forceEnd))
        forceWords =
          (quotedFields & 8) === 0 && fallsWithin.length <= 64 && isPlain(fallsWithin) ? wordsOf(fallsWithin) : null
        return
      }
      const length = forceEnd - forceStart
      let same = length === fallsWithin.length
      for (let i = 0; same && i < length; i++) same = buf[forceStart + i] === fallsWithin[i]
      if (!same) {
        const found = fieldText(buf, forceStart, forceEnd, (quotedFields & 8) !== 0)
        if (found !== fallsWithinName) {
          throw fault(rowLine, `"Falls within" is "${found}" where earlier rows have "${fallsWithinName}"`)
        }
      }
    }

    function count(lsoa: number, type: number): void {
      const counter = lsoa < knownLsoas ? (counterOf[lsoa] as number) : firstExtraCounter + lsoa - knownLsoas
      const slot = counter * typeCount + type
      if (counts[slot] === 0) {
        if (touchedCount === touched.length) {
          const larger = new Int32Array(touched.length * 2)
          larger.set(touched)
          touched = larger
        }
        touched[touchedCount++] = slot
      }
      counts[slot] = (counts[slot] as number) + 1
    }

    /** The position of the quote closing the field opened at `open`, or -1 when the bytes held end first. */
    function closingQuote(open: number, end: number, final: boolean): number {
      let q = open + 1
      for (;;) {
        q = buf.indexOf(QUOTE, q)
        if (q < 0 || q >= end || (q + 1 >= end && !final)) return -1
        if (q + 1 < end && buf[q + 1] === QUOTE) q += 2
        else return q
      }
    }

    function linesIn(start: number, stop: number): number {
      let lines = 0
      for (let k = buf.indexOf(LF, start); k >= 0 && k < stop; k = buf.indexOf(LF, k + 1)) lines++
      return lines
    }

    // The faults of a row, out of the hot function (which V8 then compiles sooner and better).
    function column(field: number): string {
      return `column "${COLUMNS[field] ?? field + 1}"`
    }
    function unclosedQuote(rowLine: number, field: number, final: boolean): Error {
      return fault(rowLine, `a quoted field in ${column(field)} ${final ? 'is never closed' : 'runs on past 1 MB'}`)
    }
    function afterClosingQuote(rowLine: number, field: number, c: number): Error {
      const found = String.fromCharCode(c)
      return fault(
        rowLine,
        `a closing quote in ${column(field)} is followed by "${found}" instead of a comma or the end of the line`,
      )
    }
    function strayQuote(rowLine: number, field: number): Error {
      return fault(rowLine, `a double quote inside ${column(field)}, which is not a quoted field`)
    }
    function columnCount(rowLine: number, field: number, cutOff: boolean): Error {
      const ending = cutOff ? ' (the file ends part-way through this row: it may have been cut off)' : ''
      return fault(rowLine, `${field + 1} columns where the header has 12${ending}`)
    }
    function header(end: number, final: boolean): number {
      // The first line end decides how lines end: a CR not followed by an LF is a file of CR-only line ends.
      const lf = buf.indexOf(LF, 0)
      const firstLineEnd = lf >= 0 && lf < end ? lf : end
      const cr = buf.subarray(0, firstLineEnd).indexOf(CR)
      if (cr >= 0) {
        if (cr + 1 >= end && !final) return -1
        if (cr + 1 >= end || buf[cr + 1] !== LF) {
          crOnly = true
          carriageReturnsToLineFeeds(0, end)
        }
      }
      const eol = buf.indexOf(LF, 0)
      if (eol >= 0 && eol < end) {
        checkHeader(eol)
        return eol + 1
      }
      if (end > MAX_ROW_BYTES) throw fault(1, 'the first line (the header) is longer than 1 MB with no line end in it')
      if (!final) return -1
      if (end === 0) throw fault(1, 'the file is empty (no header): it may have been cut off')
      checkHeader(end)
      return end
    }

    /** Rows the last `fastRows` call took. */
    let taken = 0

    // The fast path: a row with no quoted field, the file's Month and "Falls within", a known crime type and
    // an LSOA code the lookup has (or none). Fields the row before had (Reported by, Falls within) are compared
    // four bytes at a time rather than scanned. Anything else, and the last few KB of the bytes held, go to the
    // general path below, from the start of the row: it accepts and refuses exactly as it would have.
    function fastRows(p: number, end: number): number {
      const b = buf
      const v = view
      const fw = forceWords as Int32Array
      const f = fallsWithin as Buffer
      const noLocation = withoutLocation
      const names = typeBytes
      const lsoaSlots = fastLsoa
      const [m0, m1, m2, m3, m4, m5, m6] = monthBytes
      taken = 0
      while (end - p > FAST_WINDOW) {
        // Crime ID: usually 64 hexadecimal digits (all four bytes of each word above 44, tested together), or none
        let below = 1
        if (b[p + 64] === 44) {
          below = 0
          for (let k = 0; k < 64; k += 4) below |= hasByteBelow45(v.getUint32(p + k, true))
        }
        let q = below === 0 ? p + 64 : skipField(b, v, p, end)
        if (b[q] !== 44 || q - p > 1024) return p
        q++
        if (
          b[q] !== m0 ||
          b[q + 1] !== m1 ||
          b[q + 2] !== m2 ||
          b[q + 3] !== m3 ||
          b[q + 4] !== m4 ||
          b[q + 5] !== m5 ||
          b[q + 6] !== m6 ||
          b[q + 7] !== 44
        )
          return p
        q += 8
        // Reported by
        if (
          reportedLength >= 0 &&
          b[q + reportedLength] === 44 &&
          sameBytes(b, v, q, reportedWords, reportedBytes, reportedLength)
        ) {
          q += reportedLength + 1
        } else {
          const r = skipField(b, v, q, end)
          if (b[r] !== 44 || r - q > 64) return p
          reportedLength = r - q
          reportedBytes.set(b.subarray(q, r))
          reportedWords = wordsOf(reportedBytes.subarray(0, reportedLength))
          q = r + 1
        }
        // Falls within
        const fl = f.length
        if (b[q + fl] !== 44 || !sameBytes(b, v, q, fw, f, fl)) return p
        q += fl + 1
        // Longitude, Latitude, Location
        q = skipField(b, v, q, end)
        if (b[q] !== 44) return p
        q = skipField(b, v, q + 1, end)
        if (b[q] !== 44) return p
        q = skipField(b, v, q + 1, end)
        if (b[q] !== 44 || q - p > 2048) return p
        q++
        // LSOA code
        let lsoa = -1
        const first = b[q] as number
        if (first !== 44) {
          if (!((first === 69 || first === 87) && b[q + 1] === 48 && b[q + 2] === 49 && b[q + 9] === 44)) return p
          const d3 = (b[q + 3] as number) - 48
          const d4 = (b[q + 4] as number) - 48
          const d5 = (b[q + 5] as number) - 48
          const d6 = (b[q + 6] as number) - 48
          const d7 = (b[q + 7] as number) - 48
          const d8 = (b[q + 8] as number) - 48
          if (!(d3 >>> 0 < 10 && d4 >>> 0 < 10 && d5 >>> 0 < 10 && d6 >>> 0 < 10 && d7 >>> 0 < 10 && d8 >>> 0 < 10))
            return p
          const n = ((((d3 * 10 + d4) * 10 + d5) * 10 + d6) * 10 + d7) * 10 + d8
          lsoa = (lsoaSlots[first === 87 ? 1_000_000 + n : n] as number) - 1
          if (lsoa < 0) return p
          q += 9
        }
        q++
        // LSOA name
        q = skipField(b, v, q, end)
        if (b[q] !== 44) return p
        q++
        // Crime type: one of the types beginning with its first byte, whole, followed by a comma
        const candidates = (b[q] as number) * 4
        let type = -1
        for (let k = 0; k < 4; k++) {
          const t = typeByFirstByte[candidates + k] as number
          if (t < 0) break
          const bytes = names[t] as Buffer
          const tl = bytes.length
          if (b[q + tl] === 44 && sameBytes(b, v, q, typeWords[t] as Int32Array, bytes, tl)) {
            type = t
            q += tl + 1
            break
          }
        }
        if (type < 0) return p
        // Last outcome category, Context, the line end
        q = skipField(b, v, q, end)
        if (b[q] !== 44) return p
        q = skipField(b, v, q + 1, end)
        const c = b[q]
        if (c === 10) q++
        else if (c === 13 && b[q + 1] === 10) q += 2
        else return p
        if (lsoa < 0) noLocation[type] = (noLocation[type] as number) + 1
        else count(lsoa, type)
        taken++
        p = q
      }
      return p
    }

    /**
     * Parses the complete rows in buf[pos, len). `final` says no more bytes will come, so a row that is cut off
     * is an error rather than something to wait for.
     */
    function parse(final: boolean): void {
      const end = len
      const b = buf
      const v = view
      b[end] = LF // a sentinel: the unquoted-field loop needs no bounds check (buf always has a spare byte)
      if (!headerDone) {
        const first = header(end, final)
        if (first < 0) return
        pos = first
        headerDone = true
        line = 2
      }
      // The file's state in locals for the loop; written back at the end.
      const noLocation = withoutLocation
      const slots = typeSlots
      const names = typeBytes
      const lsoaSlots = fastLsoa
      const [m0, m1, m2, m3, m4, m5, m6] = monthBytes
      let force = fallsWithin
      let rowCount = rows
      let nextLine = line
      let p = pos
      while (p < end) {
        // The fast path takes every row it can; the general path below takes the next one.
        if (end - p > FAST_WINDOW && forceWords !== null) {
          p = fastRows(p, end)
          rowCount += taken
          nextLine += taken
          if (end - p <= FAST_WINDOW) continue
        }
        const rowStart = p
        const rowLine = nextLine
        let field = 0
        let monthStart = 0
        let monthEnd = 0
        let forceStart = 0
        let forceEnd = 0
        let lsoaStart = 0
        let lsoaEnd = 0
        let typeStart = 0
        let typeEnd = 0
        let quotedFields = 0
        let extraLines = 0
        let incomplete = false
        for (;;) {
          let start = p
          let stop: number
          let c = b[p] as number
          if (c === 34) {
            const q = closingQuote(p, end, final)
            if (q < 0) {
              if (final || end - rowStart > MAX_ROW_BYTES) throw unclosedQuote(rowLine, field, final)
              incomplete = true
              break
            }
            start = p + 1
            stop = q
            extraLines += linesIn(start, stop)
            quotedFields |= 1 << field
            p = q + 1
            c = b[p] as number
            if (c !== 44 && c !== 10 && c !== 13) throw afterClosingQuote(rowLine + extraLines, field, c)
          } else {
            // The hot loops. First four bytes at a time while none is below 45 (a comma, quote, CR and LF all are;
            // so is a space, which only sends the rest of the field to the byte loop): the test is the "has a byte
            // less than n" bit trick, exact for any bytes. Then byte by byte: most bytes are above 44, so one
            // comparison usually settles it. Literals, not the named constants, so that nothing is loaded from the
            // enclosing scope: 44 comma, 10 LF, 13 CR, 34 quote.
            while (p + 4 <= end) {
              const word = v.getUint32(p, true)
              if (((word - 0x2d2d2d2d) & ~word & 0x80808080) !== 0) break
              p += 4
            }
            c = b[p] as number
            while (c > 44 || (c !== 44 && c !== 10 && c !== 13 && c !== 34)) c = b[++p] as number
            stop = p
            if (c === 34) throw strayQuote(rowLine + extraLines, field)
          }
          if (field === 1) {
            monthStart = start
            monthEnd = stop
          } else if (field === 3) {
            forceStart = start
            forceEnd = stop
          } else if (field === 7) {
            lsoaStart = start
            lsoaEnd = stop
          } else if (field === 9) {
            typeStart = start
            typeEnd = stop
          }
          if (c === 44) {
            field++
            p++
            continue
          }
          // The end of the line, or the end of the bytes held (the sentinel).
          if (p >= end) {
            if (!final) incomplete = true
            break
          }
          if (c === 13) {
            if (p + 1 >= end) {
              if (!final) incomplete = true
              p++
              break
            }
            if (b[p + 1] !== 10) throw fault(rowLine + extraLines, 'a carriage return that does not end the line')
            p += 2
          } else p++
          break
        }
        if (incomplete) {
          if (end - rowStart > MAX_ROW_BYTES) throw fault(rowLine, 'a line longer than 1 MB')
          p = rowStart
          break
        }
        if (field !== 11) {
          if (field === 0 && quotedFields === 0 && (b[rowStart] === LF || b[rowStart] === CR)) {
            const next = blankLines(rowStart, rowLine, end, final)
            if (next < 0) {
              p = rowStart
              break
            }
            p = next
            continue
          }
          throw columnCount(rowLine, field, p >= end && final)
        }
        // Month and "Falls within": checked byte by byte here, the slow function only when they differ.
        let fine =
          (quotedFields & 10) === 0 &&
          monthEnd - monthStart === 7 &&
          b[monthStart] === m0 &&
          b[monthStart + 1] === m1 &&
          b[monthStart + 2] === m2 &&
          b[monthStart + 3] === m3 &&
          b[monthStart + 4] === m4 &&
          b[monthStart + 5] === m5 &&
          b[monthStart + 6] === m6 &&
          force !== null &&
          forceEnd - forceStart === force.length
        if (fine) {
          const length = forceEnd - forceStart
          const expected = force as Buffer
          let i = 0
          while (i < length && b[forceStart + i] === expected[i]) i++
          fine = i === length
        }
        if (!fine) {
          checkMonthAndForce(monthStart, monthEnd, forceStart, forceEnd, quotedFields, rowLine)
          force = fallsWithin
        }
        // Crime type and LSOA: the usual forms here, anything else (quoted, unknown, odd) in the functions.
        let type = -1
        const typeLength = typeEnd - typeStart
        if ((quotedFields & 512) === 0 && typeLength > 0 && typeLength < 64) {
          const candidate = slots[typeSlot(typeLength, b[typeStart] as number, b[typeEnd - 1] as number)] as number
          if (candidate >= 0) {
            const bytes = names[candidate] as Buffer
            if (bytes.length === typeLength) {
              let i = 0
              while (i < typeLength && b[typeStart + i] === bytes[i]) i++
              if (i === typeLength) type = candidate
            }
          }
        }
        if (type < 0) type = crimeTypeOf(typeStart, typeEnd, (quotedFields & 512) !== 0, rowLine)
        let lsoa = -1
        if (lsoaEnd !== lsoaStart) {
          const first = b[lsoaStart] as number
          if (
            (quotedFields & 128) === 0 &&
            lsoaEnd - lsoaStart === 9 &&
            (first === 69 || first === 87) &&
            b[lsoaStart + 1] === 48 &&
            b[lsoaStart + 2] === 49
          ) {
            const d3 = (b[lsoaStart + 3] as number) - 48
            const d4 = (b[lsoaStart + 4] as number) - 48
            const d5 = (b[lsoaStart + 5] as number) - 48
            const d6 = (b[lsoaStart + 6] as number) - 48
            const d7 = (b[lsoaStart + 7] as number) - 48
            const d8 = (b[lsoaStart + 8] as number) - 48
            // Each digit 0–9: as unsigned numbers, anything else is 10 or more.
            if (d3 >>> 0 < 10 && d4 >>> 0 < 10 && d5 >>> 0 < 10 && d6 >>> 0 < 10 && d7 >>> 0 < 10 && d8 >>> 0 < 10) {
              const n = ((((d3 * 10 + d4) * 10 + d5) * 10 + d6) * 10 + d7) * 10 + d8
              lsoa = (lsoaSlots[first === 87 ? 1_000_000 + n : n] as number) - 1
            }
          }
          if (lsoa < 0) lsoa = lsoaIndexOf(lsoaStart, lsoaEnd, (quotedFields & 128) !== 0)
        }
        if (lsoa < 0) noLocation[type] = (noLocation[type] as number) + 1
        else count(lsoa, type)
        rowCount++
        nextLine = rowLine + 1 + extraLines
      }
      // Written back once per chunk: after a fault the file is abandoned, so they need not be right then.
      rows = rowCount
      line = nextLine
      pos = p
    }

    /** Moves the unparsed tail of buf to its start, making room for at least `room` more bytes. */
    function compact(room: number): void {
      if (pos > 0) {
        buf.copyWithin(0, pos, len)
        consumed += pos
        len -= pos
        pos = 0
      }
      if (len + room + 1 > buf.length) {
        const larger = Buffer.allocUnsafe(Math.max(buf.length * 2, len + room + 1))
        buf.copy(larger, 0, 0, len)
        buf = larger
        view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
      }
    }

    function finish(): StreetFileSummary {
      parse(true)
      // A header and nothing else would replace a stored month with zeros, or make a month read 0 crimes where it
      // should read "not loaded": data.police.uk publishes no empty force-months (a month it lacks has no file).
      if (rows === 0) {
        throw fault(2, 'the file has its header but no rows: it may have been cut off or saved empty')
      }
      const groups = setup.lsoaGroups
      const detailed = setup.detailedGroups
      let lsoaTriples = new Int32Array(touchedCount * 3)
      let lsoaUsed = 0
      let groupTouched = 0
      for (let i = 0; i < touchedCount; i++) {
        const slot = touched[i] as number
        const counter = Math.floor(slot / typeCount)
        const type = slot % typeCount
        const n = counts[slot] as number
        counts[slot] = 0
        // A group's own counter, or an LSOA's (in a detailed group, in none, or not in the lookup).
        const lsoa =
          counter < groupCount
            ? -1
            : counter < firstExtraCounter
              ? (counterLsoa[counter - groupCount] as number)
              : knownLsoas + counter - firstExtraCounter
        const group = lsoa < 0 ? counter : groups !== undefined && lsoa < knownLsoas ? (groups[lsoa] as number) : -1
        if (group >= 0) {
          const key = group * typeCount + type
          if (groupSums[key] === 0) groupKeys[groupTouched++] = key
          groupSums[key] = (groupSums[key] as number) + n
        }
        if (lsoa >= 0 && (groups === undefined || group < 0 || detailed?.[group] === 1)) {
          lsoaTriples[lsoaUsed++] = lsoa
          lsoaTriples[lsoaUsed++] = type
          lsoaTriples[lsoaUsed++] = n
        }
      }
      touchedCount = 0
      current = 0
      if (lsoaUsed < lsoaTriples.length) lsoaTriples = lsoaTriples.slice(0, lsoaUsed)
      const groupTriples = new Int32Array(groupTouched * 3)
      for (let i = 0; i < groupTouched; i++) {
        const key = groupKeys[i] as number
        groupTriples[i * 3] = Math.floor(key / typeCount)
        groupTriples[i * 3 + 1] = key % typeCount
        groupTriples[i * 3 + 2] = groupSums[key] as number
        groupSums[key] = 0
      }
      return {
        rows,
        bytes: consumed + len,
        fallsWithin: fallsWithinName,
        withoutLocation: Array.from(withoutLocation),
        counts: lsoaTriples,
        groupCounts: groupTriples,
        extraLsoaCodes: extraCodes,
      }
    }

    /** Runs `work` for file `id`; on a fault the counts gathered so far are cleared and the file is closed. */
    function guarded<T>(id: number, work: () => T): T {
      if (current !== id) throw new Error('this file has been ended, or another file was begun after it')
      try {
        return work()
      } catch (error) {
        for (let i = 0; i < touchedCount; i++) counts[touched[i] as number] = 0
        touchedCount = 0
        current = 0
        throw error
      }
    }

    function beginFile(fileMonth: string): StreetFileParser {
      if (!/^\d{4}-\d{2}$/.test(fileMonth)) throw new Error(`"${fileMonth}" is not a month (YYYY-MM)`)
      if (current !== 0) {
        // The previous file was abandoned part-way (its caller stopped feeding it): clear what it counted.
        for (let i = 0; i < touchedCount; i++) counts[touched[i] as number] = 0
        touchedCount = 0
      }
      const id = ++serial
      current = id
      month = fileMonth
      monthBytes = [0, 1, 2, 3, 4, 5, 6].map((i) => fileMonth.charCodeAt(i))
      withoutLocation = new Int32Array(typeCount)
      extras = new Map()
      extraCodes = []
      len = 0
      pos = 0
      consumed = 0
      line = 1
      headerDone = false
      crOnly = false
      rows = 0
      fallsWithin = null
      fallsWithinName = null
      forceWords = null
      reportedLength = -1
      return {
        feed(chunk: Uint8Array) {
          guarded(id, () => {
            compact(chunk.length)
            buf.set(chunk, len)
            if (crOnly) carriageReturnsToLineFeeds(len, len + chunk.length)
            len += chunk.length
            parse(false)
          })
        },
        readAll(read: ReadInto) {
          return guarded(id, () => {
            for (;;) {
              compact(CHUNK_BYTES)
              const n = read(buf, len, buf.length - len - 1)
              if (n <= 0) break
              if (crOnly) carriageReturnsToLineFeeds(len, len + n)
              len += n
              parse(false)
            }
            return finish()
          })
        },
        end() {
          return guarded(id, finish)
        },
        get bytesParsed() {
          return current === id ? consumed + pos : 0
        },
        get rowsParsed() {
          return current === id ? rows : 0
        },
      }
    }

    /**
     * Made-up rows through every path of the parser before the first real file: quoted fields, both line ends, a
     * row split between chunks, no location, an LSOA the lookup lacks, and (in 8 KB, more than the fast path needs
     * held past a row) the fast path's every branch: a 64-digit Crime ID or none, each crime type, a "Reported by"
     * that changes. V8 then has type feedback for all of the parser when it first optimises it, part-way through
     * that file, instead of optimising, meeting a path not yet run, dropping back to the interpreter and optimising
     * again (a tenth of a second each time, measured; before the fast path was run here, its first optimised code
     * was dropped twice in the first file). More made-up rows, to have it optimised before the first file, cost
     * more than they saved.
     */
    function warmUp(): void {
      if (knownLsoas === 0 || typeCount < 2) return
      const rowOf = (id: string, location: string, lsoa: string, type: string, reportedBy = 'Police') =>
        `${id},2000-01,${reportedBy},Police,-1.0,50.0,${location},${lsoa},Area 001A,${type},Outcome,`
      const lsoa = setup.lsoaCodes[0] as string
      const type = setup.crimeTypes[1] as string
      const usual: string[] = []
      for (let i = 0; i < 48; i++) {
        const row = rowOf(
          i % 3 === 0 ? '' : '0123456789abcdef'.repeat(4),
          'On or near Road',
          i % 5 === 4 ? '' : (setup.lsoaCodes[i % 2 === 0 ? (i * 7) % knownLsoas : knownLsoas - 1 - i] as string),
          setup.crimeTypes[i % typeCount] as string,
          i % 8 === 7 ? 'Other Police' : 'Police',
        )
        usual.push(i % 2 === 0 ? row : `${row}\r`)
      }
      const sample = Buffer.from(
        [
          HEADER,
          rowOf('a1', '"On or near ""The Close"", Upper"', lsoa, type),
          rowOf('', 'No Location', '', setup.crimeTypes[0] as string),
          rowOf('b2', 'On or near Road', `"${lsoa}"`, `"${type}"`) + '\n' + rowOf('c3', 'Road', 'E01999999', type),
          rowOf('d4', 'On or near Road', lsoa, type),
          ...usual,
          ...usual,
        ].join('\n'),
      )
      for (let round = 0; round < 2; round++) {
        const parser = beginFile('2000-01')
        if (round === 0) parser.feed(sample)
        else {
          parser.feed(sample.subarray(0, sample.length >> 1))
          parser.feed(sample.subarray(sample.length >> 1))
        }
        parser.end()
      }
    }

    configure(initialSetup)
    warmUp()

    return { beginFile, configure }
  }

  return { createReader, header: HEADER }
}
