import type { Kysely, Selectable } from 'kysely'
import type { DatabaseSchema } from '../db/schema.ts'
import { compiledOnce } from '../db/compiled-once.ts'
import type { ApiTokensTable, UsersTable } from './accounts-schema.ts'
import { ownerNameKey } from './data-owner-names.ts'
import { isRole, type Role } from './roles.ts'
import { isTwoStepPolicy, type TwoStepPolicy } from '../config.ts'

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
  /** Manages the instance's partnerships (and is an administrator in every partnership). */
  readonly instanceAdministrator: boolean
  /** The partnerships the person belongs to, with their role in each (by partnership id). */
  readonly memberships: readonly Membership[]
}

/** A person's role in one partnership. */
export interface Membership {
  readonly partnershipId: number
  /** The partnership's name and address (`/p/<slug>`), for the menu that lets a person switch between theirs. */
  readonly partnershipName: string
  readonly partnershipSlug: string
  readonly role: Role
  readonly agencyId: number | null
  /** The agency a data owner sends returns for there. */
  readonly agency: Agency | null
  /** The partnership's own two-step sign-in policy; null: the instance's. */
  readonly twoStepPolicy: TwoStepPolicy | null
}

export interface ApiToken {
  readonly id: number
  /** The partnership the token sends returns to. */
  readonly partnershipId: number
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

/** The agencies that serve a partnership, as a subquery. */
function linkedAgenciesOf(executor: Executor, partnershipId: number) {
  return executor
    .selectFrom('partnership_agencies')
    .select('partnership_agencies.agency_id')
    .where('partnership_agencies.partnership_id', '=', partnershipId)
}

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
export function createAccountRepository(db: Kysely<DatabaseSchema>, partnershipId: number | null = null) {
  const userColumns = [
    'users.id',
    'users.email',
    'users.name',
    'users.instance_administrator',
    'users.disabled',
    'users.must_change_password',
    'users.created_at',
    'users.updated_at',
    'users.password_changed_at',
    'users.last_signed_in_at',
  ] as const

  /**
   * Users as this scope sees them. In a partnership: its members (with their role there) and the instance's
   * administrators (administrators everywhere); anyone else is not there at all. For the instance: everyone, with
   * the role they hold in their first partnership (an instance administrator: administrator).
   */
  const selectUsers = (executor: Executor) => {
    const query = executor.selectFrom('users').select(userColumns)
    if (partnershipId === null) return query
    return query.where((eb) =>
      eb.or([
        eb('users.instance_administrator', '=', 1),
        eb.exists(
          eb
            .selectFrom('memberships')
            .select('memberships.user_id')
            .whereRef('memberships.user_id', '=', 'users.id')
            .where('memberships.partnership_id', '=', partnershipId),
        ),
      ]),
    )
  }

  const linkedAgencies = (executor: Executor) => linkedAgenciesOf(executor, partnershipId ?? 0)

  /** A user's memberships of every partnership, with the partnership's and agency's names. */
  const selectMemberships = (executor: Executor) =>
    executor
      .selectFrom('memberships')
      .leftJoin('agencies', 'agencies.id', 'memberships.agency_id')
      .innerJoin('partnerships', 'partnerships.id', 'memberships.partnership_id')
      .select([
        'partnerships.two_step_policy',
        'partnerships.name as partnership_name',
        'partnerships.slug as partnership_slug',
        'memberships.user_id',
        'memberships.partnership_id',
        'memberships.role',
        'memberships.agency_id',
        'agencies.code as agency_code',
        'agencies.name as agency_name',
      ])
      .orderBy('memberships.partnership_id')
  // The signed-in person and their memberships are read on every page: compiled once (src/db/compiled-once.ts).
  const userById = compiledOnce((id) =>
    selectUsers(db)
      .where('users.id', '=', id as number)
      .compile(),
  )
  const membershipsOfUser = compiledOnce((id) =>
    selectMemberships(db)
      .where('memberships.user_id', '=', id as number)
      .compile(),
  )
  /**
   * For the instance (the signed-in person, read on every page): the person and their memberships in one query, one
   * row per membership (the person's columns repeated; one row with no membership for someone in no partnership),
   * where two reads took two statements: SQLite running the five reads of a page was 13-15% of a dashboard view
   * (CPU profile, `npm run bench:web`). Left joins: a membership's partnership always exists (a foreign key), so
   * this is the same as the two reads. Only for the instance's own handle, which no partnership scope rewrites.
   */
  const userWithMembershipsById = compiledOnce((id) =>
    db
      .selectFrom('users')
      .leftJoin('memberships', 'memberships.user_id', 'users.id')
      .leftJoin('agencies', 'agencies.id', 'memberships.agency_id')
      .leftJoin('partnerships', 'partnerships.id', 'memberships.partnership_id')
      .select(userColumns)
      .select([
        'partnerships.two_step_policy',
        'partnerships.name as partnership_name',
        'partnerships.slug as partnership_slug',
        'memberships.partnership_id',
        'memberships.role',
        'memberships.agency_id',
        'agencies.code as agency_code',
        'agencies.name as agency_name',
      ])
      .where('users.id', '=', id as number)
      .orderBy('memberships.partnership_id')
      .compile(),
  )

  /** Rows to users: their memberships and agencies read in two more queries, whatever the number of rows. */
  async function toUsers(rows: readonly UserRow[], executor: Executor): Promise<User[]> {
    if (rows.length === 0) return []
    const ids = rows.map((r) => r.id)
    const memberships =
      rows.length === 1 && executor === db
        ? (await db.executeQuery(membershipsOfUser(ids[0]))).rows
        : await selectMemberships(executor).where('memberships.user_id', 'in', ids).execute()
    const byUser = new Map<number, typeof memberships>()
    for (const m of memberships) byUser.set(m.user_id, [...(byUser.get(m.user_id) ?? []), m])
    return rows.map((row) => toUser(row, byUser.get(row.id) ?? [], partnershipId))
  }

  async function oneUser(row: UserRow | undefined, executor: Executor): Promise<User | null> {
    if (row === undefined) return null
    return (await toUsers([row], executor))[0] ?? null
  }

  /** Sets (or removes, with role null) the user's membership of this scope's partnership. */
  async function setMembership(
    userId: number,
    membership: { role: Role; agencyId: number | null } | null,
    at: string,
    executor: Executor,
  ): Promise<void> {
    if (partnershipId === null) throw new Error('A role is held in a partnership: use a partnership-scoped service')
    if (membership === null) {
      await executor
        .deleteFrom('memberships')
        .where('user_id', '=', userId)
        .where('partnership_id', '=', partnershipId)
        .execute()
      return
    }
    const agencyId = membership.agencyId
    const updated = await executor
      .updateTable('memberships')
      .set({ role: membership.role, agency_id: agencyId, updated_at: at })
      .where('user_id', '=', userId)
      .where('partnership_id', '=', partnershipId)
      .executeTakeFirst()
    if (Number(updated.numUpdatedRows) > 0) return
    await executor
      .insertInto('memberships')
      .values({
        user_id: userId,
        partnership_id: partnershipId,
        role: membership.role,
        agency_id: agencyId,
        created_at: at,
        updated_at: at,
      })
      .execute()
  }

  /** Agencies with their owner names: those linked to this scope's partnership, those not linked, or all. */
  async function agenciesWithOwnerNames(
    executor: Executor,
    which: 'linked' | 'unlinked' | 'all',
  ): Promise<AgencyWithOwnerNames[]> {
    let agencyQuery = executor.selectFrom('agencies').select(['id', 'code', 'name']).orderBy('name').orderBy('code')
    if (which === 'linked') agencyQuery = agencyQuery.where('id', 'in', linkedAgencies(executor))
    if (which === 'unlinked') agencyQuery = agencyQuery.where('id', 'not in', linkedAgencies(executor))
    const [agencies, names] = await Promise.all([
      agencyQuery.execute(),
      executor.selectFrom('agency_owner_names').select(['agency_id', 'name']).orderBy('id').execute(),
    ])
    const byAgency = new Map<number, string[]>()
    for (const row of names) byAgency.set(row.agency_id, [...(byAgency.get(row.agency_id) ?? []), row.name])
    return agencies.map((a) => ({ ...a, ownerNames: byAgency.get(a.id) ?? [] }))
  }

  return {
    /** The partnership this repository works in; null for the instance. */
    partnershipId,

    /** Every agency that serves this scope's partnership (every agency, for the instance), by name, with owner names. */
    async listAgencies(executor: Executor = db): Promise<AgencyWithOwnerNames[]> {
      return agenciesWithOwnerNames(executor, partnershipId !== null ? 'linked' : 'all')
    },

    /**
     * The instance's agencies that do not serve this scope's partnership yet (none, for the instance), by name, with
     * their owner names: those an administrator may link to it.
     */
    async listUnlinkedAgencies(executor: Executor = db): Promise<AgencyWithOwnerNames[]> {
      if (partnershipId === null) return []
      return agenciesWithOwnerNames(executor, 'unlinked')
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
      let members = executor
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select(['memberships.agency_id', (eb) => eb.fn.count<number>('memberships.user_id').distinct().as('count')])
        .where('users.disabled', '=', 0)
        .where('memberships.agency_id', 'is not', null)
        .groupBy('memberships.agency_id')
      if (partnershipId !== null) members = members.where('memberships.partnership_id', '=', partnershipId)
      const [users, tokens] = await Promise.all([
        members.execute(),
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

    /** An agency that serves this scope's partnership (any agency, for the instance). */
    async findAgency(id: number, executor: Executor = db): Promise<Agency | null> {
      let query = executor.selectFrom('agencies').select(['id', 'code', 'name']).where('id', '=', id)
      if (partnershipId !== null) query = query.where('id', 'in', linkedAgencies(executor))
      return (await query.executeTakeFirst()) ?? null
    },

    /** By code, among every agency of the instance (codes are the instance's: one police force, one code). */
    async findAgencyByCode(code: string, executor: Executor = db): Promise<Agency | null> {
      const row = await executor
        .selectFrom('agencies')
        .select(['id', 'code', 'name'])
        .where('code', '=', code)
        .executeTakeFirst()
      return row ?? null
    },

    /** A new agency; in a partnership's scope it also serves that partnership. */
    async insertAgency(agency: { code: string; name: string; at: string }, executor: Executor = db): Promise<Agency> {
      const row = await executor
        .insertInto('agencies')
        .values({ code: agency.code, name: agency.name, created_at: agency.at })
        .returning(['id', 'code', 'name'])
        .executeTakeFirstOrThrow()
      if (partnershipId !== null) await this.linkAgency(row.id, agency.at, executor)
      return row
    },

    /** An existing agency (another partnership's police force, say) starts serving this scope's partnership. */
    async linkAgency(agencyId: number, at: string, executor: Executor = db): Promise<void> {
      if (partnershipId === null) throw new Error('An agency serves a partnership: use a partnership-scoped service')
      const linked = await executor
        .selectFrom('partnership_agencies')
        .select('agency_id')
        .where('partnership_id', '=', partnershipId)
        .where('agency_id', '=', agencyId)
        .executeTakeFirst()
      if (linked) return
      await executor
        .insertInto('partnership_agencies')
        .values({ partnership_id: partnershipId, agency_id: agencyId, linked_at: at })
        .execute()
    },

    async updateAgency(id: number, changes: { code?: string; name?: string }, executor: Executor = db): Promise<void> {
      await executor.updateTable('agencies').set(changes).where('id', '=', id).execute()
    },

    /** Every account of the instance (whatever the scope: the first start asks whether there are any). */
    async countUsers(executor: Executor = db): Promise<number> {
      const row = await executor
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow()
      return Number(row.count)
    },

    async listUsers(executor: Executor = db): Promise<User[]> {
      const rows = await selectUsers(executor).orderBy('users.name').orderBy('users.email').execute()
      return toUsers(rows, executor)
    },

    async findUser(id: number, executor: Executor = db): Promise<User | null> {
      if (executor === db && partnershipId === null) {
        const rows = (await db.executeQuery(userWithMembershipsById(id))).rows
        const first = rows[0]
        if (first === undefined) return null
        const memberships: MembershipRow[] = []
        for (const r of rows) {
          if (r.partnership_id === null || r.partnership_name === null || r.partnership_slug === null) continue
          if (r.role === null) continue
          memberships.push({
            partnership_id: r.partnership_id,
            partnership_name: r.partnership_name,
            partnership_slug: r.partnership_slug,
            role: r.role,
            agency_id: r.agency_id,
            agency_code: r.agency_code,
            agency_name: r.agency_name,
            two_step_policy: r.two_step_policy,
          })
        }
        return toUser(first, memberships, partnershipId)
      }
      const row =
        executor === db
          ? (await db.executeQuery(userById(id))).rows[0]
          : await selectUsers(executor).where('users.id', '=', id).executeTakeFirst()
      return oneUser(row, executor)
    },

    async findUserByEmail(email: string, executor: Executor = db): Promise<User | null> {
      const row = await selectUsers(executor).where('users.email', '=', normaliseEmail(email)).executeTakeFirst()
      return oneUser(row, executor)
    },

    /** The account with this email anywhere in the instance (to add an existing person to a partnership). */
    async findAccountByEmail(email: string, executor: Executor = db): Promise<{ id: number } | null> {
      const row = await executor
        .selectFrom('users')
        .select('id')
        .where('email', '=', normaliseEmail(email))
        .executeTakeFirst()
      return row ?? null
    },

    setMembership,

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
      const user = await oneUser(row, executor)
      return row && user ? { user, passwordHash: row.password_hash } : null
    },

    /**
     * A new account. In a partnership's scope the role is held there; for the instance, only an instance
     * administrator is made (everyone else belongs to a partnership).
     */
    async insertUser(user: NewUserRow, executor: Executor = db): Promise<number> {
      if (partnershipId === null && user.role !== 'administrator')
        throw new Error('Only an instance administrator is made outside a partnership')
      const row = await executor
        .insertInto('users')
        .values({
          email: normaliseEmail(user.email),
          name: user.name,
          instance_administrator: partnershipId === null ? 1 : 0,
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
      if (partnershipId !== null)
        await setMembership(row.id, { role: user.role, agencyId: user.agencyId }, user.at, executor)
      return row.id
    },

    async updateUser(id: number, changes: UserChanges & { at: string }, executor: Executor = db): Promise<void> {
      const set: Partial<Selectable<UsersTable>> = { updated_at: changes.at }
      if (changes.name !== undefined) set.name = changes.name
      if (changes.disabled !== undefined) set.disabled = changes.disabled ? 1 : 0
      if (changes.passwordHash !== undefined) set.password_hash = changes.passwordHash
      if (changes.mustChangePassword !== undefined) set.must_change_password = changes.mustChangePassword ? 1 : 0
      if (changes.passwordChangedAt !== undefined) set.password_changed_at = changes.passwordChangedAt
      if (changes.lastSignedInAt !== undefined) set.last_signed_in_at = changes.lastSignedInAt
      await executor.updateTable('users').set(set).where('id', '=', id).execute()
      if (changes.role !== undefined) {
        await setMembership(id, { role: changes.role, agencyId: changes.agencyId ?? null }, changes.at, executor)
      }
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
  instance_administrator: number
  disabled: number
  must_change_password: number
  created_at: string
  updated_at: string
  password_changed_at: string | null
  last_signed_in_at: string | null
}

interface MembershipRow {
  partnership_id: number
  partnership_name: string
  partnership_slug: string
  role: string
  agency_id: number | null
  agency_code: string | null
  agency_name: string | null
  two_step_policy: string | null
}

/**
 * The user as one scope sees them: in a partnership, their role there (an instance administrator with no
 * membership there: administrator); for the instance, their role in their first partnership.
 */
function toUser(row: UserRow, memberships: readonly MembershipRow[], partnershipId: number | null): User {
  for (const m of memberships) {
    // The database's CHECK keeps roles known; refusing here too means a bad row can never grant anything.
    if (!isRole(m.role)) throw new Error(`User ${row.id} has an unknown role "${m.role}"`)
  }
  const instanceAdministrator = row.instance_administrator === 1
  const here = partnershipId === null ? memberships[0] : memberships.find((m) => m.partnership_id === partnershipId)
  const role: Role = instanceAdministrator ? 'administrator' : ((here?.role as Role | undefined) ?? 'viewer')
  const agency =
    !instanceAdministrator && here && here.agency_id !== null && here.agency_code !== null && here.agency_name !== null
      ? { id: here.agency_id, code: here.agency_code, name: here.agency_name }
      : null
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role,
    agencyId: agency?.id ?? null,
    agency,
    disabled: row.disabled === 1,
    mustChangePassword: row.must_change_password === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    passwordChangedAt: row.password_changed_at,
    lastSignedInAt: row.last_signed_in_at,
    instanceAdministrator,
    memberships: memberships.map((m) => ({
      partnershipId: m.partnership_id,
      partnershipName: m.partnership_name,
      partnershipSlug: m.partnership_slug,
      role: m.role as Role,
      agencyId: m.agency_id,
      agency:
        m.agency_id !== null && m.agency_code !== null && m.agency_name !== null
          ? { id: m.agency_id, code: m.agency_code, name: m.agency_name }
          : null,
      twoStepPolicy: m.two_step_policy !== null && isTwoStepPolicy(m.two_step_policy) ? m.two_step_policy : null,
    })),
  }
}

/**
 * The person as one partnership sees them, from the person as the instance loaded them (with every membership):
 * their role and agency there (an instance administrator: administrator, no agency); null when they are neither a
 * member there nor an instance administrator. The same answer as reading them again through that partnership's
 * repository (`toUser` with its id), without the second read on every request.
 *
 * @example asMemberOf(person, 2)?.role // 'data-owner'
 */
export function asMemberOf(user: User, partnershipId: number): User | null {
  const here = user.memberships.find((m) => m.partnershipId === partnershipId)
  if (!user.instanceAdministrator && !here) return null
  const role: Role = user.instanceAdministrator ? 'administrator' : (here?.role ?? 'viewer')
  const agency = !user.instanceAdministrator && here ? here.agency : null
  return { ...user, role, agency, agencyId: agency?.id ?? null }
}

function toApiToken(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: row.id,
    partnershipId: row.partnership_id,
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
