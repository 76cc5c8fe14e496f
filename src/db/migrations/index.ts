import type { Migration } from 'kysely'
import { accountsMigration } from './0002-accounts.ts'
import * as m0001 from './0001-performance-framework.ts'
import * as m0004 from './0004-crime-reference.ts'
import { crimeCountsMigration } from './0003-crime-counts.ts'
import { apiMigration } from './0007-api.ts'
import { returnsMigration } from './0005-returns.ts'
import * as m0006 from './0006-publication.ts'
import * as m0010 from './0010-commentary-review.ts'
import { agencyOwnerNamesMigration } from './0008-agency-owner-names.ts'
import { returnItemPeriodsMigration } from './0009-return-item-periods.ts'
import { signInAuditMigration } from './0012-sign-in-audit.ts'
import { twoStepMigration } from './0011-two-step.ts'
import { partnershipsMigration } from './0013-partnerships.ts'
import { rowLevelSecurityMigration } from './0014-row-level-security.ts'
import { publicationSnapshotsMigration } from './0015-publication-snapshots.ts'
import { partnershipRemovalMigration } from './0016-partnership-removal.ts'
import { auditVersionIndexMigration } from './0017-audit-version-index.ts'
import { planAndFundingMigration } from './0018-plan-and-funding.ts'
import { appendixAMigration } from './0022-appendix-a.ts'
import { strategyApprovalAndStatutoryFunctionsMigration } from './0024-strategy-approval-and-statutory-functions.ts'
import { boardAndGroupsMigration } from './0025-board-and-groups.ts'
import { tensionsCentresRetentionMigration } from './0032-tensions-centres-retention.ts'
import { annualReportMigration } from './0028-annual-report.ts'
import { preventAndEngagementMigration } from './0031-prevent-and-engagement.ts'
import { meetingsMigration } from './0027-meetings.ts'
import { deathReviewsMigration } from './0030-death-reviews.ts'
import { actionReturnsMigration } from './0020-action-returns.ts'
import { serviceReturnsMigration } from './0021-service-returns.ts'
import { strategicAssessmentMigration } from './0019-strategic-assessment.ts'

/**
 * Every migration, in the order it runs. Each feature adds its own file; names sort by their number.
 * One set serves SQLite and PostgreSQL (see ../schema-builder.ts).
 */
export const migrations: Record<string, Migration> = {
  '0001-performance-framework': m0001,
  '0002-accounts': accountsMigration,
  '0003-crime-counts': crimeCountsMigration,
  '0004-crime-reference': m0004,
  '0007-api': apiMigration,
  '0005-returns': returnsMigration,
  '0006-publication': m0006,
  '0008-agency-owner-names': agencyOwnerNamesMigration,
  '0009-return-item-periods': returnItemPeriodsMigration,
  '0010-commentary-review': m0010,
  '0012-sign-in-audit': signInAuditMigration,
  '0011-two-step': twoStepMigration,
  '0013-partnerships': partnershipsMigration,
  '0014-row-level-security': rowLevelSecurityMigration,
  '0015-publication-snapshots': publicationSnapshotsMigration,
  '0016-partnership-removal': partnershipRemovalMigration,
  '0017-audit-version-index': auditVersionIndexMigration,
  '0018-plan-and-funding': planAndFundingMigration,
  '0019-strategic-assessment': strategicAssessmentMigration,
  '0020-action-returns': actionReturnsMigration,
  '0021-service-returns': serviceReturnsMigration,
  '0022-appendix-a': appendixAMigration,
  '0024-strategy-approval-and-statutory-functions': strategyApprovalAndStatutoryFunctionsMigration,
  '0025-board-and-groups': boardAndGroupsMigration,
  '0032-tensions-centres-retention': tensionsCentresRetentionMigration,
  '0028-annual-report': annualReportMigration,
  '0031-prevent-and-engagement': preventAndEngagementMigration,
  '0027-meetings': meetingsMigration,
  '0030-death-reviews': deathReviewsMigration,
}
