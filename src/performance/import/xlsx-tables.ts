import type { ImportProblem } from './import-problem.ts'
import { MAX_ROWS } from './csv-table.ts'
import {
  cellOf,
  EMPTY_CELL,
  isEmptyCell,
  type KeptCell,
  type RawCell,
  type RawRow,
  type RawTable,
  type TableKind,
} from './raw-table.ts'
import { checkZipSafety, looksLikeZip } from '../../shared/zip-safety.ts'
import { openWorkbookParts, readSharedStrings, readStyles, type NumberShown, type WorkbookParts } from './xlsx-parts.ts'

/** A workbook is refused above this size before anything else is done with it. */
export const MAX_XLSX_BYTES = 20 * 1024 * 1024

/** The sheets a workbook may hold, by the name a user gives them (case and surrounding spaces ignored). */
const SHEET_TABLES: Readonly<Record<string, TableKind>> = {
  indicators: 'indicators',
  baselines: 'baselines',
  values: 'values',
}

export interface XlsxTablesResult {
  readonly tables: readonly RawTable[]
  readonly problems: readonly ImportProblem[]
  /** Rows left out of the tables because they could not be read as rows (cells beyond the header). */
  readonly rowsLeftOut: number
}

/** The first bytes of an old Excel 97–2003 (.xls) file, an OLE compound document. */
function looksLikeOldExcel(content: Uint8Array): boolean {
  return content[0] === 0xd0 && content[1] === 0xcf && content[2] === 0x11 && content[3] === 0xe0
}

/** Whether the content should be read as a workbook rather than CSV: by its magic bytes, or its name. */
export function isWorkbook(name: string, content: Uint8Array): boolean {
  return looksLikeZip(content) || looksLikeOldExcel(content) || /\.(xlsx|xlsm|xls)$/i.test(name.trim())
}

function columnLetter(column: number): string {
  let s = ''
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

/** A header wider than this is not one of the three tables (they have at most 15 columns). */
export const MAX_HEADER_COLUMNS = 200

export interface XlsxReadOptions {
  /** Data rows per sheet (the header not counted); reading stops at the first row past it. */
  readonly maxRows?: number
}

/**
 * A cell as the sheet's XML gives it, before its shared string (if any) is looked up: a shared string is kept as its
 * index alone, a number in the row's array rather than an object (a workbook's texts are mostly shared strings, and
 * at 100,000 rows an object per cell was megabytes of the worker's heap).
 */
type SheetCell = KeptCell | number

interface SheetRows {
  /**
   * Cells by row number, then at [column - 1] (Excel's columns count from 1). Arrays, not maps: at 100,000 rows a
   * map per row was most of a sheet's memory.
   */
  readonly rows: Map<number, SheetCell[]>
  /** Merged ranges as [first row, first column, last row, last column]. */
  readonly merges: [number, number, number, number][]
  /** The first row number past the limit, when the sheet goes on beyond it (the rest was not read). */
  readonly pastLimit: number | null
  /**
   * Per row, the first cell with a value past column `MAX_HEADER_COLUMNS` (beyond any header): kept aside, so that a
   * cell in column XFD does not make every row an array of 16,384.
   */
  readonly farCells: Map<number, number>
}

/** "B12" as [12, 2]. */
function cellPosition(ref: string): [number, number] | null {
  const m = /^\$?([A-Z]{1,3})\$?(\d{1,7})$/.exec(ref)
  if (!m) return null
  let column = 0
  for (const ch of m[1] as string) column = column * 26 + (ch.charCodeAt(0) - 64)
  return [Number(m[2]), column]
}

const EXCEL_EPOCH_DAYS = 25569 // 1970-01-01 counted from Excel's 1900-01-00
const DAY_MS = 24 * 60 * 60 * 1000

function excelDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - EXCEL_EPOCH_DAYS + (date1904 ? 1462 : 0)) * DAY_MS))
}

const FORMULA_WITHOUT_RESULT: RawCell = Object.freeze({
  kind: 'unreadable',
  reason:
    'the cell holds a formula with no saved result: open the workbook in Excel and save it (or paste the cells as values)',
})

/**
 * A cell from its type (`t`), style and saved value, as exceljs read it before: a formula's saved result, a
 * number shown as a percentage or a date, an error named.
 */
