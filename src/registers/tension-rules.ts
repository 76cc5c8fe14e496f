import { periodsOfYear } from '../domain/period.ts'

/**
 * The rules of the community tension log and the monthly assessment, with no I/O: what a valid entry is, when its
 * review is overdue, and how a ward's level moved on the month before.
 *
 * Level: a five-point scale, 1 (normal) to 5 (very high). Chosen over low / medium / high because the brief reports
 * the West Midlands' tension monitoring uses 1-5 (not checked against its own documents here), and because five
 * points let a ward's monthly trend show a movement that three would hide (a "medium" that worsens without yet being
 * "high"). Only the words shown beside the numbers would change for a partnership that uses another scale.
 */

export const CATEGORIES = ['experienced', 'evidenced', 'potential'] as const
export type TensionCategory = (typeof CATEGORIES)[number]

/** What each category means, as the tension log's form explains it. */
export const CATEGORY_HINTS: Readonly<Record<TensionCategory, string>> = {
  experienced: 'Experienced: tension that has happened, reported by those affected',
  evidenced: 'Evidenced: tension shown by incidents, crimes or intelligence',
  potential: 'Potential: an event or issue that could raise tension (a protest, an anniversary, a court case)',
}

export const STATUSES = ['open', 'monitoring', 'closed'] as const
export type TensionStatus = (typeof STATUSES)[number]

export const LEVELS = [1, 2, 3, 4, 5] as const
export const LEVEL_WORDS: Readonly<Record<number, string>> = {
  1: 'Normal',
  2: 'Low',
  3: 'Moderate',
  4: 'High',
  5: 'Very high',
}

/** "3 (Moderate)". */
export function levelInWords(level: number): string {
  return `${level} (${LEVEL_WORDS[level] ?? 'unknown'})`
}

export interface TensionEntryInput {
  readonly entryDate: string
  readonly wardId: string
  readonly source: string
  readonly reportingCentreId: string
  readonly category: string
  readonly level: string
  readonly description: string
  readonly response: string
  readonly responseOwner: string
  readonly status: string
  readonly reviewDate: string
}

export interface ValidTensionEntry {
  readonly entryDate: string
  readonly wardId: number
  readonly source: string
  readonly reportingCentreId: number | null
  readonly category: TensionCategory
  readonly level: number
  readonly description: string
  readonly response: string | null
  readonly responseOwner: string | null
  readonly status: TensionStatus
  readonly reviewDate: string | null
}

export interface FieldError {
  readonly field: string
  readonly message: string
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** True for a real calendar date `YYYY-MM-DD` (not 2018-02-30). */
export function isDate(text: string): boolean {
  const m = DATE.exec(text)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
}

/** True for a month `YYYY-MM`. */
export function isMonth(text: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(text)
}

const MAX_TEXT = 2000

/** Checks a log entry from the form; every problem at once, each against its field. */
export function checkTensionEntry(
  input: TensionEntryInput,
  wards: ReadonlySet<number>,
  centres: ReadonlySet<number>,
): { ok: true; value: ValidTensionEntry } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = []
  const t = (s: string) => s.replace(/\r\n/g, '\n').trim()
  if (!isDate(t(input.entryDate))) errors.push({ field: 'entryDate', message: 'Enter the date as YYYY-MM-DD' })
  const wardId = Number(input.wardId)
  if (!wards.has(wardId)) errors.push({ field: 'wardId', message: 'Select the ward' })
  if (t(input.source) === '') errors.push({ field: 'source', message: 'Enter where the report came from' })
  let reportingCentreId: number | null = null
  if (t(input.reportingCentreId) !== '') {
    reportingCentreId = Number(input.reportingCentreId)
    if (!centres.has(reportingCentreId))
      errors.push({ field: 'reportingCentreId', message: 'Select a reporting centre from the list, or none' })
  }
  if (!(CATEGORIES as readonly string[]).includes(input.category))
    errors.push({ field: 'category', message: 'Select experienced, evidenced or potential' })
  const level = Number(input.level)
  if (!(LEVELS as readonly number[]).includes(level))
    errors.push({ field: 'level', message: 'Select a level from 1 to 5' })
  const description = t(input.description)
  if (description === '') errors.push({ field: 'description', message: 'Describe the tension' })
  if (description.length > MAX_TEXT)
    errors.push({ field: 'description', message: `The description must be ${MAX_TEXT} characters or fewer` })
  if (t(input.response).length > MAX_TEXT)
    errors.push({ field: 'response', message: `The response must be ${MAX_TEXT} characters or fewer` })
  if (!(STATUSES as readonly string[]).includes(input.status))
    errors.push({ field: 'status', message: 'Select open, monitoring or closed' })
  const reviewDate = t(input.reviewDate)
  if (reviewDate !== '' && !isDate(reviewDate))
    errors.push({ field: 'reviewDate', message: 'Enter the review date as YYYY-MM-DD' })
  if (input.status !== 'closed' && reviewDate === '' && (STATUSES as readonly string[]).includes(input.status))
    errors.push({ field: 'reviewDate', message: 'Enter when it will next be reviewed (it is still open)' })
  if (reviewDate !== '' && isDate(reviewDate) && isDate(t(input.entryDate)) && reviewDate < t(input.entryDate))
    errors.push({ field: 'reviewDate', message: 'The review date must be on or after the entry date' })
  if (errors.length > 0) return { ok: false, errors }
  return {
    ok: true,
    value: {
      entryDate: t(input.entryDate),
      wardId,
      source: t(input.source),
      reportingCentreId,
      category: input.category as TensionCategory,
      level,
      description,
      response: t(input.response) || null,
      responseOwner: t(input.responseOwner) || null,
      status: input.status as TensionStatus,
      reviewDate: reviewDate || null,
    },
  }
}

