import { randomBytes } from 'node:crypto'
import type { AuditRepository } from '../../audit/audit-repository.ts'
import { withAuditedTransaction } from '../../audit/audited-transaction.ts'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/database.ts'
import type { DatabaseSchema } from '../../db/schema.ts'
import type { AccountService, Actor, FieldError, Result } from '../account-service.ts'
import { NotFound } from '../account-service.ts'
import type { User } from '../account-repository.ts'
import { verifyPassword } from '../passwords.ts'
import { can, PermissionDenied } from '../permissions.ts'
import { addressForAudit, signInAuditActions } from '../sign-in-audit.ts'
import { createSignInThrottle, throttleSource, type ThrottlePolicy } from '../sign-in-throttle.ts'
import { generateRecoveryCodes, normaliseRecoveryCode, recoveryCodeHash } from './recovery-codes.ts'
import { createSecretBox } from './secret-box.ts'
import { base32Encode, keyInGroups, matchingStep, otpauthUri, TOTP_SECRET_BYTES } from './totp.ts'
import { createTwoStepRepository } from './two-step-repository.ts'
import type { TwoStepPolicy } from '../../config.ts'
import { twoStepRequiredFor } from './two-step-policy.ts'

/**
 * Wrong codes are throttled like passwords, by the same mechanism and table (src/accounts/sign-in-throttle.ts),
 * counted per user rather than per email. A code has a million values and three are accepted at any moment, so the
 * per-user ceiling is longer than the password's (1 hour, not 5 minutes): someone who already has the password and
 * guesses codes from many addresses gets about 30 guesses a day, a 1-in-11,000 chance. The real user, who needs a
 * few tries at most, never meets it. The per-address count is shared with password attempts.
 */
export const twoStepThrottlePolicy: ThrottlePolicy = Object.freeze({
  accountAndSource: Object.freeze({ threshold: 5, baseDelaySeconds: 30, maxDelaySeconds: 60 * 60 }),
  source: Object.freeze({ threshold: 20, baseDelaySeconds: 15, maxDelaySeconds: 15 * 60 }),
  account: Object.freeze({ threshold: 10, baseDelaySeconds: 30, maxDelaySeconds: 60 * 60 }),
  forgetAfterSeconds: 24 * 60 * 60,
})

/** What happens after a correct password. */
export type AfterPassword = 'signed-in' | 'enter-code' | 'set-up'

export type SecondStepOutcome =
  | { readonly outcome: 'accepted'; readonly recoveryCodesLeft: number | null }
  | {
      readonly outcome: 'refused'
      /**
       * `wrong-code`: not a current code (or not an unused recovery code); `reused-code`: a code already accepted;
       * `not-set-up`: two-step sign-in was turned off meanwhile; `unreadable`: the stored secret cannot be opened
       * (SESSION_SECRET changed): the user needs a recovery code or an administrator's reset.
       */
      readonly reason: 'wrong-code' | 'reused-code' | 'not-set-up' | 'unreadable'
    }
  | { readonly outcome: 'throttled'; readonly retryAfterSeconds: number }

/** What a user sees of their own two-step sign-in. */
export interface TwoStepStatus {
  readonly enabled: boolean
  readonly enabledAt: string | null
  readonly recoveryCodesLeft: number
  /** True when the policy says this user must have it (they cannot simply turn it off). */
  readonly required: boolean
}

/** A secret being set up: what the page shows. The sealed secret is kept in the user's session until confirmed. */
export interface Enrolment {
  readonly sealedSecret: string
  /** The key in groups of four, for typing into an app (not everyone can scan a QR code). */
  readonly keyText: string
  /** The otpauth:// URI the QR code carries. */
  readonly uri: string
}

export interface TwoStepServiceOptions {
  readonly database: Database
  readonly audit: AuditRepository
  readonly accounts: Pick<AccountService, 'repository' | 'sessions' | 'throttle' | 'clock' | 'log'>
  /** `SAFERHUB_TWO_STEP`. */
  readonly policy: TwoStepPolicy
  /** `SESSION_SECRET`: the key that seals authenticator secrets is derived from it (HKDF). */
  readonly applicationSecret: string
  /** The partnership's name: the issuer an authenticator app shows beside the code. */
  readonly issuer: string
  readonly throttlePolicy?: ThrottlePolicy
}

