import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { activeGangMembers, domesticAbuse, fixtureReport, knifeCrime } from '../reports/fixture-report.ts'
import type { IndicatorRow, Outcome, Significance } from './performance-report.ts'
import type { PreferredDirection } from './indicator.ts'
import {
  OUTCOMES,
  REAL_CHANGES,
  TREND_READINGS,
  outturnWithChange,
  latestPeriodHeading,
  readKpi,
  summariseKpis,
  summariseReport,
  summarySentences,
  type RealChange,
  type TrendReading,
} from './kpi-summary.ts'

/**
 * What the year-on-year test means for a KPI, written out case by case (not computed): the specification the
 * summary's "real change" dimension is checked against.
 */
const EXPECTED_CHANGE: Record<string, RealChange> = {
  'untested increase up': 'not-tested',
  'untested reduce up': 'not-tested',
  'untested none up': 'not-tested',
  'untested increase down': 'not-tested',
  'untested reduce down': 'not-tested',
  'untested none down': 'not-tested',
  'normal increase up': 'within-normal-variation',
  'normal reduce up': 'within-normal-variation',
  'normal none up': 'within-normal-variation',
  'normal increase down': 'within-normal-variation',
  'normal reduce down': 'within-normal-variation',
  'normal none down': 'within-normal-variation',
  'real increase up': 'significant-improvement',
  'real reduce up': 'significant-deterioration',
  'real none up': 'significant-change',
  'real increase down': 'significant-deterioration',
  'real reduce down': 'significant-improvement',
  'real none down': 'significant-change',
}

type Test = 'untested' | 'normal' | 'real'
interface Generated {
  readonly id: string
  readonly outcome: Outcome
  readonly test: Test
  readonly direction: PreferredDirection
  readonly up: boolean
  readonly trend: TrendReading
}

function rowOf(g: Generated): IndicatorRow {
  const [before, after] = g.up ? [100, 140] : [140, 100]
  const significance: Significance | null =
    g.test === 'untested'
      ? null
      : g.test === 'normal'
        ? { test: 'poisson-exact', pValue: 0.4, reading: 'within normal variation', significant: false }
        : {
            test: 'poisson-exact',
            pValue: 0.01,
            reading: g.up ? 'a real increase' : 'a real decrease',
            significant: true,
          }
  return {
    ...knifeCrime,
    indicator: { ...knifeCrime.indicator, id: g.id, name: `KPI ${g.id}`, preferredDirection: g.direction },
    preferredDirection: g.direction,
    outcome: g.outcome,
    significance,
    outturn: { ...knifeCrime.outturn, value: after, display: String(after) },
    previousOutturn: { ...knifeCrime.previousOutturn, value: before, display: String(before) },
    trend: { ...knifeCrime.trend, assessment: g.trend },
  }
}

const generated = fc.uniqueArray(
  fc.record({
    id: fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/),
    outcome: fc.constantFrom(...OUTCOMES),
    test: fc.constantFrom<Test>('untested', 'normal', 'real'),
    direction: fc.constantFrom<PreferredDirection>('increase', 'reduce', 'none'),
    up: fc.boolean(),
    trend: fc.constantFrom(...TREND_READINGS),
  }),
  { selector: (g) => g.id, maxLength: 40 },
)

