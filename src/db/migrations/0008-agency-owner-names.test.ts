import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Migrator, type Migration } from 'kysely'
import { createAuditRepository } from '../../audit/audit-repository.ts'
import { withAuditedTransaction } from '../../audit/audited-transaction.ts'
import type { Database } from '../database.ts'
import { openEmptyTestDatabase, testDialects, type EmptyTestDatabase } from '../../../test/support/databases.ts'
import { migrations } from './index.ts'
import { OWNER_NAMES_MIGRATION_ACTOR } from './0008-agency-owner-names.ts'

/*
 * Migration 0008 on a database that was in use before it: the agencies there get, as stored owner names, exactly
 * the names the code matched them by until then (the default agencies' lists, and each agency's own name), with an
 * audit event each, and the audit chain still verifies.
 */

function migrator(database: Database): Migrator {
  return new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations as Record<string, Migration> },
  })
}

async function migrateTo(database: Database, name: string): Promise<void> {
  const { error, results } = await migrator(database).migrateTo(name)
  assert.equal(error, undefined, String(error))
  assert.ok(results?.every((r) => r.status === 'Success'))
}

for (const dialect of testDialects()) {
  describe(`migration 0008: agencies' owner names (${dialect})`, () => {
    let database: EmptyTestDatabase
    beforeEach(async () => {
      database = await openEmptyTestDatabase(dialect)
      await migrateTo(database, '0007-api')
    })
    afterEach(() => database.close())

    it('an empty database gets the table and no names (first start adds the default agencies with theirs)', async () => {
      await migrateTo(database, '0008-agency-owner-names')
      assert.deepEqual(await database.db.selectFrom('agency_owner_names').selectAll().execute(), [])
      assert.equal(await createAuditRepository(database).count(), 0)
    })

    it('gives existing agencies the names the code matched them by, audited, and the chain still verifies', async () => {
      const at = '2018-01-01T00:00:00.000Z'
      const audit = createAuditRepository(database)
      const ids: Record<string, number> = {}
      // As the code before 0008 made them: each agency audited as it was added.
      await withAuditedTransaction(database, async (trx) => {
        for (const [code, name] of [
          ['WMP', 'West Midlands Police'],
          ['SWP', 'Safer Wolverhampton Partnership (analyst and community safety team)'],
          ['NPS', 'National Probation Service'],
          // Added later with the name of something SWP was already matched by: SWP keeps it (it came first).
          ['CS', 'Community  Safety'],
        ] as const) {
          const row = await trx
            .insertInto('agencies')
            .values({ code, name, created_at: at })
            .returning('id')
            .executeTakeFirstOrThrow()
          ids[code] = row.id
          await audit.append(trx, {
            actor: 'first-start',
            action: 'create',
            entityType: 'agency',
            entityKey: String(row.id),
            before: null,
            after: { id: row.id, code, name },
          })
        }
      })

      await migrateTo(database, '0008-agency-owner-names')

      const rows = await database.db
        .selectFrom('agency_owner_names')
        .select(['agency_id', 'name', 'name_key'])
        .orderBy('id')
        .execute()
      const namesOf = (code: string) => rows.filter((r) => r.agency_id === ids[code]).map((r) => r.name)
      assert.deepEqual(namesOf('WMP'), ['WMP', 'WMP Analyst', 'West Midlands Police'])
      assert.deepEqual(namesOf('SWP'), [
        'SWP',
        'SWP Analyst',
        'Community Safety',
        'Safer Wolverhampton Partnership (analyst and community safety team)',
      ])
      assert.deepEqual(namesOf('NPS'), ['National Probation Service'])
      assert.deepEqual(namesOf('CS'), [])
      assert.deepEqual(
        rows.filter((r) => r.name === 'WMP Analyst').map((r) => r.name_key),
        ['wmp analyst'],
      )

      const events = await audit.list({ actor: OWNER_NAMES_MIGRATION_ACTOR })
      assert.deepEqual(
        events.map((e) => e.entityKey),
        [ids.WMP, ids.SWP, ids.NPS].map(String),
      )
      assert.deepEqual(JSON.parse(events[2]?.before ?? 'null'), {
        id: ids.NPS,
        code: 'NPS',
        name: 'National Probation Service',
        ownerNames: [],
      })
      assert.deepEqual(JSON.parse(events[2]?.after ?? 'null'), {
        id: ids.NPS,
        code: 'NPS',
        name: 'National Probation Service',
        ownerNames: ['National Probation Service'],
      })
      assert.equal((await audit.verify()).ok, true)

      // Committed: another connection sees the names (the migration left no transaction open).
      const other = database.reopen()
      try {
        const seen = await other.db.selectFrom('agency_owner_names').select('name').execute()
        assert.equal(seen.length, 8)
      } finally {
        await other.close()
      }

      // The rest of the migrations still run after it, and the database takes ordinary writes.
      const { error } = await migrator(database).migrateToLatest()
      assert.equal(error, undefined, String(error))
      await database.db
        .insertInto('agency_owner_names')
        .values({ agency_id: ids.CS as number, name: 'CS team', name_key: 'cs team' })
        .execute()
      assert.equal((await database.db.selectFrom('agency_owner_names').selectAll().execute()).length, 9)
    })
  })
}
