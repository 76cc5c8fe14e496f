import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import { readPerformanceImport } from '../performance/import/read-performance-import.ts'
import { writeZip } from '../performance/import/testing/zip-writer.ts'
import { checkZipSafety, looksLikeZip } from './zip-safety.ts'

const MB = 1024 * 1024
const WORKBOOK_ENTRIES = ['[Content_Types].xml', 'xl/workbook.xml']

/** Files a minimal archive needs to pass the "is it a workbook" test, so that only the unsafe part differs. */
const workbookShell = () => [
  { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
  { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
]

async function realWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.addWorksheet('Values').addRow(['indicator', 'period', 'value'])
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

describe('checkZipSafety', () => {
  it('passes a real workbook written by exceljs', async () => {
    assert.deepEqual(await checkZipSafety(await realWorkbook(), WORKBOOK_ENTRIES), [])
  })

  it('passes a hand-written archive of normal entries (the writer itself is sound)', async () => {
    const zip = writeZip([...workbookShell(), { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(10_000, 'a') }])
    assert.ok(looksLikeZip(zip))
    assert.deepEqual(await checkZipSafety(zip, WORKBOOK_ENTRIES), [])
  })

  it('refuses more than 200 entries, from the directory count alone', async () => {
    const entries = Array.from({ length: 201 }, (_, i) => ({ name: `xl/f${i}.xml`, data: Buffer.from('x') }))
    const reasons = await checkZipSafety(writeZip(entries))
    assert.equal(reasons.length, 1)
    assert.match(reasons[0] ?? '', /201 entries/)
    assert.match(reasons[0] ?? '', /200/)
  })

  it('accepts exactly 200 entries', async () => {
    const entries = Array.from({ length: 198 }, (_, i) => ({ name: `xl/f${i}.xml`, data: Buffer.from('x') }))
    assert.deepEqual(await checkZipSafety(writeZip([...workbookShell(), ...entries]), WORKBOOK_ENTRIES), [])
  })

  it('refuses an entry that declares more than 50 MB', async () => {
    const zip = writeZip([...workbookShell(), { name: 'xl/big.xml', data: Buffer.from('tiny'), declaredSize: 51 * MB }])
    const reasons = await checkZipSafety(zip)
    assert.equal(reasons.length, 1)
    assert.match(reasons[0] ?? '', /"xl\/big\.xml" would inflate to 51\.0 MB/)
  })

  it('refuses a total above 200 MB even when each entry is under 50 MB', async () => {
    // Entries that declare 45 MB each and hold 4 bytes: the directory alone must be enough to refuse them.
    const entries = Array.from({ length: 5 }, (_, i) => ({
      name: `xl/part${i}.xml`,
      data: Buffer.from('tiny'),
      declaredSize: 45 * MB,
    }))
    const reasons = await checkZipSafety(writeZip(entries))
    assert.ok(
      reasons.some((r) => /inflate to 225\.0 MB in all/.test(r)),
      reasons.join('\n'),
    )
  })

  it('refuses a large entry compressed more than 100:1 (a zip bomb), measured on real deflate', async () => {
    const zeros = Buffer.alloc(2 * MB)
    const zip = writeZip([...workbookShell(), { name: 'xl/worksheets/sheet1.xml', data: zeros }])
    const reasons = await checkZipSafety(zip)
    assert.equal(reasons.length, 1)
    assert.match(reasons[0] ?? '', /compression ratio of \d+:1/)
    assert.match(reasons[0] ?? '', /zip bomb/)
  })

  it('does not apply the ratio to small entries (a 900 KB sheet of one repeated cell is fine)', async () => {
    const zip = writeZip([...workbookShell(), { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(900 * 1024) }])
    assert.deepEqual(await checkZipSafety(zip, WORKBOOK_ENTRIES), [])
  })

  it('catches an entry whose data inflates to more than it declares', async () => {
    const data = Buffer.alloc(20_000, 'x')
    const zip = writeZip([...workbookShell(), { name: 'xl/sharedStrings.xml', data, declaredSize: 100 }])
    const reasons = await checkZipSafety(zip)
    assert.equal(reasons.length, 1)
    assert.match(reasons[0] ?? '', /"xl\/sharedStrings\.xml" cannot be inflated safely/)
    assert.match(reasons[0] ?? '', /too many bytes/)
  })

  for (const [name, expected] of [
    ['../evil.xml', /climbs out of the archive/],
    ['xl/../../evil.xml', /climbs out of the archive/],
    ['/etc/passwd', /absolute path/],
    ['C:/Windows/win.ini', /absolute path/],
  ] as const) {
    it(`refuses the entry name ${name}`, async () => {
      const reasons = await checkZipSafety(writeZip([...workbookShell(), { name, data: Buffer.from('x') }]))
      assert.equal(reasons.length, 1)
      assert.match(reasons[0] ?? '', expected)
    })
  }

  it('says a zip that is not a workbook is not one', async () => {
    const reasons = await checkZipSafety(writeZip([{ name: 'hello.txt', data: Buffer.from('hi') }]), WORKBOOK_ENTRIES)
    assert.deepEqual(reasons, [
      'it is a zip archive but not an Excel workbook (it has no [Content_Types].xml or xl/workbook.xml)',
    ])
  })

  it('refuses a truncated archive', async () => {
    const zip = await realWorkbook()
    const reasons = await checkZipSafety(zip.subarray(0, 200))
    assert.equal(reasons.length, 1)
    assert.match(reasons[0] ?? '', /not a readable zip archive/)
  })
})

describe('a zip bomb uploaded as a workbook', () => {
  it('is refused before the workbook is opened, and nothing is accepted', async () => {
    const bomb = writeZip([...workbookShell(), { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(3 * MB) }])
    const result = await readPerformanceImport([{ name: 'returns.xlsx', content: bomb }], { indicators: new Map() })
    assert.equal(result.problems.length, 1)
    const [problem] = result.problems
    assert.equal(problem?.file, 'returns.xlsx')
    assert.equal(problem?.row, 0)
    assert.equal(problem?.column, '')
    assert.match(problem?.reason ?? '', /^the workbook was refused: .*compression ratio/)
    assert.deepEqual([result.indicators, result.baselines, result.values], [[], [], []])
  })
})
