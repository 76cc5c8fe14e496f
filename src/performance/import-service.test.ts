import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { sql } from 'kysely'
import { createAuditRepository, type AuditRepository } from '../audit/audit-repository.ts'
import { AUDIT_CHAIN_LOCK, DatabaseBusyError } from '../audit/audited-transaction.ts'
import { openDatabase, sqliteDriver, type Database } from '../db/database.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { inTestPartnership, openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { DEMO_DIRECTORY, readDemoFiles } from './demo.ts'
import type { ImportFile } from './import/read-performance-import.ts'
import { createPerformanceImportService, type ImportResult, type PerformanceImportService } from './import-service.ts'
import { createPerformanceRepository, type PerformanceRepository } from './performance-repository.ts'

/** Data rows in a demo CSV file, counted as lines (none of its quoted fields spans a line). */
function demoRows(name: string): number {
  const lines = readFileSync(path.join(DEMO_DIRECTORY, name), 'utf8').split(/\r?\n/)
  return lines.filter((line) => line.trim() !== '').length - 1
}

const csv = (name: string, text: string): ImportFile => ({ name, content: Buffer.from(text, 'utf8') })

/** A demo file with one line replaced: the line must be there exactly once. */
function demoFileWith(files: readonly ImportFile[], name: string, line: string, replacement: string): ImportFile[] {
  return files.map((file) => {
    if (file.name !== name) return file
    const text = file.content.toString('utf8')
    assert.equal(text.split(line).length, 2, `${name} holds "${line}" once`)
    return csv(name, text.replace(line, replacement))
  })
}

const knifeCrimeQ4 = 'knife-crime,FY2017-18-Q4,67,,,,,,,'

async function tableCounts(database: Database): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const table of ['indicators', 'baselines', 'indicator_values', 'imports', 'audit_events'] as const) {
    const row = await database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    counts[table] = Number(row.n)
  }
  return counts
}

