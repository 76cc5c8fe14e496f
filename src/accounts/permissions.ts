import type { Role } from './roles.ts'

/**
 * The permission policy: the one place that says who may do what. Pure (no I/O), so every path — pages,
 * downloads, the API, exports, the command line — asks the same question with `can(user, action, resource)`
 * and gets the same answer. Filtering in a page is never the control; this is.
 *
 * Agency scope: a data owner's returns are their agency's. For an agency-scoped action the resource must name
 * its agency (`agencyId`); a resource without one is refused to a data owner (fail closed).
 */
export const actions = [
  /** Read the partnership's performance report and dashboards. */
  'report:view',
  /**
   * Download the report's data (the report's CSV, XLSX, JSON and standalone HTML, a KPI's CSV, the crime figures'
   * CSV); each download asks for it after 'report:view'. Today every role that may read the report may download it
   * (a download shows no more than the page); kept apart for exports that will show more.
   */
  'report:export',
  /** Record the board's sign-off of a report. */
  'report:sign-off',
  /** Publish a signed-off report to the public. */
  'report:publish',
  /** Read an agency's returns (the figures and commentary it sent), including unapproved ones. */
  'return:view',
  /** Enter or change an agency's figures and commentary. */
  'return:edit',
  /** Accept an agency's submitted return, or send it back with a comment (the partnership analyst's review). */
  'return:review',
  /**
   * Run a bulk import that may touch every agency's figures, and so define indicators, baselines and targets (they
   * come in through imports: there is no other way to define them).
   */
  'import:run',
  /** Read the audit trail. */
  'audit:view',
  /** Add users, change their role or agency, disable them, issue one-time passwords. */
  'user:manage',
  /**
   * See the partner agencies and which KPIs each owns (the names each goes by in the framework's Owner column, and
   * the KPIs that match no agency). The analyst needs it to keep the framework's owners right; only administrators
   * change agencies.
   */
  'agency:view',
  /** Add and rename agencies, and change the names they go by in the Owner column. */
  'agency:manage',
  /** Issue and revoke agencies' API tokens. */
  'api-token:manage',
  /** Change one's own password. */
  'account:change-own-password',
  /**
   * Compare this partnership's KPIs, side by side, with the other partnerships one holds this permission in (the
   * regional comparison pages, `/regional`). The granted partnerships are the memberships whose role has it.
   */
  'report:compare',
  /**
   * Read the partnership's plan: the strategy, its priorities and delivery priorities, the strategic assessment and
   * its consultation, and the delivery plan's actions. A data owner reads only their agency's actions (those it
   * leads), and updates them through their quarterly return ('return:edit').
   */
  'plan:view',
  /** Change the plan: the strategy and its approval, priorities, the strategic assessment, actions. */
  'plan:edit',
  /**
   * Read the money: funding streams, the budget and its reconciliation, commissioned services and their monitoring,
   * Appendix A. A data owner whose agency is a provider reads only that provider's services (own agency), and
   * reports their outputs through the quarterly return.
   */
  'budget:view',
  /** Change the money: funding streams and awards, carry-forwards, allocations, spend, services, the budget import. */
  'budget:edit',
  /**
   * Read the board and its groups (members, terms of reference, Appendix B's delivery structure), their meetings'
   * public agenda items, papers, attendance, minutes once approved, decisions and actions. A data owner sits on groups
   * and is given actions, so reads them all.
   */
  'board:view',
  /**
   * Keep the board's record: members and groups, meetings and their agendas, attendance, draft minutes, decisions
   * and actions, and the agenda pack.
   */
  'board:edit',
  /** Read a meeting's exempt agenda items (not for publication) and their papers. */
  'board:view-exempt',
  /** Read the annual report while it is drafted, reviewed and approved (the public reads only what is published). */
  'annual-report:view',
  /** Write the annual report: its chapters and blocks, bound figures, case studies, comments; run the number check. */
  'annual-report:edit',
  /** Publish the annual report the board has approved at a meeting, and republish an amendment. */
  'annual-report:publish',
  /**
   * Read the statutory registers other than domestic abuse related death reviews: Prevent and Channel (counts only),
   * community tensions, hate-crime reporting centres, engagement, campaigns, training and covenants.
   */
  'statutory:view',
  /** Keep those registers. */
  'statutory:edit',
  /**
   * Open a domestic abuse related death review the user is not named on, giving a reason ("break the glass"); a
   * senior role only, and always with step-up and an audited reason. Being named on a case, or holding the
   * partnership's register grant, is recorded on the case register itself, not in this table.
   */
  'dhr:break-glass',
  /** Set each record type's retention period, and delete what is due (leaving an audited tombstone). */
  'retention:manage',
] as const

