import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { escapeControlCharacters } from './file-text.ts'

describe('escaping control characters in text quoted from a file', () => {
  it('shows C0 and C1 controls, DEL and bidi formatting characters as escapes', () => {
    // Expected strings written out by hand: ESC is U+001B, NUL U+0000, BEL U+0007, CSI (C1) U+009B, RLO U+202E.
    assert.equal(escapeControlCharacters('Crime ID\u001b[2J'), 'Crime ID\\x1b[2J')
    assert.equal(escapeControlCharacters('Mo\u0000nth\u0007'), 'Mo\\x00nth\\x07')
    assert.equal(escapeControlCharacters('a\tb\r\nc\u007f'), 'a\\x09b\\x0d\\x0ac\\x7f')
    assert.equal(escapeControlCharacters('Burglary\u009b31m'), 'Burglary\\x9b31m')
    assert.equal(escapeControlCharacters('Gwent \u202eecilop\u2066x\u2069'), 'Gwent \\u202eecilop\\u2066x\\u2069')
    assert.equal(escapeControlCharacters('\ufeffCrime ID\u200f'), '\\ufeffCrime ID\\u200f')
  })

  it('leaves everything else as it is', () => {
    for (const text of ['Ynys Môn', 'Bro Morgannwg — Vale of Glamorgan', 'On or near "The Close"', 'a\\x1b', '']) {
      assert.equal(escapeControlCharacters(text), text)
    }
  })
})
