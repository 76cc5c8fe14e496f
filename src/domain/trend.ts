/**
 * Trends over a KPI's recent periods (the report's empty "Trend" column).
 *
 * A partnership's series are short (8–12 quarters) and noisy, with small counts and repeated values. So the trend
 * is read with the Mann–Kendall test, which asks only whether later values tend to be larger than earlier ones:
 * no straight line, no normal errors, no trouble with outliers. Its p-value is exact for series of up to 60
 * points, ties included, and the size of the trend is the Sen slope (the median of the slopes between every
 * pair of points), which one odd quarter cannot drag about.
 *
 * Control limits (the XmR chart) are in `control-limits.ts`.
 */
import type { Trend } from './performance-report.ts'
import { parsePeriod, type Period, type PeriodId, type PeriodKind } from './period.ts'
import { formatDecimal, roundHalfAwayFromZero } from './rounding.ts'
import { erfc } from './statistics.ts'

/** A trend needs at least this many points; with 3 even a perfect rise has p = 1/3. */
export const MINIMUM_TREND_POINTS = 4
/** Up to this many points the Mann–Kendall p-value is exact; beyond, the normal approximation is excellent. */
const EXACT_MANN_KENDALL_LIMIT = 60
export const TREND_ALPHA = 0.05

// ---------------------------------------------------------------------------------------------------------------
// The Mann–Kendall test and the Sen slope

export interface MannKendallResult {
  /** S: pairs that rise minus pairs that fall, over every pair of points (earlier, later). */
  readonly s: number
  /** Two-sided p-value of S under "no trend" (every ordering of the values equally likely). */
  readonly pValue: number
  /** `exact`: the permutation distribution of S, ties included; `normal`: the tie-corrected normal approximation. */
  readonly method: 'exact' | 'normal'
}

/**
 * The Mann–Kendall test for a monotonic trend in values taken at equal steps, oldest first.
 *
 * Exact up to 60 points (15 years of quarters, 5 of months): under "no trend" every distinct arrangement of the values (as a multiset, so ties are
 * handled exactly) is equally likely, and S = (untied pairs) − 2 × (inversions). The number of arrangements with
 * k inversions is the coefficient of q^k in the q-multinomial coefficient, built group by group of equal values
 * as a product of q-binomial coefficients (all additions of positive counts, so nothing cancels). The two-sided
 * p-value is P(|S| ≥ |S observed|).
 *
 * Beyond 60 points: Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)]/18 over tied groups of size t, and
 * z = (S − sign S)/√Var(S) with the usual continuity correction.
 *
 * @example
 * mannKendall([1, 2, 3, 4, 5]) // { s: 10, pValue: 0.01666…, method: 'exact' } (2 of 120 orderings are as extreme)
 */
export function mannKendall(values: readonly number[]): MannKendallResult {
  const n = values.length
  let s = 0
  let tied = false
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const sign = Math.sign((values[j] as number) - (values[i] as number))
      s += sign
      if (sign === 0) tied = true
    }
  // With no two values equal (the commonest case) every group is of one, and there is nothing to count.
  const groups = tied ? tiedGroupSizes(values) : untiedGroups(n)
  if (n <= EXACT_MANN_KENDALL_LIMIT) return { s, pValue: exactMannKendallPValue(n, s, groups), method: 'exact' }
  const variance = (n * (n - 1) * (2 * n + 5) - groups.reduce((sum, t) => sum + t * (t - 1) * (2 * t + 5), 0)) / 18
  if (s === 0 || variance === 0) return { s, pValue: 1, method: 'normal' }
  const z = (s - Math.sign(s)) / Math.sqrt(variance)
  return { s, pValue: Math.min(1, erfc(Math.abs(z) / Math.SQRT2)), method: 'normal' }
}

/** n groups of one, made once per n: read only, and asked for by every trend without ties. */
function untiedGroups(n: number): readonly number[] {
  if (n > EXACT_MANN_KENDALL_LIMIT) return new Array<number>(n).fill(1)
  let groups = untied[n]
  if (groups === undefined) untied[n] = groups = Object.freeze(new Array<number>(n).fill(1))
  return groups
}

const untied: (readonly number[] | undefined)[] = []

/**
 * Sizes of the groups of equal values (1 for a value that occurs once), in the order of each group's first value.
 * Counted pair by pair, as `mannKendall` compares every pair anyway: sorting a copy of the series (a typed array made
 * and sorted for every trend with a tie) cost more than the test's own loop on the 12 points of a report's trend.
 */
function tiedGroupSizes(values: readonly number[]): number[] {
  const n = values.length
  const sizes: number[] = []
  outer: for (let i = 0; i < n; i++) {
    const value = values[i] as number
    for (let j = 0; j < i; j++) if (values[j] === value) continue outer
    let size = 1
    for (let j = i + 1; j < n; j++) if (values[j] === value) size++
    sizes.push(size)
  }
  return sizes
}

