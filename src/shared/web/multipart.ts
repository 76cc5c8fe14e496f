import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import busboy from 'busboy'
import type { Request } from 'express'

/** One file of a multipart/form-data body, written to disk as it streamed in (never held in memory whole). */
export interface UploadedFile {
  readonly field: string
  /** The browser's file name, reduced to its last path part and printable characters: recorded, never a path. */
  readonly name: string
  /** Where the bytes are: in the form's own folder, under a name of our making. */
  readonly path: string
  readonly size: number
}

/** A form received: its text fields, and its files on disk in a private folder until `discard()` removes it. */
export interface MultipartForm {
  readonly fields: Readonly<Record<string, string>>
  readonly files: readonly UploadedFile[]
  /** The form's private folder (mode 700) holding the files. */
  readonly folder: string
  /** Removes the folder and whatever is left in it. */
  discard(): Promise<void>
}

/** The upload was larger than the limit: counted while it streamed in, so no more than the limit is written. */
export class UploadTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The upload is larger than ${limit} bytes`)
    this.name = 'UploadTooLarge'
  }
}

export class BadMultipart extends Error {
  constructor(reason: string) {
    super(`The upload could not be read: ${reason}`)
    this.name = 'BadMultipart'
  }
}

/** Forms are received into folders named so, inside the uploads folder; one left by a crash is pruned by age. */
const RECEIVING = 'receiving-'
/** A form has a handful of parts: more is not a form of ours. */
const MAX_PARTS = 50

/** Where uploads are kept in the data directory (on its disk, not a shared temporary folder). */
export function uploadsDirectory(dataDirectory: string): string {
  return path.join(dataDirectory, 'uploads')
}

/** A file name as the browser sent it, reduced to its last path part and printable characters. */
function safeFileName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? ''
  // Control characters removed (code points below 32, and DEL).
  const printable = [...last].filter((c) => c.charCodeAt(0) >= 32 && c.charCodeAt(0) !== 127).join('')
  return printable.slice(0, 200) || 'upload'
}

/**
 * Receives a multipart/form-data request (RFC 7578, parsed by busboy), writing each file part to a new private
 * folder inside `directory` as it arrives. The body's bytes are counted as they stream in: past `limit` the request
 * is refused with `UploadTooLarge` (at once when Content-Length says so), what was written is removed, and the rest
 * of the body is read and dropped so that the answer can be sent. A malformed body is `BadMultipart`, also with
 * nothing left behind. A file input left empty (no name, no bytes) is no file.
 *
 * @example
 *   const form = await receiveMultipart(req, { directory: uploadsDirectory(dataDirectory), limit: 10 * 1024 * 1024 })
 *   try { await use(form.files.map((f) => f.path)) } finally { await form.discard() }
 */
export async function receiveMultipart(
  req: Request,
  options: { readonly directory: string; readonly limit: number },
): Promise<MultipartForm> {
  const { limit } = options
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) {
    req.resume()
    throw new UploadTooLarge(limit)
  }
  let parser: busboy.Busboy
  try {
    parser = busboy({
      headers: req.headers,
      // Browsers send file names as UTF-8; fields and files are bounded by `limit` below, the parts here.
      defParamCharset: 'utf8',
      limits: { fieldSize: limit, parts: MAX_PARTS + 1 },
    })
  } catch (error) {
    req.resume()
    throw new BadMultipart(error instanceof Error ? error.message : String(error))
  }
  await mkdir(options.directory, { recursive: true, mode: 0o700 })
  const folder = await mkdtemp(path.join(options.directory, RECEIVING))
  const discard = () => rm(folder, { recursive: true, force: true })

  return new Promise<MultipartForm>((resolve, reject) => {
    const fields: Record<string, string> = {}
    const files: UploadedFile[] = []
    const writes: Promise<void>[] = []
    const streams: NodeJS.ReadableStream[] = []
    let parts = 0
    let size = 0
    let settled = false

    const fail = (error: unknown) => {
      if (settled) return
      settled = true
      req.unpipe(parser)
      parser.removeAllListeners()
      parser.on('error', () => undefined)
      parser.destroy()
      // Files being written stop here (their writes then fail, and the folder goes).
      for (const stream of streams) (stream as NodeJS.ReadableStream & { destroy(): void }).destroy()
      // Read and drop the rest, so the answer can be sent; stop counting.
      req.off('data', count)
      req.resume()
      void Promise.allSettled(writes)
        .then(discard)
        .then(
          () => reject(error),
          () => reject(error),
        )
    }
    const count = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) fail(new UploadTooLarge(limit))
    }
    const part = () => {
      parts++
      if (parts > MAX_PARTS) fail(new BadMultipart('too many parts'))
      return !settled
    }

    req.on('data', count)
    req.on('error', fail)
    req.on('aborted', () => fail(new BadMultipart('the upload was interrupted')))
    parser.on('field', (name, value) => {
      if (part() && !Object.hasOwn(fields, name)) fields[name] = value
    })
    parser.on('file', (field, stream, info) => {
      if (!part()) {
        stream.resume()
        return
      }
      const file = { field, name: safeFileName(info.filename ?? ''), path: path.join(folder, `part-${parts}`) }
      streams.push(stream)
      const write = pipeline(stream, createWriteStream(file.path, { mode: 0o600 })).then(async () => {
        const { size: written } = await stat(file.path)
        // A file input left empty still sends a part, with no file name and no content.
        if (info.filename === undefined && written === 0) await rm(file.path, { force: true })
        else files.push({ ...file, size: written })
      })
      // A write that fails (a full disk) fails the form at once, rather than when the body has all arrived.
      write.catch(fail)
      writes.push(write)
    })
    parser.on('partsLimit', () => fail(new BadMultipart('too many parts')))
    parser.on('error', (error) => fail(new BadMultipart(error instanceof Error ? error.message : String(error))))
    parser.on('close', () => {
      Promise.all(writes).then(
        () => {
          if (settled) return
          settled = true
          req.off('data', count)
          // In the order the parts came, whatever order their writes finished in.
          files.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }))
          resolve({ fields, files, folder, discard })
        },
        (error: unknown) => fail(error),
      )
    })
    req.pipe(parser)
  })
}

/**
 * Removes the folders of forms that were being received when the process stopped (a crash, a kill), once they are
 * older than `olderThan`. Returns how many were removed.
 */
export async function pruneReceivingFolders(directory: string, olderThan: Date): Promise<number> {
  let names: string[]
  try {
    names = await readdir(directory)
  } catch {
    return 0
  }
  let removed = 0
  for (const name of names) {
    if (!name.startsWith(RECEIVING)) continue
    const folder = path.join(directory, name)
    if ((await stat(folder)).mtimeMs < olderThan.getTime()) {
      await rm(folder, { recursive: true, force: true })
      removed++
    }
  }
  return removed
}
