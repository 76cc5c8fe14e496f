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
import type { PublicationRepository, SnapshotSummary } from './publication-repository.ts'
import { figureDifferences, type FigureDifference } from './publication-snapshot.ts'

/** A user as the services see them: who they are and what they may do. */
type User = Principal & { readonly id: number; readonly email: string }

/** A decision as the publication page shows it: who made it is named as the viewer may see them. */
export interface DecisionShown {
  readonly decision: ReviewDecision
  readonly publicText: string | null
  readonly by: string
  readonly decidedAt: string
  /**
   * Made after the year's latest publication: the public page does not show it until the next publication (an
   * amendment, approved by two people).
   */
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

/** An approval as the publication page shows it. */
export interface ApprovalShown {
  readonly kind: string
  readonly by: string
  readonly approvedAt: string
  readonly round: number
  readonly reason: string | null
}

/** One publication of the year as the publication page lists it. */
export interface PublicationShown {
  readonly round: number
  readonly publishedAt: string
  /** Later than `publishedAt` for a year published before snapshots existed (taken at its first read after). */
  readonly takenAt: string
  /** True when the figures were stored more than a minute after the approval (a year published before snapshots). */
  readonly storedLater: boolean
  readonly reason: string | null
  readonly changes: readonly FigureDifference[]
}

/** Everything the publication page shows, with people named as the viewer may see them. */
export interface PublicationPage {
  readonly year: PeriodId
  /** Whether the year is published (any round), and when its latest publication was. */
  readonly status: PublicationStatus
  /** Every approval of every round, oldest first. */
  readonly approvals: readonly ApprovalShown[]
  /** The publications so far, oldest first. */
  readonly publications: readonly PublicationShown[]
  /** The round the next approvals are for, its approvals so far and what it still needs. */
  readonly nextRound: {
    readonly round: number
    /** True when the year is already published: this round is an amendment and needs a reason. */
    readonly amendment: boolean
    readonly approvals: readonly ApprovalShown[]
    readonly needs: string | null
    /** The reason the round's first publish approval gave, for the others to see what they approve. */
    readonly reason: string | null
  }
  /**
   * What the public would see differently were the year published again now: every figure and commentary that
   * differs between the latest publication and the live report (empty while unpublished, or when nothing changed).
   */
  readonly differences: readonly FigureDifference[]
  /** The data owners' commentary that disclosure control flagged (or that a decision covers), KPI by KPI. */
  readonly commentary: readonly CommentaryReviewItem[]
  /** How many review decisions were made after the latest publication (they wait for the next). */
  readonly changedAfterPublication: number
}

/** What the public pages serve of a published year: its latest publication and every amendment since the first. */
export interface PublishedYear {
  readonly report: PublicReport
  readonly round: number
  /** When the year was first published, and when its latest publication was. */
  readonly firstPublishedAt: string
  readonly publishedAt: string
  /** The amendments, oldest first: date, what changed, why. */
  readonly amendments: readonly {
    readonly publishedAt: string
    readonly reason: string
    readonly changes: readonly FigureDifference[]
  }[]
}

export type ApprovalOutcome =
  | { readonly outcome: 'recorded'; readonly recorded: boolean; readonly status: PublicationStatus }
  | { readonly outcome: 'reason-needed'; readonly message: string }

export type ReviewOutcome =
  | { readonly outcome: 'recorded'; readonly changed: boolean }
  | { readonly outcome: 'invalid'; readonly errors: readonly ReviewFieldError[] }
  | { readonly outcome: 'not-found' }

export interface PublicationService {
  /** Whether a year is published (any round), with its latest publication's time and approvals. */
  status(year: PeriodId): Promise<PublicationStatus>
  /** Whether a year has figures to publish (only those can be approved). */
  hasFigures(year: PeriodId): Promise<boolean>
  /** Published years, newest first. */
  publishedYears(): Promise<PeriodId[]>
  /**
   * Records `user`'s approval of the year's next round ('publish' needs 'report:publish', 'sign-off' needs
   * 'report:sign-off'); when it completes the round (the two-person rule), the protected public report is stored
   * as the year's new publication. A publish approval of an amendment (the year is already published) needs
   * `reason` (why the year is published again); without one nothing is written (`reason-needed`). Throws
   * `PermissionDenied` when the user may not; `recorded` is false when they had already approved this round.
   */
  approve(
    user: User,
    year: PeriodId,
    kind: 'publish' | 'sign-off',
    requestId?: string | null,
    reason?: string,
  ): Promise<ApprovalOutcome>
  /** The demo loader's publication of the demo year, as "demo-data" (stored as its first publication). */
  recordDemoPublication(year: PeriodId, actor: string): Promise<void>
  /**
   * The protected public report of a published year as its latest publication stored it (never the live report);
   * null when the year is not published.
   */
  publicReport(year: PeriodId): Promise<PublicReport | null>
  /** The latest publication of a published year with its amendments; null when the year is not published. */
  publishedYear(year: PeriodId): Promise<PublishedYear | null>
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

/** Who stores a publication found complete but not yet stored, when no user's action is behind it (a read). */
const SYSTEM_ACTOR = 'saferhub (publication stored at first read)'

/** The longest reason for an amendment the form accepts. */
const MAX_REASON = 2000

/** The reason an amendment round gives: its first publish approval's (the one that asked for it). */
function amendmentReason(approvals: readonly Approval[]): string | null {
  return approvals.find((a) => a.kind === 'publish' && a.reason !== null && a.reason !== '')?.reason ?? null
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
  const decisionsByKpi = async (year: PeriodId) =>
    new Map((await reviews.decisionsOf(year)).map((d) => [d.indicatorId, d] as const))
  /** The live report of a year as the public would see it were it published now; null without figures. */
  const liveReport = async (year: PeriodId, publishedAt: string | null): Promise<PublicReport | null> => {
    const report = await reports.report(year)
    return report === null ? null : protectReport(report, rules, publishedAt, await decisionsByKpi(year))
  }

  /**
   * Brings a year's stored publications up to its approvals: a round whose approvals are complete but that has no
   * publication stored gets one now, from the live report. That happens at the approval that completes a round, and
   * once for a year published before snapshots existed (migration 0015 cannot build the report, so its first read
   * after the upgrade stores the figures as they then are; `takenAt` records when). Returns the publications.
   */
  async function settle(year: PeriodId, actor: string, requestId: string | null = null): Promise<SnapshotSummary[]> {
    let stored = await repository.snapshotsOf(year)
    // Normally at most one round is waiting; more only where several were completed before snapshots existed.
    for (;;) {
      const latest = stored[stored.length - 1]
      const round = (latest?.round ?? 0) + 1
      const approvals = (await repository.approvalsOf(year)).filter((a) => a.round === round)
      const status = publicationStatus(approvals)
      if (!status.published || status.publishedAt === null) return stored
      const report = await liveReport(year, status.publishedAt)
      if (report === null) return stored
      const previous = latest === undefined ? null : await repository.latestSnapshot(year)
      await repository.addSnapshot(
        {
          year,
          round,
          publishedAt: status.publishedAt,
          report,
          approvals,
          // Every publish approval of an amendment gives a reason (`approve` refuses one without); the fallback
          // only keeps a round approved some other way from stopping the public page.
          reason: round === 1 ? null : (amendmentReason(approvals) ?? 'No reason was recorded'),
          // Stored for the public page's list of amendments, so in the public's terms.
          changes: previous === null ? [] : figureDifferences(previous.report, report, 'public'),
        },
        actor,
        requestId,
      )
      stored = await repository.snapshotsOf(year)
    }
  }

  /** Whether a year is published, as of its stored publications (settled first). */
  const status = async (year: PeriodId): Promise<PublicationStatus> => {
    const stored = await settle(year, SYSTEM_ACTOR)
    return statusOf(stored, stored.length === 0 ? await repository.approvalsOf(year) : [])
  }

  async function publishedYear(year: PeriodId): Promise<PublishedYear | null> {
    const stored = await settle(year, SYSTEM_ACTOR)
    if (stored.length === 0) return null
    const latest = await repository.latestSnapshot(year)
    const first = stored[0]
    if (latest === null || first === undefined) return null
    return {
      report: latest.report,
      round: latest.round,
      firstPublishedAt: first.publishedAt,
      publishedAt: latest.publishedAt,
      amendments: stored
        .filter((s) => s.round > 1)
        .map((s) => ({ publishedAt: s.publishedAt, reason: s.reason ?? '', changes: s.changes })),
    }
  }

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
      const years = new Set(await repository.yearsWithSnapshots())
      // A year whose first round is complete but not yet stored (published before snapshots existed) is published.
      const byYear = new Map<string, Approval[]>()
      for (const approval of await repository.listApprovals()) {
        if (approval.round === 1) byYear.set(approval.year, [...(byYear.get(approval.year) ?? []), approval])
      }
      for (const [year, approvals] of byYear) if (publicationStatus(approvals).published) years.add(year)
      return [...years].sort((a, b) => b.localeCompare(a))
    },
    async approve(user, year, kind, requestId = null, reason = '') {
      demand(user, kind === 'publish' ? 'report:publish' : 'report:sign-off')
      const stored = await settle(year, user.email, requestId)
      const round = (stored[stored.length - 1]?.round ?? 0) + 1
      const given = reason.trim()
      if (round > 1 && kind === 'publish' && given === '') {
        return {
          outcome: 'reason-needed',
          message: 'Enter the reason for publishing the year again (what changed and why), for the public page',
        }
      }
      if (given.length > MAX_REASON) {
        return { outcome: 'reason-needed', message: `The reason must be ${MAX_REASON} characters or fewer` }
      }
      const recorded = await repository.addApproval(
        {
          year,
          kind,
          userId: user.id,
          actor: user.email,
          round,
          // A reason is kept only where it is asked for: with a publish approval of an amendment.
          reason: round > 1 && kind === 'publish' ? given : null,
        },
        requestId,
      )
      const settled = await settle(year, user.email, requestId)
      return {
        outcome: 'recorded',
        recorded,
        status: statusOf(settled, settled.length === 0 ? await repository.approvalsOf(year) : []),
      }
    },
    async recordDemoPublication(year, actor) {
      await repository.addApproval({ year, kind: 'demo', userId: null, actor, round: 1, reason: null })
      await settle(year, actor)
    },
    async publicReport(year) {
      return (await publishedYear(year))?.report ?? null
    },
    publishedYear,
    async publicationPage(viewer, year) {
      demand(viewer, 'report:view')
      const report = await reports.report(year)
      if (report === null) return null
      const stored = await settle(year, SYSTEM_ACTOR)
      const [decisions, approvals] = await Promise.all([decisionsByKpi(year), repository.approvalsOf(year)])
      const current = statusOf(stored, approvals)
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
      const approvalShown = async (a: Approval): Promise<ApprovalShown> => ({
        kind: approvalKindLabels[a.kind],
        by: await name(a),
        approvedAt: a.approvedAt,
        round: a.round,
        reason: a.reason,
      })
      const latest = stored.length === 0 ? null : await repository.latestSnapshot(year)
      const round = (latest?.round ?? 0) + 1
      const pending = approvals.filter((a) => a.round === round)
      return {
        year,
        status: current,
        approvals: await Promise.all(approvals.map(approvalShown)),
        publications: stored.map((s) => ({
          round: s.round,
          publishedAt: s.publishedAt,
          takenAt: s.takenAt,
          storedLater: Date.parse(s.takenAt) - Date.parse(s.publishedAt) > 60_000,
          reason: s.reason,
          changes: s.changes,
        })),
        nextRound: {
          round,
          amendment: round > 1,
          approvals: await Promise.all(pending.map(approvalShown)),
          needs: publicationStatus(pending).needs,
          reason: amendmentReason(pending),
        },
        differences:
          latest === null ? [] : figureDifferences(latest.report, protectReport(report, rules, null, decisions)),
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

/**
 * Whether a year is published, from its stored publications (already settled) and, while it has none, its approvals:
 * published from the first stored publication on, with the latest one's time and approvals.
 */
function statusOf(stored: readonly SnapshotSummary[], approvals: readonly Approval[]): PublicationStatus {
  const latest = stored[stored.length - 1]
  if (latest !== undefined)
    return { published: true, publishedAt: latest.publishedAt, approvals: latest.approvals, needs: null }
  return publicationStatus(approvals.filter((a) => a.round === 1))
}
