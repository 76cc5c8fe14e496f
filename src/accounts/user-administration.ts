import type { Kysely } from 'kysely'
import { withAuditedTransaction } from '../audit/audited-transaction.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import { normaliseEmail, type User } from './account-repository.ts'
import {
  MAXIMUM_EMAIL_LENGTH,
  MAXIMUM_NAME_LENGTH,
  type AccountContext,
  type Actor,
  type FieldError,
  type Result,
} from './account-context.ts'
import { generateOneTimePassword, hashPassword } from './passwords.ts'
import { isRole, roleNeedsAgency, type Role } from './roles.ts'

export interface NewUser {
  readonly email: string
  readonly name: string
  readonly role: string
  readonly agencyId: number | null
}

export interface UserUpdate {
  readonly name: string
  readonly role: string
  readonly agencyId: number | null
}

/**
 * The administration of a partnership's people: adding someone (a new account, or a membership for a person who
 * has one elsewhere), changing their name, role and agency, disabling, and one-time passwords. Each asks the
 * permission policy ('user:manage') and writes its audit event in the same transaction.
 *
 * @example
 *   const users = userAdministration(context)
 *   const added = await users.addUser({ user }, { email, name, role: 'viewer', agencyId: null })
 */
export function userAdministration(context: AccountContext) {
  const { database, audit, repository, sessions, nowIso, actorName, demandActor, userSnapshot, findUserOrThrow } =
    context

  async function countEnabledAdministrators(executor: Kysely<DatabaseSchema>): Promise<number> {
    const users = await repository.listUsers(executor)
    return users.filter((u) => u.role === 'administrator' && !u.disabled).length
  }

  function checkName(name: string, errors: FieldError[]): string {
    const trimmed = name.trim()
    if (!trimmed) errors.push({ field: 'name', message: 'Enter the person’s full name' })
    else if ([...trimmed].length > MAXIMUM_NAME_LENGTH) {
      errors.push({ field: 'name', message: `Name must be ${MAXIMUM_NAME_LENGTH} characters or fewer` })
    }
    return trimmed
  }

  async function checkRoleAndAgency(
    role: string,
    agencyId: number | null,
    errors: FieldError[],
    executor: Kysely<DatabaseSchema>,
  ): Promise<{ role: Role; agencyId: number | null } | null> {
    if (!isRole(role)) {
      errors.push({ field: 'role', message: 'Select a role' })
      return null
    }
    if (agencyId !== null && !(await repository.findAgency(agencyId, executor))) {
      errors.push({ field: 'agency', message: 'Select an agency from the list' })
      return null
    }
    if (roleNeedsAgency(role) && agencyId === null) {
      errors.push({ field: 'agency', message: 'Select the agency whose figures this data owner sends' })
      return null
    }
    return { role, agencyId }
  }

  return {
    async listUsers(actor: Actor): Promise<User[]> {
      demandActor(actor, 'user:manage')
      return repository.listUsers()
    },

    async findUser(actor: Actor, userId: number): Promise<User | null> {
      demandActor(actor, 'user:manage')
      return repository.findUser(userId)
    },

    /**
     * Adds a person to the partnership with a role: a new account with a one-time password, or, for someone who has
     * an account in another partnership already, a membership here (`oneTimePassword` null).
     */
    async addUser(actor: Actor, input: NewUser): Promise<Result<{ user: User; oneTimePassword: string | null }>> {
      demandActor(actor, 'user:manage')
      const oneTimePassword = generateOneTimePassword()
      const passwordHash = await hashPassword(oneTimePassword)
      return withAuditedTransaction(database, async (trx) => {
        // In the order the form asks: name, email, role, agency.
        const errors: FieldError[] = []
        const name = checkName(input.name, errors)
        const email = normaliseEmail(input.email)
        if (!email) errors.push({ field: 'email', message: 'Enter an email address' })
        else if (email.length > MAXIMUM_EMAIL_LENGTH || !/^[^\s@]+@[^\s@]+$/.test(email)) {
          errors.push({
            field: 'email',
            message: 'Enter an email address in the correct format, like name@example.org',
          })
        } else if (await repository.findUserByEmail(email, trx)) {
          errors.push({ field: 'email', message: 'There is already an account with this email address' })
        }
        const checked = await checkRoleAndAgency(input.role, input.agencyId, errors, trx)
        if (errors.length > 0 || !checked) return { ok: false, errors }
        // A person who already has an account in another partnership (a police data owner serving two, say) keeps
        // it: they become a member here with this role, and sign in with the password they have.
        const existing = email ? await repository.findAccountByEmail(email, trx) : null
        if (existing) {
          await repository.setMembership(existing.id, { role: checked.role, agencyId: checked.agencyId }, nowIso(), trx)
          const member = await findUserOrThrow(existing.id, trx)
          await audit.append(trx, {
            actor: actorName(actor),
            action: 'add-member',
            entityType: 'user',
            entityKey: String(existing.id),
            before: null,
            after: userSnapshot(member),
          })
          return { ok: true, user: member, oneTimePassword: null }
        }
        const id = await repository.insertUser(
          {
            email,
            name,
            role: checked.role,
            agencyId: checked.agencyId,
            passwordHash,
            mustChangePassword: true,
            at: nowIso(),
          },
          trx,
        )
        const user = await findUserOrThrow(id, trx)
        await audit.append(trx, {
          actor: actorName(actor),
          action: 'create',
          entityType: 'user',
          entityKey: String(id),
          before: null,
          after: userSnapshot(user),
        })
        return { ok: true, user, oneTimePassword }
      })
    },

    /** Changes a user's name, role and agency; takes effect on their next request. */
    async updateUser(actor: Actor, userId: number, input: UserUpdate): Promise<Result<{ user: User }>> {
      demandActor(actor, 'user:manage')
      return withAuditedTransaction(database, async (trx) => {
        const before = await findUserOrThrow(userId, trx)
        const errors: FieldError[] = []
        const name = checkName(input.name, errors)
        const checked = await checkRoleAndAgency(input.role, input.agencyId, errors, trx)
        if (
          checked &&
          before.role === 'administrator' &&
          checked.role !== 'administrator' &&
          !before.disabled &&
          (await countEnabledAdministrators(trx)) <= 1
        ) {
          errors.push({
            field: 'role',
            message: 'This is the only administrator: make someone else an administrator first',
          })
        }
        if (errors.length > 0 || !checked) return { ok: false, errors }
        if (name === before.name && checked.role === before.role && checked.agencyId === before.agencyId) {
          return { ok: true, user: before }
        }
        await repository.updateUser(userId, { at: nowIso(), name, role: checked.role, agencyId: checked.agencyId }, trx)
        const user = await findUserOrThrow(userId, trx)
        await audit.append(trx, {
          actor: actorName(actor),
          action: 'update',
          entityType: 'user',
          entityKey: String(userId),
          before: userSnapshot(before),
          after: userSnapshot(user),
        })
        return { ok: true, user }
      })
    },

    /** Disables (ending every session at once) or re-enables a user. */
    async setUserDisabled(actor: Actor, userId: number, disabled: boolean): Promise<Result<{ user: User }>> {
      demandActor(actor, 'user:manage')
      return withAuditedTransaction(database, async (trx) => {
        const before = await findUserOrThrow(userId, trx)
        if (disabled && 'user' in actor && actor.user.id === userId) {
          return { ok: false, errors: [{ field: 'disabled', message: 'You cannot disable your own account' }] }
        }
        if (
          disabled &&
          before.role === 'administrator' &&
          !before.disabled &&
          (await countEnabledAdministrators(trx)) <= 1
        ) {
          return {
            ok: false,
            errors: [
              {
                field: 'disabled',
                message: 'This is the only administrator: make someone else an administrator first',
              },
            ],
          }
        }
        if (before.disabled === disabled) return { ok: true, user: before }
        await repository.updateUser(userId, { at: nowIso(), disabled }, trx)
        const ended = disabled ? await sessions.removeAllForUser(userId, trx) : 0
        const user = await findUserOrThrow(userId, trx)
        await audit.append(trx, {
          actor: actorName(actor),
          action: disabled ? 'disable' : 'enable',
          entityType: 'user',
          entityKey: String(userId),
          before: userSnapshot(before),
          after: { ...userSnapshot(user), sessionsEnded: ended },
        })
        return { ok: true, user }
      })
    },

    /** Issues a new one-time password (the user must change it) and ends the user's sessions. */
    async resetPassword(actor: Actor, userId: number): Promise<{ user: User; oneTimePassword: string }> {
      demandActor(actor, 'user:manage')
      const oneTimePassword = generateOneTimePassword()
      const passwordHash = await hashPassword(oneTimePassword)
      return withAuditedTransaction(database, async (trx) => {
        const before = await findUserOrThrow(userId, trx)
        const at = nowIso()
        await repository.updateUser(userId, { at, passwordHash, mustChangePassword: true, passwordChangedAt: at }, trx)
        const ended = await sessions.removeAllForUser(userId, trx)
        const user = await findUserOrThrow(userId, trx)
        await audit.append(trx, {
          actor: actorName(actor),
          action: 'reset-password',
          entityType: 'user',
          entityKey: String(userId),
          before: userSnapshot(before),
          after: { ...userSnapshot(user), sessionsEnded: ended },
        })
        return { user, oneTimePassword }
      })
    },
  }
}