for (const dialect of testDialects()) {
  describe(`importing performance files (${dialect})`, () => {
    let database: Database
    let audit: AuditRepository
    let repository: PerformanceRepository
    let service: PerformanceImportService
    let demo: ImportFile[]
    beforeEach(async () => {
      database = await openTestPartnershipDatabase(dialect)
      audit = createAuditRepository(database)
      repository = createPerformanceRepository(database)
      service = createPerformanceImportService({ database, repository, audit })
      demo = await readDemoFiles('csv')
    })
    afterEach(() => database.close())

    test('imports the demo files whole, with one audit event per record and the import recorded', async () => {
      const indicators = demoRows('indicators.csv')
      const baselines = demoRows('baselines.csv')
      const values = demoRows('values.csv')
      const result = await service.importPerformanceFiles(demo, 'demo-data')
      assert.equal(result.outcome, 'applied')
      assert.ok(result.outcome === 'applied')
      assert.deepEqual(result.summary, {
        indicators: { added: indicators, changed: 0, unchanged: 0 },
        baselines: { added: baselines, changed: 0, unchanged: 0 },
        values: { added: values, changed: 0, unchanged: 0 },
      })
      assert.equal(result.rowsRead, indicators + baselines + values)
      assert.equal(result.rowsRead, result.rowsAccepted + result.rowsRejected)
      assert.equal(result.attempts, 1)
      assert.deepEqual(await tableCounts(database), {
        indicators,
        baselines,
        indicator_values: values,
        imports: 1,
        audit_events: indicators + baselines + values,
      })
      const [record] = await repository.listImports()
      assert.equal(record?.id, result.importId)
      assert.deepEqual(
        record?.files.map((f) => [f.name, f.bytes]),
        demo.map((f) => [f.name, f.content.length]),
      )
      assert.equal(record?.files[0]?.sha256.length, 64)
      assert.equal((await audit.verify()).ok, true)
    })

    test('a file with one bad row writes nothing, not even an audit event or an import record', async () => {
      const bad = demoFileWith(demo, 'values.csv', knifeCrimeQ4, 'knife-crime,FY2017-18-Q4,12abc,,,,,,,')
      const result = await service.importPerformanceFiles(bad, 'swp-analyst')
      assert.equal(result.outcome, 'rejected')
      assert.ok(result.outcome === 'rejected')
      assert.equal(result.problems.length, 1)
      assert.equal(result.problems[0]?.file, 'values.csv')
      // Line 42 of values.csv (the header is line 1).
      assert.equal(result.problems[0]?.row, 42)
      assert.equal(result.problems[0]?.column, 'value')
      assert.equal(result.rowsAccepted, 0)
      assert.equal(result.rowsRejected, result.rowsRead)
      assert.equal(result.rowsWithProblems, 1)
      assert.deepEqual(await tableCounts(database), {
        indicators: 0,
        baselines: 0,
        indicator_values: 0,
        imports: 0,
        audit_events: 0,
      })
    })

    test('a bad row among good changes to existing data leaves the existing data as it was', async () => {
      await service.importPerformanceFiles(demo, 'demo-data')
      const before = await tableCounts(database)
      const valuesBefore = await repository.listValues()
      const changed = demoFileWith(demo, 'values.csv', knifeCrimeQ4, 'knife-crime,FY2017-18-Q4,66,,,,,,,')
      const bad = demoFileWith(
        changed,
        'values.csv',
        'knife-crime,FY2017-18-Q1,49,,,,,,,',
        'knife-crime,FY2017-18-Q1,-49,,,,,,,',
      )
      const result = await service.importPerformanceFiles(bad, 'swp-analyst')
      assert.equal(result.outcome, 'rejected')
      assert.deepEqual(await tableCounts(database), before)
      assert.deepEqual(await repository.listValues(), valuesBefore)
    })

    test('importing the same files again changes nothing and adds no audit event', async () => {
      const first = await service.importPerformanceFiles(demo, 'demo-data')
      const afterFirst = await tableCounts(database)
      const second = await service.importPerformanceFiles(demo, 'demo-data')
      assert.ok(first.outcome === 'applied' && second.outcome === 'applied')
      assert.deepEqual(second.summary, {
        indicators: { added: 0, changed: 0, unchanged: first.summary.indicators.added },
        baselines: { added: 0, changed: 0, unchanged: first.summary.baselines.added },
        values: { added: 0, changed: 0, unchanged: first.summary.values.added },
      })
      assert.equal(second.auditEvents, 0)
      // Only the record of the second import is new.
      assert.deepEqual(await tableCounts(database), { ...afterFirst, imports: 2 })
    })

    test('the workbook holds the same framework as the CSV files: importing it after them changes nothing', async () => {
      await service.importPerformanceFiles(demo, 'demo-data')
      const events = await audit.count()
      const fromWorkbook = await service.importPerformanceFiles(await readDemoFiles('xlsx'), 'demo-data')
      assert.ok(fromWorkbook.outcome === 'applied')
      assert.equal(fromWorkbook.auditEvents, 0)
      assert.equal(fromWorkbook.summary.values.changed + fromWorkbook.summary.values.added, 0)
      assert.equal(await audit.count(), events)
    })

    test('a corrected value is stored, and audited with the figure before and after', async () => {
      await service.importPerformanceFiles(demo, 'demo-data')
      const corrected = csv(
        'values.csv',
        'indicator,period,value,numerator,denominator,percent,text,status,reason,commentary\n' +
          'knife-crime,FY2017-18-Q4,66,,,,,,,One duplicate record removed\n',
      )
      const result = await service.importPerformanceFiles([corrected], 'swp-analyst', { requestId: 'req-42' })
      assert.ok(result.outcome === 'applied')
      assert.deepEqual(result.summary.values, { added: 0, changed: 1, unchanged: 0 })
      assert.equal(result.rowsRead, 1)
      const events = await audit.list({ entityKey: 'knife-crime/FY2017-18-Q4' })
      assert.equal(events.length, 2)
      const update = events[1]
      assert.equal(update?.action, 'update')
      assert.equal(update?.actor, 'swp-analyst')
      assert.equal(update?.requestId, 'req-42')
      assert.equal(update?.importId, result.importId)
      const before = JSON.parse(update?.before ?? 'null')
      const after = JSON.parse(update?.after ?? 'null')
      assert.equal(before.value, 67)
      assert.match(before.commentary, /^The indicator did not achieve/)
      assert.equal(after.value, 66)
      assert.equal(after.commentary, 'One duplicate record removed')
      assert.deepEqual([before.version, after.version], [1, 2])
      assert.equal((await repository.getValue('knife-crime', 'FY2017-18-Q4'))?.value, 66)
    })

    test('a value not yet available is stored as NULL, never 0', async () => {
      await service.importPerformanceFiles(demo, 'demo-data')
      const row = await database.db
        .selectFrom('indicator_values')
        .selectAll()
        .where('indicator_id', '=', 'proven-reoffending')
        .where('period', '=', 'FY2017-18-Q4')
        .executeTakeFirstOrThrow()
      assert.equal(row.status, 'not-yet-available')
      assert.deepEqual(
        [row.value, row.numerator, row.denominator, row.percent, row.text],
        [null, null, null, null, null],
      )
    })

    test('a values file for indicators already stored is checked against them', async () => {
      await service.importPerformanceFiles(demo, 'demo-data')
      const result = await service.importPerformanceFiles(
        [
          csv(
            'values.csv',
            'indicator,period,value,numerator,denominator,percent,text,status,reason,commentary\n' +
              'knife-crime,FY2018-19-Q1,58,,,,,,,\n' +
              'no-such-indicator,FY2018-19-Q1,3,,,,,,,\n',
          ),
        ],
        'swp-analyst',
      )
      assert.ok(result.outcome === 'rejected')
      assert.deepEqual(
        result.problems.map((p) => [p.file, p.row, p.column]),
        [['values.csv', 3, 'indicator']],
      )
      assert.equal(await repository.getValue('knife-crime', 'FY2018-19-Q1'), null)
    })

    if (dialect === 'postgres') {
      /**
       * A second session holds the knife-crime row, waits until the import queues behind it, then asks for the
       * audit lock the import holds: a deadlock. PostgreSQL aborts whichever session's deadlock check runs once
       * the cycle exists; that is the import's when its one-second check comes after the cycle closed (the second
       * session checks later still: by ten seconds where it may change its own deadlock_timeout). On a loaded
       * machine the second session may be the victim instead; then the round is run again with another name.
       */
      async function deadlockRound(round: number): Promise<{ result: ImportResult; otherWasVictim: boolean }> {
        const name = `Knife crime (round ${round})`
        const renamed = readFileSync(path.join(DEMO_DIRECTORY, 'indicators.csv'), 'utf8').replace(
          'knife-crime,Knife crime: violent crimes',
          `knife-crime,${name}: violent crimes`,
        )
        let importing: Promise<ImportResult> | undefined
        let otherWasVictim = false
        await database.db.connection().execute(async (other) => {
          await sql`begin`.execute(other)
          try {
            await sql`savepoint before_setting`.execute(other)
            await sql`set local deadlock_timeout = '10s'`.execute(other).catch(async () => {
              await sql`rollback to savepoint before_setting`.execute(other)
            })
            await sql`update indicators set name = name where id = 'knife-crime'`.execute(other)
            importing = service.importPerformanceFiles([csv('indicators.csv', renamed)], 'swp-analyst')
            // Watched from outside the transaction: inside one, pg_stat_activity is a snapshot that never changes.
            for (let waited = 0; ; waited++) {
              const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock'`.execute(database.db)
              if ((rows[0]?.n ?? 0) > 0) break
              assert.ok(waited < 500, 'the import never waited for the row lock')
              await new Promise((resolve) => setTimeout(resolve, 20))
            }
            await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_CHAIN_LOCK)})`.execute(other)
            await sql`commit`.execute(other)
          } catch (error) {
            await sql`rollback`.execute(other)
            if ((error as { code?: string }).code !== '40P01') throw error
            otherWasVictim = true
          }
        })
        const result = await importing
        assert.ok(result?.outcome === 'applied')
        const knifeCrime = (await repository.listIndicators()).find((i) => i.id === 'knife-crime')
        assert.match(knifeCrime?.name ?? '', new RegExp(`^Knife crime \\(round ${round}\\)`))
        return { result, otherWasVictim }
      }

      test('a transaction PostgreSQL aborts as a deadlock victim is run again', async () => {
        await service.importPerformanceFiles(demo, 'demo-data')
        let retried: ImportResult | undefined
        for (let round = 1; round <= 3 && !retried; round++) {
          const { result, otherWasVictim } = await deadlockRound(round)
          if (otherWasVictim) {
            assert.equal(result.outcome === 'applied' && result.attempts, 1)
            continue
          }
          retried = result
        }
        assert.ok(retried?.outcome === 'applied', 'the import was never the deadlock victim in three rounds')
        assert.equal(retried.attempts, 2)
        assert.deepEqual(retried.summary.indicators, {
          added: 0,
          changed: 1,
          unchanged: demoRows('indicators.csv') - 1,
        })
        assert.equal((await audit.verify()).ok, true)
      })
    }
  })
}

describe('importing while another process holds the SQLite database', () => {
  let directory: string
  beforeEach(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'saferhub-busy-'))
  })
  afterEach(() => rmSync(directory, { recursive: true, force: true }))

  test('SQLITE_BUSY becomes a clear error, nothing is written, and the next try works', async () => {
    const file = path.join(directory, 'saferhub.sqlite')
    // The application's own database, with a short lock wait so that the test does not wait five seconds.
    const unscoped = openDatabase({ sqliteFile: file, lockWaitMs: 100 })
    await migrateToLatest(unscoped)
    const database = await inTestPartnership(unscoped)
    const BetterSqlite3 = sqliteDriver()
    const repository = createPerformanceRepository(database)
    const service = createPerformanceImportService({ database, repository, audit: createAuditRepository(database) })
    const demo = await readDemoFiles('csv')

    const otherProcess = new BetterSqlite3(file)
    otherProcess.exec('begin immediate')
    try {
      await assert.rejects(service.importPerformanceFiles(demo, 'demo-data'), (error: unknown) => {
        assert.ok(error instanceof DatabaseBusyError)
        assert.match(error.message, /busy.*Nothing was written/s)
        return true
      })
    } finally {
      otherProcess.exec('rollback')
      otherProcess.close()
    }
    assert.equal(await repository.countIndicators(), 0)
    const retried = await service.importPerformanceFiles(demo, 'demo-data')
    assert.equal(retried.outcome, 'applied')
    await database.close()
  })
})

/**
 * Runs import-service.crash-child.ts against the database, waits until it is half-way through its transaction
 * (everything written, nothing committed), and kills it with SIGKILL.
 */
async function killImportHalfWay(target: string): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./import-service.crash-child.ts', import.meta.url).pathname, target],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
  let said = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      said += chunk.toString('utf8')
      if (said.includes('half-way')) resolve()
    })
    child.on('exit', () => reject(new Error(`the import child ended before it was half-way: ${said}`)))
  })
  child.kill('SIGKILL')
  assert.equal(await exited, 'SIGKILL')
  assert.ok(!said.includes('finished'))
}

for (const dialect of testDialects()) {
  describe(`an import killed half-way (${dialect})`, () => {
    let database: Database
    let target: string
    let directory: string | undefined
    beforeEach(async () => {
      if (dialect === 'sqlite') {
        directory = mkdtempSync(path.join(os.tmpdir(), 'saferhub-kill-'))
        target = path.join(directory, 'saferhub.sqlite')
        const unscoped = openDatabase({ sqliteFile: target })
        await migrateToLatest(unscoped)
        database = await inTestPartnership(unscoped)
      } else {
        database = await openTestPartnershipDatabase(dialect)
        const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(database.db)
        const url = new URL(process.env.SAFERHUB_TEST_DATABASE_URL ?? '')
        url.pathname = `/${rows[0]?.name}`
        target = url.toString()
      }
    })
    afterEach(async () => {
      await database.close()
      if (directory) rmSync(directory, { recursive: true, force: true })
    })

    test('leaves the data, the audit trail and the record of imports as they were', async () => {
      const audit = createAuditRepository(database)
      const repository = createPerformanceRepository(database)
      const service = createPerformanceImportService({ database, repository, audit })
      await service.importPerformanceFiles(await readDemoFiles('csv'), 'demo-data')
      const counts = await tableCounts(database)
      const values = await repository.listValues()

      await killImportHalfWay(target)

      assert.deepEqual(await tableCounts(database), counts)
      assert.deepEqual(await repository.listValues(), values)
      assert.equal((await repository.getValue('knife-crime', 'FY2017-18-Q4'))?.value, 67)
      assert.equal((await audit.verify()).ok, true)
      if (dialect === 'sqlite') {
        const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(database.db)
        assert.deepEqual(rows, [{ integrity_check: 'ok' }])
      }
      // The lock died with the process: the same change now goes through.
      const changed = (await readDemoFiles('csv')).map((file) =>
        file.name === 'values.csv'
          ? csv(file.name, file.content.toString('utf8').replace(knifeCrimeQ4, 'knife-crime,FY2017-18-Q4,70,,,,,,,'))
          : file,
      )
      const result = await service.importPerformanceFiles(changed, 'swp-analyst')
      assert.ok(result.outcome === 'applied')
      assert.deepEqual(result.summary.values.changed, 1)
      assert.equal((await repository.getValue('knife-crime', 'FY2017-18-Q4'))?.value, 70)
    })
  })
}
