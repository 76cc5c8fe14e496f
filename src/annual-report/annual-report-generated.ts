import type { DocumentBlock } from '../documents/document.ts'
import type { PerformanceReport } from '../domain/performance-report.ts'
import type { KpiSeries } from './annual-report.ts'

/**
 * The generated parts' and charts' data as the annual report takes them from other features: a spreadsheet-shaped
 * table (Appendix A's, the performance report's, src/reports/export-tables.ts's `ExportTable`) as a document table,
 * and a KPI's quarters from the performance report.
 */

/** A table as the exports write it: named columns, cells of text or numbers. */
export interface ColumnsAndRows {
  readonly name: string
  readonly columns: readonly { readonly header: string; readonly format: string }[]
  readonly rows: readonly (readonly (string | number | null)[])[]
}

const grouped = (n: number) =>
  n.toLocaleString('en-GB', { minimumFractionDigits: Number.isInteger(n) ? 0 : 2, maximumFractionDigits: 2 })

/** An export table as the document's table, numbers grouped ("378,430"), empty cells empty. */
export function tableBlock(table: ColumnsAndRows, caption: string): DocumentBlock {
  return {
    kind: 'table',
    caption,
    head: table.columns.map((c) => c.header),
    rows: table.rows.map((row) =>
      row.map((cell) => (cell === null ? '' : typeof cell === 'number' ? grouped(cell) : cell)),
    ),
    numeric: table.columns.map((c) => c.format !== 'text'),
  }
}

/** A KPI's quarters of the year from the performance report; null when the report has no such KPI. */
export function kpiSeriesOf(report: PerformanceReport, indicator: string): KpiSeries | null {
  for (const theme of report.themes)
    for (const row of theme.rows)
      if (row.indicator.id === indicator)
        return {
          indicator,
          name: row.indicator.name,
          unit: row.indicator.measureType === 'proportion' ? 'percent' : 'count',
          points: row.periods.map((p) => ({ label: p.label, value: p.thisYear.number })),
        }
  return null
}
