import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { createApiRepository } from '../api/api-repository.ts'
import { createApiWrites } from '../api/api-writes.ts'
import type { AuditEvent } from '../audit/audit-chain.ts'
import { createAuditRepository, type AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { scopeToPartnership, type ScopedDatabase } from '../db/partnership-scope.ts'
import type { Indicator, IndicatorValue } from '../domain/indicator.ts'
import { createReturnWrites } from '../returns/return-writes.ts'
import { createReturnsRepository } from '../returns/returns-repository.ts'
import { addTestPartnership, openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { testPerformance } from '../../test/support/performance.ts'
import { createFigureWriter } from './write-figure.ts'

// Knife crime, Safer Wolverhampton Partnership 2017/18 Q1 (seed report, Appendix C): 50 offences, later corrected.
const knifeCrime: Indicator = {
  id: 'knife-crime',
  name: 'Violent crimes where a knife or sharply bladed instrument was present (all ages)',
  theme: 'Violence',
  priority: 'Serious violence',
  definition: 'Police recorded violent crimes with a knife or sharp instrument present',
  dataOwner: 'WMP',
  cadence: 'quarterly',
  measureType: 'count',
  preferredDirection: 'reduce',
  hiddenHarm: false,
}
const blank = { numerator: null, denominator: null, percent: null, text: null, reason: null, commentary: null }
const figure = (period: string, value: number, commentary: string | null = null): IndicatorValue => ({
  ...blank,
  indicatorId: 'knife-crime',
  period,
  status: 'reported',
  value,
  commentary,
})
const Q1 = 'FY2017-18-Q1'
const corrected = figure(Q1, 56, 'Six offences recorded late by the force were added.')

/** One partnership's services over its own scoped handle, as the composition root builds them. */
function partnership(scoped: ScopedDatabase) {
  const audit = createAuditRepository(scoped)
  const figures = createFigureWriter({ audit })
  const performance = testPerformance(scoped, { audit })
  const returnsRepository = createReturnsRepository(scoped)
  return {
    database: scoped,
    audit,
    figures,
    performance,
    returns: createReturnWrites({ database: scoped, repository: returnsRepository, audit, figures }),
    api: createApiWrites({ database: scoped, repository: createApiRepository(scoped), figures }),
  }
}
type Partnership = ReturnType<typeof partnership>

async function startingFramework(p: Partnership): Promise<void> {
  const applied = await p.performance.applyImport(
    { indicators: [knifeCrime], baselines: [], values: [figure(Q1, 50)] },
    { actor: 'setup', files: [], rowsRead: 2 },
  )
  assert.equal(applied.summary.values.added, 1)
}

const valueEvents = (audit: AuditRepository, period = Q1) =>
  audit.list({ entityType: 'indicator-value', entityKey: `knife-crime/${period}` })

for (const dialect of testDialects()) {
  describe(`writing a figure: one function for every writer (${dialect})`, () => {
    let instance: Database
    let north: Partnership
    let south: Partnership
    let agencyId: number

    beforeEach(async () => {
      instance = await openTestDatabase(dialect)
      north = partnership(scopeToPartnership(instance, await addTestPartnership(instance, 'Northshire')))
      south = partnership(scopeToPartnership(instance, await addTestPartnership(instance, 'Southshire')))
      await startingFramework(north)
      await startingFramework(south)
      const row = await instance.db
        .insertInto('agencies')
        .values({ code: 'WMP', name: 'West Midlands Police', created_at: '2018-01-01T00:00:00.000Z' })
        .returning('id')
        .executeTakeFirstOrThrow()
      agencyId = row.id
    })
    afterEach(() => instance.close())

    const write = (p: Partnership, value: IndicatorValue, expectedVersion?: number) =>
      inUnitOfWork(p.database, (uow) =>
        p.figures.writeFigure(
          uow,
          { value, expectedVersion },
          { actor: 'analyst', source: 'browser', reference: 'user:1' },
        ),
      )

    test('a change is written with version + 1 and one audit event; the same figure again is a no-op', async () => {
      const first = await write(north, corrected, 1)
      assert.equal(first.outcome, 'written')
      const stored = await north.performance.getValue('knife-crime', Q1)
      assert.equal(stored?.value, 56)
      assert.equal(stored?.version, 2)
      assert.equal(stored?.updatedBy, 'analyst')
      assert.equal((await valueEvents(north.audit)).length, 2, 'the setup import, then this change')

      const eventsBefore = await north.audit.count()
      const again = await write(north, { ...corrected }, 2)
      assert.equal(again.outcome, 'unchanged')
      // No version bump, no audit event.
      assert.equal((await north.performance.getValue('knife-crime', Q1))?.version, 2)
      assert.equal(await north.audit.count(), eventsBefore)
      // Taking the commentary away is a change; a field left out (undefined) is the NULL stored, so no change.
      assert.equal((await write(north, figure(Q1, 56))).outcome, 'written')
      assert.equal((await north.performance.getValue('knife-crime', Q1))?.version, 3)
      const { commentary: _c, ...withoutCommentary } = figure(Q1, 56)
      assert.equal((await write(north, withoutCommentary as IndicatorValue)).outcome, 'unchanged')
      assert.equal((await north.performance.getValue('knife-crime', Q1))?.version, 3)
    })

    test('a figure of a signed-off quarter is refused, its month too; an unchanged one is not', async () => {
      const locked = await north.returns.lockPeriod({ period: Q1, dueDate: '2017-07-28', actor: { name: 'chair' } })
      assert.equal(locked?.locked, true)
      const eventsBefore = await north.audit.count()
      assert.deepEqual(await write(north, corrected, 1), {
        outcome: 'locked',
        indicatorId: 'knife-crime',
        period: Q1,
        quarter: Q1,
      })
      // June 2017 ends in 2017/18 Q1, so Q1's sign-off covers it; July does not (it is Q2's).
      assert.equal((await write(north, figure('2017-06', 20))).outcome, 'locked')
      assert.equal((await write(north, figure('2017-07', 20))).outcome, 'written')
      assert.equal((await write(north, figure(Q1, 50), 1)).outcome, 'unchanged')
      assert.equal((await north.performance.getValue('knife-crime', Q1))?.value, 50)
      assert.equal(await north.audit.count(), eventsBefore + 1, 'only July was written')
      // Another partnership's quarter is its own: Southshire has signed nothing off.
      assert.equal((await write(south, corrected, 1)).outcome, 'written')
    })

    test('a stale version is refused with the figure as it stands; "must not exist" is refused for one that does', async () => {
      await write(north, corrected, 1)
      const eventsBefore = await north.audit.count()
      const stale = await write(north, figure(Q1, 60), 1)
      assert.equal(stale.outcome, 'conflict')
      assert.equal(stale.outcome === 'conflict' && stale.current?.value, 56)
      assert.equal(stale.outcome === 'conflict' && stale.current?.version, 2)
      const notNew = await write(north, figure(Q1, 60), 0)
      assert.equal(notNew.outcome === 'conflict' && notNew.current?.version, 2)
      const fromTheFuture = await write(north, figure(Q1, 60), 7)
      assert.equal(fromTheFuture.outcome, 'conflict')
      assert.equal(await north.audit.count(), eventsBefore)
      assert.equal((await north.performance.getValue('knife-crime', Q1))?.value, 56)
      // A figure that does not exist yet: version 0 creates it; any other version is a conflict with nothing.
      assert.deepEqual(await write(north, figure('FY2017-18-Q2', 48), 1), {
        outcome: 'conflict',
        indicatorId: 'knife-crime',
        period: 'FY2017-18-Q2',
        current: null,
      })
      const created = await write(north, figure('FY2017-18-Q2', 48), 0)
      assert.equal(created.outcome === 'written' && created.created, true)
      assert.equal(created.outcome === 'written' && created.value.version, 1)
    })

    test('the audit event has the same fields whoever writes the same change: import, return, API, browser', async () => {
      // Four partnerships, each starting from the same stored figure (50, version 1), each given the same change
      // through a different door.
      const paths: Record<string, Partnership> = { import: north, return: south }
      for (const name of ['api', 'browser']) {
        const p = partnership(scopeToPartnership(instance, await addTestPartnership(instance, `${name}shire`)))
        await startingFramework(p)
        paths[name] = p
      }
      const viaImport = await paths.import!.performance.applyImport(
        { indicators: [], baselines: [], values: [corrected] },
        { actor: 'import-analyst', files: [], rowsRead: 1 },
      )
      const returned = await paths.return!.returns.saveReturn({
        agencyId,
        period: Q1,
        dueDate: '2017-07-28',
        expectedVersion: null,
        status: 'submitted',
        items: [{ value: corrected, warning: null, confirmed: false }],
        actor: { name: 'police-data-owner' },
      })
      assert.equal(returned.kind, 'saved')
      const accepted = await paths.return!.returns.reviewReturn({
        agencyId,
        period: Q1,
        expectedVersion: 1,
        decision: 'accept',
        comment: null,
        actor: { name: 'review-analyst' },
      })
      assert.equal(accepted.kind, 'saved')
      for (const source of ['api', 'browser'] as const) {
        const saved = await paths[source]!.api.saveValue({
          value: corrected,
          expectedVersion: 1,
          actor: `${source}-caller`,
          source,
          reference: source === 'api' ? 'token:7' : 'user:3',
        })
        assert.equal(saved.outcome, 'saved')
      }

      const events: Record<string, AuditEvent> = {}
      for (const [name, p] of Object.entries(paths)) {
        const list = await valueEvents(p.audit)
        assert.equal(list.length, 2, `${name}: the setup's event and exactly one for the change`)
        events[name] = list[1]!
      }
      // Independently written: the figure as it was and as it is now.
      const before = { ...figure(Q1, 50), version: 1 }
      const after = { ...corrected, version: 2 }
      const references: Record<string, [string, string]> = {
        import: ['import-analyst', `import:${viaImport.importId}`],
        return: ['review-analyst', `return:${accepted.kind === 'saved' ? accepted.saved.id : -1}`],
        api: ['api-caller', 'token:7'],
        browser: ['browser-caller', 'user:3'],
      }
      const fieldNames = Object.keys(events.import!).sort()
      for (const [name, event] of Object.entries(events)) {
        assert.deepEqual(Object.keys(event).sort(), fieldNames, `${name}: the same fields`)
        assert.equal(event.action, 'update', name)
        assert.equal(event.entityType, 'indicator-value', name)
        assert.equal(event.entityKey, `knife-crime/${Q1}`, name)
        assert.deepEqual(JSON.parse(event.before ?? 'null'), before, name)
        const [actor, reference] = references[name]!
        assert.deepEqual(JSON.parse(event.after ?? 'null'), { ...after, source: name, reference }, name)
        assert.equal(event.actor, actor, name)
        // The import's own column points at it; no other writer has an import.
        assert.equal(event.importId, name === 'import' ? viaImport.importId : null, name)
      }
      assert.equal((await north.audit.verify()).ok, true)
    })

    test('all or nothing: one refused figure writes none, and a failure part-way leaves nothing written', async () => {
      await north.returns.lockPeriod({ period: 'FY2017-18-Q2', dueDate: '2017-10-28', actor: { name: 'chair' } })
      const eventsBefore = await north.audit.count()
      const batch = await inUnitOfWork(north.database, (uow) =>
        north.figures.writeFigures(uow, [{ value: corrected }, { value: figure('FY2017-18-Q2', 1) }], {
          actor: 'analyst',
          source: 'import',
          reference: 'import:0',
        }),
      )
      assert.deepEqual(batch, {
        outcome: 'refused',
        refusals: [{ outcome: 'locked', indicatorId: 'knife-crime', period: 'FY2017-18-Q2', quarter: 'FY2017-18-Q2' }],
      })
      assert.equal((await north.performance.getValue('knife-crime', Q1))?.value, 50, 'the open quarter too')

      // The database refuses the second figure (a negative count) after the first was written in the same unit.
      await assert.rejects(
        inUnitOfWork(north.database, (uow) =>
          north.figures.writeFigures(uow, [{ value: corrected }, { value: figure('FY2017-18-Q3', -1) }], {
            actor: 'analyst',
            source: 'browser',
            reference: 'user:1',
          }),
        ),
        /constraint|check/i,
      )
      // The service's own work failing after the figures were written undoes them too.
      await assert.rejects(
        inUnitOfWork(north.database, async (uow) => {
          const written = await north.figures.writeFigures(uow, [{ value: corrected }], {
            actor: 'analyst',
            source: 'return',
            reference: 'return:1',
          })
          assert.equal(written.outcome, 'written')
          throw new Error('the return could not be marked accepted')
        }),
        /could not be marked accepted/,
      )
      const stored = await north.performance.getValue('knife-crime', Q1)
      assert.equal(stored?.value, 50)
      assert.equal(stored?.version, 1)
      assert.equal(await north.performance.getValue('knife-crime', 'FY2017-18-Q3'), null)
      assert.equal(await north.audit.count(), eventsBefore)
      assert.equal((await north.audit.verify()).ok, true)
    })

    test('the unit of work keeps its partnership: it reads and writes only that partnership’s figures', async () => {
      await inUnitOfWork(north.database, async (uow) => {
        assert.equal(uow.partnershipId, north.database.partnershipId)
        // Both partnerships hold knife crime Q1; inside North's transaction only North's row is there.
        const rows = await uow.trx.selectFrom('indicator_values').select('partnership_id').execute()
        assert.deepEqual(
          rows.map((r) => r.partnership_id),
          [north.database.partnershipId],
        )
        const written = await north.figures.writeFigure(
          uow,
          { value: corrected, expectedVersion: 1 },
          { actor: 'analyst', source: 'browser', reference: 'user:1' },
        )
        assert.equal(written.outcome, 'written')
      })
      const all = await instance.db
        .selectFrom('indicator_values')
        .select(['partnership_id', 'value', 'version'])
        .orderBy('partnership_id')
        .execute()
      assert.deepEqual(all, [
        { partnership_id: north.database.partnershipId, value: 56, version: 2 },
        { partnership_id: south.database.partnershipId, value: 50, version: 1 },
      ])
      const event = (await valueEvents(north.audit))[1]
      assert.equal(event?.partnershipId, north.database.partnershipId)
      assert.equal((await valueEvents(south.audit)).length, 1, 'South’s trail has only its own setup')
      // Through the instance's unscoped handle a figure would belong to no partnership: refused outright.
      const unscoped = createFigureWriter({ audit: createAuditRepository(instance) })
      await assert.rejects(
        inUnitOfWork(instance, (uow) =>
          unscoped.writeFigure(uow, { value: corrected }, { actor: 'x', source: 'browser', reference: 'user:1' }),
        ),
        /partnership's database handle/,
      )
    })
  })
}
