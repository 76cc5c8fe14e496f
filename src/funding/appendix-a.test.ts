import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { yearsWithMoney, type BudgetRows } from '../domain/budget.ts'
import { createNunjucksEnvironment } from '../shared/web/nunjucks-setup.ts'
import { ILLUSTRATIVE_LABEL, buildAppendixA } from './appendix-a.ts'
import { appendixACsv, appendixAStandaloneHtml, appendixAXlsx } from './appendix-a-exports.ts'
import { SEED_NARRATIVE } from './appendix-a-service.ts'

/**
 * A partnership's money for 2018/19, made up around the seed's PCC figures, with every expected total worked by
 * hand below (pence: pounds × 100):
 * - PCC grant: income £339,995, carry-forward in £38,435 → budget £378,430 (the seed prints £378,390).
 * - Comic Relief: income £20,000 (illustrative) → budget £20,000.
 * - Year: income £359,995, carry-forward £38,435, budget £398,430.
 * - Allocated: S1 £150,000 + S2 £120,000.50 + S3 £15,000 + priority 2 alone £50,000 = £335,000.50.
 * - Spent (actuals of 2018/19 only; 2017/18's £99,999 is another year): £37,500 + £37,500 + £30,000.25 + £3,000
 *   = £108,000.25.
 * - Priority 1 (S1, S3): allocated £165,000, spent £78,000, illustrative (S3 is). Priority 2 (S2 and its own
 *   allocation): allocated £170,000.50, spent £30,000.25.
 */
export const ROWS: BudgetRows = {
  streams: [
    { id: 1, name: 'PCC grant', funder: 'West Midlands Police and Crime Commissioner' },
    { id: 2, name: 'Comic Relief', funder: 'Comic Relief' },
  ],
  priorities: [
    { id: 2, name: 'Violence against women and girls', position: 2 },
    { id: 1, name: 'Reducing reoffending', position: 1 },
  ],
  services: [
    { id: 10, reference: 'S1', title: 'Gangs mentoring', priorityId: 1, streamId: 1 },
    { id: 11, reference: 'S2', title: 'IDVA service', priorityId: 2, streamId: 1 },
    { id: 12, reference: 'S3', title: 'Youth outreach', priorityId: 1, streamId: 2 },
  ],
  awards: [
    { streamId: 1, year: 'FY2018-19', awardedPence: 33_999_500, receivedPence: 0, illustrative: false },
    { streamId: 2, year: 'FY2018-19', awardedPence: 2_000_000, receivedPence: 0, illustrative: true },
  ],
  carryForwards: [{ streamId: 1, intoYear: 'FY2018-19', amountPence: 3_843_500, illustrative: false }],
  allocations: [
    { streamId: 1, year: 'FY2018-19', priorityId: null, serviceId: 10, amountPence: 15_000_000, illustrative: false },
    { streamId: 1, year: 'FY2018-19', priorityId: null, serviceId: 11, amountPence: 12_000_050, illustrative: false },
    { streamId: 2, year: 'FY2018-19', priorityId: null, serviceId: 12, amountPence: 1_500_000, illustrative: true },
    { streamId: 1, year: 'FY2018-19', priorityId: 2, serviceId: null, amountPence: 5_000_000, illustrative: false },
  ],
  commitments: [],
  spend: [
    a(1, 'FY2018-19-Q1', 10, 3_750_000),
    a(1, 'FY2018-19-Q2', 10, 3_750_000),
    a(1, 'FY2018-19-Q1', 11, 3_000_025),
    { ...a(2, 'FY2018-19-Q1', 12, 300_000), illustrative: true },
    a(1, 'FY2017-18-Q4', 10, 9_999_900),
  ],
}

function a(streamId: number, period: string, serviceId: number, amountPence: number) {
  return { streamId, period, kind: 'actual' as const, priorityId: null, serviceId, amountPence, illustrative: false }
}

const appendix = buildAppendixA('Safer Testshire Partnership', ROWS, 'FY2018-19', SEED_NARRATIVE)

