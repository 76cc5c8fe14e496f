import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { countChange, headlineFigures, type AreaYears } from './headline-figures.ts'
import {
  changeHeadline,
  changeSentence,
  formatPValue,
  significanceSentence,
  snapshotSentences,
} from './snapshot-sentences.ts'

// Expected p-values from an exact binomial sum in Python (fractions + math.comb), as in src/domain/statistics.ts's
// tests: 191 → 221: 0.15300; 33 → 63: 0.0028786; 389 → 424: 0.23307; 100 → 90: 0.51391.

describe('snapshot sentences in the register of the annual report', () => {
  it('writes the total recorded crime headline: 18,669 → 21,210 is a 13.6% increase of 2,541 offences', () => {
    // 2,541 / 18,669 = 13.61…%, by hand.
    assert.equal(
      changeHeadline('Total Recorded Crime', countChange(18669, 21210)),
      '13.6% increase in Total Recorded Crime (2,541 offences)',
    )
    assert.equal(
      changeHeadline('Total Recorded Crime', countChange(100, 90)),
      '10.0% decrease in Total Recorded Crime (10 offences)',
    )
    assert.equal(
      changeHeadline('Robbery', countChange(0, 1)),
      'An increase of 1 offence in Robbery (none the year before)',
    )
    assert.equal(changeHeadline('Robbery', countChange(7, 7)), 'No change in Robbery (7 offences in both years)')
  })

  it('writes per-offence lines: Robbery 389 → 424 "increased by 35 offences (9.0%)"', () => {
    assert.equal(changeSentence('Robbery', countChange(389, 424)), 'Robbery increased by 35 offences (9.0%).')
    assert.equal(changeSentence('Burglary', countChange(224, 188)), 'Burglary decreased by 36 offences (16.1%).')
    assert.equal(changeSentence('Drugs', countChange(5, 5)), 'Drugs did not change (5 offences).')
  })

  it('says whether a change is real or normal variation, with the p-value', () => {
    assert.equal(
      significanceSentence(countChange(191, 221)),
      'The change is within normal variation (exact Poisson test, p = 0.153).',
    )
    assert.equal(
      significanceSentence(countChange(33, 63)),
      'The change is a real increase rather than normal variation (exact Poisson test, p = 0.003).',
    )
    assert.equal(formatPValue(0.0002), 'p < 0.001')
    assert.equal(formatPValue(0.51391), 'p = 0.514') // three places everywhere (issue 9)
    // A negative count (ONS note 3) has no Poisson reading.
    assert.equal(significanceSentence(countChange(-3, 5)), null)
  })

  it('writes the snapshot for a partnership: change and rank, rate rank, share of the force, peer group rank', () => {
    // Four partnerships worked by hand. Rates per 1,000: A 400/4000 = 100, B 190/2375 = 80, C 240/2000 = 120,
    // D 170/2125 = 80 (a tie with B). The force: 1,000 offences this year, 910 last year.
    const areas: AreaYears[] = [
      { code: 'A', name: 'Avon', thisYear: 400, lastYear: 364, population: { population: 4000, source: 'x' } },
      { code: 'B', name: 'Brook', thisYear: 190, lastYear: 200, population: { population: 2375, source: 'x' } },
      { code: 'C', name: 'Cray', thisYear: 240, lastYear: 200, population: { population: 2000, source: 'x' } },
      { code: 'D', name: 'Dart', thisYear: 170, lastYear: 170, population: { population: 2125, source: 'x' } },
    ]
    const h = headlineFigures({
      measure: 'Total Recorded Crime',
      source: 'test',
      partnershipCode: 'A',
      forceName: 'Westshire',
      yearLabel: '2017-2018',
      previousYearLabel: '2016-2017',
      forceAreas: areas,
      forceTotal: { thisYear: 1000, lastYear: 910, basis: 'sum' },
      peerGroup: { name: 'MSG', source: 'Home Office iQuanta', asOf: '2018-03-31', members: [areas[0]!, areas[2]!] },
    })
    // A: 364 → 400 = +36 (+9.9%); rank by change: B -5%, D 0%, A +9.9%, C +20% → 3rd. Rate: B 80, D 80, A 100, C 120 → 3rd.
    // Share: 400/1000 = 40.0%; last year 364/910 = 40.0%. Peer group (A 100, C 120): 1st of 2.
    assert.deepEqual(
      snapshotSentences(h).filter((s) => !s.startsWith('The change is')),
      [
        '9.9% increase in Total Recorded Crime (36 offences). Ranked 3rd of 4 partnerships in the Westshire police force area for the change (the lowest increase or largest fall ranks 1st).',
        'Avon was ranked the 3rd best performing of the 4 partnerships in the Westshire police force area, with 100.0 recorded crimes per 1,000 residents (the lowest rate ranks 1st).',
        'Avon accounted for 40.0% of the total recorded crime in the Westshire police force area (40.0% in 2016-2017).',
        'Avon ranked 1st of 2 areas within its most similar grouping, by recorded crime per 1,000 residents (the lowest rate ranks 1st; group "MSG", Home Office iQuanta, 2018-03-31).',
      ],
    )
    const brook = headlineFigures({ ...inputFor(areas), partnershipCode: 'B' })
    assert.match(
      snapshotSentences(brook)[2]!,
      /^Brook was ranked the best performing of the 4 partnerships .* \(joint with Dart\), with 80\.0 recorded crimes/,
    )
  })
})

function inputFor(areas: AreaYears[]) {
  return {
    measure: 'Total Recorded Crime',
    source: 'test',
    partnershipCode: 'A',
    forceName: 'Westshire',
    yearLabel: '2017-2018',
    previousYearLabel: '2016-2017',
    forceAreas: areas,
    forceTotal: { thisYear: 1000, lastYear: 910, basis: 'sum' },
    peerGroup: null,
  }
}
