import fs from 'node:fs'
import { createRequire } from 'node:module'
import vm from 'node:vm'
import { Worker, type MessagePort } from 'node:worker_threads'
import yauzl, { type Entry, type ZipFile } from 'yauzl'
import {
  streetFileKernel,
  type KernelSetup,
  type StreetFileFault,
  type StreetFileReader,
  type StreetFileSummary,
} from './street-file-kernel.ts'

/** Where a street-level file's bytes are: a file on disk, or an entry of a zip archive as data.police.uk serves it. */
export type StreetFileSource =
  | { readonly kind: 'file'; readonly path: string }
  | {
      readonly kind: 'zip-entry'
      readonly zipPath: string
      readonly entryName: string
      /** The size the archive's directory declares (checked against the limits when listed): no more is inflated. */
      readonly declaredBytes: number
    }

export interface ParseTask {
  readonly id: number
  readonly source: StreetFileSource
  /** The month every row must have (from the file's name). */
  readonly month: string
}

/** One file's outcome: its counts, the first fault in it, or a failure to read it at all. */
export type ParseOutcome =
  | { readonly id: number; readonly summary: StreetFileSummary }
  | { readonly id: number; readonly fault: StreetFileFault }
  | { readonly id: number; readonly failure: string }

/** What the task runner needs from outside; passed in, because in a worker it runs from source text. */
interface RunnerDependencies {
  readonly reader: StreetFileReader
  readonly fs: Pick<typeof fs, 'openSync' | 'readSync' | 'closeSync'>
  readonly loadYauzl: () => typeof yauzl
}

/**
 * Reads and parses one file at a time, on the main thread or in a worker. Self-contained for the same reason as
 * `streetFileKernel` (a worker runs its source text): no references to anything outside it.
 */
export function createTaskRunner(dependencies: RunnerDependencies) {
  const reader = dependencies.reader
  /** Open archives, with their street-level entries by name: opened once, read entry by entry. */
  const archives = new Map<string, Promise<{ zip: ZipFile; entries: Map<string, Entry> }>>()

  function openArchive(zipPath: string) {
    let archive = archives.get(zipPath)
    if (!archive) {
      const zipLibrary = dependencies.loadYauzl()
      // Names decoded here as the listing decoded them (street-files.ts), which refused any unsafe one.
      archive = zipLibrary
        .openPromise(zipPath, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true })
        .then(async (zip) => {
          const entries = new Map<string, Entry>()
          for await (const entry of zip.eachEntry()) {
            const raw = entry.fileName as unknown
            const name =
              typeof raw === 'string'
                ? raw
                : zipLibrary.getFileNameLowLevel(entry.generalPurposeBitFlag, raw as Buffer, entry.extraFields, false)
            entries.set(name, entry)
          }
          return { zip, entries }
        })
      archives.set(zipPath, archive)
    }
    return archive
  }

  async function run(
    task: { id: number; source: StreetFileSource; month: string },
    onProgress: (bytes: number, rows: number) => void,
  ): Promise<
    | { id: number; summary: StreetFileSummary }
    | { id: number; fault: StreetFileFault }
    | { id: number; failure: string }
  > {
    try {
      const parser = reader.beginFile(task.month)
      let rowsReported = 0
      const report = (bytes: number) => {
        const rows = parser.rowsParsed
        onProgress(bytes, rows - rowsReported)
        rowsReported = rows
      }
      const source = task.source
      if (source.kind === 'file') {
        const fd = dependencies.fs.openSync(source.path, 'r')
        try {
          const summary = parser.readAll((target, offset, length) => {
            const n = dependencies.fs.readSync(fd, target, offset, length, null)
            report(n)
            return n
          })
          return { id: task.id, summary }
        } finally {
          dependencies.fs.closeSync(fd)
        }
      }
      // Every failure to read the archive names it and the entry: yauzl's and zlib's own messages name neither.
      const unreadable = (error: unknown) =>
        `cannot read the entry "${source.entryName}" of the zip archive ${source.zipPath} ` +
        `(${error instanceof Error ? error.message : String(error)}): the archive may be damaged; download it again`
      let stream: Awaited<ReturnType<ZipFile['openReadStreamPromise']>>
      try {
        const archive = await openArchive(source.zipPath)
        const entry = archive.entries.get(source.entryName)
        if (!entry) {
          return { id: task.id, failure: `the entry "${source.entryName}" is no longer in ${source.zipPath}` }
        }
        stream = await archive.zip.openReadStreamPromise(entry)
      } catch (error) {
        return { id: task.id, failure: unreadable(error) }
      }
      let inflated = 0
      let readFailure: string | null = null
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (chunk: Buffer) => {
          // yauzl also holds an entry to its declared size; counted here too, so that the limit does not rest on
          // an option's default, and the message says what happened.
          inflated += chunk.length
          if (inflated > source.declaredBytes) {
            readFailure =
              `the entry "${source.entryName}" of the zip archive ${source.zipPath} inflates to more than the ` +
              `${source.declaredBytes} bytes its directory declares: the archive is damaged or made to mislead; ` +
              'reading stopped there'
            stream.destroy()
            resolve()
            return
          }
          try {
            parser.feed(chunk)
            report(chunk.length)
          } catch (error) {
            stream.destroy()
            reject(error)
          }
        })
        stream.on('error', (error: Error) => {
          readFailure ??= unreadable(error)
          resolve()
        })
        stream.on('end', resolve)
      })
      if (readFailure !== null) return { id: task.id, failure: readFailure }
      const summary = parser.end()
      report(0)
      return { id: task.id, summary }
    } catch (error) {
      const fault = (error as { streetFileFault?: StreetFileFault }).streetFileFault
      if (fault) return { id: task.id, fault }
      return { id: task.id, failure: error instanceof Error ? error.message : String(error) }
    }
  }

  function close(): void {
    for (const archive of archives.values()) archive.then((a) => a.zip.close()).catch(() => undefined)
    archives.clear()
  }

  return { run, close }
}

