import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { ordinal, rankLowestFirst, rankOf } from './ranking.ts'

const area = (code: string, numerator: number, denominator: number) => ({
  code,
  name: code.toUpperCase(),
  numerator,
  denominator,
})

describe('rankLowestFirst', () => {
  it('ranks the lowest value 1st and gives ties one rank, skipping the next ("1, 2, 2, 4")', () => {
    // Rates per 1,000 by hand: a 50, b 40, c 50, d 70.
    const r = rankLowestFirst(
      [area('a', 5, 100), area('b', 4, 100), area('c', 10, 200), area('d', 7, 100)],
      1000,
      'rate',
      'lowest',
    )
    assert.deepEqual(
      r.areas.map((a) => [a.code, a.rank]),
      [
        ['b', 1],
        ['a', 2],
        ['c', 2],
        ['d', 4],
      ],
    )
    assert.deepEqual(rankOf(r, 'c'), { rank: 2, of: 4, value: 50, tiedWith: ['A'] })
  })

  it('compares the ratios exactly: 1/3 and 2/6 tie, 1/3 and 333333/1000000 do not', () => {
    // In floating point 0.1 + 0.2 style noise can split a tie; cross-multiplying whole numbers cannot.
    const tie = rankLowestFirst([area('a', 1, 3), area('b', 2, 6)], 1, 'x', 'lowest')
    assert.deepEqual(
      tie.areas.map((a) => a.rank),
      [1, 1],
    )
    const near = rankLowestFirst([area('a', 1, 3), area('b', 333333, 1000000)], 1, 'x', 'lowest')
    assert.deepEqual(
      near.areas.map((a) => [a.code, a.rank]),
      [
        ['b', 1],
        ['a', 2],
      ],
    )
  })

  it('ranks negative changes (falls) ahead of rises', () => {
    const r = rankLowestFirst(
      [area('up', 5, 100), area('down', -9, 100), area('flat', 0, 100)],
      100,
      '% change',
      'lowest',
    )
    assert.deepEqual(
      r.areas.map((a) => [a.code, a.rank, a.value]),
      [
        ['down', 1, -9],
        ['flat', 2, 0],
        ['up', 3, 5],
      ],
    )
  })

  it('leaves out areas without a usable figure, with the reason', () => {
    const r = rankLowestFirst(
      [area('a', 5, 100), { code: 'b', name: 'B', excluded: 'no population estimate' }, area('c', 5, 0)],
      1000,
      'rate',
      'lowest',
    )
    assert.deepEqual(
      r.areas.map((a) => a.code),
      ['a'],
    )
    assert.deepEqual(r.excluded, [
      { code: 'b', name: 'B', reason: 'no population estimate' },
      { code: 'c', name: 'C', reason: 'no usable figure' },
    ])
    assert.equal(rankOf(r, 'b'), null)
  })

  it('gives every area a rank from 1 to n, one more than the number strictly below it (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -1000, max: 100000 }), fc.integer({ min: 1, max: 1000000 })), {
          minLength: 1,
          maxLength: 30,
        }),
        (pairs) => {
          const candidates = pairs.map(([n, d], i) => area(`p${i}`, n, d))
          const r = rankLowestFirst(candidates, 1, 'x', 'lowest')
          for (const a of r.areas) {
            const c = candidates.find((x) => x.code === a.code)!
            const below = candidates.filter((x) => x.numerator * c.denominator < c.numerator * x.denominator).length
            assert.equal(a.rank, below + 1)
          }
        },
      ),
    )
  })
})

describe('ordinal', () => {
  it('writes English ordinals', () => {
    assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112].map(ordinal), [
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '23rd',
      '101st',
      '111th',
      '112th',
    ])
  })
})
