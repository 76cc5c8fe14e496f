import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  erfc,
  normalQuantile,
  poissonExactTest,
  poissonInterval,
  readSignificance,
  twoProportionTest,
  twoProportionTestWithMethod,
  wilsonInterval,
} from './statistics.ts'

/** |actual − expected| within `relative` of expected. */
function near(actual: number, expected: number, relative: number, message?: string): void {
  assert.ok(
    Math.abs(actual - expected) <= relative * Math.abs(expected),
    `${message ?? ''} expected ${expected}, got ${actual}`,
  )
}

/** Equal after rounding both to `places` decimals, for figures quoted from tables. */
function quoted(actual: number, expected: number, places: number, message?: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 0.5 * 10 ** -places + 1e-12,
    `${message ?? ''} expected ${expected}, got ${actual}`,
  )
}

describe('poissonExactTest: is a change in a count real?', () => {
  // The seed report's figures, with the p-values quoted in docs/domain.md (to the figures given there), and the
  // same p-values computed exactly in python 3 with fractions.Fraction and math.comb: the sum of C(n, i)/2^n over
  // every i whose probability is no more than that of the observed count.
  const seedChanges = [
    { name: 'FGM', before: 17, after: 27, quoted: 0.17, exact: 0.17417114727072658 },
    { name: 'Prevent referrals', before: 49, after: 55, quoted: 0.62, exact: 0.624143515844679 },
    { name: 'hate crime', before: 374, after: 385, quoted: 0.72, exact: 0.7166479676012223 },
    { name: 'knife crime', before: 191, after: 221, quoted: 0.15, exact: 0.15299616556186943 },
    { name: 'public place violence with injury', before: 1128, after: 1151, quoted: 0.64, exact: 0.6449226653212966 },
    { name: 'serious sexual offences', before: 535, after: 615, quoted: 0.02, exact: 0.019788643471452434 },
    { name: 'firearm offences', before: 33, after: 63, quoted: 0.003, exact: 0.002878610081200932 },
    { name: 'modern slavery', before: 8, after: 32, quoted: 0.0002, exact: 0.0001821658297558315 },
  ]

  for (const change of seedChanges)
    it(`gives ${change.name} ${change.before} → ${change.after} p ≈ ${change.quoted}`, () => {
      const p = poissonExactTest(change.before, change.after)
      // The quoted figure to the places domain.md gives it, and the exact value to 1e-9.
      const places = String(change.quoted).split('.')[1]?.length ?? 0
      quoted(p, change.quoted, places, change.name)
      near(p, change.exact, 1e-9, change.name)
    })

  it('works out small cases by hand', () => {
    // 0 vs 2: Binomial(2, ½) gives 0, 1, 2 with ¼, ½, ¼; outcomes no likelier than 2 are 0 and 2: p = ½.
    assert.equal(poissonExactTest(0, 2), 0.5)
    // Nothing happened either time: nothing to explain.
    assert.equal(poissonExactTest(0, 0), 1)
    // 0 vs 1: both outcomes of Binomial(1, ½) are equally likely: p = 1.
    assert.equal(poissonExactTest(0, 1), 1)
    // 1 vs 3: Binomial(4, ½) = 1, 4, 6, 4, 1 (/16); outcomes no likelier than 3 are 0, 1, 3, 4: 10/16.
    near(poissonExactTest(1, 3), 5 / 8, 1e-12)
    // 2 vs 9: 2·(1 + 11 + 55)/2^11 = 134/2048.
    near(poissonExactTest(2, 9), 67 / 1024, 1e-12)
    // 10 vs 0: 2/2^10.
    near(poissonExactTest(10, 0), 1 / 512, 1e-12)
  })

  it('stays accurate for counts in the tens of thousands', () => {
    // Exact in python with integers: 2·Σ_{i ≤ m} C(n, i) · 10^22 // 2^n.
    near(poissonExactTest(30_000, 30_500), 0.04248557441037038, 1e-8)
    near(poissonExactTest(12_000, 13_000), 2.631745508336e-10, 1e-8)
    assert.equal(poissonExactTest(0, 5000), 0) // 2^-4999 is below the smallest double
  })

  it('refuses counts that are negative or not whole', () => {
    assert.throws(() => poissonExactTest(-1, 3), RangeError)
    assert.throws(() => poissonExactTest(2.5, 3), RangeError)
    assert.throws(() => poissonExactTest(2, Number.NaN), RangeError)
  })

  const count = fc.integer({ min: 0, max: 20_000 })

  it('always gives a p-value between 0 and 1', () => {
    fc.assert(
      fc.property(count, count, (a, b) => {
        const p = poissonExactTest(a, b)
        assert.ok(p >= 0 && p <= 1, `${a}, ${b}: ${p}`)
      }),
    )
  })

  it('does not care which count came first', () => {
    fc.assert(fc.property(count, count, (a, b) => assert.equal(poissonExactTest(a, b), poissonExactTest(b, a))))
  })

  it('gives p = 1 for equal counts', () => {
    fc.assert(fc.property(count, (a) => assert.equal(poissonExactTest(a, a), 1)))
  })

  it('gives a smaller p the further the later count moves away', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2000 }), (a, extra) => {
        assert.ok(poissonExactTest(a, a + extra + 1) <= poissonExactTest(a, a + extra) * (1 + 1e-12))
      }),
    )
  })
})

