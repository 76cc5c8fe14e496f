import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import {
  addTestPartnership,
  createApplicationRoleDatabase,
  type ApplicationRoleDatabase,
} from '../../test/support/databases.ts'
import { serveForTest } from '../../test/support/web-app.ts'
import { demoUsers } from '../accounts/demo-users.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { createServices, type Services } from '../composition-root.ts'
import { loadConfig } from '../config.ts'
import type { PerformanceReport } from '../domain/performance-report.ts'
import { createApp } from '../web/app.ts'
import { openDatabase, type Database } from './database.ts'
import { migrateToLatest } from './migrate.ts'
import { migrations as allMigrations } from './migrations/index.ts'
import { PARTNERSHIP_OWNED_TABLES, scopeToPartnership, type ScopedDatabase } from './partnership-scope.ts'
import { rowSecurityBypass } from './row-security.ts'

const AT = '2018-04-01T00:00:00.000Z'
const adminUrl = process.env.SAFERHUB_TEST_DATABASE_URL
const skip = adminUrl
  ? false
  : 'PostgreSQL only (SQLite has no row-level security): set SAFERHUB_TEST_DATABASE_URL to run it'

/** One KPI row, written with raw SQL so that nothing of the application's own wall is involved. */
let position = 0
function insertIndicator(id: string, partnershipId: number) {
  position += 1
  return sql`insert into indicators (id, position, name, theme, priority, definition, data_owner, cadence,
      measure_type, preferred_direction, hidden_harm, updated_at, updated_by, partnership_id)
    values (${id}, ${position}, ${id}, 'Violence', 'Violence', ${id}, 'WMP', 'quarterly', 'count', 'reduce', 0, ${AT}, 'test',
      ${partnershipId})`
}

/** What a raw `select * from indicators` (no WHERE) returns through a handle: its ids, sorted. */
async function everyIndicator(database: Database): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`select * from indicators`.execute(database.db)
  return rows.map((r) => r.id).sort()
}

/** A plain client of the test server's superuser (who is never subject to row-level security). */
async function asSuperuser<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new URL(url)
  const server = new URL(adminUrl ?? '')
  admin.username = server.username
  admin.password = server.password
  const client = new pg.Client({ connectionString: admin.toString() })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

