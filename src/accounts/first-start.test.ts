import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { createAuditRepository } from '../audit/audit-repository.ts'
import { loadConfig } from '../config.ts'
import type { Database } from '../db/database.ts'
import { openTestDatabase } from '../../test/support/databases.ts'
import { createAccountService, type AccountService } from './account-service.ts'
import { agencyCodeForDataOwner } from './default-agencies.ts'
import { demoUsers } from './demo-users.ts'
import { prepareAccounts, prepareDemoAccounts, securityLog } from './first-start.ts'
import { scopeToPartnership } from '../db/partnership-scope.ts'

describe('first start (sqlite)', () => {
  let database: Database
  let accounts: AccountService
  let printed: string[]
  beforeEach(async () => {
    database = await openTestDatabase('sqlite')
    accounts = createAccountService({ database, audit: createAuditRepository(database) })
    printed = []
  })
  afterEach(() => database.close())

  it('creates one instance administrator, prints the one-time password once; nothing on the next start', async () => {
    const config = loadConfig({ SAFERHUB_DEMO: 'false', SAFERHUB_ADMIN_EMAIL: 'chief@council.example' })
    await prepareAccounts(accounts, config, (t) => printed.push(t))
    const text = printed.join('\n')
    assert.match(text, /Email: {14}chief@council\.example/)
    const password = /One-time password: {2}(\S+)/.exec(text)?.[1]
    assert.ok(password)
    const signedIn = await accounts.signIn({ email: 'chief@council.example', password, source: 'x' })
    assert.equal(signedIn.outcome === 'signed-in' && signedIn.user.mustChangePassword, true)
    assert.equal(signedIn.outcome === 'signed-in' && signedIn.user.instanceAdministrator, true)
    printed = []
    await prepareAccounts(accounts, config, (t) => printed.push(t))
    assert.deepEqual(printed, [])
    // Without the demo no partner agency is made up: a partnership's administrator adds its own.
    assert.equal((await accounts.listAgencies()).length, 0)
  })

  it('creates the demo partnership’s agencies and accounts in development, never the accounts in production', async () => {
    const partnership = await database.db
      .insertInto('partnerships')
      .values({
        slug: 'wolverhampton',
        name: 'Safer Wolverhampton Partnership',
        ons_code: 'E22000341',
        nation: 'england',
        disclosure_minimum: null,
        returns_due_days: null,
        two_step_policy: null,
        audit_legacy_through: null,
        created_at: '2018-04-01T00:00:00.000Z',
        created_by: 'test',
        updated_at: '2018-04-01T00:00:00.000Z',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const scoped = scopeToPartnership(database, partnership.id)
    const demo = createAccountService({ database: scoped, audit: createAuditRepository(scoped) })
    const production = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40), SAFERHUB_DEMO: 'true' })
    await prepareAccounts(accounts, production, (t) => printed.push(t))
    await prepareDemoAccounts(demo, production, (t) => printed.push(t))
    assert.equal((await accounts.repository.listUsers()).length, 1) // the first administrator only
    assert.match(printed.join('\n'), /demo accounts \(public passwords\) were NOT created/)
    await prepareDemoAccounts(demo, loadConfig({ SAFERHUB_DEMO: 'true' }), (t) => printed.push(t))
    assert.equal((await accounts.repository.listUsers()).length, 7)
    assert.equal((await demo.listAgencies()).length, 8)
    // Each demo account is a member of the demo partnership with its role; the instance administrator is not.
    const members = await demo.repository.listUsers()
    assert.deepEqual(
      members
        .filter((u) => !u.instanceAdministrator)
        .map((u) => [u.email, u.role])
        .sort(),
      demoUsers.map((u) => [u.email, u.role]).sort(),
    )
    assert.match(printed.join('\n'), /DEMO ONLY: 6 demo accounts created/)
  })
})

describe('agencies named in the report’s Owner column', () => {
  it('match their agency whatever the spacing and case', () => {
    const cases: [string, string | null][] = [
      ['SWP Analyst', 'SWP'],
      ['WMP Analyst', 'WMP'],
      ['WMP', 'WMP'],
      ['WMP CTU', 'CTU'],
      ['West Midlands SARC', 'SARC'],
      ['WDVF', 'WDVF'],
      ['WMFS', 'WMFS'],
      ['YOT', 'YOT'],
      ['Public Health', 'PH'],
      ['  swp   analyst ', 'SWP'],
      ['Probation', null],
    ]
    for (const [owner, code] of cases) assert.equal(agencyCodeForDataOwner(owner), code, owner)
  })
})

describe('README', () => {
  it('lists every demo account with its password, exactly as demo-users.ts has them', () => {
    const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    for (const user of demoUsers) {
      assert.match(
        readme,
        new RegExp(`\\| \`${user.email.replace('.', '\\.')}\` \\|[^|\\n]+\\| \`${user.password}\` \\|`),
        user.email,
      )
    }
  })
})

describe('security log', () => {
  it('writes one JSON line per event, so a newline in a value cannot forge another entry', () => {
    const lines: string[] = []
    securityLog((l) => lines.push(l))({ event: 'sign-in', outcome: 'refused', source: '1.2.3.4\n{"event":"forged"}' })
    assert.equal(lines.length, 1)
    assert.equal(lines[0]?.split('\n').length, 2) // the line and the empty string after its final newline
    assert.equal(JSON.parse(lines[0] ?? '').source, '1.2.3.4\n{"event":"forged"}')
  })
})
