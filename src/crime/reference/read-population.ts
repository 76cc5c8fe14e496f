import type { Worksheet } from 'exceljs'
import type { PartnershipDirectory } from './partnerships.ts'
import type { ImportFile } from './read-ons-tables.ts'
import type { TableProblem } from './recorded-crime-table.ts'
import { openWorkbook } from './open-workbook.ts'
import { cellText, columnLetter, findSheet, sheetRows } from './workbook-cells.ts'

/**
 * Reads the ONS mid-year population estimates workbook (e.g. `LAD23_Mid_Year_pop_2011_to_2023.xlsx`):
 * - MYE4: the population of every local authority district, mid-2011 to mid-2023 (required);
 * - MYE5: each district's area in km² (used for population density when proposing a peer group; optional);
 * - MYE6: each district's median age (optional, also for peer groups).
 * Only districts are kept (not regions, counties or countries): partnerships are built from districts.
 */
export interface DistrictEstimates {
  readonly code: string
  readonly name: string
  /** As ONS writes it: "Unitary Authority", "Metropolitan District", "London Borough", … */
  readonly geography: string
  /** Mid-year population by calendar year (mid-2023 → 2023). */
  readonly population: ReadonlyMap<number, number>
  readonly medianAge: ReadonlyMap<number, number>
  readonly areaSqKm: number | null
}

export interface PopulationImport {
  readonly districts: readonly DistrictEstimates[]
  /** The mid-years the file covers, latest first. */
  readonly years: readonly number[]
  readonly problems: readonly TableProblem[]
  readonly notes: readonly TableProblem[]
}

/** The ONS code of a local authority district (E06–E09, W06–W09): what partnerships are built from. */
export const DISTRICT_CODE = /^[EW]0[6-9]\d{6}$/

/** A district's Geography in the mid-year estimates, lower-cased (other rows are regions, counties, countries). */
export const DISTRICT_GEOGRAPHIES: ReadonlySet<string> = new Set([
  'unitary authority',
  'non-metropolitan district',
  'metropolitan district',
  'london borough',
])

/**
 * Reads the workbook. Never throws for bad content: every problem names file, sheet, row, column and reason.
 * With a partnership directory, districts of the lookup that the file lacks are noted (their partnerships get no
 * population from this file).
 */
export async function readPopulationEstimates(
  file: ImportFile,
  directory: PartnershipDirectory | null,
): Promise<PopulationImport> {
  const problems: TableProblem[] = []
  const notes: TableProblem[] = []
  const fail = (sheet: string, row: number, column: string, reason: string): PopulationImport => {
    problems.push({ file: file.name, sheet, row, column, reason })
    return { districts: [], years: [], problems, notes }
  }
  const workbook = await openWorkbook(file.content)
  if ('refused' in workbook) {
    for (const reason of workbook.refused) problems.push({ file: file.name, sheet: '', row: 0, column: '', reason })
    return { districts: [], years: [], problems, notes }
  }
  const mye4 = findSheet(workbook.worksheets, 'MYE4')
  if (!mye4) return fail('MYE4', 0, '', 'the workbook has no sheet MYE4 (ONS mid-year estimates summary)')
  const rows = sheetRows(mye4)
  const headerIndex = rows.findIndex((r) => cellText(r.cells[0]).toLowerCase() === 'code')
  if (headerIndex < 0) return fail('MYE4', 0, '', 'no header row starting "Code" was found')
  const headerRow = rows[headerIndex] as (typeof rows)[number]
  const header = headerRow.cells.map((c) => cellText(c).toLowerCase())
  const nameColumn = header.indexOf('name')
  const geographyColumn = header.indexOf('geography')
  if (nameColumn < 0 || geographyColumn < 0) return fail('MYE4', headerRow.row, '', 'no "Name" or "Geography" column')
  const yearColumns: { index: number; year: number }[] = []
  header.forEach((h, index) => {
    const m = /^mid-(\d{4})$/.exec(h)
    if (m) yearColumns.push({ index, year: Number(m[1]) })
  })
  if (yearColumns.length === 0) return fail('MYE4', headerRow.row, '', 'no "Mid-YYYY" columns')

  const districts = new Map<string, { name: string; geography: string; population: Map<number, number> }>()
  for (const { row, cells } of rows.slice(headerIndex + 1)) {
    const code = cellText(cells[0])
    const geography = cellText(cells[geographyColumn])
    if (!code || !DISTRICT_GEOGRAPHIES.has(geography.toLowerCase())) continue
    if (!DISTRICT_CODE.test(code)) {
      problems.push({ file: file.name, sheet: 'MYE4', row, column: 'A', reason: `"${code}" is not a district code` })
      continue
    }
    if (districts.has(code)) {
      problems.push({ file: file.name, sheet: 'MYE4', row, column: 'A', reason: `${code} appears twice` })
      continue
    }
    const population = new Map<number, number>()
    for (const { index, year } of yearColumns) {
      const cell = cells[index]
      if (typeof cell === 'number' && Number.isInteger(cell) && cell > 0) population.set(year, cell)
      else if (cellText(cell) === '' || /^\[x\]$/i.test(cellText(cell))) continue
      else {
        problems.push({
          file: file.name,
          sheet: 'MYE4',
          row,
          column: columnLetter(index),
          reason: `a population must be a whole number above 0, not "${cellText(cell) || 'an unreadable cell'}"`,
        })
      }
    }
    districts.set(code, { name: cellText(cells[nameColumn]), geography, population })
  }
  if (districts.size === 0) return fail('MYE4', 0, '', 'no local authority districts were found')

  const areas = readMye5Areas(workbook.worksheets, file.name, problems)
  const medianAges = readMye6MedianAges(workbook.worksheets, file.name, problems)
  if (!areas)
    notes.push({
      file: file.name,
      sheet: 'MYE5',
      row: 0,
      column: '',
      reason: 'no MYE5 sheet: no areas, so no population density',
    })
  if (!medianAges)
    notes.push({ file: file.name, sheet: 'MYE6', row: 0, column: '', reason: 'no MYE6 sheet: no median ages' })

  if (directory) {
    const missing = new Set<string>()
    for (const p of directory.partnerships) for (const d of p.districtCodes) if (!districts.has(d)) missing.add(d)
    if (missing.size > 0) {
      notes.push({
        file: file.name,
        sheet: 'MYE4',
        row: 0,
        column: '',
        reason: `${missing.size} district(s) of the partnership lookup are not in this file: ${[...missing].sort().join(', ')}`,
      })
    }
  }
  const years = yearColumns.map((c) => c.year).sort((a, b) => b - a)
  return {
    districts: [...districts].map(([code, d]) =>
      Object.freeze({
        code,
        name: d.name,
        geography: d.geography,
        population: d.population,
        medianAge: medianAges?.get(code) ?? new Map<number, number>(),
        areaSqKm: areas?.get(code) ?? null,
      }),
    ),
    years,
    problems,
    notes,
  }
}