function sheetCell(
  type: string,
  value: string | null,
  inlineText: string | null,
  hasFormula: boolean,
  shown: NumberShown,
  date1904: boolean,
): SheetCell {
  if (type === 'inlineStr') return inlineText === null || inlineText === '' ? EMPTY_CELL : inlineText
  if (value === null) return hasFormula ? FORMULA_WITHOUT_RESULT : EMPTY_CELL
  switch (type) {
    case 's': {
      const index = Number(value)
      return Number.isInteger(index) && index >= 0
        ? index
        : {
            kind: 'unreadable',
            reason: 'the cell refers to a text the workbook does not have: save it again from Excel',
          }
    }
    case 'str':
      return value === '' ? EMPTY_CELL : value
    case 'b':
      return { kind: 'boolean', value: value === '1' || value === 'true' }
    case 'e':
      return { kind: 'unreadable', reason: `the cell shows the error ${value}: correct it or leave the cell empty` }
    case 'd': {
      const date = new Date(value)
      return Number.isNaN(date.getTime()) ? value : { kind: 'date', value: date }
    }
    default: {
      const n = Number(value)
      if (value.trim() === '' || Number.isNaN(n))
        return { kind: 'unreadable', reason: 'the cell holds something that is not a value' }
      if (shown === 'date') return { kind: 'date', value: excelDate(n, date1904) }
      return { kind: 'number', value: n, percentFormat: shown === 'percent' }
    }
  }
}

/**
 * Reads a sheet's rows as they stream in, up to the row limit: the first row past it stops the reading, and the
 * rest of the sheet is never inflated. Blank rows and empty cells are not kept.
 */
async function readSheetRows(
  parts: WorkbookParts,
  part: string,
  styles: readonly NumberShown[],
  maxRows: number,
): Promise<SheetRows> {
  const rows = new Map<number, SheetCell[]>()
  const merges: [number, number, number, number][] = []
  const farCells = new Map<number, number>()
  let pastLimit: number | null = null

  let rowNumber = 0
  let cells: SheetCell[] | null = null
  let cellsInRow = 0
  let column = 0
  // The cell being read.
  let type = 'n'
  let style = 0
  let value: string | null = null
  let inlineText: string | null = null
  let hasFormula = false
  let reading: 'v' | 't' | null = null
  let inCell = false

  await parts.read(part, (stop) => ({
    open(name, attributes) {
      if (pastLimit !== null) return
      switch (name) {
        case 'row': {
          rowNumber = attributes.r ? Number(attributes.r) : rowNumber + 1
          column = 0
          if (rowNumber > maxRows + 1) {
            pastLimit = rowNumber
            stop()
            return
          }
          cells = []
          cellsInRow = 0
          break
        }
        case 'c': {
          const at = attributes.r ? cellPosition(attributes.r) : null
          column = at ? at[1] : column + 1
          type = attributes.t ?? 'n'
          style = attributes.s ? Number(attributes.s) : 0
          value = null
          inlineText = null
          hasFormula = false
          inCell = true
          break
        }
        case 'f':
          if (inCell) hasFormula = true
          break
        case 'v':
          if (inCell) {
            reading = 'v'
            value = ''
          }
          break
        case 't':
          if (inCell && type === 'inlineStr') {
            reading = 't'
            inlineText ??= ''
          }
          break
        case 'mergeCell': {
          const [from, to] = (attributes.ref ?? '').split(':')
          const first = from ? cellPosition(from) : null
          const last = to ? cellPosition(to) : null
          if (first && last && merges.length < 100_000) merges.push([first[0], first[1], last[0], last[1]])
          break
        }
      }
    },
    close(name) {
      if (pastLimit !== null) return
      if (name === 'v' || name === 't') reading = null
      else if (name === 'c' && inCell) {
        inCell = false
        const cell = sheetCell(type, value, inlineText, hasFormula, styles[style] ?? 'number', parts.date1904)
        const empty = typeof cell === 'object' && cell.kind === 'empty'
        if (!empty && column > MAX_HEADER_COLUMNS) {
          if (!farCells.has(rowNumber)) farCells.set(rowNumber, column)
        } else if (!empty && cells !== null && column >= 1) {
          cells[column - 1] = cell
          cellsInRow++
        }
      } else if (name === 'row' && cells !== null) {
        // Kept as an exact-size copy: the array filled cell by cell has room for 17, three times what a row uses.
        if (cellsInRow > 0 || farCells.has(rowNumber)) rows.set(rowNumber, cells.slice())
        cells = null
      }
    },
    text(text) {
      if (reading === 'v') value += text
      else if (reading === 't') inlineText += text
    },
  }))
  return { rows, merges, pastLimit, farCells }
}

