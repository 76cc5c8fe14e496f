import { normaliseName, NameMatcher } from './name-matching.ts'
import { normaliseHeading, offenceGroupOfHeading, type OffenceGroupId } from './offence-groups.ts'
import type { PartnershipDirectory } from './partnerships.ts'
import {
  previousYearEnding,
  yearEndingIn,
  type AreaCounts,
  type AreaKind,
  type RecordedCrimeYear,
  type TableProblem,
} from './recorded-crime-table.ts'
import { openWorkbook } from './open-workbook.ts'
import { cellText, columnLetter, findSheet, sheetRows, type PlainCell, type SheetCell } from './workbook-cells.ts'

/**
 * Reads the ONS "Police force area data tables" workbook (e.g. `policeforceareatablesyedecember2024.xlsx`),
 * tables C2–C5, which give police recorded crime by Community Safety Partnership:
 * - C2: offences by offence group for the year (e.g. the year ending December 2024);
 * - C3: the percentage change on the previous year (published, for checking);
 * - C4: rates per 1,000 residents, with the population used (mid-2022, rounded to 100);
 * - C5: offences for the previous year.
 * (C1 lists the districts of partnerships that combine several; the ONS lookup gives the same.)
 *
 * Every partnership row carries its ONS code, which is checked against the partnership lookup; a code the lookup
 * does not know, or a partnership under another force, stops the import. The workbook's own quirks are kept and
 * listed as notes: a partnership whose name has changed ("Folkestone and Hythe" for Shepway), an "Unassigned"
 * row whose force code is another force's (in the December 2024 tables, "Unassigned Gwent" carries South Wales'
 * code: the row is attributed to the force it names, which is also what makes both forces' totals add up),
 * rows with no figures, and force totals that differ from the sum of their rows.
 */
export interface OnsTablesImport {
  readonly yearEnding: string
  readonly current: RecordedCrimeYear
  readonly previous: RecordedCrimeYear
  /** Table C3 by area key: the published percentage change (null where not published: "[u]", "[x]"). */
  readonly publishedPercentChange: ReadonlyMap<string, ReadonlyMap<OffenceGroupId, number | null>>
  /** Table C4 by area key: the published rate per 1,000 residents. */
  readonly publishedRates: ReadonlyMap<string, ReadonlyMap<OffenceGroupId, number | null>>
  /** Blocking: when any, nothing may be written. */
  readonly problems: readonly TableProblem[]
  /** Shown to the user; the import goes ahead. */
  readonly notes: readonly TableProblem[]
}

export interface ImportFile {
  readonly name: string
  readonly content: Buffer
}

type SheetKind = 'counts' | 'percent-change' | 'rates'

interface ParsedSheet {
  readonly yearEnding: string | null
  readonly rows: readonly ParsedRow[]
}

interface ParsedRow {
  readonly kind: AreaKind
  readonly key: string
  readonly partnershipCode: string | null
  readonly name: string
  readonly forceCode: string
  readonly values: ReadonlyMap<OffenceGroupId, number | null>
  readonly population: number | null
  readonly populationNote: string | null
  readonly row: number
}

const IDENTITY_HEADINGS = {
  forceCode: 'police force area code',
  forceName: 'police force area name',
  partnershipCode: 'community safety partnership code',
  partnershipName: 'community safety partnership name',
  districtCode: 'local authority code',
  districtName: 'local authority name',
} as const

/** What the ONS tables write where there is no figure: [x] unavailable, [u] / [u1] suppressed or not presented. */
const NO_FIGURE = /^\[(x|u|u1|z|c|low)\]$/i

const INTEGER = /^-?\d{1,15}$/

/**
 * Reads tables C2–C5 of the workbook. Never throws for bad content: every problem is returned, with file, sheet,
 * row, column and reason.
 *
 * @example
 * const read = await readOnsTables({ name, content }, directory)
 * if (read.problems.length === 0) await repository.replaceYears([read.current, read.previous], ...)
 */
