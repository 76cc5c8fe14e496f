import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { openTestDatabase } from '../../../test/support/databases.ts'
import { createCrimeRepository } from '../crime-repository.ts'
import { loadGeography } from '../geography/lookup-files.ts'
import { formatImportSummary } from './import-command.ts'
import { createCrimeImportService } from './import-service.ts'
import { createProgressReporter, groupDigits, progressLine } from './progress-bar.ts'

describe('the import progress bar', () => {
  it('shows the share done, rows, MB/s and the time left at the rate so far', () => {
    // Half of 1,000 MB in 1 s: 500 MB/s, so 500 MB more take 1 s; 12 of 24 marks.
    assert.equal(
      progressLine({ bytesDone: 500e6, bytesTotal: 1000e6, rowsDone: 2_300_000, filesDone: 200, filesTotal: 516 }, 1),
      '[############------------]   50%  2,300,000 rows  500.0 MB/s  1.0 s left',
    )
    // 90 MB of 1,000 in 10 s: 9 MB/s, 910 MB left: 101.1 s = 1 min 41 s.
    assert.equal(
      progressLine({ bytesDone: 90e6, bytesTotal: 1000e6, rowsDone: 999, filesDone: 0, filesTotal: 1 }, 10),
      '[##----------------------]    9%  999 rows  9.0 MB/s  1 min 41 s left',
    )
    assert.equal(groupDigits(6_000_000), '6,000,000')
  })

  it('redraws in place on a terminal and writes whole lines elsewhere', () => {
    const written: string[] = []
    const terminal = createProgressReporter({ write: (t: string) => written.push(t), isTTY: true })
    const progress = { bytesDone: 1, bytesTotal: 2, rowsDone: 1, filesDone: 0, filesTotal: 1 }
    terminal.update(progress, true)
    terminal.message('Writing to the database…')
    assert.match(written[0] ?? '', /^\r\[/)
    assert.deepEqual(written.slice(1), ['\n', 'Writing to the database…\n'])
    const lines: string[] = []
    const pipe = createProgressReporter({ write: (t: string) => lines.push(t) })
    pipe.update(progress, true)
    pipe.update(progress) // within two seconds: not written again
    assert.equal(lines.length, 1)
    assert.match(lines[0] ?? '', /^\[.*left\n$/)
  })
})

describe('the import summary', () => {
  it('says what was loaded and what could not be counted for a partnership', async () => {
    const database = await openTestDatabase('sqlite')
    try {
      const repository = createCrimeRepository(database)
      const imports = createCrimeImportService({
        repository,
        geography: () => loadGeography(null),
        servedPartnershipsSetting: null,
        partnershipName: 'Safer Wolverhampton Partnership',
      })
      const file = fileURLToPath(
        new URL('../../../test/fixtures/police-uk/real/2020-01-gwent-street.csv', import.meta.url),
      )
      await imports.importPaths([file])
      const text = formatImportSummary(await imports.importPaths([file]))
      // Gwent's January 2020 file, counted by district with Python's csv module and the ONS LSOA lookup:
      // 4,581 rows, 11 without a location, 54 in other forces' partnerships (Cardiff 18, Rhondda Cynon Taf 8,
      // Merthyr Tydfil 5, …), the one Wolverhampton row kept by LSOA.
      assert.match(text, /^Imported 1 file \(1\.0 MB, 4,581 rows\) in \d+\.\d\d s/)
      assert.match(text, /Force-months loaded: 1 \(0 new, 1 replacing an earlier import\)\./)
      assert.match(text, /Gwent Police: 1 month \(2020-01\), 4,581 rows/)
      assert.match(text, /Rows without a location: 11 \(0\.2%\)/)
      assert.match(text, /Rows outside the force's own partnerships: 54 \(1\.2%\)/)
      assert.match(text, /Gwent Police: 54 in \d+ partnerships of other forces \(Cardiff 18, /)
      assert.match(text, /Rows whose LSOA the lookups could not place in one partnership: 0\./)
      assert.match(text, /Counts by LSOA kept for Wolverhampton \(E22000341\): 1 row stored\./)
    } finally {
      await database.close()
    }
  })
})
