import fs from 'node:fs'
import path from 'node:path'
import yauzl from 'yauzl'
import type { StreetFileSource } from './parse-pool.ts'

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

/** A path the user named that cannot be imported. */
export class StreetFileListingError extends Error {
  override name = 'StreetFileListingError'
}

async function listArchive(zipPath: string, into: StreetFileListing): Promise<void> {
  let zip: yauzl.ZipFile
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false })
  } catch (error) {
    throw new StreetFileListingError(
      `${zipPath}: not a readable zip archive (${error instanceof Error ? error.message : String(error)})`,
    )
  }
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue
      const fileName = path.posix.basename(entry.fileName)
      const parsed = parseStreetFileName(fileName)
      if (!parsed) {
        into.skipped.push(`${zipPath}!${entry.fileName}`)
        continue
      }
      into.files.push({
        displayName: `${path.basename(zipPath)}!${entry.fileName}`,
        fileName,
        ...parsed,
        size: entry.uncompressedSize,
        source: { kind: 'zip-entry', zipPath, entryName: entry.fileName },
      })
    }
  } finally {
    zip.close()
  }
}

async function listDirectory(directory: string, into: StreetFileListing): Promise<void> {
  const entries = fs.readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))
  for (const entry of entries) {
    const full = path.join(directory, entry.name)
    if (entry.isDirectory()) await listDirectory(full, into)
    else if (entry.name.toLowerCase().endsWith('.zip')) await listArchive(full, into)
    else {
      const parsed = parseStreetFileName(entry.name)
      if (!parsed || !entry.isFile()) into.skipped.push(full)
      else {
        into.files.push({
          displayName: full,
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
export async function listStreetFiles(paths: readonly string[]): Promise<StreetFileListing> {
  const listing: StreetFileListing = { files: [], skipped: [] }
  for (const given of paths) {
    let stat: fs.Stats
    try {
      stat = fs.statSync(given)
    } catch {
      throw new StreetFileListingError(`${given}: no such file or folder`)
    }
    if (stat.isDirectory()) await listDirectory(given, listing)
    else if (given.toLowerCase().endsWith('.zip')) await listArchive(given, listing)
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
        displayName: given,
        fileName,
        ...parsed,
        size: stat.size,
        source: { kind: 'file', path: given },
      })
    }
  }
  return listing
}
