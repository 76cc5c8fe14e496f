/**
 * A hand-made performance report for the renderer tests: five KPIs of the seed report's Appendix C (Safer
 * Wolverhampton Partnership, 2017/18 against 2016/17), with every figure worked out by hand from the printed
 * quarterly numbers, NOT by the report builder. Used by tests only.
 *
 * Contains public sector information licensed under the Open Government Licence v3.0.
 */
import type { Indicator } from '../domain/indicator.ts'
import type { DisplayValue, IndicatorRow, Outturn, PerformanceReport } from '../domain/performance-report.ts'

type Side = Pick<DisplayValue, 'display' | 'number'> & Partial<Omit<DisplayValue, 'display' | 'number'>>

function value(financialYear: 2016 | 2017, quarter: number, side: Side): DisplayValue {
  const yy = financialYear === 2016 ? '2016-17' : '2017-18'
  const label = financialYear === 2016 ? '2016/17' : '2017/18'
  return {
    period: `FY${yy}-Q${quarter}`,
    periodLabel: `${label} Q${quarter}`,
    status: side.status ?? 'reported',
    display: side.display,
    number: side.number,
    numerator: side.numerator ?? null,
    denominator: side.denominator ?? null,
    percent: side.percent ?? null,
    reason: side.reason ?? null,
  }
}

function quarters(lastYear: readonly Side[], thisYear: readonly Side[]): IndicatorRow['periods'] {
  return [1, 2, 3, 4].map((q) => ({
    label: `Quarter ${q}`,
    lastYear: value(2016, q, lastYear[q - 1] as Side),
    thisYear: value(2017, q, thisYear[q - 1] as Side),
  }))
}

const counts = (numbers: readonly number[]): Side[] => numbers.map((n) => ({ display: String(n), number: n }))

function outturn(year: string, fields: Partial<Outturn> & Pick<Outturn, 'value' | 'display'>): Outturn {
  return {
    year,
    numerator: null,
    denominator: null,
    method: 'sum of 4 quarters',
    periodsReported: 4,
    periodsExpected: 4,
    complete: true,
    ...fields,
  }
}

function indicator(fields: Partial<Indicator> & Pick<Indicator, 'id' | 'name' | 'theme'>): Indicator {
  return {
    priority: 'Violence Prevention',
    definition: 'As defined in the partnership’s performance framework.',
    dataOwner: 'SWP Analyst',
    cadence: 'quarterly',
    measureType: 'count',
    preferredDirection: 'reduce',
    hiddenHarm: false,
    ...fields,
  }
}

const none = {
  changeOnBaseline: null,
  changeOnLastYear: null,
  sameQuarterLastYear: null,
  quarterOnQuarter: null,
  targetOutcome: null,
  significance: null,
  target: null,
  targetLabel: null,
  nextBaseline: null,
  ownerCommentary: null,
}

/** Knife crime: 40+49+51+51 = 191, then 49+49+56+67 = 221; +30 is +15.7% of 191 (the report printed 16.5%). */
export const knifeCrime: IndicatorRow = {
  ...none,
  indicator: indicator({
    id: 'knife-crime',
    name: 'Reduce the number of violent crimes committed where a knife or sharply bladed instrument was present (all ages)',
    theme: 'Gangs and Youth Crime',
    definition:
      'Violent crimes recorded by West Midlands Police in Wolverhampton where a knife or sharp instrument was present.',
  }),
  preferredDirection: 'reduce',
  directionLabel: 'To reduce',
  periods: quarters(counts([40, 49, 51, 51]), counts([49, 49, 56, 67])),
  baseline: { indicatorId: 'knife-crime', year: 'FY2017-18', source: 'previous-outturn', value: 191, display: '191' },
  outturn: outturn('FY2017-18', { value: 221, display: '221' }),
  previousOutturn: outturn('FY2016-17', { value: 191, display: '191' }),
  changeOnBaseline: { absolute: 30, percent: 15.7, display: '+30 (+15.7%)' },
  changeOnLastYear: { absolute: 30, percent: 15.7, display: '+30 (+15.7%)' },
  outcome: 'not-achieved',
  outcomeLabel: 'Not achieved',
  // Binomial(412, 0.5), two-sided, at 221: p = 0.153.
  significance: { test: 'poisson-exact', pValue: 0.153, reading: 'within normal variation', significant: false },
  control: null,
  trend: {
    direction: 'rising',
    assessment: 'worsening',
    description: 'Rising over the last 8 quarters (about 3 offences a quarter)',
    points: [40, 49, 51, 51, 49, 49, 56, 67].map((v, i) => ({
      period: `FY${i < 4 ? '2016-17' : '2017-18'}-Q${(i % 4) + 1}`,
      value: v,
    })),
  },
  nextBaseline: 221,
  generatedCommentary:
    'This indicator has increased by 30 offences (15.7%), from 191 to 221, against the preferred direction. The change is within normal variation. The new baseline is 221.',
  ownerCommentary:
    'The indicator did not achieve its desired outcome by reducing. This indicator has a new baseline of 221 which is 30 offences more than last year.',
}

