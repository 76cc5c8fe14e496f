import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { proposeNearestNeighbours, type NeighbourCandidate } from './nearest-neighbours.ts'

const c = (code: string, ...values: number[]): NeighbourCandidate => ({ code, name: code, values })

describe('proposeNearestNeighbours', () => {
  // Worked by hand and checked with Python (math.dist over z-scores with the population standard deviation):
  // variable 1: 0, 1, 2, 4 → mean 1.75, sd 1.479019945774904; variable 2: 0, 10, 0, 30 → mean 10, sd 12.24744871391589.
  const candidates = [c('A', 0, 0), c('B', 1, 10), c('C', 2, 0), c('D', 4, 30)]

  it('standardises each variable and orders the others by Euclidean distance', () => {
    const p = proposeNearestNeighbours('A', candidates, ['v1', 'v2'], 3)
    assert.deepEqual(
      p.neighbours.map((n) => n.code),
      ['B', 'C', 'D'],
    )
    const expected = [1.0600988273786194, 1.3522468075656264, 3.64887458187942]
    p.neighbours.forEach((n, i) => assert.ok(Math.abs(n.distance - expected[i]!) < 1e-12, `${n.code} ${n.distance}`))
    assert.ok(Math.abs(p.standardisation[0]!.sd - 1.479019945774904) < 1e-12)
    assert.equal(p.standardisation[1]!.mean, 10)
    assert.equal(p.candidates, 4)
  })

  it('returns only the number asked for, and says when there are fewer', () => {
    assert.deepEqual(
      proposeNearestNeighbours('A', candidates, ['v1', 'v2'], 1).neighbours.map((n) => n.code),
      ['B'],
    )
    const all = proposeNearestNeighbours('A', candidates, ['v1', 'v2'], 10)
    assert.equal(all.neighbours.length, 3)
    assert.match(all.notes.join(' '), /Only 3 other areas/)
  })

  it('leaves out a variable that is the same everywhere, and breaks ties by code', () => {
    const p = proposeNearestNeighbours('A', [c('A', 0, 5), c('Z', 1, 5), c('M', -1, 5)], ['v', 'constant'], 2)
    assert.deepEqual(
      p.neighbours.map((n) => n.code),
      ['M', 'Z'],
    )
    assert.match(p.notes.join(' '), /"constant" is the same for every area/)
  })

  it('refuses a target without values, and values that are not finite', () => {
    assert.throws(() => proposeNearestNeighbours('X', candidates, ['v1', 'v2'], 2), /X is not among the candidates/)
    assert.throws(() => proposeNearestNeighbours('A', [c('A', 0, 0), c('B', NaN, 1)], ['v1', 'v2'], 1), /finite value/)
  })

  it('does not depend on the units of a variable or the order of the candidates (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -1000, max: 1000 })), {
          minLength: 3,
          maxLength: 20,
          selector: ([a, b]) => `${a},${b}`,
        }),
        fc.double({ min: 0.001, max: 1000, noNaN: true }),
        (points, scale) => {
          const list = points.map(([x, y], i) => c(`p${String(i).padStart(2, '0')}`, x, y))
          const scaled = [...list]
            .reverse()
            .map((p) => c(p.code, (p.values[0] as number) * scale, p.values[1] as number))
          const a = proposeNearestNeighbours('p00', list, ['x', 'y'], list.length - 1)
          const b = proposeNearestNeighbours('p00', scaled, ['x', 'y'], list.length - 1)
          a.neighbours.forEach((n, i) => {
            const m = b.neighbours[i]!
            assert.ok(Math.abs(n.distance - m.distance) < 1e-9 * Math.max(1, n.distance))
          })
          // Nearest first.
          for (let i = 1; i < a.neighbours.length; i++)
            assert.ok(a.neighbours[i - 1]!.distance <= a.neighbours[i]!.distance)
        },
      ),
    )
  })
})
