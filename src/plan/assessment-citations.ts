import { changeDirection } from '../domain/judgement.ts'
import type { Change, IndicatorRow, PerformanceReport } from '../domain/performance-report.ts'
import { parsePeriod, type PeriodId } from '../domain/period.ts'
import { crimeSelections, type HeadlineReport } from '../crime/headlines/headlines-service.ts'
import { TOTAL_RECORDED_CRIME } from '../crime/headlines/police-uk-counts.ts'
import { ANTI_SOCIAL_BEHAVIOUR } from '../crime/ingest/crime-types.ts'
import { headlineView } from '../crime/web/overview-view.ts'
import { significanceText } from '../reports/html.ts'

/**
 * Live references to saferhub's own figures, for the strategic assessment's findings. A citation is stored as a
 * reference (kind, key, period), never as a number typed in: while the assessment is a draft its value is read from
 * the data each time the page is shown; when the assessment is made final the value (and where it came from) is
 * written beside the reference, so the final assessment says what it said the day it was agreed, and the page can
 * still show what the figure is now ("now …") when a later import changed it.
 *
 * The values are the other pages' own strings, never formatted again here: a KPI's figures are the performance
 * report's row (src/reports/performance-report-service.ts, the same row the KPI page, the dashboard and the report
 * print), and police recorded crime is the crime overview's headline report (src/crime/headlines: its sentences and
 * its ranks, as the crime page prints them).
 */

export const CITATION_KINDS = [
  'kpi-outturn',
  'kpi-change',
  'kpi-significance',
  'kpi-trend',
  'crime-headline',
  'crime-rank',
] as const
export type CitationKind = (typeof CITATION_KINDS)[number]

export const CITATION_KIND_WORDS: Readonly<Record<CitationKind, string>> = Object.freeze({
  'kpi-outturn': 'KPI: outturn for the year',
  'kpi-change': 'KPI: change on the year before',
  'kpi-significance': 'KPI: whether the change is real (significance)',
  'kpi-trend': 'KPI: trend',
  'crime-headline': 'Police recorded crime: headline',
  'crime-rank': 'Police recorded crime: rank',
})

/** The keys of a `crime-rank` citation. */
export const CRIME_RANKS = Object.freeze({
  rate: 'Rank by crimes per 1,000 residents among the partnerships of the force area (the lowest rate ranks 1st)',
  change: 'Rank by the change on the year before among the partnerships of the force area (the largest fall ranks 1st)',
  'peer-group': 'Rank by crimes per 1,000 residents in the most similar group (the lowest rate ranks 1st)',
} as const)

/** The `crime-headline` key for the total recorded crime snapshot; any other key is a crime type's name. */
export const CRIME_TOTAL = 'total'

export function isCitationKind(kind: string): kind is CitationKind {
  return (CITATION_KINDS as readonly string[]).includes(kind)
}

/** Where the figures are read from (the partnership's services, put together in src/composition-root.ts). */
export interface FigureSources {
  /** The performance report for a financial year, as every page prints it; null when the year has no figures. */
  report(year: PeriodId): Promise<PerformanceReport | null>
  /**
   * Police recorded crime headlines for the partnership and the financial year starting in `startYear`, as the crime
   * overview computes them. Throws with the reason when there are none (no ONS code, no data.police.uk files loaded).
   */
  crimeHeadlines(startYear: number): Promise<HeadlineReport>
}

/** A citation's figure as it is now, or why there is none. */
export interface CitedFigure {
  /** What is cited: "Knife crime: outturn 2017/18". */
  readonly label: string
  /** The figure (a report's display string or a crime page's sentence); null when there is none. */
  readonly value: string | null
  /** Where it comes from, with the period: "Performance report 2017/18, KPI knife-crime". */
  readonly source: string
  /** Why there is no figure, when there is none. */
  readonly unavailable: string | null
  /** The saferhub page that shows it, relative to the partnership's address. */
  readonly href: string | null
}

export interface CitationReference {
  readonly kind: string
  readonly key: string
  readonly period: string
}

/**
 * Reads each citation's current figure. Reads each year's report and crime headlines once for the whole list.
 *
 * @example await resolveCitations([{ kind: 'kpi-outturn', key: 'knife-crime', period: 'FY2017-18' }], sources)
 */
export async function resolveCitations(
  citations: readonly CitationReference[],
  sources: FigureSources,
): Promise<CitedFigure[]> {
  const reports = new Map<string, Promise<PerformanceReport | null>>()
  const crime = new Map<number, Promise<HeadlineReport | Error>>()
  const reportOf = (year: string) => {
    let found = reports.get(year)
    if (!found) reports.set(year, (found = sources.report(year)))
    return found
  }
  const crimeOf = (startYear: number) => {
    let found = crime.get(startYear)
    if (!found) {
      found = sources
        .crimeHeadlines(startYear)
        .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))
      crime.set(startYear, found)
    }
    return found
  }
  const out: CitedFigure[] = []
  for (const citation of citations) {
    const year = parsePeriod(citation.period)
    if (!year || year.kind !== 'year') {
      out.push(unavailable(citation, citation.period, `${citation.period} is not a financial year`))
      continue
    }
    if (citation.kind.startsWith('kpi-')) out.push(kpiFigure(citation, year.label, await reportOf(year.id)))
    else out.push(crimeFigure(citation, year.label, await crimeOf(year.financialYear)))
  }
  return out
}

function unavailable(citation: CitationReference, periodLabel: string, why: string): CitedFigure {
  const kind = isCitationKind(citation.kind) ? CITATION_KIND_WORDS[citation.kind] : citation.kind
  return {
    label: `${kind}: ${citation.key}, ${periodLabel}`,
    value: null,
    source: 'saferhub',
    unavailable: why,
    href: null,
  }
}

