import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createAuditRepository } from '../audit/audit-repository.ts'
import type { Services } from '../composition-root.ts'
import type { Database } from '../db/database.ts'
import { scopeToPartnership } from '../db/partnership-scope.ts'
import { addTestPartnership, openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { createAccountService, type AccountService } from './account-service.ts'
import { accountCommands } from './cli.ts'
import { PermissionDenied } from './permissions.ts'

const system = { system: 'test' } as const

/*
 * One police force serving two partnerships: West Midlands Police is added by Wolverhampton, then linked to Walsall
 * (the instance keeps one agency, one code). Each partnership's accounts are built over its own scoped handle, as
 * `services.forPartnership` builds them.
 */
for (const dialect of testDialects()) {
  describe(`linking an agency of the instance to another partnership (${dialect})`, () => {
    let database: Database
    let wolverhampton: AccountService
    let walsall: AccountService
    let wmpId: number

    const accountsOf = (partnershipId: number) => {
      const scoped = scopeToPartnership(database, partnershipId)
      return createAccountService({ database: scoped, audit: createAuditRepository(scoped) })
    }
    const links = async () =>
      (await database.db.selectFrom('partnership_agencies').select(['partnership_id', 'agency_id']).execute())
        .map((r) => `${r.partnership_id}:${r.agency_id}`)
        .sort()

    beforeEach(async () => {
      database = await openTestDatabase(dialect)
      wolverhampton = accountsOf(await addTestPartnership(database, 'Wolverhampton'))
      walsall = accountsOf(await addTestPartnership(database, 'Walsall'))
      const wmp = await wolverhampton.addAgency(system, {
        code: 'WMP',
        name: 'West Midlands Police',
        ownerNames: ['WMP Analyst'],
      })
      assert.ok(wmp.ok)
      wmpId = wmp.agency.id
      assert.ok((await walsall.addAgency(system, { code: 'WMFS', name: 'West Midlands Fire Service' })).ok)
    })
    afterEach(() => database.close())

    it('offers the instance’s agencies not yet linked, and links one, audited, in that partnership only', async () => {
      const offered = await walsall.linkableAgencies(system)
      assert.deepEqual(
        offered.map((a) => [a.code, a.name, a.ownerNames]),
        [['WMP', 'West Midlands Police', ['WMP Analyst']]],
      )
      const auditBefore = await database.db.selectFrom('audit_events').select('id').execute()
      const linked = await walsall.linkAgency(system, wmpId)
      assert.ok(linked.ok, JSON.stringify(linked))
      assert.equal(linked.linked, true)
      assert.deepEqual((await walsall.listAgencies()).map((a) => a.code).sort(), ['WMFS', 'WMP'])
      assert.deepEqual(
        (await wolverhampton.listAgencies()).map((a) => a.code),
        ['WMP'],
        'Wolverhampton unchanged',
      )
      assert.deepEqual(await walsall.linkableAgencies(system), [])
      // One audit event, in Walsall's view and not in Wolverhampton's.
      const events = await database.db
        .selectFrom('audit_events')
        .select(['action', 'entity_type', 'entity_key', 'partnership_id', 'actor'])
        .where('id', 'not in', auditBefore.length > 0 ? auditBefore.map((e) => e.id) : [0])
        .execute()
      const walsallId = (
        await database.db
          .selectFrom('partnerships')
          .select('id')
          .where('name', '=', 'Walsall')
          .executeTakeFirstOrThrow()
      ).id
      assert.deepEqual(events, [
        { action: 'link', entity_type: 'agency', entity_key: String(wmpId), partnership_id: walsallId, actor: 'test' },
      ])
      // A data owner of West Midlands Police can now be added in Walsall (before: not an agency of Walsall).
      const owner = await walsall.addUser(system, {
        email: 'police@walsall.example',
        name: 'Pat Police',
        role: 'data-owner',
        agencyId: wmpId,
      })
      assert.ok(owner.ok, JSON.stringify(owner))
    })

    it('linking again changes nothing and writes no audit event', async () => {
      assert.ok((await walsall.linkAgency(system, wmpId)).ok)
      const [linksBefore, eventsBefore] = [
        await links(),
        await database.db.selectFrom('audit_events').selectAll().execute(),
      ]
      const again = await walsall.linkAgency(system, wmpId)
      assert.ok(again.ok && again.linked === false)
      assert.deepEqual(await links(), linksBefore)
      assert.equal((await database.db.selectFrom('audit_events').selectAll().execute()).length, eventsBefore.length)
    })

    it('refuses an agency whose code or owner name already names one of the partnership’s agencies; nothing written', async () => {
      // Walsall's own agency whose code is West Midlands Police's owner name, as data from before the instance-wide
      // checks may hold (written through the repository: the service now refuses it, see the next test).
      await walsall.repository.insertAgency({
        code: 'WMP Analyst',
        name: 'Walsall Analysts',
        at: '2018-04-01T00:00:00Z',
      })
      const before = [await links(), (await database.db.selectFrom('audit_events').select('id').execute()).length]
      const refused = await walsall.linkAgency(system, wmpId)
      assert.equal(refused.ok, false)
      assert.deepEqual(!refused.ok && refused.errors, [
        {
          field: 'agency',
          message:
            'West Midlands Police’s owner name “WMP Analyst” already names Walsall Analysts (WMP Analyst) here: change one of them first',
        },
      ])
      assert.deepEqual(
        [await links(), (await database.db.selectFrom('audit_events').select('id').execute()).length],
        before,
      )
    })

    it('checks a new or changed agency’s code and owner names against the whole instance: a message, not a crash', async () => {
      const sameCode = await walsall.addAgency(system, { code: 'wmp', name: 'Walsall Police' })
      assert.deepEqual(!sameCode.ok && sameCode.errors, [
        {
          field: 'code',
          message: 'West Midlands Police already has this code in another partnership: link it to this one instead',
        },
      ])
      const fire = (await walsall.listAgencies()).find((a) => a.code === 'WMFS')
      assert.ok(fire)
      const sameName = await walsall.updateAgency(system, fire.id, { name: fire.name, ownerNames: ['WMP analyst'] })
      assert.deepEqual(!sameName.ok && sameName.errors.map((e) => e.field), ['ownerNames'])
      assert.match(
        !sameName.ok ? (sameName.errors[0]?.message ?? '') : '',
        /already a name of West Midlands Police \(WMP\)/,
      )
      assert.deepEqual(
        (await walsall.listAgencies()).map((a) => [a.code, a.ownerNames]),
        [['WMFS', []]],
      )
    })

    it('refuses an agency that does not exist, and anyone but an administrator', async () => {
      const missing = await walsall.linkAgency(system, 999_999)
      assert.deepEqual(!missing.ok && missing.errors, [{ field: 'agency', message: 'Select an agency from the list' }])
      const analyst = await walsall.addUser(system, {
        email: 'analyst@walsall.example',
        name: 'Ann Analyst',
        role: 'partnership-analyst',
        agencyId: null,
      })
      assert.ok(analyst.ok)
      await assert.rejects(walsall.linkAgency({ user: analyst.user }, wmpId), PermissionDenied)
      await assert.rejects(walsall.linkableAgencies({ user: analyst.user }), PermissionDenied)
      assert.deepEqual(
        (await walsall.listAgencies()).map((a) => a.code),
        ['WMFS'],
      )
    })

    it('`saferhub agencies link --agency` links by name, code or number, and explains an unknown agency', async () => {
      const out: string[] = []
      const err: string[] = []
      const command = accountCommands.find((c) => c.name === 'agencies link')
      assert.ok(command)
      const services = {
        partnerships: { resolve: async (reference: string) => ({ reference }) },
        forPartnership: (p: { reference: string }) => ({
          accounts: p.reference === 'walsall' ? walsall : wolverhampton,
        }),
      } as unknown as Services
      const output = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }
      assert.equal(await command.run(['--partnership', 'walsall', '--agency', 'nobody'], services, output), 1)
      assert.match(err[0] ?? '', /no agency "nobody" in this instance/)
      assert.equal(await command.run(['--partnership', 'walsall'], services, output), 2)
      assert.equal(
        await command.run(['--partnership', 'walsall', '--agency', 'west midlands police'], services, output),
        0,
      )
      assert.deepEqual(out, ['Linked WMP (West Midlands Police) to this partnership.'])
      assert.deepEqual((await walsall.listAgencies()).map((a) => a.code).sort(), ['WMFS', 'WMP'])
      assert.equal(await command.run(['--partnership', 'walsall', '--agency', String(wmpId)], services, output), 0)
      assert.match(out[1] ?? '', /already works with this partnership: nothing was changed/)
      const events = await database.db.selectFrom('audit_events').select('actor').where('action', '=', 'link').execute()
      assert.equal(events.length, 1)
      assert.match(events[0]?.actor ?? '', /^command line \(.+\)$/)
    })
  })
}
