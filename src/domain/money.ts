/**
 * Money, exactly: amounts are whole pence held in a JavaScript number that is a safe integer (up to
 * £90 trillion), never pounds in floating point. 0.1 + 0.2 is not 0.3 in binary floating point; 10 + 20 pence is
 * always 30. Every amount the partnership types, imports, stores, adds up or prints goes through this module.
 *
 * Printed as the partnership's documents print it: a pound sign, thousands grouped with commas, pence shown only
 * when there are some ("£378,430", "£1,234.50"), a negative with the ASCII hyphen-minus before the sign ("-£40"), as
 * the report's other figures (src/domain/rounding.ts).
 */

/** Whole pence. */
export type Pence = number

/** Thrown for a programming error (a non-integer or unsafe amount reached the arithmetic), never for typed input. */
export class MoneyError extends RangeError {}

function checkPence(value: number, what = 'an amount'): void {
  if (!Number.isSafeInteger(value)) throw new MoneyError(`${what} must be whole pence (a safe integer), got ${value}`)
}

/** Adds amounts of pence exactly; refuses a sum beyond the safe range rather than rounding it. */
export function sumPence(values: Iterable<Pence>): Pence {
  let total = 0
  for (const value of values) {
    checkPence(value)
    total += value
    checkPence(total, 'a total')
  }
  return total
}

/** Whole pounds as pence (a seed figure such as £339,995 is written `pounds(339_995)`). */
export function pounds(wholePounds: number): Pence {
  checkPence(wholePounds, 'whole pounds')
  const pence = wholePounds * 100
  checkPence(pence)
  return pence
}

export interface MoneyFormat {
  /** `auto` (default): pence only when the amount has some; `always`: "£40.00"; `never`: rounded to the pound. */
  readonly pence?: 'auto' | 'always' | 'never'
}

/**
 * "£378,430", "£1,234.56", "-£40". With `pence: 'never'` a half pound rounds away from zero, as every figure does.
 *
 * @example
 *   formatMoney(37_843_000) // "£378,430"
 *   formatMoney(123_456) // "£1,234.56"
 *   formatMoney(-4_000) // "-£40"
 */
export function formatMoney(amount: Pence, format: MoneyFormat = {}): string {
  checkPence(amount)
  const mode = format.pence ?? 'auto'
  const negative = amount < 0
  let magnitude = Math.abs(amount)
  if (mode === 'never') magnitude = Math.floor((magnitude + 50) / 100) * 100
  const wholePounds = Math.floor(magnitude / 100)
  const pence = magnitude % 100
  const grouped = String(wholePounds).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const showPence = mode === 'always' || (mode === 'auto' && pence !== 0)
  const text = `£${grouped}${showPence ? `.${String(pence).padStart(2, '0')}` : ''}`
  return negative && magnitude !== 0 ? `-${text}` : text
}

/** The plain form for exports (CSV, XLSX, 360Giving): pounds with two decimals and no separators, "378430.00". */
export function moneyAsDecimal(amount: Pence): string {
  checkPence(amount)
  const magnitude = Math.abs(amount)
  const text = `${Math.floor(magnitude / 100)}.${String(magnitude % 100).padStart(2, '0')}`
  return amount < 0 ? `-${text}` : text
}

export type MoneyParse = { readonly ok: true; readonly pence: Pence } | { readonly ok: false; readonly message: string }

/**
 * Reads an amount typed by a person or held in a spreadsheet cell's text: "£378,430", "378430", "1,234.5",
 * "1234.56", "-40", "£500K" is refused (a multiplier hides a rounding), as is more than two decimal places, a comma
 * in the wrong place ("37,8430") or anything but digits. Negative amounts only with `allowNegative`.
 *
 * @example
 *   parseMoney('£378,430') // { ok: true, pence: 37843000 }
 *   parseMoney('12.345') // { ok: false, message: 'has more than two decimal places (whole pence): "12.345"' }
 */
export function parseMoney(text: string, options: { readonly allowNegative?: boolean } = {}): MoneyParse {
  const trimmed = text.trim()
  if (trimmed === '') return { ok: false, message: 'is empty: give an amount in pounds, such as 1,250 or 1250.50' }
  const match = /^(-)?\s*£?\s*(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(trimmed)
  if (!match) {
    if (/^-?£?\s*\d[\d,.]*\s*[kKmM]$/.test(trimmed))
      return {
        ok: false,
        message: `uses a multiplier: write the amount in full, such as 500000 for £500K: "${trimmed}"`,
      }
    return { ok: false, message: `is not an amount in pounds (such as 1,250 or 1250.50): "${trimmed}"` }
  }
  const [, minusBefore, minusAfter, whole = '', decimals = ''] = match
  if (minusBefore && minusAfter) return { ok: false, message: `is not an amount in pounds: "${trimmed}"` }
  if (decimals.length > 2) return { ok: false, message: `has more than two decimal places (whole pence): "${trimmed}"` }
  const negative = Boolean(minusBefore ?? minusAfter)
  if (negative && !options.allowNegative) return { ok: false, message: `cannot be negative: "${trimmed}"` }
  const wholeDigits = whole.replace(/,/g, '')
  const pence = Number(wholeDigits) * 100 + Number(decimals.padEnd(2, '0'))
  if (!Number.isSafeInteger(pence) || wholeDigits.length > 13)
    return { ok: false, message: `is too large to be a real amount: "${trimmed}"` }
  return { ok: true, pence: negative && pence !== 0 ? -pence : pence }
}
