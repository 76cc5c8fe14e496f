import type { PerformanceReport } from '../domain/performance-report.ts'
import { safeCell, type Cell } from '../shared/cell-safety.ts'
import { summaryTable, valuesTable, type ExportTable } from './export-tables.ts'

/** Excel only reads a CSV file as UTF-8 (so "£" and "–" survive) when it starts with a byte order mark. */
const BOM = '\uFEFF'

function csvField(cell: Cell): string {
  const safe = safeCell(cell)
  if (safe === null) return ''
  if (typeof safe === 'number') return String(safe)
  // Every text field is quoted (RFC 4180 allows it), so quotes, commas and line breaks inside it are harmless.
  return `"${safe.replace(/"/g, '""')}"`
}

/**
 * A table as RFC 4180 CSV: UTF-8 with a byte order mark, CRLF line ends, a header row, text fields quoted and
 * formula-safe, numbers unquoted as numbers (a negative change stays a number).
 *
 * @example tableToCsv({ name: 'x', columns: [{ header: 'KPI', … }, { header: 'Change', … }], rows: [['=1+1', -30]] })
 * // '\uFEFF"KPI","Change"\r\n"\'=1+1",-30\r\n'
 */
export function tableToCsv(table: ExportTable): string {
  const lines = [table.columns.map((c) => csvField(c.header)).join(',')]
  for (const row of table.rows) lines.push(row.map(csvField).join(','))
  return `${BOM}${lines.join('\r\n')}\r\n`
}

export type CsvTable = 'values' | 'summary'

/** The report as CSV: the long table of values by period (default), or the per-KPI summary. */
export function performanceReportCsv(report: PerformanceReport, table: CsvTable = 'values'): string {
  return tableToCsv(table === 'summary' ? summaryTable(report) : valuesTable(report))
}
