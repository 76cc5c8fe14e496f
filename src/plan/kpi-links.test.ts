import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { testPerformance } from '../../test/support/performance.ts'
import { createAuditRepository, type AuditRepository } from '../audit/audit-repository.ts'
import type { ScopedDatabase } from '../db/partnership-scope.ts'
import { DEMO_ACTOR, DEMO_DIRECTORY, loadDemoData } from '../performance/demo.ts'
import { removeIndicator } from '../performance/indicator-removal.ts'
import { createKpiLinkService, type KpiLinkService } from './kpi-links.ts'
import { loadDemoStrategy } from './strategy-demo.ts'
import { createStrategyRepository } from './strategy-repository.ts'
import { createStrategyService, type PlanChange, type StrategyService } from './strategy-service.ts'

function done<T>(change: PlanChange<T>): T {
  assert.equal(change.outcome, 'done', JSON.stringify(change))
  return (change as { value: T }).value
}

/**
 * The demo framework's KPIs by their priority text, read from the import file itself (not through the code under
 * test): the counts the links must agree with.
 */
function demoKpisByPriority(): Map<string, string[]> {
  const lines = readFileSync(path.join(DEMO_DIRECTORY, 'indicators.csv'), 'utf8').trim().split(/\r?\n/).slice(1)
  const byPriority = new Map<string, string[]>()
  for (const line of lines) {
    // id,name,priority,…: the first three fields hold no quoted commas in this file.
    const [id, , priority] = line.split(',')
    byPriority.set(priority as string, [...(byPriority.get(priority as string) ?? []), id as string])
  }
  return byPriority
}

const ANALYST = 'analyst@example.org'