/**
 * Reads the sheets named Indicators, Baselines and Values of an .xlsx workbook into tables (other sheets are
 * never inflated, so a workbook may carry notes of any size). The archive is checked for zip bombs first. Each
 * sheet is read as a stream and only up to the row limit: a sheet that goes on past it is refused without being
 * read to its end, and only the shared strings its rows use are kept. Row numbers are Excel's; the header must
 * be in row 1.
 */
export async function readXlsxTables(
  name: string,
  content: Buffer,
  options: XlsxReadOptions = {},
): Promise<XlsxTablesResult> {
  const maxRows = options.maxRows ?? MAX_ROWS
  const fileProblem = (reason: string): XlsxTablesResult => ({
    tables: [],
    problems: [{ file: name, row: 0, column: '', reason }],
    rowsLeftOut: 0,
  })
  if (content.length === 0) return fileProblem('the file is empty (0 bytes)')
  if (looksLikeOldExcel(content)) {
    return fileProblem(
      'this is an old Excel 97-2003 workbook (.xls): save it as an Excel Workbook (.xlsx) or as CSV UTF-8',
    )
  }
  if (!looksLikeZip(content)) {
    return fileProblem(
      'the file is not an XLSX workbook (an .xlsx file is a zip archive and starts with "PK"): save it as an Excel Workbook (.xlsx) or as CSV UTF-8',
    )
  }
  if (content.length > MAX_XLSX_BYTES) {
    return fileProblem(`the workbook is ${content.length} bytes; the most accepted is ${MAX_XLSX_BYTES} (20 MB)`)
  }
  const unsafe = await checkZipSafety(content, ['[Content_Types].xml', 'xl/workbook.xml'])
  if (unsafe.length > 0) {
    return {
      tables: [],
      problems: unsafe.map((reason) => ({
        file: name,
        row: 0,
        column: '',
        reason: `the workbook was refused: ${reason}`,
      })),
      rowsLeftOut: 0,
    }
  }

  let parts: WorkbookParts
  try {
    parts = await openWorkbookParts(content)
  } catch (error) {
    return fileProblem(`the workbook cannot be read (${(error as Error).message}): save it again from Excel as .xlsx`)
  }
  try {
    return await readTables(name, parts, maxRows)
  } catch (error) {
    return fileProblem(`the workbook cannot be read (${(error as Error).message}): save it again from Excel as .xlsx`)
  } finally {
    parts.close()
  }
}

