import {
  flagSmallNumbersInCommentary,
  protectTable,
  type DisclosureRules,
  type PublishedCell,
} from '../domain/disclosure-control.ts'
import type { DisplayValue, IndicatorRow, Outturn, PerformanceReport } from '../domain/performance-report.ts'
import { readKpi, summariseReport, summarySentences, type KpiSummary, type RealChange } from '../domain/kpi-summary.ts'
import { periodKindOf, periodNoun } from '../domain/aggregation.ts'
import { rangeLabel, withinYear } from '../domain/like-for-like.ts'
import { measureChange } from '../domain/judgement.ts'
import type { PeriodId } from '../domain/period.ts'
import { formatCount } from '../domain/rounding.ts'
import { publicCommentary, type CommentaryDecision } from './commentary-review.ts'

/**
 * The public performance report: what the partnership has approved for publication, with disclosure control applied.
 * Only figures that passed `protectTable` are in here; nothing else from the internal report (baselines, changes,
 * generated commentary and trend sentences carry numbers that could give a withheld count back, so they are left out).
 * The one change published, an incomplete year's like-for-like change, is added up from published figures only.
 * A year's completeness ("3 of 4 quarters") and a stock's period ("Q4") come from the internal outturn.
 */
export interface PublicReport {
  readonly partnership: string
  readonly year: PeriodId
  readonly yearLabel: string
  readonly previousYearLabel: string
  readonly minimumCount: number
  readonly publishedAt: string | null
  readonly kpis: readonly PublicKpi[]
  /**
   * The one summary of the year (src/domain/kpi-summary.ts), as the dashboard and the report count it, and in plain
   * words. It holds counts of KPIs and their names only, never a figure, so it gives nothing withheld away.
   * Optional (as are the readings of each KPI below) so that a public report made before them still reads.
   */
  readonly summary?: KpiSummary
  readonly summarySentences?: readonly string[]
}

/** One figure as published: its counts and percentage after suppression, and what to print. */
export interface PublicFigure {
  readonly period: PeriodId
  readonly label: string
  /** "1495 (43.6%)", "16.3% (8/49)", "<5", "[c]", "not available". */
  readonly display: string
  /** The count (count, stock, count-with-share) or numerator (proportion, rate); null when withheld or missing. */
  readonly count: number | null
  readonly denominator: number | null
  readonly percent: number | null
  readonly rate: number | null
  readonly text: string | null
  /** True when any figure of this cell was withheld. */
  readonly suppressed: boolean
  /**
   * For a year: how many of its expected periods were reported, in words ("3 of 4 quarters"), and whether that is all
   * of them. Null for a period. An incomplete year's `display` ends with it: "125 (3 of 4 quarters)".
   */
  readonly completeness: string | null
  readonly complete: boolean | null
  /** For a stock's year taken at its latest period: that period ("Q4"), also in `display`: "125 (Q4)". Else null. */
  readonly asAt: string | null
}

/**
 * An incomplete year's change over the periods both years have, from the published figures only: every period it
 * adds up was published unwithheld, so the sums give nothing away that a reader could not add up themselves.
 */
export interface PublicLikeForLike {
  /** "Q1–Q3". */
  readonly label: string
  readonly periods: readonly string[]
  readonly lastYear: number
  readonly thisYear: number
  /** "-1 (-0.8%)". */
  readonly change: string
  /** "Q1–Q3: 126 in 2023/24, 125 in 2024/25, a change of -1 (-0.8%)". */
  readonly display: string
}

export interface PublicKpi {
  readonly id: string
  readonly name: string
  readonly priority: string
  readonly theme: string
  readonly dataOwner: string
  readonly measureType: IndicatorRow['indicator']['measureType']
  readonly directionLabel: string
  readonly outcomeLabel: string
  readonly outcome?: IndicatorRow['outcome']
  /** The year-on-year test read against the preferred direction: the summary's reading of this KPI. */
  readonly realChange?: RealChange
  /**
   * The year's published figure with its change on last year as numbers ("221, up 30 (+15.7%) on 2016/17"); only
   * when both years' figures are published whole (then the change tells nothing the two figures do not).
   */
  readonly yearChange?: string | null
  readonly trend: IndicatorRow['trend']['assessment']
  readonly significance: string | null
  readonly thisYear: { readonly periods: readonly PublicFigure[]; readonly total: PublicFigure }
  readonly lastYear: { readonly periods: readonly PublicFigure[]; readonly total: PublicFigure }
  /** For an incomplete year of a count (or a count-with-share's count): the like-for-like change; else null. */
  readonly likeForLike: PublicLikeForLike | null
  /**
   * What is published of the data owner's commentary: as written, as released after review, or the partnership's
   * wording for publication; null when there is none or it is withheld.
   */
  readonly commentary: string | null
  readonly commentaryWithheld: boolean
  /** True when `commentary` is the partnership's wording, published instead of the data owner's. */
  readonly commentaryReworded: boolean
  /** Which count cells are parts of which totals, for a reader (and the tests) to check nothing can be differenced. */
  readonly relations: readonly { readonly total: string; readonly parts: readonly string[] }[]
}

