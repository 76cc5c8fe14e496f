import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type TransactionSettings,
} from 'kysely'
import type { DatabaseSchema } from './schema.ts'

/**
 * The PostgreSQL setting the row-level security policies read (migration 0014-row-level-security): the id of the
 * partnership whose rows a connection may see and write, or `all` for the instance's own work. A connection on which
 * it was never set sees no partnership's rows at all.
 */
export const PARTNERSHIP_SETTING = 'saferhub.partnership_id'

/** The setting's value for the instance's handle: migrations, the partnerships list, accounts, the audit chain. */
export const EVERY_PARTNERSHIP = 'all'

/**
 * The connections of one PostgreSQL pool, handed out with `saferhub.partnership_id` set for whoever asked: the
 * instance's handle (`all`) or one partnership's (its id). The pool is shared, so a client that served partnership 1
 * may next serve partnership 2: each client's value is remembered, and `set_config` is sent only when it differs, so
 * a run of queries for one partnership costs no extra round trip.
 */
export interface PartnershipConnections {
  /** The instance's handle: every connection it uses has the setting `all`. Destroying it ends the pool. */
  readonly instance: Kysely<DatabaseSchema>
  /** The handle whose every connection has the setting of this partnership (one per partnership, kept). */
  forPartnership(partnershipId: number): Kysely<DatabaseSchema>
  /** Ends the pool (once; again does nothing). After it, every handle's queries fail. */
  destroy(): Promise<void>
}

/**
 * Builds the instance's and the partnerships' handles over one PostgreSQL driver (its pool). Each handle is a Kysely
 * of its own (Kysely takes connections for queries and transactions from its driver, and a plugin cannot choose the
 * connection), with a driver that sets the partnership on the connection before handing it out. A transaction keeps
 * the one connection it was given, so its every statement runs under the same setting.
 */
export function createPartnershipConnections(postgres: Driver): PartnershipConnections {
  const shared = new SharedDriver(postgres)
  const handles = new Map<number, Kysely<DatabaseSchema>>()
  const instance = kyselyOver(new PartnershipSettingDriver(shared, EVERY_PARTNERSHIP, true))
  const connections: PartnershipConnections = {
    instance,
    forPartnership(partnershipId) {
      if (!Number.isInteger(partnershipId) || partnershipId < 1)
        throw new Error(`Not a partnership id: ${partnershipId}`)
      let handle = handles.get(partnershipId)
      if (handle === undefined) {
        handle = kyselyOver(new PartnershipSettingDriver(shared, String(partnershipId), false))
        handles.set(partnershipId, handle)
      }
      return handle
    },
    destroy: () => shared.destroy(),
  }
  registry.set(instance, connections)
  return connections
}

/**
 * The handle whose connections carry this partnership's setting, for a database opened by `openDatabase` on
 * PostgreSQL; null for SQLite, and for a handle not opened that way (one already bound to a partnership), whose
 * connections then keep the setting they already have.
 */
export function partnershipConnection(
  db: Kysely<DatabaseSchema>,
  partnershipId: number,
): Kysely<DatabaseSchema> | null {
  return registry.get(db)?.forPartnership(partnershipId) ?? null
}

/** The instance handles opened on PostgreSQL, and their partnerships' handles. */
const registry = new WeakMap<Kysely<DatabaseSchema>, PartnershipConnections>()

/**
 * Why the row-level security policies do not hold for the role the application connected as (a superuser, or a role
 * with BYPASSRLS: PostgreSQL lets both read and write every row whatever the policies say), or null when they hold
 * (and on SQLite, which has no such policies). The web server warns at start when they do not.
 */
