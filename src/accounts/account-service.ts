import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { withAuditedTransaction } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { partnershipIdOf } from '../db/partnership-scope.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import {
  createAccountRepository,
  normaliseEmail,
  type Agency,
  type AgencyCounts,
  type AgencyWithOwnerNames,
  type ApiToken,
  type User,
} from './account-repository.ts'
import { systemClock, type Clock } from './clock.ts'
import { ownerNameKey, readOwnerNames } from './data-owner-names.ts'
import { defaultAgencies } from './default-agencies.ts'
import { demoUsers } from './demo-users.ts'
import {
  generateOneTimePassword,
  hashPassword,
  needsRehash,
  passwordProblem,
  verifyAgainstDummy,
  verifyPassword,
} from './passwords.ts'
import { can, PermissionDenied, type Action, type Principal } from './permissions.ts'
import { isRole, roleNeedsAgency, type Role } from './roles.ts'
import { DatabaseSessionStore } from './session-store.ts'
import { addressForAudit, emailForAudit, signInAuditActions, type SignInAuditAction } from './sign-in-audit.ts'
import { createSignInThrottle, throttleSource, type ThrottlePolicy } from './sign-in-throttle.ts'

/** Who is making a change: a signed-in user, or the system itself (first start, demo data, the command line). */
export type Actor = { readonly user: User } | { readonly system: string }

/** A problem with one field of a form, worded for the GOV.UK error summary. */
export interface FieldError {
  readonly field: string
  readonly message: string
}

export type Result<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly errors: readonly FieldError[] }

export type SignInOutcome =
  | { readonly outcome: 'signed-in'; readonly user: User }
  | { readonly outcome: 'refused' }
  | { readonly outcome: 'throttled'; readonly retryAfterSeconds: number }

/** A security event for the log (one JSON line each): never a password, never an email that is not an account. */
export interface SecurityEvent {
  readonly event: string
  readonly outcome?: string
  readonly userId?: number | null
  readonly source?: string
  readonly retryAfterSeconds?: number
  readonly [detail: string]: unknown
}

export interface AccountServiceOptions {
  readonly database: Database
  readonly audit: AuditRepository
  readonly clock?: Clock | undefined
  readonly throttlePolicy?: ThrottlePolicy | undefined
  /** Default 30. */
  readonly sessionIdleMinutes?: number | undefined
  /** Default 12. */
  readonly sessionAbsoluteHours?: number | undefined
  /** Where security events go; default: nowhere (the composition root passes a JSON-lines logger). */
  readonly log?: (event: SecurityEvent) => void
}

export interface NewUser {
  readonly email: string
  readonly name: string
  readonly role: string
  readonly agencyId: number | null
}

/** A new partner agency: its code is its stable key (imports, URLs, the API) and never changes. */
export interface NewAgency {
  readonly code: string
  readonly name: string
  /** The names it goes by in the framework's Owner column, one a line as typed (blank lines ignored). */
  readonly ownerNames?: readonly string[]
}

/** What an administrator may change about an agency: its name and its owner names (never its code). */
export interface AgencyUpdate {
  readonly name: string
  readonly ownerNames: readonly string[]
}

export interface UserUpdate {
  readonly name: string
  readonly role: string
  readonly agencyId: number | null
}

/** What an API token stands for once it is checked: its agency, with a data owner's rights there. */
export interface ApiTokenPrincipal {
  readonly tokenId: number
  readonly agency: Agency
  readonly principal: Principal
}

const API_TOKEN_PATTERN = /^shub_[A-Za-z0-9_-]{43}$/
const MAXIMUM_EMAIL_LENGTH = 254
const MAXIMUM_NAME_LENGTH = 200
/** Anything longer is not a password anyone typed; refused before hashing so it costs nothing. */
const MAXIMUM_SIGN_IN_PASSWORD_LENGTH = 1024

/**
 * Accounts: signing in, the user behind a session, passwords, and the administration of users, agencies and
 * API tokens. Every change is written with its audit event in one transaction; every administrative action
 * asks the permission policy first.
 *
 * @example
 *   const accounts = createAccountService({ database, audit })
 *   const result = await accounts.signIn({ email: 'admin@example.org', password, source: req.ip })
 */
