import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { build } from 'esbuild'
import { isWorkbook } from './xlsx-tables.ts'
import {
  readPerformanceImport,
  type ImportFile,
  type KnownIndicators,
  type PerformanceImport,
  type ReadOptions,
} from './read-performance-import.ts'
import type { ImportWorkerRequest } from './import-worker.ts'

/** How an import is read: `readPerformanceImport`, here or in a worker thread. Injected so tests can count calls. */
export type ImportReader = (
  files: readonly ImportFile[],
  known: KnownIndicators,
  options?: ReadOptions,
) => Promise<PerformanceImport>

/** Below this (and with no workbook), reading takes a few milliseconds: a worker would cost more than it saves. */
export const READ_IN_PLACE_BELOW_BYTES = 256 * 1024

/**
 * The most heap the worker may use. A workbook at every limit (20 MB, 100,000 rows a sheet) reads in well under
 * this; one that needs more is refused with a problem rather than growing the server (issue 9: a 2.1 MB workbook
 * took the process to 2.8 GB).
 */
export const WORKER_HEAP_MB = 128

function outOfMemory(files: readonly ImportFile[], heapMb: number): PerformanceImport {
  return {
    indicators: [],
    baselines: [],
    values: [],
    problems: [
      {
        file: files.map((f) => f.name).join(', '),
        row: 0,
        column: '',
        reason: `reading these files needed more than the ${heapMb} MB of memory an import may use: split them into smaller files (fewer rows, or shorter commentary)`,
      },
    ],
    rowsRead: 0,
    warnings: [],
  }
}

/**
 * Reads an import without blocking the server: a workbook, or files of 256 KB or more, are read in a worker thread
 * (one per import, ended after it, so its memory goes with it, and held to `WORKER_HEAP_MB`); small CSV files are
 * read in place.
 *
 * @example const read = await readPerformanceImportOffThread(files, { indicators: known }, { today: new Date() })
 */
export const readPerformanceImportOffThread: ImportReader = async (files, known, options = {}) => {
  const bytes = files.reduce((sum, f) => sum + f.content.length, 0)
  if (bytes < READ_IN_PLACE_BELOW_BYTES && !files.some((f) => isWorkbook(f.name, f.content))) {
    return readPerformanceImport(files, known, options)
  }
  return readPerformanceImportInWorker(files, known, options)
}

/** The worker's code as one JavaScript bundle, built once per process on first use (about 0.3 s). */
let workerSource: Promise<string> | undefined

/**
 * The import worker (`import-worker.ts` and everything it imports) bundled by esbuild into one script that the
 * worker runs as it is. A worker that loads the TypeScript modules itself has to register tsx, and in Node 20 that
 * starts a second thread for tsx's module hooks: measured, a started worker added 39 MB to the process that way and
 * 9 MB as a bundle (issue 9: the server must stay under 300 MB while a workbook is read).
 */
export function importWorkerSource(): Promise<string> {
  workerSource ??= build({
    entryPoints: [fileURLToPath(new URL('./import-worker.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  }).then(
    (built) => (built.outputFiles[0] as { text: string }).text,
    (error: unknown) => {
      // A failed build (a fault in this repository) is not kept: the next read tries again and says why.
      workerSource = undefined
      throw error
    },
  )
  return workerSource
}

/**
 * Reads an import in a worker thread of its own, ended after it. `heapMb` (default `WORKER_HEAP_MB`) is the most
 * heap it may use: past it the worker is stopped and the import refused with a problem saying so.
 */
export async function readPerformanceImportInWorker(
  files: readonly ImportFile[],
  known: KnownIndicators,
  options: ReadOptions = {},
  heapMb = WORKER_HEAP_MB,
): Promise<PerformanceImport> {
  const worker = new Worker(await importWorkerSource(), {
    eval: true,
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 16 },
  })
  try {
    return await new Promise<PerformanceImport>((resolve, reject) => {
      worker.once('message', (answer: { ok: true; result: PerformanceImport } | { ok: false; message: string }) =>
        answer.ok ? resolve(answer.result) : reject(new Error(answer.message)),
      )
      worker.once('error', (error: Error & { code?: string }) =>
        error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? resolve(outOfMemory(files, heapMb)) : reject(error),
      )
      worker.once('exit', (code) => reject(new Error(`the import worker stopped (exit code ${code}) before answering`)))
      const request: ImportWorkerRequest = { files, indicators: [...known.indicators.values()], options }
      worker.postMessage(request)
    })
  } finally {
    await worker.terminate()
  }
}
