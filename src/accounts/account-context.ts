import type { Kysely } from 'kysely'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { withAuditedTransaction } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { partnershipIdOf } from '../db/partnership-scope.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import { createAccountRepository, type User } from './account-repository.ts'
import { systemClock, type Clock } from './clock.ts'
import { can, PermissionDenied, type Action } from './permissions.ts'
import { DatabaseSessionStore } from './session-store.ts'
import type { SignInAuditAction } from './sign-in-audit.ts'
import { createSignInThrottle, type ThrottlePolicy } from './sign-in-throttle.ts'

/** Who is making a change: a signed-in user, or the system itself (first start, demo data, the command line). */
export type Actor = { readonly user: User } | { readonly system: string }

/** A problem with one field of a form, worded for the GOV.UK error summary. */
export interface FieldError {
  readonly field: string
  readonly message: string
}

export type Result<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly errors: readonly FieldError[] }

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

export const MAXIMUM_EMAIL_LENGTH = 254
export const MAXIMUM_NAME_LENGTH = 200

/** Asked for a user or token that does not exist; the web layer answers 404. */
export class NotFound extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'NotFound'
  }
}

/**
 * What every part of the account service shares: the database and audit trail, the repository in this scope (a
 * partnership's, or the instance's), sessions, the sign-in throttle, the clock, the security log, and the few
 * helpers every change uses (who the actor is, the permission check, what the audit keeps of a user). Built once by
 * `createAccountService` and handed to each part (sign-in, users, agencies, first start, API tokens).
 */
export function createAccountContext(options: AccountServiceOptions) {
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

  return {
    database,
    audit,
    clock,
    log,
    repository,
    idleTimeoutSeconds,
    absoluteTimeoutSeconds,
    sessions,
    throttle,
    nowIso,
    actorName,
    auditAuthentication,
    demandActor,
    userSnapshot,
    findUserOrThrow,
  }
}

export type AccountContext = ReturnType<typeof createAccountContext>
