import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import pg from 'pg'
import { createApplicationRoleDatabase, openTestDatabase } from '../../test/support/databases.ts'
import { openDatabase, type Database } from '../db/database.ts'
import type { LogEntry, LogLevel } from './logger.ts'
import { warnWhenRowSecurityIsBypassed } from './row-security-warning.ts'

function recorder() {
  const lines: { level: LogLevel; message: string; fields: LogEntry | undefined }[] = []
  return {
    lines,
    logger: { log: (level: LogLevel, message: string, fields?: LogEntry) => lines.push({ level, message, fields }) },
  }
}

async function warningsFor(database: Database) {
  const { lines, logger } = recorder()
  try {
    const warned = await warnWhenRowSecurityIsBypassed(database, logger)
    assert.equal(warned, lines.length > 0)
    return lines
  } finally {
    await database.close()
  }
}

describe('the warning at start when row-level security does not apply', () => {
  it('says nothing on SQLite (no row-level security there, nothing to bypass)', async () => {
    assert.deepEqual(await warningsFor(await openTestDatabase('sqlite')), [])
  })

  const skip = process.env.SAFERHUB_TEST_DATABASE_URL ? false : 'needs PostgreSQL: set SAFERHUB_TEST_DATABASE_URL'

  it('warns when the server connects to PostgreSQL as a superuser', { skip }, async () => {
    // The test server's own user is a superuser (it creates databases for every test).
    const lines = await warningsFor(openDatabase({ databaseUrl: process.env.SAFERHUB_TEST_DATABASE_URL ?? '' }))
    assert.equal(lines.length, 1)
    assert.equal(lines[0]?.level, 'warn')
    assert.match(lines[0]?.message ?? '', /Row-level security does not apply: the database role \S+ is a superuser/)
    assert.deepEqual(lines[0]?.fields, { event: 'row-security-bypassed' })
  })

  it('warns for a role with BYPASSRLS, and says nothing for an ordinary role', { skip }, async () => {
    const role = await createApplicationRoleDatabase()
    try {
      assert.deepEqual(await warningsFor(openDatabase({ databaseUrl: role.url })), [])
      const admin = new pg.Client({ connectionString: process.env.SAFERHUB_TEST_DATABASE_URL })
      await admin.connect()
      await admin.query(`ALTER ROLE ${role.role} BYPASSRLS`)
      await admin.end()
      const lines = await warningsFor(openDatabase({ databaseUrl: role.url }))
      assert.match(lines[0]?.message ?? '', new RegExp(`the database role ${role.role} has BYPASSRLS`))
    } finally {
      await role.drop()
    }
  })
})
