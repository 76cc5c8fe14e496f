import type {
  Cadence,
  Indicator,
  MeasureType,
  PreferredDirection,
  StockAggregation,
  Target,
} from '../../domain/indicator.ts'
import {
  parseChoiceCell,
  parseNumberCell,
  parsePeriodCell,
  parseTextCell,
  parseYesNoCell,
  quoteCell,
} from './cell-values.ts'
import { periodExamples } from './period-suggestions.ts'
import { financialYearLabel } from '../../domain/period.ts'
import type { RowReader } from './row-reader.ts'

export const CADENCES: readonly Cadence[] = ['monthly', 'bi-monthly', 'quarterly', 'annual']
export const MEASURE_TYPES: readonly MeasureType[] = [
  'count',
  'proportion',
  'count-with-share',
  'stock',
  'rate',
  'text',
]
export const PREFERRED_DIRECTIONS: readonly PreferredDirection[] = ['increase', 'reduce', 'none']
export const STOCK_AGGREGATIONS: readonly StockAggregation[] = ['latest', 'average']
const TARGET_KINDS = ['absolute', 'relative'] as const
const TARGET_COMPARISONS = ['at-most', 'at-least'] as const

/** Lengths a spreadsheet user will not meet by accident, and a page can still lay out. */
export const INDICATOR_TEXT_LIMITS = Object.freeze({
  id: 64,
  name: 200,
  priority: 100,
  theme: 100,
  definition: 2000,
  dataOwner: 100,
  unit: 50,
  shareLabel: 100,
})

/** A stable code: lower-case letters, digits and single hyphens, e.g. `knife-crime`. It goes into addresses. */
const INDICATOR_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

const line = (maxLength: number) => ({ maxLength, singleLine: true })

/** Reads a required single-line text column; records "empty" when it is. */
function requiredText(r: RowReader, column: string, maxLength: number, what: string): string | undefined {
  const value = r.take(column, parseTextCell(r.cell(column), line(maxLength)))
  if (value === null) {
    r.problem(column, `${what} is empty`)
    return undefined
  }
  return value
}

function requiredChoice<T extends string>(
  r: RowReader,
  column: string,
  allowed: readonly T[],
  what: string,
): T | undefined {
  const value = r.take(column, parseChoiceCell(r.cell(column), allowed, what))
  if (value === null) {
    r.problem(column, `${what} is empty: use one of ${allowed.join(', ')}`)
    return undefined
  }
  return value
}

/** Refuses a column that does not apply to this indicator's measure type. */
function notFor(r: RowReader, column: string, why: string): void {
  if (!r.isEmpty(column)) r.problem(column, why)
}

/**
 * Reads the indicator id alone (for pointing other rows at it even when the rest of the row is wrong).
 * Returns undefined when the id itself is unusable.
 */
export function readIndicatorId(r: RowReader): string | undefined {
  const id = requiredText(r, 'id', INDICATOR_TEXT_LIMITS.id, 'the indicator id')
  if (id === undefined) return undefined
  if (!INDICATOR_ID.test(id)) {
    r.problem(
      'id',
      `${quoteCell(id)} is not a usable indicator id: use lower-case letters, digits and hyphens (e.g. knife-crime)`,
    )
    return undefined
  }
  return id
}

/**
 * Reads one row of the indicators table into an `Indicator`, or undefined after recording every problem in it.
 * `id` is the id already read by `readIndicatorId`.
 */
