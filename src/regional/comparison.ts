import type { MeasureType } from '../domain/indicator.ts'
import type { Change, IndicatorRow, PerformanceReport } from '../domain/performance-report.ts'
import { formatCount, formatDecimal, formatPValue } from '../domain/rounding.ts'

/**
 * Comparing partnerships that share a KPI (the same definition code, e.g. `knife-crime`), side by side as LG Inform's
 * comparison view does: each partnership's outturn, change, significance, and the rate per 1,000 residents where the
 * KPI is a count and the partnership's population is known. Pure: the reports and populations are read elsewhere.
 */

/** A partnership's resident population and where the figure comes from (printed beside every rate). */
export interface PopulationFigure {
  readonly population: number
  /** E.g. "ONS mid-2017 population estimate". */
  readonly source: string
}

/** One partnership's side of the comparison: its report for the year (null: no figures that year). */
export interface PartnershipFigures {
  readonly partnership: { readonly id: number; readonly name: string }
  readonly report: PerformanceReport | null
  /** Null when the partnership has no ONS code, or no estimate covers it. */
  readonly population: PopulationFigure | null
}

/** Rates are per this many residents. */
export const RATE_PER = 1000
/** Two places: a count of a few hundred in 250,000 residents is about 1 per 1,000, and one place would hide it. */
export const RATE_DECIMALS = 2

export interface ComparisonRow {
  readonly partnershipId: number
  readonly partnershipName: string
  /** False when the partnership has no figures for the year, or does not report this KPI. */
  readonly reported: boolean
  /** The outturn as the partnership's report prints it ("1,495", "16.3% (8/49)"), or why there is none. */
  readonly outturnDisplay: string
  /** The outturn's number (count, or percentage for a proportion); null when there is none. */
  readonly outturn: number | null
  /** True when every expected period of the year has a figure. */
  readonly complete: boolean
  readonly changeOnBaseline: string | null
  readonly changeOnLastYear: string | null
  /** In words: "A real increase on last year (p = 0.003)", "Within normal variation (p = 0.41)", or why not tested. */
  readonly significance: string
  readonly significant: boolean
  /** True when the change on last year was tested (complete years of counts or proportions). */
  readonly tested: boolean
  /** Per 1,000 residents, unrounded; null when not given (`rateNote` says why). */
  readonly rate: number | null
  readonly rateDisplay: string | null
  readonly rateNote: string | null
  readonly population: PopulationFigure | null
  /** "263,357". */
  readonly populationDisplay: string | null
}

export interface KpiComparison {
  readonly code: string
  readonly name: string
  readonly measureType: MeasureType
  readonly year: string
  readonly yearLabel: string
  readonly previousYearLabel: string
  /** One row per partnership, in the order given. */
  readonly rows: readonly ComparisonRow[]
  /** True when the rate per 1,000 means something for this KPI (a count). */
  readonly ratesApply: boolean
  /** A text summary of the comparison, for the page and the chart's description. */
  readonly summary: string
}

/** A KPI shared by two or more of the partnerships, with how many report it. */
export interface SharedKpi {
  readonly code: string
  readonly name: string
  readonly partnerships: number
}

/** The measure types whose outturn is a count of events, and so can be set against the population. */
const COUNTED: ReadonlySet<MeasureType> = new Set<MeasureType>(['count', 'count-with-share'])

/**
 * The KPI codes that `minimum` or more of the reports share (two by default), by name (the first partnership's name
 * for it).
 *
 * @example
 * sharedKpis([wolverhampton, walsall]) // [{ code: 'knife-crime', name: 'Knife crime', partnerships: 2 }, …]
 */
