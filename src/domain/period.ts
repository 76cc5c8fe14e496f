/**
 * Periods of the UK financial year (1 April – 31 March), held as identifiers, never as local
 * date-times, so that British Summer Time can never move a quarter boundary.
 *
 * Identifiers (what is stored and imported):
 * - financial year  `FY2017-18`
 * - quarter         `FY2017-18-Q1`  (Q1 April–June 2017 … Q4 January–March 2018)
 * - bi-monthly      `FY2017-18-B1`  (B1 April–May … B6 February–March)
 * - month           `2018-01`       (a calendar month)
 *
 * Labels (what the report prints): "2017/18", "2017/18 Q1", "2017/18 Apr–May", "January 2018".
 */
export type PeriodKind = 'year' | 'quarter' | 'bi-month' | 'month'

/** A period identifier, e.g. `FY2017-18-Q1`. Parse with `parsePeriod`. */
export type PeriodId = string

export interface Period {
  readonly id: PeriodId
  readonly kind: PeriodKind
  /** The financial year's starting calendar year: 2017 for 2017/18. */
  readonly financialYear: number
  /** 1–4 for a quarter, 1–6 for a bi-month, 1–12 (April = 1) for a month, 0 for a whole year. */
  readonly index: number
  /** First and last calendar month covered, as `YYYY-MM`. */
  readonly firstMonth: string
  readonly lastMonth: string
  readonly label: string
}

/** The months in English, January first. */
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const

/** Calendar months in the years a financial year can sensibly refer to. */
const MIN_YEAR = 1990
const MAX_YEAR = 2199

const pad2 = (n: number) => String(n).padStart(2, '0')

/** "2017/18" for 2017. */
export function financialYearLabel(startYear: number): string {
  return `${startYear}/${pad2((startYear + 1) % 100)}`
}

// Built once: constructing an Intl.DateTimeFormat is far slower than using one.
const LONDON_YEAR_MONTH = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: 'numeric',
})

/**
 * The financial year (its first calendar year) a moment falls in, in Europe/London: 1 April to 31 March.
 *
 * @example financialYearOf(new Date('2026-03-31T23:30:00Z')) // 2026: it is already 1 April in London (BST)
 */
export function financialYearOf(moment: Date): number {
  const parts = LONDON_YEAR_MONTH.formatToParts(moment).reduce<Record<string, string>>(
    (all, p) => ({ ...all, [p.type]: p.value }),
    {},
  )
  const year = Number(parts.year)
  return Number(parts.month) >= 4 ? year : year - 1
}

// en-CA formats as YYYY-MM-DD. Built once, as above.
const LONDON_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})
/** The UTC hour (hours since 1970) `londonDate` last formatted, and its date in England. */
const HOUR_MS = 3_600_000
let lastLondonHour = NaN
let lastLondonDate = ''

/**
 * The calendar date in England at an instant, `YYYY-MM-DD`: what a due date, an overdue action or a submission's date
 * is judged on.
 *
 * @example londonDate(new Date('2018-04-28T23:30:00Z')) // '2018-04-29' (BST: 00:30 on the 29th)
 */
export function londonDate(instant: Date): string {
  // Since 1970 England's offset from UTC has been a whole hour (0 or +1, changed at 01:00 UTC), so midnight in
  // England falls on a UTC hour and the date is the same through any one UTC hour: the last hour's answer is kept,
  // since formatting through Intl was 1.6% of a dashboard view (CPU profile, `npm run bench:web`). Earlier instants
  // (London's offset before 1847 was not whole hours) are formatted each time; an invalid Date gives NaN, never equal
  // to the kept hour, and throws as before.
  const hour = Math.floor(instant.getTime() / HOUR_MS)
  if (hour !== lastLondonHour || hour < 0) {
    lastLondonDate = LONDON_DATE.format(instant)
    lastLondonHour = hour
  }
  return lastLondonDate
}

/** `FY2017-18` for 2017. */
export function financialYearId(startYear: number): PeriodId {
  return `FY${startYear}-${pad2((startYear + 1) % 100)}`
}

/**
 * The financial year (April to March) a calendar date `YYYY-MM-DD` falls in.
 *
 * @example financialYearOfDate('2018-03-31') // 'FY2017-18'
 */
export function financialYearOfDate(date: string): PeriodId {
  const year = Number(date.slice(0, 4))
  return financialYearId(Number(date.slice(5, 7)) >= 4 ? year : year - 1)
}

/** The start year of a well-formed `FY2017-18` (the two halves one year apart), else null. */
function startYearOfId(year: string): number | null {
  const match = /^FY(\d{4})-(\d{2})$/.exec(year)
  if (!match) return null
  const start = Number(match[1])
  return (start + 1) % 100 === Number(match[2]) ? start : null
}

/**
 * The first and last dates of financial year `FY2017-18`, or null for anything else.
 *
 * @example financialYearDates('FY2017-18') // { from: '2017-04-01', to: '2018-03-31' }
 */