/**
 * The distribution depends only on the sizes of the tied groups, not their order (the q-multinomial coefficient is
 * symmetric), so it is computed once per set of sizes: a report reads hundreds of series of the same length.
 */
const inversionDistributions = new Map<string | number, InversionDistribution>()

interface InversionDistribution {
  /** counts[k]: how many distinct arrangements of the values have k inversions. */
  readonly counts: readonly number[]
  /** The two-sided p-value for each |S| asked about so far (the same sum, done once per |S|). */
  readonly pValues: Map<number, number>
}

function inversionDistribution(groups: readonly number[]): InversionDistribution {
  const key = distributionKey(groups)
  let distribution = inversionDistributions.get(key)
  if (distribution === undefined) {
    // Sorted, so that one set of sizes always gives the same counts (they exceed 2^53 for long series, where the
    // order of the products would change their rounding); a series without ties has nothing to sort.
    const sizes = key === groups.length ? null : [...groups].sort((a, b) => a - b)
    let counts = [1]
    let placed = 0
    for (const size of sizes ?? groups) {
      counts = multiplyPolynomials(counts, qBinomial(placed, size))
      placed += size
    }
    if (inversionDistributions.size > 10_000) inversionDistributions.clear()
    distribution = { counts, pValues: new Map() }
    inversionDistributions.set(key, distribution)
  }
  return distribution
}

/**
 * The key of a set of group sizes: the commonest case, no two values equal, by the number of groups alone (the
 * series' length); else the number of groups and the sizes above one, smallest first, which fix the whole set, as the
 * digits of a number in base 61 (at most 60 groups, every size 2–60: no two sets share a key, and each such key is
 * above 60, the largest key without ties). Beyond 7 tied groups the digits could pass 2^53, and the key is written
 * out instead ("12:2,2,2,2,2,2,2,2"). Made without sorting or joining the
 * whole list, as every trend with a tie asks for it and the distribution is almost always known: a string key made
 * and hashed for each was a twelfth of the time the report's figures alone take (bench/report-floor.ts).
 */
function distributionKey(groups: readonly number[]): string | number {
  let tiedSizes: number[] | null = null
  for (let i = 0; i < groups.length; i++) {
    const size = groups[i] as number
    if (size > 1) (tiedSizes ??= []).push(size)
  }
  if (tiedSizes === null) return groups.length
  if (tiedSizes.length > 1) tiedSizes.sort((a, b) => a - b)
  if (tiedSizes.length > MAXIMUM_NUMBERED_GROUPS) return `${groups.length}:${tiedSizes.join(',')}`
  let key = groups.length
  for (const size of tiedSizes) key = key * KEY_BASE + size
  return key
}

/** One more than the largest series and group read exactly, so that each is one digit of a key. */
const KEY_BASE = EXACT_MANN_KENDALL_LIMIT + 1
/** 60 × 61^7 + … < 2^53: up to this many tied groups, a key is a whole number held exactly. */
const MAXIMUM_NUMBERED_GROUPS = 7

function exactMannKendallPValue(n: number, s: number, groups: readonly number[]): number {
  const distribution = inversionDistribution(groups)
  const observed = Math.abs(s)
  const known = distribution.pValues.get(observed)
  if (known !== undefined) return known
  const pairs = (n * (n - 1)) / 2
  const tiedPairs = groups.reduce((sum, t) => sum + (t * (t - 1)) / 2, 0)
  const untiedPairs = pairs - tiedPairs
  let total = 0
  let extreme = 0
  for (const [inversions, count] of distribution.counts.entries()) {
    total += count
    if (Math.abs(untiedPairs - 2 * inversions) >= observed) extreme += count
  }
  const pValue = Math.min(1, extreme / total)
  distribution.pValues.set(observed, pValue)
  return pValue
}

/**
 * The Gaussian (q-)binomial coefficient [a + b choose b]_q as coefficients of q^0, q^1, …: the number of ways to
 * interleave b equal new values, all larger than the a already placed, by how many inversions they add.
 * Uses [i + j; j] = [i + j − 1; j − 1] + q^j·[i + j − 1; j].
 */
function qBinomial(a: number, b: number): number[] {
  // row[j] holds [i + j; j] for the current i; start with i = 0, where every coefficient is 1.
  let row: number[][] = Array.from({ length: b + 1 }, () => [1])
  for (let i = 1; i <= a; i++) {
    const next: number[][] = [[1]]
    for (let j = 1; j <= b; j++) {
      const left = next[j - 1] as number[]
      const up = row[j] as number[]
      const sum = new Array<number>(Math.max(left.length, up.length + j)).fill(0)
      left.forEach((c, k) => (sum[k] = (sum[k] ?? 0) + c))
      up.forEach((c, k) => (sum[k + j] = (sum[k + j] ?? 0) + c))
      next.push(sum)
    }
    row = next
  }
  return row[b] as number[]
}

