/**
 * `npm run bench:regional`: is a partnership's site as fast in an instance of 300 partnerships as in one of its own?
 *
 * On PostgreSQL (`SAFERHUB_BENCH_DATABASE_URL`, else `SAFERHUB_TEST_DATABASE_URL`: a server where the user may create
 * databases; the bench makes one of its own and drops it at the end unless `--keep`):
 * 1. starts `saferhub serve` with the demo (its partnership, users and Appendix C framework) and gives the demo
 *    partnership the generated framework of `bench` too (60 quarterly KPIs × 10 years, with an audit event per
 *    figure as an import writes), then measures, with 50 concurrent clients signed in as the demo's analyst:
 *    `/ping` (the same server doing nothing), the dashboard, and a KPI page (`/kpis/kpi-0`);
 * 2. times the import of one partnership's year (60 KPIs × 4 quarters, `values.csv`, through the import service as
 *    `saferhub import` runs it) into a second partnership that has the nine years before;
 * 3. bulk-loads the other partnerships (each its own generated figures, audit events included: 300 × 2,400 figures
 *    by default) with multi-row inserts, and measures the same three routes again, in the same server process;
 * 4. times the same import into the last partnership; grants the demo's regional analyst every partnership and
 *    times the regional pages' first request (every granted partnership's report built), then measures `/regional`
 *    and one KPI compared across all of them (`/regional/kpis/<code>`);
 * and prints p50/p95 of each route in each phase, each page's as a multiple of `/ping`'s in the same phase, and
 * the ratio of the two phases (the goal: ≤ 1.2).
 *
 * Options: --partnerships 300 --indicators 60 --years 10 --duration 10 (seconds per route) --connections 50
 * --keep (leave the database) --regional-path /regional. A quick run: `npm run bench:regional -- --partnerships 5 --duration 2`.
 * Figures depend on the machine and what else runs on it: compare the ratios of one run.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { auditEventHash } from '../src/audit/audit-chain.ts'
import { AUDIT_CHAIN_LOCK } from '../src/audit/audited-transaction.ts'
import { canonicalJson } from '../src/audit/canonical-json.ts'
import { createServices } from '../src/composition-root.ts'
import { loadConfig } from '../src/config.ts'
import type { Indicator, IndicatorValue } from '../src/domain/indicator.ts'
import { demoUsers } from '../src/accounts/demo-users.ts'
import { generatedIndicators, generatedValues } from './performance-framework-data.ts'
import { drive, ms, signIn, startBenchServer, statusOf, type Figures, type Target } from './support/web-load.ts'

const { values: options } = parseArgs({
  options: {
    partnerships: { type: 'string', default: '300' },
    indicators: { type: 'string', default: '60' },
    years: { type: 'string', default: '10' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
    'regional-path': { type: 'string', default: '/regional' },
  },
})
const partnershipCount = Number(options.partnerships)
const indicatorCount = Number(options.indicators)
const years = Number(options.years)
const load = { duration: Number(options.duration), connections: Number(options.connections) }
for (const [name, value] of Object.entries({ partnershipCount, indicatorCount, years, ...load })) {
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`${name} must be a positive whole number`)
}
if (partnershipCount < 3) throw new Error('--partnerships must be at least 3 (the measured one and two imported into)')
const FIRST_YEAR = 2014
const ACTOR = 'bench-regional'

const adminUrl = process.env.SAFERHUB_BENCH_DATABASE_URL || process.env.SAFERHUB_TEST_DATABASE_URL
if (!adminUrl) {
  console.error(
    'bench:regional needs PostgreSQL: set SAFERHUB_BENCH_DATABASE_URL (or SAFERHUB_TEST_DATABASE_URL) to a server ' +
      'where the user may create databases, e.g. postgres://postgres@127.0.0.1:5432/postgres',
  )
  process.exit(1)
}

const indicators = generatedIndicators(indicatorCount)
const yearOf = (period: string) => Number(period.slice(2, 6))

/** Rows in the database's own column names, inserted through json_populate_recordset (the table's types apply). */
type Row = Record<string, string | number | null>

