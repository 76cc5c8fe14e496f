import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { asRating, bandOf, scoreThreat, scoringMatrix, type Rating } from './assessment-scoring.ts'

/**
 * The NPSA's 5 × 5 matrix ("A risk matrix for risk managers", 2008, table 3), typed from the published table:
 * rows are likelihood 1 (rare) to 5 (almost certain), columns impact 1 (negligible) to 5 (catastrophic); L low,
 * M moderate, H high, E extreme.
 */
const PUBLISHED = [
  ['1 L', '2 L', '3 L', '4 M', '5 M'],
  ['2 L', '4 M', '6 M', '8 H', '10 H'],
  ['3 L', '6 M', '9 H', '12 H', '15 E'],
  ['4 M', '8 H', '12 H', '16 E', '20 E'],
  ['5 M', '10 H', '15 E', '20 E', '25 E'],
]
const LETTER = { low: 'L', moderate: 'M', high: 'H', extreme: 'E' } as const

describe('threat scoring', () => {
  it('scores every cell of the matrix as the published NPSA table does', () => {
    for (let likelihood = 1; likelihood <= 5; likelihood++) {
      for (let impact = 1; impact <= 5; impact++) {
        const score = scoreThreat(impact as Rating, likelihood as Rating)
        assert.equal(
          `${score.score} ${LETTER[score.band]}`,
          PUBLISHED[likelihood - 1]?.[impact - 1],
          `${impact} × ${likelihood}`,
        )
      }
    }
  })

  it('says the score in words with both ratings', () => {
    assert.equal(scoreThreat(4, 3).words, '12 (High): impact 4 Major × likelihood 3 Possible')
  })

  it('accepts only whole numbers from 1 to 5 as a rating', () => {
    for (const good of [1, 5, '3', ' 2 ']) assert.notEqual(asRating(good), null, String(good))
    for (const bad of [0, 6, 2.5, '2.5', '', 'three', '-1', null, undefined, '1e0', NaN]) {
      assert.equal(asRating(bad), null, String(bad))
    }
  })

  it('refuses a score that no two ratings make', () => {
    assert.throws(() => bandOf(0), RangeError)
    assert.throws(() => bandOf(26), RangeError)
    assert.throws(() => bandOf(7.5), RangeError)
  })

  it('places threats in the matrix, likelihood 5 first, and says the same in a text summary', () => {
    const matrix = scoringMatrix([
      { label: 'T1', title: 'Knife crime', impact: 4, likelihood: 4 },
      { label: 'T2', title: 'Hate crime', impact: 3, likelihood: 2 },
      { label: 'T3', title: 'Fraud', impact: 3, likelihood: 2 },
    ])
    assert.deepEqual(
      matrix.rows.map((r) => r.likelihood),
      [5, 4, 3, 2, 1],
    )
    const cell = (likelihood: number, impact: number) =>
      matrix.rows.find((r) => r.likelihood === likelihood)?.cells.find((c) => c.impact === impact)
    assert.deepEqual(
      cell(4, 4)?.threats.map((t) => t.label),
      ['T1'],
    )
    assert.deepEqual(
      cell(2, 3)?.threats.map((t) => t.label),
      ['T2', 'T3'],
    )
    assert.equal(
      matrix.rows.flatMap((r) => r.cells).reduce((n, c) => n + c.threats.length, 0),
      3,
    )
    assert.equal(
      matrix.summary,
      '3 threats scored (1 extreme, 2 moderate). Highest first: T1 Knife crime: 16 (Extreme): impact 4 Major × ' +
        'likelihood 4 Likely; T2 Hate crime: 6 (Moderate): impact 3 Moderate × likelihood 2 Unlikely; T3 Fraud: 6 ' +
        '(Moderate): impact 3 Moderate × likelihood 2 Unlikely.',
    )
    assert.equal(scoringMatrix([]).summary, 'No threats have been scored.')
  })
})