export async function readOnsTables(file: ImportFile, directory: PartnershipDirectory): Promise<OnsTablesImport> {
  const problems: TableProblem[] = []
  const notes: TableProblem[] = []
  const empty = (): OnsTablesImport => ({
    yearEnding: '',
    current: { dataset: 'ons-pfa-tables', yearEnding: '', areas: [] },
    previous: { dataset: 'ons-pfa-tables', yearEnding: '', areas: [] },
    publishedPercentChange: new Map(),
    publishedRates: new Map(),
    problems,
    notes,
  })
  const workbook = await openWorkbook(file.content)
  if ('refused' in workbook) {
    for (const reason of workbook.refused) problems.push({ file: file.name, sheet: '', row: 0, column: '', reason })
    return empty()
  }
  const matcher = new NameMatcher(directory)
  const parse = (sheetName: string, kind: SheetKind): ParsedSheet | null => {
    const sheet = findSheet(workbook.worksheets, sheetName)
    if (!sheet) {
      problems.push({
        file: file.name,
        sheet: sheetName,
        row: 0,
        column: '',
        reason: `the workbook has no sheet "${sheetName}" (is this the ONS police force area data tables workbook?)`,
      })
      return null
    }
    return parseSheet(file.name, sheet.name.trim(), sheetRows(sheet), kind, directory, matcher, problems, notes)
  }
  const c2 = parse('Table C2', 'counts')
  const c3 = parse('Table C3', 'percent-change')
  const c4 = parse('Table C4', 'rates')
  const c5 = parse('Table C5', 'counts')
  if (!c2 || !c3 || !c4 || !c5) return empty()

  const yearEnding = c2.yearEnding
  if (!yearEnding) {
    problems.push({
      file: file.name,
      sheet: 'Table C2',
      row: 1,
      column: 'A',
      reason: 'the title does not say which year the table covers ("year ending <month> <year>")',
    })
    return empty()
  }
  const previous = previousYearEnding(yearEnding)
  for (const [sheet, parsed, expected] of [
    ['Table C3', c3, yearEnding],
    ['Table C4', c4, yearEnding],
    ['Table C5', c5, previous],
  ] as const) {
    if (parsed.yearEnding !== expected) {
      problems.push({
        file: file.name,
        sheet,
        row: 1,
        column: 'A',
        reason: `the title is for the year ending ${parsed.yearEnding ?? '(none)'}, expected ${expected}`,
      })
    }
  }
  // The four tables list the same areas; a row in one and not the others is a sign of a damaged workbook.
  const keys = (s: ParsedSheet) => new Set(s.rows.map((r) => r.key))
  const c2Keys = keys(c2)
  for (const [sheet, parsed] of [
    ['Table C3', c3],
    ['Table C4', c4],
    ['Table C5', c5],
  ] as const) {
    for (const r of parsed.rows) {
      if (!c2Keys.has(r.key)) {
        notes.push({ file: file.name, sheet, row: r.row, column: '', reason: `${r.name} is not in Table C2` })
      }
    }
  }
  const populationByKey = new Map(c4.rows.map((r) => [r.key, r]))
  const toAreas = (parsed: ParsedSheet, withPopulation: boolean): AreaCounts[] =>
    parsed.rows
      .filter((r) => {
        const hasFigure = [...r.values.values()].some((v) => v !== null)
        if (!hasFigure) {
          notes.push({
            file: file.name,
            sheet: parsed === c2 ? 'Table C2' : 'Table C5',
            row: r.row,
            column: '',
            reason: `${r.name} has no figures; left out`,
          })
        }
        return hasFigure
      })
      .map((r) => {
        const c4Row = withPopulation ? populationByKey.get(r.key) : undefined
        return Object.freeze({
          kind: r.kind,
          key: r.key,
          partnershipCode: r.partnershipCode,
          name: r.name,
          forceCode: r.forceCode,
          counts: r.values,
          population: c4Row?.population ?? null,
          populationNote: c4Row?.populationNote ?? null,
          row: r.row,
        })
      })
  const currentAreas = toAreas(c2, true)
  const previousAreas = toAreas(c5, false)
  checkForceTotals(file.name, 'Table C2', currentAreas, notes)
  checkForceTotals(file.name, 'Table C5', previousAreas, notes)
  return {
    yearEnding,
    current: { dataset: 'ons-pfa-tables', yearEnding, areas: currentAreas },
    previous: { dataset: 'ons-pfa-tables', yearEnding: previous, areas: previousAreas },
    publishedPercentChange: new Map(c3.rows.map((r) => [r.key, r.values])),
    publishedRates: new Map(c4.rows.map((r) => [r.key, r.values])),
    problems,
    notes,
  }
}