async function insertRows(client: pg.ClientBase, table: string, rows: readonly Row[]): Promise<void> {
  const first = rows[0]
  if (!first) return
  const columns = Object.keys(first)
    .map((c) => `"${c}"`)
    .join(', ')
  for (let i = 0; i < rows.length; i += 5_000) {
    await client.query(
      `insert into "${table}" (${columns}) select ${columns} from json_populate_recordset(null::"${table}", $1::json)`,
      [JSON.stringify(rows.slice(i, i + 5_000))],
    )
  }
}

/**
 * Stores a partnership's generated framework and figures as an import would leave them: the KPIs, their values,
 * and an audit event per KPI and per figure, chained onto the instance's audit trail (under its lock, as every
 * writer appends).
 */
async function storeFramework(
  client: pg.ClientBase,
  partnershipId: number,
  values: readonly IndicatorValue[],
): Promise<void> {
  const at = new Date().toISOString()
  await client.query('begin')
  try {
    await client.query('select pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK])
    const existing = await client.query<{ id: string }>('select id from indicators where partnership_id = $1', [
      partnershipId,
    ])
    const known = new Set(existing.rows.map((r) => r.id))
    const newIndicators = indicators.filter((i) => !known.has(i.id))
    const position = await client.query<{ last: number | null }>(
      'select max(position) as last from indicators where partnership_id = $1',
      [partnershipId],
    )
    const firstPosition = (position.rows[0]?.last ?? 0) + 1
    await insertRows(
      client,
      'indicators',
      newIndicators.map((indicator, i) => indicatorRow(partnershipId, indicator, firstPosition + i, at)),
    )
    await insertRows(
      client,
      'indicator_values',
      values.map((v) => ({
        partnership_id: partnershipId,
        indicator_id: v.indicatorId,
        period: v.period,
        status: v.status,
        value: v.value,
        numerator: v.numerator,
        denominator: v.denominator,
        percent: v.percent,
        text: v.text,
        reason: v.reason,
        commentary: v.commentary,
        version: 1,
        updated_at: at,
        updated_by: ACTOR,
      })),
    )
    const head = await client.query<{ id: string; hash: string }>(
      'select id, hash from audit_events order by id desc limit 1',
    )
    let previous = { id: Number(head.rows[0]?.id ?? 0), hash: head.rows[0]?.hash ?? '' }
    const events: Row[] = []
    const append = (entityType: string, entityKey: string, after: unknown) => {
      const unhashed = {
        id: previous.id + 1,
        occurredAt: at,
        actor: ACTOR,
        action: 'create',
        entityType,
        entityKey,
        before: null,
        after: canonicalJson(after),
        requestId: null,
        importId: null,
        partnershipId,
        previousHash: previous.hash,
      }
      const hash = auditEventHash(unhashed)
      events.push({
        id: unhashed.id,
        occurred_at: at,
        actor: ACTOR,
        action: 'create',
        entity_type: entityType,
        entity_key: entityKey,
        before: null,
        after: unhashed.after,
        request_id: null,
        import_id: null,
        partnership_id: partnershipId,
        previous_hash: previous.hash,
        hash,
      })
      previous = { id: unhashed.id, hash }
    }
    for (const indicator of newIndicators) append('indicator', indicator.id, indicator)
    for (const v of values) append('indicator-value', `${v.indicatorId}/${v.period}`, { ...v, version: 1 })
    await insertRows(client, 'audit_events', events)
    await client.query('commit')
  } catch (error) {
    await client.query('rollback')
    throw error
  }
}

function indicatorRow(partnershipId: number, indicator: Indicator, position: number, at: string): Row {
  return {
    partnership_id: partnershipId,
    id: indicator.id,
    position,
    name: indicator.name,
    theme: indicator.theme,
    priority: indicator.priority,
    definition: indicator.definition,
    data_owner: indicator.dataOwner,
    cadence: indicator.cadence,
    measure_type: indicator.measureType,
    preferred_direction: indicator.preferredDirection,
    hidden_harm: indicator.hiddenHarm ? 1 : 0,
    rate_per: null,
    stock_aggregation: indicator.stockAggregation ?? null,
    unit: indicator.unit ?? null,
    share_label: null,
    target_kind: null,
    target_value: null,
    target_comparison: null,
    target_percent: null,
    target_reference_year: null,
    updated_at: at,
    updated_by: ACTOR,
  }
}

async function addPartnership(client: pg.ClientBase, n: number): Promise<{ id: number; slug: string }> {
  const at = new Date().toISOString()
  const slug = `bench-${n}`
  const row = await client.query<{ id: number }>(
    `insert into partnerships (slug, name, ons_code, nation, disclosure_minimum, returns_due_days, two_step_policy,
       audit_legacy_through, created_at, created_by, updated_at)
     values ($1, $2, null, 'england', null, null, null, null, $3, $4, $3) returning id`,
    [slug, `Bench Partnership ${n}`, at, ACTOR],
  )
  return { id: Number(row.rows[0]?.id), slug }
}

/** The values file of one partnership's year, as an analyst would import it. */
function valuesCsv(values: readonly IndicatorValue[]): string {
  const cell = (v: string | number | null) => (v === null ? '' : String(v))
  const lines = ['indicator,period,value,numerator,denominator,percent,text,status,reason,commentary']
  for (const v of values) {
    lines.push(
      [
        v.indicatorId,
        v.period,
        cell(v.value),
        cell(v.numerator),
        cell(v.denominator),
        '',
        '',
        v.status,
        cell(v.reason),
        '',
      ]
        .map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))
        .join(','),
    )
  }
  return `${lines.join('\n')}\n`
}

