import { parse } from 'csv-parse/sync'
import type { ImportProblem } from './import-problem.ts'
import { decodeCsvBytes } from './decode-text.ts'
import { EMPTY_CELL, type RawRow, type RawTable } from './raw-table.ts'

/** Larger files are refused before parsing: a quarterly return is a few hundred rows. */
export const MAX_CSV_BYTES = 20 * 1024 * 1024
/** Rows per table: a framework of 50 indicators over 20 years of months is 12,000. */
export const MAX_ROWS = 100_000

/** The table when the file could be read as CSV (its rows of the wrong length left out), and the problems. */
export interface CsvTableResult {
  readonly table: RawTable | null
  readonly problems: readonly ImportProblem[]
  /** Rows left out of the table because they have the wrong number of cells. */
  readonly rowsLeftOut: number
}

interface CsvParseError {
  readonly code?: string
  readonly message?: string
  readonly records?: number
  readonly lines?: number
}

/** Plain words for csv-parse's structural errors. */
function describeCsvError(error: CsvParseError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted cell that starts in this row is never closed (unbalanced quotes): check for a missing closing "'
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quoted cell is followed by more text before the next comma: inside quotes write a quote mark as "" (two quote marks)'
    case 'INVALID_OPENING_QUOTE':
      return 'a quote mark appears inside a cell that is not quoted: put the whole cell in quotes and write the quote mark as ""'
    case 'CSV_MAX_RECORD_SIZE':
      return 'a row is too long (over 1 MB): check for an unbalanced quote mark'
    default:
      return `the file is not well-formed CSV (${error.message ?? 'unknown error'})`
  }
}

/**
 * Reads a CSV file (UTF-8, comma separated, RFC 4180 quoting) into a header and rows. Row numbers are records,
 * as a spreadsheet numbers them (a cell with a line break in it stays one row). Blank rows are left out. A row
 * with more or fewer cells than the header is reported and left out of the table, so the other rows are still
 * checked. Even empty extra cells are refused: a comma typed into an unquoted cell ("1,234") shifts every cell
 * after it one column to the right, and the shifted row usually ends with an empty cell. A structural error
 * (unbalanced quotes) stops the reading of that file: after it, nothing can say which cell is which.
 */
export function readCsvTable(name: string, content: Buffer): CsvTableResult {
  const problem = (row: number, reason: string): CsvTableResult => ({
    table: null,
    problems: [{ file: name, row, column: '', reason }],
    rowsLeftOut: 0,
  })
  if (content.length > MAX_CSV_BYTES) {
    return problem(0, `the file is ${content.length} bytes; the most accepted is ${MAX_CSV_BYTES} (20 MB): split it`)
  }
  const decoded = decodeCsvBytes(content)
  if (!decoded.ok) return problem(decoded.row, decoded.reason)

  let records: string[][]
  try {
    records = parse(decoded.text, {
      relax_column_count: true,
      relax_quotes: false,
      skip_empty_lines: false,
      max_record_size: 1024 * 1024,
    }) as string[][]
  } catch (error) {
    const e = error as CsvParseError
    // `records` counts the records read before the failing one (the header among them).
    const row = typeof e.records === 'number' ? e.records + 1 : 0
    return problem(row, `${describeCsvError(e)}; the rest of the file was not read`)
  }
  const [header, ...body] = records
  if (header === undefined || header.every((h) => h.trim() === '')) {
    return problem(1, 'the first row must be the header (the column names), and it is empty')
  }
  if (body.length > MAX_ROWS)
    return problem(0, `the file has ${body.length} rows; the most accepted is ${MAX_ROWS}: split it`)

  const problems: ImportProblem[] = []
  const rows: RawRow[] = []
  body.forEach((cells, index) => {
    const row = index + 2
    if (cells.every((c) => c === '')) return
    if (cells.length > header.length) {
      problems.push({
        file: name,
        row,
        column: '',
        reason: `this row has ${cells.length} cells but the header has ${header.length} columns: check for an unquoted comma in a cell (quote the cell) or a stray comma`,
      })
      return
    }
    if (cells.length < header.length) {
      problems.push({
        file: name,
        row,
        column: '',
        reason: `this row has ${cells.length} cells but the header has ${header.length} columns: check for a missing comma`,
      })
      return
    }
    rows.push({ row, cells: cells.map((text) => (text === '' ? EMPTY_CELL : text)) })
  })
  // Every problem found here is one row of the wrong length.
  return { table: { source: name, header, rows }, problems, rowsLeftOut: problems.length }
}
