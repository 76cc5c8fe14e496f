import { QuarterLockedError } from './quarter-locks.ts'
import { period } from '../domain/period.ts'
import { webcrypto } from 'node:crypto'
import type { AuditRepository } from '../audit/audit-repository.ts'
import {
  inUnitOfWork,
  inUnitOfWorkOrRollBack,
  retryOnConflict,
  RollBack,
  type RetryOptions,
} from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { applyImport } from './apply-import.ts'
import type { ImportProblem } from './import/import-problem.ts'
import type { ImportFile, PerformanceImport } from './import/read-performance-import.ts'
import { readPerformanceImportOffThread, type ImportReader } from './import/read-in-worker.ts'
import type { Indicator } from '../domain/indicator.ts'
import type {
  AppliedImport,
  ImportChanges,
  ImportContext,
  ImportSummary,
  PerformanceRepository,
} from './performance-repository.ts'
import { createFigureWriter, type FigureWriter } from './write-figure.ts'

/** Nothing was written: every problem found, each naming file, row, column and reason. */
export interface RejectedImport {
  readonly outcome: 'rejected'
  readonly problems: readonly ImportProblem[]
  readonly rowsRead: number
  readonly rowsAccepted: 0
  /** Every row read: an import is applied whole or not at all. */
  readonly rowsRejected: number
  /** How many distinct rows had a problem. */
  readonly rowsWithProblems: number
  readonly warnings: readonly ImportProblem[]
}

/** Applied in one transaction and recorded. */
export interface AppliedImportResult {
  readonly outcome: 'applied'
  readonly importId: number
  readonly rowsRead: number
  readonly rowsAccepted: number
  readonly rowsRejected: 0
  readonly summary: ImportSummary
  readonly auditEvents: number
  /** Transactions run: more than 1 when PostgreSQL aborted one as a serialization failure or deadlock. */
  readonly attempts: number
  /** Things worth saying that did not stop the import, e.g. a table with a header and no rows. */
  readonly warnings: readonly ImportProblem[]
}

export type ImportResult = RejectedImport | AppliedImportResult

export interface ImportOptions {
  /** The web request that asked for the import, for the audit trail. */
  readonly requestId?: string | null
}

export interface PerformanceImportService {
  /**
   * Reads KPI definitions, baselines and values from CSV or XLSX files and stores them: all of them, in one
   * transaction, or (when any row has a problem) none of them, not even an audit event.
   */
  importPerformanceFiles(files: readonly ImportFile[], actor: string, options?: ImportOptions): Promise<ImportResult>
  /**
   * What `importPerformanceFiles` would do with these files, writing nothing: every problem, or what would be
   * added, changed and left unchanged.
   */
  previewPerformanceFiles(files: readonly ImportFile[]): Promise<ImportPreview>
  /**
   * Applies changes already read (and checked) in ONE unit of work: indicators, baselines and values, with one audit
   * event per record that changed, and the import recorded. A changed figure of a signed-off quarter throws
   * `QuarterLockedError` with nothing written. For the demo loader's and tests' own records; files go through
   * `importPerformanceFiles`.
   */
  applyChanges(changes: ImportChanges, context: ImportContext): Promise<AppliedImport>
}

/** A dry run: the import would be applied with these changes (nothing has been written). */
export interface PreviewedImport {
  readonly outcome: 'preview'
  readonly rowsRead: number
  readonly summary: ImportSummary
  readonly warnings: readonly ImportProblem[]
}

export type ImportPreview = RejectedImport | PreviewedImport

export interface PerformanceImportDependencies {
  /** The partnership's database handle: the service opens its unit of work on it. */
  readonly database: Database
  readonly repository: PerformanceRepository
  /** The partnership's audit trail. */
  readonly audit: Pick<AuditRepository, 'appendAll'>
  /** The one way a figure is written (default: one over `audit`). */
  readonly figures?: FigureWriter
  /** How PostgreSQL serialization failures and deadlocks are retried (default: 3 attempts). */
  readonly retry?: RetryOptions
  readonly now?: () => Date
  /**
   * How files are read (default: in a worker thread for workbooks and large files, so the server keeps answering).
   * Injected by tests to count how often files are read.
   */
  readonly read?: ImportReader
}

