import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { defaultAgencies } from '../accounts/default-agencies.ts'
import { createAuditRepository } from '../audit/audit-repository.ts'
import type { ScopedDatabase } from '../db/partnership-scope.ts'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { DEMO_ACTIONS, loadDemoActions } from './action-demo.ts'
import { createActionRepository } from './action-repository.ts'

const stamp = { updated_at: '2018-04-01T00:00:00.000Z', updated_by: 'test' }

/** The seed's strategic priorities (those named), with one of its 2017/18 ("Year one") delivery priorities. */
async function addSeedPriorities(database: ScopedDatabase, names: readonly string[]): Promise<void> {
  const strategy = await database.db
    .insertInto('strategies')
    .values({
      title: 'Community Safety and Harm Reduction Strategy 2017-2020',
      first_year: 'FY2017-18',
      last_year: 'FY2019-20',
      status: 'draft',
      summary: null,
      approved_at: null,
      approved_by: null,
      ...stamp,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const [index, name] of names.entries()) {
    const row = await database.db
      .insertInto('strategic_priorities')
      .values({ strategy_id: strategy.id, position: index + 1, name, description: null, ...stamp })
      .returning('id')
      .executeTakeFirstOrThrow()
    if (name === 'Reducing Reoffending') {
      await database.db
        .insertInto('delivery_priorities')
        .values({
          strategic_priority_id: row.id,
          year: 'FY2017-18',
          position: 1,
          name: 'Support young people at risk of offending at an early stage',
          description: null,
          ...stamp,
        })
        .execute()
    }
  }
}

for (const dialect of testDialects()) {
  describe(`the demo's delivery plan actions (${dialect})`, () => {
    let database: ScopedDatabase
    beforeEach(async () => {
      database = await openTestPartnershipDatabase(dialect)
      const rows = await database.db
        .insertInto('agencies')
        .values(defaultAgencies.map((a) => ({ code: a.code, name: a.name, created_at: '2018-01-01T00:00:00Z' })))
        .returning('id')
        .execute()
      await database.db
        .insertInto('partnership_agencies')
        .values(
          rows.map((r) => ({
            partnership_id: database.partnershipId,
            agency_id: r.id,
            linked_at: '2018-01-01T00:00:00Z',
          })),
        )
        .execute()
    })
    afterEach(() => database.close())

    test('the seed’s actions, in its words, under its priorities, with only the dates it gives; audited; once', async () => {
      await addSeedPriorities(database, [
        'Reducing Reoffending',
        'Reducing Victimisation',
        'Violence Prevention',
        'Statutory Functions',
      ])
      const audit = createAuditRepository(database)
      const loaded = await loadDemoActions({ database, audit }, 'demo-data')
      assert.equal(loaded, DEMO_ACTIONS.length)
      const actions = await createActionRepository(database).listActions()
      const byRef = new Map(actions.map((a) => [a.reference, a]))
      const agencies = await createActionRepository(database).listAgencies()
      const code = (id: number | null) => agencies.find((a) => a.id === id)?.code ?? null

      // The two the brief names, as the seed words them (its VAWG section: "Coordination", "Campaigns").
      const board = byRef.get('VAWG-1')
      assert.ok(board)
      assert.equal(board.status, 'complete')
      assert.equal(code(board.leadAgencyId), 'WDVF')
      assert.equal(
        board.description,
        'Terms of reference, membership, and frequency of meetings for the WDVF Executive Board have been refreshed to drive delivery of the action plans.',
      )
      const sessions = byRef.get('VAWG-2')
      assert.ok(sessions)
      assert.equal(sessions.status, 'complete')
      assert.match(
        sessions.description ?? '',
        /eight VAWG awareness raising sessions at the Refugee and Migrant Centre/,
      )

      // "Work has begun": on track. "There are proposals": not started.
      assert.equal(byRef.get('RR-1')?.status, 'on-track')
      assert.equal(byRef.get('SF-2')?.status, 'not-started')
      // The delivery priority is linked when it is there, under the same strategic priority.
      assert.notEqual(byRef.get('RR-3')?.deliveryPriorityId, null)
      assert.equal(byRef.get('RR-2')?.deliveryPriorityId, null, 'its delivery priority was not loaded')
      // Dates only where the seed gives one (RR-2: "ready for the new service to begin 1 April 2018"), or marked.
      assert.deepEqual(
        actions
          .filter((a) => a.dueDate !== null || a.startDate !== null)
          .map((a) => [a.reference, a.dueDate, a.illustrative]),
        [
          ['RR-2', '2018-04-01', false],
          ['RR-4', '2019-06-30', true],
        ],
      )
      assert.deepEqual(
        actions
          .filter((a) => a.illustrative)
          .map((a) => a.reference)
          .sort(),
        ['RR-4', 'VAWG-6'],
      )
      assert.deepEqual(byRef.get('SF-1')?.milestones, [
        { title: 'Faith Covenant launched', dueDate: null, completedOn: '2017-12-12' },
      ])
      const events = (await audit.list({ limit: 1000 })).filter((e) => e.entityType === 'plan-action')
      assert.equal(events.length, DEMO_ACTIONS.length)
      assert.ok(events.every((e) => e.actor === 'demo-data' && e.action === 'create'))

      assert.equal(await loadDemoActions({ database, audit }, 'demo-data'), 0, 'loaded once')
    })

    test('an action whose priority is not there is not loaded (an action must serve a priority)', async () => {
      await addSeedPriorities(database, ['Reducing Reoffending'])
      const loaded = await loadDemoActions({ database, audit: createAuditRepository(database) }, 'demo-data')
      const references = (await createActionRepository(database).listActions()).map((a) => a.reference)
      assert.deepEqual(references, ['RR-1', 'RR-2', 'RR-3', 'RR-4'])
      assert.equal(loaded, 4)
    })

    test('no priorities at all: nothing loaded, nothing audited', async () => {
      const audit = createAuditRepository(database)
      assert.equal(await loadDemoActions({ database, audit }, 'demo-data'), 0)
      assert.equal((await audit.list({ limit: 10 })).filter((e) => e.entityType === 'plan-action').length, 0)
    })
  })
}
