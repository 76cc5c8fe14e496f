import { periodsOfYear, yearPeriod, type Period } from '../../domain/period.ts'
import { ANTI_SOCIAL_BEHAVIOUR } from '../ingest/crime-types.ts'
import { countChange, type CountChange } from './headline-figures.ts'

/**
 * Sums of data.police.uk street-level counts (stored by partnership × month × crime type) over financial years
 * and quarters. Pure: the caller reads the counts from the crime repository.
 *
 * "Total recorded crime" in police.uk terms is every crime type except anti-social behaviour, which is an
 * incident, not a crime.
 */
export interface MonthlyCrimeCount {
  readonly cspCode: string
  /** `YYYY-MM`. */
  readonly month: string
  readonly crimeType: string
  readonly count: number
}

/** A selection of police.uk crime types: a single type, or a group of them (e.g. total recorded crime). */
export interface CrimeTypeSelection {
  /** A short stable identifier, e.g. `total-recorded-crime`, `robbery`. */
  readonly id: string
  /** As a report names it: "Total Recorded Crime", "Robbery". */
  readonly name: string
  readonly includes: (crimeType: string) => boolean
  readonly definition: string
}

export const TOTAL_RECORDED_CRIME: CrimeTypeSelection = {
  id: 'total-recorded-crime',
  name: 'Total Recorded Crime',
  includes: (t) => t !== ANTI_SOCIAL_BEHAVIOUR,
  definition: 'Every data.police.uk crime type except anti-social behaviour',
}

const THEFT_TYPES = new Set([
  'Bicycle theft',
  'Burglary',
  'Other theft',
  'Shoplifting',
  'Theft from the person',
  'Vehicle crime',
])

/**
 * Groups of police.uk crime types that partnerships report on. "Theft" follows the ONS grouping of theft offences
 * (burglary, vehicle crime, theft from the person, bicycle theft, shoplifting and other theft). The police.uk types
 * are coarser than the ONS offence groups: there is no "personal robbery" (police.uk's robbery includes business
 * robbery), and violence and sexual offences are one type.
 */
export const CRIME_TYPE_GROUPS: readonly CrimeTypeSelection[] = [
  TOTAL_RECORDED_CRIME,
  {
    id: 'theft-offences',
    name: 'Theft offences',
    includes: (t) => THEFT_TYPES.has(t),
    definition: `data.police.uk crime types ${[...THEFT_TYPES].join(', ')}`,
  },
]

/** One police.uk crime type as a selection. */
export function crimeTypeSelection(crimeType: string): CrimeTypeSelection {
  return {
    id: crimeType
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, ''),
    name: crimeType,
    includes: (t) => t === crimeType,
    definition: `data.police.uk crime type "${crimeType}"`,
  }
}

/** The calendar months (`YYYY-MM`) a period covers, in order. */
export function monthsOf(p: Pick<Period, 'firstMonth' | 'lastMonth'>): string[] {
  const out: string[] = []
  let [year, month] = p.firstMonth.split('-').map(Number) as [number, number]
  for (;;) {
    const m = `${year}-${String(month).padStart(2, '0')}`
    out.push(m)
    if (m === p.lastMonth) return out
    month++
    if (month > 12) {
      month = 1
      year++
    }
  }
}

/** Offences per partnership over the months of a period, for the selected crime types. */
export function totalsByPartnership(
  counts: readonly MonthlyCrimeCount[],
  p: Pick<Period, 'firstMonth' | 'lastMonth'>,
  selection: CrimeTypeSelection,
): Map<string, number> {
  const totals = new Map<string, number>()
  for (const c of counts) {
    if (c.month < p.firstMonth || c.month > p.lastMonth || !selection.includes(c.crimeType)) continue
    totals.set(c.cspCode, (totals.get(c.cspCode) ?? 0) + c.count)
  }
  return totals
}

/** A quarter of the year against the same quarter last year. */
export interface QuarterChange {
  readonly quarter: Period
  readonly lastYearQuarter: Period
  /** Null when a month of either quarter is not loaded. */
  readonly change: CountChange | null
  readonly missingMonths: readonly string[]
}

/**
 * The partnership's year and quarters against the year before. `loadedMonths` are the months whose police.uk
 * file for the partnership's force has been imported: a month not loaded is missing, never zero, so a quarter or
 * a year with a missing month has no figure.
 */
export function yearAndQuarterChanges(
  counts: readonly MonthlyCrimeCount[],
  cspCode: string,
  financialYear: number,
  selection: CrimeTypeSelection,
  loadedMonths: ReadonlySet<string>,
): { year: { change: CountChange | null; missingMonths: string[] }; quarters: QuarterChange[] } {
  const own = counts.filter((c) => c.cspCode === cspCode)
  const sum = (p: Period) => totalsByPartnership(own, p, selection).get(cspCode) ?? 0
  const missing = (p: Period) => monthsOf(p).filter((m) => !loadedMonths.has(m))
  const compare = (now: Period, before: Period) => {
    const missingMonths = [...missing(before), ...missing(now)]
    return { change: missingMonths.length > 0 ? null : countChange(sum(before), sum(now)), missingMonths }
  }
  const quarters = periodsOfYear(financialYear, 'quarter').map((q) => {
    const lastYearQuarter = periodsOfYear(financialYear - 1, 'quarter')[q.index - 1] as Period
    return { quarter: q, lastYearQuarter, ...compare(q, lastYearQuarter) }
  })
  return { year: compare(yearPeriod(financialYear), yearPeriod(financialYear - 1)), quarters }
}
