import { MONTH_NAMES } from '../domain/period.ts'
/**
 * Times as a partnership officer reads them: in England's local time (GMT in winter, BST in summer) and in words,
 * the GOV.UK way ("7 December 2026, 2:33am"; "midday", "midnight"). Every page that shows a time or a date calls
 * these (templates through the `timeInWords` and `dateInWords` filters of src/shared/web/nunjucks-setup.ts), so a
 * page never shows a raw ISO string and no two pages disagree on the clock. Stored times stay ISO 8601 UTC; the
 * exact instant still goes to `<time datetime="…">` for machines.
 */

const LONDON = 'Europe/London'

// Built once: constructing an Intl.DateTimeFormat is far slower than using one.
const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hourCycle: 'h23',
})

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/

/** The instant of an ISO string or a Date, or null when it is no valid instant. */
function instantOf(value: string | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value)
  return Number.isNaN(date.getTime()) ? null : date
}

function londonParts(date: Date): { day: string; month: string; year: string; hour: number; minute: number } {
  const parts: Record<string, string> = {}
  for (const p of PARTS.formatToParts(date)) parts[p.type] = p.value
  return {
    day: parts.day ?? '',
    month: parts.month ?? '',
    year: parts.year ?? '',
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  }
}

/** "2:33am", "11:05pm", "midday", "midnight" (GOV.UK style: no "12pm", no leading zero, no dot). */
function clockWords(hour: number, minute: number): string {
  if (minute === 0 && hour === 12) return 'midday'
  if (minute === 0 && hour === 0) return 'midnight'
  const h12 = hour % 12 === 0 ? 12 : hour % 12
  return `${h12}:${String(minute).padStart(2, '0')}${hour < 12 ? 'am' : 'pm'}`
}

/**
 * An instant as a date and time in England, in words. A plain calendar date (`2026-12-07`) is shown as a date only;
 * anything that is not a date or an instant is returned as it came (a template must never fail on odd data).
 *
 * @example timeInWords('2026-12-07T02:33:58.882Z') // '7 December 2026, 2:33am' (GMT)
 * @example timeInWords('2026-07-07T02:33:00Z') // '7 July 2026, 3:33am' (BST, one hour ahead)
 */
export function timeInWords(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return ''
  if (typeof value === 'string' && DATE_ONLY.test(value)) return dateInWords(value)
  const date = instantOf(value)
  if (date === null) return String(value)
  const p = londonParts(date)
  return `${p.day} ${p.month} ${p.year}, ${clockWords(p.hour, p.minute)}`
}

/**
 * The day in England, in words. A calendar date (`2026-12-07`) is that day, whatever the time zone; an instant is
 * the day it fell on in England (23:30 UTC on 30 June is 1 July there).
 *
 * @example dateInWords('2026-12-07') // '7 December 2026'
 * @example dateInWords('2026-06-30T23:30:00Z') // '1 July 2026'
 */
export function dateInWords(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return ''
  if (typeof value === 'string') {
    const match = DATE_ONLY.exec(value)
    if (match) {
      const month = MONTH_NAMES[Number(match[2]) - 1]
      if (month !== undefined) return `${Number(match[3])} ${month} ${match[1]}`
    }
  }
  const date = instantOf(value)
  if (date === null) return String(value)
  const p = londonParts(date)
  return `${p.day} ${p.month} ${p.year}`
}
