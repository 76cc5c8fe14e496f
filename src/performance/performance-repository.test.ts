import assert from 'node:assert/strict'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import { sql } from 'kysely'
import { createAuditRepository, type AuditRepository } from '../audit/audit-repository.ts'
import type { Database } from '../db/database.ts'
import type { Baseline, Indicator, IndicatorValue } from '../domain/indicator.ts'
import { partnershipIdOf } from '../db/partnership-scope.ts'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { importDigest, type ImportChanges, type ImportContext } from './performance-repository.ts'
import { testPerformance, type TestPerformance } from '../../test/support/performance.ts'

// Figures from the seed report's Appendix C (Safer Wolverhampton Partnership, 2017/18).
const knifeCrime: Indicator = {
  id: 'knife-crime',
  name: 'Violent crimes where a knife or sharply bladed instrument was present (all ages)',
  theme: 'Gangs and Youth Crime',
  priority: 'Violence Prevention',
  definition: 'Police recorded violent offences with a knife or sharp instrument present, all ages',
  dataOwner: 'SWP Analyst',
  cadence: 'quarterly',
  measureType: 'count',
  preferredDirection: 'reduce',
  hiddenHarm: false,
  unit: 'offences',
}
const youthCustody: Indicator = {
  id: 'youth-custody',
  name: 'Youth custody: % of court disposals',
  theme: 'Reducing Reoffending',
  priority: 'Reducing Reoffending',
  definition: 'Custodial sentences as a share of all court disposals for young people',
  dataOwner: 'YOT',
  cadence: 'quarterly',
  measureType: 'proportion',
  preferredDirection: 'reduce',
  hiddenHarm: false,
}
const domesticAbuse: Indicator = {
  id: 'domestic-abuse',
  name: 'Domestic abuse reported to the police (% that are recordable offences)',
  theme: 'Violence Against Women and Girls',
  priority: 'Reducing Victimisation',
  definition: 'Domestic abuse incidents and crimes reported to West Midlands Police',
  dataOwner: 'SWP Analyst',
  cadence: 'quarterly',
  measureType: 'count-with-share',
  preferredDirection: 'increase',
  hiddenHarm: true,
  shareLabel: 'recordable offences',
}
const publicPlaceViolence: Indicator = {
  id: 'ppvwi',
  name: 'Public place violence with injury',
  theme: 'Gangs and Youth Crime',
  priority: 'Violence Prevention',
  definition: 'Violence with injury in a public place',
  dataOwner: 'SWP Analyst',
  cadence: 'quarterly',
  measureType: 'count',
  preferredDirection: 'reduce',
  hiddenHarm: false,
  target: { kind: 'relative', percent: 5, referenceYear: 'FY2015-16' },
}
const domesticHomicides: Indicator = {
  id: 'domestic-homicides',
  name: 'Number of domestic homicides',
  theme: 'Violence Against Women and Girls',
  priority: 'Reducing Victimisation',
  definition: 'Domestic homicides in the city',
  dataOwner: 'Community Safety',
  cadence: 'quarterly',
  measureType: 'text',
  preferredDirection: 'reduce',
  hiddenHarm: false,
  target: { kind: 'absolute', value: 0, comparison: 'at-most' },
}
const gangMembers: Indicator = {
  id: 'active-gang-members',
  name: 'Active gang members, as measured at GODOC',
  theme: 'Gangs and Youth Crime',
  priority: 'Violence Prevention',
  definition: 'Individuals discussed at the bi-monthly Gangs One Day One Conversation meeting',
  dataOwner: 'WMP',
  cadence: 'bi-monthly',
  measureType: 'stock',
  preferredDirection: 'reduce',
  hiddenHarm: false,
  stockAggregation: 'latest',
}
const reoffending: Indicator = {
  id: 'proven-reoffending',
  name: 'Proven reoffending (youth and adult)',
  theme: 'Reducing Reoffending',
  priority: 'Reducing Reoffending',
  definition: 'Offenders in a cohort who reoffended within a year',
  dataOwner: 'WMP Analyst',
  cadence: 'quarterly',
  measureType: 'proportion',
  preferredDirection: 'reduce',
  hiddenHarm: false,
  target: { kind: 'absolute', value: 25.6, comparison: 'at-most' },
}
const indicators = [
  knifeCrime,
  youthCustody,
  domesticAbuse,
  publicPlaceViolence,
  domesticHomicides,
  gangMembers,
  reoffending,
]