interface Cell {
  readonly key: string
  readonly label: string
  readonly period: PeriodId
  readonly shown: Pick<DisplayValue, 'status' | 'display' | 'number' | 'numerator' | 'denominator' | 'percent'>
  readonly reported: boolean
}

function outturnCell(outturn: Outturn, row: IndicatorRow): Cell['shown'] {
  const reported = outturn.value !== null
  const count = row.indicator.measureType === 'count-with-share'
  return {
    status: reported ? 'reported' : 'not-yet-available',
    display: outturn.display,
    number: outturn.value,
    numerator: count ? (outturn.numerator ?? impliedShare(outturn.value, outturn.share ?? null)) : outturn.numerator,
    denominator: count ? outturn.value : outturn.denominator,
    percent: count ? (outturn.share ?? null) : outturn.numerator === null ? outturn.value : null,
  }
}

/** The share count a published percentage of a count gives away: it is protected like any other count. */
function impliedShare(count: number | null, percent: number | null): number | null {
  return count === null || percent === null ? null : Math.round((count * percent) / 100)
}

/**
 * Applies disclosure control to every KPI of a report. Per KPI, one table: each period's figures and the year's, this
 * year and last, with the year total as the sum of the periods that were reported (so secondary suppression covers
 * differencing), and every percentage as a ratio of its counts (withheld with them). Commentary that
 * `flagSmallNumbersInCommentary` flags is withheld (never rewritten automatically) unless a reviewer's decision
 * about that exact text (`decisions`, by KPI id) releases it or gives a wording to publish instead.
 */
export function protectReport(
  report: PerformanceReport,
  rules: DisclosureRules,
  publishedAt: string | null = null,
  decisions: ReadonlyMap<string, CommentaryDecision> = new Map(),
): PublicReport {
  const summary = summariseReport(report)
  return {
    partnership: report.partnership,
    year: report.year,
    yearLabel: report.yearLabel,
    previousYearLabel: report.previousYearLabel,
    minimumCount: rules.minimumCount,
    publishedAt,
    kpis: report.themes
      .flatMap((t) => t.rows)
      .map((row) => protectRow(report, row, rules, decisions.get(row.indicator.id) ?? null)),
    summary,
    summarySentences: summarySentences(summary, report.yearLabel),
  }
}

