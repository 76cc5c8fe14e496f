import { outcomeLabel } from './judgement.ts'
import type { IndicatorRow, Outcome, PerformanceReport, Trend } from './performance-report.ts'
import { parsePeriod } from './period.ts'

/**
 * One summary of a year's KPIs, counted from the one report model, for every page that counts them (the dashboard,
 * the report, the KPI page and the public page). Each KPI is counted exactly once in each of three dimensions:
 * - **outcome**: the report's judgement of the year (achieved, not achieved, no change, insufficient data, no
 *   preferred direction);
 * - **real change**: the year-on-year significance test read against the preferred direction (a significant
 *   improvement or deterioration, a real change where no direction is preferred, within normal variation, or not
 *   tested);
 * - **trend**: the trend test over the last quarters (improving, worsening, neutral, insufficient data).
 *
 * Issue 9 found the dashboard counting "improving/worsening" from the trend test and "within normal variation" from
 * the year-on-year test, so five KPIs appeared in neither and real increases were nowhere; here every count of a
 * dimension comes from that dimension alone and the counts of a dimension add up to the number of KPIs.
 */

/** What the year-on-year test says, read against the KPI's preferred direction. */
export type RealChange =
  | 'significant-improvement'
  | 'significant-deterioration'
  | 'significant-change'
  | 'within-normal-variation'
  | 'not-tested'

export type TrendReading = Trend['assessment']

export const OUTCOMES: readonly Outcome[] = Object.freeze([
  'achieved',
  'not-achieved',
  'no-change',
  'insufficient-data',
  'no-preferred-direction',
])
export const REAL_CHANGES: readonly RealChange[] = Object.freeze([
  'significant-improvement',
  'significant-deterioration',
  'significant-change',
  'within-normal-variation',
  'not-tested',
])
export const TREND_READINGS: readonly TrendReading[] = Object.freeze([
  'improving',
  'worsening',
  'neutral',
  'insufficient-data',
])

/** The words pages print for each reading: never a colour alone. */
export const OUTCOME_WORDS: Readonly<Record<Outcome, string>> = Object.freeze(
  Object.fromEntries(OUTCOMES.map((o) => [o, outcomeLabel(o)])) as Record<Outcome, string>,
)
export const REAL_CHANGE_WORDS: Readonly<Record<RealChange, string>> = Object.freeze({
  'significant-improvement': 'Real improvement',
  'significant-deterioration': 'Real deterioration',
  'significant-change': 'Real change (no preferred direction)',
  'within-normal-variation': 'Within normal variation',
  'not-tested': 'Not tested',
})
export const TREND_WORDS: Readonly<Record<TrendReading, string>> = Object.freeze({
  improving: 'Improving',
  worsening: 'Worsening',
  neutral: 'No clear trend',
  'insufficient-data': 'Too few points for a trend',
})

/** A KPI named in the summary. */
export interface KpiName {
  readonly id: string
  readonly name: string
}

/** One KPI's reading in each dimension: what a page lists beside the KPI, and what the counts count. */
export interface KpiReading extends KpiName {
  readonly outcome: Outcome
  readonly realChange: RealChange
  readonly trend: TrendReading
}

export interface KpiSummary {
  readonly kpis: number
  readonly outcomes: Readonly<Record<Outcome, number>>
  readonly realChanges: Readonly<Record<RealChange, number>>
  readonly trends: Readonly<Record<TrendReading, number>>
  /** The KPIs with a real (significant) change on last year, named, in the report's order. */
  readonly improvements: readonly KpiName[]
  readonly deteriorations: readonly KpiName[]
  /** Real changes of KPIs with no preferred direction (neither better nor worse). */
  readonly otherRealChanges: readonly KpiName[]
}

/**
 * Whether the year-on-year change is real, and whether that is good: a real increase is an improvement when the
 * KPI should increase, a deterioration when it should reduce, and neither when no direction is preferred.
 *
 * @example realChangeOf(knifeCrimeRow) // 'within-normal-variation' (191 → 221, p = 0.153)
 */
export function realChangeOf(
  row: Pick<IndicatorRow, 'significance' | 'preferredDirection' | 'outturn' | 'previousOutturn'>,
): RealChange {
  const significance = row.significance
  if (significance === null) return 'not-tested'
  if (!significance.significant) return 'within-normal-variation'
  if (row.preferredDirection === 'none') return 'significant-change'
  const before = row.previousOutturn.value
  const after = row.outturn.value
  // A significant result always has two figures; were either missing, the change could not be read as either.
  if (before === null || after === null || before === after) return 'significant-change'
  const increased = after > before
  return increased === (row.preferredDirection === 'increase') ? 'significant-improvement' : 'significant-deterioration'
}

/** A KPI's reading in each dimension. */
export function readKpi(row: IndicatorRow): KpiReading {
  return {
    id: row.indicator.id,
    name: row.indicator.name,
    outcome: row.outcome,
    realChange: realChangeOf(row),
    trend: row.trend.assessment,
  }
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  const counts = {} as Record<K, number>
  for (const key of keys) counts[key] = 0
  return counts
}

/**
 * Counts the KPIs of `rows` once in each dimension and names the real changes.
 *
 * @example summariseKpis(report.themes.flatMap((t) => t.rows)).outcomes.achieved // 5
 */
