import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { countChange, headlineFigures } from '../crime/headlines/headline-figures.ts'
import type { HeadlineReport } from '../crime/headlines/headlines-service.ts'
import { resolveCitations, type FigureSources } from './assessment-citations.ts'

/**
 * A force of three partnerships, hand-made: Ashton 1,000 → 1,100 crimes (+10%), 100,000 residents (11.0 per 1,000);
 * Bexley 600 → 500 (−16.7%), 50,000 (10.0); Carrow 2,000 → 2,000 (0%), 100,000 (20.0). By rate (lowest first)
 * Bexley, Ashton, Carrow: Ashton 2nd of 3. By change (largest fall first) Bexley, Carrow, Ashton: Ashton 3rd of 3.
 */
function ashton(): HeadlineReport {
  const area = (code: string, name: string, lastYear: number, thisYear: number, population: number) => ({
    code,
    name,
    lastYear,
    thisYear,
    population: { population, source: 'test' },
  })
  const figures = headlineFigures({
    measure: 'Total Recorded Crime',
    source: 'data.police.uk street-level crime',
    partnershipCode: 'A',
    forceName: 'Testshire',
    yearLabel: '2017-2018',
    previousYearLabel: '2016-2017',
    forceAreas: [
      area('A', 'Ashton', 1000, 1100, 100_000),
      area('B', 'Bexley', 600, 500, 50_000),
      area('C', 'Carrow', 2000, 2000, 100_000),
    ],
    forceTotal: { thisYear: 3600, lastYear: 3600, basis: 'the sum' },
    peerGroup: null,
  })
  return {
    figures,
    quarters: [],
    breakdown: [{ measure: 'Robbery', change: countChange(30, 33) }],
    // What the crime page prints: the snapshot sentences, then one per crime type.
    sentences: ['First snapshot sentence.', 'Second snapshot sentence.', 'Robbery increased by 3 offences (10.0%).'],
    notes: [],
  }
}

const sources = (crime: () => Promise<HeadlineReport>): FigureSources => ({
  report: async () => null,
  crimeHeadlines: crime,
})

describe('citations of police recorded crime', () => {
  it('cites the crime page’s own sentences and ranks', async () => {
    const cited = await resolveCitations(
      [
        { kind: 'crime-headline', key: 'total', period: 'FY2017-18' },
        { kind: 'crime-headline', key: 'Robbery', period: 'FY2017-18' },
        { kind: 'crime-rank', key: 'rate', period: 'FY2017-18' },
        { kind: 'crime-rank', key: 'change', period: 'FY2017-18' },
        { kind: 'crime-rank', key: 'peer-group', period: 'FY2017-18' },
        { kind: 'crime-headline', key: 'Burglary', period: 'FY2017-18' },
      ],
      sources(async () => ashton()),
    )
    assert.deepEqual(
      cited.map((c) => c.value),
      [
        'First snapshot sentence. Second snapshot sentence.',
        'Robbery increased by 3 offences (10.0%).',
        '2nd of 3',
        '3rd of 3',
        null,
        null,
      ],
    )
    assert.match(cited[0]?.source ?? '', /data\.police\.uk street-level crime, 2017-2018/)
    assert.match(cited[4]?.unavailable ?? '', /Not ranked in 2017-2018/)
    assert.match(cited[5]?.unavailable ?? '', /No figure for "Burglary" in 2017-2018/)
  })

  it('asks for each year’s headlines once, and says why when there are none', async () => {
    let asked = 0
    const cited = await resolveCitations(
      [
        { kind: 'crime-headline', key: 'total', period: 'FY2017-18' },
        { kind: 'crime-rank', key: 'rate', period: 'FY2017-18' },
      ],
      sources(async () => {
        asked++
        throw new Error('Wolverhampton has no ONS code')
      }),
    )
    assert.equal(asked, 1)
    assert.deepEqual(
      cited.map((c) => [c.value, c.unavailable]),
      [
        [null, 'No police recorded crime headlines: Wolverhampton has no ONS code'],
        [null, 'No police recorded crime headlines: Wolverhampton has no ONS code'],
      ],
    )
  })

  it('says a KPI figure is missing when the year has no report', async () => {
    const [cited] = await resolveCitations(
      [{ kind: 'kpi-outturn', key: 'knife-crime', period: 'FY2030-31' }],
      sources(async () => ashton()),
    )
    assert.equal(cited?.value, null)
    assert.equal(cited?.unavailable, 'No KPI figures are stored for 2030/31.')
  })
})
