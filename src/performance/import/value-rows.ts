import type { Cadence, Indicator, IndicatorValue, MeasureType, ValueStatus } from '../../domain/indicator.ts'
import type { Period, PeriodKind } from '../../domain/period.ts'
import { parseChoiceCell, parseNumberCell, parsePeriodCell, parseTextCell, type NumberRule } from './cell-values.ts'
import { COUNT, FIGURE, PERCENT, percentAgrees, percentText, readIndicatorReference } from './figure-checks.ts'
import type { ImportHelp, IndicatorLookup } from './figure-checks.ts'
import { periodExamples } from './period-suggestions.ts'
import type { RowReader } from './row-reader.ts'

export const VALUE_STATUSES: readonly ValueStatus[] = [
  'reported',
  'not-yet-available',
  'not-collected',
  'not-applicable',
  'suppressed',
]

export const VALUE_TEXT_LIMITS = Object.freeze({ text: 1000, reason: 500, commentary: 5000 })

const FIGURE_COLUMNS = ['value', 'numerator', 'denominator', 'percent', 'text'] as const
type FigureColumn = (typeof FIGURE_COLUMNS)[number]

/** The kind of period each cadence reports for. */
export const CADENCE_PERIODS: Readonly<Record<Cadence, PeriodKind>> = {
  monthly: 'month',
  'bi-monthly': 'bi-month',
  quarterly: 'quarter',
  annual: 'year',
}

const PERIOD_WORDS: Readonly<Record<PeriodKind, string>> = {
  month: 'a month',
  'bi-month': 'a two-month period',
  quarter: 'a quarter',
  year: 'a whole year',
}

/** Which figure columns each measure type uses, and what goes in them (for "not used" messages). */
const USES: Readonly<Record<MeasureType, { readonly columns: readonly FigureColumn[]; readonly how: string }>> = {
  count: { columns: ['value'], how: 'the count goes in value' },
  stock: { columns: ['value'], how: 'the figure goes in value' },
  proportion: {
    columns: ['numerator', 'denominator', 'percent'],
    how: 'give numerator and denominator (or percent alone where only a percentage was published)',
  },
  'count-with-share': {
    columns: ['value', 'numerator', 'percent'],
    how: 'the count goes in value, with numerator (how many have the property) or percent',
  },
  rate: {
    columns: ['value', 'numerator', 'denominator'],
    how: 'give numerator (count) and denominator (population), or value (a published rate)',
  },
  text: { columns: ['text'], how: 'the result goes in text' },
}

/**
 * How each figure column is read before the indicator is known, or when its measure type leaves it open. A
 * percentage typed into value is pointed at the percent column only where the measure type has one.
 */
function ruleFor(column: Exclude<FigureColumn, 'text'>, type: MeasureType | undefined): NumberRule {
  if (column === 'percent') return PERCENT
  const percentColumn = type !== undefined && USES[type].columns.includes('percent')
  const rule =
    column === 'numerator' || column === 'denominator'
      ? COUNT
      : type === 'count' || type === 'count-with-share'
        ? COUNT
        : FIGURE
  if (!percentColumn) return rule
  return { ...rule, percentColumn, countBesidePercent: column === 'value' && type === 'count-with-share' }
}

type Figures = { [K in Exclude<FigureColumn, 'text'>]: number | null } & { text: string | null }

/**
 * Reads one row of the values table, or undefined after recording every problem in it. The caller checks for
 * the same indicator and period twice (it needs the whole import for that).
 */
export function readValueRow(r: RowReader, lookup: IndicatorLookup, help: ImportHelp): IndicatorValue | undefined {
  const found = readIndicatorReference(r, lookup, help)
  const indicator = typeof found === 'object' ? found : undefined
  let valid = found !== undefined && found !== 'unusable'

  const periodContext = indicator
    ? { financialYear: help.financialYear, kind: CADENCE_PERIODS[indicator.cadence] }
    : { financialYear: help.financialYear }
  const period = r.take('period', parsePeriodCell(r.cell('period'), periodContext))
  if (period === null) {
    r.problem('period', 'the period is empty')
    valid = false
  } else if (period === undefined) valid = false
  else if (indicator && !fitsCadence(r, indicator, period, help)) valid = false

  const statusCell = r.take('status', parseChoiceCell(r.cell('status'), VALUE_STATUSES, 'status'))
  if (statusCell === undefined) valid = false
  const status = statusCell ?? 'reported'

  const type = indicator?.measureType
  const figures: Partial<Figures> = {}
  let figuresRead = true
  for (const column of ['value', 'numerator', 'denominator', 'percent'] as const) {
    const n = r.take(column, parseNumberCell(r.cell(column), ruleFor(column, type)))
    if (n === undefined) figuresRead = false
    else figures[column] = n
  }
  const text = r.take('text', parseTextCell(r.cell('text'), { maxLength: VALUE_TEXT_LIMITS.text, singleLine: false }))
  const reason = r.take(
    'reason',
    parseTextCell(r.cell('reason'), { maxLength: VALUE_TEXT_LIMITS.reason, singleLine: false }),
  )
  const commentary = r.take(
    'commentary',
    parseTextCell(r.cell('commentary'), { maxLength: VALUE_TEXT_LIMITS.commentary, singleLine: false }),
  )
  if (text === undefined) figuresRead = false
  else figures.text = text
  if (!figuresRead || reason === undefined || commentary === undefined) valid = false

  if (statusCell === undefined) {
    // Without a readable status nothing can be said about which figures the row should have.
  } else if (status !== 'reported') {
    // Missing is never zero: a figure beside "not available" or "<5" would contradict it, or give it away.
    for (const column of FIGURE_COLUMNS) {
      if (!r.isEmpty(column)) {
        r.problem(
          column,
          `the status is ${status}, so ${column} must be empty: a figure that is not reported carries no numbers`,
        )
        valid = false
      }
    }
    if (reason === null) {
      r.problem(
        'reason',
        `a ${status} value needs a reason (e.g. "<5", or "MOJ website does not have an update for Q4")`,
      )
      valid = false
    }
  } else {
    if (reason) {
      r.problem('reason', 'reason is only for a figure that is not reported (with a status): put remarks in commentary')
      valid = false
    }
    if (type !== undefined) {
      // The figures are checked against each other only when every one of them could be read.
      const fine = figuresRead ? checkFigures(r, type, figures as Figures) : checkUnusedColumns(r, type)
      if (!fine) valid = false
    }
  }

  if (!valid || indicator === undefined || !period || reason === undefined || commentary === undefined) return undefined
  const f = figures as Figures
  // With counts, a published percentage was only checked against them: the counts are what is kept.
  const keepPercent =
    status === 'reported' &&
    !(type === 'proportion' && f.numerator !== null) &&
    !(type === 'count-with-share' && f.numerator !== null)
  return {
    indicatorId: indicator.id,
    period: period.id,
    status,
    value: status === 'reported' ? f.value : null,
    numerator: status === 'reported' ? f.numerator : null,
    denominator: status === 'reported' ? f.denominator : null,
    percent: keepPercent ? f.percent : null,
    text: status === 'reported' ? f.text : null,
    reason,
    commentary,
  }
}

