import { accountSetup } from './account-setup.ts'
import { agencyRemoval } from './agency-removal.ts'
import { createAccountContext, type AccountServiceOptions } from './account-context.ts'
import { agencyAdministration } from './agency-administration.ts'
import { apiTokenOperations } from './api-token-operations.ts'
import { signInOperations } from './sign-in-operations.ts'
import { userAdministration } from './user-administration.ts'

// The account service's vocabulary, from the modules that own it, so that callers keep one import.
export {
  NotFound,
  type AccountServiceOptions,
  type Actor,
  type FieldError,
  type Result,
  type SecurityEvent,
} from './account-context.ts'
export type { SignInOutcome } from './sign-in-operations.ts'
export type { NewUser, UserUpdate } from './user-administration.ts'
export type { AgencyUpdate, NewAgency } from './agency-administration.ts'
export { apiTokenHash, type ApiTokenPrincipal } from './api-token-operations.ts'

/**
 * Accounts: signing in, the user behind a session, passwords, and the administration of users, agencies and
 * API tokens. Every change is written with its audit event in one transaction; every administrative action
 * asks the permission policy first.
 *
 * A thin composition: each concern lives in a module of its own over one shared context (repository in this scope,
 * sessions, throttle, clock, security log) — sign-in and passwords (`sign-in-operations.ts`), users
 * (`user-administration.ts`), agencies (`agency-administration.ts`), first start (`account-setup.ts`) and API
 * tokens (`api-token-operations.ts`). Callers see one service, as before.
 *
 * @example
 *   const accounts = createAccountService({ database, audit })
 *   const result = await accounts.signIn({ email: 'admin@example.org', password, source: req.ip })
 */
export function createAccountService(options: AccountServiceOptions) {
  const context = createAccountContext(options)
  return {
    repository: context.repository,
    sessions: context.sessions,
    throttle: context.throttle,
    clock: context.clock,
    idleTimeoutSeconds: context.idleTimeoutSeconds,
    absoluteTimeoutSeconds: context.absoluteTimeoutSeconds,
    /** Records a security event (sign-in, refusal, permission denied) in the security log. */
    log: context.log,
    ...signInOperations(context),
    ...userAdministration(context),
    ...agencyAdministration(context),
    ...agencyRemoval(context),
    ...accountSetup(context),
    ...apiTokenOperations(context),
  }
}

export type AccountService = ReturnType<typeof createAccountService>