/** Anything longer is not a password anyone typed (as at sign-in). */
const MAXIMUM_PASSWORD_LENGTH = 1024

/** The additional authenticated data a user's secret is sealed with: it opens only for that user. */
const secretContext = (userId: number) => `two-step secret of user ${userId}`

/**
 * The throttle's "account" for a user's second step. Upper case, so no email typed at sign-in (stored lower-cased)
 * can share its counts.
 */
const throttleAccount = (userId: number) => `TWO-STEP USER ${userId}`

function waitMessage(seconds: number): string {
  const minutes = Math.ceil(seconds / 60)
  return seconds < 60 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `${minutes} minute${minutes === 1 ? '' : 's'}`
}

/**
 * Two-step sign-in with an authenticator app (TOTP, RFC 6238) and recovery codes: setting it up, the second step
 * at sign-in, turning it off, new recovery codes (both after the password again), and an administrator's reset.
 * Every change, and every second step tried, is written to the audit trail in the same transaction (never the
 * secret or a code); each also goes to the security log.
 *
 * @example
 *   const twoStep = createTwoStepService({ database, audit, accounts, policy: 'required', applicationSecret, issuer })
 *   if ((await twoStep.afterPassword(user)) === 'enter-code') … // then twoStep.verifyCode(user.id, code, req.ip)
 */
