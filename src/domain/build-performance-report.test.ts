import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  absentValue,
  dip,
  dipValues,
  domesticAbuse,
  domesticAbuseValues,
  firearms,
  firearmsValues,
  firstTimeEntrants,
  firstTimeEntrantsValues,
  forcedMarriage,
  forcedMarriageValues,
  godoc,
  godocValues,
  HATE_Q4_COMMENTARY,
  hateCrime,
  hateCrimeValues,
  knifeCrime,
  knifeCrimeValues,
  provenReoffending,
  provenReoffendingBaseline,
  provenReoffendingValues,
  reported,
  robbery,
  robberyValues,
  youthCustody,
  youthCustodyBaseline,
  youthCustodyValues,
} from './appendix-c.fixture.ts'
import { buildPerformanceReport } from './build-performance-report.ts'

const indicators = [
  provenReoffending,
  firstTimeEntrants,
  youthCustody,
  dip,
  knifeCrime,
  firearms,
  robbery,
  godoc,
  domesticAbuse,
  forcedMarriage,
  hateCrime,
]
const values = [
  ...provenReoffendingValues,
  ...firstTimeEntrantsValues,
  ...youthCustodyValues,
  ...dipValues,
  ...knifeCrimeValues,
  ...firearmsValues,
  ...robberyValues,
  ...godocValues,
  ...domesticAbuseValues,
  ...forcedMarriageValues,
  ...hateCrimeValues,
]
const baselines = [youthCustodyBaseline, provenReoffendingBaseline]

const report = buildPerformanceReport({
  partnership: 'Safer Wolverhampton Partnership',
  year: 'FY2017-18',
  indicators,
  values,
  baselines,
})
const rowOf = (id: string) => {
  const found = report.themes.flatMap((t) => t.rows).find((r) => r.indicator.id === id)
  assert.ok(found, id)
  return found
}

