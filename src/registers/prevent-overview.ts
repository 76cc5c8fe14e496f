import { financialYearId, financialYearOfDate, financialYearWords } from '../domain/period.ts'
import { formatPercent, percentOf } from '../domain/rounding.ts'
import { SETTING_KIND_PLURAL } from './prevent-record-types.ts'

/**
 * The Prevent record's sums for a year, from the register's rows: pure, so the page, the figures and the tests read
 * the same numbers. A row belongs to the financial year (April to March) its date falls in.
 */

/** `FY2016-17` for `FY2017-18`. */
export function previousYear(year: string): string {
  return financialYearId(Number(year.slice(2, 6)) - 1)
}

export interface SettingRow {
  readonly id: number
  readonly kind: string
}

export interface TrainingRow {
  readonly course: string
  readonly deliveredOn: string
  readonly sessions: number
  readonly attendees: number
  readonly settingId: number | null
}

export interface Coverage {
  readonly course: string
  readonly kind: string
  /** Settings of the kind that received the course in the year. */
  readonly numerator: number
  /** All settings of the kind in the register. */
  readonly denominator: number
  readonly percent: number
  /** "100%", never rounded up to 100% while one setting is missing. */
  readonly percentText: string
  /** "100% of schools (112 of 112) received WRAP in 2017-18". */
  readonly sentence: string
}

/** A percentage of settings as a coverage sentence shows it: whole when it is whole, else one place, never up to 100. */
export function coveragePercentText(numerator: number, denominator: number): string {
  const percent = percentOf(numerator, denominator) ?? 0
  if (Number.isInteger(percent)) return formatPercent(percent, 0)
  const shown = formatPercent(percent, 1)
  return numerator < denominator && shown === '100.0%' ? '99.9%' : shown
}

/**
 * Coverage of each course against each kind of setting it reached in the year: the settings of that kind that
 * received the course at least once in the year, over every setting of that kind in the register.
 *
 * @example coverage([{ id: 1, kind: 'school' }, { id: 2, kind: 'school' }], [wrapAt(1, '2017-05-01')], 'FY2017-18')
 * // [{ course: 'WRAP', kind: 'school', numerator: 1, denominator: 2, percent: 50, … }]
 */
export function coverage(settings: readonly SettingRow[], training: readonly TrainingRow[], year: string): Coverage[] {
  const kindOf = new Map(settings.map((s) => [s.id, s.kind]))
  const reached = new Map<string, Set<number>>()
  for (const t of training) {
    if (t.settingId === null || financialYearOfDate(t.deliveredOn) !== year) continue
    const kind = kindOf.get(t.settingId)
    if (kind === undefined) continue
    const key = JSON.stringify([t.course, kind])
    const set = reached.get(key) ?? new Set<number>()
    set.add(t.settingId)
    reached.set(key, set)
  }
  const result: Coverage[] = []
  for (const [key, set] of reached) {
    const [course, kind] = JSON.parse(key) as [string, string]
    const denominator = settings.filter((s) => s.kind === kind).length
    const numerator = set.size
    const percentText = coveragePercentText(numerator, denominator)
    result.push({
      course,
      kind,
      numerator,
      denominator,
      percent: percentOf(numerator, denominator) ?? 0,
      percentText,
      sentence: `${percentText} of ${SETTING_KIND_PLURAL[kind] ?? kind} (${numerator} of ${denominator}) received ${course} in ${financialYearWords(year)}`,
    })
  }
  return result.sort((a, b) => a.course.localeCompare(b.course) || a.kind.localeCompare(b.kind))
}

export interface TrainingTotals {
  readonly course: string
  readonly deliveries: number
  readonly sessions: number
  readonly attendees: number
}

