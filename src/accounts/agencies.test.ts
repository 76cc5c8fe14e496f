import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createAuditRepository } from '../audit/audit-repository.ts'
import type { Database } from '../db/database.ts'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import type { AgencyWithOwnerNames } from './account-repository.ts'
import { createAccountService, NotFound, type AccountService } from './account-service.ts'
import { fakeClock } from './clock.ts'
import { PermissionDenied } from './permissions.ts'

/*
 * Agencies in the account service: adding, renaming and the names each goes by in the framework's Owner column.
 * Every change is audited in its own transaction; a refused change writes nothing (no agency, no name, no event).
 */

const system = { system: 'test' } as const

for (const dialect of testDialects()) {
  describe(`agencies and their owner names (${dialect})`, () => {
    let database: Database
    let accounts: AccountService
    const clock = fakeClock('2018-04-03T09:00:00.000Z')

    beforeEach(async () => {
      database = await openTestPartnershipDatabase(dialect)
      clock.set('2018-04-03T09:00:00.000Z')
      accounts = createAccountService({
        database,
        audit: createAuditRepository(database, { now: () => clock.now() }),
        clock,
      })
      await accounts.createDefaultAgencies()
    })
    afterEach(() => database.close())

    async function agency(code: string): Promise<AgencyWithOwnerNames> {
      const found = (await accounts.listAgencies()).find((a) => a.code === code)
      assert.ok(found, code)
      return found
    }

    /** Everything a refused change must leave alone. */
    async function state() {
      const [agencies, names, events] = await Promise.all([
        database.db.selectFrom('agencies').selectAll().orderBy('id').execute(),
        database.db.selectFrom('agency_owner_names').selectAll().orderBy('id').execute(),
        database.db.selectFrom('audit_events').select('id').execute(),
      ])
      return { agencies, names, events: events.length }
    }

    async function agencyEvents(id: number) {
      return database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('entity_type', '=', 'agency')
        .where('entity_key', '=', String(id))
        .orderBy('id')
        .execute()
    }

    it('first start gives the default agencies the names the seed report’s Owner column uses, audited', async () => {
      const wmp = await agency('WMP')
      assert.deepEqual(wmp.ownerNames, ['WMP', 'WMP Analyst', 'West Midlands Police'])
      assert.deepEqual((await agency('SWP')).ownerNames, [
        'SWP',
        'SWP Analyst',
        'Community Safety',
        'Safer Wolverhampton Partnership (analyst and community safety team)',
      ])
      const [created] = await agencyEvents(wmp.id)
      assert.equal(created?.action, 'create')
      assert.equal(created?.actor, 'first-start')
      assert.deepEqual(JSON.parse(created?.after ?? 'null'), {
        id: wmp.id,
        code: 'WMP',
        name: 'West Midlands Police',
        ownerNames: ['WMP', 'WMP Analyst', 'West Midlands Police'],
      })
      // 8 agencies, 22 names (3 + 2 + 2 + 3 + 3 + 2 + 3 + 4), once only.
      assert.equal(await accounts.createDefaultAgencies(), 0)
      assert.equal((await state()).names.length, 22)
    })

    it('adds an agency with its owner names, audited with them', async () => {
      const added = await accounts.addAgency(system, {
        code: 'NPS',
        name: '  National Probation Service ',
        ownerNames: ['Probation', '', ' National   Probation Service', 'probation'],
      })
      assert.ok(added.ok, JSON.stringify(!added.ok && added.errors))
      assert.deepEqual(added.agency.ownerNames, ['Probation', 'National Probation Service'])
      const stored = await agency('NPS')
      assert.deepEqual(stored, {
        id: added.agency.id,
        code: 'NPS',
        name: 'National Probation Service',
        ownerNames: ['Probation', 'National Probation Service'],
      })
      const [event] = await agencyEvents(added.agency.id)
      assert.equal(event?.actor, 'test')
      assert.equal(event?.before, null)
      assert.deepEqual(JSON.parse(event?.after ?? 'null').ownerNames, ['Probation', 'National Probation Service'])
      // Without owner names: only its code matches.
      const bare = await accounts.addAgency(system, { code: 'CRC', name: 'Community Rehabilitation Company' })
      assert.ok(bare.ok)
      assert.deepEqual((await agency('CRC')).ownerNames, [])
    })

    it('refuses a code used by another agency in any case, or one that is another agency’s owner name', async () => {
      const before = await state()
      const sameCode = await accounts.addAgency(system, { code: 'wmp', name: 'Police again' })
      assert.deepEqual(!sameCode.ok && sameCode.errors, [
        { field: 'code', message: 'There is already an agency with this code' },
      ])
      const ownerName = await accounts.addAgency(system, { code: 'Community Safety', name: 'Community Safety Team' })
      assert.deepEqual(!ownerName.ok && ownerName.errors, [
        {
          field: 'code',
          message:
            '“Community Safety” is a name of Safer Wolverhampton Partnership (analyst and community safety team) (SWP) in the Owner column: choose another code',
        },
      ])
      assert.deepEqual(await state(), before)
    })

    it('refuses owner names that are another agency’s code or name, each by its line; nothing is written', async () => {
      const before = await state()
      const result = await accounts.addAgency(system, {
        code: 'NPS',
        name: '',
        ownerNames: ['Probation', 'wmp  analyst', '', 'YOT', 'x'.repeat(201)],
      })
      assert.ok(!result.ok)
      assert.deepEqual(result.errors, [
        { field: 'name', message: 'Enter the agency’s name' },
        {
          field: 'ownerNames',
          message: 'Line 2: “wmp analyst” is already a name of West Midlands Police (WMP): remove it there first',
        },
        {
          field: 'ownerNames',
          message: 'Line 4: “YOT” is the code of Youth Offending Team (YOT): remove it there first',
        },
        { field: 'ownerNames', message: 'Line 5: a name must be 200 characters or fewer' },
      ])
      assert.deepEqual(await state(), before)
    })

    it('the database refuses one owner name for two agencies, whatever the service does', async () => {
      const yot = await agency('YOT')
      await assert.rejects(
        database.db
          .insertInto('agency_owner_names')
          .values({ agency_id: yot.id, name: 'WMP Analyst', name_key: 'wmp analyst' })
          .execute(),
      )
      await assert.rejects(
        database.db.insertInto('agency_owner_names').values({ agency_id: yot.id, name: ' ', name_key: '' }).execute(),
      )
    })

    it('renames an agency and replaces its names (code unchanged), audited before and after', async () => {
      const swp = await agency('SWP')
      clock.set('2018-05-01T10:00:00.000Z')
      const result = await accounts.updateAgency(system, swp.id, {
        name: 'Safer Wolverhampton Partnership',
        ownerNames: ['SWP Analyst', 'swp analyst', 'Community Safety Team'],
      })
      assert.ok(result.ok)
      assert.equal(result.changed, true)
      assert.deepEqual(await agency('SWP'), {
        id: swp.id,
        code: 'SWP',
        name: 'Safer Wolverhampton Partnership',
        ownerNames: ['SWP Analyst', 'Community Safety Team'],
      })
      const events = await agencyEvents(swp.id)
      const last = events.at(-1)
      assert.equal(events.length, 2)
      assert.equal(last?.action, 'update')
      assert.equal(last?.occurred_at, '2018-05-01T10:00:00.000Z')
      assert.deepEqual(JSON.parse(last?.before ?? 'null'), {
        id: swp.id,
        code: 'SWP',
        name: 'Safer Wolverhampton Partnership (analyst and community safety team)',
        ownerNames: [
          'SWP',
          'SWP Analyst',
          'Community Safety',
          'Safer Wolverhampton Partnership (analyst and community safety team)',
        ],
      })
      assert.deepEqual(JSON.parse(last?.after ?? 'null'), {
        id: swp.id,
        code: 'SWP',
        name: 'Safer Wolverhampton Partnership',
        ownerNames: ['SWP Analyst', 'Community Safety Team'],
      })
      // The name given up is free for another agency now.
      const cst = await accounts.addAgency(system, {
        code: 'CST',
        name: 'Community Safety',
        ownerNames: ['Community Safety'],
      })
      assert.ok(cst.ok, JSON.stringify(!cst.ok && cst.errors))
    })

    it('saving an agency unchanged writes nothing; its own names never conflict with themselves', async () => {
      const wmp = await agency('WMP')
      const before = await state()
      const same = await accounts.updateAgency(system, wmp.id, { name: wmp.name, ownerNames: [...wmp.ownerNames, ''] })
      assert.ok(same.ok)
      assert.equal(same.changed, false)
      assert.deepEqual(await state(), before)
      // A change of case is a change (the text is kept as typed), and is audited.
      const recased = await accounts.updateAgency(system, wmp.id, {
        name: wmp.name,
        ownerNames: ['WMP', 'WMP analyst', 'West Midlands Police'],
      })
      assert.ok(recased.ok && recased.changed)
      assert.equal((await state()).events, before.events + 1)
    })

    it('a refused rename writes nothing; an unknown agency is NotFound; only administrators may', async () => {
      const yot = await agency('YOT')
      const before = await state()
      const refused = await accounts.updateAgency(system, yot.id, { name: 'Youth Justice', ownerNames: ['WMP CTU'] })
      assert.deepEqual(!refused.ok && refused.errors, [
        {
          field: 'ownerNames',
          message:
            'Line 1: “WMP CTU” is already a name of West Midlands Counter Terrorism Unit (CTU): remove it there first',
        },
      ])
      assert.deepEqual(await state(), before)
      await assert.rejects(accounts.updateAgency(system, 999_999, { name: 'X', ownerNames: [] }), NotFound)

      const analyst = await accounts.addUser(system, {
        email: 'analyst@example.org',
        name: 'Analyst',
        role: 'partnership-analyst',
        agencyId: null,
      })
      assert.ok(analyst.ok)
      const asAnalyst = { user: { ...analyst.user, mustChangePassword: false } }
      await assert.rejects(accounts.addAgency(asAnalyst, { code: 'NPS', name: 'Probation' }), PermissionDenied)
      await assert.rejects(
        accounts.updateAgency(asAnalyst, yot.id, { name: 'Youth Justice', ownerNames: [] }),
        PermissionDenied,
      )
      // …who may see the agencies' counts.
      assert.ok((await accounts.agencyCounts(asAnalyst)) instanceof Map)
      const viewer = await accounts.addUser(system, {
        email: 'viewer@example.org',
        name: 'Viewer',
        role: 'viewer',
        agencyId: null,
      })
      assert.ok(viewer.ok)
      await assert.rejects(
        accounts.agencyCounts({ user: { ...viewer.user, mustChangePassword: false } }),
        PermissionDenied,
      )
    })

    it('counts active users and live API tokens per agency', async () => {
      const wmfs = await agency('WMFS')
      const ph = await agency('PH')
      const owner = (email: string, agencyId: number) =>
        accounts.addUser(system, { email, name: email, role: 'data-owner', agencyId })
      const a = await owner('a@example.org', wmfs.id)
      const b = await owner('b@example.org', wmfs.id)
      const c = await owner('c@example.org', ph.id)
      assert.ok(a.ok && b.ok && c.ok)
      await accounts.setUserDisabled(system, b.user.id, true)
      const token = (agencyId: number, name: string, expiresAt?: string) =>
        accounts.createApiToken(system, { agencyId, name, ...(expiresAt ? { expiresAt } : {}) })
      const live = await token(wmfs.id, 'live')
      const expiring = await token(wmfs.id, 'expires soon', '2018-04-04T09:00:00.000Z')
      const revoked = await token(ph.id, 'revoked')
      assert.ok(live.ok && expiring.ok && revoked.ok)
      await accounts.revokeApiToken(system, revoked.apiToken.id)
      let counts = await accounts.agencyCounts(system)
      assert.deepEqual(counts.get(wmfs.id), { activeUsers: 1, liveApiTokens: 2 })
      assert.deepEqual(counts.get(ph.id), { activeUsers: 1, liveApiTokens: 0 })
      assert.equal(counts.get((await agency('YOT')).id), undefined)
      clock.set('2018-04-04T09:00:00.000Z') // the expiry itself: no longer live
      counts = await accounts.agencyCounts(system)
      assert.deepEqual(counts.get(wmfs.id), { activeUsers: 1, liveApiTokens: 1 })
    })

    it('the audit chain stays valid through all of this', async () => {
      const added = await accounts.addAgency(system, { code: 'NPS', name: 'Probation', ownerNames: ['Probation'] })
      assert.ok(added.ok)
      await accounts.updateAgency(system, added.agency.id, { name: 'National Probation Service', ownerNames: [] })
      assert.equal((await createAuditRepository(database).verify()).ok, true)
    })
  })
}