function parseSheet(
  fileName: string,
  sheetName: string,
  rows: readonly { row: number; cells: readonly (PlainCell | { readonly unreadable: string })[] }[],
  kind: SheetKind,
  directory: PartnershipDirectory,
  matcher: NameMatcher,
  problems: TableProblem[],
  notes: TableProblem[],
): ParsedSheet {
  const problem = (row: number, column: string, reason: string) =>
    problems.push({ file: fileName, sheet: sheetName, row, column, reason })
  const note = (row: number, column: string, reason: string) =>
    notes.push({ file: fileName, sheet: sheetName, row, column, reason })

  const title = rows[0] ? cellText(rows[0].cells[0]) : ''
  const yearEnding = yearEndingIn(title)
  const headerIndex = rows.findIndex((r) => normaliseHeading(cellText(r.cells[0])) === IDENTITY_HEADINGS.forceCode)
  if (headerIndex < 0) {
    problem(0, '', 'no header row (a row starting "Police Force Area code") was found')
    return { yearEnding, rows: [] }
  }
  const header = (rows[headerIndex] as (typeof rows)[number]).cells.map((c) => normaliseHeading(cellText(c)))
  const identity = {} as Record<keyof typeof IDENTITY_HEADINGS, number>
  for (const [field, heading] of Object.entries(IDENTITY_HEADINGS) as [keyof typeof IDENTITY_HEADINGS, string][]) {
    const index = header.indexOf(heading)
    if (index < 0) {
      problem((rows[headerIndex] as (typeof rows)[number]).row, '', `no "${heading}" column`)
      return { yearEnding, rows: [] }
    }
    identity[field] = index
  }
  const groupColumns: { index: number; group: OffenceGroupId }[] = []
  let populationColumn: { index: number; note: string } | null = null
  const headerRow = (rows[headerIndex] as (typeof rows)[number]).row
  header.forEach((heading, index) => {
    if (Object.values(identity).includes(index) || heading === '') return
    const group = offenceGroupOfHeading(heading)
    if (group) {
      if (groupColumns.some((c) => c.group === group)) {
        problem(headerRow, columnLetter(index), `a second "${heading}" column`)
      } else groupColumns.push({ index, group })
      return
    }
    if (kind === 'rates' && heading.startsWith('population figures')) {
      populationColumn = {
        index,
        note: cellText((rows[headerIndex] as (typeof rows)[number]).cells[index]).replace(/\s+/g, ' '),
      }
      return
    }
    // Table C4's residential burglary per 1,000 households, and its household counts, are not used.
    if (kind === 'rates' && (heading.includes('per 1,000 household') || heading.startsWith('household figures'))) return
    note(headerRow, columnLetter(index), `the column "${heading}" is not an offence group this program knows; ignored`)
  })
  if (!groupColumns.some((c) => c.group === 'total-recorded-crime')) {
    problem(headerRow, '', 'no "Total recorded crime" column')
    return { yearEnding, rows: [] }
  }
  const parsed: ParsedRow[] = []
  const seen = new Map<string, number>()
  for (const { row, cells } of rows.slice(headerIndex + 1)) {
    const forceCode = cellText(cells[identity.forceCode])
    const forceName = cellText(cells[identity.forceName])
      .replace(/\[note \d+\]/gi, '')
      .trim()
    const partnershipCode = cellText(cells[identity.partnershipCode])
    const partnershipName = cellText(cells[identity.partnershipName])
    if (cells.every((c) => cellText(c) === '')) continue
    if (!forceCode) {
      problem(row, columnLetter(identity.forceCode), 'no police force area code')
      continue
    }
    if (!directory.forceName(forceCode)) {
      problem(row, columnLetter(identity.forceCode), `the police force area code ${forceCode} is not in the ONS lookup`)
      continue
    }
    let kindOfRow: AreaKind
    let key: string
    let areaForce = forceCode
    if (partnershipCode) {
      const p = directory.byCode(partnershipCode)
      if (!p) {
        problem(
          row,
          columnLetter(identity.partnershipCode),
          `the partnership code ${partnershipCode} (${partnershipName}) is not in the ONS partnership lookup`,
        )
        continue
      }
      if (p.forceCode !== forceCode) {
        problem(
          row,
          columnLetter(identity.forceCode),
          `${p.name} (${p.code}) is in ${p.forceName} (${p.forceCode}) in the ONS lookup, not ${forceCode}`,
        )
        continue
      }
      if (normaliseName(p.name) !== normaliseName(partnershipName) && kind === 'counts' && sheetName === 'Table C2') {
        note(
          row,
          columnLetter(identity.partnershipName),
          `named "${partnershipName}" here; the ONS lookup calls ${p.code} "${p.name}" (matched by code)`,
        )
      }
      kindOfRow = 'partnership'
      key = p.code
    } else if (!partnershipName) {
      kindOfRow = 'force'
      key = forceCode
    } else {
      const match = matcher.partnership(partnershipName, forceCode)
      if (match.kind === 'unassigned') {
        if (match.forceCode !== forceCode && sheetName === 'Table C2') {
          note(
            row,
            columnLetter(identity.forceCode),
            `"${partnershipName}" carries the force code ${forceCode} (${directory.forceName(forceCode)}); ` +
              `counted in ${directory.forceName(match.forceCode)}, the force it names`,
          )
        }
        areaForce = match.forceCode
        kindOfRow = 'unassigned'
        key = `${match.forceCode}/unassigned`
      } else {
        // A named area without a partnership code is counted by ONS at force level (note 2: airports).
        if (sheetName === 'Table C2') {
          note(
            row,
            columnLetter(identity.partnershipName),
            `${partnershipName}: counted at force level, in no partnership`,
          )
        }
        kindOfRow = 'force-level'
        key = `${forceCode}/${normaliseName(partnershipName)}`
      }
    }
    if (forceName && normaliseName(forceName) !== normaliseName(directory.forceName(forceCode) ?? '')) {
      const named = matcher.force(forceName)
      if (named !== forceCode && kindOfRow !== 'unassigned') {
        problem(
          row,
          columnLetter(identity.forceName),
          `the force name "${forceName}" does not match the code ${forceCode} (${directory.forceName(forceCode)})`,
        )
        continue
      }
    }
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      problem(row, '', `${partnershipName || forceName} appears twice (also row ${earlier})`)
      continue
    }
    seen.set(key, row)
    const values = new Map<OffenceGroupId, number | null>()
    for (const { index, group } of groupColumns) {
      const cell = cells[index]
      const read = readFigure(cell, kind)
      if (typeof read === 'string') problem(row, columnLetter(index), read)
      else values.set(group, read)
    }
    let population: number | null = null
    let populationNote: string | null = null
    const pc = populationColumn as { index: number; note: string } | null
    if (pc) {
      const read = readFigure(cells[pc.index], 'counts')
      if (typeof read === 'string') problem(row, columnLetter(pc.index), read)
      else if (read !== null) {
        if (read <= 0) problem(row, columnLetter(pc.index), `a population must be above 0, not ${read}`)
        else {
          population = read
          populationNote = pc.note
        }
      }
    }
    parsed.push({
      kind: kindOfRow,
      key,
      partnershipCode: kindOfRow === 'partnership' ? key : null,
      name: partnershipName || forceName,
      forceCode: areaForce,
      values,
      population,
      populationNote,
      row,
    })
  }
  return { yearEnding, rows: parsed }
}