/** GODOC active gang members: a stock (never summed); Q4 2016/17 was not reported. */
export const activeGangMembers: IndicatorRow = {
  ...none,
  indicator: indicator({
    id: 'godoc-active-gang-members',
    name: 'No of active gang members, as measured at GODOC',
    theme: 'Gangs and Youth Crime',
    dataOwner: 'WMP',
    measureType: 'stock',
    stockAggregation: 'latest',
  }),
  preferredDirection: 'reduce',
  directionLabel: 'To reduce',
  periods: quarters(
    [
      ...counts([31, 31, 35]),
      { display: 'not collected', number: null, status: 'not-collected', reason: 'Q4 2016/17 was not reported' },
    ],
    counts([40, 37, 31, 31]),
  ),
  baseline: null,
  outturn: outturn('FY2017-18', { value: 31, display: '31', method: 'latest (2017/18 Q4)' }),
  previousOutturn: outturn('FY2016-17', {
    value: 35,
    display: '35',
    method: 'latest (2016/17 Q3)',
    periodsReported: 3,
    complete: false,
  }),
  outcome: 'insufficient-data',
  outcomeLabel: 'Insufficient data',
  control: null,
  trend: {
    direction: 'insufficient-data',
    assessment: 'insufficient-data',
    description: 'Not enough figures to read a trend',
    points: [],
  },
  generatedCommentary:
    'There were 31 active gang members at the latest meeting. 2016/17 Q4 was not collected (Q4 2016/17 was not reported), so the year cannot be judged.',
}

/** Youth custody: 8/49 10/38 5/42 3/43 = 26/172 = 15.1%; then 2/52 4/53 6/50 7/46 = 19/201 = 9.5%. */
export const youthCustody: IndicatorRow = {
  ...none,
  indicator: indicator({
    id: 'youth-custody',
    name: 'Reducing youth custody numbers - % of court disposals',
    theme: 'Reducing Reoffending',
    priority: 'Reducing Reoffending',
    dataOwner: 'YOT',
    measureType: 'proportion',
  }),
  preferredDirection: 'reduce',
  directionLabel: 'To reduce',
  periods: quarters(
    [
      { display: '16.3% (8/49)', number: 16.33, numerator: 8, denominator: 49, percent: 16.33 },
      { display: '26.3% (10/38)', number: 26.32, numerator: 10, denominator: 38, percent: 26.32 },
      { display: '11.9% (5/42)', number: 11.9, numerator: 5, denominator: 42, percent: 11.9 },
      { display: '7.0% (3/43)', number: 6.98, numerator: 3, denominator: 43, percent: 6.98 },
    ],
    [
      { display: '3.8% (2/52)', number: 3.85, numerator: 2, denominator: 52, percent: 3.85 },
      { display: '7.5% (4/53)', number: 7.55, numerator: 4, denominator: 53, percent: 7.55 },
      { display: '12.0% (6/50)', number: 12, numerator: 6, denominator: 50, percent: 12 },
      { display: '15.2% (7/46)', number: 15.22, numerator: 7, denominator: 46, percent: 15.22 },
    ],
  ),
  baseline: { indicatorId: 'youth-custody', year: 'FY2017-18', source: 'fixed', value: 9.9, display: '9.9%' },
  outturn: outturn('FY2017-18', {
    value: 9.45,
    numerator: 19,
    denominator: 201,
    display: '9.5% (19/201)',
    method: 'ratio of sums',
  }),
  previousOutturn: outturn('FY2016-17', {
    value: 15.12,
    numerator: 26,
    denominator: 172,
    display: '15.1% (26/172)',
    method: 'ratio of sums',
  }),
  // 9.45 − 9.9 = −0.45 percentage points, −4.5% of the baseline.
  changeOnBaseline: { absolute: -0.45, percent: -4.5, display: '-0.4 percentage points (-4.5%)' },
  changeOnLastYear: { absolute: -5.66, percent: -37.5, display: '-5.7 percentage points (-37.5%)' },
  outcome: 'achieved',
  outcomeLabel: 'Achieved',
  // Pooled two-proportion z-test: z = −1.67, p = 0.094.
  significance: { test: 'two-proportions', pValue: 0.094, reading: 'within normal variation', significant: false },
  control: null,
  trend: {
    direction: 'stable',
    assessment: 'neutral',
    description: 'No clear trend over the last 8 quarters',
    points: [],
  },
  generatedCommentary:
    'The share of court disposals that were custodial fell from 15.1% to 9.5%, below the baseline of 9.9%, in line with the preferred direction. The change is within normal variation.',
  ownerCommentary:
    '7 young offenders received a custodial sentence during Q4 17/18: an increase on the previous quarter.',
}

