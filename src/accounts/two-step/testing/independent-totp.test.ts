import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { codeAt, independentHotp, keyBytes } from './independent-totp.ts'

describe("the tests' own TOTP (checked against the RFCs, so the flow tests can trust it)", () => {
  it('gives RFC 4226 appendix D and RFC 6238 appendix B values', () => {
    const seed = Buffer.from('12345678901234567890')
    assert.deepEqual(
      [0, 1, 9].map((c) => independentHotp(seed, c)),
      ['755224', '287082', '520489'],
    )
    assert.equal(independentHotp(seed, Math.floor(59 / 30), 8), '94287082')
    assert.equal(independentHotp(seed, Math.floor(20000000000 / 30), 8), '65353130')
    // The seed as base32 (RFC 4648), as a set-up page would show it, in groups of four.
    const key = 'GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ'
    assert.deepEqual(keyBytes(key), seed)
    assert.equal(codeAt(key, 1111111109_000), '081804')
  })
})
