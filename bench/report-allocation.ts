/**
 * `npx tsx bench/report-allocation.ts`: how many bytes the report computation allocates per KPI row, and where.
 *
 * On a shared machine the processor time of one `npm run bench` differs by half from run to run (docs/architecture.md,
 * "Reports computed…"); the bytes allocated do not depend on the load, and the garbage collector's share of the time
 * follows them. This builds the same generated frameworks as `npm run bench` (each partnership's ten years), once to
 * warm up, then again under V8's sampling heap profiler with collected objects included, and prints the bytes per
 * row in all and by the function that allocated them (a sample every 1 KB: estimates; with 20 partnerships three runs
 * gave 19,268–19,327 bytes a row before the rows were rebuilt for issue 8 item 6, two runs 16,164–16,311 after;
 * with 10 they differed by a tenth).
 *
 * Options: --partnerships N (default 20), --functions N (how many functions to list, default 25).
 */
import { Session } from 'node:inspector/promises'
import { parseOptions } from '../src/cli/command.ts'
import { buildPerformanceReport } from '../src/domain/build-performance-report.ts'
import { financialYearId } from '../src/domain/period.ts'
import { generatedIndicators, generatedValues } from './performance-framework-data.ts'

const { options } = parseOptions(process.argv.slice(2))
const partnerships = Number(options.get('partnerships') ?? 20)
const functions = Number(options.get('functions') ?? 25)
const firstYear = 2014
const years = 10

const indicators = generatedIndicators(60)
const data = Array.from({ length: partnerships }, (_, p) => generatedValues(p, indicators, firstYear, years))

function computeEveryReport(): number {
  let rows = 0
  for (let p = 0; p < data.length; p++) {
    for (let y = 0; y < years; y++) {
      const report = buildPerformanceReport({
        partnership: `Partnership ${p}`,
        year: financialYearId(firstYear + y),
        indicators,
        values: data[p] ?? [],
        baselines: [],
      })
      rows += report.summary.indicators
    }
  }
  return rows
}

/** The parts of V8's sampling heap profile this reads. */
interface SampledNode {
  readonly callFrame: { readonly functionName: string; readonly url: string }
  readonly selfSize: number
  readonly children: readonly SampledNode[]
}

computeEveryReport()
const session = new Session()
session.connect()
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 1024,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
})
const rows = computeEveryReport()
const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: SampledNode } }
session.disconnect()

const byFunction = new Map<string, number>()
let total = 0
const pending: SampledNode[] = [profile.head]
for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
  const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop() ?? ''}`
  byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize)
  total += node.selfSize
  pending.push(...node.children)
}
console.log(`${rows.toLocaleString('en-GB')} KPI rows: about ${(total / rows).toFixed(0)} bytes allocated a row`)
for (const [name, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, functions)) {
  console.log(`${(bytes / rows).toFixed(0).padStart(8)}  ${name.trim()}`)
}
