import { sql, type Kysely, type Migration } from 'kysely'

/**
 * A partnership's data version (the newest of its audit events that is not a sign-in, read on every view of the
 * dashboard and the KPI page: `latestId` in src/audit/audit-repository.ts) read from the index alone. Along
 * `(partnership_id, id)` each candidate's row had to be read for its `entity_type`; with the kind in the index the
 * table is not touched (SQLite: "USING COVERING INDEX"; PostgreSQL: an index-only scan). It replaces the index of
 * migration 0013, of which it is an extension: every query that used that one can use this.
 */
export const auditVersionIndexMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create index "audit_events_by_partnership_kind" on "audit_events" ("partnership_id", "id", "entity_type")`.execute(
      db,
    )
    await sql`drop index "audit_events_by_partnership"`.execute(db)
  },
  async down(db: Kysely<unknown>) {
    await sql`create index "audit_events_by_partnership" on "audit_events" ("partnership_id", "id")`.execute(db)
    await sql`drop index "audit_events_by_partnership_kind"`.execute(db)
  },
}
