import type { Role } from '../roles.ts'

/**
 * Who must use two-step sign-in (`SAFERHUB_TWO_STEP`):
 * - `required`: everybody; a user without it sets it up at their next sign-in, before anything else;
 * - `administrators`: administrators and partnership analysts (who can change accounts, every agency's figures and
 *   the published report); everybody else may turn it on;
 * - `optional`: anybody may turn it on, nobody must (the demo, whose users sign in with the README's passwords).
 */
export const twoStepPolicies = ['required', 'administrators', 'optional'] as const

export type TwoStepPolicy = (typeof twoStepPolicies)[number]

export function isTwoStepPolicy(value: string): value is TwoStepPolicy {
  return (twoStepPolicies as readonly string[]).includes(value)
}

/** The roles `administrators` covers. */
const privilegedRoles: ReadonlySet<Role> = new Set<Role>(['administrator', 'partnership-analyst'])

/**
 * True when a user of this role must have two-step sign-in under the policy.
 *
 * @example
 *   twoStepRequiredFor('viewer', 'administrators') // false
 *   twoStepRequiredFor('partnership-analyst', 'administrators') // true
 */
export function twoStepRequiredFor(role: Role, policy: TwoStepPolicy): boolean {
  if (policy === 'required') return true
  if (policy === 'administrators') return privilegedRoles.has(role)
  return false
}
