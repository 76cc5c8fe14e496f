import { parsePeriod, type Period, type PeriodKind } from '../../domain/period.ts'
import { periodHelp, periodOfDay, spelling, suggestPeriod } from './period-suggestions.ts'
import type { RawCell } from './raw-table.ts'

/**
 * Reading one cell of an import file. Every function here is pure and total: it returns the value, or the reason
 * a partnership officer needs to correct the cell. An empty cell is `null` (missing), never 0.
 *
 * Numbers are read by a strict pattern, not by `Number()`, which would take "0x1A", "1e3", " " and "Infinity".
 * The reasons name the usual spreadsheet habits ("1,234", "49.8%", "<5") and say what to type instead.
 */
export type CellResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string }

const ok = <T>(value: T): CellResult<T> => ({ ok: true, value })
const fail = (reason: string): CellResult<never> => ({ ok: false, reason })

/** The largest whole number a 64-bit float holds exactly (2^53 − 1). */
export const LARGEST_EXACT_NUMBER = Number.MAX_SAFE_INTEGER

/** A cell's text for a message: quoted, control characters escaped, cut to 40 characters. */
export function quoteCell(text: string): string {
  const cut = text.length > 40 ? `${text.slice(0, 40)}…` : text
  return JSON.stringify(cut)
}

export interface NumberRule {
  /** Whole numbers only: counts, numerators, denominators. */
  readonly integer: boolean
  /** The largest value allowed (100 for a percentage). */
  readonly max?: number
  /** The column holds a percentage: an Excel cell formatted as a percentage is read as it is shown (49.8). */
  readonly percent?: boolean
  /** What the column holds, for messages: "a count", "a percentage". */
  readonly what: string
  /**
   * The row has a percent column this indicator uses, so a percentage typed here belongs there. Without it, the
   * advice for "45%" is to type the figure alone: advising the percent column would be refused in turn.
   */
  readonly percentColumn?: boolean
  /** With `percentColumn`, this column takes the count beside the percentage (count-with-share's value). */
  readonly countBesidePercent?: boolean
}

// A plain decimal: digits, optionally a point and more digits; no sign, exponent, separator or leading zero.
const PLAIN_DECIMAL = /^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/
const PLAIN_INTEGER = /^(?:0|[1-9][0-9]*)$/

/**
 * Why a text that is not a plain decimal number was refused, with what to type instead.
 * `text` is already trimmed and not empty.
 */
