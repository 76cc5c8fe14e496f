/**
 * The Crime and Disorder Act 1998 s.5 check: which responsible authorities have no current voting seat on a
 * partnership's board. The Act (as amended) names the council (district, unitary or county), the chief officer of
 * police, the fire and rescue authority, the probation provider and health (clinical commissioning groups, since
 * 1 July 2022 integrated care boards). The police and crime commissioner must co-operate but is not one of them
 * (docs: /work/shared/docs/domain.md, "Crime and Disorder Act 1998 s.5").
 *
 * Probation: from 2014 to 2021 probation was split between the National Probation Service and the community
 * rehabilitation companies (CRCs); the CRCs' contracts ended on 26 June 2021, when their work returned to the Probation
 * Service. A CRC's seat therefore counts for probation only on dates before 26 June 2021: a board that still lists
 * only a CRC after that date is told it has no probation seat.
 *
 * Pure: no I/O. Dates are `YYYY-MM-DD` (compared as text, which orders them).
 */

/** The five kinds of responsible authority, as the board's `sector` names them. */
export type ResponsibleAuthority = 'council' | 'police' | 'fire-and-rescue' | 'probation' | 'health'

/** In the order the Act lists them, with the words a partnership officer reads. */
export const RESPONSIBLE_AUTHORITIES: readonly {
  readonly sector: ResponsibleAuthority
  /** With its article, to complete "The board has no seat for …". */
  readonly name: string
}[] = Object.freeze([
  { sector: 'council', name: 'the council (district, unitary or county)' },
  { sector: 'police', name: 'the police (the chief officer of police)' },
  { sector: 'fire-and-rescue', name: 'a fire and rescue authority' },
  { sector: 'probation', name: 'the probation service' },
  { sector: 'health', name: 'health (the integrated care board, formerly the clinical commissioning group)' },
])

/** The last day a community rehabilitation company existed (their work returned to the Probation Service on 26 June 2021). */
export const LAST_DAY_OF_CRCS = '2021-06-25'

/** A seat on the board as the check reads it. */
export interface SeatForCheck {
  readonly sector: string
  readonly organisation: string
  readonly voting: boolean
  readonly fromDate: string | null
  readonly toDate: string | null
}

/**
 * Whether a seat is held on `today`: from its first day to its last, both included; an empty date is open.
 *
 * @example isCurrentSeat({ fromDate: '2017-11-01', toDate: null }, '2018-03-31') // true
 */
export function isCurrentSeat(
  seat: { readonly fromDate: string | null; readonly toDate: string | null },
  today: string,
): boolean {
  return (seat.fromDate === null || seat.fromDate <= today) && (seat.toDate === null || today <= seat.toDate)
}

const CRC = /\bcommunity rehabilitation company\b|\bCRC\b/i

/** Whether an organisation's name is a community rehabilitation company's. */
export function isCommunityRehabilitationCompany(organisation: string): boolean {
  return CRC.test(organisation)
}

/**
 * The responsible authorities with no current voting seat on the board on `today`, in the Act's order.
 *
 * @example
 *   missingResponsibleAuthorities([{ sector: 'police', organisation: 'West Midlands Police', voting: true,
 *     fromDate: null, toDate: null }], '2018-03-31') // ['council', 'fire-and-rescue', 'probation', 'health']
 */
export function missingResponsibleAuthorities(seats: readonly SeatForCheck[], today: string): ResponsibleAuthority[] {
  const held = new Set<string>()
  for (const seat of seats) {
    if (!seat.voting || !isCurrentSeat(seat, today)) continue
    if (seat.sector === 'probation' && isCommunityRehabilitationCompany(seat.organisation) && today > LAST_DAY_OF_CRCS)
      continue
    held.add(seat.sector)
  }
  return RESPONSIBLE_AUTHORITIES.filter((a) => !held.has(a.sector)).map((a) => a.sector)
}

/**
 * What the board page says for a missing authority.
 *
 * @example missingAuthoritySentence('fire-and-rescue')
 *   // 'The board has no seat for a fire and rescue authority: the Crime and Disorder Act 1998 s.5 makes it a
 *   // responsible authority.' (a seat counts when it votes and is held today)
 */
export function missingAuthoritySentence(authority: ResponsibleAuthority): string {
  const name = RESPONSIBLE_AUTHORITIES.find((a) => a.sector === authority)?.name ?? authority
  return `The board has no seat for ${name}: the Crime and Disorder Act 1998 s.5 makes it a responsible authority.`
}
