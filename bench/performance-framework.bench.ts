/**
 * `npm run bench`: how long the performance framework's calculations and report rendering take at national scale.
 *
 * Generates, deterministically, 350 partnerships × 60 indicators × 10 financial years of quarters (840,000 values,
 * a mix of counts, proportions, counts with a share and stocks, with some missing and suppressed), then times:
 * 1. computing every outturn, outcome, significance reading, trend and commentary: one `buildPerformanceReport`
 *    per partnership per year (3,500 reports, 210,000 KPI rows);
 * 2. rendering each partnership's latest report as a standalone HTML page and as CSV (350 of each);
 * and prints each as a ratio to a reference measured in the same run: a plain loop that sums the same values by
 * indicator and year (the least work any implementation must do), both in wall time and in processor time (steadier
 * on a machine others share). Peak memory (max RSS) is printed after the computation and at the end, and the heap
 * still in use after a full collection (the live memory, without the garbage not yet collected).
 *
 * Options: --partnerships N (default 350: 3,500 reports), --indicators N (60), --years N (10). A quick run:
 * `npm run bench -- --partnerships 20`.
 */
import v8 from 'node:v8'
import vm from 'node:vm'
import { parseOptions } from '../src/cli/command.ts'
import { buildPerformanceReport } from '../src/domain/build-performance-report.ts'
import type { IndicatorValue } from '../src/domain/indicator.ts'
import { financialYearId } from '../src/domain/period.ts'
import type { PerformanceReport } from '../src/domain/performance-report.ts'
import { performanceReportCsv } from '../src/reports/csv.ts'
import { performanceReportStandaloneHtml } from '../src/reports/html.ts'
import { createNunjucksEnvironment } from '../src/shared/web/nunjucks-setup.ts'
import { generatedIndicators, generatedValues, referenceLoop } from './performance-framework-data.ts'
import { peakMb, time } from './support/measure.ts'

const { options } = parseOptions(process.argv.slice(2))
const partnerships = Number(options.get('partnerships') ?? 350)
const indicatorCount = Number(options.get('indicators') ?? 60)
const years = Number(options.get('years') ?? 10)
const firstYear = 2014

const indicators = generatedIndicators(indicatorCount)
const valuesFor = (partnership: number) => generatedValues(partnership, indicators, firstYear, years)

/**
 * The JavaScript heap still in use after a full collection, in MB: what the computation keeps alive, apart from the
 * garbage a busy machine's collector has not reached yet (which the peak resident set includes).
 */
v8.setFlagsFromString('--expose-gc')
const collectGarbage = vm.runInNewContext('gc') as () => void
function liveHeapMb(): number {
  collectGarbage()
  return v8.getHeapStatistics().used_heap_size / 1024 / 1024
}

console.log(`Generating ${partnerships} partnerships × ${indicatorCount} indicators × ${years} years of quarters…`)
const generated = time(() => Array.from({ length: partnerships }, (_, p) => valuesFor(p)))
const data = generated.result
const valueCount = data.reduce((s, v) => s + v.length, 0)
console.log(`  ${valueCount.toLocaleString('en-GB')} values in ${generated.ms.toFixed(0)} ms`)

// Reference: the least any implementation must do — one pass summing each indicator's reported figures by year.
const reference = time(() => referenceLoop(data))

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

const peakAfterComputing = peakMb()
const liveAfterComputing = liveHeapMb()

const env = createNunjucksEnvironment()
const renderedHtml = time(() =>
  computed.result.latest.reduce((bytes, r) => bytes + performanceReportStandaloneHtml(env, r).length, 0),
)
const renderedCsv = time(() => computed.result.latest.reduce((bytes, r) => bytes + performanceReportCsv(r).length, 0))

const ratio = (run: { ms: number; cpuMs: number }) =>
  `${(run.ms / reference.ms).toFixed(1)}× the reference; processor time ${run.cpuMs.toFixed(0)} ms, ` +
  `${(run.cpuMs / reference.cpuMs).toFixed(1)}×`
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
console.log('')
console.log(
  `Reference: plain loop summing ${valueCount.toLocaleString('en-GB')} values by indicator and year: ` +
    `${reference.ms.toFixed(0)} ms (processor time ${reference.cpuMs.toFixed(0)} ms)`,
)
console.log(
  `Outturns, outcomes, significance, trends and commentary: ${computed.result.rows.toLocaleString('en-GB')} KPI rows in ` +
    `${(partnerships * years).toLocaleString('en-GB')} reports: ${computed.ms.toFixed(0)} ms ` +
    `(${((computed.result.rows / computed.ms) * 1000).toFixed(0)} rows/s; ${ratio(computed)})`,
)
console.log(
  `Render ${partnerships} standalone HTML reports (${mb(renderedHtml.result)} MB): ${renderedHtml.ms.toFixed(0)} ms ` +
    `(${(renderedHtml.ms / partnerships).toFixed(1)} ms each; ${ratio(renderedHtml)})`,
)
console.log(
  `Render ${partnerships} CSV reports (${mb(renderedCsv.result)} MB): ${renderedCsv.ms.toFixed(0)} ms ` +
    `(${(renderedCsv.ms / partnerships).toFixed(1)} ms each; ${ratio(renderedCsv)})`,
)
console.log(
  `Peak memory (max RSS): ${peakAfterComputing.toFixed(0)} MB after computing (the values, the computation, and the ` +
    `${partnerships} latest reports kept for rendering); ${peakMb().toFixed(0)} MB at the end`,
)
console.log(
  `Live JavaScript heap after a full collection, after computing: ${liveAfterComputing.toFixed(0)} MB ` +
    `(the values and the ${partnerships} reports kept)`,
)
