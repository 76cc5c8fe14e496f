import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { attachment, fileSlug } from './content-disposition.ts'

describe('attachment', () => {
  it('gives an ASCII name and the exact UTF-8 name (RFC 6266 / RFC 8187)', () => {
    assert.equal(
      attachment('performance-report-2017-18.csv'),
      `attachment; filename="performance-report-2017-18.csv"; filename*=UTF-8''performance-report-2017-18.csv`,
    )
    // "Ŵ" is U+0174: UTF-8 C5 B4.
    assert.equal(
      attachment('Ŵ report.csv'),
      `attachment; filename="_ report.csv"; filename*=UTF-8''%C5%B4%20report.csv`,
    )
  })

  it('cannot be used to end the header, inject another or climb out of a folder', () => {
    const value = attachment('a";\r\nX-Evil: 1/../..\\x.csv')
    assert.doesNotMatch(value, /[\r\n]/)
    assert.equal(
      value,
      `attachment; filename="a_;__X-Evil: 1_.._.._x.csv"; filename*=UTF-8''a%22%3B__X-Evil%3A%201_.._.._x.csv`,
    )
  })
})

describe('fileSlug', () => {
  it('makes a name safe for a file', () => {
    assert.equal(fileSlug('Safer Wolverhampton Partnership'), 'safer-wolverhampton-partnership')
    assert.equal(fileSlug('Partneriaeth Diogelwch Cymunedol Ŵyl'), 'partneriaeth-diogelwch-cymunedol-wyl')
    assert.equal(fileSlug('<script>'), 'script')
  })
})
