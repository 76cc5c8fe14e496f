import { ASSURANCE_WORDS, VARIATION_WORDS, type Assurance, type Variation } from '../domain/making-data-count.ts'
import { chartId, coordinate, escapeXml } from './svg.ts'

/**
 * Small inline SVG marks beside a KPI: Making Data Count's variation and assurance icons, and a sparkline. Each is
 * `role="img"` with its meaning in words (`<title>`, and `aria-label` for browsers that read only that), and none
 * says anything by colour alone: the letter or shape inside each icon differs, and the words are printed beside it
 * on every page that shows one. Colours are GOV.UK's, each at least 4.5:1 against white (blue #1d70b8, orange
 * #a64c00 (darker than Making Data Count's so the ring keeps its contrast), grey #505a5f).
 */

const BLUE = '#1d70b8'
const ORANGE = '#a64c00'
const GREY = '#505a5f'
const PURPLE = '#4c2c92'
const INK = '#0b0c0c'

function icon(label: string, colour: string, inner: string): string {
  const text = escapeXml(label)
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-kpi-icon" role="img" aria-label="${text}" viewBox="0 0 24 24" width="24" height="24" focusable="false">` +
    `<title>${text}</title>` +
    `<circle cx="12" cy="12" r="10" fill="#ffffff" stroke="${colour}" stroke-width="2.5"/>${inner}</svg>`
  )
}

function letter(text: string, colour: string): string {
  return `<text x="12" y="16.5" text-anchor="middle" font-family="Arial, sans-serif" font-size="12" font-weight="bold" fill="${colour}">${text}</text>`
}

/**
 * The variation icon: an improvement is a blue ring with "I", a concern an orange ring with "C", special cause with
 * no preferred direction a purple ring with "S", common cause a grey ring with a level line.
 *
 * @example variationIcon('special-cause-concern') // '<svg … role="img" aria-label="Special cause variation: concern" …'
 */
export function variationIcon(variation: Variation): string {
  const label = VARIATION_WORDS[variation]
  switch (variation) {
    case 'special-cause-improvement':
      return icon(label, BLUE, letter('I', BLUE))
    case 'special-cause-concern':
      return icon(label, ORANGE, letter('C', ORANGE))
    case 'special-cause-neutral':
      return icon(label, PURPLE, letter('S', PURPLE))
    case 'common-cause':
      return icon(label, GREY, `<path d="M6 12h12" stroke="${GREY}" stroke-width="2.5" stroke-linecap="round"/>`)
  }
}

/**
 * The assurance icon: "P" (target consistently met: pass) in blue, "F" (consistently missed: fail) in orange, "?"
 * (hit and miss) in grey.
 *
 * @example assuranceIcon('inconsistent') // '<svg … aria-label="Target met inconsistently (hit and miss)" …'
 */
export function assuranceIcon(assurance: Assurance): string {
  const label = ASSURANCE_WORDS[assurance]
  switch (assurance) {
    case 'consistently-met':
      return icon(label, BLUE, letter('P', BLUE))
    case 'consistently-missed':
      return icon(label, ORANGE, letter('F', ORANGE))
    case 'inconsistent':
      return icon(label, GREY, letter('?', GREY))
  }
}

export interface SparklinePoint {
  /** The period, as a reader names it: "2017/18 Q4". */
  readonly label: string
  readonly value: number | null
  /** The figure as the page prints it ("1,495", "9.0%"): the sparkline's text alternative lists these. */
  readonly display: string
}

export interface SparklineOptions {
  /** Unique in the page (cleaned by `chartId`). */
  readonly id: string
  /** The KPI's name, for the accessible name: "Knife crime, 8 quarters: …". */
  readonly name: string
  readonly points: readonly SparklinePoint[]
  readonly width?: number
  readonly height?: number
}

/**
 * A sparkline: the KPI's figures as a small line (gaps left as gaps, never drawn as zero), with the last point
 * marked. Its accessible name lists every figure with its period, so the numbers are there as text for a screen
 * reader; pages print the same figures in a table beside it. Null when no point has a value.
 *
 * @example sparkline({ id: 'knife', name: 'Knife crime', points: [{ label: 'Q1', value: 40, display: '40' }, …] })
 * // '<svg … role="img" aria-label="Knife crime: Q1 40, Q2 49, …" …'
 */
export function sparkline(options: SparklineOptions): string | null {
  const values = options.points.map((p) => p.value).filter((v): v is number => v !== null && Number.isFinite(v))
  if (values.length === 0) return null
  const width = options.width ?? 96
  const height = options.height ?? 24
  const pad = 3
  const min = Math.min(...values)
  const max = Math.max(...values)
  const span = max - min
  const n = options.points.length
  const x = (i: number) => (n === 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (n - 1))
  const y = (v: number) => (span === 0 ? height / 2 : height - pad - ((v - min) * (height - 2 * pad)) / span)
  let path = ''
  let drawing = false
  let lastIndex = -1
  options.points.forEach((p, i) => {
    if (p.value === null || !Number.isFinite(p.value)) {
      drawing = false
      return
    }
    path += `${drawing ? 'L' : 'M'}${coordinate(x(i))} ${coordinate(y(p.value))}`
    drawing = true
    lastIndex = i
  })
  const last = options.points[lastIndex]
  const described = options.points.map((p) => `${p.label} ${p.display}`).join(', ')
  const label = escapeXml(`${options.name}: ${described}`)
  const id = chartId(options.id)
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-sparkline" id="${id}" role="img" aria-label="${label}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" focusable="false">` +
    `<title>${label}</title>` +
    `<path d="${path}" fill="none" stroke="${INK}" stroke-width="1.5" stroke-linejoin="round"/>` +
    (last && last.value !== null
      ? `<circle cx="${coordinate(x(lastIndex))}" cy="${coordinate(y(last.value))}" r="2.5" fill="${INK}"/>`
      : '') +
    `</svg>`
  )
}
