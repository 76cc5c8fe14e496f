import type { Kysely } from 'kysely'
import type { AuditRepository } from '../audit/audit-repository.ts'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { Choice, RecordType, RegisterTable, StoredValue } from './prevent-record-types.ts'

/** A register row as read: its columns by name. */
export type RegisterRecord = Readonly<Record<string, unknown>> & { readonly id: number; readonly version: number }

/** Prevent's arrangements: which board group, delivery priority and KPI are Prevent's. */
export interface PreventArrangements {
  readonly boardGroupId: number | null
  readonly planDeliveryPriorityId: number | null
  readonly referralsIndicatorId: string | null
}

export type UpdateResult = 'updated' | 'not-found' | 'changed'

/**
 * The only place with SQL for the Prevent and engagement registers. Every function takes the unit of work its service
 * opened (src/audit/audited-transaction.ts) and writes its audit event in the same unit; none opens a transaction. The
 * handle is the partnership's (src/db/partnership-scope.ts), so every query is the partnership's own.
 */
export interface PreventRepository {
  list(uow: UnitOfWork, type: RecordType): Promise<RegisterRecord[]>
  get(uow: UnitOfWork, type: RecordType, id: number): Promise<RegisterRecord | null>
  /** Stores a row (audited); returns its id. */
  insert(
    uow: UnitOfWork,
    type: RecordType,
    values: Readonly<Record<string, StoredValue>>,
    stamp: Stamp,
  ): Promise<number>
  /** Changes a row if it is still at `version` (audited, before and after). */
  update(
    uow: UnitOfWork,
    type: RecordType,
    id: number,
    version: number,
    values: Readonly<Record<string, StoredValue>>,
    stamp: Stamp,
  ): Promise<UpdateResult>
  /** Deletes a row (audited, with what it was). False when there is none. */
  remove(uow: UnitOfWork, type: RecordType, id: number, stamp: Stamp): Promise<boolean>
  /** Rows of another register that point at this row (a setting's training): a row pointed at is not deleted. */
  pointingAt(uow: UnitOfWork, type: RecordType, id: number): Promise<number>
  arrangements(uow: UnitOfWork): Promise<PreventArrangements>
  saveArrangements(uow: UnitOfWork, arrangements: PreventArrangements, stamp: Stamp): Promise<boolean>
  /** The choices of a reference field: the partnership's board meetings, settings or strategic priorities. */
  boardMeetings(uow: UnitOfWork): Promise<Choice[]>
  boardGroups(uow: UnitOfWork): Promise<Choice[]>
  settings(uow: UnitOfWork): Promise<Choice[]>
  strategicPriorities(uow: UnitOfWork): Promise<Choice[]>
  deliveryPriorities(uow: UnitOfWork): Promise<Choice[]>
}

export interface Stamp {
  readonly actor: string
  readonly requestId: string | null
  /** Set by the demo loader only. */
  readonly illustrative?: boolean
}

/** A handle that names tables by string: the descriptor says which, and its columns were checked by the form. */
type AnyTables = Kysely<Record<string, Record<string, unknown>>>
const loose = (uow: UnitOfWork) => uow.trx as unknown as AnyTables

/** The audit trail's kind of record for each register's rows. */
const ENTITY_TYPES: Readonly<Record<RegisterTable, string>> = {
  prevent_arrangements: 'prevent-arrangements',
  prevent_meetings: 'prevent-meeting',
  prevent_risk_assessments: 'prevent-risk-assessment',
  prevent_referral_pathways: 'prevent-referral-pathway',
  channel_panel_meetings: 'channel-panel-meeting',
  prevent_register_settings: 'prevent-setting',
  prevent_training: 'prevent-training',
  prevent_communications: 'prevent-communication',
  prevent_referral_counts: 'prevent-referral-count',
  engagement_activities: 'engagement-activity',
  engagement_consultations: 'engagement-consultation',
  covenant_signatories: 'covenant-signatory',
}

export function entityTypeOf(table: RegisterTable): string {
  return ENTITY_TYPES[table]
}

const asRecord = (row: Record<string, unknown>): RegisterRecord => ({
  ...row,
  id: Number(row.id),
  version: Number(row.version),
})

