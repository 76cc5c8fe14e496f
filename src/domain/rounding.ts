/**
 * Rounding and number formatting for everything the partnership publishes.
 *
 * One rule everywhere: round half away from zero, applied to the decimal number the figure stands for. A binary
 * float cannot hold most decimals exactly (1.005 is stored as 1.00499999999999989…), so rounding the stored
 * binary value would print 1.00 where a person working on paper writes 1.01. We round the shortest decimal that
 * reads back as the same float (what `String(value)` prints), which is the decimal that was typed in or computed.
 *
 * The seed report truncated where it should have rounded (10/38 printed as 26.31% instead of 26.32%) and
 * miscalculated a change (+30 on 191 printed as +16.5% instead of +15.7%); every figure printed by the system goes
 * through these functions so that cannot recur.
 *
 * Signs are the ASCII hyphen-minus ("-30"), as the report and CSV exports print them; thousands are grouped with
 * commas ("6,031").
 */

/** Percentages are printed to one decimal place everywhere ("9.0%", "16.3%"): pages, report HTML, exports' text. */
export const PERCENT_DECIMALS = 1

/** p-values are printed to three decimal places ("p = 0.014"), and "p < 0.001" below that. */
export const P_VALUE_DECIMALS = 3

/** Decimal places outside this range are a programming error, not data. */
const MIN_DECIMALS = -20
const MAX_DECIMALS = 100

function checkDecimals(decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < MIN_DECIMALS || decimals > MAX_DECIMALS)
    throw new RangeError(`decimals must be a whole number from ${MIN_DECIMALS} to ${MAX_DECIMALS}, got ${decimals}`)
}

function checkFinite(value: number, what: string): void {
  if (!Number.isFinite(value)) throw new RangeError(`${what} must be a finite number, got ${value}`)
}

/**
 * Rounds to `decimals` places, halves away from zero, on the decimal the float stands for (see the module
 * comment). A result of zero is always +0, so a tiny negative never prints as "-0".
 * `decimals` may be negative to round to tens, hundreds, …. Non-finite values come back unchanged.
 *
 * Exact for any percentage made by `percentOf` from whole counts below about a million: the float nearest the
 * true quotient then reads back as the true decimal wherever a half could arise.
 *
 * @example
 * roundHalfAwayFromZero(1.005, 2) // 1.01
 * roundHalfAwayFromZero((10 / 38) * 100, 2) // 26.32
 * roundHalfAwayFromZero(-2.5, 0) // -3
 */
export function roundHalfAwayFromZero(value: number, decimals: number): number {
  checkDecimals(decimals)
  if (!Number.isFinite(value) || value === 0) return value === 0 ? 0 : value
  // A whole number has no decimal places to lose (its shortest digits never reach past the units), so the digit
  // work below would give it back unchanged: most figures are counts, and this is the report's commonest call.
  if (decimals >= 0 && Number.isInteger(value)) return value
  const fast = roundByScaling(value, decimals)
  if (fast !== null) return fast
  // The shortest round-trip digits and the exponent: 1.005 → "1.005e+0", 26.315789… → "2.6315789…e+1".
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e')
  const digits = mantissa.replace('.', '')
  const exponent = Number(exponentText)
  // How many of the digits lie before the cut: the first digit is worth 10^exponent, the last kept 10^-decimals.
  const kept = exponent + 1 + decimals
  if (kept < 0) return 0 // below half a unit of the last place: rounds to zero
  if (kept >= digits.length) return value // already has no more places than asked for
  let head = digits.slice(0, kept)
  // The first dropped digit decides: 5 or more goes away from zero (on the magnitude, so for negatives too).
  if ((digits[kept] ?? '0') >= '5') head = incrementDigits(head === '' ? '0' : head)
  if (head === '' || /^0+$/.test(head)) return 0
  // The last kept digit is worth 10^-decimals. Rebuild as "<digits>e<power>" and let the engine pick the float
  // nearest to that exact decimal.
  const result = Number(`${head}e${-decimals}`)
  return value < 0 ? -result : result
}

