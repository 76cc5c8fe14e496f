import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import ExcelJS from 'exceljs'
import { createServices, type Services } from '../composition-root.ts'
import { loadConfig } from '../config.ts'
import type { Database } from '../db/database.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { financialYearOf } from '../domain/period.ts'
import { importTemplateWorkbook, TEMPLATE_ROWS } from './template-workbook.ts'

async function open(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  return workbook
}

/** The header row of a sheet as text. */
function header(sheet: ExcelJS.Worksheet): string[] {
  const names: string[] = []
  sheet.getRow(1).eachCell((cell) => names.push(String(cell.value)))
  return names
}

/** The validation on a column's cell in `row`, found by the header's name. */
function validationOf(sheet: ExcelJS.Worksheet, column: string, row = 2) {
  const index = header(sheet).indexOf(column)
  assert.ok(index >= 0, `no column ${column}`)
  const letter = sheet.getColumn(index + 1).letter
  return (sheet as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation | undefined> } })
    .dataValidations.model[`${letter}${row}`]
}

/** The items of the Lists sheet range a list validation points at, e.g. `Lists!$C$2:$C$8`. */
function listItems(workbook: ExcelJS.Workbook, formula: unknown): string[] {
  const match = /^Lists!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$/.exec(String(formula))
  assert.ok(match, `not a Lists range: ${String(formula)}`)
  const lists = workbook.getWorksheet('Lists') as ExcelJS.Worksheet
  const items: string[] = []
  for (let row = Number(match[2]); row <= Number(match[4]); row++)
    items.push(String(lists.getCell(`${match[1]}${row}`).value))
  return items
}

describe('the financial year of a moment (Europe/London)', () => {
  test('1 April starts a year, in London time', () => {
    assert.equal(financialYearOf(new Date('2026-06-15T12:00:00Z')), 2026)
    assert.equal(financialYearOf(new Date('2027-03-31T12:00:00Z')), 2026)
    // 23:30 UTC on 31 March 2026 is 00:30 on 1 April in British Summer Time.
    assert.equal(financialYearOf(new Date('2026-03-31T23:30:00Z')), 2026)
    assert.equal(financialYearOf(new Date('2026-03-31T22:30:00Z')), 2025)
  })
})

describe('the import template workbook', () => {
  const now = new Date('2026-12-07T10:00:00Z') // 2026/27

  test('has the three sheets the importer reads with its headers, an Instructions sheet, examples in this year', async () => {
    const workbook = await open(await importTemplateWorkbook({ now }))
    assert.deepEqual(
      workbook.worksheets.map((s) => s.name),
      ['Instructions', 'Indicators', 'Baselines', 'Values', 'Lists'],
    )
    // The columns of docs/import-formats.md, in its order.
    assert.deepEqual(header(workbook.getWorksheet('Baselines') as ExcelJS.Worksheet), [
      'indicator',
      'year',
      'source',
      'value',
      'numerator',
      'denominator',
      'note',
    ])
    assert.deepEqual(header(workbook.getWorksheet('Values') as ExcelJS.Worksheet), [
      'indicator',
      'period',
      'value',
      'numerator',
      'denominator',
      'percent',
      'text',
      'status',
      'reason',
      'commentary',
    ])
    const instructions: string[] = []
    ;(workbook.getWorksheet('Instructions') as ExcelJS.Worksheet).eachRow((row) =>
      instructions.push(String(row.getCell(1).value)),
    )
    const text = instructions.join('\n')
    assert.match(text, /FY2026-27-Q1/)
    assert.match(text, /2026\/27/)
    assert.doesNotMatch(text, /2017/)
    // Another year's template has that year's examples: they come from the clock.
    const later = await open(await importTemplateWorkbook({ now: new Date('2029-05-01T10:00:00Z') }))
    const laterText: string[] = []
    ;(later.getWorksheet('Instructions') as ExcelJS.Worksheet).eachRow((row) =>
      laterText.push(String(row.getCell(1).value)),
    )
    assert.match(laterText.join('\n'), /FY2029-30-Q1/)
  })

  test('has drop-downs for measure type, direction, cadence and status, and checked periods, on the right columns', async () => {
    const workbook = await open(await importTemplateWorkbook({ now }))
    const indicators = workbook.getWorksheet('Indicators') as ExcelJS.Worksheet
    const values = workbook.getWorksheet('Values') as ExcelJS.Worksheet
    const baselines = workbook.getWorksheet('Baselines') as ExcelJS.Worksheet
    const expectList = (sheet: ExcelJS.Worksheet, column: string, items: string[]) => {
      for (const row of [2, TEMPLATE_ROWS + 1]) {
        const rule = validationOf(sheet, column, row)
        assert.equal(rule?.type, 'list', `${sheet.name} ${column} row ${row}`)
        assert.equal(rule?.showErrorMessage, true)
        assert.equal(rule?.errorStyle, 'stop')
        assert.deepEqual(listItems(workbook, rule?.formulae[0]), items)
      }
    }
    // The words of docs/import-formats.md, typed here rather than taken from the code.
    expectList(indicators, 'measure_type', ['count', 'proportion', 'count-with-share', 'stock', 'rate', 'text'])
    expectList(indicators, 'preferred_direction', ['increase', 'reduce', 'none'])
    expectList(indicators, 'cadence', ['monthly', 'bi-monthly', 'quarterly', 'annual'])
    expectList(values, 'status', ['reported', 'not-yet-available', 'not-collected', 'not-applicable', 'suppressed'])
    expectList(baselines, 'source', ['previous-outturn', 'fixed'])
    // Periods: the ten years before this one, this one and the next; each year, 4 quarters, 6 two-month periods
    // and 12 months.
    const periods = listItems(workbook, validationOf(values, 'period')?.formulae[0])
    assert.equal(periods.length, 12 * (1 + 4 + 6 + 12))
    for (const p of ['FY2026-27', 'FY2026-27-Q1', 'FY2026-27-B6', '2027-03', 'FY2016-17-Q4', 'FY2027-28-Q4']) {
      assert.ok(periods.includes(p), p)
    }
    assert.ok(!periods.includes('FY2015-16-Q4'))
    assert.ok(!periods.includes('2026-13'))
    assert.equal(validationOf(values, 'period')?.errorStyle, 'stop')
    assert.equal(values.getColumn(2).numFmt, '@') // typed as text, never turned into a date
    assert.equal(validationOf(baselines, 'year')?.type, 'list')
    // Figures: numbers of 0 or more; a percentage up to 100. Columns without a rule have none.
    assert.equal(validationOf(values, 'value')?.type, 'decimal')
    assert.deepEqual(validationOf(values, 'percent')?.formulae, [0, 100])
    assert.equal(validationOf(values, 'commentary'), undefined)
    assert.equal(validationOf(values, 'value', TEMPLATE_ROWS + 2), undefined)
  })
})

