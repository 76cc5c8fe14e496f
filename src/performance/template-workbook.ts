import ExcelJS from 'exceljs'
import { financialYearId, financialYearLabel, financialYearOf } from '../domain/period.ts'
import { CADENCES, MEASURE_TYPES, PREFERRED_DIRECTIONS, STOCK_AGGREGATIONS } from './import/indicator-rows.ts'
import { TABLE_COLUMNS } from './import/table-columns.ts'
import { VALUE_STATUSES } from './import/value-rows.ts'

/** How many rows of each sheet carry the drop-downs and checks (the importer reads up to 100,000). */
export const TEMPLATE_ROWS = 2000

/** Financial years the period lists offer: ten before the current one, and the next. */
const YEARS_BEFORE = 10

/** Every period of a financial year as an identifier: the year, its quarters, two-month periods and months. */
function periodsOf(startYear: number): string[] {
  const fy = financialYearId(startYear)
  const months = Array.from({ length: 12 }, (_, i) => {
    const zeroBased = 3 + i
    const year = startYear + Math.floor(zeroBased / 12)
    return `${year}-${String((zeroBased % 12) + 1).padStart(2, '0')}`
  })
  return [fy, ...[1, 2, 3, 4].map((q) => `${fy}-Q${q}`), ...[1, 2, 3, 4, 5, 6].map((b) => `${fy}-B${b}`), ...months]
}

/** The choices the importer accepts, as the template's drop-downs offer them (from the importer's own lists). */
const CHOICES = {
  cadence: CADENCES,
  measure_type: MEASURE_TYPES,
  preferred_direction: PREFERRED_DIRECTIONS,
  hidden_harm: ['yes', 'no'],
  stock_aggregation: STOCK_AGGREGATIONS,
  target_kind: ['absolute', 'relative'],
  target_comparison: ['at-most', 'at-least'],
  source: ['previous-outturn', 'fixed'],
  status: VALUE_STATUSES,
} as const satisfies Record<string, readonly string[]>

const HELP: Record<string, string> = {
  id: 'A stable code: lower-case letters, digits and hyphens, e.g. knife-crime',
  name: 'The KPI’s name as people say it',
  priority: 'The strategic priority, e.g. Violence Prevention',
  theme: 'The heading the report groups it under',
  definition: 'What is counted (may be empty)',
  data_owner: 'The agency that submits it, e.g. Police',
  unit: 'What is counted, plural: offences, referrals…',
  rate_per: 'Rates only: the population base, e.g. 1000',
  share_label: 'Count with share only: what the share means',
  target_value: 'Absolute: the figure. Relative: the percentage, e.g. 5 for 5% lower',
  indicator: 'The KPI’s id from the Indicators sheet',
  value: 'The figure: a whole number for a count; empty with a status when there is none',
  numerator: 'A proportion’s count (or how many of a count have the property)',
  denominator: 'A proportion’s total, or a rate’s population',
  percent: 'A percentage as published (0–100), without the % sign',
  text: 'Text KPIs only: the result in words',
  reason: 'With a status: why there is no figure, e.g. <5',
  commentary: 'The data owner’s commentary',
  note: 'Why the baseline is what it is',
}

export interface TemplateOptions {
  /** The moment the template is made: its examples and period lists are in this moment's financial year. */
  readonly now: Date
}

/**
 * The import template: a workbook with the three sheets the importer reads (Indicators, Baselines, Values; headers
 * from the importer's own column lists), an Instructions sheet with examples in the current financial year, and a
 * Lists sheet the drop-downs read. Each choice column has a drop-down that refuses anything else; period and year
 * columns accept only the periods of the ten years before this one and the next (formatted as text, so that Excel
 * does not turn 2025-04 into a date); figure columns accept only numbers of 0 or more (percentages to 100).
 *
 * @example const bytes = await importTemplateWorkbook({ now: new Date() })
 */
export async function importTemplateWorkbook(options: TemplateOptions): Promise<Buffer> {
  const thisYear = financialYearOf(options.now)
  const years = Array.from({ length: YEARS_BEFORE + 2 }, (_, i) => thisYear - YEARS_BEFORE + i)
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'saferhub'
  workbook.created = options.now

  const instructions = workbook.addWorksheet('Instructions')
  const indicators = workbook.addWorksheet('Indicators')
  const baselines = workbook.addWorksheet('Baselines')
  const values = workbook.addWorksheet('Values')
  const lists = workbook.addWorksheet('Lists')

  // The Lists sheet: one column per list, read by the drop-downs (a list typed into the rule is limited to 255
  // characters, and the periods are longer than that).
  const listColumns: [string, readonly string[]][] = [
    ['periods', years.flatMap(periodsOf)],
    ['years', years.map(financialYearId)],
    ...Object.entries(CHOICES),
  ]
  const listRange = new Map<string, string>()
  listColumns.forEach(([name, items], index) => {
    const column = lists.getColumn(index + 1)
    column.numFmt = '@'
    lists.getCell(1, index + 1).value = name
    items.forEach((item, row) => (lists.getCell(row + 2, index + 1).value = item))
    const letter = column.letter
    listRange.set(name, `Lists!$${letter}$2:$${letter}$${items.length + 1}`)
    column.width = Math.max(12, name.length + 2)
  })
  lists.getRow(1).font = { bold: true }

  const sheets = [
    ['indicators', indicators],
    ['baselines', baselines],
    ['values', values],
  ] as const
  for (const [kind, sheet] of sheets) {
    const columns = [...TABLE_COLUMNS[kind].required, ...TABLE_COLUMNS[kind].optional]
    sheet.addRow(columns)
    sheet.getRow(1).font = { bold: true }
    // What each column holds, as a note on its header (a note changes nothing the importer reads).
    columns.forEach((name, index) => {
      const help = HELP[name]
      if (help) sheet.getCell(1, index + 1).note = help
    })
    sheet.views = [{ state: 'frozen', ySplit: 1 }]
    columns.forEach((name, index) => {
      const column = sheet.getColumn(index + 1)
      column.width = Math.max(12, name.length + 4)
      const range = `${column.letter}2:${column.letter}${TEMPLATE_ROWS + 1}`
      const rule = validationFor(kind, name, listRange)
      if (rule) {
        if (rule.text) column.numFmt = '@'
        validationsOf(sheet).add(range, rule.validation)
      }
    })
  }

  writeInstructions(instructions, thisYear)
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/**
 * A sheet's data validations: exceljs keeps them (`worksheet.dataValidations`, a range as one key, written as one
 * rule) but its type declarations leave them out.
 */
function validationsOf(sheet: ExcelJS.Worksheet): { add(range: string, validation: ExcelJS.DataValidation): void } {
  return (sheet as unknown as { dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void } })
    .dataValidations
}

