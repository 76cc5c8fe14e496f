import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  domesticAbuse,
  domesticAbuseValues,
  firearms,
  firearmsValues,
  firstTimeEntrants,
  firstTimeEntrantsValues,
  forcedMarriage,
  forcedMarriageValues,
  hateCrime,
  hateCrimeValues,
  indicator,
  knifeCrime,
  knifeCrimeValues,
  ppvwi,
  ppvwiValues,
  provenReoffending,
  provenReoffendingBaseline,
  provenReoffendingValues,
  reported,
  robbery,
  robberyValues,
  youthCustody,
  youthCustodyBaseline,
  youthCustodyValues,
  godoc,
  godocValues,
  dip,
  dipValues,
} from './appendix-c.fixture.ts'
import { valuesByPeriod, yearOutturn } from './aggregation.ts'
import type { Baseline, Indicator, IndicatorValue } from './indicator.ts'
import {
  changeOnBaseline,
  changeOnLastYear,
  judgeOutcome,
  judgeTarget,
  latestPeriodChanges,
  measureChange,
  nextBaseline,
  targetLabel,
  testSignificance,
} from './judgement.ts'

const rolling = (indicatorId: string, value: number): Baseline => ({
  indicatorId,
  year: 'FY2017-18',
  source: 'previous-outturn',
  value,
})

/** The year judged against last year's outturn as baseline, as most of Appendix C is. */
function judge(kpi: Indicator, values: readonly IndicatorValue[], baseline: Baseline | null = null) {
  const outturn = yearOutturn(kpi, 'FY2017-18', values)
  const previous = yearOutturn(kpi, 'FY2016-17', values)
  const used = baseline ?? (previous.value === null ? null : rolling(kpi.id, previous.value))
  const change = changeOnBaseline(kpi, used, outturn)
  return {
    outturn,
    previous,
    change,
    outcome: judgeOutcome(kpi.preferredDirection, change),
    significance: testSignificance(kpi, previous, outturn),
    next: nextBaseline(kpi, used, outturn),
    latest: latestPeriodChanges(kpi, 'FY2017-18', valuesByPeriod(values, kpi.id)),
  }
}

describe('measuring a change', () => {
  it("gives knife crime +30 on 191 as +15.7%, not the report's 16.5%", () => {
    const c = measureChange(191, 221, 'count')
    assert.equal(c.absolute, 30)
    assert.equal(c.percent, 15.7) // 30 / 191 = 0.157068…
    assert.equal(c.display, '+30 (+15.7%)')
    assert.equal(c.from, 191)
    assert.equal(c.to, 221)
  })

  it('has no relative change from zero', () => {
    const c = measureChange(0, 3, 'count')
    assert.equal(c.percent, null)
    assert.equal(c.display, '+3')
  })

  it('measures a proportion in percentage points, with the relative change beside it', () => {
    // 9.9% → 19/201 = 9.4527…%: −0.447 points, −4.52% relative.
    const c = measureChange(9.9, (19 / 201) * 100, 'percentage-points')
    assert.equal(c.absolute, -0.4)
    assert.equal(c.percent, -4.5)
    assert.match(c.display, /^-0\.4 percentage points \(.4\.5%\)$/)
  })
})

