/**
 * Authentication events as the audit trail records them (ASVS 7.1/7.2 ask for authentication decisions to be
 * logged; the audit trail is where an administrator looks). Every event has entity type `user`; its key is the
 * user's id, or `unknown` when the email typed is not an account. These are the actions.
 */
export const signInAuditActions = Object.freeze({
  /** A correct email and password. */
  signedIn: 'sign-in',
  /** A wrong password, an email that is not an account, or a disabled account (one answer for all on the page). */
  failed: 'sign-in-failed',
  /** The first attempt refused in a wait imposed by the sign-in throttle (not every refused attempt: see below). */
  throttled: 'sign-in-throttled',
  signedOut: 'sign-out',
  /** One's own password changed (recorded since before this file, under this name). */
  passwordChanged: 'change-own-password',
  /** A password change refused because the current password given was wrong, or while the throttle said wait. */
  passwordChangeRefused: 'change-own-password-refused',
  /** The second step of two-step sign-in: a code from the app or a recovery code, accepted. */
  secondStep: 'sign-in-second-step',
  secondStepFailed: 'sign-in-second-step-failed',
  secondStepThrottled: 'sign-in-second-step-throttled',
  twoStepTurnedOn: 'two-step-turn-on',
  twoStepTurnedOff: 'two-step-turn-off',
  newRecoveryCodes: 'two-step-new-recovery-codes',
  /** An administrator cleared a user's two-step sign-in; they set it up again at their next sign-in. */
  twoStepReset: 'two-step-reset',
})

export type SignInAuditAction = (typeof signInAuditActions)[keyof typeof signInAuditActions]

/** Every authentication action, for the audit page's filter. */
export const SIGN_IN_AUDIT_ACTIONS: readonly SignInAuditAction[] = Object.freeze(Object.values(signInAuditActions))

/** What the audit trail page (src/audit/web/) says of each authentication event, beside the action's own name. */
export const SIGN_IN_AUDIT_DESCRIPTIONS: Readonly<Record<SignInAuditAction, string>> = Object.freeze({
  [signInAuditActions.signedIn]: 'Signed in',
  [signInAuditActions.failed]: 'Sign-in failed',
  [signInAuditActions.throttled]: 'Sign-in refused: too many failures, must wait',
  [signInAuditActions.signedOut]: 'Signed out',
  [signInAuditActions.passwordChanged]: 'Changed their own password',
  [signInAuditActions.passwordChangeRefused]: 'Password change refused',
  [signInAuditActions.secondStep]: 'Second step of sign-in accepted',
  [signInAuditActions.secondStepFailed]: 'Second step of sign-in failed',
  [signInAuditActions.secondStepThrottled]: 'Second step refused: too many failures, must wait',
  [signInAuditActions.twoStepTurnedOn]: 'Turned two-step sign-in on',
  [signInAuditActions.twoStepTurnedOff]: 'Turned two-step sign-in off',
  [signInAuditActions.newRecoveryCodes]: 'Made new recovery codes',
  [signInAuditActions.twoStepReset]: 'Two-step sign-in reset by an administrator',
})

/** What the audit trail shows when the text typed as an email is not shaped like one. */
export const NOT_AN_EMAIL = '(not an email address)'

const EMAIL_SHAPE = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/
const MAXIMUM_EMAIL_LENGTH = 254

/**
 * The email of a sign-in attempt as the audit trail keeps it: normalised as accounts are (NFC, trimmed, lower
 * case). Text that is not shaped like an email address is not kept at all: people type their password into the
 * email box by mistake, and the audit trail is append-only, so it would stay there for good (ASVS 7.1.1: never log
 * credentials).
 *
 * @example
 *   emailForAudit('  Jane.Analyst@Example.org ') // 'jane.analyst@example.org'
 *   emailForAudit('maple-quartz-ribbon') // '(not an email address)'
 */
export function emailForAudit(typed: string): string {
  const email = typed.normalize('NFC').trim().toLowerCase()
  return email.length <= MAXIMUM_EMAIL_LENGTH && EMAIL_SHAPE.test(email) ? email : NOT_AN_EMAIL
}

/**
 * The client's address as recorded: as Express reports it (`req.ip`, which honours TRUST_PROXY), at most 64
 * characters (an IPv6 address with a zone is 45 at most), or `unknown`.
 */
export function addressForAudit(address: string | undefined): string {
  if (!address) return 'unknown'
  return address.slice(0, 64)
}
