/**
 * The crime types of data.police.uk street-level files, as the files spell them. Fourteen today; files before May
 * 2013 have "Public disorder and weapons", which was then split into "Public order" and "Possession of weapons".
 * Anything else in the "Crime type" column is an error: a new type must be added here deliberately.
 */
export const POLICE_UK_CRIME_TYPES = Object.freeze([
  'Anti-social behaviour',
  'Bicycle theft',
  'Burglary',
  'Criminal damage and arson',
  'Drugs',
  'Other crime',
  'Other theft',
  'Possession of weapons',
  'Public order',
  'Robbery',
  'Shoplifting',
  'Theft from the person',
  'Vehicle crime',
  'Violence and sexual offences',
  'Public disorder and weapons',
] as const)

export type PoliceUkCrimeType = (typeof POLICE_UK_CRIME_TYPES)[number]

/** Anti-social behaviour is not a crime: police.uk's "total recorded crime" is every other type. */
export const ANTI_SOCIAL_BEHAVIOUR: PoliceUkCrimeType = 'Anti-social behaviour'
