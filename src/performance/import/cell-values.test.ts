import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  parseChoiceCell,
  parseNumberCell,
  parseNumberText,
  parsePeriodCell,
  parseTextValue,
  parseYesNoCell,
  type CellResult,
  type NumberRule,
} from './cell-values.ts'

const COUNT: NumberRule = { integer: true, what: 'a count' }
const PERCENT: NumberRule = { integer: false, max: 100, percent: true, what: 'a percentage' }
const FIGURE: NumberRule = { integer: false, what: 'a figure' }

function reasonOf<T>(result: CellResult<T>): string {
  assert.equal(result.ok, false, `expected a refusal, got ${JSON.stringify(result)}`)
  return result.ok ? '' : result.reason
}

describe('parseNumberText: what a count column accepts', () => {
  it('reads plain whole numbers, and an empty cell as missing (never 0)', () => {
    assert.deepEqual(parseNumberText('1495', COUNT), { ok: true, value: 1495 })
    assert.deepEqual(parseNumberText('0', COUNT), { ok: true, value: 0 })
    assert.deepEqual(parseNumberText(' 67 ', COUNT), { ok: true, value: 67 })
    assert.deepEqual(parseNumberText('', COUNT), { ok: true, value: null })
    assert.deepEqual(parseNumberText('9007199254740991', COUNT), { ok: true, value: 9007199254740991 })
  })

  // Each refusal names what is wrong and what to do, in words a spreadsheet user knows.
  const refusals: [string, RegExp][] = [
    [' ', /only spaces/],
    ['   ', /only spaces/],
    ['12abc', /"12abc" is not a number/],
    ['NaN', /NaN and Infinity are not figures/],
    ['Infinity', /NaN and Infinity/],
    ['-Infinity', /NaN and Infinity/],
    ['1e309', /scientific notation/],
    ['1e3', /scientific notation/],
    ['0x1A', /not a decimal number/],
    ['1,234', /remove the thousands separator \(type 1234\)/],
    ['1,234,567', /remove the thousands separator \(type 1234567\)/],
    ['１２', /full-width digits/],
    ['٤٥', /digits other than 0-9/],
    ['۱۲', /digits other than 0-9/],
    // A count has no percent column beside it here: the advice is to type the count, not to move the figure.
    ['49.8%', /is a percentage, but this column takes a count, with no % sign: type a count alone \(49\.8/],
    ['(49.8)', /in brackets/],
    ['<5', /status to suppressed with reason "<5"/],
    ['< 5', /reason "<5"/],
    ['-3', /negative: a count cannot be negative/],
    ['2.5', /not a whole number/],
    ['-2.5', /negative/],
    ['9007199254740992', /too large/],
    ['1' + '0'.repeat(400), /too large/],
    ['+5', /plus sign/],
    ['007', /leading zero: type 7/],
    ['£12', /currency sign/],
    ['12,5', /decimal comma: use a full stop \(12\.5\)/],
  ]
  for (const [text, expected] of refusals) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.match(reasonOf(parseNumberText(text, COUNT)), expected)
    })
  }

  it('fast-check: any string that is not a strict decimal integer is refused for a count', () => {
    // The oracle: digits only, no leading zero, at most 2^53 − 1 (checked with BigInt, not with the code under test).
    const strict = (s: string) =>
      /^(?:0|[1-9][0-9]*)$/.test(s.trim()) && BigInt(s.trim()) <= BigInt(Number.MAX_SAFE_INTEGER)
    const nearNumbers = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom(...'0123456789 .,-+eE%()<>xX٣１'.split('')) }),
      fc.nat().map((n) => `${n}.0`),
      fc.nat().map((n) => `-${n + 1}`),
      fc.nat().map((n) => `0${n}`),
      fc.nat().map((n) => n.toLocaleString('en-GB')),
      fc.bigInt({ min: BigInt(Number.MAX_SAFE_INTEGER) + 1n, max: 10n ** 30n }).map(String),
    )
    fc.assert(
      fc.property(nearNumbers, (s) => {
        const result = parseNumberText(s, COUNT)
        if (s === '') return result.ok && result.value === null
        return strict(s) ? result.ok && result.value === Number(s.trim()) : !result.ok
      }),
      { numRuns: 3000 },
    )
  })

  it('fast-check: any valid integer round-trips, as text and as a worksheet number', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        const fromText = parseNumberText(String(n), COUNT)
        const fromCell = parseNumberCell({ kind: 'number', value: n, percentFormat: false }, COUNT)
        return fromText.ok && fromText.value === n && fromCell.ok && fromCell.value === n
      }),
      { numRuns: 2000 },
    )
  })
})

