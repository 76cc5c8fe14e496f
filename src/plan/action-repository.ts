import type { CompiledQuery, Selectable } from 'kysely'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import { compiledOnce } from '../db/compiled-once.ts'
import type { Database } from '../db/database.ts'
import { CLOSED_STATUSES } from './action-overdue.ts'
import type { ActionStatus, PlanActionsTable } from './plan-tables.ts'
import { listPartnershipAgencies } from '../db/partnership-agencies.ts'

/** A milestone of an action, in the order the plan gives them. */
export interface Milestone {
  readonly title: string
  readonly dueDate: string | null
  readonly completedOn: string | null
}

/** A delivery plan action as the plan's pages and the returns read it. */
export interface PlanAction {
  readonly id: number
  readonly reference: string
  readonly title: string
  readonly description: string | null
  readonly strategicPriorityId: number
  readonly deliveryPriorityId: number | null
  readonly deliveryGroup: string | null
  readonly leadAgencyId: number | null
  readonly owner: string | null
  readonly startDate: string | null
  readonly dueDate: string | null
  readonly status: ActionStatus
  /** Rises by one on every change: an editor sends back the version they saw (a stale edit is refused). */
  readonly version: number
  readonly createdAt: string
  readonly updatedAt: string
  readonly updatedBy: string
  /** A demo action whose status or dates the seed does not give: every page that shows it says "Illustrative". */
  readonly illustrative: boolean
  readonly milestones: readonly Milestone[]
}

/** A dated progress update, with who wrote it. */
export interface ActionUpdate {
  readonly id: number
  readonly actionId: number
  readonly writtenOn: string
  readonly status: ActionStatus
  readonly note: string
  readonly writtenBy: string
  /** The quarterly return it came through (accepted by the analyst), if any. */
  readonly returnId: number | null
  readonly recordedAt: string
}

/** A strategic priority, or a delivery priority of a year under one, to choose from and to name. */
export interface PriorityChoice {
  readonly id: number
  readonly name: string
  /** The strategy's title (strategic priorities) or the year (delivery priorities). */
  readonly context: string
  /** A delivery priority's strategic priority; null for a strategic priority. */
  readonly strategicPriorityId: number | null
}

export interface LinkedAgency {
  readonly id: number
  readonly code: string
  readonly name: string
}

/** The columns an action's editor sets (the status is not among them: it changes with an update). */
export interface ActionFields {
  readonly reference: string
  readonly title: string
  readonly description: string | null
  readonly strategic_priority_id: number
  readonly delivery_priority_id: number | null
  readonly delivery_group: string | null
  readonly lead_agency_id: number | null
  readonly owner: string | null
  readonly start_date: string | null
  readonly due_date: string | null
}

/**
 * The delivery plan's rows: the only code that writes SQL for actions, milestones and updates. Reads outside a unit
 * of work for the pages; every write takes the service's unit of work and opens no transaction. Built on the
 * partnership's scoped handle, so every query is the partnership's.
 */
export interface ActionRepository {
  listActions(filter?: { readonly leadAgencyId?: number }): Promise<PlanAction[]>
  getAction(id: number): Promise<PlanAction | null>
  listUpdates(actionId: number): Promise<ActionUpdate[]>
  /** Strategic priorities (with their strategy's title) and delivery priorities (with their year). */
  listPriorities(): Promise<{ strategic: PriorityChoice[]; delivery: PriorityChoice[] }>
  /** The agencies linked to the partnership (a lead agency is one of them). */
  listAgencies(): Promise<LinkedAgency[]>
  /**
   * The status and due date of every open action (neither complete nor cancelled), of one lead agency when given:
   * the dashboard's one query.
   */
  openActionDates(filter?: {
    readonly leadAgencyId?: number
  }): Promise<{ status: ActionStatus; dueDate: string | null }[]>

