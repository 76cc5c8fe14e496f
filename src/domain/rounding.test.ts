import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  formatCount,
  formatDecimal,
  formatPercent,
  formatPValue,
  formatSignedCount,
  formatSignedPercent,
  percentOf,
  roundHalfAwayFromZero,
} from './rounding.ts'

describe('rounding half away from zero', () => {
  it('rounds the decimal the figure stands for, not the binary float behind it', () => {
    // 1.005 is stored as 1.00499999999999989…; on paper it rounds to 1.01.
    assert.equal(roundHalfAwayFromZero(1.005, 2), 1.01)
    assert.equal(roundHalfAwayFromZero(26.315, 2), 26.32)
    assert.equal(roundHalfAwayFromZero(0.125, 2), 0.13)
    assert.equal(roundHalfAwayFromZero(9.995, 2), 10)
    assert.equal(roundHalfAwayFromZero(1.0049, 2), 1)
  })

  it('takes halves away from zero on both sides', () => {
    assert.equal(roundHalfAwayFromZero(0.5, 0), 1)
    assert.equal(roundHalfAwayFromZero(2.5, 0), 3)
    assert.equal(roundHalfAwayFromZero(-2.5, 0), -3)
    assert.equal(roundHalfAwayFromZero(-0.5, 0), -1)
    assert.equal(roundHalfAwayFromZero(-1.005, 2), -1.01)
    assert.equal(roundHalfAwayFromZero(2.4999, 0), 2)
  })

  it('rounds to tens and hundreds with negative decimals', () => {
    assert.equal(roundHalfAwayFromZero(1234.5, -1), 1230)
    assert.equal(roundHalfAwayFromZero(1250, -2), 1300)
    assert.equal(roundHalfAwayFromZero(-1250, -2), -1300)
    assert.equal(roundHalfAwayFromZero(49, -2), 0)
  })

  it('never gives a negative zero', () => {
    assert.ok(Object.is(roundHalfAwayFromZero(-0.004, 2), 0))
    assert.ok(Object.is(roundHalfAwayFromZero(-0, 1), 0))
    assert.ok(Object.is(roundHalfAwayFromZero(-0.00004, 2), 0))
  })

  it('rounds 10/38 to 26.32% where the seed report truncated it to 26.31%', () => {
    // 10/38 = 0.263157894…, so 26.3157…% → 26.32% at two places.
    const percent = percentOf(10, 38)
    assert.ok(percent !== null)
    assert.equal(roundHalfAwayFromZero(percent, 2), 26.32)
    assert.equal(formatPercent(percent, 2), '26.32%')
  })

  it('prints the knife crime change +30 on 191 as +15.7% (the report printed +16.5%)', () => {
    // 30/191 = 0.15706806…
    const change = percentOf(30, 191)
    assert.ok(change !== null)
    assert.equal(formatSignedPercent(change), '+15.7%')
  })

  it('prints the report\'s "16.33% (8/49)" from its counts', () => {
    // 8/49 = 0.1632653…
    assert.equal(formatPercent(percentOf(8, 49) ?? Number.NaN, 2), '16.33%')
  })

  it('gives exact halves from whole counts: 7 of 40 is 17.5%, which rounds to 18%', () => {
    assert.equal(percentOf(7, 40), 17.5)
    assert.equal(formatPercent(17.5, 0), '18%')
  })

  it('rejects decimal places that are not whole numbers', () => {
    assert.throws(() => roundHalfAwayFromZero(1, 1.5), RangeError)
    assert.throws(() => roundHalfAwayFromZero(1, 101), RangeError)
  })

  it('leaves non-finite values alone', () => {
    assert.ok(Number.isNaN(roundHalfAwayFromZero(Number.NaN, 2)))
    assert.equal(roundHalfAwayFromZero(Infinity, 2), Infinity)
  })
})