describe('the outcome against the preferred direction (Appendix C 2017/18)', () => {
  it('knife crime 191 → 221: not achieved (to reduce), within normal variation, new baseline 221', () => {
    const j = judge(knifeCrime, knifeCrimeValues)
    assert.equal(j.change?.absolute, 30)
    assert.equal(j.change?.percent, 15.7)
    assert.equal(j.outcome, 'not-achieved')
    assert.equal(j.significance?.test, 'poisson-exact')
    // Exact conditional test, computed independently with Python's math.comb: p = 0.15300
    assert.ok(j.significance && Math.abs(j.significance.pValue - 0.153) < 0.001)
    assert.equal(j.significance?.significant, false)
    assert.equal(j.significance?.reading, 'within normal variation')
    assert.equal(j.next, 221)
  })

  it('personal robbery 343 → 369: +26 (+7.6%), not achieved', () => {
    const j = judge(robbery, robberyValues)
    assert.equal(j.outturn.value, 369)
    assert.equal(j.change?.absolute, 26)
    assert.equal(j.change?.percent, 7.6) // 26 / 343 = 0.07580…
    assert.equal(j.outcome, 'not-achieved')
    assert.equal(j.next, 369)
  })

  it('first time entrants 131 → 121: achieved', () => {
    const j = judge(firstTimeEntrants, firstTimeEntrantsValues)
    assert.equal(j.change?.absolute, -10)
    assert.equal(j.change?.percent, -7.6) // −10 / 131 = −0.07633…
    assert.equal(j.outcome, 'achieved')
  })

  it('firearms 33 → 63: not achieved, and a real increase', () => {
    const j = judge(firearms, firearmsValues)
    assert.equal(j.previous.value, 33)
    assert.equal(j.outturn.value, 63)
    assert.equal(j.outcome, 'not-achieved')
    // Python math.comb: p = 0.00288
    assert.ok(j.significance && Math.abs(j.significance.pValue - 0.00288) < 0.0002)
    assert.equal(j.significance?.significant, true)
    assert.equal(j.significance?.reading, 'a real increase')
  })

  it('hate crime 374 → 385 (hidden harm, to increase): achieved, within normal variation', () => {
    const j = judge(hateCrime, hateCrimeValues)
    assert.equal(j.change?.absolute, 11)
    assert.equal(j.change?.percent, 2.9) // 11 / 374 = 0.02941…
    assert.equal(j.outcome, 'achieved')
    assert.ok(j.significance && Math.abs(j.significance.pValue - 0.7166) < 0.001)
    assert.equal(j.next, 385)
  })

  it('domestic abuse 6,031 → 6,251: achieved (to increase); +220 is +3.6%', () => {
    const j = judge(domesticAbuse, domesticAbuseValues)
    assert.equal(j.change?.absolute, 220)
    assert.equal(j.change?.percent, 3.6) // 220 / 6031 = 0.03648
    assert.equal(j.outcome, 'achieved')
    assert.equal(j.next, 6251)
    // Python math.comb: p = 0.0481 — a real increase at the 5% level
    assert.ok(j.significance && Math.abs(j.significance.pValue - 0.0481) < 0.001)
  })

  it('forced marriage 5 → 4: not achieved (to increase), new baseline 4', () => {
    const j = judge(forcedMarriage, forcedMarriageValues)
    assert.equal(j.change?.absolute, -1)
    assert.equal(j.change?.percent, -20)
    assert.equal(j.outcome, 'not-achieved')
    assert.equal(j.next, 4)
    // 4 against 5 out of 9 is the likeliest split of Binomial(9, ½) after 5–4 itself: p = 1.
    assert.ok(j.significance && Math.abs(j.significance.pValue - 1) < 1e-9)
  })

  it('youth custody against the fixed 9.9%: achieved, in percentage points, and no rolling baseline', () => {
    const j = judge(youthCustody, youthCustodyValues, youthCustodyBaseline)
    assert.equal(j.change?.absolute, -0.4)
    assert.equal(j.outcome, 'achieved')
    assert.equal(j.next, null) // a fixed baseline does not roll
    assert.equal(j.significance?.test, 'two-proportions')
    // 26/172 against 19/201: pooled z-test p = 0.094 (Python); Fisher's exact gives a similar, larger figure.
    assert.ok(j.significance && j.significance.pValue > 0.05 && j.significance.pValue < 0.2)
    assert.equal(j.significance?.significant, false)
    const onLastYear = changeOnLastYear(youthCustody, j.previous, j.outturn)
    // 15.116% → 9.453%: −5.66 points, −37.5% relative
    assert.equal(onLastYear?.absolute, -5.7)
    assert.equal(onLastYear?.percent, -37.5)
  })

  it('proven reoffending with Q4 not available: insufficient data, no change, no new baseline', () => {
    const j = judge(provenReoffending, provenReoffendingValues, provenReoffendingBaseline)
    assert.equal(j.outturn.complete, false)
    assert.equal(j.change, null)
    assert.equal(j.outcome, 'insufficient-data')
    assert.equal(j.next, null)
    assert.equal(j.significance, null)
  })

  it('a stock is judged on its latest figure and has no significance test', () => {
    const baseline = rolling('godoc-gang-members', 40)
    const j = judge(godoc, godocValues, baseline)
    assert.equal(j.change?.absolute, -9)
    assert.equal(j.outcome, 'achieved')
    assert.equal(j.significance, null)
    assert.equal(j.next, 31)
  })

  it('has no significance test for published percentages without counts', () => {
    const previous = yearOutturn(dip, 'FY2016-17', dipValues)
    const complete = yearOutturn(dip, 'FY2017-18', [
      ...dipValues.filter((v) => v.period !== 'FY2017-18-Q4'),
      reported('dip-positive-tests', 'FY2017-18-Q4', { percent: 60 }),
    ])
    assert.equal(testSignificance(dip, previous, complete), null)
    assert.equal(judgeOutcome('none', measureChange(63.3, 66.2, 'percentage-points')), 'no-preferred-direction')
  })

  it('no change, and no baseline', () => {
    assert.equal(judgeOutcome('increase', measureChange(24, 24, 'count')), 'no-change')
    assert.equal(judgeOutcome('increase', null), 'insufficient-data')
    const outturn = yearOutturn(knifeCrime, 'FY2017-18', knifeCrimeValues)
    assert.equal(changeOnBaseline(knifeCrime, null, outturn), null)
  })
})

