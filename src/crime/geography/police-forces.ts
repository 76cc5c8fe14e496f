/**
 * The police forces that publish street-level crime on data.police.uk, as its files name them: the force's
 * identifier in the archive's file names (`2020-01-gwent-street.csv`), the name in the "Falls within" and
 * "Reported by" columns, and the ONS police force area (PFA23) the force polices.
 *
 * British Transport Police and the Police Service of Northern Ireland publish files too, but police no police
 * force area of England and Wales: their rows are still mapped to the partnership where each crime happened,
 * and none of them counts as "outside the force's own partnerships".
 *
 * Where each entry was confirmed (every identifier and name below agrees with all of these sources):
 * - identifiers and names: the data.police.uk `/api/forces` listing (https://data.police.uk/api/forces), as
 *   captured in public code that calls it (e.g. the force lists in the GitHub repositories searched for
 *   `"id": "avon-and-somerset"`; 44 entries, British Transport Police excluded from that listing by design);
 * - the file names and the "Reported by"/"Falls within" values, in real archive files: the project's own copies
 *   (`gwent`, `cumbria`, `north-yorkshire`), and the November 2016 archive month held in the public GitHub
 *   repository mconnellyada/police (`2016-11-<id>-street.csv` or `-outcomes.csv`, same two columns), which
 *   confirms every other force except the two marked below. City of London Police, Metropolitan Police Service
 *   and Avon and Somerset Constabulary were also seen in rows quoted by other public repositories;
 * - file names of recent months (2025-12, 2026-04) listed in public repositories: every identifier below except
 *   `greater-manchester` and `btp` (which those lists leave out) appears there;
 * - the ONS force area codes: the PFA23 code and name of `reference/ons/district-partnership-force.csv`
 *   (checked by `geography.test.ts`).
 * NOT confirmed from a real file (the API listing only): the "Falls within" values of Greater Manchester Police
 * and the Police Service of Northern Ireland. Greater Manchester Police's street-level data has been missing or
 * incomplete since July 2019 (police.uk's notice, as the press quoted it: "Due to a change in IT systems no crime,
 * outcome or stop and search data is available from July 2019 onwards"; GMP in 2023: "we are still not able to
 * share data with Police.uk in a consistent and accurate way"): a month it has not published is missing, never
 * zero, and a month it has published may be short. A file whose "Falls within" value is not listed here is
 * refused with its name, never guessed.
 */
export interface PoliceForce {
  /** data.police.uk's identifier, as in the archive's file names: `gwent`, `west-midlands`. */
  readonly id: string
  /** As in the files' "Falls within" column: "Gwent Police". */
  readonly name: string
  /** ONS police force area code (E23…… / W15……), or null for a force with no area of its own. */
  readonly forceAreaCode: string | null
}

