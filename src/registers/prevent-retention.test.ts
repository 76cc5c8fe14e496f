import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createAuditRepository } from '../audit/audit-repository.ts'
import type { Database } from '../db/database.ts'
import { scopeToPartnership, type ScopedDatabase } from '../db/partnership-scope.ts'
import { clockDateOf } from '../retention/retention-descriptor.ts'
import { createRetentionService } from '../retention/retention-service.ts'
import { addTestPartnership, openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { recordType, type RecordType } from './prevent-record-types.ts'
import { createPreventRepository } from './prevent-repository.ts'
import { preventRetention } from './prevent-retention.ts'
import { createPreventService } from './prevent-service.ts'

/**
 * The Prevent and engagement record types in the retention framework: the clocks that are not plain dates (a
 * quarter's end, an instant's date in England), the review list, deletion through the Prevent repository with its
 * audit event and a tombstone, and the refusals while another row needs a record. Expected dates are worked out by
 * hand from the calendar (a quarter's last day; British Summer Time is UTC+1 from late March to late October).
 */
const admin = { role: 'administrator' as const, agencyId: null, email: 'admin@example.org' }
const analyst = { role: 'partnership-analyst' as const, agencyId: null, email: 'analyst@example.org' }

const typeOf = (area: string, slug: string): RecordType => {
  const type = recordType(area, slug)
  assert.ok(type, `${area}/${slug}`)
  return type
}

describe('a retention clock that is not a date', () => {
  test('a quarter starts the clock on its last day', () => {
    assert.equal(clockDateOf('quarter', 'FY2017-18-Q1'), '2017-06-30')
    assert.equal(clockDateOf('quarter', 'FY2017-18-Q2'), '2017-09-30')
    assert.equal(clockDateOf('quarter', 'FY2017-18-Q3'), '2017-12-31')
    assert.equal(clockDateOf('quarter', 'FY2017-18-Q4'), '2018-03-31')
    assert.equal(clockDateOf('quarter', 'FY2017-18'), null, 'a year is not a quarter')
    assert.equal(clockDateOf('quarter', 'FY2017-19-Q1'), null)
  })

  test('an instant starts it on its date in England: near midnight in summer time it is the next day', () => {
    assert.equal(clockDateOf('instant', '2018-06-30T22:59:59.000Z'), '2018-06-30')
    assert.equal(clockDateOf('instant', '2018-06-30T23:00:00.000Z'), '2018-07-01')
    assert.equal(clockDateOf('instant', '2018-06-30T23:30:00.000Z'), '2018-07-01')
    assert.equal(clockDateOf('instant', '2018-12-31T23:30:00.000Z'), '2018-12-31', 'in winter England is on UTC')
    assert.equal(clockDateOf('instant', 'not a time'), null)
    assert.equal(clockDateOf('date', '2018-03-31'), '2018-03-31')
    assert.equal(clockDateOf('date', null), null)
  })

  test('every Prevent and engagement register has one descriptor, arrangements none', () => {
    const descriptors = preventRetention(createPreventRepository({} as ReturnType<typeof createAuditRepository>))
    assert.equal(descriptors.length, 11)
    assert.equal(new Set(descriptors.map((d) => d.recordType)).size, 11)
    const clocks = descriptors.map((d) => `${d.table}.${d.clockColumn}:${d.clockKind}`)
    for (const expected of [
      'channel_panel_meetings.meeting_date:date',
      'prevent_referral_counts.quarter:quarter',
      'prevent_register_settings.created_at:instant',
      'covenant_signatories.signed_on:date',
    ])
      assert.ok(clocks.includes(expected), expected)
    assert.ok(!descriptors.some((d) => d.table === 'prevent_arrangements'))
  })
})

for (const dialect of testDialects()) {
  describe(`Prevent and engagement retention (${dialect})`, () => {
    let root: Database
    let a: ScopedDatabase
    before(async () => {
      root = await openTestDatabase(dialect)
      a = scopeToPartnership(root, await addTestPartnership(root, 'Partnership A'))
      // Another partnership's rows must never show in A's review list.
      const b = scopeToPartnership(root, await addTestPartnership(root, 'Partnership B'))
      const other = prevent(b)
      await other.create(analyst, typeOf('prevent', 'referrals'), {
        quarter: 'FY2016-17-Q1',
        referrals: '3',
        source: 'WMP CTU',
      })
    })
    after(() => root.close())

    const prevent = (database: ScopedDatabase) =>
      createPreventService({
        database,
        repository: createPreventRepository(createAuditRepository(database)),
        disclosureMinimum: 5,
        indicators: async () => [],
        kpiQuarterValues: async () => new Map(),
        planActions: async () => [],
      })
    const retentionAt = (date: string) =>
      createRetentionService({
        database: a,
        audit: createAuditRepository(a),
        descriptors: preventRetention(createPreventRepository(createAuditRepository(a))),
        now: () => new Date(`${date}T12:00:00Z`),
      })
    const dueOf = async (date: string, recordType: string) =>
      (await retentionAt(date).review(admin))
        .find((r) => r.recordType === recordType)
        ?.due.map((d) => [d.label, d.clockStarted, d.dueOn])
    const created = (outcome: { outcome: string; id?: number }) => {
      assert.equal(outcome.outcome, 'saved', JSON.stringify(outcome))
      return outcome.id as number
    }

    test('a quarter’s referral count is due six years after the quarter ends, not the day before', async () => {
      created(
        await prevent(a).create(analyst, typeOf('prevent', 'referrals'), {
          quarter: 'FY2017-18-Q1',
          referrals: '12',
          source: 'WMP CTU',
        }),
      )
      // 30 June 2017 + 72 months = 30 June 2023.
      assert.deepEqual(await dueOf('2023-06-29', 'prevent-referral-count'), [])
      assert.deepEqual(await dueOf('2023-06-30', 'prevent-referral-count'), [
        ['FY2017-18-Q1', '2017-06-30', '2023-06-30'],
      ])
      const review = (await retentionAt('2023-06-30').review(admin)).find(
        (r) => r.recordType === 'prevent-referral-count',
      )
      assert.equal(review?.name, 'Prevent referrals by quarter')
      assert.equal(review?.isDefault, true)
      assert.match(review?.defaultReason ?? '', /six years/)
    })

    test('a setting added near midnight in summer time starts its clock the next day; kept while training names it', async () => {
      const settings = typeOf('prevent', 'settings')
      const training = typeOf('prevent', 'training')
      const settingId = created(await prevent(a).create(analyst, settings, { kind: 'school', name: 'Oak Primary' }))
      // Recorded at 00:30 on 1 July 2018 in England (23:30 UTC on 30 June).
      await a.db
        .updateTable('prevent_register_settings')
        .set({ created_at: '2018-06-30T23:30:00.000Z' })
        .where('id', '=', settingId)
        .execute()
      const trainingId = created(
        await prevent(a).create(analyst, training, {
          course: 'WRAP',
          'delivered_on-day': '12',
          'delivered_on-month': '9',
          'delivered_on-year': '2017',
          sessions: '1',
          attendees: '30',
          setting_id: String(settingId),
        }),
      )
      assert.deepEqual(await dueOf('2024-06-30', 'prevent-setting'), [])
      assert.deepEqual(await dueOf('2024-07-01', 'prevent-setting'), [['Oak Primary', '2018-07-01', '2024-07-01']])

      const service = retentionAt('2024-07-01')
      assert.deepEqual(await service.deleteRecord(admin, 'prevent-setting', settingId), {
        outcome: 'needed',
        reason: '1 record of training delivered names it as the setting that received it: delete that record first',
      })
      assert.ok(await prevent(a).get(analyst, settings, settingId), 'nothing deleted')
      assert.equal((await service.deleteRecord(admin, 'prevent-training', trainingId)).outcome, 'deleted')
      const deleted = await service.deleteRecord(admin, 'prevent-setting', settingId)
      assert.equal(deleted.outcome, 'deleted')
      assert.equal(await prevent(a).get(analyst, settings, settingId), null)

      const tombstone = (await service.tombstones(admin)).find((t) => t.recordType === 'prevent-setting')
      assert.deepEqual(
        { ...tombstone, deletedAt: undefined },
        {
          recordType: 'prevent-setting',
          recordId: settingId,
          label: 'Oak Primary',
          clockStarted: '2018-07-01',
          deletedAt: undefined,
          deletedBy: 'admin@example.org',
          reason: tombstone?.reason,
          periodMonths: 72,
        },
      )
      const audit = createAuditRepository(a)
      assert.deepEqual(
        (await audit.list({ entityType: 'prevent-setting', entityKey: String(settingId) })).map((e) => e.action),
        ['create', 'delete'],
        'the Prevent repository audited the row it deleted',
      )
      assert.deepEqual(
        (await audit.list({ entityType: 'retention-tombstone', entityKeyPrefix: 'prevent-setting/' })).map((e) => [
          e.action,
          e.entityKey,
          e.actor,
        ]),
        [['retention-delete', `prevent-setting/${settingId}`, 'admin@example.org']],
      )
    })

    test('refuses a record not yet due, and the risk assessment in use whatever its age', async () => {
      const assessments = typeOf('prevent', 'risk-assessments')
      const older = created(
        await prevent(a).create(analyst, assessments, {
          'assessed_on-day': '1',
          'assessed_on-month': '5',
          'assessed_on-year': '2016',
          tier: '3',
        }),
      )
      const newer = created(
        await prevent(a).create(analyst, assessments, {
          'assessed_on-day': '1',
          'assessed_on-month': '5',
          'assessed_on-year': '2017',
          tier: '3',
        }),
      )
      assert.deepEqual(await retentionAt('2022-04-30').deleteRecord(admin, 'prevent-risk-assessment', older), {
        outcome: 'not-due',
        dueOn: '2022-05-01',
      })
      const later = retentionAt('2030-01-01')
      assert.deepEqual(await later.deleteRecord(admin, 'prevent-risk-assessment', newer), {
        outcome: 'needed',
        reason: 'it is the local risk assessment in use: record a newer one first',
      })
      assert.equal((await later.deleteRecord(admin, 'prevent-risk-assessment', older)).outcome, 'deleted')
      assert.deepEqual(
        (await later.tombstones(admin))
          .filter((t) => t.recordType === 'prevent-risk-assessment')
          .map((t) => [t.label, t.clockStarted]),
        [['Tier 3', '2016-05-01']],
      )
      await assert.rejects(() => later.deleteRecord(analyst, 'prevent-risk-assessment', newer), 'administrators only')
    })

    test('a Channel panel meeting’s tombstone names its date, never a person', async () => {
      const channel = typeOf('prevent', 'channel-panel')
      const id = created(
        await prevent(a).create(analyst, channel, {
          'meeting_date-day': '10',
          'meeting_date-month': '5',
          'meeting_date-year': '2017',
          cases_discussed: '4',
          cases_adopted: '2',
          cases_closed: '1',
        }),
      )
      assert.deepEqual(await dueOf('2023-05-10', 'channel-panel-meeting'), [
        ['Channel panel meeting of 2017-05-10', '2017-05-10', '2023-05-10'],
      ])
      const result = await retentionAt('2023-05-10').deleteRecord(admin, 'channel-panel-meeting', id)
      assert.equal(result.outcome, 'deleted')
      assert.equal(await prevent(a).get(analyst, channel, id), null)
    })
  })
}
