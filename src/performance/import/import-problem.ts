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

/**
 * Where a problem is and what it is, in words a spreadsheet user reads: `values.csv, row 2, column value: reason`,
 * `values.csv, row 2: reason` for a whole row, `values.csv: reason` for the whole file. (It was `file:row:column:`,
 * as compilers print; a row's problem came out as `values.csv:2::`, issue 9.)
 *
 * @example formatProblem({ file: 'values.csv', row: 2, column: 'value', reason: '"x" is not a number' })
 *   // 'values.csv, row 2, column value: "x" is not a number'
 */
export function formatProblem(problem: ImportProblem): string {
  const where = [
    problem.file,
    problem.row > 0 ? `row ${problem.row}` : '',
    problem.row > 0 && problem.column !== '' ? `column ${problem.column}` : '',
  ].filter((part) => part !== '')
  return where.length === 0 ? problem.reason : `${where.join(', ')}: ${problem.reason}`
}
