import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, test } from 'node:test'
import type { CommandOutput } from '../cli/command.ts'
import { createServices, type Services } from '../composition-root.ts'
import { loadConfig } from '../config.ts'
import type { Database } from '../db/database.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { demoLoadCommand, demoRemoveCommand, importCommand } from '../performance/cli.ts'
import { reportCommand } from '../reports/cli.ts'
import { initCommand } from './init-command.ts'
import { demoUsers } from '../accounts/demo-users.ts'
import { startServerProcess } from '../../test/support/server-process.ts'

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url))
const northshireFiles = ['indicators.csv', 'baselines.csv', 'values.csv'].map((name) =>
  path.join(REPOSITORY, 'test', 'fixtures', 'northshire', name),
)
const demoFiles = ['indicators.csv', 'baselines.csv', 'values.csv'].map((name) =>
  path.join(REPOSITORY, 'demo', 'performance-framework', name),
)
/** The West Midlands agencies the demo names (src/accounts/default-agencies.ts), spelled out here on purpose. */
const WEST_MIDLANDS_CODES = ['CTU', 'PH', 'SARC', 'SWP', 'WDVF', 'WMFS', 'WMP', 'YOT']

function capture(): CommandOutput & { out_: string[]; err_: string[] } {
  const out_: string[] = []
  const err_: string[] = []
  return { out_, err_, out: (t) => out_.push(t), err: (t) => err_.push(t) }
}

/** Never asks: as a script without a terminal. */
const noTerminal = async () => null

