import type { AuditRepository } from '../audit/audit-repository.ts'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { TensionCategory, TensionStatus, ValidTensionEntry } from './tension-rules.ts'

/** One of the partnership's wards. */
export interface Ward {
  readonly id: number
  readonly name: string
  readonly onsCode: string | null
  readonly illustrative: boolean
}

/** An entry of the community tension log, with its ward's and reporting centre's names. */
export interface TensionEntry {
  readonly id: number
  readonly reference: string
  readonly entryDate: string
  readonly wardId: number
  readonly wardName: string
  readonly source: string
  readonly reportingCentreId: number | null
  readonly reportingCentreName: string | null
  readonly category: TensionCategory
  readonly level: number
  readonly description: string
  readonly response: string | null
  readonly responseOwner: string | null
  readonly status: TensionStatus
  readonly reviewDate: string | null
  readonly closedOn: string | null
  readonly illustrative: boolean
}

/** A ward's tension level for a month. */
export interface TensionAssessment {
  readonly id: number
  readonly month: string
  readonly wardId: number
  readonly wardName: string
  readonly level: number
  readonly note: string | null
  readonly meetingId: number | null
  readonly illustrative: boolean
}

/** A meeting of the Community Cohesion Forum (read from the board's meetings, never written here). */
export interface ForumMeeting {
  readonly id: number
  readonly date: string
  readonly state: string
}

/** The board group whose meetings an assessment may name. */
export const FORUM_NAME = 'Community Cohesion Forum'

export interface TensionRepository {
  wards(uow: UnitOfWork): Promise<Ward[]>
  addWard(
    uow: UnitOfWork,
    ward: { name: string; onsCode: string | null; illustrative: boolean },
    actor: string,
    requestId: string | null,
  ): Promise<number>
  /** Gives a ward its ONS code (a ward added by name before the code was known), audited. */
  setWardCode(uow: UnitOfWork, id: number, onsCode: string, actor: string, requestId: string | null): Promise<void>
  entries(uow: UnitOfWork, filter?: { wardId?: number; from?: string; to?: string }): Promise<TensionEntry[]>
  entry(uow: UnitOfWork, id: number): Promise<TensionEntry | null>
  /** The next free reference of a calendar year: `CT-2018-001`, `CT-2018-002`, … */
  nextReference(uow: UnitOfWork, year: string): Promise<string>
  addEntry(
    uow: UnitOfWork,
    entry: ValidTensionEntry & { reference: string; closedOn: string | null; illustrative: boolean },
    actor: string,
    requestId: string | null,
  ): Promise<number>
  updateEntry(
    uow: UnitOfWork,
    id: number,
    changes: {
      status: TensionStatus
      reviewDate: string | null
      response: string | null
      responseOwner: string | null
      closedOn: string | null
    },
    actor: string,
    requestId: string | null,
  ): Promise<boolean>
  /** Deletes an entry (retention), audited with what it was. */
  deleteEntry(uow: UnitOfWork, id: number, actor: string, requestId: string | null): Promise<void>
  assessments(
    uow: UnitOfWork,
    filter?: { month?: string; wardId?: number; from?: string; to?: string },
  ): Promise<TensionAssessment[]>
  /** Records a ward's level for a month, replacing the one recorded before (audited with before and after). */
  saveAssessment(
    uow: UnitOfWork,
    assessment: {
      month: string
      wardId: number
      level: number
      note: string | null
      meetingId: number | null
      illustrative: boolean
    },
    actor: string,
    requestId: string | null,
  ): Promise<'created' | 'updated' | 'unchanged'>
  /** The Community Cohesion Forum's meetings, newest first; empty when the board has no group of that name. */
  forumMeetings(uow: UnitOfWork): Promise<ForumMeeting[]>
}