describe('parseNumberText: percentages and figures', () => {
  it('reads decimals and keeps a percentage within 0–100', () => {
    assert.deepEqual(parseNumberText('43.6', PERCENT), { ok: true, value: 43.6 })
    assert.deepEqual(parseNumberText('100', PERCENT), { ok: true, value: 100 })
    assert.match(reasonOf(parseNumberText('100.1', PERCENT)), /above 100/)
    assert.match(reasonOf(parseNumberText('-1', PERCENT)), /negative/)
    assert.deepEqual(parseNumberText('34.75', FIGURE), { ok: true, value: 34.75 })
  })

  it('tells a % sign in the percent column to go, rather than to move', () => {
    assert.match(reasonOf(parseNumberText('49.8%', PERCENT)), /type the percentage without it \(49\.8\)/)
  })

  it('refuses odd decimal forms', () => {
    assert.match(reasonOf(parseNumberText('.5', FIGURE)), /needs a 0 before the decimal point \(0\.5\)/)
    assert.match(reasonOf(parseNumberText('5.', FIGURE)), /ends with a decimal point/)
  })
})

describe('parseNumberCell: worksheet cells', () => {
  it('takes a whole number cell in a count column and refuses a fraction', () => {
    assert.deepEqual(parseNumberCell({ kind: 'number', value: 67, percentFormat: false }, COUNT), {
      ok: true,
      value: 67,
    })
    assert.match(
      reasonOf(parseNumberCell({ kind: 'number', value: 2.5, percentFormat: false }, COUNT)),
      /not a whole number/,
    )
    assert.match(reasonOf(parseNumberCell({ kind: 'number', value: -1, percentFormat: false }, COUNT)), /negative/)
  })

  it('reads a cell formatted as a percentage as it is shown, in a percentage column only', () => {
    assert.deepEqual(parseNumberCell({ kind: 'number', value: 0.498, percentFormat: true }, PERCENT), {
      ok: true,
      value: 49.8,
    })
    assert.match(
      reasonOf(parseNumberCell({ kind: 'number', value: 0.498, percentFormat: true }, COUNT)),
      /formatted as a percentage \(49\.8%\)/,
    )
  })

  it('refuses dates, booleans and unreadable cells with their reason', () => {
    const date = new Date(Date.UTC(2018, 0, 31))
    assert.match(reasonOf(parseNumberCell({ kind: 'date', value: date }, COUNT)), /a date \(2018-01-31\), not a count/)
    assert.match(reasonOf(parseNumberCell({ kind: 'boolean', value: true }, COUNT)), /TRUE, not a count/)
    assert.equal(reasonOf(parseNumberCell({ kind: 'unreadable', reason: 'no saved result' }, COUNT)), 'no saved result')
  })
})

