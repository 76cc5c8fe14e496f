import { parse } from 'csv-parse/sync'
import { FORCE_LEVEL, NameMatcher, normaliseName, type AliasTarget } from './name-matching.ts'
import { offenceGroupOfHeading, type OffenceGroupId } from './offence-groups.ts'
import type { PartnershipDirectory } from './partnerships.ts'
import type { ImportFile } from './read-ons-tables.ts'
import { isYearEnding, type AreaCounts, type RecordedCrimeYear, type TableProblem } from './recorded-crime-table.ts'
import { columnLetter } from './workbook-cells.ts'

/**
 * Reads a CSV extract of ONS table C2 made by someone else: one row per partnership with its police force area
 * and offences by group, but no ONS codes (e.g. `CSP_recorded_crime_YE_Dec2024_from_ONS_PFA_tables.csv`).
 *
 * Names are matched to the ONS lookup by `NameMatcher` (case, white space and "&" normalised; a short documented
 * alias table; the user's own aliases). Whatever is still unmatched is listed as a problem, with the partnerships
 * of that force that no row has matched as suggestions, and nothing is imported until it is resolved — either by
 * correcting the file or by an alias (`name,code` — or `name,FORCE-LEVEL` for an area such as an airport that ONS
 * counts at force level and in no partnership).
 *
 * The year is not in the file: it comes from the caller, or from a name such as `…_YE_Dec2024…`.
 */
export interface CsvExtractImport {
  readonly year: RecordedCrimeYear
  readonly problems: readonly TableProblem[]
  readonly notes: readonly TableProblem[]
  /** Rows whose name could not be matched, for the user to resolve. */
  readonly unmatched: readonly {
    readonly row: number
    readonly force: string
    readonly name: string
    readonly reason: string
    readonly suggestions: readonly string[]
  }[]
}

export interface CsvExtractOptions {
  /** `YYYY-MM`; when absent, read from the file name ("YE_Dec2024"). */
  readonly yearEnding?: string
  readonly aliases?: ReadonlyMap<string, AliasTarget>
}

const MONTH_ABBREVIATIONS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

/** `2024-12` from a file name containing `YE_Dec2024` / `ye-dec-2024`; null when it has none. */
export function yearEndingFromFileName(name: string): string | null {
  const m = /ye[_ -]?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[_ -]?(\d{4})/i.exec(name)
  if (!m) return null
  const month = MONTH_ABBREVIATIONS.indexOf((m[1] as string).toLowerCase()) + 1
  return `${m[2]}-${String(month).padStart(2, '0')}`
}

const INTEGER = /^-?\d{1,15}$/

/**
 * Reads the extract. Never throws for bad content; every problem names file, row, column and reason.
 *
 * @example
 * const read = readCsvExtract({ name, content }, directory)
 * for (const u of read.unmatched) console.log(`row ${u.row}: ${u.name} — ${u.reason}`)
 */
