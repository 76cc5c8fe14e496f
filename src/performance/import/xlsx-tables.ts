import ExcelJS from 'exceljs'
import type { ImportProblem } from './import-problem.ts'
import { MAX_ROWS } from './csv-table.ts'
import { EMPTY_CELL, type RawCell, type RawRow, type RawTable, type TableKind } from './raw-table.ts'
import { checkZipSafety, looksLikeZip } from '../../shared/zip-safety.ts'

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

type ExcelValue = ExcelJS.CellValue

/** A worksheet cell as a `RawCell`: the kind Excel stored, a formula's saved result, rich text joined. */
function toRawCell(value: ExcelValue, numFmt: string | undefined): RawCell {
  if (value === null || value === undefined) return EMPTY_CELL
  if (typeof value === 'number') return { kind: 'number', value, percentFormat: /%/.test(numFmt ?? '') }
  if (typeof value === 'string') return value === '' ? EMPTY_CELL : { kind: 'text', text: value }
  if (typeof value === 'boolean') return { kind: 'boolean', value }
  if (value instanceof Date) return { kind: 'date', value }
  if ('richText' in value) {
    const text = value.richText.map((r) => r.text).join('')
    return text === '' ? EMPTY_CELL : { kind: 'text', text }
  }
  // A hyperlink's text may itself be rich text.
  if ('hyperlink' in value) return toRawCell(value.text as ExcelValue, numFmt)
  if ('formula' in value || 'sharedFormula' in value) {
    const result = value.result
    if (result === undefined || result === null) {
      return {
        kind: 'unreadable',
        reason:
          'the cell holds a formula with no saved result: open the workbook in Excel and save it (or paste the cells as values)',
      }
    }
    return toRawCell(result as ExcelValue, numFmt)
  }
  if ('error' in value) {
    return { kind: 'unreadable', reason: `the cell shows the error ${value.error}: correct it or leave the cell empty` }
  }
  return { kind: 'unreadable', reason: 'the cell holds something that is not a value' }
}

function columnLetter(column: number): string {
  let s = ''
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

/**
 * Reads the sheets named Indicators, Baselines and Values of an .xlsx workbook into tables (other sheets are
 * ignored, so a workbook may carry notes). The archive is checked for zip bombs before the spreadsheet library
 * sees it. Row numbers are Excel's; the header must be in row 1.
 */
export async function readXlsxTables(name: string, content: Buffer): Promise<XlsxTablesResult> {
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

  const workbook = new ExcelJS.Workbook()
  try {
    // exceljs declares its own Buffer type; Node's Buffer is what it reads.
    await workbook.xlsx.load(content as unknown as Parameters<typeof workbook.xlsx.load>[0])
  } catch (error) {
    return fileProblem(`the workbook cannot be read (${(error as Error).message}): save it again from Excel as .xlsx`)
  }

  const tables: RawTable[] = []
  const problems: ImportProblem[] = []
  let rowsLeftOut = 0
  for (const sheet of workbook.worksheets) {
    const kind = SHEET_TABLES[sheet.name.trim().toLowerCase()]
    if (kind === undefined) continue
    const source = `${name}, sheet ${sheet.name}`
    const rowProblem = (row: number, column: string, reason: string) =>
      problems.push({ file: source, row, column, reason })

    const header: string[] = []
    const headerRow = sheet.getRow(1)
    headerRow.eachCell({ includeEmpty: false }, (cell, column) => {
      const raw = toRawCell(cell.value, cell.numFmt)
      header[column - 1] = raw.kind === 'text' ? raw.text : raw.kind === 'number' ? String(raw.value) : ''
    })
    for (let i = 0; i < header.length; i++) header[i] ??= ''
    if (header.every((h) => h.trim() === '')) {
      rowProblem(1, '', 'the first row must be the header (the column names), and it is empty')
      continue
    }
    if (sheet.rowCount > MAX_ROWS + 1) {
      rowProblem(0, '', `the sheet has ${sheet.rowCount} rows; the most accepted is ${MAX_ROWS}: split it`)
      continue
    }

    const rows: RawRow[] = []
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (rowNumber === 1) return
      const cells: RawCell[] = header.map(() => EMPTY_CELL)
      let rowIsUsable = true
      row.eachCell({ includeEmpty: false }, (cell, column) => {
        let raw = toRawCell(cell.value, cell.numFmt)
        if (cell.isMerged && cell.master !== cell) {
          raw = { kind: 'unreadable', reason: 'the cell is part of a merged range: unmerge the cells' }
        }
        if (column > header.length) {
          if (raw.kind !== 'empty') {
            rowProblem(
              rowNumber,
              '',
              `cell ${columnLetter(column)}${rowNumber} is beyond the last column of the header: delete it or give the column a header`,
            )
            rowIsUsable = false
          }
          return
        }
        cells[column - 1] = raw
      })
      if (!rowIsUsable) {
        rowsLeftOut++
        return
      }
      if (cells.every((c) => c.kind === 'empty')) return
      rows.push({ row: rowNumber, cells })
    })
    tables.push({ source, header, rows, sheetTable: kind })
  }
  if (tables.length === 0 && problems.length === 0) {
    return fileProblem(
      `the workbook has no sheet named Indicators, Baselines or Values (its sheets: ${workbook.worksheets.map((s) => s.name).join(', ') || 'none'})`,
    )
  }
  return { tables, problems, rowsLeftOut }
}
