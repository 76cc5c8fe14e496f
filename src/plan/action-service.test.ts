import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { PermissionDenied } from '../accounts/permissions.ts'
import { createAuditRepository, type AuditRepository } from '../audit/audit-repository.ts'
import type { ScopedDatabase } from '../db/partnership-scope.ts'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { createActionRepository } from './action-repository.ts'
import { ActionNotFound, createActionService, readDate, type ActionService } from './action-service.ts'
import { actionForm, addTestPriorities } from './testing/action-fixtures.ts'

const analyst = { role: 'partnership-analyst' as const, agencyId: null, email: 'analyst@example.org' }
const viewer = { role: 'viewer' as const, agencyId: null, email: 'viewer@example.org' }

describe('readDate: the three boxes of a date', () => {
  test('a real date, with or without leading zeros; empty boxes are no date; anything else is refused', () => {
    assert.deepEqual(readDate('2018-3-31'), { date: '2018-03-31' })
    assert.deepEqual(readDate('2018-03-01'), { date: '2018-03-01' })
    assert.deepEqual(readDate('--'), { date: null })
    assert.deepEqual(readDate('2019-2-29'), { problem: true }, '2019 is not a leap year')
    assert.deepEqual(readDate('2020-2-29'), { date: '2020-02-29' }, '2020 is')
    assert.deepEqual(readDate('2018--31'), { problem: true }, 'a box left empty')
    assert.deepEqual(readDate('2018-13-1'), { problem: true })
  })
})

