import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { createAuditRepository, type AuditRepository } from '../audit/audit-repository.ts'
import type { ScopedDatabase } from '../db/partnership-scope.ts'
import type { Indicator } from '../domain/indicator.ts'
import { createFigureWriter } from '../performance/write-figure.ts'
import { createReturnsRepository } from '../returns/returns-repository.ts'
import { createReturnWrites, type ReturnWrites } from '../returns/return-writes.ts'
import { createReturnsService } from '../returns/returns-service.ts'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { testPerformance } from '../../test/support/performance.ts'
import { createActionRepository } from './action-repository.ts'
import { createReturnActionUpdates } from './action-return-updates.ts'
import { createActionService } from './action-service.ts'
import { actionForm, addTestPriorities } from './testing/action-fixtures.ts'

const entrants: Indicator = {
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
const knifeCrime: Indicator = { ...entrants, id: 'knife-crime', name: 'Knife crime', dataOwner: 'WMP' }

const QUARTER = 'FY2018-19-Q1'
const analyst = { role: 'partnership-analyst' as const, agencyId: null, email: 'analyst@example.org' }

for (const dialect of testDialects()) {
  describe(`actions updated through the quarterly return (${dialect})`, () => {
    let database: ScopedDatabase
    let audit: AuditRepository
    let writes: ReturnWrites
    let agencies: Record<string, number>
    let yotAction: number
    let wmpAction: number
    // 22:30 UTC on 20 July 2018 is 23:30 BST: the submission's date in England is the 20th.
    const writeClock = new Date('2018-07-20T22:30:00Z')

    beforeEach(async () => {
      database = await openTestPartnershipDatabase(dialect)
      audit = createAuditRepository(database)
      await testPerformance(database, { audit }).applyImport(
        { indicators: [entrants, knifeCrime], baselines: [], values: [] },
        { actor: 'test', files: [], rowsRead: 2 },
      )
      const rows = await database.db
        .insertInto('agencies')
        .values([
          { code: 'YOT', name: 'Youth Offending Team', created_at: '2018-01-01T00:00:00Z' },
          { code: 'WMP', name: 'West Midlands Police', created_at: '2018-01-01T00:00:00Z' },
        ])
        .returning(['id', 'code'])
        .execute()
      agencies = Object.fromEntries(rows.map((r) => [r.code, r.id]))
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
      const priorities = await addTestPriorities(database)
      const actions = createActionService({ database, repository: createActionRepository(database), audit })
      const add = async (reference: string, agency: number) => {
        const saved = await actions.create(
          analyst,
          actionForm({
            reference,
            title: `Action ${reference}`,
            strategicPriority: String(priorities.reoffending),
            leadAgency: String(agency),
            status: 'on-track',
          }),
        )
        assert.equal(saved.kind, 'saved')
        return saved.kind === 'saved' ? saved.action.id : 0
      }
      yotAction = await add('YOT-1', agencies.YOT as number)
      wmpAction = await add('WMP-1', agencies.WMP as number)
      const returnActions = createReturnActionUpdates({ database, audit, now: () => writeClock })
      const repository = createReturnsRepository(database)
      writes = createReturnWrites({
        database,
        repository,
        audit,
        figures: createFigureWriter({ audit, now: () => writeClock }),
        actions: returnActions,
        now: () => writeClock,
      })
    })
    afterEach(() => database.close())

    const returns = () =>
      createReturnsService({
        repository: createReturnsRepository(database),
        writes,
        figures: testPerformance(database, { audit }),
        report: async () => null,
        daysAfterQuarterEnd: 28,
        actions: createReturnActionUpdates({ database, audit }),
        now: () => writeClock,
      })
    const yotOwner = () => ({ role: 'data-owner' as const, agencyId: agencies.YOT as number, email: 'yot@example.org' })
    const save = (intent: 'save' | 'submit', version: number | null, actionFields: Record<string, string>) =>
      returns().saveReturn(yotOwner(), QUARTER, agencies.YOT as number, {
        version,
        intent,
        fields: { 'first-time-entrants-value': '30' },
        actionFields,
      })
    const boxes = (id: number, status: string, note: string) => ({
      [`action-${id}-status`]: status,
      [`action-${id}-note`]: note,
    })
    const actionRow = (id: number) =>
      database.db
        .selectFrom('plan_actions')
        .select(['status', 'version'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    const updatesOf = (id: number) =>
      database.db.selectFrom('action_updates').selectAll().where('action_id', '=', id).execute()

    test('draft, submit, accept: the update becomes the action’s, dated the submission, in the acceptance', async () => {
      const draft = await save('save', null, boxes(yotAction, 'at-risk', 'Two workshops cancelled: venue lost'))
      assert.equal(draft.kind, 'saved', JSON.stringify(draft))
      // Saved with the draft, shown on the page, not yet the action's.
      const page = await returns().returnPage(yotOwner(), QUARTER, agencies.YOT as number)
      assert.deepEqual(
        page.actions.map((l) => [l.action.reference, l.draft?.status ?? null, l.draft?.note ?? null]),
        [['YOT-1', 'at-risk', 'Two workshops cancelled: venue lost']],
      )
      assert.deepEqual(await actionRow(yotAction), { status: 'on-track', version: 1 })
      const returnEvent = (await audit.list({ limit: 100 })).filter((e) => e.entityType === 'return').at(-1)
      assert.ok(returnEvent)
      assert.deepEqual(JSON.parse(returnEvent.after ?? 'null').actionUpdates, [
        {
          actionId: yotAction,
          status: 'at-risk',
          note: 'Two workshops cancelled: venue lost',
          writtenBy: 'yot@example.org',
          writtenAt: '2018-07-20T22:30:00.000Z',
        },
      ])

      const submitted = await save('submit', 1, boxes(yotAction, 'at-risk', 'Two workshops cancelled: venue lost'))
      assert.equal(submitted.kind, 'saved')
      assert.deepEqual(await actionRow(yotAction), { status: 'on-track', version: 1 }, 'not applied on submission')
      const accepted = await returns().review(analyst, QUARTER, agencies.YOT as number, {
        version: 2,
        decision: 'accept',
        comment: '',
      })
      assert.equal(accepted.kind, 'saved', JSON.stringify(accepted))
      if (accepted.kind !== 'saved') return
      assert.deepEqual(await actionRow(yotAction), { status: 'at-risk', version: 2 })
      const [row] = await updatesOf(yotAction)
      assert.ok(row)
      assert.equal(row.return_id, accepted.saved.id)
      assert.equal(row.written_on, '2018-07-20', 'the submission’s date in England')
      assert.equal(row.written_by, 'yot@example.org')
      assert.equal(row.status, 'at-risk')
      assert.equal(row.note, 'Two workshops cancelled: venue lost')
      const events = await audit.list({ limit: 100 })
      const applied = events.filter((e) => e.entityType === 'plan-action' && e.action === 'update')
      assert.equal(applied.length, 1)
      assert.equal(applied[0]?.actor, 'analyst@example.org')
      assert.equal(JSON.parse(applied[0]?.before ?? 'null').status, 'on-track')
      assert.equal(JSON.parse(applied[0]?.after ?? 'null').status, 'at-risk')
      assert.equal(JSON.parse(applied[0]?.after ?? 'null').reference, `return:${accepted.saved.id}`)
      assert.equal(events.filter((e) => e.entityType === 'action-update').length, 1)
      assert.deepEqual(await updatesOf(wmpAction), [], 'the other agency’s action is untouched')
    })

    test('an agency that owns no KPI but leads an action has a return for it, listed in the quarter', async () => {
      const [probation] = await database.db
        .insertInto('agencies')
        .values([{ code: 'NPS', name: 'National Probation Service', created_at: '2018-01-01T00:00:00Z' }])
        .returning(['id'])
        .execute()
      assert.ok(probation)
      await database.db
        .insertInto('partnership_agencies')
        .values({ partnership_id: database.partnershipId, agency_id: probation.id, linked_at: '2018-01-01T00:00:00Z' })
        .execute()
      const before = await returns().overview(analyst, QUARTER)
      assert.ok(!before.rows.some((r) => r.agency.id === probation.id), 'no KPI and no action: nothing owed')
      const priorities = await database.db.selectFrom('strategic_priorities').select('id').orderBy('id').execute()
      const created = await createActionService({
        database,
        repository: createActionRepository(database),
        audit,
      }).create(
        analyst,
        actionForm({
          reference: 'NPS-1',
          title: 'Strengthen offender management pathways',
          strategicPriority: String(priorities[0]?.id),
          leadAgency: String(probation.id),
          status: 'not-started',
        }),
      )
      assert.equal(created.kind, 'saved')
      const actionId = created.kind === 'saved' ? created.action.id : 0
      const overview = await returns().overview(analyst, QUARTER)
      const row = overview.rows.find((r) => r.agency.id === probation.id)
      assert.ok(row, 'the agency that leads an action owes a return')
      assert.equal(row.indicators, 0)
      const owner = { role: 'data-owner' as const, agencyId: probation.id, email: 'nps@example.org' }
      const page = await returns().returnPage(owner, QUARTER, probation.id)
      assert.deepEqual(
        page.actions.map((l) => l.action.reference),
        ['NPS-1'],
      )
      const submitted = await returns().saveReturn(owner, QUARTER, probation.id, {
        version: null,
        intent: 'submit',
        fields: {},
        actionFields: boxes(actionId, 'on-track', 'Pathway mapped with the CRC'),
      })
      assert.equal(submitted.kind, 'saved', JSON.stringify(submitted))
      const accepted = await returns().review(analyst, QUARTER, probation.id, {
        version: 1,
        decision: 'accept',
        comment: '',
      })
      assert.equal(accepted.kind, 'saved', JSON.stringify(accepted))
      assert.equal((await actionRow(actionId)).status, 'on-track')
      assert.deepEqual(
        (await updatesOf(actionId)).map((u) => u.note),
        ['Pathway mapped with the CRC'],
      )
    })

    test('sent back: nothing applied; the drafts stay for the data owner to correct', async () => {
      assert.equal((await save('submit', null, boxes(yotAction, 'complete', 'All sessions delivered'))).kind, 'saved')
      const sentBack = await returns().review(analyst, QUARTER, agencies.YOT as number, {
        version: 1,
        decision: 'send-back',
        comment: 'Not all sessions were delivered',
      })
      assert.equal(sentBack.kind, 'saved')
      assert.deepEqual(await actionRow(yotAction), { status: 'on-track', version: 1 })
      assert.deepEqual(await updatesOf(yotAction), [])
      const page = await returns().returnPage(yotOwner(), QUARTER, agencies.YOT as number)
      assert.equal(page.actions[0]?.draft?.status, 'complete')
    })

    test('a locked quarter refuses the save and the acceptance: nothing applied', async () => {
      assert.equal((await save('submit', null, boxes(yotAction, 'off-track', 'Funding withdrawn'))).kind, 'saved')
      await writes.lockPeriod({ period: QUARTER, dueDate: '2018-07-28', actor: { name: 'chair@example.org' } })
      const resaved = await save('submit', 1, boxes(yotAction, 'complete', 'Done after all'))
      assert.equal(resaved.kind, 'locked')
      const accepted = await returns().review(analyst, QUARTER, agencies.YOT as number, {
        version: 1,
        decision: 'accept',
        comment: '',
      })
      assert.equal(accepted.kind, 'locked')
      assert.deepEqual(await actionRow(yotAction), { status: 'on-track', version: 1 })
      assert.deepEqual(await updatesOf(yotAction), [])
      const drafts = await database.db.selectFrom('return_action_updates').select(['status']).execute()
      assert.deepEqual(drafts, [{ status: 'off-track' }], 'the refused save changed no draft')
    })

    test('a data owner updates only their agency’s actions: boxes for another agency’s action are never read', async () => {
      const page = await returns().returnPage(yotOwner(), QUARTER, agencies.YOT as number)
      assert.deepEqual(
        page.actions.map((l) => l.action.reference),
        ['YOT-1'],
      )
      const saved = await save('submit', null, {
        ...boxes(yotAction, 'on-track', 'Workshops running'),
        ...boxes(wmpAction, 'cancelled', 'Not ours to cancel'),
      })
      assert.equal(saved.kind, 'saved')
      const drafts = await database.db.selectFrom('return_action_updates').select(['action_id']).execute()
      assert.deepEqual(drafts, [{ action_id: yotAction }])
      await returns().review(analyst, QUARTER, agencies.YOT as number, { version: 1, decision: 'accept', comment: '' })
      assert.deepEqual(await actionRow(wmpAction), { status: 'on-track', version: 1 })
    })

    test('a status without a note, or a note without a status, is refused and nothing is saved', async () => {
      const result = await save('save', null, boxes(yotAction, 'at-risk', ''))
      assert.equal(result.kind, 'invalid')
      if (result.kind === 'invalid')
        assert.deepEqual(
          result.problems.map((p) => p.field),
          [`action-${yotAction}-note`],
        )
      const other = await save('save', null, boxes(yotAction, '', 'Something happened'))
      assert.equal(other.kind, 'invalid')
      if (other.kind === 'invalid')
        assert.deepEqual(
          other.problems.map((p) => p.field),
          [`action-${yotAction}-status`],
        )
      assert.equal((await database.db.selectFrom('agency_returns').select('id').execute()).length, 0)
    })

    test('a save without action boxes (the JSON API) leaves the drafts as they were', async () => {
      assert.equal((await save('save', null, boxes(yotAction, 'at-risk', 'Venue lost'))).kind, 'saved')
      const viaApi = await returns().saveReturn(yotOwner(), QUARTER, agencies.YOT as number, {
        version: 1,
        intent: 'save',
        fields: { 'first-time-entrants-value': '31' },
      })
      assert.equal(viaApi.kind, 'saved')
      const drafts = await database.db.selectFrom('return_action_updates').select(['note']).execute()
      assert.deepEqual(drafts, [{ note: 'Venue lost' }])
    })
  })
}
