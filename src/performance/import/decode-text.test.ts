import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { decodeCsvBytes, firstInvalidUtf8 } from './decode-text.ts'

describe('firstInvalidUtf8', () => {
  it('fast-check: agrees with the platform decoder on whether bytes are UTF-8', () => {
    const strict = new TextDecoder('utf-8', { fatal: true })
    const isUtf8 = (bytes: Uint8Array) => {
      try {
        strict.decode(bytes)
        return true
      } catch {
        return false
      }
    }
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.string({ unit: 'grapheme' }).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
      // Valid text with one byte changed: the common case of a stray Windows-1252 byte.
      fc
        .tuple(fc.string({ unit: 'grapheme', minLength: 1 }), fc.nat(), fc.integer({ min: 0x80, max: 0xff }))
        .map(([s, at, b]) => {
          const buf = new Uint8Array(Buffer.from(s, 'utf8'))
          buf[at % buf.length] = b
          return buf
        }),
    )
    fc.assert(
      fc.property(bytes, (b) => (firstInvalidUtf8(b) === -1) === isUtf8(b)),
      { numRuns: 5000 },
    )
  })

  it('points at the offending byte', () => {
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xa3, 0x31])), 2)
    assert.equal(firstInvalidUtf8(Buffer.from([0xe2, 0x82])), 0) // truncated "€"
    assert.equal(firstInvalidUtf8(Buffer.from([0xc0, 0xaf])), 0) // overlong "/"
    assert.equal(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])), 0) // a surrogate
  })
})

describe('decodeCsvBytes', () => {
  it('decodes UTF-8 with or without a byte-order mark, keeping "£"', () => {
    assert.deepEqual(decodeCsvBytes(Buffer.from('a,b\n£5,x\n')), { ok: true, text: 'a,b\n£5,x\n' })
    assert.deepEqual(decodeCsvBytes(Buffer.from('\uFEFFa,b\n')), { ok: true, text: 'a,b\n' })
  })

  it('refuses a Windows-1252 "£" on the line it is on, never as mojibake', () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,2\nx,'), Buffer.from([0xa3]), Buffer.from('5\n')])
    const result = decodeCsvBytes(bytes)
    assert.equal(result.ok, false)
    if (result.ok) return
    assert.equal(result.row, 3)
    assert.match(result.reason, /byte 0xA3 at byte 11 is not UTF-8 \(0xA3 is "£" in the Windows-1252 encoding\)/)
    assert.match(result.reason, /CSV UTF-8/)
  })

  it('refuses UTF-16 by its byte-order mark, either way round', () => {
    for (const bom of [
      [0xff, 0xfe],
      [0xfe, 0xff],
    ]) {
      const result = decodeCsvBytes(Buffer.concat([Buffer.from(bom), Buffer.from('a\0,\0b\0', 'latin1')]))
      assert.equal(result.ok, false)
      if (!result.ok) assert.match(result.reason, /UTF-16.*CSV UTF-8/)
    }
  })

  it('refuses NUL bytes, and empty files', () => {
    const nul = decodeCsvBytes(Buffer.from('a,b\n1\u0000,2\n'))
    assert.deepEqual(nul.ok ? null : [nul.row, /NUL bytes \(first at byte 6\)/.test(nul.reason)], [2, true])
    const empty = decodeCsvBytes(Buffer.alloc(0))
    assert.deepEqual(empty, { ok: false, row: 0, reason: 'the file is empty (0 bytes)' })
    const bomOnly = decodeCsvBytes(Buffer.from([0xef, 0xbb, 0xbf]))
    assert.equal(bomOnly.ok, false)
  })
})
