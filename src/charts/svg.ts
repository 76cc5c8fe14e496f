import { formatCount, formatPercent, roundHalfAwayFromZero } from '../domain/rounding.ts'

/**
 * The little that every chart shares: escaping text for SVG (inline in HTML or standalone) and writing
 * coordinates compactly. Charts are strings built by hand, so every piece of text that came from data MUST
 * pass through `escapeXml`; there is no template engine here to escape it for us.
 */

// C0 controls other than tab, newline and carriage return are not allowed in XML 1.0 at all, even escaped.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g

/**
 * Escapes text for use as SVG/XML character data or inside a double- or single-quoted attribute.
 *
 * @example escapeXml('<script>alert("x")</script>') // '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
 */
export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** A coordinate to at most one decimal place, never "-0": keeps the markup short and stable for tests. */
export function coordinate(value: number): string {
  const rounded = Math.round(value * 10) / 10
  return String(Object.is(rounded, -0) ? 0 : rounded)
}

/**
 * An id fit for `id`/`aria-labelledby`: letters, digits, `-` and `_`, starting with a letter. Anything else in
 * the suggested id (a KPI code is data, after all) is replaced, so a crafted code cannot break out of the attribute.
 *
 * @example chartId('knife crime/1') // 'knife-crime-1'
 */
export function chartId(suggested: string): string {
  const cleaned = suggested.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '')
  return /^[A-Za-z]/.test(cleaned) ? cleaned : `chart-${cleaned}`
}

/**
 * Default number format for axis and value labels: a count as every page prints one (thousands separators; one
 * decimal place for a figure that is not whole), from the one number format (src/domain/rounding.ts). Rounded to
 * that place first, so a limit computed as 62.99999… is "63", not "63.0".
 */
export function defaultNumberLabel(value: number): string {
  return formatCount(roundHalfAwayFromZero(value, 1))
}

/**
 * How a chart prints a KPI's figures: a percentage as every output prints one (one decimal place), anything else as
 * `defaultNumberLabel`. One rule for the report's, the KPI page's and the public page's charts.
 */
export function figureLabel(percent: boolean): (value: number) => string {
  return percent ? (value) => formatPercent(value) : defaultNumberLabel
}

/**
 * A "nice" upper bound for an axis that starts at zero: 1, 2, 2.5 or 5 times a power of ten, at or above `max`.
 *
 * @example niceCeiling(67) // 70
 */
export function niceCeiling(max: number): number {
  if (!(max > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(max))
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 10]) {
    if (step * power >= max) return step * power
  }
  return 10 * power
}
