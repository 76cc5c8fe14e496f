import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_GLOSSARY, parseGlossary, undefinedAcronyms } from './annual-report-glossary.ts'

describe('the glossary', () => {
  it('holds the seed’s 26 terms', () => {
    // Counted from the seed's "Glossary of Terms" (two columns of 13 rows).
    assert.equal(DEFAULT_GLOSSARY.length, 26)
    assert.equal(DEFAULT_GLOSSARY.find((g) => g.term === 'MARAC')?.meaning, 'Multi Agency Risk Assessment Conference')
  })

  it('flags the acronyms the text uses but does not define', () => {
    // From the seed's own text: ONSET, ASSTPLUS and LGBT are used and not in its glossary; SWP, YOT and DHRs are.
    const text =
      'The SWP funds the YOT. 70 ONSET and ASSTPLUS assessments; two ONSET plans. DHRs continue. ' +
      'Wolverhampton LGBT Alliance. Small and medium enterprises (SMEs) and SMEs again. {{figure:kpi:WMP:outturn}}'
    assert.deepEqual(undefinedAcronyms(text, DEFAULT_GLOSSARY), [
      { acronym: 'ASSTPLUS', uses: 1 },
      { acronym: 'LGBT', uses: 1 },
      { acronym: 'ONSET', uses: 2 },
    ])
  })

  it('reads the glossary form, one entry a line', () => {
    assert.deepEqual(parseGlossary('SWP: Safer Wolverhampton Partnership\nYOT\tYouth Offending Team\n\nnonsense'), {
      entries: [
        { term: 'SWP', meaning: 'Safer Wolverhampton Partnership' },
        { term: 'YOT', meaning: 'Youth Offending Team' },
      ],
      problems: ['Line 4: write the term, a colon, then its meaning'],
    })
  })
})
