import { sql, type Generated, type Transaction } from 'kysely'
import type { Database } from '../db/database.ts'
import type { DatabaseSchema } from '../db/schema.ts'

/** The tables of migration 0003 as Kysely sees them. Months are `YYYY-MM`; forces are data.police.uk identifiers. */
export interface CrimeCountTables {
  crime_import_runs: {
    id: Generated<number>
    imported_at: string
    source: string
    files: number
    bytes_read: number
    rows_read: number
    force_months: number
    /** Comma-separated partnership codes whose LSOA counts the run kept. */
    served_partnerships: string
  }
  crime_force_months: {
    police_force: string
    month: string
    import_run_id: number
    source_file: string
    falls_within: string
    rows_read: number
    rows_without_location: number
    rows_outside_force: number
    rows_unmapped: number
  }
  crime_partnership_counts: {
    police_force: string
    month: string
    partnership_code: string
    crime_type: string
    crimes: number
  }
  crime_lsoa_counts: {
    police_force: string
    month: string
    lsoa_code: string
    partnership_code: string
    crime_type: string
    crimes: number
  }
  crime_unmapped_lsoas: {
    police_force: string
    month: string
    lsoa_code: string
    reason: string
    rows: number
  }
}

export interface PartnershipCount {
  readonly partnershipCode: string
  readonly crimeType: string
  readonly crimes: number
}

export interface LsoaCount {
  readonly lsoaCode: string
  readonly partnershipCode: string
  readonly crimeType: string
  readonly crimes: number
}

export interface UnmappedLsoa {
  readonly lsoaCode: string
  readonly reason: 'not-in-lookup' | 'district-without-partnership' | 'district-shared'
  readonly rows: number
}

/** Everything one force's file for one month gave: what replaces that force-month on import. */
export interface ForceMonthCounts {
  /** data.police.uk identifier: `gwent`. */
  readonly policeForce: string
  readonly month: string
  /** The file's name (or the zip entry's path). */
  readonly sourceFile: string
  /** The force as the file's rows name it: "Gwent Police". */
  readonly fallsWithin: string
  readonly rowsRead: number
  /** Rows with no LSOA: counted here, in no partnership. */
  readonly rowsWithoutLocation: number
  /** Rows in a partnership of another police force area: counted there, and here. */
  readonly rowsOutsideForce: number
  /** Rows whose LSOA the lookups could not place in a single partnership: counted here, in no partnership. */
  readonly rowsUnmapped: number
  readonly partnershipCounts: readonly PartnershipCount[]
  readonly lsoaCounts: readonly LsoaCount[]
  readonly unmappedLsoas: readonly UnmappedLsoa[]
}

export interface ImportRunRecord {
  readonly importedAt: string
  /** What was imported, as the user named it (paths). */
  readonly source: string
  readonly files: number
  readonly bytesRead: number
  readonly rowsRead: number
  readonly servedPartnerships: readonly string[]
}

export interface ForceMonthRecord {
  readonly policeForce: string
  readonly month: string
  readonly importRunId: number
  readonly sourceFile: string
  readonly fallsWithin: string
  readonly rowsRead: number
  readonly rowsWithoutLocation: number
  readonly rowsOutsideForce: number
  readonly rowsUnmapped: number
}

export interface CountQuery {
  readonly partnershipCodes?: readonly string[]
  /** First and last month, `YYYY-MM`, inclusive. */
  readonly fromMonth?: string
  readonly toMonth?: string
  /** Only counts from these forces' files (e.g. a force's own files, for "the force's recorded crime"). */
  readonly policeForces?: readonly string[]
}

export interface MonthlyPartnershipCount {
  readonly partnershipCode: string
  readonly month: string
  readonly crimeType: string
  readonly crimes: number
}

export interface MonthlyLsoaCount extends MonthlyPartnershipCount {
  readonly lsoaCode: string
}

/** `in ()` is not SQL: an empty list gets a value no code has, so it matches nothing rather than failing. */
const nonEmpty = (values: readonly string[]): string[] => [...values, '']