export async function rowSecurityBypass(
  db: Kysely<DatabaseSchema>,
  dialect: 'sqlite' | 'postgres',
): Promise<string | null> {
  if (dialect !== 'postgres') return null
  const { rows } = await sql<{ role: string; rolsuper: boolean; rolbypassrls: boolean }>`
    select current_user as role, rolsuper, rolbypassrls from pg_roles where rolname = current_user`.execute(db)
  const row = rows[0]
  if (row === undefined) return null
  if (row.rolsuper) return `the database role ${row.role} is a superuser`
  if (row.rolbypassrls) return `the database role ${row.role} has BYPASSRLS`
  return null
}

function kyselyOver(driver: Driver): Kysely<DatabaseSchema> {
  return new Kysely<DatabaseSchema>({
    dialect: {
      createDriver: () => driver,
      createQueryCompiler: () => new PostgresQueryCompiler(),
      createAdapter: () => new PostgresAdapter(),
      createIntrospector: (db) => new PostgresIntrospector(db),
    },
  })
}

/** The PostgreSQL driver every handle shares: started once, ended once, and each connection's current setting. */
class SharedDriver {
  readonly driver: Driver
  /** The value of `saferhub.partnership_id` on each connection, as last set by us. */
  readonly settings = new WeakMap<DatabaseConnection, string>()
  #init: Promise<void> | undefined
  #destroy: Promise<void> | undefined

  constructor(driver: Driver) {
    this.driver = driver
  }

  init(): Promise<void> {
    if (this.#destroy !== undefined) return Promise.reject(new Error('driver has already been destroyed'))
    this.#init ??= this.driver.init()
    return this.#init
  }

  get destroyed(): boolean {
    return this.#destroy !== undefined
  }

  destroy(): Promise<void> {
    this.#destroy ??= this.#init === undefined ? Promise.resolve() : this.#init.then(() => this.driver.destroy())
    return this.#destroy
  }
}

/**
 * The shared driver, with `saferhub.partnership_id` set on each connection before it is handed out. The setting is
 * made for the session (`set_config(…, false)`) outside any transaction (a pooled client is handed out idle: Kysely
 * commits or rolls back before it gives a connection back, and discards one it lost), so it lasts until changed.
 */
class PartnershipSettingDriver implements Driver {
  readonly #shared: SharedDriver
  readonly #value: string
  readonly #endsThePool: boolean

  constructor(shared: SharedDriver, value: string, endsThePool: boolean) {
    this.#shared = shared
    this.#value = value
    this.#endsThePool = endsThePool
  }

  init(): Promise<void> {
    return this.#shared.init()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // Another handle may have ended the pool: say so as Kysely does, rather than fail inside pg.
    if (this.#shared.destroyed) throw new Error('driver has already been destroyed')
    const connection = await this.#shared.driver.acquireConnection()
    if (this.#shared.settings.get(connection) !== this.#value) {
      try {
        await connection.executeQuery(
          CompiledQuery.raw(`select set_config('${PARTNERSHIP_SETTING}', $1, false)`, [this.#value]),
        )
      } catch (error) {
        // Unknown state: forget what we knew, so that the next use sets it again.
        this.#shared.settings.delete(connection)
        await this.#shared.driver.releaseConnection(connection)
        throw error
      }
      this.#shared.settings.set(connection, this.#value)
    }
    return connection
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#shared.driver.beginTransaction(connection, settings)
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#shared.driver.commitTransaction(connection)
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#shared.driver.rollbackTransaction(connection)
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.#savepoints().savepoint?.(connection, name, compile)
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#savepoints().rollbackToSavepoint?.(connection, name, compile)
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#savepoints().releaseSavepoint?.(connection, name, compile)
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#shared.driver.releaseConnection(connection)
  }

  /** Only the instance's handle ends the pool: a partnership's handle is one of many over it. */
  async destroy(): Promise<void> {
    if (this.#endsThePool) await this.#shared.destroy()
  }

  #savepoints(): Driver {
    const driver = this.#shared.driver
    if (driver.savepoint === undefined) throw new Error('The PostgreSQL driver has no savepoints')
    return driver
  }
}
