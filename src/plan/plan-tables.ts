import type { Generated } from 'kysely'

/**
 * The plan's tables (created by src/db/migrations/0018-plan-and-funding.ts): the strategy, its strategic priorities,
 * each year's delivery priorities, KPIs' links to them, and delivery plan actions with milestones and progress
 * updates. Years are financial years (`FY2017-18`), dates `YYYY-MM-DD`, times ISO 8601 UTC text. Every row is one
 * partnership's, and every reference between them stays inside the partnership (composite keys).
 */
export interface PlanTables {
  strategies: StrategiesTable
  strategic_priorities: StrategicPrioritiesTable
  delivery_priorities: DeliveryPrioritiesTable
  indicator_priorities: IndicatorPrioritiesTable
  plan_actions: PlanActionsTable
  action_milestones: ActionMilestonesTable
  action_updates: ActionUpdatesTable
}

export type StrategyStatus = 'draft' | 'approved' | 'superseded'
export type PriorityKind = 'strategic' | 'statutory'
export type ActionStatus = 'not-started' | 'on-track' | 'at-risk' | 'off-track' | 'complete' | 'cancelled'

interface Owned {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
}

interface Changed {
  updated_at: string
  /** Who last changed the row, as the audit trail names them (an email, or `demo-data`). */
  updated_by: string
}

export interface StrategiesTable extends Owned, Changed {
  title: string
  first_year: string
  last_year: string
  status: StrategyStatus
  summary: string | null
  /**
   * Set together when the strategy is approved; null while it is a draft. `approved_at` is when the approval was
   * recorded in saferhub; `approved_by` the approver the recorder named (e.g. "SWP Board"); the audit event names
   * the recorder.
   */
  approved_at: string | null
  approved_by: string | null
  /** The date the approver approved it, as recorded (migration 0024); null when not known (not given). */
  approved_on: string | null
}

export interface StrategicPrioritiesTable extends Owned, Changed {
  strategy_id: number
  position: number
  name: string
  description: string | null
  /**
   * `strategic`: one of the strategy's priorities; `statutory`: the partnership's statutory functions, listed beside
   * them with delivery priorities of their own, never counted as a strategic priority (migration 0024).
   */
  kind: Generated<PriorityKind>
}

export interface DeliveryPrioritiesTable extends Owned, Changed {
  strategic_priority_id: number
  /** The financial year the delivery priority is for ("Year one delivery" of a 2017-20 strategy is FY2017-18). */
  year: string
  position: number
  name: string
  description: string | null
}

/** A KPI's place in the plan: one row per KPI (its imported `priority`/`theme` text stays on the KPI unchanged). */
export interface IndicatorPrioritiesTable extends Owned, Changed {
  indicator_id: string
  strategic_priority_id: number
  delivery_priority_id: number | null
}

export interface PlanActionsTable extends Owned, Changed {
  /** The partnership's own short reference for the action (e.g. `RR-3`), unique in the partnership. */
  reference: string
  title: string
  description: string | null
  strategic_priority_id: number
  delivery_priority_id: number | null
  /** A free name until the board and its groups exist. */
  delivery_group: string | null
  lead_agency_id: number | null
  /** The person who owns the action, by name. */
  owner: string | null
  start_date: string | null
  due_date: string | null
  status: ActionStatus
  /** Starts at 1 and rises by one on every change (optimistic concurrency, as figures). */
  version: Generated<number>
  created_at: string
  /** 1: a demo action whose status or dates the seed does not give (migration 0020); shown as "Illustrative". */
  illustrative: Generated<number>
}

export interface ActionMilestonesTable extends Owned, Changed {
  action_id: number
  position: number
  title: string
  due_date: string | null
  completed_on: string | null
}

export interface ActionUpdatesTable extends Owned {
  action_id: number
  /** The date the update speaks for. */
  written_on: string
  /** The action's status as of the update. */
  status: ActionStatus
  note: string
  /** Who wrote it, as the audit trail names them. */
  written_by: string
  user_id: number | null
  /** The quarterly return the update came through (accepted by the analyst), if any. */
  return_id: number | null
  recorded_at: string
}
