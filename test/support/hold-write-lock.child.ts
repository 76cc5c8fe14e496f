/**
 * A child process for tests: another process holding the SQLite database's write lock, as a command-line import or
 * `sqlite3` with `BEGIN IMMEDIATE` does. Takes the lock, writes "locked" on standard output, and holds it until it
 * reads a line on standard input (or its standard input closes, or 60 s pass, so that it never outlives the test);
 * then rolls back, writes "released" and exits.
 * Usage: node --import tsx hold-write-lock.child.ts <sqlite-file>
 */
import { writeSync } from 'node:fs'
import { sqliteDriver } from '../../src/db/database.ts'

const Sqlite = sqliteDriver()
const connection = new Sqlite(process.argv[2] ?? '')
connection.exec('begin immediate')
writeSync(1, 'locked\n')

let released = false
const release = () => {
  if (released) return
  released = true
  connection.exec('rollback')
  connection.close()
  writeSync(1, 'released\n')
  process.exit(0)
}
process.stdin.on('data', release)
process.stdin.on('end', release)
setTimeout(release, 60_000).unref()
process.stdin.resume()
