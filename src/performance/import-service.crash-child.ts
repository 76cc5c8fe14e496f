/**
 * A child process for import-service.test.ts: imports a changed value and stops dead half-way, with every
 * row and audit event written but the transaction not committed, so that the test can kill it (SIGKILL) there.
 * Usage: node --import tsx import-service.crash-child.ts <sqlite-file | postgres-url>
 */
import { writeSync } from 'node:fs'
import { createAuditRepository } from '../audit/audit-repository.ts'
import { openDatabase } from '../db/database.ts'
import { inTestPartnership } from '../../test/support/databases.ts'
import { readDemoFiles } from './demo.ts'
import { createPerformanceImportService } from './import-service.ts'
import { createPerformanceRepository } from './performance-repository.ts'

const target = process.argv[2] ?? ''
// The test's partnership: the one the parent made in the same database.
const database = await inTestPartnership(
  openDatabase(target.startsWith('postgres') ? { databaseUrl: target } : { sqliteFile: target }),
)
let calls = 0
// The import service reads its clock four times per import: for the start time, as the transaction starts, as the
// figures are written, and once everything is written (for the import's finishing time). The fourth call is the
// place to stop: every row is written, nothing committed.
const now = () => {
  if (++calls === 4) {
    writeSync(1, 'half-way\n')
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000)
  }
  return new Date()
}
const repository = createPerformanceRepository(database)
const service = createPerformanceImportService({ database, repository, audit: createAuditRepository(database), now })
const files = (await readDemoFiles('csv')).map((file) =>
  file.name === 'values.csv'
    ? {
        ...file,
        content: Buffer.from(
          file.content.toString('utf8').replace('knife-crime,FY2017-18-Q4,67,', 'knife-crime,FY2017-18-Q4,70,'),
        ),
      }
    : file,
)
await service.importPerformanceFiles(files, 'crash-test')
writeSync(1, 'finished\n')
await database.close()
