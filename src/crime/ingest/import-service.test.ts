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
import { independentCounts, type IndependentFileCounts } from './independent-counts.ts'
import { CrimeImportError, createCrimeImportService, type CrimeImportService } from './import-service.ts'

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/police-uk/', import.meta.url))
const REAL = path.join(FIXTURES, 'real')
const realFiles = fs
  .readdirSync(REAL)
  .sort()
  .map((name) => path.join(REAL, name))
const geography = loadGeography(null)
/** Newport (Gwent's largest partnership) and Wolverhampton (one row in Gwent's January 2020 file). */
const SERVED = ['W14000022', 'E22000341']

function services(database: Database, served: string[] | null = SERVED) {
  const repository = createCrimeRepository(database)
  const imports = createCrimeImportService({
    repository,
    geography: () => geography,
    servedPartnershipsSetting: served,
    partnershipName: '',
  })
  return { repository, imports }
}

/** Expected partnership × month × crime type rows from the independent counts of files, one month per file. */
function expectedPartnershipCounts(counts: Record<string, IndependentFileCounts>) {
  const rows = new Map<string, number>()
  for (const [file, figures] of Object.entries(counts)) {
    const month = path.basename(file.split('!').at(-1) as string).slice(0, 7)
    for (const [key, crimes] of Object.entries(figures.counts)) {
      const [partnershipCode, crimeType] = key.split('|') as [string, string]
      const id = `${partnershipCode}|${month}|${crimeType}`
      rows.set(id, (rows.get(id) ?? 0) + crimes)
    }
  }
  return [...rows]
    .map(([id, crimes]) => {
      const [partnershipCode, month, crimeType] = id.split('|') as [string, string, string]
      return { partnershipCode, month, crimeType, crimes }
    })
    .sort(byKey)
}

function expectedLsoaCounts(counts: Record<string, IndependentFileCounts>) {
  return Object.entries(counts)
    .flatMap(([file, figures]) =>
      Object.entries(figures.lsoa_counts).map(([key, crimes]) => {
        const [lsoaCode, partnershipCode, crimeType] = key.split('|') as [string, string, string]
        return { lsoaCode, partnershipCode, month: path.basename(file).slice(0, 7), crimeType, crimes }
      }),
    )
    .sort(byKey)
}

interface CountKey {
  readonly partnershipCode: string
  readonly month: string
  readonly crimeType: string
  readonly lsoaCode?: string
}

function byKey(a: CountKey, b: CountKey): number {
  const ka = JSON.stringify([a.partnershipCode, a.lsoaCode, a.month, a.crimeType])
  const kb = JSON.stringify([b.partnershipCode, b.lsoaCode, b.month, b.crimeType])
  return ka < kb ? -1 : ka > kb ? 1 : 0
}

async function storedState(repository: CrimeRepository) {
  return {
    partnership: await repository.partnershipCounts(),
    lsoa: await repository.lsoaCounts(),
    months: await repository.forceMonths(),
    unmapped: await repository.unmappedLsoas(),
  }
}

const expectedReal = independentCounts(realFiles, SERVED)

