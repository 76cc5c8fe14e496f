import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { sql } from 'kysely'
import type { Database } from '../db/database.ts'
import { scopeToPartnership, type ScopedDatabase } from '../db/partnership-scope.ts'
import { addTestPartnership, openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { GENESIS_HASH, type AuditEventInput } from './audit-chain.ts'
import { createAuditRepository, type AuditRepository } from './audit-repository.ts'
import { withAuditedTransaction } from './audited-transaction.ts'

const fixedClock = () => new Date('2018-04-30T09:15:00.000Z')

const knifeCrimeQ4: AuditEventInput = {
  actor: 'swp-analyst',
  action: 'update',
  entityType: 'indicator-value',
  entityKey: 'knife-crime/FY2017-18-Q4',
  before: { period: 'FY2017-18-Q4', value: 66 },
  after: { period: 'FY2017-18-Q4', value: 67 },
  importId: 7,
}

function event(n: number): AuditEventInput {
  return { ...knifeCrimeQ4, entityKey: `knife-crime/${n}`, after: { value: n } }
}

for (const dialect of testDialects()) {
  describe(`audit trail (${dialect})`, () => {
    let database: Database
    let audit: AuditRepository
    beforeEach(async () => {
      database = await openTestDatabase(dialect)
      audit = createAuditRepository(database, { now: fixedClock })
    })
    afterEach(() => database.close())

    test('stores who, when, what, before and after, chained from the genesis hash', async () => {
      const stored = await withAuditedTransaction(database, (trx) => audit.append(trx, knifeCrimeQ4))
      // The hash worked out by hand from the documented rule: sha256(previous hash + canonical JSON, keys sorted).
      const canonical =
        '{"action":"update","actor":"swp-analyst","after":"{\\"period\\":\\"FY2017-18-Q4\\",\\"value\\":67}",' +
        '"before":"{\\"period\\":\\"FY2017-18-Q4\\",\\"value\\":66}","entityKey":"knife-crime/FY2017-18-Q4",' +
        '"entityType":"indicator-value","id":1,"importId":7,"occurredAt":"2018-04-30T09:15:00.000Z","requestId":null}'
      const expectedHash = createHash('sha256')
        .update('0000000000000000000000000000000000000000000000000000000000000000' + canonical)
        .digest('hex')
      const [listed] = await audit.list()
      assert.deepEqual(listed, {
        id: 1,
        occurredAt: '2018-04-30T09:15:00.000Z',
        actor: 'swp-analyst',
        action: 'update',
        entityType: 'indicator-value',
        entityKey: 'knife-crime/FY2017-18-Q4',
        before: '{"period":"FY2017-18-Q4","value":66}',
        after: '{"period":"FY2017-18-Q4","value":67}',
        requestId: null,
        importId: 7,
        // The instance's own event: no partnership, and none in its hash (as every event before partnerships).
        partnershipId: null,
        previousHash: GENESIS_HASH,
        hash: expectedHash,
      })
      assert.deepEqual(stored, listed)
    })

    test('a partnership’s events carry it in their hash; each partnership reads its own and its members’', async () => {
      const partnerships = [
        { id: await addTestPartnership(database, 'northshire') },
        { id: await addTestPartnership(database, 'southshire') },
      ]
      const [north, south] = partnerships.map((p) => scopeToPartnership(database, p.id)) as [
        ScopedDatabase,
        ScopedDatabase,
      ]
      const northAudit = createAuditRepository(north, { now: fixedClock })
      const southAudit = createAuditRepository(south, { now: fixedClock })
      const northEvent = await withAuditedTransaction(north, (trx) => northAudit.append(trx, knifeCrimeQ4))
      await withAuditedTransaction(south, (trx) => southAudit.append(trx, event(2)))
      // A sign-in (the instance's event) of a member of the north only.
      const user = await database.db
        .insertInto('users')
        .values({
          email: 'member@example.org',
          name: 'Member',
          instance_administrator: 0,
          disabled: 0,
          password_hash: null,
          must_change_password: 0,
          created_at: 'x',
          updated_at: 'x',
          password_changed_at: null,
          last_signed_in_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await database.db
        .insertInto('memberships')
        .values({
          user_id: user.id,
          partnership_id: north.partnershipId,
          role: 'viewer',
          agency_id: null,
          created_at: 'x',
          updated_at: 'x',
        })
        .execute()
      await withAuditedTransaction(database, (trx) =>
        audit.append(trx, { ...knifeCrimeQ4, entityType: 'user', entityKey: String(user.id), action: 'sign-in' }),
      )
      // By hand: the same canonical JSON as above with "partnershipId" among the keys, after the previous hash.
      const canonical =
        '{"action":"update","actor":"swp-analyst","after":"{\\"period\\":\\"FY2017-18-Q4\\",\\"value\\":67}",' +
        '"before":"{\\"period\\":\\"FY2017-18-Q4\\",\\"value\\":66}","entityKey":"knife-crime/FY2017-18-Q4",' +
        `"entityType":"indicator-value","id":1,"importId":7,"occurredAt":"2018-04-30T09:15:00.000Z","partnershipId":${north.partnershipId},"requestId":null}`
      assert.equal(
        northEvent.hash,
        createHash('sha256')
          .update(GENESIS_HASH + canonical)
          .digest('hex'),
      )
      assert.deepEqual(
        (await northAudit.list()).map((e) => [e.id, e.action]),
        [
          [1, 'update'],
          [3, 'sign-in'],
        ],
      )
      assert.deepEqual(
        (await southAudit.list()).map((e) => e.id),
        [2],
      )
      assert.equal(await southAudit.count(), 1)
      assert.equal(await southAudit.latestId(), 2)
      // The newest a partnership sees: its member's sign-in (3); ignoring sign-ins, its own event (1), although the
      // other partnership's (2) is newer.
      assert.equal(await northAudit.latestId(), 3)
      assert.equal(await northAudit.latestId({ ignoring: ['user'] }), 1)
      assert.equal(await southAudit.latestId({ ignoring: ['user'] }), 2)
      // Asked again after more events (its queries are compiled once and run again each time): it moves with them,
      // each partnership with its own only.
      await withAuditedTransaction(south, (trx) => southAudit.append(trx, event(4)))
      assert.equal(await southAudit.latestId({ ignoring: ['user'] }), 4)
      assert.equal(await northAudit.latestId({ ignoring: ['user'] }), 1)
      await withAuditedTransaction(north, (trx) => northAudit.append(trx, event(5)))
      assert.equal(await northAudit.latestId({ ignoring: ['user'] }), 5)
      assert.equal(await northAudit.latestId(), 5)
      await withAuditedTransaction(south, (trx) => southAudit.append(trx, event(4)))
      assert.equal(await southAudit.latestId(), 6)
      assert.equal(await audit.count(), 6)
      assert.equal((await audit.verify()).ok, true)
    })

    test('finds the events of one KPI by key prefix, taking % and _ literally, and reports the newest id', async () => {
      assert.equal(await audit.latestId(), 0)
      const keys = [
        'knife-crime/FY2017-18-Q1',
        'knife-crime-2/FY2017-18-Q1',
        'knife%/x',
        'knife_crime/FY2017-18-Q2',
        'knife-crime/FY2017-18-Q2',
      ]
      await withAuditedTransaction(database, (trx) =>
        audit.appendAll(
          trx,
          keys.map((entityKey) => ({ ...knifeCrimeQ4, entityKey })),
        ),
      )
      const found = async (prefix: string) => (await audit.list({ entityKeyPrefix: prefix })).map((e) => e.entityKey)
      assert.deepEqual(await found('knife-crime/'), ['knife-crime/FY2017-18-Q1', 'knife-crime/FY2017-18-Q2'])
      assert.deepEqual(await found('knife%/'), ['knife%/x'])
      assert.equal(await audit.latestId(), keys.length)
      // Sign-in events (entity "user") after them move the newest id, but not the newest id ignoring users.
      const signIns = [1, 2, 3].map(() => ({ ...knifeCrimeQ4, entityType: 'user', entityKey: '7', action: 'sign-in' }))
      await withAuditedTransaction(database, (trx) => audit.appendAll(trx, signIns))
      assert.equal(await audit.latestId(), keys.length + 3)
      assert.equal(await audit.latestId({ ignoring: ['user'] }), keys.length)
      assert.equal(await audit.latestId({ ignoring: ['user', knifeCrimeQ4.entityType] }), 0)
    })

    test('each event names the hash of the one before, and the chain verifies', async () => {
      await withAuditedTransaction(database, (trx) => audit.appendAll(trx, [event(1), event(2), event(3)]))
      await withAuditedTransaction(database, (trx) => audit.append(trx, event(4)))
      const events = await audit.list()
      assert.deepEqual(
        events.map((e) => e.id),
        [1, 2, 3, 4],
      )
      for (let i = 1; i < events.length; i++) assert.equal(events[i]?.previousHash, events[i - 1]?.hash)
      assert.deepEqual(await audit.verify(), { ok: true, checked: 4, last: { id: 4, hash: events[3]?.hash } })
      assert.equal(await audit.count(), 4)
    })

    test('lists by record, by import and in pages', async () => {
      await withAuditedTransaction(database, (trx) =>
        audit.appendAll(trx, [event(1), { ...event(2), importId: 8 }, event(3)]),
      )
      assert.deepEqual(
        (await audit.list({ entityKey: 'knife-crime/2' })).map((e) => e.id),
        [2],
      )
      assert.deepEqual(
        (await audit.list({ importId: 7 })).map((e) => e.id),
        [1, 3],
      )
      assert.deepEqual(
        (await audit.list({ afterId: 1, limit: 1 })).map((e) => e.id),
        [2],
      )
    })

    test('an event inside a transaction that fails is not kept', async () => {
      await assert.rejects(
        withAuditedTransaction(database, async (trx) => {
          await audit.append(trx, event(1))
          throw new Error('the change itself failed')
        }),
        /the change itself failed/,
      )
      assert.equal(await audit.count(), 0)
      await withAuditedTransaction(database, (trx) => audit.append(trx, event(2)))
      assert.deepEqual(await audit.verify(), {
        ok: true,
        checked: 1,
        last: { id: 1, hash: (await audit.list())[0]?.hash },
      })
    })

    test('the database itself refuses UPDATE and DELETE on the audit trail', async () => {
      await withAuditedTransaction(database, (trx) => audit.appendAll(trx, [event(1), event(2)]))
      await assert.rejects(
        sql`update audit_events set actor = 'someone-else' where id = 1`.execute(database.db),
        /append-only/,
      )
      await assert.rejects(sql`update audit_events set after = null`.execute(database.db), /append-only/)
      await assert.rejects(sql`delete from audit_events where id = 2`.execute(database.db), /append-only/)
      await assert.rejects(sql`delete from audit_events`.execute(database.db), /append-only/)
      if (dialect === 'postgres') {
        await assert.rejects(sql`truncate audit_events`.execute(database.db), /append-only/)
      }
      const events = await audit.list()
      assert.equal(events.length, 2)
      assert.equal(events[0]?.actor, 'swp-analyst')
      assert.equal((await audit.verify()).ok, true)
    })

    test('a second event naming the same predecessor (a fork) is refused', async () => {
      const [first] = await withAuditedTransaction(database, (trx) => audit.appendAll(trx, [event(1)]))
      await assert.rejects(
        sql`insert into audit_events (id, occurred_at, actor, action, entity_type, entity_key, previous_hash, hash)
            values (2, '2018-05-01T00:00:00.000Z', 'x', 'update', 'indicator', 'k', ${GENESIS_HASH}, ${'f'.repeat(64)})`.execute(
          database.db,
        ),
      )
      assert.ok(first)
    })

    test('verification finds an altered event, a removed event and a recomputed hash', async () => {
      await withAuditedTransaction(database, (trx) => audit.appendAll(trx, [1, 2, 3, 4, 5].map(event)))
      // Tampering needs the protection out of the way first, as an attacker with the database owner's rights would.
      if (dialect === 'postgres') {
        await sql`drop trigger audit_events_no_update_or_delete on audit_events`.execute(database.db)
      } else {
        await sql`drop trigger audit_events_no_update`.execute(database.db)
        await sql`drop trigger audit_events_no_delete`.execute(database.db)
      }
      await sql`update audit_events set after = '{"value":99}' where id = 3`.execute(database.db)
      const altered = await audit.verify()
      assert.equal(altered.ok, false)
      assert.equal(!altered.ok && altered.eventId, 3)
      assert.equal(altered.checked, 2)
      assert.match(!altered.ok ? altered.reason : '', /altered/)

      // Recomputing the altered event's own hash only moves the break to the next event.
      const three = (await audit.list({ entityKey: 'knife-crime/3' }))[0]
      assert.ok(three)
      const canonical = JSON.stringify({
        action: three.action,
        actor: three.actor,
        after: '{"value":99}',
        before: three.before,
        entityKey: three.entityKey,
        entityType: three.entityType,
        id: 3,
        importId: three.importId,
        occurredAt: three.occurredAt,
        requestId: three.requestId,
      })
      const forged = createHash('sha256').update(three.previousHash).update(canonical).digest('hex')
      await sql`update audit_events set hash = ${forged} where id = 3`.execute(database.db)
      const moved = await audit.verify()
      assert.equal(!moved.ok && moved.eventId, 4)

      await sql`delete from audit_events where id = 4`.execute(database.db)
      const removed = await audit.verify()
      assert.equal(!removed.ok && removed.eventId, 5)
      assert.match(!removed.ok ? removed.reason : '', /event 4 is missing/)
    })

    test('concurrent appends are serialised into one unbroken chain', async () => {
      // On PostgreSQL these run on separate pooled connections at the same time; the lock orders them.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          withAuditedTransaction(database, async (trx) => {
            await audit.append(trx, event(i))
            await audit.append(trx, event(100 + i))
          }),
        ),
      )
      const verification = await audit.verify()
      assert.equal(verification.ok, true)
      assert.equal(verification.checked, 40)
      // Both events of each transaction stay next to each other: nothing interleaved inside a transaction.
      const events = await audit.list()
      for (let i = 0; i < events.length; i += 2) {
        const n = Number(events[i]?.entityKey.split('/')[1])
        assert.equal(events[i + 1]?.entityKey, `knife-crime/${100 + n}`)
      }
    })
  })
}
