import assert from 'node:assert/strict'
import { test } from 'node:test'
import { canonicalJson } from './canonical-json.ts'

test('sorts keys at every depth and drops undefined members', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [3, { z: null, y: 'x' }], c: undefined } }),
    '{"a":{"d":[3,{"y":"x","z":null}]},"b":1}',
  )
})

test('equal records give equal text whatever order their keys were written in', () => {
  assert.equal(
    canonicalJson({ value: 67, period: 'FY2017-18-Q4' }),
    canonicalJson({ period: 'FY2017-18-Q4', value: 67 }),
  )
})

test('refuses NaN and Infinity rather than writing them as null', () => {
  assert.throws(() => canonicalJson({ value: Number.NaN }), /non-finite/)
  assert.throws(() => canonicalJson([Number.POSITIVE_INFINITY]), /non-finite/)
})