describe('twoProportionTest: is a change in a percentage real?', () => {
  it("gives Fisher's tea-tasting table its textbook p-value", () => {
    // 3 of 4 cups right: the tables with 0…4 right have probabilities 1, 16, 36, 16, 1 (/70); those no likelier
    // than 16/70 sum to 34/70.
    const result = twoProportionTestWithMethod(3, 4, 1, 4)
    assert.equal(result.method, 'fisher-exact')
    near(result.pValue, 17 / 35, 1e-12)
  })

  it("uses Fisher's exact test when an expected count is below 5", () => {
    // 0 of 5 against 5 of 5: only the two extreme tables, each 1/C(10, 5) = 1/252.
    near(twoProportionTest(0, 5, 5, 5), 1 / 126, 1e-12)
    // Exact fractions from python (fractions.Fraction over the hypergeometric probabilities, R's 1e-7 tie rule).
    near(twoProportionTest(3, 10, 9, 10), 83 / 4199, 1e-12)
    near(twoProportionTest(1, 12, 8, 14), 158 / 10925, 1e-12)
    near(twoProportionTest(2, 8, 1, 9), 49 / 85, 1e-12)
    const small = twoProportionTestWithMethod(8, 49, 3, 40)
    assert.equal(small.method, 'fisher-exact')
    near(small.pValue, 506183901229 / 1521653175321, 1e-12)
  })

  it('uses the pooled z-test when every expected count is 5 or more', () => {
    // Reference values from python: z = (p1 − p2)/√(p(1−p)(1/n1 + 1/n2)), p = math.erfc(|z|/√2).
    const cases = [
      { args: [40, 100, 25, 100], p: 0.02354005826117795 },
      { args: [578, 1739, 520, 1700], p: 0.09568465670448749 },
      { args: [1495, 3430, 1380, 3300], p: 0.14275359442146315 },
      { args: [81, 263, 15, 148], p: 2.007294420255707e-6 },
    ]
    for (const { args, p } of cases) {
      const [x1 = 0, n1 = 0, x2 = 0, n2 = 0] = args
      const result = twoProportionTestWithMethod(x1, n1, x2, n2)
      assert.equal(result.method, 'pooled-z', args.join(', '))
      near(result.pValue, p, 1e-9, args.join(', '))
    }
  })

  it('gives 1 when the two proportions are the same', () => {
    assert.equal(twoProportionTest(0, 10, 0, 12), 1)
    assert.equal(twoProportionTest(20, 40, 30, 60), 1)
  })

  it('refuses impossible proportions', () => {
    assert.throws(() => twoProportionTest(5, 4, 1, 4), /larger than its denominator/)
    assert.throws(() => twoProportionTest(0, 0, 1, 4), /denominator is 0/)
    assert.throws(() => twoProportionTest(1.5, 4, 1, 4), RangeError)
  })

  const table = fc
    .tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 400 }))
    .chain(([n1, n2]) =>
      fc.tuple(fc.integer({ min: 0, max: n1 }), fc.constant(n1), fc.integer({ min: 0, max: n2 }), fc.constant(n2)),
    )

  it('gives a p-value between 0 and 1, whichever group or outcome is named first', () => {
    fc.assert(
      fc.property(table, ([x1, n1, x2, n2]) => {
        const p = twoProportionTest(x1, n1, x2, n2)
        assert.ok(p >= 0 && p <= 1)
        near(twoProportionTest(x2, n2, x1, n1), p, 1e-9)
        near(twoProportionTest(n1 - x1, n1, n2 - x2, n2), p, 1e-9)
      }),
    )
  })
})