/**
 * Gives partnership number `n` every year but the last by bulk insert, then imports the last year through the
 * import service (as `saferhub import --partnership … values.csv` does); returns the import's wall time in ms.
 */
async function importLastYear(
  client: pg.ClientBase,
  databaseUrl: string,
  dataDirectory: string,
  n: number,
): Promise<{ ms: number; figures: number }> {
  const partnership = await addPartnership(client, n)
  const values = generatedValues(n, indicators, FIRST_YEAR, years)
  const lastYear = FIRST_YEAR + years - 1
  await storeFramework(
    client,
    partnership.id,
    values.filter((v) => yearOf(v.period) < lastYear),
  )
  const services = await createServices(
    loadConfig({ DATABASE_URL: databaseUrl, SAFERHUB_DATA_DIR: dataDirectory, SAFERHUB_DEMO: 'false' }),
  )
  try {
    const scoped = services.forPartnership(await services.partnerships.resolve(partnership.slug))
    const year = values.filter((v) => yearOf(v.period) === lastYear)
    const start = performance.now()
    const result = await scoped.performance.importFiles(
      [{ name: 'values.csv', content: Buffer.from(valuesCsv(year)) }],
      ACTOR,
    )
    const elapsed = performance.now() - start
    if (result.outcome !== 'applied')
      throw new Error(`the import was not applied: ${JSON.stringify(result).slice(0, 500)}`)
    return { ms: elapsed, figures: year.length }
  } finally {
    await services.close()
  }
}

interface Phase {
  readonly label: string
  readonly figures: readonly Figures[]
}

async function measure(base: string, label: string, targets: readonly Target[]): Promise<Phase> {
  console.log(`Measuring with ${label} (${load.connections} clients, ${load.duration} s a route)…`)
  const figures: Figures[] = []
  for (const target of targets) {
    // One request first, so that a first build of the report is not counted as load.
    await fetch(`${base}${target.path}`, { headers: target.headers }).then((r) => r.arrayBuffer())
    figures.push(await drive(base, target, load))
  }
  return { label, figures }
}

