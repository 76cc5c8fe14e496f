/**
 * The police-file faults of issue 9, one test each: files that must be refused (naming the file, the archive and the
 * entry, with nothing stored changed), valid CSV that must be read, archives that inflate too far, messages that
 * quote a file's bytes, and counts by LSOA that a re-import must not drop unsaid. Expected counts come from
 * `independent-counts.py` (Python's csv module), never from saferhub's parser.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, afterEach, before, beforeEach, describe, it } from 'node:test'
import type { Database } from '../../db/database.ts'
import { openTestDatabase, testDialects } from '../../../test/support/databases.ts'
import { createCrimeRepository, type CrimeRepository } from '../crime-repository.ts'
import { loadGeography } from '../geography/lookup-files.ts'
import { crimeSummary } from '../web/import-outcome.ts'
import { formatImportSummary } from './import-command.ts'
import { independentCounts, type IndependentFileCounts } from './independent-counts.ts'
import { CrimeImportError, createCrimeImportService, type CrimeImportDependencies } from './import-service.ts'
import { ARCHIVE_LIMITS, StreetFileListingError } from './street-files.ts'

const REAL = fileURLToPath(new URL('../../../test/fixtures/police-uk/real/', import.meta.url))
const JANUARY = path.join(REAL, '2020-01-gwent-street.csv')
const APRIL = path.join(REAL, '2020-04-gwent-street.csv')
const geography = loadGeography(null)
/** Newport and Wolverhampton (one row in Gwent's January 2020). */
const SERVED = ['W14000022', 'E22000341']
const NEWPORT = 'W14000022'
const TORFAEN = 'W14000020'
const WOLVERHAMPTON = 'E22000341'

const januaryText = fs.readFileSync(JANUARY, 'utf8')
const januaryLines = januaryText.split('\r\n').slice(0, -1)
const header = januaryLines[0] as string

/** Any C0 or C1 control character or bidi override left raw in a message. */
// eslint-disable-next-line no-control-regex -- finding raw control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

/** Writes a zip archive with Python's zipfile: entries as [name in the archive, file to put there]. */
function zip(
  archive: string,
  entries: readonly (readonly [string, string])[],
  method: 'deflate' | 'store' = 'deflate',
) {
  execFileSync('python3', [
    '-c',
    `import json, sys, zipfile
method = zipfile.ZIP_DEFLATED if sys.argv[2] == 'deflate' else zipfile.ZIP_STORED
with zipfile.ZipFile(sys.argv[1], 'w', method) as z:
    for name, source in json.loads(sys.argv[3]):
        z.write(source, name)`,
    archive,
    method,
    JSON.stringify(entries),
  ])
}

/** Sets an entry's declared (uncompressed) size in both its local and central headers. */
function declareSize(archive: string, entryName: string, size: number): void {
  const bytes = fs.readFileSync(archive)
  const name = Buffer.from(entryName)
  for (const [signature, sizeAt, nameAt] of [
    [0x04034b50, 22, 30],
    [0x02014b50, 24, 46],
  ] as const) {
    for (let i = 0; i + nameAt < bytes.length; i++) {
      if (bytes.readUInt32LE(i) === signature && bytes.subarray(i + nameAt, i + nameAt + name.length).equals(name)) {
        bytes.writeUInt32LE(size, i + sizeAt)
      }
    }
  }
  fs.writeFileSync(archive, bytes)
}

function partnershipTotals(counts: Record<string, IndependentFileCounts>) {
  const totals: Record<string, number> = {}
  for (const figures of Object.values(counts)) {
    for (const [key, crimes] of Object.entries(figures.counts)) totals[key] = (totals[key] ?? 0) + crimes
  }
  return totals
}

async function storedTotals(repository: CrimeRepository) {
  const totals: Record<string, number> = {}
  for (const c of await repository.partnershipCounts()) {
    const key = `${c.partnershipCode}|${c.crimeType}`
    totals[key] = (totals[key] ?? 0) + c.crimes
  }
  return totals
}

function lsoaRows(counts: Record<string, IndependentFileCounts>) {
  return Object.values(counts)
    .flatMap((figures) => Object.entries(figures.lsoa_counts).map(([key, crimes]) => `${key}|${crimes}`))
    .sort()
}

