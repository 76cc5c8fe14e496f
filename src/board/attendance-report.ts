import type { AttendanceRow, Body, MeetingRow, Seat } from './meeting-repository.ts'

/** Whether a seat was held on `date` (its from and to dates, either open). */
export function seatCurrentOn(seat: Pick<Seat, 'fromDate' | 'toDate'>, date: string): boolean {
  return (seat.fromDate === null || seat.fromDate <= date) && (seat.toDate === null || seat.toDate >= date)
}

/** One organisation's attendance at one body's held meetings over a year. */
export interface AttendanceLine {
  readonly organisation: string
  /** Held meetings at which the organisation held a seat: the rate's denominator. */
  readonly meetingsHeld: number
  /** Of those, meetings it came to (a member present or a substitute sent): the numerator. */
  readonly attended: number
  /** Of the rest, meetings it sent apologies to. */
  readonly apologies: number
  /** Attended as a whole percentage of held; null when it held no seat at a held meeting. */
  readonly ratePercent: number | null
}

export interface BodyAttendance {
  readonly body: Body
  readonly meetingsHeld: number
  readonly lines: readonly AttendanceLine[]
}

/**
 * Attendance per agency (organisation) at a body's held meetings: an organisation is counted at a meeting when one of
 * its seats was current on the meeting's date; it attended when any of those seats was present or sent a substitute,
 * and sent apologies when none came but one apologised. Seats of one agency (`agency_id`) count as one organisation.
 *
 * @example attendanceOf(board, meetings, seats, attendance).lines[0] // { organisation: 'Police', meetingsHeld: 4, attended: 3, … }
 */
export function attendanceOf(
  body: Body,
  meetings: readonly MeetingRow[],
  seats: readonly Seat[],
  attendance: readonly AttendanceRow[],
): BodyAttendance {
  const held = meetings.filter((m) => m.group_id === body.id && m.state === 'held')
  const bodySeats = seats.filter((s) => s.groupId === body.id)
  const keyOf = (s: Seat) => (s.agencyId !== null ? `agency:${s.agencyId}` : `name:${s.organisation}`)
  const keys = [...new Set(bodySeats.map(keyOf))]
  const lines = keys.map((key) => {
    const own = bodySeats.filter((s) => keyOf(s) === key)
    let meetingsHeld = 0
    let attended = 0
    let apologies = 0
    for (const meeting of held) {
      const current = own.filter((s) => seatCurrentOn(s, meeting.meeting_date))
      if (current.length === 0) continue
      meetingsHeld += 1
      const statuses = current.map(
        (s) => attendance.find((a) => a.meetingId === meeting.id && a.membershipId === s.id)?.status,
      )
      if (statuses.some((x) => x === 'present' || x === 'substitute')) attended += 1
      else if (statuses.includes('apologies')) apologies += 1
    }
    return {
      organisation: own[0]?.organisation ?? key,
      meetingsHeld,
      attended,
      apologies,
      ratePercent: meetingsHeld === 0 ? null : Math.round((attended / meetingsHeld) * 100),
    }
  })
  return {
    body,
    meetingsHeld: held.length,
    lines: lines.filter((l) => l.meetingsHeld > 0).sort((a, b) => a.organisation.localeCompare(b.organisation)),
  }
}

/** The attendance table as CSV (one line per body and organisation), as the page shows it. */
export function attendanceCsv(year: string, bodies: readonly BodyAttendance[]): string {
  const cell = (v: string | number) => {
    const text = String(v)
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
  }
  const lines = [
    ['Year', 'Board or group', 'Organisation', 'Meetings held', 'Attended', 'Apologies', 'Attendance rate (%)'],
  ]
  for (const b of bodies)
    for (const l of b.lines)
      lines.push([
        year,
        b.body.name,
        l.organisation,
        String(l.meetingsHeld),
        String(l.attended),
        String(l.apologies),
        l.ratePercent === null ? '' : String(l.ratePercent),
      ])
  return `${lines.map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`
}
