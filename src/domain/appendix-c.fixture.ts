/**
 * Test fixture: KPIs and quarterly figures copied by hand from Appendix C (Performance Report 2017-2018) of the
 * Safer Wolverhampton Partnership Annual Report 2017-18, for the domain tests of aggregation, judgement,
 * commentary and the report builder. Used only by tests.
 *
 * Contains public sector information licensed under the Open Government Licence v3.0.
 */
import type { Baseline, Indicator, IndicatorValue } from './indicator.ts'

type IndicatorFields = Pick<Indicator, 'id' | 'name' | 'measureType' | 'preferredDirection'> & Partial<Indicator>

/** An indicator with the defaults most of Appendix C shares (quarterly, SWP Analyst). */
export function indicator(fields: IndicatorFields): Indicator {
  return {
    theme: 'Gangs and Youth Crime',
    priority: 'Violence Prevention',
    definition: fields.name,
    dataOwner: 'SWP Analyst',
    cadence: 'quarterly',
    hiddenHarm: false,
    ...fields,
  }
}

const empty = {
  value: null,
  numerator: null,
  denominator: null,
  percent: null,
  text: null,
  reason: null,
  commentary: null,
} as const

/** A reported value; the fields given override the empty ones. */
export function reported(indicatorId: string, period: string, fields: Partial<IndicatorValue>): IndicatorValue {
  return { indicatorId, period, status: 'reported', ...empty, ...fields }
}

export function absentValue(
  indicatorId: string,
  period: string,
  status: Exclude<IndicatorValue['status'], 'reported'>,
  reason: string | null,
): IndicatorValue {
  return { indicatorId, period, status, ...empty, reason }
}

/** Quarterly counts for 2016/17 and 2017/18, as Appendix C prints them (Q1–Q4 of each year). */
export function quarterlyCounts(
  indicatorId: string,
  lastYear: readonly number[],
  thisYear: readonly number[],
): IndicatorValue[] {
  return [
    ...lastYear.map((value, i) => reported(indicatorId, `FY2016-17-Q${i + 1}`, { value })),
    ...thisYear.map((value, i) => reported(indicatorId, `FY2017-18-Q${i + 1}`, { value })),
  ]
}

export const knifeCrime = indicator({
  id: 'knife-crime',
  name: 'Reduce the number of violent crimes committed where a knife or sharply bladed instrument was present (all ages)',
  measureType: 'count',
  preferredDirection: 'reduce',
})
export const knifeCrimeValues = quarterlyCounts('knife-crime', [40, 49, 51, 51], [49, 49, 56, 67])

export const firearms = indicator({
  id: 'firearms',
  name: 'Reduce the number of violent crimes committed with use of a firearm (all ages)',
  measureType: 'count',
  preferredDirection: 'reduce',
})
export const firearmsValues = quarterlyCounts('firearms', [8, 9, 11, 5], [12, 16, 16, 19])

export const robbery = indicator({
  id: 'personal-robbery',
  name: 'Levels of Personal Robbery offences in Wolverhampton',
  measureType: 'count',
  preferredDirection: 'reduce',
})
export const robberyValues = quarterlyCounts('personal-robbery', [92, 75, 104, 72], [72, 98, 102, 97])

export const ppvwi = indicator({
  id: 'ppvwi',
  name: 'Reduce Public Place Violence With Injury in Wolverhampton by 5%',
  measureType: 'count',
  preferredDirection: 'reduce',
  target: { kind: 'relative', percent: 5, referenceYear: 'FY2015-16' },
})
export const ppvwiValues = quarterlyCounts('ppvwi', [284, 308, 272, 264], [296, 293, 302, 260])

export const firstTimeEntrants = indicator({
  id: 'first-time-entrants',
  name: 'Reducing first time entrants to the youth justice system',
  theme: 'Reducing Reoffending',
  priority: 'Reducing Reoffending',
  dataOwner: 'YOT',
  measureType: 'count',
  preferredDirection: 'reduce',
})
export const firstTimeEntrantsValues = quarterlyCounts('first-time-entrants', [30, 25, 41, 35], [32, 28, 35, 26])

export const youthCustody = indicator({
  id: 'youth-custody',
  name: 'Reducing youth custody numbers - % of court disposals',
  theme: 'Reducing Reoffending',
  priority: 'Reducing Reoffending',
  dataOwner: 'YOT',
  measureType: 'proportion',
  preferredDirection: 'reduce',
})
const custody: readonly (readonly [string, number, number])[] = [
  ['FY2016-17-Q1', 8, 49],
  ['FY2016-17-Q2', 10, 38],
  ['FY2016-17-Q3', 5, 42],
  ['FY2016-17-Q4', 3, 43],
  ['FY2017-18-Q1', 2, 52],
  ['FY2017-18-Q2', 4, 53],
  ['FY2017-18-Q3', 6, 50],
  ['FY2017-18-Q4', 7, 46],
]
export const youthCustodyValues = custody.map(([period, numerator, denominator]) =>
  reported('youth-custody', period, { numerator, denominator }),
)
export const youthCustodyBaseline: Baseline = {
  indicatorId: 'youth-custody',
  year: 'FY2017-18',
  source: 'fixed',
  value: 9.9,
}

