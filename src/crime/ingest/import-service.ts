import os from 'node:os'
import type {
  CrimeRepository,
  ForceMonthCounts,
  ForceMonthReplacement,
  LsoaCount,
  PartnershipCount,
  UnmappedLsoa,
} from '../crime-repository.ts'
import { resolveServedPartnerships, type Geography, type GeographyPartnership } from '../geography/geography.ts'
import { policeForceById, policeForceByName, type PoliceForce } from '../geography/police-forces.ts'
import { POLICE_UK_CRIME_TYPES } from './crime-types.ts'
import { startParsePool, type ParsePool, type ParseTask } from './parse-pool.ts'
import { escapeControlCharacters } from '../../shared/file-text.ts'
import { listStreetFiles, type ArchiveLimits, type StreetFile, type StreetFileListing } from './street-files.ts'
import type { StreetFileSummary } from './street-file-kernel.ts'

/** One thing wrong with the files: which file, which line (when known), and why. */
export interface ImportProblem {
  readonly file: string
  readonly line: number | null
  readonly reason: string
}

/**
 * The import was refused; nothing was written. Each problem's file name and reason are kept with their control
 * characters escaped (`escapeControlCharacters`): they quote the files' names and content (a header cell, a
 * "Falls within", a crime type), which may hold escape sequences or bidi overrides that a terminal would obey.
 */
export class CrimeImportError extends Error {
  override name = 'CrimeImportError'
  readonly problems: readonly ImportProblem[]
  constructor(problems: readonly ImportProblem[]) {
    const shown = problems.map((p) => ({
      file: escapeControlCharacters(p.file),
      line: p.line,
      reason: escapeControlCharacters(p.reason),
    }))
    super(
      [
        `Nothing was imported: ${shown.length === 1 ? 'a file has a problem' : `${shown.length} problems`}.`,
        ...shown.map((p) => `  ${p.file}${p.line === null ? '' : ` line ${p.line}`}: ${p.reason}`),
      ].join('\n'),
    )
    this.problems = shown
  }
}

export interface ImportProgress {
  readonly bytesDone: number
  readonly bytesTotal: number
  readonly rowsDone: number
  readonly filesDone: number
  readonly filesTotal: number
}

/**
 * 'reading': the files are being read. 'writing': the import's transaction is open and force-months are being
 * written; with worker threads that is from the first file parsed, while the others are still read.
 */
export type ImportPhase = 'reading' | 'writing'

export interface CrimeImportOptions {
  /** Worker threads; by default none below 256 MB (their start-up would cost more than they save), else 2. */
  readonly workers?: number
  readonly onProgress?: (progress: ImportProgress) => void
  readonly onPhase?: (phase: ImportPhase) => void
  /** How far zip archives may inflate (tests lower them); ARCHIVE_LIMITS by default. */
  readonly archiveLimits?: ArchiveLimits
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
  /**
   * Where the time went: listing the files and reading the lookups; reading, parsing and mapping (with worker
   * threads, most of the writing too); the writing left after the last file was read, and the commit.
   */
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
  /** The partnerships whose counts by LSOA were kept: those chosen, and those in `lsoaCountsKeptFromEarlier`. */
  readonly servedPartnerships: readonly GeographyPartnership[]
  /**
   * Without SAFERHUB_SERVED_PARTNERSHIPS: partnerships not chosen by default whose counts by LSOA were stored for a
   * force-month this import replaced, and so kept (re-counted from the new file) rather than dropped.
   */
  readonly lsoaCountsKeptFromEarlier: readonly GeographyPartnership[]
  /** Counts by LSOA stored for the force-months replaced and not stored again: whose, in how many, and why. */
  readonly lsoaCountsDropped: readonly DroppedLsoaCounts[]
  readonly lsoaCountsStored: number
}

export interface DroppedLsoaCounts {
  readonly partnershipCode: string
  /** The ONS lookup's name, or the code when the lookup no longer has the partnership. */
  readonly partnershipName: string
  /** How many of the replaced force-months had counts by LSOA for it. */
  readonly forceMonths: number
  /** 'not-served': SAFERHUB_SERVED_PARTNERSHIPS does not name it; 'not-in-lookup': the ONS lookup no longer has it. */
  readonly reason: 'not-served' | 'not-in-lookup'
}