/** "+30 (+15.7%): an increase on 2016/17", as the KPI page says it (src/kpi/kpi-year.ts, `changeInWords`). */
function changeWords(change: Change, against: string): string {
  // Not imported from src/kpi/: the KPI pages may come to show the plan, and features must not import in a circle.
  // src/plan/assessment-service.test.ts checks that the two say the same.
  const way = changeDirection(change)
  const words =
    way === 'none' ? `no change on ${against}` : `${way === 'increase' ? 'an increase' : 'a decrease'} on ${against}`
  return `${change.display}: ${words}`
}

function rowOf(report: PerformanceReport, indicatorId: string): IndicatorRow | null {
  for (const theme of report.themes) for (const row of theme.rows) if (row.indicator.id === indicatorId) return row
  return null
}

function kpiFigure(citation: CitationReference, periodLabel: string, report: PerformanceReport | null): CitedFigure {
  if (report === null) return unavailable(citation, periodLabel, `No KPI figures are stored for ${periodLabel}.`)
  const row = rowOf(report, citation.key)
  if (row === null) {
    return unavailable(citation, periodLabel, `The performance report for ${periodLabel} has no KPI "${citation.key}".`)
  }
  const name = row.indicator.name
  const source = `Performance report ${report.yearLabel}, KPI "${name}"`
  const href = `/kpis/${encodeURIComponent(row.indicator.id)}`
  const figure = (label: string, value: string | null, why: string | null): CitedFigure => ({
    label: `${name}: ${label}`,
    value,
    source,
    unavailable: value === null ? why : null,
    href,
  })
  switch (citation.kind) {
    case 'kpi-outturn':
      return figure(
        `outturn ${report.yearLabel}`,
        row.outturn.value === null ? null : `${row.outturn.display} (${row.outturn.method})`,
        `No outturn for ${report.yearLabel}: ${row.outturn.periodsReported} of ${row.outturn.periodsExpected} figures reported.`,
      )
    case 'kpi-change':
      return figure(
        `change ${report.previousYearLabel} to ${report.yearLabel}`,
        row.changeOnLastYear === null ? null : changeWords(row.changeOnLastYear, report.previousYearLabel),
        `Not compared: the two years do not both have complete figures.`,
      )
    case 'kpi-significance':
      return figure(
        `is the change real? ${report.yearLabel}`,
        row.significance === null ? null : significanceText(row.significance),
        'Not tested: the test compares two complete years of counts.',
      )
    case 'kpi-trend':
      return figure(`trend to ${report.yearLabel}`, row.trend.description, null)
    default:
      return unavailable(citation, periodLabel, `"${citation.kind}" is not a kind of KPI figure.`)
  }
}

function crimeFigure(citation: CitationReference, periodLabel: string, found: HeadlineReport | Error): CitedFigure {
  if (found instanceof Error)
    return unavailable(citation, periodLabel, `No police recorded crime headlines: ${found.message}`)
  const view = headlineView(found)
  // The one note that says why (files not loaded, first): the crime page lists them all.
  const why = (fallback: string) => found.notes.find((n) => n.includes('not loaded')) ?? found.notes[0] ?? fallback
  const source = `${found.figures.source}, ${found.figures.yearLabel} (the crime overview's headlines)`
  const figure = (label: string, value: string | null, why: string): CitedFigure => ({
    label,
    value,
    source,
    unavailable: value === null ? why : null,
    href: '/crime',
  })
  if (citation.kind === 'crime-headline') {
    // The crime page prints the snapshot sentences, then one sentence per crime type (headlines-service.ts).
    const snapshotCount = found.sentences.length - found.breakdown.length
    if (citation.key === CRIME_TOTAL) {
      const snapshot = found.sentences.slice(0, snapshotCount)
      return figure(
        `${found.figures.measure}, ${found.figures.yearLabel}`,
        snapshot.length === 0 ? null : snapshot.join(' '),
        `No headline for ${found.figures.yearLabel}: ${why('the year is incomplete.')}`,
      )
    }
    const index = found.breakdown.findIndex((b) => b.measure === citation.key)
    return figure(
      `${citation.key}, ${found.figures.yearLabel}`,
      index < 0 ? null : (found.sentences[snapshotCount + index] ?? null),
      `No figure for "${citation.key}" in ${found.figures.yearLabel}: ${why('not a crime type of the data.')}`,
    )
  }
  if (citation.kind === 'crime-rank' && Object.hasOwn(CRIME_RANKS, citation.key)) {
    const key = citation.key as keyof typeof CRIME_RANKS
    const position =
      key === 'rate'
        ? view.positionByRate
        : key === 'change'
          ? view.positionByChange
          : (view.peerGroup?.position ?? null)
    const label = `${CRIME_RANKS[key]}, ${found.figures.yearLabel}`
    return figure(
      label,
      position === null || position === 'Not ranked' ? null : position,
      `Not ranked in ${found.figures.yearLabel}: ${why('the figures are incomplete.')}`,
    )
  }
  return unavailable(
    citation,
    periodLabel,
    `"${citation.kind}: ${citation.key}" is not a police recorded crime figure.`,
  )
}

/** The crime types a `crime-headline` citation may name: those the crime page gives a sentence each. */
export function crimeMeasureNames(): string[] {
  return crimeSelections()
    .filter((s) => s.id !== TOTAL_RECORDED_CRIME.id && s.name !== ANTI_SOCIAL_BEHAVIOUR)
    .map((s) => s.name)
}
