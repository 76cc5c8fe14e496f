import { structureChart, structureOrder, type StructureNode } from '../charts/structure-chart.ts'
import type { DocumentSection, DocumentTable } from '../documents/document.ts'
import { isCurrentSeat } from '../domain/responsible-authorities.ts'

/** A board or group as Appendix B reads it (the board service's `GroupView` is one). */
export interface AppendixBGroup {
  readonly id: number
  readonly name: string
  readonly kind: 'board' | 'group'
  readonly parentGroupId: number | null
  readonly meetingFrequency: string | null
  readonly illustrative: boolean
  readonly members: readonly {
    readonly organisation: string
    readonly sector: string
    readonly seat: string | null
    readonly role: string
    readonly personName: string | null
    readonly fromDate: string | null
    readonly toDate: string | null
    readonly illustrative: boolean
  }[]
}

/** One line of the structure's table (and of its text list). */
export interface StructureRow {
  readonly id: number
  readonly name: string
  readonly depth: number
  readonly parentId: number | null
  readonly reportsTo: string | null
  /** The chair today, by name and organisation; null when the group has none. */
  readonly chair: string | null
  readonly meets: string | null
}

export const ILLUSTRATIVE_NOTE = 'Illustrative figure (not Wolverhampton’s)'

const chairOf = (group: AppendixBGroup, asOf: string): string | null => {
  const chair = group.members.find((m) => m.role === 'chair' && isCurrentSeat(m, asOf))
  if (!chair) return null
  return chair.personName ? `${chair.personName}, ${chair.organisation}` : chair.organisation
}

/** The board and its groups in reading order (each under the group it reports to), with chair and meetings. */
export function structureRows(groups: readonly AppendixBGroup[], asOf: string): StructureRow[] {
  const byId = new Map(groups.map((g) => [g.id, g]))
  const nodes: StructureNode[] = groups.map((g) => ({ id: g.id, name: g.name, parentId: g.parentGroupId }))
  return structureOrder(nodes).map(({ node, depth }) => {
    const group = byId.get(node.id) as AppendixBGroup
    return {
      id: group.id,
      name: group.name,
      depth,
      parentId: group.parentGroupId !== null && byId.has(group.parentGroupId) ? group.parentGroupId : null,
      reportsTo: group.parentGroupId === null ? null : (byId.get(group.parentGroupId)?.name ?? null),
      chair: chairOf(group, asOf),
      meets: group.meetingFrequency,
    }
  })
}

/**
 * The board's membership as the seed's Appendix B prints it: one line per organisation holding a seat today, in
 * alphabetical order; the constituencies' resident representatives on one line, and the third sector's organisations
 * on one line naming them.
 *
 * @example membershipLines(board, '2018-03-31')
 *   // ['Business sector', 'City of Wolverhampton Council', …,
 *   //  'Constituency based resident representatives (Wolverhampton North East, …)', …]
 */
export function membershipLines(board: AppendixBGroup, asOf: string): string[] {
  const current = board.members.filter((m) => isCurrentSeat(m, asOf))
  const lines = new Set<string>()
  const residents = current.filter((m) => m.sector === 'resident')
  const thirdSector = current.filter((m) => m.sector === 'voluntary')
  for (const m of current) if (m.sector !== 'resident' && m.sector !== 'voluntary') lines.add(m.organisation)
  if (residents.length > 0) {
    const seats = [...new Set(residents.map((m) => m.seat ?? m.organisation))]
    lines.add(`Constituency based resident representatives (${seats.join('; ')})`)
  }
  if (thirdSector.length > 0) {
    const names = [...new Set(thirdSector.map((m) => m.organisation))]
    lines.add(`Third sector, including resident and special interest representatives (${names.join('; ')})`)
  }
  return [...lines].sort((a, b) => a.localeCompare(b, 'en-GB'))
}

/** A row with the rows under it: the structure as a nested list. */
export interface StructureBranch extends StructureRow {
  readonly children: readonly StructureBranch[]
}

/** The rows as a tree (each under the one it reports to), for the nested text list. */
export function structureTree(rows: readonly StructureRow[]): StructureBranch[] {
  const under = (parentId: number | null, depth: number): StructureBranch[] =>
    rows
      .filter((r) => r.parentId === parentId && r.depth === depth)
      .map((r) => ({ ...r, children: under(r.id, depth + 1) }))
  return under(null, 0)
}

