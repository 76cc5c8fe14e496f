import { parentPort } from 'node:worker_threads'
import { readPerformanceImport, type ImportFile, type ReadOptions } from './read-performance-import.ts'
import type { Indicator } from '../../domain/indicator.ts'

/** What the server sends the worker: the files, the partnership's indicators, and how to read them. */
export interface ImportWorkerRequest {
  readonly files: readonly ImportFile[]
  readonly indicators: readonly Indicator[]
  readonly options: ReadOptions
}

/**
 * The worker thread that reads an import (src/performance/import/read-in-worker.ts starts one per import): the
 * reading of a workbook or a large CSV file, which is all computation, happens here and not on the server's event
 * loop. It answers once and is then ended.
 */
parentPort?.once('message', (request: ImportWorkerRequest) => {
  // A Buffer arrives as a Uint8Array: viewed as a Buffer again, not copied (it can be 20 MB).
  const files = request.files.map((file) => ({
    name: file.name,
    content: Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength),
  }))
  readPerformanceImport(files, { indicators: new Map(request.indicators.map((i) => [i.id, i])) }, request.options).then(
    (result) => parentPort?.postMessage({ ok: true, result }),
    (error: unknown) =>
      parentPort?.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) }),
  )
})