export interface CrimeImportDependencies {
  readonly repository: CrimeRepository
  readonly geography: () => Geography
  /** `SAFERHUB_SERVED_PARTNERSHIPS` as configured (null: not set). */
  readonly servedPartnershipsSetting: readonly string[] | null
  /** The instance's partnership name, for the default served partnership. */
  readonly partnershipName: string
  /**
   * The ONS codes of the instance's own partnerships: without the setting, these are the partnerships served (each
   * partnership's overview shows its LSOAs); the name above only when none has a code.
   */
  readonly instancePartnershipCodes?: () => Promise<readonly string[]>
  readonly now?: () => Date
}

/**
 * Below this, one thread: starting two workers (and their parsers' first, unoptimised megabytes) cost more than they
 * saved on a national month (117 MB: 0.23–0.31 s on one thread, 0.3–0.6 s with two, on the 2-core benchmark machine).
 */
const AUTOMATIC_WORKERS_FROM_BYTES = 256e6

/**
 * With worker threads, force-months are written in about this many batches, each once its files' share of the
 * import's bytes is parsed: a national year's 516 force-months in 24 batches rather than 516 (a batch is a few
 * statements, each prepared anew), and at most a twenty-fourth of the writing left after the reading.
 */
const STREAMED_BATCHES = 24

/** What the summary needs of a force-month once its counts are written. */
type ForceMonthOutline = Omit<ForceMonthCounts, 'partnershipCounts' | 'lsoaCounts'> & {
  readonly lsoaCountsStored: number
}