/**
 * A worker's body: waits for its setup (sent once the main thread has the lookups, so that the worker can start
 * while they are read) and the list of tasks, then takes the next task not yet taken, by any thread, until none is
 * left: the shared counter (an atomic add) hands them out with no message to the main thread and back, which, busy
 * writing to the database, would leave a thread that has finished a 2 MB file waiting. It posts progress every
 * 16 MB and each outcome (the counts' buffers transferred, not copied).
 */
function workerMain(
  port: MessagePort,
  reader: StreetFileReader,
  createRunner: (reader: StreetFileReader) => ReturnType<typeof createTaskRunner>,
): void {
  let runner: ReturnType<typeof createTaskRunner> | null = null
  let unreported = 0
  let unreportedRows = 0
  const progress = (bytes: number, rows: number) => {
    unreported += bytes
    unreportedRows += rows
    // Every 16 MB: a message each costs the worker about half a millisecond.
    if (unreported >= 16 << 20) {
      port.postMessage({ type: 'progress', bytes: unreported, rows: unreportedRows })
      unreported = 0
      unreportedRows = 0
    }
  }
  async function work(tasks: { id: number; source: StreetFileSource; month: string }[], next: Int32Array) {
    const run = (runner as ReturnType<typeof createTaskRunner>).run
    for (let i = Atomics.add(next, 0, 1); i < tasks.length; i = Atomics.add(next, 0, 1)) {
      const outcome = await run(tasks[i] as { id: number; source: StreetFileSource; month: string }, progress)
      if (unreported > 0 || unreportedRows > 0) {
        port.postMessage({ type: 'progress', bytes: unreported, rows: unreportedRows })
      }
      unreported = 0
      unreportedRows = 0
      if ('summary' in outcome) {
        port.postMessage({ type: 'outcome', outcome }, [
          outcome.summary.counts.buffer as ArrayBuffer,
          outcome.summary.groupCounts.buffer as ArrayBuffer,
        ])
      } else port.postMessage({ type: 'outcome', outcome })
    }
  }
  port.on(
    'message',
    (message: {
      type: string
      setup?: KernelSetup
      tasks?: { id: number; source: StreetFileSource; month: string }[]
      next?: Int32Array
    }) => {
      if (message.type === 'setup' && message.setup) {
        reader.configure(message.setup)
        runner = createRunner(reader)
      } else if (message.type === 'tasks' && message.tasks && message.next) {
        void work(message.tasks, message.next)
      } else if (message.type === 'close') {
        runner?.close()
        port.close()
      }
    },
  )
}

/**
 * The code a worker runs. tsx's compiler wraps named functions in a `__name` helper (esbuild's keepNames), which
 * the module defines at its top; a worker running the functions' text needs its own.
 */
function workerSource(yauzlPath: string): string {
  return [
    `'use strict'`,
    `const __name = (target) => target`,
    `const { parentPort, workerData } = require('node:worker_threads')`,
    `const kernel = (${streetFileKernel.toString()})()`,
    `const createTaskRunner = (${createTaskRunner.toString()})`,
    `const loadYauzl = () => require(${JSON.stringify(yauzlPath)})`,
    // Made ready on made-up LSOAs (its tables allocated, its code given type feedback) while the main thread reads
    // the real lookups; they replace the made-up ones when they come.
    `const reader = kernel.createReader(workerData)`,
    `;(${workerMain.toString()})(parentPort, reader, (reader) => createTaskRunner({ reader, fs: require('node:fs'), loadYauzl }))`,
  ].join('\n')
}

