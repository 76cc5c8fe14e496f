import type { CellValue, Worksheet } from 'exceljs'

/**
 * Reading cells of the ONS workbooks with exceljs: a cell may hold a number, a string, rich text, a hyperlink or
 * a formula with its cached result. These helpers give one plain value, so the readers never see exceljs types.
 */
export type PlainCell = number | string | null

export function plainCell(value: CellValue): PlainCell | { readonly unreadable: string } {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') return value
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return { unreadable: 'a TRUE/FALSE value' }
  if (value instanceof Date) return { unreadable: 'a date' }
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('')
    if ('error' in value) return { unreadable: `the spreadsheet error ${String(value.error)}` }
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: CellValue }).result
      if (result === undefined) return { unreadable: 'a formula without a saved result' }
      return plainCell(result)
    }
    if ('text' in value && 'hyperlink' in value) return String(value.text)
  }
  return { unreadable: 'a value of an unknown kind' }
}

/** A cell as `sheetRows` gives it; undefined past the last cell of its row. */
export type SheetCell = PlainCell | { readonly unreadable: string } | undefined

/** A cell's text, trimmed: '' for an empty or unreadable cell; a number as JavaScript writes it (12, 0.5). */
export function cellText(cell: SheetCell): string {
  return cell === null || cell === undefined || typeof cell === 'object' ? '' : String(cell).trim()
}

/** The sheet whose name, trimmed, is `name` (the ONS workbook has names such as "Table P4 " with a space). */
export function findSheet(sheets: readonly Worksheet[], name: string): Worksheet | null {
  const wanted = name.trim().toLowerCase()
  return sheets.find((s) => s.name.trim().toLowerCase() === wanted) ?? null
}

/** All rows of a sheet as arrays of plain cells (index 0 = column A), with their 1-based row numbers. */
export function sheetRows(sheet: Worksheet): { row: number; cells: (PlainCell | { readonly unreadable: string })[] }[] {
  const out: { row: number; cells: (PlainCell | { readonly unreadable: string })[] }[] = []
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as CellValue[]
    // exceljs puts column A at index 1 and leaves holes for empty cells: Array.from visits the holes too.
    out.push({ row: rowNumber, cells: Array.from(values.slice(1), (v) => plainCell(v)) })
  })
  return out
}

/** The column letter(s) of a 0-based column index: 0 → A, 27 → AB. */
export function columnLetter(index: number): string {
  let n = index + 1
  let s = ''
  while (n > 0) {
    const r = (n - 1) % 26
    s = String.fromCharCode(65 + r) + s
    n = Math.floor((n - 1) / 26)
  }
  return s
}
