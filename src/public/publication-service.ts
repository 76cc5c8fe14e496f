import { can, demand, type Principal } from '../accounts/permissions.ts'
import type { CommentaryFlag, DisclosureRules } from '../domain/disclosure-control.ts'
import { parsePeriod, type PeriodId } from '../domain/period.ts'
import type { PerformanceReportService } from '../reports/performance-report-service.ts'
import {
  checkReview,
  commentaryHash,
  needsReview,
  publicCommentary,
  type CommentaryDecision,
  type CommentaryState,
  type ReviewDecision,
  type ReviewFieldError,
  type ReviewInput,
} from './commentary-review.ts'
import type { CommentaryReviewRepository } from './commentary-review-repository.ts'
import { protectReport, type PublicReport } from './public-report.ts'
import {
  approvalKindLabels,
  personLabel,
  publicationStatus,
  type Approval,
  type Person,
  type PublicationStatus,
} from './publication.ts'
import type { PublicationRepository } from './publication-repository.ts'

/** A user as the services see them: who they are and what they may do. */
type User = Principal & { readonly id: number; readonly email: string }

/** A decision as the publication page shows it: who made it is named as the viewer may see them. */
export interface DecisionShown {
  readonly decision: ReviewDecision
  readonly publicText: string | null
  readonly by: string
  readonly decidedAt: string
  /** Made after the year was published: it changed the public page without a second approval. */
  readonly afterPublication: boolean
}

/** One data owner's commentary on the review list of the publication page. */
export interface CommentaryReviewItem {
  readonly indicatorId: string
  readonly kpiName: string
  readonly dataOwner: string
  readonly period: PeriodId | null
  readonly periodLabel: string | null
  /** The data owner's commentary, exactly as stored. */
  readonly text: string
  /** Its SHA-256: the form sends it back, so that a decision is about the text the reviewer read. */
  readonly textHash: string
  readonly flags: readonly CommentaryFlag[]
  readonly state: CommentaryState
  /** What the public page shows for this KPI now (null: withheld). */
  readonly publicText: string | null
  readonly decision: DecisionShown | null
  /** A decision about an earlier text, which no longer applies because the commentary changed. */
  readonly staleDecision: DecisionShown | null
}

/** Everything the publication page shows, with people named as the viewer may see them. */
export interface PublicationPage {
  readonly year: PeriodId
  readonly status: PublicationStatus
  readonly approvals: readonly { readonly kind: string; readonly by: string; readonly approvedAt: string }[]
  /** The data owners' commentary that disclosure control flagged (or that a decision covers), KPI by KPI. */
  readonly commentary: readonly CommentaryReviewItem[]
  /** How many review decisions changed the public text after the year was published. */
  readonly changedAfterPublication: number
}

export type ReviewOutcome =
  | { readonly outcome: 'recorded'; readonly changed: boolean }
  | { readonly outcome: 'invalid'; readonly errors: readonly ReviewFieldError[] }
  | { readonly outcome: 'not-found' }

export interface PublicationService {
  /** The approvals of a year and whether it is published. */
  status(year: PeriodId): Promise<PublicationStatus>
  /** Whether a year has figures to publish (only those can be approved). */
  hasFigures(year: PeriodId): Promise<boolean>
  /** Published years, newest first. */
  publishedYears(): Promise<PeriodId[]>
  /**
   * Records `user`'s approval of a year ('publish' needs 'report:publish', 'sign-off' needs 'report:sign-off').
   * Throws `PermissionDenied` when the user may not; `recorded` is false when they had already approved.
   */
  approve(
    user: User,
    year: PeriodId,
    kind: 'publish' | 'sign-off',
    requestId?: string | null,
  ): Promise<{ recorded: boolean; status: PublicationStatus }>
  /** The demo loader's publication of the demo year, as "demo-data". */
  recordDemoPublication(year: PeriodId, actor: string): Promise<void>
  /** The protected public report of a published year; null when the year is not published or has no figures. */
  publicReport(year: PeriodId): Promise<PublicReport | null>
  /**
   * The publication page of a year for `viewer` ('report:view'): approvals, and the data owners' commentary withheld
   * from the public (or released or reworded after review). People are named by email only for a viewer who may
   * manage accounts or read the audit trail; otherwise by name and role. Null when the year has no figures.
   */
  publicationPage(viewer: Principal, year: PeriodId): Promise<PublicationPage | null>
  /**
   * A review decision about one KPI's withheld commentary ('report:publish'; throws `PermissionDenied` otherwise):
   * release it as written, publish `publicText` instead (which must pass the small-number check), or keep it
   * withheld. The decision is stored with the SHA-256 of the text reviewed (`input.textHash`, which must be the
   * commentary's current hash) and audited. `not-found` when the KPI has no commentary on the review list.
   */
  reviewCommentary(
    user: User,
    year: PeriodId,
    indicatorId: string,
    input: ReviewInput,
    requestId?: string | null,
  ): Promise<ReviewOutcome>
  readonly rules: DisclosureRules
}