function readMye5Areas(
  sheets: readonly Worksheet[],
  fileName: string,
  problems: TableProblem[],
): Map<string, number> | null {
  const sheet = findSheet(sheets, 'MYE5')
  if (!sheet) return null
  const rows = sheetRows(sheet)
  const headerIndex = rows.findIndex((r) => cellText(r.cells[0]).toLowerCase() === 'code')
  const header = rows[headerIndex]?.cells.map((c) => cellText(c).toLowerCase()) ?? []
  const areaColumn = header.findIndex((h) => h.startsWith('area (sq km)'))
  if (headerIndex < 0 || areaColumn < 0) {
    problems.push({ file: fileName, sheet: 'MYE5', row: 0, column: '', reason: 'no header with "Area (sq km)"' })
    return null
  }
  const out = new Map<string, number>()
  for (const { row, cells } of rows.slice(headerIndex + 1)) {
    const code = cellText(cells[0])
    if (!DISTRICT_CODE.test(code)) continue
    const area = cells[areaColumn]
    if (typeof area === 'number' && Number.isFinite(area) && area > 0) out.set(code, area)
    else {
      problems.push({
        file: fileName,
        sheet: 'MYE5',
        row,
        column: columnLetter(areaColumn),
        reason: 'an area must be a number of km² above 0',
      })
    }
  }
  return out
}

function readMye6MedianAges(
  sheets: readonly Worksheet[],
  fileName: string,
  problems: TableProblem[],
): Map<string, Map<number, number>> | null {
  const sheet = findSheet(sheets, 'MYE6')
  if (!sheet) return null
  const rows = sheetRows(sheet)
  const headerIndex = rows.findIndex((r) => cellText(r.cells[0]).toLowerCase() === 'code')
  if (headerIndex < 0) {
    problems.push({ file: fileName, sheet: 'MYE6', row: 0, column: '', reason: 'no header row starting "Code"' })
    return null
  }
  const header = (rows[headerIndex] as (typeof rows)[number]).cells.map((c) => cellText(c).toLowerCase())
  const yearColumns: { index: number; year: number }[] = []
  header.forEach((h, index) => {
    const m = /^mid-(\d{4})$/.exec(h)
    if (m) yearColumns.push({ index, year: Number(m[1]) })
  })
  const out = new Map<string, Map<number, number>>()
  for (const { row, cells } of rows.slice(headerIndex + 1)) {
    const code = cellText(cells[0])
    if (!DISTRICT_CODE.test(code)) continue
    const ages = new Map<number, number>()
    for (const { index, year } of yearColumns) {
      const v = cells[index]
      if (typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 120) ages.set(year, v)
      else if (cellText(v) !== '') {
        problems.push({
          file: fileName,
          sheet: 'MYE6',
          row,
          column: columnLetter(index),
          reason: 'a median age must be a number of years',
        })
      }
    }
    out.set(code, ages)
  }
  return out
}
