import yauzl from 'yauzl'
import type { Entry, ZipFile } from 'yauzl'

/**
 * An .xlsx workbook is a zip archive, and a zip archive can be a bomb: a few kilobytes that inflate to gigabytes,
 * or entries named `../../etc/passwd`. The spreadsheet library inflates everything it is given into memory, so
 * the archive is inspected first, here: its central directory (how many entries, their names, the sizes they
 * declare and how far they claim to compress), then every entry is inflated as a stream and counted, so an
 * entry that lies about its size is caught too. Nothing is kept: this only answers "safe to open?".
 */
export const ZIP_LIMITS = Object.freeze({
  /** A workbook of three sheets has about 12 entries. */
  maxEntries: 200,
  maxEntryBytes: 50 * 1024 * 1024,
  maxTotalBytes: 200 * 1024 * 1024,
  /** Spreadsheet XML compresses about 10:1, very repetitive sheets perhaps 50:1. */
  maxRatio: 100,
  /** The ratio is checked for entries larger than this; a tiny entry can compress very well and harm no one. */
  ratioCheckFromBytes: 1024 * 1024,
})

/** The first four bytes of a zip archive (a local file header): "PK\x03\x04". */
export function looksLikeZip(content: Uint8Array): boolean {
  return content[0] === 0x50 && content[1] === 0x4b && content[2] === 0x03 && content[3] === 0x04
}

const MB = 1024 * 1024
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`

function openZip(content: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      content,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true },
      (error, zip) => (error ? reject(error) : resolve(zip)),
    )
  })
}

/** Reads the central directory. Stops early (with what it has) once the entry limit is passed. */
function readEntries(zip: ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = []
    zip.on('entry', (entry: Entry) => {
      entries.push(entry)
      if (entries.length > ZIP_LIMITS.maxEntries) resolve(entries)
      else zip.readEntry()
    })
    zip.on('end', () => resolve(entries))
    zip.on('error', reject)
    zip.readEntry()
  })
}

/** Inflates one entry as a stream and counts its bytes; yauzl fails the stream if it exceeds the declared size. */
function countInflatedBytes(zip: ZipFile, entry: Entry, budget: number): Promise<number> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error)
      let count = 0
      stream.on('data', (chunk: Buffer) => {
        count += chunk.length
        if (count > budget) stream.destroy(new Error(`inflates to more than ${mb(budget)}`))
      })
      stream.on('error', reject)
      stream.on('end', () => resolve(count))
    })
  })
}

/** The entry's name as a string: with `decodeStrings: false` yauzl leaves it as bytes. */
function entryName(entry: Entry): string {
  const raw = entry.fileName as unknown
  if (typeof raw === 'string') return raw
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw as Buffer, entry.extraFields, false)
}

/** Why an entry name is unsafe, or null. Names are printed escaped: they come from the uploader. */
function unsafeName(name: string): string | null {
  const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)
  if (name.includes('\0')) return `an entry name contains a NUL character (${shown})`
  if (/^[a-zA-Z]:/.test(name) || name.startsWith('/') || name.startsWith('\\')) {
    return `an entry has an absolute path (${shown})`
  }
  if (name.split(/[/\\]/).includes('..')) return `an entry name climbs out of the archive with ".." (${shown})`
  return null
}

/**
 * Checks an archive before it is opened as a workbook. Returns the reasons it is refused (empty when it is safe).
 * `requiredEntries` are names that must be present (`xl/workbook.xml` for a workbook).
 *
 * @example await checkZipSafety(workbookBytes, ['[Content_Types].xml', 'xl/workbook.xml']) // []
 */
export async function checkZipSafety(content: Buffer, requiredEntries: readonly string[] = []): Promise<string[]> {
  let zip: ZipFile
  try {
    zip = await openZip(content)
  } catch (error) {
    return [`it is not a readable zip archive (${(error as Error).message})`]
  }
  try {
    if (zip.entryCount > ZIP_LIMITS.maxEntries) {
      return [
        `the archive has ${zip.entryCount} entries; a workbook has far fewer (the most accepted is ${ZIP_LIMITS.maxEntries})`,
      ]
    }
    let entries: Entry[]
    try {
      entries = await readEntries(zip)
    } catch (error) {
      return [`the archive's directory cannot be read (${(error as Error).message})`]
    }
    if (entries.length > ZIP_LIMITS.maxEntries) {
      return [`the archive has more than ${ZIP_LIMITS.maxEntries} entries; a workbook has far fewer`]
    }

    const reasons: string[] = []
    let declaredTotal = 0
    const names = new Set<string>()
    for (const entry of entries) {
      const name = entryName(entry)
      names.add(name)
      const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)
      const bad = unsafeName(name)
      if (bad) reasons.push(bad)
      if (entry.isEncrypted())
        reasons.push(`entry ${shown} is encrypted: remove the workbook's password and save it again`)
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        reasons.push(`entry ${shown} uses an unknown compression method (${entry.compressionMethod})`)
      }
      const size = entry.uncompressedSize
      declaredTotal += size
      if (size > ZIP_LIMITS.maxEntryBytes) {
        reasons.push(
          `entry ${shown} would inflate to ${mb(size)}; the most accepted is ${mb(ZIP_LIMITS.maxEntryBytes)}`,
        )
      } else if (
        size > ZIP_LIMITS.ratioCheckFromBytes &&
        size / Math.max(entry.compressedSize, 1) > ZIP_LIMITS.maxRatio
      ) {
        const ratio = Math.round(size / Math.max(entry.compressedSize, 1))
        reasons.push(
          `entry ${shown} claims a compression ratio of ${ratio}:1 (${mb(size)} from ${entry.compressedSize} bytes); the most accepted is ${ZIP_LIMITS.maxRatio}:1 (a zip bomb?)`,
        )
      }
    }
    if (declaredTotal > ZIP_LIMITS.maxTotalBytes) {
      reasons.push(
        `the archive would inflate to ${mb(declaredTotal)} in all; the most accepted is ${mb(ZIP_LIMITS.maxTotalBytes)}`,
      )
    }
    if (reasons.length > 0) return reasons

    // The declared sizes pass; now hold each entry to its declared size while inflating it.
    let inflatedTotal = 0
    for (const entry of entries) {
      if (entryName(entry).endsWith('/')) continue
      const budget = Math.min(ZIP_LIMITS.maxEntryBytes, ZIP_LIMITS.maxTotalBytes - inflatedTotal)
      try {
        inflatedTotal += await countInflatedBytes(zip, entry, budget)
      } catch (error) {
        return [`entry ${JSON.stringify(entryName(entry))} cannot be inflated safely (${(error as Error).message})`]
      }
    }

    const missing = requiredEntries.filter((r) => !names.has(r))
    if (missing.length > 0) {
      return [`it is a zip archive but not an Excel workbook (it has no ${missing.join(' or ')})`]
    }
    return []
  } finally {
    zip.close()
  }
}
