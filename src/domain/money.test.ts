import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { formatMoney, moneyAsDecimal, MoneyError, parseMoney, pounds, sumPence } from './money.ts'

describe('money in whole pence', () => {
  it('adds exactly where floating-point pounds do not', () => {
    // 0.1 + 0.2 pounds in floating point is 0.30000000000000004; in pence it is 30.
    assert.notEqual(0.1 + 0.2, 0.3)
    assert.equal(sumPence([10, 20]), 30)
    // The seed's Appendix A: PCC income £339,995 plus carry-forward £38,435 (the page printed £378,390).
    assert.equal(sumPence([pounds(339_995), pounds(38_435)]), pounds(378_430))
  })

  it('refuses fractions of a penny and totals beyond the safe range, rather than rounding them', () => {
    assert.throws(() => sumPence([1.5]), MoneyError)
    assert.throws(() => sumPence([Number.MAX_SAFE_INTEGER, 1]), MoneyError)
    assert.throws(() => formatMoney(0.5), MoneyError)
  })

  it('prints pounds with thousands separators, pence only when there are some', () => {
    assert.equal(formatMoney(37_843_000), '£378,430')
    assert.equal(formatMoney(123_456), '£1,234.56')
    assert.equal(formatMoney(123_450), '£1,234.50')
    assert.equal(formatMoney(5), '£0.05')
    assert.equal(formatMoney(0), '£0')
    assert.equal(formatMoney(-4_000), '-£40')
    assert.equal(formatMoney(4_000, { pence: 'always' }), '£40.00')
    assert.equal(formatMoney(123_450, { pence: 'never' }), '£1,235')
    assert.equal(formatMoney(-150, { pence: 'never' }), '-£2')
    assert.equal(formatMoney(-49, { pence: 'never' }), '£0')
    assert.equal(formatMoney(100_000_000_000), '£1,000,000,000')
  })

  it('writes the plain decimal form for exports', () => {
    assert.equal(moneyAsDecimal(37_843_000), '378430.00')
    assert.equal(moneyAsDecimal(5), '0.05')
    assert.equal(moneyAsDecimal(-4_050), '-40.50')
  })

  it('reads what people type, and says what is wrong with what it cannot read', () => {
    assert.deepEqual(parseMoney('£378,430'), { ok: true, pence: 37_843_000 })
    assert.deepEqual(parseMoney(' 378430 '), { ok: true, pence: 37_843_000 })
    assert.deepEqual(parseMoney('1,234.5'), { ok: true, pence: 123_450 })
    assert.deepEqual(parseMoney('0.07'), { ok: true, pence: 7 })
    assert.deepEqual(parseMoney('-£40', { allowNegative: true }), { ok: true, pence: -4_000 })
    assert.deepEqual(parseMoney('£-40', { allowNegative: true }), { ok: true, pence: -4_000 })
    for (const [text, words] of [
      ['', 'empty'],
      ['12.345', 'more than two decimal places'],
      ['£500K', 'multiplier'],
      ['37,8430', 'not an amount'],
      ['1.2.3', 'not an amount'],
      ['abc', 'not an amount'],
      ['-40', 'cannot be negative'],
      ['99999999999999999', 'too large'],
    ] as const) {
      const result = parseMoney(text)
      assert.equal(result.ok, false, text)
      if (!result.ok) assert.match(result.message, new RegExp(words), text)
    }
  })

  it('reads back every amount it prints (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (pence) => {
        assert.deepEqual(parseMoney(formatMoney(pence), { allowNegative: true }), { ok: true, pence })
        assert.deepEqual(parseMoney(moneyAsDecimal(pence), { allowNegative: true }), { ok: true, pence })
      }),
    )
  })
})
