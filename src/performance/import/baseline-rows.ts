import type { Baseline, Indicator } from '../../domain/indicator.ts'
import { parseChoiceCell, parseNumberCell, parsePeriodCell, parseTextCell, type NumberRule } from './cell-values.ts'
import { COUNT, FIGURE, PERCENT, percentAgrees, percentText, readIndicatorReference } from './figure-checks.ts'
import type { ImportHelp, IndicatorLookup } from './figure-checks.ts'
import { periodExamples } from './period-suggestions.ts'
import { financialYearLabel } from '../../domain/period.ts'
import type { RowReader } from './row-reader.ts'

const BASELINE_SOURCES = ['fixed', 'previous-outturn'] as const
export const BASELINE_NOTE_LIMIT = 1000

/** What a baseline's value is for each measure type: a count, a percentage, or a figure (a stock's average). */
function valueRule(indicator: Indicator | undefined): NumberRule {
  switch (indicator?.measureType) {
    case 'count':
    case 'count-with-share':
      return COUNT
    case 'proportion':
      return PERCENT
    default:
      return FIGURE
  }
}

/**
 * Reads one row of the baselines table, or undefined after recording every problem in it. The caller checks
 * for the same indicator and year twice.
 */
export function readBaselineRow(r: RowReader, lookup: IndicatorLookup, help: ImportHelp): Baseline | undefined {
  const found = readIndicatorReference(r, lookup, help)
  const indicator = typeof found === 'object' ? found : undefined

  const example = periodExamples(help.financialYear).year
  const year = r.take('year', parsePeriodCell(r.cell('year'), { financialYear: help.financialYear, kind: 'year' }))
  if (year === null)
    r.problem('year', `the year is empty: give the financial year judged against this baseline, e.g. ${example}`)
  else if (year !== undefined && year.kind !== 'year') {
    r.problem(
      'year',
      `${year.label} is not a financial year: a baseline is for a whole year, e.g. ${financialYearLabel(year.financialYear)} (the year it is in)`,
    )
  }

  let source = r.take('source', parseChoiceCell(r.cell('source'), BASELINE_SOURCES, 'baseline source'))
  if (source === null) {
    r.problem('source', `the source is empty: use ${BASELINE_SOURCES.join(' or ')}`)
    source = undefined
  }

  if (indicator?.measureType === 'text') {
    r.problem('indicator', `${indicator.id} is a text indicator: it has no baseline`)
  }
  const value = r.take('value', parseNumberCell(r.cell('value'), valueRule(indicator)))
  if (value === null) r.problem('value', 'the baseline figure is empty')
  const numerator = r.take('numerator', parseNumberCell(r.cell('numerator'), COUNT))
  const denominator = r.take('denominator', parseNumberCell(r.cell('denominator'), COUNT))
  const note = r.take('note', parseTextCell(r.cell('note'), { maxLength: BASELINE_NOTE_LIMIT, singleLine: false }))

  let countsOk = true
  const type = indicator?.measureType
  if (type === 'proportion') {
    if ((numerator === null) !== (denominator === null)) {
      r.problem(numerator === null ? 'numerator' : 'denominator', 'give both numerator and denominator, or neither')
      countsOk = false
    } else if (typeof numerator === 'number' && typeof denominator === 'number') {
      if (denominator === 0) {
        r.problem('denominator', 'the denominator is 0: a percentage of nothing is undefined')
        countsOk = false
      } else if (numerator > denominator) {
        r.problem('numerator', `the numerator (${numerator}) is above the denominator (${denominator})`)
        countsOk = false
      } else if (typeof value === 'number' && !percentAgrees(numerator, denominator, value)) {
        r.problem(
          'value',
          `the baseline ${value}% does not match its counts: ${numerator}/${denominator} is ${percentText(numerator, denominator)}`,
        )
        countsOk = false
      }
    }
  } else if (type === 'count-with-share') {
    if (denominator !== null) {
      r.problem(
        'denominator',
        'denominator is not used for a count-with-share baseline: the count in value is the base of the share',
      )
      countsOk = false
    }
    if (typeof numerator === 'number' && typeof value === 'number' && numerator > value) {
      r.problem('numerator', `the numerator (${numerator}) is above the count in value (${value})`)
      countsOk = false
    }
  } else if (type !== undefined) {
    for (const column of ['numerator', 'denominator'] as const) {
      if (!r.isEmpty(column)) {
        r.problem(column, `${column} is only for a proportion or count-with-share baseline, not ${type}`)
        countsOk = false
      }
    }
  }

  if (
    indicator === undefined ||
    type === 'text' ||
    year === undefined ||
    year === null ||
    year.kind !== 'year' ||
    source === undefined ||
    value === undefined ||
    value === null ||
    numerator === undefined ||
    denominator === undefined ||
    note === undefined ||
    !countsOk
  ) {
    return undefined
  }
  return {
    indicatorId: indicator.id,
    year: year.id,
    source,
    value,
    ...(numerator !== null ? { numerator } : {}),
    ...(denominator !== null ? { denominator } : {}),
    ...(note !== null ? { note } : {}),
  }
}
