import { tableToCsv } from '../reports/csv.ts'
import type { ExportTable } from '../reports/export-tables.ts'
import type { PublicFigure, PublicReport } from './public-report.ts'

/** Every published figure, one row each: the protected figures only (withheld ones are blank with their marker). */
export function publicReportCsv(report: PublicReport): string {
  const column = (header: string, description: string) => ({ header, description, width: 16, format: 'text' as const })
  const rows: (string | number | null)[][] = []
  for (const kpi of report.kpis) {
    const add = (year: string, kind: 'period' | 'year', f: PublicFigure) =>
      rows.push([
        kpi.id,
        kpi.name,
        year,
        f.label,
        kind,
        f.display,
        f.count,
        f.denominator,
        f.percent,
        f.rate,
        f.suppressed ? 'yes' : 'no',
      ])
    for (const [year, data] of [
      [report.previousYearLabel, kpi.lastYear],
      [report.yearLabel, kpi.thisYear],
    ] as const) {
      for (const f of data.periods) add(year, 'period', f)
      add(year, 'year', data.total)
    }
  }
  const table: ExportTable = {
    name: 'Published figures',
    columns: [
      column('KPI id', 'Stable code of the KPI'),
      column('KPI', 'Name of the KPI'),
      column('Year', 'Financial year'),
      column('Period', 'Period or year'),
      column('Kind', 'period or year total'),
      column('Figure', `As published; <${report.minimumCount} a small count, [c] withheld so it cannot be worked out`),
      column('Count', 'The count or numerator, blank when withheld'),
      column('Denominator', 'For a proportion, blank when withheld'),
      column('Percent', 'Percentage, blank when withheld'),
      column('Rate', 'For a rate, blank when withheld'),
      column('Withheld', 'Whether any figure of this cell was withheld'),
    ],
    rows,
  }
  return tableToCsv(table)
}

/** The public report as JSON: the protected figures only. */
export function publicReportJson(report: PublicReport): string {
  return `${JSON.stringify(
    {
      licence: 'Contains public sector information licensed under the Open Government Licence v3.0',
      ...report,
    },
    null,
    2,
  )}\n`
}