function protectRow(
  report: PerformanceReport,
  row: IndicatorRow,
  rules: DisclosureRules,
  decision: CommentaryDecision | null,
): PublicKpi {
  const type = row.indicator.measureType
  const years = [
    {
      prefix: 'this',
      periods: row.periods.map((p) => p.thisYear),
      outturn: row.outturn,
      label: report.yearLabel,
      year: report.year,
    },
    {
      prefix: 'last',
      periods: row.periods.map((p) => p.lastYear),
      outturn: row.previousOutturn,
      label: report.previousYearLabel,
      year: report.previousYear,
    },
  ]
  const counts: Record<string, number | null> = {}
  const totals: { total: string; parts: string[] }[] = []
  const ratios: Record<string, { numerator: string; denominator: string }> = {}
  const cells: Record<string, Cell[]> = { this: [], last: [] }
  const totalCells: Record<string, Cell> = {}

  for (const y of years) {
    const list = y.periods.map((shown, i): Cell => ({
      key: `${y.prefix}-p${i + 1}`,
      label: shown.periodLabel,
      period: shown.period,
      shown,
      reported: shown.status === 'reported',
    }))
    const total: Cell = {
      key: `${y.prefix}-year`,
      label: y.label,
      period: y.year,
      shown: outturnCell(y.outturn, row),
      reported: y.outturn.value !== null,
    }
    cells[y.prefix] = list
    totalCells[y.prefix] = total
    const summed = type === 'count' || type === 'count-with-share' || type === 'proportion' || type === 'rate'
    for (const cell of [...list, total]) {
      const s = cell.shown
      if (!cell.reported || type === 'text') continue
      if (type === 'count' || type === 'stock') counts[`${cell.key}:n`] = s.number
      if (type === 'count-with-share') {
        counts[`${cell.key}:n`] = s.number
        const share = s.numerator ?? impliedShare(s.number, s.percent)
        if (share !== null) {
          counts[`${cell.key}:share`] = share
          ratios[`${cell.key}:pct`] = { numerator: `${cell.key}:share`, denominator: `${cell.key}:n` }
        }
      }
      // A percentage published without its counts (as the source published it) has no counts here to protect.
      if ((type === 'proportion' || type === 'rate') && s.numerator !== null && s.denominator !== null) {
        counts[`${cell.key}:n`] = s.numerator
        counts[`${cell.key}:d`] = s.denominator
        if (type === 'proportion')
          ratios[`${cell.key}:pct`] = { numerator: `${cell.key}:n`, denominator: `${cell.key}:d` }
      }
    }
    // A year is the sum of the periods that were reported (missing is never zero), so that is the relation a reader
    // could subtract along. Stocks are never summed. A year made from fewer periods than reported has no relation.
    const reportedParts = list.filter((c) => c.reported)
    if (summed && total.reported && y.outturn.periodsReported === reportedParts.length && reportedParts.length > 0) {
      for (const suffix of type === 'count' ? ['n'] : type === 'count-with-share' ? ['n', 'share'] : ['n', 'd']) {
        const parts = reportedParts.map((c) => `${c.key}:${suffix}`).filter((k) => counts[k] !== undefined)
        if (parts.length === reportedParts.length && counts[`${total.key}:${suffix}`] !== undefined) {
          totals.push({ total: `${total.key}:${suffix}`, parts })
        }
      }
    }
  }

  const table = protectTable({ counts, totals, ratios }, rules)
  const noun = (n: number) => periodNoun(periodKindOf(row.indicator.cadence), n)
  const figure = (cell: Cell): PublicFigure => publicFigure(cell, type, table, rules)
  // A year's completeness and a stock's period, carried from the internal outturn (never recomputed here).
  const yearFigure = (cell: Cell, outturn: Outturn, side: 'thisYear' | 'lastYear'): PublicFigure => {
    const f = figure(cell)
    const completeness = `${outturn.periodsReported} of ${outturn.periodsExpected} ${noun(outturn.periodsExpected)}`
    const latest = type === 'stock' && row.indicator.stockAggregation !== 'average' ? latestReported(row, side) : null
    const asAt = latest === null || f.count === null ? null : latest
    const note = asAt ?? (outturn.complete || outturn.periodsReported === 0 ? null : completeness)
    return {
      ...f,
      display: note === null ? f.display : `${f.display} (${note})`,
      completeness,
      complete: outturn.complete,
      asAt,
    }
  }
  const thisYear = {
    periods: (cells.this ?? []).map(figure),
    total: yearFigure(totalCells.this as Cell, row.outturn, 'thisYear'),
  }
  const lastYear = {
    periods: (cells.last ?? []).map(figure),
    total: yearFigure(totalCells.last as Cell, row.previousOutturn, 'lastYear'),
  }

  const commentary = publicCommentary(row.ownerCommentary, decision, rules)
  return {
    id: row.indicator.id,
    name: row.indicator.name,
    priority: row.indicator.priority,
    theme: row.indicator.theme,
    dataOwner: row.indicator.dataOwner,
    measureType: type,
    directionLabel: row.directionLabel,
    outcomeLabel: row.outcomeLabel,
    outcome: row.outcome,
    realChange: readKpi(row).realChange,
    yearChange: publishedYearChange(row, thisYear.total, lastYear.total, report.previousYearLabel),
    trend: row.trend.assessment,
    significance: row.significance === null ? null : row.significance.reading,
    thisYear,
    lastYear,
    likeForLike: publicLikeForLike(row, thisYear.periods, lastYear.periods, report),
    commentary: commentary.text,
    commentaryWithheld: commentary.text === null && commentary.state !== 'none',
    commentaryReworded: commentary.state === 'reworded',
    relations: totals,
  }
}

/** The change on last year, printed only where both years are published whole and the change is the report's. */
function publishedYearChange(
  row: IndicatorRow,
  thisYear: PublicFigure,
  lastYear: PublicFigure,
  previousYearLabel: string,
): string | null {
  const change = row.changeOnLastYear
  if (change === null || !row.outturn.complete || !row.previousOutturn.complete) return null
  if (thisYear.suppressed || lastYear.suppressed) return null
  const shown = (f: PublicFigure) => f.count ?? f.percent ?? f.rate
  if (shown(thisYear) === null || shown(lastYear) === null) return null
  if (change.absolute === 0) return `${thisYear.display}, no change on ${previousYearLabel}`
  const word = change.absolute > 0 ? 'up' : 'down'
  return `${thisYear.display}, ${word} ${change.display.replace(/^[+-]/, '')} on ${previousYearLabel}`
}

