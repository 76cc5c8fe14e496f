/**
 * The partner agencies a Community Safety Partnership usually has, created on first start when there are
 * none (an administrator can add more). `dataOwnerNames` are the ways the seed report's "Owner" column names
 * each agency, so that an indicator's `dataOwner` can be matched to its agency.
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
    dataOwnerNames: ['WDVF', 'Domestic Violence Forum'],
  },
  {
    code: 'SARC',
    name: 'West Midlands Sexual Assault Referral Centre',
    dataOwnerNames: ['SARC', 'West Midlands SARC'],
  },
  { code: 'WMFS', name: 'West Midlands Fire Service', dataOwnerNames: ['WMFS', 'West Midlands Fire Service'] },
  { code: 'CTU', name: 'West Midlands Counter Terrorism Unit', dataOwnerNames: ['CTU', 'WMP CTU'] },
  {
    code: 'SWP',
    name: 'Safer Wolverhampton Partnership (analyst and community safety team)',
    dataOwnerNames: ['SWP', 'SWP Analyst', 'Community Safety'],
  },
])

/**
 * The code of the agency an indicator's data owner names, or null when none matches (case and spacing
 * ignored).
 *
 * @example
 *   agencyCodeForDataOwner('WMP CTU') // 'CTU'
 *   agencyCodeForDataOwner('swp  analyst') // 'SWP'
 */
export function agencyCodeForDataOwner(
  dataOwner: string,
  agencies: readonly DefaultAgency[] = defaultAgencies,
): string | null {
  const wanted = dataOwner.trim().replace(/\s+/g, ' ').toLowerCase()
  for (const agency of agencies) {
    if (agency.dataOwnerNames.some((n) => n.toLowerCase() === wanted) || agency.code.toLowerCase() === wanted) {
      return agency.code
    }
  }
  return null
}
