import { withAuditedTransaction } from '../audit/audited-transaction.ts'
import { normaliseEmail, type User } from './account-repository.ts'
import { MAXIMUM_EMAIL_LENGTH, type AccountContext, type FieldError, type Result } from './account-context.ts'
import { hashPassword, needsRehash, passwordProblem, verifyAgainstDummy, verifyPassword } from './passwords.ts'
import { PermissionDenied } from './permissions.ts'
import { addressForAudit, emailForAudit, signInAuditActions } from './sign-in-audit.ts'
import { throttleSource } from './sign-in-throttle.ts'

export type SignInOutcome =
  | { readonly outcome: 'signed-in'; readonly user: User }
  | { readonly outcome: 'refused' }
  | { readonly outcome: 'throttled'; readonly retryAfterSeconds: number }

/** A security event for the log (one JSON line each): never a password, never an email that is not an account. */

/** Anything longer is not a password anyone typed; refused before hashing so it costs nothing. */
const MAXIMUM_SIGN_IN_PASSWORD_LENGTH = 1024

/**
 * Signing in and out, the person behind a session, and changing one's own password: the part of the account
 * service that anyone with a password (or without one) reaches. Every outcome goes to the security log and the
 * audit trail; attempts are throttled.
 *
 * @example
 *   const signIn = signInOperations(createAccountContext({ database, audit }))
 *   const outcome = await signIn.signIn({ email: 'admin@example.org', password, source: req.ip })
 */
export function signInOperations(context: AccountContext) {
  const { database, audit, repository, sessions, throttle, log, nowIso, auditAuthentication, findUserOrThrow } = context
  return {
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

    /** Deletes timed-out sessions and forgotten throttle counts. */
    async prune(): Promise<{ sessions: number; throttleCounts: number }> {
      return { sessions: await sessions.prune(), throttleCounts: await throttle.prune() }
    },
  }
}
