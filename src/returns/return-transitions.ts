import type { Action } from '../accounts/permissions.ts'

/**
 * The returns process as one table: which steps a return and a quarter may take, from which state, and the
 * permission each step asks for (answered by the one policy, src/accounts/permissions.ts). Pure: no I/O, no clock.
 * The returns service (return-writes.ts) asks it inside the unit of work, with the states read there, so that the
 * answer holds when two people act at once. The repository only reads and writes rows.
 */

export type ReturnStatus = 'draft' | 'submitted' | 'accepted' | 'sent-back'

/** What someone does to an agency's return. */
export type ReturnStep = 'save-draft' | 'submit' | 'accept' | 'send-back'

/** What the board does to a quarter. */
export type QuarterStep = 'lock' | 'reopen'

interface StepRule<From, To> {
  /** The states the step may be taken from (`none`: the return does not exist yet). */
  readonly from: readonly From[]
  readonly to: To
  readonly permission: Action
}

/**
 * A data owner saves and submits until the return is accepted (a submitted return may still be corrected before the
 * review; a returned one is corrected and submitted again); an analyst accepts or sends back only a submitted return;
 * an accepted return is closed. Nothing moves in a locked quarter (see `returnTransition`).
 */
export const RETURN_STEPS: Readonly<Record<ReturnStep, StepRule<ReturnStatus | 'none', ReturnStatus>>> = Object.freeze({
  'save-draft': { from: ['none', 'draft', 'submitted', 'sent-back'], to: 'draft', permission: 'return:edit' },
  submit: { from: ['none', 'draft', 'submitted', 'sent-back'], to: 'submitted', permission: 'return:edit' },
  accept: { from: ['submitted'], to: 'accepted', permission: 'return:review' },
  'send-back': { from: ['submitted'], to: 'sent-back', permission: 'return:review' },
})

/** The board's sign-off locks an open quarter; a locked quarter is reopened (with a reason). */
export const QUARTER_STEPS: Readonly<Record<QuarterStep, StepRule<'open' | 'locked', 'open' | 'locked'>>> =
  Object.freeze({
    lock: { from: ['open'], to: 'locked', permission: 'report:sign-off' },
    reopen: { from: ['locked'], to: 'open', permission: 'report:sign-off' },
  })

export type Transition<To> =
  | { readonly allowed: true; readonly to: To }
  /** `locked`: the quarter has been signed off; `wrong-state`: the return is not in a state the step starts from. */
  | { readonly allowed: false; readonly reason: 'locked' | 'wrong-state' }

/**
 * Where a step takes a return in `current` state (null: not started), in a quarter that is or is not locked.
 *
 * @example returnTransition('submitted', 'accept', false) // { allowed: true, to: 'accepted' }
 * @example returnTransition('accepted', 'save-draft', false) // { allowed: false, reason: 'wrong-state' }
 */
export function returnTransition(
  current: ReturnStatus | null,
  step: ReturnStep,
  quarterLocked: boolean,
): Transition<ReturnStatus> {
  if (quarterLocked) return { allowed: false, reason: 'locked' }
  const rule = RETURN_STEPS[step]
  return rule.from.includes(current ?? 'none')
    ? { allowed: true, to: rule.to }
    : { allowed: false, reason: 'wrong-state' }
}

/**
 * Whether the board may take a step on a quarter that is or is not locked.
 *
 * @example quarterTransition(true, 'lock') // { allowed: false, reason: 'wrong-state' }: already locked
 */
export function quarterTransition(locked: boolean, step: QuarterStep): Transition<'open' | 'locked'> {
  const rule = QUARTER_STEPS[step]
  return rule.from.includes(locked ? 'locked' : 'open')
    ? { allowed: true, to: rule.to }
    : { allowed: false, reason: 'wrong-state' }
}
