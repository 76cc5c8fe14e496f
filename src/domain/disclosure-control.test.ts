import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { flagSmallNumbersInCommentary, protectTable, type ProtectedTableInput } from './disclosure-control.ts'

const quarters = ['q1', 'q2', 'q3', 'q4']
const yearTable = (counts: Record<string, number | null>): ProtectedTableInput => ({
  counts,
  totals: [{ total: 'year', parts: quarters }],
})

/**
 * A differencing attacker, written independently of protectTable: it knows every published figure and every
 * relation, and repeatedly solves any total relation with exactly one unknown, and any ratio whose numerator is
 * unknown but whose percentage and denominator are published (to the nearest whole count). Returns what it recovered.
 */
function attack(input: ProtectedTableInput, published: ReturnType<typeof protectTable>): Map<string, number> {
  const known = new Map<string, number>()
  for (const [key, cell] of Object.entries(published.counts)) if (cell.value !== null) known.set(key, cell.value)
  const recovered = new Map<string, number>()
  for (let progress = true; progress;) {
    progress = false
    for (const { total, parts } of input.totals ?? []) {
      const unknown = [total, ...parts].filter((k) => !known.has(k))
      if (unknown.length !== 1) continue
      const key = unknown[0] as string
      const sumOfParts = parts.filter((k) => k !== key).reduce((s, k) => s + (known.get(k) as number), 0)
      const value = key === total ? sumOfParts : (known.get(total) as number) - sumOfParts
      known.set(key, value)
      recovered.set(key, value)
      progress = true
    }
    for (const [key, { numerator, denominator }] of Object.entries(input.ratios ?? {})) {
      const ratio = published.ratios[key]?.value
      if (ratio === null || ratio === undefined || known.has(numerator) || !known.has(denominator)) continue
      const value = Math.round(((known.get(denominator) as number) * ratio) / 100)
      known.set(numerator, value)
      recovered.set(numerator, value)
      progress = true
    }
  }
  return recovered
}

describe('disclosure control', () => {
  it('withholds a small quarter and the smallest other quarter, so the year total cannot give it back', () => {
    const input = yearTable({ q1: 3, q2: 10, q3: 12, q4: 9, year: 34 })
    const result = protectTable(input, { minimumCount: 5 })
    assert.equal(result.counts.q1?.display, '<5')
    assert.equal(result.counts.q4?.display, '[c]')
    assert.equal(result.counts.q4?.suppressed, 'complement')
    assert.equal(result.counts.q2?.value, 10)
    assert.equal(result.counts.year?.value, 34)
    assert.equal(attack(input, result).size, 0)
  })

  it('publishes zero unless told not to, and then protects it like any small count', () => {
    const input = yearTable({ q1: 0, q2: 10, q3: 12, q4: 9, year: 31 })
    assert.equal(protectTable(input, { minimumCount: 5 }).counts.q1?.value, 0)
    assert.equal(protectTable(input, { minimumCount: 5, suppressZero: true }).counts.q1?.display, '<5')
  })

  it('needs no complement when a quarter is already missing (the reader cannot subtract either)', () => {
    const input = yearTable({ q1: 3, q2: 10, q3: 12, q4: null, year: null })
    const result = protectTable(input, { minimumCount: 5 })
    assert.equal(result.counts.q2?.value, 10)
    assert.equal(result.counts.q4?.display, '')
  })

  it('withholds a percentage beside a withheld count: the seed\'s "<5 (4%)" gives the count back', () => {
    // Public Health: successful completions "<5 (4%)" of a published cohort. 4% of 100 is 4.
    const input: ProtectedTableInput = {
      counts: { completions: 4, cohort: 100 },
      ratios: { rate: { numerator: 'completions', denominator: 'cohort' } },
    }
    const result = protectTable(input, { minimumCount: 5 })
    assert.equal(result.counts.completions?.display, '<5')
    assert.equal(result.ratios.rate?.suppressed, 'derived')
    assert.equal(result.ratios.rate?.value, null)
    assert.equal(attack(input, result).size, 0)
  })

  it('rounds published counts to a multiple when configured', () => {
    const result = protectTable(yearTable({ q1: 12, q2: 18, q3: 22, q4: 9, year: 61 }), { minimumCount: 5, roundTo: 5 })
    assert.deepEqual(
      ['q1', 'q2', 'q3', 'q4', 'year'].map((k) => result.counts[k]?.value),
      [10, 20, 20, 10, 60],
    )
  })

  it('never lets a differencing attacker recover a withheld count (property)', () => {
    const cell = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 6 }), fc.constant(null))
    fc.assert(
      fc.property(
        fc.tuple(cell, cell, cell, cell),
        fc.tuple(cell, cell, cell, cell),
        fc.integer({ min: 2, max: 8 }),
        (thisYear, lastYear, minimumCount) => {
          // Two years of quarters with their totals, and the same-quarter change as a ratio to last year.
          const counts: Record<string, number | null> = {}
          thisYear.forEach((v, i) => (counts[`t${i}`] = v))
          lastYear.forEach((v, i) => (counts[`l${i}`] = v))
          const sum = (vs: (number | null)[]) =>
            vs.some((v) => v === null) ? null : vs.reduce((s: number, v) => s + (v as number), 0)
          counts.tTotal = sum(thisYear)
          counts.lTotal = sum(lastYear)
          const input: ProtectedTableInput = {
            counts,
            totals: [
              { total: 'tTotal', parts: ['t0', 't1', 't2', 't3'] },
              { total: 'lTotal', parts: ['l0', 'l1', 'l2', 'l3'] },
            ],
            ratios: { share: { numerator: 't0', denominator: 'tTotal' } },
          }
          const result = protectTable(input, { minimumCount })
          for (const [key, value] of attack(input, result)) {
            assert.notEqual(result.counts[key]?.suppressed, 'small-count', `recovered withheld ${key} = ${value}`)
          }
          for (const [key, cellOut] of Object.entries(result.counts)) {
            const original = counts[key]
            if (original !== null && original !== undefined && original > 0 && original < minimumCount)
              assert.equal(cellOut.value, null, `${key}=${original} published`)
          }
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('flags small numbers beside sensitive words in commentary for review', () => {
    const rules = { minimumCount: 5 }
    const seed =
      '7 young offenders received a custodial sentence during Q4 17/18. One female received a custodial sentence. All young offenders were aged between 15 & 17 years.'
    const flags = flagSmallNumbersInCommentary(seed, rules)
    assert.deepEqual(
      flags.map((f) => f.number),
      [1],
    )
    assert.match(flags[0]?.excerpt ?? '', /One female/)
    assert.deepEqual(
      flagSmallNumbersInCommentary('79 were race related, 5 were homophobic with 1 transgender.', rules).length,
      1,
    )
    assert.deepEqual(flagSmallNumbersInCommentary('There were 2 referrals this quarter.', rules), [])
    // A partnership with a higher minimum: numbers in words above nine are read too ("nineteen", not "nine").
    const eleven = flagSmallNumbersInCommentary('Eleven women were supported.', { minimumCount: 12 })
    assert.deepEqual(
      eleven.map((f) => [f.number, f.token]),
      [[11, 'Eleven']],
    )
    assert.deepEqual(flagSmallNumbersInCommentary('Nineteen women were supported.', { minimumCount: 12 }), [])
  })
})
