import { parse } from 'csv-parse/sync'
import { SETTING_KINDS } from './prevent-record-types.ts'

/**
 * The area's settings (schools, colleges…) from a CSV file: a header row naming `kind`, `name` and optionally
 * `reference`, then one setting a row. All or nothing: any problem refuses the whole file, naming the row (as a
 * spreadsheet numbers it, the header being row 1) and the column.
 */

export interface SettingImportRow {
  readonly kind: string
  readonly name: string
  readonly reference: string | null
}

export interface ImportProblem {
  /** The file's row (header = 1), or null for the file as a whole. */
  readonly row: number | null
  readonly column: string | null
  readonly message: string
}

export type SettingsCsv =
  | { readonly ok: true; readonly rows: readonly SettingImportRow[] }
  | { readonly ok: false; readonly problems: readonly ImportProblem[] }

/** Larger files are refused: an area has hundreds of schools, not hundreds of thousands. */
export const MAX_SETTINGS_BYTES = 1024 * 1024
export const MAX_SETTINGS_ROWS = 5000
const COLUMNS = ['kind', 'name', 'reference'] as const
const NAME_LIMIT = 200
const REFERENCE_LIMIT = 40

/** A kind as typed: its value (`school`) or its words (`School`, `schools`), any case. */
function kindOf(text: string): string | null {
  const t = text.trim().toLowerCase()
  for (const k of SETTING_KINDS) {
    if (t === k.value || t === k.text.toLowerCase() || t === `${k.text.toLowerCase()}s` || t === `${k.value}s`)
      return k.value
  }
  return null
}

/**
 * @example readSettingsCsv('kind,name,reference\nschool,Oak Primary,104321\n')
 * // { ok: true, rows: [{ kind: 'school', name: 'Oak Primary', reference: '104321' }] }
 */
export function readSettingsCsv(content: Buffer | string): SettingsCsv {
  const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.length
  if (bytes === 0) return refuse(null, null, 'The file is empty')
  if (bytes > MAX_SETTINGS_BYTES)
    return refuse(null, null, 'The file is larger than 1 MB: an area’s settings fit in far less')
  let records: string[][]
  try {
    records = parse(typeof content === 'string' ? content : content.toString('utf8'), {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as string[][]
  } catch (error) {
    const e = error as { lines?: number; message?: string }
    return refuse(e.lines ?? null, null, `The file is not well-formed CSV (${e.message ?? 'unknown error'})`)
  }
  const [header, ...body] = records
  if (!header) return refuse(null, null, 'The file is empty')
  const problems: ImportProblem[] = []
  const names = header.map((h) => h.trim().toLowerCase())
  names.forEach((name, i) => {
    if (!(COLUMNS as readonly string[]).includes(name))
      problems.push({
        row: 1,
        column: header[i] ?? '',
        message: `“${header[i] ?? ''}” is not a column this file may have (kind, name, reference)`,
      })
    else if (names.indexOf(name) !== i)
      problems.push({ row: 1, column: name, message: `The column “${name}” appears twice` })
  })
  for (const required of ['kind', 'name'])
    if (!names.includes(required))
      problems.push({ row: 1, column: required, message: `The header has no “${required}” column` })
  if (problems.length > 0) return { ok: false, problems }
  if (body.length === 0) return refuse(null, null, 'The file has a header but no settings')
  if (body.length > MAX_SETTINGS_ROWS) return refuse(null, null, `The file has more than ${MAX_SETTINGS_ROWS} settings`)

  const at = (cells: readonly string[], column: string) => (cells[names.indexOf(column)] ?? '').trim()
  const rows: SettingImportRow[] = []
  const seen = new Map<string, number>()
  body.forEach((cells, i) => {
    const row = i + 2
    if (cells.length !== header.length) {
      problems.push({
        row,
        column: null,
        message: `The row has ${cells.length} cells; the header has ${header.length}`,
      })
      return
    }
    const kindText = at(cells, 'kind')
    const kind = kindOf(kindText)
    const name = at(cells, 'name')
    const reference = names.includes('reference') ? at(cells, 'reference') : ''
    if (kindText === '') problems.push({ row, column: 'kind', message: 'The kind of setting is empty' })
    else if (kind === null)
      problems.push({
        row,
        column: 'kind',
        message: `“${kindText}” is not a kind of setting (${SETTING_KINDS.map((k) => k.value).join(', ')})`,
      })
    if (name === '') problems.push({ row, column: 'name', message: 'The name is empty' })
    else if (name.length > NAME_LIMIT)
      problems.push({ row, column: 'name', message: `The name is longer than ${NAME_LIMIT} characters` })
    if (reference.length > REFERENCE_LIMIT)
      problems.push({ row, column: 'reference', message: `The reference is longer than ${REFERENCE_LIMIT} characters` })
    if (kind !== null && name !== '') {
      const key = `${kind}\u0000${name.toLowerCase()}`
      const first = seen.get(key)
      if (first !== undefined)
        problems.push({ row, column: 'name', message: `The same ${kind} is already on row ${first}` })
      else seen.set(key, row)
      rows.push({ kind, name, reference: reference === '' ? null : reference })
    }
  })
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows }
}

function refuse(row: number | null, column: string | null, message: string): SettingsCsv {
  return { ok: false, problems: [{ row, column, message }] }
}
