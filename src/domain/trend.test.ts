import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { describeTrend, mannKendall, senSlope } from './trend.ts'

const EIGHT_QUARTERS = [
  'FY2016-17-Q1',
  'FY2016-17-Q2',
  'FY2016-17-Q3',
  'FY2016-17-Q4',
  'FY2017-18-Q1',
  'FY2017-18-Q2',
  'FY2017-18-Q3',
  'FY2017-18-Q4',
]

function label(id: string): string {
  return id.replace(/^FY(\d{4})-(\d{2})-(Q\d)$/, '$1/$2 $3')
}

function quarters(values: readonly number[], ids: readonly string[] = EIGHT_QUARTERS) {
  return values.map((value, i) => ({ period: ids[i] as string, periodLabel: label(ids[i] as string), value }))
}

/**
 * The exact two-sided Mann–Kendall p-value by a memoised recursion over the counts of each value still to place:
 * placing value v leftmost adds one inversion with each smaller value still to come. S = untied pairs − 2 ×
 * inversions; p = P(|S| ≥ |S observed|) over the distinct arrangements, all equally likely.
 */
function pValueByRecursion(values: readonly number[]): number {
  const distinct = [...new Set(values)].sort((a, b) => a - b)
  const counts = distinct.map((d) => values.filter((v) => v === d).length)
  const memo = new Map<string, number[]>()
  const arrangements = (left: number[]): number[] => {
    const key = left.join(',')
    const known = memo.get(key)
    if (known !== undefined) return known
    let byInversions: number[] = left.every((c) => c === 0) ? [1] : []
    let smaller = 0
    for (let v = 0; v < left.length; v++) {
      if ((left[v] as number) > 0) {
        const rest = [...left]
        rest[v] = (rest[v] as number) - 1
        const sub = arrangements(rest)
        const next = [...byInversions]
        sub.forEach((c, k) => (next[k + smaller] = (next[k + smaller] ?? 0) + c))
        byInversions = Array.from(next, (c) => c ?? 0)
      }
      smaller += left[v] as number
    }
    memo.set(key, byInversions)
    return byInversions
  }
  const n = values.length
  let observed = 0
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) observed += Math.sign((values[j] as number) - (values[i] as number))
  const untiedPairs = (n * (n - 1)) / 2 - counts.reduce((sum, t) => sum + (t * (t - 1)) / 2, 0)
  let total = 0
  let extreme = 0
  arrangements(counts).forEach((count, inversions) => {
    total += count
    if (Math.abs(untiedPairs - 2 * inversions) >= Math.abs(observed)) extreme += count
  })
  return extreme / total
}

/** The seed report's knife crime quarters, 2016/17 Q1 to 2017/18 Q4 (Appendix C). */
const KNIFE_CRIME = [40, 49, 51, 51, 49, 49, 56, 67]