/** 10^0 … 10^9, each exactly representable. */
const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9] as const

/**
 * The same rounding by arithmetic, where arithmetic cannot get it wrong; null where it might (the digit work then
 * decides). Scaled by 10^decimals, a value below 10^8 lies within about 2·10^-8 of its decimal scaled likewise (half
 * a unit in the last place of the value, plus the multiplication's rounding), so unless the fraction is within
 * 10^-6 of a half, the side of the half it falls on is the decimal's side. The result k / 10^decimals is the float
 * nearest the decimal, as the digit work's `Number('…e-…')` is, since both the division and the parse round
 * correctly. This takes the string work out of almost every percentage the report prints.
 */
function roundByScaling(value: number, decimals: number): number | null {
  const scale = POWERS_OF_TEN[decimals]
  if (scale === undefined) return null
  const scaled = Math.abs(value) * scale
  if (!(scaled < 1e8)) return null
  const whole = Math.floor(scaled)
  const fraction = scaled - whole
  if (Math.abs(fraction - 0.5) <= 1e-6) return null
  const kept = fraction > 0.5 ? whole + 1 : whole
  if (kept === 0) return 0
  const result = kept / scale
  return value < 0 ? -result : result
}

/** Adds one to a string of decimal digits: "199" → "200", "99" → "100". */
function incrementDigits(digits: string): string {
  const out = digits.split('')
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] === '9') {
      out[i] = '0'
    } else {
      out[i] = String(Number(out[i]) + 1)
      return out.join('')
    }
  }
  return '1' + out.join('')
}

/** Groups the whole-number part of unsigned digits with commas: "6031.5" → "6,031.5". */
function groupThousands(plain: string): string {
  if (plain.includes('e')) return plain // 1e+21 and beyond: toFixed gives an exponent, which has no thousands
  const point = plain.indexOf('.')
  const wholeLength = point === -1 ? plain.length : point
  if (wholeLength <= 3) return plain
  // The first group takes what is left over from the threes: "1234567" → "1" + ",234" + ",567".
  let grouped = plain.slice(0, wholeLength % 3 || 3)
  for (let i = wholeLength % 3 || 3; i < wholeLength; i += 3) grouped += `,${plain.slice(i, i + 3)}`
  return point === -1 ? grouped : grouped + plain.slice(point)
}

/**
 * A fixed number of places after rounding half away from zero, with thousands grouped, and never "-0.0".
 * `toFixed` is safe on a value already rounded to `decimals` places: it picks the nearest decimal of that length.
 */
function fixed(value: number, decimals: number): string {
  const rounded = roundHalfAwayFromZero(value, decimals)
  const magnitude = groupThousands(fixedDigits(Math.abs(rounded), decimals))
  return rounded < 0 ? `-${magnitude}` : magnitude
}

/**
 * `size.toFixed(decimals)` for a size of 0 or more already rounded to `decimals` places. toFixed prints the decimal
 * nearest the float, and so does putting the point into the digits of the whole number size × 10^decimals (which
 * rounds to that whole number exactly while it is below 2^50): the same text, without the runtime's conversion.
 */
function fixedDigits(size: number, decimals: number): string {
  if (decimals <= 0) return Number.isSafeInteger(size) ? String(size) : size.toFixed(0)
  const scale = POWERS_OF_TEN[decimals]
  if (scale === undefined) return size.toFixed(decimals)
  const scaled = Math.round(size * scale)
  if (!(scaled <= 2 ** 50)) return size.toFixed(decimals) // beyond, the product could miss the whole number
  // The whole part and the places, each a whole number (so both exact): the digits of `scaled` with the point put
  // in, without padding and cutting a string (the report prints a percentage or two in every figure).
  const places = scaled % scale
  const whole = (scaled - places) / scale
  return `${whole}.${String(places).padStart(decimals, '0')}`
}

