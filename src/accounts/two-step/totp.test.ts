import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  base32Decode,
  base32Encode,
  hotp,
  keyInGroups,
  matchingStep,
  otpauthUri,
  timeStep,
  totp,
  TOTP_DRIFT_STEPS,
} from './totp.ts'

/** The SHA-1 seed of RFC 4226 appendix D and RFC 6238 appendix B: the ASCII digits 1 to 0, twice. */
const RFC_SEED = Buffer.from('12345678901234567890', 'ascii')

describe('HOTP (RFC 4226)', () => {
  it('gives the values of RFC 4226 appendix D for counters 0 to 9', () => {
    // Appendix D, "HOTP" column, copied from the RFC.
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ]
    assert.deepEqual(
      expected.map((_, counter) => hotp(RFC_SEED, counter)),
      expected,
    )
  })
})

describe('TOTP (RFC 6238)', () => {
  // RFC 6238 appendix B, the SHA1 rows: time in seconds, then the 8-digit TOTP, copied from the RFC.
  const vectors: readonly [number, string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ]

  it('gives the 8-digit values of appendix B', () => {
    for (const [seconds, code] of vectors) assert.equal(totp(RFC_SEED, seconds * 1000, 8), code, `T=${seconds}`)
  })

  it('gives their low 6 digits as 6-digit codes (the default)', () => {
    for (const [seconds, code] of vectors) assert.equal(totp(RFC_SEED, seconds * 1000), code.slice(2), `T=${seconds}`)
  })

  it('counts 30-second steps from the Unix epoch (appendix B: T=59 is step 1, T=1111111109 step 0x023523EC)', () => {
    assert.equal(timeStep(59_000), 1)
    assert.equal(timeStep(1111111109_000), 0x023523ec)
    assert.equal(timeStep(29_999), 0)
    assert.equal(timeStep(30_000), 1)
  })
})

describe('checking a typed code', () => {
  const now = 1111111109_000 // step 0x023523EC, code 081804 (appendix B)
  const step = 0x023523ec

  it('accepts the current code and says which step it was', () => {
    assert.equal(matchingStep(RFC_SEED, '081804', now, null), step)
  })

  it('accepts one step of drift either way, and no more', () => {
    assert.equal(TOTP_DRIFT_STEPS, 1)
    // The codes of the neighbouring steps, worked out with RFC 4226's HOTP at those counters.
    assert.equal(matchingStep(RFC_SEED, hotp(RFC_SEED, step - 1), now, null), step - 1)
    assert.equal(matchingStep(RFC_SEED, hotp(RFC_SEED, step + 1), now, null), step + 1)
    assert.equal(matchingStep(RFC_SEED, hotp(RFC_SEED, step - 2), now, null), null)
    assert.equal(matchingStep(RFC_SEED, hotp(RFC_SEED, step + 2), now, null), null)
  })

  it('is the same code 30 seconds later (one step behind), and no longer 60 seconds later', () => {
    assert.equal(matchingStep(RFC_SEED, '081804', now + 30_000, null), step)
    assert.equal(matchingStep(RFC_SEED, '081804', now + 60_000, null), null)
  })

  it('refuses a replay: the last used step and every earlier one', () => {
    assert.equal(matchingStep(RFC_SEED, '081804', now, step), null)
    assert.equal(matchingStep(RFC_SEED, hotp(RFC_SEED, step - 1), now, step - 1), null)
    assert.equal(matchingStep(RFC_SEED, hotp(RFC_SEED, step - 1), now, step), null)
    // A later code after an earlier one was used is fine.
    assert.equal(matchingStep(RFC_SEED, hotp(RFC_SEED, step + 1), now, step), step + 1)
  })

  it('refuses anything but six digits', () => {
    for (const typed of ['', '81804', '0081804', '08180a', ' 081804', '０８１８０４', '081804\n']) {
      assert.equal(matchingStep(RFC_SEED, typed, now, null), null, JSON.stringify(typed))
    }
  })

  it('refuses a wrong code', () => {
    const wrong = ['000000', '999999', '081805'].filter(
      (c) => ![step - 1, step, step + 1].map((s) => hotp(RFC_SEED, s)).includes(c),
    )
    assert.ok(wrong.length >= 2)
    for (const code of wrong) assert.equal(matchingStep(RFC_SEED, code, now, null), null, code)
  })
})

describe('base32 (RFC 4648)', () => {
  // RFC 4648 section 10 test vectors, padding removed.
  const vectors: readonly [string, string][] = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ]

  it('encodes and decodes the RFC 4648 vectors', () => {
    for (const [text, base32] of vectors) {
      assert.equal(base32Encode(Buffer.from(text)), base32)
      assert.equal(base32Decode(base32).toString(), text)
    }
  })

  it('decodes what a person types: lower case, spaces, hyphens, padding', () => {
    assert.equal(base32Decode('mzxw 6ytb-oi======').toString(), 'foobar')
    assert.throws(() => base32Decode('MZXW1'), /Not a base32 character/)
  })

  it('the RFC seed is GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ, the key authenticator apps are given in tests', () => {
    assert.equal(base32Encode(RFC_SEED), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')
  })
})

describe('what the set-up page shows', () => {
  it('groups the key in fours for typing', () => {
    assert.equal(keyInGroups('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'), 'GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ')
  })

  it('labels the otpauth URI with the partnership and the email, encoded', () => {
    assert.equal(
      otpauthUri({ issuer: 'Safer Wolverhampton Partnership', account: 'jo+csp@example.org', secret: 'GEZDGNBV' }),
      'otpauth://totp/Safer%20Wolverhampton%20Partnership:jo%2Bcsp%40example.org' +
        '?secret=GEZDGNBV&issuer=Safer%20Wolverhampton%20Partnership&algorithm=SHA1&digits=6&period=30',
    )
    // A colon in the partnership's name cannot split the label.
    assert.match(otpauthUri({ issuer: 'A: B', account: 'x@y', secret: 'GE' }), /^otpauth:\/\/totp\/A%3A%20B:x%40y\?/)
  })
})
