import { quarterOfMonth } from '../../domain/period.ts'
import { ANTI_SOCIAL_BEHAVIOUR } from '../ingest/crime-types.ts'
import { TOTAL_RECORDED_CRIME } from '../headlines/police-uk-counts.ts'

/**
 * The figures of the crime overview page, worked out from the stored street-level counts of one partnership. Pure:
 * the route reads the counts and the loaded months through the services and hands them here.
 *
 * A month whose data.police.uk file for the partnership's own force is not loaded is missing, never zero: it is a gap
 * in the chart, "not loaded" in the table, and a quarter with such a month has no total.
 */
export interface OverviewCount {
  /** `YYYY-MM`. */
  readonly month: string
  readonly crimeType: string
  readonly crimes: number
}

export interface MonthTotal {
  readonly month: string
  /** "Jan 2020". */
  readonly label: string
  /** Total recorded crime (every type but anti-social behaviour); null when the month is not loaded. */
  readonly crimes: number | null
}

export interface QuarterTotal {
  readonly id: string
  /** "2019/20 Q4". */
  readonly label: string
  readonly crimes: number | null
  /** Months of the quarter not loaded (when any, there is no total). */
  readonly missingMonths: readonly string[]
}

export interface CrimeTypeShare {
  readonly crimeType: string
  readonly crimes: number
  /** Percent of total recorded crime in the window (unrounded). */
  readonly percent: number
}

export interface CrimeTypeMix {
  /** First and last month of the 12 months ending with the latest loaded month. */
  readonly fromMonth: string
  readonly toMonth: string
  /** Months of the window that are loaded (12 when the window is complete). */
  readonly monthsLoaded: number
  readonly total: number
  /** Crime types, most crimes first (then by name); anti-social behaviour is not among them. */
  readonly types: readonly CrimeTypeShare[]
  /** Anti-social behaviour incidents in the window: not crimes, so shown apart. */
  readonly antiSocialBehaviour: number
}

export interface CrimeOverview {
  readonly months: readonly MonthTotal[]
  readonly quarters: readonly QuarterTotal[]
  readonly mix: CrimeTypeMix | null
}

const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const

/** "Jan 2020" for `2020-01`. */
export function monthLabel(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number]
  return `${SHORT_MONTHS[m - 1] ?? '?'} ${year}`
}

/** The month after `YYYY-MM` (or `by` months later / earlier). */
export function addMonths(month: string, by: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number]
  const index = year * 12 + (m - 1) + by
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
}

/** Every month from `first` to `last` inclusive. */
export function monthRange(first: string, last: string): string[] {
  const out: string[] = []
  for (let m = first; m <= last; m = addMonths(m, 1)) out.push(m)
  return out
}

/**
 * Monthly and financial-quarter totals of recorded crime, and the crime-type mix of the latest 12 months, from one
 * partnership's counts (summed over forces) and the months loaded for its force.
 *
 * @example
 * crimeOverview([{ month: '2020-01', crimeType: 'Burglary', crimes: 3 }], ['2020-01']).months
 * // [{ month: '2020-01', label: 'Jan 2020', crimes: 3 }]
 */
export function crimeOverview(counts: readonly OverviewCount[], loadedMonths: readonly string[]): CrimeOverview {
  const loaded = new Set(loadedMonths)
  if (loaded.size === 0) return { months: [], quarters: [], mix: null }
  const sorted = [...loaded].sort()
  const first = sorted[0] as string
  const last = sorted.at(-1) as string

  const totals = new Map<string, number>()
  for (const c of counts) {
    if (!loaded.has(c.month) || !TOTAL_RECORDED_CRIME.includes(c.crimeType)) continue
    totals.set(c.month, (totals.get(c.month) ?? 0) + c.crimes)
  }
  const months: MonthTotal[] = monthRange(first, last).map((month) => ({
    month,
    label: monthLabel(month),
    crimes: loaded.has(month) ? (totals.get(month) ?? 0) : null,
  }))

  const quarters: QuarterTotal[] = []
  for (const m of months) {
    const q = quarterOfMonth(m.month)
    if (!q || quarters.at(-1)?.id === q.id) continue
    const its = monthRange(q.firstMonth, q.lastMonth)
    const missing = its.filter((x) => !loaded.has(x))
    quarters.push({
      id: q.id,
      label: q.label,
      crimes: missing.length > 0 ? null : its.reduce((s, x) => s + (totals.get(x) ?? 0), 0),
      missingMonths: missing,
    })
  }

  const fromMonth = addMonths(last, -11)
  const byType = new Map<string, number>()
  let antiSocialBehaviour = 0
  for (const c of counts) {
    if (c.month < fromMonth || c.month > last || !loaded.has(c.month)) continue
    if (c.crimeType === ANTI_SOCIAL_BEHAVIOUR) antiSocialBehaviour += c.crimes
    else byType.set(c.crimeType, (byType.get(c.crimeType) ?? 0) + c.crimes)
  }
  const total = [...byType.values()].reduce((a, b) => a + b, 0)
  const types = [...byType]
    .filter(([, crimes]) => crimes > 0)
    .map(([crimeType, crimes]) => ({ crimeType, crimes, percent: total > 0 ? (crimes / total) * 100 : 0 }))
    .sort((a, b) => b.crimes - a.crimes || (a.crimeType < b.crimeType ? -1 : 1))
  const monthsLoaded = monthRange(fromMonth, last).filter((m) => loaded.has(m)).length
  return { months, quarters, mix: { fromMonth, toMonth: last, monthsLoaded, total, types, antiSocialBehaviour } }
}

/**
 * The financial year the headline figures should be for: the latest one whose twelve months are all loaded, else
 * the one the latest loaded month falls in (the headline service then says what is missing).
 */
export function headlineYear(loadedMonths: readonly string[]): number | null {
  const loaded = new Set(loadedMonths)
  const sorted = [...loaded].sort()
  const last = sorted.at(-1)
  if (!last) return null
  const firstYear = quarterOfMonth(sorted[0] as string)?.financialYear ?? 0
  const lastYear = quarterOfMonth(last)?.financialYear ?? 0
  for (let year = lastYear; year >= firstYear; year--) {
    if (monthRange(`${year}-04`, `${year + 1}-03`).every((m) => loaded.has(m))) return year
  }
  return lastYear
}

/** A text summary of a series of monthly totals, for the chart's description. */
export function describeMonthlyTotals(what: string, months: readonly MonthTotal[]): string {
  const shown = months.filter((m): m is MonthTotal & { crimes: number } => m.crimes !== null)
  if (shown.length === 0) return `No months of ${what} are loaded.`
  const firstShown = shown[0] as MonthTotal & { crimes: number }
  const lastShown = shown.at(-1) as MonthTotal & { crimes: number }
  const high = shown.reduce((a, b) => (b.crimes > a.crimes ? b : a))
  const low = shown.reduce((a, b) => (b.crimes < a.crimes ? b : a))
  const gaps = months.length - shown.length
  const n = (x: number) => x.toLocaleString('en-GB')
  return (
    `${what} by month, ${firstShown.label} to ${lastShown.label}: ${n(firstShown.crimes)} in ${firstShown.label}, ` +
    `${n(lastShown.crimes)} in ${lastShown.label}; highest ${n(high.crimes)} (${high.label}), lowest ` +
    `${n(low.crimes)} (${low.label}).` +
    (gaps > 0
      ? ` ${gaps} month${gaps === 1 ? ' is not loaded and left as a gap' : 's are not loaded and left as gaps'}.`
      : '')
  )
}
