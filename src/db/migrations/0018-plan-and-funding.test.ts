import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import type { Database } from '../database.ts'
import { addTestPartnership, openTestDatabase, testDialects } from '../../../test/support/databases.ts'

const THIS = '0018-plan-and-funding'

/** Untyped, unscoped: the instance's own handle, as a bug in a service might use it (no partnership filter). */
const raw = (database: Database) => database.db as unknown as Kysely<Record<string, Record<string, unknown>>>

const at = '2026-12-07T10:00:00.000Z'
const changed = { updated_at: at, updated_by: 'test' }

/** The largest whole number a JavaScript number holds exactly: 90,071,992,547,409.91 pounds in pence. */
const MOST_PENCE = 9_007_199_254_740_991

for (const dialect of testDialects()) {
  describe(`migration ${THIS}: the database keeps each partnership's plan and money to itself (${dialect})`, () => {
    let database: Database
    /** Each partnership's rows, by kind. */
    const ids: Record<'A' | 'B', Record<string, number>> = { A: {}, B: {} }

    async function insert(table: string, values: Record<string, unknown>): Promise<number> {
      const row = await raw(database).insertInto(table).values(values).returning('id').executeTakeFirstOrThrow()
      return Number(row.id)
    }

    before(async () => {
      database = await openTestDatabase(dialect)
      for (const side of ['A', 'B'] as const) {
        const partnership_id = await addTestPartnership(database, `Partnership ${side}`)
        const own = { partnership_id, ...changed }
        const mine = ids[side]
        mine.partnership = partnership_id
        mine.strategy = await insert('strategies', {
          ...own,
          title: `Strategy ${side}`,
          first_year: 'FY2017-18',
          last_year: 'FY2019-20',
          status: 'draft',
        })
        mine.priority = await insert('strategic_priorities', {
          ...own,
          strategy_id: mine.strategy,
          position: 1,
          name: 'Reducing Reoffending',
        })
        mine.delivery = await insert('delivery_priorities', {
          ...own,
          strategic_priority_id: mine.priority,
          year: 'FY2017-18',
          position: 1,
          name: 'Year one',
        })
        mine.stream = await insert('funding_streams', {
          ...own,
          funder: 'Police and Crime Commissioner',
          name: 'Community safety grant',
          first_year: 'FY2017-18',
          last_year: 'FY2017-18',
        })
        mine.provider = await insert('providers', { ...own, name: `Provider ${side}` })
        mine.service = await insert('commissioned_services', {
          ...own,
          reference: `S-${side}`,
          title: 'Mediation',
          provider_id: mine.provider,
          agreement: 'grant',
          status: 'live',
        })
      }
    })
    after(() => database.close())

    it('refuses a row of partnership A that references partnership B’s strategy, priority, stream or service', async () => {
      const A = ids.A
      const B = ids.B
      const ownA = { partnership_id: A.partnership, ...changed }
      const attempts: [string, Record<string, unknown>][] = [
        ['strategic_priorities', { ...ownA, strategy_id: B.strategy, position: 2, name: 'Theirs' }],
        [
          'delivery_priorities',
          { ...ownA, strategic_priority_id: B.priority, year: 'FY2017-18', position: 2, name: 'Theirs' },
        ],
        [
          'plan_actions',
          {
            ...ownA,
            reference: 'X-1',
            title: 'Theirs',
            strategic_priority_id: B.priority,
            status: 'on-track',
            created_at: at,
          },
        ],
        [
          'plan_actions',
          {
            ...ownA,
            reference: 'X-2',
            title: 'Theirs',
            strategic_priority_id: A.priority,
            delivery_priority_id: B.delivery,
            status: 'on-track',
            created_at: at,
          },
        ],
        ['funding_awards', { ...ownA, funding_stream_id: B.stream, year: 'FY2017-18', awarded_pence: 100 }],
        [
          'commissioned_services',
          { ...ownA, reference: 'X-3', title: 'Theirs', provider_id: B.provider, agreement: 'grant', status: 'live' },
        ],
        [
          'commissioned_services',
          {
            ...ownA,
            reference: 'X-4',
            title: 'Theirs',
            provider_id: A.provider,
            strategic_priority_id: B.priority,
            agreement: 'grant',
            status: 'live',
          },
        ],
        [
          'budget_allocations',
          {
            ...ownA,
            funding_stream_id: B.stream,
            year: 'FY2017-18',
            strategic_priority_id: A.priority,
            amount_pence: 1,
          },
        ],
        [
          'budget_allocations',
          { ...ownA, funding_stream_id: A.stream, year: 'FY2017-18', service_id: B.service, amount_pence: 1 },
        ],
        [
          'budget_allocations',
          {
            ...ownA,
            funding_stream_id: A.stream,
            year: 'FY2017-18',
            strategic_priority_id: B.priority,
            amount_pence: 1,
          },
        ],
        [
          'spend_entries',
          {
            ...ownA,
            funding_stream_id: A.stream,
            period: 'FY2017-18-Q1',
            kind: 'actual',
            service_id: B.service,
            amount_pence: 1,
          },
        ],
        ['service_commitments', { ...ownA, service_id: B.service, year: 'FY2017-18', amount_pence: 1 }],
      ]
      for (const [table, values] of attempts) {
        await assert.rejects(
          raw(database).insertInto(table).values(values).execute(),
          (error: Error) => /foreign key|FOREIGN KEY/i.test(error.message),
          `${table} ${JSON.stringify(values)}`,
        )
      }
      // And the same rows with A's own references are accepted: the refusal is the partnership, not the row.
      await raw(database)
        .insertInto('budget_allocations')
        .values({ ...ownA, funding_stream_id: A.stream, year: 'FY2017-18', service_id: A.service, amount_pence: 1 })
        .execute()
      await raw(database)
        .insertInto('plan_actions')
        .values({
          ...ownA,
          reference: 'A-1',
          title: 'Ours',
          strategic_priority_id: A.priority,
          delivery_priority_id: A.delivery,
          status: 'on-track',
          created_at: at,
        })
        .execute()
    })

    it('holds 9,007,199,254,740,991 pence in every money column and reads it back as a number', async () => {
      const own = { partnership_id: ids.A.partnership, ...changed }
      const rows: [string, Record<string, unknown>, string][] = [
        [
          'funding_awards',
          {
            ...own,
            funding_stream_id: ids.A.stream,
            year: 'FY2018-19',
            awarded_pence: MOST_PENCE,
            received_pence: MOST_PENCE,
          },
          'awarded_pence',
        ],
        [
          'carry_forwards',
          { ...own, funding_stream_id: ids.A.stream, into_year: 'FY2018-19', amount_pence: MOST_PENCE },
          'amount_pence',
        ],
        [
          'budget_allocations',
          {
            ...own,
            funding_stream_id: ids.A.stream,
            year: 'FY2018-19',
            strategic_priority_id: ids.A.priority,
            amount_pence: MOST_PENCE,
          },
          'amount_pence',
        ],
        [
          'service_commitments',
          { ...own, service_id: ids.A.service, year: 'FY2018-19', amount_pence: MOST_PENCE },
          'amount_pence',
        ],
        [
          'spend_entries',
          {
            ...own,
            funding_stream_id: ids.A.stream,
            period: 'FY2018-19-Q2',
            kind: 'forecast',
            service_id: ids.A.service,
            amount_pence: MOST_PENCE,
          },
          'amount_pence',
        ],
      ]
      for (const [table, values, column] of rows) {
        const id = await insert(table, values)
        const back = await raw(database).selectFrom(table).selectAll().where('id', '=', id).executeTakeFirstOrThrow()
        assert.equal(typeof back[column], 'number', `${table}.${column} reads back as a number`)
        assert.equal(back[column], MOST_PENCE, `${table}.${column}`)
      }
      const award = await raw(database)
        .selectFrom('funding_awards')
        .select('received_pence')
        .where('year', '=', 'FY2018-19')
        .executeTakeFirstOrThrow()
      assert.equal(award.received_pence, MOST_PENCE)
    })

    it('refuses a bad status, a year of the wrong shape, dates out of order and an allocation to nothing', async () => {
      const own = { partnership_id: ids.A.partnership, ...changed }
      const strategy = { ...own, title: 'S', first_year: 'FY2020-21', last_year: 'FY2022-23', status: 'draft' }
      const attempts: [string, string, Record<string, unknown>][] = [
        ['a status no one knows', 'strategies', { ...strategy, status: 'adopted' }],
        ['a year of the wrong shape', 'strategies', { ...strategy, first_year: '2020-21' }],
        ['years out of order', 'strategies', { ...strategy, first_year: 'FY2023-24' }],
        ['approved with no date recorded', 'strategies', { ...strategy, status: 'approved', approved_by: 'Board' }],
        ['a draft with an approval', 'strategies', { ...strategy, approved_at: at, approved_by: 'Board' }],
        [
          'a delivery year of the wrong shape',
          'delivery_priorities',
          { ...own, strategic_priority_id: ids.A.priority, year: 'FY18', position: 9, name: 'Z' },
        ],
        [
          'an action’s dates out of order',
          'plan_actions',
          {
            ...own,
            reference: 'D-1',
            title: 'T',
            strategic_priority_id: ids.A.priority,
            status: 'on-track',
            created_at: at,
            start_date: '2018-05-01',
            due_date: '2018-04-01',
          },
        ],
        [
          'an action status no one knows',
          'plan_actions',
          {
            ...own,
            reference: 'D-2',
            title: 'T',
            strategic_priority_id: ids.A.priority,
            status: 'late',
            created_at: at,
          },
        ],
        [
          'a service’s dates out of order',
          'commissioned_services',
          {
            ...own,
            reference: 'D-3',
            title: 'T',
            provider_id: ids.A.provider,
            agreement: 'grant',
            status: 'live',
            start_date: '2019-01-01',
            end_date: '2018-01-01',
          },
        ],
        [
          'a service status no one knows',
          'commissioned_services',
          { ...own, reference: 'D-4', title: 'T', provider_id: ids.A.provider, agreement: 'grant', status: 'paused' },
        ],
        [
          'an allocation to nothing',
          'budget_allocations',
          { ...own, funding_stream_id: ids.A.stream, year: 'FY2017-18', amount_pence: 5 },
        ],
        [
          'a negative allocation',
          'budget_allocations',
          { ...own, funding_stream_id: ids.A.stream, year: 'FY2017-18', service_id: ids.A.service, amount_pence: -5 },
        ],
        [
          'spend for nothing',
          'spend_entries',
          { ...own, funding_stream_id: ids.A.stream, period: 'FY2017-18-Q1', kind: 'actual', amount_pence: 5 },
        ],
        [
          'spend in a period of the wrong shape',
          'spend_entries',
          {
            ...own,
            funding_stream_id: ids.A.stream,
            period: 'FY2017-18-M01',
            kind: 'actual',
            service_id: ids.A.service,
            amount_pence: 5,
          },
        ],
        [
          'a stream’s years out of order',
          'funding_streams',
          { ...own, funder: 'F', name: 'N', first_year: 'FY2019-20', last_year: 'FY2017-18' },
        ],
      ]
      for (const [what, table, values] of attempts) {
        await assert.rejects(
          raw(database).insertInto(table).values(values).execute(),
          (error: Error) => /check/i.test(error.message),
          what,
        )
      }
      // The strategy that breaks none of them is accepted (so each refusal above is its one broken rule).
      await raw(database).insertInto('strategies').values(strategy).execute()
    })
  })
}