/**
 * Rows per bulk INSERT. A national year is about 60,000 partnership rows (and several million LSOA rows when every
 * partnership is served): in statements of this size the JSON or arrays of one statement stay a few megabytes.
 */
const BULK_ROWS = 50_000

type BulkTable = 'crime_force_months' | 'crime_partnership_counts' | 'crime_lsoa_counts' | 'crime_unmapped_lsoas'
type BulkColumn = readonly [name: string, type: 'text' | 'integer']

/**
 * Storage of police.uk street-level counts. The only place with SQL for them.
 *
 * @example
 * const repository = createCrimeRepository(database)
 * await repository.replaceForceMonths(run, [gwentJanuary])
 * await repository.partnershipCounts({ partnershipCodes: ['W14000022'], fromMonth: '2020-01', toMonth: '2020-03' })
 */
export function createCrimeRepository(database: Database) {
  const db = database.db

  /**
   * Inserts many rows in few statements: one parameter per statement carrying every row, unpacked by the database
   * (SQLite `json_each`, PostgreSQL `unnest` of one array per column). A multi-row VALUES list costs a bound
   * parameter per cell and, through the query builder, about twenty times as long for a national year.
   */
  async function bulkInsert(
    trx: Transaction<DatabaseSchema>,
    table: BulkTable,
    columns: readonly BulkColumn[],
    rows: readonly (readonly (string | number)[])[],
  ): Promise<void> {
    const names = sql.join(columns.map(([name]) => sql.ref(name)))
    for (let start = 0; start < rows.length; start += BULK_ROWS) {
      const batch = rows.slice(start, start + BULK_ROWS)
      if (database.dialect === 'sqlite') {
        const values = sql.join(columns.map((_, i) => sql.raw(`value ->> ${i}`)))
        await sql`insert into ${sql.table(table)} (${names}) select ${values} from json_each(${JSON.stringify(batch)})`.execute(
          trx,
        )
      } else {
        const arrays = sql.join(columns.map(([, type], i) => sql`${batch.map((row) => row[i])}::${sql.raw(type)}[]`))
        await sql`insert into ${sql.table(table)} (${names}) select * from unnest(${arrays})`.execute(trx)
      }
    }
  }

  /** Deletes the given force-months' rows of one table, a month at a time (one statement per month). */
  async function deleteForceMonths(
    trx: Transaction<DatabaseSchema>,
    table: 'crime_partnership_counts' | 'crime_lsoa_counts' | 'crime_unmapped_lsoas' | 'crime_force_months',
    byMonth: ReadonlyMap<string, readonly string[]>,
  ): Promise<void> {
    for (const [month, forces] of byMonth) {
      await trx.deleteFrom(table).where('month', '=', month).where('police_force', 'in', forces).execute()
    }
  }

  return {
    /**
     * Replaces the given force-months, all in one transaction: their old counts are deleted and the new ones
     * inserted, or (on any failure, or if the process is killed part-way) nothing changes at all.
     * Returns the run's id and which of the force-months were there before.
     */
    async replaceForceMonths(
      run: ImportRunRecord,
      forceMonths: readonly ForceMonthCounts[],
    ): Promise<{ runId: number; replaced: { policeForce: string; month: string }[] }> {
      const byMonth = new Map<string, string[]>()
      for (const fm of forceMonths) {
        const forces = byMonth.get(fm.month) ?? []
        if (forces.includes(fm.policeForce)) throw new Error(`${fm.policeForce} ${fm.month} is given twice`)
        forces.push(fm.policeForce)
        byMonth.set(fm.month, forces)
      }
      return db.transaction().execute(async (trx) => {
        const replaced: { policeForce: string; month: string }[] = []
        for (const [month, forces] of byMonth) {
          const rows = await trx
            .selectFrom('crime_force_months')
            .select(['police_force', 'month'])
            .where('month', '=', month)
            .where('police_force', 'in', forces)
            .execute()
          for (const row of rows) replaced.push({ policeForce: row.police_force, month: row.month })
        }
        for (const table of [
          'crime_partnership_counts',
          'crime_lsoa_counts',
          'crime_unmapped_lsoas',
          'crime_force_months',
        ] as const) {
          await deleteForceMonths(trx, table, byMonth)
        }
        const { id: runId } = await trx
          .insertInto('crime_import_runs')
          .values({
            imported_at: run.importedAt,
            source: run.source,
            files: run.files,
            bytes_read: run.bytesRead,
            rows_read: run.rowsRead,
            force_months: forceMonths.length,
            served_partnerships: run.servedPartnerships.join(','),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        await bulkInsert(
          trx,
          'crime_force_months',
          [
            ['police_force', 'text'],
            ['month', 'text'],
            ['import_run_id', 'integer'],
            ['source_file', 'text'],
            ['falls_within', 'text'],
            ['rows_read', 'integer'],
            ['rows_without_location', 'integer'],
            ['rows_outside_force', 'integer'],
            ['rows_unmapped', 'integer'],
          ],
          forceMonths.map((fm) => [
            fm.policeForce,
            fm.month,
            runId,
            fm.sourceFile,
            fm.fallsWithin,
            fm.rowsRead,
            fm.rowsWithoutLocation,
            fm.rowsOutsideForce,
            fm.rowsUnmapped,
          ]),
        )
        const partnershipRows: (string | number)[][] = []
        const lsoaRows: (string | number)[][] = []
        const unmappedRows: (string | number)[][] = []
        // Month by month, as the count tables are keyed, so that each month's rows go into one region of the B-tree.
        const byMonthThenForce = [...forceMonths].sort((a, b) =>
          a.month < b.month ? -1 : a.month > b.month ? 1 : a.policeForce < b.policeForce ? -1 : 1,
        )
        for (const fm of byMonthThenForce) {
          for (const c of fm.partnershipCounts) {
            partnershipRows.push([fm.policeForce, fm.month, c.partnershipCode, c.crimeType, c.crimes])
          }
          for (const c of fm.lsoaCounts) {
            lsoaRows.push([fm.policeForce, fm.month, c.lsoaCode, c.partnershipCode, c.crimeType, c.crimes])
          }
          for (const u of fm.unmappedLsoas) unmappedRows.push([fm.policeForce, fm.month, u.lsoaCode, u.reason, u.rows])
        }
        const key: BulkColumn[] = [
          ['police_force', 'text'],
          ['month', 'text'],
        ]
        await bulkInsert(
          trx,
          'crime_partnership_counts',
          [...key, ['partnership_code', 'text'], ['crime_type', 'text'], ['crimes', 'integer']],
          partnershipRows,
        )
        await bulkInsert(
          trx,
          'crime_lsoa_counts',
          [...key, ['lsoa_code', 'text'], ['partnership_code', 'text'], ['crime_type', 'text'], ['crimes', 'integer']],
          lsoaRows,
        )
        await bulkInsert(
          trx,
          'crime_unmapped_lsoas',
          [...key, ['lsoa_code', 'text'], ['reason', 'text'], ['rows', 'integer']],
          unmappedRows,
        )
        return { runId, replaced }
      })
    },

    /** The force-months loaded, by force then month. */
    async forceMonths(policeForce?: string): Promise<ForceMonthRecord[]> {
      let query = db.selectFrom('crime_force_months').selectAll().orderBy('police_force').orderBy('month')
      if (policeForce !== undefined) query = query.where('police_force', '=', policeForce)
      const rows = await query.execute()
      return rows.map((r) => ({
        policeForce: r.police_force,
        month: r.month,
        importRunId: r.import_run_id,
        sourceFile: r.source_file,
        fallsWithin: r.falls_within,
        rowsRead: r.rows_read,
        rowsWithoutLocation: r.rows_without_location,
        rowsOutsideForce: r.rows_outside_force,
        rowsUnmapped: r.rows_unmapped,
      }))
    },

    /**
     * Crimes by partnership, month and crime type, summed over the forces whose files counted them (all of them,
     * or those in `policeForces`). Ordered by partnership, month, crime type.
     */
    async partnershipCounts(query: CountQuery = {}): Promise<MonthlyPartnershipCount[]> {
      let select = db
        .selectFrom('crime_partnership_counts')
        .select((eb) => ['partnership_code', 'month', 'crime_type', eb.fn.sum<number>('crimes').as('crimes')])
        .groupBy(['partnership_code', 'month', 'crime_type'])
        .orderBy('partnership_code')
        .orderBy('month')
        .orderBy('crime_type')
      if (query.partnershipCodes) select = select.where('partnership_code', 'in', nonEmpty(query.partnershipCodes))
      if (query.fromMonth) select = select.where('month', '>=', query.fromMonth)
      if (query.toMonth) select = select.where('month', '<=', query.toMonth)
      if (query.policeForces) select = select.where('police_force', 'in', nonEmpty(query.policeForces))
      const rows = await select.execute()
      return rows.map((r) => ({
        partnershipCode: r.partnership_code,
        month: r.month,
        crimeType: r.crime_type,
        crimes: Number(r.crimes),
      }))
    },

    /** Crimes by LSOA (served partnerships only), month and crime type, summed over forces. */
    async lsoaCounts(query: CountQuery = {}): Promise<MonthlyLsoaCount[]> {
      let select = db
        .selectFrom('crime_lsoa_counts')
        .select((eb) => [
          'lsoa_code',
          'partnership_code',
          'month',
          'crime_type',
          eb.fn.sum<number>('crimes').as('crimes'),
        ])
        .groupBy(['lsoa_code', 'partnership_code', 'month', 'crime_type'])
        .orderBy('lsoa_code')
        .orderBy('month')
        .orderBy('crime_type')
      if (query.partnershipCodes) select = select.where('partnership_code', 'in', nonEmpty(query.partnershipCodes))
      if (query.fromMonth) select = select.where('month', '>=', query.fromMonth)
      if (query.toMonth) select = select.where('month', '<=', query.toMonth)
      if (query.policeForces) select = select.where('police_force', 'in', nonEmpty(query.policeForces))
      const rows = await select.execute()
      return rows.map((r) => ({
        lsoaCode: r.lsoa_code,
        partnershipCode: r.partnership_code,
        month: r.month,
        crimeType: r.crime_type,
        crimes: Number(r.crimes),
      }))
    },

    /** LSOAs that could not be placed in a partnership, by force and month. */
    async unmappedLsoas(policeForce?: string): Promise<(UnmappedLsoa & { policeForce: string; month: string })[]> {
      let query = db
        .selectFrom('crime_unmapped_lsoas')
        .selectAll()
        .orderBy('police_force')
        .orderBy('month')
        .orderBy('lsoa_code')
      if (policeForce !== undefined) query = query.where('police_force', '=', policeForce)
      const rows = await query.execute()
      return rows.map((r) => ({
        policeForce: r.police_force,
        month: r.month,
        lsoaCode: r.lsoa_code,
        reason: r.reason as UnmappedLsoa['reason'],
        rows: r.rows,
      }))
    },

    /** Every import run, oldest first. */
    async importRuns(): Promise<(ImportRunRecord & { id: number; forceMonths: number })[]> {
      const rows = await db.selectFrom('crime_import_runs').selectAll().orderBy('id').execute()
      return rows.map((r) => ({
        id: r.id,
        importedAt: r.imported_at,
        source: r.source,
        files: r.files,
        bytesRead: r.bytes_read,
        rowsRead: r.rows_read,
        forceMonths: r.force_months,
        servedPartnerships: r.served_partnerships === '' ? [] : r.served_partnerships.split(','),
      }))
    },
  }
}

export type CrimeRepository = ReturnType<typeof createCrimeRepository>
