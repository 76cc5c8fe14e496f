import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import { instanceLookupDirectory } from '../geography/lookup-files.ts'
import { openWorkbook } from '../reference/open-workbook.ts'
import type { ImportFile } from '../reference/read-ons-tables.ts'
import { DISTRICT_CODE, DISTRICT_GEOGRAPHIES } from '../reference/read-population.ts'
import type { TableProblem } from '../reference/recorded-crime-table.ts'
import { cellText, columnLetter, findSheet, sheetRows, type SheetCell } from '../reference/workbook-cells.ts'

/**
 * What a proposed most similar group needs to know about each local authority district, from one ONS mid-year
 * estimates workbook (e.g. `LAD23_Mid_Year_pop_2011_to_2023.xlsx`), kept as counts so that a partnership of several
 * districts gets exact sums (no averaging of medians):
 * - residents at mid-year, and those aged 16 to 29 and 65 and over (sheet "MYE2 - Persons", single years of age);
 * - the district's area in km² (MYE5);
 * - moves across its boundary in the year to mid-year: internal and international migration, in and out (MYE3).
 *
 * The project ships the mid-2023 profile as `reference/ons/district-profile.csv`; `saferhub crime peer-group
 * profile FILE` writes an instance's own from a newer workbook to `<data directory>/geography/`, which is then
 * preferred (as the geography lookups are).
 */
export interface DistrictProfile {
  readonly code: string
  readonly name: string
  readonly population: number
  readonly areaSqKm: number
  readonly aged16To29: number
  readonly aged65AndOver: number
  readonly movesInAndOut: number
}

export interface DistrictProfileTable {
  /** The mid-year the figures are for (mid-2023 → 2023). */
  readonly midYear: number
  readonly districts: ReadonlyMap<string, DistrictProfile>
  /** The file it was read from, for notes. */
  readonly source: string
}

export const PROFILE_FILE = 'district-profile.csv'
export const SHIPPED_PROFILE_FILE = fileURLToPath(new URL(`../../../reference/ons/${PROFILE_FILE}`, import.meta.url))

const COLUMNS = [
  'district_code',
  'district_name',
  'mid_year',
  'population',
  'area_sq_km',
  'aged_16_to_29',
  'aged_65_and_over',
  'moves_in_and_out',
] as const

/**
 * Reads the profile from an ONS mid-year estimates workbook. Never throws for bad content: every problem names the
 * file, sheet, row, column and reason, and no table is returned when there is any.
 */