async function readTables(name: string, parts: WorkbookParts, maxRows: number): Promise<XlsxTablesResult> {
  const styles = await readStyles(parts)
  const problems: ImportProblem[] = []
  const read: { sheet: string; kind: TableKind; rows: SheetRows }[] = []
  for (const sheet of parts.sheets) {
    const kind = SHEET_TABLES[sheet.name.trim().toLowerCase()]
    if (kind === undefined) continue
    const source = `${name}, sheet ${sheet.name}`
    if (sheet.part === undefined) {
      problems.push({
        file: source,
        row: 0,
        column: '',
        reason: 'the sheet is missing from the workbook: save it again from Excel',
      })
      continue
    }
    const rows = await readSheetRows(parts, sheet.part, styles, maxRows)
    if (rows.pastLimit !== null) {
      problems.push({
        file: source,
        row: 0,
        column: '',
        reason: `the sheet has more than ${maxRows} rows (it goes on to row ${rows.pastLimit} at least; reading stopped there); the most accepted is ${maxRows}: split it`,
      })
      continue
    }
    read.push({ sheet: sheet.name, kind, rows })
  }

  // Only the texts the rows read refer to are looked up.
  const wanted = new Set<number>()
  for (const { rows } of read) {
    for (const cells of rows.rows.values()) for (const cell of cells) if (typeof cell === 'number') wanted.add(cell)
  }
  const strings = await readSharedStrings(parts, wanted)
  // A text is kept as its bare string (see KeptCell).
  const resolve = (cell: SheetCell | undefined): KeptCell => {
    if (cell === undefined) return EMPTY_CELL
    if (typeof cell !== 'number') return cell
    const text = strings.get(cell)
    if (text === undefined) {
      return {
        kind: 'unreadable',
        reason: 'the cell refers to a text the workbook does not have: save it again from Excel',
      }
    }
    return text === '' ? EMPTY_CELL : text
  }

  const tables: RawTable[] = []
  let rowsLeftOut = 0
  for (const { sheet, kind, rows: sheetRows } of read) {
    const source = `${name}, sheet ${sheet}`
    const rowProblem = (row: number, column: string, reason: string) =>
      problems.push({ file: source, row, column, reason })

    const header: string[] = []
    const headerCells = sheetRows.rows.get(1)
    let widest = sheetRows.farCells.get(1) ?? 0
    for (const [index, cell] of (headerCells ?? []).entries()) {
      const column = index + 1
      const raw = cellOf(resolve(cell))
      const text = raw.kind === 'text' ? raw.text : raw.kind === 'number' ? String(raw.value) : ''
      if (text !== '') widest = Math.max(widest, column)
      if (column <= MAX_HEADER_COLUMNS) header[column - 1] = text
    }
    if (widest > MAX_HEADER_COLUMNS) {
      rowProblem(
        1,
        '',
        `the header goes on to column ${columnLetter(widest)}; a table has at most ${MAX_HEADER_COLUMNS} columns: delete the cells after the last column name`,
      )
      continue
    }
    header.length = widest
    for (let i = 0; i < header.length; i++) header[i] ??= ''
    if (header.every((h) => h.trim() === '')) {
      rowProblem(1, '', 'the first row must be the header (the column names), and it is empty')
      continue
    }

    // A merged range shows its first cell's value across the others: each other cell is refused, as a cell whose
    // value is not where it appears to be.
    const merged = new Set<string>()
    for (const [firstRow, firstColumn, lastRow, lastColumn] of sheetRows.merges) {
      for (const row of sheetRows.rows.keys()) {
        if (row < Math.max(firstRow, 2) || row > lastRow) continue
        for (let column = firstColumn; column <= Math.min(lastColumn, header.length); column++) {
          if (row !== firstRow || column !== firstColumn) merged.add(`${row}:${column}`)
        }
      }
    }

    const rows: RawRow[] = []
    const numbers = [...sheetRows.rows.keys()].sort((a, b) => a - b)
    for (const rowNumber of numbers) {
      if (rowNumber === 1) continue
      const found = sheetRows.rows.get(rowNumber) as SheetCell[]
      // Each row is let go once it is a table row, so the sheet is not held twice over while it is converted.
      sheetRows.rows.delete(rowNumber)
      const cells: KeptCell[] = header.map(() => EMPTY_CELL)
      let rowIsUsable = true
      for (const [index, cell] of found.entries()) {
        if (cell === undefined) continue
        const column = index + 1
        const raw = resolve(cell)
        if (column > header.length) {
          if (!isEmptyCell(raw)) {
            rowProblem(
              rowNumber,
              '',
              `cell ${columnLetter(column)}${rowNumber} is beyond the last column of the header: delete it or give the column a header`,
            )
            rowIsUsable = false
          }
          continue
        }
        cells[column - 1] = raw
      }
      const far = sheetRows.farCells.get(rowNumber)
      if (far !== undefined) {
        rowProblem(
          rowNumber,
          '',
          `cell ${columnLetter(far)}${rowNumber} is beyond the last column of the header: delete it or give the column a header`,
        )
        rowIsUsable = false
      }
      for (let column = 1; column <= header.length; column++) {
        if (merged.has(`${rowNumber}:${column}`)) {
          cells[column - 1] = { kind: 'unreadable', reason: 'the cell is part of a merged range: unmerge the cells' }
        }
      }
      if (!rowIsUsable) {
        rowsLeftOut++
        continue
      }
      if (cells.every((c) => isEmptyCell(c))) continue
      rows.push({ row: rowNumber, cells })
    }
    tables.push({ source, header, rows, sheetTable: kind })
  }
  if (tables.length === 0 && problems.length === 0) {
    return {
      tables: [],
      problems: [
        {
          file: name,
          row: 0,
          column: '',
          reason: `the workbook has no sheet named Indicators, Baselines or Values (its sheets: ${parts.sheets.map((s) => s.name).join(', ') || 'none'})`,
        },
      ],
      rowsLeftOut: 0,
    }
  }
  return { tables, problems, rowsLeftOut }
}
