import { computeYearBudget, yearsWithMoney, type BudgetRows, type YearBudget } from '../domain/budget.ts'
import type { PriorityMoney } from './strategy-overview.ts'

/** Each priority's money in the year, from the one computation of the year's budget (never summed here). */
export function moneyByPriority(budget: YearBudget): Map<number, PriorityMoney> {
  const byPriority = new Map<number, PriorityMoney>()
  for (const p of budget.priorities) {
    if (p.priority === null) continue
    byPriority.set(p.priority.id, {
      allocatedPence: p.allocated,
      spentPence: p.spent,
      services: p.services.length,
      illustrative: p.illustrative,
    })
  }
  return byPriority
}

/**
 * A reader of a year's money per priority for the plan's pages: the rows read once per page, the budget computed by
 * src/domain/budget.ts. The year is the one asked for when it is one of the strategy's; else the current year when
 * it is one of them; else the strategy's latest year that holds any money; null when none of its years does.
 *
 * @example const money = await planMoney(() => budget.rows())(['FY2017-18', 'FY2018-19'], null, 'FY2026-27')
 */
export function planMoney(readRows: () => Promise<BudgetRows>) {
  return async (
    years: readonly string[],
    wanted: string | null,
    current: string,
  ): Promise<{ year: string; byPriority: Map<number, PriorityMoney>; yearsWithMoney: string[] } | null> => {
    const rows = await readRows()
    const held = new Set(yearsWithMoney(rows))
    const withMoney = years.filter((y) => held.has(y))
    const year =
      wanted !== null && years.includes(wanted)
        ? wanted
        : years.includes(current) && held.has(current)
          ? current
          : (withMoney.at(-1) ?? null)
    if (year === null) return null
    return { year, byPriority: moneyByPriority(computeYearBudget(rows, year)), yearsWithMoney: withMoney }
  }
}
