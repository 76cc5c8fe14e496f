import type { AuditTables } from '../audit/audit-tables.ts'
import type { PerformanceTables } from '../performance/tables.ts'
import type { AccountTables } from '../accounts/accounts-schema.ts'
import type { CrimeReferenceTables } from '../crime/reference/tables.ts'
import type { CrimeCountTables } from '../crime/crime-count-tables.ts'
import type { ApiTables } from '../api/api-tables.ts'
import type { ReturnTables } from '../returns/tables.ts'
import type { PublicationTables } from '../public/publication-tables.ts'
import type { TwoStepTables } from '../accounts/two-step/two-step-tables.ts'
import type { PartnershipTables } from '../partnerships/partnership-tables.ts'
import type { PlanTables } from '../plan/plan-tables.ts'
import type { FundingTables } from '../funding/funding-tables.ts'
import type { AppendixATables } from '../funding/appendix-a-tables.ts'
import type { ActionReturnTables } from '../plan/action-return-tables.ts'
import type { ServiceReturnTables } from '../funding/service-return-tables.ts'
import type { AssessmentTables } from '../plan/assessment-tables.ts'
import type { BoardTables } from '../board/board-tables.ts'
import type { TensionTables } from '../registers/tension-tables.ts'
import type { RetentionTables } from '../retention/retention-tables.ts'
import type { AnnualReportTables } from '../annual-report/annual-report-tables.ts'
import type { PreventTables } from '../registers/prevent-tables.ts'
import type { EngagementTables } from '../registers/engagement-tables.ts'
import type { MeetingTables } from '../board/meeting-tables.ts'
import type { ReviewTables } from '../reviews/review-tables.ts'

/**
 * The database schema as Kysely sees it: one interface per table. Each feature declares its tables in its
 * own file and they are joined here, so that repositories are typed end to end.
 */
export interface DatabaseSchema
  extends
    PerformanceTables,
    AuditTables,
    AccountTables,
    CrimeReferenceTables,
    CrimeCountTables,
    ReturnTables,
    ApiTables,
    PublicationTables,
    TwoStepTables,
    PartnershipTables,
    PlanTables,
    FundingTables,
    AppendixATables,
    ActionReturnTables,
    ServiceReturnTables,
    AssessmentTables,
    BoardTables,
    TensionTables,
    RetentionTables,
    AnnualReportTables,
    PreventTables,
    EngagementTables,
    MeetingTables,
    ReviewTables {}
