import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import { fixtureDirectory, onsExpected, onsFile, POPULATION } from '../../../test/support/ons-fixtures.ts'
import { partnershipPopulations } from './partnership-population.ts'
import { readPopulationEstimates, type PopulationImport } from './read-population.ts'
import { formatTableProblem } from './recorded-crime-table.ts'

describe('readPopulationEstimates on the real ONS mid-year estimates', () => {
  let read: PopulationImport
  const expected = onsExpected().population
  before(async () => {
    read = await readPopulationEstimates(onsFile(POPULATION), fixtureDirectory())
  })

  it('reads every district (not regions or counties) for mid-2011 to mid-2023', () => {
    assert.deepEqual(read.problems, [])
    assert.equal(read.districts.length, expected.district_count)
    assert.deepEqual([...read.years].sort(), expected.years)
  })

  it("gives Wolverhampton's estimates, area and median age as the Python reading of the workbook does", () => {
    const w = read.districts.find((d) => d.code === 'E08000031')
    assert.ok(w)
    for (const [year, population] of Object.entries(expected.wolverhampton)) {
      assert.equal(w.population.get(Number(year)), population, year)
    }
    assert.equal(w.areaSqKm, expected.wolverhampton_area_sq_km)
    assert.equal(w.medianAge.get(2022), expected.wolverhampton_median_age_2022)
  })

  it('sums districts into partnerships, and gives none to partnerships that share a district', () => {
    const estimates = new Map(read.districts.map((d) => [d.code, d.population.get(2022) as number]))
    const { figures, missing } = partnershipPopulations(fixtureDirectory(), estimates, 2022)
    for (const [code, years] of Object.entries(expected.partnerships)) {
      assert.equal(figures.get(code)?.population, years['2022'], code)
    }
    assert.deepEqual(missing.map((m) => m.code).sort(), expected.shared_district_partnerships)
    // Dartford and Gravesham: two whole districts.
    assert.equal(figures.get('E22000352')?.source, 'ONS mid-2022 population estimate (sum of 2 districts)')
    assert.match(missing.find((m) => m.code === 'E22000031')?.reason ?? '', /shares district E06000063/)
  })
})

describe('readPopulationEstimates on bad workbooks', () => {
  async function workbook(rows: (string | number | null)[][], sheet = 'MYE4'): Promise<Buffer> {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet(sheet)
    ws.getRow(8).values = ['Code', 'Name', 'Geography', 'Mid-2023', 'Mid-2022']
    rows.forEach((r, i) => (ws.getRow(9 + i).values = r))
    return Buffer.from(await wb.xlsx.writeBuffer())
  }

  it('names a missing MYE4 sheet', async () => {
    const read = await readPopulationEstimates({ name: 'p.xlsx', content: await workbook([], 'Sheet1') }, null)
    assert.deepEqual(read.problems.map(formatTableProblem), [
      'p.xlsx[MYE4]: the workbook has no sheet MYE4 (ONS mid-year estimates summary)',
    ])
  })

  it('refuses a population that is not a whole number above 0, naming the cell', async () => {
    const read = await readPopulationEstimates(
      {
        name: 'p.xlsx',
        content: await workbook([
          ['E08000031', 'Wolverhampton', 'Metropolitan District', 272425, 'n/a'],
          ['E08000030', 'Walsall', 'Metropolitan District', -4, 286000],
          ['E12000005', 'WEST MIDLANDS', 'Region', 1, 1],
        ]),
      },
      null,
    )
    assert.deepEqual(read.problems.map(formatTableProblem), [
      'p.xlsx[MYE4]:9:E: a population must be a whole number above 0, not "n/a"',
      'p.xlsx[MYE4]:10:D: a population must be a whole number above 0, not "-4"',
    ])
  })
})
