/**
 * `npm run bench`: how long the performance framework's calculations and report rendering take at national scale.
 *
 * Generates, deterministically, 350 partnerships × 60 indicators × 10 financial years of quarters (840,000 values,
 * a mix of counts, proportions, counts with a share and stocks, with some missing and suppressed), then times:
 * 1. computing every outturn, outcome, significance reading, trend and commentary: one `buildPerformanceReport`
 *    per partnership per year (3,500 reports, 210,000 KPI rows);
 * 2. rendering each partnership's latest report as a standalone HTML page and as CSV (350 of each);
 * and prints each as a ratio to a reference measured in the same run: a plain loop that sums the same values by
 * indicator and year (the least work any implementation must do). Peak memory (max RSS) is printed at the end.
 *
 * Options: --partnerships N (default 350), --indicators N (60), --years N (10).
 */
import { performance } from 'node:perf_hooks'
import { parseOptions } from '../src/cli/command.ts'
import { buildPerformanceReport } from '../src/domain/build-performance-report.ts'
import type { Indicator, IndicatorValue, MeasureType } from '../src/domain/indicator.ts'
import { financialYearId, periodsOfYear } from '../src/domain/period.ts'
import type { PerformanceReport } from '../src/domain/performance-report.ts'
import { performanceReportCsv } from '../src/reports/csv.ts'
import { performanceReportStandaloneHtml } from '../src/reports/html.ts'
import { createNunjucksEnvironment } from '../src/shared/web/nunjucks-setup.ts'

const { options } = parseOptions(process.argv.slice(2))
const partnerships = Number(options.get('partnerships') ?? 350)
const indicatorCount = Number(options.get('indicators') ?? 60)
const years = Number(options.get('years') ?? 10)
const firstYear = 2014