/** A figure, null for "no figure", or the reason it cannot be read. */
function readFigure(cell: SheetCell, kind: SheetKind): number | null | string {
  if (cell === null || cell === undefined) return null
  if (typeof cell === 'object') return `${cell.unreadable} where a figure was expected`
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return 'not a finite number'
    if (kind === 'counts' && !Number.isInteger(cell)) return `a count must be a whole number, not ${cell}`
    return cell
  }
  const s = cell.trim()
  if (s === '' || NO_FIGURE.test(s)) return null
  if (kind === 'counts' && INTEGER.test(s)) return Number(s)
  if (kind !== 'counts' && /^-?\d{1,15}(\.\d{1,20})?$/.test(s)) return Number(s)
  return `"${s}" is not a ${kind === 'counts' ? 'whole number' : 'number'} (nor a marker such as [x])`
}

/**
 * Force totals against the sum of their rows (partnerships, unassigned and force-level areas). ONS force totals
 * include everything recorded in the force, so a difference means a row is missing or attributed elsewhere.
 */
function checkForceTotals(fileName: string, sheet: string, areas: readonly AreaCounts[], notes: TableProblem[]) {
  const totals = new Map<string, AreaCounts>()
  const sums = new Map<string, number>()
  for (const a of areas) {
    if (a.kind === 'force') totals.set(a.forceCode, a)
    else sums.set(a.forceCode, (sums.get(a.forceCode) ?? 0) + (a.counts.get('total-recorded-crime') ?? 0))
  }
  for (const [force, total] of totals) {
    const stated = total.counts.get('total-recorded-crime')
    const sum = sums.get(force) ?? 0
    if (stated !== null && stated !== undefined && stated !== sum) {
      notes.push({
        file: fileName,
        sheet,
        row: total.row,
        column: '',
        reason: `${total.name}: the force total ${stated} differs from the sum of its rows ${sum}`,
      })
    }
  }
}
