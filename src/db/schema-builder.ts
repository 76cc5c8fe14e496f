import { sql, type CreateTableBuilder, type Kysely } from 'kysely'
import { dialectOf } from './database.ts'

/**
 * Helpers so that one migration serves SQLite and PostgreSQL alike:
 * - every SQLite table is STRICT (a plain INTEGER column accepted 'NaN' and '12abc' in our measurements);
 * - `real` means a 64-bit float on both (PostgreSQL's own `real` is only 32-bit);
 * - identity columns are plain 32-bit integers on both, so both drivers return numbers.
 * Times are stored as ISO 8601 UTC text, booleans as integers 0/1, on both.
 */
export function createTable(db: Kysely<unknown>, name: string): CreateTableBuilder<string, never> {
  const builder = db.schema.createTable(name)
  return dialectOf(db) === 'sqlite' ? builder.modifyEnd(sql`strict`) : builder
}

export function columnTypes(db: Kysely<unknown>) {
  const sqlite = dialectOf(db) === 'sqlite'
  return {
    real: sqlite ? ('real' as const) : ('double precision' as const),
    /** An auto-numbered primary key: use with `.addColumn('id', t.id, (c) => t.idColumn(c))`. */
    id: sqlite ? ('integer' as const) : ('serial' as const),
  }
}

/** Adds an auto-numbered integer primary key called `id`. */
export function withId<T extends string>(db: Kysely<unknown>, builder: CreateTableBuilder<T, never>) {
  return dialectOf(db) === 'sqlite'
    ? builder.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    : builder.addColumn('id', 'serial', (c) => c.primaryKey())
}
