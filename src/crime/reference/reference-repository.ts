import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../../db/database.ts'
import type { DatabaseSchema } from '../../db/schema.ts'
import { isOffenceGroupId, type OffenceGroupId } from './offence-groups.ts'
import type { DistrictEstimates } from './read-population.ts'
import type { AreaCounts, AreaKind, RecordedCrimeDataset, RecordedCrimeYear } from './recorded-crime-table.ts'

/** Who imported which file, when; every stored figure points back at one of these. */
export interface ReferenceImportRecord {
  readonly fileName: string
  readonly sha256: string
  readonly description: string
  readonly importedBy: string
  readonly notes: readonly string[]
}

export interface StoredRecordedCrimeYear {
  readonly dataset: RecordedCrimeDataset
  readonly yearEnding: string
  readonly areas: number
  readonly fileName: string
  readonly importedAt: string
}

export interface DistrictPopulation {
  readonly districtCode: string
  readonly districtName: string
  readonly population: number
  readonly medianAge: number | null
}

/**
 * Storage of the reference data used to compare partnerships: police recorded crime by area (ONS tables), and
 * population estimates by district. The only place with SQL for these tables. Every replacement is one
 * transaction, so an import stopped part-way leaves the previous figures whole.
 */
export interface ReferenceRepository {
  /** Stores the years given, each replacing whatever was stored for the same dataset and year. Returns the import id. */
  replaceRecordedCrimeYears(years: readonly RecordedCrimeYear[], record: ReferenceImportRecord): Promise<number>
  /** The stored years, latest first. */
  listRecordedCrimeYears(): Promise<StoredRecordedCrimeYear[]>
  /** The areas of one year, in the order of the source table; an empty list when the year is not stored. */
  recordedCrime(dataset: RecordedCrimeDataset, yearEnding: string): Promise<AreaCounts[]>
  /** Stores district estimates, replacing the same districts' figures for the same years. Returns the import id. */
  replacePopulation(districts: readonly DistrictEstimates[], record: ReferenceImportRecord): Promise<number>
  /** The mid-years stored, latest first. */
  populationYears(): Promise<number[]>
  /** Every district's estimate for one mid-year. */
  populationOf(year: number): Promise<DistrictPopulation[]>
  /** District areas in km². */
  districtAreas(): Promise<Map<string, number>>
}

const BATCH_ROWS = 400

function now(): string {
  return new Date().toISOString()
}