describe('row-level security: the second wall on PostgreSQL, as an ordinary role', { skip }, () => {
  let role: ApplicationRoleDatabase
  let database: Database
  let north: ScopedDatabase
  let south: ScopedDatabase

  before(async () => {
    role = await createApplicationRoleDatabase()
    database = openDatabase({ databaseUrl: role.url })
    // Migrated as the role itself: it owns the tables, as in a deployment where the application migrates its
    // database (FORCE ROW LEVEL SECURITY makes an owner subject to the policies).
    await migrateToLatest(database)
    north = scopeToPartnership(database, await addTestPartnership(database, 'Northshire'))
    south = scopeToPartnership(database, await addTestPartnership(database, 'Southshire'))
    await insertIndicator('north-knife-crime', north.partnershipId).execute(database.db)
    await insertIndicator('north-burglary', north.partnershipId).execute(database.db)
    await insertIndicator('south-knife-crime', south.partnershipId).execute(database.db)
  })
  after(async () => {
    await database?.close()
    await role?.drop()
  })

  it('connects as a role that is subject to the policies (no superuser, no BYPASSRLS), unlike the test server user', async () => {
    assert.equal(await rowSecurityBypass(database.db, 'postgres'), null)
    const superuser = openDatabase({ databaseUrl: adminUrl ?? '' })
    try {
      assert.match((await rowSecurityBypass(superuser.db, 'postgres')) ?? '', /is a superuser/)
    } finally {
      await superuser.close()
    }
    const owners = await asSuperuser(
      role.url,
      async (client) =>
        (
          await client.query<{ tableowner: string }>(
            `select distinct tableowner from pg_tables where tablename = 'indicators'`,
          )
        ).rows,
    )
    assert.deepEqual(owners, [{ tableowner: role.role }])
  })

  it('puts every partnership-owned table under a forced policy', async () => {
    const { rows } = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
      select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind = 'r'
        and exists (select 1 from pg_policy p where p.polrelid = c.oid and p.polname = 'partnership_rows')
        and c.relrowsecurity and c.relforcerowsecurity`.execute(database.db)
    assert.deepEqual(rows.map((r) => r.relname).sort(), [...PARTNERSHIP_OWNED_TABLES].sort())
  })

  it("(a) gives raw SQL without a WHERE, through a partnership's handle, only that partnership's rows", async () => {
    assert.deepEqual(await everyIndicator(north), ['north-burglary', 'north-knife-crime'])
    assert.deepEqual(await everyIndicator(south), ['south-knife-crime'])
    // Inside a transaction too: it keeps the connection it began on, and that connection's setting.
    const inTransaction = await north.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ id: string }>`select id from indicators order by id`.execute(trx)
      return rows.map((r) => r.id)
    })
    assert.deepEqual(inTransaction, ['north-burglary', 'north-knife-crime'])
  })

  it('switches a pooled connection between partnerships without mixing them', async () => {
    // One query at a time: the pool hands the same idle connection back each time, set anew when it changes.
    const seen: string[][] = []
    for (const handle of [north, south, north, database, south, south, north]) seen.push(await everyIndicator(handle))
    const n = ['north-burglary', 'north-knife-crime']
    const s = ['south-knife-crime']
    assert.deepEqual(seen, [n, s, n, [...n, ...s], s, s, n])
    // And all at once, on several connections.
    const together = await Promise.all(
      Array.from({ length: 24 }, (_, i) => everyIndicator([north, south, database][i % 3] as Database)),
    )
    together.forEach((ids, i) => assert.deepEqual(ids, [n, s, [...n, ...s]][i % 3]))
  })

  it('(b) gives a connection on which no partnership was set no rows at all', async () => {
    const client = new pg.Client({ connectionString: role.url })
    await client.connect()
    try {
      const count = async () =>
        Number((await client.query<{ n: string }>('select count(*) as n from indicators')).rows[0]?.n)
      assert.equal(await count(), 0)
      // Something that is not a partnership's id (a typing slip, an empty value) gives none either, not an error.
      for (const value of ['', 'north', '1 or true', '99999999999']) {
        await client.query(`select set_config('saferhub.partnership_id', $1, false)`, [value])
        assert.equal(await count(), 0, value)
      }
      await client.query(`select set_config('saferhub.partnership_id', $1, false)`, [String(south.partnershipId)])
      assert.equal(await count(), 1)
    } finally {
      await client.end()
    }
    // The rows are there: the test server's superuser, who bypasses the policies, sees all three.
    const all = await asSuperuser(role.url, async (client) => (await client.query('select id from indicators')).rows)
    assert.equal(all.length, 3)
  })

  it("(c) refuses, through one partnership's handle, a row written for another", async () => {
    await assert.rejects(insertIndicator('planted-in-south', south.partnershipId).execute(north.db), (error: Error) => {
      assert.match(error.message, /new row violates row-level security policy for table "indicators"/)
      return true
    })
    // Nor can an update move one of its own rows to the other partnership, or reach the other's rows.
    await assert.rejects(
      sql`update indicators set partnership_id = ${south.partnershipId} where id = 'north-burglary'`.execute(north.db),
      /new row violates row-level security policy/,
    )
    const touched =
      await sql`update indicators set name = 'changed' where partnership_id = ${south.partnershipId}`.execute(north.db)
    assert.equal(touched.numAffectedRows, 0n)
    const deleted = await sql`delete from indicators where id = 'south-knife-crime'`.execute(north.db)
    assert.equal(deleted.numAffectedRows, 0n)
    const southRows = await asSuperuser(
      role.url,
      async (client) =>
        (await client.query(`select id, name from indicators where partnership_id = $1`, [south.partnershipId])).rows,
    )
    assert.deepEqual(southRows, [{ id: 'south-knife-crime', name: 'south-knife-crime' }])
  })

  it('(e) leaves the instance handle every row, and its own work (migrations, the partnerships list)', async () => {
    assert.deepEqual(await everyIndicator(database), ['north-burglary', 'north-knife-crime', 'south-knife-crime'])
    const partnerships = await database.db.selectFrom('partnerships').select('name').orderBy('name').execute()
    assert.deepEqual(
      partnerships.map((p) => p.name),
      ['Northshire', 'Southshire'],
    )
    const migrations = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db)
    // Every migration ran, the row-level security one (0014) among them, up to the newest.
    assert.ok(migrations.rows.some((m) => m.name === '0014-row-level-security'))
    assert.equal(migrations.rows.at(-1)?.name, Object.keys(allMigrations).sort().at(-1))
    await migrateToLatest(database) // again: nothing to do, no error
  })
})

const csvRows = (file: URL) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
const northshire = (name: string) => new URL(`../../test/fixtures/northshire/${name}`, import.meta.url)
const demo = (name: string) => new URL(`../../demo/performance-framework/${name}`, import.meta.url)

describe('row-level security: the whole application runs as an ordinary role', { skip }, () => {
  let role: ApplicationRoleDatabase
  let services: Services

  before(async () => {
    role = await createApplicationRoleDatabase()
    const database = openDatabase({ databaseUrl: role.url })
    // The demo on: the first start makes the demo partnership and imports its framework, as the role.
    services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true' }), { database })
  })
  after(async () => {
    await services?.close()
    await role?.drop()
  })

  it('(d) imports a framework into each of two partnerships and reads each back, and only its own', async () => {
    assert.equal(await rowSecurityBypass(services.database.db, services.database.dialect), null)
    const added = await services.partnerships.add('test', { name: 'Northshire', code: 'E22000999' })
    assert.ok(added.ok, JSON.stringify(added))
    const north = services.forPartnership(added.value)
    const imported = await north.performance.importFiles(
      ['indicators.csv', 'baselines.csv', 'values.csv'].map((name) => ({
        name,
        content: readFileSync(northshire(name)),
      })),
      'test',
    )
    assert.equal(imported.outcome, 'applied', JSON.stringify(imported))
    const wolverhampton = services.forPartnership(await services.partnerships.resolve('wolverhampton'))

    // Each partnership's KPIs are those of its own files (counted from the files, not from the application).
    const ids = (file: URL) => csvRows(file).map((line) => line.split(',')[0])
    const northIds = (await north.performance.repository.listIndicators()).map((i) => i.id).sort()
    const wolvesIds = (await wolverhampton.performance.repository.listIndicators()).map((i) => i.id).sort()
    assert.deepEqual(northIds, ids(northshire('indicators.csv')).sort())
    assert.deepEqual(wolvesIds, ids(demo('indicators.csv')).sort())

    // Figures from the files: Northshire's knife crime 2024/25 Q4 is 30, the demo's 2017/18 Q1 is 49.
    assert.ok(csvRows(northshire('values.csv')).includes('knife-crime,FY2024-25-Q4,30,,,,,,,'))
    assert.ok(csvRows(demo('values.csv')).includes('knife-crime,FY2017-18-Q1,49,,,,,,,'))
    assert.equal((await north.performance.repository.getValue('knife-crime', 'FY2024-25-Q4'))?.value, 30)
    assert.equal(await north.performance.repository.getValue('knife-crime', 'FY2017-18-Q1'), null)
    assert.equal((await wolverhampton.performance.repository.getValue('knife-crime', 'FY2017-18-Q1'))?.value, 49)
    assert.equal(await wolverhampton.performance.repository.getValue('knife-crime', 'FY2024-25-Q4'), null)

    // Each report is built from its own partnership's figures.
    const reportIds = (report: PerformanceReport | null) =>
      (report?.themes ?? []).flatMap((theme) => theme.rows.map((row) => row.indicator.id)).sort()
    const northReport = await north.reports.performance.report('FY2024-25')
    assert.deepEqual(reportIds(northReport), northIds)
    const wolvesReport = reportIds(await wolverhampton.reports.performance.report('FY2017-18'))
    assert.ok(wolvesReport.includes('knife-crime'))
    assert.ok(wolvesReport.every((id) => wolvesIds.includes(id)))
    // Northshire's own KPI (not in the demo's files) is in neither Wolverhampton's list nor its report.
    assert.ok(!ids(demo('indicators.csv')).includes('burglary-dwelling'))
    assert.ok(!wolvesIds.includes('burglary-dwelling') && !wolvesReport.includes('burglary-dwelling'))

    // The instance's own work: its partnerships, and the one audit chain holding both imports, intact.
    assert.deepEqual((await services.partnerships.list()).map((p) => p.name).sort(), [
      'Northshire',
      'Safer Wolverhampton Partnership',
    ])
    const chain = await services.audit.verify()
    assert.equal(chain.ok, true, JSON.stringify(chain))

    // And over HTTP: a demo analyst signs in (sessions, memberships, the sign-in's audit event) and reads a KPI page
    // of their partnership; the other partnership's, where they are no member, is not found.
    const server = await serveForTest(createApp(services, { logger: { log: () => undefined } }))
    try {
      const analyst = demoUsers.find((u) => u.role === 'partnership-analyst')
      assert.ok(analyst)
      const browser = new TestBrowser(server.base)
      assert.equal((await browser.signIn(analyst.email, analyst.password)).status, 303)
      const page = await browser.get('/p/wolverhampton/kpis/knife-crime')
      assert.equal(page.status, 200)
      assert.match(await page.text(), /<h1[^>]*>[^<]*Knife crime/)
      assert.equal((await browser.get('/p/northshire/kpis/knife-crime')).status, 404)
    } finally {
      await server.close()
    }
  })
})
