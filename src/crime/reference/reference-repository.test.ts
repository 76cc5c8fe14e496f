import assert from 'node:assert/strict'
import { afterEach, before, beforeEach, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { Database } from '../../db/database.ts'
import { openTestDatabase, testDialects } from '../../../test/support/databases.ts'
import { fixtureDirectory, onsExpected, onsFile, POPULATION, WORKBOOK } from '../../../test/support/ons-fixtures.ts'
import { OFFENCE_GROUPS } from './offence-groups.ts'
import { readOnsTables, type OnsTablesImport } from './read-ons-tables.ts'
import { readPopulationEstimates, type PopulationImport } from './read-population.ts'
import type { AreaCounts, RecordedCrimeYear } from './recorded-crime-table.ts'
import { createReferenceRepository } from './reference-repository.ts'

const record = {
  fileName: WORKBOOK,
  sha256: 'ab'.repeat(32),
  description: 'test',
  importedBy: 'test',
  notes: ['a note'],
}

let tables: OnsTablesImport
let population: PopulationImport
before(async () => {
  tables = await readOnsTables(onsFile(WORKBOOK), fixtureDirectory())
  population = await readPopulationEstimates(onsFile(POPULATION), fixtureDirectory())
})

for (const dialect of testDialects()) {
  describe(`reference repository (${dialect})`, () => {
    let database: Database
    beforeEach(async () => {
      database = await openTestDatabase(dialect)
    })
    afterEach(() => database.close())

    it('stores both years of the ONS tables and gives them back as read', async () => {
      const repository = createReferenceRepository(database)
      await repository.replaceRecordedCrimeYears([tables.current, tables.previous], record)
      const years = await repository.listRecordedCrimeYears()
      assert.deepEqual(
        years.map((y) => [y.dataset, y.yearEnding, y.areas]),
        [
          ['ons-pfa-tables', '2024-12', tables.current.areas.length],
          ['ons-pfa-tables', '2023-12', tables.previous.areas.length],
        ],
      )
      const stored = await repository.recordedCrime('ons-pfa-tables', '2024-12')
      assert.deepEqual(stored, tables.current.areas)
      const expected = onsExpected().partnerships['E22000341']!
      const wolverhampton = (await repository.recordedCrime('ons-pfa-tables', '2023-12')).find(
        (a) => a.key === 'E22000341',
      )!
      expected.c5.forEach((v, i) => assert.equal(wolverhampton.counts.get(OFFENCE_GROUPS[i]!.id), v))
    })

    it('replaces a year on re-import instead of adding to it', async () => {
      const repository = createReferenceRepository(database)
      await repository.replaceRecordedCrimeYears([tables.current, tables.previous], record)
      await repository.replaceRecordedCrimeYears([tables.current], record)
      const rows = await database.db
        .selectFrom('recorded_crime_areas')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('year_ending', '=', '2024-12')
        .executeTakeFirstOrThrow()
      assert.equal(Number(rows.n), tables.current.areas.length)
      assert.equal((await repository.listRecordedCrimeYears()).length, 2)
    })

    it('stores a missing figure as NULL, never 0', async () => {
      const repository = createReferenceRepository(database)
      const area: AreaCounts = {
        kind: 'partnership',
        key: 'E22000341',
        partnershipCode: 'E22000341',
        name: 'Wolverhampton',
        forceCode: 'E23000014',
        counts: new Map([
          ['total-recorded-crime', 10],
          ['robbery', null],
        ]),
        population: null,
        populationNote: null,
        row: 2,
      }
      await repository.replaceRecordedCrimeYears(
        [{ dataset: 'third-party-extract', yearEnding: '2024-12', areas: [area] }],
        record,
      )
      const raw = await database.db
        .selectFrom('recorded_crime_counts')
        .select('offences')
        .where('offence_group', '=', 'robbery')
        .executeTakeFirstOrThrow()
      assert.equal(raw.offences, null)
      const back = await repository.recordedCrime('third-party-extract', '2024-12')
      assert.equal(back[0]?.counts.get('robbery'), null)
    })

    it('is all or nothing: a refused row leaves the previous figures and no import record', async () => {
      const repository = createReferenceRepository(database)
      await repository.replaceRecordedCrimeYears([tables.current], record)
      const bad: RecordedCrimeYear = {
        ...tables.current,
        areas: [...tables.current.areas.slice(0, 50), { ...tables.current.areas[50]!, population: -1 }],
      }
      await assert.rejects(repository.replaceRecordedCrimeYears([bad], record))
      assert.deepEqual(await repository.recordedCrime('ons-pfa-tables', '2024-12'), tables.current.areas)
      const imports = await database.db.selectFrom('crime_reference_imports').selectAll().execute()
      assert.equal(imports.length, 1)
      assert.deepEqual(JSON.parse(imports[0]!.notes), ['a note'])
    })

    it('refuses impossible rows at the database itself', async () => {
      const repository = createReferenceRepository(database)
      const id = await repository.replaceRecordedCrimeYears([], record)
      const insert = (values: Record<string, unknown>) =>
        sql`insert into recorded_crime_areas (dataset, year_ending, area_key, kind, partnership_code, name, force_code, source_row, import_id)
            values (${values.dataset}, ${values.year}, 'k', ${values.kind}, ${values.code}, 'n', 'f', 1, ${id})`.execute(
          database.db,
        )
      await assert.rejects(insert({ dataset: 'ons-pfa-tables', year: '2024-13', kind: 'partnership', code: 'x' }))
      await assert.rejects(insert({ dataset: 'gossip', year: '2024-12', kind: 'partnership', code: 'x' }))
      await assert.rejects(insert({ dataset: 'ons-pfa-tables', year: '2024-12', kind: 'partnership', code: null }))
      await assert.rejects(insert({ dataset: 'ons-pfa-tables', year: '2024-12', kind: 'county', code: null }))
      await insert({ dataset: 'ons-pfa-tables', year: '2024-12', kind: 'force', code: null })
    })

    it('stores population estimates, areas and median ages by district and year', async () => {
      const repository = createReferenceRepository(database)
      await repository.replacePopulation(population.districts, { ...record, fileName: POPULATION })
      const expected = onsExpected().population
      assert.deepEqual(await repository.populationYears(), [...expected.years].reverse())
      const w2022 = (await repository.populationOf(2022)).find((d) => d.districtCode === 'E08000031')
      assert.equal(w2022?.population, expected.wolverhampton['2022'])
      assert.equal(w2022?.medianAge, expected.wolverhampton_median_age_2022)
      assert.equal((await repository.districtAreas()).get('E08000031'), expected.wolverhampton_area_sq_km)
      assert.equal((await repository.populationOf(2022)).length, expected.district_count)
      // Importing again replaces rather than duplicates.
      await repository.replacePopulation(population.districts, { ...record, fileName: POPULATION })
      assert.equal((await repository.populationOf(2022)).length, expected.district_count)
    })
  })
}
