import { onlyPartnership } from '../../test/support/partnership.ts'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, test } from 'node:test'
import type { CommandOutput } from '../cli/command.ts'
import { createServices, type Services } from '../composition-root.ts'
import { loadConfig } from '../config.ts'
import type { Database } from '../db/database.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { demoLoadCommand, importCommand } from './cli.ts'
import { DEMO_ACTOR, DEMO_DIRECTORY } from './demo.ts'

function capture(): CommandOutput & { readonly outText: () => string; readonly errLines: () => string[] } {
  const out: string[] = []
  const err: string[] = []
  return {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    outText: () => out.join('\n'),
    errLines: () => err.join('\n').split('\n'),
  }
}

const demoFile = (name: string) => path.join(DEMO_DIRECTORY, name)

/** Data rows of a demo CSV file, counted as non-blank lines after the header. */
const rows = (name: string) =>
  readFileSync(demoFile(name), 'utf8')
    .split('\n')
    .filter((l) => l.trim()).length - 1

for (const dialect of testDialects()) {
  describe(`saferhub import and demo load (${dialect})`, () => {
    let database: Database
    let services: Services
    let directory: string
    beforeEach(async () => {
      directory = mkdtempSync(path.join(os.tmpdir(), 'saferhub-cli-'))
      database = await openTestDatabase(dialect)
      services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'false' }), { database })
      assert.ok((await services.partnerships.add('test', { name: 'Safer Testshire Partnership' })).ok)
    })
    afterEach(async () => {
      await database.close()
      rmSync(directory, { recursive: true, force: true })
    })

    test('prints every problem as "file, row N, column C: reason", exits 1 and writes nothing', async () => {
      const values = readFileSync(demoFile('values.csv'), 'utf8')
        .replace('knife-crime,FY2017-18-Q4,67,', 'knife-crime,FY2017-18-Q4,67abc,')
        .replace('knife-crime,FY2017-18-Q1,49,', 'knife-crime,FY2017-18-Q1,-49,')
      const badFile = path.join(directory, 'values.csv')
      writeFileSync(badFile, values)
      // Starting up already audited the accounts' first start; the import must add nothing to it.
      const eventsBefore = await (await onlyPartnership(services)).audit.count()
      const output = capture()
      const code = await importCommand.run(
        [demoFile('indicators.csv'), badFile, '--actor', 'swp-analyst'],
        services,
        output,
      )
      assert.equal(code, 1)
      const lines = output.errLines()
      // Row numbers as a spreadsheet shows them (header = row 1): the file's 39th and 42nd lines.
      assert.match(lines[0] ?? '', new RegExp(`^${escape(badFile)}, row 39, column value: .+`))
      assert.match(lines[1] ?? '', new RegExp(`^${escape(badFile)}, row 42, column value: .+`))
      const read = rows('indicators.csv') + rows('values.csv')
      assert.equal(
        lines[2],
        `Nothing was written: 2 problems in 2 rows (${read} rows read, 0 accepted, ${read} rejected).`,
      )
      assert.equal(lines.length, 3)
      assert.equal(output.outText(), '')
      assert.equal(await (await onlyPartnership(services)).performance.repository.countIndicators(), 0)
      assert.equal(await (await onlyPartnership(services)).audit.count(), eventsBefore)
    })

    test('prints a summary of what was added, changed and left unchanged', async () => {
      const files = ['indicators.csv', 'baselines.csv', 'values.csv']
      const first = capture()
      assert.equal(await importCommand.run([...files.map(demoFile), '--actor', 'swp-analyst'], services, first), 0)
      const [i, b, v] = files.map(rows) as [number, number, number]
      assert.equal(
        first.outText(),
        [
          `Import 1 applied: ${i + b + v} rows read, ${i + b + v} accepted, 0 rejected.`,
          `  indicators  ${i} added, 0 changed, 0 unchanged`,
          `  baselines   ${b} added, 0 changed, 0 unchanged`,
          `  values      ${v} added, 0 changed, 0 unchanged`,
          `  ${i + b + v} audit events written.`,
        ].join('\n'),
      )
      const events = await (await onlyPartnership(services)).audit.list({ entityType: 'indicator', limit: 1 })
      assert.equal(events[0]?.actor, 'swp-analyst')

      const again = capture()
      assert.equal(await demoLoadCommand.run(['--partnership', 'Safer Testshire Partnership'], services, again), 0)
      assert.match(again.outText(), new RegExp(`indicators  0 added, 0 changed, ${i} unchanged`))
      assert.match(again.outText(), / 0 audit events written\.$/)
    })

    test('names a missing file instead of importing anything', async () => {
      await assert.rejects(
        importCommand.run([path.join(directory, 'nowhere.csv')], services, capture()),
        /nowhere\.csv: no such file/,
      )
      const output = capture()
      assert.equal(await importCommand.run([], services, output), 2)
      assert.match(output.errLines()[0] ?? '', /at least one file/)
    })
  })

  describe(`first start (${dialect})`, () => {
    let database: Database
    beforeEach(async () => {
      database = await openTestDatabase(dialect)
    })
    afterEach(() => database.close())

    test('an empty database gets the demo framework once, as the actor demo-data', async () => {
      const config = loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true' })
      const services = await createServices(config, { database })
      assert.equal(
        await (await onlyPartnership(services)).performance.repository.countIndicators(),
        rows('indicators.csv'),
      )
      const imports = await (await onlyPartnership(services)).performance.repository.listImports()
      assert.deepEqual(
        imports.map((record) => record.actor),
        [DEMO_ACTOR],
      )
      // Starting again finds indicators and imports nothing.
      const restarted = await createServices(config, { database })
      assert.equal((await (await onlyPartnership(restarted)).performance.repository.listImports()).length, 1)
    })

    test('with SAFERHUB_DEMO=false the database stays empty, and an import says which partnership is missing', async () => {
      const services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'false' }), { database })
      assert.deepEqual(await services.partnerships.list(), [])
      const { n } = await database.db
        .selectFrom('indicators')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      assert.equal(Number(n), 0)
      const output = capture()
      assert.equal(await importCommand.run([demoFile('indicators.csv')], services, output), 2)
      assert.match(output.errLines()[0] ?? '', /^This instance has no partnership yet\. Run `saferhub init`/)
    })
  })

  describe(`several partnerships from the command line (${dialect})`, () => {
    let database: Database
    beforeEach(async () => {
      database = await openTestDatabase(dialect)
    })
    afterEach(() => database.close())

    test('Northshire’s files land in Northshire only; its report holds none of the demo’s KPIs, and the demo’s none of its', async () => {
      const services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true' }), { database })
      const added = await services.partnerships.add('test', { name: 'Northshire', code: 'E22000999' })
      assert.ok(added.ok)
      const northshireFiles = ['indicators.csv', 'baselines.csv', 'values.csv'].map((name) =>
        path.join(path.dirname(DEMO_DIRECTORY), '..', 'test', 'fixtures', 'northshire', name),
      )
      // Without --partnership the command refuses, naming both.
      const refused = capture()
      assert.equal(await importCommand.run(northshireFiles, services, refused), 2)
      assert.match(
        refused.errLines()[0] ?? '',
        /Northshire \(E22000999\).*Safer Wolverhampton Partnership \(E22000341\)/,
      )
      const output = capture()
      assert.equal(await importCommand.run([...northshireFiles, '--partnership', 'E22000999'], services, output), 0)
      const northshire = services.forPartnership(await services.partnerships.resolve('E22000999'))
      const wolverhampton = services.forPartnership(await services.partnerships.resolve('wolverhampton'))
      const northshireIds = (await northshire.performance.repository.listIndicators()).map((i) => i.id).sort()
      // The fixture's two KPIs (test/fixtures/northshire/indicators.csv), one of them sharing its id with the demo.
      assert.deepEqual(northshireIds, ['burglary-dwelling', 'knife-crime'])
      const demoIds = (await wolverhampton.performance.repository.listIndicators()).map((i) => i.id)
      assert.equal(demoIds.length, rows('indicators.csv'))
      assert.ok(!demoIds.includes('burglary-dwelling'))
      // Each keeps its own knife crime: Northshire's 2024/25 Q1 is the fixture's 31; the demo has no 2024/25.
      assert.equal((await northshire.performance.repository.getValue('knife-crime', 'FY2024-25-Q1'))?.value, 31)
      assert.equal(await wolverhampton.performance.repository.getValue('knife-crime', 'FY2024-25-Q1'), null)
      const report = await northshire.reports.performance.report('FY2024-25')
      assert.deepEqual(report?.themes.flatMap((t) => t.rows.map((r) => r.indicator.id)).sort(), [
        'burglary-dwelling',
        'knife-crime',
      ])
      assert.equal(report?.partnership, 'Northshire')
    })
  })
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