export function summariseKpis(rows: readonly IndicatorRow[]): KpiSummary {
  const outcomes = zeroes(OUTCOMES)
  const realChanges = zeroes(REAL_CHANGES)
  const trends = zeroes(TREND_READINGS)
  const improvements: KpiName[] = []
  const deteriorations: KpiName[] = []
  const otherRealChanges: KpiName[] = []
  for (const row of rows) {
    const reading = readKpi(row)
    outcomes[reading.outcome]++
    realChanges[reading.realChange]++
    trends[reading.trend]++
    const named = { id: reading.id, name: reading.name }
    if (reading.realChange === 'significant-improvement') improvements.push(named)
    else if (reading.realChange === 'significant-deterioration') deteriorations.push(named)
    else if (reading.realChange === 'significant-change') otherRealChanges.push(named)
  }
  return { kpis: rows.length, outcomes, realChanges, trends, improvements, deteriorations, otherRealChanges }
}

/** The summary of every KPI of a report. */
export function summariseReport(report: PerformanceReport): KpiSummary {
  return summariseKpis(report.themes.flatMap((t) => t.rows))
}

function listNames(names: readonly KpiName[]): string {
  const all = names.map((n) => n.name)
  if (all.length <= 1) return all.join('')
  return `${all.slice(0, -1).join('; ')} and ${all.at(-1) ?? ''}`
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/**
 * The summary in plain words, a sentence each, for a reader who will not read the tables: how many KPIs achieved
 * their outcome, and which changed by more than normal variation, better or worse.
 *
 * @example summarySentences(summary, '2017/18')[0] // 'Of 11 KPIs in 2017/18, 5 achieved their outcome, 4 did not …'
 */
export function summarySentences(summary: KpiSummary, yearLabel: string): string[] {
  const o = summary.outcomes
  const parts = [`${o.achieved} achieved ${o.achieved === 1 ? 'its' : 'their'} outcome`, `${o['not-achieved']} did not`]
  if (o['insufficient-data'] > 0)
    parts.push(`${o['insufficient-data']} ${o['insufficient-data'] === 1 ? 'has' : 'have'} too little data to judge`)
  const other = o['no-change'] + o['no-preferred-direction']
  if (other > 0)
    parts.push(`${other} ${other === 1 ? 'is' : 'are'} not judged either way (no change, or no preferred direction)`)
  const sentences = [
    `Of ${plural(summary.kpis, 'KPI', 'KPIs')} in ${yearLabel}, ${parts.slice(0, -1).join(', ')} and ${parts.at(-1) ?? ''}.`,
  ]
  const real = summary.improvements.length + summary.deteriorations.length + summary.otherRealChanges.length
  if (real === 0) {
    sentences.push('No KPI changed on last year by more than normal variation would explain.')
  } else {
    if (summary.improvements.length > 0)
      sentences.push(`Real improvements on last year: ${listNames(summary.improvements)}.`)
    if (summary.deteriorations.length > 0)
      sentences.push(`Real deteriorations on last year: ${listNames(summary.deteriorations)}.`)
    if (summary.otherRealChanges.length > 0)
      sentences.push(`Real changes where no direction is preferred: ${listNames(summary.otherRealChanges)}.`)
  }
  const untested = summary.realChanges['not-tested']
  const normal = summary.realChanges['within-normal-variation']
  sentences.push(
    `${plural(normal, 'change is', 'changes are')} within normal variation` +
      (untested > 0
        ? `, and ${plural(untested, 'KPI', 'KPIs')} could not be tested (an incomplete year, a stock, a rate or a published percentage).`
        : '.'),
  )
  return sentences
}

/**
 * The year's outturn with its change on last year as a number, in words a board member reads at a glance:
 * "221, up 30 (+15.7%) on 2016/17". The outturn is printed as the report prints it, so an incomplete year keeps
 * its "(3 of 4 quarters)" and a stock its period; a year with no change to compare (incomplete) is the outturn alone.
 *
 * @example outturnWithChange(knifeCrimeRow, '2016/17') // '221, up 30 (+15.7%) on 2016/17'
 */
export function outturnWithChange(
  row: Pick<IndicatorRow, 'outturn' | 'changeOnLastYear'>,
  previousYearLabel: string,
): string {
  const { outturn } = row
  const change = row.changeOnLastYear
  if (outturn.value === null || change === null) return outturn.display
  if (change.absolute === 0) return `${outturn.display}, no change on ${previousYearLabel}`
  const word = change.absolute > 0 ? 'up' : 'down'
  return `${outturn.display}, ${word} ${change.display.replace(/^[+-]/, '')} on ${previousYearLabel}`
}

/** "Latest quarter", "Latest month": what the latest figure of a KPI is, so it is never read as the year's. */
export function latestPeriodHeading(periodId: string): string {
  const kind = parsePeriod(periodId)?.kind
  switch (kind) {
    case 'quarter':
      return 'Latest quarter'
    case 'month':
      return 'Latest month'
    case 'bi-month':
      return 'Latest two months'
    case 'year':
      return 'Year'
    default:
      return 'Latest period'
  }
}