describe('comparing the latest quarter', () => {
  it('public place violence with injury: Q4 260 against Q3 302 is a 13.9% decrease (as the report says)', () => {
    const j = judge(ppvwi, ppvwiValues)
    assert.equal(j.latest.latest?.period, 'FY2017-18-Q4')
    assert.equal(j.latest.quarterOnQuarter?.absolute, -42)
    assert.equal(j.latest.quarterOnQuarter?.percent, -13.9) // −42 / 302 = −0.13907
    assert.equal(j.latest.quarterOnQuarter?.fromPeriod, 'FY2017-18-Q3')
    // Q4 2016/17 was 264: −4 (−1.5%)
    assert.equal(j.latest.sameQuarterLastYear?.absolute, -4)
    assert.equal(j.latest.sameQuarterLastYear?.percent, -1.5)
  })

  it('knife crime Q4: +16 (+31.4%) on Q4 last year, +11 (+19.6%) on Q3', () => {
    const j = judge(knifeCrime, knifeCrimeValues)
    assert.equal(j.latest.sameQuarterLastYear?.display, '+16 (+31.4%)')
    assert.equal(j.latest.quarterOnQuarter?.display, '+11 (+19.6%)')
  })

  it('youth custody Q4 in percentage points: 7/46 against 6/50 is +3.2 points', () => {
    const j = judge(youthCustody, youthCustodyValues, youthCustodyBaseline)
    // 15.217% − 12% = 3.217; relative 26.8%. Against 3/43 = 6.977%: +8.24 points, +118.1%.
    assert.equal(j.latest.quarterOnQuarter?.absolute, 3.2)
    assert.equal(j.latest.quarterOnQuarter?.percent, 26.8)
    assert.equal(j.latest.sameQuarterLastYear?.absolute, 8.2)
    assert.equal(j.latest.sameQuarterLastYear?.percent, 118.1)
  })

  it('takes the latest quarter with a figure when Q4 is not available', () => {
    const j = judge(provenReoffending, provenReoffendingValues, provenReoffendingBaseline)
    assert.equal(j.latest.latest?.period, 'FY2017-18-Q3')
    // 522/1723 = 30.296% against 512/1683 = 30.422%: −0.1 points
    assert.equal(j.latest.quarterOnQuarter?.absolute, -0.1)
    assert.equal(j.latest.sameQuarterLastYear, null) // 2016/17 Q3 was not given
  })
})

