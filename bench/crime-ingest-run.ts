/**
 * One measured import for bench/crime-ingest.bench.ts, in a process of its own so that its peak memory is its own:
 *
 *   tsx bench/crime-ingest-run.ts --database FILE [--workers N] PATH...
 *
 * Prints one line of JSON: the import's wall time (from the service call to the commit: reading the geography,
 * parsing, mapping, aggregating, writing), rows, bytes, force-months, and the process's peak resident memory.
 */
import { parseOptions } from '../src/cli/command.ts'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { createCrimeRepository } from '../src/crime/crime-repository.ts'
import { geographyLoader } from '../src/crime/geography/lookup-files.ts'
import { createCrimeImportService } from '../src/crime/ingest/import-service.ts'

const { options, positional } = parseOptions(process.argv.slice(2))
const file = options.get('database')
if (typeof file !== 'string' || positional.length === 0) {
  process.stderr.write('Usage: tsx bench/crime-ingest-run.ts --database FILE [--workers N] PATH...\n')
  process.exit(2)
}
const workersOption = options.get('workers')
const database = openDatabase({ sqliteFile: file })
await migrateToLatest(database)
const repository = createCrimeRepository(database)
const imports = createCrimeImportService({
  repository,
  geography: geographyLoader(null),
  servedPartnershipsSetting: null,
  // The default instance: LSOA-level counts kept for Wolverhampton, as a partnership's own instance would.
  partnershipName: 'Safer Wolverhampton Partnership',
})
const started = performance.now()
const summary = await imports.importPaths(
  positional,
  typeof workersOption === 'string' ? { workers: Number(workersOption) } : {},
)
const seconds = (performance.now() - started) / 1000
await database.close()
process.stdout.write(
  `${JSON.stringify({
    seconds,
    rows: summary.rows,
    bytes: summary.bytes,
    files: summary.files,
    forceMonths: summary.forceMonths.length,
    workers: summary.workers,
    phaseSeconds: summary.phaseSeconds,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  })}\n`,
)
