import fs from 'node:fs'
import path from 'node:path'
import yauzl, { type Entry } from 'yauzl'
import { escapeControlCharacters } from '../../shared/file-text.ts'
import type { StreetFileSource } from './parse-pool.ts'

/**
 * How far a zip archive may inflate. A real data.police.uk file compresses about 4:1 (Gwent's January 2020: 958 KB
 * to 222 KB), its largest monthly file (the Met's) is about 30 MB, and a national month 117 MB: the limits leave
 * room for ten times that and more, and refuse a zip bomb (a 10 MB archive holding 1.5 GB is 150:1) from the sizes
 * its directory declares, before anything is inflated. While an entry is read, it is held to its declared size.
 */
export interface ArchiveLimits {
  /** The most one street-level entry may inflate to. */
  readonly maxEntryBytes: number
  /** The most the street-level entries of one archive may inflate to, together. */
  readonly maxArchiveBytes: number
  /** The most an entry (and the archive's street-level entries together, against its file size) may compress. */
  readonly maxRatio: number
  /** Entries below this are not held to the ratio: a tiny entry can compress very well and harm no one. */
  readonly ratioCheckFromBytes: number
}

export const ARCHIVE_LIMITS: ArchiveLimits = Object.freeze({
  maxEntryBytes: 1024 * 1024 * 1024,
  maxArchiveBytes: 64 * 1024 * 1024 * 1024,
  maxRatio: 50,
  ratioCheckFromBytes: 1024 * 1024,
})

/** A data.police.uk street-level file found in what the user named. */
export interface StreetFile {
  /** How messages name it: the path given, or `archive.zip!2020-01/2020-01-gwent-street.csv`. */
  readonly displayName: string
  /** The file's own name: `2020-01-gwent-street.csv`. */
  readonly fileName: string
  /** From the name: `2020-01`. */
  readonly month: string
  /** From the name: data.police.uk's force identifier, `gwent`. */
  readonly forceId: string
  /** Bytes (uncompressed, for a zip entry). */
  readonly size: number
  readonly source: StreetFileSource
}

export interface StreetFileListing {
  readonly files: StreetFile[]
  /** Files in the folders and archives that are not street-level files (outcomes, stop and search…), by name. */
  readonly skipped: string[]
}

/** `2020-01-gwent-street.csv`: the month and the force, as data.police.uk names its files. */
const STREET_FILE = /^(\d{4})-(0[1-9]|1[0-2])-([a-z0-9]+(?:-[a-z0-9]+)*)-street\.csv$/

/** The month and force a file name gives, or null when it is not a street-level file's name. */
export function parseStreetFileName(fileName: string): { month: string; forceId: string } | null {
  const match = STREET_FILE.exec(fileName)
  if (!match) return null
  return { month: `${match[1]}-${match[2]}`, forceId: match[3] as string }
}

/**
 * A path the user named that cannot be imported. The message is printed with its control characters escaped: it
 * quotes names from the user's folders and archives.
 */