async function insertImport(
  trx: Transaction<DatabaseSchema>,
  kind: 'recorded-crime' | 'population',
  record: ReferenceImportRecord,
  rows: number,
): Promise<number> {
  const inserted = await trx
    .insertInto('crime_reference_imports')
    .values({
      kind,
      file_name: record.fileName,
      sha256: record.sha256,
      description: record.description,
      imported_at: now(),
      imported_by: record.importedBy,
      rows_stored: rows,
      notes: JSON.stringify(record.notes),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return inserted.id
}

async function insertInBatches<T>(items: readonly T[], insert: (batch: readonly T[]) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += BATCH_ROWS) await insert(items.slice(i, i + BATCH_ROWS))
}

export function createReferenceRepository(database: Database): ReferenceRepository {
  const db: Kysely<DatabaseSchema> = database.db
  return {
    async replaceRecordedCrimeYears(years, record) {
      const rows = years.reduce((n, y) => n + y.areas.length, 0)
      return db.transaction().execute(async (trx) => {
        const importId = await insertImport(trx, 'recorded-crime', record, rows)
        for (const year of years) {
          await trx
            .deleteFrom('recorded_crime_counts')
            .where('dataset', '=', year.dataset)
            .where('year_ending', '=', year.yearEnding)
            .execute()
          await trx
            .deleteFrom('recorded_crime_areas')
            .where('dataset', '=', year.dataset)
            .where('year_ending', '=', year.yearEnding)
            .execute()
          await insertInBatches(year.areas, (batch) =>
            trx
              .insertInto('recorded_crime_areas')
              .values(
                batch.map((a) => ({
                  dataset: year.dataset,
                  year_ending: year.yearEnding,
                  area_key: a.key,
                  kind: a.kind,
                  partnership_code: a.partnershipCode,
                  name: a.name,
                  force_code: a.forceCode,
                  population: a.population,
                  population_note: a.populationNote,
                  source_row: a.row,
                  import_id: importId,
                })),
              )
              .execute(),
          )
          const counts = year.areas.flatMap((a) =>
            [...a.counts].map(([group, offences]) => ({
              dataset: year.dataset,
              year_ending: year.yearEnding,
              area_key: a.key,
              offence_group: group,
              offences,
            })),
          )
          await insertInBatches(counts, (batch) => trx.insertInto('recorded_crime_counts').values(batch).execute())
        }
        return importId
      })
    },

    async listRecordedCrimeYears() {
      const rows = await db
        .selectFrom('recorded_crime_areas as a')
        .innerJoin('crime_reference_imports as i', 'i.id', 'a.import_id')
        .select(['a.dataset', 'a.year_ending', 'i.file_name', 'i.imported_at'])
        .select((eb) => eb.fn.countAll<number>().as('areas'))
        .groupBy(['a.dataset', 'a.year_ending', 'i.file_name', 'i.imported_at'])
        .orderBy('a.year_ending', 'desc')
        .orderBy('a.dataset')
        .execute()
      return rows.map((r) => ({
        dataset: r.dataset as RecordedCrimeDataset,
        yearEnding: r.year_ending,
        areas: Number(r.areas),
        fileName: r.file_name,
        importedAt: r.imported_at,
      }))
    },

    async recordedCrime(dataset, yearEnding) {
      const areas = await db
        .selectFrom('recorded_crime_areas')
        .selectAll()
        .where('dataset', '=', dataset)
        .where('year_ending', '=', yearEnding)
        .orderBy('source_row')
        .execute()
      const counts = await db
        .selectFrom('recorded_crime_counts')
        .select(['area_key', 'offence_group', 'offences'])
        .where('dataset', '=', dataset)
        .where('year_ending', '=', yearEnding)
        .execute()
      const byArea = new Map<string, Map<OffenceGroupId, number | null>>()
      for (const c of counts) {
        if (!isOffenceGroupId(c.offence_group)) continue
        const m = byArea.get(c.area_key) ?? new Map<OffenceGroupId, number | null>()
        m.set(c.offence_group, c.offences === null ? null : Number(c.offences))
        byArea.set(c.area_key, m)
      }
      return areas.map((a) =>
        Object.freeze({
          kind: a.kind as AreaKind,
          key: a.area_key,
          partnershipCode: a.partnership_code,
          name: a.name,
          forceCode: a.force_code,
          counts: byArea.get(a.area_key) ?? new Map(),
          population: a.population === null ? null : Number(a.population),
          populationNote: a.population_note,
          row: Number(a.source_row),
        }),
      )
    },

    async replacePopulation(districts, record) {
      const estimates = districts.flatMap((d) =>
        [...d.population].map(([year, population]) => ({
          district_code: d.code,
          year,
          district_name: d.name,
          population,
          median_age: d.medianAge.get(year) ?? null,
        })),
      )
      const areas = districts.filter((d) => d.areaSqKm !== null)
      return db.transaction().execute(async (trx) => {
        const importId = await insertImport(trx, 'population', record, estimates.length)
        const codes = districts.map((d) => d.code)
        const years = [...new Set(estimates.map((e) => e.year))]
        await insertInBatches(codes, async (batch) => {
          if (years.length === 0) return
          await trx
            .deleteFrom('population_estimates')
            .where('district_code', 'in', batch)
            .where('year', 'in', years)
            .execute()
        })
        await insertInBatches(estimates, (batch) =>
          trx
            .insertInto('population_estimates')
            .values(batch.map((e) => ({ ...e, import_id: importId })))
            .execute(),
        )
        await insertInBatches(areas, async (batch) => {
          await trx
            .deleteFrom('district_areas')
            .where(
              'district_code',
              'in',
              batch.map((d) => d.code),
            )
            .execute()
          await trx
            .insertInto('district_areas')
            .values(
              batch.map((d) => ({
                district_code: d.code,
                district_name: d.name,
                area_sq_km: d.areaSqKm as number,
                import_id: importId,
              })),
            )
            .execute()
        })
        return importId
      })
    },

    async populationYears() {
      const rows = await db
        .selectFrom('population_estimates')
        .select('year')
        .distinct()
        .orderBy('year', 'desc')
        .execute()
      return rows.map((r) => Number(r.year))
    },

    async populationOf(year) {
      const rows = await db
        .selectFrom('population_estimates')
        .select(['district_code', 'district_name', 'population', 'median_age'])
        .where('year', '=', year)
        .orderBy('district_code')
        .execute()
      return rows.map((r) => ({
        districtCode: r.district_code,
        districtName: r.district_name,
        population: Number(r.population),
        medianAge: r.median_age === null ? null : Number(r.median_age),
      }))
    },

    async districtAreas() {
      const rows = await db.selectFrom('district_areas').select(['district_code', 'area_sq_km']).execute()
      return new Map(rows.map((r) => [r.district_code, Number(r.area_sq_km)]))
    },
  }
}
