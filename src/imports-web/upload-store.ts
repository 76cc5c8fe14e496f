import { randomBytes } from 'node:crypto'
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { ImportFile } from '../performance/import/read-performance-import.ts'

/** What is kept beside the uploaded bytes. */
export interface UploadRecord {
  readonly id: string
  readonly userId: number
  readonly uploadedAt: string
  readonly fileNames: readonly string[]
  /** Set once the import has been applied: a second confirmation returns this instead of applying again. */
  readonly applied?: { readonly importId: number; readonly summaryText: string } | undefined
}

const ID = /^[0-9a-f]{32}$/

/**
 * Uploaded import files, kept in the data directory under an opaque random id between the preview and the
 * confirmation, so that what is applied is exactly what was previewed (never uploaded again). Files are stored
 * under numbered names (the browser's file names are only recorded), so a name can never escape the folder.
 */
export function createUploadStore(dataDirectory: string) {
  const root = path.join(dataDirectory, 'uploads')
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
    async save(userId: number, files: readonly ImportFile[], at: Date): Promise<UploadRecord> {
      const id = randomBytes(16).toString('hex')
      await mkdir(folder(id), { recursive: true, mode: 0o700 })
      for (const [index, file] of files.entries()) {
        await writeFile(path.join(folder(id), `file-${index}`), file.content, { mode: 0o600 })
      }
      const stored: UploadRecord = { id, userId, uploadedAt: at.toISOString(), fileNames: files.map((f) => f.name) }
      await writeFile(path.join(folder(id), 'upload.json'), JSON.stringify(stored), { mode: 0o600 })
      return stored
    },

    /** The upload, only for the user who made it (anyone else is told it does not exist). */
    async find(id: string, userId: number): Promise<UploadRecord | null> {
      const found = await record(id)
      return found && found.userId === userId ? found : null
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

    async markApplied(upload: UploadRecord, applied: NonNullable<UploadRecord['applied']>): Promise<void> {
      await writeFile(path.join(folder(upload.id), 'upload.json'), JSON.stringify({ ...upload, applied }), {
        mode: 0o600,
      })
    },
  }
}

export type UploadStore = ReturnType<typeof createUploadStore>
