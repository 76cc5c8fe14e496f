import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  layoutStructure,
  STRUCTURE_LAYOUT,
  structureChart,
  structureOrder,
  type StructureNode,
} from './structure-chart.ts'

const SWP: StructureNode[] = [
  { id: 1, name: 'SWP Board', parentId: null, detail: 'Chair: Mark Taylor · meets quarterly' },
  { id: 2, name: 'Gangs Steering Group', parentId: 1 },
  { id: 3, name: 'WDVF Executive Board', parentId: 1 },
  { id: 4, name: 'MARAC', parentId: 3 },
  { id: 5, name: 'Contest Board', parentId: 1 },
  { id: 6, name: 'Channel Panel', parentId: 5 },
]

const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

test('the reading order puts each group under the one it reports to, in the order given', () => {
  assert.deepEqual(
    structureOrder(SWP).map((o) => [o.node.name, o.depth]),
    [
      ['SWP Board', 0],
      ['Gangs Steering Group', 1],
      ['WDVF Executive Board', 1],
      ['MARAC', 2],
      ['Contest Board', 1],
      ['Channel Panel', 2],
    ],
  )
})

test('the layout: one row per group, each indented under its parent, none overlapping, all inside the picture', () => {
  const { boxes, height } = layoutStructure(SWP)
  assert.equal(boxes.length, SWP.length)
  const byId = new Map(boxes.map((b) => [b.id, b]))
  for (const box of boxes) {
    assert.ok(box.x >= 0 && box.x + box.width <= STRUCTURE_LAYOUT.width, `box ${box.id} inside the width`)
    assert.ok(box.y >= 0 && box.y + box.height <= height, `box ${box.id} inside the height`)
    if (box.parentId !== null) {
      const parent = byId.get(box.parentId)
      assert.ok(parent)
      assert.ok(box.y > parent.y, `box ${box.id} below its parent`)
      assert.equal(box.x - parent.x, STRUCTURE_LAYOUT.indent, `box ${box.id} one step right of its parent`)
    }
  }
  for (const a of boxes) for (const b of boxes) if (a !== b) assert.ok(!overlaps(a, b), `${a.id} and ${b.id} apart`)
})

test('any number of groups and any depth fit: 200 groups in a chain of 30 and a fan of 170', () => {
  const nodes: StructureNode[] = [{ id: 1, name: 'Board', parentId: null }]
  for (let i = 2; i <= 31; i++) nodes.push({ id: i, name: `Level ${i}`, parentId: i - 1 })
  for (let i = 32; i <= 201; i++) nodes.push({ id: i, name: `Fan ${i}`, parentId: 1 })
  const { boxes, height } = layoutStructure(nodes)
  assert.equal(boxes.length, 201)
  for (const box of boxes) {
    assert.ok(box.width >= STRUCTURE_LAYOUT.minimumBoxWidth, `box ${box.id} stays wide enough to read`)
    assert.ok(box.x + box.width <= STRUCTURE_LAYOUT.width)
    assert.ok(box.y + box.height <= height)
  }
  // Every row its own: 201 rows of 48 with 14 between and 8 above and below.
  assert.equal(height, 8 * 2 + 201 * 48 + 200 * 14)
})

test('a group whose parent is missing, or a cycle, is still drawn once', () => {
  const odd: StructureNode[] = [
    { id: 1, name: 'Board', parentId: null },
    { id: 2, name: 'Orphan', parentId: 99 },
    { id: 3, name: 'A', parentId: 4 },
    { id: 4, name: 'B', parentId: 3 },
  ]
  assert.deepEqual(
    structureOrder(odd)
      .map((o) => o.node.id)
      .sort(),
    [1, 2, 3, 4],
  )
})

test('the markup: role img, title and desc referenced, one box and one line per group, text escaped', () => {
  const svg = structureChart([...SWP, { id: 7, name: 'Tom & Jerry <Group>', parentId: 1 }], {
    id: 'appendix b',
    title: 'SWP delivery structure',
    description: 'Six groups report to the SWP Board.',
  })
  assert.match(svg, /^<svg [^>]*role="img"[^>]*aria-labelledby="appendix-b-title appendix-b-desc"/)
  assert.match(svg, /<title id="appendix-b-title">SWP delivery structure<\/title>/)
  assert.match(svg, /<desc id="appendix-b-desc">Six groups report to the SWP Board\.<\/desc>/)
  assert.equal((svg.match(/class="structure-box"/g) ?? []).length, 7)
  // A line for every group but the board, each from its parent.
  const links = [...svg.matchAll(/data-from="(\d+)" data-to="(\d+)"/g)].map((m) => `${m[1]}>${m[2]}`)
  assert.deepEqual(links.sort(), ['1>2', '1>3', '1>5', '1>7', '3>4', '5>6'])
  assert.ok(svg.includes('Tom &amp; Jerry &lt;Group&gt;'))
  assert.ok(!svg.includes('<Group>'))
  assert.ok(svg.includes('Chair: Mark Taylor · meets quarterly'))
})

test('a name too long for its box is cut in the box but whole in its title', () => {
  const long = 'The Very Long Name Of A Partnership Sub Group That Goes On And On Beyond Any Box Width At All'
  const svg = structureChart([{ id: 1, name: long, parentId: null }], { id: 'x', title: 't', description: 'd' })
  assert.ok(svg.includes(`<title>${long}</title>`))
  const shown = /font-weight="700"[^>]*>([^<]*)</.exec(svg)?.[1] ?? ''
  assert.ok(shown.endsWith('…') && shown.length < long.length, shown)
})
