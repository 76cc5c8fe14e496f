import { sql, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'

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

    await keyedTable('crime_partnership_counts')
      .addColumn('police_force', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('partnership_code', 'text', (c) => c.notNull())
      .addColumn('crime_type', 'text', (c) => c.notNull())
      .addColumn('crimes', 'integer', (c) => c.notNull())
      // Month first: an import replaces whole months (a force's), and reports ask for ranges of months. No other
      // index: a year is about 100,000 rows, and a second B-tree doubled what an import writes.
      .addPrimaryKeyConstraint('crime_partnership_counts_pk', [
        'month',
        'partnership_code',
        'police_force',
        'crime_type',
      ])
      .addCheckConstraint('crime_partnership_counts_positive', sql`crimes > 0`)
      .execute()

    // Kept for the partnerships an instance serves (SAFERHUB_SERVED_PARTNERSHIPS): for maps and ward views.
    await keyedTable('crime_lsoa_counts')
      .addColumn('police_force', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('lsoa_code', 'text', (c) => c.notNull())
      .addColumn('partnership_code', 'text', (c) => c.notNull())
      .addColumn('crime_type', 'text', (c) => c.notNull())
      .addColumn('crimes', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('crime_lsoa_counts_pk', ['month', 'lsoa_code', 'police_force', 'crime_type'])
      .addCheckConstraint('crime_lsoa_counts_positive', sql`crimes > 0`)
      .execute()
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
