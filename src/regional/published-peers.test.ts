import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { PublicFigure, PublicKpi } from '../public/public-report.ts'
import { peerRows } from './published-peers.ts'

function figure(count: number | null, fields: Partial<PublicFigure> = {}): PublicFigure {
  return {
    period: 'FY2017-18',
    label: '2017/18',
    display: count === null ? '<5' : String(count),
    count,
    denominator: null,
    percent: null,
    rate: null,
    text: null,
    suppressed: count === null,
    completeness: null,
    complete: null,
    asAt: null,
    ...fields,
  }
}

function kpi(thisYear: (number | null)[], lastYearTotal: number | null, fields: Partial<PublicKpi> = {}): PublicKpi {
  const known = thisYear.filter((n): n is number => n !== null)
  return {
    id: 'knife-crime',
    name: 'Knife crime',
    priority: 'Violence Prevention',
    theme: 'Gangs and Youth Crime',
    dataOwner: 'SWP Analyst',
    measureType: 'count',
    directionLabel: 'Reduce',
    outcomeLabel: 'Not achieved',
    trend: 'worsening',
    significance: 'a real increase',
    thisYear: {
      periods: thisYear.map((n) => figure(n)),
      total: figure(known.length === thisYear.length ? known.reduce((a, b) => a + b, 0) : null),
    },
    lastYear: { periods: [], total: figure(lastYearTotal) },
    commentary: null,
    commentaryWithheld: false,
    commentaryReworded: false,
    relations: [],
    likeForLike: null,
    ...fields,
  }
}

const walsall = { name: 'Walsall', slug: 'walsall' }
const population = { population: 288_736, source: 'ONS mid-2023 population estimate' }

describe("a KPI page's peers, from what they published", () => {
  it('gives the published outturn, its change on the year before, the significance in words and the rate', () => {
    // 49 + 49 + 56 + 100 = 254 against 191: +63, 63/191 = +33.0%; 254 / 288,736 × 1,000 = 0.8797 → 0.88.
    const [row] = peerRows([
      { partnership: walsall, year: 'FY2017-18', yearLabel: '2017/18', kpi: kpi([49, 49, 56, 100], 191), population },
    ])
    assert.deepEqual(row, {
      partnershipName: 'Walsall',
      publicHref: '/p/walsall/public/performance/2017-18',
      yearLabel: '2017/18',
      outturnDisplay: '254',
      lastYearDisplay: '191',
      changeOnLastYear: '+63 (+33.0%)',
      significance: 'A real increase',
      rateDisplay: '0.88',
      rateNote: null,
      populationSource: 'ONS mid-2023 population estimate',
    })
  })

  it('works nothing out from a withheld count, and gives no rate for a part year or an unknown population', () => {
    const [withheldNow, withheldBefore, partYear, unknown] = peerRows([
      { partnership: walsall, year: 'FY2017-18', yearLabel: '2017/18', kpi: kpi([1, 1, 1, null], 191), population },
      { partnership: walsall, year: 'FY2017-18', yearLabel: '2017/18', kpi: kpi([9, 9, 9, 9], null), population },
      {
        partnership: walsall,
        year: 'FY2017-18',
        yearLabel: '2017/18',
        kpi: {
          ...kpi([9, 9, 9, 9], 30),
          thisYear: {
            periods: [figure(9), figure(9), figure(9), figure(null, { suppressed: false, display: 'not available' })],
            total: figure(27),
          },
        },
        population,
      },
      { partnership: walsall, year: 'FY2017-18', yearLabel: '2017/18', kpi: kpi([9, 9, 9, 9], 30), population: null },
    ])
    assert.equal(withheldNow?.changeOnLastYear, null)
    assert.equal(withheldNow?.rateDisplay, null)
    assert.equal(withheldNow?.rateNote, 'Not given: no published count')
    assert.equal(withheldBefore?.changeOnLastYear, null)
    assert.equal(withheldBefore?.rateDisplay, '0.12') // 36 / 288,736 × 1,000 = 0.1247
    assert.equal(partYear?.rateNote, 'Not given: the year is incomplete')
    assert.equal(unknown?.rateNote, 'Not given: no population is known')
    assert.equal(unknown?.changeOnLastYear, '+6 (+20.0%)')
  })

  it('gives no change or rate for a proportion, and says when a change was not tested', () => {
    const [row] = peerRows([
      {
        partnership: walsall,
        year: 'FY2017-18',
        yearLabel: '2017/18',
        kpi: kpi([9, 9, 9, 9], 30, { measureType: 'proportion', significance: null }),
        population,
      },
    ])
    assert.equal(row?.changeOnLastYear, null)
    assert.equal(row?.rateDisplay, null)
    assert.equal(row?.rateNote, null)
    assert.equal(row?.significance, 'Not tested')
  })
})
