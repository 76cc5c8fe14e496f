import { demand, type Principal } from '../accounts/permissions.ts'
import type { DisclosureRules } from '../domain/disclosure-control.ts'
import type { PeriodId } from '../domain/period.ts'
import type { PerformanceReportService } from '../reports/performance-report-service.ts'
import { protectReport, type PublicReport } from './public-report.ts'
import { publicationStatus, type PublicationStatus } from './publication.ts'
import type { PublicationRepository } from './publication-repository.ts'

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
    user: Principal & { readonly id: number; readonly email: string },
    year: PeriodId,
    kind: 'publish' | 'sign-off',
    requestId?: string | null,
  ): Promise<{ recorded: boolean; status: PublicationStatus }>
  /** The demo loader's publication of the demo year, as "demo-data". */
  recordDemoPublication(year: PeriodId, actor: string): Promise<void>
  /** The protected public report of a published year; null when the year is not published or has no figures. */
  publicReport(year: PeriodId): Promise<PublicReport | null>
  readonly rules: DisclosureRules
}

/** Publication of the performance report to the public, under the two-person rule, with disclosure control. */
export function createPublicationService(deps: {
  readonly repository: PublicationRepository
  readonly reports: PerformanceReportService
  readonly rules: DisclosureRules
}): PublicationService {
  const { repository, reports, rules } = deps
  const status = async (year: PeriodId) => publicationStatus(await repository.approvalsOf(year))
  return {
    rules,
    status,
    async hasFigures(year) {
      return (await reports.yearsWithFigures()).includes(year)
    },
    async publishedYears() {
      const byYear = new Map<string, Awaited<ReturnType<typeof repository.listApprovals>>>()
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
      return report === null ? null : protectReport(report, rules, current.publishedAt)
    },
  }
}
