import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import {
  generateRecoveryCodes,
  normaliseRecoveryCode,
  recoveryCodeHash,
  RECOVERY_CODE_COUNT,
} from './recovery-codes.ts'

describe('recovery codes', () => {
  it('are ten different codes of four groups of four, from an alphabet without look-alikes', () => {
    const codes = generateRecoveryCodes()
    assert.equal(RECOVERY_CODE_COUNT, 10)
    assert.equal(codes.length, 10)
    assert.equal(new Set(codes).size, 10)
    for (const code of codes) assert.match(code, /^[0-9abcdefghjkmnpqrstvwxyz]{4}(-[0-9abcdefghjkmnpqrstvwxyz]{4}){3}$/)
  })

  it('carry 80 bits each: 16 characters from 32 (log2 32 = 5 bits a character)', () => {
    // Every character of the alphabet turns up across enough codes (it is not a smaller alphabet).
    const seen = new Set(generateRecoveryCodes(200).join('').replace(/-/g, ''))
    assert.equal(seen.size, 32)
  })

  it('are read as typed: case, spaces, hyphens, and o/i/l for 0/1/1', () => {
    assert.equal(normaliseRecoveryCode(' K7Q2 9XVD-M3TN P8AW '), 'k7q29xvdm3tnp8aw')
    assert.equal(normaliseRecoveryCode('oooo-iiii-llll-0000'), '0000111111110000')
    assert.equal(normaliseRecoveryCode('k7q2-9xvd-m3tn'), null)
    assert.equal(normaliseRecoveryCode('k7q2-9xvd-m3tn-p8au'), null) // u is not in the alphabet
    assert.equal(normaliseRecoveryCode('123456'), null)
  })

  it('are stored as SHA-256 of a labelled, normalised form', () => {
    const expected = createHash('sha256').update('saferhub recovery code\u0000k7q29xvdm3tnp8aw').digest('hex')
    assert.equal(recoveryCodeHash('K7Q2-9XVD-M3TN-P8AW'), expected)
    assert.equal(recoveryCodeHash('k7q2 9xvd m3tn p8aw'), expected)
    assert.notEqual(recoveryCodeHash('k7q2-9xvd-m3tn-p8ax'), expected)
  })
})