function fitsCadence(r: RowReader, indicator: Indicator, period: Period, help: ImportHelp): boolean {
  const expected = CADENCE_PERIODS[indicator.cadence]
  if (period.kind === expected) return true
  r.problem(
    'period',
    `${period.label} is ${PERIOD_WORDS[period.kind]}, but ${indicator.id} is reported ${indicator.cadence}: use ${PERIOD_WORDS[expected]} such as ${periodExamples(help.financialYear)[expected]}`,
  )
  return false
}

/** Records a figure column that the measure type does not use. Returns whether all were empty. */
function checkUnusedColumns(r: RowReader, type: MeasureType): boolean {
  const uses = USES[type]
  let clean = true
  for (const column of FIGURE_COLUMNS) {
    if (!uses.columns.includes(column) && !r.isEmpty(column)) {
      r.problem(column, `${column} is not used for a ${type} indicator: ${uses.how}`)
      clean = false
    }
  }
  return clean
}

/** The figures a reported row of this measure type must have, and how they must agree. */
function checkFigures(r: RowReader, type: MeasureType, f: Figures): boolean {
  let ok = checkUnusedColumns(r, type)
  const noFigure = (column: string) => {
    r.problem(
      column,
      `no figure: ${USES[type].how}; or, if there is none, set status (e.g. not-yet-available) and a reason`,
    )
    ok = false
  }
  const percentMustMatch = (numerator: number, denominator: number) => {
    if (f.percent !== null && !percentAgrees(numerator, denominator, f.percent)) {
      r.problem(
        'percent',
        `percent ${f.percent} does not match the counts: ${numerator}/${denominator} is ${percentText(numerator, denominator)}`,
      )
      ok = false
    }
  }
  switch (type) {
    case 'count':
    case 'stock':
      if (f.value === null) noFigure('value')
      break
    case 'text':
      if (f.text === null) noFigure('text')
      break
    case 'proportion':
      if (f.numerator === null && f.denominator === null) {
        if (f.percent === null) noFigure('numerator')
      } else if (f.numerator === null || f.denominator === null) {
        r.problem(f.numerator === null ? 'numerator' : 'denominator', 'give both numerator and denominator')
        ok = false
      } else if (f.denominator === 0) {
        r.problem(
          'denominator',
          'the denominator is 0: a percentage of nothing is undefined; use status not-applicable with a reason',
        )
        ok = false
      } else if (f.numerator > f.denominator) {
        r.problem('numerator', `the numerator (${f.numerator}) is above the denominator (${f.denominator})`)
        ok = false
      } else percentMustMatch(f.numerator, f.denominator)
      break
    case 'count-with-share':
      if (f.value === null) noFigure('value')
      else if (f.numerator === null && f.percent === null) {
        r.problem(
          'numerator',
          'the share is missing: give numerator (how many of the count have the property) or percent',
        )
        ok = false
      } else if (f.numerator !== null) {
        if (f.numerator > f.value) {
          r.problem('numerator', `the numerator (${f.numerator}) is above the count in value (${f.value})`)
          ok = false
        } else percentMustMatch(f.numerator, f.value)
      }
      break
    case 'rate':
      if (f.numerator === null && f.denominator === null) {
        if (f.value === null) noFigure('value')
      } else if (f.numerator === null || f.denominator === null) {
        r.problem(
          f.numerator === null ? 'numerator' : 'denominator',
          'give both numerator (count) and denominator (population)',
        )
        ok = false
      } else if (f.denominator === 0) {
        r.problem('denominator', 'the population (denominator) is 0: a rate of nothing is undefined')
        ok = false
      } else if (f.value !== null) {
        r.problem('value', 'give either numerator and denominator, or value (a published rate), not both')
        ok = false
      }
      break
  }
  return ok
}
