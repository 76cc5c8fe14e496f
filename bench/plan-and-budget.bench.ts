/**
 * `npm run bench:plan` (and the second half of `npm run bench`): the plan's money at national scale.
 *
 * Generates, deterministically, 300 partnerships × 80 commissioned services × 10 financial years (each year: an
 * allocation, a commitment, and an actual and a forecast per quarter for every service; awards and carry-forwards per
 * stream; about 2.4 million rows), then times computing every partnership's every year (`computeYearBudget`: budget,
 * allocations, spend and forecast outturn by stream, priority and service, and the reconciliation), and prints it as
 * a ratio to a reference measured in the same run: a plain loop summing the same rows by partnership, year and
 * service (the least work any implementation must do), in wall time and processor time.
 *
 * Options: --partnerships N (default 300), --services N (80), --years N (10).
 */
import { performance } from 'node:perf_hooks'
import { parseOptions } from '../src/cli/command.ts'
import { computeYearBudget, reconciliationSentences, type BudgetRows } from '../src/domain/budget.ts'
import { financialYearId } from '../src/domain/period.ts'
import { generatedBudgetRows } from './plan-and-budget-data.ts'

const { options } = parseOptions(process.argv.slice(2))
const partnerships = Number(options.get('partnerships') ?? 300)
const serviceCount = Number(options.get('services') ?? 80)
const years = Number(options.get('years') ?? 10)
const firstYear = 2016

function time<T>(work: () => T): { ms: number; cpuMs: number; result: T } {
  const start = performance.now()
  const cpu = process.cpuUsage()
  const result = work()
  const used = process.cpuUsage(cpu)
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, result }
}

console.log(`Generating ${partnerships} partnerships × ${serviceCount} services × ${years} years of money…`)
const generated = time(() =>
  Array.from({ length: partnerships }, (_, p) => generatedBudgetRows(p, serviceCount, firstYear, years)),
)
const data: BudgetRows[] = generated.result
const rowCount = data.reduce(
  (s, r) => s + r.awards.length + r.carryForwards.length + r.allocations.length + r.commitments.length + r.spend.length,
  0,
)
console.log(`  ${rowCount.toLocaleString('en-GB')} rows in ${generated.ms.toFixed(0)} ms`)

// Reference: one pass summing each service's allocations and spend by year, and each stream's income.
const reference = time(() => {
  let checksum = 0
  for (const rows of data) {
    const sums = new Map<string, number>()
    const add = (key: string, amount: number) => sums.set(key, (sums.get(key) ?? 0) + amount)
    for (const a of rows.awards) add(`${a.streamId}|${a.year}`, a.awardedPence)
    for (const c of rows.carryForwards) add(`${c.streamId}|${c.intoYear}`, c.amountPence)
    for (const a of rows.allocations) add(`${a.serviceId}|${a.year}`, a.amountPence)
    for (const c of rows.commitments) add(`c${c.serviceId}|${c.year}`, c.amountPence)
    for (const s of rows.spend) add(`${s.serviceId}|${s.period.slice(0, 9)}|${s.kind}`, s.amountPence)
    for (const value of sums.values()) checksum += value
  }
  return checksum
})

const computed = time(() => {
  let lines = 0
  let sentences = 0
  for (const rows of data) {
    for (let y = 0; y < years; y++) {
      const budget = computeYearBudget(rows, financialYearId(firstYear + y))
      lines += budget.services.length + budget.priorities.length + budget.streams.length
      sentences += reconciliationSentences(budget).length
    }
  }
  return { lines, sentences }
})

const ratio = (run: { ms: number; cpuMs: number }) =>
  `${(run.ms / reference.ms).toFixed(1)}× the reference; processor time ${run.cpuMs.toFixed(0)} ms, ` +
  `${(run.cpuMs / reference.cpuMs).toFixed(1)}×`
console.log('')
console.log(
  `Reference: plain loop summing ${rowCount.toLocaleString('en-GB')} rows by partnership, year and service: ` +
    `${reference.ms.toFixed(0)} ms (processor time ${reference.cpuMs.toFixed(0)} ms)`,
)
console.log(
  `Budgets (${(partnerships * years).toLocaleString('en-GB')} partnership-years, ` +
    `${computed.result.lines.toLocaleString('en-GB')} stream, priority and service lines, ` +
    `${computed.result.sentences.toLocaleString('en-GB')} reconciliation sentences): ${computed.ms.toFixed(0)} ms (${ratio(computed)})`,
)
console.log(`Peak memory (max RSS): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
