import type { Role } from './roles.ts'

/**
 * DEMO ONLY. One account per role, created with the demo data (`SAFERHUB_DEMO=true`, the default outside
 * production) and never when NODE_ENV=production. The passwords are public (they are in the README): anyone
 * can sign in as these people. Never use them on a server that holds real data.
 */
export interface DemoUser {
  readonly email: string
  readonly name: string
  readonly role: Role
  /** The agency's code, for a data owner. */
  readonly agencyCode: string | null
  readonly password: string
}

export const demoUsers: readonly DemoUser[] = Object.freeze([
  {
    email: 'admin@example.org',
    name: 'Demo Administrator',
    role: 'administrator',
    agencyCode: null,
    password: 'sparrow-lantern-harbour',
  },
  {
    email: 'analyst@example.org',
    name: 'Demo Partnership Analyst',
    role: 'partnership-analyst',
    agencyCode: 'SWP',
    password: 'copper-meadow-violin',
  },
  {
    email: 'police@example.org',
    name: 'Demo Data Owner (West Midlands Police)',
    role: 'data-owner',
    agencyCode: 'WMP',
    password: 'thistle-canal-orbit',
  },
  {
    email: 'board@example.org',
    name: 'Demo Board Member',
    role: 'board-member',
    agencyCode: null,
    password: 'maple-quartz-ribbon',
  },
  {
    email: 'viewer@example.org',
    name: 'Demo Viewer',
    role: 'viewer',
    agencyCode: null,
    password: 'pebble-summit-falcon',
  },
  {
    email: 'regional@example.org',
    name: 'Demo Regional Analyst',
    role: 'regional-analyst',
    agencyCode: null,
    password: 'harbour-kestrel-juniper',
  },
])
