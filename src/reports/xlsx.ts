import ExcelJS from 'exceljs'
import type { PerformanceReport } from '../domain/performance-report.ts'
import { OGL_ATTRIBUTION } from '../shared/open-government-licence.ts'
import { safeCell } from '../shared/cell-safety.ts'
import { summaryTable, valuesTable, type ExportColumn, type ExportTable } from './export-tables.ts'

const NUMBER_FORMATS: Record<ExportColumn['format'], string | undefined> = {
  text: undefined,
  number: '#,##0.##########',
  percent: '0.0',
  'p-value': '0.0000',
}

function addTableSheet(workbook: ExcelJS.Workbook, table: ExportTable): void {
  const sheet = workbook.addWorksheet(table.name, { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = table.columns.map((column) => {
    const numFmt = NUMBER_FORMATS[column.format]
    return {
      header: column.header,
      width: column.width,
      ...(numFmt ? { style: { numFmt } } : {}),
    }
  })
  // The header cells are text from the program, but a column named after a year could be anything one day.
  sheet.getRow(1).values = table.columns.map((c) => safeCell(c.header))
  sheet.getRow(1).font = { bold: true }
  for (const row of table.rows) {
    // Numbers go in as numbers (a negative change is a number cell); text goes through the formula guard.
    sheet.addRow(row.map((cell) => safeCell(cell)))
  }
  const lastColumn = sheet.getColumn(table.columns.length).letter
  sheet.autoFilter = `A1:${lastColumn}${Math.max(1, table.rows.length + 1)}`
}

function addNotesSheet(workbook: ExcelJS.Workbook, report: PerformanceReport, tables: readonly ExportTable[]): void {
  const sheet = workbook.addWorksheet('Notes')
  sheet.columns = [{ width: 28 }, { width: 100 }]
  const note = (label: string, value: string | number) => sheet.addRow([safeCell(label), safeCell(value)])
  sheet.addRow([safeCell(`${report.partnership}: performance report ${report.yearLabel}`)]).font = { bold: true }
  note('Year', report.yearLabel)
  note('Compared with', report.previousYearLabel)
  note('KPIs', report.summary.indicators)
  note('Achieved', report.summary.achieved)
  note('Not achieved', report.summary.notAchieved)
  note('Insufficient data', report.summary.insufficientData)
  note('Real changes', report.summary.realChanges)
  note('Within normal variation', report.summary.withinNormalVariation)
  note(
    'Text that looks like a formula',
    'Text beginning with = + - @ (or a tab or line break) is shown with a leading apostrophe so that no spreadsheet runs it as a formula.',
  )
  note(
    'Missing figures',
    'An empty cell is a figure that is missing; missing is never zero. The Status and Reason columns say why.',
  )
  note('Licence', OGL_ATTRIBUTION)
  for (const table of tables) {
    sheet.addRow([])
    sheet.addRow([safeCell(`Sheet "${table.name}"`)]).font = { bold: true }
    for (const column of table.columns) note(column.header, column.description)
  }
  sheet.getColumn(2).alignment = { wrapText: true, vertical: 'top' }
}

/**
 * The report as an Excel workbook: a "Summary" sheet (one row per KPI), a "Values" sheet (one row per KPI per
 * period) and a "Notes" sheet (what each column means, the licence). Numbers are number cells, every text cell is
 * formula-safe (see cell-safety.ts).
 */
export async function performanceReportXlsx(report: PerformanceReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'saferhub'
  workbook.title = `${report.partnership}: performance report ${report.yearLabel}`
  const tables = [summaryTable(report), valuesTable(report)]
  for (const table of tables) addTableSheet(workbook, table)
  addNotesSheet(workbook, report, tables)
  const buffer = await workbook.xlsx.writeBuffer()
  return Buffer.from(buffer as ArrayBuffer)
}
