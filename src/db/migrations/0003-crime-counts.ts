import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'

/**
 * One integer column per data.police.uk crime type, in the order of src/crime/ingest/crime-types.ts (listed here, not
 * imported, so that this migration stays as it ran). A count row is one partnership's (or LSOA's) month from one
 * force's file, across the crime types: 4.4 times fewer rows than a row per crime type on Gwent's real months (2.5 on
 * the benchmark's national year, whose rows outside a force's own area are spread more thinly).
 */
const CRIME_TYPE_COLUMNS = [
  'anti_social_behaviour',
  'bicycle_theft',
  'burglary',
  'criminal_damage_and_arson',
  'drugs',
  'other_crime',
  'other_theft',
  'possession_of_weapons',
  'public_order',
  'robbery',
  'shoplifting',
  'theft_from_the_person',
  'vehicle_crime',
  'violence_and_sexual_offences',
  'public_disorder_and_weapons',
] as const

/**
 * Police recorded crime from data.police.uk street-level files, counted (types in src/crime/crime-repository.ts).
 *
 * Every count carries the force whose file it came from, because a file counts crimes where they happened: a Gwent
 * file has rows in Cardiff, which South Wales' file counts too. Re-importing a force's month then replaces exactly
 * what that file gave, and the force's "own partnerships only" figure is still a filter away.
 */
export const crimeCountsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    // Count tables are keyed by their primary key alone: on SQLite that is a WITHOUT ROWID table (one B-tree
    // instead of a rowid table plus a key index), which halves what a national year's import writes.
    const keyedTable = (name: string) => {
      const builder = createTable(db, name)
      return dialectOf(db) === 'sqlite' ? builder.modifyEnd(sql`, without rowid`) : builder
    }
    /** The crime-type columns (never negative, and not all zero) added to a count table. */
    const withCrimeTypes = <T extends string>(builder: CreateTableBuilder<T, never>, table: string) => {
      let withColumns = builder
      for (const column of CRIME_TYPE_COLUMNS) {
        withColumns = withColumns.addColumn(column, 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`${sql.ref(column)} >= 0`),
        )
      }
      return withColumns.addCheckConstraint(
        `${table}_not_empty`,
        sql`${sql.join(
          CRIME_TYPE_COLUMNS.map((column) => sql.ref(column)),
          sql` + `,
        )} > 0`,
      )
    }

    await withId(db, createTable(db, 'crime_import_runs'))
      .addColumn('imported_at', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('files', 'integer', (c) => c.notNull())
      .addColumn('bytes_read', 'integer', (c) => c.notNull())
      .addColumn('rows_read', 'integer', (c) => c.notNull())
      .addColumn('force_months', 'integer', (c) => c.notNull())
      .addColumn('served_partnerships', 'text', (c) => c.notNull())
      .execute()

    // One row per force-month loaded: where it came from and what could not be counted for a partnership.
    await keyedTable('crime_force_months')
      .addColumn('police_force', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('import_run_id', 'integer', (c) => c.notNull().references('crime_import_runs.id'))
      .addColumn('source_file', 'text', (c) => c.notNull())
      .addColumn('falls_within', 'text', (c) => c.notNull())
      .addColumn('rows_read', 'integer', (c) => c.notNull())
      .addColumn('rows_without_location', 'integer', (c) => c.notNull())
      .addColumn('rows_outside_force', 'integer', (c) => c.notNull())
      .addColumn('rows_unmapped', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('crime_force_months_pk', ['police_force', 'month'])
      .addCheckConstraint('crime_force_months_month_format', sql`month like '____-__'`)
      .addCheckConstraint(
        'crime_force_months_rows_add_up',
        sql`rows_without_location >= 0 and rows_outside_force >= 0 and rows_unmapped >= 0
            and rows_without_location + rows_unmapped <= rows_read and rows_outside_force <= rows_read`,
      )
      .execute()

    await withCrimeTypes(
      keyedTable('crime_partnership_counts')
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('police_force', 'text', (c) => c.notNull())
        .addColumn('partnership_code', 'text', (c) => c.notNull())
        // Month first: an import replaces a force's months, and reports ask for ranges of months. No other index:
        // a national year is 10,000 to 50,000 rows, and a second B-tree doubled what an import writes.
        .addPrimaryKeyConstraint('crime_partnership_counts_pk', ['month', 'police_force', 'partnership_code']),
      'crime_partnership_counts',
    ).execute()

    // Kept for the partnerships an instance serves (SAFERHUB_SERVED_PARTNERSHIPS): for maps and ward views.
    await withCrimeTypes(
      keyedTable('crime_lsoa_counts')
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('police_force', 'text', (c) => c.notNull())
        .addColumn('lsoa_code', 'text', (c) => c.notNull())
        .addColumn('partnership_code', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('crime_lsoa_counts_pk', ['month', 'police_force', 'lsoa_code']),
      'crime_lsoa_counts',
    ).execute()
    await db.schema
      .createIndex('crime_lsoa_counts_by_partnership')
      .on('crime_lsoa_counts')
      .columns(['partnership_code', 'month'])
      .execute()

    // LSOAs a file named that the lookups could not place in a single partnership, with the reason.
    await keyedTable('crime_unmapped_lsoas')
      .addColumn('police_force', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('lsoa_code', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('rows', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('crime_unmapped_lsoas_pk', ['police_force', 'month', 'lsoa_code'])
      .addCheckConstraint(
        'crime_unmapped_lsoas_reason_known',
        sql`reason in ('not-in-lookup', 'district-without-partnership', 'district-shared')`,
      )
      .execute()
  },

  async down(db: Kysely<unknown>) {
    for (const table of [
      'crime_unmapped_lsoas',
      'crime_lsoa_counts',
      'crime_partnership_counts',
      'crime_force_months',
      'crime_import_runs',
    ]) {
      await db.schema.dropTable(table).execute()
    }
  },
}