export const provenReoffending = indicator({
  id: 'proven-reoffending',
  name: 'Proven Reoffending (youth and adult) to be below baseline',
  theme: 'Reducing Reoffending',
  priority: 'Reducing Reoffending',
  dataOwner: 'WMP Analyst',
  measureType: 'proportion',
  preferredDirection: 'reduce',
})
export const MOJ_REASON = 'MOJ website does not have an update for Q4'
export const provenReoffendingValues = [
  reported('proven-reoffending', 'FY2017-18-Q1', { numerator: 578, denominator: 1739 }),
  reported('proven-reoffending', 'FY2017-18-Q2', { numerator: 512, denominator: 1683 }),
  reported('proven-reoffending', 'FY2017-18-Q3', { numerator: 522, denominator: 1723 }),
  absentValue('proven-reoffending', 'FY2017-18-Q4', 'not-yet-available', MOJ_REASON),
]
export const provenReoffendingBaseline: Baseline = {
  indicatorId: 'proven-reoffending',
  year: 'FY2017-18',
  source: 'fixed',
  value: 25.6,
}

export const dip = indicator({
  id: 'dip-positive-tests',
  name: 'DIP % of positive drug (opiate & non-opiate) tests at WV',
  theme: 'Substance Misuse',
  measureType: 'proportion',
  preferredDirection: 'none',
})
export const dipValues = [
  ...[62.1, 66.7, 70.0, 54.5].map((percent, i) => reported('dip-positive-tests', `FY2016-17-Q${i + 1}`, { percent })),
  ...[69.1, 66.6, 69.2].map((percent, i) => reported('dip-positive-tests', `FY2017-18-Q${i + 1}`, { percent })),
  absentValue('dip-positive-tests', 'FY2017-18-Q4', 'not-yet-available', 'This data is not available for Q4'),
]

export const godoc = indicator({
  id: 'godoc-gang-members',
  name: 'No of active gang members, as measured at GODOC',
  dataOwner: 'WMP',
  measureType: 'stock',
  stockAggregation: 'latest',
  preferredDirection: 'reduce',
})
export const GODOC_REASON = 'Q4 2016/17 was not reported'
export const godocValues = [
  ...quarterlyCounts('godoc-gang-members', [31, 31, 35], [40, 37, 31, 31]),
  absentValue('godoc-gang-members', 'FY2016-17-Q4', 'not-collected', GODOC_REASON),
]

export const domesticAbuse = indicator({
  id: 'domestic-abuse',
  name: 'Domestic Abuse* reported to the Police (% that are recordable offences)',
  theme: 'Violence Against Women and Girls',
  priority: 'Reducing Victimisation',
  measureType: 'count-with-share',
  preferredDirection: 'increase',
  hiddenHarm: true,
  unit: 'incidents',
  shareLabel: 'recordable offences',
})
const abuse: readonly (readonly [number, number])[] = [
  [1495, 43.6],
  [1543, 44.3],
  [1522, 45.8],
  [1471, 42.4],
  [1573, 43.9],
  [1543, 44.9],
  [1578, 49.8],
  [1557, 50.8],
]
export const domesticAbuseValues = abuse.map(([value, percent], i) =>
  reported('domestic-abuse', `FY${i < 4 ? '2016-17' : '2017-18'}-Q${(i % 4) + 1}`, { value, percent }),
)

export const forcedMarriage = indicator({
  id: 'forced-marriage',
  name: 'Number of Forced Marriage incidents* recorded by the Police (% that are recordable offences)',
  theme: 'Violence Against Women and Girls',
  priority: 'Reducing Victimisation',
  measureType: 'count-with-share',
  preferredDirection: 'increase',
  hiddenHarm: true,
  shareLabel: 'recordable offences',
})
const marriage: readonly (readonly [number, number])[] = [
  [3, 33],
  [1, 100],
  [1, 0],
  [0, 0],
  [0, 0],
  [2, 50],
  [1, 0],
  [1, 0],
]
export const forcedMarriageValues = marriage.map(([value, percent], i) =>
  reported('forced-marriage', `FY${i < 4 ? '2016-17' : '2017-18'}-Q${(i % 4) + 1}`, { value, percent }),
)

export const seriousSexualOffences = indicator({
  id: 'serious-sexual-offences',
  name: 'Serious Sexual Offences reported to the Police*',
  theme: 'Violence Against Women and Girls',
  priority: 'Reducing Victimisation',
  measureType: 'count',
  preferredDirection: 'increase',
  hiddenHarm: true,
})
export const seriousSexualOffencesValues = quarterlyCounts(
  'serious-sexual-offences',
  [107, 115, 167, 146],
  [127, 169, 154, 165],
)

export const hateCrime = indicator({
  id: 'hate-crime',
  name: 'Hate Crime - number of recorded crimes',
  theme: 'Vulnerability',
  priority: 'Statutory Functions',
  measureType: 'count',
  preferredDirection: 'increase',
  hiddenHarm: true,
})
export const HATE_Q4_COMMENTARY =
  'This indicator has increased by 11 offences. The new baseline is 385. This quarter there were 79 offences which were race related, 5 were homophobic with 1 transgender.'
export const hateCrimeValues = [
  ...quarterlyCounts('hate-crime', [92, 106, 97, 79], [118, 104, 78]),
  reported('hate-crime', 'FY2017-18-Q4', { value: 85, commentary: HATE_Q4_COMMENTARY }),
]

export const domesticHomicides = indicator({
  id: 'domestic-homicides',
  name: 'Number of Domestic Homicides',
  theme: 'Violence Against Women and Girls',
  priority: 'Statutory Functions',
  dataOwner: 'Community Safety',
  measureType: 'text',
  preferredDirection: 'none',
})
export const domesticHomicidesValues = [
  reported('domestic-homicides', 'FY2017-18-Q4', { text: '0 Domestic Homicides in Quarter 4' }),
]