export function createAccountService(options: AccountServiceOptions) {
  const { database, audit } = options
  const clock = options.clock ?? systemClock
  const log = options.log ?? (() => {})
  const repository = createAccountRepository(database.db, partnershipIdOf(database))
  const idleTimeoutSeconds = (options.sessionIdleMinutes ?? 30) * 60
  const absoluteTimeoutSeconds = (options.sessionAbsoluteHours ?? 12) * 3600
  const sessions = new DatabaseSessionStore({ db: database.db, clock, idleTimeoutSeconds, absoluteTimeoutSeconds })
  const throttle = createSignInThrottle(database, clock, options.throttlePolicy)
  const nowIso = () => clock.now().toISOString()

  const actorName = (actor: Actor) => ('user' in actor ? actor.user.email : actor.system)

  /**
   * Records an authentication event (sign-in, failure, throttling, sign-out) in the audit trail, in a transaction
   * of its own. The key is the user's id, or `unknown` when the email typed is not an account. How many such rows
   * anyone without a password can cause is bounded by the sign-in throttle (see `signIn`).
   */
  async function auditAuthentication(event: {
    readonly action: SignInAuditAction
    readonly actor: string
    readonly userId: number | null
    readonly before?: unknown
    readonly after: Readonly<Record<string, unknown>>
  }): Promise<void> {
    await withAuditedTransaction(database, (trx) =>
      audit.append(trx, {
        actor: event.actor,
        action: event.action,
        entityType: 'user',
        entityKey: event.userId === null ? 'unknown' : String(event.userId),
        before: event.before ?? null,
        after: event.after,
      }),
    )
  }

  /** The system may do anything; a user only what the policy allows, checked against the stored user. */
  function demandActor(actor: Actor, action: Action): void {
    if ('system' in actor) return
    if (!can(actor.user, action)) throw new PermissionDenied(action)
  }

  /** What the audit trail keeps of a user: never the password hash. */
  const userSnapshot = (user: User) => ({
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    agency: user.agency?.code ?? null,
    disabled: user.disabled,
    mustChangePassword: user.mustChangePassword,
  })

  async function findUserOrThrow(id: number, executor: Kysely<DatabaseSchema>): Promise<User> {
    const user = await repository.findUser(id, executor)
    if (!user) throw new NotFound(`No user ${id}`)
    return user
  }

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

  async function hashNewApiToken(): Promise<{ token: string; tokenHash: string }> {
    const token = `shub_${randomBytes(32).toString('base64url')}`
    return { token, tokenHash: apiTokenHash(token) }
  }

  /** What the audit trail keeps of an agency. */
  const agencySnapshot = (agency: AgencyWithOwnerNames) => ({
    id: agency.id,
    code: agency.code,
    name: agency.name,
    ownerNames: [...agency.ownerNames],
  })

  function checkAgencyName(name: string, errors: FieldError[]): string {
    const trimmed = name.trim()
    if (!trimmed) errors.push({ field: 'name', message: 'Enter the agency’s name' })
    else if ([...trimmed].length > MAXIMUM_NAME_LENGTH) {
      errors.push({ field: 'name', message: `Name must be ${MAXIMUM_NAME_LENGTH} characters or fewer` })
    }
    return trimmed
  }

  /**
   * Reads and checks an agency's owner names against every other agency (`others`): a name may not be another
   * agency's code or owner name, so that one owner text can never name two agencies. Errors go on `ownerNames`.
   */
  function checkOwnerNames(
    lines: readonly string[],
    others: readonly AgencyWithOwnerNames[],
    errors: FieldError[],
  ): string[] {
    const { names, problems } = readOwnerNames(lines)
    for (const { name, line } of names) {
      const key = ownerNameKey(name)
      const holder = others.find(
        (a) => ownerNameKey(a.code) === key || a.ownerNames.some((n) => ownerNameKey(n) === key),
      )
      if (holder) {
        const what = ownerNameKey(holder.code) === key ? 'the code' : 'already a name'
        problems.push({
          line,
          message: `Line ${line}: “${name}” is ${what} of ${holder.name} (${holder.code}): remove it there first`,
        })
      }
    }
    // In the order of the lines; a problem with the whole list (line 0) last.
    const order = (line: number) => (line === 0 ? Number.MAX_SAFE_INTEGER : line)
    problems.sort((a, b) => order(a.line) - order(b.line))
    for (const problem of problems) errors.push({ field: 'ownerNames', message: problem.message })
    return names.map((n) => n.name)
  }

  return {
    repository,
    sessions,
    throttle,
    clock,
    idleTimeoutSeconds,
    absoluteTimeoutSeconds,
    /** Records a security event (sign-in, refusal, permission denied) in the security log. */
    log,

    /**
     * Checks an email and password. Unknown emails, disabled accounts and wrong passwords get the same answer
     * ('refused') after the same argon2 work; throttled attempts are not checked at all.
     *
     * Every outcome goes to the security log and to the audit trail (action `sign-in`, `sign-in-failed` or
     * `sign-in-throttled`, entity `user`, the email as typed if it looks like one, the client's address; never the
     * password). The audit rows an attacker can cause are bounded: a failure is recorded only for an attempt the
     * throttle let through and counted, and a throttled attempt only when it is the first refused in its wait, so
     * there are at most two rows per counted failure, and the throttle allows an address (an IPv6 /64) about 120
     * counted failures a day with the default policy (20, then waits doubling to 15 minutes).
     */
    async signIn(attempt: { email: string; password: string; source: string | undefined }): Promise<SignInOutcome> {
      const email = normaliseEmail(attempt.email).slice(0, MAXIMUM_EMAIL_LENGTH + 1)
      const source = throttleSource(attempt.source)
      const address = addressForAudit(attempt.source)
      const decision = await throttle.begin(email, source)
      if (!decision.allowed) {
        log({ event: 'sign-in', outcome: 'throttled', source, retryAfterSeconds: decision.retryAfterSeconds })
        if (decision.firstRefusal) {
          const user = await repository.findUserByEmail(email)
          await auditAuthentication({
            action: signInAuditActions.throttled,
            actor: emailForAudit(attempt.email),
            userId: user?.id ?? null,
            after: { address, retryAfterSeconds: decision.retryAfterSeconds, throttledBy: decision.throttledBy },
          })
        }
        return { outcome: 'throttled', retryAfterSeconds: decision.retryAfterSeconds }
      }
      const credentials = await repository.findCredentials({ email })
      const refuse = async (reason: string): Promise<SignInOutcome> => {
        const userId = credentials?.user.id ?? null
        log({ event: 'sign-in', outcome: 'refused', reason, userId, source })
        await auditAuthentication({
          action: signInAuditActions.failed,
          actor: emailForAudit(attempt.email),
          userId,
          after: { reason, address },
        })
        return { outcome: 'refused' }
      }
      if (attempt.password.length > MAXIMUM_SIGN_IN_PASSWORD_LENGTH) return refuse('password too long')
      if (!credentials || credentials.passwordHash === null || credentials.user.disabled) {
        await verifyAgainstDummy(attempt.password)
        const reason = !credentials ? 'no such account' : credentials.user.disabled ? 'account disabled' : 'no password'
        return refuse(reason)
      }
      if (!(await verifyPassword(credentials.passwordHash, attempt.password))) return refuse('wrong password')
      await throttle.succeeded(decision.attempt)
      const at = nowIso()
      const rehash = needsRehash(credentials.passwordHash) ? await hashPassword(attempt.password) : undefined
      await withAuditedTransaction(database, async (trx) => {
        await repository.updateUser(
          credentials.user.id,
          { at, lastSignedInAt: at, ...(rehash ? { passwordHash: rehash } : {}) },
          trx,
        )
        await audit.append(trx, {
          actor: credentials.user.email,
          action: signInAuditActions.signedIn,
          entityType: 'user',
          entityKey: String(credentials.user.id),
          before: { lastSignedInAt: credentials.user.lastSignedInAt },
          after: { lastSignedInAt: at, address, ...(rehash ? { passwordRehashed: true } : {}) },
        })
      })
      log({ event: 'sign-in', outcome: 'signed-in', userId: credentials.user.id, source })
      // Housekeeping rides on sign-ins (no timers to stop): timed-out sessions and forgotten failure counts go.
      await sessions.prune()
      await throttle.prune()
      return { outcome: 'signed-in', user: { ...credentials.user, lastSignedInAt: at } }
    },

    /**
     * Records that a user signed out (security log and audit trail). The web layer ends the session; a sign-out
     * needs a signed-in session, so these rows are bounded by sign-ins.
     */
    async recordSignOut(userId: number, source: string | undefined): Promise<void> {
      log({ event: 'sign-out', userId })
      const user = await repository.findUser(userId)
      if (!user) return
      await auditAuthentication({
        action: signInAuditActions.signedOut,
        actor: user.email,
        userId,
        after: { address: addressForAudit(source) },
      })
    },

    /**
     * Records another authentication event in the audit trail the same way (for example a second sign-in step).
     * Only for events whose number is bounded by the sign-in throttle or by sign-ins: see `signIn`.
     */
    recordAuthenticationEvent: auditAuthentication,

    /**
     * The user behind a session, read from the database on every request so that a change of role or agency,
     * or disabling, takes effect at once. Null when there is no such user or they are disabled.
     */
    async currentUser(userId: number): Promise<User | null> {
      const user = await repository.findUser(userId)
      return user && !user.disabled ? user : null
    },

    /**
     * Changes one's own password: the current one must be right (throttled like a sign-in), the new one must
     * pass the rules. Ends every session of the user (the web layer then starts a fresh one).
     */
    async changeOwnPassword(
      userId: number,
      input: { currentPassword: string; newPassword: string; confirmPassword: string; source: string | undefined },
    ): Promise<Result<{ user: User }>> {
      const credentials = await repository.findCredentials({ id: userId })
      if (!credentials || credentials.user.disabled || credentials.passwordHash === null) {
        throw new PermissionDenied('account:change-own-password')
      }
      const { user, passwordHash } = credentials
      const errors: FieldError[] = []
      const address = addressForAudit(input.source)
      const decision = await throttle.begin(user.email, throttleSource(input.source))
      if (!decision.allowed) {
        if (decision.firstRefusal) {
          await auditAuthentication({
            action: signInAuditActions.passwordChangeRefused,
            actor: user.email,
            userId,
            after: { reason: 'throttled', address, retryAfterSeconds: decision.retryAfterSeconds },
          })
        }
        const minutes = Math.ceil(decision.retryAfterSeconds / 60)
        return {
          ok: false,
          errors: [
            {
              field: 'currentPassword',
              message: `Too many wrong passwords. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again`,
            },
          ],
        }
      }
      if (!input.currentPassword) errors.push({ field: 'currentPassword', message: 'Enter your current password' })
      else if (
        input.currentPassword.length > MAXIMUM_SIGN_IN_PASSWORD_LENGTH ||
        !(await verifyPassword(passwordHash, input.currentPassword))
      ) {
        errors.push({ field: 'currentPassword', message: 'Your current password is not right' })
        // Counted by the throttle like a failed sign-in, so bounded the same way.
        await auditAuthentication({
          action: signInAuditActions.passwordChangeRefused,
          actor: user.email,
          userId,
          after: { reason: 'current password wrong', address },
        })
      } else await throttle.succeeded(decision.attempt)
      const problem = input.newPassword
        ? passwordProblem(input.newPassword, { email: user.email, name: user.name })
        : 'Enter a new password'
      if (problem) errors.push({ field: 'newPassword', message: problem })
      else if (input.newPassword === input.currentPassword) {
        errors.push({ field: 'newPassword', message: 'Your new password must be different from your current one' })
      } else if (input.confirmPassword !== input.newPassword) {
        errors.push({ field: 'confirmPassword', message: 'The passwords do not match: type the new password again' })
      }
      if (errors.length > 0) return { ok: false, errors }
      const newHash = await hashPassword(input.newPassword)
      const at = nowIso()
      const updated = await withAuditedTransaction(database, async (trx) => {
        await repository.updateUser(
          userId,
          { at, passwordHash: newHash, mustChangePassword: false, passwordChangedAt: at },
          trx,
        )
        const ended = await sessions.removeAllForUser(userId, trx)
        await audit.append(trx, {
          actor: user.email,
          action: signInAuditActions.passwordChanged,
          entityType: 'user',
          entityKey: String(userId),
          before: { passwordChangedAt: user.passwordChangedAt, mustChangePassword: user.mustChangePassword },
          after: { passwordChangedAt: at, mustChangePassword: false, sessionsEnded: ended, address },
        })
        return findUserOrThrow(userId, trx)
      })
      log({ event: 'password-changed', userId })
      return { ok: true, user: updated }
    },

    async listUsers(actor: Actor): Promise<User[]> {
      demandActor(actor, 'user:manage')
      return repository.listUsers()
    },

    async findUser(actor: Actor, userId: number): Promise<User | null> {
      demandActor(actor, 'user:manage')
      return repository.findUser(userId)
    },

    /** Every agency with its owner names (the KPIs' owners are matched against these), by name. */
    async listAgencies(): Promise<AgencyWithOwnerNames[]> {
      return repository.listAgencies()
    },

    /** Active users and live API tokens per agency id, for the agencies pages. */
    async agencyCounts(actor: Actor): Promise<Map<number, AgencyCounts>> {
      demandActor(actor, 'agency:view')
      return repository.agencyCounts(nowIso())
    },

    /** Adds a user with a one-time password (shown once to the administrator; the user must change it). */
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

    /**
     * Adds a partner agency with its owner names. The code is unique whatever its case and may be nobody's owner
     * name; the owner names may be no other agency's code or owner name. Audited; nothing is written on error.
     */
    async addAgency(actor: Actor, input: NewAgency): Promise<Result<{ agency: AgencyWithOwnerNames }>> {
      demandActor(actor, 'agency:manage')
      return withAuditedTransaction(database, async (trx) => {
        // In the order the form asks: code, name, owner names.
        const errors: FieldError[] = []
        const code = input.code.trim()
        const agencies = await repository.listAgencies(trx)
        if (!/^[A-Za-z0-9][A-Za-z0-9 &-]{0,19}$/.test(code)) {
          errors.push({ field: 'code', message: 'Enter a short code of up to 20 letters, digits, spaces, & or -' })
        } else {
          const key = ownerNameKey(code)
          const sameCode = agencies.find((a) => ownerNameKey(a.code) === key)
          const namedSo = agencies.find((a) => a.ownerNames.some((n) => ownerNameKey(n) === key))
          if (sameCode) errors.push({ field: 'code', message: 'There is already an agency with this code' })
          else if (namedSo) {
            errors.push({
              field: 'code',
              message: `“${code}” is a name of ${namedSo.name} (${namedSo.code}) in the Owner column: choose another code`,
            })
          }
        }
        const name = checkAgencyName(input.name, errors)
        const ownerNames = checkOwnerNames(input.ownerNames ?? [], agencies, errors)
        if (errors.length > 0) return { ok: false, errors }
        const inserted = await repository.insertAgency({ code, name, at: nowIso() }, trx)
        await repository.replaceOwnerNames(inserted.id, ownerNames, trx)
        const agency: AgencyWithOwnerNames = { ...inserted, ownerNames }
        await audit.append(trx, {
          actor: actorName(actor),
          action: 'create',
          entityType: 'agency',
          entityKey: String(agency.id),
          before: null,
          after: agencySnapshot(agency),
        })
        return { ok: true, agency }
      })
    },

    /**
     * Renames an agency and replaces its owner names (its code never changes: imports and the API use it). The
     * KPIs it owns follow the names at once. Audited with before and after; nothing is written on error, and
     * nothing at all when nothing changed.
     */
    async updateAgency(
      actor: Actor,
      agencyId: number,
      input: AgencyUpdate,
    ): Promise<Result<{ agency: AgencyWithOwnerNames; changed: boolean }>> {
      demandActor(actor, 'agency:manage')
      return withAuditedTransaction(database, async (trx) => {
        const agencies = await repository.listAgencies(trx)
        const before = agencies.find((a) => a.id === agencyId)
        if (!before) throw new NotFound(`No agency ${agencyId}`)
        const errors: FieldError[] = []
        const name = checkAgencyName(input.name, errors)
        const others = agencies.filter((a) => a.id !== agencyId)
        const ownerNames = checkOwnerNames(input.ownerNames, others, errors)
        if (errors.length > 0) return { ok: false, errors }
        const after: AgencyWithOwnerNames = { ...before, name, ownerNames }
        const namesChanged = JSON.stringify(before.ownerNames) !== JSON.stringify(ownerNames)
        if (name === before.name && !namesChanged) return { ok: true, agency: before, changed: false }
        if (name !== before.name) await repository.updateAgency(agencyId, { name }, trx)
        if (namesChanged) await repository.replaceOwnerNames(agencyId, ownerNames, trx)
        await audit.append(trx, {
          actor: actorName(actor),
          action: 'update',
          entityType: 'agency',
          entityKey: String(agencyId),
          before: agencySnapshot(before),
          after: agencySnapshot(after),
        })
        return { ok: true, agency: after, changed: true }
      })
    },

    /** Creates the usual partner agencies when there are none yet (first start). Returns how many. */
    async createDefaultAgencies(): Promise<number> {
      // Read first, outside the write lock: on every start but the first there is nothing to write, and a start (or
      // a read-only command) must not wait for another process's import to finish.
      if ((await repository.listAgencies()).length > 0) return 0
      return withAuditedTransaction(database, async (trx) => {
        if ((await repository.listAgencies(trx)).length > 0) return 0
        const at = nowIso()
        for (const { code, name, dataOwnerNames } of defaultAgencies) {
          const inserted = await repository.insertAgency({ code, name, at }, trx)
          const ownerNames = readOwnerNames(dataOwnerNames).names.map((n) => n.name)
          await repository.replaceOwnerNames(inserted.id, ownerNames, trx)
          await audit.append(trx, {
            actor: 'first-start',
            action: 'create',
            entityType: 'agency',
            entityKey: String(inserted.id),
            before: null,
            after: agencySnapshot({ ...inserted, ownerNames }),
          })
        }
        return defaultAgencies.length
      })
    },

    /**
     * On first start (no users at all), creates an administrator with a one-time password, which the caller
     * prints once. Returns null when there are users already.
     */
    async createFirstAdministrator(email: string): Promise<{ email: string; oneTimePassword: string } | null> {
      if ((await repository.countUsers()) > 0) return null
      const oneTimePassword = generateOneTimePassword()
      const passwordHash = await hashPassword(oneTimePassword)
      return withAuditedTransaction(database, async (trx) => {
        // Checked again under the write lock: two processes starting together create one administrator.
        if ((await repository.countUsers(trx)) > 0) return null
        const normalised = normaliseEmail(email)
        const id = await repository.insertUser(
          {
            email: normalised,
            name: 'Administrator',
            role: 'administrator',
            agencyId: null,
            passwordHash,
            mustChangePassword: true,
            at: nowIso(),
          },
          trx,
        )
        await audit.append(trx, {
          actor: 'first-start',
          action: 'create',
          entityType: 'user',
          entityKey: String(id),
          before: null,
          after: userSnapshot(await findUserOrThrow(id, trx)),
        })
        return { email: normalised, oneTimePassword }
      })
    },

    /**
     * DEMO ONLY: creates the demo accounts of src/accounts/demo-users.ts that do not exist yet (their passwords
     * are public). The caller must never do this in production. Returns how many were created.
     */
    async createDemoUsers(): Promise<number> {
      // As createDefaultAgencies: nothing to write (and no lock to wait for) once they exist.
      const existing = await Promise.all(demoUsers.map((u) => repository.findUserByEmail(u.email)))
      if (existing.every((user) => user !== null)) return 0
      const hashes = await Promise.all(demoUsers.map((u) => hashPassword(u.password)))
      return withAuditedTransaction(database, async (trx) => {
        let created = 0
        for (const [i, demo] of demoUsers.entries()) {
          if (await repository.findUserByEmail(demo.email, trx)) continue
          const agency = demo.agencyCode ? await repository.findAgencyByCode(demo.agencyCode, trx) : null
          if (roleNeedsAgency(demo.role) && !agency) continue
          const id = await repository.insertUser(
            {
              email: demo.email,
              name: demo.name,
              role: demo.role,
              agencyId: agency?.id ?? null,
              passwordHash: hashes[i] ?? null,
              mustChangePassword: false,
              at: nowIso(),
            },
            trx,
          )
          await audit.append(trx, {
            actor: 'demo-data',
            action: 'create',
            entityType: 'user',
            entityKey: String(id),
            before: null,
            after: userSnapshot(await findUserOrThrow(id, trx)),
          })
          created++
        }
        return created
      })
    },

    /** Issues an API token for an agency. The token is returned once; only its hash is kept. */
    async createApiToken(
      actor: Actor,
      input: { agencyId: number; name: string; expiresAt?: string | null },
    ): Promise<Result<{ token: string; apiToken: ApiToken }>> {
      demandActor(actor, 'api-token:manage')
      const { token, tokenHash } = await hashNewApiToken()
      return withAuditedTransaction(database, async (trx) => {
        const errors: FieldError[] = []
        const agency = await repository.findAgency(input.agencyId, trx)
        if (!agency) errors.push({ field: 'agency', message: 'Select an agency from the list' })
        const name = input.name.trim()
        if (!name) errors.push({ field: 'name', message: 'Enter what the token is for' })
        else if ([...name].length > MAXIMUM_NAME_LENGTH) {
          errors.push({ field: 'name', message: `Name must be ${MAXIMUM_NAME_LENGTH} characters or fewer` })
        }
        const expiresAt = input.expiresAt ?? null
        if (expiresAt !== null && (Number.isNaN(Date.parse(expiresAt)) || expiresAt <= nowIso())) {
          errors.push({ field: 'expiresAt', message: 'The expiry must be a date in the future' })
        }
        if (errors.length > 0 || !agency) return { ok: false, errors }
        const apiToken = await repository.insertApiToken(
          {
            agencyId: agency.id,
            name,
            tokenHash,
            tokenPrefix: token.slice(0, 12),
            createdBy: 'user' in actor ? actor.user.id : null,
            at: nowIso(),
            expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
          },
          trx,
        )
        await audit.append(trx, {
          actor: actorName(actor),
          action: 'create',
          entityType: 'api-token',
          entityKey: String(apiToken.id),
          before: null,
          after: { agency: agency.code, name, tokenPrefix: apiToken.tokenPrefix, expiresAt: apiToken.expiresAt },
        })
        return { ok: true, token, apiToken }
      })
    },

    async listApiTokens(actor: Actor, filter: { agencyId?: number } = {}): Promise<ApiToken[]> {
      demandActor(actor, 'api-token:manage')
      return repository.listApiTokens(filter)
    },

    /** Revokes a token at once; revoking twice changes nothing. */
    async revokeApiToken(actor: Actor, tokenId: number): Promise<ApiToken> {
      demandActor(actor, 'api-token:manage')
      return withAuditedTransaction(database, async (trx) => {
        const before = await repository.findApiToken(tokenId, trx)
        if (!before) throw new NotFound(`No API token ${tokenId}`)
        if (before.revokedAt !== null) return before
        await repository.revokeApiToken(tokenId, nowIso(), trx)
        const after = (await repository.findApiToken(tokenId, trx)) as ApiToken
        await audit.append(trx, {
          actor: actorName(actor),
          action: 'revoke',
          entityType: 'api-token',
          entityKey: String(tokenId),
          before: { revokedAt: null, tokenPrefix: before.tokenPrefix },
          after: { revokedAt: after.revokedAt, tokenPrefix: after.tokenPrefix },
        })
        return after
      })
    },

    /** The agency an API token acts for, or null when the token is unknown, revoked or expired. */
    async authenticateApiToken(token: string): Promise<ApiTokenPrincipal | null> {
      if (!API_TOKEN_PATTERN.test(token)) return null
      const record = await repository.findApiTokenByHash(apiTokenHash(token))
      const now = nowIso()
      if (!record || record.revokedAt !== null || (record.expiresAt !== null && record.expiresAt <= now)) {
        log({ event: 'api-token', outcome: 'refused', tokenId: record?.id ?? null })
        return null
      }
      const agency = await repository.findAgency(record.agencyId)
      if (!agency) return null
      await repository.markApiTokenUsed(record.id, now)
      return { tokenId: record.id, agency, principal: { role: 'data-owner', agencyId: agency.id } }
    },

    /**
     * The partnership an API token belongs to (an unscoped service sees every partnership's tokens), so that a call
     * to `/api/…` without `/p/<slug>` reaches its own partnership; null for a token that is unknown, revoked or
     * expired. The partnership's own service then checks the token again.
     */
    async apiTokenPartnership(token: string): Promise<number | null> {
      if (!API_TOKEN_PATTERN.test(token)) return null
      const record = await repository.findApiTokenByHash(apiTokenHash(token))
      const now = nowIso()
      if (!record || record.revokedAt !== null || (record.expiresAt !== null && record.expiresAt <= now)) return null
      return record.partnershipId
    },

    /** Deletes timed-out sessions and forgotten throttle counts. */
    async prune(): Promise<{ sessions: number; throttleCounts: number }> {
      return { sessions: await sessions.prune(), throttleCounts: await throttle.prune() }
    },
  }
}

export type AccountService = ReturnType<typeof createAccountService>

/** API tokens are long random strings, so a plain SHA-256 is enough to store them (no salt or stretching needed). */
export function apiTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Asked for a user or token that does not exist; the web layer answers 404. */
export class NotFound extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'NotFound'
  }
}
