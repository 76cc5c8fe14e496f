import os from 'node:os'
import type {
  CrimeRepository,
  ForceMonthCounts,
  LsoaCount,
  PartnershipCount,
  UnmappedLsoa,
} from '../crime-repository.ts'
import { resolveServedPartnerships, type Geography, type GeographyPartnership } from '../geography/geography.ts'
import { policeForceById, policeForceByName, type PoliceForce } from '../geography/police-forces.ts'
import { POLICE_UK_CRIME_TYPES } from './crime-types.ts'
import { startParsePool, type ParsePool, type ParseTask } from './parse-pool.ts'
import { listStreetFiles, type StreetFile, type StreetFileListing } from './street-files.ts'
import type { StreetFileSummary } from './street-file-kernel.ts'

/** One thing wrong with the files: which file, which line (when known), and why. */
export interface ImportProblem {
  readonly file: string
  readonly line: number | null
  readonly reason: string
}

/** The import was refused; nothing was written. */
export class CrimeImportError extends Error {
  override name = 'CrimeImportError'
  constructor(readonly problems: readonly ImportProblem[]) {
    super(
      [
        `Nothing was imported: ${problems.length === 1 ? 'a file has a problem' : `${problems.length} problems`}.`,
        ...problems.map((p) => `  ${p.file}${p.line === null ? '' : ` line ${p.line}`}: ${p.reason}`),
      ].join('\n'),
    )
  }
}

export interface ImportProgress {
  readonly bytesDone: number
  readonly bytesTotal: number
  readonly rowsDone: number
  readonly filesDone: number
  readonly filesTotal: number
}

export type ImportPhase = 'reading' | 'writing'

export interface CrimeImportOptions {
  /** Worker threads; by default none below 256 MB (their start-up would cost more than they save), else 2. */
  readonly workers?: number
  readonly onProgress?: (progress: ImportProgress) => void
  readonly onPhase?: (phase: ImportPhase) => void
}

export interface ForceMonthOutcome {
  readonly policeForce: string
  readonly forceName: string
  readonly month: string
  readonly sourceFile: string
  readonly rowsRead: number
  readonly rowsWithoutLocation: number
  readonly rowsOutsideForce: number
  readonly rowsUnmapped: number
  /** Whether the force-month was in the database before (and so was replaced). */
  readonly replaced: boolean
}

/** Rows a force's files counted in a partnership of another force area. */
export interface OutsideRows {
  readonly policeForce: string
  readonly partnershipCode: string
  readonly partnershipName: string
  readonly forceAreaName: string
  readonly rows: number
}

export interface ImportSummary {
  readonly files: number
  readonly skipped: readonly string[]
  readonly bytes: number
  readonly rows: number
  readonly seconds: number
  /** Where the time went: listing the files and reading the lookups; reading, parsing and mapping; writing. */
  readonly phaseSeconds: { readonly lookups: number; readonly reading: number; readonly writing: number }
  readonly workers: number
  readonly forceMonths: readonly ForceMonthOutcome[]
  readonly rowsWithoutLocation: number
  readonly rowsOutsideForce: number
  readonly rowsUnmapped: number
  readonly outside: readonly OutsideRows[]
  /** LSOAs that no partnership could be found for, over the whole import, most rows first. */
  readonly unmappedLsoas: readonly UnmappedLsoa[]
  /** Districts the lookup shares between partnerships, whose partnerships got rows in this import. */
  readonly sharedDistricts: Geography['sharedDistricts']
  readonly servedPartnerships: readonly GeographyPartnership[]
  readonly lsoaCountsStored: number
}

export interface CrimeImportDependencies {
  readonly repository: CrimeRepository
  readonly geography: () => Geography
  /** `SAFERHUB_SERVED_PARTNERSHIPS` as configured (null: not set). */
  readonly servedPartnershipsSetting: readonly string[] | null
  /** The instance's partnership name, for the default served partnership. */
  readonly partnershipName: string
  readonly now?: () => Date
}

/**
 * Below this, one thread: starting two workers (and their parsers' first, unoptimised megabytes) cost more than they
 * saved on a national month (117 MB: 0.47 s on one thread, 1.2 s with two, on the 2-core benchmark machine).
 */
const AUTOMATIC_WORKERS_FROM_BYTES = 256e6