describe('formatting figures', () => {
  it('prints percentages to one place by default', () => {
    assert.equal(formatPercent(15.7894), '15.8%')
    assert.equal(formatPercent(0), '0.0%')
    assert.equal(formatPercent(100), '100.0%')
    assert.equal(formatPercent(-2.45), '-2.5%')
    assert.equal(formatPercent(-0.04), '0.0%')
    assert.equal(formatPercent(1234.56), '1,234.6%')
  })

  it('groups counts in thousands and keeps the minus sign', () => {
    assert.equal(formatCount(6031), '6,031')
    assert.equal(formatCount(-30), '-30')
    assert.equal(formatCount(0), '0')
    assert.equal(formatCount(1234567), '1,234,567')
    assert.equal(formatCount(-2541), '-2,541')
    assert.equal(formatCount(999), '999')
  })

  it('prints a count that is not whole (an average of a stock) to one place', () => {
    // The average of the GODOC stock 40, 37, 31, 31 is 139/4 = 34.75.
    assert.equal(formatCount(34.75), '34.8')
  })

  it('signs changes in counts', () => {
    assert.equal(formatSignedCount(30), '+30')
    assert.equal(formatSignedCount(-36), '-36')
    assert.equal(formatSignedCount(0), '0')
    assert.equal(formatSignedCount(2541), '+2,541')
  })

  it('signs relative changes, and gives no sign to a change that rounds to nothing', () => {
    assert.equal(formatSignedPercent(15.7), '+15.7%')
    assert.equal(formatSignedPercent(-2.5), '-2.5%')
    assert.equal(formatSignedPercent(0), '0.0%')
    assert.equal(formatSignedPercent(0.04), '0.0%')
    assert.equal(formatSignedPercent(-0.04), '0.0%')
    assert.equal(formatSignedPercent(13.6, 0), '+14%')
  })

  it('prints a fixed number of places', () => {
    assert.equal(formatDecimal(1234.5, 2), '1,234.50')
    assert.equal(formatDecimal(1.005, 2), '1.01')
    assert.equal(formatDecimal(-0.04, 1), '0.0')
  })

  it('refuses to print what is not a number', () => {
    assert.throws(() => formatCount(Number.NaN), RangeError)
    assert.throws(() => formatPercent(Infinity), RangeError)
    assert.throws(() => percentOf(Number.NaN, 3), RangeError)
  })
})

describe('formatPValue: one format for p-values on every page', () => {
  it('prints three decimal places, so "p = 0.01" never stands beside "p = 0.014"', () => {
    assert.equal(formatPValue(0.0137), 'p = 0.014')
    assert.equal(formatPValue(0.01), 'p = 0.010')
    assert.equal(formatPValue(0.153), 'p = 0.153')
    assert.equal(formatPValue(0.0025), 'p = 0.003') // a half: away from zero
    assert.equal(formatPValue(1), 'p = 1.000')
  })

  it('says "p < 0.001" below 0.001, and prints 0.001 itself', () => {
    assert.equal(formatPValue(0.0002), 'p < 0.001')
    assert.equal(formatPValue(0), 'p < 0.001')
    assert.equal(formatPValue(0.001), 'p = 0.001')
  })

  it('never prints a p below 0.05 as "0.050" (the reading beside it says the change is real)', () => {
    assert.equal(formatPValue(0.04951), 'p = 0.0495')
    assert.equal(formatPValue(0.04999), 'p = 0.0499')
    assert.equal(formatPValue(0.0494), 'p = 0.049')
    assert.equal(formatPValue(0.05), 'p = 0.050')
  })

  it('refuses what is not a probability', () => {
    assert.throws(() => formatPValue(Number.NaN), RangeError)
    assert.throws(() => formatPValue(1.2), RangeError)
    assert.throws(() => formatPValue(-0.1), RangeError)
  })
})

describe('percentOf', () => {
  it('is null for a share of nothing, not 0%', () => {
    assert.equal(percentOf(3, 0), null)
    assert.equal(percentOf(0, 0), null)
  })

  it('is the share in 0–100', () => {
    assert.equal(percentOf(0, 5), 0)
    assert.equal(percentOf(1, 4), 25)
    assert.equal(percentOf(578, 1739)?.toFixed(4), '33.2375') // 578/1739 = 0.332375…
  })
})

