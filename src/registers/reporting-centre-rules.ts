import { parse } from 'csv-parse/sync'
import { addMonths } from '../domain/period.ts'
import { isDate } from './tension-rules.ts'

/**
 * The rules of the hate-crime third-party reporting centres, with no I/O: the strands a centre serves, when a centre
 * is due for a check, and the CSV import's reading of rows.
 */

/** The monitored strands of hate crime (the five national strands and alternative subculture), and others. */
export const STRANDS = [
  'race',
  'religion',
  'sexual-orientation',
  'disability',
  'transgender-identity',
  'alternative-subculture',
] as const
export type Strand = (typeof STRANDS)[number]

export const STRAND_WORDS: Readonly<Record<Strand, string>> = {
  race: 'Race',
  religion: 'Religion or belief',
  'sexual-orientation': 'Sexual orientation',
  disability: 'Disability',
  'transgender-identity': 'Transgender identity',
  'alternative-subculture': 'Alternative subculture',
}

/** A centre is due for a check when it has not been checked active in the last this many calendar months. */
export const CHECK_EVERY_MONTHS = 6

/**
 * The date `months` calendar months before `date` (`YYYY-MM-DD`), the day clamped to the end of a shorter month
 * (31 August less six months is 28 February, or 29 in a leap year).
 */
export function monthsBefore(date: string, months: number): string {
  return addMonths(date, -months)
}

/**
 * The rule: an open centre is due for a check when it was never checked, or its last check was before the same day
 * six calendar months ago (a check exactly six months ago still counts). A closed centre is never due. `today` is
 * the date in England.
 */
export function isCheckDue(centre: { lastCheckedOn: string | null; closedOn: string | null }, today: string): boolean {
  if (centre.closedOn !== null) return false
  return centre.lastCheckedOn === null || centre.lastCheckedOn < monthsBefore(today, CHECK_EVERY_MONTHS)
}

/** `FY2017-18-Q1`: a financial quarter. */
export function isQuarter(text: string): boolean {
  if (!/^FY\d{4}-\d{2}-Q[1-4]$/.test(text)) return false
  const start = Number(text.slice(2, 6))
  return Number(text.slice(7, 9)) === (start + 1) % 100
}

/** `FY2017-18-Q1` → "April to June 2017". */
export function quarterInWords(quarter: string): string {
  const start = Number(quarter.slice(2, 6))
  const q = Number(quarter.slice(-1))
  return (
    [
      '',
      `April to June ${start}`,
      `July to September ${start}`,
      `October to December ${start}`,
      `January to March ${start + 1}`,
    ][q] ?? quarter
  )
}

/** A centre as the import reads it. */
export interface CentreRow {
  readonly organisation: string
  readonly ward: string
  readonly strands: readonly Strand[]
  readonly trainedStaff: number
  readonly trainingDates: readonly string[]
  readonly lastCheckedOn: string | null
}

export interface ImportProblem {
  /** The row as a spreadsheet numbers it (the header is row 1); 0 for the file itself. */
  readonly row: number
  /** The column's heading, or '' for the whole row or file. */
  readonly column: string
  readonly message: string
}

/** The import's columns, in any order; the first two are required in every row. */
export const CENTRE_COLUMNS = [
  'organisation',
  'ward',
  'strands',
  'trained_staff',
  'training_dates',
  'last_checked_on',
] as const

/** The most rows an import takes: a partnership has tens of centres, not thousands. */
export const MAX_CENTRE_ROWS = 500

/**
 * Reads the CSV of centres (header row, then one centre a row). Lists within a cell (`strands`, `training_dates`)
 * are separated by `;`. Every problem is reported with its row and column; the rows are returned only when there is
 * none, so an import is all or nothing. `wards` are the partnership's ward names (matched ignoring case and spaces).
 *
 * @example
 * readCentresCsv('organisation,ward,strands\nHope Centre,Park,race;religion\n', ['Park'])
 * // { rows: [{ organisation: 'Hope Centre', ward: 'Park', strands: ['race', 'religion'], trainedStaff: 0, … }], problems: [] }
 */
