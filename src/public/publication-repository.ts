import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { withAuditedTransaction } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import type { PeriodId } from '../domain/period.ts'
import type { PublicReport } from './public-report.ts'
import type { Approval } from './publication.ts'
import type { FigureDifference, PublicationSnapshot } from './publication-snapshot.ts'

/** A publication of a year without its report: what the lists of publications need. */
export type SnapshotSummary = Omit<PublicationSnapshot, 'report'>

export interface PublicationRepository {
  /** Every approval of a year (every round), oldest first. */
  approvalsOf(year: PeriodId): Promise<Approval[]>
  /** Every approval of every year, oldest first. */
  listApprovals(): Promise<Approval[]>
  /**
   * Records an approval and its audit event in one transaction. False (nothing written) when the same person has
   * already given the same kind of approval for the same round of the year.
   */
  addApproval(approval: Omit<Approval, 'approvedAt'>, requestId?: string | null): Promise<boolean>
  /** The publications of a year without their reports, oldest first. */
  snapshotsOf(year: PeriodId): Promise<SnapshotSummary[]>
  /** The years with at least one publication stored. */
  yearsWithSnapshots(): Promise<PeriodId[]>
  /** The latest publication of a year, with its report; null when none is stored. */
  latestSnapshot(year: PeriodId): Promise<PublicationSnapshot | null>
  /**
   * Stores a publication of a year and its audit event in one transaction. False (nothing written) when that round
   * of the year already has one: a publication, once made, is never replaced.
   */
  addSnapshot(
    snapshot: Omit<PublicationSnapshot, 'takenAt'>,
    actor: string,
    requestId?: string | null,
  ): Promise<boolean>
}

function fromRow(row: {
  year: string
  kind: Approval['kind']
  user_id: number | null
  actor: string
  approved_at: string
  round: number
  reason: string | null
}): Approval {
  return {
    year: row.year,
    kind: row.kind,
    userId: row.user_id,
    actor: row.actor,
    approvedAt: row.approved_at,
    round: row.round,
    reason: row.reason,
  }
}

function summaryOf(row: {
  year: string
  round: number
  published_at: string
  taken_at: string
  approvals: string
  reason: string | null
  changes: string
}): SnapshotSummary {
  return {
    year: row.year,
    round: row.round,
    publishedAt: row.published_at,
    takenAt: row.taken_at,
    approvals: JSON.parse(row.approvals) as Approval[],
    reason: row.reason,
    changes: JSON.parse(row.changes) as FigureDifference[],
  }
}

const SUMMARY_COLUMNS = ['year', 'round', 'published_at', 'taken_at', 'approvals', 'reason', 'changes'] as const

/** The only place with SQL for publication approvals and snapshots. */
export function createPublicationRepository(
  database: Database,
  audit: AuditRepository,
  options: { readonly now?: () => Date } = {},
): PublicationRepository {
  const now = options.now ?? (() => new Date())
  const { db } = database
  const select = (q: Kysely<DatabaseSchema>) =>
    q
      .selectFrom('report_approvals')
      .select(['year', 'kind', 'user_id', 'actor', 'approved_at', 'round', 'reason'])
      .orderBy('id')
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
          .where('round', '=', approval.round)
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
          round: approval.round,
          reason: approval.reason,
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
    async snapshotsOf(year) {
      const rows = await db
        .selectFrom('publication_snapshots')
        .select(SUMMARY_COLUMNS)
        .where('year', '=', year)
        .orderBy('round')
        .execute()
      return rows.map(summaryOf)
    },
    async yearsWithSnapshots() {
      const rows = await db.selectFrom('publication_snapshots').select('year').distinct().execute()
      return rows.map((r) => r.year)
    },
    async latestSnapshot(year) {
      const row = await db
        .selectFrom('publication_snapshots')
        .select([...SUMMARY_COLUMNS, 'report'])
        .where('year', '=', year)
        .orderBy('round', 'desc')
        .limit(1)
        .executeTakeFirst()
      return row === undefined ? null : { ...summaryOf(row), report: JSON.parse(row.report) as PublicReport }
    },
    async addSnapshot(snapshot, actor, requestId = null) {
      return withAuditedTransaction(database, async (trx) => {
        const existing = await trx
          .selectFrom('publication_snapshots')
          .select('id')
          .where('year', '=', snapshot.year)
          .where('round', '=', snapshot.round)
          .executeTakeFirst()
        if (existing) return false
        const report = JSON.stringify(snapshot.report)
        const row = {
          year: snapshot.year,
          round: snapshot.round,
          published_at: snapshot.publishedAt,
          taken_at: now().toISOString(),
          approvals: JSON.stringify(snapshot.approvals),
          reason: snapshot.reason,
          changes: JSON.stringify(snapshot.changes),
        }
        await trx
          .insertInto('publication_snapshots')
          .values({ ...row, report })
          .execute()
        // The report itself is in the table; the audit event names it by its SHA-256, so that the trail proves
        // which report was published without holding a second copy of it.
        const { approvals: _approvals, ...audited } = row
        await audit.append(trx, {
          actor,
          action: snapshot.round === 1 ? 'publish' : 'publish-amendment',
          entityType: 'report-publication',
          entityKey: snapshot.year,
          before: null,
          after: { ...audited, report_sha256: createHash('sha256').update(report, 'utf8').digest('hex') },
          requestId,
        })
        return true
      })
    },
  }
}
