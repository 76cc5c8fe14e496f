import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { columnTypes, createTable } from '../schema-builder.ts'

/**
 * Return items carry their own period (src/domain/due-periods.ts): a quarter's return holds a quarterly KPI's
 * quarter, a monthly KPI's three months, the two-month periods that end in the quarter, and in Q4 an annual KPI's
 * year. `return_items` gains a `period` column and its key becomes (return_id, indicator_id, period).
 *
 * Neither SQLite nor PostgreSQL-in-common can change a primary key in place, so the table is rebuilt: a new table,
 * the old rows copied with their return's own quarter as their period (every item before this migration was a
 * quarterly KPI's figure for the return's quarter), the old table dropped and the new one renamed. Nothing
 * references `return_items`, so no foreign key has to be moved. The migration runs in one transaction.
 */
const oneOf = (column: string, values: readonly string[]) =>
  sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`

/** The period identifiers src/domain/period.ts writes: a year, quarter, two-month period, or calendar month. */
function periodShape(db: Kysely<unknown>) {
  if (dialectOf(db) === 'postgres') {
    return sql`period ~ '^(FY[0-9]{4}-[0-9]{2}(-Q[1-4]|-B[1-6])?|[0-9]{4}-(0[1-9]|1[0-2]))$'`
  }
  const fy = 'FY[0-9][0-9][0-9][0-9]-[0-9][0-9]'
  return sql`(period glob ${sql.lit(fy)} or period glob ${sql.lit(`${fy}-Q[1-4]`)} or period glob ${sql.lit(`${fy}-B[1-6]`)} or period glob '[0-9][0-9][0-9][0-9]-0[1-9]' or period glob '[0-9][0-9][0-9][0-9]-1[0-2]')`
}

const STATUSES = ['reported', 'not-yet-available', 'not-collected', 'not-applicable', 'suppressed']

const COPIED = [
  'return_id',
  'indicator_id',
  'status',
  'value',
  'numerator',
  'denominator',
  'percent',
  'text',
  'reason',
  'commentary',
  'warning',
  'warning_confirmed_by',
  'warning_confirmed_at',
] as const

async function rebuild(
  db: Kysely<unknown>,
  withPeriod: boolean,
  copy: (into: string) => Promise<unknown>,
): Promise<void> {
  const t = columnTypes(db)
  // Typed loosely: the period column is there in one direction only.
  let table: CreateTableBuilder<string, string> = createTable(db, 'return_items_rebuilt')
    .addColumn('return_id', 'integer', (c) => c.notNull().references('agency_returns.id'))
    .addColumn('indicator_id', 'text', (c) => c.notNull().references('indicators.id'))
  if (withPeriod) table = table.addColumn('period', 'text', (c) => c.notNull())
  table = table
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('value', t.real)
    .addColumn('numerator', t.real)
    .addColumn('denominator', t.real)
    .addColumn('percent', t.real)
    .addColumn('text', 'text')
    .addColumn('reason', 'text')
    .addColumn('commentary', 'text')
    .addColumn('warning', 'text')
    .addColumn('warning_confirmed_by', 'text')
    .addColumn('warning_confirmed_at', 'text')
    // The key's name differs from the table being replaced: PostgreSQL names a key's index after it, once per schema.
    .addPrimaryKeyConstraint(
      withPeriod ? 'return_items_period_key' : 'return_items_key',
      withPeriod ? ['return_id', 'indicator_id', 'period'] : ['return_id', 'indicator_id'],
    )
    .addCheckConstraint('return_items_status_known', oneOf('status', STATUSES))
  if (withPeriod) table = table.addCheckConstraint('return_items_period_shape', periodShape(db))
  await table.execute()
  await copy('return_items_rebuilt')
  await db.schema.dropTable('return_items').execute()
  await db.schema.alterTable('return_items_rebuilt').renameTo('return_items').execute()
}

export const returnItemPeriodsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await rebuild(db, true, (into) =>
      sql`insert into ${sql.table(into)} (${sql.join(COPIED.map((c) => sql.ref(c)))}, period)
        select ${sql.join(COPIED.map((c) => sql.ref(`i.${c}`)))}, r.period
        from return_items i join agency_returns r on r.id = i.return_id`.execute(db),
    )
  },

  /** Back to one item per KPI per return: keeps each return's figure for its own quarter, drops the others. */
  async down(db: Kysely<unknown>) {
    await rebuild(db, false, (into) =>
      sql`insert into ${sql.table(into)} (${sql.join(COPIED.map((c) => sql.ref(c)))})
        select ${sql.join(COPIED.map((c) => sql.ref(`i.${c}`)))}
        from return_items i join agency_returns r on r.id = i.return_id and r.period = i.period`.execute(db),
    )
  },
}
