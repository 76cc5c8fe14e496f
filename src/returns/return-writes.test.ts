import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { createAuditRepository, type AuditRepository } from '../audit/audit-repository.ts'
import type { Database } from '../db/database.ts'
import type { Indicator, IndicatorValue } from '../domain/indicator.ts'
import { createFigureWriter } from '../performance/write-figure.ts'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { testPerformance, type TestPerformance } from '../../test/support/performance.ts'
import { createReturnsRepository, type NewReturnItem, type ReturnsRepository } from './returns-repository.ts'
import { createReturnWrites, type ReturnWrites } from './return-writes.ts'

// Figures from the seed report's Appendix C (Safer Wolverhampton Partnership, 2017/18).
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

const blank = {
  value: null,
  numerator: null,
  denominator: null,
  percent: null,
  text: null,
  reason: null,
  commentary: null,
}
const count = (period: string, value: number): IndicatorValue => ({
  ...blank,
  indicatorId: 'first-time-entrants',
  period,
  status: 'reported',
  value,
})
const item = (value: IndicatorValue): NewReturnItem => ({ value, warning: null, confirmed: false })
const actor = (name: string) => ({ name })

for (const dialect of testDialects()) {
  // The returns service's writes (each its own unit of work, with the process's rules) over the repository's rows.
  describe(`returns: writes and their rules (${dialect})`, () => {
    let database: Database
    let audit: AuditRepository
    let performance: TestPerformance
    let repository: ReturnsRepository
    let returns: ReturnWrites & Pick<ReturnsRepository, 'getReturn' | 'getPeriod'>
    let yot: number
    let other: number

    beforeEach(async () => {
      database = await openTestPartnershipDatabase(dialect)
      audit = createAuditRepository(database)
      performance = testPerformance(database, { audit })
      repository = createReturnsRepository(database)
      returns = {
        ...createReturnWrites({ database, repository, audit, figures: createFigureWriter({ audit }) }),
        getReturn: repository.getReturn,
        getPeriod: repository.getPeriod,
      }
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
      other = rows.find((r) => r.code === 'WMP')?.id as number
      await performance.applyImport(
        { indicators: [firstTimeEntrants], baselines: [], values: [count('FY2017-18-Q1', 32)] },
        { actor: 'test', files: [], rowsRead: 2 },
      )
    })
    afterEach(() => database.close())

    const save = (expectedVersion: number | null, value: number, status: 'draft' | 'submitted' = 'draft') =>
      returns.saveReturn({
        agencyId: yot,
        period: 'FY2018-19-Q1',
        dueDate: '2018-07-28',
        expectedVersion,
        status,
        items: [item(count('FY2018-19-Q1', value))],
        actor: actor('yot@example.org'),
      })

    test('a draft is saved, changed with the version it was read at, and a stale version is refused', async () => {
      const first = await save(null, 30)
      assert.equal(first.kind, 'saved')
      assert.equal(first.kind === 'saved' && first.saved.version, 1)
      const second = await save(1, 31)
      assert.equal(second.kind === 'saved' && second.saved.version, 2)
      // A second editor who read version 1 loses nothing silently: refused, with the current figures.
      const stale = await save(1, 99)
      assert.equal(stale.kind, 'conflict')
      assert.equal(stale.kind === 'conflict' && stale.current.items[0]?.value, 31)
      const stored = await returns.getReturn(yot, 'FY2018-19-Q1')
      assert.equal(stored?.items[0]?.value, 31)
      assert.equal(stored?.version, 2)
      assert.equal(stored?.status, 'draft')
      const events = await audit.list({ entityType: 'return' })
      assert.deepEqual(
        events.map((e) => e.action),
        ['create', 'update'],
      )
      assert.equal((JSON.parse(events[1]?.before ?? 'null') as { items: { value: number }[] }).items[0]?.value, 30)
      assert.equal((JSON.parse(events[1]?.after ?? 'null') as { items: { value: number }[] }).items[0]?.value, 31)
    })

    test('accepting a submitted return writes its figures to the indicator values, audited', async () => {
      await save(null, 30, 'submitted')
      const draftAccept = await returns.reviewReturn({
        agencyId: yot,
        period: 'FY2018-19-Q1',
        expectedVersion: 1,
        decision: 'accept',
        comment: null,
        actor: actor('analyst@example.org'),
      })
      assert.equal(draftAccept.kind, 'saved')
      assert.equal(draftAccept.kind === 'saved' && draftAccept.saved.status, 'accepted')
      const value = await performance.getValue('first-time-entrants', 'FY2018-19-Q1')
      assert.equal(value?.value, 30)
      assert.equal(value?.updatedBy, 'analyst@example.org')
      const valueEvents = await audit.list({
        entityType: 'indicator-value',
        entityKey: 'first-time-entrants/FY2018-19-Q1',
      })
      assert.equal(valueEvents.length, 1)
      assert.equal(valueEvents[0]?.action, 'create')
      // Written as every figure is (src/performance/write-figure.ts): versioned, with the return as its reference.
      assert.deepEqual(JSON.parse(valueEvents[0]?.after ?? 'null'), {
        ...count('FY2018-19-Q1', 30),
        version: 1,
        source: 'return',
        reference: `return:${draftAccept.kind === 'saved' ? draftAccept.saved.id : -1}`,
      })
      assert.equal(value?.version, 1)
      // An accepted return is closed to edits.
      const late = await save(2, 45)
      assert.equal(late.kind, 'wrong-state')
      assert.equal((await audit.verify()).ok, true)
    })

    test('a draft cannot be accepted; a return can be sent back and submitted again', async () => {
      await save(null, 30)
      const early = await returns.reviewReturn({
        agencyId: yot,
        period: 'FY2018-19-Q1',
        expectedVersion: 1,
        decision: 'accept',
        comment: null,
        actor: actor('analyst@example.org'),
      })
      assert.equal(early.kind, 'wrong-state')
      await save(1, 30, 'submitted')
      const back = await returns.reviewReturn({
        agencyId: yot,
        period: 'FY2018-19-Q1',
        expectedVersion: 2,
        decision: 'send-back',
        comment: 'Q1 looks low: check the April extract',
        actor: actor('analyst@example.org'),
      })
      assert.equal(back.kind === 'saved' && back.saved.status, 'sent-back')
      assert.equal(back.kind === 'saved' && back.saved.reviewComment, 'Q1 looks low: check the April extract')
      const again = await save(3, 34, 'submitted')
      assert.equal(again.kind === 'saved' && again.saved.status, 'submitted')
      assert.equal(await performance.getValue('first-time-entrants', 'FY2018-19-Q1'), null, 'not accepted yet')
    })

    test('nothing is saved or reviewed in a locked quarter; reopening needs the lock and is audited', async () => {
      await save(null, 30, 'submitted')
      const locked = await returns.lockPeriod({ period: 'FY2018-19-Q1', dueDate: '2018-07-28', actor: actor('board') })
      assert.equal(locked?.locked, true)
      assert.equal(
        await returns.lockPeriod({ period: 'FY2018-19-Q1', dueDate: '2018-07-28', actor: actor('board') }),
        null,
      )
      assert.equal((await save(1, 31, 'submitted')).kind, 'locked')
      const review = await returns.reviewReturn({
        agencyId: yot,
        period: 'FY2018-19-Q1',
        expectedVersion: 1,
        decision: 'accept',
        comment: null,
        actor: actor('analyst'),
      })
      assert.equal(review.kind, 'locked')
      assert.equal((await returns.getReturn(yot, 'FY2018-19-Q1'))?.items[0]?.value, 30)
      const reopened = await returns.reopenPeriod({
        period: 'FY2018-19-Q1',
        reason: 'YOT corrected Q1',
        actor: actor('board'),
      })
      assert.equal(reopened?.locked, false)
      assert.equal(await returns.reopenPeriod({ period: 'FY2018-19-Q1', reason: 'again', actor: actor('board') }), null)
      const events = await audit.list({ entityType: 'return-period' })
      assert.deepEqual(
        events.map((e) => e.action),
        ['lock', 'reopen'],
      )
      assert.equal((JSON.parse(events[1]?.after ?? '{}') as { reason: string }).reason, 'YOT corrected Q1')
      assert.equal((await save(1, 31, 'submitted')).kind, 'saved')
    })

    test('work handed in to run with a save (the API’s idempotent answer) commits with it or undoes it', async () => {
      const seen: number[] = []
      const saved = await returns.saveReturn({
        agencyId: yot,
        period: 'FY2018-19-Q1',
        dueDate: '2018-07-28',
        expectedVersion: null,
        status: 'draft',
        items: [item(count('FY2018-19-Q1', 30))],
        actor: actor('yot@example.org'),
        alsoInUnitOfWork: async (uow, after) => {
          // Inside the same transaction: the return just written is there to read.
          seen.push((await repository.readReturn(uow, yot, 'FY2018-19-Q1'))?.version ?? -1, after.version)
        },
      })
      assert.equal(saved.kind, 'saved')
      assert.deepEqual(seen, [1, 1])
      const eventsBefore = await audit.count()
      await assert.rejects(
        returns.saveReturn({
          agencyId: yot,
          period: 'FY2018-19-Q1',
          dueDate: '2018-07-28',
          expectedVersion: 1,
          status: 'submitted',
          items: [item(count('FY2018-19-Q1', 31))],
          actor: actor('yot@example.org'),
          alsoInUnitOfWork: async () => {
            throw new Error('the answer could not be stored')
          },
        }),
        /could not be stored/,
      )
      const stored = await returns.getReturn(yot, 'FY2018-19-Q1')
      assert.equal(stored?.version, 1)
      assert.equal(stored?.status, 'draft')
      assert.equal(stored?.items[0]?.value, 30)
      assert.equal(await audit.count(), eventsBefore)
    })

    test('the signed-off report is stored only while the quarter is still locked at the version that locked it', async () => {
      const locked = await returns.lockPeriod({ period: 'FY2018-19-Q1', dueDate: '2018-07-28', actor: actor('board') })
      assert.ok(locked)
      const report = { year: 'FY2018-19', themes: [{ theme: 'Reducing Reoffending' }] }
      assert.equal(
        await returns.storeSignedOffReport({
          period: 'FY2018-19-Q1',
          version: locked.version,
          report,
          actor: actor('board'),
        }),
        true,
      )
      assert.deepEqual((await returns.getPeriod('FY2018-19-Q1'))?.signedOffReport, report)
      assert.equal(
        await returns.storeSignedOffReport({
          period: 'FY2018-19-Q1',
          version: locked.version,
          report: {},
          actor: actor('board'),
        }),
        false,
      )
    })

    test('20 submits racing a lock: none is accepted after the lock commits', async (t) => {
      // Twenty agencies, each with a draft for the quarter; all submit while the board locks the quarter.
      const at = new Date().toISOString()
      const agencies = await database.db
        .insertInto('agencies')
        .values(Array.from({ length: 20 }, (_, i) => ({ code: `A${i}`, name: `Agency ${i}`, created_at: at })))
        .returning('id')
        .execute()
      for (const { id } of agencies) {
        const draft = await returns.saveReturn({
          agencyId: id,
          period: 'FY2018-19-Q2',
          dueDate: '2018-10-28',
          expectedVersion: null,
          status: 'draft',
          items: [],
          actor: actor(`agency-${id}`),
        })
        assert.equal(draft.kind, 'saved')
      }
      const submits = agencies.map(({ id }, i) =>
        (async () => {
          // Spread the submits either side of the lock.
          await new Promise((resolve) => setTimeout(resolve, i % 5))
          return returns.saveReturn({
            agencyId: id,
            period: 'FY2018-19-Q2',
            dueDate: '2018-10-28',
            expectedVersion: 1,
            status: 'submitted',
            items: [],
            actor: actor(`agency-${id}`),
          })
        })(),
      )
      const lock = new Promise((resolve) => setTimeout(resolve, 2)).then(() =>
        returns.lockPeriod({ period: 'FY2018-19-Q2', dueDate: '2018-10-28', actor: actor('board') }),
      )
      const [results, locked] = await Promise.all([Promise.all(submits), lock])
      assert.ok(locked)
      const accepted = results.filter((r) => r.kind === 'saved').length
      const refused = results.filter((r) => r.kind === 'locked').length
      assert.equal(accepted + refused, 20)
      t.diagnostic(`${accepted} submits committed before the lock, ${refused} refused after it`)

      // From the database: the submitted returns, and the order of the audit events.
      const submitted = await database.db
        .selectFrom('agency_returns')
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .where('period', '=', 'FY2018-19-Q2')
        .where('status', '=', 'submitted')
        .executeTakeFirstOrThrow()
      assert.equal(Number(submitted.n), accepted)
      const events = await database.db
        .selectFrom('audit_events')
        .select(['id', 'action', 'entity_key'])
        .where('action', 'in', ['submit', 'lock'])
        .orderBy('id')
        .execute()
      const lockEvent = events.find((e) => e.action === 'lock')
      assert.ok(lockEvent)
      const submitEvents = events.filter((e) => e.action === 'submit' && e.entity_key.endsWith('/FY2018-19-Q2'))
      assert.equal(submitEvents.length, accepted)
      for (const e of submitEvents)
        assert.ok(e.id < lockEvent.id, `submit event ${e.id} came before the lock (${lockEvent.id})`)
      // Every submitted return was submitted no later than the lock.
      const lockedAt = (await returns.getPeriod('FY2018-19-Q2'))?.lockedAt as string
      const late = await database.db
        .selectFrom('agency_returns')
        .select('id')
        .where('period', '=', 'FY2018-19-Q2')
        .where('submitted_at', '>', lockedAt)
        .execute()
      assert.equal(late.length, 0)
      void other
    })
  })
}
