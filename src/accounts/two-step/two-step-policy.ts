import type { TwoStepPolicy } from '../../config.ts'
import type { Role } from '../roles.ts'

/**
 * The roles `administrators` covers: those who change the framework, and a regional analyst, whose one account reads
 * the unpublished figures of every partnership it is granted.
 */
const privilegedRoles: ReadonlySet<Role> = new Set<Role>(['administrator', 'partnership-analyst', 'regional-analyst'])

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
