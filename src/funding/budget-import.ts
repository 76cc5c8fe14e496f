import ExcelJS from 'exceljs'
import type { BudgetRows } from '../domain/budget.ts'
import { parseMoney, type Pence } from '../domain/money.ts'
import type { ImportProblem } from '../performance/import/import-problem.ts'
import { checkZipSafety, looksLikeZip } from '../shared/zip-safety.ts'
import type { FundingStreamFields, FundingStreamRecord } from './budget-repository.ts'
import { startYearOf } from './funding-stream-years.ts'
import type { SpendKind } from './funding-tables.ts'

/**
 * The budget workbook (issue 10, item 6): what the importer reads and how it checks it, before anything is written.
 * Five sheets, each optional (a workbook with only Spend records a quarter's spend), headers on row 1 in any order,
 * matched without regard to case:
 * - **Funding streams**: Funder, Name, First year, Last year; Purpose, Conditions, Funder reference.
 * - **Awards**: Stream, Year, Awarded; Received, Illustrative, Budget (a typed budget, compared with the computed).
 * - **Carry-forwards**: Stream, Into year, Amount; Illustrative.
 * - **Allocations**: Stream, Year, Amount; Priority, Service, Note, Illustrative.
 * - **Spend**: Stream, Quarter, Kind, Amount; Priority, Service, Illustrative.
 * A row whose Stream is "Total" on Awards or Allocations is a typed total: not stored, compared with the computed one.
 * Every problem names its sheet, row and column; one problem anywhere and nothing is written.
 */

/** The sheets and their columns, as the importer reads them and the template (budget-template-workbook.ts) writes them. */
export const BUDGET_SHEETS = {
  'Funding streams': {
    required: ['Funder', 'Name', 'First year', 'Last year'],
    optional: ['Purpose', 'Conditions', 'Funder reference'],
  },
  Awards: { required: ['Stream', 'Year', 'Awarded'], optional: ['Received', 'Illustrative', 'Budget'] },
  'Carry-forwards': { required: ['Stream', 'Into year', 'Amount'], optional: ['Illustrative'] },
  Allocations: { required: ['Stream', 'Year', 'Amount'], optional: ['Priority', 'Service', 'Note', 'Illustrative'] },
  Spend: { required: ['Stream', 'Quarter', 'Kind', 'Amount'], optional: ['Priority', 'Service', 'Illustrative'] },
} as const satisfies Record<string, { required: readonly string[]; optional: readonly string[] }>

export type BudgetSheetName = keyof typeof BUDGET_SHEETS
export const BUDGET_SHEET_NAMES = Object.keys(BUDGET_SHEETS) as BudgetSheetName[]

/** The words a cell may hold, as the template's drop-downs offer them. */
export const SPEND_KINDS: readonly SpendKind[] = ['actual', 'forecast']
export const YES_NO = ['yes', 'no'] as const
/** What the Stream cell says on a row that types a total. */
export const TOTAL_ROW = 'Total'

/** The most rows a sheet may hold: a partnership's year is a few hundred. */
export const MAX_ROWS_PER_SHEET = 20_000
/** The largest workbook accepted (as the KPI import's). */
export const MAX_BUDGET_WORKBOOK_BYTES = 20 * 1024 * 1024

/** Where a row came from: its sheet and 1-based row number, as a spreadsheet shows it. */
interface At {
  readonly sheet: BudgetSheetName
  readonly row: number
}

export interface StreamRow extends At {
  readonly fields: FundingStreamFields
}
export interface AwardRow extends At {
  readonly stream: string
  readonly year: string
  readonly awardedPence: Pence
  /** Null when the column is empty: the amount received so far stays as it is. */
  readonly receivedPence: Pence | null
  readonly illustrative: boolean
  readonly typedBudget: Pence | null
}
export interface CarryForwardRow extends At {
  readonly stream: string
  readonly intoYear: string
  readonly amountPence: Pence
  readonly illustrative: boolean
}
export interface AllocationRow extends At {
  readonly stream: string
  readonly year: string
  readonly priorityId: number | null
  readonly serviceId: number | null
  readonly amountPence: Pence
  readonly note: string | null
  readonly illustrative: boolean
}
export interface SpendRow extends At {
  readonly stream: string
  readonly period: string
  readonly kind: SpendKind
  readonly priorityId: number | null
  readonly serviceId: number | null
  readonly amountPence: Pence
  readonly illustrative: boolean
}
/** A total typed into the workbook, to compare with the computed one. */
export interface TypedTotal extends At {
  readonly column: 'Awarded' | 'Budget' | 'Amount'
  readonly year: string
  readonly pence: Pence
  /** The stream whose budget is typed (a Budget cell on a stream's row), or null for the year's total. */
  readonly stream: string | null
}

