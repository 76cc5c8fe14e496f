/**
 * `npm run bench:row-security`: what PostgreSQL row-level security (migration 0014) and setting each connection's
 * partnership (src/db/row-security.ts) cost per query, against the same queries without them in the same run.
 *
 * Needs a PostgreSQL server where the URL's user may create roles and databases: SAFERHUB_BENCH_DATABASE_URL, or
 * SAFERHUB_TEST_DATABASE_URL. Makes an ordinary role (no superuser, no BYPASSRLS: a superuser skips the policies and
 * would measure nothing) and two databases owned by it, with the same data: "before", migrated up to 0013 (no
 * policies) and reached through a plain Kysely over its own pool, as the application did before; "after", migrated
 * to the latest and reached through `openDatabase`, as the application does now. Both through the partnership
 * scoping plugin. Two partnerships × 60 KPIs × 40 quarters. Each query runs one at a time (the latency of one query,
 * not throughput), the sides taking turns query by query so that drift on a shared machine falls on all alike:
 *
 * - one KPI's 40 values (the KPI page's read);
 * - a partnership's 2,400 values (the report's read: the policy is checked on every row);
 * - a figure updated in a transaction (the policy's WITH CHECK on the new row);
 * each "after" twice: one partnership throughout (the pooled connection keeps its setting: no extra round trip),
 * and alternating two partnerships query by query on a pool of its own (worst case: `set_config` before every
 * query).
 *
 * Options: --rounds N (default 5), --iterations N (default 400 per round for the small queries, a tenth of that
 * for the 2,400-row read). Prints median and p95 in microseconds and each "after" as a ratio of "before".
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { Kysely, Migrator, PostgresDialect, sql, type Migration } from 'kysely'
import pg from 'pg'
import { parseOptions } from '../src/cli/command.ts'
import { openDatabase, type Database } from '../src/db/database.ts'
import { migrations } from '../src/db/migrations/index.ts'
import { scopeToPartnership, type ScopedDatabase } from '../src/db/partnership-scope.ts'
import type { DatabaseSchema } from '../src/db/schema.ts'

const { options } = parseOptions(process.argv.slice(2))
const rounds = Number(options.get('rounds') ?? 5)
const iterations = Number(options.get('iterations') ?? 400)
const adminUrl = process.env.SAFERHUB_BENCH_DATABASE_URL ?? process.env.SAFERHUB_TEST_DATABASE_URL
if (!adminUrl) {
  process.stderr.write('Set SAFERHUB_BENCH_DATABASE_URL (or SAFERHUB_TEST_DATABASE_URL) to a PostgreSQL server.\n')
  process.exit(2)
}
if (!(rounds > 0) || !(iterations >= 10)) throw new Error('--rounds must be positive and --iterations at least 10')

const AT = '2018-04-01T00:00:00.000Z'
const KPIS = 60
const QUARTERS = 40
const suffix = randomBytes(4).toString('hex')
const role = `saferhub_bench_${suffix}`
const password = randomBytes(12).toString('hex')
const names = { before: `saferhub_bench_before_${suffix}`, after: `saferhub_bench_after_${suffix}` }

async function asAdmin(statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    for (const statement of statements) await client.query(statement)
  } finally {
    await client.end()
  }
}

function urlOf(name: string): string {
  const url = new URL(adminUrl ?? '')
  url.username = role
  url.password = password
  url.pathname = `/${name}`
  return url.toString()
}

async function migrate(db: Kysely<DatabaseSchema>, through: string | null): Promise<void> {
  const set = Object.fromEntries(Object.entries(migrations).filter(([name]) => through === null || name <= through))
  const migrator = new Migrator({ db, provider: { getMigrations: async () => set as Record<string, Migration> } })
  const { error } = await migrator.migrateToLatest()
  if (error) throw error
}

const quarter = (i: number) => `FY${2014 + Math.floor(i / 4)}-${String((15 + Math.floor(i / 4)) % 100)}-Q${(i % 4) + 1}`

/** Two partnerships with the same framework (different figures), through the scoping plugin as the app writes. */
async function fill(database: Database): Promise<[ScopedDatabase, ScopedDatabase]> {
  const scoped: ScopedDatabase[] = []
  for (const name of ['Northshire', 'Southshire']) {
    const { id } = await database.db
      .insertInto('partnerships')
      .values({
        slug: name.toLowerCase(),
        name,
        ons_code: null,
        nation: 'england',
        disclosure_minimum: null,
        returns_due_days: null,
        two_step_policy: null,
        audit_legacy_through: null,
        created_at: AT,
        created_by: 'bench',
        updated_at: AT,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const partnership = scopeToPartnership(database, id)
    for (let k = 0; k < KPIS; k++) {
      await partnership.db
        .insertInto('indicators')
        .values({
          id: `kpi-${k}`,
          position: k + 1,
          name: `KPI ${k}`,
          theme: 'Violence',
          priority: 'Violence',
          definition: `KPI ${k}`,
          data_owner: 'WMP',
          cadence: 'quarterly',
          measure_type: 'count',
          preferred_direction: 'reduce',
          hidden_harm: 0,
          rate_per: null,
          stock_aggregation: null,
          unit: null,
          share_label: null,
          target_kind: null,
          target_value: null,
          target_comparison: null,
          target_percent: null,
          target_reference_year: null,
          updated_at: AT,
          updated_by: 'bench',
        })
        .execute()
      await partnership.db
        .insertInto('indicator_values')
        .values(
          Array.from({ length: QUARTERS }, (_, q) => ({
            indicator_id: `kpi-${k}`,
            period: quarter(q),
            status: 'reported',
            value: id * 1000 + k + q,
            numerator: null,
            denominator: null,
            percent: null,
            text: null,
            reason: null,
            commentary: null,
            version: 1,
            updated_at: AT,
            updated_by: 'bench',
          })),
        )
        .execute()
    }
    scoped.push(partnership)
  }
  await sql`analyze`.execute(database.db)
  return [scoped[0] as ScopedDatabase, scoped[1] as ScopedDatabase]
}

type Query = (handle: ScopedDatabase, i: number) => Promise<unknown>

const queries: Record<string, { query: Query; iterations: number; rows: string }> = {
  "one KPI's values": {
    query: (h, i) =>
      h.db
        .selectFrom('indicator_values')
        .selectAll()
        .where('indicator_id', '=', `kpi-${i % KPIS}`)
        .execute(),
    iterations,
    rows: String(QUARTERS),
  },
  "a partnership's values": {
    query: (h) => h.db.selectFrom('indicator_values').selectAll().execute(),
    iterations: Math.max(10, Math.round(iterations / 10)),
    rows: String(KPIS * QUARTERS),
  },
  'a figure updated in a transaction': {
    query: (h, i) =>
      h.db.transaction().execute((trx) =>
        trx
          .updateTable('indicator_values')
          .set({ value: i })
          .where('indicator_id', '=', `kpi-${i % KPIS}`)
          .where('period', '=', quarter(i % QUARTERS))
          .execute(),
      ),
    iterations,
    rows: '1',
  },
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
}

async function main(): Promise<void> {
  await asAdmin([
    `CREATE ROLE ${role} LOGIN PASSWORD '${password}' NOSUPERUSER NOBYPASSRLS`,
    `CREATE DATABASE ${names.before} OWNER ${role}`,
    `CREATE DATABASE ${names.after} OWNER ${role}`,
  ])
  // Before: Kysely's own PostgreSQL dialect on a pool of its own, as `openDatabase` built it before migration 0014.
  const plain = new Kysely<DatabaseSchema>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: urlOf(names.before), max: 10 }) }),
  })
  const before: Database = { db: plain, dialect: 'postgres', close: () => plain.destroy() }
  const after = openDatabase({ databaseUrl: urlOf(names.after) })
  const alternating = openDatabase({ databaseUrl: urlOf(names.after) })
  try {
    await migrate(plain, '0013-partnerships')
    await migrate(after.db, null)
    const [beforeNorth] = await fill(before)
    const [afterNorth, afterSouth] = await fill(after)

    // The alternating side has a pool of its own, so that its switches never reach the other side's connection.
    const alternatingNorth = scopeToPartnership(alternating, afterNorth.partnershipId)
    const alternatingSouth = scopeToPartnership(alternating, afterSouth.partnershipId)
    const sides: [string, (i: number) => ScopedDatabase][] = [
      ['before (no policies)', () => beforeNorth],
      ['after, one partnership', () => afterNorth],
      ['after, alternating two', (i) => (i % 2 === 0 ? alternatingNorth : alternatingSouth)],
    ]
    const samples = new Map<string, number[]>()
    for (const [name, { query, iterations: n }] of Object.entries(queries)) {
      for (const [side] of sides) samples.set(`${name}|${side}`, [])
      // Warm up each side (connections opened, plans cached) before measuring.
      for (const [, handle] of sides) for (let i = 0; i < 20; i++) await query(handle(i), i)
      // Query by query in turn, the first side changing each time: what the machine's other work does to the
      // timings falls on every side alike.
      for (let round = 0; round < rounds; round++) {
        for (let i = 0; i < n; i++) {
          for (let s = 0; s < sides.length; s++) {
            const [side, handle] = sides[(i + s) % sides.length] as (typeof sides)[number]
            const start = performance.now()
            await query(handle(i), i)
            samples.get(`${name}|${side}`)?.push((performance.now() - start) * 1000)
          }
        }
      }
    }

    console.log(
      `PostgreSQL row-level security: ${rounds} rounds, median and p95 per query in µs, ratio of the median to "before"`,
    )
    for (const [name, { rows }] of Object.entries(queries)) {
      console.log(`\n${name} (${rows} row${rows === '1' ? '' : 's'})`)
      const reference = quantile(
        [...(samples.get(`${name}|before (no policies)`) ?? [])].sort((a, b) => a - b),
        0.5,
      )
      for (const [side] of sides) {
        const sorted = [...(samples.get(`${name}|${side}`) ?? [])].sort((a, b) => a - b)
        const median = quantile(sorted, 0.5)
        console.log(
          `  ${side.padEnd(24)} median ${median.toFixed(0).padStart(6)}  p95 ${quantile(sorted, 0.95)
            .toFixed(0)
            .padStart(6)}  ratio ${(median / reference).toFixed(2)}`,
        )
      }
    }
  } finally {
    await before.close()
    await after.close()
    await alternating.close()
    await asAdmin([
      `DROP DATABASE IF EXISTS ${names.before} WITH (FORCE)`,
      `DROP DATABASE IF EXISTS ${names.after} WITH (FORCE)`,
      `DROP ROLE IF EXISTS ${role}`,
    ])
  }
}

await main()