/** A small deterministic generator (mulberry32), so every run measures the same data. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const types: MeasureType[] = [
  'count',
  'count',
  'count',
  'count',
  'count',
  'count',
  'proportion',
  'proportion',
  'count-with-share',
  'stock',
]
const indicators: Indicator[] = Array.from({ length: indicatorCount }, (_, i) => {
  const measureType = types[i % types.length] as MeasureType
  return {
    id: `kpi-${i}`,
    name: `Indicator ${i}`,
    theme: `Theme ${i % 6}`,
    priority: `Priority ${i % 4}`,
    definition: `Generated indicator ${i}`,
    dataOwner: `Agency ${i % 7}`,
    cadence: 'quarterly',
    measureType,
    preferredDirection: i % 3 === 0 ? 'increase' : 'reduce',
    hiddenHarm: i % 3 === 0,
    unit: 'offences',
    ...(measureType === 'stock' ? { stockAggregation: 'latest' as const } : {}),
  }
})

const quarterIds = Array.from({ length: years }, (_, y) => periodsOfYear(firstYear + y, 'quarter').map((p) => p.id))

function valuesFor(partnership: number): IndicatorValue[] {
  const next = random(partnership + 1)
  const values: IndicatorValue[] = []
  for (const indicator of indicators) {
    const level = 5 + Math.floor(next() * 400)
    for (const quarters of quarterIds) {
      for (const periodId of quarters) {
        const roll = next()
        const base = { indicatorId: indicator.id, period: periodId, text: null, percent: null, commentary: null }
        if (roll < 0.01) {
          values.push({
            ...base,
            status: 'not-yet-available',
            value: null,
            numerator: null,
            denominator: null,
            reason: 'Not yet received',
          })
          continue
        }
        const count = Math.max(0, Math.round(level * (0.8 + 0.4 * next())))
        if (roll < 0.02 || (count > 0 && count < 5)) {
          values.push({ ...base, status: 'suppressed', value: null, numerator: null, denominator: null, reason: '<5' })
          continue
        }
        switch (indicator.measureType) {
          case 'proportion':
            values.push({
              ...base,
              status: 'reported',
              value: null,
              numerator: Math.floor(count * next()),
              denominator: count,
              reason: null,
            })
            break
          case 'count-with-share':
            values.push({
              ...base,
              status: 'reported',
              value: count,
              numerator: Math.floor(count * next()),
              denominator: null,
              reason: null,
            })
            break
          default:
            values.push({ ...base, status: 'reported', value: count, numerator: null, denominator: null, reason: null })
        }
      }
    }
  }
  return values
}

function time<T>(work: () => T): { ms: number; result: T } {
  const start = performance.now()
  const result = work()
  return { ms: performance.now() - start, result }
}

console.log(`Generating ${partnerships} partnerships × ${indicatorCount} indicators × ${years} years of quarters…`)
const generated = time(() => Array.from({ length: partnerships }, (_, p) => valuesFor(p)))
const data = generated.result
const valueCount = data.reduce((s, v) => s + v.length, 0)
console.log(`  ${valueCount.toLocaleString('en-GB')} values in ${generated.ms.toFixed(0)} ms`)

// Reference: the least any implementation must do — one pass summing each indicator's reported figures by year.
const reference = time(() => {
  let checksum = 0
  for (const values of data) {
    const sums = new Map<string, number>()
    for (const v of values) {
      const key = `${v.indicatorId}|${v.period.slice(0, 9)}`
      sums.set(key, (sums.get(key) ?? 0) + (v.value ?? v.numerator ?? 0))
    }
    for (const s of sums.values()) checksum += s
  }
  return checksum
})

const latestYear = financialYearId(firstYear + years - 1)
const computed = time(() => {
  const latest: PerformanceReport[] = []
  let rows = 0
  let commentaryCharacters = 0
  for (let p = 0; p < data.length; p++) {
    for (let y = 0; y < years; y++) {
      const report = buildPerformanceReport({
        partnership: `Partnership ${p}`,
        year: financialYearId(firstYear + y),
        indicators,
        values: data[p] as IndicatorValue[],
        baselines: [],
      })
      for (const theme of report.themes) {
        rows += theme.rows.length
        for (const row of theme.rows) commentaryCharacters += row.generatedCommentary.length
      }
      if (report.year === latestYear) latest.push(report)
    }
  }
  return { latest, rows, commentaryCharacters }
})

const env = createNunjucksEnvironment()
const renderedHtml = time(() =>
  computed.result.latest.reduce((bytes, r) => bytes + performanceReportStandaloneHtml(env, r).length, 0),
)
const renderedCsv = time(() => computed.result.latest.reduce((bytes, r) => bytes + performanceReportCsv(r).length, 0))

const ratio = (ms: number) => (ms / reference.ms).toFixed(1)
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
console.log('')
console.log(
  `Reference: plain loop summing ${valueCount.toLocaleString('en-GB')} values by indicator and year: ${reference.ms.toFixed(0)} ms`,
)
console.log(
  `Outturns, outcomes, significance, trends and commentary: ${computed.result.rows.toLocaleString('en-GB')} KPI rows in ` +
    `${(partnerships * years).toLocaleString('en-GB')} reports: ${computed.ms.toFixed(0)} ms ` +
    `(${((computed.result.rows / computed.ms) * 1000).toFixed(0)} rows/s; ${ratio(computed.ms)}× the reference)`,
)
console.log(
  `Render ${partnerships} standalone HTML reports (${mb(renderedHtml.result)} MB): ${renderedHtml.ms.toFixed(0)} ms ` +
    `(${(renderedHtml.ms / partnerships).toFixed(1)} ms each; ${ratio(renderedHtml.ms)}× the reference)`,
)
console.log(
  `Render ${partnerships} CSV reports (${mb(renderedCsv.result)} MB): ${renderedCsv.ms.toFixed(0)} ms ` +
    `(${(renderedCsv.ms / partnerships).toFixed(1)} ms each; ${ratio(renderedCsv.ms)}× the reference)`,
)
console.log(`Peak memory (max RSS): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
