import { sql, type Kysely } from 'kysely'
import { createTable, withId } from '../schema-builder.ts'

/**
 * Publication of a year's performance report to the public (src/public/): one row per approval. A year is
 * published once it holds two approvals by two different people, at least one of them a publish approval
 * ('report:publish'); the other may be the board's sign-off ('report:sign-off') or a second publish
 * (ASVS 2.3.5, two-person approval). `demo` is the demo loader's own record for the demo year (actor "demo-data").
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, createTable(db, 'report_approvals'))
    .addColumn('year', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('approved_at', 'text', (c) => c.notNull())
    .addCheckConstraint('report_approvals_kind_known', sql`kind in ('publish', 'sign-off', 'demo')`)
    .addCheckConstraint('report_approvals_year_shape', sql`length(year) = 9 and substr(year, 1, 2) = 'FY'`)
    .addUniqueConstraint('report_approvals_once_per_person', ['year', 'kind', 'actor'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('report_approvals').execute()
}
