import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import ExcelJS from 'exceljs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createServices, type PartnershipServices, type Services } from '../composition-root.ts'
import { loadConfig } from '../config.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { addPrioritiesAndService } from './testing/budget-fixtures.ts'
import { budgetImportCommand } from './budget-cli.ts'
import { budgetTemplateWorkbook } from './budget-template-workbook.ts'
import { BUDGET_SHEETS } from './budget-import.ts'

type Sheet = readonly (readonly (string | number | null)[])[]

/** A workbook made as a person would make it in Excel: one sheet per table, the header on row 1. */
async function workbook(sheets: Readonly<Record<string, Sheet>>): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = book.addWorksheet(name)
    for (const row of rows) sheet.addRow([...row])
  }
  return Buffer.from(await book.xlsx.writeBuffer())
}

const GOOD: Record<string, Sheet> = {
  'Funding streams': [
    ['Funder', 'Name', 'First year', 'Last year', 'Purpose'],
    ['West Midlands Police and Crime Commissioner', 'PCC grant', 'FY2018-19', 'FY2018-19', 'Commissioned services'],
  ],
  // Typed as the seed's Appendix A printed it: the Total row's budget is £378,390, the sum is £378,430.
  Awards: [
    ['Stream', 'Year', 'Awarded', 'Received'],
    ['PCC grant', 'FY2018-19', 339995, '100,000.00'],
    ['Total', 'FY2018-19', '339,995', null],
  ],
  'Carry-forwards': [
    ['Stream', 'Into year', 'Amount'],
    ['PCC grant', 'FY2018-19', '38,435'],
  ],
  Allocations: [
    ['Stream', 'Year', 'Priority', 'Service', 'Amount', 'Illustrative'],
    ['PCC grant', 'FY2018-19', 'Violence Prevention', null, 0.1, 'yes'],
    ['PCC grant', 'FY2018-19', 'Reducing Victimisation', 'SWP-18-01', '0.20', 'yes'],
    ['Total', 'FY2018-19', null, null, '0.30', null],
  ],
  Spend: [
    ['Stream', 'Quarter', 'Kind', 'Priority', 'Service', 'Amount'],
    ['PCC grant', 'FY2018-19-Q1', 'actual', 'Violence Prevention', null, '0.10'],
    ['PCC grant', 'FY2018-19-Q2', 'forecast', null, 'Business crime reviews', 5],
  ],
}

/** GOOD with a Budget column typed on the Total row. */
const WITH_TYPED_BUDGET: Record<string, Sheet> = {
  ...GOOD,
  Awards: [
    ['Stream', 'Year', 'Awarded', 'Received', 'Budget'],
    ['PCC grant', 'FY2018-19', 339995, '100,000.00', null],
    ['Total', 'FY2018-19', '339,995', null, '£378,390'],
  ],
}

