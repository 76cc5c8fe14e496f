/**
 * `npm run bench:crime [-- --scale 0.1] [-- --workers 2] [-- --seed 1] [-- --repeat 3] [-- --fresh] [-- --baseline DIR]`
 *
 * The street-level ingest against two references measured in the same run on the same files:
 * - `cat files > /dev/null`: reading the bytes, the floor;
 * - DuckDB: `read_csv` with an explicit schema, joined to the LSOA → partnership lookup, GROUP BY partnership ×
 *   month × crime type (the same aggregate the ingest stores).
 * It generates a national year of data.police.uk files (43 forces × 12 months, about 6 million rows and 1.3 GB at
 * scale 1; see police-uk-generator.ts), ingests it into a fresh SQLite database, adds one more month (43 files), and
 * checks the stored counts against DuckDB's. Goals: the year in no more time than DuckDB's aggregate, a month in
 * under half a second, peak memory under 300 MB.
 *
 * Each contender runs `--repeat` times (default 3), interleaved (cat, DuckDB, the year, the month; again…), and the
 * best time of each is compared: on a shared machine the other loads come and go, and the best run is the one least
 * disturbed. Every run's time is printed too.
 *
 * Generated files are kept in the temporary folder between runs (same scale and seed), unless --fresh.
 *
 * `--baseline DIR`: another checkout of saferhub (an earlier commit, say: `git archive COMMIT | tar -x -C DIR`, with
 * a `node_modules` link) whose ingest runs too, interleaved with the others, into a database of its own: a change's
 * before and after measured in the same run, since on a shared machine figures from different times do not compare.
 */
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import { parseOptions } from '../src/cli/command.ts'
import { openDatabase } from '../src/db/database.ts'
import { createCrimeRepository } from '../src/crime/crime-repository.ts'
import { loadGeography } from '../src/crime/geography/lookup-files.ts'
import { generatePoliceUkFiles } from './police-uk-generator.ts'

const { options } = parseOptions(process.argv.slice(2))
const scale = Number(options.get('scale') ?? '1')
const seed = Number(options.get('seed') ?? '1')
const workers = options.get('workers')
const repeat = Number(options.get('repeat') ?? '3')
const baselineOption = options.get('baseline')
const baseline = typeof baselineOption === 'string' ? path.resolve(baselineOption) : null
if (baseline !== null && !fs.existsSync(path.join(baseline, 'bench', 'crime-ingest-run.ts'))) {
  throw new Error(`--baseline ${baseline}: no bench/crime-ingest-run.ts there`)
}
if (!(Number.isInteger(repeat) && repeat >= 1)) throw new Error('--repeat must be a whole number, 1 or more')
if (!(scale > 0 && scale <= 2)) throw new Error('--scale must be more than 0 and at most 2')
const YEAR = ['2019-04', '2019-05', '2019-06', '2019-07', '2019-08', '2019-09'].concat([
  '2019-10',
  '2019-11',
  '2019-12',
  '2020-01',
  '2020-02',
  '2020-03',
])
const NEXT_MONTH = '2020-04'

const root = path.join(os.tmpdir(), `saferhub-crime-bench-scale${scale}-seed${seed}`)
const yearDirectory = path.join(root, 'year')
const monthDirectory = path.join(root, 'next-month')
const manifestFile = path.join(root, 'manifest.json')

function csvFiles(directory: string): string[] {
  return fs
    .readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.csv'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort()
}

if (options.has('fresh') || !fs.existsSync(manifestFile)) {
  fs.rmSync(root, { recursive: true, force: true })
  process.stderr.write(`Generating a national year at scale ${scale} into ${root} …\n`)
  const started = performance.now()
  const year = generatePoliceUkFiles({ directory: yearDirectory, months: YEAR, scale, seed })
  const month = generatePoliceUkFiles({ directory: monthDirectory, months: [NEXT_MONTH], scale, seed })
  fs.writeFileSync(manifestFile, JSON.stringify({ scale, seed, year: year.rows, month: month.rows }))
  process.stderr.write(`… ${year.rows + month.rows} rows in ${((performance.now() - started) / 1000).toFixed(1)} s\n`)
}
const loadBefore = os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(', ')
const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { year: number; month: number }
const yearFiles = csvFiles(yearDirectory)
const monthFiles = csvFiles(monthDirectory)
const bytesOf = (files: string[]) => files.reduce((sum, f) => sum + fs.statSync(f).size, 0)
const yearBytes = bytesOf(yearFiles)
const monthBytes = bytesOf(monthFiles)

function timed<T>(work: () => T): { seconds: number; value: T } {
  const started = performance.now()
  const value = work()
  return { seconds: (performance.now() - started) / 1000, value }
}

// 1. The floor: reading the bytes (after one untimed read, so that every contender reads from the page cache).
const catAll = () =>
  execFileSync('sh', ['-c', `find "${yearDirectory}" -name '*.csv' -print0 | xargs -0 cat > /dev/null`])
catAll()

