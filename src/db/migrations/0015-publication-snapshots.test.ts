import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Migrator, sql, type Kysely, type Migration } from 'kysely'
import type { Database } from '../database.ts'
import { openEmptyTestDatabase, testDialects } from '../../../test/support/databases.ts'
import { migrations } from './index.ts'

const THIS = '0015-publication-snapshots'

/** Runs the given migrations up to the latest (Kysely orders them by name). */
async function migrate(database: Database, set: Record<string, Migration>): Promise<void> {
  const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => set } })
  const { error } = await migrator.migrateToLatest()
  if (error) throw error
}

/** Untyped: the tables as this migration sees them, not as the application's schema types say. */
const raw = (database: Database) => database.db as unknown as Kysely<Record<string, Record<string, unknown>>>

for (const dialect of testDialects()) {
  describe(`migration ${THIS}: approvals kept as the first round; snapshots per round (${dialect})`, () => {
    let database: Database
    const at = '2018-06-01T09:00:00.000Z'
    const approval = (fields: Record<string, unknown>) => ({
      partnership_id: 1,
      year: 'FY2017-18',
      user_id: null,
      approved_at: at,
      ...fields,
    })

    before(async () => {
      database = await openEmptyTestDatabase(dialect)
      // The schema as it was before this migration: a published year (two approvals) of one partnership.
      await migrate(database, Object.fromEntries(Object.entries(migrations).filter(([name]) => name < THIS)))
      await raw(database)
        .insertInto('partnerships')
        .values({
          slug: 'northshire',
          name: 'Northshire',
          ons_code: null,
          nation: 'england',
          disclosure_minimum: null,
          returns_due_days: null,
          two_step_policy: null,
          audit_legacy_through: null,
          created_at: at,
          created_by: 'test',
          updated_at: at,
        })
        .execute()
      await raw(database)
        .insertInto('report_approvals')
        .values([
          approval({ kind: 'publish', actor: 'analyst@x.org' }),
          approval({ kind: 'sign-off', actor: 'board@x.org' }),
        ])
        .execute()
      await migrate(database, migrations)
    })
    after(async () => {
      await database.close()
    })

    it('keeps every approval, with its id, as round 1 without a reason', async () => {
      const rows = await raw(database)
        .selectFrom('report_approvals')
        .select(['id', 'kind', 'actor', 'round', 'reason', 'partnership_id'])
        .orderBy('id')
        .execute()
      assert.deepEqual(rows, [
        { id: 1, kind: 'publish', actor: 'analyst@x.org', round: 1, reason: null, partnership_id: 1 },
        { id: 2, kind: 'sign-off', actor: 'board@x.org', round: 1, reason: null, partnership_id: 1 },
      ])
      // No snapshot is made here: the service stores the published year's at its first read.
      assert.deepEqual(await raw(database).selectFrom('publication_snapshots').selectAll().execute(), [])
    })

    it('counts one person’s approval once per round: again in round 2, not twice in round 1', async () => {
      await raw(database)
        .insertInto('report_approvals')
        .values(approval({ kind: 'publish', actor: 'analyst@x.org', round: 2, reason: 'Q4 received' }))
        .execute()
      await assert.rejects(
        raw(database)
          .insertInto('report_approvals')
          .values(approval({ kind: 'publish', actor: 'analyst@x.org', round: 1 }))
          .execute(),
      )
      // New rows get ids after the kept ones.
      const ids = await raw(database).selectFrom('report_approvals').select('id').orderBy('id').execute()
      assert.deepEqual(
        ids.map((r) => r.id),
        [1, 2, 3],
      )
    })

    it('stores one snapshot per round, and an amendment only with its reason', async () => {
      const snapshot = (round: number, reason: string | null) => ({
        partnership_id: 1,
        year: 'FY2017-18',
        round,
        published_at: at,
        taken_at: at,
        report: '{}',
        approvals: '[]',
        reason,
        changes: '[]',
      })
      await raw(database).insertInto('publication_snapshots').values(snapshot(1, null)).execute()
      await assert.rejects(raw(database).insertInto('publication_snapshots').values(snapshot(1, null)).execute())
      await assert.rejects(raw(database).insertInto('publication_snapshots').values(snapshot(2, null)).execute())
      await assert.rejects(raw(database).insertInto('publication_snapshots').values(snapshot(1, 'why')).execute())
      await raw(database).insertInto('publication_snapshots').values(snapshot(2, 'Q4 received')).execute()
      const { rows } = await sql<{ n: number }>`select count(*) as n from publication_snapshots`.execute(database.db)
      assert.equal(Number(rows[0]?.n), 2)
    })
  })
}
