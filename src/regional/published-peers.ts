import type { PublicFigure, PublicKpi } from '../public/public-report.ts'
import { formatDecimal, formatSignedCount, formatSignedPercent } from '../domain/rounding.ts'
import { yearSlug } from '../reports/performance-report-service.ts'
import { RATE_DECIMALS, RATE_PER, type PopulationFigure } from './comparison.ts'

/**
 * "How other partnerships compare" on a partnership's KPI page: the peers in the instance that share the KPI's code,
 * from what each has PUBLISHED (its latest published year's public report, after disclosure control), never from its
 * internal figures: a partnership's unpublished figures must not reach another partnership's page.
 */

/** A peer's published KPI, as its public report holds it. */
export interface PublishedPeer {
  readonly partnership: { readonly name: string; readonly slug: string }
  readonly year: string
  readonly yearLabel: string
  readonly kpi: PublicKpi
  readonly population: PopulationFigure | null
}

export interface PeerRow {
  readonly partnershipName: string
  /** The peer's public report of that year (`/p/<slug>/public/performance/<year>`). */
  readonly publicHref: string
  readonly yearLabel: string
  readonly outturnDisplay: string
  readonly lastYearDisplay: string
  /** "+12 (+5.3%)" from the two published totals; null when either was withheld or is absent, or not a count. */
  readonly changeOnLastYear: string | null
  readonly significance: string
  readonly rateDisplay: string | null
  readonly rateNote: string | null
  readonly populationSource: string | null
}

const COUNTED = new Set<PublicKpi['measureType']>(['count', 'count-with-share'])

/**
 * The peers' rows, in the order given. Changes and rates come only from published counts: a withheld count ("<5")
 * gives neither, so nothing withheld can be worked back from them.
 *
 * @example
 * peerRows([{ partnership: { name: 'Walsall', slug: 'walsall' }, year: 'FY2017-18', yearLabel: '2017/18', kpi,
 *   population: { population: 280000, source: 'ONS mid-2017 population estimate' } }])[0].rateDisplay
 */
export function peerRows(peers: readonly PublishedPeer[]): PeerRow[] {
  return peers.map(({ partnership, year, yearLabel, kpi, population }) => {
    const now = kpi.thisYear.total
    const before = kpi.lastYear.total
    const counted = COUNTED.has(kpi.measureType)
    const usable = (f: PublicFigure) => !f.suppressed && f.count !== null
    let changeOnLastYear: string | null = null
    if (counted && usable(now) && usable(before)) {
      const to = now.count as number
      const from = before.count as number
      changeOnLastYear =
        from === 0
          ? formatSignedCount(to - from)
          : `${formatSignedCount(to - from)} (${formatSignedPercent(((to - from) / from) * 100)})`
    }
    // A total published for a year with a period missing would read as a lower rate: only whole years.
    const whole = kpi.thisYear.periods.every((p) => p.count !== null || p.suppressed)
    let rateDisplay: string | null = null
    let rateNote: string | null = null
    if (counted) {
      if (!usable(now)) rateNote = 'Not given: no published count'
      else if (!whole) rateNote = 'Not given: the year is incomplete'
      else if (!population) rateNote = 'Not given: no population is known'
      else rateDisplay = formatDecimal(((now.count as number) / population.population) * RATE_PER, RATE_DECIMALS)
    }
    return {
      partnershipName: partnership.name,
      publicHref: `/p/${partnership.slug}/public/performance/${yearSlug(year)}`,
      yearLabel,
      outturnDisplay: now.display,
      lastYearDisplay: before.display,
      changeOnLastYear,
      significance:
        kpi.significance === null
          ? 'Not tested'
          : `${kpi.significance.charAt(0).toUpperCase()}${kpi.significance.slice(1)}`,
      rateDisplay,
      rateNote,
      populationSource: rateDisplay === null ? null : (population?.source ?? null),
    }
  })
}
