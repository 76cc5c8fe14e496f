import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { sql, type Generated, type Kysely } from 'kysely'
import { openDatabase, sqliteDriver, type Database } from './database.ts'
import { DatabaseBusyError } from './database-errors.ts'
import { withoutWaitingForLocks } from './sqlite-driver.ts'

/** The test's own table. */
interface NotesSchema {
  notes: { id: Generated<number>; text: string }
}

/**
 * The SQLite driver never waits on the event loop for a lock. Another process is played by a second better-sqlite3
 * connection to the same file: a separate connection takes SQLite's file locks as another process would.
 */
describe('SQLite: waiting for another connection’s write lock', () => {
  let directory: string
  let file: string
  let database: Database
  let db: Kysely<NotesSchema>
  let other: InstanceType<ReturnType<typeof sqliteDriver>> | null

  beforeEach(async () => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'saferhub-sqlite-driver-'))
    file = path.join(directory, 'test.sqlite')
    database = openDatabase({ sqliteFile: file, lockWaitMs: 2000 })
    db = database.db as unknown as Kysely<NotesSchema>
    await sql`create table notes (id integer primary key, text text not null) strict`.execute(db)
    await sql`insert into notes (text) values ('first')`.execute(db)
    other = null
  })
  afterEach(async () => {
    if (other?.inTransaction) other.exec('rollback')
    other?.close()
    await database.close()
    rmSync(directory, { recursive: true, force: true })
  })

  /** The other "process" takes the write lock (and has written a row it has not committed). */
  function lockFromOutside() {
    const Sqlite = sqliteDriver()
    const connection = new Sqlite(file)
    connection.exec("begin immediate; insert into notes (text) values ('uncommitted')")
    other = connection
    return connection
  }

  const texts = async () => (await db.selectFrom('notes').select('text').orderBy('id').execute()).map((r) => r.text)

  it('a write waits without stopping the process, and goes through once the lock is let go', async () => {
    const connection = lockFromOutside()
    // Let go by a timer of this same process: were the wait inside SQLite (its busy timeout), the process would be
    // stopped, the timer could not run, and the write would fail after the wait.
    setTimeout(() => connection.exec('rollback'), 200)
    await db.insertInto('notes').values({ text: 'second' }).execute()
    assert.deepEqual(await texts(), ['first', 'second'])
  })

  it('a transaction waits the same way for BEGIN IMMEDIATE', async () => {
    const connection = lockFromOutside()
    setTimeout(() => connection.exec('commit'), 200)
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('notes').values({ text: 'in a transaction' }).execute()
    })
    assert.deepEqual(await texts(), ['first', 'uncommitted', 'in a transaction'])
  })

  it('reads while the lock is held, seeing what was committed', async () => {
    lockFromOutside()
    assert.deepEqual(await texts(), ['first'])
  })

  it('gives up with DatabaseBusyError after the lock wait, having written nothing', async () => {
    lockFromOutside()
    await assert.rejects(
      db.insertInto('notes').values({ text: 'never' }).execute(),
      (error) => error instanceof DatabaseBusyError,
    )
    other?.exec('rollback')
    assert.deepEqual(await texts(), ['first'])
  })

  it('withoutWaitingForLocks: a write that finds the lock held fails at once', async () => {
    lockFromOutside()
    let timerRan = false
    setTimeout(() => (timerRan = true), 100)
    await assert.rejects(
      withoutWaitingForLocks(() => db.insertInto('notes').values({ text: 'skipped' }).execute()),
      (error) => error instanceof DatabaseBusyError,
    )
    assert.equal(timerRan, false, 'it did not wait for the 100 ms timer')
  })

  it('does not try again a statement inside a transaction begun without the lock (BEGIN DEFERRED)', async () => {
    await db.connection().execute(async (connection) => {
      await sql`begin`.execute(connection)
      try {
        assert.deepEqual((await connection.selectFrom('notes').select('text').execute()).length, 1)
        lockFromOutside()
        setTimeout(() => other?.exec('rollback'), 200)
        // Trying it again could not help: the transaction's reads may be out of date. It fails whole, at once.
        await assert.rejects(
          connection.insertInto('notes').values({ text: 'late' }).execute(),
          (error) => error instanceof DatabaseBusyError,
        )
      } finally {
        await sql`rollback`.execute(connection).catch(() => undefined)
      }
    })
  })

  it('a read does not wait for this process’s own open transaction, and does not see its writes', async () => {
    let letGo: () => void = () => undefined
    const held = new Promise<void>((resolve) => (letGo = resolve))
    let inside: () => void = () => undefined
    const started = new Promise<void>((resolve) => (inside = resolve))
    const transaction = db.transaction().execute(async (trx) => {
      await trx.insertInto('notes').values({ text: 'pending' }).execute()
      inside()
      await held
    })
    await started
    assert.deepEqual(await texts(), ['first'])
    letGo()
    await transaction
    assert.deepEqual(await texts(), ['first', 'pending'])
  })

  it('reads inside a bare SAVEPOINT (as a migration opens) see its own writes', async () => {
    await sql`savepoint outer_step`.execute(db)
    await sql`insert into notes (text) values ('migrated')`.execute(db)
    assert.deepEqual(await texts(), ['first', 'migrated'])
    await sql`release outer_step`.execute(db)
    assert.deepEqual(await texts(), ['first', 'migrated'])
  })
})

/** Statements are prepared once per connection and kept: what keeping them must not change. */
describe('SQLite: kept prepared statements', () => {
  let directory: string
  let database: Database
  let db: Kysely<NotesSchema>

  beforeEach(async () => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'saferhub-sqlite-statements-'))
    database = openDatabase({ sqliteFile: path.join(directory, 'test.sqlite') })
    db = database.db as unknown as Kysely<NotesSchema>
    await sql`create table notes (id integer primary key, text text not null) strict`.execute(db)
    await db
      .insertInto('notes')
      .values([{ text: 'first' }, { text: 'second' }])
      .execute()
  })
  afterEach(async () => {
    await database.close()
    rmSync(directory, { recursive: true, force: true })
  })

  it('a kept `select *` sees a column added after it was first run (SQLite prepares it again)', async () => {
    const all = () => sql<Record<string, unknown>>`select * from notes order by id`.execute(db)
    assert.deepEqual((await all()).rows[0], { id: 1, text: 'first' })
    await sql`alter table notes add column owner text`.execute(db)
    await sql`update notes set owner = 'police' where id = 1`.execute(db)
    assert.deepEqual((await all()).rows[0], { id: 1, text: 'first', owner: 'police' })
  })

  it('the same query runs while it is being streamed (a streamed statement is never a kept one)', async () => {
    const query = db.selectFrom('notes').select('text').orderBy('id')
    assert.deepEqual(await query.execute(), [{ text: 'first' }, { text: 'second' }]) // now kept
    const streamed: string[] = []
    for await (const row of query.stream()) {
      streamed.push(row.text)
      // better-sqlite3 refuses to run a statement that is being iterated ("busy"): this must be another one.
      assert.deepEqual(await query.execute(), [{ text: 'first' }, { text: 'second' }])
    }
    assert.deepEqual(streamed, ['first', 'second'])
  })

  it('a kept write and a kept read give the values of each run, not of the first', async () => {
    for (const text of ['third', 'fourth', 'fifth']) {
      await db.insertInto('notes').values({ text }).execute()
      const row = await db.selectFrom('notes').select('text').where('text', '=', text).executeTakeFirst()
      assert.equal(row?.text, text)
    }
    assert.equal((await db.selectFrom('notes').select('id').execute()).length, 5)
  })
})
