import type { Decision, CaseState } from '../domain/death-review.ts'
import type { RetentionPolicy } from '../retention/retention-descriptor.ts'

/**
 * The death review register's record types in retention (issue 12 items 2 and 7). Their periods are kept by the
 * retention service with every other record type's (set on `/retention`, where no case is ever listed); the cases due
 * are listed and deleted only inside the register's compartment (`/reviews/retention`).
 *
 * Only a closed case is on the clock: a case still open is being worked or followed, whatever its age.
 * - A review held: the clock starts when its action plan is closed (the case's closure). Suggested 20 years: the
 *   review concerns a death, its learning is revisited by later reviews and inquests, and criminal or civil
 *   proceedings can follow years later; the published overview report stays public in any case.
 * - A case not reviewed: the clock starts on the decision not to hold a review (the case is closed once the Home
 *   Office's response is recorded, so the clock is read only then). Suggested six years, the usual local-authority
 *   period for a record of a statutory decision, here the decision and the Home Office's view of it.
 * - A case another partnership led: the clock starts when it is closed. Suggested six years: the lead partnership
 *   keeps the review; this register kept only the notification and the following of it.
 * The statutory guidance the cases record does not fix a period for the partnership's own case file, so each reason
 * asks the partnership to confirm the period with its data protection officer.
 */
export const DEATH_REVIEW_RETENTION: readonly RetentionPolicy[] = [
  {
    recordType: 'death-review-held',
    name: 'Death reviews held',
    clockStarts: 'after the review’s action plan is closed',
    defaultMonths: 240,
    defaultReason:
      'Suggested default: twenty years after the action plan is closed: the review concerns a death, later reviews and inquests return to its learning, and proceedings can follow years later; confirm with the partnership’s data protection officer.',
  },
  {
    recordType: 'death-review-not-held',
    name: 'Death review cases not reviewed',
    clockStarts: 'after the decision not to hold a review (once the case is closed)',
    defaultMonths: 72,
    defaultReason:
      'Suggested default: six years after the decision not to hold a review, the usual local-authority period for the record of a statutory decision and the Home Office’s response to it; confirm with the partnership’s data protection officer.',
  },
  {
    recordType: 'death-review-led-elsewhere',
    name: 'Death review cases led by another partnership',
    clockStarts: 'after the case is closed',
    defaultMonths: 72,
    defaultReason:
      'Suggested default: six years after the case is closed: the lead partnership keeps the review, this register only the notification and the following of it; confirm with the partnership’s data protection officer.',
  },
]

/** The record type of each decision. */
const TYPE_OF_DECISION: Readonly<Record<Decision, string>> = {
  review: 'death-review-held',
  'no-review': 'death-review-not-held',
  'another-partnership-leads': 'death-review-led-elsewhere',
}

/**
 * A case's retention record type and the date its clock started, or null while the case is not closed (or, for a
 * case stored without its decision's date, cannot be placed: kept rather than deleted on a guess).
 *
 * @example retentionClockOf({ state: 'closed', decision: 'no-review', decided_on: '2017-06-26', closed_on: '2017-07-25' })
 *   // { recordType: 'death-review-not-held', clockStarted: '2017-06-26' }
 */
export function retentionClockOf(row: {
  readonly state: CaseState
  readonly decision: Decision | null
  readonly decided_on: string | null
  readonly closed_on: string | null
}): { recordType: string; clockStarted: string } | null {
  if (row.state !== 'closed' || row.decision === null) return null
  const clockStarted = row.decision === 'no-review' ? row.decided_on : row.closed_on
  return clockStarted === null ? null : { recordType: TYPE_OF_DECISION[row.decision], clockStarted }
}
