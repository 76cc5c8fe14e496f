import assert from 'node:assert/strict'
import { afterEach, beforeEach } from 'node:test'
import { createAuditRepository } from '../../src/audit/audit-repository.ts'
import type { Database } from '../../src/db/database.ts'
import type { DialectName } from '../../src/db/database.ts'
import { createAccountService, type AccountService, type SecurityEvent } from '../../src/accounts/account-service.ts'
import { fakeClock } from '../../src/accounts/clock.ts'
import type { ThrottlePolicy } from '../../src/accounts/sign-in-throttle.ts'
import { openTestPartnershipDatabase } from './databases.ts'

/** A throttle that bites after three failures from one source for one account, so tests reach it quickly. */
export const testThrottlePolicy: ThrottlePolicy = {
  accountAndSource: { threshold: 3, baseDelaySeconds: 60, maxDelaySeconds: 3600 },
  source: { threshold: 20, baseDelaySeconds: 60, maxDelaySeconds: 3600 },
  account: { threshold: 5, baseDelaySeconds: 30, maxDelaySeconds: 300 },
  forgetAfterSeconds: 86400,
}

export const system = { system: 'test' } as const

/**
 * In the `describe` that calls it: before each test, a fresh partnership database and an account service over it
 * (fake clock at 2018-04-03 09:00 UTC, the test throttle, security events collected in `events`, the default
 * agencies made); after each, the database closed. The properties always name the current test's.
 */
export function useAccountService(dialect: DialectName) {
  const clock = fakeClock('2018-04-03T09:00:00.000Z')
  let database: Database | undefined
  let accounts: AccountService | undefined
  let events: SecurityEvent[] = []
  beforeEach(async () => {
    database = await openTestPartnershipDatabase(dialect)
    clock.set('2018-04-03T09:00:00.000Z')
    events = []
    accounts = createAccountService({
      database,
      audit: createAuditRepository(database, { now: () => clock.now() }),
      clock,
      throttlePolicy: testThrottlePolicy,
      log: (event) => events.push(event),
    })
    await accounts.createDefaultAgencies()
  })
  afterEach(() => database?.close())

  const fixture = {
    clock,
    get database(): Database {
      assert.ok(database, 'inside a test')
      return database
    },
    get accounts(): AccountService {
      assert.ok(accounts, 'inside a test')
      return accounts
    },
    get events(): SecurityEvent[] {
      return events
    },
    async agencyId(code: string): Promise<number> {
      const agency = await fixture.accounts.repository.findAgencyByCode(code)
      assert.ok(agency, code)
      return agency.id
    },
    /** A new account added by the system, with its one-time password. */
    async addUser(email: string, role: string, agencyCode: string | null = null) {
      const result = await fixture.accounts.addUser(system, {
        email,
        name: `Test ${role}`,
        role,
        agencyId: agencyCode ? await fixture.agencyId(agencyCode) : null,
      })
      assert.ok(result.ok, JSON.stringify(!result.ok && result.errors))
      assert.ok(result.oneTimePassword !== null, 'a new account gets a one-time password')
      return { ...result, oneTimePassword: result.oneTimePassword }
    },
    /** A user who has already chosen their own password (one who has not may do nothing else). */
    async addActiveUser(email: string, role: string) {
      const { user } = await fixture.addUser(email, role)
      await fixture.accounts.repository.updateUser(user.id, {
        at: clock.now().toISOString(),
        mustChangePassword: false,
      })
      const active = await fixture.accounts.currentUser(user.id)
      assert.ok(active)
      return { user: active }
    },
  }
  return fixture
}
