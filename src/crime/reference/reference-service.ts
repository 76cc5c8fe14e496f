import { createHash } from 'node:crypto'
import type { AliasTarget } from './name-matching.ts'
import type { PartnershipDirectory } from './partnerships.ts'
import { readCsvExtract, type CsvExtractImport } from './read-csv-extract.ts'
import { readOnsTables, type ImportFile } from './read-ons-tables.ts'
import { readPopulationEstimates } from './read-population.ts'
import {
  DATASET_LABELS,
  formatTableProblem,
  yearEndingLabel,
  type RecordedCrimeYear,
  type TableProblem,
} from './recorded-crime-table.ts'
import type { ReferenceRepository } from './reference-repository.ts'

export type ReferenceImportResult =
  | {
      readonly outcome: 'rejected'
      readonly problems: readonly TableProblem[]
      readonly notes: readonly TableProblem[]
      /** For a CSV extract: the names still unmatched, for the user to resolve. */
      readonly unmatched: CsvExtractImport['unmatched']
    }
  | {
      readonly outcome: 'applied'
      readonly importId: number
      /** One line per thing stored, for the summary. */
      readonly summary: readonly string[]
      readonly notes: readonly TableProblem[]
    }

export interface RecordedCrimeImportOptions {
  /** For a CSV extract: aliases for names the matcher cannot place (name → ONS code or `FORCE-LEVEL`). */
  readonly aliases?: ReadonlyMap<string, AliasTarget>
  /** For a CSV extract without the year in its name: `YYYY-MM`. */
  readonly yearEnding?: string
}

export interface CrimeReferenceService {
  /**
   * Imports police recorded crime by partnership: the ONS workbook (tables C2–C5: this year and last) or a CSV
   * extract of table C2. All or nothing: any problem, or any unmatched name, and nothing is written.
   */
  importRecordedCrime(
    file: ImportFile,
    actor: string,
    options?: RecordedCrimeImportOptions,
  ): Promise<ReferenceImportResult>
  /** Imports ONS mid-year population estimates by district (sheets MYE4, MYE5, MYE6). All or nothing. */
  importPopulation(file: ImportFile, actor: string): Promise<ReferenceImportResult>
}

export interface CrimeReferenceDependencies {
  readonly repository: ReferenceRepository
  readonly directory: () => PartnershipDirectory
}

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex')

function yearSummary(year: RecordedCrimeYear): string {
  const partnerships = year.areas.filter((a) => a.kind === 'partnership').length
  const forces = new Set(year.areas.map((a) => a.forceCode)).size
  return `${DATASET_LABELS[year.dataset]}, ${yearEndingLabel(year.yearEnding)}: ${partnerships} partnerships in ${forces} police force areas (${year.areas.length} rows)`
}

/**
 * @example
 * const reference = createCrimeReferenceService({ repository, directory: () => directory })
 * const result = await reference.importRecordedCrime({ name, content }, 'analyst@council')
 */
export function createCrimeReferenceService(dependencies: CrimeReferenceDependencies): CrimeReferenceService {
  const { repository } = dependencies
  return {
    async importRecordedCrime(file, actor, options = {}) {
      const directory = dependencies.directory()
      const isWorkbook = file.content.length >= 4 && file.content.readUInt32LE(0) === 0x04034b50
      let years: RecordedCrimeYear[]
      let notes: readonly TableProblem[]
      if (isWorkbook) {
        const read = await readOnsTables(file, directory)
        if (read.problems.length > 0)
          return { outcome: 'rejected', problems: read.problems, notes: read.notes, unmatched: [] }
        years = [read.current, read.previous]
        notes = read.notes
      } else {
        const read = readCsvExtract(file, directory, {
          ...(options.aliases ? { aliases: options.aliases } : {}),
          ...(options.yearEnding ? { yearEnding: options.yearEnding } : {}),
        })
        if (read.problems.length > 0) {
          return { outcome: 'rejected', problems: read.problems, notes: read.notes, unmatched: read.unmatched }
        }
        years = [read.year]
        notes = read.notes
      }
      const importId = await repository.replaceRecordedCrimeYears(years, {
        fileName: file.name,
        sha256: sha256(file.content),
        description: years.map(yearSummary).join('; '),
        importedBy: actor,
        notes: notes.map(formatTableProblem),
      })
      return { outcome: 'applied', importId, summary: years.map(yearSummary), notes }
    },

    async importPopulation(file, actor) {
      const read = await readPopulationEstimates(file, dependencies.directory())
      if (read.problems.length > 0)
        return { outcome: 'rejected', problems: read.problems, notes: read.notes, unmatched: [] }
      const years = read.years
      const summary = [
        `ONS mid-year population estimates for ${read.districts.length} districts, mid-${years.at(-1)} to mid-${years[0]}`,
        `areas for ${read.districts.filter((d) => d.areaSqKm !== null).length} districts; median ages for ${
          read.districts.filter((d) => d.medianAge.size > 0).length
        }`,
      ]
      const importId = await repository.replacePopulation(read.districts, {
        fileName: file.name,
        sha256: sha256(file.content),
        description: summary.join('; '),
        importedBy: actor,
        notes: read.notes.map(formatTableProblem),
      })
      return { outcome: 'applied', importId, summary, notes: read.notes }
    },
  }
}
