import assert from 'node:assert/strict'
import { test } from 'node:test'
import { quorumOf, type SeatAttendance } from './quorum.ts'

const seat = (voting: boolean, status: SeatAttendance['status']): SeatAttendance => ({ voting, status })

test('voting members present and substitutes for voting seats count; apologies, absences and advisers do not', () => {
  const seats = [
    seat(true, 'present'),
    seat(true, 'present'),
    seat(true, 'substitute'),
    seat(true, 'apologies'),
    seat(true, 'absent'),
    seat(false, 'present'),
    seat(false, 'substitute'),
  ]
  // Counted by hand: two present and one substitute on voting seats.
  const answer = quorumOf(3, seats)
  assert.deepEqual(answer, { quorate: true, votingPresent: 3, needed: 3, reason: null })
})

test('one short of the quorum is inquorate, and says how many of how many', () => {
  const seats = [seat(true, 'present'), seat(true, 'present'), seat(true, 'present'), seat(true, 'present')]
  const answer = quorumOf(6, [...seats, seat(true, 'apologies'), seat(true, 'apologies'), seat(false, 'present')])
  assert.equal(answer.quorate, false)
  assert.equal(answer.votingPresent, 4)
  assert.equal(answer.reason, 'The meeting was not quorate: 4 of the 6 voting members needed were present')
  assert.equal(quorumOf(5, [...seats, seat(true, 'present')]).quorate, true, 'exactly the quorum is quorate')
  assert.equal(quorumOf(5, seats).quorate, false)
})

test('no quorum in the terms of reference: always quorate; nobody recorded against a quorum: inquorate', () => {
  assert.deepEqual(quorumOf(null, []), { quorate: true, votingPresent: 0, needed: null, reason: null })
  assert.equal(quorumOf(1, []).reason, 'The meeting was not quorate: 0 of the 1 voting member needed were present')
  assert.equal(
    quorumOf(2, [seat(true, 'present')]).reason,
    'The meeting was not quorate: 1 of the 2 voting members needed was present',
  )
})
