import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { outputRag, spendRag } from './service-rag.ts'

describe('RAG rules', () => {
  describe('outputs against target pro rata', () => {
    it('is green at exactly 100% of the pro-rata target and amber one below', () => {
      // Target 24 a year, 3 quarters reported: 24 × 3/4 = 18 expected. 18 is 100%; 17 is 94.4%.
      assert.equal(outputRag({ target: 24, actual: 18, quartersReported: 3 }), 'green')
      assert.equal(outputRag({ target: 24, actual: 17, quartersReported: 3 }), 'amber')
    })

    it('is amber at exactly 75% and red just below', () => {
      // Target 40, 2 quarters: 20 expected; 75% of 20 = 15.
      assert.equal(outputRag({ target: 40, actual: 15, quartersReported: 2 }), 'amber')
      assert.equal(outputRag({ target: 40, actual: 14, quartersReported: 2 }), 'red')
      // Target 100, 1 quarter: 25 expected; 75% = 18.75, so 19 is amber and 18 red.
      assert.equal(outputRag({ target: 100, actual: 19, quartersReported: 1 }), 'amber')
      assert.equal(outputRag({ target: 100, actual: 18, quartersReported: 1 }), 'red')
    })

    it('reads the seed’s 14 of 24 schools over the year as red (58%)', () => {
      assert.equal(outputRag({ target: 24, actual: 14, quartersReported: 4 }), 'red')
    })

    it('gives no RAG without a target or before any quarter is reported', () => {
      assert.equal(outputRag({ target: null, actual: 145, quartersReported: 4 }), 'none')
      assert.equal(outputRag({ target: 24, actual: 0, quartersReported: 0 }), 'none')
    })
  })

  describe('spend against allocation', () => {
    it('is red one penny over the allocation, and amber when only the forecast is over', () => {
      assert.equal(spendRag({ allocated: 2_500_000, paid: 2_500_001, forecast: 2_500_001 }), 'red')
      assert.equal(spendRag({ allocated: 2_500_000, paid: 2_500_000, forecast: 2_500_000 }), 'green')
      assert.equal(spendRag({ allocated: 2_500_000, paid: 1_000_000, forecast: 2_500_001 }), 'amber')
      assert.equal(spendRag({ allocated: 2_500_000, paid: 1_000_000, forecast: 2_500_000 }), 'green')
    })

    it('gives no RAG when nothing is allocated, paid or forecast; money paid with nothing allocated is red', () => {
      assert.equal(spendRag({ allocated: 0, paid: 0, forecast: 0 }), 'none')
      assert.equal(spendRag({ allocated: 0, paid: 1, forecast: 1 }), 'red')
      assert.equal(spendRag({ allocated: 0, paid: 0, forecast: 1 }), 'amber')
    })
  })
})