/** Code-point order, as the databases' binary collation sorts the text keys (not `localeCompare`). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Imports data.police.uk street-level files: lists them, parses them (in parallel for large imports), maps every
 * row's LSOA to its partnership, and replaces the force-months they hold in one transaction. Any problem in any file
 * refuses the whole import, listing each faulty file's first problem with its line; nothing is written.
 *
 * Rows are counted where the crime happened (as police.uk does): a Gwent row in a Cardiff LSOA counts for Cardiff,
 * under Gwent's file, and is also reported as outside Gwent's own partnerships. Rows with no location, and rows
 * whose LSOA the lookups cannot place in one partnership, are counted and reported but in no partnership.
 *
 * @example
 * const summary = await createCrimeImportService(dependencies).importPaths(['downloads/2020-01.zip'])
 */
export function createCrimeImportService(dependencies: CrimeImportDependencies) {
  const crimeTypes = POLICE_UK_CRIME_TYPES as readonly string[]

  async function importPaths(paths: readonly string[], options: CrimeImportOptions = {}): Promise<ImportSummary> {
    const started = performance.now()
    const listing = await listStreetFiles(paths)
    const files = listing.files
    if (files.length === 0) {
      throw new CrimeImportError([
        {
          file: paths.join(', '),
          line: null,
          reason: 'no data.police.uk street-level files (YYYY-MM-force-street.csv)',
        },
      ])
    }
    const bytesTotal = files.reduce((sum, f) => sum + f.size, 0)
    const workers = Math.min(
      files.length,
      options.workers ?? (bytesTotal < AUTOMATIC_WORKERS_FROM_BYTES ? 0 : Math.min(2, os.availableParallelism())),
    )
    // The threads start while the lookups are read.
    const pool = startParsePool(workers, crimeTypes)
    try {
      return await importFiles(paths, listing, bytesTotal, pool, started, options)
    } finally {
      await pool.close()
    }
  }

  async function importFiles(
    paths: readonly string[],
    listing: StreetFileListing,
    bytesTotal: number,
    pool: ParsePool,
    started: number,
    options: CrimeImportOptions,
  ): Promise<ImportSummary> {
    const files = listing.files
    const workers = pool.workers
    const problems: ImportProblem[] = []
    const geography = dependencies.geography()
    const geographyDone = performance.now()
    const served = resolveServedPartnerships(
      dependencies.servedPartnershipsSetting,
      dependencies.partnershipName,
      geography,
    )
    const isServed = new Uint8Array(geography.partnerships.length)
    for (const p of served) isServed[p.index] = 1

    // Per-file results, mapped to partnerships as they arrive so that no file's LSOA counts are held for long.
    const results = new Map<number, { file: StreetFile; force: PoliceForce; counts: ForceMonthCounts }>()
    const outside = new Map<string, number>()
    let rowsDone = 0
    let bytesDone = 0
    let filesDone = 0
    const tasks: ParseTask[] = files
      .map((file, id) => ({ id, source: file.source, month: file.month }))
      .sort((a, b) => (files[b.id] as StreetFile).size - (files[a.id] as StreetFile).size)

    /** A file's counts, summed by partnership in the parser, as what is stored for its force-month. */
    const mapFile = (file: StreetFile, force: PoliceForce, summary: StreetFileSummary): ForceMonthCounts => {
      const knownLsoas = geography.lsoaCodes.length
      let rowsOutsideForce = 0
      const partnershipCounts: PartnershipCount[] = []
      const groups = summary.groupCounts
      for (let i = 0; i < groups.length; i += 3) {
        const p = geography.partnerships[groups[i] as number] as GeographyPartnership
        const crimes = groups[i + 2] as number
        partnershipCounts.push({
          partnershipCode: p.code,
          crimeType: crimeTypes[groups[i + 1] as number] as string,
          crimes,
        })
        if (force.forceAreaCode !== null && p.forceAreaCode !== force.forceAreaCode) {
          rowsOutsideForce += crimes
          const key = `${force.id}\u0000${p.code}`
          outside.set(key, (outside.get(key) ?? 0) + crimes)
        }
      }
      // By LSOA: the served partnerships' LSOAs, and those no partnership could be found for.
      const lsoaCounts: LsoaCount[] = []
      const unmapped = new Map<string, UnmappedLsoa>()
      let rowsUnmapped = 0
      const triples = summary.counts
      for (let i = 0; i < triples.length; i += 3) {
        const lsoa = triples[i] as number
        const rows = triples[i + 2] as number
        const partnership = lsoa < knownLsoas ? (geography.lsoaPartnership[lsoa] as number) : -1
        if (partnership >= 0) {
          lsoaCounts.push({
            lsoaCode: geography.lsoaCodes[lsoa] as string,
            partnershipCode: (geography.partnerships[partnership] as GeographyPartnership).code,
            crimeType: crimeTypes[triples[i + 1] as number] as string,
            crimes: rows,
          })
          continue
        }
        const code =
          lsoa < knownLsoas
            ? (geography.lsoaCodes[lsoa] as string)
            : (summary.extraLsoaCodes[lsoa - knownLsoas] as string)
        const reason = geography.unmappedReasonAt(lsoa) ?? 'not-in-lookup'
        const before = unmapped.get(code)
        unmapped.set(code, { lsoaCode: code, reason, rows: (before?.rows ?? 0) + rows })
        rowsUnmapped += rows
      }
      // In the stored key's order, so that the database appends rather than inserts in the middle of its index.
      partnershipCounts.sort(
        (a, b) => compareText(a.partnershipCode, b.partnershipCode) || compareText(a.crimeType, b.crimeType),
      )
      lsoaCounts.sort((a, b) => compareText(a.lsoaCode, b.lsoaCode) || compareText(a.crimeType, b.crimeType))
      return {
        policeForce: force.id,
        month: file.month,
        sourceFile: file.displayName,
        fallsWithin: summary.fallsWithin ?? force.name,
        rowsRead: summary.rows,
        rowsWithoutLocation: summary.withoutLocation.reduce((a, b) => a + b, 0),
        rowsOutsideForce,
        rowsUnmapped,
        partnershipCounts,
        lsoaCounts,
        unmappedLsoas: [...unmapped.values()],
      }
    }

    /** The force a file belongs to: its rows' "Falls within", which must agree with its name. */
    const forceOf = (file: StreetFile, summary: StreetFileSummary): PoliceForce | ImportProblem => {
      const byName = summary.fallsWithin === null ? null : policeForceByName(summary.fallsWithin)
      const byFileName = policeForceById(file.forceId)
      if (byName && byFileName && byName !== byFileName) {
        return {
          file: file.displayName,
          line: 2,
          reason: `the rows fall within "${summary.fallsWithin}" but the file's name says "${file.forceId}" (${byFileName.name})`,
        }
      }
      const force = byName ?? byFileName
      if (force) return force
      return {
        file: file.displayName,
        line: summary.fallsWithin === null ? null : 2,
        reason:
          summary.fallsWithin === null
            ? `"${file.forceId}" is not a data.police.uk force, and the file has no rows to tell`
            : `"${summary.fallsWithin}" is not a police force this software knows (src/crime/geography/police-forces.ts)`,
      }
    }

    options.onPhase?.('reading')
    await pool.parse(
      tasks,
      { lsoaCodes: geography.lsoaCodes, crimeTypes, lsoaGroups: geography.lsoaPartnership, detailedGroups: isServed },
      {
        onProgress(bytes, rows) {
          bytesDone += bytes
          rowsDone += rows
          options.onProgress?.({ bytesDone, bytesTotal, rowsDone, filesDone, filesTotal: files.length })
        },
        onOutcome(task, outcome) {
          const file = files[task.id] as StreetFile
          filesDone++
          if ('fault' in outcome) {
            problems.push({ file: file.displayName, line: outcome.fault.line, reason: outcome.fault.reason })
          } else if ('failure' in outcome) {
            problems.push({ file: file.displayName, line: null, reason: outcome.failure })
          } else if (problems.length === 0) {
            const force = forceOf(file, outcome.summary)
            if ('reason' in force) problems.push(force)
            else results.set(task.id, { file, force, counts: mapFile(file, force, outcome.summary) })
          }
          options.onProgress?.({ bytesDone, bytesTotal, rowsDone, filesDone, filesTotal: files.length })
        },
      },
    )

    // The same force-month twice (a file in a folder and in an archive, say) is ambiguous: refuse it.
    const seen = new Map<string, StreetFile>()
    for (const { file, force } of [...results.values()].sort((a, b) =>
      a.file.displayName < b.file.displayName ? -1 : 1,
    )) {
      const key = `${force.id} ${file.month}`
      const other = seen.get(key)
      if (other) {
        problems.push({
          file: file.displayName,
          line: null,
          reason: `${force.name} ${file.month} is also in ${other.displayName}: import one of them`,
        })
      } else seen.set(key, file)
    }
    if (problems.length > 0) {
      throw new CrimeImportError([...problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)))
    }

    options.onPhase?.('writing')
    const readingDone = performance.now()
    const forceMonths = [...results.values()]
      .map((r) => r.counts)
      .sort((a, b) => compareText(a.policeForce, b.policeForce) || compareText(a.month, b.month))
    const rows = forceMonths.reduce((sum, fm) => sum + fm.rowsRead, 0)
    const { replaced } = await dependencies.repository.replaceForceMonths(
      {
        importedAt: (dependencies.now?.() ?? new Date()).toISOString(),
        source: paths.join(', '),
        files: files.length,
        bytesRead: bytesTotal,
        rowsRead: rows,
        servedPartnerships: served.map((p) => p.code),
      },
      forceMonths,
    )
    const writingDone = performance.now()
    const replacedKeys = new Set(replaced.map((r) => `${r.policeForce} ${r.month}`))

    const unmappedTotals = new Map<string, UnmappedLsoa>()
    for (const fm of forceMonths) {
      for (const u of fm.unmappedLsoas) {
        const before = unmappedTotals.get(u.lsoaCode)
        unmappedTotals.set(u.lsoaCode, { ...u, rows: (before?.rows ?? 0) + u.rows })
      }
    }
    const touchedPartnerships = new Set(forceMonths.flatMap((fm) => fm.partnershipCounts.map((c) => c.partnershipCode)))
    return {
      files: files.length,
      skipped: listing.skipped,
      bytes: bytesTotal,
      rows,
      seconds: (writingDone - started) / 1000,
      phaseSeconds: {
        lookups: (geographyDone - started) / 1000,
        reading: (readingDone - geographyDone) / 1000,
        writing: (writingDone - readingDone) / 1000,
      },
      workers,
      forceMonths: forceMonths.map((fm) => ({
        policeForce: fm.policeForce,
        forceName: policeForceById(fm.policeForce)?.name ?? fm.fallsWithin,
        month: fm.month,
        sourceFile: fm.sourceFile,
        rowsRead: fm.rowsRead,
        rowsWithoutLocation: fm.rowsWithoutLocation,
        rowsOutsideForce: fm.rowsOutsideForce,
        rowsUnmapped: fm.rowsUnmapped,
        replaced: replacedKeys.has(`${fm.policeForce} ${fm.month}`),
      })),
      rowsWithoutLocation: forceMonths.reduce((sum, fm) => sum + fm.rowsWithoutLocation, 0),
      rowsOutsideForce: forceMonths.reduce((sum, fm) => sum + fm.rowsOutsideForce, 0),
      rowsUnmapped: forceMonths.reduce((sum, fm) => sum + fm.rowsUnmapped, 0),
      outside: [...outside]
        .map(([key, rowsOutside]) => {
          const [policeForce, partnershipCode] = key.split('\u0000') as [string, string]
          const p = geography.partnershipByCode(partnershipCode) as GeographyPartnership
          return {
            policeForce,
            partnershipCode,
            partnershipName: p.name,
            forceAreaName: p.forceAreaName,
            rows: rowsOutside,
          }
        })
        .sort((a, b) => b.rows - a.rows || a.partnershipName.localeCompare(b.partnershipName)),
      unmappedLsoas: [...unmappedTotals.values()].sort(
        (a, b) => b.rows - a.rows || a.lsoaCode.localeCompare(b.lsoaCode),
      ),
      sharedDistricts: geography.sharedDistricts.filter((d) =>
        d.partnerships.some((p) => touchedPartnerships.has(p.code)),
      ),
      servedPartnerships: served,
      lsoaCountsStored: forceMonths.reduce((sum, fm) => sum + fm.lsoaCounts.length, 0),
    }
  }

  return { importPaths }
}

export type CrimeImportService = ReturnType<typeof createCrimeImportService>