/** LSOA-shaped codes and the real crime types, for a worker to make its parser ready before the real lookups come. */
function warmUpSetup(crimeTypes: readonly string[]): KernelSetup {
  const lsoaCodes: string[] = []
  for (let i = 0; i < 2000; i++)
    lsoaCodes.push(`${i % 10 === 0 ? 'W' : 'E'}01${String(1000 + i * 13).padStart(6, '0')}`)
  return { lsoaCodes, crimeTypes }
}

let compiled: { source: string; ok: boolean } | null = null

/**
 * Whether the workers' source is plain JavaScript. It is when the code runs through tsx (as every npm script and
 * bin/saferhub.js do) or compiled; run by a TypeScript type-stripping loader instead, the functions' text keeps its
 * type annotations, and the parsing falls back to this thread rather than failing.
 */
function compiles(source: string): boolean {
  if (compiled?.source !== source) {
    let ok = true
    try {
      new vm.Script(source)
    } catch {
      ok = false
    }
    compiled = { source, ok }
  }
  return compiled.ok
}

export interface ParseOptions {
  /** Called with the bytes read and rows parsed since the last call, as parsing goes. */
  readonly onProgress?: (bytes: number, rows: number) => void
  /** Called with each file's outcome as soon as it is known (in no particular order). */
  readonly onOutcome: (task: ParseTask, outcome: ParseOutcome) => void
}

export interface ParsePool {
  /** How many worker threads (0: parsing on this thread). */
  readonly workers: number
  /** Parses the files; once per pool. */
  parse(tasks: readonly ParseTask[], setup: KernelSetup, options: ParseOptions): Promise<void>
  /** Stops the workers (also when `parse` was never called). */
  close(): Promise<void>
}

/**
 * Starts `workers` parsing threads (none: parse on this thread, quicker for a few small files). They start at
 * once, before the lookups they need are read, because a thread takes a tenth of a second or more to start.
 *
 * @example
 * const pool = startParsePool(2, POLICE_UK_CRIME_TYPES)
 * try {
 *   await pool.parse(tasks, { lsoaCodes, crimeTypes }, { onOutcome: (task, outcome) => … })
 * } finally {
 *   await pool.close()
 * }
 */
export function startParsePool(workers: number, crimeTypes: readonly string[]): ParsePool {
  if (workers <= 0) {
    return {
      workers: 0,
      async parse(tasks, setup, options) {
        const onProgress = options.onProgress ?? (() => undefined)
        const reader = streetFileKernel().createReader(setup)
        const runner = createTaskRunner({ reader, fs, loadYauzl: () => yauzl })
        try {
          for (const task of tasks) options.onOutcome(task, await runner.run(task, onProgress))
        } finally {
          runner.close()
        }
      },
      async close() {},
    }
  }
  const source = workerSource(createRequire(import.meta.url).resolve('yauzl'))
  if (!compiles(source)) return startParsePool(0, crimeTypes)
  const threads: Worker[] = []
  // A failure before `parse` is called (a thread that cannot start) is kept for it to report.
  let early: unknown = null
  const workerData = warmUpSetup(crimeTypes)
  for (let i = 0; i < workers; i++) {
    const thread = new Worker(source, { eval: true, workerData })
    thread.on('error', (error) => (early ??= error))
    threads.push(thread)
  }
  return {
    workers,
    async parse(tasks, setup, options) {
      if (early !== null) throw early
      const onProgress = options.onProgress ?? (() => undefined)
      const byId = new Map(tasks.map((task) => [task.id, task]))
      // The next task to take, shared by the threads (each takes one with an atomic add).
      const next = new Int32Array(new SharedArrayBuffer(4))
      await new Promise<void>((resolve, reject) => {
        let outstanding = tasks.length
        if (outstanding === 0) resolve()
        for (const thread of threads) {
          thread.on('message', (message: { type: string; bytes?: number; rows?: number; outcome?: ParseOutcome }) => {
            if (message.type === 'progress') onProgress(message.bytes ?? 0, message.rows ?? 0)
            else if (message.type === 'outcome' && message.outcome) {
              try {
                options.onOutcome(byId.get(message.outcome.id) as ParseTask, message.outcome)
              } catch (error) {
                reject(error)
                return
              }
              if (--outstanding === 0) resolve()
            }
          })
          thread.on('error', reject)
          thread.on('exit', (code) => {
            if (outstanding > 0)
              reject(new Error(`a parsing thread stopped (exit code ${code}) before its files were done`))
          })
          thread.postMessage({ type: 'setup', setup })
          thread.postMessage({ type: 'tasks', tasks, next })
        }
      })
    },
    async close() {
      await Promise.all(threads.map((thread) => thread.terminate()))
    },
  }
}
