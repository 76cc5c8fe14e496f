import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { createAuditRepository, type AuditRepository } from '../audit/audit-repository.ts'
import type { Database } from '../db/database.ts'
import { partnershipIdOf } from '../db/partnership-scope.ts'
import type { Indicator, IndicatorValue } from '../domain/indicator.ts'
import { createFigureWriter } from '../performance/write-figure.ts'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { testPerformance } from '../../test/support/performance.ts'
import { createReturnsRepository, type ReturnsRepository } from '../returns/returns-repository.ts'
import { createReturnWrites } from '../returns/return-writes.ts'
import type { ReturnOutputs } from '../returns/return-outputs.ts'
import { createCommissioning } from './service-commissioning.ts'
import { createServiceRepository } from './service-repository.ts'
import { createServiceReturnOutputs } from './service-return-outputs.ts'

// The YOT owns a quarterly KPI (first-time entrants, from the seed's Appendix C) and reports its service's output.
const firstTimeEntrants: Indicator = {
  id: 'first-time-entrants',
  name: 'First time entrants to the youth justice system',
  theme: 'Reducing Reoffending',
  priority: 'Reducing Reoffending',
  definition: 'Reducing first time entrants to the youth justice system',
  dataOwner: 'YOT',
  cadence: 'quarterly',
  measureType: 'count',
  preferredDirection: 'reduce',
  hiddenHarm: false,
}
const figure = (value: number): IndicatorValue => ({
  indicatorId: 'first-time-entrants',
  period: 'FY2018-19-Q1',
  status: 'reported',
  value,
  numerator: null,
  denominator: null,
  percent: null,
  text: null,
  reason: null,
  commentary: null,
})
const ADMIN = { role: 'administrator' as const, agencyId: null, email: 'admin@example.org' }

for (const dialect of testDialects()) {
  describe(`a provider's outputs through the quarterly return, in the acceptance's unit of work (${dialect})`, () => {
    let database: Database
    let audit: AuditRepository
    let repository: ReturnsRepository
    let outputs: ReturnOutputs
    let yot: number
    let police: number
    let outputId: number

    beforeEach(async () => {
      database = await openTestPartnershipDatabase(dialect)
      audit = createAuditRepository(database)
      repository = createReturnsRepository(database)
      const services = createServiceRepository(database)
      outputs = createServiceReturnOutputs({ repository: services, audit })
      const at = new Date().toISOString()
      const rows = await database.db
        .insertInto('agencies')
        .values([
          { code: 'YOT', name: 'Youth Offending Team', created_at: at },
          { code: 'WMP', name: 'West Midlands Police', created_at: at },
        ])
        .returning(['id', 'code'])
        .execute()
      yot = rows.find((r) => r.code === 'YOT')?.id as number
      police = rows.find((r) => r.code === 'WMP')?.id as number
      // Linked to the test's partnership, as an administrator links the agencies a partnership works with.
      const partnershipId = partnershipIdOf(database) as number
      await database.db
        .insertInto('partnership_agencies')
        .values(rows.map((r) => ({ partnership_id: partnershipId, agency_id: r.id, linked_at: at })))
        .execute()
      await testPerformance(database, { audit }).applyImport(
        { indicators: [firstTimeEntrants], baselines: [], values: [] },
        { actor: 'test', files: [], rowsRead: 1 },
      )
      const noBudget = { yearBudget: () => Promise.reject(new Error('not read here')) }
      const commissioning = createCommissioning({ database, repository: services, audit, budget: noBudget })
      // The provider reports through the YOT.
      const provider = await services.listAgencies()
      assert.ok(
        provider.some((a) => a.id === yot),
        'the YOT is one of the partnership’s agencies',
      )
      const added = await commissioning.addProvider(ADMIN, { name: 'YOT provider', agencyId: String(yot) })
      assert.ok(added.ok, JSON.stringify(added))
      const service = await commissioning.addService(ADMIN, {
        reference: 'YOT-1',
        title: 'Workshops',
        providerId: String(added.value.id),
        agreement: 'grant',
      })
      assert.ok(service.ok)
      const output = await commissioning.addOutput(ADMIN, 'YOT-1', {
        kind: 'output',
        name: 'Workshops delivered',
        year: 'FY2018-19',
        target: '40',
      })
      assert.ok(output.ok)
      outputId = output.value
    })
    afterEach(() => database.close())

    /** Submits the YOT's return with the output's figure kept as its draft, in the save's unit of work. */
    async function submit(actual: number) {
      const writes = createReturnWrites({ database, repository, audit, figures: createFigureWriter({ audit }) })
      const lines = await outputs.linesFor(yot, 'FY2018-19-Q1', null)
      const read = outputs.read(lines, {
        [`output-${outputId}-actual`]: String(actual),
        [`output-${outputId}-note`]: '',
      })
      assert.deepEqual(read.problems, [])
      const saved = await writes.saveReturn({
        agencyId: yot,
        period: 'FY2018-19-Q1',
        dueDate: '2018-07-28',
        expectedVersion: null,
        status: 'submitted',
        items: [{ value: figure(30), warning: null, confirmed: false }],
        actor: { name: 'yot@example.org' },
        alsoInUnitOfWork: (uow, ret) => outputs.saveDrafts(uow, ret, read.drafts ?? [], { name: 'yot@example.org' }),
      })
      assert.equal(saved.kind, 'saved')
    }

    const actuals = () => database.db.selectFrom('service_output_actuals').selectAll().execute()

    test('lists the output only in the return of the agency its provider reports through', async () => {
      assert.deepEqual(
        (await outputs.linesFor(yot, 'FY2018-19-Q1', null)).map((l) => l.name),
        ['Workshops delivered'],
      )
      assert.deepEqual(await outputs.linesFor(police, 'FY2018-19-Q1', null), [])
      assert.deepEqual(await outputs.linesFor(yot, 'FY2017-18-Q4', null), [], 'an output of another year')
    })

    test('an acceptance that fails after the actuals are written leaves neither the acceptance nor the actuals', async () => {
      await submit(12)
      const failing = createReturnWrites({
        database,
        repository,
        audit,
        figures: createFigureWriter({ audit }),
        outputs: {
          async accept(uow, ofReturn, actor) {
            await outputs.accept(uow, ofReturn, actor)
            throw new Error('refused after the actuals were written')
          },
        },
      })
      const review = { agencyId: yot, period: 'FY2018-19-Q1', expectedVersion: 1, comment: null }
      await assert.rejects(
        failing.reviewReturn({ ...review, decision: 'accept', actor: { name: 'analyst@example.org' } }),
        /refused after/,
      )
      assert.equal((await repository.getReturn(yot, 'FY2018-19-Q1'))?.status, 'submitted')
      assert.deepEqual(await actuals(), [])
      assert.deepEqual(await audit.list({ entityType: 'service-output-actual' }), [])

      const working = createReturnWrites({
        database,
        repository,
        audit,
        figures: createFigureWriter({ audit }),
        outputs,
      })
      const accepted = await working.reviewReturn({
        ...review,
        decision: 'accept',
        actor: { name: 'analyst@example.org' },
      })
      assert.equal(accepted.kind, 'saved')
      const written = await actuals()
      assert.deepEqual(
        written.map((a) => [a.output_id, a.period, a.actual, a.return_id]),
        [[outputId, 'FY2018-19-Q1', 12, accepted.kind === 'saved' ? accepted.saved.id : -1]],
      )
      const events = await audit.list({ entityType: 'service-output-actual' })
      assert.equal(events.length, 1)
      assert.equal(events[0]?.actor, 'analyst@example.org')
    })
  })
}
