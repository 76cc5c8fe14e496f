import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Services } from '../../composition-root.ts'
import { createAuditRepository, type AuditRepository } from '../../audit/audit-repository.ts'
import type { Database } from '../../db/database.ts'
import { openTestPartnershipDatabase } from '../../../test/support/databases.ts'
import { createAccountService, type AccountService } from '../account-service.ts'
import { usersResetTwoStepCommand } from '../cli.ts'
import { codeAt } from './testing/independent-totp.ts'
import { createTwoStepService, type TwoStepService } from './two-step-service.ts'

describe('saferhub users reset-two-step (sqlite)', () => {
  let database: Database
  let audit: AuditRepository
  let accounts: AccountService
  let twoStep: TwoStepService
  let out: string[]
  let err: string[]

  beforeEach(async () => {
    database = await openTestPartnershipDatabase('sqlite')
    audit = createAuditRepository(database)
    accounts = createAccountService({ database, audit })
    twoStep = createTwoStepService({
      database,
      audit,
      accounts,
      policy: 'required',
      applicationSecret: 'a test secret of a decent length, 40 chars',
      issuer: 'Test Partnership',
    })
    out = []
    err = []
  })
  afterEach(() => database.close())

  const run = (...args: string[]) =>
    usersResetTwoStepCommand.run(args, { accounts, twoStep } as unknown as Services, {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
    })

  it("resets a user's two-step sign-in, says what it did, and audits it as the command line", async () => {
    const added = await accounts.addUser(
      { system: 'test' },
      { email: 'analyst@example.org', name: 'Ana Lyst', role: 'partnership-analyst', agencyId: null },
    )
    assert.ok(added.ok)
    const enrolment = twoStep.newEnrolment(added.user)
    const confirmed = await twoStep.confirmEnrolment(
      added.user,
      enrolment.sealedSecret,
      codeAt(enrolment.keyText, Date.now()),
    )
    assert.ok(confirmed.ok)

    assert.equal(await run('Analyst@Example.org'), 0)
    assert.deepEqual(out, [
      'Two-step sign-in for analyst@example.org is reset; their sessions have ended.',
      'They must set it up again when they next sign in.',
    ])
    assert.equal((await twoStep.status(added.user)).enabled, false)
    const events = await audit.list({ entityType: 'user', entityKey: String(added.user.id) })
    const reset = events.find((e) => e.action === 'two-step-reset')
    assert.match(reset?.actor ?? '', /^command line \(.+\)$/)

    out.length = 0
    assert.equal(await run('analyst@example.org'), 0)
    assert.match(out[0] ?? '', /did not have two-step sign-in set up/)
  })

  it('exits 1 for an unknown email and 2 without one', async () => {
    assert.equal(await run('nobody@example.org'), 1)
    assert.deepEqual(err, ['No account with the email nobody@example.org'])
    assert.equal(await run(), 2)
  })
})
