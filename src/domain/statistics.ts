/**
 * The statistics behind "is this change real, or within normal variation?" and the confidence intervals printed
 * beside small numbers. Pure functions, no dependencies: the methods are the ones public-health and NHS analysts
 * use (PHE Fingertips technical guidance, NHS England "Making Data Count"), written out so that a reviewer can
 * check each against a textbook.
 *
 * Many partnership KPIs are small counts (FGM 17 → 27, modern slavery 8 → 32), where a two-point comparison misleads;
 * every test here is exact where counts are small and stays accurate for counts in the tens of thousands, because
 * probabilities are formed in log space.
 */

const LN2 = Math.LN2
const SQRT2 = Math.SQRT2
const SQRT_PI = Math.sqrt(Math.PI)

/** The standard normal quantile for a two-sided 95% interval, to full double precision. */
export const Z_95 = 1.959963984540054

function checkCount(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${what} must be a whole number of 0 or more, got ${value}`)
}

function checkProbability(value: number, what: string): void {
  if (!(value > 0 && value < 1)) throw new RangeError(`${what} must lie strictly between 0 and 1, got ${value}`)
}

// ---------------------------------------------------------------------------------------------------------------
// Log factorials and binomial coefficients

/** ln(k!) for small k, summed once: exact to a few units in the last place. */
const SMALL_LOG_FACTORIALS: readonly number[] = (() => {
  const table = [0]
  for (let k = 1; k < 256; k++) table.push((table[k - 1] ?? 0) + Math.log(k))
  return table
})()

/**
 * ln(k!) for a whole k ≥ 0. From 256 up, Stirling's series to the k⁻⁵ term, whose error there is below 1e-17
 * relative: accurate enough for binomials with n in the millions.
 */
export function logFactorial(k: number): number {
  checkCount(k, 'k')
  const small = SMALL_LOG_FACTORIALS[k]
  if (small !== undefined) return small
  const k2 = k * k
  return (
    k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k) + 1 / (12 * k) - 1 / (360 * k * k2) + 1 / (1260 * k * k2 * k2)
  )
}

/** ln C(n, k). */
function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k)
}

// ---------------------------------------------------------------------------------------------------------------
// The normal distribution

/**
 * The complementary error function erfc(x), accurate to about 1e-14 relative (also far out in the tail, where
 * 1 - erf(x) would cancel to nothing). Below 2.5 it sums the series erf(x) = 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(2n+1)!!,
 * whose terms are all positive (no cancellation); from 2.5 up it evaluates Laplace's continued fraction
 * erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))) by Lentz's method.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN
  if (x < 0) return 2 - erfc(-x)
  if (x < 2.5) {
    const x2 = x * x
    let term = x
    let sum = x
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1)
      sum += term
      if (term < sum * 1e-17) break
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-x2) * sum
  }
  if (x > 27) return 0 // e^(−729) underflows a double
  // Modified Lentz for g = x + a1/(x + a2/(x + …)), a_k = k/2.
  const tiny = 1e-300
  let g = x
  let c = x
  let d = 0
  for (let k = 1; k < 500; k++) {
    const a = k / 2
    d = x + a * d
    d = Math.abs(d) < tiny ? tiny : d
    c = x + a / c
    c = Math.abs(c) < tiny ? tiny : c
    d = 1 / d
    const delta = c * d
    g *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return Math.exp(-x * x) / (SQRT_PI * g)
}

/** P(Z ≤ z) for a standard normal Z. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2)
}

/**
 * The standard normal quantile: the z with P(Z ≤ z) = p. Found by bisection on `normalCdf` to the last bit:
 * slower than a rational approximation but with no table of coefficients to get wrong, and it is only called
 * to turn a confidence level into a z.
 *
 * @example
 * normalQuantile(0.975) // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  checkProbability(p, 'p')
  let lo = -40
  let hi = 40
  for (let i = 0; i < 2000; i++) {
    const mid = (lo + hi) / 2
    if (mid === lo || mid === hi) break
    if (normalCdf(mid) < p) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

// ---------------------------------------------------------------------------------------------------------------
// Tests of change

/**
 * Two-sided p-value that two counts over periods of equal length (last year and this year, say) come from the
 * same Poisson rate. The exact conditional test: given the total n = before + after, the later count is
 * Binomial(n, ½) when nothing has changed; the p-value sums the probabilities of every outcome no more likely than
 * the one observed.
 *
 * Binomial(n, ½) is symmetric and single-peaked, so "no more likely than k" is exactly "at least as far from n/2
 * as k": the sum is twice the lower tail up to min(before, after), and 1 when the counts are equal. That is the
 * same set of outcomes R's `binom.test` and `poisson.test` sum with their relative tolerance of 1e-7 for ties
 * (the only ties here are mirror images, which are included). The tail is summed from its top term down, in
 * log space, so counts in the tens of thousands neither overflow nor lose precision.
 *
 * @example
 * poissonExactTest(191, 221) // ≈ 0.153: knife crime, within normal variation
 * poissonExactTest(8, 32) // ≈ 0.00018: modern slavery, a real increase
 * @throws RangeError on a negative or fractional count
 */
export function poissonExactTest(before: number, after: number): number {
  checkCount(before, 'before')
  checkCount(after, 'after')
  if (before === after) return 1
  const n = before + after
  const m = Math.min(before, after)
  // P(X = m) in logs, then the ratios P(X = i) / P(X = i + 1) = (i + 1) / (n − i) going down to 0.
  const logTop = logChoose(n, m) - n * LN2
  let term = 1
  let sum = 1
  for (let i = m - 1; i >= 0; i--) {
    term *= (i + 1) / (n - i)
    sum += term
    if (term < sum * 1e-17) break
  }
  return Math.min(1, 2 * Math.exp(logTop + Math.log(sum)))
}

/** Which test `twoProportionTest` used. */
export type TwoProportionMethod = 'fisher-exact' | 'pooled-z'

/**
 * Two-sided p-value that two proportions x1/n1 and x2/n2 differ, and which test gave it.
 *
 * - Fisher's exact test when any expected cell count of the 2×2 table is below 5 (Cochran's rule; this also
 *   covers every small n, and a table with all successes or all failures). Two-sided as R's `fisher.test`: the
 *   sum of the probabilities of every table with the same margins that is no more likely than the one observed
 *   (relative tolerance 1e-7 for ties).
 * - Otherwise the pooled two-proportion z-test (no continuity correction):
 *   z = (p1 − p2) / √(p(1 − p)(1/n1 + 1/n2)) with p = (x1 + x2)/(n1 + n2), p-value 2·P(Z ≥ |z|).
 *
 * @throws RangeError unless 0 ≤ x ≤ n, n ≥ 1, all whole numbers
 */
export function twoProportionTestWithMethod(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
): { pValue: number; method: TwoProportionMethod } {
  checkProportion(x1, n1, 'first')
  checkProportion(x2, n2, 'second')
  const total = n1 + n2
  const successes = x1 + x2
  const failures = total - successes
  const smallestExpected = (Math.min(n1, n2) * Math.min(successes, failures)) / total
  if (smallestExpected < 5) return { pValue: fisherExactTest(x1, n1, x2, n2), method: 'fisher-exact' }
  const pooled = successes / total
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
  const z = (x1 / n1 - x2 / n2) / standardError
  return { pValue: Math.min(1, erfc(Math.abs(z) / SQRT2)), method: 'pooled-z' }
}

/**
 * Two-sided p-value that two proportions x1/n1 and x2/n2 differ: Fisher's exact test when any expected cell count
 * is below 5, otherwise the pooled two-proportion z-test (see `twoProportionTestWithMethod`).
 *
 * @example
 * twoProportionTest(40, 100, 25, 100) // ≈ 0.0235 (z-test)
 * twoProportionTest(3, 10, 9, 10) // ≈ 0.0198 (Fisher)
 */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): number {
  return twoProportionTestWithMethod(x1, n1, x2, n2).pValue
}

function checkProportion(successes: number, trials: number, which: string): void {
  checkCount(successes, `the ${which} numerator`)
  checkCount(trials, `the ${which} denominator`)
  if (trials === 0) throw new RangeError(`the ${which} denominator is 0: there is no proportion to compare`)
  if (successes > trials)
    throw new RangeError(`the ${which} numerator (${successes}) is larger than its denominator (${trials})`)
}

/** Fisher's exact test, two-sided by summing tables no more likely than the observed one. */
function fisherExactTest(x1: number, n1: number, x2: number, n2: number): number {
  const total = n1 + n2
  const successes = x1 + x2
  const logDenominator = logChoose(total, n1)
  const logProbability = (k: number) => logChoose(successes, k) + logChoose(total - successes, n1 - k) - logDenominator
  const observed = logProbability(x1) + Math.log1p(1e-7)
  let p = 0
  for (let k = Math.max(0, successes - n2); k <= Math.min(successes, n1); k++) {
    const logP = logProbability(k)
    if (logP <= observed) p += Math.exp(logP)
  }
  return Math.min(1, p)
}

// ---------------------------------------------------------------------------------------------------------------
// Confidence intervals

/**
 * The Wilson score interval for a proportion (PHE Fingertips' method for proportions), on the 0–1 scale.
 * Unlike the textbook p ± z·√(p(1−p)/n) it never leaves [0, 1] and is sensible at 0 and at n.
 *
 * @example
 * wilsonInterval(8, 49) // { lower: 0.0851…, upper: 0.2904… }
 * @throws RangeError unless 0 ≤ successes ≤ trials, trials ≥ 1, both whole, and z > 0
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): { lower: number; upper: number } {
  checkProportion(successes, trials, 'proportion')
  if (!(z > 0 && Number.isFinite(z))) throw new RangeError(`z must be a positive number, got ${z}`)
  const p = successes / trials
  const z2 = z * z
  const denominator = 1 + z2 / trials
  const centre = (p + z2 / (2 * trials)) / denominator
  const halfWidth = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator
  return {
    lower: successes === 0 ? 0 : Math.max(0, centre - halfWidth),
    upper: successes === trials ? 1 : Math.min(1, centre + halfWidth),
  }
}

/**
 * A confidence interval for a Poisson count (in counts, not a rate), as PHE Fingertips computes it:
 * - below 10, the exact interval: the lower limit is the λ with P(X ≥ count) = α/2 and the upper the λ with
 *   P(X ≤ count) = α/2. Through the Poisson–gamma identity these are the chi-square limits χ²(α/2, 2x)/2 and
 *   χ²(1 − α/2, 2x + 2)/2; we find them by bisection on the Poisson distribution itself, which needs no
 *   chi-square quantile function.
 * - from 10 up, Byar's approximation: lower x(1 − 1/(9x) − z/(3√x))³, upper (x+1)(1 − 1/(9(x+1)) + z/(3√(x+1)))³.
 *
 * @example
 * poissonInterval(0) // { lower: 0, upper: 3.6889 }
 * poissonInterval(5) // { lower: 1.6235, upper: 11.6683 }
 * @throws RangeError on a negative or fractional count, or a level outside (0, 1)
 */
export function poissonInterval(count: number, level = 0.95): { lower: number; upper: number } {
  checkCount(count, 'count')
  checkProbability(level, 'level')
  const alpha = 1 - level
  if (count < 10) {
    const upper = solveRate((rate) => poissonCdf(count, rate) > alpha / 2)
    const lower = count === 0 ? 0 : solveRate((rate) => poissonCdf(count - 1, rate) > 1 - alpha / 2)
    return { lower, upper }
  }
  const z = level === 0.95 ? Z_95 : normalQuantile(1 - alpha / 2)
  const x1 = count + 1
  return {
    lower: count * (1 - 1 / (9 * count) - z / (3 * Math.sqrt(count))) ** 3,
    upper: x1 * (1 - 1 / (9 * x1) + z / (3 * Math.sqrt(x1))) ** 3,
  }
}

/** P(X ≤ k) for X ~ Poisson(rate); only used for k below 10, where direct summation is exact enough. */
function poissonCdf(k: number, rate: number): number {
  let term = Math.exp(-rate)
  let sum = term
  for (let i = 1; i <= k; i++) {
    term *= rate / i
    sum += term
  }
  return sum
}

/** The boundary rate where `below(rate)` turns from true to false (it is true at 0 and false for large rates). */
function solveRate(below: (rate: number) => boolean): number {
  let lo = 0
  let hi = 16
  while (below(hi)) hi *= 2
  for (let i = 0; i < 2000; i++) {
    const mid = (lo + hi) / 2
    if (mid === lo || mid === hi) break
    if (below(mid)) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a p-value

/**
 * A p-value in the words the report uses. "within normal variation" when p ≥ alpha (the change is what chance
 * alone often produces), otherwise "a real increase" or "a real decrease". When there is no change to read
 * (`'none'`) the answer is always "within normal variation", whatever p is.
 *
 * @example
 * readSignificance(0.0002, 'increase') // { reading: 'a real increase', significant: true }
 * readSignificance(0.15, 'increase') // { reading: 'within normal variation', significant: false }
 * @throws RangeError when pValue is outside [0, 1] or alpha outside (0, 1)
 */
export function readSignificance(
  pValue: number,
  change: 'increase' | 'decrease' | 'none',
  alpha = 0.05,
): { reading: string; significant: boolean } {
  if (!(pValue >= 0 && pValue <= 1)) throw new RangeError(`a p-value must lie between 0 and 1, got ${pValue}`)
  checkProbability(alpha, 'alpha')
  if (change === 'none' || pValue >= alpha) return { reading: 'within normal variation', significant: false }
  return { reading: change === 'increase' ? 'a real increase' : 'a real decrease', significant: true }
}
