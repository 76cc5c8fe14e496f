import { financialYearId, financialYearOf } from '../domain/period.ts'
import { MoneyError, type Pence } from '../domain/money.ts'

/** A financial year as stored: `FY2018-19`. */
export const FINANCIAL_YEAR = /^FY(\d{4})-(\d{2})$/

/** The year's first calendar year (2018 for `FY2018-19`), or null when the text is not a financial year. */
export function startYearOf(year: string): number | null {
  const match = FINANCIAL_YEAR.exec(year)
  if (!match) return null
  const start = Number(match[1])
  return Number(match[2]) === (start + 1) % 100 ? start : null
}

/**
 * Every financial year from `first` to `last`, both included.
 *
 * @example financialYearsFrom('FY2017-18', 'FY2019-20') // ['FY2017-18', 'FY2018-19', 'FY2019-20']
 */
export function financialYearsFrom(first: string, last: string): string[] {
  const from = startYearOf(first)
  const to = startYearOf(last)
  if (from === null || to === null) throw new RangeError(`Not financial years: ${first}, ${last}`)
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => financialYearId(from + i))
}

/** The financial year a moment falls in, in Europe/London (1 April to 31 March). */
export function currentFinancialYear(now: Date): string {
  return financialYearId(financialYearOf(now))
}

/**
 * A multi-year fund entered as a total, split across its years: equal shares in whole pence, and the pence that do
 * not divide go one each to the earliest years (the money usually arrives first; and a rule that is written down can
 * be checked). Each year's share is an award of its own afterwards, editable on its own.
 *
 * @example splitAcrossYears(50_000_000, ['FY2017-18', 'FY2018-19', 'FY2019-20'])
 *   // [{ year: 'FY2017-18', pence: 16_666_667 }, { year: 'FY2018-19', pence: 16_666_667 }, { year: 'FY2019-20', pence: 16_666_666 }]
 */
export function splitAcrossYears(total: Pence, years: readonly string[]): { year: string; pence: Pence }[] {
  if (!Number.isSafeInteger(total) || total < 0)
    throw new MoneyError(`a total must be whole pence, 0 or more: ${total}`)
  if (years.length === 0) return []
  const share = Math.floor(total / years.length)
  const remainder = total - share * years.length
  return years.map((year, index) => ({ year, pence: share + (index < remainder ? 1 : 0) }))
}