describe('building the 2017/18 performance report from Appendix C', () => {
  it('names the year and the year it is compared with', () => {
    assert.equal(report.year, 'FY2017-18')
    assert.equal(report.previousYear, 'FY2016-17')
    assert.equal(report.yearLabel, '2017/18')
    assert.equal(report.previousYearLabel, '2016/17')
    assert.equal(report.partnership, 'Safer Wolverhampton Partnership')
  })

  it('groups rows by theme in the order the indicators are given', () => {
    assert.deepEqual(
      report.themes.map((t) => t.theme),
      [
        'Reducing Reoffending',
        'Substance Misuse',
        'Gangs and Youth Crime',
        'Violence Against Women and Girls',
        'Vulnerability',
      ],
    )
    assert.deepEqual(
      report.themes[0]?.rows.map((r) => r.indicator.id),
      ['proven-reoffending', 'first-time-entrants', 'youth-custody'],
    )
    assert.deepEqual(
      report.themes[2]?.rows.map((r) => r.indicator.id),
      ['knife-crime', 'firearms', 'personal-robbery', 'godoc-gang-members'],
    )
  })

  it('sets this year beside last year, quarter by quarter', () => {
    const knife = rowOf('knife-crime')
    assert.deepEqual(
      knife.periods.map((p) => [p.label, p.lastYear.display, p.thisYear.display]),
      [
        ['Quarter 1', '40', '49'],
        ['Quarter 2', '49', '49'],
        ['Quarter 3', '51', '56'],
        ['Quarter 4', '51', '67'],
      ],
    )
    const custody = rowOf('youth-custody')
    assert.equal(custody.periods[1]?.lastYear.display, '26.3% (10/38)')
    const gangs = rowOf('godoc-gang-members')
    assert.equal(gangs.periods[3]?.lastYear.display, 'not collected')
    assert.equal(gangs.periods[3]?.lastYear.reason, 'Q4 2016/17 was not reported')
  })

  it("judges against last year's outturn when no baseline is stored, and says so", () => {
    const knife = rowOf('knife-crime')
    assert.equal(knife.baseline?.value, 191)
    assert.equal(knife.baseline?.source, 'previous-outturn')
    assert.equal(knife.baseline?.display, '191')
    assert.match(knife.baseline?.note ?? '', /2016\/17 outturn/)
    assert.equal(knife.outturn.value, 221)
    assert.equal(knife.previousOutturn.value, 191)
    assert.equal(knife.changeOnBaseline?.display, '+30 (+15.7%)')
    assert.equal(knife.changeOnLastYear?.display, '+30 (+15.7%)')
    assert.equal(knife.outcome, 'not-achieved')
    assert.equal(knife.outcomeLabel, 'Not achieved')
    assert.equal(knife.directionLabel, 'To reduce')
    assert.equal(knife.nextBaseline, 221)
    assert.equal(knife.significance?.significant, false)
  })

  it('uses the stored baseline for the year when there is one', () => {
    const custody = rowOf('youth-custody')
    assert.equal(custody.baseline?.value, 9.9)
    assert.equal(custody.baseline?.source, 'fixed')
    assert.equal(custody.baseline?.display, '9.9%')
    assert.equal(custody.changeOnBaseline?.absolute, -0.4)
    assert.equal(custody.outcome, 'achieved')
    assert.equal(custody.nextBaseline, null)
  })

  it('does not take a baseline from an incomplete year: GODOC 2016/17 lacks Q4', () => {
    const gangs = rowOf('godoc-gang-members')
    assert.equal(gangs.baseline, null)
    assert.equal(gangs.outturn.value, 31)
    assert.equal(gangs.previousOutturn.complete, false)
    assert.equal(gangs.outcome, 'insufficient-data')
    assert.equal(gangs.nextBaseline, 31)
    assert.equal(gangs.significance, null)
  })

  it('keeps the reason a quarter is missing: proven reoffending', () => {
    const r = rowOf('proven-reoffending')
    assert.equal(r.outcome, 'insufficient-data')
    assert.equal(r.outcomeLabel, 'Insufficient data')
    assert.equal(r.periods[3]?.thisYear.display, 'not available')
    assert.equal(r.periods[3]?.thisYear.reason, 'MOJ website does not have an update for Q4')
    assert.equal(r.outturn.gaps?.[0]?.reason, 'MOJ website does not have an update for Q4')
  })

  it("reads the trend over every quarter up to the year's end, oldest first", () => {
    const knife = rowOf('knife-crime')
    assert.deepEqual(
      knife.trend.points.map((p) => p.value),
      [40, 49, 51, 51, 49, 49, 56, 67],
    )
    assert.equal(knife.trend.points[0]?.period, 'FY2016-17-Q1')
    // Proportions trend on their percentages; a missing quarter is left out, not read as 0.
    const reoffending = rowOf('proven-reoffending')
    assert.equal(reoffending.trend.points.length, 3)
    assert.equal(reoffending.trend.direction, 'insufficient-data')
  })

  it('leaves later years out of the trend', () => {
    const later = buildPerformanceReport({
      partnership: 'P',
      year: 'FY2017-18',
      indicators: [knifeCrime],
      values: [...knifeCrimeValues, reported('knife-crime', 'FY2018-19-Q1', { value: 500 })],
      baselines: [],
    })
    assert.equal(later.themes[0]?.rows[0]?.trend.points.length, 8)
  })

  it("gives the data owner's latest commentary of the year", () => {
    assert.equal(rowOf('hate-crime').ownerCommentary, HATE_Q4_COMMENTARY)
    assert.equal(rowOf('knife-crime').ownerCommentary, null)
  })

  it('counts the outcomes and the real changes', () => {
    // Worked by hand from the rows above:
    // achieved: first time entrants, youth custody, domestic abuse, hate crime
    // not achieved: knife crime, firearms, robbery, forced marriage
    // insufficient data: proven reoffending (Q4 missing), GODOC (no baseline)
    // DIP has no preferred direction. Real changes (p < 0.05): firearms 0.003, domestic abuse 0.048.
    // Within normal variation: first time entrants, youth custody, knife crime, robbery, forced marriage, hate crime.
    assert.deepEqual(report.summary, {
      indicators: 11,
      achieved: 4,
      notAchieved: 4,
      insufficientData: 2,
      realChanges: 2,
      withinNormalVariation: 6,
    })
  })

  it('refuses a period that is not a financial year', () => {
    assert.throws(
      () =>
        buildPerformanceReport({ partnership: 'P', year: 'FY2017-18-Q4', indicators: [], values: [], baselines: [] }),
      /financial year/,
    )
  })

  it('a suppressed quarter this year: incomplete, insufficient data, no new baseline', () => {
    const suppressed = buildPerformanceReport({
      partnership: 'P',
      year: 'FY2017-18',
      indicators: [knifeCrime],
      values: [
        ...knifeCrimeValues.filter((v) => v.period !== 'FY2017-18-Q1'),
        absentValue('knife-crime', 'FY2017-18-Q1', 'suppressed', '<5'),
      ],
      baselines: [],
    })
    const r = suppressed.themes[0]?.rows[0]
    assert.equal(r?.periods[0]?.thisYear.display, '<5')
    assert.equal(r?.outturn.complete, false)
    assert.equal(r?.outcome, 'insufficient-data')
    assert.equal(r?.changeOnBaseline, null)
    assert.equal(r?.nextBaseline, null)
    assert.equal(suppressed.summary.insufficientData, 1)
  })

  it('takes the later of two values stored for one period, as a map by period would', () => {
    // Knife crime 2017/18 is 49 + 49 + 56 + 67 = 221; a second, later value of 60 for Q1 makes it 60 + 49 + 56 + 67
    // = 232, and the same values in another order give the same report.
    const later = reported('knife-crime', 'FY2017-18-Q1', { value: 60 })
    const input = (values: typeof knifeCrimeValues) => ({
      partnership: 'P',
      year: 'FY2017-18',
      indicators: [knifeCrime],
      values,
      baselines: [],
    })
    const twice = buildPerformanceReport(input([...knifeCrimeValues, later])).themes[0]?.rows[0]
    assert.equal(twice?.periods[0]?.thisYear.number, 60)
    assert.equal(twice?.outturn.value, 232)
    assert.deepEqual(
      twice?.trend.points.map((p) => p.value),
      [40, 49, 51, 51, 60, 49, 56, 67],
    )
    const reversed = buildPerformanceReport(input([...knifeCrimeValues, later].reverse())).themes[0]?.rows[0]
    // Reversed, the first value of Q1 read is 60 and the later one 49 (from the original list): 49 wins.
    assert.equal(reversed?.outturn.value, 221)
  })

  it('gives the same report whatever order the values come in', () => {
    // Storage gives each KPI's values together and in time order (read as runs, without copying); values of one KPI
    // apart, or a KPI's run out of time order, are read another way. The report cannot depend on which.
    const report = (ordered: typeof values) =>
      buildPerformanceReport({ partnership: 'P', year: 'FY2017-18', indicators, values: ordered, baselines: [] })
    const asStored = report(values)
    // Every KPI's run backwards: each run out of time order from its second value.
    const runsBackwards = indicators.flatMap((i) => values.filter((v) => v.indicatorId === i.id).reverse())
    // The KPIs' values dealt out in turn, so that no KPI's values are together.
    const dealt: typeof values = []
    const byKpi = indicators.map((i) => values.filter((v) => v.indicatorId === i.id))
    for (let k = 0; byKpi.some((list) => k < list.length); k++)
      for (const list of byKpi) if (k < list.length) dealt.push(list[k] as (typeof values)[number])
    assert.equal(dealt.length, values.length)
    assert.deepEqual(report(runsBackwards), asStored)
    assert.deepEqual(report(dealt), asStored)
    assert.deepEqual(report([...values].reverse()), asStored)
    // A value for a period already read, found after the run was in order so far, is still the later one taken.
    const knifeRun = [...knifeCrimeValues, reported('knife-crime', 'FY2017-18-Q1', { value: 60 })]
    const row = report([...values.filter((v) => v.indicatorId !== 'knife-crime'), ...knifeRun])
      .themes.flatMap((t) => t.rows)
      .find((r) => r.indicator.id === 'knife-crime')
    assert.equal(row?.outturn.value, 60 + 49 + 56 + 67)
  })
})
