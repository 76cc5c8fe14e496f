import type { TableKind } from './raw-table.ts'

/**
 * The columns of the three import tables. `required` columns must be in the header (a cell may still be empty
 * where the row allows it); `optional` ones may be left out of the file altogether. Any other column is an error,
 * so that a misspelt column ("vlaue") is reported rather than silently ignored.
 */
export interface TableColumns {
  readonly required: readonly string[]
  readonly optional: readonly string[]
}

export const TABLE_COLUMNS: Readonly<Record<TableKind, TableColumns>> = {
  indicators: {
    required: [
      'id',
      'name',
      'priority',
      'theme',
      'definition',
      'data_owner',
      'cadence',
      'measure_type',
      'preferred_direction',
      'hidden_harm',
    ],
    optional: [
      'unit',
      'rate_per',
      'stock_aggregation',
      'share_label',
      'target_kind',
      'target_value',
      'target_comparison',
      'target_reference_year',
    ],
  },
  baselines: {
    required: ['indicator', 'year', 'source', 'value'],
    optional: ['numerator', 'denominator', 'note'],
  },
  values: {
    required: ['indicator', 'period'],
    optional: ['value', 'numerator', 'denominator', 'percent', 'text', 'status', 'reason', 'commentary'],
  },
}

export const TABLE_KINDS: readonly TableKind[] = ['indicators', 'baselines', 'values']

/**
 * A header cell as a column name: trimmed, lower case, spaces and hyphens as underscores, so "Data Owner" and
 * "data-owner" are `data_owner`.
 *
 * @example normaliseColumnName(' Measure Type ') // 'measure_type'
 */
export function normaliseColumnName(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
}

export function allColumns(kind: TableKind): readonly string[] {
  return [...TABLE_COLUMNS[kind].required, ...TABLE_COLUMNS[kind].optional]
}

/**
 * Which table a CSV file holds, from its header: the table that knows the most of its column names. A tie (a
 * header of only `indicator,value`) cannot be decided and returns null.
 */
export function identifyTable(header: readonly string[]): TableKind | null {
  const names = new Set(header.map(normaliseColumnName).filter((n) => n !== ''))
  const scores = TABLE_KINDS.map((kind) => ({ kind, score: allColumns(kind).filter((c) => names.has(c)).length }))
  scores.sort((a, b) => b.score - a.score)
  const [best, second] = scores
  if (!best || best.score === 0 || (second && second.score === best.score)) return null
  return best.kind
}

/** Edit distance, for "did you mean" on a misspelt column name. Names are short, so the quadratic method is fine. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      )
    }
    previous = current
  }
  return previous[b.length] as number
}

/** The known column closest to a misspelt one, if it is close (two edits or fewer). */
export function suggestColumn(kind: TableKind, name: string): string | null {
  let best: string | null = null
  let bestDistance = 3
  for (const column of allColumns(kind)) {
    const d = editDistance(name, column)
    if (d < bestDistance) {
      best = column
      bestDistance = d
    }
  }
  return best
}
