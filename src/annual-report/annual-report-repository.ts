import type { AuditRepository } from '../audit/audit-repository.ts'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { PrintableDocument } from '../documents/document.ts'
import type { AnnualReportState } from './annual-report-tables.ts'
import {
  blockContentJson,
  readBlockContent,
  type BlockContent,
  type CaseStudy,
  type ReportChapter,
} from './annual-report.ts'
import type { GlossaryEntry } from './annual-report-glossary.ts'
import type { Figure } from './figures.ts'

/** A report's own row as the service reads it. */
export interface ReportRow {
  readonly id: number
  readonly year: string
  readonly title: string
  readonly state: AnnualReportState
  readonly round: number
  readonly version: number
  readonly glossary: readonly GlossaryEntry[]
  readonly approvedDecisionId: number | null
  readonly approvedAt: string | null
  readonly approvedBy: string | null
}

export interface BlockLock {
  readonly blockId: number
  readonly lockedBy: string
  readonly lockedByName: string
  readonly since: string
  readonly expiresAt: string
}

export interface BlockComment {
  readonly id: number
  readonly blockId: number
  readonly text: string
  readonly madeBy: string
  readonly madeAt: string
  readonly resolvedBy: string | null
  readonly resolvedAt: string | null
}

export interface Publication {
  readonly round: number
  readonly decisionId: number
  readonly document: PrintableDocument
  readonly publishedAt: string
  readonly publishedBy: string
  readonly amendedOn: string | null
  readonly amendmentNote: string | null
  readonly amendmentReason: string | null
}

/** A decision of a held meeting that could approve a year's report. */
export interface ApprovalDecision {
  readonly id: number
  readonly meetingDate: string
  readonly minuteNumber: string | null
  readonly text: string
}

/** Who did it, for the audit trail. */
export interface Actor {
  readonly actor: string
  readonly requestId: string | null
}

/**
 * The only place with SQL for the annual report's tables. Every function takes the unit of work its service opened
 * and appends its audit event in it; none opens a transaction.
 */
