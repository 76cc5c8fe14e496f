import type { Generated } from 'kysely'

/**
 * Two-step sign-in's tables as Kysely sees them (created by src/db/migrations/0011-two-step.ts). A row in
 * `two_step_credentials` means the user has two-step sign-in on; a secret being set up lives only in the user's
 * session (sealed) until a code from it is confirmed.
 */
export interface TwoStepTables {
  two_step_credentials: TwoStepCredentialsTable
  two_step_recovery_codes: TwoStepRecoveryCodesTable
}

export interface TwoStepCredentialsTable {
  user_id: number
  /** The authenticator secret, sealed with AES-256-GCM (src/accounts/two-step/secret-box.ts), never in clear. */
  secret_sealed: string
  enabled_at: string
  /** The RFC 6238 time step of the last code accepted: that code and every earlier one are refused (no replay). */
  last_used_step: number | null
  updated_at: string
}

export interface TwoStepRecoveryCodesTable {
  id: Generated<number>
  user_id: number
  /** SHA-256 of the normalised code (src/accounts/two-step/recovery-codes.ts). */
  code_hash: string
  created_at: string
  /** When the code was used; a used code never works again. */
  used_at: string | null
}
