/**
 * `npm run bench:plan` (and the second half of `npm run bench`): the plan and its money at national scale.
 *
 * Generates, deterministically, 300 partnerships × 80 commissioned services × 10 financial years (each year: an
 * allocation, a commitment, and an actual and a forecast per quarter for every service; awards and carry-forwards per
 * stream; about 2.4 million rows), then times, each printed as a ratio to a reference measured in the same run (a
 * plain loop summing the same rows by partnership, year and service: the least work any implementation must do), in
 * wall time and processor time:
 * 1. every partnership's every year's budget (`computeYearBudget`: budget, allocations, spend and forecast outturn by
 *    stream, priority and service, and the reconciliation in words);
 * 2. every partnership's Appendix A for its latest year, computed (`buildAppendixA`, the narrative checked) and
 *    rendered as the standalone HTML file;
 * 3. every partnership's strategy page (a 10-year strategy, 4 priorities with 3 delivery priorities a year, 60 KPIs
 *    linked, actions counted, the latest year's money per priority), computed (`buildStrategyOverview`) and rendered
 *    with its page template. The KPIs' outcomes come from one performance report shared by every partnership (the
 *    report's own cost is measured by the first half of `npm run bench`).
 *
 * Options: --partnerships N (default 300), --services N (80), --years N (10).
 */
import { parseOptions } from '../src/cli/command.ts'
import { computeYearBudget, reconciliationSentences, type BudgetRows } from '../src/domain/budget.ts'
import { financialYearId } from '../src/domain/period.ts'
import { buildPerformanceReport } from '../src/domain/build-performance-report.ts'
import { buildAppendixA } from '../src/funding/appendix-a.ts'
import { appendixAStandaloneHtml } from '../src/funding/appendix-a-exports.ts'
import { moneyByPriority } from '../src/plan/strategy-money.ts'
import { buildStrategyOverview } from '../src/plan/strategy-overview.ts'
import { STATUS_TAG, STATUS_WORDS } from '../src/plan/strategy-routes.ts'
import { OUTCOME_TAG } from '../src/reports/outcome-tags.ts'
import { createNunjucksEnvironment } from '../src/shared/web/nunjucks-setup.ts'
import { generatedBudgetRows } from './plan-and-budget-data.ts'
import { generatedIndicators, generatedValues } from './performance-framework-data.ts'
import { time } from './support/measure.ts'

const { options } = parseOptions(process.argv.slice(2))
const partnerships = Number(options.get('partnerships') ?? 300)
const serviceCount = Number(options.get('services') ?? 80)
const years = Number(options.get('years') ?? 10)
const firstYear = 2016

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

const latestYear = financialYearId(firstYear + years - 1)
const env = createNunjucksEnvironment()
const narrative =
  'The total income allocated from PCC was £339,995. This, along with an agreed carry forward of £38,435, amounted to a budget of £378,390.'
const appendix = time(() => {
  let bytes = 0
  for (let p = 0; p < data.length; p++) {
    const built = buildAppendixA(`Partnership ${p}`, data[p] as BudgetRows, latestYear, narrative)
    bytes += appendixAStandaloneHtml(env, built).length
  }
  return bytes
})

// The strategy: 4 priorities, 3 delivery priorities a year for 10 years, the 60 KPIs of the performance bench linked.
const indicators = generatedIndicators(60)
const report = buildPerformanceReport({
  partnership: 'Partnership 0',
  year: latestYear,
  indicators,
  values: generatedValues(0, indicators, firstYear, years),
  baselines: [],
})
const stamp = { updated_at: '2026-01-01T00:00:00.000Z', updated_by: 'bench' }
const strategyYears = Array.from({ length: years }, (_, y) => financialYearId(firstYear + y))
const detail = {
  strategy: {
    id: 1,
    title: 'Community Safety Strategy',
    first_year: strategyYears[0] as string,
    last_year: latestYear,
    status: 'approved' as const,
    summary: null,
    approved_at: '2016-04-01T00:00:00.000Z',
    approved_by: 'Board',
    approved_on: '2016-04-01',
    ...stamp,
  },
  years: strategyYears,
  priorities: [1, 2, 3, 4].map((id) => ({
    id,
    strategy_id: 1,
    position: id,
    name: `Priority ${id}`,
    description: null,
    kind: 'strategic' as const,
    ...stamp,
    delivery: strategyYears.flatMap((year, y) =>
      [1, 2, 3].map((d) => ({
        id: id * 1000 + y * 10 + d,
        strategic_priority_id: id,
        year,
        position: d,
        name: `Delivery priority ${d} of ${year}`,
        description: null,
        ...stamp,
      })),
    ),
  })),
}
const links = indicators.map((indicator, i) => ({
  id: i + 1,
  indicator_id: indicator.id,
  strategic_priority_id: (i % 4) + 1,
  delivery_priority_id: null,
  ...stamp,
}))
const actionCounts = [1, 2, 3, 4].flatMap((priorityId) =>
  (['on-track', 'at-risk', 'complete'] as const).map((status, i) => ({ priorityId, status, count: 3 + i })),
)
const kpiNames = new Map(indicators.map((k) => [k.id, k.name]))
const strategyPages = time(() => {
  let bytes = 0
  for (const rows of data) {
    const money = moneyByPriority(computeYearBudget(rows, latestYear))
    const view = buildStrategyOverview({
      detail,
      report,
      links,
      actionCounts,
      money: (id) => money.get(id) ?? null,
      kpiNames,
    })
    bytes += env.render('plan/strategy-overview.njk', {
      pageTitle: detail.strategy.title,
      statusWords: STATUS_WORDS,
      statusTag: STATUS_TAG,
      outcomeTag: OUTCOME_TAG,
      readsWholePlan: true,
      view,
      money: { year: latestYear, label: '', years: [] },
      moneyReadable: true,
    }).length
  }
  return bytes
})
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
console.log(
  `Appendix A for the latest year, computed and rendered as standalone HTML, ${partnerships} partnerships ` +
    `(${mb(appendix.result)} MB): ${appendix.ms.toFixed(0)} ms (${(appendix.ms / partnerships).toFixed(1)} ms each; ${ratio(appendix)})`,
)
console.log(
  `Strategy pages computed and rendered, ${partnerships} partnerships (${mb(strategyPages.result)} MB): ` +
    `${strategyPages.ms.toFixed(0)} ms (${(strategyPages.ms / partnerships).toFixed(1)} ms each; ${ratio(strategyPages)})`,
)
console.log(`Peak memory (max RSS): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