/**
 * An entry's review is overdue when it is not closed and its review date is before today in England (`today` is
 * `londonDate(now)`): due on the day itself is not yet overdue.
 */
export function isReviewOverdue(entry: { status: string; reviewDate: string | null }, today: string): boolean {
  return entry.status !== 'closed' && entry.reviewDate !== null && entry.reviewDate < today
}

export type Trend = 'up' | 'down' | 'same' | 'none'

/** How a ward's level moved on the calendar month before: `none` when that month has no assessment. */
export function trendOnPreviousMonth(level: number, previous: number | null): Trend {
  if (previous === null) return 'none'
  return level > previous ? 'up' : level < previous ? 'down' : 'same'
}

export const TREND_WORDS: Readonly<Record<Trend, string>> = {
  up: 'Rising',
  down: 'Falling',
  same: 'No change',
  none: 'No assessment the month before',
}

/** The calendar month before `YYYY-MM`. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

/** `2018-03` → "March 2018". */
export function monthInWords(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  })
}

/** The twelve months `YYYY-MM` of financial year `FY2017-18`, April first. */
export function monthsOfFinancialYear(year: string): string[] {
  return periodsOfYear(Number(year.slice(2, 6)), 'month').map((month) => month.firstMonth)
}

/**
 * A ward's levels over months, in words (the chart's text summary): first and latest level, highest month, and how
 * many months are missing.
 */
export function trendSummary(ward: string, points: readonly { month: string; level: number | null }[]): string {
  const known = points.filter((p): p is { month: string; level: number } => p.level !== null)
  if (known.length === 0) return `${ward} has no monthly tension assessment in this period.`
  const first = known[0] as { month: string; level: number }
  const last = known[known.length - 1] as { month: string; level: number }
  const highest = known.reduce((a, b) => (b.level > a.level ? b : a))
  const missing = points.length - known.length
  const move =
    last.level > first.level ? 'rose' : last.level < first.level ? 'fell' : 'was the same at the end as at the start'
  return (
    `${ward}: tension ${move === 'was the same at the end as at the start' ? move : `${move} from ${levelInWords(first.level)} in ${monthInWords(first.month)} to ${levelInWords(last.level)} in ${monthInWords(last.month)}`}` +
    (move === 'was the same at the end as at the start' ? `, ${levelInWords(last.level)}` : '') +
    `. Highest: ${levelInWords(highest.level)} in ${monthInWords(highest.month)}.` +
    (missing > 0 ? ` ${missing} month${missing === 1 ? '' : 's'} without an assessment.` : '')
  )
}
