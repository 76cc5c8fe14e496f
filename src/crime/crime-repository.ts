import { sql, type Transaction } from 'kysely'
import type { Database } from '../db/database.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import { POLICE_UK_CRIME_TYPES } from './ingest/crime-types.ts'
import type { CrimeTypeColumns } from './crime-count-tables.ts'

/** "Anti-social behaviour" → `anti_social_behaviour`: the crime type's count column. */
function columnOf(crimeType: string): keyof CrimeTypeColumns {
  return crimeType.toLowerCase().replace(/[^a-z0-9]+/g, '_') as keyof CrimeTypeColumns
}

const TYPE_COLUMNS: readonly (keyof CrimeTypeColumns)[] = POLICE_UK_CRIME_TYPES.map(columnOf)
const TYPE_INDEX = new Map<string, number>(POLICE_UK_CRIME_TYPES.map((type, i) => [type, i]))

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

/** Force-months as rows of the tables they are stored in. */
interface LaidOut {
  readonly forceMonths: readonly ForceMonthCounts[]
  readonly partnershipRows: (string | number)[][]
  readonly lsoaRows: (string | number)[][]
  readonly unmappedRows: (string | number)[][]
}

/** A replacement of force-months under way, in one open transaction: nothing is visible until `commit`. */
export interface ForceMonthReplacement {
  /**
   * Replaces these force-months (their old rows deleted, the new ones inserted) inside the transaction. A force-month
   * given twice, in one call or two, or a bad count, rolls the whole replacement back and rejects.
   */
  write(forceMonths: readonly ForceMonthCounts[]): Promise<void>
  /** Commits everything written; returns the run's id and which force-months were there before. */
  commit(): Promise<{ runId: number; replaced: { policeForce: string; month: string }[] }>
  /** Rolls everything back (nothing changes); does nothing once committed or already rolled back. */
  rollback(): Promise<void>
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

/** A wide row's counts as (crime type, crimes) pairs, zeros left out, in crime-type order (by name). */
function lengthen(row: Record<string, unknown>): [string, number][] {
  const pairs: [string, number][] = []
  TYPE_COLUMNS.forEach((column, i) => {
    const crimes = Number(row[column] ?? 0)
    if (crimes > 0) pairs.push([POLICE_UK_CRIME_TYPES[i] as string, crimes])
  })
  return pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1))
}

/** `in ()` is not SQL: an empty list gets a value no code has, so it matches nothing rather than failing. */
const nonEmpty = (values: readonly string[]): string[] => [...values, '']

/**
 * Rows per bulk INSERT: a national year is 10,000 to 50,000 partnership rows (and a few hundred thousand LSOA rows
 * when every partnership is served); in statements of this size one statement's JSON or arrays stay a few megabytes.
 */
const BULK_ROWS = 20_000

type BulkTable = 'crime_force_months' | 'crime_partnership_counts' | 'crime_lsoa_counts' | 'crime_unmapped_lsoas'
type BulkColumn = readonly [name: string, type: 'text' | 'integer']

const TYPE_BULK_COLUMNS: readonly BulkColumn[] = TYPE_COLUMNS.map((column) => [column, 'integer'] as const)

/**
 * One force-month's long counts (one per crime type) as wide rows (one per key, a count per crime type), appended
 * to `into` in the order their keys first appear. `key` names the row within the force-month (a partnership or LSOA
 * code: no string is built per count); `where` names the force-month and the kind of key in messages.
 */
