import type { OffenceGroupId } from './offence-groups.ts'

/**
 * Police recorded crime by area for one year, as an ONS table (or an extract of one) gives it. The kinds of row:
 * - `partnership`: a Community Safety Partnership, with its ONS code;
 * - `force`: the police force area's own total row (it includes what no partnership was given);
 * - `unassigned`: "Unassigned <force>", crimes without a usable location (ONS note 2);
 * - `force-level`: an area counted at force level and in no partnership, such as Manchester Airport (note 2).
 */
export type AreaKind = 'partnership' | 'force' | 'unassigned' | 'force-level'

export interface AreaCounts {
  readonly kind: AreaKind
  /** Unique within a table: the partnership code, the force code, `<force>/unassigned` or `<force>/<name>`. */
  readonly key: string
  readonly partnershipCode: string | null
  /** The name as the table writes it (trimmed). */
  readonly name: string
  readonly forceCode: string
  /** Offences by group; null where the table has no figure ("[x]", an empty cell). Negative counts occur (note 3). */
  readonly counts: ReadonlyMap<OffenceGroupId, number | null>
  /** The resident population the table gives with its rates (table C4), when it gives one. */
  readonly population: number | null
  readonly populationNote: string | null
  /** The spreadsheet row (or CSV line) it came from. */
  readonly row: number
}

/** A problem in a file: blocking ones stop the import; notes are shown and the import goes ahead. */
export interface TableProblem {
  readonly file: string
  /** The sheet of a workbook; empty for a CSV. */
  readonly sheet: string
  /** 1-based row as a spreadsheet user sees it; 0 for the file as a whole. */
  readonly row: number
  readonly column: string
  readonly reason: string
}

export interface RecordedCrimeYear {
  /** Which publication the figures come from: `ons-pfa-tables` or `third-party-extract`. */
  readonly dataset: RecordedCrimeDataset
  /** The last month of the twelve, `YYYY-MM` (e.g. `2024-12` for the year ending December 2024). */
  readonly yearEnding: string
  readonly areas: readonly AreaCounts[]
}

export type RecordedCrimeDataset = 'ons-pfa-tables' | 'third-party-extract'

export const DATASET_LABELS: Readonly<Record<RecordedCrimeDataset, string>> = {
  'ons-pfa-tables': 'ONS police force area data tables (Home Office police recorded crime)',
  'third-party-extract': 'third-party extract of the ONS police force area tables',
}

/** Formats a problem the way every import in the project does: `file:row:column: reason`. */
export function formatTableProblem(p: TableProblem): string {
  const where = [p.file, p.sheet ? `[${p.sheet}]` : '', p.row > 0 ? `:${p.row}` : '', p.column ? `:${p.column}` : '']
  return `${where.join('')}: ${p.reason}`
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
]

/**
 * The year-ending month in a title such as "…, year ending December 2024 [note 1]" (the last one when a title
 * names two years), as `YYYY-MM`; null when there is none.
 *
 * @example yearEndingIn('Table C2: …, year ending December 2024 [note 1]') // '2024-12'
 */
export function yearEndingIn(text: string): string | null {
  const all = [
    ...text.matchAll(
      /year ending (january|february|march|april|may|june|july|august|september|october|november|december) (\d{4})/gi,
    ),
  ]
  const last = all.at(-1)
  if (!last) return null
  const month = MONTHS.indexOf((last[1] as string).toLowerCase()) + 1
  return `${last[2]}-${String(month).padStart(2, '0')}`
}

/** "the year ending December 2024" for `2024-12`. */
export function yearEndingLabel(yearEnding: string): string {
  const month = MONTHS[Number(yearEnding.slice(5, 7)) - 1] ?? ''
  return `the year ending ${month.charAt(0).toUpperCase()}${month.slice(1)} ${yearEnding.slice(0, 4)}`
}

/** The year-ending month twelve months earlier: `2023-12` for `2024-12`. */
export function previousYearEnding(yearEnding: string): string {
  return `${Number(yearEnding.slice(0, 4)) - 1}${yearEnding.slice(4)}`
}

/** Whether `text` is a `YYYY-MM` month. */
export function isYearEnding(text: string): boolean {
  return /^(19|20|21)\d\d-(0[1-9]|1[0-2])$/.test(text)
}