export const POLICE_FORCES: readonly PoliceForce[] = Object.freeze([
  { id: 'avon-and-somerset', name: 'Avon and Somerset Constabulary', forceAreaCode: 'E23000036' },
  { id: 'bedfordshire', name: 'Bedfordshire Police', forceAreaCode: 'E23000026' },
  { id: 'cambridgeshire', name: 'Cambridgeshire Constabulary', forceAreaCode: 'E23000023' },
  { id: 'cheshire', name: 'Cheshire Constabulary', forceAreaCode: 'E23000006' },
  { id: 'city-of-london', name: 'City of London Police', forceAreaCode: 'E23000034' },
  { id: 'cleveland', name: 'Cleveland Police', forceAreaCode: 'E23000013' },
  { id: 'cumbria', name: 'Cumbria Constabulary', forceAreaCode: 'E23000002' },
  { id: 'derbyshire', name: 'Derbyshire Constabulary', forceAreaCode: 'E23000018' },
  { id: 'devon-and-cornwall', name: 'Devon & Cornwall Police', forceAreaCode: 'E23000035' },
  { id: 'dorset', name: 'Dorset Police', forceAreaCode: 'E23000039' },
  { id: 'durham', name: 'Durham Constabulary', forceAreaCode: 'E23000008' },
  { id: 'dyfed-powys', name: 'Dyfed-Powys Police', forceAreaCode: 'W15000004' },
  { id: 'essex', name: 'Essex Police', forceAreaCode: 'E23000028' },
  { id: 'gloucestershire', name: 'Gloucestershire Constabulary', forceAreaCode: 'E23000037' },
  // "Falls within" value from the API listing only; street-level data missing or incomplete from July 2019.
  { id: 'greater-manchester', name: 'Greater Manchester Police', forceAreaCode: 'E23000005' },
  { id: 'gwent', name: 'Gwent Police', forceAreaCode: 'W15000002' },
  { id: 'hampshire', name: 'Hampshire Constabulary', forceAreaCode: 'E23000030' },
  { id: 'hertfordshire', name: 'Hertfordshire Constabulary', forceAreaCode: 'E23000027' },
  { id: 'humberside', name: 'Humberside Police', forceAreaCode: 'E23000012' },
  { id: 'kent', name: 'Kent Police', forceAreaCode: 'E23000032' },
  { id: 'lancashire', name: 'Lancashire Constabulary', forceAreaCode: 'E23000003' },
  { id: 'leicestershire', name: 'Leicestershire Police', forceAreaCode: 'E23000021' },
  { id: 'lincolnshire', name: 'Lincolnshire Police', forceAreaCode: 'E23000020' },
  { id: 'merseyside', name: 'Merseyside Police', forceAreaCode: 'E23000004' },
  { id: 'metropolitan', name: 'Metropolitan Police Service', forceAreaCode: 'E23000001' },
  { id: 'norfolk', name: 'Norfolk Constabulary', forceAreaCode: 'E23000024' },
  { id: 'north-wales', name: 'North Wales Police', forceAreaCode: 'W15000001' },
  { id: 'north-yorkshire', name: 'North Yorkshire Police', forceAreaCode: 'E23000009' },
  { id: 'northamptonshire', name: 'Northamptonshire Police', forceAreaCode: 'E23000022' },
  { id: 'northumbria', name: 'Northumbria Police', forceAreaCode: 'E23000007' },
  { id: 'nottinghamshire', name: 'Nottinghamshire Police', forceAreaCode: 'E23000019' },
  { id: 'south-wales', name: 'South Wales Police', forceAreaCode: 'W15000003' },
  { id: 'south-yorkshire', name: 'South Yorkshire Police', forceAreaCode: 'E23000011' },
  { id: 'staffordshire', name: 'Staffordshire Police', forceAreaCode: 'E23000015' },
  { id: 'suffolk', name: 'Suffolk Constabulary', forceAreaCode: 'E23000025' },
  { id: 'surrey', name: 'Surrey Police', forceAreaCode: 'E23000031' },
  { id: 'sussex', name: 'Sussex Police', forceAreaCode: 'E23000033' },
  { id: 'thames-valley', name: 'Thames Valley Police', forceAreaCode: 'E23000029' },
  { id: 'warwickshire', name: 'Warwickshire Police', forceAreaCode: 'E23000017' },
  { id: 'west-mercia', name: 'West Mercia Police', forceAreaCode: 'E23000016' },
  { id: 'west-midlands', name: 'West Midlands Police', forceAreaCode: 'E23000014' },
  { id: 'west-yorkshire', name: 'West Yorkshire Police', forceAreaCode: 'E23000010' },
  { id: 'wiltshire', name: 'Wiltshire Police', forceAreaCode: 'E23000038' },
  { id: 'btp', name: 'British Transport Police', forceAreaCode: null },
  // "Falls within" value from the API listing only (file names `…-northern-ireland-street.csv` confirmed).
  { id: 'northern-ireland', name: 'Police Service of Northern Ireland', forceAreaCode: null },
])

/** Lower case, "&" read as "and", runs of spaces as one: "Devon & Cornwall Police" = "devon and cornwall police". */
function normaliseForceName(name: string): string {
  return name.trim().toLowerCase().replace(/&/g, 'and').replace(/\s+/g, ' ')
}

const byId = new Map(POLICE_FORCES.map((force) => [force.id, force]))
const byName = new Map(POLICE_FORCES.map((force) => [normaliseForceName(force.name), force]))

/** The force with this data.police.uk identifier (`gwent`), or null. */
export function policeForceById(id: string): PoliceForce | null {
  return byId.get(id) ?? null
}

/** The force a "Falls within" value names ("Gwent Police"), or null when it is not one of the known forces. */
export function policeForceByName(name: string): PoliceForce | null {
  return byName.get(normaliseForceName(name)) ?? null
}
