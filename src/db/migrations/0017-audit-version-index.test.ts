import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Migrator, sql } from 'kysely'
import type { Database } from '../database.ts'
import { openEmptyTestDatabase, testDialects } from '../../../test/support/databases.ts'
import { migrations } from './index.ts'

const THIS = '0017-audit-version-index'

/** The names of the indexes on audit_events, as the database lists them. */
async function auditIndexes(database: Database): Promise<string[]> {
  const rows =
    database.dialect === 'sqlite'
      ? await sql<{
          name: string
        }>`select name from sqlite_master where type = 'index' and tbl_name = 'audit_events' and sql is not null`.execute(
          database.db,
        )
      : await sql<{
          name: string
        }>`select indexname as name from pg_indexes where tablename = 'audit_events' and schemaname = current_schema()`.execute(
          database.db,
        )
  return rows.rows.map((r) => r.name).sort()
}

for (const dialect of testDialects()) {
  describe(`migration ${THIS}: a partnership's data version read from the index alone (${dialect})`, () => {
    let database: Database
    let migrator: Migrator
    before(async () => {
      database = await openEmptyTestDatabase(dialect)
      migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => migrations } })
      const { error } = await migrator.migrateTo(THIS)
      if (error) throw error
    })
    after(() => database.close())

    it('replaces (partnership_id, id) by (partnership_id, id, entity_type), and back down', async () => {
      let indexes = await auditIndexes(database)
      assert.ok(indexes.includes('audit_events_by_partnership_kind'), indexes.join(', '))
      assert.ok(!indexes.includes('audit_events_by_partnership'), indexes.join(', '))
      if (dialect === 'sqlite') {
        // The version stamp's query as latestId sends it: the index covers it, so no row is read.
        const plan = await sql<{ detail: string }>`explain query plan select "id" from "audit_events"
          where "audit_events"."partnership_id" = ${1} and "entity_type" not in (${'user'}) order by "id" desc limit ${1}`.execute(
          database.db,
        )
        assert.match(plan.rows.map((r) => r.detail).join('; '), /USING COVERING INDEX audit_events_by_partnership_kind/)
      }
      const { error } = await migrator.migrateDown()
      if (error) throw error
      indexes = await auditIndexes(database)
      assert.ok(indexes.includes('audit_events_by_partnership'), indexes.join(', '))
      assert.ok(!indexes.includes('audit_events_by_partnership_kind'), indexes.join(', '))
    })
  })
}
