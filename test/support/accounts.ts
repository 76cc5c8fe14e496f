import assert from 'node:assert/strict'
import type { User } from '../../src/accounts/account-repository.ts'
import type { AccountService } from '../../src/accounts/account-service.ts'

/**
 * Adds a user (as the system, named "Test <role>") who has already swapped their one-time password for `password`,
 * as after their first sign-in: a user who can sign in with it straight away.
 */
export async function addUserWithPassword(
  accounts: AccountService,
  user: { readonly email: string; readonly role: string; readonly agencyId?: number | null; readonly password: string },
): Promise<User> {
  const added = await accounts.addUser(
    { system: 'test' },
    { email: user.email, name: `Test ${user.role}`, role: user.role, agencyId: user.agencyId ?? null },
  )
  assert.ok(added.ok && added.oneTimePassword !== null, JSON.stringify(added))
  const changed = await accounts.changeOwnPassword(added.user.id, {
    currentPassword: added.oneTimePassword,
    newPassword: user.password,
    confirmPassword: user.password,
    source: 'test',
  })
  assert.ok(changed.ok, JSON.stringify(changed))
  return changed.user
}
