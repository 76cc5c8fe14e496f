import type { Indicator } from '../../domain/indicator.ts'
import { decimalPlaces, parseTextCell, quoteCell } from './cell-values.ts'
import type { NumberRule } from './cell-values.ts'
import type { RowReader } from './row-reader.ts'
import { editDistance } from './table-columns.ts'

/**
 * Checks shared by the baselines and values tables: finding the indicator a row is about, and whether a
 * published percentage agrees with the counts given beside it.
 */

/** What messages need beyond the row: this financial year for examples, and the ids an unknown one may mean. */
export interface ImportHelp {
  /** The current financial year's starting calendar year (2026 for 2026/27). */
  readonly financialYear: number
  /** The known indicator id a mistyped one most likely means, if one is close. */
  suggestIndicator(id: string): string | undefined
}

/**
 * The id among `ids` that `typed` most likely means: one that `typed` starts or ends with at a word boundary
 * (`knife-crime` for `knife`), or failing that the nearest within a few edits (`knife-crme`). Undefined when
 * none is close, or two are equally close (a guess would mislead).
 *
 * @example closestIndicatorId('knife-crime', ['knife', 'asb']) // 'knife'
 */
export function closestIndicatorId(typed: string, ids: Iterable<string>): string | undefined {
  const wanted = typed.toLowerCase()
  const words = (s: string) => s.split(/[-_\s]+/).filter((w) => w !== '')
  let best: string | undefined
  let bestScore = Number.POSITIVE_INFINITY
  let tied = false
  for (const id of ids) {
    const candidate = id.toLowerCase()
    if (candidate === wanted) return id
    const a = words(wanted)
    const b = words(candidate)
    const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a]
    const startsOrEnds =
      shorter.length > 0 &&
      (shorter.every((w, i) => longer[i] === w) ||
        shorter.every((w, i) => longer[longer.length - shorter.length + i] === w))
    const distance = editDistance(wanted, candidate)
    const limit = Math.max(2, Math.floor(Math.min(wanted.length, candidate.length) / 4))
    // A word-boundary match ranks before any spelling match; among each, the nearer the better.
    const score = startsOrEnds ? distance : distance <= limit ? 1000 + distance : Number.POSITIVE_INFINITY
    if (score < bestScore) {
      best = id
      bestScore = score
      tied = false
    } else if (score === bestScore && score !== Number.POSITIVE_INFINITY) tied = true
  }
  return tied ? undefined : best
}

/** An indicator by id: the indicator, `'unusable'` when its own row in this import has problems, or undefined. */
export type IndicatorLookup = (id: string) => Indicator | 'unusable' | undefined

/**
 * Reads the `indicator` column and finds the indicator. Returns the indicator; `'unusable'` when it exists but its
 * definition in this import is wrong (the row is then checked only for what does not depend on it, with no
 * further problem recorded about it); undefined when the column is empty or names no indicator.
 */
export function readIndicatorReference(
  r: RowReader,
  lookup: IndicatorLookup,
  help: ImportHelp,
): Indicator | 'unusable' | undefined {
  const id = r.take('indicator', parseTextCell(r.cell('indicator'), { maxLength: 64, singleLine: true }))
  if (id === undefined) return undefined
  if (id === null) {
    r.problem('indicator', 'the indicator id is empty')
    return undefined
  }
  const found = lookup(id)
  if (found === undefined) {
    const meant = help.suggestIndicator(id)
    r.problem(
      'indicator',
      `unknown indicator ${quoteCell(id)}${meant ? ` (did you mean ${meant}?)` : ''}: it is neither in this import's indicators nor already in the system`,
    )
  }
  return found
}

/**
 * Whether a published percentage agrees with its counts, allowing for the publisher's rounding or truncation to
 * the decimal places given (the seed prints 10/38 = 26.3158% as "26.31%", and 1/3 as "33%").
 *
 * @example percentAgrees(10, 38, 26.31) // true
 * @example percentAgrees(8, 49, 61.2) // false
 */
export function percentAgrees(numerator: number, denominator: number, percent: number): boolean {
  if (denominator === 0) return numerator === 0 && percent === 0
  const computed = (numerator / denominator) * 100
  return Math.abs(computed - percent) < 10 ** -decimalPlaces(percent)
}

/** "16.33%" for a message. */
export function percentText(numerator: number, denominator: number): string {
  return `${Number(((numerator / denominator) * 100).toFixed(2))}%`
}

export const COUNT: NumberRule = Object.freeze({ integer: true, what: 'a count' })
export const PERCENT: NumberRule = Object.freeze({ integer: false, max: 100, percent: true, what: 'a percentage' })
export const FIGURE: NumberRule = Object.freeze({ integer: false, what: 'a figure' })