function whyNotANumber(text: string, rule: NumberRule): string {
  const q = quoteCell(text)
  if (/[\uFF10-\uFF19]/.test(text)) return `${q} has full-width digits: type the number with the ordinary digits 0-9`
  if (/(?![0-9])\p{Nd}/u.test(text)) {
    return `${q} has digits other than 0-9 (for example Arabic-Indic digits): type the number with the digits 0-9`
  }
  if (/^[<>≤≥]|^(?:fewer|less|more) than\b/i.test(text)) {
    return `${q} is not a number: for a figure withheld because it is small, leave this cell empty and set status to suppressed with reason "${text.replace(/\s+/g, '')}"`
  }
  if (/^-?\d[\d.,]*\s*%$/.test(text)) {
    const figure = text.replace(/\s*%$/, '')
    if (rule.percent) return `${q} has a % sign: type the percentage without it (${figure})`
    if (rule.percentColumn && rule.countBesidePercent) {
      return `${q} is a percentage, not ${rule.what}: put ${figure} in the percent column and the count in this column`
    }
    if (rule.percentColumn) {
      return `${q} is a percentage, not ${rule.what}: put ${figure} in the percent column (or the counts in numerator and denominator) and leave this cell empty`
    }
    return `${q} is a percentage, but this column takes ${rule.what}, with no % sign: type ${rule.what} alone (${figure}, if that is the figure)`
  }
  if (/^\(.*\)$/.test(text)) {
    return `${q} is in brackets: type the number alone; a share printed in brackets beside a count goes in the percent column`
  }
  if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(text)) {
    return `${q} has a thousands separator: remove the thousands separator (type ${text.replace(/,/g, '')})`
  }
  if (/^-?\d+,\d+$/.test(text)) return `${q} has a decimal comma: use a full stop (${text.replace(',', '.')})`
  if (/^[+-]?(?:nan|inf|infinity)$/i.test(text)) return `${q} is not a number: NaN and Infinity are not figures`
  if (/^[+-]?0[xob]/i.test(text)) return `${q} is not a decimal number: type the number in ordinary decimal digits`
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)e[+-]?\d+$/i.test(text)) {
    return `${q} is in scientific notation: type the number out in full`
  }
  if (/^[£$€]/.test(text)) return `${q} has a currency sign: type the number alone`
  if (/^\+/.test(text)) return `${q} has a plus sign: type the number alone`
  if (/^-?\.\d+$/.test(text)) return `${q} needs a 0 before the decimal point (${text.replace('.', '0.')})`
  if (/^-?\d+\.$/.test(text)) return `${q} ends with a decimal point: remove it or add the decimals`
  if (/^-?0\d/.test(text)) return `${q} has a leading zero: type ${text.replace(/^(-?)0+(?=\d)/, '$1')}`
  if (/^-\d/.test(text) && PLAIN_DECIMAL.test(text.slice(1))) return `${q} is negative: ${rule.what} cannot be negative`
  return `${q} is not a number`
}

/** Checks a number already known to be finite against the rule. */
function checkRange(n: number, shown: string, rule: NumberRule): CellResult<number> {
  if (n < 0) return fail(`${shown} is negative: ${rule.what} cannot be negative`)
  if (rule.integer && !Number.isInteger(n)) return fail(`${shown} is not a whole number: ${rule.what} must be whole`)
  if (n > LARGEST_EXACT_NUMBER) return fail(`${shown} is too large (the largest is ${LARGEST_EXACT_NUMBER})`)
  if (rule.max !== undefined && n > rule.max)
    return fail(`${shown} is above ${rule.max}: ${rule.what} runs from 0 to ${rule.max}`)
  return ok(n)
}

/**
 * Reads a number from text by a strict pattern. `''` is missing (null); spaces around the number are
 * tolerated; a cell of spaces only is refused (it looks empty and is not).
 *
 * @example parseNumberText('1495', { integer: true, what: 'a count' }) // { ok: true, value: 1495 }
 * @example parseNumberText('1,234', { integer: true, what: 'a count' }).ok // false: "remove the thousands separator"
 */
export function parseNumberText(text: string, rule: NumberRule): CellResult<number | null> {
  if (text === '') return ok(null)
  const t = text.trim()
  if (t === '') return fail('the cell holds only spaces: leave it empty if there is no figure, or type the number')
  if (!(rule.integer ? PLAIN_INTEGER : PLAIN_DECIMAL).test(t)) {
    if (rule.integer && PLAIN_DECIMAL.test(t))
      return fail(`${quoteCell(t)} is not a whole number: ${rule.what} must be whole`)
    return fail(whyNotANumber(t, rule))
  }
  // Digits only here, so Number() is exact up to 2^53 and never NaN; very long inputs are refused as too large.
  const n = Number(t)
  if (!Number.isFinite(n)) return fail(`${quoteCell(t)} is too large (the largest is ${LARGEST_EXACT_NUMBER})`)
  return checkRange(n, quoteCell(t), rule)
}

