import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'
import { parse } from 'csv-parse/sync'
import { Geography, type DistrictPartnershipRow, type DistrictSuccessorRow, type LsoaDistrictRow } from './geography.ts'

/**
 * The geography lookup files: the copies the project ships in `reference/ons/` (see its README.md for sources and
 * the licence), the same files in an instance's own `<data directory>/geography/` when it has updated them from a
 * newer ONS release, and the ONS originals such an update reads.
 *
 * File names (the same in both folders; a file in the instance folder wins):
 * - `lsoa-to-district.csv.gz`: `lsoa_code,district_code`, sorted, gzipped (34,753 rows: 2.7 MB as ONS publishes it);
 * - `district-partnership-force.csv`: district → partnership → police force area, with names;
 * - `district-successors.csv`: merged and abolished districts, and the partnership their area belongs to.
 */
export const LSOA_FILE = 'lsoa-to-district.csv.gz'
export const PARTNERSHIP_FILE = 'district-partnership-force.csv'
export const SUCCESSOR_FILE = 'district-successors.csv'

/** The folder of lookups the project ships. */
export const SHIPPED_LOOKUP_DIRECTORY = fileURLToPath(new URL('../../../reference/ons/', import.meta.url))

/** An instance's own lookups, written by `saferhub crime geography update`. */
export function instanceLookupDirectory(dataDirectory: string): string {
  return path.join(dataDirectory, 'geography')
}

const LSOA_CODE = /^[EW]01\d{6}$/
const DISTRICT_CODE = /^[EW]0[6789]\d{6}$/
const PARTNERSHIP_CODE = /^(E22|W14)\d{6}$/
const FORCE_AREA_CODE = /^(E23|W15)\d{6}$/

/** A lookup file that cannot be used, with the file, line and reason. */
export class LookupFileError extends Error {
  constructor(file: string, line: number | null, reason: string) {
    super(`${path.basename(file)}${line === null ? '' : ` line ${line}`}: ${reason}`)
    this.name = 'LookupFileError'
  }
}

