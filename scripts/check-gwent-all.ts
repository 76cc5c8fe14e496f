/**
 * The police.uk ingest checked on every real month the project has: all 24 Gwent months (2020-01 to 2021-12), with
 * the Cumbria and North Yorkshire months, from the shared data folder (not shipped in the repository).
 *
 *   tsx scripts/check-gwent-all.ts [SHARED_DATA_FOLDER]     (default: ../shared/data beside the repository)
 *
 * 1. The shipped lookups (reference/ons) are the ONS originals reduced: re-derived with Python's csv module.
 * 2. The files are imported into a fresh SQLite database, on one thread and again with two worker threads, and
 *    every stored count (partnership × month × crime type; LSOA × month × crime type for Gwent's five partnerships
 *    and Wolverhampton; rows, rows without a location, rows outside the force, unmapped rows per force-month) must
 *    equal what src/crime/ingest/independent-counts.py (Python's csv module) counts.
 * Exits 1 on any difference, printing it.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { createCrimeRepository } from '../src/crime/crime-repository.ts'
import { SHIPPED_LOOKUP_DIRECTORY, loadGeography } from '../src/crime/geography/lookup-files.ts'
import { independentCounts } from '../src/crime/ingest/independent-counts.ts'
import { createCrimeImportService } from '../src/crime/ingest/import-service.ts'

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url))
const shared = path.resolve(process.argv[2] ?? path.join(repositoryRoot, '../shared/data'))
const streetFolder = path.join(shared, 'police-uk', 'street')
const onsFolder = path.join(shared, 'ons')
if (!fs.existsSync(streetFolder)) {
  process.stderr.write(`No ${streetFolder}: give the shared data folder as the argument.\n`)
  process.exit(2)
}
const failures: string[] = []
const check = (ok: boolean, what: string) => {
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}\n`)
  if (!ok) failures.push(what)
}

// 1. The shipped lookups against the ONS originals, re-derived independently.
const derived = execFileSync(
  'python3',
  [
    '-c',
    `import csv, gzip, sys
ons, ref = sys.argv[1], sys.argv[2]
with open(ons + '/Lower_Layer_Super_Output_Area_2011_to_Ward_2018_Lookup_in_England_and_Wales_v3.csv', encoding='utf-8-sig', newline='') as f:
    original = sorted((r['LSOA11CD'], r['LAD18CD']) for r in csv.DictReader(f))
with gzip.open(ref + '/lsoa-to-district.csv.gz', 'rt', newline='') as f:
    shipped = sorted((r['lsoa_code'], r['district_code']) for r in csv.DictReader(f))
with open(ons + '/LAD23_CSP23_PFA23_lookup_Dec2023.csv', encoding='utf-8-sig', newline='') as f:
    original_p = [(r['LAD23CD'], r['LAD23NM'], r['CSP23CD'], r['CSP23NM'], r['PFA23CD'], r['PFA23NM']) for r in csv.DictReader(f)]
with open(ref + '/district-partnership-force.csv', newline='') as f:
    shipped_p = [(r['district_code'], r['district_name'], r['partnership_code'], r['partnership_name'], r['force_area_code'], r['force_area_name']) for r in csv.DictReader(f)]
print(len(original), original == shipped, len(original_p), original_p == shipped_p)`,
    onsFolder,
    SHIPPED_LOOKUP_DIRECTORY,
  ],
  { encoding: 'utf8' },
)
  .trim()
  .split(' ')
check(
  derived[1] === 'True',
  `reference/ons/lsoa-to-district.csv.gz is LSOA11CD,LAD18CD of the ONS file (${derived[0]} rows)`,
)
check(
  derived[3] === 'True',
  `reference/ons/district-partnership-force.csv is the ONS LAD23_CSP23_PFA23 lookup (${derived[2]} rows)`,
)

// 2. Every month imported and compared.
const files = fs
  .readdirSync(streetFolder)
  .filter((name) => name.endsWith('-street.csv'))
  .sort()
  .map((name) => path.join(streetFolder, name))
const gwentMonths = files.filter((f) => path.basename(f).includes('-gwent-')).length
check(gwentMonths === 24, `24 Gwent months in ${streetFolder} (found ${gwentMonths})`)
const served = ['W14000018', 'W14000019', 'W14000020', 'W14000021', 'W14000022', 'E22000341']
const expected = independentCounts(files, served)
const geography = loadGeography(null)

for (const workers of [0, 2]) {
  const database = openDatabase({ sqliteFile: ':memory:' })
  await migrateToLatest(database)
  const repository = createCrimeRepository(database)
  const imports = createCrimeImportService({
    repository,
    geography: () => geography,
    servedPartnershipsSetting: served,
    partnershipName: '',
  })
  const summary = await imports.importPaths(files, { workers })
  const label = workers === 0 ? 'one thread' : `${workers} worker threads`
  check(summary.forceMonths.length === files.length, `${label}: ${files.length} force-months imported`)

  const want = new Map<string, number>()
  const wantLsoa = new Map<string, number>()
  for (const [file, figures] of Object.entries(expected)) {
    const month = path.basename(file).slice(0, 7)
    for (const [key, n] of Object.entries(figures.counts)) {
      const [partnership, type] = key.split('|')
      const id = `${partnership}|${month}|${type}`
      want.set(id, (want.get(id) ?? 0) + n)
    }
    for (const [key, n] of Object.entries(figures.lsoa_counts)) {
      const [lsoa, partnership, type] = key.split('|')
      wantLsoa.set(`${lsoa}|${partnership}|${month}|${type}`, n)
    }
  }
  const got = new Map(
    (await repository.partnershipCounts()).map((c) => [`${c.partnershipCode}|${c.month}|${c.crimeType}`, c.crimes]),
  )
  const gotLsoa = new Map(
    (await repository.lsoaCounts()).map((c) => [
      `${c.lsoaCode}|${c.partnershipCode}|${c.month}|${c.crimeType}`,
      c.crimes,
    ]),
  )
  const differences = (a: Map<string, number>, b: Map<string, number>) =>
    [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k))
  const partnershipDiff = differences(got, want)
  check(
    partnershipDiff.length === 0,
    `${label}: ${want.size} partnership × month × crime type counts equal Python's` +
      (partnershipDiff.length ? ` (differ: ${partnershipDiff.slice(0, 5).join(', ')})` : ''),
  )
  const lsoaDiff = differences(gotLsoa, wantLsoa)
  check(
    lsoaDiff.length === 0,
    `${label}: ${wantLsoa.size} LSOA × month × crime type counts (Gwent's partnerships, Wolverhampton) equal Python's` +
      (lsoaDiff.length ? ` (differ: ${lsoaDiff.slice(0, 5).join(', ')})` : ''),
  )
  const months = await repository.forceMonths()
  const bookkeeping = months.every((m) => {
    const e = expected[m.sourceFile]
    return (
      e !== undefined &&
      e.rows === m.rowsRead &&
      e.without_location === m.rowsWithoutLocation &&
      e.outside === m.rowsOutsideForce &&
      e.unmapped === m.rowsUnmapped
    )
  })
  check(bookkeeping, `${label}: rows, rows without a location, outside the force, unmapped, per force-month`)
  await database.close()
}

process.stdout.write(failures.length === 0 ? 'All checks passed.\n' : `${failures.length} checks failed.\n`)
process.exitCode = failures.length === 0 ? 0 : 1
