import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Database } from '../db/database.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { createCrimeRepository, type ForceMonthCounts, type ImportRunRecord } from './crime-repository.ts'

const run: ImportRunRecord = {
  importedAt: '2021-02-01T10:00:00.000Z',
  source: 'test',
  files: 1,
  bytesRead: 1000,
  rowsRead: 10,
  servedPartnerships: ['W14000022'],
}

function forceMonth(policeForce: string, month: string, counts: [string, string, number][]): ForceMonthCounts {
  return {
    policeForce,
    month,
    sourceFile: `${month}-${policeForce}-street.csv`,
    fallsWithin: policeForce === 'gwent' ? 'Gwent Police' : 'South Wales Police',
    rowsRead: counts.reduce((sum, [, , n]) => sum + n, 0) + 3,
    rowsWithoutLocation: 2,
    rowsOutsideForce: 1,
    rowsUnmapped: 1,
    partnershipCounts: counts.map(([partnershipCode, crimeType, crimes]) => ({ partnershipCode, crimeType, crimes })),
    lsoaCounts: counts
      .filter(([code]) => code === 'W14000022')
      .map(([partnershipCode, crimeType, crimes]) => ({ lsoaCode: 'W01001600', partnershipCode, crimeType, crimes })),
    unmappedLsoas: [{ lsoaCode: 'E01099999', reason: 'not-in-lookup', rows: 1 }],
  }
}