export interface BudgetWorkbook {
  readonly streams: readonly StreamRow[]
  readonly awards: readonly AwardRow[]
  readonly carryForwards: readonly CarryForwardRow[]
  readonly allocations: readonly AllocationRow[]
  readonly spend: readonly SpendRow[]
  readonly typedTotals: readonly TypedTotal[]
  readonly rowsRead: number
}

export type BudgetWorkbookRead =
  | { readonly ok: true; readonly workbook: BudgetWorkbook }
  | { readonly ok: false; readonly problems: readonly ImportProblem[]; readonly rowsRead: number }

/** One sheet's rows as text, keyed by the column's documented name. */
interface SheetTable {
  readonly name: BudgetSheetName
  readonly rows: { readonly row: number; readonly cells: ReadonlyMap<string, string> }[]
}

/** What a cell shows, as text: numbers as JavaScript writes them (0.1 stays "0.1"), a formula's result, rich text joined. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value.trim()
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value === 'object') {
    if ('richText' in value)
      return value.richText
        .map((part) => part.text)
        .join('')
        .trim()
    if ('result' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null)
    if ('text' in value) return String((value as { text: unknown }).text).trim()
    if ('error' in value) return String((value as { error: unknown }).error)
  }
  return String(value as unknown)
}

/**
 * Reads the workbook's sheets into text tables, or says why it cannot (not a workbook, unsafe, no budget sheet, a
 * missing or unknown column).
 */
export async function readBudgetTables(
  fileName: string,
  content: Buffer,
): Promise<{ ok: true; tables: SheetTable[] } | { ok: false; problems: ImportProblem[] }> {
  const whole = (reason: string) => ({ ok: false as const, problems: [{ file: fileName, row: 0, column: '', reason }] })
  if (content.length > MAX_BUDGET_WORKBOOK_BYTES) return whole('is larger than the 20 MB a budget workbook may be')
  if (!looksLikeZip(content)) return whole('is not an Excel workbook (.xlsx)')
  const unsafe = await checkZipSafety(content, ['[Content_Types].xml', 'xl/workbook.xml'])
  if (unsafe.length > 0) return whole(`cannot be opened safely: ${unsafe.join('; ')}`)
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer)
  } catch {
    return whole('is not an Excel workbook that can be read (.xlsx)')
  }
  const problems: ImportProblem[] = []
  const tables: SheetTable[] = []
  for (const sheet of workbook.worksheets) {
    const name = BUDGET_SHEET_NAMES.find((n) => n.toLowerCase() === sheet.name.trim().toLowerCase())
    if (!name) continue // an Instructions or Lists sheet, or the partnership's own working
    const file = `${fileName}, sheet ${name}`
    const spec = BUDGET_SHEETS[name]
    const known: readonly string[] = [...spec.required, ...spec.optional]
    const columns = new Map<number, string>()
    sheet.getRow(1).eachCell({ includeEmpty: false }, (cell, index) => {
      const header = cellText(cell.value)
      if (header === '') return
      const match = known.find((k) => k.toLowerCase() === header.toLowerCase())
      if (!match)
        problems.push({ file, row: 1, column: header, reason: `is not a column of this sheet (${known.join(', ')})` })
      else if ([...columns.values()].includes(match))
        problems.push({ file, row: 1, column: match, reason: 'appears twice in the header' })
      else columns.set(index, match)
    })
    for (const required of spec.required)
      if (![...columns.values()].includes(required))
        problems.push({ file, row: 1, column: required, reason: 'is missing: the sheet needs this column' })
    if (sheet.rowCount > MAX_ROWS_PER_SHEET + 1)
      problems.push({ file, row: 0, column: '', reason: `has more than ${MAX_ROWS_PER_SHEET} rows` })
    const rows: SheetTable['rows'] = []
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (rowNumber === 1 || rowNumber > MAX_ROWS_PER_SHEET + 1) return
      const cells = new Map<string, string>()
      for (const [index, column] of columns) cells.set(column, cellText(row.getCell(index).value))
      if ([...cells.values()].every((v) => v === '')) return
      rows.push({ row: rowNumber, cells })
    })
    tables.push({ name, rows })
  }
  if (tables.length === 0 && problems.length === 0)
    return whole(`has none of the budget’s sheets (${BUDGET_SHEET_NAMES.join(', ')})`)
  return problems.length > 0 ? { ok: false, problems } : { ok: true, tables }
}

