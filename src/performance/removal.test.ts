import assert from 'node:assert/strict'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, test } from 'node:test'
import type { CommandOutput } from '../cli/command.ts'
import { createServices, type Services } from '../composition-root.ts'
import { loadConfig } from '../config.ts'
import type { Database } from '../db/database.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { accountCommands } from '../accounts/cli.ts'
import { importCommand, kpiRemoveCommand } from './cli.ts'

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url))
const northshireFiles = ['indicators.csv', 'baselines.csv', 'values.csv'].map((name) =>
  path.join(REPOSITORY, 'test', 'fixtures', 'northshire', name),
)
const agenciesRemove = accountCommands.find((c) => c.name === 'agencies remove')
const agenciesLink = accountCommands.find((c) => c.name === 'agencies link')

/** An audit event's `before` as stored (canonical JSON text). */
const stored = <T>(before: unknown): T => JSON.parse(String(before)) as T

function capture(): CommandOutput & { out_: string[]; err_: string[] } {
  const out_: string[] = []
  const err_: string[] = []
  return { out_, err_, out: (t) => out_.push(t), err: (t) => err_.push(t) }
}

for (const dialect of testDialects()) {
  describe(`removing a KPI or an agency (${dialect})`, () => {
    let database: Database
    let services: Services
    beforeEach(async () => {
      database = await openTestDatabase(dialect)
      // The demo partnership (its framework, its eight agencies, its accounts), and Northshire beside it, which has
      // a knife-crime KPI of its own.
      services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true' }), { database })
      assert.ok((await services.partnerships.add('test', { name: 'Northshire', slug: 'northshire' })).ok)
      const imported = capture()
      assert.equal(await importCommand.run([...northshireFiles, '--partnership', 'northshire'], services, imported), 0)
    })
    afterEach(() => database.close())

    const demo = async () => services.forPartnership(await services.partnerships.resolve('wolverhampton'))
    const northshire = async () => services.forPartnership(await services.partnerships.resolve('northshire'))
    const rows = async (table: 'indicators' | 'indicator_values' | 'baselines', partnership: 'demo' | 'northshire') => {
      const scoped = partnership === 'demo' ? await demo() : await northshire()
      return scoped.database.db.selectFrom(table).selectAll().execute()
    }

    test('a KPI with figures is refused, saying how many would be lost; nothing changes', async () => {
      const auditBefore = await (await demo()).audit.count()
      const output = capture()
      assert.equal(await kpiRemoveCommand.run(['knife-crime', '--partnership', 'wolverhampton'], services, output), 1)
      // demo/performance-framework: knife crime has 8 quarters in values.csv and one baseline in baselines.csv.
      assert.match(output.err_.join('\n'), /knife-crime holds 8 figures and 1 baseline: nothing was removed/)
      assert.match(output.err_.join('\n'), /saferhub kpis remove knife-crime --delete-figures/)
      assert.ok((await rows('indicators', 'demo')).some((r) => r.id === 'knife-crime'))
      assert.equal(await (await demo()).audit.count(), auditBefore)
    })

    test('confirmed, the KPI goes with its figures, each in the audit trail; the other partnership’s is untouched', async () => {
      const northshireBefore = (await rows('indicator_values', 'northshire')).filter(
        (r) => r.indicator_id === 'knife-crime',
      )
      assert.ok(northshireBefore.length > 0)
      const output = capture()
      const code = await kpiRemoveCommand.run(
        ['knife-crime', '--partnership', 'wolverhampton', '--delete-figures', '--actor', 'cli:amy'],
        services,
        output,
      )
      assert.equal(code, 0, output.err_.join('\n'))
      assert.match(output.out_.join('\n'), /Removed knife-crime \(Knife crime[^)]*\) with 8 figures and 1 baseline\./)
      assert.ok(!(await rows('indicators', 'demo')).some((r) => r.id === 'knife-crime'))
      assert.ok(!(await rows('indicator_values', 'demo')).some((r) => r.indicator_id === 'knife-crime'))
      assert.ok(!(await rows('baselines', 'demo')).some((r) => r.indicator_id === 'knife-crime'))
      const events = await (await demo()).audit.list({ actor: 'cli:amy' })
      assert.equal(events.filter((e) => e.entityType === 'indicator-value' && e.action === 'delete').length, 8)
      assert.equal(events.filter((e) => e.entityType === 'baseline' && e.action === 'delete').length, 1)
      assert.equal(events.filter((e) => e.entityType === 'indicator' && e.action === 'delete').length, 1)
      // The trail keeps each figure as it was: Q4's 67 (values.csv).
      const q4 = events.find((e) => e.entityKey === 'knife-crime/FY2017-18-Q4')
      assert.equal(stored<{ value: number }>(q4?.before).value, 67)
      assert.deepEqual(
        (await rows('indicator_values', 'northshire')).filter((r) => r.indicator_id === 'knife-crime'),
        northshireBefore,
      )
      assert.equal((await services.audit.verify()).ok, true)
    })

    test('a KPI in a signed-off quarter is never deleted, even when confirmed', async () => {
      const board = { role: 'board-member' as const, agencyId: null, email: 'board@example.org' }
      assert.ok(await (await demo()).returns.signOff(board, 'FY2017-18-Q2'))
      const output = capture()
      assert.equal(
        await kpiRemoveCommand.run(
          ['knife-crime', '--partnership', 'wolverhampton', '--delete-figures'],
          services,
          output,
        ),
        1,
      )
      assert.match(output.err_.join('\n'), /2017\/18 Q2, signed off and locked: nothing was removed/)
      assert.equal((await rows('indicator_values', 'demo')).filter((r) => r.indicator_id === 'knife-crime').length, 8)
    })

    test('an agency that owns KPIs and has a data owner is refused, naming them; confirmed, it goes', async () => {
      const remove = agenciesRemove as NonNullable<typeof agenciesRemove>
      const refused = capture()
      assert.equal(await remove.run(['WMP', '--partnership', 'wolverhampton'], services, refused), 1)
      const text = refused.err_.join('\n')
      // indicators.csv: "WMP Analyst" owns proven-reoffending and "WMP" owns godoc-active-gang-members; the demo's
      // police data owner is police@example.org (src/accounts/demo-users.ts).
      assert.match(
        text,
        /2 KPI\(s\) it owns, which would have no owner: proven-reoffending, godoc-active-gang-members|2 KPI\(s\) it owns, which would have no owner: godoc-active-gang-members, proven-reoffending/,
      )
      assert.match(text, /1 data owner\(s\), who would lose their place in this partnership: police@example\.org/)
      assert.match(text, /Nothing was removed/)
      assert.ok(await database.db.selectFrom('agencies').select('id').where('code', '=', 'WMP').executeTakeFirst())

      const removed = capture()
      assert.equal(await remove.run(['WMP', '--partnership', 'wolverhampton', '--delete-linked'], services, removed), 0)
      assert.match(removed.out_.join('\n'), /Removed WMP \(West Midlands Police\): no other partnership worked with it/)
      assert.equal(
        await database.db.selectFrom('agencies').select('id').where('code', '=', 'WMP').executeTakeFirst(),
        undefined,
      )
      const police = await services.accounts.repository.findUserByEmail('police@example.org')
      assert.deepEqual(police?.memberships, [])
      const events = await (await demo()).audit.list({ entityType: 'agency', actions: ['delete'] })
      assert.equal(events.length, 1, JSON.stringify(events))
      assert.deepEqual((stored<{ ownedKpis: string[] }>(events[0]?.before).ownedKpis ?? []).slice().sort(), [
        'godoc-active-gang-members',
        'proven-reoffending',
      ])
      assert.equal((await services.audit.verify()).ok, true)
    })

    test('an agency another partnership works with is only let go by this one', async () => {
      const link = agenciesLink as NonNullable<typeof agenciesLink>
      assert.equal(await link.run(['--agency', 'WMFS', '--partnership', 'northshire'], services, capture()), 0)
      const output = capture()
      assert.equal(
        await (agenciesRemove as NonNullable<typeof agenciesRemove>).run(
          ['WMFS', '--partnership', 'wolverhampton', '--delete-linked'],
          services,
          output,
        ),
        0,
        output.err_.join('\n'),
      )
      assert.match(output.out_.join('\n'), /other partnerships still work with it/)
      assert.deepEqual(
        (await (await northshire()).accounts.listAgencies()).map((a) => a.code),
        ['WMFS'],
      )
      assert.ok(!(await (await demo()).accounts.listAgencies()).some((a) => a.code === 'WMFS'))
    })

    test('an agency with nothing of its own is removed without asking', async () => {
      const accounts = (await northshire()).accounts
      const added = await accounts.addAgency({ system: 'test' }, { code: 'NFS', name: 'Northshire Fire' })
      assert.ok(added.ok)
      const output = capture()
      assert.equal(
        await (agenciesRemove as NonNullable<typeof agenciesRemove>).run(
          ['NFS', '--partnership', 'northshire'],
          services,
          output,
        ),
        0,
      )
      assert.deepEqual(await accounts.listAgencies(), [])
    })
  })
}
