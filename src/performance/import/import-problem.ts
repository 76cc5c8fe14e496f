/**
 * Something wrong with an import, where a user can find it.
 * `file` is the file name, with the sheet for a workbook (`book.xlsx, sheet Values`).
 * `row` is the 1-based row as a spreadsheet shows it (the header is row 1); 0 for the whole file.
 * `column` is the column's name as the format documents it (`value`), or '' for a whole row or file.
 */
export interface ImportProblem {
  readonly file: string
  readonly row: number
  readonly column: string
  readonly reason: string
}

/** `file:row:column: reason`, the way compilers print errors, so editors can jump to the cell. */
export function formatProblem(problem: ImportProblem): string {
  return `${problem.file}:${problem.row}:${problem.column}: ${problem.reason}`
}
