import { nextFinancialYear } from '../domain/budget.ts'
import { formatMoney } from '../domain/money.ts'
import type { BudgetPage } from './budget-service.ts'
import { currentFinancialYear } from './funding-stream-years.ts'
import { streamBudgetSentence } from './budget-words.ts'

/** What a page says beside a figure the seed does not give (a demo figure). */
export const ILLUSTRATIVE_LABEL = 'Illustrative figure (not Wolverhampton’s)'

const yearLabel = (year: string) => `${year.slice(2, 6)}/${year.slice(7, 9)}`

/**
 * The budget page's tables and forms' choices, every amount formatted (formatMoney) and every illustrative line
 * marked: the template only lays them out.
 */
export function budgetPageView(page: BudgetPage & { readonly years: readonly string[] }) {
  const { budget, rows } = page
  const money = (pence: number) => formatMoney(pence)
  const priorityName = (id: number | null) =>
    id === null ? '' : (rows.priorities.find((p) => p.id === id)?.name ?? `Priority ${id}`)
  const serviceName = (id: number | null) => {
    if (id === null) return ''
    const service = rows.services.find((s) => s.id === id)
    return service ? `${service.reference} ${service.title}` : `Service ${id}`
  }
  const streamName = (id: number) => page.streams.find((s) => s.id === id)?.name ?? `Stream ${id}`
  const years = [...new Set([...page.years, page.year, currentFinancialYear(new Date())])].sort()
  return {
    year: page.year,
    yearLabel: yearLabel(page.year),
    nextYearLabel: yearLabel(nextFinancialYear(page.year)),
    years: years.map((y) => ({ value: y, text: yearLabel(y), selected: y === page.year })),
    illustrativeLabel: ILLUSTRATIVE_LABEL,
    anyIllustrative: budget.illustrative,
    totals: {
      income: money(budget.income),
      received: money(budget.received),
      carryForwardIn: money(budget.carryForwardIn),
      budget: money(budget.budget),
      allocated: money(budget.allocated),
      spent: money(budget.spent),
      forecastOutturn: money(budget.forecastOutturn),
      leftToCarryForward: money(budget.leftToCarryForward),
    },
    quartersWithActuals: budget.quartersWithActuals,
    streams: budget.streams.map((s) => ({
      id: s.stream.id,
      name: s.stream.name,
      funder: s.stream.funder,
      income: money(s.income),
      received: money(s.received),
      carryForwardIn: money(s.carryForwardIn),
      budget: money(s.budget),
      allocated: money(s.allocated),
      spent: money(s.spent),
      forecastOutturn: money(s.forecastOutturn),
      left: money(s.leftToCarryForward),
      carryForwardOutAgreed: s.carryForwardOutAgreed === null ? null : money(s.carryForwardOutAgreed),
      sentence: streamBudgetSentence(budget, s),
      // The sentence is income and carry-forward only: illustrative when one of those is.
      sentenceIllustrative:
        page.awards.some((a) => a.streamId === s.stream.id && a.year === page.year && a.illustrative) ||
        page.carryForwards.some((c) => c.streamId === s.stream.id && c.intoYear === page.year && c.illustrative),
      illustrative: s.illustrative,
    })),
    priorities: budget.priorities.map((p) => ({
      name: p.priority ? p.priority.name : 'Tied to no priority',
      allocated: money(p.allocated),
      spent: money(p.spent),
      forecastOutturn: money(p.forecastOutturn),
      illustrative: p.illustrative,
    })),
    allStreams: page.streams.map((s) => {
      const awards = page.awards.filter((a) => a.streamId === s.id)
      return {
        id: s.id,
        name: s.name,
        funder: s.funder,
        years:
          s.firstYear === s.lastYear ? yearLabel(s.firstYear) : `${yearLabel(s.firstYear)} to ${yearLabel(s.lastYear)}`,
        purpose: s.purpose,
        conditions: s.conditions,
        funderReference: s.funderReference,
        awards: awards.map((a) => ({
          year: yearLabel(a.year),
          awarded: money(a.awardedPence),
          received: money(a.receivedPence),
          illustrative: a.illustrative,
        })),
        carryForwards: page.carryForwards
          .filter((c) => c.streamId === s.id)
          .map((c) => ({
            intoYear: yearLabel(c.intoYear),
            amount: money(c.amountPence),
            illustrative: c.illustrative,
          })),
      }
    }),
    allocations: page.allocations.map((a) => ({
      id: a.id,
      stream: streamName(a.streamId),
      priority: priorityName(a.priorityId),
      service: serviceName(a.serviceId),
      amount: money(a.amountPence),
      note: a.note,
      illustrative: a.illustrative,
    })),
    spend: page.spend.map((s) => ({
      stream: streamName(s.streamId),
      quarter: s.period.slice(-2),
      kind: s.kind,
      priority: priorityName(s.priorityId),
      service: serviceName(s.serviceId),
      amount: money(s.amountPence),
      illustrative: s.illustrative,
    })),
    streamItems: page.streams.map((s) => ({ value: String(s.id), text: s.name })),
    priorityItems: rows.priorities.map((p) => ({ value: String(p.id), text: p.name })),
    serviceItems: rows.services.map((s) => ({ value: String(s.id), text: `${s.reference} ${s.title}` })),
  }
}