describe('targets', () => {
  const homicides = indicator({
    id: 'dh',
    name: 'Number of Domestic Homicides',
    measureType: 'count',
    preferredDirection: 'reduce',
    target: { kind: 'absolute', value: 0, comparison: 'at-most' },
  })
  const dhValues = (q: readonly (number | null)[]) =>
    q.flatMap((value, i) => (value === null ? [] : [reported('dh', `FY2017-18-Q${i + 1}`, { value })]))

  it('an absolute target: 0 domestic homicides', () => {
    assert.equal(targetLabel(homicides, homicides.target!), 'At most 0')
    assert.equal(judgeTarget(homicides, yearOutturn(homicides, 'FY2017-18', dhValues([0, 0, 0, 0])), null), 'achieved')
    assert.equal(
      judgeTarget(homicides, yearOutturn(homicides, 'FY2017-18', dhValues([0, 1, 0, 0])), null),
      'not-achieved',
    )
    // Three quarters of 0: the year could still miss it.
    assert.equal(
      judgeTarget(homicides, yearOutturn(homicides, 'FY2017-18', dhValues([0, 0, 0, null])), null),
      'insufficient-data',
    )
    // One homicide already: missed, whatever the last quarter brings.
    assert.equal(
      judgeTarget(homicides, yearOutturn(homicides, 'FY2017-18', dhValues([1, 0, 0, null])), null),
      'not-achieved',
    )
  })

  it('an at-least target on a proportion: non-police MARAC referrals 40%', () => {
    const marac = indicator({
      id: 'marac',
      name: 'Non-police MARAC referrals',
      measureType: 'proportion',
      preferredDirection: 'increase',
      target: { kind: 'absolute', value: 40, comparison: 'at-least' },
    })
    const year = (num: number) =>
      [1, 2, 3, 4].map((q) => reported('marac', `FY2017-18-Q${q}`, { numerator: num, denominator: 100 }))
    assert.equal(targetLabel(marac, marac.target!), 'At least 40.0%') // one decimal, as every percentage
    assert.equal(judgeTarget(marac, yearOutturn(marac, 'FY2017-18', year(37)), null), 'not-achieved')
    assert.equal(judgeTarget(marac, yearOutturn(marac, 'FY2017-18', year(40)), null), 'achieved')
  })

  it('a relative target needs the reference year: PPVWI "5% lower than 2015/16" has no 2015/16 outturn', () => {
    const outturn = yearOutturn(ppvwi, 'FY2017-18', ppvwiValues)
    const reference = yearOutturn(ppvwi, 'FY2015-16', ppvwiValues)
    assert.equal(targetLabel(ppvwi, ppvwi.target!), '5.0% lower than 2015/16') // one decimal, as every percentage
    assert.equal(judgeTarget(ppvwi, outturn, reference), 'insufficient-data')
    assert.equal(judgeTarget(ppvwi, outturn, null), 'insufficient-data')
  })

  it('a relative target met and missed', () => {
    // 2015/16 of 1,200: 5% lower is at most 1,140. 1,151 misses it; 1,128 meets it.
    const withReference = [
      ...ppvwiValues,
      ...[300, 300, 300, 300].map((value, i) => reported('ppvwi', `FY2015-16-Q${i + 1}`, { value })),
    ]
    const reference = yearOutturn(ppvwi, 'FY2015-16', withReference)
    assert.equal(judgeTarget(ppvwi, yearOutturn(ppvwi, 'FY2017-18', withReference), reference), 'not-achieved')
    assert.equal(judgeTarget(ppvwi, yearOutturn(ppvwi, 'FY2016-17', withReference), reference), 'achieved')
  })

  it('no target, no target outcome', () => {
    assert.equal(judgeTarget(knifeCrime, yearOutturn(knifeCrime, 'FY2017-18', knifeCrimeValues), null), null)
  })
})