export type Action = (typeof actions)[number]

/** The actions whose resource belongs to one agency. */
export const agencyScopedActions: ReadonlySet<Action> = new Set<Action>([
  'return:view',
  'return:edit',
  'plan:view',
  'budget:view',
])

/** Who is asking: a signed-in user as loaded from the database on this request. */
export interface Principal {
  readonly role: Role
  readonly agencyId: number | null
  readonly disabled?: boolean
  /** A user who must choose a new password may do nothing else until they have. */
  readonly mustChangePassword?: boolean
}

/** What is asked about. `agencyId` is the agency a return belongs to. */
export interface Resource {
  readonly agencyId?: number | null
}

type Grant = 'all' | 'own-agency' | 'none'

/**
 * Who may do what. Administrators can do everything the partnership analyst can (in a small partnership the
 * analyst usually is the administrator), except sign-off, which is the board's decision recorded against a
 * named member. Board members read everything and sign off; viewers read the report (and its downloads) only; a
 * regional analyst reads what a board member reads, signs off nothing, and compares partnerships.
 */
const policy: Readonly<Record<Role, Readonly<Record<Action, Grant>>>> = {
  administrator: {
    'report:view': 'all',
    'report:export': 'all',
    'report:sign-off': 'none',
    'report:publish': 'all',
    'return:view': 'all',
    'return:edit': 'all',
    'return:review': 'all',
    'import:run': 'all',
    'audit:view': 'all',
    'user:manage': 'all',
    'agency:view': 'all',
    'agency:manage': 'all',
    'api-token:manage': 'all',
    'account:change-own-password': 'all',
    'report:compare': 'none',
    'plan:view': 'all',
    'plan:edit': 'all',
    'budget:view': 'all',
    'budget:edit': 'all',
    'board:view': 'all',
    'board:edit': 'all',
    'board:view-exempt': 'all',
    'annual-report:view': 'all',
    'annual-report:edit': 'all',
    'annual-report:publish': 'all',
    'statutory:view': 'all',
    'statutory:edit': 'all',
    'dhr:break-glass': 'all',
    'retention:manage': 'all',
  },
  'partnership-analyst': {
    'report:view': 'all',
    'report:export': 'all',
    'report:sign-off': 'none',
    'report:publish': 'all',
    'return:view': 'all',
    'return:edit': 'all',
    'return:review': 'all',
    'import:run': 'all',
    'audit:view': 'all',
    'user:manage': 'none',
    'agency:view': 'all',
    'agency:manage': 'none',
    'api-token:manage': 'none',
    'account:change-own-password': 'all',
    'report:compare': 'none',
    'plan:view': 'all',
    'plan:edit': 'all',
    'budget:view': 'all',
    'budget:edit': 'all',
    'board:view': 'all',
    'board:edit': 'all',
    'board:view-exempt': 'all',
    'annual-report:view': 'all',
    'annual-report:edit': 'all',
    'annual-report:publish': 'all',
    'statutory:view': 'all',
    'statutory:edit': 'all',
    'dhr:break-glass': 'none',
    'retention:manage': 'none',
  },
  'data-owner': {
    'report:view': 'all',
    'report:export': 'all',
    'report:sign-off': 'none',
    'report:publish': 'none',
    'return:view': 'own-agency',
    'return:edit': 'own-agency',
    'return:review': 'none',
    'import:run': 'none',
    'audit:view': 'none',
    'user:manage': 'none',
    'agency:view': 'none',
    'agency:manage': 'none',
    'api-token:manage': 'none',
    'account:change-own-password': 'all',
    'report:compare': 'none',
    'plan:view': 'own-agency',
    'plan:edit': 'none',
    'budget:view': 'own-agency',
    'budget:edit': 'none',
    'board:view': 'all',
    'board:edit': 'none',
    'board:view-exempt': 'none',
    'annual-report:view': 'none',
    'annual-report:edit': 'none',
    'annual-report:publish': 'none',
    'statutory:view': 'none',
    'statutory:edit': 'none',
    'dhr:break-glass': 'none',
    'retention:manage': 'none',
  },
  'board-member': {
    'report:view': 'all',
    'report:export': 'all',
    'report:sign-off': 'all',
    'report:publish': 'none',
    'return:view': 'all',
    'return:edit': 'none',
    'return:review': 'none',
    'import:run': 'none',
    'audit:view': 'none',
    'user:manage': 'none',
    'agency:view': 'none',
    'agency:manage': 'none',
    'api-token:manage': 'none',
    'account:change-own-password': 'all',
    'report:compare': 'none',
    'plan:view': 'all',
    'plan:edit': 'none',
    'budget:view': 'all',
    'budget:edit': 'none',
    'board:view': 'all',
    'board:edit': 'none',
    'board:view-exempt': 'all',
    'annual-report:view': 'all',
    'annual-report:edit': 'none',
    'annual-report:publish': 'none',
    'statutory:view': 'all',
    'statutory:edit': 'none',
    'dhr:break-glass': 'none',
    'retention:manage': 'none',
  },
  viewer: {
    'report:view': 'all',
    'report:export': 'all',
    'report:sign-off': 'none',
    'report:publish': 'none',
    'return:view': 'none',
    'return:edit': 'none',
    'return:review': 'none',
    'import:run': 'none',
    'audit:view': 'none',
    'user:manage': 'none',
    'agency:view': 'none',
    'agency:manage': 'none',
    'api-token:manage': 'none',
    'account:change-own-password': 'all',
    'report:compare': 'none',
    'plan:view': 'all',
    'plan:edit': 'none',
    'budget:view': 'none',
    'budget:edit': 'none',
    'board:view': 'none',
    'board:edit': 'none',
    'board:view-exempt': 'none',
    'annual-report:view': 'none',
    'annual-report:edit': 'none',
    'annual-report:publish': 'none',
    'statutory:view': 'none',
    'statutory:edit': 'none',
    'dhr:break-glass': 'none',
    'retention:manage': 'none',
  },
  // A police and crime commissioner's office: reads everything a partnership's figures are (published or not, every
  // agency's returns) but writes nothing, and compares the partnerships it is granted. Not the audit trail nor the
  // agencies' pages: they name the partnership's people, which a reader from outside the partnership does not need.
  'regional-analyst': {
    'report:view': 'all',
    'report:export': 'all',
    'report:sign-off': 'none',
    'report:publish': 'none',
    'return:view': 'all',
    'return:edit': 'none',
    'return:review': 'none',
    'import:run': 'none',
    'audit:view': 'none',
    'user:manage': 'none',
    'agency:view': 'none',
    'agency:manage': 'none',
    'api-token:manage': 'none',
    'account:change-own-password': 'all',
    'report:compare': 'all',
    'plan:view': 'all',
    'plan:edit': 'none',
    'budget:view': 'all',
    'budget:edit': 'none',
    'board:view': 'all',
    'board:edit': 'none',
    'board:view-exempt': 'none',
    'annual-report:view': 'all',
    'annual-report:edit': 'none',
    'annual-report:publish': 'none',
    'statutory:view': 'all',
    'statutory:edit': 'none',
    'dhr:break-glass': 'none',
    'retention:manage': 'none',
  },
}