export function createTwoStepService(options: TwoStepServiceOptions) {
  const { database, audit, accounts, policy, issuer } = options
  const { clock, log } = accounts
  const repository = createTwoStepRepository(database.db)
  const box = createSecretBox(options.applicationSecret)
  const throttle = createSignInThrottle(database, clock, options.throttlePolicy ?? twoStepThrottlePolicy)
  const nowIso = () => clock.now().toISOString()

  // The instance's policy for the role the user holds where they are seen, and each partnership's own policy (or the
  // instance's) for the role they hold there: the strictest wins, so joining a stricter partnership takes effect.
  const requiredFor = (user: Pick<User, 'role'> & Partial<Pick<User, 'memberships'>>) =>
    twoStepRequiredFor(user.role, policy) ||
    (user.memberships ?? []).some((m) => twoStepRequiredFor(m.role, m.twoStepPolicy ?? policy))

  function enrolmentOf(user: User, sealedSecret: string): Enrolment | null {
    const secret = box.open(sealedSecret, secretContext(user.id))
    if (!secret) return null
    const key = base32Encode(secret)
    return { sealedSecret, keyText: keyInGroups(key), uri: otpauthUri({ issuer, account: user.email, secret: key }) }
  }

  /** The password again, for turning two-step sign-in off or making new codes; throttled like a sign-in. */
  async function reauthenticate(user: User, password: string, source: string | undefined): Promise<FieldError | null> {
    // Nothing typed is no guess: not counted by the throttle.
    if (!password) return { field: 'password', message: 'Enter your password' }
    const credentials = await accounts.repository.findCredentials({ id: user.id })
    if (!credentials || credentials.user.disabled || credentials.passwordHash === null) {
      throw new PermissionDenied('account:change-own-password')
    }
    const decision = await accounts.throttle.begin(credentials.user.email, throttleSource(source))
    if (!decision.allowed) {
      return {
        field: 'password',
        message: `Too many wrong passwords. Wait ${waitMessage(decision.retryAfterSeconds)}, then try again`,
      }
    }
    if (password.length > MAXIMUM_PASSWORD_LENGTH || !(await verifyPassword(credentials.passwordHash, password))) {
      log({ event: 'reauthentication', outcome: 'refused', userId: user.id, source: throttleSource(source) })
      return { field: 'password', message: 'Your password is not right' }
    }
    await accounts.throttle.succeeded(decision.attempt)
    return null
  }

  /**
   * A second step tried at sign-in, throttled like a password: `decide` settles the outcome inside the audited
   * transaction (marking a time step or a recovery code used there), and the outcome is written to the audit trail
   * with it, then to the security log, as sign-in events are (src/accounts/sign-in-audit.ts): actions
   * `sign-in-second-step`, `sign-in-second-step-failed`, and `sign-in-second-step-throttled` for the first attempt
   * refused in each wait (refused attempts cost an attacker nothing: one row each would let anyone fill the trail).
   */
  async function secondStep(
    userId: number,
    method: 'authenticator' | 'recovery-code',
    clientAddress: string | undefined,
    decide: (trx: Kysely<DatabaseSchema>) => Promise<SecondStepOutcome>,
  ): Promise<SecondStepOutcome> {
    const source = throttleSource(clientAddress)
    const address = addressForAudit(clientAddress)
    const user = await accounts.repository.findUser(userId)
    const actor = user?.email ?? `user ${userId}`
    const decision = await throttle.begin(throttleAccount(userId), source)
    if (!decision.allowed) {
      log({ event: 'sign-in-second-step', outcome: 'throttled', method, userId, source })
      if (decision.firstRefusal) {
        await withAuditedTransaction(database, (trx) =>
          audit.append(trx, {
            actor,
            action: signInAuditActions.secondStepThrottled,
            entityType: 'user',
            entityKey: String(userId),
            before: null,
            after: { method, address, retryAfterSeconds: decision.retryAfterSeconds },
          }),
        )
      }
      return { outcome: 'throttled', retryAfterSeconds: decision.retryAfterSeconds }
    }
    const outcome = await withAuditedTransaction(database, async (trx) => {
      const decided = await decide(trx)
      await audit.append(trx, {
        actor,
        action: decided.outcome === 'accepted' ? signInAuditActions.secondStep : signInAuditActions.secondStepFailed,
        entityType: 'user',
        entityKey: String(userId),
        before: null,
        after: {
          method,
          address,
          ...(decided.outcome === 'refused' ? { reason: decided.reason } : {}),
          ...(decided.outcome === 'accepted' && decided.recoveryCodesLeft !== null
            ? { recoveryCodesLeft: decided.recoveryCodesLeft }
            : {}),
        },
      })
      return decided
    })
    log({
      event: 'sign-in-second-step',
      outcome: outcome.outcome === 'accepted' ? 'signed-in' : 'refused',
      ...(outcome.outcome === 'refused' ? { reason: outcome.reason } : {}),
      method,
      userId,
      source,
    })
    if (outcome.outcome === 'accepted') await throttle.succeeded(decision.attempt)
    return outcome
  }

  return {
    policy,

    /** True when the policy says this user must have two-step sign-in. */
    requiredFor,

    async status(user: User): Promise<TwoStepStatus> {
      const stored = await repository.find(user.id)
      return {
        enabled: stored !== null,
        enabledAt: stored?.enabledAt ?? null,
        recoveryCodesLeft: stored ? await repository.countUnusedRecoveryCodes(user.id) : 0,
        required: requiredFor(user),
      }
    },

    /**
     * After a correct password: `enter-code` when the user has two-step sign-in on, `set-up` when the policy says
     * they must have it and they do not yet (before anything else), else `signed-in`.
     */
    async afterPassword(user: User): Promise<AfterPassword> {
      if (await repository.find(user.id)) return 'enter-code'
      return requiredFor(user) ? 'set-up' : 'signed-in'
    },

    /** A new 160-bit secret to set up, sealed for the session. Nothing is stored until a code from it is confirmed. */
    newEnrolment(user: User): Enrolment {
      const sealed = box.seal(randomBytes(TOTP_SECRET_BYTES), secretContext(user.id))
      return enrolmentOf(user, sealed) as Enrolment
    },

    /** The enrolment a sealed secret (from the session) describes; null if it is not this user's or was altered. */
    enrolment(user: User, sealedSecret: string): Enrolment | null {
      return enrolmentOf(user, sealedSecret)
    },

    /**
     * Switches two-step sign-in on once the user types a current code from the secret being set up. Returns the
     * recovery codes (to show once; only their hashes are kept). The code's time step counts as used.
     */
    async confirmEnrolment(
      user: User,
      sealedSecret: string,
      typedCode: string,
    ): Promise<Result<{ recoveryCodes: readonly string[] }>> {
      const code = typedCode.replace(/[\s-]/g, '')
      if (!code)
        return { ok: false, errors: [{ field: 'code', message: 'Enter the code from your authenticator app' }] }
      if (!/^\d{6}$/.test(code)) {
        return { ok: false, errors: [{ field: 'code', message: 'The code must be 6 digits, like 123456' }] }
      }
      const secret = box.open(sealedSecret, secretContext(user.id))
      if (!secret) throw new Error('The secret being set up could not be opened')
      const step = matchingStep(secret, code, clock.now().getTime(), null)
      if (step === null) {
        return {
          ok: false,
          errors: [
            {
              field: 'code',
              message: 'The code is not right: check the time on your phone is correct, then enter the newest code',
            },
          ],
        }
      }
      const recoveryCodes = generateRecoveryCodes()
      const at = nowIso()
      const enabled = await withAuditedTransaction(database, async (trx) => {
        const stored = await repository.enable(
          {
            userId: user.id,
            // Sealed afresh: the session's copy and the stored one never share an IV.
            secretSealed: box.seal(secret, secretContext(user.id)),
            lastUsedStep: step,
            codeHashes: recoveryCodes.map(recoveryCodeHash),
            at,
          },
          trx,
        )
        if (!stored) return false
        await audit.append(trx, {
          actor: user.email,
          action: signInAuditActions.twoStepTurnedOn,
          entityType: 'user',
          entityKey: String(user.id),
          before: { twoStep: 'off' },
          after: { twoStep: 'on', method: 'authenticator app', recoveryCodes: recoveryCodes.length },
        })
        return true
      })
      if (!enabled) {
        return {
          ok: false,
          errors: [{ field: 'code', message: 'Two-step sign-in is already on for your account' }],
        }
      }
      log({ event: 'two-step-turned-on', userId: user.id })
      return { ok: true, recoveryCodes }
    },

    /**
     * The second step at sign-in with a code from the authenticator app: throttled, ±1 step of drift, each time
     * step accepted once (a replayed code is refused even within its 30 seconds).
     */
    async verifyCode(userId: number, typedCode: string, address: string | undefined): Promise<SecondStepOutcome> {
      const code = typedCode.replace(/\s/g, '')
      return secondStep(userId, 'authenticator', address, async (trx) => {
        const stored = await repository.find(userId, trx)
        if (!stored) return { outcome: 'refused', reason: 'not-set-up' }
        const secret = box.open(stored.secretSealed, secretContext(userId))
        if (!secret) return { outcome: 'refused', reason: 'unreadable' }
        const now = clock.now().getTime()
        const step = matchingStep(secret, code, now, stored.lastUsedStep)
        if (step === null) {
          // A code that would match but for the last used step is a replay: said so, and refused all the same.
          const reused = stored.lastUsedStep !== null && matchingStep(secret, code, now, null) !== null
          return { outcome: 'refused', reason: reused ? 'reused-code' : 'wrong-code' }
        }
        // Conditional on no later step having been used: of two requests racing with one code, one wins.
        if (!(await repository.useStep(userId, step, nowIso(), trx))) {
          return { outcome: 'refused', reason: 'reused-code' }
        }
        return { outcome: 'accepted', recoveryCodesLeft: null }
      })
    },

    /** The second step with a recovery code instead: each code works once. */
    async verifyRecoveryCode(
      userId: number,
      typedCode: string,
      address: string | undefined,
    ): Promise<SecondStepOutcome> {
      const normalised = normaliseRecoveryCode(typedCode)
      return secondStep(userId, 'recovery-code', address, async (trx) => {
        if (!(await repository.find(userId, trx))) return { outcome: 'refused', reason: 'not-set-up' }
        if (normalised === null) return { outcome: 'refused', reason: 'wrong-code' }
        if (!(await repository.useRecoveryCode(userId, recoveryCodeHash(normalised), nowIso(), trx))) {
          return { outcome: 'refused', reason: 'wrong-code' }
        }
        return { outcome: 'accepted', recoveryCodesLeft: await repository.countUnusedRecoveryCodes(userId, trx) }
      })
    },

    /**
     * Turns two-step sign-in off after the password is typed again. Allowed when the policy requires it too, to move
     * to a new phone: the page then sets it up again at once, and the next sign-in insists on it.
     */
    async turnOff(user: User, password: string, address: string | undefined): Promise<Result<object>> {
      const problem = await reauthenticate(user, password, address)
      if (problem) return { ok: false, errors: [problem] }
      const removed = await withAuditedTransaction(database, async (trx) => {
        const left = await repository.countUnusedRecoveryCodes(user.id, trx)
        if (!(await repository.remove(user.id, trx))) return false
        await audit.append(trx, {
          actor: user.email,
          action: signInAuditActions.twoStepTurnedOff,
          entityType: 'user',
          entityKey: String(user.id),
          before: { twoStep: 'on', recoveryCodesLeft: left },
          after: { twoStep: 'off' },
        })
        return true
      })
      if (removed) log({ event: 'two-step-turned-off', userId: user.id })
      return { ok: true }
    },

    /** A new set of recovery codes after the password is typed again; the old ones stop working. */
    async newRecoveryCodes(
      user: User,
      password: string,
      address: string | undefined,
    ): Promise<Result<{ recoveryCodes: readonly string[] }>> {
      const problem = await reauthenticate(user, password, address)
      if (problem) return { ok: false, errors: [problem] }
      const recoveryCodes = generateRecoveryCodes()
      const done = await withAuditedTransaction(database, async (trx) => {
        if (!(await repository.find(user.id, trx))) return false
        const left = await repository.countUnusedRecoveryCodes(user.id, trx)
        await repository.replaceRecoveryCodes(user.id, recoveryCodes.map(recoveryCodeHash), nowIso(), trx)
        await audit.append(trx, {
          actor: user.email,
          action: signInAuditActions.newRecoveryCodes,
          entityType: 'user',
          entityKey: String(user.id),
          before: { recoveryCodesLeft: left },
          after: { recoveryCodesLeft: recoveryCodes.length },
        })
        return true
      })
      if (!done) return { ok: false, errors: [{ field: 'password', message: 'Two-step sign-in is not on' }] }
      log({ event: 'two-step-new-recovery-codes', userId: user.id })
      return { ok: true, recoveryCodes }
    },

    /**
     * An administrator's reset (a lost phone and no recovery codes left): the secret and codes are deleted and
     * every session of the user ends, so they set it up again at their next sign-in when the policy requires it.
     * Returns whether it was on.
     */
    async reset(actor: Actor, userId: number): Promise<{ user: User; wasOn: boolean }> {
      if ('user' in actor && !can(actor.user, 'user:manage')) throw new PermissionDenied('user:manage')
      const result = await withAuditedTransaction(database, async (trx) => {
        const user = await accounts.repository.findUser(userId, trx)
        if (!user) throw new NotFound(`No user ${userId}`)
        const left = await repository.countUnusedRecoveryCodes(userId, trx)
        const wasOn = await repository.remove(userId, trx)
        const ended = await accounts.sessions.removeAllForUser(userId, trx)
        await audit.append(trx, {
          actor: 'user' in actor ? actor.user.email : actor.system,
          action: signInAuditActions.twoStepReset,
          entityType: 'user',
          entityKey: String(userId),
          before: wasOn ? { twoStep: 'on', recoveryCodesLeft: left } : { twoStep: 'off' },
          after: { twoStep: 'off', sessionsEnded: ended },
        })
        return { user, wasOn }
      })
      log({ event: 'two-step-reset', userId, by: 'user' in actor ? actor.user.id : actor.system })
      return result
    },

    /** Deletes second-step failure counts old enough to be forgotten. */
    prune: () => throttle.prune(),
  }
}

export type TwoStepService = ReturnType<typeof createTwoStepService>