describe('wilsonInterval', () => {
  it("matches Newcombe (1998), method 3, and the report's 8/49", () => {
    // Newcombe, Statistics in Medicine 17:857–872, Table I (to 4 places); 8/49 computed in python from the formula.
    const cases = [
      { x: 81, n: 263, lower: 0.2553, upper: 0.3662 },
      { x: 15, n: 148, lower: 0.0624, upper: 0.1605 },
      { x: 0, n: 20, lower: 0, upper: 0.1611 },
      { x: 1, n: 29, lower: 0.0061, upper: 0.1718 },
      { x: 8, n: 49, lower: 0.0851, upper: 0.2904 },
    ]
    for (const { x, n, lower, upper } of cases) {
      const interval = wilsonInterval(x, n)
      quoted(interval.lower, lower, 4, `${x}/${n} lower`)
      quoted(interval.upper, upper, 4, `${x}/${n} upper`)
    }
    near(wilsonInterval(8, 49).lower, 0.08512698370728837, 1e-12)
    near(wilsonInterval(8, 49).upper, 0.2903633843391683, 1e-12)
  })

  it('reaches exactly 0 and 1 at the ends', () => {
    assert.equal(wilsonInterval(0, 7).lower, 0)
    assert.equal(wilsonInterval(7, 7).upper, 1)
  })

  it('narrows with a smaller z', () => {
    const at95 = wilsonInterval(8, 49)
    const at80 = wilsonInterval(8, 49, 1.2815515655446004)
    assert.ok(at80.lower > at95.lower && at80.upper < at95.upper)
  })

  it('refuses impossible proportions and z', () => {
    assert.throws(() => wilsonInterval(5, 0), RangeError)
    assert.throws(() => wilsonInterval(6, 5), RangeError)
    assert.throws(() => wilsonInterval(1, 5, 0), RangeError)
  })

  it('contains x/n and lies within [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        ([x, n]) => {
          const { lower, upper } = wilsonInterval(x, n)
          assert.ok(lower >= 0 && upper <= 1)
          assert.ok(lower <= x / n + 1e-15 && x / n - 1e-15 <= upper, `${x}/${n}: [${lower}, ${upper}]`)
        },
      ),
    )
  })
})

