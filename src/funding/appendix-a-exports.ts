import ExcelJS from 'exceljs'
import type nunjucks from 'nunjucks'
import { formatMoney, moneyAsDecimal, type Pence } from '../domain/money.ts'
import { tableToCsv } from '../reports/csv.ts'
import type { ExportColumn, ExportTable } from '../reports/export-tables.ts'
import { safeCell, type Cell } from '../shared/cell-safety.ts'
import { OGL_ATTRIBUTION } from '../shared/open-government-licence.ts'
import { partnershipStylesheet } from '../shared/web/stylesheet.ts'
import { ILLUSTRATIVE_LABEL, type AppendixA } from './appendix-a.ts'

/**
 * Appendix A's files: CSV and XLSX (one table, the same cells: the performance report's export pattern, with its
 * formula-safe cells) and a standalone HTML page (the page's template in a self-contained layout). Every illustrative
 * figure is marked: in the "Illustrative" column of the table, and by the words beside it in the HTML.
 */

const text = (header: string, description: string, width = 24): ExportColumn => ({
  header,
  description,
  format: 'text',
  width,
})
const money = (header: string, description: string): ExportColumn => ({
  header,
  description,
  format: 'number',
  width: 14,
})

const COLUMNS: readonly ExportColumn[] = [
  text('Section', 'Funding stream, Priority, Service or Total: what the row is.', 16),
  text('Name', 'The funding stream, priority or service (with its reference).', 48),
  text('Priority', 'For a service: the priority it serves.', 32),
  money('Income (£)', 'A funding stream’s award for the year, in pounds.'),
  money('Carry-forward in (£)', 'Carried into the year from the stream’s year before, in pounds.'),
  money('Budget (£)', 'Income plus carry-forward in, computed; never typed.'),
  money('Allocated (£)', 'Allocated to the priority or service for the year.'),
  money('Spent (£)', 'Actual spend recorded for the year’s quarters.'),
  text(
    'Illustrative',
    `"${ILLUSTRATIVE_LABEL}" where any figure of the row is a demo figure the source does not give; empty otherwise.`,
    36,
  ),
]

/** Pounds as a spreadsheet number (the exact decimal of whole pence: "378430.00" → 378430). */
const pounds = (pence: Pence | null): Cell => (pence === null ? null : Number(moneyAsDecimal(pence)))
const marked = (illustrative: boolean): Cell => (illustrative ? ILLUSTRATIVE_LABEL : '')

/** Appendix A as one table: the streams, then each priority followed by its services, then the totals. */
export function appendixATable(appendix: AppendixA): ExportTable {
  const rows: Cell[][] = []
  for (const s of appendix.streams) {
    rows.push([
      'Funding stream',
      `${s.name} (${s.funder})`,
      null,
      pounds(s.income),
      pounds(s.carryForwardIn),
      pounds(s.budget),
      pounds(s.allocated),
      pounds(s.spent),
      marked(s.illustrative),
    ])
  }
  for (const p of appendix.priorities) {
    rows.push([
      'Priority',
      p.name,
      null,
      null,
      null,
      null,
      pounds(p.allocated),
      pounds(p.spent),
      marked(p.illustrative),
    ])
    for (const s of p.services) {
      rows.push([
        'Service',
        `${s.reference} ${s.title}`,
        p.name,
        null,
        null,
        null,
        pounds(s.allocated),
        pounds(s.spent),
        marked(s.illustrative),
      ])
    }
  }
  const t = appendix.totals
  rows.push([
    'Total',
    `${appendix.yearLabel} total`,
    null,
    pounds(t.income),
    pounds(t.carryForwardIn),
    pounds(t.budget),
    pounds(t.allocated),
    pounds(t.spent),
    marked(t.illustrative),
  ])
  return { name: 'Appendix A', columns: COLUMNS, rows }
}

/** Appendix A as CSV (UTF-8 with a byte order mark, CRLF, formula-safe: src/reports/csv.ts). */
export function appendixACsv(appendix: AppendixA): string {
  return tableToCsv(appendixATable(appendix))
}

/** Appendix A as an Excel workbook: the "Appendix A" sheet and a "Notes" sheet (narrative, checks, columns). */
export async function appendixAXlsx(appendix: AppendixA): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'saferhub'
  workbook.title = `${appendix.partnership}: Appendix A ${appendix.yearLabel}`
  const table = appendixATable(appendix)
  const sheet = workbook.addWorksheet(table.name, { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = table.columns.map((c) => ({
    header: c.header,
    width: c.width,
    ...(c.format === 'number' ? { style: { numFmt: '#,##0.00' } } : {}),
  }))
  sheet.getRow(1).values = table.columns.map((c) => safeCell(c.header))
  sheet.getRow(1).font = { bold: true }
  for (const row of table.rows) sheet.addRow(row.map((cell) => safeCell(cell)))

  const notes = workbook.addWorksheet('Notes')
  notes.columns = [{ width: 28 }, { width: 100 }]
  const note = (label: string, value: string) => notes.addRow([safeCell(label), safeCell(value)])
  notes.addRow([safeCell(`${appendix.partnership}: Appendix A ${appendix.yearLabel}`)]).font = { bold: true }
  note('Budget', appendix.budgetSentence)
  if (appendix.narrative !== null) note('Narrative', appendix.narrative)
  for (const d of appendix.narrativeCheck.disagreements) note('Narrative disagrees', d)
  for (const r of appendix.reconciliation) note('Reconciliation', r)
  if (appendix.illustrative)
    note('Illustrative figures', `Rows marked "${ILLUSTRATIVE_LABEL}" hold demo figures the source does not give.`)
  note('Licence', OGL_ATTRIBUTION)
  for (const c of table.columns) note(c.header, c.description)
  notes.getColumn(2).alignment = { wrapText: true, vertical: 'top' }
  const buffer = await workbook.xlsx.writeBuffer()
  return Buffer.from(buffer as ArrayBuffer)
}

/** What the template shows: the Appendix A with its amounts already in words ("£378,430"). */
export function appendixAView(appendix: AppendixA) {
  const m = (pence: Pence) => formatMoney(pence)
  return {
    appendix,
    illustrativeLabel: ILLUSTRATIVE_LABEL,
    streams: appendix.streams.map((s) => ({
      ...s,
      shown: {
        income: m(s.income),
        carryForwardIn: m(s.carryForwardIn),
        budget: m(s.budget),
        allocated: m(s.allocated),
        spent: m(s.spent),
      },
    })),
    priorities: appendix.priorities.map((p) => ({
      ...p,
      shown: { allocated: m(p.allocated), spent: m(p.spent) },
      services: p.services.map((s) => ({ ...s, shown: { allocated: m(s.allocated), spent: m(s.spent) } })),
    })),
    totals: {
      ...appendix.totals,
      shown: {
        income: m(appendix.totals.income),
        carryForwardIn: m(appendix.totals.carryForwardIn),
        budget: m(appendix.totals.budget),
        allocated: m(appendix.totals.allocated),
        spent: m(appendix.totals.spent),
        unallocated: m(appendix.totals.unallocated),
      },
    },
  }
}

/** The standalone HTML file: the page's template in a self-contained layout (inlined CSS, no script). */
export function appendixAStandaloneHtml(env: nunjucks.Environment, appendix: AppendixA): string {
  return env.render('funding/appendix-a.njk', {
    layoutTemplate: 'funding/appendix-a-standalone.njk',
    pageTitle: `Appendix A ${appendix.yearLabel}`,
    partnershipName: appendix.partnership,
    inlineStylesheet: partnershipStylesheet().css,
    view: appendixAView(appendix),
    standalone: true,
  })
}