/** Proven reoffending: Q4 not yet available, so the year is incomplete. */
export const provenReoffending: IndicatorRow = {
  ...none,
  indicator: indicator({
    id: 'proven-reoffending',
    name: 'Proven Reoffending (youth and adult) to be below baseline',
    theme: 'Reducing Reoffending',
    priority: 'Reducing Reoffending',
    dataOwner: 'WMP Analyst',
    measureType: 'proportion',
  }),
  preferredDirection: 'reduce',
  directionLabel: 'To reduce',
  periods: quarters(
    [1, 2, 3, 4].map(() => ({
      display: 'not collected',
      number: null,
      status: 'not-collected',
      reason: 'Not in the report',
    })),
    [
      { display: '33.2% (578/1,739)', number: 33.24, numerator: 578, denominator: 1739, percent: 33.24 },
      { display: '30.4% (512/1,683)', number: 30.42, numerator: 512, denominator: 1683, percent: 30.42 },
      { display: '30.3% (522/1,723)', number: 30.3, numerator: 522, denominator: 1723, percent: 30.3 },
      {
        display: 'not available',
        number: null,
        status: 'not-yet-available',
        reason: 'MOJ website does not have an update for Q4',
      },
    ],
  ),
  baseline: { indicatorId: 'proven-reoffending', year: 'FY2017-18', source: 'fixed', value: 25.6, display: '25.6%' },
  outturn: outturn('FY2017-18', {
    value: 31.33,
    numerator: 1612,
    denominator: 5145,
    display: '31.3% (1,612/5,145)',
    method: 'ratio of sums',
    periodsReported: 3,
    complete: false,
  }),
  previousOutturn: outturn('FY2016-17', {
    value: null,
    display: 'not available',
    method: 'ratio of sums',
    periodsReported: 0,
    complete: false,
  }),
  outcome: 'insufficient-data',
  outcomeLabel: 'Insufficient data',
  control: null,
  trend: {
    direction: 'insufficient-data',
    assessment: 'insufficient-data',
    description: 'Not enough figures to read a trend',
    points: [],
  },
  generatedCommentary:
    '2017/18 Q4 is not yet available (MOJ website does not have an update for Q4), so the year cannot be judged.',
  ownerCommentary: 'MOJ website does not have an update for Q4',
}