for (const dialect of testDialects()) {
  describe(`crime repository (${dialect})`, () => {
    let database: Database
    let repository: ReturnType<typeof createCrimeRepository>
    beforeEach(async () => {
      database = await openTestDatabase(dialect)
      repository = createCrimeRepository(database)
    })
    afterEach(() => database.close())

    it("stores force-months and sums a partnership's counts over the forces that counted them", async () => {
      const result = await repository.replaceForceMonths(run, [
        forceMonth('gwent', '2020-01', [
          ['W14000022', 'Burglary', 5],
          ['W14000015', 'Burglary', 2],
        ]),
        forceMonth('south-wales', '2020-01', [
          ['W14000015', 'Burglary', 40],
          ['W14000022', 'Drugs', 1],
        ]),
      ])
      assert.deepEqual(result.replaced, [])
      assert.deepEqual(await repository.partnershipCounts({ partnershipCodes: ['W14000015'] }), [
        { partnershipCode: 'W14000015', month: '2020-01', crimeType: 'Burglary', crimes: 42 },
      ])
      assert.deepEqual(
        await repository.partnershipCounts({ partnershipCodes: ['W14000015'], policeForces: ['gwent'] }),
        [{ partnershipCode: 'W14000015', month: '2020-01', crimeType: 'Burglary', crimes: 2 }],
      )
      assert.deepEqual(await repository.partnershipCounts({ partnershipCodes: [] }), [])
      assert.deepEqual(await repository.lsoaCounts({ partnershipCodes: ['W14000022'] }), [
        { lsoaCode: 'W01001600', partnershipCode: 'W14000022', month: '2020-01', crimeType: 'Burglary', crimes: 5 },
        { lsoaCode: 'W01001600', partnershipCode: 'W14000022', month: '2020-01', crimeType: 'Drugs', crimes: 1 },
      ])
      const months = await repository.forceMonths()
      assert.deepEqual(
        months.map((m) => [
          m.policeForce,
          m.month,
          m.rowsRead,
          m.rowsWithoutLocation,
          m.rowsOutsideForce,
          m.rowsUnmapped,
        ]),
        [
          ['gwent', '2020-01', 10, 2, 1, 1],
          ['south-wales', '2020-01', 44, 2, 1, 1],
        ],
      )
      assert.equal((await repository.unmappedLsoas('gwent')).length, 1)
      const runs = await repository.importRuns()
      assert.equal(runs.length, 1)
      assert.deepEqual(runs[0]?.servedPartnerships, ['W14000022'])
      assert.equal(runs[0]?.forceMonths, 2)
    })

    it("replaces exactly the force-months imported again, leaving other forces' counts", async () => {
      await repository.replaceForceMonths(run, [
        forceMonth('gwent', '2020-01', [['W14000015', 'Burglary', 2]]),
        forceMonth('gwent', '2020-02', [['W14000022', 'Robbery', 3]]),
        forceMonth('south-wales', '2020-01', [['W14000015', 'Burglary', 40]]),
      ])
      const result = await repository.replaceForceMonths(run, [
        forceMonth('gwent', '2020-01', [['W14000022', 'Drugs', 7]]),
      ])
      assert.deepEqual(result.replaced, [{ policeForce: 'gwent', month: '2020-01' }])
      assert.deepEqual(await repository.partnershipCounts(), [
        { partnershipCode: 'W14000015', month: '2020-01', crimeType: 'Burglary', crimes: 40 },
        { partnershipCode: 'W14000022', month: '2020-01', crimeType: 'Drugs', crimes: 7 },
        { partnershipCode: 'W14000022', month: '2020-02', crimeType: 'Robbery', crimes: 3 },
      ])
      assert.deepEqual(
        (await repository.lsoaCounts()).map((c) => [c.month, c.crimeType, c.crimes]),
        [
          ['2020-01', 'Drugs', 7],
          ['2020-02', 'Robbery', 3],
        ],
      )
      assert.equal((await repository.forceMonths('gwent')).find((m) => m.month === '2020-01')?.importRunId, 2)
    })

    it('changes nothing when any part of a replacement fails', async () => {
      await repository.replaceForceMonths(run, [forceMonth('gwent', '2020-01', [['W14000015', 'Burglary', 2]])])
      const before = {
        counts: await repository.partnershipCounts(),
        lsoa: await repository.lsoaCounts(),
        months: await repository.forceMonths(),
        runs: await repository.importRuns(),
      }
      const after = async () => ({
        counts: await repository.partnershipCounts(),
        lsoa: await repository.lsoaCounts(),
        months: await repository.forceMonths(),
        runs: await repository.importRuns(),
      })
      // The database refuses the last statement (a reason its check does not allow), after the old rows were
      // deleted and the new counts inserted: the whole transaction is rolled back.
      const badReason = {
        ...forceMonth('gwent', '2020-02', [['W14000022', 'Drugs', 1]]),
        unmappedLsoas: [{ lsoaCode: 'E01099999', reason: 'guessed' as 'not-in-lookup', rows: 1 }],
      }
      await assert.rejects(
        repository.replaceForceMonths(run, [forceMonth('gwent', '2020-01', [['W14000022', 'Drugs', 7]]), badReason]),
      )
      assert.deepEqual(await after(), before)
      // Counts the repository refuses before it starts: none is written either.
      await assert.rejects(
        repository.replaceForceMonths(run, [forceMonth('gwent', '2020-01', [['W14000022', 'Drugs', 0]])]),
        /above zero, not 0/,
      )
      await assert.rejects(
        repository.replaceForceMonths(run, [forceMonth('gwent', '2020-01', [['W14000022', 'Arson', 2]])]),
        /"Arson" is not a data.police.uk crime type/,
      )
      await assert.rejects(
        repository.replaceForceMonths(run, [
          forceMonth('gwent', '2020-01', [
            ['W14000022', 'Drugs', 2],
            ['W14000022', 'Drugs', 3],
          ]),
        ]),
        /two counts for Drugs/,
      )
      await assert.rejects(
        repository.replaceForceMonths(run, [forceMonth('gwent', '2020-03', []), forceMonth('gwent', '2020-03', [])]),
        /gwent 2020-03 is given twice/,
      )
      assert.deepEqual(await after(), before)
    })

    it('writes force-months in batches into one transaction, committed once or rolled back', async () => {
      const { importedAt, source, files, bytesRead, servedPartnerships } = run
      const start = () => repository.startReplacement({ importedAt, source, files, bytesRead, servedPartnerships })
      const first = await start()
      await first.write([forceMonth('gwent', '2020-01', [['W14000022', 'Burglary', 5]])])
      await first.write([forceMonth('south-wales', '2020-01', [['W14000022', 'Drugs', 1]])])
      assert.deepEqual(await first.commit(), { runId: 1, replaced: [] })
      const state = async () => ({
        counts: await repository.partnershipCounts(),
        months: await repository.forceMonths(),
        runs: await repository.importRuns(),
      })
      const committed = await state()
      assert.deepEqual(committed.counts, [
        { partnershipCode: 'W14000022', month: '2020-01', crimeType: 'Burglary', crimes: 5 },
        { partnershipCode: 'W14000022', month: '2020-01', crimeType: 'Drugs', crimes: 1 },
      ])
      // The run's rows and force-months are those written: (5 + 3) + (1 + 3) rows in two force-months.
      assert.deepEqual(
        committed.runs.map((r) => [r.id, r.rowsRead, r.forceMonths]),
        [[1, 12, 2]],
      )

      const abandoned = await start()
      await abandoned.write([forceMonth('gwent', '2020-01', [['W14000022', 'Robbery', 9]])])
      await abandoned.rollback()
      await abandoned.rollback()
      assert.deepEqual(await state(), committed)

      const twice = await start()
      await twice.write([forceMonth('gwent', '2020-02', [['W14000022', 'Robbery', 9]])])
      await assert.rejects(
        twice.write([forceMonth('gwent', '2020-02', [['W14000022', 'Drugs', 2]])]),
        /gwent 2020-02 is given twice/,
      )
      await assert.rejects(twice.commit(), /rolled back/)
      assert.deepEqual(await state(), committed)

      const replacing = await start()
      await replacing.write([forceMonth('gwent', '2020-01', [['W14000022', 'Robbery', 9]])])
      const { runId, replaced } = await replacing.commit()
      assert.deepEqual(replaced, [{ policeForce: 'gwent', month: '2020-01' }])
      // Two runs kept (the rolled-back ones left none); the id is the database's (PostgreSQL does not reuse ids).
      assert.deepEqual(
        (await repository.importRuns()).map((r) => [r.id === runId, r.rowsRead]),
        [
          [false, 12],
          [true, 12],
        ],
      )
      assert.deepEqual(await repository.partnershipCounts(), [
        { partnershipCode: 'W14000022', month: '2020-01', crimeType: 'Drugs', crimes: 1 },
        { partnershipCode: 'W14000022', month: '2020-01', crimeType: 'Robbery', crimes: 9 },
      ])
    })

    it('inserts more rows than fit in one statement', async () => {
      const many: [string, string, number][] = []
      for (let i = 0; i < 50_010; i++) many.push([`E22${String(i).padStart(6, '0')}`, 'Drugs', (i % 7) + 1])
      await repository.replaceForceMonths(run, [forceMonth('gwent', '2020-01', many)])
      const counts = await repository.partnershipCounts({ fromMonth: '2020-01', toMonth: '2020-01' })
      assert.equal(counts.length, 50_010)
      // 50,010 = 7,144 whole cycles of 1..7 (sum 28 each) plus 1 + 2; the last, i = 50,009, is 50,009 mod 7 + 1 = 2.
      assert.equal(
        counts.reduce((sum, c) => sum + c.crimes, 0),
        7144 * 28 + 3,
      )
      assert.deepEqual(counts.at(-1), { partnershipCode: 'E22050009', month: '2020-01', crimeType: 'Drugs', crimes: 2 })
    })
  })
}