// 2. DuckDB: read_csv with the schema given, the LSOA → partnership lookup joined, grouped as the ingest stores.
const geography = loadGeography(null)
const lookupFile = path.join(root, 'lsoa-partnership.csv')
fs.writeFileSync(
  lookupFile,
  [
    'lsoa,partnership',
    ...geography.lsoaCodes.flatMap((code, i) => {
      const p = geography.partnerships[geography.lsoaPartnership[i] as number]
      return p ? [`${code},${p.code}`] : []
    }),
  ].join('\n'),
)
const duck = await DuckDBInstance.create(':memory:')
const connection = await duck.connect()
await connection.run(
  `CREATE TABLE lsoa_partnership AS SELECT * FROM read_csv('${lookupFile}', header = true, columns = {'lsoa': 'VARCHAR', 'partnership': 'VARCHAR'})`,
)
const columns = [
  'Crime ID',
  'Month',
  'Reported by',
  'Falls within',
  'Longitude',
  'Latitude',
  'Location',
  'LSOA code',
  'LSOA name',
  'Crime type',
  'Last outcome category',
  'Context',
]
  .map((c) => `'${c}': 'VARCHAR'`)
  .join(', ')
const duckQuery = `
  SELECT l.partnership, c."Month" AS month, c."Crime type" AS crime_type, count(*)::INTEGER AS crimes
  FROM read_csv('${yearDirectory}/*/*.csv', header = true, delim = ',', quote = '"', escape = '"',
                columns = {${columns}}) c
  JOIN lsoa_partnership l ON c."LSOA code" = l.lsoa
  GROUP BY ALL`
async function duckAggregate(): Promise<{ seconds: number; rows: [string, string, string, number][] }> {
  const duckStarted = performance.now()
  const rows = (await connection.runAndReadAll(duckQuery)).getRowsJS() as [string, string, string, number][]
  return { seconds: (performance.now() - duckStarted) / 1000, rows }
}

// 3. saferhub: the whole ingest (geography, parse, map, aggregate, commit) into a fresh SQLite file, in a child
//    process of its own (its peak memory is its own), then one more month into the same database.
const databaseFile = path.join(root, 'bench.sqlite')
const baselineDatabaseFile = path.join(root, 'baseline.sqlite')
const removeDatabase = (file = databaseFile) => {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true })
}
const runner = fileURLToPath(new URL('./crime-ingest-run.ts', import.meta.url))
const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url))

interface RunResult {
  seconds: number
  rows: number
  bytes: number
  files: number
  forceMonths: number
  workers: number
  phaseSeconds: { lookups: number; reading: number; writing: number }
  peakRssBytes: number
  processSeconds: number
}

/** One import in a process of its own: this checkout's, or the baseline's (into a database of its own). */
function ingest(directory: string, checkout: string | null = null): Promise<RunResult> {
  const args = [
    checkout === null ? tsx : path.join(checkout, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
    checkout === null ? runner : path.join(checkout, 'bench', 'crime-ingest-run.ts'),
    '--database',
    checkout === null ? databaseFile : baselineDatabaseFile,
    ...(typeof workers === 'string' ? ['--workers', workers] : []),
    directory,
  ]
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`the ingest exited with ${code}`))
      else resolve({ ...(JSON.parse(out) as RunResult), processSeconds: (performance.now() - started) / 1000 })
    })
  })
}
const runs: {
  cat: number
  duck: number
  year: RunResult
  month: RunResult
  baseline: { year: RunResult; month: RunResult } | null
}[] = []
let duckRows: [string, string, string, number][] = []
for (let r = 0; r < repeat; r++) {
  const cat = timed(catAll).seconds
  const duck = await duckAggregate()
  duckRows = duck.rows
  removeDatabase()
  const year = await ingest(yearDirectory)
  const month = await ingest(monthDirectory)
  let before: { year: RunResult; month: RunResult } | null = null
  if (baseline !== null) {
    removeDatabase(baselineDatabaseFile)
    before = { year: await ingest(yearDirectory, baseline), month: await ingest(monthDirectory, baseline) }
  }
  runs.push({ cat, duck: duck.seconds, year, month, baseline: before })
  process.stderr.write(
    `run ${r + 1}: cat ${cat.toFixed(2)} s, DuckDB ${duck.seconds.toFixed(2)} s, year ${year.seconds.toFixed(2)} s, month ${month.seconds.toFixed(2)} s` +
      (before
        ? `; baseline year ${before.year.seconds.toFixed(2)} s, month ${before.month.seconds.toFixed(2)} s`
        : '') +
      '\n',
  )
}
connection.closeSync()
const best = <T>(pick: (run: (typeof runs)[number]) => T, by: (t: T) => number): T =>
  runs.map(pick).reduce((a, b) => (by(b) < by(a) ? b : a))
const catSeconds = best(
  (r) => r.cat,
  (t) => t,
)
const duckSeconds = best(
  (r) => r.duck,
  (t) => t,
)
const year = best(
  (r) => r.year,
  (t) => t.seconds,
)
const month = best(
  (r) => r.month,
  (t) => t.seconds,
)
const peakMemory = Math.max(...runs.flatMap((r) => [r.year.peakRssBytes, r.month.peakRssBytes]))