export function readCsvExtract(
  file: ImportFile,
  directory: PartnershipDirectory,
  options: CsvExtractOptions = {},
): CsvExtractImport {
  const problems: TableProblem[] = []
  const notes: TableProblem[] = []
  const unmatched: CsvExtractImport['unmatched'][number][] = []
  const problem = (row: number, column: string, reason: string) =>
    problems.push({ file: file.name, sheet: '', row, column, reason })
  const yearEnding = options.yearEnding ?? yearEndingFromFileName(file.name)
  const result = (areas: AreaCounts[]): CsvExtractImport => ({
    year: { dataset: 'third-party-extract', yearEnding: yearEnding ?? '', areas },
    problems,
    notes,
    unmatched,
  })
  if (!yearEnding || !isYearEnding(yearEnding)) {
    problem(0, '', 'the file does not say which year it covers: give the year ending as YYYY-MM (e.g. 2024-12)')
    return result([])
  }
  if (!options.yearEnding) {
    notes.push({
      file: file.name,
      sheet: '',
      row: 0,
      column: '',
      reason: `the year ending ${yearEnding}, from the file name`,
    })
  }
  if (file.content.includes(0)) {
    problem(0, '', 'the file contains NUL bytes: it is not a text CSV file')
    return result([])
  }
  const decoded = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
  let text: string
  try {
    text = decoded.decode(file.content)
  } catch {
    problem(0, '', 'the file is not UTF-8 text: save it as "CSV UTF-8"')
    return result([])
  }
  let records: string[][]
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][]
  } catch (error) {
    const e = error as { lines?: number; message?: string }
    problem(e.lines ?? 0, '', `the CSV cannot be read: ${e.message ?? String(error)}`)
    return result([])
  }
  const header = records[0]
  if (!header) {
    problem(0, '', 'the file is empty')
    return result([])
  }
  const headings = header.map((h) => h.trim().toLowerCase().replace(/\s+/g, ' '))
  const forceColumn = headings.indexOf('police force area name')
  const nameColumn = headings.indexOf('community safety partnership name')
  if (forceColumn < 0 || nameColumn < 0) {
    problem(1, '', 'the header needs "Police Force Area name" and "Community Safety Partnership name" columns')
    return result([])
  }
  const groupColumns: { index: number; group: OffenceGroupId }[] = []
  headings.forEach((heading, index) => {
    if (index === forceColumn || index === nameColumn || heading === 'region name') return
    const group = offenceGroupOfHeading(heading)
    if (!group)
      problem(1, columnLetter(index), `the column "${header[index]}" is not an offence group this program knows`)
    else if (groupColumns.some((c) => c.group === group))
      problem(1, columnLetter(index), `a second "${header[index]}" column`)
    else groupColumns.push({ index, group })
  })
  if (!groupColumns.some((c) => c.group === 'total-recorded-crime')) {
    problem(1, '', 'no "Total Recorded Crime" column')
    return result([])
  }
  const matcher = new NameMatcher(directory, options.aliases ? { aliases: options.aliases } : {})
  const areas: AreaCounts[] = []
  const seen = new Map<string, number>()
  const matchedCodes = new Set<string>()
  const unmatchedForce: { force: string; index: number }[] = []
  records.slice(1).forEach((record, i) => {
    const row = i + 2
    if (record.length !== header.length) {
      problem(row, '', `${record.length} columns where the header has ${header.length}`)
      return
    }
    const forceName = (record[forceColumn] ?? '').trim()
    const name = (record[nameColumn] ?? '').trim()
    const forceCode = matcher.force(forceName)
    if (!forceCode) {
      problem(row, columnLetter(forceColumn), `no police force area is called "${forceName}"`)
      return
    }
    const match = matcher.partnership(name, forceCode)
    let key: string
    let kind: AreaCounts['kind']
    let partnershipCode: string | null = null
    switch (match.kind) {
      case 'partnership':
        key = match.code
        kind = 'partnership'
        partnershipCode = match.code
        matchedCodes.add(match.code)
        if (match.via === 'alias') {
          const p = directory.byCode(match.code)
          notes.push({
            file: file.name,
            sheet: '',
            row,
            column: columnLetter(nameColumn),
            reason: `"${name}" read as ${p?.name} (${match.code}) by the alias table`,
          })
        }
        break
      case 'unassigned':
        if (match.forceCode !== forceCode) {
          problem(row, columnLetter(nameColumn), `"${name}" names another force than the row's "${forceName}"`)
          return
        }
        key = `${forceCode}/unassigned`
        kind = 'unassigned'
        break
      case 'force-level':
        key = `${forceCode}/${normaliseName(name)}`
        kind = 'force-level'
        break
      case 'unmatched': {
        const entry = { row, force: forceName, name, reason: match.reason, suggestions: [...match.suggestions] }
        unmatched.push(entry)
        unmatchedForce.push({ force: forceCode, index: unmatched.length - 1 })
        return
      }
    }
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      problem(row, columnLetter(nameColumn), `"${name}" is the same area as row ${earlier}`)
      return
    }
    seen.set(key, row)
    const counts = new Map<OffenceGroupId, number | null>()
    let bad = false
    for (const { index, group } of groupColumns) {
      const cell = (record[index] ?? '').trim()
      if (cell === '') counts.set(group, null)
      else if (INTEGER.test(cell)) counts.set(group, Number(cell))
      else {
        bad = true
        const hint = /^-?\d{1,3}(,\d{3})+$/.test(cell) ? ' (remove the thousands separator)' : ''
        problem(row, columnLetter(index), `"${cell}" is not a whole number${hint}`)
      }
    }
    if (bad) return
    if ([...counts.values()].every((v) => v === null)) {
      notes.push({ file: file.name, sheet: '', row, column: '', reason: `${name} has no figures; left out` })
      return
    }
    areas.push(
      Object.freeze({
        kind,
        key,
        partnershipCode,
        name,
        forceCode,
        counts,
        population: null,
        populationNote: null,
        row,
      }),
    )
  })
  // Suggestions: the partnerships of the same force that no row matched (never used without the user's word).
  for (const { force, index } of unmatchedForce) {
    const entry = unmatched[index] as CsvExtractImport['unmatched'][number]
    const spare = directory
      .ofForce(force)
      .filter((p) => !matchedCodes.has(p.code))
      .map((p) => `${p.name} (${p.code})`)
    const suggestions = entry.suggestions.length > 0 ? entry.suggestions : spare
    unmatched[index] = { ...entry, suggestions }
    const hint =
      suggestions.length > 0
        ? `; unmatched partnerships of this force: ${suggestions.join(', ')}`
        : `; if it is an area counted only at force level (as airports are), add the alias "${entry.name},${FORCE_LEVEL}"`
    problem(entry.row, columnLetter(nameColumn), `${entry.reason}${hint}`)
  }
  return result(areas)
}

/**
 * Reads an alias file: CSV `name,code` (a header row `name,code` is optional); code is an ONS partnership code or
 * `FORCE-LEVEL`. Returns the aliases, or the problems.
 */
export function readAliasFile(file: ImportFile): { aliases: Map<string, AliasTarget>; problems: TableProblem[] } {
  const aliases = new Map<string, AliasTarget>()
  const problems: TableProblem[] = []
  let records: string[][]
  try {
    records = parse(file.content.toString('utf8'), { bom: true, skip_empty_lines: true, relax_column_count: true })
  } catch (error) {
    problems.push({ file: file.name, sheet: '', row: 0, column: '', reason: `cannot be read: ${String(error)}` })
    return { aliases, problems }
  }
  records.forEach((r, i) => {
    const [name = '', code = ''] = r.map((c) => c.trim())
    if (i === 0 && name.toLowerCase() === 'name' && code.toLowerCase() === 'code') return
    if (r.length !== 2 || !name || !code) {
      problems.push({ file: file.name, sheet: '', row: i + 1, column: '', reason: 'each row must be: name,code' })
    } else if (code !== FORCE_LEVEL && !/^[EW]\d{8}$/.test(code)) {
      problems.push({
        file: file.name,
        sheet: '',
        row: i + 1,
        column: 'B',
        reason: `"${code}" is neither an ONS code (E22……, W14……) nor ${FORCE_LEVEL}`,
      })
    } else aliases.set(name, code)
  })
  return { aliases, problems }
}