describe('poissonInterval', () => {
  it('is exact below 10, as the chi-square tables give it', () => {
    // Upper limit for 0 by hand: e^(−λ) = 0.025, λ = −ln 0.025 = 3.68888. The rest: standard exact Poisson
    // 95% limits (Garwood), to 4 places.
    quoted(poissonInterval(0).upper, -Math.log(0.025), 12)
    assert.equal(poissonInterval(0).lower, 0)
    const table: [number, number, number][] = [
      [1, 0.0253, 5.5716],
      [2, 0.2422, 7.2247],
      [3, 0.6187, 8.7673],
      [4, 1.0899, 10.2416],
      [5, 1.6235, 11.6683],
      [9, 4.1154, 17.0848],
    ]
    for (const [count, lower, upper] of table) {
      const interval = poissonInterval(count)
      quoted(interval.lower, lower, 4, `${count} lower`)
      quoted(interval.upper, upper, 4, `${count} upper`)
    }
  })

  it('takes the level into account', () => {
    // 99% for 0: e^(−λ) = 0.005.
    near(poissonInterval(0, 0.99).upper, -Math.log(0.005), 1e-12)
  })

  it("uses Byar's approximation from 10 up", () => {
    // Byar's formula evaluated in python with z = 1.959963984540054 (and 2.5758293035489004 at 99%).
    const cases = [
      { count: 10, level: 0.95, lower: 4.787449913967563, upper: 18.391458605756473 },
      { count: 27, level: 0.95, lower: 17.78896447117714, upper: 39.28509866818999 },
      { count: 385, level: 0.95, lower: 347.4975917118015, upper: 425.4460906171591 },
      { count: 50, level: 0.99, lower: 33.651604831867225, upper: 71.2778755851715 },
    ]
    for (const { count, level, lower, upper } of cases) {
      const interval = poissonInterval(count, level)
      near(interval.lower, lower, 1e-12, `${count}`)
      near(interval.upper, upper, 1e-12, `${count}`)
    }
  })

  it('refuses what is not a count or a level', () => {
    assert.throws(() => poissonInterval(-1), RangeError)
    assert.throws(() => poissonInterval(1.5), RangeError)
    assert.throws(() => poissonInterval(5, 1), RangeError)
  })

  it('contains the count, and both limits rise with it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000 }), (count) => {
        const interval = poissonInterval(count)
        const next = poissonInterval(count + 1)
        assert.ok(interval.lower >= 0 && interval.lower <= count && count <= interval.upper)
        assert.ok(next.lower > interval.lower || count === 0)
        assert.ok(next.upper > interval.upper)
      }),
    )
  })
})

describe('the normal distribution', () => {
  it('gives the familiar quantiles', () => {
    near(normalQuantile(0.975), 1.959963984540054, 1e-14)
    near(normalQuantile(0.995), 2.5758293035489004, 1e-14)
    near(normalQuantile(0.95), 1.6448536269514722, 1e-14)
    near(normalQuantile(0.025), -1.959963984540054, 1e-14)
  })

  it("agrees with python's math.erfc, on both sides of the switch between methods", () => {
    const cases = [
      [0.5, 0.4795001221869535],
      [2.4999, 0.0004071699003334514],
      [2.5, 0.0004069520174449589],
      [3, 2.2090496998585438e-5],
      [6, 2.1519736712498916e-17],
    ] as const
    for (const [x, expected] of cases) near(erfc(x), expected, 1e-12, `erfc(${x})`)
    near(erfc(-1), 2 - 0.15729920705028513, 1e-14)
  })
})

describe('readSignificance', () => {
  it("reads p-values in the report's words", () => {
    assert.deepEqual(readSignificance(0.0002, 'increase'), { reading: 'a real increase', significant: true })
    assert.deepEqual(readSignificance(0.02, 'decrease'), { reading: 'a real decrease', significant: true })
    assert.deepEqual(readSignificance(0.15, 'increase'), { reading: 'within normal variation', significant: false })
    assert.deepEqual(readSignificance(0.05, 'increase'), { reading: 'within normal variation', significant: false })
    assert.deepEqual(readSignificance(0.001, 'none'), { reading: 'within normal variation', significant: false })
  })

  it('uses the alpha it is given', () => {
    assert.equal(readSignificance(0.02, 'increase', 0.01).significant, false)
    assert.equal(readSignificance(0.009, 'increase', 0.01).significant, true)
  })

  it('refuses a p-value outside [0, 1]', () => {
    assert.throws(() => readSignificance(1.2, 'increase'), RangeError)
    assert.throws(() => readSignificance(Number.NaN, 'increase'), RangeError)
    assert.throws(() => readSignificance(0.2, 'increase', 0), RangeError)
  })
})
