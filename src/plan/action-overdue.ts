import { londonDate } from '../domain/period.ts'
import type { ActionStatus } from './plan-tables.ts'

/**
 * When a delivery plan action, or one of its milestones, is overdue: the one rule every page, filter and the
 * dashboard ask. Pure: the clock is passed in.
 */

/** The statuses that close an action: a closed action (and each of its milestones) is never overdue. */
export const CLOSED_STATUSES: readonly ActionStatus[] = Object.freeze(['complete', 'cancelled'])

/** What the rule reads of an action or a milestone. */
export interface Dated {
  /** `YYYY-MM-DD`, or null when no due date has been set (never overdue). */
  readonly dueDate: string | null
  /** A milestone is done when it has a completion date; an action when its status is complete (or cancelled). */
  readonly completedOn?: string | null
  readonly status?: ActionStatus
}

/**
 * Overdue: the due date is before today in England, and the action is neither complete nor cancelled (a milestone:
 * not completed, and its action not closed: pass the action's status as `actionStatus`). Due today is not overdue.
 *
 * @example isOverdue({ dueDate: '2018-03-31', status: 'on-track' }, new Date('2018-03-31T23:30:00Z')) // true: 00:30 on 1 April (BST)
 * @example isOverdue({ dueDate: '2018-03-31', status: 'complete' }, new Date('2019-01-01')) // false: complete
 */
export function isOverdue(item: Dated, now: Date, actionStatus?: ActionStatus): boolean {
  if (item.dueDate === null) return false
  if (item.status !== undefined && CLOSED_STATUSES.includes(item.status)) return false
  if (actionStatus !== undefined && CLOSED_STATUSES.includes(actionStatus)) return false
  if (item.completedOn != null) return false
  return item.dueDate < londonDate(now)
}
