import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { SessionData } from 'express-session'
import { openDatabase, type Database } from '../db/database.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { fakeClock } from './clock.ts'
import { DatabaseSessionStore } from './session-store.ts'

const session = (extra: Partial<SessionData> = {}): SessionData =>
  ({
    cookie: { originalMaxAge: 1_800_000, httpOnly: true, path: '/', secure: false, sameSite: 'lax' },
    ...extra,
  }) as SessionData

async function addUser(database: Database, email: string): Promise<number> {
  const row = await database.db
    .insertInto('users')
    .values({
      email,
      name: email,
      instance_administrator: 0,
      disabled: 0,
      password_hash: null,
      must_change_password: 0,
      created_at: '2018-04-01T00:00:00.000Z',
      updated_at: '2018-04-01T00:00:00.000Z',
      password_changed_at: null,
      last_signed_in_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

for (const dialect of testDialects()) {
  describe(`database session store (${dialect})`, () => {
    let database: Database
    const clock = fakeClock('2018-04-03T09:00:00.000Z')
    let store: DatabaseSessionStore

    beforeEach(async () => {
      database = await openTestDatabase(dialect)
      clock.set('2018-04-03T09:00:00.000Z')
      // 30 minutes idle, 12 hours absolute.
      store = new DatabaseSessionStore({
        db: database.db,
        clock,
        idleTimeoutSeconds: 30 * 60,
        absoluteTimeoutSeconds: 12 * 3600,
      })
    })
    afterEach(() => database.close())

    it('round-trips a session, stored under a hash of its id', async () => {
      const userId = await addUser(database, 'a@example.org')
      await store.write('sid-one', session({ userId, signedInAt: '2018-04-03T09:00:00.000Z', flash: 'Hello' }))
      const read = await store.read('sid-one')
      assert.equal(read?.userId, userId)
      assert.equal(read?.flash, 'Hello')
      assert.equal(read?.cookie.path, '/')
      const rows = await database.db.selectFrom('sessions').selectAll().execute()
      assert.equal(rows.length, 1)
      assert.equal(rows[0]?.sid_hash, createHash('sha256').update('sid-one').digest('hex'))
      assert.equal(rows[0]?.user_id, userId)
      assert.equal(rows[0]?.expires_at, '2018-04-03T09:30:00.000Z')
      assert.equal(rows[0]?.absolute_expires_at, '2018-04-03T21:00:00.000Z')
      assert.equal(await store.read('sid-two'), null)
    })

    it('works through the express-session callback interface', async () => {
      await new Promise<void>((resolve, reject) =>
        store.set('cb', session({ flash: 'x' }), (e) => (e ? reject(e) : resolve())),
      )
      const read = await new Promise<SessionData | null | undefined>((resolve, reject) =>
        store.get('cb', (e, s) => (e ? reject(e) : resolve(s))),
      )
      assert.equal(read?.flash, 'x')
      await new Promise<void>((resolve, reject) => store.destroy('cb', (e) => (e ? reject(e) : resolve())))
      assert.equal(await store.read('cb'), null)
    })

    it('ends a session left idle for 30 minutes, and deletes it', async () => {
      await store.write('idle', session())
      clock.advance({ minutes: 29, seconds: 59 })
      assert.notEqual(await store.read('idle'), null)
      clock.advance({ seconds: 1 })
      assert.equal(await store.read('idle'), null)
      assert.equal((await database.db.selectFrom('sessions').selectAll().execute()).length, 0)
    })

    it('keeps a session alive while it is used (touch or save)', async () => {
      await store.write('busy', session())
      clock.advance({ minutes: 20 })
      await store.extend('busy')
      clock.advance({ minutes: 20 }) // 40 minutes since it began, 20 since last used
      assert.notEqual(await store.read('busy'), null)
      await store.write('busy', session({ flash: 'saved' }))
      clock.advance({ minutes: 29 })
      assert.equal((await store.read('busy'))?.flash, 'saved')
    })

    it('ends a session 12 hours after it began however much it is used', async () => {
      await store.write('long', session())
      for (let i = 0; i < 35; i++) {
        clock.advance({ minutes: 20 })
        await store.extend('long')
      }
      // 11 hours 40 minutes in: still alive.
      assert.notEqual(await store.read('long'), null)
      clock.advance({ minutes: 19, seconds: 59 })
      await store.write('long', session({ flash: 'still here' }))
      assert.notEqual(await store.read('long'), null)
      clock.advance({ seconds: 1 }) // exactly 12 hours
      assert.equal(await store.read('long'), null)
    })

    it('does not revive an expired session by touching it', async () => {
      await store.write('gone', session())
      clock.advance({ minutes: 31 })
      await store.extend('gone')
      assert.equal(await store.read('gone'), null)
    })

    /** One page as express-session runs it: the session read as the request begins, touched as it ends. */
    async function usePage(sid: string): Promise<void> {
      await new Promise<void>((resolve, reject) => store.get(sid, (e) => (e ? reject(e) : resolve())))
      await new Promise<void>((resolve, reject) => store.touch(sid, session(), (e) => (e ? reject(e) : resolve())))
    }
    const storedDeadline = async (sid: string) =>
      (
        await database.db
          .selectFrom('sessions')
          .select('expires_at')
          .where('sid_hash', '=', createHash('sha256').update(sid).digest('hex'))
          .executeTakeFirst()
      )?.expires_at

    it('moves the idle deadline only once it is a minute behind, not on every page', async () => {
      await store.write('reader', session())
      assert.equal(await storedDeadline('reader'), '2018-04-03T09:30:00.000Z')
      clock.advance({ seconds: 59 })
      await usePage('reader')
      // Within the minute: no write (the deadline stays 30 minutes after the last write).
      assert.equal(await storedDeadline('reader'), '2018-04-03T09:30:00.000Z')
      clock.set('2018-04-03T09:01:00.001Z')
      await usePage('reader')
      // A minute and a millisecond behind: written, 30 minutes from this page.
      assert.equal(await storedDeadline('reader'), '2018-04-03T09:31:00.001Z')
    })

    it('a session used every 50 seconds stays alive, and ends at most a minute early once left', async () => {
      await store.write('steady', session())
      for (let i = 0; i < 60; i++) {
        clock.advance({ seconds: 50 })
        await usePage('steady')
      }
      // 50 minutes in, used all along.
      assert.notEqual(await store.read('steady'), null)
      // Left alone now: alive 29 minutes after the last page, gone by 30.
      clock.advance({ minutes: 29 })
      assert.notEqual(await store.read('steady'), null)
      clock.advance({ minutes: 1 })
      assert.equal(await store.read('steady'), null)
    })

    it('a deadline moved by another process is read again, and a touch never revives a deleted session', async () => {
      await store.write('shared', session())
      const other = new DatabaseSessionStore({
        db: database.db,
        clock,
        idleTimeoutSeconds: 30 * 60,
        absoluteTimeoutSeconds: 12 * 3600,
      })
      clock.advance({ minutes: 10 })
      await other.extend('shared') // the other process's page: deadline 09:40
      clock.advance({ seconds: 30 })
      await usePage('shared') // reads 09:40, only 30 s behind: no write
      assert.equal(await storedDeadline('shared'), '2018-04-03T09:40:00.000Z')
      await other.remove('shared') // signed out through the other process
      clock.advance({ minutes: 5 })
      await new Promise<void>((resolve, reject) => store.touch('shared', session(), (e) => (e ? reject(e) : resolve())))
      assert.equal(await store.read('shared'), null)
    })

    it('ends every session of one user, and only theirs', async () => {
      const jane = await addUser(database, 'jane@example.org')
      const omar = await addUser(database, 'omar@example.org')
      await store.write('jane-laptop', session({ userId: jane }))
      await store.write('jane-phone', session({ userId: jane }))
      await store.write('omar', session({ userId: omar }))
      await store.write('anonymous', session())
      assert.equal(await store.removeAllForUser(jane), 2)
      assert.equal(await store.read('jane-laptop'), null)
      assert.equal(await store.read('jane-phone'), null)
      assert.notEqual(await store.read('omar'), null)
      assert.notEqual(await store.read('anonymous'), null)
      assert.equal(await store.count(), 2)
    })

    it('prunes sessions that have timed out', async () => {
      await store.write('old', session())
      clock.advance({ minutes: 25 })
      await store.write('new', session())
      clock.advance({ minutes: 10 })
      assert.equal(await store.prune(), 1)
      assert.notEqual(await store.read('new'), null)
    })
  })
}

describe('database session store across processes (SQLite file)', () => {
  let directory: string
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'saferhub-sessions-'))
  })
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }))

  it('a session written by one server is read by another, and survives a restart', async () => {
    const file = path.join(directory, 'saferhub.sqlite')
    const clock = fakeClock('2018-04-03T09:00:00.000Z')
    const options = { clock, idleTimeoutSeconds: 1800, absoluteTimeoutSeconds: 43200 }
    const first = openDatabase({ sqliteFile: file })
    const second = openDatabase({ sqliteFile: file })
    await migrateToLatest(first)
    await new DatabaseSessionStore({ db: first.db, ...options }).write('shared', session({ flash: 'from one' }))
    assert.equal((await new DatabaseSessionStore({ db: second.db, ...options }).read('shared'))?.flash, 'from one')
    await first.close()
    await second.close()
    const restarted = openDatabase({ sqliteFile: file })
    assert.equal((await new DatabaseSessionStore({ db: restarted.db, ...options }).read('shared'))?.flash, 'from one')
    await restarted.close()
  })
})