/** Thrown when the database refuses a row the reader accepted: nothing was written. */
export class ImportRefusedError extends Error {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`The database refused the import, so nothing was written: ${detail}`, options)
    this.name = 'ImportRefusedError'
  }
}

/** SQLite's SQLITE_CONSTRAINT_* codes; PostgreSQL's class 23 (integrity constraint violation). */
function isConstraintViolation(error: unknown): boolean {
  if (error === null || typeof error !== 'object' || !('code' in error)) return false
  const code = String((error as { code: unknown }).code)
  return code.startsWith('SQLITE_CONSTRAINT') || /^23\d{3}$/.test(code)
}

/**
 * @example
 *   const imports = createPerformanceImportService({ database: scopedDatabase, repository, audit })
 *   const result = await imports.importPerformanceFiles([{ name: 'values.csv', content }], 'analyst@council')
 *   if (result.outcome === 'rejected') for (const p of result.problems) console.log(`${p.file}:${p.row}:${p.column}: ${p.reason}`)
 */
export function createPerformanceImportService(dependencies: PerformanceImportDependencies): PerformanceImportService {
  const { repository, database, audit } = dependencies
  const now = dependencies.now ?? (() => new Date())
  const figures = dependencies.figures ?? createFigureWriter({ audit, now })
  const apply = { repository, figures, audit, now }
  const read = dependencies.read ?? readPerformanceImportOffThread
  const parsed = createParsedImportCache()

  /**
   * The files read and checked against the partnership's indicators, and each file's digest. Reading is the costly
   * part (a workbook can take seconds): a preview shown again, or confirmed, reuses it while the files and the
   * indicators are the same (issue 9: every GET /imports/:id parsed the workbook again).
   */
  async function readFiles(files: readonly ImportFile[]): Promise<{ read: PerformanceImport; digests: string[] }> {
    const indicators = await repository.listIndicators()
    // Hashed off the event loop (WebCrypto runs in the thread pool): 20 MB is tens of milliseconds of SHA-256.
    const digests = await Promise.all(files.map((file) => sha256(file.content)))
    const key = JSON.stringify([files.map((f) => f.name), digests, await indicatorsFingerprint(indicators)])
    const cached = parsed.get(key)
    if (cached) return { read: cached, digests }
    const known = new Map(indicators.map((indicator) => [indicator.id, indicator]))
    const fresh = await read(files, { indicators: known }, { today: now() })
    parsed.set(key, fresh)
    return { read: fresh, digests }
  }

  /** The import in its own unit of work (the service owns the transaction; the repository takes it). */
  function applyChanges(changes: ImportChanges, context: ImportContext): Promise<AppliedImport> {
    return inUnitOfWork(database, (uow) => applyImport(uow, apply, changes, context))
  }

  /** What `applyChanges` would do: the same code, in a unit of work that is then rolled back. */
  function previewChanges(changes: ImportChanges, context: ImportContext): Promise<ImportSummary> {
    return inUnitOfWorkOrRollBack<ImportSummary>(database, async (uow) => {
      const { summary } = await applyImport(uow, apply, changes, context)
      throw new RollBack(summary)
    })
  }

  return {
    applyChanges,

    async previewPerformanceFiles(files) {
      if (files.length === 0) return rejected([{ file: '', row: 0, column: '', reason: 'no files were given' }], 0, [])
      const { read, digests } = await readFiles(files)
      if (read.problems.length > 0) return rejected(read.problems, read.rowsRead, read.warnings)
      const summary = await lockedAsProblems(files, read, () =>
        previewChanges(read, {
          actor: 'preview',
          files: files.map((file, index) => ({
            name: file.name,
            sha256: digests[index] as string,
            bytes: file.content.length,
          })),
          rowsRead: read.rowsRead,
        }),
      )
      if ('outcome' in summary) return summary
      return { outcome: 'preview', rowsRead: read.rowsRead, summary, warnings: read.warnings }
    },

    async importPerformanceFiles(files, actor, options = {}) {
      if (actor.trim() === '') throw new Error('An import needs an actor: who is importing')
      if (files.length === 0) {
        return rejected([{ file: '', row: 0, column: '', reason: 'no files were given' }], 0, [])
      }
      const startedAt = now().toISOString()
      const { read, digests } = await readFiles(files)
      if (read.problems.length > 0) return rejected(read.problems, read.rowsRead, read.warnings)

      const context = {
        actor,
        files: files.map((file, index) => ({
          name: file.name,
          sha256: digests[index] as string,
          bytes: file.content.length,
        })),
        rowsRead: read.rowsRead,
        startedAt,
        requestId: options.requestId ?? null,
      }
      let attempts = 0
      try {
        const applied = await retryOnConflict(async (attempt) => {
          attempts = attempt
          return applyChanges(read, context)
        }, dependencies.retry)
        return {
          outcome: 'applied',
          importId: applied.importId,
          rowsRead: read.rowsRead,
          rowsAccepted: read.rowsRead,
          rowsRejected: 0,
          summary: applied.summary,
          auditEvents: applied.auditEvents,
          attempts,
          warnings: read.warnings,
        }
      } catch (error) {
        if (error instanceof QuarterLockedError) return lockedRejection(files, read, error)
        if (isConstraintViolation(error)) {
          throw new ImportRefusedError(error instanceof Error ? error.message : String(error), { cause: error })
        }
        throw error
      }
    },
  }
}

