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