describe('mannKendall', () => {
  // Reference p-values: python 3, by brute force over every distinct ordering of the values
  // (set(itertools.permutations(x))), counting those with |S| at least the observed |S|.
  it('matches brute force over every ordering, ties included', () => {
    const cases = [
      { values: KNIFE_CRIME, s: 16, p: 17 / 336 }, // 3360 distinct orderings (ties 51×2, 49×3)
      { values: [1, 2, 3, 4, 5, 6, 7, 8], s: 28, p: 1 / 20160 }, // 2 of 40320
      { values: [72, 98, 102, 97], s: 2, p: 3 / 4 },
      { values: [10, 12, 11, 14, 13, 15, 17, 16], s: 22, p: 37 / 6720 },
      { values: [30, 28, 29, 25, 26, 22, 21, 23, 20], s: -28, p: 11 / 4536 },
      { values: [3, 1, 4, 1, 5, 9, 2, 6], s: 11, p: 317 / 1440 },
    ]
    for (const { values, s, p } of cases) {
      const result = mannKendall(values)
      assert.equal(result.s, s, values.join(', '))
      assert.equal(result.method, 'exact')
      assert.ok(Math.abs(result.pValue - p) <= 1e-12 * p, `${values.join(', ')}: expected ${p}, got ${result.pValue}`)
    }
  })

  it('matches an independent exact count for longer series', () => {
    // python 3: a memoised recursion over the values still to place, counting the inversions each leftmost value
    // adds (a different algorithm from the q-binomial product in the code), exact with fractions.Fraction.
    const cases = [
      { values: [12, 15, 11, 14, 18, 13, 16, 17, 19, 15, 20, 18], s: 36, p: 792041 / 59875200 },
      {
        values: [5, 7, 6, 9, 8, 8, 11, 10, 12, 14, 13, 13, 15, 17, 16, 18, 20, 19, 21, 22],
        s: 172,
        p: 11537 / 3041127510220800,
      },
    ]
    for (const { values, s, p } of cases) {
      const result = mannKendall(values)
      assert.equal(result.s, s)
      assert.ok(Math.abs(result.pValue - p) <= 1e-9 * p, `expected ${p}, got ${result.pValue}`)
    }
  })

  it('matches a count by recursion for series with many tied groups, in any order of the ties', () => {
    // Seven tied groups and more (the code keys distributions differently beyond seven): the p-value against a
    // memoised recursion over the values still to place, each leftmost value adding an inversion with every smaller
    // value still to come (a different algorithm from the q-binomial product in the code; whole counts below 2^53).
    const twice = (groups: number, singles: number) => {
      const values: number[] = []
      for (let v = 1; v <= groups; v++) values.push(v, v)
      for (let v = groups + 1; v <= groups + singles; v++) values.push(v)
      return values
    }
    const cases = [
      [1, 2, 1, 3, 2, 4, 3, 5, 4, 6, 5, 7, 6, 8, 7, 9], // 7 groups of two and 2 single values, rising
      [1, 2, 1, 3, 2, 4, 3, 5, 4, 6, 5, 7, 6, 8, 7, 9, 8, 10], // 8 groups of two and 2 single values
      [4, 1, 9, 2, 8, 3, 5, 7, 1, 6, 2, 3, 10, 4, 5, 6, 7, 8], // the same values in no clear order
      [3, 3, 3, 1, 2, 2, 2, 4, 5, 6, 5, 7, 6, 7, 8, 8, 9, 9, 10, 10], // groups of three, three and six of two
    ]
    assert.deepEqual(
      [...cases[2]!].sort((a, b) => a - b),
      twice(8, 2),
    )
    for (const values of cases) {
      const expected = pValueByRecursion(values)
      const result = mannKendall(values)
      assert.equal(result.method, 'exact')
      assert.ok(
        Math.abs(result.pValue - expected) <= 1e-12 * expected,
        `${values.join(', ')}: expected ${expected}, got ${result.pValue}`,
      )
      // The distribution depends on the sizes of the tied groups only: reversed, the same |S| and p.
      assert.equal(mannKendall([...values].reverse()).pValue, result.pValue)
    }
  })

  it('tells apart every set of tied groups', () => {
    // Distributions are remembered by the sizes of the tied groups: series with different sizes must never share
    // one. Each series of 8–14 points holds groups of the given sizes and single values, rotated by a third so that
    // S is neither 0 nor extreme; its p-value is checked against the recursion.
    const sizeSets = [[2], [3], [4], [5], [6], [2, 2], [2, 3], [2, 4], [2, 5], [2, 6], [3, 3], [3, 4], [2, 2, 2]]
    sizeSets.push([2, 2, 3], [2, 2, 4], [2, 3, 3], [2, 2, 2, 2], [2, 2, 2, 3], [2, 2, 2, 2, 2])
    for (const n of [8, 10, 12, 14])
      for (const sizes of sizeSets) {
        if (sizes.reduce((sum, size) => sum + size, 0) > n) continue
        const sorted: number[] = []
        sizes.forEach((size, v) => sorted.push(...new Array<number>(size).fill(v)))
        for (let v = sizes.length; sorted.length < n; v++) sorted.push(v)
        const third = Math.floor(n / 3)
        const values = [...sorted.slice(third), ...sorted.slice(0, third)]
        const expected = pValueByRecursion(values)
        const { pValue } = mannKendall(values)
        assert.ok(
          Math.abs(pValue - expected) <= 1e-12 * expected,
          `${values.join(', ')}: expected ${expected}, got ${pValue}`,
        )
      }
  })

  it('works out the shortest series by hand', () => {
    // 4 points rising: 2 of the 24 orderings have |S| = 6, so p = 1/12; 5 points: 2 of 120.
    assert.ok(Math.abs(mannKendall([1, 2, 3, 4]).pValue - 1 / 12) < 1e-15)
    assert.ok(Math.abs(mannKendall([5, 4, 3, 2, 1]).pValue - 1 / 60) < 1e-15)
    assert.deepEqual(mannKendall([7, 7, 7, 7, 7]), { s: 0, pValue: 1, method: 'exact' })
  })

  it('uses the tie-corrected normal approximation beyond 60 points', () => {
    // python 3: x = [(i·37) mod 23 + i // 5 for i in 0…69]; S and Var(S) by the textbook formulas,
    // p = math.erfc(|S − 1| / √Var / √2).
    const values = Array.from({ length: 70 }, (_, i) => ((i * 37) % 23) + Math.floor(i / 5))
    const result = mannKendall(values)
    assert.equal(result.method, 'normal')
    assert.equal(result.s, 861)
    assert.ok(Math.abs(result.pValue - 1.276497707159705e-5) <= 1e-9 * 1.276497707159705e-5, `${result.pValue}`)
  })

  const series = fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 2, maxLength: 14 })

  it('gives a p-value in [0, 1] and the same p for the series read backwards', () => {
    fc.assert(
      fc.property(series, (values) => {
        const forwards = mannKendall(values)
        const backwards = mannKendall([...values].reverse())
        assert.ok(forwards.pValue >= 0 && forwards.pValue <= 1)
        assert.equal(backwards.s + forwards.s, 0)
        assert.ok(Math.abs(backwards.pValue - forwards.pValue) <= 1e-12)
      }),
    )
  })

  it('does not change when the values are rescaled or shifted', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 1, max: 1000 }), fc.integer({ min: -500, max: 500 }), (values, k, c) => {
        assert.deepEqual(mannKendall(values.map((v) => v * k + c)), mannKendall(values))
      }),
    )
  })
})

