import { sql, type Kysely, type RawBuilder } from 'kysely'
import { dialectOf } from '../database.ts'
import { columnTypes, createTable, withId } from '../schema-builder.ts'

/**
 * The KPI performance framework (indicators, baselines, values per period), the record of imports, and the
 * append-only audit trail.
 *
 * The database checks what it can itself, so that no path around the application (a script, a console, a
 * later feature) can store what the import would refuse: enumerations, counts ≥ 0, numerator ≤ denominator,
 * no NaN or Infinity (PostgreSQL's double precision accepts both; SQLite's STRICT tables refuse text such
 * as 'NaN' and '12abc'), and "missing is never zero": a value that is not `reported` carries no numbers.
 * Room is left for what the web application will need (a version per value for optimistic concurrency, the
 * data owner per indicator for per-agency returns) without building it here.
 */

const MEASURE_TYPES = ['count', 'proportion', 'count-with-share', 'stock', 'rate', 'text']
const DIRECTIONS = ['increase', 'reduce', 'none']
const CADENCES = ['monthly', 'bi-monthly', 'quarterly', 'annual']
const STATUSES = ['reported', 'not-yet-available', 'not-collected', 'not-applicable', 'suppressed']

/** `column in ('a', 'b')`; the lists are constants of this file, never input. */
function oneOf(column: string, values: readonly string[]): RawBuilder<unknown> {
  return sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`
}

/**
 * A finite number at least `minimum`. NULL passes (CHECK treats unknown as true). On PostgreSQL NaN sorts
 * above every number and Infinity is above 1e308, so the upper bound refuses both; SQLite stores NaN as NULL.
 */
function finite(column: string, minimum: number | null = 0): RawBuilder<unknown> {
  const ref = sql.ref(column)
  return minimum === null
    ? sql`${ref} >= -1e308 and ${ref} <= 1e308`
    : sql`${ref} >= ${sql.lit(minimum)} and ${ref} <= 1e308`
}

/** Period identifiers in the shapes `src/domain/period.ts` writes (checked exactly, case-sensitively). */
function periodPattern(db: Kysely<unknown>, column: string, kinds: 'year' | 'any'): RawBuilder<unknown> {
  const ref = sql.ref(column)
  if (dialectOf(db) === 'postgres') {
    return kinds === 'year'
      ? sql`${ref} ~ '^FY[0-9]{4}-[0-9]{2}$'`
      : sql`${ref} ~ '^(FY[0-9]{4}-[0-9]{2}(-Q[1-4]|-B[1-6])?|[0-9]{4}-(0[1-9]|1[0-2]))$'`
  }
  const fy = 'FY[0-9][0-9][0-9][0-9]-[0-9][0-9]'
  if (kinds === 'year') return sql`${ref} glob ${sql.lit(fy)}`
  return sql`(${ref} glob ${sql.lit(fy)} or ${ref} glob ${sql.lit(`${fy}-Q[1-4]`)} or ${ref} glob ${sql.lit(
    `${fy}-B[1-6]`,
  )} or ${ref} glob '[0-9][0-9][0-9][0-9]-0[1-9]' or ${ref} glob '[0-9][0-9][0-9][0-9]-1[0-2]')`
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  const postgres = dialectOf(db) === 'postgres'

  await createTable(db, 'indicators')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('position', 'integer', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('theme', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('data_owner', 'text', (c) => c.notNull())
    .addColumn('cadence', 'text', (c) => c.notNull())
    .addColumn('measure_type', 'text', (c) => c.notNull())
    .addColumn('preferred_direction', 'text', (c) => c.notNull())
    .addColumn('hidden_harm', 'integer', (c) => c.notNull())
    .addColumn('rate_per', t.real)
    .addColumn('stock_aggregation', 'text')
    .addColumn('unit', 'text')
    .addColumn('share_label', 'text')
    .addColumn('target_kind', 'text')
    .addColumn('target_value', t.real)
    .addColumn('target_comparison', 'text')
    .addColumn('target_percent', t.real)
    .addColumn('target_reference_year', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addCheckConstraint('indicators_id_format', sql`length(id) between 1 and 100`)
    .addCheckConstraint('indicators_position', sql`position >= 1`)
    .addCheckConstraint('indicators_cadence', oneOf('cadence', CADENCES))
    .addCheckConstraint('indicators_measure_type', oneOf('measure_type', MEASURE_TYPES))
    .addCheckConstraint('indicators_preferred_direction', oneOf('preferred_direction', DIRECTIONS))
    .addCheckConstraint('indicators_hidden_harm', sql`hidden_harm in (0, 1)`)
    .addCheckConstraint('indicators_rate_per', sql`rate_per > 0 and ${finite('rate_per')}`)
    .addCheckConstraint('indicators_stock_aggregation', oneOf('stock_aggregation', ['latest', 'average']))
    .addCheckConstraint(
      'indicators_target',
      sql`(target_kind is null and target_value is null and target_comparison is null
            and target_percent is null and target_reference_year is null)
        or (target_kind = 'absolute' and target_value is not null and target_comparison is not null
            and target_percent is null and target_reference_year is null)
        or (target_kind = 'relative' and target_percent is not null and target_reference_year is not null
            and target_value is null and target_comparison is null)`,
    )
    .addCheckConstraint('indicators_target_value', finite('target_value', null))
    .addCheckConstraint('indicators_target_comparison', oneOf('target_comparison', ['at-most', 'at-least']))
    .addCheckConstraint('indicators_target_percent', finite('target_percent'))
    .addCheckConstraint('indicators_target_reference_year', periodPattern(db, 'target_reference_year', 'year'))
    .execute()

  await withId(db, createTable(db, 'baselines'))
    .addColumn('indicator_id', 'text', (c) => c.notNull().references('indicators.id'))
    .addColumn('year', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('value', t.real, (c) => c.notNull())
    .addColumn('numerator', 'integer')
    .addColumn('denominator', 'integer')
    .addColumn('note', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('baselines_indicator_year', ['indicator_id', 'year'])
    .addCheckConstraint('baselines_year', periodPattern(db, 'year', 'year'))
    .addCheckConstraint('baselines_source', oneOf('source', ['fixed', 'previous-outturn']))
    .addCheckConstraint('baselines_value', finite('value'))
    .addCheckConstraint('baselines_numerator', sql`numerator >= 0`)
    .addCheckConstraint('baselines_denominator', sql`denominator >= 0`)
    .addCheckConstraint('baselines_numerator_within_denominator', sql`numerator <= denominator`)
    .execute()

  await withId(db, createTable(db, 'indicator_values'))
    .addColumn('indicator_id', 'text', (c) => c.notNull().references('indicators.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('value', t.real)
    .addColumn('numerator', 'integer')
    .addColumn('denominator', 'integer')
    .addColumn('percent', t.real)
    .addColumn('text', 'text')
    .addColumn('reason', 'text')
    .addColumn('commentary', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('indicator_values_indicator_period', ['indicator_id', 'period'])
    .addCheckConstraint('indicator_values_period', periodPattern(db, 'period', 'any'))
    .addCheckConstraint('indicator_values_status', oneOf('status', STATUSES))
    .addCheckConstraint('indicator_values_value', finite('value'))
    .addCheckConstraint('indicator_values_numerator', sql`numerator >= 0`)
    .addCheckConstraint('indicator_values_denominator', sql`denominator >= 0`)
    .addCheckConstraint('indicator_values_numerator_within_denominator', sql`numerator <= denominator`)
    .addCheckConstraint('indicator_values_percent', sql`${finite('percent')} and percent <= 100`)
    // Missing is never zero: only a reported value carries numbers or text, and a reported value carries some.
    .addCheckConstraint(
      'indicator_values_missing_has_no_numbers',
      sql`status = 'reported' or (value is null and numerator is null and denominator is null
        and percent is null and text is null)`,
    )
    .addCheckConstraint(
      'indicator_values_reported_has_a_figure',
      sql`status <> 'reported' or value is not null or numerator is not null or percent is not null
        or text is not null`,
    )
    .addCheckConstraint('indicator_values_version', sql`version >= 1`)
    .execute()
  await db.schema.createIndex('indicator_values_by_period').on('indicator_values').column('period').execute()

  await withId(db, createTable(db, 'imports'))
    .addColumn('files', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('rows_read', 'integer', (c) => c.notNull())
    .addColumn('rows_accepted', 'integer', (c) => c.notNull())
    .addColumn('rows_rejected', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addCheckConstraint('imports_sha256', sql`length(sha256) = 64`)
    .addCheckConstraint('imports_counts', sql`rows_accepted >= 0 and rows_rejected >= 0`)
    .addCheckConstraint('imports_counts_reconcile', sql`rows_read = rows_accepted + rows_rejected`)
    .addCheckConstraint('imports_outcome', oneOf('outcome', ['applied', 'rejected']))
    .execute()
  await db.schema.createIndex('imports_by_sha256').on('imports').column('sha256').execute()

  // The audit trail. `id` is assigned by the appender under a lock (previous + 1); UNIQUE on previous_hash
  // makes a fork of the chain impossible even for a writer that skips the lock.
  await createTable(db, 'audit_events')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_key', 'text', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('request_id', 'text')
    .addColumn('import_id', 'integer')
    .addColumn('previous_hash', 'text', (c) => c.notNull().unique())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addCheckConstraint('audit_events_id', sql`id >= 1`)
    .addCheckConstraint('audit_events_hashes', sql`length(previous_hash) = 64 and length(hash) = 64`)
    .execute()
  await db.schema
    .createIndex('audit_events_by_entity')
    .on('audit_events')
    .columns(['entity_type', 'entity_key'])
    .execute()
  await db.schema.createIndex('audit_events_by_import').on('audit_events').column('import_id').execute()

  // Append-only, enforced by the database itself.
  if (postgres) {
    await sql`
      create function audit_events_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_events is append-only: % refused', tg_op;
      end
      $$`.execute(db)
    await sql`create trigger audit_events_no_update_or_delete before update or delete on audit_events
      for each row execute function audit_events_refuse_change()`.execute(db)
    await sql`create trigger audit_events_no_truncate before truncate on audit_events
      for each statement execute function audit_events_refuse_change()`.execute(db)
  } else {
    await sql`create trigger audit_events_no_update before update on audit_events
      begin select raise(abort, 'audit_events is append-only: UPDATE refused'); end`.execute(db)
    await sql`create trigger audit_events_no_delete before delete on audit_events
      begin select raise(abort, 'audit_events is append-only: DELETE refused'); end`.execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_events').execute()
  if (dialectOf(db) === 'postgres') await sql`drop function audit_events_refuse_change()`.execute(db)
  await db.schema.dropTable('imports').execute()
  await db.schema.dropTable('indicator_values').execute()
  await db.schema.dropTable('baselines').execute()
  await db.schema.dropTable('indicators').execute()
}