for (const dialect of testDialects()) {
  describe(`importing police.uk street-level files (${dialect})`, () => {
    let database: Database
    let repository: CrimeRepository
    let imports: CrimeImportService
    beforeEach(async () => {
      database = await openTestDatabase(dialect)
      ;({ repository, imports } = services(database))
    })
    afterEach(() => database.close())

    it("stores real months by partnership and by LSOA, as Python's csv module counts them", async () => {
      const summary = await imports.importPaths([REAL], { workers: 0 })
      assert.deepEqual((await repository.partnershipCounts()).sort(byKey), expectedPartnershipCounts(expectedReal))
      assert.deepEqual((await repository.lsoaCounts()).sort(byKey), expectedLsoaCounts(expectedReal))
      const months = await repository.forceMonths()
      assert.deepEqual(
        months.map((m) => [m.sourceFile, m.rowsRead, m.rowsWithoutLocation, m.rowsOutsideForce, m.rowsUnmapped]).sort(),
        realFiles.map((file) => {
          const e = expectedReal[file] as IndependentFileCounts
          return [file, e.rows, e.without_location, e.outside, e.unmapped]
        }),
      )
      assert.deepEqual(
        months.map((m) => [m.policeForce, m.month]),
        [
          ['cumbria', '2016-03'],
          ['gwent', '2020-01'],
          ['gwent', '2020-04'],
          ['gwent', '2020-12'],
          ['north-yorkshire', '2019-01'],
        ],
      )
      const total = (key: 'rows' | 'without_location' | 'outside') =>
        Object.values(expectedReal).reduce((sum, e) => sum + e[key], 0)
      assert.equal(summary.rows, total('rows'))
      assert.equal(summary.rowsWithoutLocation, total('without_location'))
      assert.equal(summary.rowsOutsideForce, total('outside'))
      assert.equal(summary.rowsUnmapped, 0)
      assert.deepEqual(
        summary.outside.map((o) => o.rows).reduce((a, b) => a + b, 0),
        total('outside'),
      )
      assert.deepEqual(
        summary.servedPartnerships.map((p) => p.name),
        ['Newport', 'Wolverhampton'],
      )
      // Rows in districts merged since 2018 and now shared by several partnerships: Cumbria's six districts (March
      // 2016), Daventry (Gwent, April 2020) and Waveney (Gwent, December 2020).
      assert.deepEqual(summary.sharedDistricts.map((d) => d.districtName).sort(), [
        'Cumberland',
        'East Suffolk',
        'West Northamptonshire',
        'Westmorland and Furness',
      ])
    })

    it('replaces a re-imported force-month exactly, leaving the others as they were', async () => {
      await imports.importPaths([REAL], { workers: 0 })
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'saferhub-reimport-'))
      try {
        // A shorter January 2020 for Gwent: the header and the first 1,000 rows of the real file.
        const shorter = path.join(directory, '2020-01-gwent-street.csv')
        const lines = fs.readFileSync(path.join(REAL, '2020-01-gwent-street.csv'), 'utf8').split('\r\n')
        fs.writeFileSync(shorter, `${lines.slice(0, 1001).join('\r\n')}\r\n`)
        const summary = await imports.importPaths([shorter], { workers: 0 })
        assert.deepEqual(
          summary.forceMonths.map((fm) => [fm.policeForce, fm.month, fm.replaced, fm.rowsRead]),
          [['gwent', '2020-01', true, 1000]],
        )
        const expected = {
          ...expectedReal,
          ...independentCounts([shorter], SERVED),
        }
        delete expected[path.join(REAL, '2020-01-gwent-street.csv')]
        assert.deepEqual((await repository.partnershipCounts()).sort(byKey), expectedPartnershipCounts(expected))
        assert.deepEqual((await repository.lsoaCounts()).sort(byKey), expectedLsoaCounts(expected))
      } finally {
        fs.rmSync(directory, { recursive: true, force: true })
      }
    })

    it('refuses each malformed file with its file, line and reason, and writes nothing', async () => {
      await imports.importPaths([path.join(REAL, '2020-04-gwent-street.csv')], { workers: 0 })
      const before = await storedState(repository)
      const cases: [string, number | null, RegExp][] = [
        ['wrong-header', 1, /column 8 is "LSOA" where "LSOA code" was expected/],
        ['month-outside-file', 4, /Month "2020-02" is not the file's month, 2020-01/],
        ['unclosed-quote', 3, /quoted field in column "Location" is never closed/],
        ['quote-inside-field', 3, /double quote inside column "Location"/],
        ['text-after-closing-quote', 4, /closing quote in column "Location" is followed by " "/],
        ['unknown-crime-type', 5, /unknown crime type "Violence and sexual offence"/],
        ['missing-column', 6, /11 columns where the header has 12/],
        ['falls-within-changes', 4, /"Falls within" is "South Wales Police" where earlier rows have "Gwent Police"/],
        ['truncated', 9, /10 columns where the header has 12 \(the file ends part-way through this row/],
        ['empty', 1, /the file is empty/],
        ['stray-carriage-return', 3, /carriage return that does not end the line/],
        ['unknown-force', 2, /"Atlantis Police" is not a police force/],
        ['force-differs-from-name', 2, /fall within "South Wales Police" but the file's name says "gwent"/],
      ]
      for (const [name, line, reason] of cases) {
        const folder = path.join(FIXTURES, 'malformed', name)
        const file = path.join(folder, fs.readdirSync(folder)[0] as string)
        // With a good file alongside: the whole import is refused, not just the bad file.
        const error = await imports
          .importPaths([path.join(REAL, '2020-12-gwent-street.csv'), folder], { workers: 0 })
          .then(
            () => assert.fail(`${name} was imported`),
            (e: unknown) => e,
          )
        assert.ok(error instanceof CrimeImportError, name)
        assert.equal(error.problems.length, 1, name)
        assert.equal(error.problems[0]?.file, file, name)
        assert.equal(error.problems[0]?.line, line, name)
        assert.match(error.problems[0]?.reason ?? '', reason, name)
        assert.match(error.message, /^Nothing was imported/)
      }
      assert.deepEqual(await storedState(repository), before)
    })

    it('with worker threads, writes each force-month as it is read, and rolls them back for a later fault', async () => {
      await imports.importPaths([path.join(REAL, '2020-04-gwent-street.csv')], { workers: 0 })
      const before = await storedState(repository)
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'saferhub-streaming-'))
      try {
        // Gwent's January 2020 rows, as February 2021, twenty times over (19 MB), the last row's Month wrong: the
        // files are read in month order, so this one last, whichever thread takes it, and its fault is found only at
        // its end, long after the four other real months were read and written into the open transaction.
        const lines = fs.readFileSync(path.join(REAL, '2020-01-gwent-street.csv'), 'utf8').split('\r\n').slice(0, -1)
        const rows = lines.slice(1).map((line) => line.replace(',2020-01,', ',2021-02,'))
        const many = Array.from({ length: 20 }, () => rows).flat()
        const last = many.length - 1
        many[last] = (many[last] as string).replace(',2021-02,', ',2020-02,')
        const bad = path.join(directory, '2021-02-gwent-street.csv')
        fs.writeFileSync(bad, `${[lines[0], ...many].join('\r\n')}\r\n`)
        const others = realFiles.filter((f) => !f.endsWith('2020-01-gwent-street.csv'))
        let batches = 0
        const watched = createCrimeImportService({
          repository: {
            ...repository,
            async startReplacement(run) {
              const replacement = await repository.startReplacement(run)
              return {
                ...replacement,
                write(forceMonths) {
                  batches++
                  return replacement.write(forceMonths)
                },
              }
            },
          },
          geography: () => geography,
          servedPartnershipsSetting: SERVED,
          partnershipName: '',
        })
        const error = await watched.importPaths([bad, ...others], { workers: 2 }).then(
          () => assert.fail('the faulty file was imported'),
          (e: unknown) => e,
        )
        assert.ok(error instanceof CrimeImportError)
        assert.deepEqual(
          error.problems.map((p) => [p.file, p.line]),
          [[bad, many.length + 1]],
        )
        assert.ok(batches > 0, 'no force-month was written before the fault was found')
        assert.deepEqual(await storedState(repository), before)

        // The same files without the faulty one: written as they are read, committed, counted as Python counts.
        const summary = await imports.importPaths(others, { workers: 2 })
        assert.equal(summary.workers, 2)
        const expected = { ...expectedReal }
        delete expected[path.join(REAL, '2020-01-gwent-street.csv')]
        assert.deepEqual((await repository.partnershipCounts()).sort(byKey), expectedPartnershipCounts(expected))
        assert.deepEqual((await repository.lsoaCounts()).sort(byKey), expectedLsoaCounts(expected))
        assert.deepEqual(
          summary.forceMonths.map((fm) => [fm.policeForce, fm.month, fm.replaced]),
          [
            ['cumbria', '2016-03', false],
            ['gwent', '2020-04', true],
            ['gwent', '2020-12', false],
            ['north-yorkshire', '2019-01', false],
          ],
        )
      } finally {
        fs.rmSync(directory, { recursive: true, force: true })
      }
    })

    it('reports LSOAs the lookup does not have, and keeps them out of every partnership', async () => {
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'saferhub-unmapped-'))
      try {
        const file = path.join(directory, '2020-01-gwent-street.csv')
        // W01001440 (Blaenau Gwent 001A, 64 rows) renamed to a code no ONS lookup has.
        const text = fs.readFileSync(path.join(REAL, '2020-01-gwent-street.csv'), 'utf8')
        fs.writeFileSync(file, text.replaceAll(',W01001440,', ',W01009999,'))
        const expected = independentCounts([file], SERVED)[file] as IndependentFileCounts
        const summary = await imports.importPaths([file], { workers: 0 })
        assert.ok(expected.unmapped > 0)
        assert.equal(summary.rowsUnmapped, expected.unmapped)
        assert.deepEqual(summary.unmappedLsoas, [
          { lsoaCode: 'W01009999', reason: 'not-in-lookup', rows: expected.unmapped },
        ])
        assert.deepEqual(await repository.unmappedLsoas(), [
          {
            policeForce: 'gwent',
            month: '2020-01',
            lsoaCode: 'W01009999',
            reason: 'not-in-lookup',
            rows: expected.unmapped,
          },
        ])
        assert.deepEqual(
          (await repository.partnershipCounts()).sort(byKey),
          expectedPartnershipCounts({ [file]: expected }),
        )
      } finally {
        fs.rmSync(directory, { recursive: true, force: true })
      }
    })
  })
}

