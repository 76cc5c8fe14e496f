import type { PeriodId } from '../domain/period.ts'
import type { PublicFigure, PublicKpi, PublicReport } from './public-report.ts'
import type { Approval } from './publication.ts'

/**
 * One publication of a year: the protected public report exactly as the round's approvals published it. The public
 * page and its downloads serve the latest; later imports, accepted returns and commentary decisions change the live
 * report only, and wait for the next round (an amendment, with its reason) to reach the public.
 */
export interface PublicationSnapshot {
  readonly year: PeriodId
  /** 1 the first publication, 2 the first amendment, and so on. */
  readonly round: number
  /** When the approval that completed the round was given. */
  readonly publishedAt: string
  /** When the snapshot was written: later than `publishedAt` for a year published before snapshots existed. */
  readonly takenAt: string
  readonly report: PublicReport
  readonly approvals: readonly Approval[]
  /** Why the year was published again (round 2 or later); null for the first publication. */
  readonly reason: string | null
  /** What changed against the publication before (empty for the first). */
  readonly changes: readonly FigureDifference[]
}

/**
 * One published thing that differs between two versions of the public report: a figure (KPI, period, as published
 * → as it would be now), a KPI's published commentary, or a KPI added or removed.
 */
export interface FigureDifference {
  readonly kpiId: string
  readonly kpi: string
  /** "2024/25 Q3", "2024/25" (a year), "Commentary", or "KPI". */
  readonly what: string
  /** As published; null when there was nothing (a KPI added). */
  readonly published: string | null
  /** As it is now; null when there is nothing now (a KPI removed). */
  readonly now: string | null
}

/** What the public page shows of a KPI's commentary, for a difference: its text for editors, its state for the public. */
function commentaryShown(kpi: PublicKpi, audience: Audience): string {
  if (kpi.commentary !== null) return audience === 'editors' ? kpi.commentary : 'Published'
  return kpi.commentaryWithheld ? 'Withheld' : 'None'
}

/**
 * Who reads the differences: editors on the publication page see texts and every figure as it was; the public
 * page's list of amendments names a commentary's state only (a withdrawn text is not repeated) and does not repeat
 * the old value of a figure now withheld (beside the new figures it could give a withheld count back).
 */
export type Audience = 'editors' | 'public'

/** What the public's list of amendments shows for the old value of a figure now withheld. */
export const NOT_REPEATED = 'not repeated (now withheld)'

/**
 * Every published figure and commentary that differs between `published` and `now` (both protected public reports
 * of one year), KPI by KPI in `now`'s order, then the KPIs no longer in `now`. Figures are compared as published
 * (their display, which carries the withheld markers and completeness), so a change that the public would not see
 * (a withheld count changing behind "[c]") is not listed either.
 *
 * @example figureDifferences(snapshot.report, live)[0] // { kpi: 'Drug tests', what: '2024/25 Q4', published: 'not available', now: '41' }
 */
export function figureDifferences(
  published: PublicReport,
  now: PublicReport,
  audience: Audience = 'editors',
): FigureDifference[] {
  const differences: FigureDifference[] = []
  const before = new Map(published.kpis.map((k) => [k.id, k] as const))
  for (const kpi of now.kpis) {
    const old = before.get(kpi.id)
    if (old === undefined) {
      differences.push({ kpiId: kpi.id, kpi: kpi.name, what: 'KPI', published: null, now: 'Added' })
      continue
    }
    for (const [from, to] of [
      [old.lastYear, kpi.lastYear],
      [old.thisYear, kpi.thisYear],
    ] as const) {
      const figures = (y: typeof from) => new Map([...y.periods, y.total].map((f) => [f.period, f] as const))
      const oldFigures = figures(from)
      for (const f of [...to.periods, to.total]) {
        const o: PublicFigure | undefined = oldFigures.get(f.period)
        if (o?.display !== f.display) {
          const was = audience === 'public' && f.suppressed && o !== undefined ? NOT_REPEATED : (o?.display ?? null)
          differences.push({ kpiId: kpi.id, kpi: kpi.name, what: f.label, published: was, now: f.display })
        }
      }
    }
    if (commentaryShown(old, 'editors') !== commentaryShown(kpi, 'editors')) {
      const [was, is] = [commentaryShown(old, audience), commentaryShown(kpi, audience)]
      differences.push({
        kpiId: kpi.id,
        kpi: kpi.name,
        what: 'Commentary',
        published: was,
        // For the public, a text replaced by another reads "Published" twice: say that it changed.
        now: was === is ? 'Published, reworded' : is,
      })
    }
  }
  const current = new Set(now.kpis.map((k) => k.id))
  for (const kpi of published.kpis) {
    if (!current.has(kpi.id)) {
      differences.push({ kpiId: kpi.id, kpi: kpi.name, what: 'KPI', published: 'Published', now: 'Removed' })
    }
  }
  return differences
}
