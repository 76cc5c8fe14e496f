import type { Generated } from 'kysely'

/**
 * The tables of accounts, sessions, sign-in throttling and API tokens, as Kysely sees them
 * (created by `src/db/migrations/0002-accounts.ts`). Times are ISO 8601 UTC text; booleans are 0/1.
 */
export interface AccountTables {
  agencies: AgenciesTable
  users: UsersTable
  sessions: SessionsTable
  sign_in_throttle: SignInThrottleTable
  api_tokens: ApiTokensTable
  agency_owner_names: AgencyOwnerNamesTable
}

/** A partner agency: the police, the Youth Offending Team, Public Health, the fire service… */
export interface AgenciesTable {
  id: Generated<number>
  /** A short stable code, e.g. `WMP`, `YOT`; unique. */
  code: string
  name: string
  created_at: string
}

/**
 * The names an agency goes by in the performance framework's Owner column (migration 0008), which decide the KPIs
 * it owns (src/accounts/data-owner-names.ts). `name_key` is `ownerNameKey(name)`, unique across agencies.
 */
export interface AgencyOwnerNamesTable {
  id: Generated<number>
  agency_id: number
  /** As the administrator typed it (trimmed, single spaces). */
  name: string
  name_key: string
}

export interface UsersTable {
  id: Generated<number>
  /** Stored trimmed and lower-cased, so that uniqueness is case-insensitive on both databases. */
  email: string
  name: string
  /** 1: manages the instance's partnerships. A person's role is per partnership (`memberships`, migration 0013). */
  instance_administrator: number
  disabled: number
  /** An argon2id PHC string; null means the account cannot sign in with a password. */
  password_hash: string | null
  /** 1 after a one-time password was issued: the user must choose their own at the next sign-in. */
  must_change_password: number
  created_at: string
  updated_at: string
  password_changed_at: string | null
  last_signed_in_at: string | null
}

/**
 * Web sessions. The key is a SHA-256 of the session id, so that a copy of the database does not hand out
 * live sessions. `user_id` lets every session of a user be ended at once (disabling, password change).
 */
export interface SessionsTable {
  sid_hash: string
  user_id: number | null
  /** The session as JSON. */
  data: string
  /** Idle timeout: pushed forward on every request. */
  expires_at: string
  /** Absolute timeout: fixed when the session is created (a new one at sign-in). */
  absolute_expires_at: string
  created_at: string
}

/**
 * Failed sign-in counters, one row per account (email as typed, known or not), per source address, and per
 * account and source together. The key is a SHA-256 of kind and value, so no email or address is stored.
 */
export interface SignInThrottleTable {
  key_hash: string
  kind: string
  failures: number
  last_failure_at: string
  /** The `last_failure_at` whose wait has had its first refused attempt audited (migration 0012); else null. */
  refusal_reported_at: string | null
}

/** Tokens for machine access on behalf of an agency. Only a SHA-256 of the token is kept. */
export interface ApiTokensTable {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
  agency_id: number
  /** What the token is for, e.g. "YOT case system nightly upload". */
  name: string
  token_hash: string
  /** The first characters of the token, shown in lists so that a token can be recognised. */
  token_prefix: string
  created_by: number | null
  created_at: string
  expires_at: string | null
  revoked_at: string | null
  last_used_at: string | null
}