/**
 * A figure of a signed-off quarter would change: the import is refused as a whole, with one problem per period
 * (the rows are not known at this depth: the periods name them).
 */
function lockedRejection(
  files: readonly ImportFile[],
  read: PerformanceImport,
  error: QuarterLockedError,
): RejectedImport {
  const file = files.map((f) => f.name).join(', ')
  const problems = [...error.periods].map(([periodId, quarter]) => ({
    file,
    row: 0,
    column: 'period',
    reason: `${periodId}: ${period(quarter).label} has been signed off and locked; the board must reopen it (with a reason) before its figures can change`,
  }))
  return rejected(problems, read.rowsRead, read.warnings)
}

async function lockedAsProblems<T>(
  files: readonly ImportFile[],
  read: PerformanceImport,
  work: () => Promise<T>,
): Promise<T | RejectedImport> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof QuarterLockedError) return lockedRejection(files, read, error)
    throw error
  }
}

function rejected(
  problems: readonly ImportProblem[],
  rowsRead: number,
  warnings: readonly ImportProblem[],
): RejectedImport {
  return {
    outcome: 'rejected',
    problems,
    rowsRead,
    rowsAccepted: 0,
    rowsRejected: rowsRead,
    rowsWithProblems: new Set(problems.map((p) => `${p.file}\u0000${p.row}`)).size,
    warnings,
  }
}

async function sha256(content: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', content)).toString('hex')
}

/** The indicators a read was checked against: a changed definition (or a new one) means reading again. */
function indicatorsFingerprint(indicators: readonly Indicator[]): Promise<string> {
  const sorted = [...indicators].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return sha256(Buffer.from(JSON.stringify(sorted), 'utf8'))
}

/**
 * Reads kept for reuse, newest last. Bounded by count and by rows, so that a few large uploads cannot hold the
 * server's memory: a read of 100,000 rows is tens of megabytes.
 */
const PARSED_KEPT = 8
const PARSED_ROWS_KEPT = 200_000

function createParsedImportCache() {
  const kept = new Map<string, PerformanceImport>()
  const rowsOf = (read: PerformanceImport) => Math.max(read.rowsRead, read.values.length + read.baselines.length)
  return {
    get(key: string): PerformanceImport | undefined {
      const found = kept.get(key)
      if (found !== undefined) {
        kept.delete(key)
        kept.set(key, found)
      }
      return found
    },
    set(key: string, read: PerformanceImport): void {
      if (rowsOf(read) > PARSED_ROWS_KEPT) return
      kept.set(key, read)
      let rows = 0
      for (const value of kept.values()) rows += rowsOf(value)
      for (const [oldest, value] of kept) {
        if (kept.size <= PARSED_KEPT && rows <= PARSED_ROWS_KEPT) break
        kept.delete(oldest)
        rows -= rowsOf(value)
      }
    },
  }
}