describe('senSlope', () => {
  it('is the median of the pairwise slopes', () => {
    // Knife crime: the 28 pairwise slopes have 14th and 15th values 2 and 2.25 (python statistics.median): 2.125.
    assert.equal(senSlope(KNIFE_CRIME), 2.125)
    // Three points 1, 5, 3: slopes 4, 1, −2 → median 1.
    assert.equal(senSlope([1, 5, 3]), 1)
    assert.equal(senSlope([10, 20, 30, 40]), 10)
  })

  it('measures the slope per period when periods are missing', () => {
    // Values 0, 10, 40 at positions 0, 1, 4: slopes 10, 10, 10.
    assert.equal(senSlope([0, 10, 40], [0, 1, 4]), 10)
  })
})

describe('describeTrend', () => {
  it('reads a strictly rising series as rising', () => {
    const trend = describeTrend(quarters([10, 20, 30, 40, 50, 60, 70, 80]), 'increase', 'referrals')
    assert.equal(trend.direction, 'rising')
    assert.equal(trend.assessment, 'improving')
    assert.equal(trend.description, 'Rising over the last 8 quarters (about 10 referrals a quarter)')
    assert.deepEqual(trend.points[0], { period: 'FY2016-17-Q1', value: 10 })
    assert.equal(trend.points.length, 8)
  })

  it('calls a rise worsening when the indicator should reduce, and neutral when it has no direction', () => {
    const rising = quarters([10, 12, 11, 14, 13, 15, 17, 16]) // p = 37/6720 (see above), Sen slope 1
    assert.equal(describeTrend(rising, 'reduce', 'offences').assessment, 'worsening')
    assert.equal(
      describeTrend(rising, 'reduce', 'offences').description,
      'Rising over the last 8 quarters (about 1 offence a quarter)',
    )
    assert.equal(describeTrend(rising, 'none').assessment, 'neutral')
    assert.equal(describeTrend(rising, 'none').description, 'Rising over the last 8 quarters (about 1 a quarter)')
  })

  it('reads a falling series in its own unit', () => {
    // Sen slope of 30, 28, 29, 25, 26, 22, 21, 23: the median of the 28 pairwise slopes is −1.3667 (python,
    // statistics.median), "about 1.4" to two significant figures.
    const trend = describeTrend(quarters([30, 28, 29, 25, 26, 22, 21, 23]), 'reduce', 'percentage points')
    assert.equal(trend.direction, 'falling')
    assert.equal(trend.assessment, 'improving')
    assert.equal(trend.description, 'Falling over the last 8 quarters (about 1.4 percentage points a quarter)')
  })

  it('reads a flat series as stable', () => {
    const trend = describeTrend(quarters([31, 31, 31, 31, 31, 31, 31, 31]), 'reduce', 'offences')
    assert.equal(trend.direction, 'stable')
    assert.equal(trend.assessment, 'neutral')
    assert.equal(trend.description, 'No clear trend over the last 8 quarters')
  })

  it("finds no clear trend in the seed report's knife crime quarters, though the last two rose", () => {
    // S = 16 with ties; exactly 17/336 = 0.0506 of orderings are as extreme (brute force above): not below 0.05.
    const trend = describeTrend(quarters(KNIFE_CRIME), 'reduce', 'offences')
    assert.equal(trend.direction, 'stable')
    assert.equal(trend.assessment, 'neutral')
    assert.equal(trend.description, 'No clear trend over the last 8 quarters')
  })

  it('needs at least 4 points', () => {
    const three = describeTrend(quarters([3, 4, 5]), 'increase', 'offences')
    assert.equal(three.direction, 'insufficient-data')
    assert.equal(three.assessment, 'insufficient-data')
    assert.equal(three.description, 'Not enough data for a trend: only 3 quarters with figures (at least 4 are needed)')
    assert.equal(
      describeTrend([], 'increase').description,
      'Not enough data for a trend: no figures yet (at least 4 are needed)',
    )
    assert.equal(describeTrend(quarters([5, 5, 5, 5]), 'increase').direction, 'stable')
  })

  it('never calls 4 points a trend: even a perfect rise has p = 1/12', () => {
    assert.equal(describeTrend(quarters([1, 2, 3, 4]), 'increase').direction, 'stable')
    assert.equal(describeTrend(quarters([1, 2, 3, 4, 5]), 'increase').direction, 'rising') // p = 1/60
  })

  it('says how many periods the trend spans when some have no figure', () => {
    // 2017/18 Q1 missing: 8 figures across 9 quarters, rising by 5 a quarter.
    const ids = [
      'FY2016-17-Q1',
      'FY2016-17-Q2',
      'FY2016-17-Q3',
      'FY2016-17-Q4',
      'FY2017-18-Q2',
      'FY2017-18-Q3',
      'FY2017-18-Q4',
      'FY2018-19-Q1',
    ]
    const trend = describeTrend(quarters([0, 5, 10, 15, 25, 30, 35, 40], ids), 'increase', 'cases')
    assert.equal(trend.description, 'Rising over the last 9 quarters (8 with figures) (about 5 cases a quarter)')
  })

  it('speaks of months for monthly figures', () => {
    const months = ['2017-10', '2017-11', '2017-12', '2018-01', '2018-02', '2018-03']
    const points = months.map((period, i) => ({ period, periodLabel: period, value: 100 - 3 * i }))
    assert.equal(
      describeTrend(points, 'reduce', 'calls').description,
      'Falling over the last 6 months (about 3 calls a month)',
    )
  })

  it('falls back to "periods" for identifiers it cannot place', () => {
    const points = ['a', 'b', 'c', 'd', 'e'].map((period, i) => ({ period, periodLabel: period, value: i * 2 }))
    assert.equal(describeTrend(points, 'increase').description, 'Rising over the last 5 periods (about 2 a period)')
  })

  it('rejects values that are not numbers, and periods out of order', () => {
    assert.throws(() => describeTrend(quarters([1, 2, Number.NaN, 4]), 'increase'), /2016\/17 Q3/)
    const backwards = quarters([1, 2, 3, 4], ['FY2016-17-Q2', 'FY2016-17-Q1', 'FY2016-17-Q3', 'FY2016-17-Q4'])
    assert.throws(() => describeTrend(backwards, 'increase'), /oldest first/)
  })

  it('reads a series backwards as the opposite direction', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 4, maxLength: 8 }), (values) => {
        const forwards = describeTrend(quarters(values), 'increase').direction
        const backwards = describeTrend(quarters([...values].reverse()), 'increase').direction
        const opposite = {
          rising: 'falling',
          falling: 'rising',
          stable: 'stable',
          'insufficient-data': 'insufficient-data',
        }
        assert.equal(backwards, opposite[forwards])
      }),
    )
  })
})