describe('parseTextValue', () => {
  it('trims, reads CR LF as a newline, and treats blank as missing', () => {
    assert.deepEqual(parseTextValue('  a\r\nb  ', { maxLength: 10, singleLine: false }), { ok: true, value: 'a\nb' })
    assert.deepEqual(parseTextValue('   ', { maxLength: 10, singleLine: false }), { ok: true, value: null })
  })

  it('refuses control characters other than tab and newline, and direction overrides', () => {
    assert.match(
      reasonOf(parseTextValue('bell\u0007', { maxLength: 99, singleLine: false })),
      /control character \(U\+0007\) at character 5/,
    )
    assert.match(reasonOf(parseTextValue('a\u0085b', { maxLength: 99, singleLine: false })), /U\+0085/)
    assert.match(reasonOf(parseTextValue('abc\u202Edef', { maxLength: 99, singleLine: false })), /U\+202E/)
    assert.match(reasonOf(parseTextValue('lone\rcr', { maxLength: 99, singleLine: false })), /U\+000D/)
    assert.deepEqual(parseTextValue('a\tb\nc', { maxLength: 99, singleLine: false }), { ok: true, value: 'a\tb\nc' })
  })

  it('keeps names on one line', () => {
    assert.match(
      reasonOf(parseTextValue('Knife\ncrime', { maxLength: 99, singleLine: true })),
      /line break at character 6/,
    )
    assert.match(reasonOf(parseTextValue('Knife\tcrime', { maxLength: 99, singleLine: true })), /tab/)
  })

  it('counts length in characters, not UTF-16 units', () => {
    assert.deepEqual(parseTextValue('😀😀', { maxLength: 2, singleLine: true }), { ok: true, value: '😀😀' })
    assert.match(
      reasonOf(parseTextValue('x'.repeat(5001), { maxLength: 5000, singleLine: false })),
      /5001 characters long: the most allowed is 5000/,
    )
  })
})

describe('choices, yes/no and periods', () => {
  it('reads a choice in any case and lists the choices when it is wrong', () => {
    assert.deepEqual(parseChoiceCell({ kind: 'text', text: ' Quarterly ' }, ['monthly', 'quarterly'], 'cadence'), {
      ok: true,
      value: 'quarterly',
    })
    assert.equal(
      reasonOf(parseChoiceCell({ kind: 'text', text: 'weekly' }, ['monthly', 'quarterly'], 'cadence')),
      '"weekly" is not a cadence: use one of monthly, quarterly',
    )
  })

  it('reads yes/no in the usual spellings', () => {
    assert.deepEqual(parseYesNoCell({ kind: 'text', text: 'Yes' }), { ok: true, value: true })
    assert.deepEqual(parseYesNoCell({ kind: 'text', text: 'false' }), { ok: true, value: false })
    assert.deepEqual(parseYesNoCell({ kind: 'boolean', value: true }), { ok: true, value: true })
    assert.match(reasonOf(parseYesNoCell({ kind: 'text', text: 'maybe' })), /not yes or no/)
  })

  it('reads period ids and report labels alike', () => {
    const a = parsePeriodCell({ kind: 'text', text: 'FY2017-18-Q1' }, { financialYear: 2017 })
    const b = parsePeriodCell({ kind: 'text', text: '2017/18 Q1' }, { financialYear: 2017 })
    assert.ok(a.ok && b.ok)
    assert.equal(a.value?.id, 'FY2017-18-Q1')
    assert.equal(b.value?.id, 'FY2017-18-Q1')
  })

  it('refuses a date as a period, whether stored as a date or typed', () => {
    assert.match(
      reasonOf(parsePeriodCell({ kind: 'date', value: new Date(Date.UTC(2017, 3, 1)) }, { financialYear: 2017 })),
      /holds a date \(2017-04-01\), not a period/,
    )
    assert.match(
      reasonOf(parsePeriodCell({ kind: 'text', text: '01/04/2017' }, { financialYear: 2017 })),
      /is a date, not a period/,
    )
    assert.match(
      reasonOf(parsePeriodCell({ kind: 'text', text: 'FY2017-18-Q5' }, { financialYear: 2017 })),
      /is not a period: use an identifier such as FY2017-18-Q1/,
    )
  })
})
