import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { createAuditRepository } from '../audit/audit-repository.ts'
import type { ScopedDatabase } from '../db/partnership-scope.ts'
import type { Indicator } from '../domain/indicator.ts'
import { createFigureWriter } from '../performance/write-figure.ts'
import { openTestPartnershipDatabase } from '../../test/support/databases.ts'
import { testPerformance, type TestPerformance } from '../../test/support/performance.ts'
import { createReturnsRepository } from './returns-repository.ts'
import { createReturnWrites } from './return-writes.ts'
import { createReturnsService, ReturnNotFound } from './returns-service.ts'
import { PermissionDenied } from '../accounts/permissions.ts'

const entrants: Indicator = {
  id: 'first-time-entrants',
  name: 'First time entrants to the youth justice system',
  theme: 'Reducing Reoffending',
  priority: 'Reducing Reoffending',
  definition: 'Reducing first time entrants to the youth justice system',
  dataOwner: 'YOT',
  cadence: 'quarterly',
  measureType: 'count',
  preferredDirection: 'reduce',
  hiddenHarm: false,
}
const knifeCrime: Indicator = { ...entrants, id: 'knife-crime', name: 'Knife crime', dataOwner: 'WMP Analyst' }

describe('returns service: arrival against the due date, and who may see what', () => {
  let database: ScopedDatabase
  let performance: TestPerformance
  let agencies: Record<string, number>
  // The clock of the writes (when a return was submitted) and of "today", set per test.
  let writeClock = new Date('2018-07-20T09:00:00Z')
  let today = new Date('2018-07-29T09:00:00Z')

  beforeEach(async () => {
    database = await openTestPartnershipDatabase('sqlite')
    const audit = createAuditRepository(database)
    performance = testPerformance(database, { audit })
    await performance.applyImport(
      { indicators: [entrants, knifeCrime], baselines: [], values: [] },
      { actor: 'test', files: [], rowsRead: 2 },
    )
    const rows = await database.db
      .insertInto('agencies')
      .values([
        { code: 'YOT', name: 'Youth Offending Team', created_at: '2018-01-01T00:00:00Z' },
        { code: 'WMP', name: 'West Midlands Police', created_at: '2018-01-01T00:00:00Z' },
      ])
      .returning(['id', 'code'])
      .execute()
    agencies = Object.fromEntries(rows.map((r) => [r.code, r.id]))
    // Both serve the test partnership (as every agency a partnership's administrator adds or links does): a
    // partnership's returns are those of its linked agencies.
    await database.db
      .insertInto('partnership_agencies')
      .values(
        rows.map((r) => ({
          partnership_id: database.partnershipId,
          agency_id: r.id,
          linked_at: '2018-01-01T00:00:00Z',
        })),
      )
      .execute()
    // Knife crime's owner "WMP Analyst" is one of the police's names in the Owner column (YOT matches by its code).
    await database.db
      .insertInto('agency_owner_names')
      .values({ agency_id: agencies.WMP as number, name: 'WMP Analyst', name_key: 'wmp analyst' })
      .execute()
  })
  afterEach(() => database.close())

  function service() {
    const audit = createAuditRepository(database)
    const repository = createReturnsRepository(database)
    return createReturnsService({
      repository,
      writes: createReturnWrites({
        database,
        repository,
        audit,
        figures: createFigureWriter({ audit, now: () => writeClock }),
        now: () => writeClock,
      }),
      figures: performance,
      report: async () => null,
      daysAfterQuarterEnd: 28,
      now: () => today,
    })
  }
  const analyst = { role: 'partnership-analyst' as const, agencyId: null, email: 'analyst@example.org' }
  const yotOwner = () => ({ role: 'data-owner' as const, agencyId: agencies.YOT as number, email: 'yot@example.org' })

  async function submitYot(at: string) {
    writeClock = new Date(at)
    const result = await service().saveReturn(yotOwner(), 'FY2018-19-Q1', agencies.YOT as number, {
      version: null,
      intent: 'submit',
      fields: { 'first-time-entrants-value': '30' },
    })
    assert.equal(result.kind, 'saved')
  }

  const arrivals = async () =>
    Object.fromEntries((await service().overview(analyst, 'FY2018-19-Q1')).rows.map((r) => [r.agency.code, r.arrival]))

  it('in on time, not yet due, and missing, by the Europe/London date', async () => {
    today = new Date('2018-07-27T12:00:00Z')
    assert.deepEqual(await arrivals(), { WMP: 'not-yet-due', YOT: 'not-yet-due' })
    await submitYot('2018-07-28T22:30:00Z') // 23:30 BST on the due date itself: on time.
    today = new Date('2018-07-29T09:00:00Z')
    assert.deepEqual(await arrivals(), { WMP: 'missing', YOT: 'in' })
    assert.equal((await service().overview(analyst, 'FY2018-19-Q1')).dueDate, '2018-07-28')
  })

  it('late when it arrives after midnight in London on the due date, though still the due date in UTC', async () => {
    today = new Date('2018-08-01T09:00:00Z')
    await submitYot('2018-07-28T23:30:00Z') // 00:30 BST on 29 July.
    assert.equal((await arrivals()).YOT, 'late')
  })

  it('a data owner reaches only their agency’s return: another agency’s is not found, the overview forbidden', async () => {
    const s = service()
    const page = await s.returnPage(yotOwner(), 'FY2018-19-Q1', agencies.YOT as number)
    assert.deepEqual(
      page.lines.map((l) => l.indicator.id),
      ['first-time-entrants'],
    )
    await assert.rejects(s.returnPage(yotOwner(), 'FY2018-19-Q1', agencies.WMP as number), ReturnNotFound)
    await assert.rejects(
      s.saveReturn(yotOwner(), 'FY2018-19-Q1', agencies.WMP as number, {
        version: null,
        intent: 'save',
        fields: { 'knife-crime-value': '1' },
      }),
      ReturnNotFound,
    )
    await assert.rejects(s.overview(yotOwner(), 'FY2018-19-Q1'), PermissionDenied)
    const viewer = { role: 'viewer' as const, agencyId: null, email: 'viewer@example.org' }
    await assert.rejects(s.returnPage(viewer, 'FY2018-19-Q1', agencies.YOT as number), PermissionDenied)
    await assert.rejects(s.returnPage(analyst, 'FY2018-19-Q5', agencies.YOT as number), ReturnNotFound)
  })
})
