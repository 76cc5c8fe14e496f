import { percentOf } from '../../domain/rounding.ts'
import { poissonExactTest, readSignificance } from '../../domain/statistics.ts'
import type { PopulationFigure } from '../reference/partnership-population.ts'
import { rankLowestFirst, rankOf, type RankOf, type Ranking } from './ranking.ts'

/**
 * The headline figures of police recorded crime for one partnership and year, as the "Snapshot of performance"
 * boxes of an annual report give them: the change in offences on last year (with the performance framework's
 * reading of whether it is a real change or normal variation), the partnership's share of its force's recorded
 * crime this year and last, its rank among the force's partnerships by rate per 1,000 residents and by percentage
 * change, and its rank within its most similar group. Pure: the caller gathers the numbers (from data.police.uk
 * counts or the ONS tables) and this works them out, so both sources are judged by the same rules.
 */
export interface AreaYears {
  readonly code: string
  readonly name: string
  /** Offences in the year and in the year before; null where there is no figure. */
  readonly thisYear: number | null
  readonly lastYear: number | null
  /** Residents, for rates per 1,000; null where no population is known. */
  readonly population: PopulationFigure | null
}

export interface PeerGroupInput {
  readonly name: string
  readonly source: string
  /** `YYYY-MM-DD`: when the group was set or published. */
  readonly asOf: string
  /** Every member, the partnership itself included. */
  readonly members: readonly AreaYears[]
}

export interface HeadlineInput {
  /** What is counted: "Total Recorded Crime", "Robbery". */
  readonly measure: string
  /** Where the numbers come from, in words. */
  readonly source: string
  readonly partnershipCode: string
  readonly forceName: string
  /** As the report writes years: "2017-2018" / "the year ending December 2024". */
  readonly yearLabel: string
  readonly previousYearLabel: string
  /** Every partnership of the force, the chosen one included. */
  readonly forceAreas: readonly AreaYears[]
  /** The force's recorded crime, for shares: a published force total, or the sum of its partnerships. */
  readonly forceTotal: { readonly thisYear: number | null; readonly lastYear: number | null; readonly basis: string }
  readonly peerGroup: PeerGroupInput | null
}

/** A change between two counts over equal periods. */
export interface CountChange {
  readonly before: number
  readonly after: number
  readonly change: number
  /** Relative change in % (unrounded); null when `before` is 0. */
  readonly percent: number | null
  /** Two-sided p-value of the exact Poisson test; null when a count is negative (transfers, ONS note 3). */
  readonly pValue: number | null
  /** "within normal variation", "a real increase", "a real decrease"; null without a p-value. */
  readonly reading: string | null
  readonly significant: boolean
}

export interface HeadlineFigures {
  readonly measure: string
  readonly source: string
  readonly partnership: { readonly code: string; readonly name: string }
  readonly forceName: string
  readonly yearLabel: string
  readonly previousYearLabel: string
  /** Null when this year or last has no figure. */
  readonly change: CountChange | null
  /** Offences per 1,000 residents this year (unrounded). */
  readonly rate: { readonly perThousand: number; readonly population: PopulationFigure } | null
  readonly share: {
    /** Percent of the force's recorded crime (unrounded); null when a figure is missing. */
    readonly thisYear: number | null
    readonly lastYear: number | null
    readonly forceThisYear: number | null
    readonly forceLastYear: number | null
    readonly basis: string
  }
  readonly rankByRate: Ranking
  readonly positionByRate: RankOf | null
  readonly rankByChange: Ranking
  readonly positionByChange: RankOf | null
  readonly peerGroup: {
    readonly name: string
    readonly source: string
    readonly asOf: string
    readonly ranking: Ranking
    readonly position: RankOf | null
  } | null
  /** What could not be worked out, and why. */
  readonly notes: readonly string[]
}

/**
 * The change between two counts, with the significance reading of the performance framework: the exact
 * conditional test for two Poisson counts over equal periods (`poissonExactTest`), read by `readSignificance`.
 *
 * @example countChange(18669, 21210).percent // 13.61…
 */
export function countChange(before: number, after: number): CountChange {
  const change = after - before
  const percent = before === 0 ? null : (percentOf(change, before) as number)
  if (before < 0 || after < 0 || !Number.isInteger(before) || !Number.isInteger(after)) {
    return { before, after, change, percent, pValue: null, reading: null, significant: false }
  }
  const pValue = poissonExactTest(before, after)
  const { reading, significant } = readSignificance(pValue, change > 0 ? 'increase' : change < 0 ? 'decrease' : 'none')
  return { before, after, change, percent, pValue, reading, significant }
}

const RATE_MEASURE = 'recorded crime per 1,000 residents'
const RATE_BEST = 'the lowest rate ranks 1st'
const CHANGE_MEASURE = 'percentage change in recorded crime on the year before'
const CHANGE_BEST = 'the lowest increase or largest fall ranks 1st'

