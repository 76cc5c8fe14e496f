import { sumPence, type Pence } from '../domain/money.ts'
import type { SpendKind } from './funding-tables.ts'

/**
 * A commissioned service's money for one financial year, from the rows that hold it: what the budget allocates to
 * it (`budget_allocations`), what it was awarded (`service_commitments`), what was paid (`spend_entries` of kind
 * `actual`: its instalments) and what is expected (`forecast`). Pure, in integer pence.
 *
 * The forecast for the year is, quarter by quarter and stream by stream, the amount paid where a payment is recorded
 * and the forecast where none is yet: so a quarter is never counted twice, and a year with every quarter paid
 * forecasts exactly what was paid.
 */

export interface ServiceMoneyRows {
  readonly allocations: readonly {
    readonly year: string
    readonly amountPence: Pence
    readonly illustrative: boolean
  }[]
  readonly commitments: readonly {
    readonly year: string
    readonly amountPence: Pence
    readonly illustrative: boolean
  }[]
  readonly spend: readonly {
    readonly period: string
    readonly fundingStreamId: number
    readonly kind: SpendKind
    readonly amountPence: Pence
    readonly illustrative: boolean
  }[]
}

export interface ServiceMoney {
  readonly year: string
  /** Null: nothing is allocated to the service this year. */
  readonly allocated: Pence | null
  /** Null: no commitment recorded this year. */
  readonly committed: Pence | null
  readonly paid: Pence
  readonly forecast: Pence
  /** Allocated less paid (negative when overspent); null with no allocation. */
  readonly left: Pence | null
  /** True when any figure above comes from a row marked illustrative (a demo figure the seed does not give). */
  readonly illustrative: boolean
}

/**
 * @example
 *   serviceMoney(rows, 'FY2018-19') // { allocated: 2_500_000, committed: 2_500_000, paid: 1_250_000, … }
 */
export function serviceMoney(rows: ServiceMoneyRows, year: string): ServiceMoney {
  const allocations = rows.allocations.filter((a) => a.year === year)
  const commitments = rows.commitments.filter((c) => c.year === year)
  const spend = rows.spend.filter((s) => s.period.slice(0, 9) === year)
  const paid = sumPence(spend.filter((s) => s.kind === 'actual').map((s) => s.amountPence))
  const byQuarterAndStream = new Map<string, { actual: Pence[]; forecast: Pence[] }>()
  for (const s of spend) {
    const key = `${s.period}/${s.fundingStreamId}`
    const entry = byQuarterAndStream.get(key) ?? { actual: [], forecast: [] }
    entry[s.kind].push(s.amountPence)
    byQuarterAndStream.set(key, entry)
  }
  const forecast = sumPence(
    [...byQuarterAndStream.values()].map((e) => (e.actual.length > 0 ? sumPence(e.actual) : sumPence(e.forecast))),
  )
  const allocated = allocations.length === 0 ? null : sumPence(allocations.map((a) => a.amountPence))
  return {
    year,
    allocated,
    committed: commitments.length === 0 ? null : sumPence(commitments.map((c) => c.amountPence)),
    paid,
    forecast,
    left: allocated === null ? null : allocated - paid,
    illustrative: [...allocations, ...commitments, ...spend].some((r) => r.illustrative),
  }
}

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
