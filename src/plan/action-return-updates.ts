import type { AuditEventInput } from '../audit/audit-chain.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { CLOSED_STATUSES } from './action-overdue.ts'
import { createActionRepository, type ActionRepository, type PlanAction } from './action-repository.ts'
import { auditForm, isActionStatus, TEXT_LIMITS } from './action-service.ts'
import type { ActionStatus } from './plan-tables.ts'

/**
 * The actions an agency leads, updated in its quarterly return: the data owner writes a status and a note per action
 * in the return's draft (saved and submitted with it, `return_action_updates`, migration 0020); the analyst sees them
 * when reviewing; acceptance turns each into a progress update (`action_updates` with the return's id) and sets the
 * action's status, in the acceptance's own unit of work (src/returns/return-writes.ts); a return sent back applies
 * nothing. The returns feature calls this; the plan feature never calls the returns (no cycle).
 */

/** One action's update as the data owner wrote it in the return. */
export interface DraftActionUpdate {
  readonly actionId: number
  readonly status: ActionStatus
  readonly note: string
}

export interface StoredDraftActionUpdate extends DraftActionUpdate {
  readonly writtenBy: string
  readonly writtenAt: string
}

/** The form boxes of one action on the return page. */
export const actionFieldName = (actionId: number, box: 'status' | 'note') => `action-${actionId}-${box}`

/**
 * The return form's action boxes read: an update for each action given both a status and a note, and a problem for
 * each given one without the other. Boxes of actions not in `actions` (not the agency's) are never read.
 *
 * @example readActionBoxes([action], { 'action-4-status': 'at-risk', 'action-4-note': 'Venue lost' })
 *   // { updates: [{ actionId: 4, status: 'at-risk', note: 'Venue lost' }], problems: [] }
 */
export function readActionBoxes(
  actions: readonly Pick<PlanAction, 'id' | 'reference'>[],
  fields: Readonly<Record<string, string>>,
): { updates: DraftActionUpdate[]; problems: { field: string; message: string }[] } {
  const updates: DraftActionUpdate[] = []
  const problems: { field: string; message: string }[] = []
  for (const action of actions) {
    const status = (fields[actionFieldName(action.id, 'status')] ?? '').trim()
    const note = (fields[actionFieldName(action.id, 'note')] ?? '').trim()
    if (status === '' && note === '') continue
    if (!isActionStatus(status)) {
      problems.push({
        field: actionFieldName(action.id, 'status'),
        message: `Action ${action.reference}: choose its status now, or clear the note`,
      })
      continue
    }
    if (note === '') {
      problems.push({
        field: actionFieldName(action.id, 'note'),
        message: `Action ${action.reference}: say what has happened, or choose “No update”`,
      })
      continue
    }
    if ([...note].length > TEXT_LIMITS.note) {
      problems.push({
        field: actionFieldName(action.id, 'note'),
        message: `Action ${action.reference}: the note must be ${TEXT_LIMITS.note} characters or fewer`,
      })
      continue
    }
    updates.push({ actionId: action.id, status, note })
  }
  return { updates, problems }
}

export interface ReturnActionUpdates {
  /**
   * The actions to show on an agency's return: the open ones it leads, and any other with an update in this return
   * (one completed by it, say), with the return's draft updates.
   */
  forReturn(
    agencyId: number,
    returnId: number | null,
  ): Promise<{ actions: PlanAction[]; drafts: StoredDraftActionUpdate[] }>
  /** Replaces the return's draft updates (with the save of its draft or its submission). */
  replaceDrafts(
    uow: UnitOfWork,
    returnId: number,
    updates: readonly DraftActionUpdate[],
    by: string,
    at: string,
  ): Promise<{ before: StoredDraftActionUpdate[]; after: StoredDraftActionUpdate[] }>
  /** Reads the return's draft updates inside the unit of work. */
  readDrafts(uow: UnitOfWork, returnId: number): Promise<StoredDraftActionUpdate[]>
  /**
   * On acceptance: each draft update becomes a progress update dated `writtenOn` (the return's submission, in England)
   * with the data owner who wrote it, and sets the action's status; each audited (`actor`: the analyst accepting).
   * Returns how many were applied.
   */
  applyDrafts(
    uow: UnitOfWork,
    returnId: number,
    input: { readonly writtenOn: string; readonly actor: string; readonly requestId: string | null },
  ): Promise<number>
}

