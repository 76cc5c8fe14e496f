/**
 * Scoring a threat or risk of the strategic assessment: impact × likelihood on the 5 × 5 matrix. The score and its
 * rating band are always computed from the two ratings, never typed. The scales and bands are the National Patient
 * Safety Agency's "A risk matrix for risk managers" (2008), the 5 × 5 matrix most English public bodies (councils,
 * police, health) use: likelihood 1 rare … 5 almost certain, impact 1 negligible … 5 catastrophic; score 1–3 low,
 * 4–6 moderate, 8–12 high, 15–25 extreme (no product of two ratings falls between those ranges).
 */

export type Rating = 1 | 2 | 3 | 4 | 5
export type Band = 'low' | 'moderate' | 'high' | 'extreme'

export const RATINGS: readonly Rating[] = Object.freeze([1, 2, 3, 4, 5])

export const LIKELIHOOD_WORDS: Readonly<Record<Rating, string>> = Object.freeze({
  1: 'Rare',
  2: 'Unlikely',
  3: 'Possible',
  4: 'Likely',
  5: 'Almost certain',
})

export const IMPACT_WORDS: Readonly<Record<Rating, string>> = Object.freeze({
  1: 'Negligible',
  2: 'Minor',
  3: 'Moderate',
  4: 'Major',
  5: 'Catastrophic',
})

export const BAND_WORDS: Readonly<Record<Band, string>> = Object.freeze({
  low: 'Low',
  moderate: 'Moderate',
  high: 'High',
  extreme: 'Extreme',
})

/** The highest score of each band, lowest band first. */
const BAND_LIMITS: readonly (readonly [number, Band])[] = [
  [3, 'low'],
  [6, 'moderate'],
  [12, 'high'],
  [25, 'extreme'],
]

/** A whole number 1–5, or null. */
export function asRating(value: unknown): Rating | null {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 5 ? (n as Rating) : null
}

export interface ThreatScore {
  readonly impact: Rating
  readonly likelihood: Rating
  /** impact × likelihood, 1–25. */
  readonly score: number
  readonly band: Band
  /** "16 (High): impact 4 Major × likelihood 4 Likely" */
  readonly words: string
}

/** The band of a score 1–25. */
export function bandOf(score: number): Band {
  if (!Number.isInteger(score) || score < 1 || score > 25) throw new RangeError(`Not a threat score: ${score}`)
  for (const [limit, band] of BAND_LIMITS) if (score <= limit) return band
  return 'extreme'
}

/**
 * The score and band of a threat.
 *
 * @example scoreThreat(4, 3).words // '12 (High): impact 4 Major × likelihood 3 Possible'
 */
export function scoreThreat(impact: Rating, likelihood: Rating): ThreatScore {
  const score = impact * likelihood
  const band = bandOf(score)
  return {
    impact,
    likelihood,
    score,
    band,
    words: `${score} (${BAND_WORDS[band]}): impact ${impact} ${IMPACT_WORDS[impact]} × likelihood ${likelihood} ${LIKELIHOOD_WORDS[likelihood]}`,
  }
}

/** A threat placed in the matrix. */
export interface PlacedThreat {
  readonly label: string
  readonly title: string
  readonly impact: Rating
  readonly likelihood: Rating
}

export interface MatrixCell {
  readonly impact: Rating
  readonly likelihood: Rating
  readonly score: number
  readonly band: Band
  readonly threats: readonly PlacedThreat[]
}

/**
 * The scoring matrix as rows for an accessible table: likelihood down (5 almost certain at the top, as risk
 * registers print it), impact across (1 to 5), each cell its score, band and the threats in it; and a text summary
 * that says the same without the table.
 */
export function scoringMatrix<T extends PlacedThreat>(
  threats: readonly T[],
): {
  readonly rows: readonly { readonly likelihood: Rating; readonly cells: readonly MatrixCell[] }[]
  readonly summary: string
} {
  const rows = [...RATINGS].reverse().map((likelihood) => ({
    likelihood,
    cells: RATINGS.map((impact) => {
      const score = impact * likelihood
      return {
        impact,
        likelihood,
        score,
        band: bandOf(score),
        threats: threats.filter((t) => t.impact === impact && t.likelihood === likelihood),
      }
    }),
  }))
  if (threats.length === 0) return { rows, summary: 'No threats have been scored.' }
  const counts = new Map<Band, number>()
  for (const t of threats) {
    const band = bandOf(t.impact * t.likelihood)
    counts.set(band, (counts.get(band) ?? 0) + 1)
  }
  const ranked = [...threats].sort(
    (a, b) => b.impact * b.likelihood - a.impact * a.likelihood || a.label.localeCompare(b.label),
  )
  const bands = (['extreme', 'high', 'moderate', 'low'] as const)
    .filter((b) => counts.has(b))
    .map((b) => `${counts.get(b)} ${BAND_WORDS[b].toLowerCase()}`)
  const listed = ranked.map((t) => `${t.label} ${t.title}: ${scoreThreat(t.impact, t.likelihood).words}`)
  return {
    rows,
    summary: `${threats.length} ${threats.length === 1 ? 'threat' : 'threats'} scored (${bands.join(', ')}). Highest first: ${listed.join('; ')}.`,
  }
}
