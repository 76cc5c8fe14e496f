import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { checkCitedAmounts, findCitedAmounts, type CitableFigures } from './cited-amounts.ts'

/**
 * Expected numbers worked by hand from the seed: PCC income £339,995 and carry-forward £38,435; 339,995 + 38,435 =
 * 378,430 (the seed prints 378,390: £40 short). Pence are pounds × 100.
 */
const SEED_SENTENCE =
  'The total income allocated from PCC was £339,995. This, along with an agreed carry forward of £38,435, amounted to a budget of £378,390.'
const PCC: CitableFigures = {
  subject: 'PCC grant 2018/19',
  income: 33_999_500,
  carryForward: 3_843_500,
  budget: 37_843_000,
}
/** The year with a second stream (illustrative £100,000 more income): the sentence is about the PCC grant only. */
const YEAR: CitableFigures = { subject: '2018/19', income: 43_999_500, carryForward: 3_843_500, budget: 47_843_000 }

describe('amounts cited in a narrative', () => {
  it("finds the seed sentence's three amounts and what each is of", () => {
    const found = findCitedAmounts(SEED_SENTENCE)
    assert.deepEqual(
      found.map((a) => [a.text, a.pence, a.figure]),
      [
        ['£339,995', 33_999_500, 'income'],
        ['£38,435', 3_843_500, 'carry-forward'],
        ['£378,390', 37_839_000, 'budget'],
      ],
    )
    assert.equal(SEED_SENTENCE.slice(found[2]!.start, found[2]!.end), '£378,390')
  })

  it("flags the seed's £40 in the issue's words", () => {
    const result = checkCitedAmounts(SEED_SENTENCE, [PCC])
    assert.deepEqual(result.disagreements, [
      'the budget is £378,430: income £339,995 + carry-forward £38,435; the text says £378,390',
    ])
    assert.deepEqual(
      result.checks.map((c) => c.agrees),
      [true, true, false],
    )
  })

  it('checks a sentence about one stream against that stream, not the year', () => {
    const result = checkCitedAmounts(SEED_SENTENCE, [YEAR, PCC])
    assert.equal(result.against?.subject, 'PCC grant 2018/19')
    assert.equal(result.disagreements.length, 1)
  })

  it('accepts the corrected sentence', () => {
    const corrected = SEED_SENTENCE.replace('£378,390', '£378,430')
    assert.deepEqual(checkCitedAmounts(corrected, [PCC]).disagreements, [])
  })

  it('reads amounts written with multipliers and in words, each at the precision written', () => {
    const found = findCitedAmounts(
      'The Home Office gave £500K; a budget of £1.2m; 378,430 pounds in all; £0.5 million spare.',
    )
    assert.deepEqual(
      found.map((a) => [a.text, a.pence, a.precision]),
      [
        ['£500K', 50_000_000, 100_000],
        ['£1.2m', 120_000_000, 10_000_000],
        ['378,430 pounds', 37_843_000, 100],
        ['£0.5 million', 50_000_000, 10_000_000],
      ],
    )
  })

  it('lets a rounded amount agree with a figure that rounds to it, and no other', () => {
    const figures = (budget: number): CitableFigures => ({ subject: 'x', income: budget, carryForward: 0, budget })
    // £1.2m covers £1,150,000 up to (not including) £1,250,000.
    assert.deepEqual(checkCitedAmounts('a budget of £1.2m', [figures(118_000_000)]).disagreements, [])
    assert.deepEqual(checkCitedAmounts('a budget of £1.2m', [figures(115_000_000)]).disagreements, [])
    assert.deepEqual(checkCitedAmounts('a budget of £1.2m', [figures(124_999_999)]).disagreements, [])
    assert.deepEqual(checkCitedAmounts('a budget of £1.2m', [figures(125_000_000)]).disagreements, [
      'the budget is £1,250,000: income £1,250,000; the text says £1.2m',
    ])
    // Whole pounds agree with an amount that has pence only to the pound.
    assert.deepEqual(checkCitedAmounts('a budget of £378,430', [figures(37_843_040)]).disagreements, [])
    assert.equal(checkCitedAmounts('a budget of £378,430', [figures(37_843_050)]).disagreements.length, 1)
    assert.equal(checkCitedAmounts('a budget of £1,234.56', [figures(123_457)]).disagreements.length, 1)
  })

  it('names the income and carry-forward when they are the figures that disagree', () => {
    const text = 'Income was £339,000 and £38,000 was carried forward.'
    assert.deepEqual(checkCitedAmounts(text, [PCC]).disagreements, [
      'the income is £339,995; the text says £339,000',
      'the carry-forward is £38,435; the text says £38,000',
    ])
  })

  it('finds the figure word after the amount when none comes before it in the sentence', () => {
    const found = findCitedAmounts('Spending stood at nothing. £378,390 was the budget.')
    assert.equal(found[0]?.figure, 'budget')
  })

  it('leaves alone amounts of anything else, and numbers that are not money', () => {
    const text = 'In 2018 we spent £5,000 on posters for 145 young people; 14 of 24 schools took part.'
    assert.deepEqual(
      findCitedAmounts(text).map((a) => [a.text, a.figure]),
      [['£5,000', null]],
    )
    assert.deepEqual(checkCitedAmounts(text, [PCC]), { against: null, checks: [], disagreements: [] })
  })

  it('reads pence, and refuses fractions of a penny', () => {
    assert.deepEqual(
      findCitedAmounts('a budget of £1,234.56').map((a) => a.pence),
      [123_456],
    )
    assert.deepEqual(findCitedAmounts('a budget of £12.345'), [])
  })
})