/**
 * Vacuums and analyses the database after a bulk load, so that each phase measures an instance in its steady state
 * (the planner's statistics and the visibility map up to date), not autovacuum catching up with the rows just inserted.
 */
async function settle(client: pg.Client): Promise<void> {
  await client.query('vacuum (analyze)')
}

async function main(): Promise<void> {
  const databaseName = `saferhub_bench_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${databaseName}`)
  await admin.end()
  const url = new URL(adminUrl as string)
  url.pathname = `/${databaseName}`
  const databaseUrl = url.toString()
  const dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'saferhub-bench-regional-'))
  const client = new pg.Client({ connectionString: databaseUrl })
  let server: Awaited<ReturnType<typeof startBenchServer>> | null = null
  try {
    console.log(
      `bench:regional — ${partnershipCount} partnerships × ${indicatorCount} KPIs × ${years} years of quarters, ` +
        `database ${databaseName} (Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)})`,
    )
    server = await startBenchServer({
      DATABASE_URL: databaseUrl,
      SAFERHUB_DATA_DIR: dataDirectory,
      SAFERHUB_DEMO: 'true',
    })
    const base = server.base
    await client.connect()
    const demo = await client.query<{ id: number }>('select id from partnerships order by id')
    const demoId = demo.rows[0]?.id
    if (demo.rows.length !== 1 || demoId === undefined) throw new Error('expected the demo partnership alone')
    await storeFramework(client, demoId, generatedValues(0, indicators, FIRST_YEAR, years))
    await settle(client)

    const analyst = await signIn(base, 'partnership-analyst')
    const kpi = `/kpis/${indicators[0]?.id}`
    for (const page of ['/dashboard', kpi]) {
      const status = await statusOf(base, page, analyst)
      if (status !== 200) throw new Error(`${page} answered ${status}`)
    }
    const targets: Target[] = [
      { label: 'GET /ping', path: '/ping', method: 'GET', headers: {} },
      { label: 'GET /dashboard', path: '/dashboard', method: 'GET', headers: { cookie: analyst.cookie } },
      { label: `GET ${kpi}`, path: kpi, method: 'GET', headers: { cookie: analyst.cookie } },
    ]
    const alone = await measure(base, '1 partnership', targets)

    const firstImport = await importLastYear(client, databaseUrl, dataDirectory, 2)

    console.log(`Loading partnerships 3 to ${partnershipCount - 1}…`)
    const loadStart = performance.now()
    for (let n = 3; n < partnershipCount; n++) {
      const { id } = await addPartnership(client, n)
      await storeFramework(client, id, generatedValues(n, indicators, FIRST_YEAR, years))
      if (n % 50 === 0) console.log(`  ${n} partnerships`)
    }
    const lastImport = await importLastYear(client, databaseUrl, dataDirectory, partnershipCount)
    await settle(client)
    const counts = await client.query<{ partnerships: string; values: string; events: string }>(
      `select (select count(*) from partnerships) as partnerships, (select count(*) from indicator_values) as values,
              (select count(*) from audit_events) as events`,
    )
    const loaded = counts.rows[0]
    console.log(
      `  loaded in ${((performance.now() - loadStart) / 1000).toFixed(1)} s: ${loaded?.partnerships} partnerships, ` +
        `${Number(loaded?.values).toLocaleString('en-GB')} figures, ${Number(loaded?.events).toLocaleString('en-GB')} audit events`,
    )
    const many = await measure(base, `${loaded?.partnerships} partnerships`, targets)

    // The regional pages, as a police and crime commissioner's analyst granted every partnership of the instance (the
    // worst case: a real office is granted its force area's, seven in the West Midlands). The first request of each is
    // timed alone: it builds every granted partnership's report, which later requests take from the caches.
    const regional: Figures[] = []
    const firstRegional: { label: string; ms: number; status: number }[] = []
    const regionalUser = demoUsers.find((u) => u.role === 'regional-analyst')
    if (regionalUser === undefined) console.log('No demo regional analyst: the regional pages are skipped.')
    else {
      await client.query(
        `insert into memberships (user_id, partnership_id, role, created_at, updated_at)
         select u.id, p.id, 'regional-analyst', $2, $2 from users u cross join partnerships p where u.email = $1
         on conflict do nothing`,
        [regionalUser.email, new Date().toISOString()],
      )
      const pcc = await signIn(base, 'regional-analyst')
      const year = `${FIRST_YEAR + years - 1}-${String((FIRST_YEAR + years) % 100).padStart(2, '0')}`
      const paths = [options['regional-path'], `/regional/kpis/${indicators[0]?.id}?year=${year}`]
      const targets: Target[] = []
      for (const page of paths) {
        const started = performance.now()
        const status = await statusOf(base, page, pcc)
        firstRegional.push({ label: `GET ${page}`, ms: performance.now() - started, status })
        if (status === 200)
          targets.push({ label: `GET ${page}`, path: page, method: 'GET', headers: { cookie: pcc.cookie } })
        else console.log(`${page} answered ${status}: skipped.`)
      }
      if (targets.length > 0)
        regional.push(...(await measure(base, `${loaded?.partnerships} partnerships, regional pages`, targets)).figures)
    }

    console.log('')
    /** One route's figures as a row of the table, beside the same phase's `/ping`. */
    const tableRow = (instance: string, f: Figures, ping: Figures | undefined) => ({
      instance,
      route: f.label,
      requests: f.requests,
      'req/s': Math.round(f.requestsPerSecond),
      'p50 ms': ms(f.p50),
      'p95 ms': ms(f.p95),
      'p50 ÷ /ping': ping ? (f.p50 / ping.p50).toFixed(1) : '–',
      'p95 ÷ /ping': ping ? (f.p95 / ping.p95).toFixed(1) : '–',
      'errors/timeouts': f.errors + f.timeouts,
      statuses: f.statusCodes,
    })
    const rows = [
      ...[alone, many].flatMap((phase) => phase.figures.map((f) => tableRow(phase.label, f, phase.figures[0]))),
      ...regional.map((f) => tableRow(`${many.label}, all granted`, f, many.figures[0])),
    ]
    console.table(rows)
    console.log(`${many.label} against 1 (goal for the pages: ≤ 1.2):`)
    for (const [i, f] of many.figures.entries()) {
      const one = alone.figures[i]
      if (!one) continue
      console.log(
        `  ${f.label}: p50 ×${(f.p50 / one.p50).toFixed(2)}, p95 ×${(f.p95 / one.p95).toFixed(2)}, ` +
          `req/s ×${(f.requestsPerSecond / one.requestsPerSecond).toFixed(2)}`,
      )
    }
    for (const first of firstRegional)
      console.log(
        `First ${first.label} (every granted partnership's report built): ${first.ms.toFixed(0)} ms, ${first.status}`,
      )
    console.log(
      `Import of one partnership's year (${firstImport.figures} figures, values.csv, through the import service): ` +
        `${firstImport.ms.toFixed(0)} ms with 2 partnerships, ${lastImport.ms.toFixed(0)} ms with ${loaded?.partnerships}`,
    )
  } finally {
    await server?.stop()
    await client.end().catch(() => undefined)
    rmSync(dataDirectory, { recursive: true, force: true })
    if (options.keep) console.log(`Kept the database: ${databaseUrl}`)
    else {
      const cleanup = new pg.Client({ connectionString: adminUrl })
      await cleanup.connect()
      await cleanup.query(`drop database if exists ${databaseName} with (force)`)
      await cleanup.end()
    }
  }
}

await main()
