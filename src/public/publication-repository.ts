import type { Kysely } from 'kysely'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { withAuditedTransaction } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import type { PeriodId } from '../domain/period.ts'
import type { Approval } from './publication.ts'

export interface PublicationRepository {
  /** Every approval of a year, oldest first. */
  approvalsOf(year: PeriodId): Promise<Approval[]>
  /** Every approval of every year, oldest first. */
  listApprovals(): Promise<Approval[]>
  /**
   * Records an approval and its audit event in one transaction. False (nothing written) when the same person has
   * already given the same kind of approval for the year.
   */
  addApproval(approval: Omit<Approval, 'approvedAt'>, requestId?: string | null): Promise<boolean>
}

function fromRow(row: {
  year: string
  kind: Approval['kind']
  user_id: number | null
  actor: string
  approved_at: string
}): Approval {
  return { year: row.year, kind: row.kind, userId: row.user_id, actor: row.actor, approvedAt: row.approved_at }
}

/** The only place with SQL for publication approvals. */
export function createPublicationRepository(
  database: Database,
  audit: AuditRepository,
  options: { readonly now?: () => Date } = {},
): PublicationRepository {
  const now = options.now ?? (() => new Date())
  const { db } = database
  const select = (q: Kysely<DatabaseSchema>) =>
    q.selectFrom('report_approvals').select(['year', 'kind', 'user_id', 'actor', 'approved_at']).orderBy('id')
  return {
    async approvalsOf(year) {
      return (await select(db).where('year', '=', year).execute()).map(fromRow)
    },
    async listApprovals() {
      return (await select(db).execute()).map(fromRow)
    },
    async addApproval(approval, requestId = null) {
      return withAuditedTransaction(database, async (trx) => {
        const existing = await trx
          .selectFrom('report_approvals')
          .select('id')
          .where('year', '=', approval.year)
          .where('kind', '=', approval.kind)
          .where('actor', '=', approval.actor)
          .executeTakeFirst()
        if (existing) return false
        const row = {
          year: approval.year,
          kind: approval.kind,
          user_id: approval.userId,
          actor: approval.actor,
          approved_at: now().toISOString(),
        }
        await trx.insertInto('report_approvals').values(row).execute()
        await audit.append(trx, {
          actor: approval.actor,
          action: `approve-${approval.kind}`,
          entityType: 'report-publication',
          entityKey: approval.year,
          before: null,
          after: row,
          requestId,
        })
        return true
      })
    },
  }
}