export function sharedKpis(reports: readonly (PerformanceReport | null)[], minimum = 2): SharedKpi[] {
  const found = new Map<string, { name: string; partnerships: number }>()
  for (const report of reports) {
    if (!report) continue
    for (const row of rowsOf(report)) {
      const code = row.indicator.id
      const entry = found.get(code)
      if (entry) entry.partnerships++
      else found.set(code, { name: row.indicator.name, partnerships: 1 })
    }
  }
  return [...found]
    .filter(([, e]) => e.partnerships >= minimum)
    .map(([code, e]) => ({ code, name: e.name, partnerships: e.partnerships }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB') || a.code.localeCompare(b.code))
}

/**
 * The side-by-side comparison of one KPI for the year of the reports given. Null when no partnership reports the KPI.
 * The rate per 1,000 is the outturn over the population, for a count over a complete year only: a part-year count
 * would read as a lower rate.
 *
 * @example
 * compareKpi('knife-crime', [{ partnership: { id: 1, name: 'Wolverhampton' }, report, population:
 *   { population: 263357, source: 'ONS mid-2017 population estimate' } }]).rows[0].rateDisplay // '0.76'
 */
export function compareKpi(code: string, figures: readonly PartnershipFigures[]): KpiComparison | null {
  const found = figures
    .map((f) => ({ f, row: f.report ? (rowsOf(f.report).find((r) => r.indicator.id === code) ?? null) : null }))
    .filter((x) => x.row !== null)
  const first = found[0]
  if (!first?.row || !first.f.report) return null
  const indicator = first.row.indicator
  const report = first.f.report
  const ratesApply = COUNTED.has(indicator.measureType)
  const rows = figures.map((f) => {
    const row = f.report ? (rowsOf(f.report).find((r) => r.indicator.id === code) ?? null) : null
    return comparisonRow(f, row, ratesApply)
  })
  return {
    code,
    name: indicator.name,
    measureType: indicator.measureType,
    year: report.year,
    yearLabel: report.yearLabel,
    previousYearLabel: report.previousYearLabel,
    rows,
    ratesApply,
    summary: summarise(indicator.name, report.yearLabel, rows, ratesApply),
  }
}

function rowsOf(report: PerformanceReport): IndicatorRow[] {
  return report.themes.flatMap((t) => t.rows)
}

function comparisonRow(f: PartnershipFigures, row: IndicatorRow | null, ratesApply: boolean): ComparisonRow {
  const base = {
    partnershipId: f.partnership.id,
    partnershipName: f.partnership.name,
    population: f.population,
    populationDisplay: f.population ? formatCount(f.population.population) : null,
  }
  if (!row) {
    return {
      ...base,
      reported: false,
      outturnDisplay: f.report ? 'Does not report this KPI' : 'No figures for this year',
      outturn: null,
      complete: false,
      changeOnBaseline: null,
      changeOnLastYear: null,
      significance: 'Not tested: no figures',
      significant: false,
      tested: false,
      rate: null,
      rateDisplay: null,
      rateNote: null,
    }
  }
  const { outturn, previousOutturn, significance } = row
  let significanceWords: string
  if (significance) {
    const reading = significance.reading.charAt(0).toUpperCase() + significance.reading.slice(1)
    const onLastYear = significance.significant ? ' on last year' : ''
    significanceWords = `${reading}${onLastYear} (${formatPValue(significance.pValue)})`
  } else if (outturn.value === null) significanceWords = 'Not tested: no outturn'
  else if (!outturn.complete || !previousOutturn.complete) significanceWords = 'Not tested: a year is incomplete'
  else significanceWords = 'Not tested for this kind of figure'

  let rate: number | null = null
  let rateNote: string | null = null
  if (ratesApply) {
    if (outturn.value === null) rateNote = 'No outturn'
    else if (!outturn.complete) rateNote = 'Not given: the year is incomplete'
    else if (!f.population) rateNote = 'Not given: no population is known for this partnership'
    else rate = (outturn.value / f.population.population) * RATE_PER
  }
  return {
    ...base,
    reported: true,
    outturnDisplay: outturn.display,
    outturn: outturn.value,
    complete: outturn.complete,
    changeOnBaseline: changeText(row.changeOnBaseline),
    changeOnLastYear: changeText(row.changeOnLastYear),
    significance: significanceWords,
    significant: significance?.significant ?? false,
    tested: significance !== null,
    rate,
    rateDisplay: rate === null ? null : formatDecimal(rate, RATE_DECIMALS),
    rateNote,
  }
}

function changeText(change: Change | null): string | null {
  return change ? change.display : null
}

/** The comparison in sentences: who is highest and lowest (by rate where rates are given), and the real changes. */
function summarise(name: string, yearLabel: string, rows: readonly ComparisonRow[], ratesApply: boolean): string {
  const reported = rows.filter((r) => r.outturn !== null)
  const sentences = [`${name}, ${yearLabel}: ${reported.length} of ${rows.length} partnerships have an outturn.`]
  const extremes = (
    list: readonly ComparisonRow[],
    value: (r: ComparisonRow) => number,
    show: (r: ComparisonRow) => string,
  ) => {
    if (list.length < 2) return null
    const sorted = [...list].sort((a, b) => value(b) - value(a))
    const top = sorted[0] as ComparisonRow
    const bottom = sorted[sorted.length - 1] as ComparisonRow
    return `highest ${top.partnershipName} (${show(top)}), lowest ${bottom.partnershipName} (${show(bottom)})`
  }
  const rated = reported.filter((r) => r.rate !== null)
  const byRate = ratesApply
    ? extremes(
        rated,
        (r) => r.rate as number,
        (r) => `${r.rateDisplay} per 1,000`,
      )
    : null
  if (byRate) sentences.push(`Per 1,000 residents, ${byRate}.`)
  else {
    const byOutturn = extremes(
      reported,
      (r) => r.outturn as number,
      (r) => r.outturnDisplay,
    )
    if (byOutturn) sentences.push(`By outturn, ${byOutturn}.`)
  }
  const real = reported.filter((r) => r.significant)
  const tested = reported.filter((r) => r.tested)
  sentences.push(
    tested.length === 0
      ? 'No change on last year could be tested.'
      : real.length === 0
        ? `None of the ${tested.length} tested changed on last year by more than normal variation.`
        : `A real change on last year in ${real.map((r) => `${r.partnershipName} (${r.significance.split(' on last year')[0]?.toLowerCase()})`).join(', ')}.`,
  )
  return sentences.join(' ')
}
