import assert from 'node:assert/strict'
import { test } from 'node:test'
import { attendanceCsv, attendanceOf } from './attendance-report.ts'
import { financialYearOfDate as yearOfDate } from '../domain/period.ts'
import { yearReadOn } from './meeting-papers.ts'
import type { AttendanceRow, Body, MeetingRow, Seat } from './meeting-repository.ts'

const body: Body = { id: 1, name: 'Board', kind: 'board', quorum: 2 }
const meeting = (id: number, date: string, state: MeetingRow['state'] = 'held'): MeetingRow => ({
  id,
  partnership_id: 1,
  group_id: 1,
  meeting_date: date,
  starts_at: null,
  location: null,
  state,
  cancelled_reason: null,
  illustrative: 0,
  version: 1,
  created_at: '',
  updated_at: '',
  updated_by: '',
})
const seat = (id: number, organisation: string, agencyId: number | null, from: string | null = null): Seat => ({
  id,
  groupId: 1,
  personName: null,
  organisation,
  agencyId,
  seat: null,
  role: 'member',
  voting: true,
  fromDate: from,
  toDate: null,
})
const came = (meetingId: number, membershipId: number, status: AttendanceRow['status']): AttendanceRow => ({
  meetingId,
  membershipId,
  status,
  substituteName: status === 'substitute' ? 'Deputy' : null,
  illustrative: false,
})

test('an agency with two seats counts once a meeting; a substitute attends; cancelled meetings and seats not yet held do not count', () => {
  const meetings = [meeting(1, '2017-06-01'), meeting(2, '2017-09-01'), meeting(3, '2017-12-01', 'cancelled')]
  const seats = [
    seat(10, 'Police', 7),
    seat(11, 'Police', 7),
    seat(12, 'Council', null),
    seat(13, 'Housing', null, '2017-07-01'),
  ]
  const attendance = [
    came(1, 10, 'apologies'),
    came(1, 11, 'present'), // one of Police's two seats came: Police attended meeting 1
    came(2, 10, 'apologies'),
    came(2, 11, 'absent'), // none came, one apologised: apologies
    came(1, 12, 'substitute'),
    came(2, 12, 'absent'),
    came(2, 13, 'present'),
  ]
  const report = attendanceOf(body, meetings, seats, attendance)
  assert.equal(report.meetingsHeld, 2)
  assert.deepEqual(
    report.lines.map((l) => [l.organisation, l.meetingsHeld, l.attended, l.apologies, l.ratePercent]),
    [
      ['Council', 2, 1, 0, 50],
      ['Housing', 1, 1, 0, 100], // its seat began after the June meeting
      ['Police', 2, 1, 1, 50],
    ],
  )
  assert.equal(attendanceCsv('FY2017-18', [report]).split('\r\n')[1], 'FY2017-18,Board,Council,2,1,0,50')
})

test('the year a meeting’s papers read: the latest ended quarter’s', () => {
  assert.equal(yearReadOn('2018-06-12'), 'FY2017-18') // in Q1: the year that ended in March
  assert.equal(yearReadOn('2017-09-12'), 'FY2017-18') // Q1 of 2017-18 has ended
  assert.equal(yearReadOn('2018-03-13'), 'FY2017-18')
  assert.equal(yearReadOn('2018-07-01'), 'FY2018-19')
  assert.equal(yearOfDate('2018-03-31'), 'FY2017-18')
  assert.equal(yearOfDate('2018-04-01'), 'FY2018-19')
})
