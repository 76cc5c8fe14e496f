import type { DocumentBlock } from '../documents/document.ts'
import type { PerformanceReport } from '../domain/performance-report.ts'
import type { KpiSeries } from './annual-report.ts'
import type { Figure } from './figures.ts'

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

/** "FY2017-18" → "FY2018-19": the seed's 2017-18 report prints the next year's budget as its Appendix A. */
export function nextYear(year: string): string {
  const start = Number(year.slice(2, 6)) + 1
  return `FY${start}-${String((start + 1) % 100).padStart(2, '0')}`
}

/**
 * A year's KPI figures as the report binds them, from the performance report: for each KPI its outturn, baseline,
 * change on the baseline and that change in per cent, keyed `kpi:<KPI reference>:<what>:<year>` as the figure
 * catalogue (src/annual-report/figure-catalogue.ts, built beside this) names them. The report's own provider until the
 * catalogue is wired in its place.
 */
export function kpiFigures(report: PerformanceReport): Figure[] {
  const figures: Figure[] = []
  const period = report.yearLabel
  for (const theme of report.themes)
    for (const row of theme.rows) {
      const id = row.indicator.id
      const name = row.indicator.name
      const percent = row.indicator.measureType === 'proportion'
      const unit = percent ? ('percent' as const) : ('count' as const)
      const source = `Appendix C, ${name} (${row.indicator.dataOwner})`
      const words = name
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w.length > 2)
      const base = { period, source, subjectWords: words }
      const value = row.outturn.value
      if (value !== null)
        figures.push({
          ...base,
          key: `kpi:${id}:outturn:${report.year}`,
          label: `${name} (${period})`,
          value,
          unit,
          decimals: percent || !Number.isInteger(value) ? 1 : 0,
          sentence: `${name}: ${row.outturn.display} in ${period}.`,
        })
      if (row.baseline !== null)
        figures.push({
          ...base,
          key: `kpi:${id}:baseline:${report.year}`,
          label: `${name} (baseline)`,
          value: row.baseline.value,
          unit,
          decimals: percent || !Number.isInteger(row.baseline.value) ? 1 : 0,
          sentence: `${name}: the baseline for ${period} is ${row.baseline.display}.`,
        })
      const change = row.changeOnBaseline
      if (change !== null) {
        figures.push({
          ...base,
          key: `kpi:${id}:change:${report.year}`,
          label: `${name} (change on the baseline)`,
          value: Math.abs(change.absolute),
          unit: percent ? 'percentage-points' : 'count',
          decimals: percent || !Number.isInteger(change.absolute) ? 1 : 0,
          sentence: `${name}: ${change.display}.`,
          ...(change.from !== undefined && change.to !== undefined
            ? { related: { from: change.from, to: change.to } }
            : {}),
        })
        if (change.percent !== null)
          figures.push({
            ...base,
            key: `kpi:${id}:change-percent:${report.year}`,
            label: `${name} (change on the baseline, %)`,
            value: Math.abs(change.percent),
            unit: 'percent',
            decimals: 1,
            sentence: `${name}: ${change.display}.`,
          })
      }
    }
  return figures
}
