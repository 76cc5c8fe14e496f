import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { testPerformance } from '../../test/support/performance.ts'
import { createAuditRepository, type AuditRepository } from '../audit/audit-repository.ts'
import type { ScopedDatabase } from '../db/partnership-scope.ts'
import { loadDemoData } from '../performance/demo.ts'
import { createKpiLinkService, type KpiLinkService } from './kpi-links.ts'
import { createStrategyRepository } from './strategy-repository.ts'
import { createStrategyService, type PlanChange, type StrategyService } from './strategy-service.ts'

function done<T>(change: PlanChange<T>): T {
  assert.equal(change.outcome, 'done', JSON.stringify(change))
  return (change as { value: T }).value
}

const ANALYST = 'analyst@example.org'

const problemsOf = (change: PlanChange<unknown>) => (change.outcome === 'invalid' ? change.problems : [])

for (const dialect of testDialects()) {
  describe(`the strategy service (${dialect})`, () => {
    let database: ScopedDatabase
    let audit: AuditRepository
    let strategies: StrategyService
    let links: KpiLinkService
    const events = async (entityType: string) =>
      (await audit.list({ limit: 10_000 })).filter((e) => e.entityType === entityType)

    beforeEach(async () => {
      database = await openTestPartnershipDatabase(dialect)
      audit = createAuditRepository(database)
      const repository = createStrategyRepository(database)
      const now = () => new Date('2026-12-07T10:00:00.000Z')
      strategies = createStrategyService({ database, repository, audit, now })
      links = createKpiLinkService({ database, repository, audit, now })
    })
    afterEach(() => database.close())

    async function strategyWith(title: string, first: string, last: string, names: readonly string[]) {
      const s = done(await strategies.createStrategy(ANALYST, { title, firstYear: first, lastYear: last, summary: '' }))
      const priorities = []
      for (const name of names)
        priorities.push(done(await strategies.addPriority(ANALYST, s.id, { name, description: '' })))
      return { strategy: s, priorities }
    }

    it('refuses a strategy with years that are not financial years or out of order, writing nothing', async () => {
      const bad = await strategies.createStrategy(ANALYST, {
        title: ' ',
        firstYear: '2017',
        lastYear: 'FY2016-17',
        summary: '',
      })
      assert.equal(bad.outcome, 'invalid')
      assert.deepEqual(
        problemsOf(bad).map((p) => p.field),
        ['title', 'firstYear'],
      )
      const backwards = await strategies.createStrategy(ANALYST, {
        title: 'Backwards',
        firstYear: 'FY2019-20',
        lastYear: 'FY2017-18',
        summary: '',
      })
      assert.equal(backwards.outcome, 'invalid')
      assert.deepEqual(await strategies.list(), [])
      assert.deepEqual(await events('strategy'), [])
    })

    it('creates a draft and audits it, then records its approval by the named approver, audited as the recorder', async () => {
      const { strategy } = await strategyWith('Strategy 2017-20', 'FY2017-18', 'FY2019-20', ['Reducing Reoffending'])
      assert.equal(strategy.status, 'draft')
      assert.equal(strategy.updated_by, ANALYST)
      const approved = done(
        await strategies.approveStrategy(ANALYST, strategy.id, { approvedBy: 'SWP Board', approvedOn: '' }),
      )
      assert.equal(approved.strategy.status, 'approved')
      assert.equal(approved.strategy.approved_by, 'SWP Board')
      assert.equal(approved.strategy.approved_on, null, 'the date is not invented')
      assert.equal(approved.strategy.approved_at, '2026-12-07T10:00:00.000Z', 'when it was recorded')
      const trail = await events('strategy')
      assert.deepEqual(
        trail.map((e) => [e.action, e.actor]),
        [
          ['create', ANALYST],
          ['approve', ANALYST],
        ],
      )
      const approval = trail[1]
      assert.ok(approval)
      assert.equal(JSON.parse(approval.before as string).status, 'draft')
      assert.equal(JSON.parse(approval.after as string).approved_by, 'SWP Board')
    })

    it('refuses an approval without an approver or with a date that is not real', async () => {
      const { strategy } = await strategyWith('S', 'FY2017-18', 'FY2019-20', ['A'])
      const noOne = await strategies.approveStrategy(ANALYST, strategy.id, { approvedBy: '', approvedOn: '2017-02-30' })
      assert.equal(noOne.outcome, 'invalid')
      assert.deepEqual(
        problemsOf(noOne).map((p) => p.field),
        ['approvedBy', 'approvedOn'],
      )
      assert.equal((await strategies.detail(strategy.id))?.strategy.status, 'draft')
    })

    it('supersedes, in the same unit of work, the approved strategy whose years overlap, and says which first', async () => {
      const old = await strategyWith('2017-20', 'FY2017-18', 'FY2019-20', ['A'])
      done(
        await strategies.approveStrategy(ANALYST, old.strategy.id, { approvedBy: 'Board', approvedOn: '2017-06-01' }),
      )
      const apart = await strategyWith('2022-25', 'FY2022-23', 'FY2024-25', ['A'])
      done(await strategies.approveStrategy(ANALYST, apart.strategy.id, { approvedBy: 'Board', approvedOn: '' }))
      const next = await strategyWith('2019-22', 'FY2019-20', 'FY2021-22', ['A'])

      assert.deepEqual(
        (await strategies.wouldSupersede(next.strategy.id)).map((s) => s.title),
        ['2017-20'],
        'only the overlapping approved strategy is named',
      )
      const approved = done(
        await strategies.approveStrategy('lead@example.org', next.strategy.id, { approvedBy: 'Board', approvedOn: '' }),
      )
      assert.deepEqual(
        approved.superseded.map((s) => s.title),
        ['2017-20'],
      )
      const statuses = Object.fromEntries((await strategies.list()).map((s) => [s.title, s.status]))
      assert.deepEqual(statuses, { '2017-20': 'superseded', '2022-25': 'approved', '2019-22': 'approved' })
      const supersede = (await events('strategy')).find((e) => e.action === 'supersede')
      assert.ok(supersede)
      assert.equal(supersede.actor, 'lead@example.org')
      assert.equal(supersede.entityKey, String(old.strategy.id))
      assert.equal(JSON.parse(supersede.before as string).status, 'approved')
      assert.equal(JSON.parse(supersede.after as string).status, 'superseded')
      // The superseded strategy is history: its years gain no delivery priority.
      const refused = await strategies.addDeliveryPriority(ANALYST, old.priorities[0]!.id, {
        year: 'FY2018-19',
        name: 'Late',
        description: '',
      })
      assert.equal(refused.outcome, 'refused')
    })

    it('leaves the superseded strategy approved when the approval fails part-way (one unit of work)', async () => {
      const old = await strategyWith('2017-20', 'FY2017-18', 'FY2019-20', ['A'])
      done(await strategies.approveStrategy(ANALYST, old.strategy.id, { approvedBy: 'Board', approvedOn: '' }))
      const next = await strategyWith('2019-22', 'FY2019-20', 'FY2021-22', ['A'])
      // The audit trail refuses the approval's events, after the old strategy was marked superseded in the unit.
      const failing: AuditRepository = {
        ...audit,
        appendAll: async () => {
          throw new Error('the audit trail is full')
        },
      }
      const failingService = createStrategyService({
        database,
        repository: createStrategyRepository(database),
        audit: failing,
      })
      await assert.rejects(
        failingService.approveStrategy(ANALYST, next.strategy.id, { approvedBy: 'Board', approvedOn: '' }),
        /the audit trail is full/,
      )
      const statuses = Object.fromEntries((await strategies.list()).map((s) => [s.title, s.status]))
      assert.deepEqual(statuses, { '2017-20': 'approved', '2019-22': 'draft' })
    })

    it('keeps an approved strategy’s priorities fixed but lets each year gain delivery priorities inside its years', async () => {
      const { strategy, priorities } = await strategyWith('S', 'FY2017-18', 'FY2019-20', ['Reducing Reoffending', 'B'])
      done(await strategies.approveStrategy(ANALYST, strategy.id, { approvedBy: 'Board', approvedOn: '' }))
      const rr = priorities[0]!
      for (const change of [
        await strategies.updatePriority(ANALYST, rr.id, { name: 'Renamed', description: '' }),
        await strategies.removePriority(ANALYST, rr.id),
        await strategies.movePriority(ANALYST, rr.id, 'down'),
        await strategies.addPriority(ANALYST, strategy.id, { name: 'New', description: '' }),
      ]) {
        assert.equal(change.outcome, 'refused')
        assert.match((change as { reason: string }).reason, /approved.*new strategy/)
      }
      const added = done(
        await strategies.addDeliveryPriority(ANALYST, rr.id, {
          year: 'FY2019-20',
          name: 'Year three work',
          description: '',
        }),
      )
      assert.equal(added.updated_by, ANALYST)
      const outside = await strategies.addDeliveryPriority(ANALYST, rr.id, {
        year: 'FY2020-21',
        name: 'Too late',
        description: '',
      })
      assert.equal(outside.outcome, 'invalid')
      assert.match(problemsOf(outside)[0]!.message, /2017\/18 to 2019\/20/)
      const edited = done(
        await strategies.updateDeliveryPriority(ANALYST, added.id, {
          year: 'FY2018-19',
          name: 'Year two work',
          description: '',
        }),
      )
      assert.equal(edited.year, 'FY2018-19')
      const trail = await events('delivery-priority')
      assert.deepEqual(
        trail.map((e) => e.action),
        ['create', 'update'],
      )
      assert.equal(JSON.parse(trail[1]!.before as string).name, 'Year three work')
      assert.equal(JSON.parse(trail[1]!.after as string).name, 'Year two work')
      assert.equal((await strategies.detail(strategy.id))?.priorities[0]?.name, 'Reducing Reoffending')
    })

    it('renames and reorders a draft’s priorities, each change audited with before and after', async () => {
      const { strategy, priorities } = await strategyWith('S', 'FY2017-18', 'FY2019-20', ['A', 'B', 'C'])
      done(await strategies.movePriority(ANALYST, priorities[2]!.id, 'up'))
      done(await strategies.updatePriority(ANALYST, priorities[0]!.id, { name: 'A renamed', description: 'Why' }))
      const dup = await strategies.updatePriority(ANALYST, priorities[1]!.id, { name: ' a  RENAMED ', description: '' })
      assert.equal(dup.outcome, 'invalid', 'a name differing only in case and spacing is the same name')
      const order = (await strategies.detail(strategy.id))?.priorities.map((p) => p.name)
      assert.deepEqual(order, ['A renamed', 'C', 'B'])
      const trail = await events('strategic-priority')
      const rename = trail.find((e) => e.action === 'update' && JSON.parse(e.after as string).name === 'A renamed')
      assert.ok(rename)
      assert.equal(JSON.parse(rename.before as string).name, 'A')
    })

    it('refuses to remove a priority that KPIs, actions or allocations point at, naming them; then removes it with its delivery priorities', async () => {
      await loadDemoData(testPerformance(database, { audit }).imports)
      const { strategy, priorities } = await strategyWith('S', 'FY2017-18', 'FY2019-20', [
        'Reducing Reoffending',
        'Other',
      ])
      const rr = priorities[0]!
      const delivery = done(
        await strategies.addDeliveryPriority(ANALYST, rr.id, {
          year: 'FY2017-18',
          name: 'Tackle substance misuse',
          description: '',
        }),
      )
      done(await links.link(ANALYST, 'proven-reoffending', rr.id, null))
      const at = '2026-12-07T10:00:00.000Z'
      await database.db
        .insertInto('plan_actions')
        .values({
          reference: 'RR-1',
          title: 'Write the reducing reoffending strategy',
          strategic_priority_id: rr.id,
          status: 'on-track',
          created_at: at,
          updated_at: at,
          updated_by: ANALYST,
        } as never)
        .execute()
      const stream = await database.db
        .insertInto('funding_streams')
        .values({
          funder: 'PCC',
          name: 'Grant',
          first_year: 'FY2017-18',
          last_year: 'FY2017-18',
          updated_at: at,
          updated_by: ANALYST,
        } as never)
        .returning('id')
        .executeTakeFirstOrThrow()
      await database.db
        .insertInto('budget_allocations')
        .values({
          funding_stream_id: stream.id,
          year: 'FY2017-18',
          strategic_priority_id: rr.id,
          amount_pence: 100,
          updated_at: at,
          updated_by: ANALYST,
        } as never)
        .execute()

      const refused = await strategies.removePriority(ANALYST, rr.id)
      assert.equal(refused.outcome, 'refused')
      const reason = (refused as { reason: string }).reason
      assert.match(reason, /1 KPI \(proven-reoffending\)/)
      assert.match(reason, /1 action \(RR-1\)/)
      assert.match(reason, /1 budget allocation/)
      assert.equal((await strategies.detail(strategy.id))?.priorities.length, 2, 'nothing removed')

      await database.db.deleteFrom('budget_allocations').execute()
      await database.db.deleteFrom('plan_actions').execute()
      done(await links.unlink(ANALYST, 'proven-reoffending'))
      const removed = done(await strategies.removePriority(ANALYST, rr.id))
      assert.equal(removed.name, 'Reducing Reoffending')
      assert.deepEqual(
        (await strategies.detail(strategy.id))?.priorities.map((p) => p.name),
        ['Other'],
      )
      const gone = (await events('delivery-priority')).find((e) => e.action === 'delete')
      assert.ok(gone)
      assert.equal(gone.entityKey, String(delivery.id))
      assert.equal(gone.after, null)
      assert.equal(JSON.parse(gone.before as string).name, 'Tackle substance misuse')
    })

    it('chooses the approved strategy covering the year, else the latest', async () => {
      const old = await strategyWith('2017-20', 'FY2017-18', 'FY2019-20', ['A'])
      done(await strategies.approveStrategy(ANALYST, old.strategy.id, { approvedBy: 'Board', approvedOn: '' }))
      await strategyWith('2021-24 draft', 'FY2021-22', 'FY2023-24', ['A'])
      assert.equal((await strategies.current('FY2018-19'))?.title, '2017-20')
      assert.equal((await strategies.current('FY2026-27'))?.title, '2021-24 draft', 'none covers it: the latest')
    })
  })
}
