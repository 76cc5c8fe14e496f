import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import type { Indicator } from '../../domain/indicator.ts'
import { readPerformanceImport } from './read-performance-import.ts'
import { readPerformanceImportInWorker, readPerformanceImportOffThread } from './read-in-worker.ts'
import { writeZip } from './testing/zip-writer.ts'
import { MAX_XML_TOKEN_CHARS } from './xml-scanner.ts'

const knife: Indicator = {
  id: 'knife-crime',
  name: 'Knife crime',
  theme: 'Gangs and Youth Crime',
  priority: 'Violence Prevention',
  definition: '',
  dataOwner: 'SWP Analyst',
  cadence: 'quarterly',
  measureType: 'count',
  preferredDirection: 'reduce',
  hiddenHarm: false,
}
const known = { indicators: new Map([[knife.id, knife]]) }

/**
 * Text the reader cannot take if it ever reaches it: one text longer than `MAX_XML_TOKEN_CHARS`, random so that it
 * does not compress (the zip checks refuse anything that compresses more than 100:1).
 */
const unreadableTail = () => randomBytes(MAX_XML_TOKEN_CHARS).toString('base64')

/** A workbook written by hand (no spreadsheet library), so a sheet's XML can be anything. */
function workbookOf(sheets: { name: string; xml: string }[]): Buffer {
  const sheetTags = sheets.map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')
  const rels = sheets
    .map(
      (_, i) =>
        `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
    )
    .join('')
  return writeZip([
    { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types/>') },
    {
      name: 'xl/workbook.xml',
      data: Buffer.from(
        `<?xml version="1.0"?><workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${sheetTags}</sheets></workbook>`,
      ),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: Buffer.from(`<?xml version="1.0"?><Relationships>${rels}</Relationships>`),
    },
    ...sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: Buffer.from(s.xml) })),
  ])
}

const row = (n: number, cells: string[]) =>
  `<row r="${n}">${cells.map((text, i) => `<c r="${String.fromCharCode(65 + i)}${n}" t="inlineStr"><is><t>${text}</t></is></c>`).join('')}</row>`

describe('workbooks read as streams', () => {
  it('stops at the first row past the limit, with a clear message, without reading the rest of the sheet', async () => {
    const body = Array.from({ length: 12 }, (_, i) => row(i + 2, ['knife-crime', `FY2017-18-Q${(i % 4) + 1}`, '1']))
    const xml = `<worksheet><sheetData>${row(1, ['indicator', 'period', 'value'])}${body.join('')}${unreadableTail()}`
    const result = await readPerformanceImport(
      [{ name: 'big.xlsx', content: workbookOf([{ name: 'Values', xml }]) }],
      known,
      {
        maxRows: 10,
      },
    )
    // Had the reader gone on past row 12, the tail would have made the workbook unreadable instead.
    assert.deepEqual(result.problems, [
      {
        file: 'big.xlsx, sheet Values',
        row: 0,
        column: '',
        reason:
          'the sheet has more than 10 rows (it goes on to row 12 at least; reading stopped there); the most accepted is 10: split it',
      },
    ])
    assert.deepEqual(result.values, [])
  })

  it('reads the same sheet whole when it is within the limit (so the tail is what the limit kept out)', async () => {
    const xml = `<worksheet><sheetData>${row(1, ['indicator', 'period', 'value'])}${row(2, ['knife-crime', 'FY2017-18-Q1', '7'])}<c><v>${unreadableTail()}`
    const result = await readPerformanceImport(
      [{ name: 'big.xlsx', content: workbookOf([{ name: 'Values', xml }]) }],
      known,
    )
    assert.equal(result.problems.length, 1)
    assert.match(
      result.problems[0]?.reason ?? '',
      /the workbook cannot be read \(a part of the workbook has a tag or text longer than/,
    )
  })

  it('never reads a sheet that is not Indicators, Baselines or Values', async () => {
    const values = `<worksheet><sheetData>${row(1, ['indicator', 'period', 'value'])}${row(2, ['knife-crime', 'FY2017-18-Q1', '7'])}</sheetData></worksheet>`
    const result = await readPerformanceImport(
      [
        {
          name: 'book.xlsx',
          content: workbookOf([
            { name: 'Notes', xml: `<worksheet><sheetData>${unreadableTail()}` },
            { name: 'Values', xml: values },
          ]),
        },
      ],
      known,
    )
    assert.deepEqual(result.problems, [])
    assert.deepEqual(
      result.values.map((v) => [v.indicatorId, v.period, v.value]),
      [['knife-crime', 'FY2017-18-Q1', 7]],
    )
  })

  it('names a cell far beyond the header (column XFD) without reading the row as 16,384 columns', async () => {
    const xml = `<worksheet><sheetData>${row(1, ['indicator', 'period', 'value'])}<row r="2"><c r="A2" t="inlineStr"><is><t>knife-crime</t></is></c><c r="XFD2"><v>1</v></c></row></sheetData></worksheet>`
    const result = await readPerformanceImport(
      [{ name: 'far.xlsx', content: workbookOf([{ name: 'Values', xml }]) }],
      known,
    )
    assert.deepEqual(result.problems, [
      {
        file: 'far.xlsx, sheet Values',
        row: 2,
        column: '',
        reason: 'cell XFD2 is beyond the last column of the header: delete it or give the column a header',
      },
    ])
  })

  it('reads a workbook in a worker thread to the same result as in place', async () => {
    const workbook = new ExcelJS.Workbook()
    workbook.addWorksheet('Values').addRows([
      ['indicator', 'period', 'value'],
      ['knife-crime', 'FY2017-18-Q1', 12],
      ['knife-crime', 'FY2017-18-Q2', '1,234'],
    ])
    const files = [{ name: 'returns.xlsx', content: Buffer.from(await workbook.xlsx.writeBuffer()) }]
    const today = new Date('2026-12-07T12:00:00Z')
    const inWorker = await readPerformanceImportOffThread(files, known, { today })
    assert.deepEqual(inWorker, await readPerformanceImport(files, known, { today }))
    assert.match(inWorker.problems[0]?.reason ?? '', /thousands separator/)
  })

  it('refuses, with a problem and not by growing the server, a read that needs more heap than the worker has', async () => {
    // 40,000 rows of 200 random characters: about 8 MB of text, which cannot be read in a 16 MB heap.
    const body = Array.from({ length: 40_000 }, (_, i) =>
      row(i + 2, ['knife-crime', 'FY2017-18-Q1', randomBytes(150).toString('base64')]),
    )
    const xml = `<worksheet><sheetData>${row(1, ['indicator', 'period', 'commentary'])}${body.join('')}</sheetData></worksheet>`
    const files = [{ name: 'big.xlsx', content: workbookOf([{ name: 'Values', xml }]) }]
    const result = await readPerformanceImportInWorker(files, known, {}, 16)
    assert.deepEqual(result.problems, [
      {
        file: 'big.xlsx',
        row: 0,
        column: '',
        reason:
          'reading these files needed more than the 16 MB of memory an import may use: split them into smaller files (fewer rows, or shorter commentary)',
      },
    ])
    // The same files with the default heap are read to the end (so the refusal above was the heap's).
    const read = await readPerformanceImportInWorker(files, known)
    assert.equal(read.rowsRead, 40_000)
  })
})