export function readIndicatorRow(r: RowReader, id: string | undefined, financialYear: number): Indicator | undefined {
  const name = requiredText(r, 'name', INDICATOR_TEXT_LIMITS.name, 'the name')
  const priority = requiredText(r, 'priority', INDICATOR_TEXT_LIMITS.priority, 'the priority')
  const theme = requiredText(r, 'theme', INDICATOR_TEXT_LIMITS.theme, 'the theme')
  const definition = r.take(
    'definition',
    parseTextCell(r.cell('definition'), { maxLength: INDICATOR_TEXT_LIMITS.definition, singleLine: false }),
  )
  const dataOwner = requiredText(r, 'data_owner', INDICATOR_TEXT_LIMITS.dataOwner, 'the data owner')
  const cadence = requiredChoice(r, 'cadence', CADENCES, 'cadence')
  const measureType = requiredChoice(r, 'measure_type', MEASURE_TYPES, 'measure type')
  const preferredDirection = requiredChoice(r, 'preferred_direction', PREFERRED_DIRECTIONS, 'preferred direction')
  let hiddenHarm = r.take('hidden_harm', parseYesNoCell(r.cell('hidden_harm')))
  if (hiddenHarm === null) {
    r.problem('hidden_harm', 'hidden_harm is empty: write yes or no')
    hiddenHarm = undefined
  }
  const unit = r.take('unit', parseTextCell(r.cell('unit'), line(INDICATOR_TEXT_LIMITS.unit)))
  const shareLabel = r.take('share_label', parseTextCell(r.cell('share_label'), line(INDICATOR_TEXT_LIMITS.shareLabel)))
  const ratePer = r.take('rate_per', parseNumberCell(r.cell('rate_per'), { integer: true, what: 'the rate base' }))
  if (ratePer === 0) r.problem('rate_per', 'the rate base must be at least 1 (e.g. 1000 for "per 1,000")')
  const stockAggregation = r.take(
    'stock_aggregation',
    parseChoiceCell(r.cell('stock_aggregation'), STOCK_AGGREGATIONS, 'stock aggregation'),
  )

  if (measureType !== undefined) {
    if (measureType !== 'rate') notFor(r, 'rate_per', `rate_per is only for measure type rate, not ${measureType}`)
    if (measureType !== 'stock') {
      notFor(r, 'stock_aggregation', `stock_aggregation is only for measure type stock, not ${measureType}`)
    } else if (stockAggregation === null) {
      r.problem('stock_aggregation', 'a stock is never summed: say how its year is summarised with latest or average')
    }
    if (measureType !== 'count-with-share') {
      notFor(r, 'share_label', `share_label is only for measure type count-with-share, not ${measureType}`)
    }
  }

  const target = readTarget(r, measureType, preferredDirection, financialYear)

  if (
    id === undefined ||
    name === undefined ||
    priority === undefined ||
    theme === undefined ||
    definition === undefined ||
    dataOwner === undefined ||
    cadence === undefined ||
    measureType === undefined ||
    preferredDirection === undefined ||
    hiddenHarm === undefined ||
    unit === undefined ||
    shareLabel === undefined ||
    ratePer === undefined ||
    stockAggregation === undefined ||
    target === undefined ||
    ratePer === 0
  ) {
    return undefined
  }
  return {
    id,
    name,
    theme,
    priority,
    definition: definition ?? '',
    dataOwner,
    cadence,
    measureType,
    preferredDirection,
    hiddenHarm,
    ...(ratePer !== null ? { ratePer } : {}),
    ...(stockAggregation !== null ? { stockAggregation } : {}),
    ...(target !== null ? { target } : {}),
    ...(shareLabel !== null ? { shareLabel } : {}),
    ...(unit !== null ? { unit } : {}),
  }
}

/**
 * Reads the target columns: none (null), an absolute target ("0 domestic homicides": value 0, at-most) or a
 * relative one ("5% lower than 2015/16": value 5, reference year FY2015-16). Undefined when they are wrong.
 */
function readTarget(
  r: RowReader,
  measureType: MeasureType | undefined,
  preferredDirection: PreferredDirection | undefined,
  financialYear: number,
): Target | null | undefined {
  const kind = r.take('target_kind', parseChoiceCell(r.cell('target_kind'), TARGET_KINDS, 'target kind'))
  if (kind === undefined) return undefined
  if (kind === null) {
    let stray = false
    for (const column of ['target_value', 'target_comparison', 'target_reference_year']) {
      if (!r.isEmpty(column)) {
        r.problem(column, `${column} is given but target_kind is empty: set target_kind to absolute or relative`)
        stray = true
      }
    }
    return stray ? undefined : null
  }
  const value = r.take(
    'target_value',
    parseNumberCell(r.cell('target_value'), { integer: false, percent: true, what: 'a target' }),
  )
  if (value === null) r.problem('target_value', `a ${kind} target needs target_value`)

  if (kind === 'absolute') {
    const comparison = r.take(
      'target_comparison',
      parseChoiceCell(r.cell('target_comparison'), TARGET_COMPARISONS, 'target comparison'),
    )
    if (comparison === null) {
      r.problem(
        'target_comparison',
        'an absolute target needs target_comparison: at-most (e.g. 0 homicides) or at-least',
      )
    }
    notFor(r, 'target_reference_year', 'target_reference_year is only for a relative target')
    if (measureType === 'proportion' && typeof value === 'number' && value > 100) {
      r.problem('target_value', `a target for a proportion is a percentage: ${value} is above 100`)
      return undefined
    }
    if (value === undefined || value === null || comparison === undefined || comparison === null) return undefined
    if (!r.isEmpty('target_reference_year')) return undefined
    return { kind: 'absolute', value, comparison }
  }

  notFor(
    r,
    'target_comparison',
    'target_comparison is only for an absolute target: a relative target follows the preferred direction',
  )
  const year = r.take(
    'target_reference_year',
    parsePeriodCell(r.cell('target_reference_year'), { financialYear, kind: 'year' }),
  )
  if (year === null) {
    r.problem(
      'target_reference_year',
      `a relative target needs the year it is measured from, e.g. ${periodExamples(financialYear - 1).year}`,
    )
  } else if (year !== undefined && year.kind !== 'year') {
    r.problem(
      'target_reference_year',
      `${year.label} is not a financial year: use e.g. ${financialYearLabel(year.financialYear)} (the year it is in)`,
    )
  }
  if (typeof value === 'number' && (value <= 0 || value > 100)) {
    r.problem(
      'target_value',
      `a relative target is a percentage above 0 and at most 100 ("5" for 5% lower), not ${value}`,
    )
    return undefined
  }
  if (preferredDirection === 'none') {
    r.problem(
      'target_kind',
      'a relative target needs a preferred direction (increase or reduce) to say which way it runs',
    )
    return undefined
  }
  if (value === undefined || value === null || year === undefined || year === null || year.kind !== 'year')
    return undefined
  if (!r.isEmpty('target_comparison')) return undefined
  return { kind: 'relative', percent: value, referenceYear: year.id }
}
