import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, UnknownRow } from 'kysely'
import { createServices, type Services } from '../composition-root.ts'
import { loadConfig } from '../config.ts'
import { demoUsers } from '../accounts/demo-users.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { serveForTest, type TestServer } from '../../test/support/web-app.ts'
import { createApp } from './app.ts'

/**
 * Counts every query the application runs, by the table it reads or writes first (its FROM, INTO or UPDATE table),
 * so that a test can say how many times a request reads the person, their memberships and the partnerships. Counted
 * as each one's result comes back, not as it is compiled: a query compiled once (src/db/compiled-once.ts) runs again
 * under the same query id without being compiled again.
 */
class QueryCounter implements KyselyPlugin {
  readonly tables: string[] = []
  readonly #tableOf = new WeakMap<object, string>()
  transformQuery(args: PluginTransformQueryArgs) {
    this.#tableOf.set(args.queryId, firstTable(args.node) ?? '?')
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.tables.push(this.#tableOf.get(args.queryId) ?? '?')
    return args.result
  }
  count(table: string): number {
    return this.tables.filter((t) => t === table).length
  }
}

/** The first table named in a query tree, depth first (a SELECT's FROM comes before its joins and subqueries). */
function firstTable(node: unknown): string | null {
  if (node === null || typeof node !== 'object') return null
  const record = node as Record<string, unknown>
  if (record.kind === 'TableNode') {
    const table = record.table as { identifier?: { name?: string } } | undefined
    return table?.identifier?.name ?? null
  }
  for (const value of Object.values(record)) {
    const found = Array.isArray(value) ? value.map(firstTable).find((t) => t !== null) : firstTable(value)
    if (found) return found
  }
  return null
}

for (const dialect of testDialects()) {
  describe(`queries per request (${dialect})`, () => {
    let services: Services
    let server: TestServer
    let counter: QueryCounter
    let viewer: TestBrowser

    before(async () => {
      const database = await openTestDatabase(dialect)
      counter = new QueryCounter()
      // Every query of the application, scoped ones included (they are built on this handle), passes the counter.
      const counted = { ...database, db: database.db.withPlugin(counter) }
      services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true' }), { database: counted })
      server = await serveForTest(createApp(services, { logger: { log: () => undefined } }))
      const credentials = demoUsers.find((u) => u.role === 'viewer')
      assert.ok(credentials)
      viewer = new TestBrowser(server.base)
      assert.equal((await viewer.signIn(credentials.email, credentials.password)).status, 303)
    })
    after(async () => {
      await server?.close()
      await services?.close()
    })

    /** The queries of one request, after the same request once before (the report cache warm). */
    async function queriesOf(browser: TestBrowser, path: string) {
      assert.equal((await browser.get(path)).status, 200, path)
      counter.tables.length = 0
      assert.equal((await browser.get(path)).status, 200, path)
      return {
        users: counter.count('users'),
        memberships: counter.count('memberships'),
        partnerships: counter.count('partnerships'),
        total: counter.tables.length,
        tables: [...counter.tables],
      }
    }

    it('a signed-in page of a partnership reads the person with their memberships in one query, and one partnership (not the list)', async (t) => {
      const slug = (await services.partnerships.resolve(null)).slug
      for (const path of ['/dashboard', `/p/${slug}/dashboard`]) {
        const counts = await queriesOf(viewer, path)
        t.diagnostic(`${path}: ${JSON.stringify({ ...counts, tables: undefined })} ${counts.tables.join(',')}`)
        assert.deepEqual(
          { users: counts.users, memberships: counts.memberships, partnerships: counts.partnerships },
          // The memberships come with the person (a join from `users`), not in a query of their own.
          { users: 1, memberships: 0, partnerships: 1 },
          `${path}: ${counts.tables.join(', ')}`,
        )
      }
    })

    it('a KPI page viewed again with nothing changed reads no figures, no KPI list and no audit history', async (t) => {
      // An analyst may see the audit history: the page's three history lists are kept with its figures.
      const credentials = demoUsers.find((u) => u.role === 'partnership-analyst')
      assert.ok(credentials)
      const analyst = new TestBrowser(server.base)
      assert.equal((await analyst.signIn(credentials.email, credentials.password)).status, 303)
      const counts = await queriesOf(analyst, '/kpis/knife-crime')
      t.diagnostic(`/kpis/knife-crime: ${counts.total} ${counts.tables.join(',')}`)
      const read = (table: string) => counts.tables.filter((t) => t === table).length
      assert.deepEqual(
        { indicators: read('indicators'), values: read('indicator_values'), baselines: read('baselines') },
        { indicators: 0, values: 0, baselines: 0 },
        counts.tables.join(', '),
      )
      // Only the data versions, not the history (three lists): the partnership's version and the instance's (the
      // published peers, src/regional/), each one read of audit_events.
      assert.ok(read('audit_events') <= 2, counts.tables.join(', '))
    })

    it('the public report without the prefix reads no list of partnerships: one row tells there is only one', async (t) => {
      const counts = await queriesOf(new TestBrowser(server.base), '/')
      t.diagnostic(`/ (signed out): ${JSON.stringify({ ...counts, tables: undefined })} ${counts.tables.join(',')}`)
      assert.equal(counts.users, 0)
      assert.ok(counts.partnerships <= 1, counts.tables.join(', '))
    })
  })
}