export function financialYearDates(year: string): { from: string; to: string } | null {
  const start = startYearOfId(year)
  return start === null ? null : { from: `${start}-04-01`, to: `${start + 1}-03-31` }
}

/**
 * The date `months` calendar months after `date` (`YYYY-MM-DD`; before it when `months` is negative), the day clamped
 * to the end of a shorter month: the statutory "within one month" and "six months after" (src/domain/death-review.ts),
 * retention periods (src/retention/) and the reporting centres' six-monthly check.
 *
 * @example addMonths('2017-08-31', 6) // '2018-02-28'
 * @example addMonths('2018-08-31', -6) // '2018-02-28'
 */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const index = y * 12 + (m - 1) + months
  const year = Math.floor(index / 12)
  const month = index - year * 12 + 1
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`
}

/**
 * The last day (`YYYY-MM-DD`) of calendar month `YYYY-MM`.
 *
 * @example lastDayOfMonth('2024-02') // '2024-02-29'
 */
export function lastDayOfMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number]
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10)
}

/** "2017/18" for `FY2017-18` (the form the performance report and the budget print); anything else as it is. */
export function financialYearLabelOf(year: string): string {
  const start = startYearOfId(year)
  return start === null ? year : financialYearLabel(start)
}

/** "2017-18" for `FY2017-18` (the form the annual report and the registers print); anything else as it is. */
export function financialYearWords(year: string): string {
  return financialYearLabelOf(year).replace('/', '-')
}

/** The calendar month (`YYYY-MM`) that is month `index` (April = 1) of financial year `startYear`. */
function calendarMonth(startYear: number, index: number): string {
  const zeroBased = 3 + (index - 1) // April is month 3 counting January as 0
  const year = startYear + Math.floor(zeroBased / 12)
  return `${year}-${pad2((zeroBased % 12) + 1)}`
}

function shortMonth(month: string): string {
  return (MONTH_NAMES[Number(month.slice(5, 7)) - 1] ?? '').slice(0, 3)
}

/**
 * Every period is made once and then reused: a report asks for the same few dozen periods (a year's quarters, the
 * one before, the same one last year) many thousands of times, and building the ids and labels was a fifth of the
 * report's cost. Periods are frozen, so sharing them is safe.
 */
function make(kind: PeriodKind, financialYear: number, index: number): Period {
  const key = financialYear * 64 + KIND_KEYS[kind] * 16 + index
  const known = made.get(key)
  if (known !== undefined) return known
  const fresh = makeUncached(kind, financialYear, index)
  if (made.size >= PARSE_CACHE_LIMIT) made.clear()
  made.set(key, fresh)
  return fresh
}

const KIND_KEYS: Readonly<Record<PeriodKind, number>> = { year: 0, quarter: 1, 'bi-month': 2, month: 3 }
const made = new Map<number, Period>()

function makeUncached(kind: PeriodKind, financialYear: number, index: number): Period {
  const fy = financialYearId(financialYear)
  const fyLabel = financialYearLabel(financialYear)
  switch (kind) {
    case 'year':
      return Object.freeze({
        id: fy,
        kind,
        financialYear,
        index: 0,
        firstMonth: calendarMonth(financialYear, 1),
        lastMonth: calendarMonth(financialYear, 12),
        label: fyLabel,
      })
    case 'quarter':
      return Object.freeze({
        id: `${fy}-Q${index}`,
        kind,
        financialYear,
        index,
        firstMonth: calendarMonth(financialYear, 3 * index - 2),
        lastMonth: calendarMonth(financialYear, 3 * index),
        label: `${fyLabel} Q${index}`,
      })
    case 'bi-month': {
      const firstMonth = calendarMonth(financialYear, 2 * index - 1)
      const lastMonth = calendarMonth(financialYear, 2 * index)
      return Object.freeze({
        id: `${fy}-B${index}`,
        kind,
        financialYear,
        index,
        firstMonth,
        lastMonth,
        label: `${fyLabel} ${shortMonth(firstMonth)}–${shortMonth(lastMonth)}`,
      })
    }
    case 'month': {
      const month = calendarMonth(financialYear, index)
      return Object.freeze({
        id: month,
        kind,
        financialYear,
        index,
        firstMonth: month,
        lastMonth: month,
        label: `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`,
      })
    }
  }
}

/**
 * Reads a period identifier, or a label as the report writes it. Returns null for anything else
 * (never guesses). The financial year's second half must follow its first: `FY2017-19` is rejected.
 *
 * @example parsePeriod('FY2017-18-Q1')?.label // '2017/18 Q1'
 * @example parsePeriod('2017/18 Q4')?.id // 'FY2017-18-Q4'
 * @example parsePeriod('2018-01')?.financialYear // 2017
 */
export function parsePeriod(text: string): Period | null {
  // Periods are frozen values, so a parse can be remembered: a report parses the same few dozen ids many times.
  const cached = parsed.get(text)
  if (cached !== undefined) return cached
  const result = parseUncached(text)
  if (parsed.size >= PARSE_CACHE_LIMIT) parsed.clear()
  parsed.set(text, result)
  return result
}

const PARSE_CACHE_LIMIT = 10_000
const parsed = new Map<string, Period | null>()

function parseUncached(text: string): Period | null {
  const s = text.trim()
  // Linear-time patterns only: anchored, no nested quantifiers.
  let m = /^FY(\d{4})-(\d{2})(?:-([QB])(\d))?$/.exec(s) ?? /^(\d{4})\/(\d{2})(?: ([QB])(\d))?$/.exec(s)
  if (m) {
    const start = Number(m[1])
    if (start < MIN_YEAR || start > MAX_YEAR || Number(m[2]) !== (start + 1) % 100) return null
    if (!m[3]) return make('year', start, 0)
    const index = Number(m[4])
    if (m[3] === 'Q') return index >= 1 && index <= 4 ? make('quarter', start, index) : null
    return index >= 1 && index <= 6 ? make('bi-month', start, index) : null
  }
  m = /^(\d{4})-(\d{2})$/.exec(s)
  if (m) {
    const year = Number(m[1])
    const month = Number(m[2])
    if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) return null
    const financialYear = month >= 4 ? year : year - 1
    return make('month', financialYear, month >= 4 ? month - 3 : month + 9)
  }
  return null
}

/** Like `parsePeriod`, but throws for an unknown identifier: for identifiers the program made itself. */
export function period(id: PeriodId): Period {
  const p = parsePeriod(id)
  if (!p) throw new Error(`Not a period identifier: "${id}"`)
  return p
}

export function yearPeriod(financialYear: number): Period {
  return make('year', financialYear, 0)
}

export function quarterPeriod(financialYear: number, quarter: number): Period {
  return make('quarter', financialYear, quarter)
}

/** The periods of one kind that make up a financial year, in order. */
export function periodsOfYear(financialYear: number, kind: Exclude<PeriodKind, 'year'>): Period[] {
  return [...yearsPeriods(financialYear, kind)]
}

/** `periodsOfYear` without the copy, for callers that only read it (a report asks for each year's many times). */
export function yearsPeriods(financialYear: number, kind: Exclude<PeriodKind, 'year'>): readonly Period[] {
  const key = financialYear * 64 + KIND_KEYS[kind] * 16
  let periods = years.get(key)
  if (periods === undefined) {
    const count = kind === 'quarter' ? 4 : kind === 'bi-month' ? 6 : 12
    const made: Period[] = []
    for (let index = 1; index <= count; index++) made.push(make(kind, financialYear, index))
    periods = Object.freeze(made)
    if (years.size >= PARSE_CACHE_LIMIT) years.clear()
    years.set(key, periods)
  }
  return periods
}

const years = new Map<number, readonly Period[]>()

/** The same period one financial year earlier ("same quarter last year"). */
export function samePeriodLastYear(p: Period): Period {
  return make(p.kind, p.financialYear - 1, p.index)
}

/** The period immediately before, of the same kind (Q1's previous is last year's Q4). */
export function previousPeriod(p: Period): Period {
  if (p.kind === 'year') return make('year', p.financialYear - 1, 0)
  if (p.index > 1) return make(p.kind, p.financialYear, p.index - 1)
  const count = p.kind === 'quarter' ? 4 : p.kind === 'bi-month' ? 6 : 12
  return make(p.kind, p.financialYear - 1, count)
}

/** The period immediately after, of the same kind (Q4's next is next year's Q1). */
export function nextPeriod(p: Period): Period {
  if (p.kind === 'year') return make('year', p.financialYear + 1, 0)
  const count = p.kind === 'quarter' ? 4 : p.kind === 'bi-month' ? 6 : 12
  if (p.index < count) return make(p.kind, p.financialYear, p.index + 1)
  return make(p.kind, p.financialYear + 1, 1)
}

/** Whether `inner` lies wholly within `outer` (a month within a quarter, a quarter within a year). */
export function isWithin(inner: Period, outer: Period): boolean {
  return inner.firstMonth >= outer.firstMonth && inner.lastMonth <= outer.lastMonth
}

/** Orders periods by when they start, then shorter first. */
export function comparePeriods(a: Period, b: Period): number {
  if (a.firstMonth !== b.firstMonth) return a.firstMonth < b.firstMonth ? -1 : 1
  return a.lastMonth < b.lastMonth ? -1 : a.lastMonth > b.lastMonth ? 1 : 0
}

/** The quarter a calendar month (`YYYY-MM`) falls in. */
export function quarterOfMonth(month: string): Period | null {
  const p = parsePeriod(month)
  if (!p || p.kind !== 'month') return null
  return make('quarter', p.financialYear, Math.ceil(p.index / 3))
}