/** The latest period ("Q4") of one year of the row with a figure: where a stock's year is taken. */
function latestReported(row: IndicatorRow, side: 'thisYear' | 'lastYear'): string | null {
  for (let i = row.periods.length - 1; i >= 0; i--) {
    const p = row.periods[i]
    if (p !== undefined && p[side].number !== null) return withinYear(p[side].periodLabel)
  }
  return null
}

/**
 * The like-for-like change of an incomplete year from the published figures: the periods where both years have an
 * unwithheld published count. Only for counts (and a count-with-share's count): the internal row's `likeForLike`
 * says the year qualifies (incomplete, summed); a withheld period is left out of both sides, so no sum stands for a
 * withheld count, and when that leaves out a period the internal change used, the label says which were compared.
 */
function publicLikeForLike(
  row: IndicatorRow,
  thisYear: readonly PublicFigure[],
  lastYear: readonly PublicFigure[],
  report: PerformanceReport,
): PublicLikeForLike | null {
  const type = row.indicator.measureType
  if (!row.likeForLike || (type !== 'count' && type !== 'count-with-share')) return null
  const both: number[] = []
  thisYear.forEach((f, i) => {
    const last = lastYear[i]
    if (f.count !== null && !f.suppressed && last !== undefined && last.count !== null && !last.suppressed) both.push(i)
  })
  if (both.length === 0) return null
  const labels = both.map((i) => withinYear(thisYear[i]?.label ?? ''))
  const from = both.reduce((sum, i) => sum + (lastYear[i]?.count ?? 0), 0)
  const to = both.reduce((sum, i) => sum + (thisYear[i]?.count ?? 0), 0)
  const change = measureChange(from, to, 'count').display
  const label = rangeLabel(labels, both)
  return {
    label,
    periods: labels,
    lastYear: from,
    thisYear: to,
    change,
    display: `${label}: ${formatCount(from)} in ${report.previousYearLabel}, ${formatCount(to)} in ${report.yearLabel}, a change of ${change}`,
  }
}

function publicFigure(
  cell: Cell,
  type: PublicKpi['measureType'],
  table: ReturnType<typeof protectTable>,
  rules: DisclosureRules,
): PublicFigure {
  const base = { period: cell.period, label: cell.label, completeness: null, complete: null, asAt: null }
  const empty = { count: null, denominator: null, percent: null, rate: null, text: null }
  if (!cell.reported) return { ...base, ...empty, display: cell.shown.display, suppressed: false }
  if (type === 'text') {
    const text = cell.shown.display
    const flagged = flagSmallNumbersInCommentary(text, rules).length > 0
    return { ...base, ...empty, display: flagged ? '[c]' : text, text: flagged ? null : text, suppressed: flagged }
  }
  const n = table.counts[`${cell.key}:n`]
  const d = table.counts[`${cell.key}:d`]
  const share = table.counts[`${cell.key}:share`]
  const pct = table.ratios[`${cell.key}:pct`]
  const withheld = (c: PublishedCell | undefined) => c !== undefined && c.suppressed !== null
  const suppressed = withheld(n) || withheld(d) || withheld(share) || withheld(pct)
  switch (type) {
    case 'count':
    case 'stock':
      return { ...base, ...empty, count: n?.value ?? null, display: n?.display || cell.shown.display, suppressed }
    case 'count-with-share': {
      const count = n?.value ?? null
      const percent = pct?.value ?? null
      // No share beside a count of 0 (nothing to share out) or where the source gave none.
      const display =
        count === null ? n?.display || '[c]' : `${formatCount(count)}${pct?.display ? ` (${pct.display})` : ''}`
      return { ...base, ...empty, count, percent, display, suppressed }
    }
    case 'proportion': {
      if (n === undefined && d === undefined) {
        // A percentage published without its counts (as the source published it): nothing here to protect.
        return { ...base, ...empty, percent: cell.shown.percent, display: cell.shown.display, suppressed: false }
      }
      const count = n?.value ?? null
      const denominator = d?.value ?? null
      const percent = pct?.value ?? null
      // Each part as disclosure control printed it (thousands grouped, or "<5"/"[c]" where withheld).
      const display = `${pct?.display || '[c]'} (${n?.display || '[c]'}/${d?.display || '[c]'})`
      return { ...base, ...empty, count, denominator, percent, display, suppressed }
    }
    case 'rate': {
      // A rate is published only beside a published count: with the population it would give a withheld count back.
      // A rate published without its count (as the source gave it) has nothing here to protect.
      if (suppressed) return { ...base, ...empty, display: n?.display || '[c]', suppressed }
      const count = n?.value ?? null
      return { ...base, ...empty, count, rate: cell.shown.number, display: cell.shown.display, suppressed }
    }
  }
}