for (const dialect of testDialects()) {
  describe(`a partnership's first run (${dialect})`, () => {
    let database: Database
    let services: Services
    beforeEach(async () => {
      database = await openTestDatabase(dialect)
      // As every command but `serve` starts (src/main.ts), with the demo left at its development default (on).
      services = await createServices(loadConfig({ NODE_ENV: 'test' }), { database, firstStart: 'nothing' })
    })
    afterEach(() => database.close())

    test('a first import on an empty database loads no demo: it refuses and says to run saferhub init', async () => {
      const output = capture()
      assert.equal(await importCommand.run(northshireFiles, services, output), 2)
      assert.match(
        output.err_.join('\n'),
        /^This instance has no partnership yet\. Run `saferhub init` to set up yours/,
      )
      assert.deepEqual(await services.partnerships.list(), [])
      const indicators = await database.db.selectFrom('indicators').select('id').execute()
      assert.deepEqual(indicators, [])
      assert.deepEqual(await database.db.selectFrom('agencies').select('code').execute(), [])
      assert.deepEqual(await database.db.selectFrom('users').select('email').execute(), [])
    })

    test('init makes the partnership and its administrator, no West Midlands agency; the password is printed last', async () => {
      const output = capture()
      const code = await initCommand(noTerminal).run(
        ['--name', 'Safer Northshire Partnership', '--slug', 'northshire', '--admin-email', 'Ana@Northshire.example'],
        services,
        output,
      )
      assert.equal(code, 0, output.err_.join('\n'))
      const [partnership, ...others] = await services.partnerships.list()
      assert.equal(partnership?.name, 'Safer Northshire Partnership')
      assert.equal(partnership?.slug, 'northshire')
      assert.equal(partnership?.onsCode, null)
      assert.deepEqual(others, [])
      // The box is the last thing printed, on standard output.
      const last = output.out_.at(-1) ?? ''
      assert.match(last, /ONE-TIME PASSWORD/)
      assert.match(last, /Email: {14}ana@northshire\.example/)
      const password = /One-time password: {2}(\S+)/.exec(last)?.[1]
      assert.ok(password)
      // Audited: the partnership and the administrator, and nothing else was made.
      const events = await services.audit.list({})
      assert.deepEqual(
        events.map((e) => `${e.entityType} ${e.action}`),
        ['partnership create', 'user create'],
      )
      const signedIn = await services.accounts.signIn({ email: 'ana@northshire.example', password, source: 'test' })
      assert.equal(signedIn.outcome, 'signed-in')
      assert.equal(signedIn.outcome === 'signed-in' && signedIn.user.instanceAdministrator, true)
      // Nothing of Wolverhampton's.
      assert.deepEqual(await database.db.selectFrom('agencies').select('code').execute(), [])
      assert.deepEqual(await database.db.selectFrom('indicators').select('id').execute(), [])

      // The first import goes into Northshire, and its report carries Northshire's name.
      const imported = capture()
      assert.equal(await importCommand.run(northshireFiles, services, imported), 0, imported.err_.join('\n'))
      const report = capture()
      assert.equal(await reportCommand.run(['--format', 'json'], services, report), 0, report.err_.join('\n'))
      const model = JSON.parse(report.out_.join('')) as { partnership: string; themes: { rows: unknown[] }[] }
      assert.equal(model.partnership, 'Safer Northshire Partnership')
      assert.equal(
        model.themes.flatMap((t) => t.rows).length,
        2, // the fixture holds two KPIs (test/fixtures/northshire/NOTES.md), not the demo’s 34
      )
    })

    test('init without a terminal names the flags it needs, and creates nothing', async () => {
      const output = capture()
      assert.equal(await initCommand(noTerminal).run(['--slug', 'northshire'], services, output), 2)
      assert.match(output.err_[0] ?? '', /give --name and --admin-email/)
      assert.deepEqual(await services.partnerships.list(), [])
      assert.deepEqual(await database.db.selectFrom('users').select('email').execute(), [])
    })

    test('init asks on the terminal for what the flags leave out', async () => {
      const answers = ['Safer Northshire Partnership', '', 'E22000999', 'ana@northshire.example', 'Ana Analyst']
      const asked: string[] = []
      const ask = async (question: string) => {
        asked.push(question)
        return answers.shift() ?? ''
      }
      assert.equal(await initCommand(ask).run([], services, capture()), 0)
      assert.equal(asked.length, 5)
      const [partnership] = await services.partnerships.list()
      assert.equal(partnership?.slug, 'northshire') // made from the name
      assert.equal(partnership?.onsCode, 'E22000999')
      const users = await database.db.selectFrom('users').select(['email', 'name']).execute()
      assert.deepEqual(users, [{ email: 'ana@northshire.example', name: 'Ana Analyst' }])
    })

    test('report without --partnership on an instance of two refuses, naming both; never the demo’s title', async () => {
      await initCommand(noTerminal).run(
        ['--name', 'Safer Northshire Partnership', '--code', 'E22000999', '--admin-email', 'ana@northshire.example'],
        services,
        capture(),
      )
      assert.equal(await demoLoadCommand.run([], services, capture()), 0)
      const output = capture()
      assert.equal(await reportCommand.run(['--format', 'json'], services, output), 2)
      assert.deepEqual(output.out_, [])
      assert.match(output.err_[0] ?? '', /Safer Northshire Partnership \(E22000999\)/)
      assert.match(output.err_[0] ?? '', /Safer Wolverhampton Partnership \(E22000341\)/)
    })
  })

  describe(`removing the demo partnership (${dialect})`, () => {
    let database: Database
    let services: Services
    beforeEach(async () => {
      database = await openTestDatabase(dialect)
      // The web server's first start with the demo on: the demo partnership, its agencies and accounts.
      services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true' }), { database })
      const added = await services.partnerships.add('test', {
        name: 'Safer Northshire Partnership',
        slug: 'northshire',
      })
      assert.ok(added.ok)
      const imported = capture()
      assert.equal(
        await importCommand.run([...northshireFiles, '--partnership', 'northshire'], services, imported),
        0,
        imported.err_.join('\n'),
      )
    })
    afterEach(() => database.close())

    async function northshireFigures(): Promise<number> {
      const northshire = services.forPartnership(await services.partnerships.resolve('northshire'))
      return (await northshire.performance.repository.listValues()).length
    }

    test('takes away the demo’s KPIs, figures, accounts and agencies, audited; Northshire is untouched', async () => {
      const before = await northshireFigures()
      assert.ok(before > 0)
      const agenciesBefore = await database.db.selectFrom('agencies').select('code').orderBy('code').execute()
      assert.deepEqual(
        agenciesBefore.map((a) => a.code),
        WEST_MIDLANDS_CODES,
      )
      const output = capture()
      assert.equal(await demoRemoveCommand.run(['--actor', 'cli:ana'], services, output), 0, output.err_.join('\n'))
      assert.match(output.out_.join('\n'), /Removed Safer Wolverhampton Partnership/)

      // The instance now has Northshire alone: a command without --partnership works in it.
      assert.deepEqual(
        (await services.partnerships.list()).map((p) => p.slug),
        ['northshire'],
      )
      assert.equal(await services.partnerships.findBySlug('wolverhampton'), null)
      assert.equal(await northshireFigures(), before)
      const report = capture()
      assert.equal(await reportCommand.run(['--format', 'json'], services, report), 0)
      assert.equal(
        (JSON.parse(report.out_.join('')) as { partnership: string }).partnership,
        'Safer Northshire Partnership',
      )

      // Nothing of the demo's is left in the owned tables, nor its agencies and accounts.
      const left = await database.db.selectFrom('indicators').select('partnership_id').distinct().execute()
      const northshire = await services.partnerships.resolve('northshire')
      assert.deepEqual(
        left.map((r) => r.partnership_id),
        [northshire.id],
      )
      assert.deepEqual(await database.db.selectFrom('agencies').select('code').execute(), [])
      const emails = (await database.db.selectFrom('users').select('email').execute()).map((u) => u.email)
      for (const demo of demoUsers) assert.ok(!emails.includes(demo.email), demo.email)

      // One audit event for the partnership, one per account and agency deleted, all in the chain.
      const events = await services.audit.list({ actor: 'cli:ana' })
      assert.equal(events.filter((e) => e.entityType === 'partnership' && e.action === 'remove').length, 1)
      assert.equal(events.filter((e) => e.entityType === 'agency' && e.action === 'delete').length, 8)
      assert.equal(events.filter((e) => e.entityType === 'user' && e.action === 'delete').length, demoUsers.length)
      assert.equal((await services.audit.verify()).ok, true)

      // And the demo can come back at its old address.
      assert.equal(await demoLoadCommand.run([], services, capture()), 0)
      assert.ok(await services.partnerships.findBySlug('wolverhampton'))
    })

    test('loading the demo again adds nothing and keeps a corrected Appendix A narrative', async () => {
      const demo = services.forPartnership(await services.partnerships.resolve('wolverhampton'))
      const corrected = 'The budget was £378,430: income £339,995 and carry-forward £38,435.'
      await demo.database.db
        .updateTable('appendix_a_narratives')
        .set({ text: corrected })
        .where('year', '=', 'FY2018-19')
        .execute()
      const counts = async () =>
        Promise.all(
          (
            [
              'audit_events',
              'strategies',
              'plan_actions',
              'funding_streams',
              'commissioned_services',
              'strategic_assessments',
              'appendix_a_publications',
            ] as const
          ).map(async (table) => [table, (await database.db.selectFrom(table).select('id').execute()).length]),
        )
      const before = await counts()
      assert.equal(await demoLoadCommand.run([], services, capture()), 0)
      assert.deepEqual(await counts(), before)
      const narrative = await demo.database.db
        .selectFrom('appendix_a_narratives')
        .select('text')
        .where('year', '=', 'FY2018-19')
        .executeTakeFirst()
      assert.equal(narrative?.text, corrected)

      // A demo made by an earlier version, without Appendix A: loading it again completes it.
      await demo.database.db.deleteFrom('appendix_a_publications').execute()
      await demo.database.db.deleteFrom('appendix_a_narratives').execute()
      assert.equal(await demoLoadCommand.run([], services, capture()), 0)
      assert.equal((await demo.database.db.selectFrom('appendix_a_narratives').select('year').execute()).length, 1)
      assert.equal((await demo.database.db.selectFrom('appendix_a_publications').select('year').execute()).length, 1)
    })

    test('refuses while the demo’s plan or money holds a row someone else changed, naming it', async () => {
      const demo = services.forPartnership(await services.partnerships.resolve('wolverhampton'))
      const stream = await demo.database.db
        .selectFrom('funding_streams')
        .select(['id', 'updated_by'])
        .orderBy('id')
        .executeTakeFirstOrThrow()
      const action = await demo.database.db
        .selectFrom('plan_actions')
        .select(['id', 'updated_by'])
        .orderBy('id')
        .executeTakeFirstOrThrow()
      // Someone edits a funding stream and an action of the demo (as the budget and action pages would).
      await demo.database.db
        .updateTable('funding_streams')
        .set({ updated_by: 'amy@example.org' })
        .where('id', '=', stream.id)
        .execute()
      await demo.database.db
        .updateTable('plan_actions')
        .set({ updated_by: 'amy@example.org' })
        .where('id', '=', action.id)
        .execute()
      try {
        const output = capture()
        assert.equal(await demoRemoveCommand.run([], services, output), 1)
        const text = output.err_.join('\n')
        assert.ok(text.includes(`1 funding stream(s): #${stream.id} (changed by amy@example.org)`), text)
        assert.ok(text.includes(`1 action(s): #${action.id} (changed by amy@example.org)`), text)
        assert.ok(await services.partnerships.findBySlug('wolverhampton'))
      } finally {
        await demo.database.db
          .updateTable('funding_streams')
          .set({ updated_by: stream.updated_by })
          .where('id', '=', stream.id)
          .execute()
        await demo.database.db
          .updateTable('plan_actions')
          .set({ updated_by: action.updated_by })
          .where('id', '=', action.id)
          .execute()
      }
    })

    test('refuses while the demo holds a figure someone else wrote, naming it; --delete-own-work removes it too', async () => {
      // Someone imports their own files into the demo partnership: a figure changed by them, not the loader.
      const changed = (await import('node:fs')).readFileSync(demoFiles[2] as string, 'utf8')
      const file = path.join((await import('node:os')).tmpdir(), `values-${process.pid}-${dialect}.csv`)
      ;(await import('node:fs')).writeFileSync(
        file,
        changed.replace('knife-crime,FY2017-18-Q1,49,', 'knife-crime,FY2017-18-Q1,50,'),
      )
      const imported = capture()
      assert.equal(
        await importCommand.run([file, '--partnership', 'wolverhampton', '--actor', 'cli:ana'], services, imported),
        0,
        imported.err_.join('\n'),
      )
      const output = capture()
      assert.equal(await demoRemoveCommand.run([], services, output), 1)
      const text = output.err_.join('\n')
      assert.match(text, /1 figure\(s\): knife-crime FY2017-18-Q1 \(changed by cli:ana\)/)
      assert.match(text, /Nothing was removed/)
      assert.ok(await services.partnerships.findBySlug('wolverhampton'))

      assert.equal(await demoRemoveCommand.run(['--delete-own-work'], services, capture()), 0)
      assert.equal(await services.partnerships.findBySlug('wolverhampton'), null)
    })
  })
}

describe('saferhub serve on an empty database with the demo off', () => {
  test('prints the first administrator’s one-time password once it serves, and makes no demo', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'saferhub-first-serve-'))
    const server = await startServerProcess({
      SAFERHUB_DATA_DIR: directory,
      SAFERHUB_DEMO: 'false',
      SAFERHUB_ADMIN_EMAIL: 'ana@northshire.example',
      DATABASE_URL: '',
    })
    try {
      // The box is printed after the line saying where it serves (which startServerProcess waits for).
      for (let i = 0; i < 50 && !/One-time password/.test(server.stderr()); i++)
        await new Promise((resolve) => setTimeout(resolve, 100))
      assert.match(server.stderr(), /Email: {14}ana@northshire\.example\n {3}One-time password: {2}\S+/)
      assert.doesNotMatch(server.stderr(), /DEMO ONLY/)
    } finally {
      await server.stop()
      await rm(directory, { recursive: true, force: true })
    }
  })
})
