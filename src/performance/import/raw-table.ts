/**
 * What a CSV file or a worksheet becomes before any column is interpreted: a header and rows of cells, each row
 * with the number a spreadsheet user sees beside it (the header is row 1). CSV cells are always text; a worksheet
 * cell keeps the kind Excel stored, so that a date typed into a period column can be named as a date.
 */
export type RawCell =
  | { readonly kind: 'empty' }
  | { readonly kind: 'text'; readonly text: string }
  /** `percentFormat`: Excel shows the cell as a percentage (it stores 0.498 and shows 49.8%). */
  | { readonly kind: 'number'; readonly value: number; readonly percentFormat: boolean }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'date'; readonly value: Date }
  /** A cell that cannot be read at all: a formula without a saved result, an error such as #DIV/0!. */
  | { readonly kind: 'unreadable'; readonly reason: string }

export const EMPTY_CELL: RawCell = Object.freeze({ kind: 'empty' })

/**
 * A cell as a table row keeps it: a text cell as its bare (non-empty) string, any other as its `RawCell`. Most cells
 * of an import are texts, and an object for each was a fifth of a 100,000-row sheet's memory in the reading worker
 * (issue 9). Read through `cellOf`.
 */
export type KeptCell = RawCell | string

export interface RawRow {
  /** 1-based, as a spreadsheet shows it: the header is row 1. */
  readonly row: number
  readonly cells: readonly KeptCell[]
}

/** A kept cell as the `RawCell` it stands for (a missing one is empty). */
export function cellOf(kept: KeptCell | undefined): RawCell {
  if (kept === undefined) return EMPTY_CELL
  if (typeof kept === 'string') return kept === '' ? EMPTY_CELL : { kind: 'text', text: kept }
  return kept
}

export interface RawTable {
  /** How problems name where the table came from: `values.csv`, or `book.xlsx, sheet Values`. */
  readonly source: string
  /** The header row as written (untrimmed), one entry per column. */
  readonly header: readonly string[]
  /** Data rows, blank rows left out (their numbers are kept by the rows around them). */
  readonly rows: readonly RawRow[]
  /** For a worksheet, the table its name says it holds; for a CSV file, undefined (the header decides). */
  readonly sheetTable?: TableKind
}

export type TableKind = 'indicators' | 'baselines' | 'values'

/** Whether a cell is empty. A cell of spaces is not: it looks empty, and a number column reports it. */
export function isEmptyCell(cell: KeptCell | undefined): boolean {
  if (typeof cell === 'string') return cell === ''
  return cell === undefined || cell.kind === 'empty' || (cell.kind === 'text' && cell.text === '')
}
