/**
 * The offence groups of the ONS / Home Office "Police force area data tables" (tables C2–C5), in the
 * tables' own order. Police recorded crime by partnership is published for these headline groups only;
 * they are not the data.police.uk crime types (see `police-uk-crime-types.ts`), which use a coarser list.
 *
 * `parent` gives the group a sub-group is part of, so that the tables can be checked for consistency
 * (the parts of a group add up to it) and so that a report can indent them.
 */
export interface OffenceGroup {
  /** A stable identifier, e.g. `violence-against-the-person`. */
  readonly id: OffenceGroupId
  /** The name as the ONS tables print it. */
  readonly name: string
  readonly parent: OffenceGroupId | null
}

export const OFFENCE_GROUPS = [
  { id: 'total-recorded-crime', name: 'Total recorded crime (excluding fraud)', parent: null },
  { id: 'violence-against-the-person', name: 'Violence against the person', parent: 'total-recorded-crime' },
  { id: 'homicide', name: 'Homicide', parent: 'violence-against-the-person' },
  {
    id: 'death-or-serious-injury-by-illegal-driving',
    name: 'Death or serious injury caused by illegal driving',
    parent: 'violence-against-the-person',
  },
  { id: 'violence-with-injury', name: 'Violence with injury', parent: 'violence-against-the-person' },
  { id: 'violence-without-injury', name: 'Violence without injury', parent: 'violence-against-the-person' },
  { id: 'stalking-and-harassment', name: 'Stalking and harassment', parent: 'violence-against-the-person' },
  { id: 'sexual-offences', name: 'Sexual offences', parent: 'total-recorded-crime' },
  { id: 'robbery', name: 'Robbery', parent: 'total-recorded-crime' },
  { id: 'theft-offences', name: 'Theft offences', parent: 'total-recorded-crime' },
  { id: 'burglary', name: 'Burglary', parent: 'theft-offences' },
  { id: 'residential-burglary', name: 'Residential burglary', parent: 'burglary' },
  { id: 'non-residential-burglary', name: 'Non-residential burglary', parent: 'burglary' },
  { id: 'vehicle-offences', name: 'Vehicle offences', parent: 'theft-offences' },
  { id: 'theft-from-the-person', name: 'Theft from the person', parent: 'theft-offences' },
  { id: 'bicycle-theft', name: 'Bicycle theft', parent: 'theft-offences' },
  { id: 'shoplifting', name: 'Shoplifting', parent: 'theft-offences' },
  { id: 'all-other-theft-offences', name: 'All other theft offences', parent: 'theft-offences' },
  { id: 'criminal-damage-and-arson', name: 'Criminal damage and arson', parent: 'total-recorded-crime' },
  { id: 'drug-offences', name: 'Drug offences', parent: 'total-recorded-crime' },
  { id: 'possession-of-weapons-offences', name: 'Possession of weapons offences', parent: 'total-recorded-crime' },
  { id: 'public-order-offences', name: 'Public order offences', parent: 'total-recorded-crime' },
  {
    id: 'miscellaneous-crimes-against-society',
    name: 'Miscellaneous crimes against society',
    parent: 'total-recorded-crime',
  },
] as const satisfies readonly { id: string; name: string; parent: string | null }[]

export type OffenceGroupId = (typeof OFFENCE_GROUPS)[number]['id']

const BY_ID: ReadonlyMap<string, OffenceGroup> = new Map(OFFENCE_GROUPS.map((g) => [g.id, g as OffenceGroup]))

export function isOffenceGroupId(id: string): id is OffenceGroupId {
  return BY_ID.has(id)
}

/**
 * Headings as the ONS tables (and extracts of them) write them, normalised by `normaliseHeading`, mapped to
 * the group. Table C4 has two residential burglary rates: per 1,000 population (the one kept) and per 1,000
 * households. The third-party extract writes "Total Recorded Crime".
 */
const HEADING_ALIASES: ReadonlyMap<string, OffenceGroupId> = new Map([
  ['total recorded crime', 'total-recorded-crime'],
  ['total recorded crime (excluding fraud)', 'total-recorded-crime'],
  ['residential burglary (per 1,000 population)', 'residential-burglary'],
])

/** Lower case, "[note 3]" markers removed, runs of white space (including line breaks) as one space. */
export function normaliseHeading(text: string): string {
  return text
    .replace(/\[note \d+\]/gi, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()
}

/** The offence group a column heading names, or null (e.g. for "Population figures"). */
export function offenceGroupOfHeading(heading: string): OffenceGroupId | null {
  const text = normaliseHeading(heading)
  const alias = HEADING_ALIASES.get(text)
  if (alias) return alias
  const group = OFFENCE_GROUPS.find((g) => g.name.toLowerCase() === text)
  return group ? group.id : null
}
