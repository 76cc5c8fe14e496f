import type { ServiceStatus } from './funding-tables.ts'

/**
 * A commissioned service's life as one table: where each status may go next. Pure. The service's writes
 * (service-writes.ts) ask it inside their unit of work with the status read there; anything else is refused.
 *
 * planned → commissioned (the grant or contract is agreed) → live (delivering) → ended (ran to its end date).
 * A planned, commissioned or live service may be decommissioned (stopped early, or never started). Ended and
 * decommissioned are final: a service that runs again is a new service with a reference of its own.
 */
export const SERVICE_TRANSITIONS: Readonly<Record<ServiceStatus, readonly ServiceStatus[]>> = Object.freeze({
  planned: Object.freeze(['commissioned', 'decommissioned'] as const),
  commissioned: Object.freeze(['live', 'decommissioned'] as const),
  live: Object.freeze(['ended', 'decommissioned'] as const),
  ended: Object.freeze([] as const),
  decommissioned: Object.freeze([] as const),
})

export const SERVICE_STATUSES: readonly ServiceStatus[] = Object.freeze([
  'planned',
  'commissioned',
  'live',
  'ended',
  'decommissioned',
])

export const SERVICE_STATUS_LABELS: Readonly<Record<ServiceStatus, string>> = Object.freeze({
  planned: 'Planned',
  commissioned: 'Commissioned',
  live: 'Live',
  ended: 'Ended',
  decommissioned: 'Decommissioned',
})

/**
 * Whether a service may move from `from` to `to`.
 *
 * @example serviceTransition('planned', 'commissioned') // { allowed: true }
 * @example serviceTransition('ended', 'live') // { allowed: false, message: 'An ended service …' }
 */
export function serviceTransition(
  from: ServiceStatus,
  to: ServiceStatus,
): { readonly allowed: true } | { readonly allowed: false; readonly message: string } {
  if (SERVICE_TRANSITIONS[from].includes(to)) return { allowed: true }
  const next = SERVICE_TRANSITIONS[from]
  const choices = next.length === 0 ? 'none: it is final' : next.map((s) => SERVICE_STATUS_LABELS[s]).join(' or ')
  return {
    allowed: false,
    message: `A service that is ${SERVICE_STATUS_LABELS[from].toLowerCase()} cannot become ${SERVICE_STATUS_LABELS[to].toLowerCase()} (it can become: ${choices})`,
  }
}
