import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DatabaseBusyError, databaseFailure, databaseFailureLine } from './database-errors.ts'

/** An error as a driver makes it: a message and a code (better-sqlite3: SQLite's name; pg: the SQLSTATE). */
function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code })
}

describe('database failures', () => {
  // The codes and messages below are the drivers' own (SQLite's result codes, PostgreSQL's SQLSTATE appendix A,
  // Node's errno names, node-postgres's messages), not read back from the code under test's tables.
  const cases: [string, unknown, ReturnType<typeof databaseFailure>][] = [
    ['SQLite locked', coded('database is locked', 'SQLITE_BUSY'), 'busy'],
    ['SQLite snapshot', coded('database is locked', 'SQLITE_BUSY_SNAPSHOT'), 'busy'],
    ['SQLite table locked', coded('database table is locked', 'SQLITE_LOCKED'), 'busy'],
    ['the lock wait over', new DatabaseBusyError(), 'busy'],
    ['SQLite disk full', coded('database or disk is full', 'SQLITE_FULL'), 'full'],
    ['no space on device', coded('ENOSPC: no space left on device, write', 'ENOSPC'), 'full'],
    [
      'PostgreSQL disk full',
      coded('could not extend file "base/16384/16385": No space left on device', '53100'),
      'full',
    ],
    ['SQLite file cannot be opened', coded('unable to open database file', 'SQLITE_CANTOPEN'), 'unreachable'],
    ['refused', coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'unreachable'],
    ['reset', coded('read ECONNRESET', 'ECONNRESET'), 'unreachable'],
    ['restart', coded('terminating connection due to administrator command', '57P01'), 'unreachable'],
    ['starting up', coded('the database system is starting up', '57P03'), 'unreachable'],
    ['too many', coded('sorry, too many clients already', '53300'), 'unreachable'],
    ['connection failure', coded('connection failure', '08006'), 'unreachable'],
    ['lost while checked out', new Error('Connection terminated unexpectedly'), 'unreachable'],
    ['used after', new Error('Client has encountered a connection error and is not queryable'), 'unreachable'],
    ['no free connection', new Error('timeout exceeded when trying to connect'), 'unreachable'],
    [
      'every address refused',
      new AggregateError([coded('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')]),
      'unreachable',
    ],
    [
      'a migration wrapping the driver',
      new Error('Database migration  failed: Error: connect ECONNREFUSED', {
        cause: coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      }),
      'unreachable',
    ],
    ['a constraint', coded('UNIQUE constraint failed: users.email', 'SQLITE_CONSTRAINT_UNIQUE'), null],
    ['a unique violation', coded('duplicate key value violates unique constraint', '23505'), null],
    ['a serialization failure (retried elsewhere)', coded('could not serialize access', '40001'), null],
    ['a file that is missing', coded("ENOENT: no such file or directory, open 'x.csv'", 'ENOENT'), null],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')"), null],
    ['not an error', 'database is locked', null],
  ]
  for (const [name, error, kind] of cases) {
    it(`${name}: ${kind ?? 'not a database failure'}`, () => {
      assert.equal(databaseFailure(error), kind)
    })
  }

  it('does not loop on an error that is its own cause', () => {
    const error = new Error('odd') as Error & { cause?: unknown }
    error.cause = error
    assert.equal(databaseFailure(error), null)
  })

  it('gives the command line one line for each, with the driver’s words for the operator', () => {
    const lines = [
      databaseFailureLine('busy', new DatabaseBusyError({ cause: coded('database is locked', 'SQLITE_BUSY') })),
      databaseFailureLine('full', coded('database or disk is full', 'SQLITE_FULL')),
      databaseFailureLine(
        'unreachable',
        new Error('wrapped', { cause: coded('terminating connection due to administrator command', '57P01') }),
      ),
    ]
    for (const line of lines) assert.doesNotMatch(line, /\n/)
    assert.match(lines[0] ?? '', /^The database is busy: .*Nothing was written\. Try again in a moment\.$/)
    assert.doesNotMatch(lines[0] ?? '', /database is locked/)
    assert.equal(
      lines[1],
      'The disk holding the database is full (database or disk is full): nothing was written. Free some space, then run the command again.',
    )
    assert.match(
      lines[2] ?? '',
      /^The database cannot be reached \(terminating connection due to administrator command\)/,
    )
    assert.match(lines[2] ?? '', /was not committed/)
  })
})