function outline(counts: ForceMonthCounts): ForceMonthOutline {
  const { partnershipCounts: _partnershipCounts, lsoaCounts, ...rest } = counts
  return { ...rest, lsoaCountsStored: lsoaCounts.length }
}

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
    const listing = await listStreetFiles(paths, options.archiveLimits)
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
    const ownCodes = (await dependencies.instancePartnershipCodes?.()) ?? []
    const setting = dependencies.servedPartnershipsSetting
    const chosen = resolveServedPartnerships(
      setting ?? (ownCodes.length > 0 ? ownCodes : null),
      dependencies.partnershipName,
      geography,
    )
    // Re-importing a force-month replaces its counts by LSOA too. Without the setting, the partnerships an earlier
    // import kept them for (with the setting, say, or before the instance's partnerships had ONS codes) keep them:
    // a re-import never narrows what is kept unasked. With the setting, it decides, and what it drops is reported.
    const stored = await dependencies.repository.lsoaPartnershipsOf(
      files.map((file) => ({ policeForce: policeForceById(file.forceId)?.id ?? file.forceId, month: file.month })),
    )
    const servedCodes = new Set(chosen.map((p) => p.code))
    const keptFromEarlier: GeographyPartnership[] = []
    const dropped = new Map<string, DroppedLsoaCounts>()
    for (const { partnershipCode } of stored) {
      if (servedCodes.has(partnershipCode)) continue
      const partnership = geography.partnershipByCode(partnershipCode)
      if (setting === null && partnership !== null) {
        servedCodes.add(partnershipCode)
        keptFromEarlier.push(partnership)
        continue
      }
      const before = dropped.get(partnershipCode)
      dropped.set(partnershipCode, {
        partnershipCode,
        partnershipName: partnership?.name ?? partnershipCode,
        forceMonths: (before?.forceMonths ?? 0) + 1,
        reason: partnership === null ? 'not-in-lookup' : 'not-served',
      })
    }
    const served = [...chosen, ...keptFromEarlier]
    const isServed = new Uint8Array(geography.partnerships.length)
    for (const p of served) isServed[p.index] = 1

    // Per-file results, mapped to partnerships as they arrive so that no file's LSOA counts are held for long; what
    // the summary needs is kept, the counts only until they are written.
    const results = new Map<number, { file: StreetFile; force: PoliceForce; counts: ForceMonthOutline }>()
    /** 1 for each partnership (by position) that got rows. */
    const touchedPartnerships = new Uint8Array(geography.partnerships.length)
    /** Force-months by "force month", the first file that gave each; those that more than one file gave. */
    const seen = new Map<string, StreetFile>()
    const duplicated = new Set<string>()
    /** Rows each force's files counted in partnerships of other force areas, by partnership position. */
    const outside = new Map<string, Float64Array>()
    let rowsDone = 0
    let bytesDone = 0
    let filesDone = 0
    // In the stored key's order (month, then force): the force-months then reach the database nearly in order, and
    // are appended to its tables rather than inserted among earlier ones. The threads take the next file as each
    // finishes one, so they end within a file of each other (at most 17 MB, a few hundredths of a second).
    const tasks: ParseTask[] = files
      .map((file, id) => ({ id, source: file.source, month: file.month }))
      .sort((a, b) => {
        const fa = files[a.id] as StreetFile
        const fb = files[b.id] as StreetFile
        return compareText(fa.month, fb.month) || compareText(fa.forceId, fb.forceId) || a.id - b.id
      })

    /** A file's counts, summed by partnership in the parser, as what is stored for its force-month. */
    const mapFile = (file: StreetFile, force: PoliceForce, summary: StreetFileSummary): ForceMonthCounts => {
      const knownLsoas = geography.lsoaCodes.length
      let rowsOutsideForce = 0
      const partnershipCounts: PartnershipCount[] = []
      const groups = summary.groupCounts
      let outsideOfForce = outside.get(force.id)
      for (let i = 0; i < groups.length; i += 3) {
        const index = groups[i] as number
        const p = geography.partnerships[index] as GeographyPartnership
        const crimes = groups[i + 2] as number
        partnershipCounts.push({
          partnershipCode: p.code,
          crimeType: crimeTypes[groups[i + 1] as number] as string,
          crimes,
        })
        touchedPartnerships[index] = 1
        if (force.forceAreaCode !== null && p.forceAreaCode !== force.forceAreaCode) {
          rowsOutsideForce += crimes
          if (!outsideOfForce) {
            outsideOfForce = new Float64Array(geography.partnerships.length)
            outside.set(force.id, outsideOfForce)
          }
          outsideOfForce[index] = (outsideOfForce[index] as number) + crimes
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

    // Writing. With worker threads, the force-months are written as their files are parsed (in about 24 batches),
    // into one transaction opened at the first batch and committed once every file is read without a problem: this
    // thread is otherwise idle, and the import's wall time is then the parsing and little more. On this thread
    // alone (a few files), they are written together after the reading, so that the transaction (which holds
    // SQLite's one connection) is short.
    const streaming = workers > 0
    const importedAt = (dependencies.now?.() ?? new Date()).toISOString()
    const waiting: ForceMonthCounts[] = []
    let waitingBytes = 0
    const batchBytes = bytesTotal / STREAMED_BATCHES
    // In an object: TypeScript does not see closures assign a `let`, and would take it for null below.
    const transaction: { replacement: ForceMonthReplacement | null } = { replacement: null }
    let writer: Promise<void> | null = null
    let writeFailure: { error: unknown } | null = null
    let writingAnnounced = false
    const writeWaiting = async () => {
      const replacement = (transaction.replacement ??= await dependencies.repository.startReplacement({
        importedAt,
        source: paths.join(', '),
        files: files.length,
        bytesRead: bytesTotal,
        servedPartnerships: served.map((p) => p.code),
      }))
      if (!writingAnnounced) options.onPhase?.('writing')
      writingAnnounced = true
      // Whatever arrived while the last batch was written goes in the next: batches grow when writing lags.
      while (waiting.length > 0 && problems.length === 0) {
        waitingBytes = 0
        await replacement.write(waiting.splice(0))
      }
    }
    /** Starts writing what waits, unless a write is under way (it takes what waits when it is done). */
    const write = () => {
      writer ??= writeWaiting()
        .catch((error: unknown) => {
          writeFailure = { error }
        })
        .finally(() => {
          writer = null
          if (waitingBytes >= batchBytes && problems.length === 0 && writeFailure === null) write()
        })
    }
    const finishWriting = async () => {
      while (writer !== null) await writer
    }

    options.onPhase?.('reading')
    let replaced: { policeForce: string; month: string }[]
    let readingDone: number
    try {
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
              else {
                const counts = mapFile(file, force, outcome.summary)
                results.set(task.id, { file, force, counts: outline(counts) })
                const key = `${force.id} ${file.month}`
                if (seen.has(key)) duplicated.add(key)
                else {
                  seen.set(key, file)
                  waiting.push(counts)
                  waitingBytes += file.size
                  if (streaming && waitingBytes >= batchBytes) write()
                }
              }
            }
            options.onProgress?.({ bytesDone, bytesTotal, rowsDone, filesDone, filesTotal: files.length })
          },
        },
      )

      // The same force-month twice (a file in a folder and in an archive, say) is ambiguous: refuse it, naming each
      // file after the first by name (whichever was parsed first).
      if (duplicated.size > 0) {
        const firstOf = new Map<string, StreetFile>()
        for (const { file, force } of [...results.values()].sort((a, b) =>
          a.file.displayName < b.file.displayName ? -1 : 1,
        )) {
          const key = `${force.id} ${file.month}`
          if (!duplicated.has(key)) continue
          const other = firstOf.get(key)
          if (other) {
            problems.push({
              file: file.displayName,
              line: null,
              reason: `${force.name} ${file.month} is also in ${other.displayName}: import one of them`,
            })
          } else firstOf.set(key, file)
        }
      }
      if (problems.length > 0) {
        throw new CrimeImportError([...problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)))
      }

      readingDone = performance.now()
      write()
      await finishWriting()
      if (writeFailure !== null) throw (writeFailure as { error: unknown }).error
      if (transaction.replacement === null) throw new Error('the import wrote nothing')
      ;({ replaced } = await transaction.replacement.commit())
    } catch (error) {
      // Nothing is written: a problem in a file, a thread or the database rolls back whatever was.
      await finishWriting()
      await transaction.replacement?.rollback()
      throw error
    }
    const writingDone = performance.now()
    const replacedKeys = new Set(replaced.map((r) => `${r.policeForce} ${r.month}`))
    const forceMonths = [...results.values()]
      .map((r) => r.counts)
      .sort((a, b) => compareText(a.policeForce, b.policeForce) || compareText(a.month, b.month))
    const rows = forceMonths.reduce((sum, fm) => sum + fm.rowsRead, 0)

    const unmappedTotals = new Map<string, UnmappedLsoa>()
    for (const fm of forceMonths) {
      for (const u of fm.unmappedLsoas) {
        const before = unmappedTotals.get(u.lsoaCode)
        unmappedTotals.set(u.lsoaCode, { ...u, rows: (before?.rows ?? 0) + u.rows })
      }
    }
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
        .flatMap(([policeForce, byPartnership]) =>
          geography.partnerships.flatMap((p, index) => {
            const rowsOutside = byPartnership[index] as number
            return rowsOutside > 0
              ? [
                  {
                    policeForce,
                    partnershipCode: p.code,
                    partnershipName: p.name,
                    forceAreaName: p.forceAreaName,
                    rows: rowsOutside,
                  },
                ]
              : []
          }),
        )
        .sort((a, b) => b.rows - a.rows || a.partnershipName.localeCompare(b.partnershipName)),
      unmappedLsoas: [...unmappedTotals.values()].sort(
        (a, b) => b.rows - a.rows || a.lsoaCode.localeCompare(b.lsoaCode),
      ),
      sharedDistricts: geography.sharedDistricts.filter((d) =>
        d.partnerships.some((p) => touchedPartnerships[geography.partnershipByCode(p.code)?.index ?? -1] === 1),
      ),
      servedPartnerships: served,
      lsoaCountsKeptFromEarlier: keptFromEarlier,
      lsoaCountsDropped: [...dropped.values()].sort((a, b) => compareText(a.partnershipCode, b.partnershipCode)),
      lsoaCountsStored: forceMonths.reduce((sum, fm) => sum + fm.lsoaCountsStored, 0),
    }
  }

  return { importPaths }
}

export type CrimeImportService = ReturnType<typeof createCrimeImportService>