for (const dialect of testDialects()) {
  describe(`delivery plan actions: the service (${dialect})`, () => {
    let database: ScopedDatabase
    let audit: AuditRepository
    let service: ActionService
    let priorities: Awaited<ReturnType<typeof addTestPriorities>>
    let agencies: Record<string, number>
    let clock = new Date('2018-09-01T12:00:00Z')

    beforeEach(async () => {
      clock = new Date('2018-09-01T12:00:00Z')
      database = await openTestPartnershipDatabase(dialect)
      audit = createAuditRepository(database)
      service = createActionService({ database, repository: createActionRepository(database), audit, now: () => clock })
      priorities = await addTestPriorities(database)
      const rows = await database.db
        .insertInto('agencies')
        .values([
          { code: 'YOT', name: 'Youth Offending Team', created_at: '2018-01-01T00:00:00Z' },
          { code: 'WMP', name: 'West Midlands Police', created_at: '2018-01-01T00:00:00Z' },
          { code: 'FAR', name: 'An agency of another partnership', created_at: '2018-01-01T00:00:00Z' },
        ])
        .returning(['id', 'code'])
        .execute()
      agencies = Object.fromEntries(rows.map((r) => [r.code, r.id]))
      await database.db
        .insertInto('partnership_agencies')
        .values(
          rows
            .filter((r) => r.code !== 'FAR')
            .map((r) => ({
              partnership_id: database.partnershipId,
              agency_id: r.id,
              linked_at: '2018-01-01T00:00:00Z',
            })),
        )
        .execute()
    })
    afterEach(() => database.close())

    const add = async (reference: string, fields: Record<string, string> = {}) => {
      const saved = await service.create(
        analyst,
        actionForm({
          reference,
          title: `Action ${reference}`,
          strategicPriority: String(priorities.reoffending),
          leadAgency: String(agencies.YOT),
          ...fields,
        }),
      )
      assert.equal(saved.kind, 'saved', JSON.stringify(saved))
      if (saved.kind !== 'saved') throw new Error('unreachable')
      return saved.action
    }
    const eventsOf = async (entityType: string) =>
      (await audit.list({ limit: 1000 })).filter((e) => e.entityType === entityType)

    test('an action is created with its milestones and audited, in one unit of work', async () => {
      const saved = await service.create(analyst, {
        ...actionForm({
          reference: 'RR-1',
          title: 'Community Resolution Workshops',
          strategicPriority: String(priorities.reoffending),
          deliveryPriority: String(priorities.delivery),
          deliveryGroup: 'Reducing Reoffending Board',
          leadAgency: String(agencies.YOT),
          owner: 'YOT manager',
          startDate: '2018-4-1',
          dueDate: '2019-3-31',
          status: 'on-track',
        }),
        milestones: [
          { title: 'Workshops booked', dueDate: '2018-6-30', completedOn: '2018-6-1' },
          { title: '', dueDate: '--', completedOn: '--' },
        ],
      })
      assert.equal(saved.kind, 'saved', JSON.stringify(saved))
      if (saved.kind !== 'saved') return
      assert.equal(saved.action.version, 1)
      assert.equal(saved.action.status, 'on-track')
      assert.equal(saved.action.dueDate, '2019-03-31')
      assert.deepEqual(saved.action.milestones, [
        { title: 'Workshops booked', dueDate: '2018-06-30', completedOn: '2018-06-01' },
      ])
      const [created] = await eventsOf('plan-action')
      assert.ok(created)
      assert.equal(created.action, 'create')
      assert.equal(created.actor, 'analyst@example.org')
      assert.equal(created.before, null)
      const after = JSON.parse(created.after ?? 'null')
      assert.equal(after.reference, 'RR-1')
      assert.equal(after.status, 'on-track')
      assert.equal(after.milestones.length, 1)
    })

    test('bad input: every problem named, nothing written', async () => {
      const result = await service.create(
        analyst,
        actionForm({
          reference: 'has space',
          title: '',
          strategicPriority: String(priorities.violence),
          deliveryPriority: String(priorities.delivery), // under Reducing Reoffending, not Violence Prevention
          leadAgency: String(agencies.FAR), // not linked to this partnership
          startDate: '2019-4-1',
          dueDate: '2019-3-31',
        }),
      )
      assert.equal(result.kind, 'invalid')
      if (result.kind !== 'invalid') return
      assert.deepEqual(result.problems.map((p) => p.field).sort(), [
        'deliveryPriority',
        'dueDate',
        'leadAgency',
        'reference',
        'title',
      ])
      assert.equal((await service.list(analyst)).total, 0)
      assert.equal((await eventsOf('plan-action')).length, 0)
    })

    test('a reference is the partnership’s once', async () => {
      await add('RR-1')
      const again = await service.create(
        analyst,
        actionForm({ reference: 'rr-1', title: 'x', strategicPriority: String(priorities.reoffending) }),
      )
      assert.equal(again.kind, 'invalid')
    })

    test('a stale edit is refused and says so: nothing written, no audit event', async () => {
      const action = await add('RR-2')
      const first = await service.update(
        analyst,
        action.id,
        1,
        actionForm({ reference: 'RR-2', title: 'First editor', strategicPriority: String(priorities.reoffending) }),
      )
      assert.equal(first.kind, 'saved')
      const stale = await service.update(
        analyst,
        action.id,
        1,
        actionForm({ reference: 'RR-2', title: 'Second editor', strategicPriority: String(priorities.reoffending) }),
      )
      assert.equal(stale.kind, 'conflict')
      if (stale.kind !== 'conflict') return
      assert.equal(stale.current.title, 'First editor')
      assert.equal(stale.current.version, 2)
      const { action: now } = await service.get(analyst, action.id)
      assert.equal(now.title, 'First editor')
      assert.equal((await eventsOf('plan-action')).filter((e) => e.action === 'update').length, 1)
      const staleUpdate = await service.addUpdate(analyst, action.id, 1, {
        writtenOn: '2018-8-31',
        status: 'at-risk',
        note: 'Late',
      })
      assert.equal(staleUpdate.kind, 'conflict')
      assert.equal((await service.get(analyst, action.id)).updates.length, 0)
    })

    test('the edit form cannot change the status: only a dated update does, audited with before and after', async () => {
      const action = await add('RR-3')
      const edited = await service.update(analyst, action.id, 1, {
        ...actionForm({ reference: 'RR-3', title: 'Action RR-3', strategicPriority: String(priorities.reoffending) }),
        status: 'complete',
      })
      assert.equal(edited.kind, 'saved')
      if (edited.kind !== 'saved') return
      assert.equal(edited.action.status, 'not-started', 'the status field of an edit is ignored')

      const updated = await service.addUpdate(analyst, action.id, 2, {
        writtenOn: '2018-8-31',
        status: 'at-risk',
        note: 'The venue was lost; a new one is being sought.',
      })
      assert.equal(updated.kind, 'saved')
      if (updated.kind !== 'saved') return
      assert.equal(updated.action.status, 'at-risk')
      assert.equal(updated.action.version, 3)
      const { updates } = await service.get(analyst, action.id)
      assert.deepEqual(
        updates.map((u) => [u.writtenOn, u.status, u.note, u.writtenBy, u.returnId]),
        [['2018-08-31', 'at-risk', 'The venue was lost; a new one is being sought.', 'analyst@example.org', null]],
      )
      const change = (await eventsOf('plan-action')).at(-1)
      assert.ok(change)
      assert.equal(JSON.parse(change.before ?? 'null').status, 'not-started')
      assert.equal(JSON.parse(change.after ?? 'null').status, 'at-risk')
      assert.equal(JSON.parse(change.after ?? 'null').version, 3)
      const [written] = await eventsOf('action-update')
      assert.ok(written)
      assert.equal(written.before, null)
      assert.equal(JSON.parse(written.after ?? 'null').note, 'The venue was lost; a new one is being sought.')
    })

    test('an update needs a date not in the future, a status and a note', async () => {
      const action = await add('RR-4')
      const result = await service.addUpdate(analyst, action.id, 1, { writtenOn: '2018-9-2', status: '', note: ' ' })
      assert.equal(result.kind, 'invalid')
      if (result.kind !== 'invalid') return
      assert.deepEqual(result.problems.map((p) => p.field).sort(), ['note', 'status', 'writtenOn'])
    })

    test('a data owner sees only the actions their agency leads; another agency’s is not found', async () => {
      const yots = await add('YOT-1')
      const police = await add('WMP-1', { leadAgency: String(agencies.WMP) })
      const owner = { role: 'data-owner' as const, agencyId: agencies.WMP as number, email: 'police@example.org' }
      const list = await service.list(owner)
      assert.deepEqual(
        list.actions.map((a) => a.reference),
        ['WMP-1'],
      )
      assert.equal(list.total, 1)
      assert.equal((await service.get(owner, police.id)).action.reference, 'WMP-1')
      await assert.rejects(service.get(owner, yots.id), ActionNotFound)
      await assert.rejects(service.get(owner, 999_999), ActionNotFound)
      // Reading is not changing: plan:edit is the administrator's and the analyst's.
      await assert.rejects(
        service.addUpdate(owner, police.id, 1, { writtenOn: '2018-8-1', status: 'on-track', note: 'x' }),
        PermissionDenied,
      )
      await assert.rejects(
        service.update(viewer, police.id, 1, actionForm({ reference: 'WMP-1', title: 'x' })),
        PermissionDenied,
      )
    })

    test('the list’s filters, and the dashboard’s flags from the same overdue rule', async () => {
      await add('A-1', { dueDate: '2018-8-31', status: 'on-track' }) // overdue on 1 September
      await add('A-2', { dueDate: '2018-9-1', status: 'at-risk' }) // due today: not overdue
      await add('A-3', { dueDate: '2018-1-31', status: 'complete' }) // complete: never overdue
      await add('A-4', {
        dueDate: '2018-6-30',
        status: 'off-track',
        leadAgency: String(agencies.WMP),
        deliveryGroup: 'Gangs Steering Group',
      })
      await add('A-5', { status: 'cancelled', strategicPriority: String(priorities.violence) })
      const refs = async (filters: Record<string, string>) =>
        (await service.list(analyst, filters)).actions.map((a) => a.reference)
      assert.deepEqual(await refs({}), ['A-1', 'A-2', 'A-3', 'A-4', 'A-5'])
      assert.deepEqual(await refs({ overdue: 'yes' }), ['A-1', 'A-4'])
      assert.deepEqual(await refs({ status: 'at-risk' }), ['A-2'])
      assert.deepEqual(await refs({ agency: String(agencies.WMP) }), ['A-4'])
      assert.deepEqual(await refs({ group: 'Gangs Steering Group' }), ['A-4'])
      assert.deepEqual(await refs({ priority: String(priorities.violence) }), ['A-5'])
      assert.deepEqual(await service.flags(analyst), { overdue: 2, atRisk: 1, offTrack: 1 })
      const police = { role: 'data-owner' as const, agencyId: agencies.WMP as number }
      assert.deepEqual(await service.flags(police), { overdue: 1, atRisk: 0, offTrack: 1 })
      // At 23:30 UTC on 1 September it is already 2 September in England (BST), and A-2 is overdue too.
      clock = new Date('2018-09-01T23:30:00Z') // 00:30 BST on 2 September
      assert.deepEqual(await service.flags(analyst), { overdue: 3, atRisk: 1, offTrack: 1 })
    })

    test('a milestone past due and not done is overdue; the action is flagged for it', async () => {
      const action = await service.create(analyst, {
        ...actionForm({ reference: 'M-1', title: 'x', strategicPriority: String(priorities.reoffending) }),
        milestones: [
          { title: 'Done late', dueDate: '2018-6-30', completedOn: '2018-7-15' },
          { title: 'Not done', dueDate: '2018-8-31', completedOn: '--' },
          { title: 'Later', dueDate: '2018-12-31', completedOn: '--' },
        ],
      })
      assert.equal(action.kind, 'saved')
      if (action.kind !== 'saved') return
      const { action: view } = await service.get(analyst, action.action.id)
      assert.deepEqual(
        view.milestonesShown.map((m) => [m.title, m.overdue]),
        [
          ['Done late', false],
          ['Not done', true],
          ['Later', false],
        ],
      )
      assert.equal(view.milestoneOverdue, true)
      assert.equal(view.overdue, false, 'the action itself has no due date')
    })

    test('the flags kept with an object stay until the object changes or the day in England does', async () => {
      await add('K-1', { dueDate: '2018-8-31', status: 'on-track' })
      const data = {}
      assert.deepEqual(await service.flags(analyst, data), { overdue: 1, atRisk: 0, offTrack: 0 })
      // A change the kept object does not stand for is not seen through it (the dashboard's report changes with
      // every audited change, so this cannot happen there); a new object reads again.
      await add('K-2', { status: 'at-risk' })
      assert.deepEqual(await service.flags(analyst, data), { overdue: 1, atRisk: 0, offTrack: 0 })
      assert.deepEqual(await service.flags(analyst, {}), { overdue: 1, atRisk: 1, offTrack: 0 })
      // Midnight in England (BST): a new day is counted afresh with the same object.
      clock = new Date('2018-09-01T23:00:00Z')
      assert.deepEqual(await service.flags(analyst, data), { overdue: 1, atRisk: 1, offTrack: 0 })
    })
  })
}
