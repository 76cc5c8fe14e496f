import type { BudgetRows, BudgetSpend } from '../src/domain/budget.ts'
import { financialYearId } from '../src/domain/period.ts'

/**
 * A partnership's money, generated deterministically for the plan-and-budget benchmark: 3 funding streams,
 * 4 strategic priorities and `serviceCount` commissioned services; for each of `years` financial years an award and a
 * carry-forward per stream, an allocation per service and per priority, a commitment per service, and per service and
 * quarter an actual and a forecast (the later quarters of the last year have forecasts only).
 */
export function generatedBudgetRows(
  partnership: number,
  serviceCount: number,
  firstYear: number,
  years: number,
): BudgetRows {
  let seed = (partnership + 1) * 2_654_435_761
  const next = (limit: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return seed % limit
  }
  const streams = [0, 1, 2].map((i) => ({ id: i + 1, name: `Stream ${i + 1}`, funder: `Funder ${i + 1}` }))
  const priorities = [0, 1, 2, 3].map((i) => ({ id: i + 1, name: `Priority ${i + 1}`, position: i + 1 }))
  const services = Array.from({ length: serviceCount }, (_, i) => ({
    id: i + 1,
    reference: `S${i + 1}`,
    title: `Service ${i + 1}`,
    priorityId: (i % 4) + 1,
    streamId: (i % 3) + 1,
  }))
  const awards: BudgetRows['awards'][number][] = []
  const carryForwards: BudgetRows['carryForwards'][number][] = []
  const allocations: BudgetRows['allocations'][number][] = []
  const commitments: BudgetRows['commitments'][number][] = []
  const spend: BudgetSpend[] = []
  for (let y = 0; y < years; y++) {
    const year = financialYearId(firstYear + y)
    for (const stream of streams) {
      awards.push({
        streamId: stream.id,
        year,
        awardedPence: 10_000_000 + next(90_000_000),
        receivedPence: 0,
        illustrative: false,
      })
      carryForwards.push({ streamId: stream.id, intoYear: year, amountPence: next(5_000_000), illustrative: false })
    }
    for (const priority of priorities)
      allocations.push({
        streamId: 1,
        year,
        priorityId: priority.id,
        serviceId: null,
        amountPence: next(1_000_000),
        illustrative: false,
      })
    for (const service of services) {
      const amount = 100_000 + next(2_000_000)
      allocations.push({
        streamId: service.streamId,
        year,
        priorityId: null,
        serviceId: service.id,
        amountPence: amount,
        illustrative: false,
      })
      commitments.push({ serviceId: service.id, year, amountPence: amount, illustrative: false })
      for (let q = 1; q <= 4; q++) {
        const period = `${year}-Q${q}`
        const line = {
          streamId: service.streamId,
          period,
          priorityId: null,
          serviceId: service.id,
          illustrative: false,
        }
        spend.push({ ...line, kind: 'forecast', amountPence: Math.floor(amount / 4) })
        if (y < years - 1 || q <= 2)
          spend.push({ ...line, kind: 'actual', amountPence: Math.floor(amount / 4) + next(20_000) - 10_000 })
      }
    }
  }
  return { streams, priorities, services, awards, carryForwards, allocations, commitments, spend }
}