describe('importing police.uk street-level files: sources and threads (sqlite)', () => {
  let database: Database
  let repository: CrimeRepository
  let imports: CrimeImportService
  let directory: string
  before(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'saferhub-sources-'))
  })
  after(() => fs.rmSync(directory, { recursive: true, force: true }))
  beforeEach(async () => {
    database = await openTestDatabase('sqlite')
    ;({ repository, imports } = services(database))
  })
  afterEach(() => database.close())

  it('gives the same counts with two worker threads', async () => {
    const summary = await imports.importPaths([REAL], { workers: 2 })
    assert.equal(summary.workers, 2)
    assert.deepEqual((await repository.partnershipCounts()).sort(byKey), expectedPartnershipCounts(expectedReal))
    assert.deepEqual((await repository.lsoaCounts()).sort(byKey), expectedLsoaCounts(expectedReal))
  })

  it('reads the zip archive as downloaded, skipping files that are not street-level crime', async () => {
    const zip = path.join(directory, 'police-uk.zip')
    // Laid out as data.police.uk's archive: a folder per month, outcomes files beside the street files.
    execFileSync('python3', [
      '-c',
      `import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for f in sys.argv[3:]:
        name = f.rsplit('/', 1)[1]
        z.write(f, name[:7] + '/' + name)
    z.writestr('2020-01/2020-01-gwent-outcomes.csv', 'Crime ID,Month\\n')
    z.write(sys.argv[2], 'README.txt')`,
      zip,
      path.join(FIXTURES, 'README.md'),
      ...realFiles,
    ])
    const members = realFiles.map((f) => `${zip}!${path.basename(f).slice(0, 7)}/${path.basename(f)}`)
    const expected = independentCounts(members, SERVED)
    for (const workers of [0, 2]) {
      const summary = await imports.importPaths([zip], { workers })
      assert.deepEqual([...summary.skipped].sort(), [`${zip}!2020-01/2020-01-gwent-outcomes.csv`, `${zip}!README.txt`])
      assert.deepEqual((await repository.partnershipCounts()).sort(byKey), expectedPartnershipCounts(expected))
      assert.equal(
        summary.rows,
        Object.values(expected).reduce((sum, e) => sum + e.rows, 0),
      )
    }
  })

  it("reads awkward but valid quoting as Python's csv module does", async () => {
    const file = path.join(FIXTURES, 'quoting', '2020-01-gwent-street.csv')
    const expected = independentCounts([file], SERVED)
    await imports.importPaths([file], { workers: 0 })
    assert.deepEqual((await repository.partnershipCounts()).sort(byKey), expectedPartnershipCounts(expected))
    assert.equal((await repository.forceMonths())[0]?.rowsRead, 8)
  })

  it('refuses the same force-month twice, and names that are not police.uk street files', async () => {
    const copy = path.join(directory, 'copy')
    fs.mkdirSync(copy, { recursive: true })
    fs.copyFileSync(path.join(REAL, '2020-12-gwent-street.csv'), path.join(copy, '2020-12-gwent-street.csv'))
    await assert.rejects(
      imports.importPaths([REAL, copy], { workers: 0 }),
      (error: unknown) =>
        error instanceof CrimeImportError && /Gwent Police 2020-12 is also in/.test(error.problems[0]?.reason ?? ''),
    )
    const renamed = path.join(directory, 'gwent-january.csv')
    fs.copyFileSync(path.join(REAL, '2020-01-gwent-street.csv'), renamed)
    await assert.rejects(imports.importPaths([renamed]), /must look like 2020-01-gwent-street\.csv/)
    await assert.rejects(imports.importPaths([path.join(directory, 'nothing-here')]), /no such file or folder/)
    assert.deepEqual(await repository.forceMonths(), [])
  })

  it("keeps LSOA counts for the partnership named in the instance's name by default", async () => {
    const repository2 = createCrimeRepository(database)
    const imports2 = createCrimeImportService({
      repository: repository2,
      geography: () => geography,
      servedPartnershipsSetting: null,
      partnershipName: 'Safer Newport Partnership',
    })
    await imports2.importPaths([path.join(REAL, '2020-01-gwent-street.csv')], { workers: 0 })
    const expected = independentCounts([path.join(REAL, '2020-01-gwent-street.csv')], ['W14000022'])
    assert.deepEqual((await repository2.lsoaCounts()).sort(byKey), expectedLsoaCounts(expected))
  })

  it("keeps LSOA counts for the instance's own partnerships (their ONS codes) rather than the name", async () => {
    const repository3 = createCrimeRepository(database)
    const imports3 = createCrimeImportService({
      repository: repository3,
      geography: () => geography,
      servedPartnershipsSetting: null,
      // The name would choose Newport; the instance's partnerships are Torfaen and Wolverhampton.
      partnershipName: 'Safer Newport Partnership',
      instancePartnershipCodes: async () => ['W14000020', 'E22000341'],
    })
    const file = path.join(REAL, '2020-01-gwent-street.csv')
    const summary = await imports3.importPaths([file], { workers: 0 })
    assert.deepEqual(summary.servedPartnerships.map((p) => p.code).sort(), ['E22000341', 'W14000020'])
    const expected = independentCounts([file], ['W14000020', 'E22000341'])
    assert.deepEqual((await repository3.lsoaCounts()).sort(byKey), expectedLsoaCounts(expected))
  })
})
