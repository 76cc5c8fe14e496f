import { createHash } from 'node:crypto'
import type { AuditRepository } from '../audit/audit-repository.ts'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { AppendixA } from './appendix-a.ts'

/** One approval to publish a year's Appendix A. */
export interface AppendixAApproval {
  readonly year: string
  readonly round: number
  readonly userId: number | null
  readonly actor: string
  readonly approvedAt: string
  /** SHA-256 of the Appendix A the approver saw. */
  readonly contentSha256: string
}

/** One publication of a year's Appendix A: what the public page serves. */
export interface AppendixAPublication {
  readonly year: string
  readonly round: number
  readonly publishedAt: string
  readonly appendix: AppendixA
  readonly approvals: readonly AppendixAApproval[]
}

/**
 * The only place with SQL for Appendix A's narratives, approvals and publications. Every function takes the unit of
 * work its service opened (src/audit/audited-transaction.ts) and writes its audit event in it; none opens a
 * transaction.
 */
export interface AppendixARepository {
  narrative(uow: UnitOfWork, year: string): Promise<string | null>
  /** The years with a narrative. */
  narratedYears(uow: UnitOfWork): Promise<string[]>
  /** Stores the year's narrative (an empty text removes it), audited with before and after. False when unchanged. */
  saveNarrative(uow: UnitOfWork, year: string, text: string, actor: string, requestId: string | null): Promise<boolean>
  approvalsOf(uow: UnitOfWork, year: string): Promise<AppendixAApproval[]>
  /** Records an approval (audited). False, nothing written, when the same person has approved this round already. */
  addApproval(uow: UnitOfWork, approval: AppendixAApproval, requestId: string | null): Promise<boolean>
  /** The year's publications, oldest first. */
  publicationsOf(uow: UnitOfWork, year: string): Promise<AppendixAPublication[]>
  /** Stores a publication (audited, naming the content by its SHA-256). False when the round has one already. */
  addPublication(
    uow: UnitOfWork,
    publication: AppendixAPublication,
    actor: string,
    requestId: string | null,
  ): Promise<boolean>
  /** The years with at least one publication, newest first. */
  publishedYears(uow: UnitOfWork): Promise<string[]>
}

export function createAppendixARepository(audit: AuditRepository): AppendixARepository {
  const approvalOf = (row: {
    year: string
    round: number
    user_id: number | null
    actor: string
    approved_at: string
    content_sha256: string
  }): AppendixAApproval => ({
    year: row.year,
    round: row.round,
    userId: row.user_id,
    actor: row.actor,
    approvedAt: row.approved_at,
    contentSha256: row.content_sha256,
  })
  return {
    async narrative({ trx }, year) {
      const row = await trx
        .selectFrom('appendix_a_narratives')
        .select('text')
        .where('year', '=', year)
        .executeTakeFirst()
      return row?.text ?? null
    },
    async narratedYears({ trx }) {
      return (await trx.selectFrom('appendix_a_narratives').select('year').execute()).map((r) => r.year)
    },
    async saveNarrative({ trx }, year, text, actor, requestId) {
      const before = await trx
        .selectFrom('appendix_a_narratives')
        .select(['year', 'text', 'updated_at', 'updated_by'])
        .where('year', '=', year)
        .executeTakeFirst()
      if ((before?.text ?? '') === text) return false
      const after = { year, text, updated_at: new Date().toISOString(), updated_by: actor }
      if (text === '') await trx.deleteFrom('appendix_a_narratives').where('year', '=', year).execute()
      else if (before) await trx.updateTable('appendix_a_narratives').set(after).where('year', '=', year).execute()
      else await trx.insertInto('appendix_a_narratives').values(after).execute()
      await audit.append(trx, {
        actor,
        action: text === '' ? 'delete' : before ? 'update' : 'create',
        entityType: 'appendix-a-narrative',
        entityKey: year,
        before: before ?? null,
        after: text === '' ? null : after,
        requestId,
      })
      return true
    },
    async approvalsOf({ trx }, year) {
      const rows = await trx
        .selectFrom('appendix_a_approvals')
        .select(['year', 'round', 'user_id', 'actor', 'approved_at', 'content_sha256'])
        .where('year', '=', year)
        .orderBy('id')
        .execute()
      return rows.map(approvalOf)
    },
    async addApproval({ trx }, approval, requestId) {
      const existing = await trx
        .selectFrom('appendix_a_approvals')
        .select('id')
        .where('year', '=', approval.year)
        .where('round', '=', approval.round)
        .where('actor', '=', approval.actor)
        .executeTakeFirst()
      if (existing) return false
      const row = {
        year: approval.year,
        round: approval.round,
        user_id: approval.userId,
        actor: approval.actor,
        approved_at: approval.approvedAt,
        content_sha256: approval.contentSha256,
      }
      await trx.insertInto('appendix_a_approvals').values(row).execute()
      await audit.append(trx, {
        actor: approval.actor,
        action: 'approve-publish',
        entityType: 'appendix-a-publication',
        entityKey: approval.year,
        before: null,
        after: row,
        requestId,
      })
      return true
    },
    async publicationsOf({ trx }, year) {
      const rows = await trx
        .selectFrom('appendix_a_publications')
        .select(['year', 'round', 'published_at', 'content', 'approvals'])
        .where('year', '=', year)
        .orderBy('round')
        .execute()
      return rows.map((r) => ({
        year: r.year,
        round: r.round,
        publishedAt: r.published_at,
        appendix: JSON.parse(r.content) as AppendixA,
        approvals: JSON.parse(r.approvals) as AppendixAApproval[],
      }))
    },
    async addPublication({ trx }, publication, actor, requestId) {
      const existing = await trx
        .selectFrom('appendix_a_publications')
        .select('id')
        .where('year', '=', publication.year)
        .where('round', '=', publication.round)
        .executeTakeFirst()
      if (existing) return false
      const content = JSON.stringify(publication.appendix)
      const row = {
        year: publication.year,
        round: publication.round,
        published_at: publication.publishedAt,
        approvals: JSON.stringify(publication.approvals),
      }
      await trx
        .insertInto('appendix_a_publications')
        .values({ ...row, content })
        .execute()
      // The content is in the table; the audit event names it by its SHA-256 rather than holding a second copy.
      await audit.append(trx, {
        actor,
        action: publication.round === 1 ? 'publish' : 'publish-again',
        entityType: 'appendix-a-publication',
        entityKey: publication.year,
        before: null,
        after: { year: row.year, round: row.round, published_at: row.published_at, content_sha256: sha256(content) },
        requestId,
      })
      return true
    },
    async publishedYears({ trx }) {
      const rows = await trx.selectFrom('appendix_a_publications').select('year').distinct().execute()
      return rows.map((r) => r.year).sort((a, b) => b.localeCompare(a))
    },
  }
}

/** SHA-256 (hex) of a text, as the audit trail names stored content. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}