/**
 * May this principal do this action on this resource? `null` (nobody signed in), a disabled user, an unknown
 * role or action, and a user who must first change their password (for anything but that) are all refused.
 *
 * @example
 *   can({ role: 'data-owner', agencyId: 3 }, 'return:edit', { agencyId: 3 }) // true
 *   can({ role: 'data-owner', agencyId: 3 }, 'return:edit', { agencyId: 4 }) // false
 *   can({ role: 'viewer', agencyId: null }, 'return:view', { agencyId: 3 }) // false
 */
export function can(principal: Principal | null | undefined, action: Action, resource: Resource = {}): boolean {
  if (!principal || principal.disabled) return false
  if (principal.mustChangePassword && action !== 'account:change-own-password') return false
  // Object.hasOwn: a role or action from outside (a session, a token) must not reach Object.prototype.
  if (!Object.hasOwn(policy, principal.role)) return false
  const grants = policy[principal.role]
  if (!Object.hasOwn(grants, action)) return false
  const grant = grants[action]
  if (grant === 'all') return true
  if (grant === 'own-agency') {
    return (
      principal.agencyId !== null &&
      resource.agencyId !== undefined &&
      resource.agencyId !== null &&
      resource.agencyId === principal.agencyId
    )
  }
  return false
}

/** Thrown by `demand` when a principal may not do something; the web layer turns it into 403 (or 404). */
export class PermissionDenied extends Error {
  readonly action: Action
  constructor(action: Action) {
    super(`Not permitted: ${action}`)
    this.name = 'PermissionDenied'
    this.action = action
  }
}

/** `can`, as an assertion for services: throws `PermissionDenied` when refused. */
export function demand(principal: Principal | null | undefined, action: Action, resource: Resource = {}): void {
  if (!can(principal, action, resource)) throw new PermissionDenied(action)
}
