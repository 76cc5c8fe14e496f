import { ACTIVITY_TYPES } from './prevent-record-types.ts'
import { financialYearDates, financialYearOfDate } from '../domain/period.ts'

/** The engagement registers' counts for a year: pure, read by the page and the figures alike. */

export interface ActivityRow {
  readonly type: string
  readonly heldOn: string
  readonly reach: number | null
  readonly participants: number | null
}

export interface ActivityCount {
  readonly type: string
  readonly label: string
  readonly activities: number
  readonly reach: number
  readonly participants: number
}

/** Activities of each type in the year (every type, zero included, in the form's order). */
export function activitiesByType(rows: readonly ActivityRow[], year: string): ActivityCount[] {
  return ACTIVITY_TYPES.map(({ value, text }) => {
    const ofType = rows.filter((r) => r.type === value && financialYearOfDate(r.heldOn) === year)
    return {
      type: value,
      label: text,
      activities: ofType.length,
      reach: ofType.reduce((s, r) => s + (r.reach ?? 0), 0),
      participants: ofType.reduce((s, r) => s + (r.participants ?? 0), 0),
    }
  })
}

export interface SignatoryRow {
  readonly covenant: string
  readonly signedOn: string
}

export interface CovenantCount {
  readonly covenant: string
  /** Organisations that signed in the year. */
  readonly signedInYear: number
  /** Organisations that had signed by the year's end. */
  readonly signedByYearEnd: number
  /** "15 organisations signed the Wolverhampton Faith Covenant in 2017-18". */
  readonly sentence: string
}

/** Sign-ups to each covenant in the year, and in all by its end. */
export function covenantCounts(rows: readonly SignatoryRow[], year: string, yearWords: string): CovenantCount[] {
  const end = financialYearDates(year)?.to ?? ''
  const covenants = [...new Set(rows.map((r) => r.covenant))].sort()
  return covenants
    .map((covenant) => {
      const of = rows.filter((r) => r.covenant === covenant)
      const signedInYear = of.filter((r) => financialYearOfDate(r.signedOn) === year).length
      return {
        covenant,
        signedInYear,
        signedByYearEnd: of.filter((r) => r.signedOn <= end).length,
        sentence: `${signedInYear} ${signedInYear === 1 ? 'organisation' : 'organisations'} signed the ${covenant} in ${yearWords}`,
      }
    })
    .filter((c) => c.signedByYearEnd > 0)
}