describe('summariseKpis: every KPI counted exactly once in each dimension', () => {
  it('counts each KPI once per dimension, in the category its own figures give it', () => {
    fc.assert(
      fc.property(generated, (list) => {
        const summary = summariseKpis(list.map(rowOf))
        assert.equal(summary.kpis, list.length)
        const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0)
        assert.equal(sum(summary.outcomes), list.length)
        assert.equal(sum(summary.realChanges), list.length)
        assert.equal(sum(summary.trends), list.length)
        for (const outcome of OUTCOMES)
          assert.equal(summary.outcomes[outcome], list.filter((g) => g.outcome === outcome).length)
        for (const trend of TREND_READINGS)
          assert.equal(summary.trends[trend], list.filter((g) => g.trend === trend).length)
        const expected = (g: Generated) => EXPECTED_CHANGE[`${g.test} ${g.direction} ${g.up ? 'up' : 'down'}`]
        for (const change of REAL_CHANGES)
          assert.equal(summary.realChanges[change], list.filter((g) => expected(g) === change).length)
        // The named real changes are those KPIs, each once, in the order given.
        const named = (change: RealChange) => list.filter((g) => expected(g) === change).map((g) => g.id)
        assert.deepEqual(
          summary.improvements.map((k) => k.id),
          named('significant-improvement'),
        )
        assert.deepEqual(
          summary.deteriorations.map((k) => k.id),
          named('significant-deterioration'),
        )
        assert.deepEqual(
          summary.otherRealChanges.map((k) => k.id),
          named('significant-change'),
        )
      }),
      { numRuns: 300 },
    )
  })

  it('puts a real increase of a KPI that should reduce among the deteriorations, whatever its trend says', () => {
    // Issue 9: burglary and knife crime were real increases, but the dashboard counted them nowhere because its
    // "worsening" came from the trend test (neutral for them) and "normal variation" from the significance test.
    const burglary = rowOf({
      id: 'burglary',
      outcome: 'not-achieved',
      test: 'real',
      direction: 'reduce',
      up: true,
      trend: 'neutral',
    })
    const prevent = rowOf({
      id: 'prevent',
      outcome: 'achieved',
      test: 'real',
      direction: 'increase',
      up: true,
      trend: 'neutral',
    })
    const summary = summariseKpis([burglary, prevent, knifeCrime])
    assert.deepEqual(summary.deteriorations, [{ id: 'burglary', name: 'KPI burglary' }])
    assert.deepEqual(summary.improvements, [{ id: 'prevent', name: 'KPI prevent' }])
    assert.equal(summary.realChanges['within-normal-variation'], 1) // knife crime: p = 0.153
    assert.equal(summary.trends.neutral, 2)
    assert.equal(summary.trends.worsening, 1)
  })

  it('summarises the hand-made 2017/18 report as its rows say', () => {
    // Read off src/reports/fixture-report.ts by hand: knife crime not achieved, within normal variation, worsening;
    // gang members (a stock) and proven reoffending insufficient data, not tested, too few points; youth custody
    // achieved, within normal variation, no clear trend; domestic abuse (should increase) achieved, a real increase.
    const summary = summariseReport(fixtureReport())
    assert.equal(summary.kpis, 5)
    assert.deepEqual(summary.outcomes, {
      achieved: 2,
      'not-achieved': 1,
      'no-change': 0,
      'insufficient-data': 2,
      'no-preferred-direction': 0,
    })
    assert.deepEqual(summary.realChanges, {
      'significant-improvement': 1,
      'significant-deterioration': 0,
      'significant-change': 0,
      'within-normal-variation': 2,
      'not-tested': 2,
    })
    assert.deepEqual(summary.trends, { improving: 0, worsening: 1, neutral: 2, 'insufficient-data': 2 })
    assert.equal(readKpi(activeGangMembers).realChange, 'not-tested')
    assert.deepEqual(summary.improvements, [{ id: domesticAbuse.indicator.id, name: domesticAbuse.indicator.name }])
  })
})

describe('summarySentences', () => {
  it('says how many achieved, and names the real improvements and deteriorations', () => {
    const rows = [
      rowOf({ id: 'burglary', outcome: 'not-achieved', test: 'real', direction: 'reduce', up: true, trend: 'neutral' }),
      rowOf({ id: 'prevent', outcome: 'achieved', test: 'real', direction: 'increase', up: true, trend: 'neutral' }),
      rowOf({ id: 'robbery', outcome: 'achieved', test: 'normal', direction: 'reduce', up: false, trend: 'neutral' }),
      rowOf({
        id: 'drugs',
        outcome: 'insufficient-data',
        test: 'untested',
        direction: 'reduce',
        up: false,
        trend: 'neutral',
      }),
    ]
    assert.deepEqual(summarySentences(summariseKpis(rows), '2024/25'), [
      'Of 4 KPIs in 2024/25, 2 achieved their outcome, 1 did not and 1 has too little data to judge.',
      'Real improvements on last year: KPI prevent.',
      'Real deteriorations on last year: KPI burglary.',
      '1 change is within normal variation, and 1 KPI could not be tested (an incomplete year, a stock, a rate or a published percentage).',
    ])
  })

  it('says so when nothing changed by more than normal variation', () => {
    const rows = [
      rowOf({ id: 'a', outcome: 'achieved', test: 'normal', direction: 'reduce', up: false, trend: 'neutral' }),
    ]
    assert.deepEqual(summarySentences(summariseKpis(rows), '2017/18'), [
      'Of 1 KPI in 2017/18, 1 achieved its outcome and 0 did not.',
      'No KPI changed on last year by more than normal variation would explain.',
      '1 change is within normal variation.',
    ])
  })
})

describe('outturnWithChange', () => {
  it('gives the year and its change on last year as numbers', () => {
    assert.equal(outturnWithChange(knifeCrime, '2016/17'), '221, up 30 (+15.7%) on 2016/17')
    const fewer = {
      ...knifeCrime,
      outturn: { ...knifeCrime.outturn, value: 125, display: '125' },
      changeOnLastYear: { absolute: -1, percent: -0.8, display: '-1 (-0.8%)' },
    }
    assert.equal(outturnWithChange(fewer, '2023/24'), '125, down 1 (-0.8%) on 2023/24')
  })

  it('keeps what the report says of an incomplete year, and gives no change it cannot make', () => {
    const partial = {
      ...knifeCrime,
      // The report prints an incomplete year with how much of it there is (src/domain/aggregation.ts).
      outturn: {
        ...knifeCrime.outturn,
        value: 125,
        display: '125 (3 of 4 quarters)',
        complete: false,
        periodsReported: 3,
      },
      changeOnLastYear: null,
    }
    assert.equal(outturnWithChange(partial, '2023/24'), '125 (3 of 4 quarters)')
  })

  it('names the latest figure by its period', () => {
    assert.equal(latestPeriodHeading('FY2017-18-Q4'), 'Latest quarter')
    assert.equal(latestPeriodHeading('2018-02'), 'Latest month')
  })
})
