import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import { fixtureDirectory, onsExpected, onsFile, WORKBOOK } from '../../../test/support/ons-fixtures.ts'
import { OFFENCE_GROUPS } from './offence-groups.ts'
import { readOnsTables, type OnsTablesImport } from './read-ons-tables.ts'
import { formatTableProblem } from './recorded-crime-table.ts'

describe('readOnsTables on the real ONS workbook (year ending December 2024)', () => {
  let read: OnsTablesImport
  const expected = onsExpected()
  before(async () => {
    read = await readOnsTables(onsFile(WORKBOOK), fixtureDirectory())
  })

  it('reads it without a blocking problem, for the year ending December 2024 and the year before', () => {
    assert.deepEqual(read.problems.map(formatTableProblem), [])
    assert.equal(read.yearEnding, '2024-12')
    assert.equal(read.current.yearEnding, '2024-12')
    assert.equal(read.previous.yearEnding, '2023-12')
  })

  it('has every partnership of the tables, by ONS code, with the counts the Python reading found', () => {
    const partnerships = read.current.areas.filter((a) => a.kind === 'partnership')
    assert.equal(partnerships.length, expected.partnership_count)
    for (const [code, p] of Object.entries(expected.partnerships)) {
      const now = read.current.areas.find((a) => a.key === code)
      const then = read.previous.areas.find((a) => a.key === code)
      assert.ok(now && then, code)
      assert.equal(now.row, p.row)
      assert.equal(now.forceCode, p.force)
      p.c2.forEach((value, i) =>
        assert.equal(now.counts.get(OFFENCE_GROUPS[i]!.id), value, `${p.name} ${OFFENCE_GROUPS[i]!.id}`),
      )
      p.c5.forEach((value, i) =>
        assert.equal(then.counts.get(OFFENCE_GROUPS[i]!.id), value, `${p.name} ${OFFENCE_GROUPS[i]!.id}`),
      )
      assert.equal(now.population, p.c4_population)
    }
  })

  it('keeps the force total rows as ONS gives them', () => {
    for (const [force, row] of Object.entries(expected.force_rows)) {
      const area = read.current.areas.find((a) => a.kind === 'force' && a.forceCode === force)
      assert.equal(area?.counts.get('total-recorded-crime'), row.c2, force)
    }
    // City of London has no force row: its one partnership is the force.
    assert.equal(
      read.current.areas.find((a) => a.kind === 'force' && a.forceCode === 'E23000034'),
      undefined,
    )
  })

  it('notes the workbook quirks rather than hiding them', () => {
    const notes = read.notes.map(formatTableProblem)
    assert.ok(
      notes.some((n) =>
        /Table C2\]:129:A: "Unassigned Gwent" carries the force code W15000003 \(South Wales\); counted in Gwent/.test(
          n,
        ),
      ),
    )
    assert.ok(
      notes.some((n) => /:167:D: named "Folkestone and Hythe" here; the ONS lookup calls E22000145 "Shepway"/.test(n)),
    )
    assert.ok(notes.some((n) => /:114:D: Manchester Airport: counted at force level/.test(n)))
    assert.ok(notes.some((n) => /:339: unassigned Surrey has no figures; left out/.test(n)))
    // With Gwent's unassigned row counted in Gwent, every force total equals the sum of its rows (no such note).
    assert.ok(!notes.some((n) => /differs from the sum of its rows/.test(n)))
  })

  it("counts Gwent's unassigned crime in Gwent (58,357 in partnerships + 1 = the force total 58,358)", () => {
    const gwent = read.current.areas.filter((a) => a.forceCode === 'W15000002' && a.kind !== 'force')
    const sum = gwent.reduce((s, a) => s + (a.counts.get('total-recorded-crime') ?? 0), 0)
    assert.equal(sum, expected.force_rows['W15000002']!.c2)
    assert.equal(gwent.find((a) => a.kind === 'unassigned')?.counts.get('total-recorded-crime'), 1)
  })

  it('gives the published C3 and C4 figures by area for checking', () => {
    const wolverhampton = expected.partnerships['E22000341']!
    assert.equal(read.publishedPercentChange.get('E22000341')?.get('total-recorded-crime'), wolverhampton.c3[0])
    assert.equal(read.publishedRates.get('E22000341')?.get('total-recorded-crime'), wolverhampton.c4_total_rate)
    // "[u]": not published (a base under 50) is null, never 0.
    assert.equal(read.publishedPercentChange.get('E22000341')?.get('homicide'), null)
  })
})