for (const dialect of testDialects()) {
  describe(`the template filled in and imported through the real importer (${dialect})`, () => {
    let database: Database
    let services: Services
    beforeEach(async () => {
      database = await openTestDatabase(dialect)
      services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'false' }), { database })
      assert.ok((await services.partnerships.add('test', { name: 'Safer Northshire Partnership' })).ok)
    })
    afterEach(() => database.close())

    test('a couple of rows on each sheet import, and the figures are stored as typed', async () => {
      const workbook = await open(await importTemplateWorkbook({ now: new Date('2026-12-07T10:00:00Z') }))
      const fill = (name: string, rows: (string | number | null)[][]) => {
        const sheet = workbook.getWorksheet(name) as ExcelJS.Worksheet
        const columns = header(sheet)
        rows.forEach((cells, i) => {
          assert.equal(cells.length, columns.length)
          cells.forEach((cell, j) => {
            if (cell !== null) sheet.getCell(i + 2, j + 1).value = cell
          })
        })
      }
      fill('Indicators', [
        [
          'knife-crime',
          'Knife crime',
          'Violence',
          'Serious violence',
          'Offences with a knife',
          'Northshire Police',
          'quarterly',
          'count',
          'reduce',
          'no',
          'offences',
          null,
          null,
          null,
          null,
          null,
          null,
          null,
        ],
        [
          'youth-custody',
          'Young people in custody',
          'Youth',
          'Youth justice',
          '',
          'Youth Offending Team',
          'quarterly',
          'proportion',
          'reduce',
          'no',
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
        ],
      ])
      fill('Baselines', [['knife-crime', 'FY2026-27', 'previous-outturn', 96, null, null, null]])
      fill('Values', [
        ['knife-crime', 'FY2026-27-Q1', 23, null, null, null, null, null, null, 'Down on last year'],
        ['knife-crime', 'FY2026-27-Q2', null, null, null, null, null, 'not-yet-available', 'Due in November', null],
        ['youth-custody', 'FY2026-27-Q1', null, 3, 40, null, null, null, null, null],
      ])
      const filled = Buffer.from(await workbook.xlsx.writeBuffer())
      const northshire = services.forPartnership(await services.partnerships.resolve(null))
      const result = await northshire.performance.importFiles([{ name: 'northshire.xlsx', content: filled }], 'test')
      assert.equal(result.outcome, 'applied', JSON.stringify(result.outcome === 'rejected' ? result.problems : null))
      const stored = await northshire.performance.repository.listValues()
      const byKey = new Map(stored.map((v) => [`${v.indicatorId}/${v.period}`, v]))
      assert.equal(stored.length, 3)
      assert.equal(byKey.get('knife-crime/FY2026-27-Q1')?.value, 23)
      assert.equal(byKey.get('knife-crime/FY2026-27-Q2')?.status, 'not-yet-available')
      assert.equal(byKey.get('knife-crime/FY2026-27-Q2')?.value, null)
      assert.equal(byKey.get('youth-custody/FY2026-27-Q1')?.numerator, 3)
      assert.equal(byKey.get('youth-custody/FY2026-27-Q1')?.denominator, 40)
      assert.equal((await northshire.performance.repository.listBaselines()).length, 1)
    })

    test('the empty template imports nothing and says so rather than failing on its extra sheets', async () => {
      const northshire = services.forPartnership(await services.partnerships.resolve(null))
      const empty = await importTemplateWorkbook({ now: new Date('2026-12-07T10:00:00Z') })
      const result = await northshire.performance.importFiles([{ name: 'template.xlsx', content: empty }], 'test')
      assert.equal(result.outcome, 'applied', JSON.stringify(result.outcome === 'rejected' ? result.problems : null))
      assert.equal(result.rowsRead, 0)
      assert.equal(await northshire.performance.repository.countIndicators(), 0)
    })
  })
}
