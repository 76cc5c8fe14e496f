import { chartId, coordinate, escapeXml } from './svg.ts'

/**
 * The delivery structure chart (Appendix B): the board and the groups under it, each a box, each joined by a line to
 * the group it reports to. Hand-written SVG like the other charts.
 *
 * The layout is an indented tree, one box per row: a group's box sits one step to the right of its parent's and
 * below it, with an elbow line from the parent's left edge down and across to it. An organisation chart drawn
 * top-down runs out of width after six or seven groups side by side (the text shrinks with the viewBox until nobody
 * can read it); rows grow only downwards, so any number of groups and any depth stay the same size and readable on a
 * phone, in the PDF and in the DOCX. Box widths shrink by one indent per level; names too long for a box are cut
 * with an ellipsis in the box only (the full name is in the box's own `<title>` and in the chart's table).
 */
export interface StructureNode {
  readonly id: number
  readonly name: string
  /** The group it reports to; null for the top (the board). */
  readonly parentId: number | null
  /** A second line, e.g. "Chair: Mark Taylor · meets quarterly". */
  readonly detail?: string
}

export interface StructureChartOptions {
  readonly id: string
  readonly title: string
  readonly description: string
}

/** Where a box was drawn: what the tests read to check the layout. */
export interface PlacedBox {
  readonly id: number
  readonly depth: number
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
  readonly parentId: number | null
}

export const STRUCTURE_LAYOUT = Object.freeze({
  width: 640,
  margin: 8,
  indent: 36,
  boxHeight: 48,
  rowGap: 14,
  /** Roughly how wide a character of the 14px name is, to cut names that would not fit. */
  nameCharWidth: 7.6,
  detailCharWidth: 6.6,
  /** The narrowest a box gets, however deep the tree: deeper levels stop indenting. */
  minimumBoxWidth: 220,
})

/**
 * The boxes in reading order (each parent before its groups, groups in the order given), with their depth. A node
 * whose parent is not among the nodes is drawn at the top level; a cycle (which the data does not allow) is broken
 * by drawing each node once.
 */
export function structureOrder(nodes: readonly StructureNode[]): { node: StructureNode; depth: number }[] {
  const ids = new Set(nodes.map((n) => n.id))
  const children = new Map<number | null, StructureNode[]>()
  for (const node of nodes) {
    const parent = node.parentId !== null && ids.has(node.parentId) && node.parentId !== node.id ? node.parentId : null
    const list = children.get(parent) ?? []
    list.push(node)
    children.set(parent, list)
  }
  const ordered: { node: StructureNode; depth: number }[] = []
  const seen = new Set<number>()
  const visit = (node: StructureNode, depth: number) => {
    if (seen.has(node.id)) return
    seen.add(node.id)
    ordered.push({ node, depth })
    for (const child of children.get(node.id) ?? []) visit(child, depth + 1)
  }
  for (const root of children.get(null) ?? []) visit(root, 0)
  // Nodes only reachable through a cycle: drawn at the top so nothing is lost.
  for (const node of nodes) visit(node, 0)
  return ordered
}

/** Where each box goes (see the layout described above). */
export function layoutStructure(nodes: readonly StructureNode[]): { boxes: PlacedBox[]; height: number } {
  const L = STRUCTURE_LAYOUT
  const maxIndentLevels = Math.floor((L.width - 2 * L.margin - L.minimumBoxWidth) / L.indent)
  const boxes = structureOrder(nodes).map(({ node, depth }, row) => {
    const x = L.margin + Math.min(depth, maxIndentLevels) * L.indent
    return {
      id: node.id,
      depth,
      x,
      y: L.margin + row * (L.boxHeight + L.rowGap),
      width: L.width - L.margin - x,
      height: L.boxHeight,
      parentId: node.parentId,
    }
  })
  const height = boxes.length === 0 ? 2 * L.margin : L.margin * 2 + boxes.length * (L.boxHeight + L.rowGap) - L.rowGap
  return { boxes, height }
}

/** Text cut to fit `width` at `charWidth` per character, with an ellipsis when cut. */
function fitted(text: string, width: number, charWidth: number): string {
  const room = Math.max(4, Math.floor(width / charWidth))
  const characters = [...text]
  return characters.length <= room ? text : `${characters.slice(0, room - 1).join('')}…`
}

/**
 * The chart as an SVG string: `role="img"` labelled by its `<title>` and described by its `<desc>`; each box a group
 * (`data-group` its id) with the full name in its own `<title>`.
 *
 * @example structureChart([{ id: 1, name: 'SWP Board', parentId: null }, { id: 2, name: 'MARAC', parentId: 1 }],
 *   { id: 'appendix-b', title: 'Delivery structure', description: 'MARAC reports to the SWP Board.' })
 */
export function structureChart(nodes: readonly StructureNode[], options: StructureChartOptions): string {
  const L = STRUCTURE_LAYOUT
  const id = chartId(options.id)
  const { boxes, height } = layoutStructure(nodes)
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const placed = new Map(boxes.map((b) => [b.id, b]))
  const lines: string[] = []
  const drawn: string[] = []
  for (const box of boxes) {
    const node = byId.get(box.id) as StructureNode
    const parent = box.parentId === null ? undefined : placed.get(box.parentId)
    if (parent && parent.id !== box.id) {
      // Down from a little inside the parent's left edge, then across to the middle of this box's left edge.
      const fromX = parent.x + L.indent / 2
      const midY = box.y + box.height / 2
      lines.push(
        `<path class="structure-link" d="M${coordinate(fromX)} ${coordinate(parent.y + parent.height)}V${coordinate(midY)}H${coordinate(box.x)}" fill="none" stroke="#505a5f" stroke-width="1.5" data-from="${parent.id}" data-to="${box.id}"/>`,
      )
    }
    const textX = box.x + 10
    const name = fitted(node.name, box.width - 20, L.nameCharWidth)
    const detail = node.detail ? fitted(node.detail, box.width - 20, L.detailCharWidth) : null
    const nameY = detail ? box.y + 20 : box.y + box.height / 2 + 5
    drawn.push(
      `<g class="structure-box" data-group="${box.id}" data-depth="${box.depth}">` +
        `<title>${escapeXml(node.detail ? `${node.name}: ${node.detail}` : node.name)}</title>` +
        `<rect x="${coordinate(box.x)}" y="${coordinate(box.y)}" width="${coordinate(box.width)}" height="${coordinate(box.height)}" rx="3" fill="${box.depth === 0 ? '#1d70b8' : '#ffffff'}" stroke="#1d70b8" stroke-width="2"/>` +
        `<text x="${coordinate(textX)}" y="${coordinate(nameY)}" font-size="14" font-weight="700" fill="${box.depth === 0 ? '#ffffff' : '#0b0c0c'}">${escapeXml(name)}</text>` +
        (detail
          ? `<text x="${coordinate(textX)}" y="${coordinate(box.y + 38)}" font-size="12" fill="${box.depth === 0 ? '#ffffff' : '#0b0c0c'}">${escapeXml(detail)}</text>`
          : '') +
        `</g>`,
    )
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="structure-chart" viewBox="0 0 ${L.width} ${coordinate(height)}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="Arial, sans-serif">` +
    `<title id="${id}-title">${escapeXml(options.title)}</title>` +
    `<desc id="${id}-desc">${escapeXml(options.description)}</desc>` +
    lines.join('') +
    drawn.join('') +
    `</svg>`
  )
}
