import type { ImportProblem } from './import-problem.ts'
import type { CellResult } from './cell-values.ts'
import {
  cellOf,
  EMPTY_CELL,
  isEmptyCell,
  type RawCell,
  type RawRow,
  type RawTable,
  type TableKind,
} from './raw-table.ts'
import { TABLE_COLUMNS, normaliseColumnName, suggestColumn } from './table-columns.ts'

/**
 * One data row of a table, read column by column. Every problem is recorded against the file, row and column
 * it belongs to, and reading carries on, so that one pass reports everything that is wrong with a file.
 */
export interface RowReader {
  readonly source: string
  readonly row: number
  /** The cell under a column; empty when the file does not have that (optional) column. */
  cell(column: string): RawCell
  isEmpty(column: string): boolean
  /** Records a problem with this row. */
  problem(column: string, reason: string): void
  /** The value of a parsed cell, or undefined after recording why it could not be read. */
  take<T>(column: string, result: CellResult<T>): T | undefined
  /** Where this row is, for pointing at it from another row: "row 7" or "values.csv, row 7". */
  where(fromSource: string): string
}

/** Where a row is, kept to point at it later: far smaller than its `RowReader` (issue 9's 100,000-row sheets). */
export interface RowPlace {
  readonly source: string
  readonly row: number
}

/** "row 7" when `fromSource` is the place's own table, else "values.csv, row 7". */
export function rowPlaceWords(place: RowPlace, fromSource: string): string {
  return fromSource === place.source ? `row ${place.row}` : `${place.source}, row ${place.row}`
}

export function rowReader(
  source: string,
  raw: RawRow,
  columns: ReadonlyMap<string, number>,
  problems: ImportProblem[],
): RowReader {
  const reader: RowReader = {
    source,
    row: raw.row,
    cell(column) {
      const index = columns.get(column)
      return index === undefined ? EMPTY_CELL : cellOf(raw.cells[index])
    },
    isEmpty(column) {
      return isEmptyCell(reader.cell(column))
    },
    problem(column, reason) {
      problems.push({ file: source, row: raw.row, column, reason })
    },
    take(column, result) {
      if (result.ok) return result.value
      reader.problem(column, result.reason)
      return undefined
    },
    where(fromSource) {
      return rowPlaceWords(reader, fromSource)
    },
  }
  return reader
}

const TABLE_NAMES: Readonly<Record<TableKind, string>> = {
  indicators: 'an indicators table',
  baselines: 'a baselines table',
  values: 'a values table',
}

/**
 * Checks a table's header against the columns of its kind and maps each known column to its position.
 * Unknown, duplicate and unnamed-but-used columns and missing required columns are problems (row 1). Returns
 * null for the columns when the rows cannot be read safely (a required column missing, a name used twice).
 */
export function readHeader(
  table: RawTable,
  kind: TableKind,
  problems: ImportProblem[],
): ReadonlyMap<string, number> | null {
  const spec = TABLE_COLUMNS[kind]
  const known = new Set([...spec.required, ...spec.optional])
  const columns = new Map<string, number>()
  let usable = true
  const problem = (column: string, reason: string) => problems.push({ file: table.source, row: 1, column, reason })

  table.header.forEach((written, index) => {
    const name = normaliseColumnName(written)
    if (name === '') {
      // A column with no name is harmless while it is empty (a trailing comma); with data in it, it is an error.
      const used = table.rows.some((r) => !isEmptyCell(r.cells[index]))
      if (used) problem('', `column ${index + 1} has data but no name in the header: name it or delete it`)
      return
    }
    if (!known.has(name)) {
      const suggestion = suggestColumn(kind, name)
      // The header comes from the uploader: cut it short before it goes into a message.
      const trimmed = written.trim()
      const shown = trimmed.length > 60 ? `${trimmed.slice(0, 60)}…` : trimmed
      problem(
        shown,
        `unknown column ${JSON.stringify(shown)} in ${TABLE_NAMES[kind]}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; the columns are: ${[...known].join(', ')}`,
      )
      return
    }
    const earlier = columns.get(name)
    if (earlier !== undefined) {
      problem(name, `column ${name} appears twice in the header (columns ${earlier + 1} and ${index + 1})`)
      usable = false
      return
    }
    columns.set(name, index)
  })
  for (const required of spec.required) {
    if (!columns.has(required)) {
      problem(required, `required column ${required} is missing from the header of ${TABLE_NAMES[kind]}`)
      usable = false
    }
  }
  return usable ? columns : null
}