for (const dialect of testDialects()) {
  describe(`budget import (${dialect})`, () => {
    let services: Services
    let a: PartnershipServices
    beforeEach(async () => {
      const database = await openTestDatabase(dialect)
      services = await createServices(loadConfig({ NODE_ENV: 'test' }), { database, firstStart: 'nothing' })
      const added = await services.partnerships.add('test', { name: 'Wolverhampton', code: 'E22000341' })
      assert.ok(added.ok)
      a = services.forPartnership(added.value)
      await addPrioritiesAndService(a.database)
    })
    afterEach(() => services.close())

    it('previews without writing, applies all of a good workbook audited, and changes nothing the second time', async () => {
      const file = { name: 'budget.xlsx', content: await workbook(WITH_TYPED_BUDGET) }
      const eventsBefore = await a.audit.count()
      const preview = await a.budget.imports.preview(file, 'analyst@example.org')
      assert.equal(preview.outcome, 'preview', JSON.stringify(preview))
      assert.equal(await a.audit.count(), eventsBefore, 'a preview writes nothing')
      assert.deepEqual(await a.budget.streams(), [])

      const applied = await a.budget.imports.apply(file, 'analyst@example.org')
      assert.equal(applied.outcome, 'applied', JSON.stringify(applied))
      if (applied.outcome !== 'applied') return
      assert.deepEqual(applied.summary, {
        streams: { added: 1, changed: 0, unchanged: 0 },
        awards: { added: 1, changed: 0, unchanged: 0 },
        carryForwards: { added: 1, changed: 0, unchanged: 0 },
        allocations: { added: 2, changed: 0, unchanged: 0 },
        spend: { added: 2, changed: 0, unchanged: 0 },
      })
      // One event a row written: 1 + 1 + 1 + 2 + 2.
      assert.equal(applied.auditEvents, 7)
      assert.equal((await a.audit.count()) - eventsBefore, 7)
      const entityTypes = (await a.audit.list({ actor: 'analyst@example.org' })).map((e) => e.entityType)
      assert.deepEqual([...new Set(entityTypes)].sort(), [
        'budget-allocation',
        'carry-forward',
        'funding-award',
        'funding-stream',
        'spend-entry',
      ])

      const budget = await a.budget.yearBudget('FY2018-19')
      assert.equal(budget.budget, 37_843_000)
      assert.equal(budget.received, 10_000_000)
      // £0.10 and £0.20 typed in two rows (one as a number cell, one as text) are £0.30 exactly.
      assert.equal(budget.allocated, 30)
      assert.equal(budget.spent, 10)
      assert.equal(budget.illustrative, true, 'the illustrative allocations mark the year')

      // The typed totals: the budget disagrees (both numbers said), the income and the allocations agree.
      assert.deepEqual(
        applied.totals.map((t) => [t.file, t.row, t.column, t.agrees, t.text]),
        [
          ['budget.xlsx, sheet Awards', 3, 'Awarded', true, 'The 2018/19 income is £339,995, as the sheet says.'],
          [
            'budget.xlsx, sheet Awards',
            3,
            'Budget',
            false,
            'The 2018/19 budget is £378,430: income £339,995 + carry-forward £38,435; the sheet says £378,390.',
          ],
          [
            'budget.xlsx, sheet Allocations',
            4,
            'Amount',
            true,
            'The 2018/19 allocations come to £0.30, as the sheet says.',
          ],
        ],
      )

      const again = await a.budget.imports.apply(file, 'someone-else@example.org')
      assert.equal(again.outcome, 'applied')
      if (again.outcome !== 'applied') return
      for (const kind of Object.values(again.summary)) assert.equal(kind.added + kind.changed, 0)
      assert.equal(again.auditEvents, 0)
      assert.equal((await a.audit.count()) - eventsBefore, 7)
    })

    it('flags a stream’s typed budget that disagrees, naming the stream and both figures', async () => {
      const sheets = {
        ...GOOD,
        Awards: [
          ['Stream', 'Year', 'Awarded', 'Budget'],
          ['PCC grant', 'FY2018-19', 339995, '378,390'],
        ],
      }
      const preview = await a.budget.imports.preview({ name: 'b.xlsx', content: await workbook(sheets) }, 'x')
      assert.equal(preview.outcome, 'preview')
      if (preview.outcome !== 'preview') return
      const flagged = preview.totals.filter((t) => !t.agrees)
      assert.deepEqual(
        flagged.map((t) => t.text),
        [
          'PCC grant: the 2018/19 budget is £378,430: income £339,995 + carry-forward £38,435; the sheet says £378,390.',
        ],
      )
    })

    it('reports every problem of a bad workbook with its sheet, row and column, and writes nothing', async () => {
      const bad: Record<string, Sheet> = {
        'Funding streams': [
          ['Funder', 'Name', 'First year', 'Last year'],
          ['Home Office', 'VAWG Service Transformation Fund', 'FY2017-18', 'FY2019-20'],
          ['', 'Nameless', '2017', 'FY2019-20'],
        ],
        Awards: [
          ['Stream', 'Year', 'Awarded'],
          ['PCC Grnat', 'FY2018-19', 339995],
          ['VAWG Service Transformation Fund', '2018/19', 1],
          ['VAWG Service Transformation Fund', 'FY2017-18', '166,666.67'],
          ['VAWG Service Transformation Fund', 'FY2017-18', '166,666.67'],
          ['VAWG Service Transformation Fund', 'FY2021-22', '1'],
        ],
        'Carry-forwards': [
          ['Stream', 'Into year', 'Amount'],
          ['VAWG Service Transformation Fund', 'FY2018-19', '£500K'],
          ['VAWG Service Transformation Fund', 'FY2019-20', '12.345'],
        ],
        Allocations: [
          ['Stream', 'Year', 'Priority', 'Amount', 'Colour'],
          ['VAWG Service Transformation Fund', 'FY2018-19', 'Knife crime', '10'],
        ],
        Spend: [
          ['Stream', 'Quarter', 'Kind', 'Priority', 'Amount'],
          ['VAWG Service Transformation Fund', 'FY2018-19-Q5', 'spent', 'Violence Prevention', '10'],
          ['VAWG Service Transformation Fund', 'FY2018-19-Q1', 'actual', '', '10'],
        ],
      }
      const before = await a.audit.count()
      const result = await a.budget.imports.apply({ name: 'bad.xlsx', content: await workbook(bad) }, 'x')
      assert.equal(result.outcome, 'rejected')
      if (result.outcome !== 'rejected') return
      // The unknown column stops the reading: the header problem comes first, alone.
      assert.deepEqual(
        result.problems.map((p) => [p.file, p.row, p.column]),
        [['bad.xlsx, sheet Allocations', 1, 'Colour']],
      )

      const withoutColumn = {
        ...bad,
        Allocations: [
          ['Stream', 'Year', 'Priority', 'Amount'],
          ['VAWG Service Transformation Fund', 'FY2018-19', 'Knife crime', '10'],
        ],
      }
      const second = await a.budget.imports.apply({ name: 'bad.xlsx', content: await workbook(withoutColumn) }, 'x')
      assert.equal(second.outcome, 'rejected')
      if (second.outcome !== 'rejected') return
      assert.deepEqual(
        second.problems.map((p) => [p.file.replace('bad.xlsx, sheet ', ''), p.row, p.column]),
        [
          ['Funding streams', 3, 'Funder'],
          ['Funding streams', 3, 'First year'],
          ['Awards', 2, 'Stream'],
          ['Awards', 3, 'Year'],
          ['Awards', 5, ''],
          ['Awards', 6, 'Year'],
          ['Carry-forwards', 2, 'Amount'],
          ['Carry-forwards', 3, 'Amount'],
          ['Allocations', 2, 'Priority'],
          ['Spend', 2, 'Quarter'],
          ['Spend', 2, 'Kind'],
          ['Spend', 3, 'Priority'],
        ],
      )
      const reasons = second.problems.map((p) => p.reason).join('\n')
      assert.match(reasons, /"PCC Grnat" is not a funding stream/)
      assert.match(reasons, /repeats row 4/)
      assert.match(reasons, /FY2021-22 is outside VAWG Service Transformation Fund’s years \(FY2017-18 to FY2019-20\)/)
      assert.match(reasons, /multiplier/)
      assert.match(reasons, /more than two decimal places/)
      assert.match(reasons, /"Knife crime" is not one of the strategy’s priorities/)
      assert.equal(await a.audit.count(), before, 'nothing written')
      assert.deepEqual(await a.budget.streams(), [])
    })

    it('refuses what is not a workbook, and a workbook with none of the budget’s sheets', async () => {
      const text = await a.budget.imports.preview({ name: 'x.csv', content: Buffer.from('a,b\n1,2\n') }, 'x')
      assert.deepEqual(text.outcome === 'rejected' ? text.problems.map((p) => p.reason) : [], [
        'is not an Excel workbook (.xlsx)',
      ])
      const other = await a.budget.imports.preview(
        { name: 'y.xlsx', content: await workbook({ Values: [['indicator', 'period', 'value']] }) },
        'x',
      )
      assert.match(other.outcome === 'rejected' ? (other.problems[0]?.reason ?? '') : '', /none of the budget’s sheets/)
    })

    it('the template the importer offers holds its own sheets and columns, and imports as an empty change', async () => {
      const bytes = await budgetTemplateWorkbook({ now: new Date('2018-06-01T12:00:00Z') })
      const book = new ExcelJS.Workbook()
      await book.xlsx.load(bytes as unknown as ArrayBuffer)
      for (const [name, spec] of Object.entries(BUDGET_SHEETS)) {
        const header = (book.getWorksheet(name)?.getRow(1).values as unknown[]).slice(1)
        assert.deepEqual(header, [...spec.required, ...spec.optional], name)
      }
      const result = await a.budget.imports.apply({ name: 'template.xlsx', content: bytes }, 'x')
      assert.equal(result.outcome, 'applied', JSON.stringify(result))
      assert.equal(result.outcome === 'applied' ? result.auditEvents : -1, 0)
    })

    it('`saferhub budget import` prints the typed total that disagrees, and every problem of a bad workbook', async () => {
      const directory = await mkdtemp(path.join(os.tmpdir(), 'saferhub-budget-'))
      try {
        const good = path.join(directory, 'good.xlsx')
        await writeFile(good, await workbook(WITH_TYPED_BUDGET))
        const out: string[] = []
        const err: string[] = []
        const output = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }
        assert.equal(await budgetImportCommand.run([good, '--actor', 'cli:test'], services, output), 0)
        assert.match(out.join('\n'), /Imported: 9 rows read\. Funding streams: 1 added/)
        assert.match(
          err.join('\n'),
          /row 3, column Budget: The 2018\/19 budget is £378,430: .*the sheet says £378,390\./,
        )
        const badFile = path.join(directory, 'bad.xlsx')
        await writeFile(
          badFile,
          await workbook({
            Awards: [
              ['Stream', 'Year', 'Awarded'],
              ['Nobody', 'FY2018-19', '1'],
            ],
          }),
        )
        err.length = 0
        assert.equal(await budgetImportCommand.run([badFile], services, output), 1)
        assert.match(err[0] ?? '', /^bad\.xlsx, sheet Awards, row 2, column Stream: "Nobody" is not a funding stream/)
      } finally {
        await rm(directory, { recursive: true, force: true })
      }
    })
  })
}
