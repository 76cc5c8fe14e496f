import type { Baseline, Indicator, IndicatorValue } from '../../domain/indicator.ts'
import { financialYearOf } from '../../domain/period.ts'
import { readBaselineRow } from './baseline-rows.ts'
import type { ImportProblem } from './import-problem.ts'
import { readCsvTable } from './csv-table.ts'
import { closestIndicatorId, type ImportHelp, type IndicatorLookup } from './figure-checks.ts'
import { readIndicatorId, readIndicatorRow } from './indicator-rows.ts'
import type { RawTable, TableKind } from './raw-table.ts'
import { readHeader, rowPlaceWords, rowReader, type RowPlace } from './row-reader.ts'
import { identifyTable } from './table-columns.ts'
import { readValueRow } from './value-rows.ts'
import { isWorkbook, readXlsxTables } from './xlsx-tables.ts'

/** One uploaded file: a CSV file, or an .xlsx workbook with sheets named Indicators, Baselines and/or Values. */
export interface ImportFile {
  readonly name: string
  readonly content: Buffer
}

export interface PerformanceImport {
  /** Empty unless there are no problems: an import is accepted whole or not at all. */
  readonly indicators: Indicator[]
  readonly baselines: Baseline[]
  readonly values: IndicatorValue[]
  /** Every problem found, in file and row order. Any problem means nothing may be written. */
  readonly problems: ImportProblem[]
  /** Data rows read, those with problems included (header and blank rows not counted). */
  readonly rowsRead: number
  /** Things worth saying that do not stop the import, e.g. a file with a header and no rows. */
  readonly warnings: ImportProblem[]
}

/**
 * Past this many, the rest are counted but not listed: a file of the wrong kind can produce a problem in every
 * cell, and a list of a million is neither readable nor cheap to send to a browser.
 */
export const MAX_PROBLEMS_LISTED = 5000

export interface KnownIndicators {
  readonly indicators: ReadonlyMap<string, Indicator>
}

export interface ReadOptions {
  /** Today, for the examples in messages (a period of the current financial year); default the clock's. */
  readonly today?: Date
  /** Data rows a worksheet may have (default `MAX_ROWS`): reading stops at the first row past it. */
  readonly maxRows?: number
}

interface TypedTable {
  readonly table: RawTable
  readonly kind: TableKind
}

/**
 * Reads and checks an import of indicator definitions, baselines and values (see docs/import-formats.md).
 * Pure apart from parsing the given bytes: nothing is written. Which table a CSV file holds is decided by its
 * header; a workbook's sheets by their names. Baselines and values are checked against the indicators in the
 * same import (which take precedence) and those already `known`. Every problem is reported, not only the
 * first; when there are any, no indicators, baselines or values are returned.
 *
 * @example
 * const result = await readPerformanceImport([{ name: 'values.csv', content }], { indicators: existing })
 * if (result.problems.length === 0) await repository.apply(result) // all-or-nothing, in one transaction
 */
