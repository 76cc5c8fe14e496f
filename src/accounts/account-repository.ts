import type { Kysely, Selectable } from 'kysely'
import type { DatabaseSchema } from '../db/schema.ts'
import type { ApiTokensTable, UsersTable } from './accounts-schema.ts'
import { ownerNameKey } from './data-owner-names.ts'
import { isRole, type Role } from './roles.ts'

/** A partner agency. */
export interface Agency {
  readonly id: number
  readonly code: string
  readonly name: string
}

/** A partner agency with the names it goes by in the performance framework's Owner column (in the order given). */
export interface AgencyWithOwnerNames extends Agency {
  readonly ownerNames: readonly string[]
}

/** How many people and machines act for an agency. */
export interface AgencyCounts {
  /** Accounts of the agency that are not disabled. */
  readonly activeUsers: number
  /** API tokens of the agency neither revoked nor expired. */
  readonly liveApiTokens: number
}

/** A user as the application sees them (never with the password hash). */
export interface User {
  readonly id: number
  readonly email: string
  readonly name: string
  readonly role: Role
  readonly agencyId: number | null
  readonly agency: Agency | null
  readonly disabled: boolean
  readonly mustChangePassword: boolean
  readonly createdAt: string
  readonly updatedAt: string
  readonly passwordChangedAt: string | null
  readonly lastSignedInAt: string | null
}

export interface ApiToken {
  readonly id: number
  readonly agencyId: number
  readonly name: string
  readonly tokenPrefix: string
  readonly createdBy: number | null
  readonly createdAt: string
  readonly expiresAt: string | null
  readonly revokedAt: string | null
  readonly lastUsedAt: string | null
}

export interface NewUserRow {
  readonly email: string
  readonly name: string
  readonly role: Role
  readonly agencyId: number | null
  readonly passwordHash: string | null
  readonly mustChangePassword: boolean
  readonly at: string
}

export type UserChanges = Partial<{
  name: string
  role: Role
  agencyId: number | null
  disabled: boolean
  passwordHash: string | null
  mustChangePassword: boolean
  passwordChangedAt: string | null
  lastSignedInAt: string | null
}>

/** A database handle or a transaction: every method takes one, so that a service can group writes. */
type Executor = Kysely<DatabaseSchema>

/**
 * Emails are compared case-insensitively: stored and looked up trimmed, in Unicode NFC and lower case.
 *
 * @example
 *   normaliseEmail('  Jane.Analyst@Example.ORG ') // 'jane.analyst@example.org'
 */
export function normaliseEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase()
}

/**
 * Agencies, users and API tokens: the only place with their SQL. Plain functions over a Kysely handle, each
 * taking an optional transaction.
 */