/**
 * A number to exactly `decimals` places (rounded half away from zero), thousands grouped.
 *
 * @example
 * formatDecimal(1234.5, 2) // "1,234.50"
 * formatDecimal(-0.04, 1) // "0.0"
 */
export function formatDecimal(value: number, decimals: number): string {
  checkFinite(value, 'value')
  checkDecimals(decimals)
  return fixed(value, decimals)
}

/**
 * A percentage (0–100 scale) as printed in the report, rounded half away from zero.
 *
 * @example
 * formatPercent(15.7894) // "15.8%"
 * formatPercent((10 / 38) * 100, 2) // "26.32%"
 */
export function formatPercent(percent: number, decimals = PERCENT_DECIMALS): string {
  checkFinite(percent, 'percent')
  checkDecimals(decimals)
  return `${fixed(percent, decimals)}%`
}

/**
 * A count with thousands grouped. A count that is not whole (the average of a stock measure, say) is printed to
 * one decimal place rather than silently rounded to a whole number.
 *
 * @example
 * formatCount(6031) // "6,031"
 * formatCount(-30) // "-30"
 * formatCount(34.75) // "34.8"
 */
export function formatCount(count: number): string {
  checkFinite(count, 'count')
  return fixed(count, Number.isInteger(count) ? 0 : 1)
}

/**
 * A p-value as every page, report and sentence prints it: three decimal places, "p < 0.001" below 0.001. One rule,
 * so "p = 0.01" never stands beside "p = 0.014" for the same test. A p below 0.05 that three places would round up
 * to "0.050" is cut (not rounded) to four places ("p = 0.0499"), so the figure never seems to contradict the
 * "real change" read from it at the 5% level.
 *
 * @example formatPValue(0.0137) // 'p = 0.014'
 * @example formatPValue(0.153) // 'p = 0.153'
 * @example formatPValue(0.0002) // 'p < 0.001'
 */
export function formatPValue(p: number): string {
  checkFinite(p, 'p-value')
  if (p < 0 || p > 1) throw new RangeError(`a p-value must lie between 0 and 1, got ${p}`)
  if (p < 0.001) return 'p < 0.001'
  const shown = fixed(p, P_VALUE_DECIMALS)
  if (p < 0.05 && Number(shown) >= 0.05) return `p = ${fixedDigits(Math.floor(p * 1e4) / 1e4, 4)}`
  return `p = ${shown}`
}

/**
 * A change in a count, with its sign: "+30", "-36", and "0" for no change.
 *
 * @example
 * formatSignedCount(30) // "+30"
 * formatSignedCount(-36) // "-36"
 */
export function formatSignedCount(count: number): string {
  const text = formatCount(count)
  return isPositive(text) ? `+${text}` : text
}

/**
 * A relative change in %, with its sign: "+15.7%", "-2.5%", and "0.0%" when it rounds to nothing.
 *
 * @example
 * formatSignedPercent((30 / 191) * 100) // "+15.7%"
 */
export function formatSignedPercent(percent: number, decimals = PERCENT_DECIMALS): string {
  const text = formatPercent(percent, decimals)
  return isPositive(text) ? `+${text}` : text
}

/** Whether printed text shows a number above zero (decided on the text, so 0.04 printed as "0.0" gets no sign). */
function isPositive(text: string): boolean {
  if (text.startsWith('-')) return false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 49 && c <= 57) return true // 1–9
  }
  return false
}

/**
 * The percentage `numerator` is of `denominator` (0–100 scale, unrounded), or null when the denominator is 0:
 * a share of nothing is not 0%. Multiplies before dividing, so whole counts give the float nearest the true
 * quotient (7 of 40 is exactly 17.5, which then rounds as a half should).
 *
 * @example
 * percentOf(8, 49) // 16.3265…
 * percentOf(3, 0) // null
 */
export function percentOf(numerator: number, denominator: number): number | null {
  checkFinite(numerator, 'numerator')
  checkFinite(denominator, 'denominator')
  if (denominator === 0) return null
  return (numerator * 100) / denominator
}