  // ---- Inside a unit of work ------------------------------------------------------------------------------
  readAction(uow: UnitOfWork, id: number): Promise<PlanAction | null>
  /** Whether another action (not `exceptId`) has this reference, in any letter case. */
  referenceTaken(uow: UnitOfWork, reference: string, exceptId: number | null): Promise<boolean>
  insertAction(
    uow: UnitOfWork,
    fields: ActionFields,
    status: ActionStatus,
    stamp: { readonly at: string; readonly by: string },
    illustrative?: boolean,
  ): Promise<number>
  /** Writes the change if the action is still at `version` (raising it by one); false when it was not. */
  updateAction(
    uow: UnitOfWork,
    id: number,
    version: number,
    change: Partial<ActionFields> & { readonly status?: ActionStatus },
    stamp: { readonly at: string; readonly by: string },
  ): Promise<boolean>
  replaceMilestones(
    uow: UnitOfWork,
    actionId: number,
    milestones: readonly Milestone[],
    stamp: { readonly at: string; readonly by: string },
  ): Promise<void>
  insertUpdate(uow: UnitOfWork, update: Omit<ActionUpdate, 'id'> & { readonly userId: number | null }): Promise<number>
}

type ActionRow = Selectable<PlanActionsTable>

function toAction(row: ActionRow, milestones: readonly Milestone[]): PlanAction {
  return {
    id: row.id,
    reference: row.reference,
    title: row.title,
    description: row.description,
    strategicPriorityId: row.strategic_priority_id,
    deliveryPriorityId: row.delivery_priority_id,
    deliveryGroup: row.delivery_group,
    leadAgencyId: row.lead_agency_id,
    owner: row.owner,
    startDate: row.start_date,
    dueDate: row.due_date,
    status: row.status,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    illustrative: row.illustrative === 1,
    milestones,
  }
}

/**
 * @example
 *   const actions = createActionRepository(scopeToPartnership(database, partnershipId))
 *   const overdueCandidates = await actions.openActionDates({ leadAgencyId: 3 })
 */
