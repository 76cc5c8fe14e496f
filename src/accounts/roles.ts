/**
 * The roles a person can hold in a partnership (one per partnership: `memberships`). A data owner also belongs to an
 * agency, and sees and edits only that agency's returns. A regional analyst (a police and crime commissioner's office)
 * holds the role in every partnership it is granted, reads them all and compares them (`/regional`).
 */
export const roles = [
  'administrator',
  'partnership-analyst',
  'data-owner',
  'board-member',
  'viewer',
  'regional-analyst',
] as const

export type Role = (typeof roles)[number]

/** What each role is called on screen. */
export const roleNames: Readonly<Record<Role, string>> = Object.freeze({
  administrator: 'Administrator',
  'partnership-analyst': 'Partnership analyst',
  'data-owner': 'Data owner',
  'board-member': 'Board member',
  viewer: 'Viewer',
  'regional-analyst': 'Regional analyst',
})

/** A line about each role, for the administration pages. */
export const roleDescriptions: Readonly<Record<Role, string>> = Object.freeze({
  administrator: 'Manages accounts, agencies and API tokens, and can do everything a partnership analyst can.',
  'partnership-analyst': 'Runs the performance framework: indicators, every agency’s returns, imports and reports.',
  'data-owner': 'Sends their agency’s figures: sees and edits only that agency’s returns.',
  'board-member': 'Reads reports and every return, and signs off the performance report.',
  viewer: 'Reads the performance report.',
  'regional-analyst':
    'Reads the report, dashboards, KPIs and every return, published or not, and compares this partnership with the others it is granted (a police and crime commissioner’s office). Changes nothing.',
})

/** True when a role needs an agency (a data owner's returns are their agency's). */
export function roleNeedsAgency(role: Role): boolean {
  return role === 'data-owner'
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value)
}
