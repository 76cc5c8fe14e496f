/**
 * The roles a person can hold in the partnership's system. One role per person; a data owner also belongs to
 * an agency, and sees and edits only that agency's returns.
 */
export const roles = ['administrator', 'partnership-analyst', 'data-owner', 'board-member', 'viewer'] as const

export type Role = (typeof roles)[number]

/** What each role is called on screen. */
export const roleNames: Readonly<Record<Role, string>> = Object.freeze({
  administrator: 'Administrator',
  'partnership-analyst': 'Partnership analyst',
  'data-owner': 'Data owner',
  'board-member': 'Board member',
  viewer: 'Viewer',
})

/** A line about each role, for the administration pages. */
export const roleDescriptions: Readonly<Record<Role, string>> = Object.freeze({
  administrator: 'Manages accounts, agencies and API tokens, and can do everything a partnership analyst can.',
  'partnership-analyst': 'Runs the performance framework: indicators, every agency’s returns, imports and reports.',
  'data-owner': 'Sends their agency’s figures: sees and edits only that agency’s returns.',
  'board-member': 'Reads reports and every return, and signs off the performance report.',
  viewer: 'Reads the performance report.',
})

/** True when a role needs an agency (a data owner's returns are their agency's). */
export function roleNeedsAgency(role: Role): boolean {
  return role === 'data-owner'
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value)
}
