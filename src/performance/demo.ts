import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ImportFile } from './import/read-performance-import.ts'
import type { ImportResult, PerformanceImportService } from './import-service.ts'
import type { PerformanceRepository } from './performance-repository.ts'

/**
 * The demo performance framework: the seed report's Appendix C (Safer Wolverhampton Partnership 2017/18) as
 * import files, so that a fresh installation shows a real-looking report at once.
 */
export const DEMO_DIRECTORY = fileURLToPath(new URL('../../demo/performance-framework/', import.meta.url))

/** The actor the audit trail names for demo data. */
export const DEMO_ACTOR = 'demo-data'

/** The demo partnership: the seed report's own, with its ONS code (Wolverhampton, in the West Midlands force). */
export const DEMO_PARTNERSHIP = Object.freeze({
  name: 'Safer Wolverhampton Partnership',
  code: 'E22000341',
  slug: 'wolverhampton',
})

/** Three CSV files, or the same tables as the sheets of one workbook. */
const DEMO_FILES = {
  csv: ['indicators.csv', 'baselines.csv', 'values.csv'],
  xlsx: ['performance-framework.xlsx'],
} as const

/** The demo files, as CSV (the default) or as one XLSX workbook. */
export async function readDemoFiles(format: 'csv' | 'xlsx' = 'csv', directory = DEMO_DIRECTORY): Promise<ImportFile[]> {
  return Promise.all(
    DEMO_FILES[format].map(async (name) => ({ name, content: await readFile(path.join(directory, name)) })),
  )
}

/**
 * Imports the demo files as the actor "demo-data". Importing them again changes nothing.
 *
 * @example const result = await loadDemoData(services.performance.importService)
 */
export async function loadDemoData(
  imports: PerformanceImportService,
  format: 'csv' | 'xlsx' = 'csv',
): Promise<ImportResult> {
  return imports.importPerformanceFiles(await readDemoFiles(format), DEMO_ACTOR)
}

/**
 * First start: fills an empty database with the demo data. Does nothing once any indicator exists, so a
 * partnership's own framework is never touched. A demo set the importer refuses is a fault in this
 * repository, so it stops the start-up with every problem listed rather than showing an empty report.
 */
export async function loadDemoDataIfEmpty(
  repository: PerformanceRepository,
  imports: PerformanceImportService,
): Promise<ImportResult | null> {
  if ((await repository.countIndicators()) > 0) return null
  const result = await loadDemoData(imports)
  if (result.outcome === 'rejected') {
    const problems = result.problems.map((p) => `  ${p.file}:${p.row}:${p.column}: ${p.reason}`)
    throw new Error(`The demo data in ${DEMO_DIRECTORY} was refused:\n${problems.join('\n')}`)
  }
  return result
}
