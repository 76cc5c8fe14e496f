import type { Indicator, IndicatorValue } from '../domain/indicator.ts'
import { financialYearOf, type Period, type PeriodId } from '../domain/period.ts'
import type { ImportProblem } from '../performance/import/import-problem.ts'
import { rowReader } from '../performance/import/row-reader.ts'
import type { RawCell } from '../performance/import/raw-table.ts'
import { readValueRow } from '../performance/import/value-rows.ts'

/**
 * Reading one KPI's boxes of a return form with the SAME rules as an imported values row (src/performance/import/
 * value-rows.ts): no negative counts, numerator within denominator, a status or a figure but not both, a reason for
 * a missing figure, the percentage agreeing with its counts. A form is a one-row values table.
 */

/** The boxes of one KPI on the form, named as the values table's columns. */
export const ITEM_FIELDS = [
  'status',
  'value',
  'numerator',
  'denominator',
  'percent',
  'text',
  'reason',
  'commentary',
] as const
export type ItemField = (typeof ITEM_FIELDS)[number]

/** Which figure boxes each measure type shows (the same columns the values table uses for it). */
export const FIGURE_BOXES: Readonly<
  Record<Indicator['measureType'], readonly ('value' | 'numerator' | 'denominator' | 'percent' | 'text')[]>
> = {
  count: ['value'],
  stock: ['value'],
  proportion: ['numerator', 'denominator', 'percent'],
  'count-with-share': ['value', 'numerator', 'percent'],
  rate: ['numerator', 'denominator', 'value'],
  text: ['text'],
}

/**
 * Where a KPI's boxes for one period sit on a quarter's return form: the prefix of their field names, and the title
 * messages name them by.
 */
export interface ItemBoxes {
  /** `knife-crime` for a quarterly KPI's own quarter; `cj-clients-in-treatment-opiate--2017-04` for a month. */
  readonly prefix: string
  /** "Knife crime"; "CJ clients in treatment (opiate), April 2017". */
  readonly title: string
}

/**
 * The boxes of a KPI's figure for `period` on the return for `quarter`. A quarterly KPI's figure for the quarter keeps
 * the plain, readable names (`knife-crime-value`, as before returns held other periods); any other period's names
 * carry its id after a double hyphen (`cj-clients-in-treatment-opiate--2017-04-value`), which no KPI id can contain
 * (import rule: lower-case words joined by single hyphens), so two boxes can never share a name.
 */
export function itemBoxes(indicator: Indicator, period: Period, quarter: Period): ItemBoxes {
  return period.id === quarter.id
    ? { prefix: indicator.id, title: indicator.name }
    : { prefix: `${indicator.id}--${period.id}`, title: `${indicator.name}, ${period.label}` }
}

/** The form field (and element id) of a box: `knife-crime-value`, `cj-clients-in-treatment-opiate--2017-04-value`. */
export function fieldName(prefix: string, field: ItemField | 'confirm'): string {
  return `${prefix}-${field}`
}

export interface ItemProblem {
  /** The form field the problem is about (for the error summary's link and the inline message). */
  readonly field: string
  readonly message: string
}

export type ItemInput = Readonly<Partial<Record<ItemField, string>>>

/** True when every box of the KPI was left empty (a draft may leave KPIs for later). */
export function isBlankItem(input: ItemInput): boolean {
  return ITEM_FIELDS.every((f) =>
    f === 'status' ? (input[f] ?? '') === '' || input[f] === 'reported' : (input[f] ?? '').trim() === '',
  )
}

/**
 * The KPI's value for `period` as the boxes give it, or the problems with them (each naming its box, under `boxes`:
 * by default the KPI's own plain names). A period of the wrong kind for the KPI's cadence is a problem, as in an import.
 *
 * @example readItem(knifeCrime, 'FY2018-19-Q1', { value: '-3' }).problems[0].message // '"-3" is negative: …'
 */
export function readItem(
  indicator: Indicator,
  period: PeriodId,
  input: ItemInput,
  boxes: ItemBoxes = { prefix: indicator.id, title: indicator.name },
): { value: IndicatorValue; problems: [] } | { value: null; problems: ItemProblem[] } {
  const cells: RawCell[] = []
  const columns = new Map<string, number>()
  const put = (column: string, text: string) => {
    columns.set(column, cells.length)
    cells.push(text === '' ? { kind: 'empty' } : { kind: 'text', text })
  }
  put('indicator', indicator.id)
  put('period', period)
  for (const field of ITEM_FIELDS) {
    // "reported" is the form's way of saying "no status": the values table leaves the column empty for it.
    const raw = input[field] ?? ''
    put(field, field === 'status' && raw === 'reported' ? '' : raw)
  }
  const problems: ImportProblem[] = []
  const reader = rowReader('return form', { row: 1, cells }, columns, problems)
  // The form names its indicator itself, so there is no mistyped id to suggest another for.
  const help = { financialYear: financialYearOf(new Date()), suggestIndicator: () => undefined }
  const value = readValueRow(reader, (id) => (id === indicator.id ? indicator : undefined), help)
  if (value && problems.length === 0) return { value, problems: [] }
  // A problem about a figure the form does not show for this measure type (a proportion has no "value" box) points
  // at the first box it does show, so that the error summary's link lands on a field.
  const shown: readonly string[] = FIGURE_BOXES[indicator.measureType]
  const figureFields = new Set<string>(['value', 'numerator', 'denominator', 'percent', 'text'])
  const fieldFor = (column: string): ItemField =>
    (ITEM_FIELDS as readonly string[]).includes(column) && (shown.includes(column) || !figureFields.has(column))
      ? (column as ItemField)
      : (shown[0] as ItemField)
  return {
    value: null,
    problems: problems.map((p) => ({
      field: fieldName(boxes.prefix, fieldFor(p.column)),
      message: `${boxes.title}: ${p.reason}`,
    })),
  }
}
