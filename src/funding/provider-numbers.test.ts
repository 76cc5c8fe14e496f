import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { checkCharityNumber, checkCompanyNumber, checkPostcode } from './provider-numbers.ts'

describe('provider numbers', () => {
  it('accepts charity numbers of 6, 7 and 8 digits, and a linked charity’s "-n" suffix', () => {
    for (const good of ['123456', '1123456', '11234567', '1123456-1', '1123456-12', ' 1123456 ']) {
      const checked = checkCharityNumber(good)
      assert.ok(checked.ok, good)
      assert.equal(checked.value, good.trim())
    }
  })

  it('refuses charity numbers of 5 or 9 digits, letters, or a bare suffix', () => {
    for (const bad of ['12345', '123456789', 'SC012345', '1123456-', '-1', '1123456-1-2', '']) {
      assert.equal(checkCharityNumber(bad).ok, false, bad)
    }
  })

  it('accepts 8-digit company numbers and two-letter prefixes, in capitals', () => {
    assert.deepEqual(checkCompanyNumber('01234567'), { ok: true, value: '01234567' })
    assert.deepEqual(checkCompanyNumber('sc123456'), { ok: true, value: 'SC123456' })
    assert.deepEqual(checkCompanyNumber('NI 123456'), { ok: true, value: 'NI123456' })
  })

  it('refuses a company number of the wrong length, suggesting the leading zeros when they were dropped', () => {
    const short = checkCompanyNumber('1234567')
    assert.equal(short.ok, false)
    assert.match(short.ok ? '' : short.message, /01234567/)
    for (const bad of ['123456789', 'SC1234567', 'S1234567', '1234567A', 'SCX12345']) {
      assert.equal(checkCompanyNumber(bad).ok, false, bad)
    }
  })

  it('stores a postcode in capitals with one space', () => {
    assert.deepEqual(checkPostcode('wv1 1sh'), { ok: true, value: 'WV1 1SH' })
    assert.deepEqual(checkPostcode('WV11SH'), { ok: true, value: 'WV1 1SH' })
    assert.deepEqual(checkPostcode('ec1a 1bb'), { ok: true, value: 'EC1A 1BB' })
    assert.equal(checkPostcode('WV1').ok, false)
    assert.equal(checkPostcode('11 1SH').ok, false)
  })
})