export async function readPerformanceImport(
  files: readonly ImportFile[],
  known: KnownIndicators,
  options: ReadOptions = {},
): Promise<PerformanceImport> {
  const problems: ImportProblem[] = []
  const warnings: ImportProblem[] = []
  const tables: TypedTable[] = []
  // Problems are listed in the order of the files given, then by row.
  const order = new Map<string, number>()

  let rowsRead = 0
  if (files.length === 0) problems.push({ file: '', row: 0, column: '', reason: 'no files were given' })
  for (const [index, file] of files.entries()) {
    order.set(file.name, index * 1000)
    if (isWorkbook(file.name, file.content)) {
      const result = await readXlsxTables(
        file.name,
        file.content,
        options.maxRows === undefined ? {} : { maxRows: options.maxRows },
      )
      problems.push(...result.problems)
      rowsRead += result.rowsLeftOut
      result.tables.forEach((table, sheet) => {
        order.set(table.source, index * 1000 + sheet + 1)
        if (table.sheetTable) tables.push({ table, kind: table.sheetTable })
      })
      // A sheet whose header could not be read has problems and no table: list it after the file's other sheets.
      for (const p of result.problems) if (!order.has(p.file)) order.set(p.file, index * 1000 + 999)
      continue
    }
    const result = readCsvTable(file.name, file.content)
    problems.push(...result.problems)
    rowsRead += result.rowsLeftOut
    if (!result.table) continue
    const kind = identifyTable(result.table.header)
    if (kind === null) {
      problems.push({
        file: file.name,
        row: 1,
        column: '',
        reason:
          'cannot tell which table this file holds from its header: an indicators table has id, name, measure_type…; a baselines table indicator, year, source, value; a values table indicator, period, value…',
      })
      continue
    }
    tables.push({ table: result.table, kind })
  }

  const readable: { typed: TypedTable; columns: ReadonlyMap<string, number> }[] = []
  let indicatorsIncomplete = false
  for (const typed of tables) {
    rowsRead += typed.table.rows.length
    const columns = readHeader(typed.table, typed.kind, problems)
    if (columns === null) {
      if (typed.kind === 'indicators') indicatorsIncomplete = true
      continue
    }
    if (typed.table.rows.length === 0) {
      warnings.push({
        file: typed.table.source,
        row: 0,
        column: '',
        reason: `the ${typed.kind} table has a header and no rows: nothing to import from it`,
      })
    }
    readable.push({ typed, columns })
  }

  const financialYear = financialYearOf(options.today ?? new Date())
  // Indicators first: the other tables are checked against them.
  const indicators = new Map<string, Indicator>()
  const unusable = new Set<string>()
  const firstSeen = new Map<string, ReturnType<typeof rowReader>>()
  for (const { typed, columns } of readable) {
    if (typed.kind !== 'indicators') continue
    for (const raw of typed.table.rows) {
      const r = rowReader(typed.table.source, raw, columns, problems)
      const id = readIndicatorId(r)
      const indicator = readIndicatorRow(r, id, financialYear)
      if (id === undefined) {
        indicatorsIncomplete = true
        continue
      }
      const earlier = firstSeen.get(id)
      if (earlier) {
        r.problem('id', `indicator ${id} is defined twice: also at ${earlier.where(r.source)}`)
        continue
      }
      firstSeen.set(id, r)
      if (indicator) indicators.set(id, indicator)
      else unusable.add(id)
    }
  }
  const lookup: IndicatorLookup = (id) => {
    if (unusable.has(id)) return 'unusable'
    const found = indicators.get(id) ?? known.indicators.get(id)
    // With an indicators table that could not be read, an unknown id may be one of its rows: say nothing more.
    return found ?? (indicatorsIncomplete ? 'unusable' : undefined)
  }

  // An unknown id is compared with every id it could have meant: this import's and the partnership's.
  const help: ImportHelp = {
    financialYear,
    suggestIndicator: (id) => closestIndicatorId(id, new Set([...firstSeen.keys(), ...known.indicators.keys()])),
  }
  const baselines: Baseline[] = []
  const values: IndicatorValue[] = []
  // Where each baseline and value was first read, for the message about a second one: a place, not the row's
  // reader (its closures, kept for each of 100,000 rows, were a fifth of a large sheet's memory in the worker).
  const baselineRows = new Map<string, RowPlace>()
  const valueRows = new Map<string, RowPlace>()
  // A file of the wrong kind can have a problem in every row: only the first ones are listed, so only the first
  // `MAX_PROBLEMS_LISTED` in file and row order are kept, the rest counted. Sorting is stable, so problems of one row
  // keep the order they were found in, as they would without this. And once there is a problem nothing will be
  // imported: the figures read are let go (in the worker, at 100,000 rows, both were tens of megabytes).
  const place = (p: ImportProblem) => order.get(p.file) ?? Number.MAX_SAFE_INTEGER
  const byPlace = (a: ImportProblem, b: ImportProblem) => place(a) - place(b) || a.row - b.row
  let notKept = 0
  const keepFirstProblems = () => {
    if (problems.length <= 4 * MAX_PROBLEMS_LISTED) return
    problems.sort(byPlace)
    notKept += problems.length - MAX_PROBLEMS_LISTED
    problems.length = MAX_PROBLEMS_LISTED
  }
  for (const { typed, columns } of readable) {
    if (typed.kind === 'indicators') continue
    for (const raw of typed.table.rows) {
      keepFirstProblems()
      if (problems.length > 0) {
        baselines.length = 0
        values.length = 0
      }
      const r = rowReader(typed.table.source, raw, columns, problems)
      if (typed.kind === 'baselines') {
        const baseline = readBaselineRow(r, lookup, help)
        if (!baseline) continue
        const key = `${baseline.indicatorId}\u0000${baseline.year}`
        const earlier = baselineRows.get(key)
        if (earlier) {
          r.problem(
            'year',
            `${baseline.indicatorId} already has a baseline for ${baseline.year} at ${rowPlaceWords(earlier, r.source)}`,
          )
          continue
        }
        baselineRows.set(key, { source: r.source, row: r.row })
        if (problems.length === 0) baselines.push(baseline)
      } else {
        const value = readValueRow(r, lookup, help)
        if (!value) continue
        const key = `${value.indicatorId}\u0000${value.period}`
        const earlier = valueRows.get(key)
        if (earlier) {
          r.problem(
            'period',
            `${value.indicatorId} already has a value for ${value.period} at ${rowPlaceWords(earlier, r.source)}`,
          )
          continue
        }
        valueRows.set(key, { source: r.source, row: r.row })
        if (problems.length === 0) values.push(value)
      }
    }
  }

  const sorted = problems.sort(byPlace)
  if (sorted.length + notKept > MAX_PROBLEMS_LISTED) {
    const more = sorted.length + notKept - MAX_PROBLEMS_LISTED
    sorted.length = MAX_PROBLEMS_LISTED
    sorted.push({
      file: '',
      row: 0,
      column: '',
      reason: `and ${more} more problems not listed (only the first ${MAX_PROBLEMS_LISTED} are): correct these and import again`,
    })
  }
  if (sorted.length > 0) return { indicators: [], baselines: [], values: [], problems: sorted, rowsRead, warnings }
  return { indicators: [...indicators.values()], baselines, values, problems: [], rowsRead, warnings }
}
