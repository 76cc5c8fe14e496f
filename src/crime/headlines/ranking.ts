/**
 * Ranking partnerships against each other. Rank 1 is the best, and the direction that counts as best is always
 * stated with the rank: for crime, the lowest rate per 1,000 residents, or the lowest percentage change (the
 * largest fall). Ties share a rank and the next rank is skipped ("1, 2, 2, 4"), as league tables do.
 *
 * Values are ratios of whole numbers (offences / residents; change / last year's offences), so they are compared
 * exactly by cross-multiplying with BigInt: two partnerships with the same rate tie even when floating-point
 * division would make one of them a hair larger.
 */
export interface RatioValue {
  readonly code: string
  readonly name: string
  /** The ratio numerator / denominator; the denominator must be above 0. */
  readonly numerator: number
  readonly denominator: number
}

export interface RankedArea {
  readonly code: string
  readonly name: string
  readonly rank: number
  /** numerator / denominator × scale (e.g. a rate per 1,000, or a percentage). */
  readonly value: number
}

export interface Ranking {
  /** What is ranked, e.g. "recorded crime per 1,000 residents". */
  readonly measure: string
  /** Which way is best, in words: "the lowest rate ranks 1st". */
  readonly best: string
  readonly areas: readonly RankedArea[]
  /** Areas left out of the ranking, and why (no population, no figure for last year…). */
  readonly excluded: readonly { readonly code: string; readonly name: string; readonly reason: string }[]
}

export interface RankOf {
  readonly rank: number
  readonly of: number
  readonly value: number
  /** The other areas sharing the rank. */
  readonly tiedWith: readonly string[]
}

function compareRatios(a: RatioValue, b: RatioValue): number {
  // a.n / a.d vs b.n / b.d with positive denominators: compare a.n × b.d with b.n × a.d.
  const left = BigInt(a.numerator) * BigInt(b.denominator)
  const right = BigInt(b.numerator) * BigInt(a.denominator)
  return left < right ? -1 : left > right ? 1 : 0
}

/**
 * Ranks ratios lowest first (rank 1 = lowest). Candidates whose numerator or denominator is not a whole number,
 * or whose denominator is not above 0, are excluded with the reason.
 *
 * @example
 * rankLowestFirst([{ code: 'a', name: 'A', numerator: 5, denominator: 100 }, { code: 'b', name: 'B', numerator: 1, denominator: 20 }], 1000, 'rate', 'the lowest rate ranks 1st')
 * // both 50 per 1,000: both rank 1
 */
export function rankLowestFirst(
  candidates: readonly (RatioValue | { readonly code: string; readonly name: string; readonly excluded: string })[],
  scale: number,
  measure: string,
  best: string,
): Ranking {
  const valid: RatioValue[] = []
  const excluded: { code: string; name: string; reason: string }[] = []
  for (const c of candidates) {
    if ('excluded' in c) excluded.push({ code: c.code, name: c.name, reason: c.excluded })
    else if (!Number.isSafeInteger(c.numerator) || !Number.isSafeInteger(c.denominator) || c.denominator <= 0) {
      excluded.push({ code: c.code, name: c.name, reason: 'no usable figure' })
    } else valid.push(c)
  }
  const sorted = [...valid].sort((a, b) => compareRatios(a, b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const areas: RankedArea[] = []
  sorted.forEach((c, i) => {
    const previous = sorted[i - 1]
    const rank = previous && compareRatios(previous, c) === 0 ? (areas[i - 1] as RankedArea).rank : i + 1
    areas.push({ code: c.code, name: c.name, rank, value: (c.numerator / c.denominator) * scale })
  })
  return { measure, best, areas, excluded }
}

/** Where one area stands in a ranking, or null when it is not ranked. */
export function rankOf(ranking: Ranking, code: string): RankOf | null {
  const area = ranking.areas.find((a) => a.code === code)
  if (!area) return null
  return {
    rank: area.rank,
    of: ranking.areas.length,
    value: area.value,
    tiedWith: ranking.areas.filter((a) => a.rank === area.rank && a.code !== code).map((a) => a.name),
  }
}

/** "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th". */
export function ordinal(n: number): string {
  const mod100 = n % 100
  if (mod100 >= 11 && mod100 <= 13) return `${n}th`
  switch (n % 10) {
    case 1:
      return `${n}st`
    case 2:
      return `${n}nd`
    case 3:
      return `${n}rd`
    default:
      return `${n}th`
  }
}
