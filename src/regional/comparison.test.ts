import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  absentValue,
  firearms,
  firearmsValues,
  knifeCrime,
  provenReoffending,
  quarterlyCounts,
  reported,
} from '../domain/appendix-c.fixture.ts'
import { buildPerformanceReport } from '../domain/build-performance-report.ts'
import type { Indicator, IndicatorValue } from '../domain/indicator.ts'
import { compareKpi, sharedKpis, type PartnershipFigures } from './comparison.ts'

/*
 * Expected values, worked out by hand and with Python (not with this code):
 * - Wolverhampton: knife crime 40+49+51+51 = 191 in 2016/17, 49+49+56+67 = 221 in 2017/18: +30, 30/191 = +15.7%.
 *   Exact test of two Poisson counts = binomial test of 221 in 412 at p = 0.5, two-sided:
 *   2 × Σ_{k≥221} C(412,k)/2^412 = 0.15300 (scipy.stats.binomtest(221, 412).pvalue = 0.152996…): within normal
 *   variation. Rate: 221 / 272,425 × 1,000 = 0.81123 → 0.81.
 * - Walsall: 49+49+56+100 = 254 against 191: +63, 63/191 = +33.0%; binomial test of 254 in 445: p = 0.003247 → a
 *   real increase. Rate: 254 / 288,736 × 1,000 = 0.87970 → 0.88.
 * - Dudley: 2017/18 Q4 not yet available: no rate (a part year) and no test.
 * - Sandwell: no figures for the year at all.
 */
const YEAR = 'FY2017-18'

function report(name: string, indicators: readonly Indicator[], values: readonly IndicatorValue[]) {
  return buildPerformanceReport({ partnership: name, year: YEAR, indicators, values, baselines: [] })
}

const wolverhampton = report(
  'Wolverhampton',
  [knifeCrime, firearms, provenReoffending],
  [
    ...quarterlyCounts('knife-crime', [40, 49, 51, 51], [49, 49, 56, 67]),
    ...firearmsValues,
    reported('proven-reoffending', 'FY2017-18-Q1', { numerator: 578, denominator: 1739 }),
  ],
)
const walsall = report(
  'Walsall',
  [knifeCrime, provenReoffending],
  [
    ...quarterlyCounts('knife-crime', [40, 49, 51, 51], [49, 49, 56, 100]),
    reported('proven-reoffending', 'FY2017-18-Q1', { numerator: 500, denominator: 1700 }),
  ],
)
const dudley = report(
  'Dudley',
  [knifeCrime, firearms],
  [
    ...quarterlyCounts('knife-crime', [40, 49, 51, 51], [49, 49, 56]),
    absentValue('knife-crime', 'FY2017-18-Q4', 'not-yet-available', 'Not in yet'),
    ...firearmsValues,
  ],
)

const figures: PartnershipFigures[] = [
  {
    partnership: { id: 1, name: 'Wolverhampton' },
    report: wolverhampton,
    population: { population: 272_425, source: 'ONS mid-2023 population estimate' },
  },
  {
    partnership: { id: 2, name: 'Walsall' },
    report: walsall,
    population: { population: 288_736, source: 'ONS mid-2023 population estimate' },
  },
  { partnership: { id: 3, name: 'Dudley' }, report: dudley, population: null },
  { partnership: { id: 4, name: 'Sandwell' }, report: null, population: null },
]

describe('comparing partnerships that share a KPI', () => {
  it('lists the KPI codes two or more partnerships report, with how many', () => {
    const shared = sharedKpis([wolverhampton, walsall, dudley, null])
    assert.deepEqual(
      shared.map((k) => [k.code, k.partnerships]),
      [
        ['firearms', 2],
        ['proven-reoffending', 2],
        ['knife-crime', 3],
      ].sort((a, b) => {
        const name = (code: unknown) => [firearms, provenReoffending, knifeCrime].find((i) => i.id === code)?.name ?? ''
        return name(a[0]).localeCompare(name(b[0]), 'en-GB')
      }),
    )
    // A code only one partnership reports is no comparison.
    assert.deepEqual(sharedKpis([wolverhampton, null]), [])
  })

  it('sets each partnership’s outturn, change, significance and rate per 1,000 side by side', () => {
    const comparison = compareKpi('knife-crime', figures)
    assert.ok(comparison)
    assert.equal(comparison.yearLabel, '2017/18')
    assert.equal(comparison.ratesApply, true)
    const [wolves, wal, dud, sand] = comparison.rows
    assert.ok(wolves && wal && dud && sand)

    assert.equal(wolves.outturn, 221)
    assert.match(wolves.changeOnLastYear ?? '', /\+30\b/)
    assert.match(wolves.changeOnLastYear ?? '', /\+15\.7%/)
    assert.equal(wolves.significance, 'Within normal variation (p = 0.153)')
    assert.equal(wolves.significant, false)
    assert.ok(Math.abs((wolves.rate ?? 0) - 0.8112324) < 1e-6)
    assert.equal(wolves.rateDisplay, '0.81')
    assert.equal(wolves.populationDisplay, '272,425')

    assert.equal(wal.outturn, 254)
    assert.match(wal.changeOnLastYear ?? '', /\+63\b/)
    assert.match(wal.changeOnLastYear ?? '', /\+33\.0%/)
    assert.equal(wal.significance, 'A real increase on last year (p = 0.003)')
    assert.equal(wal.significant, true)
    assert.equal(wal.rateDisplay, '0.88')

    assert.equal(dud.complete, false)
    assert.equal(dud.rate, null)
    assert.equal(dud.rateNote, 'Not given: the year is incomplete')
    assert.equal(dud.significance, 'Not tested: a year is incomplete')

    assert.equal(sand.reported, false)
    assert.equal(sand.outturnDisplay, 'No figures for this year')
    assert.equal(sand.rate, null)

    assert.match(
      comparison.summary,
      /Per 1,000 residents, highest Walsall \(0\.88 per 1,000\), lowest Wolverhampton \(0\.81 per 1,000\)\./,
    )
    assert.match(comparison.summary, /A real change on last year in Walsall \(a real increase\)\./)
  })

  it('gives no rate for a proportion, and says which partnerships do not report the KPI', () => {
    const comparison = compareKpi('proven-reoffending', figures)
    assert.ok(comparison)
    assert.equal(comparison.ratesApply, false)
    assert.ok(comparison.rows.every((r) => r.rate === null && r.rateNote === null))
    assert.equal(comparison.rows[2]?.outturnDisplay, 'Does not report this KPI')
    assert.equal(comparison.rows[3]?.outturnDisplay, 'No figures for this year')
    // One quarter of four in each: no year is complete, so nothing was tested, and the summary says so.
    assert.match(
      comparison.summary,
      /2 of 4 partnerships have an outturn\. .*No change on last year could be tested\.$/,
    )
  })

  it('gives no rate where the population is unknown, and no comparison of a KPI nobody reports', () => {
    const withoutPopulation = compareKpi('knife-crime', [{ ...figures[0], population: null } as PartnershipFigures])
    assert.equal(withoutPopulation?.rows[0]?.rateNote, 'Not given: no population is known for this partnership')
    assert.equal(compareKpi('no-such-kpi', figures), null)
  })
})