function multiplyPolynomials(p: readonly number[], q: readonly number[]): number[] {
  const product = new Array<number>(p.length + q.length - 1).fill(0)
  p.forEach((a, i) => q.forEach((b, j) => (product[i + j] = (product[i + j] ?? 0) + a * b)))
  return product
}

/**
 * The Sen (Theil–Sen) slope: the median of (value_j − value_i)/(position_j − position_i) over every pair i < j.
 * Positions default to 0, 1, 2, …; pass the periods' positions when some periods have no figure.
 *
 * @example
 * senSlope([40, 49, 51, 51, 49, 49, 56, 67]) // 2.125
 */
export function senSlope(values: readonly number[], positions?: readonly number[]): number {
  if (values.length < 2) throw new RangeError('a slope needs at least 2 points')
  const n = values.length
  const pairs = (n * (n - 1)) / 2
  if (slopeSpace.length < pairs) slopeSpace = new Float64Array(Math.max(pairs, 2 * slopeSpace.length))
  let k = 0
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      slopeSpace[k++] =
        ((values[j] as number) - (values[i] as number)) /
        (positions ? (positions[j] as number) - (positions[i] as number) : j - i)
  // A typed array sorts numbers as numbers without a comparator call per comparison. The slopes hold no NaN and no
  // -0 (a difference of equal numbers is +0, over a positive step), so the order is the one `(x, y) => x - y` gives.
  const slopes = slopeSpace.subarray(0, pairs).sort()
  const middle = pairs / 2
  return Number.isInteger(middle)
    ? ((slopes[middle - 1] as number) + (slopes[middle] as number)) / 2
    : (slopes[Math.floor(middle)] as number)
}

/** Working space for `senSlope`'s slopes, kept between calls: a trend of 12 points has 66. */
let slopeSpace = new Float64Array(256)

// ---------------------------------------------------------------------------------------------------------------
// Describing a trend

interface StepWords {
  readonly one: string
  readonly many: string
  /** "a quarter", "every two months". */
  readonly per: string
}

const STEP_WORDS: Record<PeriodKind | 'unknown', StepWords> = {
  quarter: { one: 'quarter', many: 'quarters', per: 'a quarter' },
  month: { one: 'month', many: 'months', per: 'a month' },
  'bi-month': { one: 'two-month period', many: 'two-month periods', per: 'every two months' },
  year: { one: 'year', many: 'years', per: 'a year' },
  unknown: { one: 'period', many: 'periods', per: 'a period' },
}

/** Steps per financial year for each kind of period, to place periods on one line. */
const STEPS_PER_YEAR: Record<PeriodKind, number> = { year: 1, quarter: 4, 'bi-month': 6, month: 12 }

/**
 * Where each point sits on the time line, in steps of its kind of period, when every point's period can be read
 * and all are of one kind; otherwise 0, 1, 2, … (the points are then taken as consecutive).
 */
function placePoints(points: readonly { period: string }[]): { kind: PeriodKind | 'unknown'; positions: number[] } {
  const periods = points.map((point) => parsePeriod(point.period))
  const first = periods[0]
  if (!first || periods.some((p) => p === null || p.kind !== first.kind))
    return { kind: 'unknown', positions: points.map((_, i) => i) }
  const positions = periods.map((p) => (p ? p.financialYear * STEPS_PER_YEAR[p.kind] + p.index : 0))
  for (let i = 1; i < positions.length; i++)
    if ((positions[i] as number) <= (positions[i - 1] as number))
      throw new RangeError(
        `trend points must be oldest first with no period twice: ${points[i]?.period} follows ${points[i - 1]?.period}`,
      )
  return { kind: first.kind, positions }
}

function count(n: number, words: StepWords): string {
  return `${n} ${n === 1 ? words.one : words.many}`
}

/** "2.1", "14", "130", "0.42": two significant figures, no trailing zeros. */
function aboutFigure(value: number): string {
  const magnitude = Math.floor(Math.log10(Math.abs(value)))
  const decimals = Math.max(-20, 1 - magnitude)
  const rounded = roundHalfAwayFromZero(value, decimals)
  const text = formatDecimal(rounded, Math.max(0, decimals))
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text
}

/** "offences" → "offence" beside a 1. */
function unitFor(figure: string, unit: string | undefined): string {
  if (!unit) return ''
  return ` ${figure === '1' && unit.endsWith('s') ? unit.slice(0, -1) : unit}`
}