export function createActionRepository(database: Database): ActionRepository {
  const db = database.db

  async function milestonesOf(
    executor: Database['db'] | UnitOfWork['trx'],
    actionIds: readonly number[],
  ): Promise<Map<number, Milestone[]>> {
    const byAction = new Map<number, Milestone[]>()
    if (actionIds.length === 0) return byAction
    const rows = await executor
      .selectFrom('action_milestones')
      .select(['action_id', 'title', 'due_date', 'completed_on'])
      .where('action_id', 'in', [...actionIds])
      .orderBy('action_id')
      .orderBy('position')
      .execute()
    for (const row of rows) {
      const list = byAction.get(row.action_id) ?? []
      list.push({ title: row.title, dueDate: row.due_date, completedOn: row.completed_on })
      byAction.set(row.action_id, list)
    }
    return byAction
  }

  async function read(executor: Database['db'] | UnitOfWork['trx'], id: number): Promise<PlanAction | null> {
    const row = await executor.selectFrom('plan_actions').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) return null
    return toAction(row, (await milestonesOf(executor, [row.id])).get(row.id) ?? [])
  }

  // The dashboard's one query, asked on every view: compiled once (building and compiling a query through Kysely
  // costs more than SQLite running it; src/db/compiled-once.ts). On the partnership's handle, so scoped at compilation.
  const openActions = () =>
    db
      .selectFrom('plan_actions')
      .select(['status', 'due_date'])
      .where('status', 'not in', [...CLOSED_STATUSES])
  let openEverywhere: CompiledQuery<{ status: ActionStatus; due_date: string | null }> | undefined
  const openLedBy = compiledOnce((agencyId) =>
    openActions()
      .where('lead_agency_id', '=', agencyId as number)
      .compile(),
  )

  return {
    async listActions(filter = {}) {
      let query = db.selectFrom('plan_actions').selectAll().orderBy('reference')
      if (filter.leadAgencyId !== undefined) query = query.where('lead_agency_id', '=', filter.leadAgencyId)
      const rows = await query.execute()
      const milestones = await milestonesOf(
        db,
        rows.map((r) => r.id),
      )
      return rows.map((row) => toAction(row, milestones.get(row.id) ?? []))
    },

    getAction: (id) => read(db, id),

    async listUpdates(actionId) {
      const rows = await db
        .selectFrom('action_updates')
        .selectAll()
        .where('action_id', '=', actionId)
        .orderBy('written_on', 'desc')
        .orderBy('id', 'desc')
        .execute()
      return rows.map((r) => ({
        id: r.id,
        actionId: r.action_id,
        writtenOn: r.written_on,
        status: r.status,
        note: r.note,
        writtenBy: r.written_by,
        returnId: r.return_id,
        recordedAt: r.recorded_at,
      }))
    },

    async listPriorities() {
      const strategic = await db
        .selectFrom('strategic_priorities')
        .innerJoin('strategies', 'strategies.id', 'strategic_priorities.strategy_id')
        .select(['strategic_priorities.id', 'strategic_priorities.name', 'strategies.title'])
        .orderBy('strategies.first_year', 'desc')
        .orderBy('strategic_priorities.position')
        .execute()
      const delivery = await db
        .selectFrom('delivery_priorities')
        .select(['id', 'name', 'year', 'strategic_priority_id'])
        .orderBy('year', 'desc')
        .orderBy('position')
        .execute()
      return {
        strategic: strategic.map((p) => ({ id: p.id, name: p.name, context: p.title, strategicPriorityId: null })),
        delivery: delivery.map((p) => ({
          id: p.id,
          name: p.name,
          context: p.year,
          strategicPriorityId: p.strategic_priority_id,
        })),
      }
    },

    listAgencies: () => listPartnershipAgencies(database),

    async openActionDates(filter = {}) {
      openEverywhere ??= openActions().compile()
      const query = filter.leadAgencyId === undefined ? openEverywhere : openLedBy(filter.leadAgencyId)
      const { rows } = await db.executeQuery(query)
      return rows.map((r) => ({ status: r.status, dueDate: r.due_date }))
    },

    readAction: (uow, id) => read(uow.trx, id),

    async referenceTaken(uow, reference, exceptId) {
      const rows = await uow.trx.selectFrom('plan_actions').select(['id', 'reference']).execute()
      return rows.some((r) => r.reference.toLowerCase() === reference.toLowerCase() && r.id !== exceptId)
    },

    async insertAction(uow, fields, status, stamp, illustrative = false) {
      const row = await uow.trx
        .insertInto('plan_actions')
        .values({
          ...fields,
          status,
          illustrative: illustrative ? 1 : 0,
          version: 1,
          created_at: stamp.at,
          updated_at: stamp.at,
          updated_by: stamp.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    },

    async updateAction(uow, id, version, change, stamp) {
      const result = await uow.trx
        .updateTable('plan_actions')
        .set({ ...change, version: version + 1, updated_at: stamp.at, updated_by: stamp.by })
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },

    async replaceMilestones(uow, actionId, milestones, stamp) {
      await uow.trx.deleteFrom('action_milestones').where('action_id', '=', actionId).execute()
      if (milestones.length === 0) return
      await uow.trx
        .insertInto('action_milestones')
        .values(
          milestones.map((m, index) => ({
            action_id: actionId,
            position: index + 1,
            title: m.title,
            due_date: m.dueDate,
            completed_on: m.completedOn,
            updated_at: stamp.at,
            updated_by: stamp.by,
          })),
        )
        .execute()
    },

    async insertUpdate(uow, update) {
      const row = await uow.trx
        .insertInto('action_updates')
        .values({
          action_id: update.actionId,
          written_on: update.writtenOn,
          status: update.status,
          note: update.note,
          written_by: update.writtenBy,
          user_id: update.userId,
          return_id: update.returnId,
          recorded_at: update.recordedAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    },
  }
}