/** Reads a number from any cell: text as `parseNumberText`, a worksheet's number as stored. */
export function parseNumberCell(cell: RawCell, rule: NumberRule): CellResult<number | null> {
  switch (cell.kind) {
    case 'empty':
      return ok(null)
    case 'text':
      return parseNumberText(cell.text, rule)
    case 'number': {
      if (!Number.isFinite(cell.value)) return fail('the cell is not a finite number')
      if (cell.percentFormat) {
        if (!rule.percent) {
          return fail(
            `the cell is formatted as a percentage (${shownPercent(cell.value)}%) but holds ${rule.what}: format it as a number${rule.percentColumn ? ', or put the percentage in the percent column' : ''}`,
          )
        }
        const shown = shownPercent(cell.value)
        return checkRange(shown, String(shown), rule)
      }
      return checkRange(cell.value, String(cell.value), rule)
    }
    case 'boolean':
      return fail(`the cell holds ${cell.value ? 'TRUE' : 'FALSE'}, not ${rule.what}`)
    case 'date':
      return fail(`the cell holds a date (${isoDate(cell.value)}), not ${rule.what}: format the cell as a number`)
    case 'unreadable':
      return fail(cell.reason)
  }
}

/** 0.498 formatted as a percentage shows 49.8: the figure the user typed, without float noise (49.800000000000004). */
function shownPercent(stored: number): number {
  return Number((stored * 100).toPrecision(12))
}

function isoDate(d: Date): string {
  return Number.isNaN(d.getTime()) ? 'an invalid date' : d.toISOString().slice(0, 10)
}

/**
 * The number of decimal places a percentage was given with, so that a check of it against its counts allows the
 * publisher's rounding (or truncation: the seed prints 10/38 as 26.31%).
 */
export function decimalPlaces(n: number): number {
  const s = String(n)
  if (s.includes('e')) return 12
  return s.split('.')[1]?.length ?? 0
}

// Control characters other than tab and newline, DEL, the C1 controls (what mojibake leaves behind), and the
// invisible direction overrides that can make published text read differently from what is stored.
// Matching control characters is the point of this pattern.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\x00-\x08\x0B-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]/
const LINE_BREAKS = /[\n\t\u2028\u2029]/

export interface TextRule {
  readonly maxLength: number
  /** Names, codes and choices: no line breaks or tabs. */
  readonly singleLine: boolean
}

function codePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
}

/**
 * Checks a text for characters that do not belong in it and for its length; trims it; `''` is null.
 * Windows line ends (CR LF) inside a cell are read as a newline.
 *
 * @example parseTextValue('  Knife crime ', { maxLength: 200, singleLine: true }) // { ok: true, value: 'Knife crime' }
 */
export function parseTextValue(raw: string, rule: TextRule): CellResult<string | null> {
  const text = raw.replace(/\r\n/g, '\n').trim()
  if (text === '') return ok(null)
  const bad = FORBIDDEN.exec(text)
  if (bad) {
    return fail(`contains a control character (${codePoint(bad[0])}) at character ${bad.index + 1}: remove it`)
  }
  if (rule.singleLine) {
    const br = LINE_BREAKS.exec(text)
    if (br)
      return fail(
        `contains a ${br[0] === '\t' ? 'tab' : 'line break'} at character ${br.index + 1}: keep it on one line`,
      )
  }
  // Length in characters as a user counts them (code points), not UTF-16 units.
  const length = [...text].length
  if (length > rule.maxLength) return fail(`is ${length} characters long: the most allowed is ${rule.maxLength}`)
  return ok(text)
}

/** Reads text from any cell. A worksheet's number is read as its digits; a date is refused (it is ambiguous). */
export function parseTextCell(cell: RawCell, rule: TextRule): CellResult<string | null> {
  switch (cell.kind) {
    case 'empty':
      return ok(null)
    case 'text':
      return parseTextValue(cell.text, rule)
    case 'number':
      return parseTextValue(String(cell.value), rule)
    case 'boolean':
      return parseTextValue(cell.value ? 'TRUE' : 'FALSE', rule)
    case 'date':
      return fail(`the cell holds a date (${isoDate(cell.value)}): format the cell as text and type what it should say`)
    case 'unreadable':
      return fail(cell.reason)
  }
}

