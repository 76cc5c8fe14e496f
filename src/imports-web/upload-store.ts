import { randomBytes } from 'node:crypto'
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { ImportFile } from '../performance/import/read-performance-import.ts'
import { pruneReceivingFolders, uploadsDirectory } from '../shared/web/multipart.ts'

/** A file received on disk (src/shared/web/multipart.ts): the browser's name for it, and where it is. */
export interface ReceivedFile {
  readonly name: string
  readonly path: string
}

/**
 * Whose an upload is: the person who made it, in the partnership whose address they made it at. An upload is found
 * only by both, so that one made in partnership A can never be previewed or confirmed through partnership B's
 * address, not even by the same person (a data owner serving both): its figures would land in the wrong framework.
 */
export interface UploadOwner {
  readonly partnershipId: number
  readonly userId: number
}

/** What is kept beside the uploaded bytes. */
export interface UploadRecord extends UploadOwner {
  readonly id: string
  readonly uploadedAt: string
  readonly fileNames: readonly string[]
  /** Set once the import has been applied: a second confirmation returns this instead of applying again. */
  readonly applied?: { readonly importId: number; readonly summaryText: string } | undefined
}

const ID = /^[0-9a-f]{32}$/

/**
 * How long an upload is kept: long enough to preview, fix nothing and confirm the same day, short enough that
 * commentary (which may name people) does not pile up in the data directory. An applied upload's files are
 * removed at once; its small record stays until then, so that confirming twice still says "already applied".
 */
export const UPLOAD_RETENTION_HOURS = 24
const RETENTION_MS = UPLOAD_RETENTION_HOURS * 60 * 60 * 1000

/**
 * Uploaded import files, kept in the data directory under an opaque random id between the preview and the
 * confirmation, so that what is applied is exactly what was previewed (never uploaded again). Files are stored
 * under numbered names (the browser's file names are only recorded), so a name can never escape the folder.
 * Forms are received into `directory` (the same disk), so that keeping their files is a rename, not a copy.
 */
export function createUploadStore(dataDirectory: string, now: () => Date = () => new Date()) {
  const root = uploadsDirectory(dataDirectory)
  const folder = (id: string) => path.join(root, id)

  async function record(id: string): Promise<UploadRecord | null> {
    if (!ID.test(id)) return null
    try {
      return JSON.parse(await readFile(path.join(folder(id), 'upload.json'), 'utf8')) as UploadRecord
    } catch {
      return null
    }
  }

  return {
    /** Where forms are received before `save` keeps their files. */
    directory: root,

    /** Keeps received files (moved, not copied, into the upload's own folder) under a new opaque id. */
    async save(owner: UploadOwner, files: readonly ReceivedFile[], at: Date): Promise<UploadRecord> {
      const id = randomBytes(16).toString('hex')
      await mkdir(folder(id), { recursive: true, mode: 0o700 })
      for (const [index, file] of files.entries()) await rename(file.path, path.join(folder(id), `file-${index}`))
      const stored: UploadRecord = {
        id,
        partnershipId: owner.partnershipId,
        userId: owner.userId,
        uploadedAt: at.toISOString(),
        fileNames: files.map((f) => f.name),
      }
      await writeFile(path.join(folder(id), 'upload.json'), JSON.stringify(stored), { mode: 0o600 })
      return stored
    },

    /**
     * The upload, only for the user who made it and only in the partnership they made it in (anyone else, or the
     * same person at another partnership's address, is told it does not exist), while it is kept.
     */
    async find(id: string, owner: UploadOwner): Promise<UploadRecord | null> {
      const found = await record(id)
      // A record from before uploads carried their partnership has none: it belongs to no partnership.
      if (!found || found.userId !== owner.userId || found.partnershipId !== owner.partnershipId) return null
      return now().getTime() - Date.parse(found.uploadedAt) > RETENTION_MS ? null : found
    },

    async files(upload: UploadRecord): Promise<ImportFile[]> {
      const names = new Set(await readdir(folder(upload.id)))
      return Promise.all(
        upload.fileNames.map(async (name, index) => {
          if (!names.has(`file-${index}`)) throw new Error(`upload ${upload.id} is missing a file`)
          return { name, content: await readFile(path.join(folder(upload.id), `file-${index}`)) }
        }),
      )
    },

    /** Records that the upload was applied, then removes its files: the figures are in the database now. */
    async markApplied(upload: UploadRecord, applied: NonNullable<UploadRecord['applied']>): Promise<void> {
      await writeFile(path.join(folder(upload.id), 'upload.json'), JSON.stringify({ ...upload, applied }), {
        mode: 0o600,
      })
      for (const index of upload.fileNames.keys())
        await rm(path.join(folder(upload.id), `file-${index}`), { force: true })
    },

    /**
     * Removes every upload older than the retention period (and any folder left half-written, by its age on disk).
     * Run at start-up and hourly by the server. Returns how many were removed.
     */
    async prune(): Promise<number> {
      let names: string[]
      try {
        names = await readdir(root)
      } catch {
        return 0 // no uploads yet
      }
      const cutoff = now().getTime() - RETENTION_MS
      let removed = await pruneReceivingFolders(root, new Date(cutoff))
      for (const name of names) {
        if (!ID.test(name)) continue
        const found = await record(name)
        const madeAt = found ? Date.parse(found.uploadedAt) : (await stat(folder(name))).mtimeMs
        if (!(madeAt >= cutoff)) {
          await rm(folder(name), { recursive: true, force: true })
          removed++
        }
      }
      return removed
    },
  }
}

export type UploadStore = ReturnType<typeof createUploadStore>
