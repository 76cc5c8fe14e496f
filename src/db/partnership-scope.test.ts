import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { sql } from 'kysely'
import { addTestPartnership, openTestDatabase, testDialects } from '../../test/support/databases.ts'
import type { Database } from './database.ts'
import { partnershipIdOf, scopeToPartnership, type ScopedDatabase } from './partnership-scope.ts'

const AT = '2018-04-01T00:00:00.000Z'

function indicator(id: string, position: number, name: string) {
  return {
    id,
    position,
    name,
    theme: 'Violence',
    priority: 'Violence',
    definition: name,
    data_owner: 'WMP',
    cadence: 'quarterly',
    measure_type: 'count',
    preferred_direction: 'reduce',
    hidden_harm: 0,
    rate_per: null,
    stock_aggregation: null,
    unit: null,
    share_label: null,
    target_kind: null,
    target_value: null,
    target_comparison: null,
    target_percent: null,
    target_reference_year: null,
    updated_at: AT,
    updated_by: 'test',
  }
}

function value(indicatorId: string, period: string, figure: number) {
  return {
    indicator_id: indicatorId,
    period,
    status: 'reported',
    value: figure,
    numerator: null,
    denominator: null,
    percent: null,
    text: null,
    reason: null,
    commentary: null,
    version: 1,
    updated_at: AT,
    updated_by: 'test',
  }
}

for (const dialect of testDialects()) {
  describe(`a database handle bound to one partnership (${dialect})`, () => {
    let database: Database
    let north: ScopedDatabase
    let south: ScopedDatabase

    beforeEach(async () => {
      database = await openTestDatabase(dialect)
      const ids = [await addTestPartnership(database, 'north'), await addTestPartnership(database, 'south')]
      north = scopeToPartnership(database, ids[0] as number)
      south = scopeToPartnership(database, ids[1] as number)
      // The same KPI id and position in both: keys are per partnership.
      await north.db
        .insertInto('indicators')
        .values(indicator('knife-crime', 1, 'Knife crime (north)'))
        .execute()
      await south.db
        .insertInto('indicators')
        .values(indicator('knife-crime', 1, 'Knife crime (south)'))
        .execute()
      await north.db
        .insertInto('indicator_values')
        .values([value('knife-crime', 'FY2017-18-Q1', 49), value('knife-crime', 'FY2017-18-Q2', 52)])
        .execute()
      await south.db
        .insertInto('indicator_values')
        .values(value('knife-crime', 'FY2017-18-Q1', 7))
        .execute()
    })
    afterEach(() => database.close())

    it('stamps inserts and filters reads: each sees its own rows, the unscoped handle sees both', async () => {
      assert.deepEqual(await north.db.selectFrom('indicators').select('name').execute(), [
        { name: 'Knife crime (north)' },
      ])
      assert.deepEqual(
        (await south.db.selectFrom('indicator_values').select('value').execute()).map((r) => r.value),
        [7],
      )
      const all = await database.db.selectFrom('indicator_values').select(['partnership_id', 'value']).execute()
      assert.deepEqual(all.map((r) => [r.partnership_id, r.value]).sort(), [
        [north.partnershipId, 49],
        [north.partnershipId, 52],
        [south.partnershipId, 7],
      ])
      assert.equal(partnershipIdOf(north), north.partnershipId)
      assert.equal(partnershipIdOf(database), null)
    })

    it('keeps a join within the partnership, and a left join a left join', async () => {
      const joined = await north.db
        .selectFrom('indicator_values as v')
        .innerJoin('indicators as i', 'i.id', 'v.indicator_id')
        .select(['i.name', 'v.value'])
        .orderBy('v.value')
        .execute()
      assert.deepEqual(joined, [
        { name: 'Knife crime (north)', value: 49 },
        { name: 'Knife crime (north)', value: 52 },
      ])
      // South's one value, left-joined to its indicators: the row stays, with south's name (never north's).
      const left = await south.db
        .selectFrom('indicator_values')
        .leftJoin('indicators', 'indicators.id', 'indicator_values.indicator_id')
        .select(['indicators.name', 'indicator_values.value'])
        .execute()
      assert.deepEqual(left, [{ name: 'Knife crime (south)', value: 7 }])
      // A subquery is scoped too.
      const counted = await south.db
        .selectFrom('indicators')
        .select((eb) =>
          eb
            .selectFrom('indicator_values')
            .select((e) => e.fn.countAll<number>().as('n'))
            .whereRef('indicator_values.indicator_id', '=', 'indicators.id')
            .as('values'),
        )
        .executeTakeFirstOrThrow()
      assert.equal(Number(counted.values), 1)
    })

    it('updates and deletes only its own rows; an upsert meets only its own key', async () => {
      await south.db.updateTable('indicator_values').set({ value: 8 }).execute()
      await south.db.deleteFrom('indicator_values').where('period', '=', 'FY2017-18-Q2').execute()
      assert.deepEqual(
        (await north.db.selectFrom('indicator_values').select('value').orderBy('value').execute()).map((r) => r.value),
        [49, 52],
      )
      await north.db
        .insertInto('indicator_values')
        .values(value('knife-crime', 'FY2017-18-Q1', 50))
        .onConflict((oc) => oc.columns(['indicator_id', 'period']).doUpdateSet({ value: 50 }))
        .execute()
      const rows = await database.db
        .selectFrom('indicator_values')
        .select(['partnership_id', 'value'])
        .where('period', '=', 'FY2017-18-Q1')
        .orderBy('partnership_id')
        .execute()
      assert.deepEqual(
        rows.map((r) => r.value),
        [50, 8],
      )
    })

    it('refuses an insert that names a partnership itself, and leaves raw SQL as written', async () => {
      await assert.rejects(
        north.db
          .insertInto('imports')
          .values({
            partnership_id: south.partnershipId,
            files: '[]',
            sha256: 'a'.repeat(64),
            actor: 'test',
            started_at: AT,
            finished_at: null,
            rows_read: 0,
            rows_accepted: 0,
            rows_rejected: 0,
            outcome: 'applied',
            summary: null,
          } as never)
          .execute(),
        /names its partnership itself/,
      )
      // Raw SQL is not rewritten: a query that forgets its partnership sees every partnership's rows. This is why
      // repositories build their queries with the query builder, and the one raw query over an owned table names it.
      const raw = await sql<{ n: number }>`select count(*) as n from indicator_values`.execute(north.db)
      assert.equal(Number(raw.rows[0]?.n), 3)
    })
  })
}