for (const dialect of testDialects()) {
  describe(`KPIs linked to the strategy's priorities (${dialect})`, () => {
    let database: ScopedDatabase
    let audit: AuditRepository
    let strategies: StrategyService
    let links: KpiLinkService

    beforeEach(async () => {
      database = await openTestPartnershipDatabase(dialect)
      audit = createAuditRepository(database)
      const repository = createStrategyRepository(database)
      strategies = createStrategyService({ database, repository, audit })
      links = createKpiLinkService({ database, repository, audit })
      await loadDemoData(testPerformance(database, { audit }).imports)
    })
    afterEach(() => database.close())

    it('lists the KPIs whose text matches no priority first, and links those that match in one action, audited', async () => {
      const expected = demoKpisByPriority()
      // A strategy naming the three priorities, spelt with other capitals and spacing: matched all the same.
      const s = done(
        await strategies.createStrategy(ANALYST, {
          title: 'S',
          firstYear: 'FY2017-18',
          lastYear: 'FY2019-20',
          summary: '',
        }),
      )
      for (const name of ['reducing  REOFFENDING', 'Reducing Victimisation', ' violence prevention '])
        done(await strategies.addPriority(ANALYST, s.id, { name, description: '' }))

      const before = await links.view(s.id)
      assert.ok(before)
      const statutory = expected.get('Statutory Functions') ?? []
      assert.equal(statutory.length, 2)
      assert.deepEqual(before.unmatched.map((l) => l.id).sort(), [...statutory].sort())
      assert.deepEqual(
        before.lines
          .slice(0, statutory.length)
          .map((l) => l.id)
          .sort(),
        [...statutory].sort(),
        'the unmatched are listed first',
      )
      const matchable = ['Reducing Reoffending', 'Reducing Victimisation', 'Violence Prevention'].flatMap(
        (p) => expected.get(p) ?? [],
      )
      assert.equal(matchable.length, 32)
      assert.equal(before.matching.length, 32)

      const linked = done(await links.linkMatching(ANALYST, s.id))
      assert.deepEqual([...linked.linked].sort(), [...matchable].sort())
      const after = await links.view(s.id)
      assert.ok(after)
      assert.equal(after.matching.length, 0)
      assert.deepEqual(after.unmatched.map((l) => l.id).sort(), [...statutory].sort())
      const rr = after.lines.find((l) => l.id === 'proven-reoffending')
      assert.equal(rr?.link?.priority.name, 'reducing  REOFFENDING')
      // The framework's own text is untouched.
      const kpi = await database.db
        .selectFrom('indicators')
        .select(['priority', 'theme'])
        .where('id', '=', 'proven-reoffending')
        .executeTakeFirstOrThrow()
      assert.deepEqual(kpi, { priority: 'Reducing Reoffending', theme: 'Reducing Reoffending' })

      const trail = (await audit.list({ limit: 10_000 })).filter((e) => e.entityType === 'kpi-priority-link')
      assert.equal(trail.length, 32)
      assert.ok(trail.every((e) => e.action === 'create' && e.actor === ANALYST && e.before === null))
      // Linking again changes nothing and audits nothing.
      assert.deepEqual(done(await links.linkMatching(ANALYST, s.id)).linked, [])
    })

    it('resolves an unmatched KPI by hand, with a delivery priority of the chosen priority only', async () => {
      const s = done(
        await strategies.createStrategy(ANALYST, {
          title: 'S',
          firstYear: 'FY2017-18',
          lastYear: 'FY2019-20',
          summary: '',
        }),
      )
      const rv = done(await strategies.addPriority(ANALYST, s.id, { name: 'Reducing Victimisation', description: '' }))
      const vp = done(await strategies.addPriority(ANALYST, s.id, { name: 'Violence Prevention', description: '' }))
      const dhr = done(
        await strategies.addDeliveryPriority(ANALYST, rv.id, {
          year: 'FY2017-18',
          name: 'Complete Domestic Homicide Reviews',
          description: '',
        }),
      )
      const unmatched = (await links.view(s.id))?.unmatched.map((l) => l.id) ?? []
      const kpi = unmatched.find((id) => (demoKpisByPriority().get('Statutory Functions') ?? []).includes(id))
      assert.ok(kpi)

      const wrong = await links.link(ANALYST, kpi, vp.id, dhr.id)
      assert.equal(wrong.outcome, 'invalid', 'a delivery priority of another priority is refused')
      done(await links.link(ANALYST, kpi, rv.id, dhr.id))
      const line = (await links.view(s.id))?.lines.find((l) => l.id === kpi)
      assert.equal(line?.link?.priority.name, 'Reducing Victimisation')
      assert.equal(line?.link?.delivery?.name, 'Complete Domestic Homicide Reviews')
      assert.equal(line?.linkedHere, true)

      done(await links.unlink(ANALYST, kpi))
      assert.equal((await links.view(s.id))?.lines.find((l) => l.id === kpi)?.link, null)
      const trail = (await audit.list({ limit: 10_000 })).filter((e) => e.entityType === 'kpi-priority-link')
      assert.deepEqual(
        trail.map((e) => e.action),
        ['create', 'delete'],
      )
      assert.equal(JSON.parse(trail[1]!.before as string).delivery_priority_id, dhr.id)
      assert.equal(await links.link(ANALYST, 'no-such-kpi', rv.id, null).then((c) => c.outcome), 'not-found')
    })

    it('removes a KPI’s link with the KPI, audited (the link’s foreign key refused the removal before)', async () => {
      const loaded = await loadDemoStrategy({ strategies, kpiLinks: links }, DEMO_ACTOR)
      // Every KPI of the demo framework names one of the seed's three priorities or its statutory functions.
      assert.deepEqual(loaded, { linked: [...demoKpisByPriority().values()].flat().length })
      const removed = await removeIndicator({ database, audit }, 'cli:amy', 'knife-crime', { deleteHoldings: true })
      assert.equal(removed.outcome, 'removed')
      assert.equal(
        (await createStrategyRepository(database).links()).some((l) => l.indicator_id === 'knife-crime'),
        false,
      )
      const gone = (await audit.list({ limit: 10_000 })).find(
        (e) => e.entityType === 'kpi-priority-link' && e.action === 'delete',
      )
      assert.ok(gone)
      assert.equal(gone.entityKey, 'knife-crime')
      assert.equal(gone.actor, 'cli:amy')
      assert.equal(JSON.parse(gone.before as string).updated_by, DEMO_ACTOR)
    })
  })
}