/** Sessions and attendees of each course in the year, and of all courses (course `''`) last. */
export function trainingTotals(training: readonly TrainingRow[], year: string): TrainingTotals[] {
  const byCourse = new Map<string, { deliveries: number; sessions: number; attendees: number }>()
  const all = { deliveries: 0, sessions: 0, attendees: 0 }
  for (const t of training) {
    if (financialYearOfDate(t.deliveredOn) !== year) continue
    const totals = byCourse.get(t.course) ?? { deliveries: 0, sessions: 0, attendees: 0 }
    for (const target of [totals, all]) {
      target.deliveries += 1
      target.sessions += t.sessions
      target.attendees += t.attendees
    }
    byCourse.set(t.course, totals)
  }
  return [
    ...[...byCourse.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([course, t]) => ({ course, ...t })),
    ...(all.deliveries > 0 ? [{ course: '', ...all }] : []),
  ]
}

export interface ChannelRow {
  readonly meetingDate: string
  readonly attendance: number | null
  readonly casesDiscussed: number
  readonly casesAdopted: number
  readonly casesClosed: number
}

export interface ChannelTotals {
  readonly meetings: number
  /** Sum of the attendance recorded, over the meetings that recorded it. */
  readonly attendance: number
  readonly meetingsWithAttendance: number
  readonly casesDiscussed: number
  readonly casesAdopted: number
  readonly casesClosed: number
}

export function channelTotals(rows: readonly ChannelRow[], year: string): ChannelTotals {
  const inYear = rows.filter((r) => financialYearOfDate(r.meetingDate) === year)
  const sum = (pick: (r: ChannelRow) => number) => inYear.reduce((total, r) => total + pick(r), 0)
  return {
    meetings: inYear.length,
    attendance: sum((r) => r.attendance ?? 0),
    meetingsWithAttendance: inYear.filter((r) => r.attendance !== null).length,
    casesDiscussed: sum((r) => r.casesDiscussed),
    casesAdopted: sum((r) => r.casesAdopted),
    casesClosed: sum((r) => r.casesClosed),
  }
}

export interface ReferralRow {
  readonly quarter: string
  readonly referrals: number
  readonly source: string
}

export interface QuarterComparison {
  /** `FY2017-18-Q1`. */
  readonly quarter: string
  readonly label: string
  readonly register: number | null
  readonly previousYear: number | null
  /** The KPI's value as returned by its data owner, or null when there is none. */
  readonly kpi: number | null
  /** True when both are there and differ. */
  readonly differs: boolean
}

export interface ReferralsOfYear {
  readonly quarters: readonly QuarterComparison[]
  /** Sum of the year's quarters, or null unless all four are recorded. */
  readonly total: number | null
  readonly previousTotal: number | null
  readonly kpiTotal: number | null
  readonly differences: number
  readonly sources: readonly string[]
}

/**
 * The year's referrals by quarter beside the year before's and the framework KPI's returned values. A year's total
 * is given only when all four quarters are recorded (a part-year is not a year).
 */
export function referralsOfYear(
  rows: readonly ReferralRow[],
  kpiValues: ReadonlyMap<string, number | null>,
  year: string,
): ReferralsOfYear {
  const of = (quarter: string) => rows.find((r) => r.quarter === quarter)?.referrals ?? null
  const previous = previousYear(year)
  const quarters = [1, 2, 3, 4].map((q): QuarterComparison => {
    const quarter = `${year}-Q${q}`
    const register = of(quarter)
    const kpi = kpiValues.get(quarter) ?? null
    return {
      quarter,
      label: `Quarter ${q}`,
      register,
      previousYear: of(`${previous}-Q${q}`),
      kpi,
      differs: register !== null && kpi !== null && register !== kpi,
    }
  })
  const total = (values: readonly (number | null)[]) =>
    values.every((v) => v !== null) ? values.reduce<number>((s, v) => s + (v ?? 0), 0) : null
  return {
    quarters,
    total: total(quarters.map((q) => q.register)),
    previousTotal: total(quarters.map((q) => q.previousYear)),
    kpiTotal: total(quarters.map((q) => q.kpi)),
    differences: quarters.filter((q) => q.differs).length,
    sources: [...new Set(rows.filter((r) => r.quarter.startsWith(year)).map((r) => r.source))].sort(),
  }
}
