import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { sql } from 'kysely'
import type { Database } from '../db/database.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import type { AuditEventInput, ChainPosition } from './audit-chain.ts'
import { createAuditRepository, type AuditRepository } from './audit-repository.ts'
import { withAuditedTransaction } from './audited-transaction.ts'
import { createChainCheck } from './chain-check.ts'

function event(n: number): AuditEventInput {
  return {
    actor: 'swp-analyst',
    action: 'update',
    entityType: 'indicator-value',
    entityKey: `knife-crime/${n}`,
    before: null,
    after: { value: n },
  }
}

/** Takes the append-only triggers away, as an attacker with the database owner's rights would. */
async function dropProtection(database: Database) {
  if (database.dialect === 'postgres') {
    await sql`drop trigger audit_events_no_update_or_delete on audit_events`.execute(database.db)
  } else {
    await sql`drop trigger audit_events_no_update`.execute(database.db)
    await sql`drop trigger audit_events_no_delete`.execute(database.db)
  }
}

for (const dialect of testDialects()) {
  describe(`the audit chain checked as it grows (${dialect})`, () => {
    let database: Database
    let audit: AuditRepository
    /** Every position each call to `verify` started from (undefined: the chain's start). */
    let startedFrom: (ChainPosition | undefined)[]
    let clock: Date
    const append = (ns: number[]) => withAuditedTransaction(database, (trx) => audit.appendAll(trx, ns.map(event)))
    const watched = () => ({
      verify(from?: ChainPosition) {
        startedFrom.push(from)
        return audit.verify(from)
      },
    })

    beforeEach(async () => {
      database = await openTestDatabase(dialect)
      audit = createAuditRepository(database)
      startedFrom = []
      clock = new Date('2026-12-07T09:00:00Z')
    })
    afterEach(() => database.close())

    test('reads the whole chain once, then only what was added, and counts every event', async () => {
      await append([1, 2, 3])
      const chain = createChainCheck(watched(), { now: () => clock })
      const first = await chain.current()
      assert.equal(first.ok, true)
      assert.equal(first.checked, 3)
      assert.deepEqual(first.fullCheckAt, clock)

      await append([4, 5])
      const second = await chain.current()
      assert.equal(second.ok && second.last.id, 5)
      assert.equal(second.checked, 5)
      // The first call read from the start; the second from event 3, which the first reached.
      assert.deepEqual(
        startedFrom.map((from) => from?.id),
        [undefined, 3],
      )
    })

    test('finds an event altered after the check that found it intact, and an event removed', async () => {
      await append([1, 2, 3])
      const chain = createChainCheck(audit, { now: () => clock })
      assert.equal((await chain.current()).ok, true)
      await dropProtection(database)
      // The event the last check ended on: the next check reads it again.
      await sql`update audit_events set after = '{"value":99}' where id = 3`.execute(database.db)
      const altered = await chain.current()
      assert.equal(altered.ok, false)
      assert.equal(!altered.ok && altered.eventId, 3)
      // Once found, a failure stays, whatever is appended after.
      await sql`update audit_events set after = '{"value":3}' where id = 3`.execute(database.db)
      assert.equal((await chain.current()).ok, false)

      const second = createChainCheck(audit, { now: () => clock })
      assert.equal((await second.current()).ok, true)
      await sql`delete from audit_events where id = 3`.execute(database.db)
      const removed = await second.current()
      assert.equal(!removed.ok && removed.eventId, 3)
      assert.match(!removed.ok ? removed.reason : '', /missing/)
    })

    test('an older event altered is found by the next full check, which runs once the interval has passed', async () => {
      await append([1, 2, 3, 4])
      const chain = createChainCheck(audit, { now: () => clock, fullCheckEveryMs: 60_000 })
      assert.equal((await chain.current()).ok, true)
      await dropProtection(database)
      await sql`update audit_events set after = '{"value":99}' where id = 2`.execute(database.db)
      // Within the interval only the newest events are read: event 2 is not.
      assert.equal((await chain.current()).ok, true)
      clock = new Date(clock.getTime() + 60_000)
      // This view starts the full check in the background; a later one reports what it found.
      await chain.current()
      let found = await chain.current()
      for (let i = 0; i < 50 && found.ok; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        found = await chain.current()
      }
      assert.equal(!found.ok && found.eventId, 2)
    })
  })
}