function widen<T extends { readonly crimeType: string; readonly crimes: number }>(
  counts: readonly T[],
  where: string,
  key: (count: T) => string,
  cells: (count: T) => (string | number)[],
  into: (string | number)[][],
): void {
  const rows = new Map<string, (string | number)[]>()
  for (const count of counts) {
    const type = TYPE_INDEX.get(count.crimeType)
    if (type === undefined) throw new Error(`"${count.crimeType}" is not a data.police.uk crime type`)
    const n = count.crimes
    if (!Number.isInteger(n) || n < 1) throw new Error(`a count must be a whole number above zero, not ${n}`)
    const id = key(count)
    let row = rows.get(id)
    if (!row) {
      row = cells(count)
      for (let i = 0; i < TYPE_COLUMNS.length; i++) row.push(0)
      rows.set(id, row)
      into.push(row)
    }
    const at = row.length - TYPE_COLUMNS.length + type
    if (row[at] !== 0) throw new Error(`${where} ${id} has two counts for ${count.crimeType}`)
    row[at] = n
  }
}

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
        // JSONB: parsed once, then each value read from the binary form (a quarter quicker than text JSON).
        const values = sql.join(columns.map((_, i) => sql.raw(`value ->> ${i}`)))
        await sql`insert into ${sql.table(table)} (${names}) select ${values} from jsonb_each(jsonb(${JSON.stringify(batch)}))`.execute(
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

  /** Laid out for the count tables (checked before any statement runs): rows in their key order. */
  function layOut(forceMonths: readonly ForceMonthCounts[]): LaidOut {
    const keys = new Set<string>()
    for (const fm of forceMonths) {
      const key = `${fm.policeForce} ${fm.month}`
      if (keys.has(key)) throw new Error(`${key} is given twice`)
      keys.add(key)
    }
    // Month by month, as the count tables are keyed, so that the database appends rather than inserts.
    const byMonthThenForce = [...forceMonths].sort((a, b) =>
      a.month < b.month ? -1 : a.month > b.month ? 1 : a.policeForce < b.policeForce ? -1 : 1,
    )
    const partnershipRows: (string | number)[][] = []
    const lsoaRows: (string | number)[][] = []
    const unmappedRows: (string | number)[][] = []
    for (const fm of byMonthThenForce) {
      const where = `${fm.policeForce} ${fm.month}`
      widen(
        fm.partnershipCounts,
        `${where} partnership`,
        (c) => c.partnershipCode,
        (c) => [fm.month, fm.policeForce, c.partnershipCode],
        partnershipRows,
      )
      widen(
        fm.lsoaCounts,
        `${where} LSOA`,
        (c) => c.lsoaCode,
        (c) => [fm.month, fm.policeForce, c.lsoaCode, c.partnershipCode],
        lsoaRows,
      )
      for (const u of fm.unmappedLsoas) unmappedRows.push([fm.policeForce, fm.month, u.lsoaCode, u.reason, u.rows])
    }
    return { forceMonths: byMonthThenForce, partnershipRows, lsoaRows, unmappedRows }
  }

  /**
   * Opens the transaction of an import: the force-months already stored are read (to know which are replaced) and
   * the run is recorded; its rows and force-months are counted as they are written and set at the commit.
   */
  async function startReplacement(
    run: Omit<ImportRunRecord, 'rowsRead'>,
  ): Promise<ForceMonthReplacement & { writeLaidOut(rows: LaidOut): Promise<void> }> {
    const trx = await db.startTransaction().execute()
    let runId: number
    const stored = new Set<string>()
    try {
      for (const row of await trx.selectFrom('crime_force_months').select(['police_force', 'month']).execute()) {
        stored.add(`${row.police_force} ${row.month}`)
      }
      ;({ id: runId } = await trx
        .insertInto('crime_import_runs')
        .values({
          imported_at: run.importedAt,
          source: run.source,
          files: run.files,
          bytes_read: run.bytesRead,
          rows_read: 0,
          force_months: 0,
          served_partnerships: run.servedPartnerships.join(','),
        })
        .returning('id')
        .executeTakeFirstOrThrow())
    } catch (error) {
      await trx.rollback().execute()
      throw error
    }
    const written = new Set<string>()
    const replaced: { policeForce: string; month: string }[] = []
    let rowsRead = 0
    let state: 'open' | 'committed' | 'rolled back' = 'open'
    const rollback = async () => {
      if (state !== 'open') return
      state = 'rolled back'
      await trx.rollback().execute()
    }

    async function writeLaidOut(rows: LaidOut): Promise<void> {
      if (state !== 'open') throw new Error(`this replacement has been ${state}`)
      try {
        const byMonth = new Map<string, string[]>()
        for (const fm of rows.forceMonths) {
          const key = `${fm.policeForce} ${fm.month}`
          if (written.has(key)) throw new Error(`${key} is given twice`)
          written.add(key)
          rowsRead += fm.rowsRead
          if (!stored.has(key)) continue
          replaced.push({ policeForce: fm.policeForce, month: fm.month })
          byMonth.set(fm.month, [...(byMonth.get(fm.month) ?? []), fm.policeForce])
        }
        for (const table of [
          'crime_partnership_counts',
          'crime_lsoa_counts',
          'crime_unmapped_lsoas',
          'crime_force_months',
        ] as const) {
          await deleteForceMonths(trx, table, byMonth)
        }
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
          rows.forceMonths.map((fm) => [
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
        const key: BulkColumn[] = [
          ['month', 'text'],
          ['police_force', 'text'],
        ]
        await bulkInsert(
          trx,
          'crime_partnership_counts',
          [...key, ['partnership_code', 'text'], ...TYPE_BULK_COLUMNS],
          rows.partnershipRows,
        )
        await bulkInsert(
          trx,
          'crime_lsoa_counts',
          [...key, ['lsoa_code', 'text'], ['partnership_code', 'text'], ...TYPE_BULK_COLUMNS],
          rows.lsoaRows,
        )
        await bulkInsert(
          trx,
          'crime_unmapped_lsoas',
          [
            ['police_force', 'text'],
            ['month', 'text'],
            ['lsoa_code', 'text'],
            ['reason', 'text'],
            ['rows', 'integer'],
          ],
          rows.unmappedRows,
        )
      } catch (error) {
        await rollback()
        throw error
      }
    }

    async function write(forceMonths: readonly ForceMonthCounts[]): Promise<void> {
      let rows: LaidOut
      try {
        rows = layOut(forceMonths)
      } catch (error) {
        await rollback()
        throw error
      }
      await writeLaidOut(rows)
    }

    async function commit() {
      if (state !== 'open') throw new Error(`this replacement has been ${state}`)
      try {
        await trx
          .updateTable('crime_import_runs')
          .set({ rows_read: rowsRead, force_months: written.size })
          .where('id', '=', runId)
          .execute()
        state = 'committed'
        await trx.commit().execute()
      } catch (error) {
        if (state === 'open') await rollback()
        throw error
      }
      return { runId, replaced }
    }

    return { write, writeLaidOut, commit, rollback }
  }

  return {
    /**
     * Opens an import's transaction, to write force-months into as they come (an import with worker threads writes
     * each file's as soon as it is parsed) and commit once, or roll back: until the commit nothing is visible, and a
     * process killed part-way leaves the previous state.
     */
    startReplacement: (run: Omit<ImportRunRecord, 'rowsRead'>): Promise<ForceMonthReplacement> => startReplacement(run),

    /**
     * Replaces the given force-months, all in one transaction: their old counts are deleted and the new ones
     * inserted, or (on any failure, or if the process is killed part-way) nothing changes at all.
     * Returns the run's id and which of the force-months were there before.
     */
    async replaceForceMonths(
      run: ImportRunRecord,
      forceMonths: readonly ForceMonthCounts[],
    ): Promise<{ runId: number; replaced: { policeForce: string; month: string }[] }> {
      // Checked and laid out before the transaction, so that a bad count stops it before any row is touched.
      const rows = layOut(forceMonths)
      const replacement = await startReplacement(run)
      await replacement.writeLaidOut(rows)
      return replacement.commit()
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
        .select((eb) => [
          'partnership_code',
          'month',
          ...TYPE_COLUMNS.map((column) => eb.fn.sum<number>(column).as(column)),
        ])
        .groupBy(['partnership_code', 'month'])
        .orderBy('partnership_code')
        .orderBy('month')
      if (query.partnershipCodes) select = select.where('partnership_code', 'in', nonEmpty(query.partnershipCodes))
      if (query.fromMonth) select = select.where('month', '>=', query.fromMonth)
      if (query.toMonth) select = select.where('month', '<=', query.toMonth)
      if (query.policeForces) select = select.where('police_force', 'in', nonEmpty(query.policeForces))
      const rows = await select.execute()
      return rows.flatMap((r) =>
        lengthen(r as unknown as Record<string, unknown>).map(([crimeType, crimes]) => ({
          partnershipCode: r.partnership_code,
          month: r.month,
          crimeType,
          crimes,
        })),
      )
    },

    /** Crimes by LSOA (served partnerships only), month and crime type, summed over forces. */
    async lsoaCounts(query: CountQuery = {}): Promise<MonthlyLsoaCount[]> {
      let select = db
        .selectFrom('crime_lsoa_counts')
        .select((eb) => [
          'lsoa_code',
          'partnership_code',
          'month',
          ...TYPE_COLUMNS.map((column) => eb.fn.sum<number>(column).as(column)),
        ])
        .groupBy(['lsoa_code', 'partnership_code', 'month'])
        .orderBy('lsoa_code')
        .orderBy('month')
      if (query.partnershipCodes) select = select.where('partnership_code', 'in', nonEmpty(query.partnershipCodes))
      if (query.fromMonth) select = select.where('month', '>=', query.fromMonth)
      if (query.toMonth) select = select.where('month', '<=', query.toMonth)
      if (query.policeForces) select = select.where('police_force', 'in', nonEmpty(query.policeForces))
      const rows = await select.execute()
      return rows.flatMap((r) =>
        lengthen(r as unknown as Record<string, unknown>).map(([crimeType, crimes]) => ({
          lsoaCode: r.lsoa_code,
          partnershipCode: r.partnership_code,
          month: r.month,
          crimeType,
          crimes,
        })),
      )
    },

    /**
     * The partnerships that have counts by LSOA stored for the given force-months (one row per force-month and
     * partnership): what re-importing those force-months would replace. An import reads it before it decides whose
     * LSOA counts to keep, so that none is dropped without its saying so.
     */
    async lsoaPartnershipsOf(
      forceMonths: readonly { readonly policeForce: string; readonly month: string }[],
    ): Promise<{ policeForce: string; month: string; partnershipCode: string }[]> {
      const byMonth = new Map<string, string[]>()
      for (const fm of forceMonths) byMonth.set(fm.month, [...(byMonth.get(fm.month) ?? []), fm.policeForce])
      const found: { policeForce: string; month: string; partnershipCode: string }[] = []
      // A month at a time: the table's key starts with the month.
      for (const [month, forces] of [...byMonth].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        const rows = await db
          .selectFrom('crime_lsoa_counts')
          .select(['police_force', 'partnership_code'])
          .distinct()
          .where('month', '=', month)
          .where('police_force', 'in', nonEmpty(forces))
          .orderBy('police_force')
          .orderBy('partnership_code')
          .execute()
        for (const r of rows) found.push({ policeForce: r.police_force, month, partnershipCode: r.partnership_code })
      }
      return found
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
