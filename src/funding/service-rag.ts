import type { Pence } from '../domain/money.ts'

/**
 * Red, amber, green for a commissioned service's monitoring: its outputs against their targets and its spend against
 * its allocation. Pure, in whole numbers (no floating point: a target of 24 schools three quarters in is compared as
 * `actual × 4` against `target × 3`). The rules are printed on the monitoring pages in these same words
 * (`OUTPUT_RAG_RULE`, `SPEND_RAG_RULE`), and every RAG is shown as its word, never by colour alone.
 */

export type Rag = 'green' | 'amber' | 'red'

/** `none`: no judgement can be made (no target, nothing reported yet, no allocation). */
export type RagOrNone = Rag | 'none'

export const RAG_LABELS: Readonly<Record<RagOrNone, string>> = Object.freeze({
  green: 'Green',
  amber: 'Amber',
  red: 'Red',
  none: 'No RAG',
})

export const OUTPUT_RAG_RULE =
  'Outputs: the year’s target is taken pro rata up to the latest quarter reported (a quarter of the target for each quarter of the year so far: half of it at Q2, all of it at Q4), and the actuals so far are compared with that. Green at 100% or more, amber from 75% up to 100%, red below 75%. No RAG when there is no target or no quarter reported yet.'

export const SPEND_RAG_RULE =
  'Spend: red when the amount paid is more than the allocation for the year (money paid with nothing allocated is red too); amber when the forecast for the year (paid, plus the forecast for each quarter not yet paid) is more than the allocation; green otherwise. No RAG when nothing is allocated, paid or forecast for the year.'

/**
 * An output's RAG: the sum of its quarterly actuals against its year's target pro rata to the latest quarter reported
 * (`quartersReported`: 2 when Q2 is the latest quarter with a figure, whether or not Q1 has one).
 *
 * @example outputRag({ target: 24, actual: 14, quartersReported: 4 }) // 'red' (14 of 24: 58%)
 * @example outputRag({ target: 100, actual: 50, quartersReported: 2 }) // 'green' (50 of 50)
 */
export function outputRag(input: {
  readonly target: number | null
  readonly actual: number
  readonly quartersReported: number
}): RagOrNone {
  const { target, actual, quartersReported } = input
  if (target === null || quartersReported <= 0) return 'none'
  const quarters = Math.min(quartersReported, 4)
  // actual / (target × q / 4) ≥ 1  ⇔  actual × 4 ≥ target × q; ≥ 0.75  ⇔  actual × 400 ≥ 75 × target × q.
  if (actual * 4 >= target * quarters) return 'green'
  if (actual * 400 >= 75 * target * quarters) return 'amber'
  return 'red'
}

/**
 * A service's spend RAG for a year.
 *
 * @example spendRag({ allocated: 1_000_00, paid: 1_000_01, forecast: 1_000_01 }) // 'red'
 * @example spendRag({ allocated: 1_000_00, paid: 500_00, forecast: 1_000_01 }) // 'amber'
 */
export function spendRag(input: {
  readonly allocated: Pence
  readonly paid: Pence
  readonly forecast: Pence
}): RagOrNone {
  if (input.allocated === 0 && input.paid === 0 && input.forecast === 0) return 'none'
  if (input.paid > input.allocated) return 'red'
  if (input.forecast > input.allocated) return 'amber'
  return 'green'
}
