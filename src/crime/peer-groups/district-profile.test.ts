import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import { onsFile, POPULATION } from '../../../test/support/ons-fixtures.ts'
import { formatTableProblem } from '../reference/recorded-crime-table.ts'
import {
  districtProfileLoader,
  formatDistrictProfileCsv,
  parseDistrictProfileCsv,
  readDistrictProfileWorkbook,
  SHIPPED_PROFILE_FILE,
} from './district-profile.ts'
import { peerGroupsExpected } from './fixtures/expected.ts'

describe('the district profile', () => {
  const expected = peerGroupsExpected().profile

  it('is what the ONS mid-2023 workbook gives, and the shipped file is exactly what the reader writes from it', async () => {
    const read = await readDistrictProfileWorkbook(onsFile(POPULATION))
    assert.deepEqual(read.problems.map(formatTableProblem), [])
    const table = read.table!
    assert.equal(table.midYear, expected.mid_year)
    assert.equal(table.districts.size, expected.districts)
    // Column totals and sample rows from the independent Python reading of the same workbook.
    const total = (f: (d: typeof table.districts extends ReadonlyMap<string, infer D> ? D : never) => number) =>
      [...table.districts.values()].reduce((s, d) => s + f(d), 0)
    assert.equal(
      total((d) => d.population),
      expected.totals.population,
    ) // England and Wales, mid-2023
    assert.equal(
      total((d) => d.aged16To29),
      expected.totals.aged_16_to_29,
    )
    assert.equal(
      total((d) => d.aged65AndOver),
      expected.totals.aged_65_and_over,
    )
    assert.equal(
      total((d) => d.movesInAndOut),
      expected.totals.moves,
    )
    assert.ok(Math.abs(total((d) => d.areaSqKm) - expected.area_total) < 1e-6)
    for (const [code, s] of Object.entries(expected.samples)) {
      const d = table.districts.get(code)!
      assert.equal(d.name, s.name)
      assert.deepEqual(
        [d.population, d.aged16To29, d.aged65AndOver, d.movesInAndOut],
        [s.population, s.aged_16_to_29, s.aged_65_and_over, s.moves],
        code,
      )
      assert.ok(Math.abs(d.areaSqKm - s.area) < 1e-9, code)
    }
    assert.equal(formatDistrictProfileCsv(table), fs.readFileSync(SHIPPED_PROFILE_FILE, 'utf8'))
  })

  it('reads the shipped file back to the same figures (areas to four decimals)', async () => {
    const shipped = districtProfileLoader(null)()
    assert.equal(shipped.midYear, 2023)
    assert.equal(shipped.districts.size, expected.districts)
    const wolverhampton = shipped.districts.get('E08000031')!
    const s = expected.samples['E08000031']!
    assert.equal(wolverhampton.population, s.population)
    assert.equal(wolverhampton.areaSqKm, Math.round(s.area * 1e4) / 1e4)
  })

  it('refuses a bad profile file with its line, column and reason', () => {
    const header =
      'district_code,district_name,mid_year,population,area_sq_km,aged_16_to_29,aged_65_and_over,moves_in_and_out'
    const parse = (lines: string[]) => () => parseDistrictProfileCsv(lines.join('\n'), 'p.csv')
    assert.throws(parse(['code,name']), /p\.csv:1:: the header must be district_code,/)
    assert.throws(parse([header, 'E08000031,Wolverhampton,2023,-5,69.4,1,1,1']), /p\.csv:2:population: "-5"/)
    assert.throws(parse([header, 'X08000031,Wolverhampton,2023,5,69.4,1,1,1']), /p\.csv:2:district_code:/)
    assert.throws(
      parse([header, 'E08000031,W,2023,5,69.4,1,1,1', 'E08000031,W,2023,5,69.4,1,1,1']),
      /p\.csv:3:district_code: E08000031 appears twice/,
    )
    assert.throws(
      parse([header, 'E08000031,W,2023,5,69.4,1,1,1', 'E08000030,W,2022,5,69.4,1,1,1']),
      /p\.csv:3:mid_year: every row must be for mid-2023/,
    )
    assert.throws(parse([header, 'E08000031,W,2023,5,0,1,1,1']), /p\.csv:2:area_sq_km/)
    assert.throws(parse([header, 'E08000031,W,2023,5,1,4,3,1']), /more residents in the two age bands/)
    assert.throws(parse([header]), /the file has no districts/)
  })

  it('prefers the instance’s own profile, written from a newer workbook, to the shipped one', () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'saferhub-profile-'))
    try {
      const loader = districtProfileLoader(data)
      assert.equal(loader().source, SHIPPED_PROFILE_FILE)
      fs.mkdirSync(path.join(data, 'geography'))
      fs.writeFileSync(
        path.join(data, 'geography', 'district-profile.csv'),
        'district_code,district_name,mid_year,population,area_sq_km,aged_16_to_29,aged_65_and_over,moves_in_and_out\n' +
          'E08000031,Wolverhampton,2024,280000,69.4,1,1,1\n',
      )
      assert.equal(loader().midYear, 2023, 'read once until reloaded')
      assert.equal(loader.reload().midYear, 2024)
      assert.equal(loader().districts.size, 1)
    } finally {
      fs.rmSync(data, { recursive: true, force: true })
    }
  })

  it('names the sheet, row and column of a workbook problem, and returns no table', async () => {
    const workbook = new ExcelJS.Workbook()
    const mye2 = workbook.addWorksheet('MYE2 - Persons')
    mye2.addRow(['MYE2: Persons by single year of age and sex for local authorities in England and Wales, mid-2023'])
    mye2.addRow(['Code', 'Name', 'Geography', 'All ages', ...Array.from({ length: 90 }, (_, a) => String(a)), '90+'])
    const ages = Array.from({ length: 91 }, () => 10)
    mye2.addRow(['E08000031', 'Wolverhampton', 'Metropolitan District', 910, ...ages])
    mye2.addRow(['E08000030', 'Walsall', 'Metropolitan District', 900, ...ages]) // the ages add up to 910
    const mye5 = workbook.addWorksheet('MYE5')
    mye5.addRow(['Code', 'Name', 'Geography', 'Area (sq km)'])
    mye5.addRow(['E08000031', 'Wolverhampton', 'Metropolitan District', 69.4])
    mye5.addRow(['E08000030', 'Walsall', 'Metropolitan District', 'n/a'])
    const file = async () => ({ name: 'mye.xlsx', content: Buffer.from(await workbook.xlsx.writeBuffer()) })
    const missing = await readDistrictProfileWorkbook(await file())
    assert.equal(missing.table, null)
    assert.deepEqual(missing.problems.map(formatTableProblem), [
      'mye.xlsx[MYE3]: the workbook has no sheet "MYE3" (ONS mid-year estimates)',
    ])
    const mye3 = workbook.addWorksheet('MYE3')
    mye3.addRow([
      'Code',
      'Name',
      'Geography',
      'Internal Migration Inflow',
      'Internal Migration Outflow',
      'International Migration Inflow',
      'International Migration Outflow',
      'Estimated Population mid-2023',
    ])
    mye3.addRow(['E08000031', 'Wolverhampton', 'Metropolitan District', 5, 6, 7, 8, 910])
    mye3.addRow(['E08000030', 'Walsall', 'Metropolitan District', 5, 6, 7, 8, 900])
    const bad = await readDistrictProfileWorkbook(await file())
    assert.equal(bad.table, null)
    assert.deepEqual(bad.problems.map(formatTableProblem), [
      'mye.xlsx[MYE2 - Persons]:4:D: "All ages" is 900 but the ages add up to 910',
      'mye.xlsx[MYE5]:3:D: an area must be a number of km² above 0',
    ])
    mye2.getRow(4).getCell(4).value = 910
    mye3.getRow(3).getCell(8).value = 910
    mye5.getRow(3).getCell(4).value = 104.0
    const good = await readDistrictProfileWorkbook(await file())
    assert.deepEqual(good.problems, [])
    // By hand: ages 16..29 are 14 single years of 10; 65..89 and 90+ are 26 columns of 10; moves 5+6+7+8.
    assert.deepEqual(good.table?.districts.get('E08000031'), {
      code: 'E08000031',
      name: 'Wolverhampton',
      population: 910,
      areaSqKm: 69.4,
      aged16To29: 140,
      aged65AndOver: 260,
      movesInAndOut: 26,
    })
  })
})
