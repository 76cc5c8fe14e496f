import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Migrator, sql, type Migration } from 'kysely'
import type { Database } from '../database.ts'
import { openEmptyTestDatabase, testDialects } from '../../../test/support/databases.ts'
import { migrations } from './index.ts'
import { returnItemPeriodsMigration } from './0009-return-item-periods.ts'

const THIS = '0009-return-item-periods'

/** Runs the given migrations up to the latest (Kysely orders them by name). */
async function migrate(database: Database, set: Record<string, Migration>): Promise<void> {
  const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => set } })
  const { error } = await migrator.migrateToLatest()
  if (error) throw error
}

for (const dialect of testDialects()) {
  describe(`migration ${THIS}: a return made before it keeps its figures, under its quarter (${dialect})`, () => {
    let database: Database

    before(async () => {
      database = await openEmptyTestDatabase(dialect)
      // The schema as it was before this migration, holding one return with two KPIs' figures.
      await migrate(database, Object.fromEntries(Object.entries(migrations).filter(([name]) => name < THIS)))
      const { db } = database
      const at = '2018-07-20T09:00:00.000Z'
      const [agency] = await db
        .insertInto('agencies')
        .values({ code: 'YOT', name: 'Youth Offending Team', created_at: at })
        .returning('id')
        .execute()
      for (const [position, id] of ['first-time-entrants', 'youth-custody'].entries()) {
        await db
          .insertInto('indicators')
          .values({
            id,
            position: position + 1,
            name: id,
            theme: 'Reducing Reoffending',
            priority: 'Reducing Reoffending',
            definition: id,
            data_owner: 'YOT',
            cadence: 'quarterly',
            measure_type: id === 'youth-custody' ? 'proportion' : 'count',
            preferred_direction: 'reduce',
            hidden_harm: 0,
            updated_at: at,
            updated_by: 'test',
          })
          .execute()
      }
      await db
        .insertInto('return_periods')
        .values({ period: 'FY2018-19-Q1', due_date: '2018-07-28', locked: 0, version: 1, updated_at: at })
        .execute()
      const [ret] = await db
        .insertInto('agency_returns')
        .values({
          agency_id: agency?.id as number,
          period: 'FY2018-19-Q1',
          status: 'submitted',
          version: 2,
          submitted_at: at,
          submitted_by: 'yot@example.org',
          reviewed_at: null,
          reviewed_by: null,
          review_comment: null,
          updated_at: at,
          updated_by: 'yot@example.org',
        })
        .returning('id')
        .execute()
      // Written with SQL, not the typed builder: this table has no period column yet.
      await sql`insert into return_items (return_id, indicator_id, status, value, numerator, denominator, percent,
          text, reason, commentary, warning, warning_confirmed_by, warning_confirmed_at)
        values (${ret?.id}, 'first-time-entrants', 'reported', 100, null, null, null, null, null, 'High', 'over 3x',
          'yot@example.org', ${at}),
          (${ret?.id}, 'youth-custody', 'reported', null, 6, 50, null, null, null, null, null, null, null)`.execute(
        database.db,
      )
      await migrate(database, Object.fromEntries(Object.entries(migrations).filter(([name]) => name <= THIS)))
    })
    after(() => database.close())

    it('copies every item with its return’s quarter as its period, every other column unchanged', async () => {
      const items = await database.db.selectFrom('return_items').selectAll().orderBy('indicator_id').execute()
      assert.equal(items.length, 2)
      assert.deepEqual(
        items.map((i) => [i.indicator_id, i.period, i.value, i.numerator, i.denominator, i.commentary, i.warning]),
        [
          ['first-time-entrants', 'FY2018-19-Q1', 100, null, null, 'High', 'over 3x'],
          ['youth-custody', 'FY2018-19-Q1', null, 6, 50, null, null],
        ],
      )
      assert.equal(items[0]?.warning_confirmed_by, 'yot@example.org')
      assert.equal(items[0]?.warning_confirmed_at, '2018-07-20T09:00:00.000Z')
    })

    it('keys items by return, KPI and period: another period of the same KPI is a new row, the same one refused', async () => {
      const [{ return_id } = { return_id: 0 }] = await database.db
        .selectFrom('return_items')
        .select('return_id')
        .execute()
      const row = (period: string) => ({
        return_id,
        indicator_id: 'first-time-entrants',
        period,
        status: 'reported',
        value: 1,
        numerator: null,
        denominator: null,
        percent: null,
        text: null,
        reason: null,
        commentary: null,
        warning: null,
        warning_confirmed_by: null,
        warning_confirmed_at: null,
      })
      await database.db.insertInto('return_items').values(row('2018-04')).execute()
      await assert.rejects(database.db.insertInto('return_items').values(row('2018-04')).execute())
      await assert.rejects(database.db.insertInto('return_items').values(row('April')).execute(), 'not a period id')
      await database.db.deleteFrom('return_items').where('period', '=', '2018-04').execute()
    })

    it(
      'keeps the table STRICT on SQLite, so a figure cannot be stored as text',
      { skip: dialect !== 'sqlite' },
      async () => {
        const { rows } = await sql<{ sql: string }>`select sql from sqlite_master where name = 'return_items'`.execute(
          database.db,
        )
        assert.match(rows[0]?.sql ?? '', /strict\s*$/i)
      },
    )

    it('goes back down to one item per KPI per return, keeping each return’s own quarter', async () => {
      // Called directly: later migrations (by other features) have run since, so the migrator would undo theirs.
      await returnItemPeriodsMigration.down?.(database.db as never)
      const { rows } = await sql<{ indicator_id: string; value: number | null }>`
        select indicator_id, value from return_items order by indicator_id`.execute(database.db)
      assert.deepEqual(
        rows.map((r) => [r.indicator_id, r.value]),
        [
          ['first-time-entrants', 100],
          ['youth-custody', null],
        ],
      )
      await returnItemPeriodsMigration.up(database.db as never)
      assert.equal((await database.db.selectFrom('return_items').select('period').execute()).length, 2)
    })
  })
}
