import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Database } from '../../db/database.ts'
import { createAuditRepository } from '../../audit/audit-repository.ts'
import { createPerformanceImportService } from '../../performance/import-service.ts'
import { createPerformanceRepository } from '../../performance/performance-repository.ts'
import { inTestPartnership, openTestDatabase, testDialects } from '../../../test/support/databases.ts'
import {
  EXTRACT,
  fixtureDirectory,
  gwentCounts,
  gwentExpected,
  onsExpected,
  onsFile,
  POPULATION,
  WORKBOOK,
} from '../../../test/support/ons-fixtures.ts'
import { createCrimeRepository, type ForceMonthCounts } from '../crime-repository.ts'
import { FORCE_LEVEL } from '../reference/name-matching.ts'
import { createReferenceRepository } from '../reference/reference-repository.ts'
import { createCrimeReferenceService } from '../reference/reference-service.ts'
import { createPeerGroupRepository } from '../peer-groups/peer-group-repository.ts'
import { createPeerGroupService } from '../peer-groups/peer-group-service.ts'
import { crimeKpiImportFiles } from './crime-kpis.ts'
import { createHeadlinesService } from './headlines-service.ts'

function build(database: Database) {
  const directory = fixtureDirectory
  const references = createReferenceRepository(database)
  const peerGroupRepository = createPeerGroupRepository(database)
  const crime = createCrimeRepository(database)
  return {
    crime,
    reference: createCrimeReferenceService({ repository: references, directory }),
    peerGroups: createPeerGroupService({
      repository: peerGroupRepository,
      references,
      directory,
      today: () => '2025-06-30',
    }),
    headlines: createHeadlinesService({ directory, references, peerGroups: peerGroupRepository, streetCounts: crime }),
  }
}

/** Gwent's months as the street-level import would store them, from the Python-made counts. */
function gwentForceMonths(): ForceMonthCounts[] {
  const byMonth = new Map<string, { partnershipCode: string; crimeType: string; crimes: number }[]>()
  for (const c of gwentCounts()) {
    const list = byMonth.get(c.month) ?? []
    list.push({ partnershipCode: c.cspCode, crimeType: c.crimeType, crimes: c.count })
    byMonth.set(c.month, list)
  }
  return [...byMonth].map(([month, partnershipCounts]) => ({
    policeForce: 'gwent',
    month,
    sourceFile: `${month}-gwent-street.csv`,
    fallsWithin: 'Gwent Police',
    rowsRead: 0,
    rowsWithoutLocation: 0,
    rowsOutsideForce: 0,
    rowsUnmapped: 0,
    partnershipCounts,
    lsoaCounts: [],
    unmappedLsoas: [],
  }))
}

