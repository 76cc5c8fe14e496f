import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { PermissionDenied } from '../accounts/permissions.ts'
import { createAuditRepository } from '../audit/audit-repository.ts'
import { scopeToPartnership, type ScopedDatabase } from '../db/partnership-scope.ts'
import type { Database } from '../db/database.ts'
import { addTestPartnership, openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { createPreventRepository } from './prevent-repository.ts'
import { createPreventService, type PreventService } from './prevent-service.ts'
import { preventFigureProvider } from './prevent-figures.ts'
import { loadDemoPrevent, SCHOOLS } from './prevent-demo.ts'
import { recordType, type RecordType } from './prevent-record-types.ts'

const analyst = { role: 'partnership-analyst' as const, agencyId: null, email: 'analyst@example.org' }
const board = { role: 'board-member' as const, agencyId: null, email: 'board@example.org' }
const viewer = { role: 'viewer' as const, agencyId: null, email: 'viewer@example.org' }
const owner = { role: 'data-owner' as const, agencyId: 1, email: 'owner@example.org' }

const typeOf = (area: string, slug: string): RecordType => {
  const type = recordType(area, slug)
  assert.ok(type, `${area}/${slug}`)
  return type
}

function serviceFor(database: ScopedDatabase, kpi: Map<string, number | null> = new Map()): PreventService {
  return createPreventService({
    database,
    repository: createPreventRepository(createAuditRepository(database)),
    disclosureMinimum: 5,
    indicators: async () => [{ value: 'prevent-referrals', text: 'Prevent referrals' }],
    kpiQuarterValues: async () => kpi,
    planActions: async () => [],
  })
}

for (const dialect of testDialects()) {
  describe(`the Prevent and engagement registers (${dialect})`, () => {
    let root: Database
    let a: ScopedDatabase
    let b: ScopedDatabase
    before(async () => {
      root = await openTestDatabase(dialect)
      a = scopeToPartnership(root, await addTestPartnership(root, 'Partnership A'))
      b = scopeToPartnership(root, await addTestPartnership(root, 'Partnership B'))
    })
    after(() => root.close())

    test('writes need statutory:edit and reads statutory:view: a board member reads, a viewer and a data owner do not', async () => {
      const service = serviceFor(a)
      const type = typeOf('engagement', 'covenants')
      await assert.rejects(service.create(board, type, {}), PermissionDenied)
      for (const who of [viewer, owner]) await assert.rejects(service.list(who, type), PermissionDenied)
      assert.deepEqual(await service.list(board, type), [])
    })

    test('every create, change and deletion is audited with before and after, in the partnership', async () => {
      const service = serviceFor(a)
      const audit = createAuditRepository(a)
      const type = typeOf('engagement', 'covenants')
      const form = {
        covenant: 'Wolverhampton Faith Covenant',
        organisation: 'Faith organisation 1',
        sector: 'faith',
        'signed_on-day': '16',
        'signed_on-month': '11',
        'signed_on-year': '2017',
      }
      const created = await service.create(analyst, type, form)
      assert.equal(created.outcome, 'saved')
      assert.ok(created.outcome === 'saved')
      const again = await service.create(analyst, type, { ...form, organisation: 'faith ORGANISATION 1' })
      assert.equal(again.outcome, 'invalid', 'the same organisation cannot sign the same covenant twice')
      const changed = await service.update(analyst, type, created.id, 1, { ...form, sector: 'voluntary' })
      assert.equal(changed.outcome, 'saved')
      const stale = await service.update(analyst, type, created.id, 1, { ...form, sector: 'business' })
      assert.equal(stale.outcome, 'changed', 'a change made from version 1 after version 2 is refused')
      assert.equal(await service.remove(analyst, type, created.id), 'deleted')
      assert.equal(await service.remove(analyst, type, created.id), 'not-found')

      const events = (await audit.list({ entityType: 'covenant-signatory' })).filter(
        (e) => e.entityKey === String(created.id),
      )
      assert.deepEqual(
        events.map((e) => e.action),
        ['create', 'update', 'delete'],
      )
      // The trail keeps the rows as JSON text.
      const update = events[1]
      assert.equal((JSON.parse(String(update?.before)) as { sector: string }).sector, 'faith')
      assert.equal((JSON.parse(String(update?.after)) as { sector: string }).sector, 'voluntary')
      assert.ok(events.every((e) => e.actor === 'analyst@example.org'))
    })

    test('a setting that training refers to is not deleted', async () => {
      const service = serviceFor(a)
      const settings = typeOf('prevent', 'settings')
      const made = await service.create(analyst, settings, { kind: 'school', name: 'Oak Primary' })
      assert.ok(made.outcome === 'saved')
      const training = await service.create(analyst, typeOf('prevent', 'training'), {
        course: 'WRAP',
        'delivered_on-day': '1',
        'delivered_on-month': '5',
        'delivered_on-year': '2017',
        sessions: '1',
        attendees: '20',
        setting_id: String(made.id),
      })
      assert.equal(training.outcome, 'saved')
      assert.equal(await service.remove(analyst, settings, made.id), 'in-use')
    })

    test('the settings import writes all rows or none', async () => {
      const service = serviceFor(b)
      const settings = typeOf('prevent', 'settings')
      const refused = await service.importSettings(analyst, 'kind,name\nschool,Ash\nschool,\n')
      assert.deepEqual(refused, { ok: false, problems: [{ row: 3, column: 'name', message: 'The name is empty' }] })
      assert.deepEqual(await service.list(analyst, settings), [])
      const done = await service.importSettings(analyst, 'kind,name,reference\nschool,Ash,1\nschool,Elm,2\n')
      assert.deepEqual(done, { ok: true, added: 2, updated: 0, unchanged: 0 })
      const again = await service.importSettings(analyst, 'kind,name,reference\nschool,ASH,1\nschool,Elm,3\n')
      assert.deepEqual(again, { ok: true, added: 0, updated: 1, unchanged: 1 })
      assert.deepEqual((await service.list(analyst, settings)).map((r) => r.cells.slice(1)).sort(), [
        ['Ash', '1'],
        ['Elm', '3'],
      ])
    })

    test('one partnership never sees another’s rows, nor refers to them', async () => {
      const inA = serviceFor(a)
      const inB = serviceFor(b)
      const settings = typeOf('prevent', 'settings')
      const aSettings = await inA.list(analyst, settings)
      assert.ok(aSettings.length > 0)
      const first = aSettings[0]
      assert.ok(first)
      assert.equal(
        (await inB.list(analyst, settings)).some((r) => r.cells.includes('Oak Primary')),
        false,
      )
      assert.equal(await inB.get(analyst, settings, first.id), null)
      assert.equal(await inB.remove(analyst, settings, first.id), 'not-found')
      const crossed = await inB.create(analyst, typeOf('prevent', 'training'), {
        course: 'WRAP',
        'delivered_on-day': '1',
        'delivered_on-month': '5',
        'delivered_on-year': '2017',
        sessions: '1',
        attendees: '20',
        setting_id: String(first.id),
      })
      assert.equal(crossed.outcome, 'invalid', 'another partnership’s setting is not a choice')
    })
  })

  describe(`the demo registers and their figures (${dialect})`, () => {
    let root: Database
    let demo: ScopedDatabase
    before(async () => {
      root = await openTestDatabase(dialect)
      demo = scopeToPartnership(root, await addTestPartnership(root, 'Demo'))
    })
    after(() => root.close())

    test('loads once: a second load adds nothing', async () => {
      const repository = createPreventRepository(createAuditRepository(demo))
      const first = await loadDemoPrevent({ database: demo, repository }, 'demo-data')
      // 8 quarters, 1 risk assessment, the schools and a WRAP each, 4 + 4 meetings, 6 activities, 15 signatories.
      assert.equal(first, 8 + 1 + SCHOOLS * 2 + 4 + 4 + 6 + 15)
      assert.equal(await loadDemoPrevent({ database: demo, repository }, 'demo-data'), 0)
    })

    test('gives the year’s figures: referrals 55 from 49, WRAP in 100% of schools, Channel’s small counts withheld', async () => {
      const service = serviceFor(demo)
      const figures = await preventFigureProvider(() => service.rowsForFigures(), 5)('FY2017-18')
      const byKey = new Map(figures.map((f) => [f.key, f]))
      const referrals = byKey.get('register:prevent-referrals:FY2017-18')
      assert.equal(referrals?.value, 55)
      assert.deepEqual(referrals?.related, { from: 49, to: 55, difference: 6 })
      // (55 − 49) / 49 = 12.2%: the seed's "a 12% rise".
      assert.equal(referrals?.sentence, 'Prevent referrals increased from 49 to 55 in 2017-18, a rise of 12%.')
      assert.equal(referrals?.suppressed, undefined)
      assert.equal(referrals?.illustrative, undefined, 'Appendix C gives them')

      const wrap = byKey.get('register:prevent-training-coverage:wrap:school:FY2017-18')
      assert.equal(wrap?.value, 100)
      assert.deepEqual(wrap?.related, { numerator: SCHOOLS, denominator: SCHOOLS })
      assert.equal(wrap?.illustrative, true)
      assert.equal(wrap?.sentence, `100% of schools (${SCHOOLS} of ${SCHOOLS}) received WRAP in 2017-18.`)

      // Channel: 6+4+5+7 = 22 discussed, 2+1+2+3 = 8 adopted, 1+2+1+2 = 6 closed; all 5 or more: published.
      assert.equal(byKey.get('register:channel-cases-discussed:FY2017-18')?.value, 22)
      assert.equal(byKey.get('register:channel-cases-adopted:FY2017-18')?.suppressed, undefined)
      assert.equal(byKey.get('register:channel-panel-meetings:FY2017-18')?.value, 4)
      // With a threshold of 10, 8 adopted and 6 closed are withheld; 22 discussed is not.
      const strict = new Map(
        (await preventFigureProvider(() => service.rowsForFigures(), 10)('FY2017-18')).map((f) => [f.key, f]),
      )
      assert.equal(strict.get('register:channel-cases-adopted:FY2017-18')?.suppressed, true)
      assert.equal(strict.get('register:channel-cases-closed:FY2017-18')?.suppressed, true)
      assert.equal(strict.get('register:channel-cases-discussed:FY2017-18')?.suppressed, undefined)

      const covenant = byKey.get('register:covenant-signatories:wolverhampton-faith-covenant:FY2017-18')
      assert.equal(covenant?.value, 15)
      assert.equal(covenant?.sentence, '15 organisations signed the Wolverhampton Faith Covenant in 2017-18.')
      assert.equal(byKey.get('register:engagement-activities:event:FY2017-18')?.value, 2)
      assert.equal(byKey.get('register:engagement-activities:social-media:FY2017-18')?.value, 2)
    })

    test('the Prevent page flags a quarter where the KPI’s returned value differs from the register', async () => {
      const kpi = new Map<string, number | null>([
        ['FY2017-18-Q1', 23],
        ['FY2017-18-Q2', 10],
        ['FY2017-18-Q3', 12],
        ['FY2017-18-Q4', 11],
      ])
      const page = await serviceFor(demo, kpi).preventPage(analyst, 'FY2017-18')
      assert.deepEqual(
        page.referrals.quarters.map((q) => [q.register, q.kpi, q.differs]),
        [
          [23, 23, false],
          [9, 10, true],
          [12, 12, false],
          [11, 11, false],
        ],
      )
      assert.equal(page.referrals.kpiTotal, 56)
    })
  })
}
