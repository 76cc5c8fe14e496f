import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { freshNonce } from './security.ts'

describe('the Content-Security-Policy nonce', () => {
  it('is 16 random bytes in base64, a different one every time, also across the batches it is drawn in', () => {
    // 256 nonces are drawn at a time: 1,000 cross three refills.
    const nonces = Array.from({ length: 1000 }, () => freshNonce())
    assert.equal(new Set(nonces).size, nonces.length, 'no nonce given twice')
    for (const nonce of nonces) {
      assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/)
      assert.equal(Buffer.from(nonce, 'base64').length, 16)
    }
    // Random bytes, not a counter: over 16,000 bytes every value of a byte turns up (a counter or a fixed pattern
    // would leave most out; random bytes miss one with a probability of about 256 × e^-62).
    const seen = new Set<number>()
    for (const nonce of nonces) for (const byte of Buffer.from(nonce, 'base64')) seen.add(byte)
    assert.equal(seen.size, 256)
  })
})
