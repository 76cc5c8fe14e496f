import { parse } from 'csv-parse/sync'
import { NameMatcher } from '../reference/name-matching.ts'
import type { PartnershipDirectory } from '../reference/partnerships.ts'
import type { ImportFile } from '../reference/read-ons-tables.ts'
import type { TableProblem } from '../reference/recorded-crime-table.ts'

/**
 * A partnership's most similar group ("ranked 4th of 15 areas within its most similar grouping"): the partnerships
 * it compares itself with, with where the list came from and when. The Home Office sets these groups but does not
 * publish them openly, so a partnership imports its list (from iQuanta, say), enters it, or asks for a proposal
 * by nearest neighbours (`nearest-neighbours.ts`) and saves it. The group always includes the partnership itself.
 */
export interface PeerGroup {
  readonly partnershipCode: string
  readonly name: string
  /** Where the list comes from: "Home Office iQuanta", "proposed by saferhub (nearest neighbours)". */
  readonly source: string
  /** `YYYY-MM-DD`. */
  readonly asOf: string
  readonly method: 'imported' | 'entered' | 'proposed'
  readonly methodNote: string | null
  /** ONS codes, the partnership itself included, in the order given (for a proposal: nearest first). */
  readonly members: readonly { readonly code: string; readonly distance: number | null }[]
}

export interface PeerGroupFileRead {
  readonly groups: readonly PeerGroup[]
  readonly problems: readonly TableProblem[]
  readonly notes: readonly TableProblem[]
}

const COLUMNS = ['partnership', 'group', 'source', 'as_of', 'member'] as const

/** A real calendar date `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false
  const d = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text
}

/**
 * Reads peer groups from a CSV file, one row per member:
 *
 *     partnership,group,source,as_of,member
 *     Wolverhampton,Most similar group,Home Office iQuanta,2018-03-31,Wolverhampton
 *     Wolverhampton,Most similar group,Home Office iQuanta,2018-03-31,E22000338
 *
 * `partnership` and `member` are names or ONS codes, matched as the crime tables are (case, white space and "&"
 * normalised; nothing guessed). Every problem is reported with its row and column, and no group is returned when
 * there is any. A group that leaves out the partnership itself gets it added, with a note.
 */
export function readPeerGroupFile(file: ImportFile, directory: PartnershipDirectory): PeerGroupFileRead {
  const problems: TableProblem[] = []
  const notes: TableProblem[] = []
  const problem = (row: number, column: string, reason: string) =>
    problems.push({ file: file.name, sheet: '', row, column, reason })
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.content)
  } catch {
    problem(0, '', 'the file is not UTF-8 text: save it as "CSV UTF-8"')
    return { groups: [], problems, notes }
  }
  let records: string[][]
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][]
  } catch (error) {
    const e = error as { lines?: number; message?: string }
    problem(e.lines ?? 0, '', `the CSV cannot be read: ${e.message ?? String(error)}`)
    return { groups: [], problems, notes }
  }
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase())
  const index = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<
    (typeof COLUMNS)[number],
    number
  >
  const absent = COLUMNS.filter((c) => index[c] < 0)
  if (records.length === 0 || absent.length > 0) {
    problem(1, '', `the header must have the columns ${COLUMNS.join(',')} (missing: ${absent.join(', ') || 'all'})`)
    return { groups: [], problems, notes }
  }
  const unknown = header.filter((h) => !(COLUMNS as readonly string[]).includes(h))
  if (unknown.length > 0) problem(1, '', `unknown column(s): ${unknown.join(', ')}`)
  const matcher = new NameMatcher(directory)
  const resolve = (value: string): { code: string } | { reason: string } => {
    const code = value.trim().toUpperCase()
    if (/^[EW]\d{8}$/.test(code)) {
      return directory.byCode(code) ? { code } : { reason: `${code} is not a partnership code of the ONS lookup` }
    }
    const m = matcher.partnership(value, null)
    return m.kind === 'partnership'
      ? { code: m.code }
      : { reason: m.kind === 'unmatched' ? m.reason : `"${value}" is not a partnership` }
  }
  const groups = new Map<string, { group: Omit<PeerGroup, 'members'>; members: string[]; firstRow: number }>()
  records.slice(1).forEach((record, i) => {
    const row = i + 2
    if (record.length !== header.length) {
      problem(row, '', `${record.length} columns where the header has ${header.length}`)
      return
    }
    const cell = (c: (typeof COLUMNS)[number]) => (record[index[c]] ?? '').trim()
    const owner = resolve(cell('partnership'))
    const member = resolve(cell('member'))
    if ('reason' in owner) problem(row, 'partnership', owner.reason)
    if ('reason' in member) problem(row, 'member', member.reason)
    const name = cell('group')
    const source = cell('source')
    const asOf = cell('as_of')
    if (!name) problem(row, 'group', 'the group needs a name')
    if (!source) problem(row, 'source', 'say where the list comes from (e.g. "Home Office iQuanta")')
    if (!isIsoDate(asOf)) problem(row, 'as_of', `"${asOf}" is not a date written YYYY-MM-DD`)
    if ('reason' in owner || 'reason' in member || !name || !source || !isIsoDate(asOf)) return
    const key = `${owner.code}\u0000${name.toLowerCase()}`
    let entry = groups.get(key)
    if (!entry) {
      entry = {
        group: { partnershipCode: owner.code, name, source, asOf, method: 'imported', methodNote: null },
        members: [],
        firstRow: row,
      }
      groups.set(key, entry)
    } else if (entry.group.source !== source || entry.group.asOf !== asOf) {
      problem(row, 'source', `the group "${name}" has another source or date on row ${entry.firstRow}`)
      return
    }
    if (entry.members.includes(member.code)) {
      problem(row, 'member', `${directory.byCode(member.code)?.name} is listed twice in "${name}"`)
      return
    }
    entry.members.push(member.code)
  })
  if (records.length === 1) problem(0, '', 'the file has a header but no rows')
  const out: PeerGroup[] = []
  for (const { group, members, firstRow } of groups.values()) {
    if (!members.includes(group.partnershipCode)) {
      notes.push({
        file: file.name,
        sheet: '',
        row: firstRow,
        column: 'member',
        reason: `"${group.name}" did not list ${directory.byCode(group.partnershipCode)?.name} itself; added`,
      })
      members.unshift(group.partnershipCode)
    }
    out.push({ ...group, members: members.map((code) => ({ code, distance: null })) })
  }
  return { groups: problems.length > 0 ? [] : out, problems, notes }
}