/** The chart's text summary: what reports to what, in sentences. */
export function structureSummary(rows: readonly StructureRow[]): string {
  const top = rows.find((r) => r.depth === 0)
  if (!top) return 'The partnership has not yet recorded its board.'
  const sentences: string[] = []
  const direct = rows.filter((r) => r.reportsTo === top.name)
  sentences.push(
    direct.length === 0
      ? `${top.name}${top.meets ? ` (meets ${top.meets.toLocaleLowerCase('en-GB')})` : ''} has no groups recorded under it.`
      : `${top.name}${top.meets ? ` (meets ${top.meets.toLocaleLowerCase('en-GB')})` : ''} oversees ${direct.length} ${direct.length === 1 ? 'group' : 'groups'}: ${direct.map((r) => r.name).join(', ')}.`,
  )
  for (const parent of rows) {
    if (parent === top) continue
    const under = rows.filter((r) => r.reportsTo === parent.name)
    if (under.length > 0)
      sentences.push(
        `${under.map((r) => r.name).join(', ')} ${under.length === 1 ? 'reports' : 'report'} to ${parent.name}.`,
      )
  }
  return sentences.join(' ')
}

/** The chart's data table. */
export function structureTable(rows: readonly StructureRow[]): DocumentTable {
  return {
    caption: 'The board and its groups: who each reports to, its chair and how often it meets',
    head: ['Group', 'Reports to', 'Chair', 'Meets'],
    rows: rows.map((r) => [r.name, r.reportsTo ?? '—', r.chair ?? 'Not recorded', r.meets ?? 'Not recorded']),
  }
}

/** The structure chart's SVG for these groups. */
export function appendixBChart(rows: readonly StructureRow[], summary: string): string {
  const detailOf = (r: StructureRow): string | null => {
    const parts = [r.chair ? `Chair: ${r.chair}` : null, r.meets ? `meets ${r.meets.toLocaleLowerCase('en-GB')}` : null]
    const shown = parts.filter((x): x is string => x !== null)
    return shown.length === 0 ? null : shown.join(' · ')
  }
  return structureChart(
    rows.map((r) => {
      const detail = detailOf(r)
      return { id: r.id, name: r.name, parentId: r.parentId, ...(detail === null ? {} : { detail }) }
    }),
    { id: 'appendix-b-structure', title: 'Delivery structure chart', description: summary },
  )
}

/**
 * Appendix B as a section of a printable document (the annual report includes it): the board's membership as the
 * seed prints it, the delivery structure as a chart with its alternative text, summary and table, and the structure as
 * a text list with chairs and meeting frequency. `asOf` chooses the seats shown (the report's year end, or today).
 * Rows the seed does not give are labelled illustrative.
 *
 * @example appendixBSection({ groups: (await board.overview(user)).all, asOf: '2018-03-31' })
 */
export function appendixBSection(input: {
  readonly groups: readonly AppendixBGroup[]
  readonly asOf: string
}): DocumentSection {
  const board = input.groups.find((g) => g.kind === 'board')
  // As the seed heads it ("Appendix B: SWP Board Membership & Delivery Structure Chart"), from the board's own name.
  const heading = board
    ? `Appendix B: ${board.name} Membership & Delivery Structure Chart`
    : 'Appendix B: Board Membership & Delivery Structure Chart'
  if (!board) {
    return {
      heading,
      level: 1,
      anchor: 'appendix-b',
      blocks: [{ kind: 'paragraph', runs: [{ text: 'The partnership has not yet recorded its board.' }] }],
    }
  }
  const rows = structureRows(input.groups, input.asOf)
  const summary = structureSummary(rows)
  const illustrative =
    input.groups.some((g) => g.illustrative) || input.groups.some((g) => g.members.some((m) => m.illustrative))
  return {
    heading,
    level: 1,
    anchor: 'appendix-b',
    blocks: [
      { kind: 'paragraph', runs: [{ text: `${board.name} membership:`, bold: true }] },
      { kind: 'list', ordered: false, items: membershipLines(board, input.asOf).map((text) => [{ text }]) },
      {
        kind: 'chart',
        svg: appendixBChart(rows, summary),
        alt: `Delivery structure chart. ${summary}`,
        summary,
        table: structureTable(rows),
      },
      {
        kind: 'list',
        ordered: false,
        items: rows.map((r) => [
          { text: `${'— '.repeat(r.depth)}${r.name}`, bold: r.depth === 0 },
          {
            text: `${r.reportsTo ? `, reports to ${r.reportsTo}` : ''}${r.chair ? `; chair: ${r.chair}` : ''}${r.meets ? `; meets ${r.meets.toLocaleLowerCase('en-GB')}` : ''}`,
          },
        ]),
      },
      ...(illustrative
        ? [
            {
              kind: 'note' as const,
              title: ILLUSTRATIVE_NOTE,
              runs: [
                {
                  text: 'Some seats, quorums or meeting frequencies here are illustrative: the seed report does not give them.',
                },
              ],
            },
          ]
        : []),
    ],
  }
}