describe('Appendix A of a year', () => {
  it('has the totals worked by hand', () => {
    assert.deepEqual(appendix.totals, {
      income: 35_999_500,
      carryForwardIn: 3_843_500,
      budget: 39_843_000,
      allocated: 33_500_050,
      spent: 10_800_025,
      unallocated: 39_843_000 - 33_500_050,
      illustrative: true,
    })
    assert.deepEqual(
      appendix.streams.map((s) => [s.name, s.income, s.carryForwardIn, s.budget, s.illustrative]),
      [
        ['PCC grant', 33_999_500, 3_843_500, 37_843_000, false],
        ['Comic Relief', 2_000_000, 0, 2_000_000, true],
      ],
    )
  })

  it('shows each priority in its order with its services, and their money', () => {
    assert.deepEqual(
      appendix.priorities.map((p) => [
        p.name,
        p.allocated,
        p.spent,
        p.illustrative,
        p.services.map((s) => s.reference),
      ]),
      [
        ['Reducing reoffending', 16_500_000, 7_800_000, true, ['S1', 'S3']],
        ['Violence against women and girls', 17_000_050, 3_000_025, false, ['S2']],
      ],
    )
    assert.deepEqual(
      appendix.priorities[0]?.services.map((s) => [s.reference, s.allocated, s.spent, s.illustrative]),
      [
        ['S1', 15_000_000, 7_500_000, false],
        ['S3', 1_500_000, 300_000, true],
      ],
    )
  })

  it("checks the seed's narrative against the PCC grant it is about, and flags the £40", () => {
    assert.equal(appendix.narrativeCheck.subject, 'PCC grant, 2018/19')
    assert.deepEqual(appendix.narrativeCheck.disagreements, [
      'the budget is £378,430: income £339,995 + carry-forward £38,435; the text says £378,390',
    ])
    assert.equal(appendix.budgetSentence, 'The 2018/19 budget is £398,430: income £359,995 + carry-forward £38,435.')
  })

  it('lists the years with money, newest first', () => {
    assert.deepEqual(yearsWithMoney(ROWS), ['FY2017-18', 'FY2018-19'])
  })
})

describe("Appendix A's files mark every illustrative figure", () => {
  it('CSV: the Illustrative column names the label on exactly the rows with an illustrative figure', () => {
    const rows = parse(appendixACsv(appendix), { columns: true, bom: true }) as Record<string, string>[]
    const marked = rows.filter((r) => r.Illustrative === ILLUSTRATIVE_LABEL).map((r) => `${r.Section}: ${r.Name}`)
    assert.deepEqual(marked, [
      'Funding stream: Comic Relief (Comic Relief)',
      'Priority: Reducing reoffending',
      'Service: S3 Youth outreach',
      'Total: 2018/19 total',
    ])
    const unmarked = rows.filter((r) => r.Illustrative === '').length
    assert.equal(unmarked + marked.length, rows.length)
    const total = rows.find((r) => r.Section === 'Total')
    assert.equal(total?.['Budget (£)'], '398430')
    assert.equal(total?.['Allocated (£)'], '335000.5')
    assert.equal(total?.['Spent (£)'], '108000.25')
  })

  it('XLSX: the same cells, amounts as numbers', async () => {
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load((await appendixAXlsx(appendix)) as unknown as ArrayBuffer)
    const sheet = workbook.getWorksheet('Appendix A')
    assert.ok(sheet)
    const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String)
    const rows: Record<string, unknown>[] = []
    sheet.eachRow((row, n) => {
      if (n > 1) rows.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value ?? ''])))
    })
    assert.deepEqual(
      rows.filter((r) => r.Illustrative === ILLUSTRATIVE_LABEL).map((r) => r.Name),
      ['Comic Relief (Comic Relief)', 'Reducing reoffending', 'S3 Youth outreach', '2018/19 total'],
    )
    const pcc = rows.find((r) => r.Name === 'PCC grant (West Midlands Police and Crime Commissioner)')
    assert.equal(pcc?.['Budget (£)'], 378430)
    assert.equal(pcc?.Illustrative, '')
    const notes = workbook.getWorksheet('Notes')
    const noteText: string[] = []
    notes?.eachRow((row) => noteText.push((row.values as unknown[]).slice(1).join(' | ')))
    assert.ok(
      noteText.some((t) => t.includes('the text says £378,390')),
      'the narrative check is in the notes',
    )
  })

  it('standalone HTML: the label beside each illustrative figure, the check, and nothing from outside the file', () => {
    const html = appendixAStandaloneHtml(createNunjucksEnvironment(), appendix).replace(/&#39;/g, "'")
    const rowsWithLabel = [...html.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)]
      .map((m) => m[1] as string)
      .filter((row) => row.includes(ILLUSTRATIVE_LABEL))
      .map((row) =>
        row
          .replace(/<[^>]+>/g, ' ')
          .replace(ILLUSTRATIVE_LABEL, '')
          .replace(/\s+/g, ' ')
          .trim(),
      )
    assert.deepEqual(
      rowsWithLabel.map((r) => r.split(' £')[0]),
      ['Comic Relief (Comic Relief)', 'Reducing reoffending', 'Service: S3 Youth outreach', 'Total'],
    )
    assert.ok(html.includes('the text says £378,390'))
    assert.ok(!/<script|src="http|href="http(?!s:\/\/www\.nationalarchives)/.test(html), 'self-contained')
  })
})