/** A small workbook in the shape of the ONS tables, with the rows given (after the header on row 8). */
async function miniWorkbook(
  rows: (string | number | null)[][],
  options: { omit?: string; c2Title?: string } = {},
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const identity = [
    'Police Force\nArea code',
    'Police Force\nArea name',
    'Community Safety\nPartnership code',
    'Community Safety\nPartnership name',
    'Local Authority code',
    'Local Authority name',
  ]
  const sheets: [string, string, string[]][] = [
    [
      'Table C2',
      options.c2Title ?? 'Table C2: recorded crimes, year ending December 2024',
      ['Total recorded crime\n (excluding fraud)', 'Robbery'],
    ],
    [
      'Table C3',
      'Table C3: change, year ending December 2023 and year ending December 2024',
      ['Total recorded crime\n (excluding fraud)', 'Robbery'],
    ],
    [
      'Table C4',
      'Table C4: rates, year ending December 2024',
      ['Population figures\n (mid-2022) \n- rounded to 100', 'Total recorded crime\n (excluding fraud)', 'Robbery'],
    ],
    [
      'Table C5',
      'Table C5: recorded crimes, year ending December 2023',
      ['Total recorded crime\n (excluding fraud)', 'Robbery'],
    ],
  ]
  for (const [name, title, figures] of sheets) {
    if (name === options.omit) continue
    const sheet = workbook.addWorksheet(name)
    sheet.getCell('A1').value = title
    sheet.getRow(8).values = [...identity, ...figures]
    rows.forEach((r, i) => {
      const extra = name === 'Table C4' ? [100000] : []
      sheet.getRow(9 + i).values = [...r.slice(0, 6), ...extra, ...r.slice(6)] as ExcelJS.CellValue[]
    })
  }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

const WM = ['E23000014', 'West Midlands']
const wolverhampton = [...WM, 'E22000341', 'Wolverhampton', 'E08000031', 'Wolverhampton']

describe('readOnsTables on damaged workbooks', () => {
  const directory = fixtureDirectory()
  const read = async (content: Buffer) => readOnsTables({ name: 'tables.xlsx', content }, directory)

  it('reads a well-formed small workbook', async () => {
    const result = await read(
      await miniWorkbook([
        [...WM, null, null, null, null, 100, 5],
        [...wolverhampton, 100, 5],
      ]),
    )
    assert.deepEqual(result.problems, [])
    assert.equal(result.current.areas.length, 2)
  })

  it('refuses a file that is not a workbook, naming it', async () => {
    const result = await read(Buffer.from('Police Force Area code,Total\n'))
    assert.equal(result.problems.length, 1)
    assert.match(formatTableProblem(result.problems[0]!), /^tables\.xlsx: not an Excel workbook/)
  })

  it('names a missing table', async () => {
    const result = await read(await miniWorkbook([[...wolverhampton, 100, 5]], { omit: 'Table C5' }))
    assert.match(
      formatTableProblem(result.problems[0]!),
      /^tables\.xlsx\[Table C5\]: the workbook has no sheet "Table C5"/,
    )
  })

  it('reports every bad cell with its sheet, row and column, and returns nothing to store', async () => {
    const result = await read(
      await miniWorkbook([
        [...wolverhampton, '12abc', 5],
        [...WM, 'E22000999', 'Atlantis', 'E08000099', 'Atlantis', 10, 1],
        [...WM, 'W14000022', 'Newport', 'W06000022', 'Newport', 10, 1],
        [...WM, 'E22000341', 'Wolverhampton', 'E08000031', 'Wolverhampton', 1.5, 1],
      ]),
    )
    const shown = result.problems.map(formatTableProblem)
    assert.ok(
      shown.includes('tables.xlsx[Table C2]:9:G: "12abc" is not a whole number (nor a marker such as [x])'),
      shown.join('\n'),
    )
    assert.ok(
      shown.some((s) =>
        s.startsWith(
          'tables.xlsx[Table C2]:10:C: the partnership code E22000999 (Atlantis) is not in the ONS partnership lookup',
        ),
      ),
    )
    assert.ok(
      shown.some((s) => s.startsWith('tables.xlsx[Table C2]:11:A: Newport (W14000022) is in Gwent (W15000002)')),
    )
    assert.ok(shown.some((s) => s.startsWith('tables.xlsx[Table C2]:12: Wolverhampton appears twice (also row 9)')))
    assert.ok(result.problems.length >= 4)
  })

  it('reads "[x]" and empty cells as no figure, never as 0', async () => {
    const result = await read(
      await miniWorkbook([
        [...wolverhampton, 100, '[x]'],
        [...WM, null, 'Unassigned West Midlands', null, null, 7, null],
      ]),
    )
    assert.deepEqual(result.problems, [])
    assert.equal(result.current.areas[0]?.counts.get('robbery'), null)
    assert.equal(result.current.areas[1]?.kind, 'unassigned')
    assert.equal(result.current.areas[1]?.counts.get('robbery'), null)
  })

  it('refuses a title without a year, and a C5 that is not the year before', async () => {
    const noYear = await read(
      await miniWorkbook([[...wolverhampton, 100, 5]], { c2Title: 'Table C2: recorded crimes' }),
    )
    assert.match(formatTableProblem(noYear.problems[0]!), /\[Table C2\]:1:A: the title does not say which year/)
    const wrongYear = await read(
      await miniWorkbook([[...wolverhampton, 100, 5]], {
        c2Title: 'Table C2: recorded crimes, year ending December 2025',
      }),
    )
    assert.ok(
      wrongYear.problems
        .map(formatTableProblem)
        .some((p) => /\[Table C5\]:1:A: the title is for the year ending 2023-12, expected 2024-12/.test(p)),
    )
  })
})