export async function readDistrictProfileWorkbook(
  file: ImportFile,
): Promise<{ table: DistrictProfileTable | null; problems: TableProblem[] }> {
  const problems: TableProblem[] = []
  const problem = (sheet: string, row: number, column: string, reason: string) =>
    problems.push({ file: file.name, sheet, row, column, reason })
  const workbook = await openWorkbook(file.content)
  if ('refused' in workbook) {
    for (const reason of workbook.refused) problem('', 0, '', reason)
    return { table: null, problems }
  }
  /** The sheet's header row (first cell "Code") and the district rows below it. */
  const districtRows = (name: string) => {
    const sheet = findSheet(workbook.worksheets, name)
    if (!sheet) {
      problem(name, 0, '', `the workbook has no sheet "${name}" (ONS mid-year estimates)`)
      return null
    }
    const rows = sheetRows(sheet)
    const at = rows.findIndex((r) => cellText(r.cells[0]).toLowerCase() === 'code')
    if (at < 0) {
      problem(name, 0, '', 'no header row starting "Code"')
      return null
    }
    const header = (rows[at] as (typeof rows)[number]).cells.map((c) => cellText(c).toLowerCase())
    const title = rows
      .slice(0, at)
      .map((r) => cellText(r.cells[0]))
      .join(' ')
    const body = rows.slice(at + 1).filter((r) => {
      const code = cellText(r.cells[0])
      return DISTRICT_CODE.test(code) && DISTRICT_GEOGRAPHIES.has(cellText(r.cells[2]).toLowerCase())
    })
    return { header, title, body, headerRow: (rows[at] as (typeof rows)[number]).row }
  }
  const column = (sheet: string, found: { header: string[]; headerRow: number }, heading: string) => {
    const i = found.header.indexOf(heading.toLowerCase())
    if (i < 0) problem(sheet, found.headerRow, '', `no "${heading}" column`)
    return i
  }
  const count = (sheet: string, row: number, index: number, cell: SheetCell): number => {
    if (typeof cell === 'number' && Number.isInteger(cell) && cell >= 0) return cell
    problem(
      sheet,
      row,
      columnLetter(index),
      `a count must be a whole number, not "${cellText(cell) || 'an empty cell'}"`,
    )
    return 0
  }

  const ages = districtRows('MYE2 - Persons')
  const moves = districtRows('MYE3')
  const areas = districtRows('MYE5')
  if (!ages || !moves || !areas) return { table: null, problems }
  const yearMatch = /mid-(\d{4})/i.exec(ages.title)
  if (!yearMatch) problem('MYE2 - Persons', 1, 'A', 'the title does not say which mid-year ("mid-2023") it is for')
  const midYear = Number(yearMatch?.[1] ?? 0)

  const allAges = column('MYE2 - Persons', ages, 'All ages')
  const ageColumns = new Map<number, number>()
  ages.header.forEach((h, i) => {
    if (/^\d{1,2}$/.test(h)) ageColumns.set(Number(h), i)
    else if (h === '90+') ageColumns.set(90, i)
  })
  for (let a = 0; a <= 90; a++) {
    if (!ageColumns.has(a)) problem('MYE2 - Persons', ages.headerRow, '', `no column for age ${a === 90 ? '90+' : a}`)
  }
  const flowHeadings = [
    'Internal Migration Inflow',
    'Internal Migration Outflow',
    'International Migration Inflow',
    'International Migration Outflow',
  ]
  const flows = flowHeadings.map((h) => column('MYE3', moves, h))
  const mye3Population = column('MYE3', moves, `Estimated Population mid-${midYear}`)
  const area = column('MYE5', areas, 'Area (sq km)')
  if (problems.length > 0) return { table: null, problems }

  const movesByCode = new Map(moves.body.map((r) => [cellText(r.cells[0]), r]))
  const areaByCode = new Map(areas.body.map((r) => [cellText(r.cells[0]), r]))
  const districts = new Map<string, DistrictProfile>()
  for (const { row, cells } of ages.body) {
    const code = cellText(cells[0])
    if (districts.has(code)) {
      problem('MYE2 - Persons', row, 'A', `${code} appears twice`)
      continue
    }
    const population = count('MYE2 - Persons', row, allAges, cells[allAges])
    const byAge = (a: number) => {
      const i = ageColumns.get(a) as number
      return count('MYE2 - Persons', row, i, cells[i])
    }
    let sum = 0
    for (let a = 0; a <= 90; a++) sum += byAge(a)
    if (sum !== population) {
      problem('MYE2 - Persons', row, columnLetter(allAges), `"All ages" is ${population} but the ages add up to ${sum}`)
    }
    let aged16To29 = 0
    for (let a = 16; a <= 29; a++) aged16To29 += byAge(a)
    let aged65AndOver = 0
    for (let a = 65; a <= 90; a++) aged65AndOver += byAge(a)
    const m = movesByCode.get(code)
    const ar = areaByCode.get(code)
    if (!m) problem('MYE3', 0, '', `${code} (${cellText(cells[1])}) is not in MYE3`)
    if (!ar) problem('MYE5', 0, '', `${code} (${cellText(cells[1])}) is not in MYE5`)
    if (!m || !ar) continue
    const movesInAndOut = flows.reduce((s, i) => s + count('MYE3', m.row, i, m.cells[i]), 0)
    if (count('MYE3', m.row, mye3Population, m.cells[mye3Population]) !== population) {
      problem('MYE3', m.row, columnLetter(mye3Population), `the mid-${midYear} population differs from MYE2's`)
    }
    const km2 = ar.cells[area]
    if (typeof km2 !== 'number' || !Number.isFinite(km2) || km2 <= 0) {
      problem('MYE5', ar.row, columnLetter(area), 'an area must be a number of km² above 0')
      continue
    }
    districts.set(code, {
      code,
      name: cellText(cells[1]),
      population,
      areaSqKm: km2,
      aged16To29,
      aged65AndOver,
      movesInAndOut,
    })
  }
  if (districts.size === 0) problem('MYE2 - Persons', 0, '', 'no local authority districts were found')
  if (problems.length > 0) return { table: null, problems }
  return { table: { midYear, districts, source: file.name }, problems }
}