/** Domestic abuse: 1495+1543+1522+1471 = 6031, then 1573+1543+1578+1557 = 6251: +220, +3.6%. */
export const domesticAbuse: IndicatorRow = {
  ...none,
  indicator: indicator({
    id: 'domestic-abuse',
    name: 'Domestic Abuse reported to the Police (% that are recordable offences)',
    theme: 'Violence Against Women and Girls',
    priority: 'Reducing Victimisation',
    measureType: 'count-with-share',
    preferredDirection: 'increase',
    hiddenHarm: true,
    shareLabel: 'recordable offences',
  }),
  preferredDirection: 'increase',
  directionLabel: 'To increase',
  periods: quarters(
    [
      { display: '1,495 (43.6%)', number: 1495, percent: 43.6 },
      { display: '1,543 (44.3%)', number: 1543, percent: 44.3 },
      { display: '1,522 (45.8%)', number: 1522, percent: 45.8 },
      { display: '1,471 (42.4%)', number: 1471, percent: 42.4 },
    ],
    [
      { display: '1,573 (43.9%)', number: 1573, percent: 43.9 },
      { display: '1,543 (44.9%)', number: 1543, percent: 44.9 },
      { display: '1,578 (49.8%)', number: 1578, percent: 49.8 },
      { display: '1,557 (50.8%)', number: 1557, percent: 50.8 },
    ],
  ),
  baseline: {
    indicatorId: 'domestic-abuse',
    year: 'FY2017-18',
    source: 'previous-outturn',
    value: 6031,
    display: '6,031',
  },
  outturn: outturn('FY2017-18', { value: 6251, display: '6,251 (47.3%)' }),
  previousOutturn: outturn('FY2016-17', { value: 6031, display: '6,031 (44.0%)' }),
  changeOnBaseline: { absolute: 220, percent: 3.6, display: '+220 (+3.6%)' },
  changeOnLastYear: { absolute: 220, percent: 3.6, display: '+220 (+3.6%)' },
  outcome: 'achieved',
  outcomeLabel: 'Achieved',
  significance: { test: 'poisson-exact', pValue: 0.047, reading: 'a real increase', significant: true },
  control: null,
  trend: {
    direction: 'stable',
    assessment: 'neutral',
    description: 'No clear trend over the last 8 quarters',
    points: [],
  },
  nextBaseline: 6251,
  generatedCommentary:
    'This indicator has increased by 220 incidents (3.6%), from 6,031 to 6,251, in line with the preferred direction. The change is likely a real increase. A rise is read as growing confidence to report. The new baseline is 6,251.',
}

/** The fixture report: themes in the seed report's order. */
export function fixtureReport(extraRows: readonly IndicatorRow[] = []): PerformanceReport {
  const rows = [provenReoffending, youthCustody, knifeCrime, activeGangMembers, domesticAbuse, ...extraRows]
  const themes: { theme: string; rows: IndicatorRow[] }[] = []
  for (const row of rows) {
    const section = themes.find((t) => t.theme === row.indicator.theme)
    if (section) section.rows.push(row)
    else themes.push({ theme: row.indicator.theme, rows: [row] })
  }
  return {
    partnership: 'Safer Wolverhampton Partnership',
    year: 'FY2017-18',
    previousYear: 'FY2016-17',
    yearLabel: '2017/18',
    previousYearLabel: '2016/17',
    themes,
    summary: {
      indicators: rows.length,
      achieved: rows.filter((r) => r.outcome === 'achieved').length,
      notAchieved: rows.filter((r) => r.outcome === 'not-achieved').length,
      insufficientData: rows.filter((r) => r.outcome === 'insufficient-data').length,
      realChanges: rows.filter((r) => r.significance?.significant === true).length,
      withinNormalVariation: rows.filter((r) => r.significance?.significant === false).length,
    },
  }
}

/** A KPI whose every text is hostile: script in the name, formulas in the commentary. */
export function hostileRow(texts: { name: string; commentary: string; theme?: string; owner?: string }): IndicatorRow {
  return {
    ...knifeCrime,
    indicator: {
      ...knifeCrime.indicator,
      id: 'hostile',
      name: texts.name,
      theme: texts.theme ?? knifeCrime.indicator.theme,
      definition: texts.commentary,
      dataOwner: texts.owner ?? texts.commentary,
    },
    periods: knifeCrime.periods.map((p) => ({
      ...p,
      thisYear: { ...p.thisYear, reason: texts.commentary },
    })),
    generatedCommentary: texts.commentary,
    ownerCommentary: texts.commentary,
    trend: { ...knifeCrime.trend, description: texts.commentary },
    changeOnBaseline: { absolute: -30, percent: -15.7, display: '-30 (-15.7%)' },
  }
}
