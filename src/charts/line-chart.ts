import { chartId, coordinate, defaultNumberLabel, escapeXml, niceCeiling } from './svg.ts'

/** One point of a series; `value: null` is a gap (missing is never drawn as zero). */
export interface LineChartPoint {
  /** Short label under the axis, e.g. "Q1". */
  readonly label: string
  readonly value: number | null
}

/** Statistical process control limits (e.g. XmR: mean ± 2.66 × mean moving range). */
export interface ControlLimits {
  readonly mean: number
  readonly upper: number
  readonly lower: number
}

/** A labelled run of points under the axis, e.g. "2016/17" over the first four quarters. */
export interface AxisBand {
  readonly label: string
  /** Index of the first and last point the band spans (inclusive). */
  readonly from: number
  readonly to: number
}

export interface LineChartOptions {
  /** Prefix for the ids of `<title>` and `<desc>`; must be unique in the page (cleaned by `chartId`). */
  readonly id: string
  /** The accessible name, e.g. "Knife crime by quarter". */
  readonly title: string
  /** A text summary of what the chart shows: the accessible description. */
  readonly description: string
  readonly points: readonly LineChartPoint[]
  readonly controlLimits?: ControlLimits
  readonly bands?: readonly AxisBand[]
  readonly width?: number
  readonly height?: number
  /** Formats axis labels; thousands separators and one decimal place by default. */
  readonly numberLabel?: (value: number) => string
}

const INK = '#0b0c0c'
const GRID = '#b1b4b6'
const FONT = 'system-ui, -apple-system, &quot;Segoe UI&quot;, Arial, sans-serif'

/**
 * A small line chart of one KPI over periods, as an SVG string: `role="img"` named by its `<title>` and described
 * by its `<desc>`. Missing values leave gaps. Optional control limits are drawn as labelled lines (dashed limits,
 * solid mean), so nothing depends on colour. Every text is escaped.
 *
 * @example
 * lineChart({ id: 'knife-crime', title: 'Knife crime by quarter', description: 'Rising from 40 to 67',
 *   points: [{ label: 'Q1', value: 40 }, { label: 'Q2', value: 49 }] })
 * // '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="knife-crime-title knife-crime-desc" …'
 */
export function lineChart(options: LineChartOptions): string {
  const id = chartId(options.id)
  const width = options.width ?? 360
  const height = options.height ?? 180
  const label = options.numberLabel ?? defaultNumberLabel
  const limits = options.controlLimits
  const margin = { top: 12, right: limits ? 74 : 12, bottom: options.bands?.length ? 40 : 24, left: 48 }
  const plotWidth = width - margin.left - margin.right
  const plotHeight = height - margin.top - margin.bottom

  const numbers = options.points.flatMap((p) => (p.value === null || !Number.isFinite(p.value) ? [] : [p.value]))
  if (limits) numbers.push(limits.mean, limits.upper, limits.lower)
  const max = Math.max(0, ...numbers)
  const min = Math.min(0, ...numbers)
  // Counts start at zero: a bar or line that starts elsewhere exaggerates small changes.
  const top = niceCeiling(max)
  const bottom = min < 0 ? -niceCeiling(-min) : 0
  const y = (value: number) => margin.top + plotHeight - ((value - bottom) / (top - bottom)) * plotHeight
  const count = Math.max(options.points.length, 1)
  const x = (index: number) => margin.left + ((index + 0.5) * plotWidth) / count

  const parts: string[] = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${id}-title ${id}-desc" class="app-chart"` +
      ` viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="${FONT}" font-size="11">`,
    `<title id="${id}-title">${escapeXml(options.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(options.description)}</desc>`,
  )

  // Grid lines and their labels at the bottom, middle and top of the scale (and zero when the scale goes below it).
  const ticks = [...new Set([bottom, 0, (bottom + top) / 2, top])].sort((a, b) => a - b)
  for (const tick of ticks) {
    const ty = coordinate(y(tick))
    parts.push(
      `<line x1="${margin.left}" x2="${coordinate(margin.left + plotWidth)}" y1="${ty}" y2="${ty}" stroke="${GRID}" stroke-width="${tick === 0 ? 1.5 : 0.75}"/>`,
      `<text x="${margin.left - 6}" y="${ty}" text-anchor="end" dominant-baseline="middle" fill="${INK}">${escapeXml(label(tick))}</text>`,
    )
  }

  if (limits) {
    const lines: [string, number, string][] = [
      ['Upper limit', limits.upper, '4 3'],
      ['Mean', limits.mean, ''],
      ['Lower limit', limits.lower, '4 3'],
    ]
    for (const [name, value, dash] of lines) {
      const ly = coordinate(y(value))
      parts.push(
        `<line class="app-chart__limit" x1="${margin.left}" x2="${coordinate(margin.left + plotWidth)}" y1="${ly}" y2="${ly}" stroke="${INK}" stroke-width="1"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
        `<text x="${coordinate(margin.left + plotWidth + 4)}" y="${ly}" dominant-baseline="middle" fill="${INK}">${escapeXml(`${name} ${label(value)}`)}</text>`,
      )
    }
  }

  // The line, broken wherever a value is missing.
  let path = ''
  let drawing = false
  options.points.forEach((point, index) => {
    if (point.value === null || !Number.isFinite(point.value)) {
      drawing = false
      return
    }
    path += `${drawing ? 'L' : 'M'}${coordinate(x(index))} ${coordinate(y(point.value))}`
    drawing = true
  })
  if (path) parts.push(`<path d="${path}" fill="none" stroke="${INK}" stroke-width="2" stroke-linejoin="round"/>`)
  options.points.forEach((point, index) => {
    if (point.value === null || !Number.isFinite(point.value)) return
    parts.push(
      `<circle class="app-chart__point" cx="${coordinate(x(index))}" cy="${coordinate(y(point.value))}" r="3" fill="${INK}"/>`,
    )
  })

  // Axis labels: every point's label when they fit, otherwise the first and the last.
  const axisY = margin.top + plotHeight + 14
  const fits = plotWidth / count >= 22
  options.points.forEach((point, index) => {
    if (!fits && index !== 0 && index !== options.points.length - 1) return
    parts.push(
      `<text x="${coordinate(x(index))}" y="${axisY}" text-anchor="middle" fill="${INK}">${escapeXml(point.label)}</text>`,
    )
  })
  for (const band of options.bands ?? []) {
    const from = Math.max(0, band.from)
    const to = Math.min(options.points.length - 1, band.to)
    if (to < from) continue
    const bx = coordinate((x(from) + x(to)) / 2)
    parts.push(
      `<line x1="${coordinate(x(from) - 8)}" x2="${coordinate(x(to) + 8)}" y1="${axisY + 6}" y2="${axisY + 6}" stroke="${GRID}" stroke-width="1"/>`,
      `<text x="${bx}" y="${axisY + 19}" text-anchor="middle" font-weight="bold" fill="${INK}">${escapeXml(band.label)}</text>`,
    )
  }

  parts.push('</svg>')
  return parts.join('')
}
