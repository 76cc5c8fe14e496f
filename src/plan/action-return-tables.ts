import type { Generated } from 'kysely'
import type { ActionStatus } from './plan-tables.ts'

/**
 * An agency's draft updates to the actions it leads, written in its quarterly return (created by
 * src/db/migrations/0020-action-returns.ts): applied to the action only when the analyst accepts the return.
 */
export interface ActionReturnTables {
  return_action_updates: ReturnActionUpdatesTable
}

export interface ReturnActionUpdatesTable {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
  return_id: number
  action_id: number
  status: ActionStatus
  note: string
  /** The data owner who wrote it, as the audit trail names them, and when (ISO 8601 UTC). */
  written_by: string
  written_at: string
}