/** What the partnership already holds that the workbook's rows may name. */
export interface ImportLookups {
  readonly streams: readonly FundingStreamRecord[]
  readonly rows: BudgetRows
}

const lower = (text: string) => text.trim().toLowerCase()

/**
 * Checks every row of every sheet against the rules and the partnership's own lists (streams, including those the
 * workbook adds; priorities by name; services by reference or title) and reports every problem, or the rows to write.
 */
export function checkBudgetTables(
  fileName: string,
  tables: readonly SheetTable[],
  lookups: ImportLookups,
): BudgetWorkbookRead {
  const problems: ImportProblem[] = []
  const rowsRead = tables.reduce((n, t) => n + t.rows.length, 0)
  const table = (name: BudgetSheetName) => tables.find((t) => t.name === name)?.rows ?? []
  const problem = (sheet: BudgetSheetName, row: number, column: string, reason: string) =>
    problems.push({ file: `${fileName}, sheet ${sheet}`, row, column, reason })

  /** Remembers each key's first row; a second row with the same key is a problem naming the first. */
  const seen = new Map<string, number>()
  const once = (sheet: BudgetSheetName, row: number, key: string, what: string): boolean => {
    const first = seen.get(`${sheet}/${key}`)
    if (first !== undefined) {
      problem(sheet, row, '', `repeats row ${first}: give each ${what} once`)
      return false
    }
    seen.set(`${sheet}/${key}`, row)
    return true
  }

  const money = (sheet: BudgetSheetName, row: number, column: string, text: string): Pence | null => {
    const parsed = parseMoney(text)
    if (parsed.ok) return parsed.pence
    problem(sheet, row, column, `${column} ${parsed.message}`)
    return null
  }
  const yearCell = (sheet: BudgetSheetName, row: number, column: string, text: string): string | null => {
    if (startYearOf(text) !== null) return text
    problem(
      sheet,
      row,
      column,
      text === ''
        ? 'is empty: give a financial year such as FY2018-19'
        : `"${text}" is not a financial year such as FY2018-19`,
    )
    return null
  }
  const flagCell = (sheet: BudgetSheetName, row: number, text: string): boolean => {
    const value = lower(text)
    if (value === '' || value === 'no') return false
    if (value === 'yes') return true
    problem(sheet, row, 'Illustrative', `"${text}" is neither yes nor no`)
    return false
  }

  // Funding streams: the workbook's own, then the partnership's; the workbook's years win for a stream it changes.
  const streamYears = new Map<string, { name: string; firstYear: string; lastYear: string }>()
  for (const s of lookups.streams) streamYears.set(lower(s.name), s)
  const streams: StreamRow[] = []
  for (const { row, cells } of table('Funding streams')) {
    const sheet = 'Funding streams'
    const get = (c: string) => cells.get(c) ?? ''
    const before = problems.length
    if (get('Funder') === '') problem(sheet, row, 'Funder', 'is empty: give who gives the money')
    if (get('Name') === '') problem(sheet, row, 'Name', 'is empty: give the stream’s name')
    if (lower(get('Name')) === lower(TOTAL_ROW)) problem(sheet, row, 'Name', `"${TOTAL_ROW}" cannot be a stream’s name`)
    const first = yearCell(sheet, row, 'First year', get('First year'))
    const last = yearCell(sheet, row, 'Last year', get('Last year'))
    if (first !== null && last !== null && first > last) problem(sheet, row, 'Last year', 'is before the first year')
    if (get('Name') !== '' && !once(sheet, row, lower(get('Name')), 'stream')) continue
    if (problems.length > before || first === null || last === null) continue
    const optional = (c: string) => (get(c) === '' ? null : get(c))
    const fields: FundingStreamFields = {
      funder: get('Funder'),
      name: get('Name'),
      purpose: optional('Purpose'),
      firstYear: first,
      lastYear: last,
      conditions: optional('Conditions'),
      funderReference: optional('Funder reference'),
    }
    streams.push({ sheet, row, fields })
    streamYears.set(lower(fields.name), fields)
  }

  /** The stream a row names, with its years, or a problem. */
  const streamCell = (sheet: BudgetSheetName, row: number, text: string) => {
    if (text === '') {
      problem(sheet, row, 'Stream', 'is empty: give the funding stream’s name')
      return null
    }
    const found = streamYears.get(lower(text))
    if (!found) problem(sheet, row, 'Stream', `"${text}" is not a funding stream (add it on the Funding streams sheet)`)
    return found ?? null
  }
  const withinStream = (
    sheet: BudgetSheetName,
    row: number,
    column: string,
    stream: { name: string; firstYear: string; lastYear: string },
    year: string,
  ) => {
    if (year >= stream.firstYear && year <= stream.lastYear) return true
    problem(sheet, row, column, `${year} is outside ${stream.name}’s years (${stream.firstYear} to ${stream.lastYear})`)
    return false
  }
  const priorityCell = (sheet: BudgetSheetName, row: number, text: string): number | null | undefined => {
    if (text === '') return null
    const found = lookups.rows.priorities.find((p) => lower(p.name) === lower(text))
    if (!found) problem(sheet, row, 'Priority', `"${text}" is not one of the strategy’s priorities`)
    return found?.id
  }
  const serviceCell = (sheet: BudgetSheetName, row: number, text: string): number | null | undefined => {
    if (text === '') return null
    const found =
      lookups.rows.services.find((s) => lower(s.reference) === lower(text)) ??
      lookups.rows.services.find((s) => lower(s.title) === lower(text))
    if (!found) problem(sheet, row, 'Service', `"${text}" is not a commissioned service (give its reference or title)`)
    return found?.id
  }
  const targetCells = (sheet: BudgetSheetName, row: number, cells: ReadonlyMap<string, string>) => {
    const priorityId = priorityCell(sheet, row, cells.get('Priority') ?? '')
    const serviceId = serviceCell(sheet, row, cells.get('Service') ?? '')
    if ((cells.get('Priority') ?? '') === '' && (cells.get('Service') ?? '') === '') {
      problem(sheet, row, 'Priority', 'is empty, and so is Service: give a priority, a service, or both')
      return null
    }
    return priorityId === undefined || serviceId === undefined ? null : { priorityId, serviceId }
  }

  const typedTotals: TypedTotal[] = []
  const awards: AwardRow[] = []
  for (const { row, cells } of table('Awards')) {
    const sheet = 'Awards'
    const get = (c: string) => cells.get(c) ?? ''
    if (lower(get('Stream')) === lower(TOTAL_ROW)) {
      const year = yearCell(sheet, row, 'Year', get('Year'))
      const awarded = get('Awarded') === '' ? null : money(sheet, row, 'Awarded', get('Awarded'))
      const budget = get('Budget') === '' ? null : money(sheet, row, 'Budget', get('Budget'))
      if (get('Awarded') === '' && get('Budget') === '')
        problem(sheet, row, 'Awarded', 'is empty, and so is Budget: a Total row types the year’s income or budget')
      if (year === null || !once(sheet, row, `total/${year}`, 'year’s total')) continue
      if (awarded !== null) typedTotals.push({ sheet, row, column: 'Awarded', year, pence: awarded, stream: null })
      if (budget !== null) typedTotals.push({ sheet, row, column: 'Budget', year, pence: budget, stream: null })
      continue
    }
    const before = problems.length
    const stream = streamCell(sheet, row, get('Stream'))
    const year = yearCell(sheet, row, 'Year', get('Year'))
    if (stream && year) withinStream(sheet, row, 'Year', stream, year)
    const awarded = money(sheet, row, 'Awarded', get('Awarded'))
    const received = get('Received') === '' ? null : money(sheet, row, 'Received', get('Received'))
    const budget = get('Budget') === '' ? null : money(sheet, row, 'Budget', get('Budget'))
    const illustrative = flagCell(sheet, row, get('Illustrative'))
    if (stream && year && !once(sheet, row, `${lower(stream.name)}/${year}`, 'stream and year')) continue
    if (problems.length > before || !stream || !year || awarded === null) continue
    awards.push({
      sheet,
      row,
      stream: stream.name,
      year,
      awardedPence: awarded,
      receivedPence: received,
      illustrative,
      typedBudget: budget,
    })
    if (budget !== null) typedTotals.push({ sheet, row, column: 'Budget', year, pence: budget, stream: stream.name })
  }

  const carryForwards: CarryForwardRow[] = []
  for (const { row, cells } of table('Carry-forwards')) {
    const sheet = 'Carry-forwards'
    const get = (c: string) => cells.get(c) ?? ''
    const before = problems.length
    const stream = streamCell(sheet, row, get('Stream'))
    const year = yearCell(sheet, row, 'Into year', get('Into year'))
    if (stream && year) withinStream(sheet, row, 'Into year', stream, year)
    const amount = money(sheet, row, 'Amount', get('Amount'))
    const illustrative = flagCell(sheet, row, get('Illustrative'))
    if (stream && year && !once(sheet, row, `${lower(stream.name)}/${year}`, 'stream and year')) continue
    if (problems.length > before || !stream || !year || amount === null) continue
    carryForwards.push({ sheet, row, stream: stream.name, intoYear: year, amountPence: amount, illustrative })
  }

  const allocations: AllocationRow[] = []
  for (const { row, cells } of table('Allocations')) {
    const sheet = 'Allocations'
    const get = (c: string) => cells.get(c) ?? ''
    if (lower(get('Stream')) === lower(TOTAL_ROW)) {
      const year = yearCell(sheet, row, 'Year', get('Year'))
      const amount = money(sheet, row, 'Amount', get('Amount'))
      if (year === null || amount === null || !once(sheet, row, `total/${year}`, 'year’s total')) continue
      typedTotals.push({ sheet, row, column: 'Amount', year, pence: amount, stream: null })
      continue
    }
    const before = problems.length
    const stream = streamCell(sheet, row, get('Stream'))
    const year = yearCell(sheet, row, 'Year', get('Year'))
    if (stream && year) withinStream(sheet, row, 'Year', stream, year)
    const target = targetCells(sheet, row, cells)
    const amount = money(sheet, row, 'Amount', get('Amount'))
    const illustrative = flagCell(sheet, row, get('Illustrative'))
    const key = `${lower(get('Stream'))}/${year}/${target?.priorityId ?? ''}/${target?.serviceId ?? ''}`
    if (stream && year && target && !once(sheet, row, key, 'stream, year, priority and service')) continue
    if (problems.length > before || !stream || !year || !target || amount === null) continue
    const note = get('Note') === '' ? null : get('Note')
    allocations.push({ sheet, row, stream: stream.name, year, ...target, amountPence: amount, note, illustrative })
  }

  const spend: SpendRow[] = []
  for (const { row, cells } of table('Spend')) {
    const sheet = 'Spend'
    const get = (c: string) => cells.get(c) ?? ''
    const before = problems.length
    const stream = streamCell(sheet, row, get('Stream'))
    const quarter = /^(FY\d{4}-\d{2})-Q([1-4])$/.exec(get('Quarter'))
    if (!quarter || startYearOf(quarter[1] as string) === null)
      problem(
        sheet,
        row,
        'Quarter',
        get('Quarter') === ''
          ? 'is empty: give a quarter such as FY2018-19-Q2'
          : `"${get('Quarter')}" is not a quarter such as FY2018-19-Q2`,
      )
    else if (stream) withinStream(sheet, row, 'Quarter', stream, quarter[1] as string)
    const kind = SPEND_KINDS.find((k) => k === lower(get('Kind')))
    if (!kind) problem(sheet, row, 'Kind', `"${get('Kind')}" is neither actual nor forecast`)
    const target = targetCells(sheet, row, cells)
    const amount = money(sheet, row, 'Amount', get('Amount'))
    const illustrative = flagCell(sheet, row, get('Illustrative'))
    const key = `${lower(get('Stream'))}/${get('Quarter')}/${kind}/${target?.priorityId ?? ''}/${target?.serviceId ?? ''}`
    if (stream && quarter && kind && target && !once(sheet, row, key, 'stream, quarter, kind, priority and service'))
      continue
    if (problems.length > before || !stream || !quarter || !kind || !target || amount === null) continue
    spend.push({
      sheet,
      row,
      stream: stream.name,
      period: get('Quarter'),
      kind,
      ...target,
      amountPence: amount,
      illustrative,
    })
  }

  if (problems.length > 0) return { ok: false, problems, rowsRead }
  return { ok: true, workbook: { streams, awards, carryForwards, allocations, spend, typedTotals, rowsRead } }
}