describe('rounding properties', () => {
  const decimals = fc.integer({ min: 0, max: 6 })
  const values = fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true })

  it('is idempotent', () => {
    fc.assert(
      fc.property(values, decimals, (value, places) => {
        const once = roundHalfAwayFromZero(value, places)
        assert.equal(roundHalfAwayFromZero(once, places), once)
      }),
    )
  })

  it('moves a value by at most half a unit of the last place', () => {
    fc.assert(
      fc.property(values, decimals, (value, places) => {
        const rounded = roundHalfAwayFromZero(value, places)
        // Half a unit, plus the float's own distance from the decimal it stands for (a few units in the last place).
        const allowance = 0.5 * 10 ** -places + 4 * Number.EPSILON * Math.abs(value)
        assert.ok(Math.abs(rounded - value) <= allowance, `${value} → ${rounded}`)
      }),
    )
  })

  it('is symmetric about zero', () => {
    fc.assert(
      fc.property(values, decimals, (value, places) => {
        assert.equal(roundHalfAwayFromZero(-value, places), -roundHalfAwayFromZero(value, places) || 0)
      }),
    )
  })

  it('rounds a percentage of whole counts exactly as integer arithmetic does', () => {
    // Independent oracle: round(10000·n/d) half up in integers, i.e. floor((2·10000·n + d) / (2d)), then /100.
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (numerator, denominator) => {
          const hundredths = (2n * 10_000n * BigInt(numerator) + BigInt(denominator)) / (2n * BigInt(denominator))
          const expected = Number(`${hundredths}e-2`)
          assert.equal(roundHalfAwayFromZero(percentOf(numerator, denominator) ?? Number.NaN, 2), expected)
        },
      ),
      { numRuns: 2000 },
    )
  })
})

describe('grouping thousands', () => {
  it('groups every whole number as the en-GB locale does', () => {
    // Independent oracle: the engine's own en-GB number format (exact for whole numbers).
    const grouping = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 })
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), (n) => {
        assert.equal(formatCount(n), grouping.format(n).replace('−', '-'))
        const whole = Math.abs(n)
        const quarterMore = n < 0 ? -(whole + 0.25) : whole + 0.25 // exact: below 2^53 / 8
        assert.equal(formatDecimal(quarterMore, 2), `${n < 0 ? '-' : ''}${grouping.format(whole)}.25`)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('rounding against an oracle in whole-number arithmetic', () => {
  /** Rounds the shortest decimal that reads back as `value` to `places`, half away from zero, in BigInt. */
  function oracle(value: number, places: number): number {
    const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e')
    const digits = BigInt(mantissa.replace('.', ''))
    const shift = Number(exponentText) - (mantissa.replace('.', '').length - 1) + places
    let kept: bigint
    if (shift >= 0) kept = digits * 10n ** BigInt(shift)
    else {
      const unit = 10n ** BigInt(-shift)
      kept = digits / unit
      if (2n * (digits % unit) >= unit) kept += 1n
    }
    const result = Number(`${kept}e-${places}`)
    return value < 0 && result !== 0 ? -result : result
  }

  it('agrees on any value', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true }),
        fc.integer({ min: 0, max: 9 }),
        (value, places) => assert.equal(roundHalfAwayFromZero(value, places), oracle(value, places)),
      ),
      { numRuns: 20_000 },
    )
  })

  it('agrees on halves and near-halves, where binary floats mislead', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000_000, max: 10_000_000 }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom(5, 4, 6, 49, 50, 51, 499, 500, 501),
        (whole, places, tail) => {
          // e.g. whole 100, places 2, tail 5 → 1.005; tail 499 → 1.00499
          const value = Number(`${whole}${tail}e-${places + String(tail).length}`)
          assert.equal(roundHalfAwayFromZero(value, places), oracle(value, places))
        },
      ),
      { numRuns: 20_000 },
    )
  })

  it('prints the oracle’s rounding, with its places and thousands', () => {
    const grouping = new Intl.NumberFormat('en-GB')
    fc.assert(
      fc.property(
        fc.double({ min: -1e13, max: 1e13, noNaN: true, noDefaultInfinity: true }),
        fc.integer({ min: 0, max: 4 }),
        (value, places) => {
          const rounded = oracle(value, places)
          const [whole = '', fraction = ''] = Math.abs(rounded).toFixed(places).split('.')
          const text = `${rounded < 0 ? '-' : ''}${grouping.format(BigInt(whole))}${places > 0 ? `.${fraction}` : ''}`
          assert.equal(formatDecimal(value, places), text)
        },
      ),
      { numRuns: 20_000 },
    )
  })

  it('agrees on percentages of whole counts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (n, d) => {
        const percent = percentOf(n, d) ?? Number.NaN
        for (const places of [0, 1, 2]) assert.equal(roundHalfAwayFromZero(percent, places), oracle(percent, places))
      }),
      { numRuns: 20_000 },
    )
  })
})