const baselines: Baseline[] = [
  { indicatorId: 'knife-crime', year: 'FY2017-18', source: 'previous-outturn', value: 191 },
  { indicatorId: 'youth-custody', year: 'FY2017-18', source: 'fixed', value: 9.9 },
  {
    indicatorId: 'domestic-abuse',
    year: 'FY2017-18',
    source: 'previous-outturn',
    value: 6031,
    note: '42.4% recordable',
  },
  { indicatorId: 'proven-reoffending', year: 'FY2017-18', source: 'fixed', value: 25.6 },
]

function value(v: Partial<IndicatorValue> & Pick<IndicatorValue, 'indicatorId' | 'period'>): IndicatorValue {
  return {
    status: 'reported',
    value: null,
    numerator: null,
    denominator: null,
    percent: null,
    text: null,
    reason: null,
    commentary: null,
    ...v,
  }
}

const values: IndicatorValue[] = [
  value({ indicatorId: 'knife-crime', period: 'FY2016-17-Q4', value: 51 }),
  value({ indicatorId: 'knife-crime', period: 'FY2017-18-Q1', value: 49 }),
  value({ indicatorId: 'knife-crime', period: 'FY2017-18-Q2', value: 49 }),
  value({ indicatorId: 'knife-crime', period: 'FY2017-18-Q3', value: 56 }),
  value({ indicatorId: 'knife-crime', period: 'FY2017-18-Q4', value: 67, commentary: 'A new baseline of 221.' }),
  value({ indicatorId: 'youth-custody', period: 'FY2017-18-Q1', numerator: 2, denominator: 52 }),
  value({ indicatorId: 'youth-custody', period: 'FY2017-18-Q4', numerator: 7, denominator: 46 }),
  value({ indicatorId: 'domestic-abuse', period: 'FY2017-18-Q1', value: 1573, percent: 43.9 }),
  value({ indicatorId: 'domestic-homicides', period: 'FY2017-18-Q4', text: '0 Domestic Homicides in Quarter 4' }),
  value({ indicatorId: 'active-gang-members', period: 'FY2017-18-B6', value: 31 }),
  value({ indicatorId: 'proven-reoffending', period: 'FY2017-18-Q1', numerator: 578, denominator: 1739 }),
  value({
    indicatorId: 'proven-reoffending',
    period: 'FY2017-18-Q4',
    status: 'not-yet-available',
    reason: 'MOJ website does not have an update for Q4',
  }),
]

const framework: ImportChanges = { indicators, baselines, values }

const context: ImportContext = {
  actor: 'swp-analyst',
  files: [{ name: 'values.csv', sha256: 'a'.repeat(64), bytes: 1234 }],
  rowsRead: indicators.length + baselines.length + values.length,
}

const clock = () => new Date('2018-05-10T08:00:00.000Z')

