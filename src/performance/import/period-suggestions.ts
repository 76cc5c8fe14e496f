import { financialYearId, financialYearLabel, parsePeriod, type Period, type PeriodKind } from '../../domain/period.ts'

/**
 * "Did you mean" for a period cell: the spelling the importer accepts for what was evidently meant. Every
 * suggestion is checked with `parsePeriod` before it is offered, so following it always works.
 */

/**
 * Examples of each kind of period in the current financial year, for messages (not a fixed year long past).
 *
 * @example periodExamples(2026).quarter // 'FY2026-27-Q1 or 2026/27 Q1'
 */
export function periodExamples(financialYear: number): Readonly<Record<PeriodKind, string>> {
  const fy = financialYearId(financialYear)
  return {
    month: `${financialYear}-04`,
    'bi-month': `${fy}-B1`,
    quarter: `${fy}-Q1 or ${financialYearLabel(financialYear)} Q1`,
    year: `${fy} or ${financialYearLabel(financialYear)}`,
  }
}

/** How to write a period, with this financial year's examples. */
export function periodHelp(financialYear: number): string {
  const fy = financialYearId(financialYear)
  return `use an identifier such as ${fy}-Q1, ${fy}-B1, ${financialYear}-04 or ${fy}, or a label such as ${financialYearLabel(financialYear)} Q1`
}

const pad2 = (n: number) => String(n).padStart(2, '0')

/** The period of `kind` that a calendar day (UTC) falls in, written as the importer accepts it. */
export function periodOfDay(day: Date, kind: PeriodKind): Period | null {
  if (Number.isNaN(day.getTime())) return null
  const month = `${day.getUTCFullYear()}-${pad2(day.getUTCMonth() + 1)}`
  const monthPeriod = parsePeriod(month)
  if (!monthPeriod) return null
  const fy = financialYearId(monthPeriod.financialYear)
  switch (kind) {
    case 'month':
      return monthPeriod
    case 'quarter':
      return parsePeriod(`${fy}-Q${Math.ceil(monthPeriod.index / 3)}`)
    case 'bi-month':
      return parsePeriod(`${fy}-B${Math.ceil(monthPeriod.index / 2)}`)
    case 'year':
      return parsePeriod(fy)
  }
}

/** How a period of each kind is best written back to a user: the report's label, or the month's identifier. */
export function spelling(p: Period): string {
  return p.kind === 'month' || p.kind === 'bi-month' ? p.id : p.label
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

/** A date written as text, day first as in the UK (01/07/2017, 1.7.17) or ISO (2017-07-01). */
function textDate(text: string): Date | null {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(text)
  let year: number, month: number, day: number
  if (m) [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  else {
    m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(text)
    if (!m) return null
    ;[day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])]
    if (year < 100) year += 2000
  }
  const date = new Date(Date.UTC(year, month - 1, day))
  // 31/02/2024 is not a date: Date.UTC would roll it over into March.
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null
}

/** A financial year written another way: 2024-25, 2024/2025, FY24/25, 24/25. */
function financialYearIn(text: string): number | null {
  const m = /(?:^|[^0-9])(?:FY\s*)?(\d{4}|\d{2})\s*[-/–]\s*(\d{4}|\d{2})(?![0-9])/i.exec(text)
  if (!m) return null
  const start = (m[1] as string).length === 2 ? 2000 + Number(m[1]) : Number(m[1])
  const end = Number(m[2])
  const follows = (m[2] as string).length === 2 ? end === (start + 1) % 100 : end === start + 1
  return follows ? start : null
}

export interface PeriodSuggestion {
  readonly period: Period
  /** Why it is suggested, when it is not plain: "the quarter the date falls in". */
  readonly because?: string
}

const KIND_WORDS: Readonly<Record<PeriodKind, string>> = {
  month: 'month',
  'bi-month': 'two-month period',
  quarter: 'quarter',
  year: 'financial year',
}

/**
 * The period a text that is not one evidently means, written as the importer accepts it: "Q1 2024/25" is 2024/25 Q1;
 * "2024-25" is 2024/25; "April 2024" is 2024-04; a date (01/05/2024) is the period of `kind` it falls in.
 *
 * @example suggestPeriod('Q1 2024/25', 'quarter')?.period.label // '2024/25 Q1'
 * @example suggestPeriod('01/05/2024', 'quarter')?.period.label // '2024/25 Q1'
 */
export function suggestPeriod(text: string, kind: PeriodKind): PeriodSuggestion | null {
  const t = text.trim()
  const date = textDate(t)
  if (date) {
    const p = periodOfDay(date, kind)
    return p ? { period: p, because: `the ${KIND_WORDS[kind]} the date falls in` } : null
  }
  const monthName = /^([a-z]{3,9})\.?[\s-]*(\d{4}|\d{2})$/i.exec(t)
  if (monthName) {
    const index = MONTHS.indexOf((monthName[1] as string).slice(0, 3).toLowerCase())
    const year = (monthName[2] as string).length === 2 ? 2000 + Number(monthName[2]) : Number(monthName[2])
    const p = index === -1 ? null : parsePeriod(`${year}-${pad2(index + 1)}`)
    return p ? { period: p } : null
  }
  const start = financialYearIn(t)
  if (start === null) return null
  const rest = t.replace(/(?:FY\s*)?(\d{4}|\d{2})\s*[-/–]\s*(\d{4}|\d{2})/i, ' ')
  const quarter = /(?:^|[^a-z])Q(?:uarter)?\s*([1-4])(?![0-9])/i.exec(rest)
  const biMonth = /(?:^|[^a-z])B\s*([1-6])(?![0-9])/i.exec(rest)
  const fy = financialYearId(start)
  const id = quarter ? `${fy}-Q${quarter[1]}` : biMonth ? `${fy}-B${biMonth[1]}` : /[0-9a-z]/i.test(rest) ? null : fy
  const p = id === null ? null : parsePeriod(id)
  return p ? { period: p } : null
}
