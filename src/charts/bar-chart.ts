import { chartId, coordinate, defaultNumberLabel, escapeXml, niceCeiling } from './svg.ts'

export interface Bar {
  readonly label: string
  readonly value: number
}

export interface BarChartOptions {
  /** Prefix for the ids of `<title>` and `<desc>`; must be unique in the page (cleaned by `chartId`). */
  readonly id: string
  readonly title: string
  /** A text summary of what the chart shows: the accessible description. */
  readonly description: string
  readonly bars: readonly Bar[]
  readonly width?: number
  /** Formats the value printed at the end of each bar. */
  readonly numberLabel?: (value: number) => string
  /** Room for the labels on the left, in pixels (140 by default; partnerships' names need more). */
  readonly labelWidth?: number
}

const INK = '#0b0c0c'
const BAR = '#1d70b8'
const FONT = 'system-ui, -apple-system, &quot;Segoe UI&quot;, Arial, sans-serif'

/**
 * A horizontal bar chart as an SVG string. Each bar carries its label on the left and its value printed at its end,
 * so the chart reads in black and white and without telling colours apart. Negative values are drawn as zero-length
 * bars with their value printed (a bar chart of counts should not have any).
 *
 * @example
 * barChart({ id: 'outcomes', title: 'Outcomes', description: '12 achieved, 9 not achieved',
 *   bars: [{ label: 'Achieved', value: 12 }, { label: 'Not achieved', value: 9 }] })
 */
export function barChart(options: BarChartOptions): string {
  const id = chartId(options.id)
  const width = options.width ?? 360
  const label = options.numberLabel ?? defaultNumberLabel
  const barHeight = 18
  const gap = 8
  const margin = { top: 6, right: 48, bottom: 6, left: options.labelWidth ?? 140 }
  const height = margin.top + margin.bottom + options.bars.length * (barHeight + gap) - (options.bars.length ? gap : 0)
  const plotWidth = width - margin.left - margin.right
  const top = niceCeiling(Math.max(0, ...options.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0))))

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${id}-title ${id}-desc" class="app-chart"` +
      ` viewBox="0 0 ${width} ${Math.max(height, 1)}" width="${width}" height="${Math.max(height, 1)}" font-family="${FONT}" font-size="12">`,
    `<title id="${id}-title">${escapeXml(options.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(options.description)}</desc>`,
  ]
  options.bars.forEach((bar, index) => {
    const value = Number.isFinite(bar.value) ? bar.value : 0
    const barWidth = (Math.max(0, value) / top) * plotWidth
    const by = margin.top + index * (barHeight + gap)
    const middle = coordinate(by + barHeight / 2)
    parts.push(
      `<text x="${margin.left - 6}" y="${middle}" text-anchor="end" dominant-baseline="middle" fill="${INK}">${escapeXml(bar.label)}</text>`,
      `<rect class="app-chart__bar" x="${margin.left}" y="${by}" width="${coordinate(barWidth)}" height="${barHeight}" fill="${BAR}" stroke="${INK}" stroke-width="0.5"/>`,
      `<text x="${coordinate(margin.left + barWidth + 4)}" y="${middle}" dominant-baseline="middle" fill="${INK}">${escapeXml(label(bar.value))}</text>`,
    )
  })
  parts.push(
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top - 2}" y2="${coordinate(height - margin.bottom + 2)}" stroke="${INK}" stroke-width="1"/>`,
    '</svg>',
  )
  return parts.join('')
}
