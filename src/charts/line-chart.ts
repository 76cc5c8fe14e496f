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

/**
 * Another series over the same periods (e.g. last year's figures beside this year's), drawn dashed with open
 * markers so that it differs from the main line by shape, not colour, and named in the legend.
 */
export interface LineChartSeries {
  readonly name: string
  /** One value per point of the main series, in the same order; null is a gap. */
  readonly values: readonly (number | null)[]
}

/** A level to read the lines against (a baseline, a target): a horizontal line named at its right-hand end. */
export interface ReferenceLine {
  /** Printed beside the line with its value, e.g. "Baseline" → "Baseline 385". */
  readonly name: string
  readonly value: number
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
  /** The main series' name, for the legend (a legend is drawn only when there are other series). */
  readonly seriesName?: string
  readonly otherSeries?: readonly LineChartSeries[]
  readonly referenceLines?: readonly ReferenceLine[]
  readonly bands?: readonly AxisBand[]
  readonly width?: number
  readonly height?: number
  /** Formats axis labels; thousands separators and one decimal place by default. */
  readonly numberLabel?: (value: number) => string
}

const INK = '#0b0c0c'
const GRID = '#b1b4b6'
// GOV.UK dark grey: 7:1 against white, so the second line is as readable as the first.
const GREY = '#505a5f'
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
  const others = options.otherSeries ?? []
  const references = options.referenceLines ?? []
  // A legend row at the top names each line when there is more than one series.
  const legend = others.length > 0
  const margin = {
    top: legend ? 30 : 12,
    right: references.length > 0 ? 110 : limits ? 74 : 12,
    bottom: options.bands?.length ? 40 : 24,
    left: 48,
  }
  const plotWidth = width - margin.left - margin.right
  const plotHeight = height - margin.top - margin.bottom

  const numbers = options.points.flatMap((p) => (p.value === null || !Number.isFinite(p.value) ? [] : [p.value]))
  if (limits) numbers.push(limits.mean, limits.upper, limits.lower)
  for (const other of others) for (const v of other.values) if (v !== null && Number.isFinite(v)) numbers.push(v)
  for (const reference of references) if (Number.isFinite(reference.value)) numbers.push(reference.value)
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

  // Reference levels: dash-dot, so that they differ from the dashed control limits and the lines of figures.
  for (const reference of references) {
    if (!Number.isFinite(reference.value)) continue
    const ry = coordinate(y(reference.value))
    parts.push(
      `<line class="app-chart__reference" x1="${margin.left}" x2="${coordinate(margin.left + plotWidth)}" y1="${ry}" y2="${ry}" stroke="${INK}" stroke-width="1" stroke-dasharray="8 3 2 3"/>`,
      `<text x="${coordinate(margin.left + plotWidth + 4)}" y="${ry}" dominant-baseline="middle" fill="${INK}">${escapeXml(`${reference.name} ${label(reference.value)}`)}</text>`,
    )
  }

  // The other series first (dashed, open markers), then the main line over them.
  for (const other of others) {
    const values = options.points.map((_, i) => other.values[i] ?? null)
    const d = linePath(values, x, y)
    if (d)
      parts.push(
        `<path class="app-chart__other" d="${d}" fill="none" stroke="${GREY}" stroke-width="2" stroke-dasharray="6 4" stroke-linejoin="round"/>`,
      )
    values.forEach((value, index) => {
      if (value === null || !Number.isFinite(value)) return
      parts.push(
        `<circle class="app-chart__other-point" cx="${coordinate(x(index))}" cy="${coordinate(y(value))}" r="3" fill="#ffffff" stroke="${GREY}" stroke-width="1.5"/>`,
      )
    })
  }

  // The line, broken wherever a value is missing.
  const path = linePath(
    options.points.map((p) => p.value),
    x,
    y,
  )
  if (path) parts.push(`<path d="${path}" fill="none" stroke="${INK}" stroke-width="2" stroke-linejoin="round"/>`)
  options.points.forEach((point, index) => {
    if (point.value === null || !Number.isFinite(point.value)) return
    parts.push(
      `<circle class="app-chart__point" cx="${coordinate(x(index))}" cy="${coordinate(y(point.value))}" r="3" fill="${INK}"/>`,
    )
  })

  if (legend) {
    // Each entry: a short sample of its line, then its name; entries side by side along the top.
    let lx = margin.left
    const entries: [string, string][] = [
      [options.seriesName ?? options.title, `stroke="${INK}" stroke-width="2"`],
      ...others.map((o): [string, string] => [o.name, `stroke="${GREY}" stroke-width="2" stroke-dasharray="6 4"`]),
    ]
    for (const [name, stroke] of entries) {
      parts.push(
        `<line class="app-chart__legend" x1="${lx}" x2="${lx + 20}" y1="10" y2="10" ${stroke}/>`,
        `<text x="${lx + 24}" y="10" dominant-baseline="middle" fill="${INK}">${escapeXml(name)}</text>`,
      )
      // About 6 pixels a character at this size, and a gap before the next entry.
      lx += 24 + Math.ceil(name.length * 6) + 16
    }
  }

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

/** An SVG path through the values, broken wherever one is missing (missing is never drawn as zero). */
function linePath(values: readonly (number | null)[], x: (i: number) => number, y: (v: number) => number): string {
  let path = ''
  let drawing = false
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) {
      drawing = false
      return
    }
    path += `${drawing ? 'L' : 'M'}${coordinate(x(index))} ${coordinate(y(value))}`
    drawing = true
  })
  return path
}
