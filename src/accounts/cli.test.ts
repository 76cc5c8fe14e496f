import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Services } from '../composition-root.ts'
import { createAuditRepository } from '../audit/audit-repository.ts'
import type { Database } from '../db/database.ts'
import { openTestPartnershipDatabase } from '../../test/support/databases.ts'
import { createAccountService, type AccountService } from './account-service.ts'
import { accountCommands } from './cli.ts'

describe('accounts command line (sqlite)', () => {
  let database: Database
  let accounts: AccountService
  let out: string[]
  let err: string[]

  beforeEach(async () => {
    database = await openTestPartnershipDatabase('sqlite')
    accounts = createAccountService({ database, audit: createAuditRepository(database) })
    await accounts.createDefaultAgencies()
    out = []
    err = []
  })
  afterEach(() => database.close())

  async function run(...argv: string[]): Promise<number> {
    const command = accountCommands
      .filter((c) => c.name.split(' ').every((w, i) => argv[i] === w))
      .sort((a, b) => b.name.length - a.name.length)[0]
    assert.ok(command, argv.join(' '))
    // The commands use only the partnership's accounts (the instance's only partnership here).
    const partnership = { id: 1 }
    const services = {
      partnerships: { resolve: async () => partnership },
      forPartnership: () => ({ accounts }),
    } as unknown as Services
    return command.run(argv.slice(command.name.split(' ').length), services, {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
    })
  }

  it('adds a data owner, prints a one-time password that signs in, and audits as the command line', async () => {
    assert.equal(
      await run('users', 'add', 'Owner@Example.org', '--name', 'Olu Owner', '--role', 'data-owner', '--agency', 'YOT'),
      0,
    )
    const password = /One-time password: (\S+)/.exec(out.join('\n'))?.[1]
    assert.ok(password)
    const signedIn = await accounts.signIn({ email: 'owner@example.org', password, source: '127.0.0.1' })
    assert.equal(signedIn.outcome, 'signed-in')
    const audit = await database.db
      .selectFrom('audit_events')
      .select('actor')
      .where('entity_type', '=', 'user')
      .execute()
    assert.match(audit[0]?.actor ?? '', /^command line \(.+\)$/)
  })

  it('adds a regional analyst, who needs no agency, and shows the role by its name', async () => {
    assert.equal(
      await run('users', 'add', 'pcc@example.org', '--name', 'Pat Commissioner', '--role', 'regional-analyst'),
      0,
    )
    assert.match(out.join('\n'), /Added pcc@example\.org \(Regional analyst\)\./)
    const user = await accounts.repository.findUserByEmail('pcc@example.org')
    assert.equal(user?.role, 'regional-analyst')
    assert.equal(user?.agencyId, null)
  })

  it('explains what is wrong, and exits 1, for a bad role or agency', async () => {
    assert.equal(await run('users', 'add', 'x@example.org', '--name', 'X', '--role', 'root'), 1)
    assert.deepEqual(err, ['role: Select a role'])
    err.length = 0
    assert.equal(
      await run('users', 'add', 'x@example.org', '--name', 'X', '--role', 'data-owner', '--agency', 'NOPE'),
      1,
    )
    assert.match(err[0] ?? '', /no agency with the code "NOPE"/)
    assert.equal(await run('users', 'add'), 2)
  })

  it('resets a password, disables and enables, and lists', async () => {
    await run('users', 'add', 'viewer@example.org', '--name', 'Vi Ewer', '--role', 'viewer')
    assert.equal(await run('users', 'reset-password', 'VIEWER@example.org'), 0)
    const password = /One-time password for viewer@example.org: (\S+)/.exec(out.join('\n'))?.[1]
    assert.ok(password)
    assert.equal((await accounts.signIn({ email: 'viewer@example.org', password, source: 'x' })).outcome, 'signed-in')
    assert.equal(await run('users', 'disable', 'viewer@example.org'), 0)
    assert.equal((await accounts.signIn({ email: 'viewer@example.org', password, source: 'x' })).outcome, 'refused')
    assert.equal(await run('users', 'enable', 'viewer@example.org'), 0)
    out.length = 0
    assert.equal(await run('users', 'list'), 0)
    assert.equal(out.length, 2)
    assert.match(out[1] ?? '', /^\d+\tviewer@example\.org\tVi Ewer\tViewer\t-\tmust choose a password$/)
    assert.equal(await run('users', 'disable', 'ghost@example.org'), 1)
  })

  it('issues, lists and revokes an API token; the list never shows the token', async () => {
    assert.equal(await run('api-tokens', 'create', '--agency', 'WMFS', '--name', 'Fire incidents feed'), 0)
    const token = /: (shub_\S+)$/m.exec(out.join('\n'))?.[1]
    assert.ok(token)
    assert.equal((await accounts.authenticateApiToken(token))?.agency.code, 'WMFS')
    out.length = 0
    await run('api-tokens', 'list')
    assert.ok(!out.join('\n').includes(token))
    assert.match(out[1] ?? '', /\tWMFS\tFire incidents feed\tshub_/)
    const id = out[1]?.split('\t')[0] as string
    assert.equal(await run('api-tokens', 'revoke', id), 0)
    assert.equal(await accounts.authenticateApiToken(token), null)
  })

  it('adds and lists agencies', async () => {
    assert.equal(await run('agencies', 'add', 'NPS', '--name', 'National Probation Service'), 0)
    out.length = 0
    await run('agencies', 'list')
    assert.ok(out.includes('NPS\tNational Probation Service'))
    assert.equal(await run('agencies', 'add', 'NPS', '--name', 'Again'), 1)
  })

  it('renames an agency and adds or removes its owner names, audited as the command line', async () => {
    assert.equal(await run('agencies', 'add', 'NPS', '--name', 'Probation'), 0)
    assert.equal(await run('agencies', 'rename', 'nps', '--name', 'National Probation Service'), 0)
    assert.equal(await run('agencies', 'owner-names', 'NPS', '--add', 'Probation Service'), 0)
    assert.equal(await run('agencies', 'owner-names', 'NPS', '--add', 'NPS Analyst'), 0)
    assert.equal(await run('agencies', 'owner-names', 'NPS', '--remove', 'probation  service'), 0)
    out.length = 0
    assert.equal(await run('agencies', 'owner-names', 'NPS'), 0)
    assert.deepEqual(out, ['NPS Analyst'])
    const nps = (await accounts.listAgencies()).find((a) => a.code === 'NPS')
    assert.equal(nps?.name, 'National Probation Service')
    const events = await database.db
      .selectFrom('audit_events')
      .select(['actor', 'action'])
      .where('entity_type', '=', 'agency')
      .where('entity_key', '=', String(nps?.id))
      .orderBy('id')
      .execute()
    assert.deepEqual(
      events.map((e) => e.action),
      ['create', 'update', 'update', 'update', 'update'],
    )
    assert.match(events[1]?.actor ?? '', /^command line \(/)

    err.length = 0
    assert.equal(await run('agencies', 'owner-names', 'NPS', '--add', 'WMP Analyst'), 1)
    assert.deepEqual(err, [
      'ownerNames: “WMP Analyst” is already a name of West Midlands Police (WMP): remove it there first',
    ])
    assert.equal(await run('agencies', 'owner-names', 'NPS', '--remove', 'Nobody'), 1)
    assert.equal(await run('agencies', 'rename', 'NOPE', '--name', 'X'), 1)
    assert.equal(await run('agencies', 'rename', 'NPS'), 2)
  })
})
