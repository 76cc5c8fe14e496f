import { agencyForDataOwner } from './data-owner-names.ts'

/**
 * The partner agencies a Community Safety Partnership usually has, created on first start when there are
 * none (an administrator can add more). `dataOwnerNames` are the ways the seed report's "Owner" column names
 * each agency, and the agency's own name: they become the agency's owner names in the database on first start
 * (an administrator edits them at /admin/agencies), which decide the KPIs it owns.
 */
export interface DefaultAgency {
  readonly code: string
  readonly name: string
  readonly dataOwnerNames: readonly string[]
}

export const defaultAgencies: readonly DefaultAgency[] = Object.freeze([
  { code: 'WMP', name: 'West Midlands Police', dataOwnerNames: ['WMP', 'WMP Analyst', 'West Midlands Police'] },
  { code: 'YOT', name: 'Youth Offending Team', dataOwnerNames: ['YOT', 'Youth Offending Team'] },
  { code: 'PH', name: 'Public Health', dataOwnerNames: ['Public Health', 'PH'] },
  {
    code: 'WDVF',
    name: 'Wolverhampton Domestic Violence Forum',
    dataOwnerNames: ['WDVF', 'Domestic Violence Forum', 'Wolverhampton Domestic Violence Forum'],
  },
  {
    code: 'SARC',
    name: 'West Midlands Sexual Assault Referral Centre',
    dataOwnerNames: ['SARC', 'West Midlands SARC', 'West Midlands Sexual Assault Referral Centre'],
  },
  { code: 'WMFS', name: 'West Midlands Fire Service', dataOwnerNames: ['WMFS', 'West Midlands Fire Service'] },
  {
    code: 'CTU',
    name: 'West Midlands Counter Terrorism Unit',
    dataOwnerNames: ['CTU', 'WMP CTU', 'West Midlands Counter Terrorism Unit'],
  },
  {
    code: 'SWP',
    name: 'Safer Wolverhampton Partnership (analyst and community safety team)',
    dataOwnerNames: [
      'SWP',
      'SWP Analyst',
      'Community Safety',
      'Safer Wolverhampton Partnership (analyst and community safety team)',
    ],
  },
])

/**
 * The code of the default agency an indicator's data owner names, or null when none matches (case and spacing
 * ignored). Only the defaults: the application matches against the names stored in the database
 * (`agencyForDataOwner` in data-owner-names.ts, over `accounts.listAgencies()`).
 *
 * @example
 *   agencyCodeForDataOwner('WMP CTU') // 'CTU'
 *   agencyCodeForDataOwner('swp  analyst') // 'SWP'
 */
export function agencyCodeForDataOwner(
  dataOwner: string,
  agencies: readonly DefaultAgency[] = defaultAgencies,
): string | null {
  const named = agencies.map((a) => ({ code: a.code, ownerNames: a.dataOwnerNames }))
  return agencyForDataOwner(dataOwner, named)?.code ?? null
}