/** Publication of the performance report to the public, under the two-person rule, with disclosure control. */
export function createPublicationService(deps: {
  readonly repository: PublicationRepository
  readonly reviews: CommentaryReviewRepository
  readonly reports: PerformanceReportService
  readonly rules: DisclosureRules
  /** The name and role of a user by id (disabled users too); null when there is no such user. */
  readonly people: (userId: number) => Promise<Person | null>
}): PublicationService {
  const { repository, reviews, reports, rules } = deps
  const status = async (year: PeriodId) => publicationStatus(await repository.approvalsOf(year))
  const decisionsByKpi = async (year: PeriodId) =>
    new Map((await reviews.decisionsOf(year)).map((d) => [d.indicatorId, d] as const))

  /** Names people as `viewer` may see them, looking each user up once. */
  function namer(viewer: Principal) {
    const showEmail = can(viewer, 'user:manage') || can(viewer, 'audit:view')
    const known = new Map<number, Promise<Person | null>>()
    return async (record: { readonly actor: string; readonly userId: number | null }) => {
      if (showEmail || record.userId === null) return personLabel(record, null, showEmail)
      let person = known.get(record.userId)
      if (person === undefined) {
        person = deps.people(record.userId)
        known.set(record.userId, person)
      }
      return personLabel(record, await person, false)
    }
  }

  return {
    rules,
    status,
    async hasFigures(year) {
      return (await reports.yearsWithFigures()).includes(year)
    },
    async publishedYears() {
      const byYear = new Map<string, Approval[]>()
      for (const approval of await repository.listApprovals()) {
        byYear.set(approval.year, [...(byYear.get(approval.year) ?? []), approval])
      }
      return [...byYear]
        .filter(([, approvals]) => publicationStatus(approvals).published)
        .map(([year]) => year)
        .sort((a, b) => b.localeCompare(a))
    },
    async approve(user, year, kind, requestId = null) {
      demand(user, kind === 'publish' ? 'report:publish' : 'report:sign-off')
      const recorded = await repository.addApproval({ year, kind, userId: user.id, actor: user.email }, requestId)
      return { recorded, status: await status(year) }
    },
    async recordDemoPublication(year, actor) {
      await repository.addApproval({ year, kind: 'demo', userId: null, actor })
    },
    async publicReport(year) {
      const current = await status(year)
      if (!current.published) return null
      const report = await reports.report(year)
      if (report === null) return null
      return protectReport(report, rules, current.publishedAt, await decisionsByKpi(year))
    },
    async publicationPage(viewer, year) {
      demand(viewer, 'report:view')
      const report = await reports.report(year)
      if (report === null) return null
      const [current, decisions] = await Promise.all([status(year), decisionsByKpi(year)])
      const name = namer(viewer)
      const shown = async (d: CommentaryDecision | null): Promise<DecisionShown | null> =>
        d === null
          ? null
          : {
              decision: d.decision,
              publicText: d.publicText,
              by: await name({ actor: d.decidedBy, userId: d.userId }),
              decidedAt: d.decidedAt,
              afterPublication: current.publishedAt !== null && d.decidedAt > current.publishedAt,
            }
      const commentary: CommentaryReviewItem[] = []
      for (const row of report.themes.flatMap((t) => t.rows)) {
        const owner = row.ownerCommentary
        const state = publicCommentary(owner, decisions.get(row.indicator.id), rules)
        if (owner === null || !needsReview(state)) continue
        const period = row.ownerCommentaryPeriod ?? null
        commentary.push({
          indicatorId: row.indicator.id,
          kpiName: row.indicator.name,
          dataOwner: row.indicator.dataOwner,
          period,
          periodLabel: period === null ? null : (parsePeriod(period)?.label ?? period),
          text: owner,
          textHash: commentaryHash(owner),
          flags: state.flags,
          state: state.state,
          publicText: state.text,
          decision: await shown(state.decision),
          staleDecision: await shown(state.staleDecision),
        })
      }
      return {
        year,
        status: current,
        approvals: await Promise.all(
          current.approvals.map(async (a) => ({
            kind: approvalKindLabels[a.kind],
            by: await name(a),
            approvedAt: a.approvedAt,
          })),
        ),
        commentary,
        changedAfterPublication: commentary.filter((c) => c.decision?.afterPublication).length,
      }
    },
    async reviewCommentary(user, year, indicatorId, input, requestId = null) {
      demand(user, 'report:publish')
      const report = await reports.report(year)
      const row = report?.themes.flatMap((t) => t.rows).find((r) => r.indicator.id === indicatorId)
      const owner = row?.ownerCommentary ?? null
      if (row === undefined || owner === null) return { outcome: 'not-found' }
      const decisions = await decisionsByKpi(year)
      if (!needsReview(publicCommentary(owner, decisions.get(indicatorId), rules))) return { outcome: 'not-found' }
      const checked = checkReview(input, owner, rules)
      if (!checked.ok) return { outcome: 'invalid', errors: checked.errors }
      const changed = await reviews.decide(
        {
          year,
          indicatorId,
          period: row.ownerCommentaryPeriod ?? null,
          // The hash of the text the reviewer read (checked equal to the current text's above). Were the commentary
          // to change between that check and this write, the stored decision still names the text reviewed, so it
          // would not apply to the new one.
          textSha256: input.textHash,
          decision: checked.decision,
          publicText: checked.publicText,
          userId: user.id,
          decidedBy: user.email,
        },
        requestId,
      )
      return { outcome: 'recorded', changed }
    },
  }
}