export function createPreventRepository(audit: AuditRepository): PreventRepository {
  const orderColumn = (type: RecordType) => type.dateColumn
  return {
    async list(uow, type) {
      const rows = await loose(uow)
        .selectFrom(type.table)
        .selectAll()
        .orderBy(orderColumn(type), 'desc')
        .orderBy('id', 'desc')
        .execute()
      return rows.map(asRecord)
    },
    async get(uow, type, id) {
      const row = await loose(uow).selectFrom(type.table).selectAll().where('id', '=', id).executeTakeFirst()
      return row ? asRecord(row) : null
    },
    async insert(uow, type, values, stamp) {
      const at = new Date().toISOString()
      const row = {
        ...values,
        illustrative: stamp.illustrative ? 1 : 0,
        created_at: at,
        updated_at: at,
        updated_by: stamp.actor,
      }
      const inserted = await loose(uow).insertInto(type.table).values(row).returning('id').executeTakeFirstOrThrow()
      const id = Number(inserted.id)
      await audit.append(uow.trx, {
        actor: stamp.actor,
        action: 'create',
        entityType: entityTypeOf(type.table),
        entityKey: String(id),
        before: null,
        after: { id, ...row },
        requestId: stamp.requestId,
      })
      return id
    },
    async update(uow, type, id, version, values, stamp) {
      const before = await loose(uow).selectFrom(type.table).selectAll().where('id', '=', id).executeTakeFirst()
      if (!before) return 'not-found'
      if (Number(before.version) !== version) return 'changed'
      const changes = {
        ...values,
        version: version + 1,
        updated_at: new Date().toISOString(),
        updated_by: stamp.actor,
      }
      await loose(uow).updateTable(type.table).set(changes).where('id', '=', id).execute()
      const { partnership_id: _p, ...shown } = before
      await audit.append(uow.trx, {
        actor: stamp.actor,
        action: 'update',
        entityType: entityTypeOf(type.table),
        entityKey: String(id),
        before: shown,
        after: { ...shown, ...changes },
        requestId: stamp.requestId,
      })
      return 'updated'
    },
    async remove(uow, type, id, stamp) {
      const before = await loose(uow).selectFrom(type.table).selectAll().where('id', '=', id).executeTakeFirst()
      if (!before) return false
      await loose(uow).deleteFrom(type.table).where('id', '=', id).execute()
      const { partnership_id: _p, ...shown } = before
      await audit.append(uow.trx, {
        actor: stamp.actor,
        action: 'delete',
        entityType: entityTypeOf(type.table),
        entityKey: String(id),
        before: shown,
        after: null,
        requestId: stamp.requestId,
      })
      return true
    },
    async pointingAt({ trx }, type, id) {
      if (type.table !== 'prevent_register_settings') return 0
      const row = await trx
        .selectFrom('prevent_training')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('setting_id', '=', id)
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },
    async arrangements({ trx }) {
      const row = await trx.selectFrom('prevent_arrangements').selectAll().executeTakeFirst()
      return {
        boardGroupId: row?.board_group_id ?? null,
        planDeliveryPriorityId: row?.plan_delivery_priority_id ?? null,
        referralsIndicatorId: row?.referrals_indicator_id ?? null,
      }
    },
    async saveArrangements({ trx }, arrangements, stamp) {
      const before = await trx.selectFrom('prevent_arrangements').selectAll().executeTakeFirst()
      const values = {
        board_group_id: arrangements.boardGroupId,
        plan_delivery_priority_id: arrangements.planDeliveryPriorityId,
        referrals_indicator_id: arrangements.referralsIndicatorId,
      }
      if (
        before &&
        before.board_group_id === values.board_group_id &&
        before.plan_delivery_priority_id === values.plan_delivery_priority_id &&
        before.referrals_indicator_id === values.referrals_indicator_id
      )
        return false
      const at = new Date().toISOString()
      if (before)
        await trx
          .updateTable('prevent_arrangements')
          .set({ ...values, version: before.version + 1, updated_at: at, updated_by: stamp.actor })
          .where('id', '=', before.id)
          .execute()
      else
        await trx
          .insertInto('prevent_arrangements')
          .values({
            ...values,
            illustrative: stamp.illustrative ? 1 : 0,
            created_at: at,
            updated_at: at,
            updated_by: stamp.actor,
          })
          .execute()
      await audit.append(trx, {
        actor: stamp.actor,
        action: before ? 'update' : 'create',
        entityType: 'prevent-arrangements',
        entityKey: 'prevent',
        before: before ? { ...before, partnership_id: undefined } : null,
        after: values,
        requestId: stamp.requestId,
      })
      return true
    },
    async boardMeetings({ trx }) {
      const rows = await trx
        .selectFrom('board_meetings')
        .innerJoin('board_groups', (j) =>
          j
            .onRef('board_groups.id', '=', 'board_meetings.group_id')
            .onRef('board_groups.partnership_id', '=', 'board_meetings.partnership_id'),
        )
        .select(['board_meetings.id', 'board_meetings.meeting_date', 'board_groups.name'])
        .orderBy('board_meetings.meeting_date', 'desc')
        .execute()
      return rows.map((r) => ({ value: String(r.id), text: `${r.name}, ${r.meeting_date}` }))
    },
    async boardGroups({ trx }) {
      const rows = await trx
        .selectFrom('board_groups')
        .select(['id', 'name'])
        .orderBy('sort_order')
        .orderBy('name')
        .execute()
      return rows.map((r) => ({ value: String(r.id), text: r.name }))
    },
    async settings({ trx }) {
      const rows = await trx
        .selectFrom('prevent_register_settings')
        .select(['id', 'name', 'kind'])
        .orderBy('kind')
        .orderBy('name')
        .execute()
      return rows.map((r) => ({ value: String(r.id), text: r.name }))
    },
    async strategicPriorities({ trx }) {
      const rows = await trx
        .selectFrom('strategic_priorities')
        .innerJoin('strategies', (j) =>
          j
            .onRef('strategies.id', '=', 'strategic_priorities.strategy_id')
            .onRef('strategies.partnership_id', '=', 'strategic_priorities.partnership_id'),
        )
        .select(['strategic_priorities.id', 'strategic_priorities.name', 'strategies.title'])
        .orderBy('strategic_priorities.strategy_id')
        .orderBy('strategic_priorities.position')
        .execute()
      return rows.map((r) => ({ value: String(r.id), text: `${r.name} (${r.title})` }))
    },
    async deliveryPriorities({ trx }) {
      const rows = await trx
        .selectFrom('delivery_priorities')
        .select(['id', 'name', 'year'])
        .orderBy('year', 'desc')
        .orderBy('position')
        .execute()
      return rows.map((r) => ({ value: String(r.id), text: `${r.name} (${r.year})` }))
    },
  }
}