// The stored counts must be DuckDB's, row for row.
const database = openDatabase({ sqliteFile: databaseFile })
const stored = await createCrimeRepository(database).partnershipCounts({ toMonth: YEAR.at(-1) as string })
await database.close()
const key = (p: string, m: string, t: string) => `${p}|${m}|${t}`
const duckMap = new Map(duckRows.map(([p, m, t, n]) => [key(p, m, t), Number(n)]))
const mismatches = stored.filter((c) => duckMap.get(key(c.partnershipCode, c.month, c.crimeType)) !== c.crimes).length
const same = mismatches === 0 && stored.length === duckMap.size

const mb = (bytes: number) => (bytes / 1e6).toFixed(0)
const rate = (bytes: number, seconds: number) => `${(bytes / 1e6 / seconds).toFixed(0)} MB/s`
const rowsRate = (rows: number, seconds: number) => `${(rows / 1e6 / seconds).toFixed(2)} M rows/s`
const phases = (r: RunResult) =>
  `    of which: listing and lookups ${r.phaseSeconds.lookups.toFixed(2)} s, reading and parsing ${r.phaseSeconds.reading.toFixed(2)} s (with workers, writing too), writing left after that and the commit ${r.phaseSeconds.writing.toFixed(2)} s`
const line = (label: string, seconds: number, extra = '') =>
  `  ${label.padEnd(52)} ${seconds.toFixed(2).padStart(6)} s  ${extra}`
const report = [
  `Police.uk street-level ingest: ${os.cpus().length} CPUs, Node ${process.version}, scale ${scale}, seed ${seed}, ` +
    `best of ${repeat} interleaved runs (load average before: ${loadBefore})`,
  `National year: ${yearFiles.length} files, ${manifest.year.toLocaleString('en-GB')} rows, ${mb(yearBytes)} MB`,
  line('reference: cat > /dev/null', catSeconds, rate(yearBytes, catSeconds)),
  line(
    'reference: DuckDB read_csv + join + GROUP BY',
    duckSeconds,
    `${rate(yearBytes, duckSeconds)}, ${rowsRate(manifest.year, duckSeconds)}`,
  ),
  line(
    `saferhub ingest (parse, map, aggregate, commit; ${year.workers === 0 ? 'one thread' : `${year.workers} workers`})`,
    year.seconds,
    `${rate(yearBytes, year.seconds)}, ${rowsRate(year.rows, year.seconds)}, ratio to DuckDB ${(year.seconds / duckSeconds).toFixed(2)}`,
  ),
  phases(year),
  line('saferhub whole process (with Node and tsx start-up)', year.processSeconds),
  `  peak memory (RSS) of the ingest: ${mb(year.peakRssBytes)} MB (the highest of all runs, year or month: ${mb(peakMemory)} MB)`,
  `One more month: ${monthFiles.length} files, ${manifest.month.toLocaleString('en-GB')} rows, ${mb(monthBytes)} MB`,
  line(
    `saferhub ingest (${month.workers === 0 ? 'one thread' : `${month.workers} workers`})`,
    month.seconds,
    `${rate(monthBytes, month.seconds)}, peak memory ${mb(month.peakRssBytes)} MB`,
  ),
  phases(month),
  line('saferhub whole process (with Node and tsx start-up)', month.processSeconds),
  `Stored counts equal DuckDB's: ${same ? 'yes' : `NO (${mismatches} differ; ${stored.length} stored, ${duckMap.size} from DuckDB)`}`,
  `Goals: year <= DuckDB: ${year.seconds <= duckSeconds ? 'met' : 'not met'}; month < 0.5 s: ${
    month.seconds < 0.5 ? 'met' : 'not met'
  }; peak memory < 300 MB: ${peakMemory < 300e6 ? 'met' : 'not met'}`,
  ...(baseline === null
    ? []
    : [
        `Baseline (${baseline}): year ${best(
          (r) => r.baseline?.year.seconds ?? Infinity,
          (t) => t,
        ).toFixed(2)} s (ratio to DuckDB ${(
          best(
            (r) => r.baseline?.year.seconds ?? Infinity,
            (t) => t,
          ) / duckSeconds
        ).toFixed(2)}), month ${best(
          (r) => r.baseline?.month.seconds ?? Infinity,
          (t) => t,
        ).toFixed(2)} s; every run: year ${runs
          .map((r) => r.baseline?.year.seconds.toFixed(2))
          .join(', ')}; month ${runs.map((r) => r.baseline?.month.seconds.toFixed(2)).join(', ')}`,
      ]),
  `Every run (s): DuckDB ${runs.map((r) => r.duck.toFixed(2)).join(', ')}; year ${runs
    .map((r) => r.year.seconds.toFixed(2))
    .join(', ')}; month ${runs.map((r) => r.month.seconds.toFixed(2)).join(', ')}`,
]
process.stdout.write(`${report.join('\n')}\n`)
removeDatabase()
removeDatabase(baselineDatabaseFile)
if (!same) process.exitCode = 1