/**
 * Reads the trend of a KPI's recent values, oldest first (quarters, months, …; gaps allowed: missing is not zero,
 * so a period without a figure is simply absent).
 *
 * - Fewer than 4 points: `insufficient-data`.
 * - Otherwise the Mann–Kendall test (see `mannKendall`): `rising` or `falling` only when p < 0.05, else `stable`;
 *   "about N a quarter" is the Sen slope, to two significant figures.
 * - assessment: `improving` when the direction is the preferred one, `worsening` when it is the opposite,
 *   `neutral` when stable or when the indicator has no preferred direction.
 *
 * @example
 * // Eight quarters, 2016/17 Q1 to 2017/18 Q4, with values 10, 12, 11, 14, 13, 15, 17, 16:
 * describeTrend(points, 'reduce', 'offences')
 * // { direction: 'rising', assessment: 'worsening',
 * //   description: 'Rising over the last 8 quarters (about 1 offence a quarter)', points: […] }
 * @throws RangeError on a value that is not a finite number, or periods out of order
 */
export function describeTrend(
  points: readonly { period: string; periodLabel: string; value: number }[],
  preferredDirection: 'increase' | 'reduce' | 'none',
  unit?: string,
): Trend {
  for (const point of points)
    if (!Number.isFinite(point.value))
      throw new RangeError(`the value for ${point.periodLabel} is not a number (${point.value})`)
  const { kind, positions } = placePoints(points)
  const trendPoints = points.map((point) => ({ period: point.period, value: point.value }))
  return describePlaced(
    trendPoints,
    points.map((point) => point.value),
    kind,
    positions,
    preferredDirection,
    unit,
  )
}

/**
 * `describeTrend` of periods of one kind already read, oldest first, and their figures: for the report builder,
 * which has read them (the same reading, without parsing each period again or an object per point on the way).
 *
 * @throws RangeError as `describeTrend` does
 */
export function describeTrendOfPeriods(
  periods: readonly Period[],
  values: readonly number[],
  preferredDirection: 'increase' | 'reduce' | 'none',
  unit?: string,
): Trend {
  for (let i = 0; i < periods.length; i++)
    if (!Number.isFinite(values[i]))
      throw new RangeError(`the value for ${periods[i]?.label} is not a number (${values[i]})`)
  const first = periods[0]
  const positions: number[] = []
  const trendPoints: { period: PeriodId; value: number }[] = []
  for (let i = 0; i < periods.length; i++) {
    const p = periods[i] as Period
    positions.push(p.financialYear * STEPS_PER_YEAR[p.kind] + p.index)
    trendPoints.push({ period: p.id, value: values[i] as number })
    if (i > 0 && (positions[i] as number) <= (positions[i - 1] as number))
      throw new RangeError(
        `trend points must be oldest first with no period twice: ${p.id} follows ${periods[i - 1]?.id}`,
      )
  }
  return describePlaced(trendPoints, values, first?.kind ?? 'unknown', positions, preferredDirection, unit)
}

function describePlaced(
  trendPoints: readonly { period: PeriodId; value: number }[],
  values: readonly number[],
  kind: PeriodKind | 'unknown',
  positions: readonly number[],
  preferredDirection: 'increase' | 'reduce' | 'none',
  unit: string | undefined,
): Trend {
  const words = STEP_WORDS[kind]
  const n = values.length
  if (n < MINIMUM_TREND_POINTS) {
    const have = n === 0 ? 'no figures yet' : `only ${count(n, words)} with figures`
    return {
      direction: 'insufficient-data',
      assessment: 'insufficient-data',
      description: `Not enough data for a trend: ${have} (at least ${MINIMUM_TREND_POINTS} are needed)`,
      points: trendPoints,
    }
  }

  const span = (positions[positions.length - 1] as number) - (positions[0] as number) + 1
  const over =
    span === n ? `over the last ${count(span, words)}` : `over the last ${count(span, words)} (${n} with figures)`
  const { s, pValue } = mannKendall(values)
  if (pValue >= TREND_ALPHA || s === 0)
    return { direction: 'stable', assessment: 'neutral', description: `No clear trend ${over}`, points: trendPoints }

  const direction = s > 0 ? 'rising' : 'falling'
  const slope = Math.abs(senSlope(values, positions))
  const figure = slope === 0 ? '0' : aboutFigure(slope)
  const size = figure === '0' ? '' : ` (about ${figure}${unitFor(figure, unit)} ${words.per})`
  const assessment =
    preferredDirection === 'none'
      ? 'neutral'
      : (direction === 'rising') === (preferredDirection === 'increase')
        ? 'improving'
        : 'worsening'
  return {
    direction,
    assessment,
    description: `${direction === 'rising' ? 'Rising' : 'Falling'} ${over}${size}`,
    points: trendPoints,
  }
}