/**
 * Reads one of a fixed set of words, ignoring case and surrounding spaces.
 *
 * @example parseChoiceCell({ kind: 'text', text: 'Quarterly' }, ['monthly', 'quarterly'], 'cadence') // ok 'quarterly'
 */
export function parseChoiceCell<T extends string>(
  cell: RawCell,
  allowed: readonly T[],
  what: string,
): CellResult<T | null> {
  const text = parseTextCell(cell, { maxLength: 100, singleLine: true })
  if (!text.ok) return text
  if (text.value === null) return ok(null)
  const lower = text.value.toLowerCase()
  const found = allowed.find((a) => a === lower)
  if (found === undefined) return fail(`${quoteCell(text.value)} is not a ${what}: use one of ${allowed.join(', ')}`)
  return ok(found)
}

const YES = new Set(['yes', 'y', 'true'])
const NO = new Set(['no', 'n', 'false'])

/** Reads yes/no (also true/false, y/n, or a worksheet's TRUE/FALSE). */
export function parseYesNoCell(cell: RawCell): CellResult<boolean | null> {
  if (cell.kind === 'boolean') return ok(cell.value)
  const text = parseTextCell(cell, { maxLength: 10, singleLine: true })
  if (!text.ok) return text
  if (text.value === null) return ok(null)
  const lower = text.value.toLowerCase()
  if (YES.has(lower)) return ok(true)
  if (NO.has(lower)) return ok(false)
  return fail(`${quoteCell(text.value)} is not yes or no`)
}

/** What reading a period needs to know to help: this financial year (for examples) and the kind of period wanted. */
export interface PeriodContext {
  /** The current financial year's starting calendar year. */
  readonly financialYear: number
  /** The kind of period the row needs (from its indicator's cadence), for "did you mean" on a date. */
  readonly kind?: PeriodKind
}

/**
 * Reads a financial-year period: an identifier (`FY2017-18-Q1`) or the report's label (`2017/18 Q1`). A date is
 * refused, never turned into a period: it does not say which period is meant (a day, its month, its quarter?); the
 * message suggests the period it falls in, as does a period written another way ("Q1 2024/25"). Examples are of
 * the current financial year.
 *
 * @example parsePeriodCell({ kind: 'text', text: '2017/18 Q4' }, { financialYear: 2026 }) // ok, the period FY2017-18-Q4
 */
export function parsePeriodCell(cell: RawCell, context: PeriodContext): CellResult<Period | null> {
  const help = periodHelp(context.financialYear)
  const kind = context.kind ?? 'quarter'
  if (cell.kind === 'date') {
    const meant = periodOfDay(cell.value, kind)
    const advice = meant
      ? `type ${spelling(meant)} (the ${kind === 'bi-month' ? 'two-month period' : kind === 'year' ? 'financial year' : kind} the date falls in)`
      : help
    return fail(`the cell holds a date (${isoDate(cell.value)}), not a period: format the cell as text and ${advice}`)
  }
  const text = parseTextCell(cell, { maxLength: 40, singleLine: true })
  if (!text.ok) return text
  if (text.value === null) return ok(null)
  const p = parsePeriod(text.value)
  if (p) return ok(p)
  const suggestion = suggestPeriod(text.value, kind)
  if (suggestion) {
    const because = suggestion.because ? ` (${suggestion.because})` : ''
    const what = suggestion.because ? 'is a date, not a period' : 'is not written as a period'
    return fail(
      `${quoteCell(text.value)} ${what}: did you mean ${spelling(suggestion.period)}${because}? Otherwise ${help}`,
    )
  }
  if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$|^\d{4}-\d{2}-\d{2}/.test(text.value)) {
    return fail(`${quoteCell(text.value)} is a date, not a period: ${help}`)
  }
  return fail(`${quoteCell(text.value)} is not a period: ${help}`)
}