function readText(file: string): string {
  const bytes = fs.readFileSync(file)
  const text = (file.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes).toString('utf8')
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** Rows of a CSV file as records keyed by header, with the header row itself. */
function readCsv(file: string): { header: string[]; rows: string[][] } {
  let records: string[][]
  try {
    records = parse(readText(file), { relax_column_count: false, skip_empty_lines: true }) as string[][]
  } catch (error) {
    throw new LookupFileError(file, null, error instanceof Error ? error.message : String(error))
  }
  const [header, ...rows] = records
  if (!header) throw new LookupFileError(file, 1, 'the file is empty')
  return { header: header.map((h) => h.trim()), rows }
}

/** The column whose name matches one of the patterns (ONS names change with the year: LAD18CD, LAD23CD…). */
function column(file: string, header: readonly string[], patterns: readonly RegExp[], what: string): number {
  const i = header.findIndex((name) => patterns.some((p) => p.test(name)))
  if (i < 0) throw new LookupFileError(file, 1, `no ${what} column (looked for ${patterns.map(String).join(' or ')})`)
  return i
}

function checkedCode(file: string, line: number, value: string | undefined, pattern: RegExp, what: string): string {
  const code = (value ?? '').trim()
  if (!pattern.test(code)) throw new LookupFileError(file, line, `"${code}" is not ${what}`)
  return code
}

/**
 * Reads an LSOA → district lookup: the project's compact file, or an ONS original (columns `LSOA11CD`/`LSOA21CD` and
 * `LAD18CD`/`LAD23CD`…; every other column is ignored).
 */
export function readLsoaDistrictFile(file: string): LsoaDistrictRow[] {
  const text = readText(file)
  const firstLine = text.slice(0, text.indexOf('\n')).trim()
  if (firstLine === 'lsoa_code,district_code') {
    // The compact file: no quoting, so a split is exact and ten times quicker than a CSV parser.
    const rows: LsoaDistrictRow[] = []
    const lines = text.split('\n')
    for (let i = 1; i < lines.length; i++) {
      const line = (lines[i] as string).trim()
      if (line === '') continue
      const comma = line.indexOf(',')
      rows.push({
        lsoaCode: checkedCode(file, i + 1, line.slice(0, comma), LSOA_CODE, 'an LSOA code'),
        districtCode: checkedCode(file, i + 1, line.slice(comma + 1), DISTRICT_CODE, 'a district code'),
      })
    }
    return rows
  }
  const { header, rows } = readCsv(file)
  const lsoa = column(file, header, [/^LSOA\d\dCD$/i, /^lsoa_code$/], 'LSOA code')
  const district = column(file, header, [/^LAD\d\dCD$/i, /^LTLA\d\dCD$/i, /^district_code$/], 'district code')
  return rows.map((row, i) => ({
    lsoaCode: checkedCode(file, i + 2, row[lsoa], LSOA_CODE, 'an LSOA code'),
    districtCode: checkedCode(file, i + 2, row[district], DISTRICT_CODE, 'a district code'),
  }))
}

/** Reads a district → partnership → police force area lookup: the project's file or the ONS original. */
export function readDistrictPartnershipFile(file: string): DistrictPartnershipRow[] {
  const { header, rows } = readCsv(file)
  const col = (patterns: RegExp[], what: string) => column(file, header, patterns, what)
  const districtCode = col([/^LAD\d\dCD$/i, /^district_code$/], 'district code')
  const districtName = col([/^LAD\d\dNM$/i, /^district_name$/], 'district name')
  const partnershipCode = col([/^CSP\d\dCD$/i, /^partnership_code$/], 'partnership code')
  const partnershipName = col([/^CSP\d\dNM$/i, /^partnership_name$/], 'partnership name')
  const forceAreaCode = col([/^PFA\d\dCD$/i, /^force_area_code$/], 'police force area code')
  const forceAreaName = col([/^PFA\d\dNM$/i, /^force_area_name$/], 'police force area name')
  return rows.map((row, i) => ({
    districtCode: checkedCode(file, i + 2, row[districtCode], DISTRICT_CODE, 'a district code'),
    districtName: (row[districtName] ?? '').trim(),
    partnershipCode: checkedCode(file, i + 2, row[partnershipCode], PARTNERSHIP_CODE, 'a partnership code'),
    partnershipName: (row[partnershipName] ?? '').trim(),
    forceAreaCode: checkedCode(file, i + 2, row[forceAreaCode], FORCE_AREA_CODE, 'a police force area code'),
    forceAreaName: (row[forceAreaName] ?? '').trim(),
  }))
}

export function readSuccessorFile(file: string): DistrictSuccessorRow[] {
  const { header, rows } = readCsv(file)
  const expected = [
    'old_district_code',
    'old_district_name',
    'new_district_code',
    'new_district_name',
    'partnership_code',
    'source',
  ]
  if (header.join(',') !== expected.join(',')) {
    throw new LookupFileError(file, 1, `the header must be ${expected.join(',')}`)
  }
  return rows.map((row, i) => {
    const partnership = (row[4] ?? '').trim()
    return {
      oldDistrictCode: checkedCode(file, i + 2, row[0], DISTRICT_CODE, 'a district code'),
      oldDistrictName: (row[1] ?? '').trim(),
      newDistrictCode: checkedCode(file, i + 2, row[2], DISTRICT_CODE, 'a district code'),
      newDistrictName: (row[3] ?? '').trim(),
      partnershipCode:
        partnership === '' ? null : checkedCode(file, i + 2, partnership, PARTNERSHIP_CODE, 'a partnership code'),
      source: (row[5] ?? '').trim(),
    }
  })
}

/** Where each lookup file is read from: the instance's folder when it has the file, the shipped one otherwise. */
export function lookupFilePaths(dataDirectory: string | null): {
  lsoa: string
  partnership: string
  successor: string
} {
  const pick = (name: string) => {
    if (dataDirectory !== null) {
      const own = path.join(instanceLookupDirectory(dataDirectory), name)
      if (fs.existsSync(own)) return own
    }
    return path.join(SHIPPED_LOOKUP_DIRECTORY, name)
  }
  return { lsoa: pick(LSOA_FILE), partnership: pick(PARTNERSHIP_FILE), successor: pick(SUCCESSOR_FILE) }
}

/** Reads the lookups (the instance's own where it has them, else the shipped ones) and resolves them. */
export function loadGeography(dataDirectory: string | null): Geography {
  const files = lookupFilePaths(dataDirectory)
  return Geography.build(
    readLsoaDistrictFile(files.lsoa),
    readDistrictPartnershipFile(files.partnership),
    readSuccessorFile(files.successor),
  )
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** Writes a file through a temporary name and a rename, so that a reader never sees half of it. */
function writeAtomically(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  fs.writeFileSync(temporary, data)
  fs.renameSync(temporary, file)
}

export function writeLsoaDistrictFile(file: string, rows: readonly LsoaDistrictRow[]): void {
  const sorted = [...rows].sort((a, b) => (a.lsoaCode < b.lsoaCode ? -1 : a.lsoaCode > b.lsoaCode ? 1 : 0))
  const text = ['lsoa_code,district_code', ...sorted.map((r) => `${r.lsoaCode},${r.districtCode}`), ''].join('\n')
  // mtime 0 in the gzip header, so that the same rows always give the same bytes (reviewable, reproducible).
  writeAtomically(file, zlib.gzipSync(text, { level: 9 }))
}

export function writeDistrictPartnershipFile(file: string, rows: readonly DistrictPartnershipRow[]): void {
  const lines = [
    'district_code,district_name,partnership_code,partnership_name,force_area_code,force_area_name',
    ...rows.map((r) =>
      [r.districtCode, r.districtName, r.partnershipCode, r.partnershipName, r.forceAreaCode, r.forceAreaName]
        .map(csvField)
        .join(','),
    ),
    '',
  ]
  writeAtomically(file, lines.join('\n'))
}

export interface LookupUpdate {
  /** An ONS LSOA → district lookup to merge in (its rows replace the same LSOAs' and add new ones). */
  readonly lsoaLookup?: string
  /** An ONS district → partnership → police force area lookup to replace the current one with. */
  readonly partnershipLookup?: string
  /** The folder to read the current files from and write the new ones to. */
  readonly directory: string
  /** Where to read current files missing from `directory` (the shipped folder). */
  readonly fallbackDirectory: string
}

export interface LookupUpdateSummary {
  readonly lsoaAdded: number
  readonly lsoaChanged: number
  readonly lsoaTotal: number
  readonly partnershipRows: number | null
  readonly geography: Geography
  readonly written: readonly string[]
}

/**
 * Updates the lookups from newer ONS files: LSOA rows are merged (a newer lookup keeps the codes of older LSOAs,
 * which older police.uk months still use), the partnership lookup is replaced. The result is resolved before
 * anything is written, so a file that does not fit leaves the current lookups as they were.
 */
export function updateLookups(update: LookupUpdate): LookupUpdateSummary {
  const current = (name: string) => {
    const own = path.join(update.directory, name)
    return fs.existsSync(own) ? own : path.join(update.fallbackDirectory, name)
  }
  const lsoaRows = readLsoaDistrictFile(current(LSOA_FILE))
  let added = 0
  let changed = 0
  let mergedLsoa = lsoaRows
  if (update.lsoaLookup) {
    const merged = new Map(lsoaRows.map((r) => [r.lsoaCode, r.districtCode]))
    for (const row of readLsoaDistrictFile(update.lsoaLookup)) {
      const before = merged.get(row.lsoaCode)
      if (before === undefined) added++
      else if (before !== row.districtCode) changed++
      merged.set(row.lsoaCode, row.districtCode)
    }
    mergedLsoa = [...merged].map(([lsoaCode, districtCode]) => ({ lsoaCode, districtCode }))
  }
  const partnershipRows = readDistrictPartnershipFile(update.partnershipLookup ?? current(PARTNERSHIP_FILE))
  const geography = Geography.build(mergedLsoa, partnershipRows, readSuccessorFile(current(SUCCESSOR_FILE)))
  const written: string[] = []
  if (update.lsoaLookup) {
    const file = path.join(update.directory, LSOA_FILE)
    writeLsoaDistrictFile(file, mergedLsoa)
    written.push(file)
  }
  if (update.partnershipLookup) {
    const file = path.join(update.directory, PARTNERSHIP_FILE)
    writeDistrictPartnershipFile(file, partnershipRows)
    written.push(file)
  }
  return {
    lsoaAdded: added,
    lsoaChanged: changed,
    lsoaTotal: mergedLsoa.length,
    partnershipRows: update.partnershipLookup ? partnershipRows.length : null,
    geography,
    written,
  }
}

/**
 * The geography, read on first use and kept (34,753 LSOAs take a few tens of milliseconds to read and resolve);
 * `reload()` after an update.
 */
export function geographyLoader(dataDirectory: string | null): { (): Geography; reload(): Geography } {
  let cached: Geography | null = null
  const load = () => (cached ??= loadGeography(dataDirectory))
  return Object.assign(load, { reload: () => (cached = loadGeography(dataDirectory)) })
}
