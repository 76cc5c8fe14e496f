/**
 * The quorum rule of a board or group's terms of reference: a meeting is quorate when the voting members present reach
 * the quorum. A substitute sent for a voting seat counts (the organisation's vote is cast); an adviser or any other
 * non-voting seat never counts, present or not. A body whose terms of reference set no quorum is always quorate.
 */

/** One seat's attendance, as the rule needs it. */
export interface SeatAttendance {
  readonly voting: boolean
  readonly status: 'present' | 'apologies' | 'absent' | 'substitute'
}

export interface QuorumAnswer {
  readonly quorate: boolean
  /** Voting seats present in person or by a substitute. */
  readonly votingPresent: number
  /** The quorum needed; null when the terms of reference set none. */
  readonly needed: number | null
  /** Why not, in the words the refusal uses; null when quorate. */
  readonly reason: string | null
}

/**
 * @example quorumOf(6, [{ voting: true, status: 'present' }, { voting: true, status: 'substitute' }])
 *   // { quorate: false, votingPresent: 2, needed: 6, reason: 'The meeting was not quorate: 2 of the 6 voting members needed were present' }
 */
export function quorumOf(quorum: number | null, seats: readonly SeatAttendance[]): QuorumAnswer {
  const votingPresent = seats.filter((s) => s.voting && (s.status === 'present' || s.status === 'substitute')).length
  if (quorum === null) return { quorate: true, votingPresent, needed: null, reason: null }
  const quorate = votingPresent >= quorum
  return {
    quorate,
    votingPresent,
    needed: quorum,
    reason: quorate
      ? null
      : `The meeting was not quorate: ${votingPresent} of the ${quorum} voting ${quorum === 1 ? 'member' : 'members'} needed ${votingPresent === 1 ? 'was' : 'were'} present`,
  }
}