export interface ReturnActionUpdatesDependencies {
  /** The partnership's handle (reads outside a unit of work). */
  readonly database: Database
  readonly audit: Pick<AuditRepository, 'appendAll'>
  readonly repository?: ActionRepository
  readonly now?: () => Date
}

/**
 * @example
 *   const actions = createReturnActionUpdates({ database: scopedDatabase, audit })
 *   createReturnWrites({ database: scopedDatabase, repository, audit, figures, actions })
 */
export function createReturnActionUpdates(dependencies: ReturnActionUpdatesDependencies): ReturnActionUpdates {
  const { database, audit } = dependencies
  const repository = dependencies.repository ?? createActionRepository(database)
  const now = dependencies.now ?? (() => new Date())

  async function drafts(executor: Database['db'] | UnitOfWork['trx'], returnId: number) {
    const rows = await executor
      .selectFrom('return_action_updates')
      .select(['action_id', 'status', 'note', 'written_by', 'written_at'])
      .where('return_id', '=', returnId)
      .orderBy('action_id')
      .execute()
    return rows.map((r) => ({
      actionId: r.action_id,
      status: r.status,
      note: r.note,
      writtenBy: r.written_by,
      writtenAt: r.written_at,
    }))
  }

  return {
    async forReturn(agencyId, returnId) {
      const [led, stored] = await Promise.all([
        repository.listActions({ leadAgencyId: agencyId }),
        returnId === null ? Promise.resolve([]) : drafts(database.db, returnId),
      ])
      const drafted = new Set(stored.map((d) => d.actionId))
      return {
        actions: led.filter((a) => !CLOSED_STATUSES.includes(a.status) || drafted.has(a.id)),
        drafts: stored,
      }
    },

    readDrafts: (uow, returnId) => drafts(uow.trx, returnId),

    async replaceDrafts(uow, returnId, updates, by, at) {
      const before = await drafts(uow.trx, returnId)
      // An update saved again unchanged keeps who wrote it and when.
      const kept = (u: DraftActionUpdate) =>
        before.find((b) => b.actionId === u.actionId && b.status === u.status && b.note === u.note)
      const after = updates.map((u): StoredDraftActionUpdate => kept(u) ?? { ...u, writtenBy: by, writtenAt: at })
      await uow.trx.deleteFrom('return_action_updates').where('return_id', '=', returnId).execute()
      if (after.length > 0) {
        await uow.trx
          .insertInto('return_action_updates')
          .values(
            after.map((u) => ({
              return_id: returnId,
              action_id: u.actionId,
              status: u.status,
              note: u.note,
              written_by: u.writtenBy,
              written_at: u.writtenAt,
            })),
          )
          .execute()
      }
      return { before, after }
    },

    async applyDrafts(uow, returnId, input) {
      const stored = await drafts(uow.trx, returnId)
      const at = now().toISOString()
      const events: AuditEventInput[] = []
      for (const draft of stored) {
        const before = await repository.readAction(uow, draft.actionId)
        if (!before) throw new Error(`The action ${draft.actionId} of return ${returnId} does not exist`)
        const update = {
          actionId: draft.actionId,
          writtenOn: input.writtenOn,
          status: draft.status,
          note: draft.note,
          writtenBy: draft.writtenBy,
          returnId,
          recordedAt: at,
        }
        const updateId = await repository.insertUpdate(uow, { ...update, userId: null })
        // Read and written in the acceptance's unit of work (serial writers): the version read is the one replaced.
        await repository.updateAction(
          uow,
          draft.actionId,
          before.version,
          { status: draft.status },
          { at, by: input.actor },
        )
        const after = (await repository.readAction(uow, draft.actionId)) as PlanAction
        const common = { actor: input.actor, requestId: input.requestId }
        events.push(
          {
            ...common,
            action: 'create',
            entityType: 'action-update',
            entityKey: `${draft.actionId}/${updateId}`,
            before: null,
            after: { id: updateId, ...update, source: 'return', reference: `return:${returnId}` },
          },
          {
            ...common,
            action: 'update',
            entityType: 'plan-action',
            entityKey: String(draft.actionId),
            before: auditForm(before),
            after: { ...(auditForm(after) as object), source: 'return', reference: `return:${returnId}` },
          },
        )
      }
      if (events.length > 0) await audit.appendAll(uow.trx, events)
      return stored.length
    },
  }
}