async function storedLsoaRows(repository: CrimeRepository) {
  return (await repository.lsoaCounts())
    .map((c) => `${c.lsoaCode}|${c.partnershipCode}|${c.crimeType}|${c.crimes}`)
    .sort()
}

/** Everything an import can change. */
async function storedState(repository: CrimeRepository) {
  return {
    partnership: await repository.partnershipCounts(),
    lsoa: await repository.lsoaCounts(),
    months: await repository.forceMonths(),
    unmapped: await repository.unmappedLsoas(),
    runs: await repository.importRuns(),
  }
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => assert.fail('the import was accepted'),
    (error: unknown) => error as Error,
  )
}

for (const dialect of testDialects()) {
  describe(`police files that must be refused, read, or reported (${dialect})`, () => {
    let database: Database
    let repository: CrimeRepository
    let directory: string
    const service = (overrides: Partial<CrimeImportDependencies> = {}) =>
      createCrimeImportService({
        repository,
        geography: () => geography,
        servedPartnershipsSetting: SERVED,
        partnershipName: '',
        ...overrides,
      })
    const file = (name: string, text: string | Buffer) => {
      const full = path.join(directory, name)
      fs.mkdirSync(path.dirname(full), { recursive: true })
      fs.writeFileSync(full, text)
      return full
    }

    before(() => {
      directory = fs.mkdtempSync(path.join(os.tmpdir(), 'saferhub-police-faults-'))
    })
    after(() => fs.rmSync(directory, { recursive: true, force: true }))
    beforeEach(async () => {
      database = await openTestDatabase(dialect)
      repository = createCrimeRepository(database)
      // What is stored before each test: Gwent's January 2020, with counts by LSOA for Newport and Wolverhampton.
      await service().importPaths([JANUARY], { workers: 0 })
    })
    afterEach(async () => {
      await database.close()
      for (const entry of fs.readdirSync(directory)) fs.rmSync(path.join(directory, entry), { recursive: true })
    })

    it('refuses a file holding only its header, naming it, whether it would replace a month or create one', async () => {
      const before = await storedState(repository)
      const replacing = file('replacing/2020-01-gwent-street.csv', `${header}\r\n`)
      const creating = file('creating/2020-02-gwent-street.csv', `${header}\r\n\r\n\r\n`)
      const noLineEnd = file('no-line-end/2020-03-gwent-street.csv', header)
      const archive = path.join(directory, 'headers.zip')
      zip(archive, [['2020-05/2020-05-gwent-street.csv', creating]])
      for (const [given, named] of [
        [replacing, replacing],
        [creating, creating],
        [noLineEnd, noLineEnd],
        [archive, 'headers.zip!2020-05/2020-05-gwent-street.csv'],
      ] as const) {
        const error = await refusal(service().importPaths([given, APRIL], { workers: 0 }))
        assert.ok(error instanceof CrimeImportError, given)
        assert.deepEqual(
          error.problems.map((p) => [p.file, p.line]),
          [[named, 2]],
        )
        assert.match(error.problems[0]?.reason ?? '', /header but no rows/)
        assert.match(error.message, new RegExp(`${named.replace(/[.!/\\]/g, '\\$&')} line 2: the file has its header`))
      }
      // January still reads as imported (not zeros) and February, March and May as not loaded (no force-month).
      assert.deepEqual(await storedState(repository), before)
      assert.deepEqual(
        (await repository.forceMonths()).map((m) => m.month),
        ['2020-01'],
      )
    })

    it('names the archive and the entry in every zip error, and stores nothing', async () => {
      const before = await storedState(repository)
      const listingError = async (archive: string) => {
        const error = await refusal(service().importPaths([archive], { workers: 0 }))
        assert.ok(error instanceof StreetFileListingError, `${archive}: ${error.message}`)
        return error.message
      }
      // An entry climbing out of the archive, and one with an absolute path: yauzl said only "invalid relative
      // path: ../2020-01-gwent-street.csv", with no archive.
      const climbing = path.join(directory, 'climbing.zip')
      zip(climbing, [
        ['2020-04/2020-04-gwent-street.csv', APRIL],
        ['../2020-01-gwent-street.csv', JANUARY],
      ])
      const message = await listingError(climbing)
      assert.ok(message.startsWith(`${climbing}: the entry "../2020-01-gwent-street.csv" `), message)
      assert.match(message, /climbs out of the archive with "\.\."/)
      const absolute = path.join(directory, 'absolute.zip')
      // Python's zipfile drops a leading "/": the name is written, then its first byte made one.
      zip(absolute, [['Xtmp/2020-01-gwent-street.csv', JANUARY]])
      const named = fs.readFileSync(absolute)
      for (let at = named.indexOf('Xtmp/'); at >= 0; at = named.indexOf('Xtmp/', at + 1)) named[at] = 0x2f
      fs.writeFileSync(absolute, named)
      assert.match(
        await listingError(absolute),
        new RegExp(`^${absolute}: the entry "/tmp/2020-01-gwent-street.csv" has an absolute path`),
      )
      // Not a zip archive at all, and an archive cut off before its directory.
      const cutOff = path.join(directory, 'cut-off.zip')
      zip(cutOff, [['2020-04/2020-04-gwent-street.csv', APRIL]])
      fs.truncateSync(cutOff, fs.statSync(cutOff).size - 40)
      assert.match(await listingError(cutOff), new RegExp(`^${cutOff}: not a readable zip archive \\(.+\\)`))

      // Damaged compressed data: zlib's own message ("invalid stored block lengths", say) named nothing.
      const damaged = path.join(directory, 'damaged.zip')
      zip(damaged, [['2020-04/2020-04-gwent-street.csv', APRIL]])
      const bytes = fs.readFileSync(damaged)
      bytes.fill(0xff, 2000, 2400)
      fs.writeFileSync(damaged, bytes)
      // An entry that inflates to more than its directory declares: reading stops there.
      const lying = path.join(directory, 'lying.zip')
      zip(lying, [['2020-04/2020-04-gwent-street.csv', APRIL]])
      declareSize(lying, '2020-04/2020-04-gwent-street.csv', 100_000)
      for (const [archive, reason] of [
        [
          damaged,
          /^cannot read the entry "2020-04\/2020-04-gwent-street\.csv" of the zip archive .*damaged\.zip \(.+\)/,
        ],
        [
          lying,
          /entry "2020-04\/2020-04-gwent-street\.csv" of the zip archive .*lying\.zip (inflates to more|\(too many bytes)/,
        ],
      ] as const) {
        for (const workers of [0, 1]) {
          const error = await refusal(service().importPaths([archive], { workers }))
          assert.ok(error instanceof CrimeImportError, error.message)
          assert.equal(error.problems[0]?.file, `${path.basename(archive)}!2020-04/2020-04-gwent-street.csv`)
          assert.match(error.problems[0]?.reason ?? '', reason)
          assert.ok(error.problems[0]?.reason.includes(archive), error.message)
        }
      }
      assert.deepEqual(await storedState(repository), before)
    })

    it('escapes control characters and bidi overrides in every message that quotes a file', async () => {
      const before = await storedState(repository)
      const rows = januaryLines.slice(1, 4)
      // ESC sequences and a NUL in the header; a right-to-left override in "Falls within".
      const badHeader = file(
        'header/2020-01-gwent-street.csv',
        [
          header.replace('Crime ID', 'Crime ID\u001b[2J\u001b]0;pwned\u0007').replace('Month', 'Mo\u0000nth'),
          ...rows,
        ].join('\r\n'),
      )
      const badForce = file(
        'force/2020-01-atlantis-street.csv',
        [header, ...rows.map((r) => r.replaceAll('Gwent Police', 'Gwent \u202eecilop'))].join('\r\n'),
      )
      const badType = file(
        'type/2020-01-gwent-street.csv',
        [header, rows[0]?.replace(',Public order,', ',Burglary\u009b31m,')].join('\r\n'),
      )
      for (const [given, shown] of [
        [badHeader, 'column 1 is "Crime ID\\x1b[2J\\x1b]0;pwned\\x07"'],
        [badForce, '"Gwent \\u202eecilop"'],
        [badType, '"Burglary\\x9b31m"'],
      ] as const) {
        const error = await refusal(service().importPaths([given], { workers: 0 }))
        assert.ok(error instanceof CrimeImportError, error.message)
        assert.ok(error.message.includes(shown), `${shown} not in ${error.message}`)
        assert.ok(error.problems[0]?.reason.includes(shown))
        assert.doesNotMatch(error.message, RAW_CONTROL)
      }
      // An archive entry's name: refused with the name escaped, and a file skipped in a folder, listed escaped.
      const archive = path.join(directory, 'names.zip')
      zip(archive, [['../\u001b[2J\u202e2020-01-gwent-street.csv', JANUARY]])
      const listing = await refusal(service().importPaths([archive], { workers: 0 }))
      assert.ok(listing.message.includes('"../\\x1b[2J\\u202e2020-01-gwent-street.csv"'), listing.message)
      assert.doesNotMatch(listing.message, RAW_CONTROL)
      file('folder/2020-01-gwent-street.csv', januaryText)
      file('folder/notes\u001b[31m\u202e.txt', 'not a police file')
      const summary = await service().importPaths([path.join(directory, 'folder')], { workers: 0 })
      assert.deepEqual(summary.skipped, [path.join(directory, 'folder', 'notes\\x1b[31m\\u202e.txt')])
      assert.doesNotMatch(formatImportSummary(summary), RAW_CONTROL)
      // The good folder replaced January with the same file: the same counts as before.
      assert.deepEqual((await storedState(repository)).partnership, before.partnership)
    })

    it("reads quoted header cells, trailing blank lines and CR or CRLF line ends as Python's csv module does", async () => {
      const quoted = header
        .split(',')
        .map((cell) => `"${cell}"`)
        .join(',')
      const variants: [string, string][] = [
        ['quoted-header', [quoted, ...januaryLines.slice(1)].join('\r\n') + '\r\n'],
        ['blank-lines', januaryText + '\r\n\r\n\n'],
        ['cr-only', [header, ...januaryLines.slice(1)].join('\r') + '\r'],
        ['cr-only-blank-lines', [quoted, ...januaryLines.slice(1)].join('\r') + '\r\r'],
        ['lf-only', [header, ...januaryLines.slice(1)].join('\n')],
      ]
      const expected = partnershipTotals(independentCounts([JANUARY]))
      for (const [name, text] of variants) {
        const given = file(`${name}/2020-01-gwent-street.csv`, text)
        // Python reads the variant as it reads the real file (so the variant is valid CSV, and the same data).
        assert.deepEqual(partnershipTotals(independentCounts([given])), expected, name)
        const archive = path.join(directory, `${name}.zip`)
        zip(archive, [['2020-01/2020-01-gwent-street.csv', given]])
        // From the file (read in one go) and from the archive (fed as it inflates), on one thread and a worker.
        for (const [source, workers] of [
          [given, 0],
          [archive, 0],
          [archive, 1],
        ] as const) {
          const summary = await service().importPaths([source], { workers })
          assert.equal(summary.rows, januaryLines.length - 1, `${name} ${source}`)
          assert.deepEqual(await storedTotals(repository), expected, `${name} ${source}`)
        }
      }
    })

    it('refuses an archive that would inflate too far, from its directory, before inflating it', async () => {
      const before = await storedState(repository)
      // A zip bomb in small: one real row 40,000 times (11 MB) deflates about 500:1.
      const bomb = file(
        'bomb/2020-01-gwent-street.csv',
        `${header}\r\n${`${januaryLines[1] as string}\r\n`.repeat(40_000)}`,
      )
      const bombZip = path.join(directory, 'bomb.zip')
      zip(bombZip, [['2020-01/2020-01-gwent-street.csv', bomb]])
      const ratio = fs.statSync(bomb).size / fs.statSync(bombZip).size
      assert.ok(ratio > ARCHIVE_LIMITS.maxRatio, `the test's bomb compresses only ${ratio}:1`)
      const bombError = await refusal(service().importPaths([bombZip], { workers: 0 }))
      assert.ok(bombError instanceof StreetFileListingError)
      assert.match(
        bombError.message,
        new RegExp(`^${bombZip}: the entry "2020-01/2020-01-gwent-street.csv" would inflate \\d+ times`),
      )
      assert.match(bombError.message, /zip bomb, and nothing was inflated/)

      // Real files under lowered limits: one entry too large; two entries too large together.
      const real = path.join(directory, 'real.zip')
      zip(real, [
        ['2020-01/2020-01-gwent-street.csv', JANUARY],
        ['2020-04/2020-04-gwent-street.csv', APRIL],
      ])
      const entryCap = await refusal(
        service().importPaths([real], { workers: 0, archiveLimits: { ...ARCHIVE_LIMITS, maxEntryBytes: 500_000 } }),
      )
      assert.match(
        entryCap.message,
        new RegExp(
          `^${real}: the entry "2020-01/2020-01-gwent-street.csv" would inflate to 1 MB; the most accepted for one file is 0.5 MB`,
        ),
      )
      const archiveCap = await refusal(
        service().importPaths([real], { workers: 0, archiveLimits: { ...ARCHIVE_LIMITS, maxArchiveBytes: 1_500_000 } }),
      )
      assert.match(
        archiveCap.message,
        new RegExp(
          `^${real}: its street-level files would inflate to [\\d.]+ MB together; the most accepted from one archive is 1.5 MB`,
        ),
      )
      // Stored as they inflate, a stored (uncompressed) archive has ratio 1: the whole-archive ratio is checked too.
      const many = path.join(directory, 'many.zip')
      zip(many, [
        ['2020-01/2020-01-gwent-street.csv', JANUARY],
        ['2020-04/2020-04-gwent-street.csv', APRIL],
      ])
      const ratioCap = await refusal(
        service().importPaths([many], { workers: 0, archiveLimits: { ...ARCHIVE_LIMITS, maxRatio: 3 } }),
      )
      assert.match(ratioCap.message, /would inflate \d+ times/)
      assert.deepEqual(await storedState(repository), before)
    })

    it('keeps the LSOA counts an earlier import kept when a month is re-imported without the setting', async () => {
      const before = await storedLsoaRows(repository)
      assert.deepEqual(before, lsoaRows(independentCounts([JANUARY], SERVED)))
      assert.ok(before.some((r) => r.includes(`|${NEWPORT}|`)) && before.some((r) => r.includes(`|${WOLVERHAMPTON}|`)))

      // Northshire: no SAFERHUB_SERVED_PARTNERSHIPS, no ONS code, a name no partnership has. Before, this dropped
      // every LSOA count of the month it re-imported, saying only "none kept".
      const unset = service({
        servedPartnershipsSetting: null,
        partnershipName: 'Northshire Community Safety Partnership',
      })
      const summary = await unset.importPaths([JANUARY], { workers: 0 })
      assert.deepEqual(await storedLsoaRows(repository), before)
      assert.deepEqual(summary.lsoaCountsKeptFromEarlier.map((p) => p.code).sort(), [WOLVERHAMPTON, NEWPORT])
      assert.deepEqual(summary.lsoaCountsDropped, [])
      assert.match(
        formatImportSummary(summary),
        /Kept for .*Newport \(W14000022\).* because an earlier import kept them/,
      )

      // With the instance's own partnership (Torfaen): Torfaen's are added, Newport's and Wolverhampton's kept.
      await service({ servedPartnershipsSetting: null, instancePartnershipCodes: async () => [TORFAEN] }).importPaths(
        [JANUARY],
        { workers: 0 },
      )
      assert.deepEqual(await storedLsoaRows(repository), lsoaRows(independentCounts([JANUARY], [...SERVED, TORFAEN])))

      // With the setting naming Torfaen alone, Newport's and Wolverhampton's go, and the summary says so and why.
      const narrowed = await service({ servedPartnershipsSetting: [TORFAEN] }).importPaths([JANUARY], { workers: 0 })
      assert.deepEqual(await storedLsoaRows(repository), lsoaRows(independentCounts([JANUARY], [TORFAEN])))
      assert.deepEqual(
        narrowed.lsoaCountsDropped.map((d) => [d.partnershipCode, d.partnershipName, d.forceMonths, d.reason]),
        [
          [WOLVERHAMPTON, 'Wolverhampton', 1, 'not-served'],
          [NEWPORT, 'Newport', 1, 'not-served'],
        ],
      )
      const printed = formatImportSummary(narrowed)
      assert.match(
        printed,
        /Counts by LSOA dropped for Newport \(W14000022\) in 1 re-imported force-month: SAFERHUB_SERVED_PARTNERSHIPS does not name it/,
      )
      assert.match(printed, /Counts by LSOA dropped for Wolverhampton \(E22000341\)/)
      // The imports page says it too.
      assert.deepEqual(
        crimeSummary(narrowed).find((line) => line.label.startsWith('Counts by LSOA dropped'))?.value,
        'Wolverhampton (E22000341): not in SAFERHUB_SERVED_PARTNERSHIPS; Newport (W14000022): not in SAFERHUB_SERVED_PARTNERSHIPS',
      )
    })
  })
}