/** The profile as the CSV file the project ships (rows by district code; numbers as the workbook gives them). */
export function formatDistrictProfileCsv(table: DistrictProfileTable): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
  const lines = [COLUMNS.join(',')]
  for (const d of [...table.districts.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))) {
    lines.push(
      [
        d.code,
        quote(d.name),
        table.midYear,
        d.population,
        // The workbook's areas carry binary noise (93.71700000000001): four decimals is a hundredth of a hectare.
        Number(d.areaSqKm.toFixed(4)),
        d.aged16To29,
        d.aged65AndOver,
        d.movesInAndOut,
      ].join(','),
    )
  }
  return lines.join('\n') + '\n'
}

/** Reads a profile CSV; a bad line throws an error naming the file, line, column and reason. */
export function parseDistrictProfileCsv(content: string, fileName: string): DistrictProfileTable {
  const fail = (line: number, column: string, reason: string): never => {
    throw new Error(`${fileName}:${line}:${column}: ${reason}`)
  }
  let records: string[][]
  try {
    records = parse(content, { relax_column_count: false, skip_empty_lines: true }) as string[][]
  } catch (error) {
    return fail(0, '', `not a readable CSV file (${error instanceof Error ? error.message : String(error)})`)
  }
  const [header, ...rows] = records
  if (!header || header.join(',') !== COLUMNS.join(',')) fail(1, '', `the header must be ${COLUMNS.join(',')}`)
  const districts = new Map<string, DistrictProfile>()
  let midYear = 0
  for (const [i, r] of rows.entries()) {
    const line = i + 2
    const whole = (j: number, min: number) => {
      const v = r[j] ?? ''
      if (!/^\d+$/.test(v) || Number(v) < min) {
        fail(line, COLUMNS[j] as string, `"${v}" is not a whole number of ${min} or more`)
      }
      return Number(v)
    }
    const code = r[0] ?? ''
    if (!DISTRICT_CODE.test(code)) fail(line, 'district_code', `"${code}" is not a district code`)
    if (districts.has(code)) fail(line, 'district_code', `${code} appears twice`)
    const year = whole(2, 1900)
    if (midYear !== 0 && year !== midYear) fail(line, 'mid_year', `every row must be for mid-${midYear}`)
    midYear = year
    const area = Number(r[4])
    if (!/^\d+(\.\d+)?$/.test(r[4] ?? '') || !(area > 0)) fail(line, 'area_sq_km', `"${r[4]}" is not an area in km²`)
    const population = whole(3, 1)
    const profile: DistrictProfile = {
      code,
      name: r[1] ?? '',
      population,
      areaSqKm: area,
      aged16To29: whole(5, 0),
      aged65AndOver: whole(6, 0),
      movesInAndOut: whole(7, 0),
    }
    if (profile.aged16To29 + profile.aged65AndOver > population) {
      fail(line, 'aged_65_and_over', 'more residents in the two age bands than in the district')
    }
    districts.set(code, profile)
  }
  if (districts.size === 0) fail(2, '', 'the file has no districts')
  return { midYear, districts, source: fileName }
}

/** The instance's own profile when it has one (`<data directory>/geography/district-profile.csv`), else the shipped. */
export function profileFilePath(dataDirectory: string | null): string {
  if (dataDirectory !== null) {
    const own = path.join(instanceLookupDirectory(dataDirectory), PROFILE_FILE)
    if (fs.existsSync(own)) return own
  }
  return SHIPPED_PROFILE_FILE
}

/** Reads the profile in use once, and again on `reload()` (after `saferhub crime peer-group profile`). */
export function districtProfileLoader(dataDirectory: string | null): {
  (): DistrictProfileTable
  reload(): DistrictProfileTable
} {
  let cached: DistrictProfileTable | null = null
  const read = () => {
    const file = profileFilePath(dataDirectory)
    return parseDistrictProfileCsv(fs.readFileSync(file, 'utf8'), file)
  }
  const load = () => (cached ??= read())
  return Object.assign(load, { reload: () => (cached = read()) })
}