export function createAnnualReportRepository(audit: AuditRepository) {
  const log = (
    { trx }: UnitOfWork,
    who: Actor,
    action: string,
    entityType: string,
    entityKey: string,
    before: unknown,
    after: unknown,
  ) =>
    audit.append(trx, {
      actor: who.actor,
      action,
      entityType,
      entityKey,
      before: before ?? null,
      after: after ?? null,
      requestId: who.requestId,
    })
  const stamp = () => new Date().toISOString()

  const reportOf = (row: {
    id: number
    year: string
    title: string
    state: AnnualReportState
    round: number
    version: number
    glossary: string
    approved_decision_id: number | null
    approved_at: string | null
    approved_by: string | null
  }): ReportRow => ({
    id: row.id,
    year: row.year,
    title: row.title,
    state: row.state,
    round: row.round,
    version: row.version,
    glossary: JSON.parse(row.glossary) as GlossaryEntry[],
    approvedDecisionId: row.approved_decision_id,
    approvedAt: row.approved_at,
    approvedBy: row.approved_by,
  })
  const REPORT_COLUMNS = [
    'id',
    'year',
    'title',
    'state',
    'round',
    'version',
    'glossary',
    'approved_decision_id',
    'approved_at',
    'approved_by',
  ] as const

  return {
    async reports({ trx }: UnitOfWork): Promise<ReportRow[]> {
      const rows = await trx.selectFrom('annual_reports').select(REPORT_COLUMNS).orderBy('year', 'desc').execute()
      return rows.map(reportOf)
    },
    async report({ trx }: UnitOfWork, year: string): Promise<ReportRow | null> {
      const row = await trx
        .selectFrom('annual_reports')
        .select(REPORT_COLUMNS)
        .where('year', '=', year)
        .executeTakeFirst()
      return row ? reportOf(row) : null
    },
    /** The public document as approved, for publication; null when the report is not approved. */
    async approvedDocument({ trx }: UnitOfWork, year: string): Promise<PrintableDocument | null> {
      const row = await trx
        .selectFrom('annual_reports')
        .select('approved_document')
        .where('year', '=', year)
        .executeTakeFirst()
      return row?.approved_document ? (JSON.parse(row.approved_document) as PrintableDocument) : null
    },
    async createReport(
      uow: UnitOfWork,
      who: Actor,
      report: { year: string; title: string; glossary: readonly GlossaryEntry[] },
    ): Promise<number> {
      const now = stamp()
      const values = {
        year: report.year,
        title: report.title,
        state: 'draft' as const,
        glossary: JSON.stringify(report.glossary),
        created_at: now,
        updated_at: now,
        updated_by: who.actor,
      }
      const { id } = await uow.trx.insertInto('annual_reports').values(values).returning('id').executeTakeFirstOrThrow()
      await log(uow, who, 'create', 'annual-report', report.year, null, { id, ...values })
      return id
    },
    /** Changes the report's own row (state, glossary, approval), audited with before and after. */
    async updateReport(
      uow: UnitOfWork,
      who: Actor,
      year: string,
      change: Partial<{
        state: AnnualReportState
        round: number
        glossary: readonly GlossaryEntry[]
        approved_decision_id: number | null
        approved_at: string | null
        approved_by: string | null
        approved_document: string | null
      }>,
      action: string,
    ): Promise<void> {
      const before = await uow.trx
        .selectFrom('annual_reports')
        .select([...REPORT_COLUMNS])
        .where('year', '=', year)
        .executeTakeFirstOrThrow()
      const { glossary, ...rest } = change
      const set = {
        ...rest,
        ...(glossary !== undefined ? { glossary: JSON.stringify(glossary) } : {}),
        version: before.version + 1,
        updated_at: stamp(),
        updated_by: who.actor,
      }
      await uow.trx.updateTable('annual_reports').set(set).where('id', '=', before.id).execute()
      // The approved document is named by its size in the audit trail, not copied whole (it is the publication's).
      const { approved_document: document, ...logged } = set
      await log(uow, who, action, 'annual-report', year, before, {
        ...before,
        ...logged,
        ...(document !== undefined
          ? { approved_document: document === null ? null : `${document.length} characters` }
          : {}),
      })
    },

    // ---- Chapters and blocks ----------------------------------------------------------------------------------
    async chapters({ trx }: UnitOfWork, reportId: number): Promise<ReportChapter[]> {
      const chapters = await trx
        .selectFrom('annual_report_chapters')
        .select(['id', 'position', 'title'])
        .where('report_id', '=', reportId)
        .orderBy('position')
        .orderBy('id')
        .execute()
      const blocks =
        chapters.length === 0
          ? []
          : await trx
              .selectFrom('annual_report_blocks')
              .select(['id', 'chapter_id', 'position', 'kind', 'content', 'version', 'updated_at', 'updated_by'])
              .where(
                'chapter_id',
                'in',
                chapters.map((c) => c.id),
              )
              .orderBy('position')
              .orderBy('id')
              .execute()
      const open =
        blocks.length === 0
          ? []
          : await trx
              .selectFrom('annual_report_comments')
              .select(['block_id'])
              .where(
                'block_id',
                'in',
                blocks.map((b) => b.id),
              )
              .where('resolved_at', 'is', null)
              .execute()
      return chapters.map((c) => ({
        ...c,
        blocks: blocks
          .filter((b) => b.chapter_id === c.id)
          .map((b) => ({
            id: b.id,
            position: b.position,
            version: b.version,
            content: readBlockContent(b.kind, b.content),
            updatedAt: b.updated_at,
            updatedBy: b.updated_by,
            openComments: open.filter((o) => o.block_id === b.id).length,
          })),
      }))
    },
    async addChapter(uow: UnitOfWork, who: Actor, reportId: number, title: string, position: number) {
      const values = { report_id: reportId, position, title, updated_at: stamp(), updated_by: who.actor }
      const { id } = await uow.trx
        .insertInto('annual_report_chapters')
        .values(values)
        .returning('id')
        .executeTakeFirstOrThrow()
      await log(uow, who, 'create', 'annual-report-chapter', String(id), null, { id, ...values })
      return id
    },
    async updateChapter(
      uow: UnitOfWork,
      who: Actor,
      chapterId: number,
      change: { title?: string; position?: number },
    ): Promise<boolean> {
      const before = await uow.trx
        .selectFrom('annual_report_chapters')
        .selectAll()
        .where('id', '=', chapterId)
        .executeTakeFirst()
      if (!before) return false
      const set = { ...change, version: before.version + 1, updated_at: stamp(), updated_by: who.actor }
      await uow.trx.updateTable('annual_report_chapters').set(set).where('id', '=', chapterId).execute()
      await log(uow, who, 'update', 'annual-report-chapter', String(chapterId), before, { ...before, ...set })
      return true
    },
    async removeChapter(uow: UnitOfWork, who: Actor, chapterId: number): Promise<void> {
      const blocks = await uow.trx
        .selectFrom('annual_report_blocks')
        .select('id')
        .where('chapter_id', '=', chapterId)
        .execute()
      for (const b of blocks) await this.removeBlock(uow, who, b.id)
      const before = await uow.trx
        .selectFrom('annual_report_chapters')
        .selectAll()
        .where('id', '=', chapterId)
        .executeTakeFirst()
      await uow.trx.deleteFrom('annual_report_chapters').where('id', '=', chapterId).execute()
      await log(uow, who, 'delete', 'annual-report-chapter', String(chapterId), before, null)
    },
    async block({ trx }: UnitOfWork, blockId: number) {
      const row = await trx
        .selectFrom('annual_report_blocks')
        .innerJoin('annual_report_chapters', 'annual_report_chapters.id', 'annual_report_blocks.chapter_id')
        .select([
          'annual_report_blocks.id as id',
          'annual_report_blocks.chapter_id as chapterId',
          'annual_report_chapters.report_id as reportId',
          'annual_report_blocks.position as position',
          'annual_report_blocks.kind as kind',
          'annual_report_blocks.content as content',
          'annual_report_blocks.version as version',
          'annual_report_blocks.updated_at as updatedAt',
          'annual_report_blocks.updated_by as updatedBy',
        ])
        .where('annual_report_blocks.id', '=', blockId)
        .executeTakeFirst()
      return row ? { ...row, content: readBlockContent(row.kind, row.content) } : null
    },
    async addBlock(uow: UnitOfWork, who: Actor, chapterId: number, content: BlockContent, position: number) {
      const values = {
        chapter_id: chapterId,
        position,
        kind: content.kind,
        content: blockContentJson(content),
        updated_at: stamp(),
        updated_by: who.actor,
      }
      const { id } = await uow.trx
        .insertInto('annual_report_blocks')
        .values(values)
        .returning('id')
        .executeTakeFirstOrThrow()
      await log(uow, who, 'create', 'annual-report-block', String(id), null, { id, ...values })
      return id
    },
    /** Saves a block's content or place; `version` must be the stored one. False, nothing written, when it is not. */
    async updateBlock(
      uow: UnitOfWork,
      who: Actor,
      blockId: number,
      version: number,
      change: { content?: BlockContent; position?: number; chapterId?: number },
    ): Promise<boolean> {
      const before = await uow.trx
        .selectFrom('annual_report_blocks')
        .selectAll()
        .where('id', '=', blockId)
        .executeTakeFirst()
      if (!before || before.version !== version) return false
      const set = {
        ...(change.content !== undefined ? { content: blockContentJson(change.content) } : {}),
        ...(change.position !== undefined ? { position: change.position } : {}),
        ...(change.chapterId !== undefined ? { chapter_id: change.chapterId } : {}),
        version: before.version + 1,
        updated_at: stamp(),
        updated_by: who.actor,
      }
      const result = await uow.trx
        .updateTable('annual_report_blocks')
        .set(set)
        .where('id', '=', blockId)
        .where('version', '=', version)
        .executeTakeFirst()
      if (Number(result.numUpdatedRows) !== 1) return false
      await log(uow, who, 'update', 'annual-report-block', String(blockId), before, { ...before, ...set })
      return true
    },
    async removeBlock(uow: UnitOfWork, who: Actor, blockId: number): Promise<void> {
      await uow.trx.deleteFrom('annual_report_block_locks').where('block_id', '=', blockId).execute()
      const comments = await uow.trx
        .selectFrom('annual_report_comments')
        .selectAll()
        .where('block_id', '=', blockId)
        .execute()
      await uow.trx.deleteFrom('annual_report_comments').where('block_id', '=', blockId).execute()
      const before = await uow.trx
        .selectFrom('annual_report_blocks')
        .selectAll()
        .where('id', '=', blockId)
        .executeTakeFirst()
      await uow.trx.deleteFrom('annual_report_blocks').where('id', '=', blockId).execute()
      await log(uow, who, 'delete', 'annual-report-block', String(blockId), { ...before, comments }, null)
    },

    // ---- Locks ------------------------------------------------------------------------------------------------
    async lockOf({ trx }: UnitOfWork, blockId: number): Promise<BlockLock | null> {
      const row = await trx
        .selectFrom('annual_report_block_locks')
        .select(['block_id', 'locked_by', 'locked_by_name', 'since', 'expires_at'])
        .where('block_id', '=', blockId)
        .executeTakeFirst()
      return row
        ? {
            blockId: row.block_id,
            lockedBy: row.locked_by,
            lockedByName: row.locked_by_name,
            since: row.since,
            expiresAt: row.expires_at,
          }
        : null
    },
    async locksOf({ trx }: UnitOfWork, blockIds: readonly number[]): Promise<BlockLock[]> {
      if (blockIds.length === 0) return []
      const rows = await trx
        .selectFrom('annual_report_block_locks')
        .select(['block_id', 'locked_by', 'locked_by_name', 'since', 'expires_at'])
        .where('block_id', 'in', [...blockIds])
        .execute()
      return rows.map((row) => ({
        blockId: row.block_id,
        lockedBy: row.locked_by,
        lockedByName: row.locked_by_name,
        since: row.since,
        expiresAt: row.expires_at,
      }))
    },
    /** Takes (or renews) the block's lock for `lock.lockedBy`, replacing any lock there was (audited). */
    async setLock(uow: UnitOfWork, who: Actor, lock: BlockLock): Promise<void> {
      const before = await this.lockOf(uow, lock.blockId)
      await uow.trx.deleteFrom('annual_report_block_locks').where('block_id', '=', lock.blockId).execute()
      const values = {
        block_id: lock.blockId,
        locked_by: lock.lockedBy,
        locked_by_name: lock.lockedByName,
        since: lock.since,
        expires_at: lock.expiresAt,
      }
      await uow.trx.insertInto('annual_report_block_locks').values(values).execute()
      await log(
        uow,
        who,
        before ? 'renew-lock' : 'lock',
        'annual-report-block-lock',
        String(lock.blockId),
        before,
        values,
      )
    },
    async releaseLock(uow: UnitOfWork, who: Actor, blockId: number): Promise<void> {
      const before = await this.lockOf(uow, blockId)
      if (!before) return
      await uow.trx.deleteFrom('annual_report_block_locks').where('block_id', '=', blockId).execute()
      await log(uow, who, 'unlock', 'annual-report-block-lock', String(blockId), before, null)
    },

    // ---- Comments ---------------------------------------------------------------------------------------------
    async commentsOf({ trx }: UnitOfWork, blockIds: readonly number[]): Promise<BlockComment[]> {
      if (blockIds.length === 0) return []
      const rows = await trx
        .selectFrom('annual_report_comments')
        .selectAll()
        .where('block_id', 'in', [...blockIds])
        .orderBy('id')
        .execute()
      return rows.map((r) => ({
        id: r.id,
        blockId: r.block_id,
        text: r.text,
        madeBy: r.made_by,
        madeAt: r.made_at,
        resolvedBy: r.resolved_by,
        resolvedAt: r.resolved_at,
      }))
    },
    async addComment(uow: UnitOfWork, who: Actor, blockId: number, text: string): Promise<number> {
      const values = { block_id: blockId, text, made_by: who.actor, made_at: stamp() }
      const { id } = await uow.trx
        .insertInto('annual_report_comments')
        .values(values)
        .returning('id')
        .executeTakeFirstOrThrow()
      await log(uow, who, 'create', 'annual-report-comment', String(id), null, { id, ...values })
      return id
    },
    async resolveComment(uow: UnitOfWork, who: Actor, commentId: number): Promise<number | null> {
      const before = await uow.trx
        .selectFrom('annual_report_comments')
        .selectAll()
        .where('id', '=', commentId)
        .executeTakeFirst()
      if (!before) return null
      if (before.resolved_at !== null) return before.block_id
      const set = { resolved_by: who.actor, resolved_at: stamp() }
      await uow.trx.updateTable('annual_report_comments').set(set).where('id', '=', commentId).execute()
      await log(uow, who, 'resolve', 'annual-report-comment', String(commentId), before, { ...before, ...set })
      return before.block_id
    },

    // ---- Case studies -----------------------------------------------------------------------------------------
    async caseStudies({ trx }: UnitOfWork, reportId: number): Promise<CaseStudy[]> {
      const rows = await trx
        .selectFrom('annual_report_case_studies')
        .selectAll()
        .where('report_id', '=', reportId)
        .orderBy('id')
        .execute()
      return rows.map((r) => ({
        id: r.id,
        title: r.title,
        text: r.text,
        anonymised: r.anonymised === 1,
        consentRecordedBy: r.consent_recorded_by,
        consentDate: r.consent_date,
        approvedBy: r.approved_by,
        approvedAt: r.approved_at,
        version: r.version,
      }))
    },
    async addCaseStudy(
      uow: UnitOfWork,
      who: Actor,
      reportId: number,
      study: { title: string; text: string; anonymised: boolean },
    ): Promise<number> {
      const values = {
        report_id: reportId,
        title: study.title,
        text: study.text,
        anonymised: study.anonymised ? 1 : 0,
        updated_at: stamp(),
        updated_by: who.actor,
      }
      const { id } = await uow.trx
        .insertInto('annual_report_case_studies')
        .values(values)
        .returning('id')
        .executeTakeFirstOrThrow()
      await log(uow, who, 'create', 'annual-report-case-study', String(id), null, { id, ...values })
      return id
    },
    async updateCaseStudy(
      uow: UnitOfWork,
      who: Actor,
      id: number,
      change: Partial<{
        title: string
        text: string
        anonymised: number
        consent_recorded_by: string | null
        consent_date: string | null
        approved_by: string | null
        approved_at: string | null
      }>,
      action: string,
    ): Promise<boolean> {
      const before = await uow.trx
        .selectFrom('annual_report_case_studies')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      if (!before) return false
      const set = { ...change, version: before.version + 1, updated_at: stamp(), updated_by: who.actor }
      await uow.trx.updateTable('annual_report_case_studies').set(set).where('id', '=', id).execute()
      await log(uow, who, action, 'annual-report-case-study', String(id), before, { ...before, ...set })
      return true
    },

    // ---- Approval, frozen figures, publications ----------------------------------------------------------------
    /** The held meetings' decisions of kind `annual-report-approval` about the year (`board_decisions`, 0025). */
    async approvalDecisions({ trx }: UnitOfWork, year: string): Promise<ApprovalDecision[]> {
      const rows = await trx
        .selectFrom('board_decisions')
        .innerJoin('board_meetings', 'board_meetings.id', 'board_decisions.meeting_id')
        .select([
          'board_decisions.id as id',
          'board_meetings.meeting_date as meetingDate',
          'board_decisions.minute_number as minuteNumber',
          'board_decisions.text as text',
        ])
        .where('board_decisions.kind', '=', 'annual-report-approval')
        .where('board_decisions.subject', '=', year)
        .where('board_meetings.state', '=', 'held')
        .orderBy('board_meetings.meeting_date')
        .orderBy('board_decisions.id')
        .execute()
      return rows
    },
    async freezeFigures(uow: UnitOfWork, who: Actor, reportId: number, round: number, figures: readonly Figure[]) {
      const now = stamp()
      for (const figure of figures) {
        const values = {
          report_id: reportId,
          round,
          figure_key: figure.key,
          figure: JSON.stringify(figure),
          frozen_at: now,
        }
        await uow.trx.insertInto('annual_report_frozen_figures').values(values).execute()
      }
      await log(uow, who, 'freeze-figures', 'annual-report', `${reportId}:${round}`, null, {
        round,
        figures: figures.map((f) => ({ key: f.key, value: f.value })),
      })
    },
    /** Sets aside an approval's frozen figures (an approved report reopened before it was published). */
    async unfreezeFigures(uow: UnitOfWork, who: Actor, reportId: number, round: number) {
      const before = await this.frozenFigures(uow, reportId, round)
      await uow.trx
        .deleteFrom('annual_report_frozen_figures')
        .where('report_id', '=', reportId)
        .where('round', '=', round)
        .execute()
      await log(
        uow,
        who,
        'unfreeze-figures',
        'annual-report',
        `${reportId}:${round}`,
        {
          round,
          figures: before.map((f) => ({ key: f.key, value: f.value })),
        },
        null,
      )
    },
    async frozenFigures({ trx }: UnitOfWork, reportId: number, round: number): Promise<Figure[]> {
      const rows = await trx
        .selectFrom('annual_report_frozen_figures')
        .select('figure')
        .where('report_id', '=', reportId)
        .where('round', '=', round)
        .orderBy('id')
        .execute()
      return rows.map((r) => JSON.parse(r.figure) as Figure)
    },
    async publications({ trx }: UnitOfWork, reportId: number): Promise<Publication[]> {
      const rows = await trx
        .selectFrom('annual_report_publications')
        .selectAll()
        .where('report_id', '=', reportId)
        .orderBy('round')
        .execute()
      return rows.map((r) => ({
        round: r.round,
        decisionId: r.decision_id,
        document: JSON.parse(r.content) as PrintableDocument,
        publishedAt: r.published_at,
        publishedBy: r.published_by,
        amendedOn: r.amended_on,
        amendmentNote: r.amendment_note,
        amendmentReason: r.amendment_reason,
      }))
    },
    async addPublication(uow: UnitOfWork, who: Actor, reportId: number, year: string, publication: Publication) {
      const values = {
        report_id: reportId,
        year,
        round: publication.round,
        decision_id: publication.decisionId,
        content: JSON.stringify(publication.document),
        published_at: publication.publishedAt,
        published_by: publication.publishedBy,
        amended_on: publication.amendedOn,
        amendment_note: publication.amendmentNote,
        amendment_reason: publication.amendmentReason,
      }
      await uow.trx.insertInto('annual_report_publications').values(values).execute()
      const { content: _content, ...logged } = values
      await log(uow, who, 'publish', 'annual-report', year, null, logged)
    },
  }
}

export type AnnualReportRepository = ReturnType<typeof createAnnualReportRepository>
