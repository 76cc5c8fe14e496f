import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { createAuditRepository, type AuditRepository } from '../audit/audit-repository.ts'
import type { ScopedDatabase } from '../db/partnership-scope.ts'
import { createAnnualReportRepository } from './annual-report-repository.ts'
import { createAnnualReportService, type AnnualReportService } from './annual-report-service.ts'
import { DEMO_REPORT, loadDemoAnnualReport } from './annual-report-demo.ts'
import { addApprovalDecision, figure } from './testing/annual-report-fixtures.ts'
import type { Figure } from './figures.ts'

/** Every figure key the demo's data file binds, read from the file itself. */
const bound = [
  ...new Set(
    [
      ...readFileSync(new URL('./annual-report-demo.json', import.meta.url), 'utf8').matchAll(
        /\{\{figure:([^}]+)\}\}/g,
      ),
    ].map((m) => m[1] as string),
  ),
]

/**
 * The seed's knife crime figures (Appendix C): 2016/17 quarters 40+49+51+51 = 191, 2017/18 49+49+56+67 = 221, so a
 * rise of 30, 30/191 = 15.7% (the seed's narrative prints 16.5%).
 */
const KNIFE: Figure[] = [
  figure('kpi:knife-crime:change:FY2017-18', 30),
  figure('kpi:knife-crime:change-percent:FY2017-18', 15.7, { unit: 'percent', decimals: 1 }),
]

describe('the demo report’s bindings', () => {
  it('binds only KPIs the demo framework holds, by their reference', () => {
    const references = new Set(
      readFileSync(new URL('../../demo/performance-framework/indicators.csv', import.meta.url), 'utf8')
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[0]),
    )
    const kpis = bound.filter((k) => k.startsWith('kpi:'))
    // Counted by hand in the seed's sentences: domestic abuse (1), FGM (1), serious sexual offences (2), MARAC (1),
    // public place violence (1), firearms (3), knife crime (2), Prevent (3), hate crime (3): 17 KPI figures.
    assert.equal(kpis.length, 17)
    for (const key of kpis) {
      const [, reference, what, year] = key.split(':')
      assert.ok(references.has(reference), `${key}: no KPI ${reference} in the demo framework`)
      assert.ok(['outturn', 'baseline', 'change', 'change-percent'].includes(what as string), key)
      assert.equal(year, 'FY2017-18')
    }
    assert.deepEqual(
      bound.filter((k) => k.startsWith('budget:')),
      ['budget:income:FY2018-19', 'budget:carry-forward:FY2018-19', 'budget:total:FY2018-19'],
    )
    assert.match(DEMO_REPORT.attribution, /Open Government Licence v3\.0/)
  })
})

for (const dialect of testDialects()) {
  describe(`loading the demo report (${dialect})`, () => {
    let database: ScopedDatabase
    let audit: AuditRepository
    let service: AnnualReportService
    const viewer = { role: 'administrator' as const, agencyId: null }

    beforeEach(async () => {
      database = await openTestPartnershipDatabase(dialect)
      audit = createAuditRepository(database)
      service = createAnnualReportService({
        database,
        repository: createAnnualReportRepository(audit),
        partnership: 'Safer Wolverhampton Partnership',
        providers: [async (year) => (year === 'FY2017-18' ? KNIFE : [])],
        priorities: async () => [],
        disclosure: { minimumCount: 5 },
      })
    })
    afterEach(() => database.close())

    it('rebuilds the seed’s chapters, names the bound figures the data does not hold, and loads once', async () => {
      const loaded = await loadDemoAnnualReport(service, 'demo-data')
      assert.equal(loaded.state, 'in-review')
      assert.deepEqual([...loaded.unknownKeys].sort(), bound.filter((k) => !k.startsWith('kpi:knife-crime:')).sort())
      const page = await service.page(viewer, 'FY2017-18')
      assert.deepEqual(
        page!.report.chapters.map((c) => c.title),
        DEMO_REPORT.chapters.map((c) => c.title),
      )
      assert.equal(page!.report.chapters.length, 13)
      assert.deepEqual(
        page!.report.caseStudies.map((c) => [c.title, c.anonymised, c.approvedBy]),
        [['YOT case study', true, 'demo-data']],
      )
      const events = await audit.count()
      const again = await loadDemoAnnualReport(service, 'demo-data')
      assert.equal(again.state, 'in-review')
      assert.equal(await audit.count(), events)
    })

    it('is approved and published with the board’s decision, printing the data’s figure where the seed had its own', async () => {
      // Only the knife crime sentence's figures are held here: the rest must be bound too before it can be approved.
      const onlyKnife = createAnnualReportService({
        database,
        repository: createAnnualReportRepository(audit),
        partnership: 'Safer Wolverhampton Partnership',
        providers: [
          async (year) =>
            year === 'FY2017-18'
              ? [...KNIFE, ...bound.filter((k) => !k.startsWith('kpi:knife-crime:')).map((k) => figure(k, 7))]
              : [],
        ],
        priorities: async () => [],
        disclosure: { minimumCount: 5 },
      })
      await addApprovalDecision(database, 'FY2017-18')
      const loaded = await loadDemoAnnualReport(onlyKnife, 'demo-data')
      assert.deepEqual(loaded, { unknownKeys: [], state: 'published' })
      const published = JSON.stringify((await onlyKnife.published('FY2017-18'))!.document)
      assert.ok(published.includes('rose by 30 offences (15.7%)'), 'the data’s 15.7%, not the seed’s 16.5%')
      assert.ok(!published.includes('16.5%'))
    })
  })
}