function validationFor(
  kind: 'indicators' | 'baselines' | 'values',
  column: string,
  lists: ReadonlyMap<string, string>,
): { validation: ExcelJS.DataValidation; text: boolean } | null {
  const fromList = (list: string, what: string, text = false) => ({
    text,
    validation: {
      type: 'list' as const,
      allowBlank: true,
      formulae: [lists.get(list)],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: `Not ${what}`,
      error: `Choose ${what} from the list.`,
      showInputMessage: true,
      prompt: HELP[column] ?? `Choose ${what} from the list.`,
    },
  })
  const number = (max: number | null, whole: boolean) => ({
    text: false,
    validation: {
      type: whole ? ('whole' as const) : ('decimal' as const),
      operator: max === null ? ('greaterThanOrEqual' as const) : ('between' as const),
      allowBlank: true,
      formulae: max === null ? [0] : [0, max],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: 'Not a figure',
      error:
        max === null
          ? `Type a ${whole ? 'whole ' : ''}number of 0 or more, without commas or symbols.`
          : `Type a percentage from 0 to ${max}, without the % sign.`,
      ...(HELP[column] ? { showInputMessage: true, prompt: HELP[column] } : {}),
    },
  })
  if (column in CHOICES) return fromList(column, `a ${column.replace(/_/g, ' ')}`)
  if (column === 'period') return fromList('periods', 'a period such as FY2025-26-Q1 or 2025-04', true)
  if (column === 'year' || column === 'target_reference_year') return fromList('years', 'a financial year', true)
  if (kind === 'values' && column === 'percent') return number(100, false)
  if (column === 'numerator' || column === 'denominator') return number(null, false)
  if (column === 'rate_per') return number(null, true)
  if (column === 'value') return number(null, false)
  return null
}

function writeInstructions(sheet: ExcelJS.Worksheet, thisYear: number): void {
  const fy = financialYearId(thisYear)
  const last = financialYearId(thisYear - 1)
  const label = financialYearLabel(thisYear)
  sheet.getColumn(1).width = 110
  const lines: (string | { heading: string })[] = [
    { heading: 'Your KPIs, baselines and figures for saferhub' },
    'Fill in the three sheets Indicators, Baselines and Values, save, and import the workbook:',
    '  on the Imports page (Upload a file), or: saferhub import this-file.xlsx',
    'Row 1 of each sheet is its header: keep it as it is. Other sheets (this one, Lists) are not imported.',
    'Every problem is listed with its sheet, row and column, and nothing is written until there are none.',
    'Importing the same workbook again changes nothing; change a cell and import again to correct a figure.',
    '',
    { heading: 'Indicators: one row per KPI' },
    'id, name, priority, theme, definition, data_owner, cadence, measure_type, preferred_direction, hidden_harm.',
    'Drop-downs offer the words the importer accepts. A stock (e.g. people on a caseload) needs stock_aggregation.',
    'Example row:',
    '  knife-crime | Knife crime | Violence | Serious violence | Recorded offences involving a knife | Police |',
    '  quarterly | count | reduce | no | offences',
    '',
    { heading: 'Baselines: the figure a year is judged against' },
    `Example: knife-crime | ${fy} | previous-outturn | 96   (last year's outturn: the baseline for ${label})`,
    '',
    { heading: 'Values: one row per KPI per period' },
    `Periods are financial-year periods: ${fy} (the year ${label}), ${fy}-Q1 (April to June), ${fy}-B1`,
    `(April and May), or a month such as ${thisYear}-04. They are offered in the drop-down.`,
    `Example: knife-crime | ${fy}-Q1 | 23`,
    `Example of a figure not received: knife-crime | ${fy}-Q2 | (empty) … status not-yet-available,`,
    '  reason "Police data due in November". Empty means missing, never zero.',
    `Example of a small number withheld: knife-crime | ${last}-Q4 | (empty) … status suppressed, reason <5`,
    'A percentage goes in the percent column without the % sign (49.8), only for a proportion or a count with share.',
    '',
    'docs/import-formats.md describes every column; docs/setting-up.md the whole first hour.',
  ]
  for (const line of lines) {
    const row = sheet.addRow([typeof line === 'string' ? line : line.heading])
    if (typeof line !== 'string') row.font = { bold: true, size: 13 }
  }
}