for (const dialect of testDialects()) {
  describe(`performance repository (${dialect})`, () => {
    let database: Database
    let audit: AuditRepository
    let repository: TestPerformance
    beforeEach(async () => {
      database = await openTestPartnershipDatabase(dialect)
      audit = createAuditRepository(database, { now: clock })
      repository = testPerformance(database, { audit, now: clock })
    })
    afterEach(() => database.close())

    test('stores an import and reads it back as it was imported, indicators in import order', async () => {
      const applied = await repository.applyImport(framework, context)
      assert.deepEqual(applied.summary, {
        indicators: { added: 7, changed: 0, unchanged: 0 },
        baselines: { added: 4, changed: 0, unchanged: 0 },
        values: { added: 12, changed: 0, unchanged: 0 },
      })
      assert.equal(applied.auditEvents, 7 + 4 + 12)
      assert.deepEqual(await repository.listIndicators(), indicators)
      assert.equal(await repository.countIndicators(), 7)
      assert.deepEqual(await repository.listBaselines(), baselines)
      // Indicator order first, then periods in time order.
      assert.deepEqual(await repository.listValues(), values)
      const [record] = await repository.listImports()
      assert.deepEqual(record, {
        id: applied.importId,
        files: context.files,
        sha256: importDigest(context.files),
        actor: 'swp-analyst',
        startedAt: '2018-05-10T08:00:00.000Z',
        finishedAt: '2018-05-10T08:00:00.000Z',
        rowsRead: 23,
        rowsAccepted: 23,
        rowsRejected: 0,
        outcome: 'applied',
        summary: applied.summary,
      })
    })

    test('the same import again changes nothing and writes no audit event', async () => {
      await repository.applyImport(framework, context)
      const eventsBefore = await audit.count()
      const again = await repository.applyImport(framework, context)
      assert.deepEqual(again.summary, {
        indicators: { added: 0, changed: 0, unchanged: 7 },
        baselines: { added: 0, changed: 0, unchanged: 4 },
        values: { added: 0, changed: 0, unchanged: 12 },
      })
      assert.equal(again.auditEvents, 0)
      assert.equal(await audit.count(), eventsBefore)
      assert.equal((await repository.getValue('knife-crime', 'FY2017-18-Q4'))?.version, 1)
      assert.deepEqual(await repository.listValues(), values)
      assert.equal((await repository.listImports()).length, 2)
    })

    test('a changed value is updated, its version raised, and audited with before and after', async () => {
      const first = await repository.applyImport(framework, context)
      const corrected = value({
        indicatorId: 'knife-crime',
        period: 'FY2017-18-Q4',
        value: 66,
        commentary: 'Corrected after a duplicate record was removed.',
      })
      const second = await repository.applyImport(
        { indicators: [], baselines: [], values: [corrected] },
        { ...context, actor: 'another-analyst', rowsRead: 1 },
      )
      assert.deepEqual(second.summary.values, { added: 0, changed: 1, unchanged: 0 })
      assert.equal(second.auditEvents, 1)
      const stored = await repository.getValue('knife-crime', 'FY2017-18-Q4')
      assert.deepEqual(stored, {
        ...corrected,
        version: 2,
        updatedAt: '2018-05-10T08:00:00.000Z',
        updatedBy: 'another-analyst',
      })
      const history = await audit.list({ entityType: 'indicator-value', entityKey: 'knife-crime/FY2017-18-Q4' })
      assert.deepEqual(
        history.map((e) => [e.action, e.actor, e.importId]),
        [
          ['create', 'swp-analyst', first.importId],
          ['update', 'another-analyst', second.importId],
        ],
      )
      const update = history[1]
      assert.deepEqual(JSON.parse(update?.before ?? 'null'), {
        indicatorId: 'knife-crime',
        period: 'FY2017-18-Q4',
        status: 'reported',
        value: 67,
        numerator: null,
        denominator: null,
        percent: null,
        text: null,
        reason: null,
        commentary: 'A new baseline of 221.',
        version: 1,
      })
      // Where the figure came from rides in the event too, as it does whoever writes a figure (write-figure.ts).
      assert.deepEqual(JSON.parse(update?.after ?? 'null'), {
        ...corrected,
        version: 2,
        source: 'import',
        reference: `import:${second.importId}`,
      })
      assert.equal(history[0]?.before, null)
      assert.equal((await audit.verify()).ok, true)
    })

    test('a changed definition and a changed baseline are audited; the indicator keeps its place', async () => {
      await repository.applyImport(framework, context)
      const renamed: Indicator = { ...youthCustody, name: 'Youth custody as a % of court disposals' }
      const { target: _dropped, ...withoutTarget } = reoffending
      const rebased: Baseline = { indicatorId: 'knife-crime', year: 'FY2017-18', source: 'fixed', value: 190 }
      const applied = await repository.applyImport(
        { indicators: [withoutTarget, renamed, knifeCrime], baselines: [rebased], values: [] },
        { ...context, rowsRead: 4 },
      )
      assert.deepEqual(applied.summary, {
        indicators: { added: 0, changed: 2, unchanged: 1 },
        baselines: { added: 0, changed: 1, unchanged: 0 },
        values: { added: 0, changed: 0, unchanged: 0 },
      })
      assert.deepEqual(
        (await repository.listIndicators()).map((i) => i.id),
        indicators.map((i) => i.id),
      )
      const listed = await repository.listIndicators()
      assert.deepEqual(listed[1], renamed)
      assert.deepEqual(listed[6], withoutTarget)
      const targetRemoved = (await audit.list({ entityType: 'indicator', entityKey: 'proven-reoffending' }))[1]
      assert.deepEqual(JSON.parse(targetRemoved?.before ?? 'null').target, {
        kind: 'absolute',
        value: 25.6,
        comparison: 'at-most',
      })
      assert.equal(JSON.parse(targetRemoved?.after ?? 'null').target, undefined)
      const baselineChange = (await audit.list({ entityType: 'baseline', entityKey: 'knife-crime/FY2017-18' }))[1]
      assert.deepEqual(JSON.parse(baselineChange?.before ?? 'null'), baselines[0])
      assert.deepEqual(JSON.parse(baselineChange?.after ?? 'null'), rebased)
    })

    test('a missing value is stored as NULL, never as 0', async () => {
      await repository.applyImport(framework, context)
      const row = await database.db
        .selectFrom('indicator_values')
        .selectAll()
        .where('indicator_id', '=', 'proven-reoffending')
        .where('period', '=', 'FY2017-18-Q4')
        .executeTakeFirstOrThrow()
      assert.equal(row.status, 'not-yet-available')
      for (const column of ['value', 'numerator', 'denominator', 'percent', 'text'] as const) {
        assert.equal(row[column], null, column)
      }
      assert.equal(row.reason, 'MOJ website does not have an update for Q4')
    })

    test('an import that fails half-way leaves everything as it was, audit trail included', async () => {
      await repository.applyImport(framework, context)
      const valuesBefore = await repository.listValues()
      const eventsBefore = await audit.count()
      const importsBefore = await repository.listImports()
      const newIndicator: Indicator = { ...knifeCrime, id: 'firearms', name: 'Firearm offences' }
      await assert.rejects(
        repository.applyImport(
          {
            indicators: [newIndicator],
            baselines: [],
            values: [
              value({ indicatorId: 'knife-crime', period: 'FY2017-18-Q4', value: 70 }),
              value({ indicatorId: 'firearms', period: 'FY2017-18-Q1', value: 12 }),
              // The reader would refuse this row; here it reaches the database, which refuses it last.
              value({ indicatorId: 'youth-custody', period: 'FY2017-18-Q2', numerator: 60, denominator: 53 }),
            ],
          },
          { ...context, rowsRead: 4 },
        ),
      )
      assert.deepEqual(await repository.listValues(), valuesBefore)
      assert.deepEqual(
        (await repository.listIndicators()).map((i) => i.id),
        indicators.map((i) => i.id),
      )
      assert.equal(await audit.count(), eventsBefore)
      assert.deepEqual(await repository.listImports(), importsBefore)
    })

    test('lists values for given indicators, periods and financial years', async () => {
      await repository.applyImport(framework, context)
      const keys = (list: IndicatorValue[]) => list.map((v) => `${v.indicatorId}/${v.period}`)
      assert.deepEqual(keys(await repository.listValues({ indicatorIds: ['knife-crime'], years: ['FY2016-17'] })), [
        'knife-crime/FY2016-17-Q4',
      ])
      assert.deepEqual(keys(await repository.listValues({ periods: ['FY2017-18-Q4'] })), [
        'knife-crime/FY2017-18-Q4',
        'youth-custody/FY2017-18-Q4',
        'domestic-homicides/FY2017-18-Q4',
        'proven-reoffending/FY2017-18-Q4',
      ])
      assert.equal((await repository.listValues({ years: ['FY2017-18'] })).length, 11)
      assert.deepEqual(await repository.listValues({ indicatorIds: [] }), [])
      assert.deepEqual(await repository.listBaselines({ indicatorIds: ['youth-custody'] }), [baselines[1]])
    })

    test('imports running at the same time are applied one after another, none lost', async () => {
      await repository.applyImport(framework, context)
      const quarters = ['FY2018-19-Q1', 'FY2018-19-Q2', 'FY2018-19-Q3', 'FY2018-19-Q4']
      await Promise.all(
        quarters.flatMap((period, i) => [
          repository.applyImport(
            { indicators: [], baselines: [], values: [value({ indicatorId: 'knife-crime', period, value: 50 + i })] },
            { ...context, rowsRead: 1 },
          ),
          repository.applyImport(
            {
              indicators: [],
              baselines: [],
              values: [value({ indicatorId: 'knife-crime', period: 'FY2017-18-Q1', value: 40 + i })],
            },
            { ...context, rowsRead: 1 },
          ),
        ]),
      )
      const next = await repository.listValues({ indicatorIds: ['knife-crime'], years: ['FY2018-19'] })
      assert.deepEqual(
        next.map((v) => v.value),
        [50, 51, 52, 53],
      )
      // Four updates of one value: each one saw the one before, so the version rose four times.
      assert.equal((await repository.getValue('knife-crime', 'FY2017-18-Q1'))?.version, 5)
      assert.equal((await audit.list({ entityKey: 'knife-crime/FY2017-18-Q1' })).length, 5)
      assert.equal((await audit.verify()).ok, true)
    })
  })

  // One database for all of these: a refused insert changes nothing, which each test checks.
  describe(`the database refuses impossible values inserted directly (${dialect})`, () => {
    let database: Database
    let repository: TestPerformance
    before(async () => {
      database = await openTestPartnershipDatabase(dialect)
      repository = testPerformance(database, { now: clock })
      await repository.applyImport({ indicators: [knifeCrime], baselines: [], values: [] }, context)
    })
    after(() => database.close())

    async function insertValue(columns: Record<string, unknown>): Promise<void> {
      const row: Record<string, unknown> = {
        // Raw SQL is not rewritten by the partnership-scoped handle: it names its partnership itself.
        partnership_id: partnershipIdOf(database),
        indicator_id: 'knife-crime',
        period: 'FY2017-18-Q1',
        status: 'reported',
        updated_at: '2018-05-10T08:00:00.000Z',
        updated_by: 'console',
        ...columns,
      }
      const names = Object.keys(row).map((name) => sql.ref(name))
      await sql`insert into indicator_values (${sql.join(names)}) values (${sql.join(Object.values(row))})`.execute(
        database.db,
      )
    }

    test('plain figures are accepted (the checks below do not refuse everything)', async () => {
      const before = (await repository.listValues()).length
      await insertValue({ period: 'FY2016-17-Q1', value: 49 })
      await insertValue({ period: 'FY2016-17-Q2', numerator: 8, denominator: 49 })
      await insertValue({ period: '2017-01', status: 'suppressed', reason: '<5' })
      assert.equal((await repository.listValues()).length, before + 3)
    })

    const refused: [string, Record<string, unknown>][] = [
      ["the text 'NaN'", { value: 'NaN' }],
      ['the number NaN', { value: Number.NaN }],
      ["the text 'Infinity'", { value: 'Infinity' }],
      ['the number Infinity', { value: Number.POSITIVE_INFINITY }],
      ["'12abc' as a value", { value: '12abc' }],
      ["'12abc' as a numerator", { numerator: '12abc', denominator: 20 }],
      ['a negative count', { value: -1 }],
      ['a negative numerator', { numerator: -1, denominator: 5 }],
      ['a fractional numerator', { numerator: 1.5, denominator: 5 }],
      ['a numerator above its denominator', { numerator: 8, denominator: 5 }],
      ['a percentage above 100', { percent: 100.5 }],
      ['an unknown status', { status: 'nearly-reported', value: 3 }],
      ['a zero for a value not yet available', { status: 'not-yet-available', value: 0 }],
      ['a count behind a suppressed value', { status: 'suppressed', numerator: 3 }],
      ['a reported value with no figure', { status: 'reported' }],
      ['a quarter that does not exist', { period: 'FY2017-18-Q5', value: 1 }],
      ['a period label instead of its identifier', { period: '2017/18 Q1', value: 1 }],
      ['an indicator that does not exist', { indicator_id: 'no-such-kpi', value: 1 }],
    ]
    for (const [what, columns] of refused) {
      test(`refuses ${what}`, async () => {
        const before = await repository.listValues()
        await assert.rejects(insertValue(columns), /constraint|cannot store|invalid input/i)
        assert.deepEqual(await repository.listValues(), before)
      })
    }

    test('refuses a baseline of NaN or below zero', async () => {
      for (const bad of ['NaN', -5]) {
        await assert.rejects(
          sql`insert into baselines (indicator_id, year, source, value, updated_at, updated_by)
              values ('knife-crime', 'FY2017-18', 'fixed', ${bad}, '2018-05-10T08:00:00.000Z', 'console')`.execute(
            database.db,
          ),
        )
      }
      assert.deepEqual(await repository.listBaselines(), [])
    })
  })
}
