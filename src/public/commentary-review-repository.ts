import type { AuditRepository } from '../audit/audit-repository.ts'
import { withAuditedTransaction } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import type { PeriodId } from '../domain/period.ts'
import type { CommentaryDecision } from './commentary-review.ts'
import type { CommentaryReviewsTable } from './publication-tables.ts'

export interface CommentaryReviewRepository {
  /** The decisions of a year, one per KPI at most. */
  decisionsOf(year: PeriodId): Promise<CommentaryDecision[]>
  /**
   * Stores a decision (replacing the KPI's earlier one for the year) with its audit event (before and after) in one
   * transaction. False, with nothing written, when the stored decision is already exactly this one (the same text,
   * decision and wording): a second click changes nothing and records nothing.
   */
  decide(decision: Omit<CommentaryDecision, 'decidedAt'>, requestId?: string | null): Promise<boolean>
}

type Row = Omit<CommentaryReviewsTable, 'id' | 'partnership_id'>

function fromRow(row: Row): CommentaryDecision {
  return {
    year: row.year,
    indicatorId: row.indicator_id,
    period: row.period,
    textSha256: row.text_sha256,
    decision: row.decision,
    publicText: row.public_text,
    userId: row.user_id,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
  }
}

const COLUMNS = [
  'year',
  'indicator_id',
  'period',
  'text_sha256',
  'decision',
  'public_text',
  'user_id',
  'decided_by',
  'decided_at',
] as const

/** The only place with SQL for commentary review decisions. */
export function createCommentaryReviewRepository(
  database: Database,
  audit: AuditRepository,
  options: { readonly now?: () => Date } = {},
): CommentaryReviewRepository {
  const now = options.now ?? (() => new Date())
  const { db } = database
  return {
    async decisionsOf(year) {
      const rows = await db
        .selectFrom('commentary_reviews')
        .select(COLUMNS)
        .where('year', '=', year)
        .orderBy('indicator_id')
        .execute()
      return rows.map(fromRow)
    },
    async decide(decision, requestId = null) {
      return withAuditedTransaction(database, async (trx) => {
        const existing = await trx
          .selectFrom('commentary_reviews')
          .select(['id', ...COLUMNS])
          .where('year', '=', decision.year)
          .where('indicator_id', '=', decision.indicatorId)
          .executeTakeFirst()
        if (
          existing !== undefined &&
          existing.text_sha256 === decision.textSha256 &&
          existing.decision === decision.decision &&
          existing.public_text === decision.publicText
        ) {
          return false
        }
        const row: Row = {
          year: decision.year,
          indicator_id: decision.indicatorId,
          period: decision.period,
          text_sha256: decision.textSha256,
          decision: decision.decision,
          public_text: decision.publicText,
          user_id: decision.userId,
          decided_by: decision.decidedBy,
          decided_at: now().toISOString(),
        }
        if (existing === undefined) {
          await trx.insertInto('commentary_reviews').values(row).execute()
        } else {
          await trx.updateTable('commentary_reviews').set(row).where('id', '=', existing.id).execute()
        }
        let before: Row | null = null
        if (existing !== undefined) {
          const { id: _id, ...rest } = existing
          before = rest
        }
        await audit.append(trx, {
          actor: decision.decidedBy,
          action: `commentary-${decision.decision}`,
          entityType: 'commentary-review',
          entityKey: `${decision.year}/${decision.indicatorId}`,
          before,
          after: row,
          requestId,
        })
        return true
      })
    },
  }
}