export function createAccountRepository(db: Kysely<DatabaseSchema>) {
  const userColumns = [
    'users.id',
    'users.email',
    'users.name',
    'users.role',
    'users.agency_id',
    'users.disabled',
    'users.must_change_password',
    'users.created_at',
    'users.updated_at',
    'users.password_changed_at',
    'users.last_signed_in_at',
    'agencies.code as agency_code',
    'agencies.name as agency_name',
  ] as const

  const selectUsers = (executor: Executor) =>
    executor.selectFrom('users').leftJoin('agencies', 'agencies.id', 'users.agency_id').select(userColumns)

  return {
    /** Every agency, by name, each with its owner names. */
    async listAgencies(executor: Executor = db): Promise<AgencyWithOwnerNames[]> {
      const [agencies, names] = await Promise.all([
        executor.selectFrom('agencies').select(['id', 'code', 'name']).orderBy('name').orderBy('code').execute(),
        executor.selectFrom('agency_owner_names').select(['agency_id', 'name']).orderBy('id').execute(),
      ])
      const byAgency = new Map<number, string[]>()
      for (const row of names) byAgency.set(row.agency_id, [...(byAgency.get(row.agency_id) ?? []), row.name])
      return agencies.map((a) => ({ ...a, ownerNames: byAgency.get(a.id) ?? [] }))
    },

    /** Replaces an agency's owner names with these, in this order (the caller checks them first). */
    async replaceOwnerNames(agencyId: number, names: readonly string[], executor: Executor = db): Promise<void> {
      await executor.deleteFrom('agency_owner_names').where('agency_id', '=', agencyId).execute()
      if (names.length === 0) return
      await executor
        .insertInto('agency_owner_names')
        .values(names.map((name) => ({ agency_id: agencyId, name, name_key: ownerNameKey(name) })))
        .execute()
    },

    /** Active users and live API tokens per agency id (agencies with neither are absent). */
    async agencyCounts(now: string, executor: Executor = db): Promise<Map<number, AgencyCounts>> {
      const [users, tokens] = await Promise.all([
        executor
          .selectFrom('users')
          .select(['agency_id', (eb) => eb.fn.countAll<number>().as('count')])
          .where('disabled', '=', 0)
          .where('agency_id', 'is not', null)
          .groupBy('agency_id')
          .execute(),
        executor
          .selectFrom('api_tokens')
          .select(['agency_id', (eb) => eb.fn.countAll<number>().as('count')])
          .where('revoked_at', 'is', null)
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
          .groupBy('agency_id')
          .execute(),
      ])
      const counts = new Map<number, AgencyCounts>()
      const entry = (id: number) => counts.get(id) ?? { activeUsers: 0, liveApiTokens: 0 }
      for (const row of users) {
        if (row.agency_id === null) continue
        counts.set(row.agency_id, { ...entry(row.agency_id), activeUsers: Number(row.count) })
      }
      for (const row of tokens) counts.set(row.agency_id, { ...entry(row.agency_id), liveApiTokens: Number(row.count) })
      return counts
    },

    async findAgency(id: number, executor: Executor = db): Promise<Agency | null> {
      const row = await executor
        .selectFrom('agencies')
        .select(['id', 'code', 'name'])
        .where('id', '=', id)
        .executeTakeFirst()
      return row ?? null
    },

    async findAgencyByCode(code: string, executor: Executor = db): Promise<Agency | null> {
      const row = await executor
        .selectFrom('agencies')
        .select(['id', 'code', 'name'])
        .where('code', '=', code)
        .executeTakeFirst()
      return row ?? null
    },

    async insertAgency(agency: { code: string; name: string; at: string }, executor: Executor = db): Promise<Agency> {
      const row = await executor
        .insertInto('agencies')
        .values({ code: agency.code, name: agency.name, created_at: agency.at })
        .returning(['id', 'code', 'name'])
        .executeTakeFirstOrThrow()
      return row
    },

    async updateAgency(id: number, changes: { code?: string; name?: string }, executor: Executor = db): Promise<void> {
      await executor.updateTable('agencies').set(changes).where('id', '=', id).execute()
    },

    async countUsers(executor: Executor = db): Promise<number> {
      const row = await executor
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow()
      return Number(row.count)
    },

    async listUsers(executor: Executor = db): Promise<User[]> {
      const rows = await selectUsers(executor).orderBy('users.name').orderBy('users.email').execute()
      return rows.map(toUser)
    },

    async findUser(id: number, executor: Executor = db): Promise<User | null> {
      const row = await selectUsers(executor).where('users.id', '=', id).executeTakeFirst()
      return row ? toUser(row) : null
    },

    async findUserByEmail(email: string, executor: Executor = db): Promise<User | null> {
      const row = await selectUsers(executor).where('users.email', '=', normaliseEmail(email)).executeTakeFirst()
      return row ? toUser(row) : null
    },

    /** The user and their password hash, for signing in and changing the password only. */
    async findCredentials(
      where: { email: string } | { id: number },
      executor: Executor = db,
    ): Promise<{ user: User; passwordHash: string | null } | null> {
      let query = selectUsers(executor).select('users.password_hash')
      query =
        'email' in where
          ? query.where('users.email', '=', normaliseEmail(where.email))
          : query.where('users.id', '=', where.id)
      const row = await query.executeTakeFirst()
      return row ? { user: toUser(row), passwordHash: row.password_hash } : null
    },

    async insertUser(user: NewUserRow, executor: Executor = db): Promise<number> {
      const row = await executor
        .insertInto('users')
        .values({
          email: normaliseEmail(user.email),
          name: user.name,
          role: user.role,
          agency_id: user.agencyId,
          disabled: 0,
          password_hash: user.passwordHash,
          must_change_password: user.mustChangePassword ? 1 : 0,
          created_at: user.at,
          updated_at: user.at,
          password_changed_at: user.passwordHash ? user.at : null,
          last_signed_in_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    },

    async updateUser(id: number, changes: UserChanges & { at: string }, executor: Executor = db): Promise<void> {
      const set: Partial<Selectable<UsersTable>> = { updated_at: changes.at }
      if (changes.name !== undefined) set.name = changes.name
      if (changes.role !== undefined) set.role = changes.role
      if (changes.agencyId !== undefined) set.agency_id = changes.agencyId
      if (changes.disabled !== undefined) set.disabled = changes.disabled ? 1 : 0
      if (changes.passwordHash !== undefined) set.password_hash = changes.passwordHash
      if (changes.mustChangePassword !== undefined) set.must_change_password = changes.mustChangePassword ? 1 : 0
      if (changes.passwordChangedAt !== undefined) set.password_changed_at = changes.passwordChangedAt
      if (changes.lastSignedInAt !== undefined) set.last_signed_in_at = changes.lastSignedInAt
      await executor.updateTable('users').set(set).where('id', '=', id).execute()
    },

    async insertApiToken(
      token: {
        agencyId: number
        name: string
        tokenHash: string
        tokenPrefix: string
        createdBy: number | null
        at: string
        expiresAt: string | null
      },
      executor: Executor = db,
    ): Promise<ApiToken> {
      const row = await executor
        .insertInto('api_tokens')
        .values({
          agency_id: token.agencyId,
          name: token.name,
          token_hash: token.tokenHash,
          token_prefix: token.tokenPrefix,
          created_by: token.createdBy,
          created_at: token.at,
          expires_at: token.expiresAt,
          revoked_at: null,
          last_used_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return toApiToken(row)
    },

    async listApiTokens(filter: { agencyId?: number } = {}, executor: Executor = db): Promise<ApiToken[]> {
      let query = executor.selectFrom('api_tokens').selectAll()
      if (filter.agencyId !== undefined) query = query.where('agency_id', '=', filter.agencyId)
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute()
      return rows.map(toApiToken)
    },

    async findApiToken(id: number, executor: Executor = db): Promise<ApiToken | null> {
      const row = await executor.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst()
      return row ? toApiToken(row) : null
    },

    async findApiTokenByHash(tokenHash: string, executor: Executor = db): Promise<ApiToken | null> {
      const row = await executor
        .selectFrom('api_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst()
      return row ? toApiToken(row) : null
    },

    async revokeApiToken(id: number, at: string, executor: Executor = db): Promise<void> {
      await executor
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute()
    },

    async markApiTokenUsed(id: number, at: string, executor: Executor = db): Promise<void> {
      await executor.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute()
    },
  }
}

export type AccountRepository = ReturnType<typeof createAccountRepository>

interface UserRow {
  id: number
  email: string
  name: string
  role: string
  agency_id: number | null
  disabled: number
  must_change_password: number
  created_at: string
  updated_at: string
  password_changed_at: string | null
  last_signed_in_at: string | null
  agency_code: string | null
  agency_name: string | null
}

function toUser(row: UserRow): User {
  // The database's CHECK keeps roles known; refusing here too means a bad row can never grant anything.
  if (!isRole(row.role)) throw new Error(`User ${row.id} has an unknown role "${row.role}"`)
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    agencyId: row.agency_id,
    agency:
      row.agency_id !== null && row.agency_code !== null && row.agency_name !== null
        ? { id: row.agency_id, code: row.agency_code, name: row.agency_name }
        : null,
    disabled: row.disabled === 1,
    mustChangePassword: row.must_change_password === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    passwordChangedAt: row.password_changed_at,
    lastSignedInAt: row.last_signed_in_at,
  }
}

function toApiToken(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: row.id,
    agencyId: row.agency_id,
    name: row.name,
    tokenPrefix: row.token_prefix,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  }
}
