import ExcelJS from 'exceljs'
import { safeCell, type Cell } from '../shared/cell-safety.ts'
import { tableToCsv } from '../reports/csv.ts'
import type { ExportTable } from '../reports/export-tables.ts'
import { OGL_ATTRIBUTION } from '../shared/open-government-licence.ts'
import type { PublicFigure, PublicKpi, PublicReport } from './public-report.ts'
import type { PublishedYear } from './publication-service.ts'

/** The amendments of a published year, as the downloads list them. */
type Amendments = PublishedYear['amendments']

/** Where a KPI's published commentary comes from, in the words of the downloads. */
function commentarySource(kpi: PublicKpi): string {
  if (kpi.commentary !== null) return kpi.commentaryReworded ? 'partnership wording' : 'data owner'
  return kpi.commentaryWithheld ? 'withheld' : ''
}

/**
 * Every published figure, one row each: the protected figures only (withheld ones are blank with their marker). The
 * KPI's published commentary (as released, or the partnership's wording) is on the year row of the reported year.
 */
export function publicFiguresTable(report: PublicReport): ExportTable {
  const column = (header: string, description: string, width = 16) => ({
    header,
    description,
    width,
    format: 'text' as const,
  })
  const rows: Cell[][] = []
  for (const kpi of report.kpis) {
    const add = (year: string, kind: 'period' | 'year', f: PublicFigure, reported: boolean) => {
      const withCommentary = kind === 'year' && reported
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
        f.completeness,
        f.asAt,
        kind === 'year' && reported ? (kpi.likeForLike?.label ?? null) : null,
        kind === 'year' && reported ? (kpi.likeForLike?.lastYear ?? null) : null,
        kind === 'year' && reported ? (kpi.likeForLike?.thisYear ?? null) : null,
        withCommentary ? kpi.commentary : null,
        withCommentary ? commentarySource(kpi) : null,
      ])
    }
    for (const [year, data, reported] of [
      [report.previousYearLabel, kpi.lastYear, false],
      [report.yearLabel, kpi.thisYear, true],
    ] as const) {
      for (const f of data.periods) add(year, 'period', f, false)
      add(year, 'year', data.total, reported)
    }
  }
  return {
    name: 'Published figures',
    columns: [
      column('KPI id', 'Stable code of the KPI'),
      column('KPI', 'Name of the KPI', 40),
      column('Year', 'Financial year'),
      column('Period', 'Period or year'),
      column('Kind', 'period or year total'),
      column('Figure', `As published; <${report.minimumCount} a small count, [c] withheld so it cannot be worked out`),
      column('Count', 'The count or numerator, blank when withheld'),
      column('Denominator', 'For a proportion, blank when withheld'),
      column('Percent', 'Percentage, blank when withheld'),
      column('Rate', 'For a rate, blank when withheld'),
      column('Withheld', 'Whether any figure of this cell was withheld'),
      column(
        'Completeness',
        'On "year" rows: how many of the year\'s periods were reported, e.g. "3 of 4 quarters"; an incomplete year is the sum (or ratio of sums) of the periods reported, and the Figure says so',
        18,
      ),
      column(
        'Stock at',
        'On "year" rows of a stock: the period the year\'s figure is taken at (its latest reported), e.g. Q4',
      ),
      column(
        'Like-for-like periods',
        `On the ${report.yearLabel} "year" row of an incomplete year: the periods both years have, compared like for like`,
        18,
      ),
      column('Like-for-like last year', `The count over those periods in ${report.previousYearLabel}`),
      column('Like-for-like this year', `The count over those periods in ${report.yearLabel}`),
      column(
        'Commentary',
        `The data owner's commentary on ${report.yearLabel}, on that year's "year" row only; blank when there is none or it is withheld`,
        60,
      ),
      column(
        'Commentary source',
        'data owner (as written, or released after review), partnership wording (published instead of commentary that could identify someone), or withheld (awaiting review)',
        20,
      ),
    ],
    rows,
  }
}

/** The published figures as CSV (the same table as the XLSX download). */
export function publicReportCsv(report: PublicReport): string {
  return tableToCsv(publicFiguresTable(report))
}

/**
 * The published figures as an Excel workbook: the "Published figures" sheet (the CSV's table: numbers as number
 * cells, every text cell through the formula-injection guard) and a "Notes" sheet (columns, suppression, licence).
 */
export async function publicReportXlsx(report: PublicReport, amendments: Amendments = []): Promise<Buffer> {
  const table = publicFiguresTable(report)
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'saferhub'
  workbook.title = `${report.partnership}: published performance report ${report.yearLabel}`
  const sheet = workbook.addWorksheet(table.name, { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = table.columns.map((c) => ({ header: c.header, width: c.width }))
  sheet.getRow(1).values = table.columns.map((c) => safeCell(c.header))
  sheet.getRow(1).font = { bold: true }
  for (const row of table.rows) sheet.addRow(row.map((cell) => safeCell(cell)))
  sheet.autoFilter = `A1:${sheet.getColumn(table.columns.length).letter}${table.rows.length + 1}`

  const notes = workbook.addWorksheet('Notes')
  notes.columns = [{ width: 28 }, { width: 100 }]
  const note = (label: string, value: string) => notes.addRow([safeCell(label), safeCell(value)])
  notes.addRow([safeCell(`${report.partnership}: published performance report ${report.yearLabel}`)]).font = {
    bold: true,
  }
  note('Year', report.yearLabel)
  note('Compared with', report.previousYearLabel)
  note(
    'Small numbers',
    `Counts from 1 to ${report.minimumCount - 1} are shown as <${report.minimumCount}; a figure that would let one be worked out (from a total or a percentage) is shown as [c].`,
  )
  note(
    'Text that looks like a formula',
    'Text beginning with = + - @ (or a tab or line break) is shown with a leading apostrophe so that no spreadsheet runs it as a formula.',
  )
  note('Licence', OGL_ATTRIBUTION)
  for (const amendment of amendments) {
    note(
      `Amended ${amendment.publishedAt.slice(0, 10)}`,
      `${amendment.reason} (${amendment.changes.length} figures changed)`,
    )
  }
  notes.addRow([])
  notes.addRow([safeCell(`Sheet "${table.name}"`)]).font = { bold: true }
  for (const column of table.columns) note(column.header, column.description)
  notes.getColumn(2).alignment = { wrapText: true, vertical: 'top' }
  return Buffer.from((await workbook.xlsx.writeBuffer()) as ArrayBuffer)
}

/** The public report as JSON: the protected figures only, and the year's amendments (date, what changed, why). */
export function publicReportJson(report: PublicReport, amendments: Amendments = []): string {
  return `${JSON.stringify(
    {
      licence: OGL_ATTRIBUTION,
      ...report,
      amendments,
    },
    null,
    2,
  )}\n`
}
