import type { BoardService, GroupForm, MembershipForm } from '../board-service.ts'

/** An analyst for tests that write the board through its service. */
export const boardAnalyst = { role: 'partnership-analyst' as const, agencyId: null, email: 'board-analyst@example.org' }

/** A group form with every field empty but those given. */
export function groupForm(fields: Partial<GroupForm> = {}): GroupForm {
  return { name: '', parent: '', purpose: '', termsOfReference: '', meetingFrequency: '', quorum: '', ...fields }
}

/** A seat form: a voting member with no dates, fields given replacing the defaults. */
export function membershipForm(fields: Partial<MembershipForm> = {}): MembershipForm {
  return {
    personName: '',
    jobTitle: '',
    organisation: '',
    agency: '',
    sector: 'other',
    seat: '',
    role: 'member',
    voting: 'yes',
    fromDate: '',
    toDate: '',
    ...fields,
  }
}

/**
 * A group and a seat on it for the authorisation matrices' `{boardGroup}` and `{boardMember}`: under the partnership's
 * board (made when it has none), through the service as an analyst would.
 */
export async function seedMatrixBoard(board: BoardService, tag = 'MATRIX'): Promise<{ group: number; member: number }> {
  let overview = await board.overview(boardAnalyst)
  if (!overview.board) {
    const made = await board.createBoard(
      boardAnalyst,
      groupForm({ name: `${tag} board`, meetingFrequency: 'Quarterly' }),
    )
    if (made.kind !== 'saved') throw new Error(`The matrix board was refused: ${JSON.stringify(made)}`)
    overview = await board.overview(boardAnalyst)
  }
  const boardId = overview.board?.id ?? 0
  const group = await board.createGroup(boardAnalyst, groupForm({ name: `${tag} group`, parent: String(boardId) }))
  if (group.kind !== 'saved') throw new Error(`The matrix group was refused: ${JSON.stringify(group)}`)
  const seat = await board.addMembership(
    boardAnalyst,
    group.value.id,
    membershipForm({ organisation: `${tag} organisation`, personName: `${tag} member` }),
  )
  if (seat.kind !== 'saved') throw new Error(`The matrix seat was refused: ${JSON.stringify(seat)}`)
  return { group: group.value.id, member: seat.value.id }
}
