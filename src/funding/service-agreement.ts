/** How long a commissioned service's agreement runs, from its dates. Pure. */

/**
 * Whether a service runs for one financial year or several, from its dates: "annual" when it starts and ends within
 * one financial year (1 April to 31 March), "multi-year" when it crosses a year's end, null when a date is missing.
 *
 * @example agreementLength('2017-04-01', '2018-03-31') // 'annual'
 * @example agreementLength('2017-07-01', '2020-03-31') // 'multi-year'
 */
export function agreementLength(start: string | null, end: string | null): 'annual' | 'multi-year' | null {
  if (start === null || end === null) return null
  return financialYearOfDate(start) === financialYearOfDate(end) ? 'annual' : 'multi-year'
}

/** The financial year (by its starting calendar year) a `YYYY-MM-DD` date falls in. */
function financialYearOfDate(date: string): number {
  const year = Number(date.slice(0, 4))
  return Number(date.slice(5, 7)) >= 4 ? year : year - 1
}