export class StreetFileListingError extends Error {
  override name = 'StreetFileListingError'
  constructor(message: string) {
    super(escapeControlCharacters(message))
  }
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toLocaleString('en-GB', { maximumFractionDigits: 1 })} MB`
const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/**
 * An entry's name, decoded as yauzl would (UTF-8 when flagged, else CP437), and why it cannot be read safely (null
 * when it can). yauzl is asked not to decode names itself, because on a bad one it fails the whole listing with a
 * bare "invalid relative path: ../x" that names neither the archive nor, clearly, the entry.
 */
function nameOf(entry: Entry): { name: string; unsafe: string | null } {
  const raw = entry.fileName as unknown
  const name =
    typeof raw === 'string'
      ? raw
      : yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw as Buffer, entry.extraFields, false)
  if (name.includes('\0')) return { name, unsafe: 'has a NUL character in its name' }
  const problem = yauzl.validateFileName(name)
  if (problem === null) return { name, unsafe: null }
  if (problem.startsWith('absolute path'))
    return { name, unsafe: 'has an absolute path (it must be inside the archive)' }
  if (problem.startsWith('invalid relative path')) {
    return { name, unsafe: 'has a path that climbs out of the archive with ".."' }
  }
  return { name, unsafe: problem.replace(/: .*$/, '') }
}

async function listArchive(zipPath: string, into: StreetFileListing, limits: ArchiveLimits): Promise<void> {
  let zip: yauzl.ZipFile
  try {
    zip = await yauzl.openPromise(zipPath, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: true,
    })
  } catch (error) {
    throw new StreetFileListingError(`${zipPath}: not a readable zip archive (${reasonOf(error)})`)
  }
  const archiveName = path.basename(zipPath)
  const files: StreetFile[] = []
  let declared = 0
  let compressed = 0
  let entries = 0
  let last = ''
  try {
    try {
      for await (const entry of zip.eachEntry()) {
        entries++
        const { name, unsafe } = nameOf(entry)
        last = name
        if (unsafe !== null) {
          throw new StreetFileListingError(
            `${zipPath}: the entry "${name}" ${unsafe}; the archive is refused (a download from data.police.uk ` +
              'has none such: download it again)',
          )
        }
        if (name.endsWith('/')) continue
        const fileName = path.posix.basename(name)
        const parsed = parseStreetFileName(fileName)
        if (!parsed) {
          into.skipped.push(escapeControlCharacters(`${zipPath}!${name}`))
          continue
        }
        const size = entry.uncompressedSize
        const ratio = size / Math.max(entry.compressedSize, 1)
        if (size > limits.maxEntryBytes) {
          throw new StreetFileListingError(
            `${zipPath}: the entry "${name}" would inflate to ${megabytes(size)}; the most accepted for one file is ` +
              `${megabytes(limits.maxEntryBytes)} (a data.police.uk file is at most a few tens of MB)`,
          )
        }
        if (size >= limits.ratioCheckFromBytes && ratio > limits.maxRatio) {
          throw new StreetFileListingError(
            `${zipPath}: the entry "${name}" would inflate ${Math.round(ratio)} times (${megabytes(size)} from ` +
              `${megabytes(entry.compressedSize)}); the most accepted is ${limits.maxRatio} times (police.uk files ` +
              'compress about 4 times): it looks like a zip bomb, and nothing was inflated',
          )
        }
        declared += size
        compressed += entry.compressedSize
        files.push({
          displayName: escapeControlCharacters(`${archiveName}!${name}`),
          fileName,
          ...parsed,
          size,
          source: { kind: 'zip-entry', zipPath, entryName: name, declaredBytes: size },
        })
      }
    } catch (error) {
      if (error instanceof StreetFileListingError) throw error
      const where = entries <= 1 ? 'its first entry' : `the entry after "${last}"`
      throw new StreetFileListingError(
        `${zipPath}: the archive's list of files cannot be read at ${where} (${reasonOf(error)}): it may be damaged ` +
          'or cut off; download it again',
      )
    }
  } finally {
    zip.close()
  }
  if (declared > limits.maxArchiveBytes) {
    throw new StreetFileListingError(
      `${zipPath}: its street-level files would inflate to ${megabytes(declared)} together; the most accepted from ` +
        `one archive is ${megabytes(limits.maxArchiveBytes)} (import it in parts)`,
    )
  }
  if (declared >= limits.ratioCheckFromBytes && declared / Math.max(compressed, 1) > limits.maxRatio) {
    throw new StreetFileListingError(
      `${zipPath}: its street-level files would inflate ${Math.round(declared / Math.max(compressed, 1))} times ` +
        `together (${megabytes(declared)} from ${megabytes(compressed)}); the most accepted is ${limits.maxRatio} ` +
        'times: it looks like a zip bomb, and nothing was inflated',
    )
  }
  into.files.push(...files)
}

async function listDirectory(directory: string, into: StreetFileListing, limits: ArchiveLimits): Promise<void> {
  const entries = fs.readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))
  for (const entry of entries) {
    const full = path.join(directory, entry.name)
    if (entry.isDirectory()) await listDirectory(full, into, limits)
    else if (entry.name.toLowerCase().endsWith('.zip')) await listArchive(full, into, limits)
    else {
      const parsed = parseStreetFileName(entry.name)
      if (!parsed || !entry.isFile()) into.skipped.push(escapeControlCharacters(full))
      else {
        into.files.push({
          displayName: escapeControlCharacters(full),
          fileName: entry.name,
          ...parsed,
          size: fs.statSync(full).size,
          source: { kind: 'file', path: full },
        })
      }
    }
  }
}

/**
 * The street-level files in what the user named: single files (whose names must be data.police.uk's, since the name
 * gives the month), folders (searched to any depth) and zip archives as downloaded. Other files in folders and
 * archives are listed as skipped.
 *
 * @example
 * const { files, skipped } = await listStreetFiles(['downloads/2020-01.zip', 'extra/2020-02-gwent-street.csv'])
 */
export async function listStreetFiles(
  paths: readonly string[],
  limits: ArchiveLimits = ARCHIVE_LIMITS,
): Promise<StreetFileListing> {
  const listing: StreetFileListing = { files: [], skipped: [] }
  for (const given of paths) {
    let stat: fs.Stats
    try {
      stat = fs.statSync(given)
    } catch {
      throw new StreetFileListingError(`${given}: no such file or folder`)
    }
    if (stat.isDirectory()) await listDirectory(given, listing, limits)
    else if (given.toLowerCase().endsWith('.zip')) await listArchive(given, listing, limits)
    else {
      const fileName = path.basename(given)
      const parsed = parseStreetFileName(fileName)
      if (!parsed) {
        throw new StreetFileListingError(
          `${given}: not a data.police.uk street-level file name; it must look like 2020-01-gwent-street.csv ` +
            '(the name gives the month and the force)',
        )
      }
      listing.files.push({
        displayName: escapeControlCharacters(given),
        fileName,
        ...parsed,
        size: stat.size,
        source: { kind: 'file', path: given },
      })
    }
  }
  return listing
}