for (const dialect of testDialects()) {
  describe(`headlines service (${dialect})`, () => {
    let database: Database
    beforeEach(async () => {
      database = await openTestDatabase(dialect)
    })
    afterEach(() => database.close())

    it("gives Wolverhampton's headlines from the ONS tables, with its Black Country peer group", async () => {
      const s = build(database)
      const tables = await s.reference.importRecordedCrime(onsFile(WORKBOOK), 'test')
      assert.equal(tables.outcome, 'applied')
      assert.equal((await s.reference.importPopulation(onsFile(POPULATION), 'test')).outcome, 'applied')
      const peer = await s.peerGroups.importFile(
        {
          name: 'bc.csv',
          content: Buffer.from(
            'partnership,group,source,as_of,member\n' +
              ['Wolverhampton', 'Dudley', 'Sandwell', 'Walsall']
                .map((m) => `Wolverhampton,Black Country,Test list,2025-01-31,${m}`)
                .join('\n'),
          ),
        },
        'test',
      )
      assert.equal(peer.outcome, 'applied')

      const report = await s.headlines.onsYear('E22000341')
      const wm = onsExpected().west_midlands
      const w = wm.partnerships.find((p) => p.code === 'E22000341')!
      const h = report.figures
      assert.equal(h.yearLabel, 'the year ending December 2024')
      assert.equal(h.change?.before, w.total_previous)
      assert.equal(h.change?.after, w.total)
      assert.equal(h.share.forceThisYear, wm.force_total)
      assert.equal(h.positionByRate?.rank, w.rate_rank)
      assert.equal(h.positionByChange?.rank, w.change_rank)
      assert.equal(h.rate?.population.population, onsExpected().partnerships['E22000341']!.c4_population)
      // By rate (Python): Dudley 76.8, Walsall 99.29, Sandwell 99.42, Wolverhampton 107.9 → 4th of 4.
      assert.deepEqual([h.peerGroup?.position?.rank, h.peerGroup?.position?.of], [4, 4])
      // 9.2047…% this year, 9.1788…% last (Python): both print as 9.2%.
      assert.ok(
        report.sentences.includes(
          'Wolverhampton accounted for 9.2% of the total recorded crime in the West Midlands police force area (9.2% in the year ending December 2023).',
        ),
        report.sentences.join('\n'),
      )
      assert.ok(
        report.sentences.some((x) =>
          x.startsWith('Wolverhampton ranked 4th of 4 areas within its most similar grouping'),
        ),
      )
      assert.ok(report.breakdown.some((b) => b.measure === 'Robbery'))
    })

    it('uses the extract on request: its force total is the sum of its rows, as it has no force row', async () => {
      const s = build(database)
      const refused = await s.reference.importRecordedCrime(onsFile(EXTRACT), 'test')
      assert.equal(refused.outcome, 'rejected')
      assert.deepEqual(refused.outcome === 'rejected' && refused.unmatched.map((u) => u.name), ['Manchester Airport'])
      assert.deepEqual(await createReferenceRepository(database).listRecordedCrimeYears(), [])
      const applied = await s.reference.importRecordedCrime(onsFile(EXTRACT), 'test', {
        aliases: new Map([['Manchester Airport', FORCE_LEVEL]]),
      })
      assert.equal(applied.outcome, 'applied')
      const report = await s.headlines.onsYear('E22000341', { dataset: 'third-party-extract' })
      const rows = Object.values(onsExpected().extract.by_name).filter((r) => r.force === 'West Midlands')
      const sum = rows.reduce((t, r) => t + (r.total ?? 0), 0)
      assert.equal(report.figures.share.forceThisYear, sum)
      assert.equal(report.figures.change, null) // no earlier year in the extract
      assert.match(report.notes.join('\n'), /No figures are stored for the year ending December 2023/)
    })

    it('gives a financial year and its quarters from the street-level counts, never counting a missing month as 0', async () => {
      const s = build(database)
      await s.reference.importPopulation(onsFile(POPULATION), 'test')
      await s.crime.replaceForceMonths(
        {
          importedAt: '2025-01-01T00:00:00Z',
          source: 'test',
          files: 24,
          bytesRead: 0,
          rowsRead: 0,
          servedPartnerships: [],
        },
        gwentForceMonths(),
      )
      const expected = gwentExpected().partnerships['W14000022']!.quarters
      const report = await s.headlines.financialYear('W14000022', 2021)
      assert.deepEqual(
        report.quarters.map((q) => [q.quarter.id, q.change?.before ?? null, q.change?.after ?? null]),
        [
          ['FY2021-22-Q1', expected['FY2020-21-Q1'], expected['FY2021-22-Q1']],
          ['FY2021-22-Q2', expected['FY2020-21-Q2'], expected['FY2021-22-Q2']],
          ['FY2021-22-Q3', expected['FY2020-21-Q3'], expected['FY2021-22-Q3']],
          ['FY2021-22-Q4', null, null],
        ],
      )
      assert.equal(report.figures.change, null)
      assert.equal(report.figures.positionByRate, null)
      assert.match(report.notes.join('\n'), /not loaded for 2022-01, 2022-02, 2022-03: no figure for the year/)
      assert.equal(report.figures.rate, null)
    })

    it('turns a crime type into a quarterly KPI and imports it through the performance framework', async () => {
      const s = build(database)
      await s.crime.replaceForceMonths(
        {
          importedAt: '2025-01-01T00:00:00Z',
          source: 'test',
          files: 24,
          bytesRead: 0,
          rowsRead: 0,
          servedPartnerships: [],
        },
        gwentForceMonths(),
      )
      const { indicator, values } = await s.headlines.crimeKpi('W14000022', 'Total recorded crime', [2020, 2021])
      const expected = gwentExpected().partnerships['W14000022']!.quarters
      assert.equal(indicator.id, 'crime-total-recorded-crime')
      assert.equal(indicator.preferredDirection, 'reduce')
      assert.deepEqual(
        values.map((v) => [v.period, v.status, v.value]),
        [
          ['FY2020-21-Q1', 'reported', expected['FY2020-21-Q1']],
          ['FY2020-21-Q2', 'reported', expected['FY2020-21-Q2']],
          ['FY2020-21-Q3', 'reported', expected['FY2020-21-Q3']],
          ['FY2020-21-Q4', 'reported', expected['FY2020-21-Q4']],
          ['FY2021-22-Q1', 'reported', expected['FY2021-22-Q1']],
          ['FY2021-22-Q2', 'reported', expected['FY2021-22-Q2']],
          ['FY2021-22-Q3', 'reported', expected['FY2021-22-Q3']],
          ['FY2021-22-Q4', 'not-yet-available', null],
        ],
      )
      assert.match(values[7]!.reason ?? '', /not loaded for 2022-01, 2022-02, 2022-03/)

      // Crime counts are the instance's; the KPI goes into a partnership's framework.
      const framework = await inTestPartnership(database)
      const audit = createAuditRepository(framework)
      const performance = createPerformanceRepository(framework)
      const imports = createPerformanceImportService({ database: framework, repository: performance, audit })
      const result = await imports.importPerformanceFiles(crimeKpiImportFiles(indicator, values), 'test')
      assert.equal(result.outcome, 'applied', JSON.stringify(result))
      const stored = await performance.listValues({ indicatorIds: [indicator.id] })
      assert.deepEqual(
        stored.map((v) => [v.period, v.status, v.value]).sort(),
        values.map((v) => [v.period, v.status, v.value]).sort(),
      )
      assert.equal(
        (await performance.listIndicators()).find((i) => i.id === indicator.id)?.name,
        'Total Recorded Crime (police recorded crime)',
      )

      const robbery = await s.headlines.crimeKpi('W14000022', 'robbery', [2020])
      const python = gwentExpected().partnerships['W14000022']!
      assert.equal(robbery.indicator.name, 'Robbery (police recorded crime)')
      assert.ok(robbery.values.every((v) => v.status === 'reported'))
      assert.equal(
        robbery.values.reduce((t, v) => t + (v.value as number), 0),
        python.by_type_fy2020_21['Robbery'],
      )
      await assert.rejects(
        s.headlines.crimeKpi('W14000022', 'Burglary of dreams', [2020]),
        /not a data\.police\.uk crime type/,
      )
    })

    it('proposes a most similar group by nearest neighbours over the stored public data', async () => {
      const s = build(database)
      await s.reference.importRecordedCrime(onsFile(WORKBOOK), 'test')
      await s.reference.importPopulation(onsFile(POPULATION), 'test')
      const proposal = await s.peerGroups.propose('E22000341', { size: 15 })
      assert.equal(proposal.group.members.length, 15)
      assert.equal(proposal.group.members[0]?.code, 'E22000341')
      assert.equal(proposal.group.method, 'proposed')
      assert.match(proposal.group.methodNote ?? '', /Euclidean distance over z-scores of 7 variables/)
      const distances = proposal.group.members.map((m) => m.distance as number)
      assert.deepEqual(
        distances,
        [...distances].sort((a, b) => a - b),
      )
      // Partnerships that share a district cannot be candidates (their population cannot be split).
      assert.ok(proposal.excluded.some((e) => e.code === 'E22000031'))
      await assert.rejects(s.peerGroups.propose('E22000031'), /cannot be given a proposal: shares a district/)
      const id = await s.peerGroups.save(proposal.group, 'test')
      assert.equal((await s.peerGroups.current('E22000341'))?.id, id)
    })
  })
}