/** Ranks areas by offences per 1,000 residents, lowest first. */
export function rankByRate(areas: readonly AreaYears[], measure = RATE_MEASURE): Ranking {
  return rankLowestFirst(
    areas.map((a) =>
      a.thisYear === null
        ? { code: a.code, name: a.name, excluded: 'no figure for the year' }
        : a.population === null
          ? { code: a.code, name: a.name, excluded: 'no population estimate' }
          : { code: a.code, name: a.name, numerator: a.thisYear, denominator: a.population.population },
    ),
    1000,
    measure,
    RATE_BEST,
  )
}

/** Ranks areas by percentage change on last year, lowest first (the largest fall is best). */
export function rankByChange(areas: readonly AreaYears[]): Ranking {
  return rankLowestFirst(
    areas.map((a) =>
      a.thisYear === null || a.lastYear === null
        ? { code: a.code, name: a.name, excluded: 'no figure for one of the two years' }
        : a.lastYear <= 0
          ? { code: a.code, name: a.name, excluded: 'no offences last year, so no percentage change' }
          : { code: a.code, name: a.name, numerator: a.thisYear - a.lastYear, denominator: a.lastYear },
    ),
    100,
    CHANGE_MEASURE,
    CHANGE_BEST,
  )
}

/** "Left out of the ranking by rate: Caerphilly, Torfaen (no figure for the year)." — one note per reason. */
function exclusionNotes(what: string, ranking: Ranking): string[] {
  const byReason = new Map<string, string[]>()
  for (const e of ranking.excluded) byReason.set(e.reason, [...(byReason.get(e.reason) ?? []), e.name])
  return [...byReason].map(([reason, names]) => `Left out of ${what}: ${names.join(', ')} (${reason}).`)
}

/**
 * Works out the headline figures.
 *
 * @example
 * const h = headlineFigures({ measure: 'Total Recorded Crime', partnershipCode: 'E22000341', forceAreas, … })
 * h.positionByRate // { rank: 2, of: 7, … }
 */
export function headlineFigures(input: HeadlineInput): HeadlineFigures {
  const notes: string[] = []
  const self = input.forceAreas.find((a) => a.code === input.partnershipCode)
  if (!self) throw new Error(`Partnership ${input.partnershipCode} is not among the force's partnerships`)
  const change = self.thisYear !== null && self.lastYear !== null ? countChange(self.lastYear, self.thisYear) : null
  if (!change)
    notes.push(`No ${input.measure} figure for ${self.thisYear === null ? input.yearLabel : input.previousYearLabel}.`)

  const rate =
    self.thisYear !== null && self.population
      ? { perThousand: (self.thisYear / self.population.population) * 1000, population: self.population }
      : null
  if (!self.population) notes.push(`No population estimate for ${self.name}, so no rate per 1,000 residents.`)

  const share = {
    thisYear:
      self.thisYear !== null && input.forceTotal.thisYear ? percentOf(self.thisYear, input.forceTotal.thisYear) : null,
    lastYear:
      self.lastYear !== null && input.forceTotal.lastYear ? percentOf(self.lastYear, input.forceTotal.lastYear) : null,
    forceThisYear: input.forceTotal.thisYear,
    forceLastYear: input.forceTotal.lastYear,
    basis: input.forceTotal.basis,
  }

  const byRate = rankByRate(input.forceAreas)
  const byChange = rankByChange(input.forceAreas)
  notes.push(...exclusionNotes('the ranking by rate', byRate), ...exclusionNotes('the ranking by change', byChange))

  let peerGroup: HeadlineFigures['peerGroup'] = null
  if (input.peerGroup) {
    if (!input.peerGroup.members.some((m) => m.code === input.partnershipCode)) {
      throw new Error(`The peer group "${input.peerGroup.name}" does not include the partnership itself`)
    }
    const ranking = rankByRate(input.peerGroup.members)
    notes.push(...exclusionNotes('the most similar group ranking', ranking))
    peerGroup = {
      name: input.peerGroup.name,
      source: input.peerGroup.source,
      asOf: input.peerGroup.asOf,
      ranking,
      position: rankOf(ranking, input.partnershipCode),
    }
  }
  return {
    measure: input.measure,
    source: input.source,
    partnership: { code: self.code, name: self.name },
    forceName: input.forceName,
    yearLabel: input.yearLabel,
    previousYearLabel: input.previousYearLabel,
    change,
    rate,
    share,
    rankByRate: byRate,
    positionByRate: rankOf(byRate, input.partnershipCode),
    rankByChange: byChange,
    positionByChange: rankOf(byChange, input.partnershipCode),
    peerGroup,
    notes: [...new Set(notes)],
  }
}
