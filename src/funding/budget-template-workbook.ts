import ExcelJS from 'exceljs'
import { financialYearId, financialYearOf } from '../domain/period.ts'
import { BUDGET_SHEET_NAMES, BUDGET_SHEETS, SPEND_KINDS, TOTAL_ROW, YES_NO } from './budget-import.ts'

/** How many rows of each sheet carry the drop-downs. */
const TEMPLATE_ROWS = 1000
/** Financial years the year lists offer: five before this one, this one and the next three. */
const YEARS_BEFORE = 5
const YEARS_AFTER = 3

const HELP: Record<string, string> = {
  Funder: 'Who gives the money, e.g. West Midlands Police and Crime Commissioner',
  Name: 'The stream’s name, used on the other sheets, e.g. PCC grant',
  'First year': 'The first financial year it funds, e.g. FY2017-18',
  'Last year': 'The last financial year it funds',
  Stream: `A stream’s Name (from the Funding streams sheet or already in saferhub), or ${TOTAL_ROW} for a typed total`,
  Year: 'A financial year, e.g. FY2018-19',
  'Into year': 'The year the money is carried into, from the stream’s year before',
  Quarter: 'A quarter, e.g. FY2018-19-Q2',
  Kind: 'actual (paid) or forecast (expected)',
  Awarded: 'The amount awarded for the year, in pounds (e.g. 339995 or 339,995.00)',
  Received: 'Received to date; leave empty to keep what saferhub holds',
  Budget: 'Optional: the budget as your papers state it; saferhub compares it with income + carry-forward',
  Amount: 'In pounds, e.g. 12500 or 12,500.50: no £K, at most two decimal places',
  Priority: 'A strategic priority’s name, e.g. Violence Prevention',
  Service: 'A commissioned service’s reference or title',
  Illustrative: 'yes for a made-up figure (a demonstration), otherwise leave empty',
}

/**
 * The budget import's template: the five sheets the importer reads, headers from its own lists (BUDGET_SHEETS), a
 * note on each header saying what goes there, drop-downs for Kind, Illustrative and the years and quarters, and an
 * Instructions sheet with an example in the current financial year.
 *
 * @example const bytes = await budgetTemplateWorkbook({ now: new Date() })
 */
export async function budgetTemplateWorkbook(options: { readonly now: Date }): Promise<Buffer> {
  const thisYear = financialYearOf(options.now)
  const years = Array.from({ length: YEARS_BEFORE + YEARS_AFTER + 1 }, (_, i) =>
    financialYearId(thisYear - YEARS_BEFORE + i),
  )
  const quarters = years.flatMap((y) => [1, 2, 3, 4].map((q) => `${y}-Q${q}`))
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'saferhub'
  workbook.created = options.now
  const instructions = workbook.addWorksheet('Instructions')
  const sheets = BUDGET_SHEET_NAMES.map((name) => [name, workbook.addWorksheet(name)] as const)
  const lists = workbook.addWorksheet('Lists')

  const listColumns: [string, readonly string[]][] = [
    ['years', years],
    ['quarters', quarters],
    ['kinds', SPEND_KINDS],
    ['yes/no', YES_NO],
  ]
  const range = new Map<string, string>()
  listColumns.forEach(([name, items], index) => {
    const column = lists.getColumn(index + 1)
    column.numFmt = '@'
    lists.getCell(1, index + 1).value = name
    items.forEach((item, row) => (lists.getCell(row + 2, index + 1).value = item))
    range.set(name, `Lists!$${column.letter}$2:$${column.letter}$${items.length + 1}`)
  })

  const listFor: Record<string, string> = {
    'First year': 'years',
    'Last year': 'years',
    Year: 'years',
    'Into year': 'years',
    Quarter: 'quarters',
    Kind: 'kinds',
    Illustrative: 'yes/no',
  }
  for (const [name, sheet] of sheets) {
    const columns = [...BUDGET_SHEETS[name].required, ...BUDGET_SHEETS[name].optional] as string[]
    sheet.addRow(columns)
    sheet.getRow(1).font = { bold: true }
    sheet.views = [{ state: 'frozen', ySplit: 1 }]
    columns.forEach((column, index) => {
      const help = HELP[column]
      if (help) sheet.getCell(1, index + 1).note = help
      const sheetColumn = sheet.getColumn(index + 1)
      sheetColumn.width = Math.max(14, column.length + 4)
      const list = listFor[column]
      if (list) {
        sheetColumn.numFmt = '@' // so that Excel keeps FY2018-19 as text
        validationsOf(sheet).add(`${sheetColumn.letter}2:${sheetColumn.letter}${TEMPLATE_ROWS + 1}`, {
          type: 'list',
          allowBlank: true,
          formulae: [range.get(list) as string],
          showErrorMessage: true,
          errorTitle: column,
          error: `Choose ${column.toLowerCase()} from the list`,
        })
      }
    })
  }

  const year = financialYearId(thisYear)
  const lines = [
    'saferhub budget import',
    '',
    'Fill in the sheets you need (a sheet left empty changes nothing) and import the workbook on the Funding page',
    '(Import a budget workbook) or with: saferhub budget import FILE.xlsx',
    'You will see every problem (sheet, row and column) or what will change before anything is saved.',
    'Importing the same workbook again changes nothing; rows the workbook does not mention are left as they are.',
    '',
    'Amounts are in pounds: 339995, 339,995 or 339995.00. Never £500K, never more than two decimal places.',
    'The budget is never typed: it is each stream’s income (Awards) plus the carry-forward agreed into the year.',
    `A row on Awards whose Stream is ${TOTAL_ROW} types the year’s income (Awarded) or budget (Budget); a Budget`,
    'on a stream’s row types that stream’s budget. Each is compared with the computed figure and any difference',
    `is shown, e.g. "the budget is £378,430: income £339,995 + carry-forward £38,435; the sheet says £378,390".`,
    `A ${TOTAL_ROW} row on Allocations types the year’s allocations, and is compared the same way.`,
    '',
    'Example:',
    `  Funding streams: PCC grant | West Midlands Police and Crime Commissioner | ${year} | ${year}`,
    `  Awards: PCC grant | ${year} | 339995`,
    `  Carry-forwards: PCC grant | ${year} | 38435`,
    `  Allocations: PCC grant | ${year} | 120000 | Violence Prevention`,
    `  Spend: PCC grant | ${year}-Q1 | actual | 25000 | Violence Prevention`,
  ]
  lines.forEach((line, i) => (instructions.getCell(i + 1, 1).value = line))
  instructions.getCell(1, 1).font = { bold: true, size: 14 }
  instructions.getColumn(1).width = 120
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/** A sheet's data validations (exceljs keeps them; its type declarations leave them out). */
function validationsOf(sheet: ExcelJS.Worksheet): { add(range: string, validation: ExcelJS.DataValidation): void } {
  return (sheet as unknown as { dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void } })
    .dataValidations
}