export function readCentresCsv(
  text: string,
  wards: readonly string[],
): { rows: CentreRow[]; problems: ImportProblem[] } {
  let records: string[][]
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { skip_empty_lines: true, relax_column_count: true }) as string[][]
  } catch (error) {
    return {
      rows: [],
      problems: [{ row: 0, column: '', message: `The file is not well-formed CSV: ${(error as Error).message}` }],
    }
  }
  const problems: ImportProblem[] = []
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase().replace(/\s+/g, '_'))
  if (records.length === 0) return { rows: [], problems: [{ row: 0, column: '', message: 'The file is empty' }] }
  for (const column of ['organisation', 'ward'])
    if (!header.includes(column)) problems.push({ row: 1, column, message: `The header has no "${column}" column` })
  for (const h of header)
    if (!(CENTRE_COLUMNS as readonly string[]).includes(h))
      problems.push({
        row: 1,
        column: h,
        message: `Unknown column "${h}": the columns are ${CENTRE_COLUMNS.join(', ')}`,
      })
  if (records.length - 1 > MAX_CENTRE_ROWS)
    problems.push({
      row: 0,
      column: '',
      message: `The file has ${records.length - 1} rows; at most ${MAX_CENTRE_ROWS}`,
    })
  if (problems.length > 0) return { rows: [], problems }

  const wardByKey = new Map(wards.map((w) => [key(w), w]))
  const seen = new Map<string, number>()
  const rows: CentreRow[] = []
  records.slice(1).forEach((record, i) => {
    const rowNumber = i + 2
    if (record.length !== header.length) {
      problems.push({
        row: rowNumber,
        column: '',
        message: `The row has ${record.length} cells; the header has ${header.length}`,
      })
      return
    }
    const cell = (name: string) => (header.includes(name) ? (record[header.indexOf(name)] ?? '').trim() : '')
    const bad = (column: string, message: string) => problems.push({ row: rowNumber, column, message })
    const organisation = cell('organisation')
    if (organisation === '') bad('organisation', 'Enter the organisation')
    else if (seen.has(organisation.toLowerCase()))
      bad('organisation', `The same organisation is on row ${seen.get(organisation.toLowerCase())}`)
    else seen.set(organisation.toLowerCase(), rowNumber)
    const ward = wardByKey.get(key(cell('ward')))
    if (ward === undefined) bad('ward', `"${cell('ward')}" is not one of the partnership's wards`)
    const strands: Strand[] = []
    for (const s of list(cell('strands'))) {
      const found = STRANDS.find(
        (k) => k === key(s).replace(/ /g, '-') || STRAND_WORDS[k].toLowerCase() === s.toLowerCase(),
      )
      if (found === undefined) bad('strands', `"${s}" is not a strand: use ${STRANDS.join('; ')}`)
      else if (!strands.includes(found)) strands.push(found)
    }
    const staffText = cell('trained_staff')
    const trainedStaff = staffText === '' ? 0 : Number(staffText)
    if (!/^\d{0,4}$/.test(staffText)) bad('trained_staff', 'Enter a whole number of staff (0 or more)')
    const trainingDates = list(cell('training_dates'))
    for (const d of trainingDates) if (!isDate(d)) bad('training_dates', `"${d}" is not a date YYYY-MM-DD`)
    const checked = cell('last_checked_on')
    if (checked !== '' && !isDate(checked)) bad('last_checked_on', `"${checked}" is not a date YYYY-MM-DD`)
    if (ward !== undefined && organisation !== '')
      rows.push({
        organisation,
        ward,
        strands,
        trainedStaff,
        trainingDates: [...trainingDates].sort(),
        lastCheckedOn: checked || null,
      })
  })
  return problems.length > 0 ? { rows: [], problems } : { rows, problems }
}

const key = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ')
const list = (s: string) =>
  s
    .split(';')
    .map((x) => x.trim())
    .filter((x) => x !== '')
