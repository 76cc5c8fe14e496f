import ExcelJS from 'exceljs'
import { safeCell } from '../shared/cell-safety.ts'
import { SPREADSHEET_COLUMNS, valueAt, type GrantExport } from './three-sixty-giving.ts'

/**
 * The 360Giving spreadsheet form: a "grants" sheet, one row a grant, the columns titled as the standard's flattened
 * titles ("Identifier", "Amount Awarded", "Recipient Org:Identifier", …), amounts as number cells, every text cell
 * formula-safe (src/shared/cell-safety.ts). A "Notes" sheet says what was left out and any warning about the file.
 */
export async function grantExportXlsx(grantExport: GrantExport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'saferhub'
  workbook.title = grantExport.package.title
  const sheet = workbook.addWorksheet('grants', { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = SPREADSHEET_COLUMNS.map((c) => ({
    header: c.title,
    width: Math.max(14, c.title.length + 2),
    ...(c.path.startsWith('amount') ? { style: { numFmt: '0.00' } } : {}),
  }))
  sheet.getRow(1).values = SPREADSHEET_COLUMNS.map((c) => safeCell(c.title))
  sheet.getRow(1).font = { bold: true }
  for (const grant of grantExport.package.grants)
    sheet.addRow(SPREADSHEET_COLUMNS.map((c) => safeCell(valueAt(grant, c.path) ?? null)))

  const notes = workbook.addWorksheet('Notes')
  notes.columns = [{ width: 30 }, { width: 100 }]
  const note = (label: string, value: string) => notes.addRow([safeCell(label), safeCell(value)])
  notes.addRow([safeCell(grantExport.package.title)]).font = { bold: true }
  note('Description', grantExport.package.description)
  note('Issued', grantExport.package.issued)
  note('Licence', grantExport.package.license)
  for (const w of grantExport.warnings) note('Warning', w)
  for (const l of grantExport.leftOut) note(`Left out: ${l.reference}`, `${l.title}: ${l.reason}`)
  notes.getColumn(2).alignment = { wrapText: true, vertical: 'top' }
  const buffer = await workbook.xlsx.writeBuffer()
  return Buffer.from(buffer as ArrayBuffer)
}
