import { sql, type Kysely } from 'kysely'
import { dialectOf } from '../database.ts'
import { columnTypes, createTable, withId } from '../schema-builder.ts'

/**
 * Reference data for comparing partnerships (see src/crime/reference/ and src/crime/peer-groups/):
 * - `crime_reference_imports`: one row per file imported (ONS tables, an extract, population estimates), with
 *   its SHA-256, so that any figure can be traced to the file it came from;
 * - `recorded_crime_areas` / `recorded_crime_counts`: police recorded crime by area and offence group for a year
 *   (ONS tables C2/C5, or an extract); a later publication of the same year replaces the earlier one;
 * - `population_estimates` / `district_areas`: ONS mid-year estimates by district, and district areas;
 * - `peer_groups` / `peer_group_members`: a partnership's most similar group, with its source and date.
 * Counts may be negative (ONS note 3: transfers and cancellations), so they carry no `>= 0` check.
 */

const AREA_KINDS = ['partnership', 'force', 'unassigned', 'force-level']
const DATASETS = ['ons-pfa-tables', 'third-party-extract']
const PEER_GROUP_METHODS = ['imported', 'entered', 'proposed']

const oneOf = (column: string, values: readonly string[]) =>
  sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`

/** `YYYY-MM` on both dialects. */
function monthPattern(db: Kysely<unknown>, column: string) {
  return dialectOf(db) === 'postgres'
    ? sql`${sql.ref(column)} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`
    : sql`(${sql.ref(column)} glob '[0-9][0-9][0-9][0-9]-0[1-9]' or ${sql.ref(column)} glob '[0-9][0-9][0-9][0-9]-1[0-2]')`
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)

  await withId(db, createTable(db, 'crime_reference_imports'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('imported_by', 'text', (c) => c.notNull())
    .addColumn('rows_stored', 'integer', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull())
    .addCheckConstraint('crime_reference_imports_kind', oneOf('kind', ['recorded-crime', 'population', 'peer-group']))
    .addCheckConstraint('crime_reference_imports_rows', sql`rows_stored >= 0`)
    .execute()

  await createTable(db, 'recorded_crime_areas')
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('year_ending', 'text', (c) => c.notNull())
    .addColumn('area_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('partnership_code', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('force_code', 'text', (c) => c.notNull())
    .addColumn('population', 'integer')
    .addColumn('population_note', 'text')
    .addColumn('source_row', 'integer', (c) => c.notNull())
    .addColumn('import_id', 'integer', (c) => c.notNull().references('crime_reference_imports.id'))
    .addPrimaryKeyConstraint('recorded_crime_areas_pk', ['dataset', 'year_ending', 'area_key'])
    .addCheckConstraint('recorded_crime_areas_kind', oneOf('kind', AREA_KINDS))
    .addCheckConstraint('recorded_crime_areas_dataset', oneOf('dataset', DATASETS))
    .addCheckConstraint('recorded_crime_areas_year', monthPattern(db, 'year_ending'))
    .addCheckConstraint(
      'recorded_crime_areas_partnership',
      sql`(kind = 'partnership') = (partnership_code is not null)`,
    )
    .addCheckConstraint('recorded_crime_areas_population', sql`population is null or population > 0`)
    .execute()
  await db.schema
    .createIndex('recorded_crime_areas_partnership_idx')
    .on('recorded_crime_areas')
    .columns(['partnership_code', 'year_ending'])
    .execute()

  await createTable(db, 'recorded_crime_counts')
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('year_ending', 'text', (c) => c.notNull())
    .addColumn('area_key', 'text', (c) => c.notNull())
    .addColumn('offence_group', 'text', (c) => c.notNull())
    // NULL: the table has no figure ("[x]"); never stored as 0.
    .addColumn('offences', 'integer')
    .addPrimaryKeyConstraint('recorded_crime_counts_pk', ['dataset', 'year_ending', 'area_key', 'offence_group'])
    .addForeignKeyConstraint(
      'recorded_crime_counts_area',
      ['dataset', 'year_ending', 'area_key'],
      'recorded_crime_areas',
      ['dataset', 'year_ending', 'area_key'],
      (c) => c.onDelete('cascade'),
    )
    .execute()

  await createTable(db, 'population_estimates')
    .addColumn('district_code', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('district_name', 'text', (c) => c.notNull())
    .addColumn('population', 'integer', (c) => c.notNull())
    .addColumn('median_age', t.real)
    .addColumn('import_id', 'integer', (c) => c.notNull().references('crime_reference_imports.id'))
    .addPrimaryKeyConstraint('population_estimates_pk', ['district_code', 'year'])
    .addCheckConstraint('population_estimates_population', sql`population > 0`)
    .addCheckConstraint('population_estimates_year', sql`year >= 1900 and year <= 2199`)
    .addCheckConstraint(
      'population_estimates_median_age',
      sql`median_age is null or (median_age > 0 and median_age < 120)`,
    )
    .execute()

  await createTable(db, 'district_areas')
    .addColumn('district_code', 'text', (c) => c.primaryKey())
    .addColumn('district_name', 'text', (c) => c.notNull())
    .addColumn('area_sq_km', t.real, (c) => c.notNull())
    .addColumn('import_id', 'integer', (c) => c.notNull().references('crime_reference_imports.id'))
    .addCheckConstraint('district_areas_area', sql`area_sq_km > 0 and area_sq_km < 1e7`)
    .execute()

  await withId(db, createTable(db, 'peer_groups'))
    .addColumn('partnership_code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('method_note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('peer_groups_name', ['partnership_code', 'name'])
    .addCheckConstraint('peer_groups_method', oneOf('method', PEER_GROUP_METHODS))
    .execute()

  await createTable(db, 'peer_group_members')
    .addColumn('peer_group_id', 'integer', (c) => c.notNull().references('peer_groups.id').onDelete('cascade'))
    .addColumn('member_code', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('distance', t.real)
    .addPrimaryKeyConstraint('peer_group_members_pk', ['peer_group_id', 'member_code'])
    .addCheckConstraint('peer_group_members_distance', sql`distance is null or (distance >= 0 and distance <= 1e308)`)
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'peer_group_members',
    'peer_groups',
    'district_areas',
    'population_estimates',
    'recorded_crime_counts',
    'recorded_crime_areas',
    'crime_reference_imports',
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