export function createTensionRepository(audit: AuditRepository): TensionRepository {
  const entryColumns = [
    'e.id',
    'e.reference',
    'e.entry_date',
    'e.ward_id',
    'w.name as ward_name',
    'e.source',
    'e.reporting_centre_id',
    'c.organisation as centre_name',
    'e.category',
    'e.level',
    'e.description',
    'e.response',
    'e.response_owner',
    'e.status',
    'e.review_date',
    'e.closed_on',
    'e.illustrative',
  ] as const
  type EntryRow = {
    id: number
    reference: string
    entry_date: string
    ward_id: number
    ward_name: string
    source: string
    reporting_centre_id: number | null
    centre_name: string | null
    category: TensionCategory
    level: number
    description: string
    response: string | null
    response_owner: string | null
    status: TensionStatus
    review_date: string | null
    closed_on: string | null
    illustrative: number
  }
  const entryOf = (r: EntryRow): TensionEntry => ({
    id: r.id,
    reference: r.reference,
    entryDate: r.entry_date,
    wardId: r.ward_id,
    wardName: r.ward_name,
    source: r.source,
    reportingCentreId: r.reporting_centre_id,
    reportingCentreName: r.centre_name,
    category: r.category,
    level: r.level,
    description: r.description,
    response: r.response,
    responseOwner: r.response_owner,
    status: r.status,
    reviewDate: r.review_date,
    closedOn: r.closed_on,
    illustrative: r.illustrative === 1,
  })
  const now = () => new Date().toISOString()

  return {
    async wards({ trx }) {
      const rows = await trx
        .selectFrom('register_wards')
        .select(['id', 'name', 'ons_code', 'illustrative'])
        .orderBy('name')
        .execute()
      return rows.map((r) => ({ id: r.id, name: r.name, onsCode: r.ons_code, illustrative: r.illustrative === 1 }))
    },
    async addWard({ trx }, ward, actor, requestId) {
      const row = {
        name: ward.name,
        ons_code: ward.onsCode,
        illustrative: ward.illustrative ? 1 : 0,
        created_at: now(),
        updated_at: now(),
        updated_by: actor,
      }
      const { id } = await trx.insertInto('register_wards').values(row).returning('id').executeTakeFirstOrThrow()
      await audit.append(trx, {
        actor,
        action: 'create',
        entityType: 'register-ward',
        entityKey: String(id),
        before: null,
        after: row,
        requestId,
      })
      return id
    },
    async setWardCode({ trx }, id, onsCode, actor, requestId) {
      const before = await trx.selectFrom('register_wards').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
      const change = { ons_code: onsCode, updated_at: now(), updated_by: actor }
      await trx.updateTable('register_wards').set(change).where('id', '=', id).execute()
      await audit.append(trx, {
        actor,
        action: 'update',
        entityType: 'register-ward',
        entityKey: String(id),
        before,
        after: { ...before, ...change },
        requestId,
      })
    },
    async entries({ trx }, filter = {}) {
      let query = trx
        .selectFrom('tension_entries as e')
        .innerJoin('register_wards as w', (j) => j.onRef('w.id', '=', 'e.ward_id'))
        .leftJoin('reporting_centres as c', (j) => j.onRef('c.id', '=', 'e.reporting_centre_id'))
        .select(entryColumns)
      if (filter.wardId !== undefined) query = query.where('e.ward_id', '=', filter.wardId)
      if (filter.from !== undefined) query = query.where('e.entry_date', '>=', filter.from)
      if (filter.to !== undefined) query = query.where('e.entry_date', '<=', filter.to)
      return (await query.orderBy('e.entry_date', 'desc').orderBy('e.id', 'desc').execute()).map((r) =>
        entryOf(r as EntryRow),
      )
    },
    async entry({ trx }, id) {
      const row = await trx
        .selectFrom('tension_entries as e')
        .innerJoin('register_wards as w', (j) => j.onRef('w.id', '=', 'e.ward_id'))
        .leftJoin('reporting_centres as c', (j) => j.onRef('c.id', '=', 'e.reporting_centre_id'))
        .select(entryColumns)
        .where('e.id', '=', id)
        .executeTakeFirst()
      return row ? entryOf(row as EntryRow) : null
    },
    async nextReference({ trx }, year) {
      const prefix = `CT-${year}-`
      const rows = await trx
        .selectFrom('tension_entries')
        .select('reference')
        .where('reference', 'like', `${prefix}%`)
        .execute()
      const highest = Math.max(0, ...rows.map((r) => Number(r.reference.slice(prefix.length)) || 0))
      return `${prefix}${String(highest + 1).padStart(3, '0')}`
    },
    async addEntry({ trx }, entry, actor, requestId) {
      const row = {
        reference: entry.reference,
        entry_date: entry.entryDate,
        ward_id: entry.wardId,
        source: entry.source,
        reporting_centre_id: entry.reportingCentreId,
        category: entry.category,
        level: entry.level,
        description: entry.description,
        response: entry.response,
        response_owner: entry.responseOwner,
        status: entry.status,
        review_date: entry.reviewDate,
        closed_on: entry.closedOn,
        illustrative: entry.illustrative ? 1 : 0,
        created_at: now(),
        updated_at: now(),
        updated_by: actor,
      }
      const { id } = await trx.insertInto('tension_entries').values(row).returning('id').executeTakeFirstOrThrow()
      await audit.append(trx, {
        actor,
        action: 'create',
        entityType: 'tension-entry',
        entityKey: String(id),
        before: null,
        after: row,
        requestId,
      })
      return id
    },
    async updateEntry({ trx }, id, changes, actor, requestId) {
      const before = await trx
        .selectFrom('tension_entries')
        .select(['status', 'review_date', 'response', 'response_owner', 'closed_on', 'version'])
        .where('id', '=', id)
        .executeTakeFirst()
      if (!before) return false
      const after = {
        status: changes.status,
        review_date: changes.reviewDate,
        response: changes.response,
        response_owner: changes.responseOwner,
        closed_on: changes.closedOn,
      }
      const { version, ...was } = before
      if (JSON.stringify(was) === JSON.stringify(after)) return false
      await trx
        .updateTable('tension_entries')
        .set({ ...after, version: version + 1, updated_at: now(), updated_by: actor })
        .where('id', '=', id)
        .execute()
      await audit.append(trx, {
        actor,
        action: 'update',
        entityType: 'tension-entry',
        entityKey: String(id),
        before: was,
        after,
        requestId,
      })
      return true
    },
    async deleteEntry({ trx }, id, actor, requestId) {
      const before = await trx.selectFrom('tension_entries').selectAll().where('id', '=', id).executeTakeFirst()
      if (!before) return
      await trx.deleteFrom('tension_entries').where('id', '=', id).execute()
      await audit.append(trx, {
        actor,
        action: 'delete',
        entityType: 'tension-entry',
        entityKey: String(id),
        before,
        after: null,
        requestId,
      })
    },
    async assessments({ trx }, filter = {}) {
      let query = trx
        .selectFrom('tension_assessments as a')
        .innerJoin('register_wards as w', (j) => j.onRef('w.id', '=', 'a.ward_id'))
        .select([
          'a.id',
          'a.month',
          'a.ward_id',
          'w.name as ward_name',
          'a.level',
          'a.note',
          'a.meeting_id',
          'a.illustrative',
        ])
      if (filter.month !== undefined) query = query.where('a.month', '=', filter.month)
      if (filter.wardId !== undefined) query = query.where('a.ward_id', '=', filter.wardId)
      if (filter.from !== undefined) query = query.where('a.month', '>=', filter.from)
      if (filter.to !== undefined) query = query.where('a.month', '<=', filter.to)
      const rows = await query.orderBy('a.month').orderBy('w.name').execute()
      return rows.map((r) => ({
        id: r.id,
        month: r.month,
        wardId: r.ward_id,
        wardName: r.ward_name,
        level: r.level,
        note: r.note,
        meetingId: r.meeting_id,
        illustrative: r.illustrative === 1,
      }))
    },
    async saveAssessment({ trx }, a, actor, requestId) {
      const before = await trx
        .selectFrom('tension_assessments')
        .select(['id', 'month', 'ward_id', 'level', 'note', 'meeting_id', 'version'])
        .where('month', '=', a.month)
        .where('ward_id', '=', a.wardId)
        .executeTakeFirst()
      const after = { month: a.month, ward_id: a.wardId, level: a.level, note: a.note, meeting_id: a.meetingId }
      if (before) {
        const { id, version, ...was } = before
        if (JSON.stringify(was) === JSON.stringify(after)) return 'unchanged'
        await trx
          .updateTable('tension_assessments')
          .set({
            level: a.level,
            note: a.note,
            meeting_id: a.meetingId,
            version: version + 1,
            updated_at: now(),
            updated_by: actor,
          })
          .where('id', '=', id)
          .execute()
        await audit.append(trx, {
          actor,
          action: 'update',
          entityType: 'tension-assessment',
          entityKey: String(id),
          before: was,
          after,
          requestId,
        })
        return 'updated'
      }
      const { id } = await trx
        .insertInto('tension_assessments')
        .values({
          ...after,
          illustrative: a.illustrative ? 1 : 0,
          created_at: now(),
          updated_at: now(),
          updated_by: actor,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await audit.append(trx, {
        actor,
        action: 'create',
        entityType: 'tension-assessment',
        entityKey: String(id),
        before: null,
        after,
        requestId,
      })
      return 'created'
    },
    async forumMeetings({ trx }) {
      const rows = await trx
        .selectFrom('board_meetings as m')
        .innerJoin('board_groups as g', (j) => j.onRef('g.id', '=', 'm.group_id'))
        .select(['m.id', 'm.meeting_date', 'm.state'])
        .where('g.name', '=', FORUM_NAME)
        .orderBy('m.meeting_date', 'desc')
        .execute()
      return rows.map((r) => ({ id: r.id, date: r.meeting_date, state: r.state }))
    },
  }
}
