import {
  sql,
  type CompiledQuery,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type Selectable,
  type SqlBool,
} from 'kysely'
import type { Database } from '../db/database.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import {
  auditEventHash,
  CHAIN_START,
  verifyAuditChain,
  type AuditChainVerification,
  type AuditEvent,
  type AuditEventInput,
  type ChainPosition,
} from './audit-chain.ts'
import type { AuditEventsTable } from './audit-tables.ts'
import { AUDIT_CHAIN_LOCK } from './audited-transaction.ts'
import { canonicalJson } from './canonical-json.ts'
import { partnershipIdOf } from '../db/partnership-scope.ts'

export interface AuditFilter {
  readonly entityType?: string
  readonly entityKey?: string
  /** Keys that start with this, e.g. `knife-crime/` for every value of one KPI (compared exactly, no wildcards). */
  readonly entityKeyPrefix?: string
  /** Leaves out events whose entity type starts with this (a compartment's, e.g. `death-review`, for outsiders). */
  readonly excludeEntityTypePrefix?: string
  readonly actor?: string
  /** Only events whose action is one of these (e.g. the sign-in events); an empty list matches nothing. */
  readonly actions?: readonly string[]
  readonly importId?: number
  /** Events after this id (for paging). */
  readonly afterId?: number
  /** At most this many (default 1,000, at most 10,000), oldest first. */
  readonly limit?: number
  /** Events at or after this instant (ISO 8601 UTC). */
  readonly occurredFrom?: string
  /** Events strictly before this instant (ISO 8601 UTC). */
  readonly occurredBefore?: string
  /** Newest first (the audit trail page), skipping `offset` events. */
  readonly newestFirst?: boolean
  readonly offset?: number
}

/**
 * The append-only audit trail of changes to KPI definitions, baselines and values (and, later, anything
 * else that must be accounted for).
 */
export interface AuditRepository {
  /**
   * Appends one event inside the caller's transaction, which must come from `withAuditedTransaction` so
   * that appends are serialised. Returns the stored event.
   */
  append(trx: Kysely<DatabaseSchema>, event: AuditEventInput): Promise<AuditEvent>
  /** Appends several events in order, in one go (an import's changes). */
  appendAll(trx: Kysely<DatabaseSchema>, events: readonly AuditEventInput[]): Promise<AuditEvent[]>
  list(filter?: AuditFilter): Promise<AuditEvent[]>
  count(): Promise<number>
  /**
   * The id of the newest event, 0 when there is none. Every change to the figures is audited in the transaction
   * that makes it, so this number moves whenever the data does: a cheap version stamp for caches.
   */
  latestId(options?: { readonly ignoring?: readonly string[] }): Promise<number>
  /**
   * Reads the chain in order and checks every link; reports the first event that fails. From a position a former
   * check reached, it checks that event again (still there, still the same hash, its content still matching) and
   * every event after it: the events before were checked then.
   */
  verify(from?: ChainPosition): Promise<AuditChainVerification>
}

export interface AuditRepositoryOptions {
  /** The clock (tests pass a fixed one). */
  readonly now?: () => Date
}

// 12 columns a row: 400 rows stay under SQLite's and PostgreSQL's limits on bound parameters.
const INSERT_BATCH = 400
const VERIFY_PAGE = 2_000

function fromRow(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    occurredAt: row.occurred_at,
    actor: row.actor,
    action: row.action,
    entityType: row.entity_type,
    entityKey: row.entity_key,
    before: row.before,
    after: row.after,
    requestId: row.request_id,
    importId: row.import_id,
    partnershipId: row.partnership_id,
    previousHash: row.previous_hash,
    hash: row.hash,
  }
}

/**
 * @example
 *   const audit = createAuditRepository(database)
 *   await withAuditedTransaction(database, (trx) => audit.append(trx, { actor: 'analyst', action: 'update', … }))
 */
export function createAuditRepository(database: Database, options: AuditRepositoryOptions = {}): AuditRepository {
  const now = options.now ?? (() => new Date())
  // Bound to a partnership: its events carry it, and reads see only its events (and, for the partnership made by
  // migration 0013, the events written before it, which carry none). The chain itself is the instance's.
  const scopedPartnership = partnershipIdOf(database)
  const branches = scopedPartnership === null ? null : partnershipEventBranches(database, scopedPartnership)
  const visible = branches === null ? null : partnershipEventsFilter(branches)
  /** `latestId`'s queries for a partnership, compiled once per list of ignored kinds. */
  const compiledLatest = new Map<string, Promise<CompiledQuery<{ id: number }>[]>>()
  /** `latestId`'s query for the whole instance, compiled once per list of ignored kinds (a handful: code's own). */
  const compiledInstanceLatest = new Map<string, CompiledQuery<{ id: number }>>()

  async function head(trx: Kysely<DatabaseSchema>): Promise<ChainPosition> {
    const last = await trx
      .selectFrom('audit_events')
      .select(['id', 'hash'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst()
    return last ?? CHAIN_START
  }

  async function appendAll(trx: Kysely<DatabaseSchema>, inputs: readonly AuditEventInput[]): Promise<AuditEvent[]> {
    if (inputs.length === 0) return []
    // Normally taken already by withAuditedTransaction; taking it again in the same transaction costs nothing
    // and keeps a caller that used a plain transaction from forking the chain (it waits instead of failing).
    if (database.dialect === 'postgres')
      await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_CHAIN_LOCK)})`.execute(trx)
    let previous = await head(trx)
    const occurredAt = now().toISOString()
    const events: AuditEvent[] = []
    for (const input of inputs) {
      const unhashed = {
        id: previous.id + 1,
        occurredAt,
        actor: input.actor,
        action: input.action,
        entityType: input.entityType,
        entityKey: input.entityKey,
        before: input.before === null || input.before === undefined ? null : canonicalJson(input.before),
        after: input.after === null || input.after === undefined ? null : canonicalJson(input.after),
        requestId: input.requestId ?? null,
        importId: input.importId ?? null,
        partnershipId: input.partnershipId ?? scopedPartnership,
        previousHash: previous.hash,
      }
      const event: AuditEvent = { ...unhashed, hash: auditEventHash(unhashed) }
      events.push(event)
      previous = event
    }
    for (let i = 0; i < events.length; i += INSERT_BATCH) {
      await trx
        .insertInto('audit_events')
        .values(
          events.slice(i, i + INSERT_BATCH).map((e) => ({
            id: e.id,
            occurred_at: e.occurredAt,
            actor: e.actor,
            action: e.action,
            entity_type: e.entityType,
            entity_key: e.entityKey,
            before: e.before,
            after: e.after,
            request_id: e.requestId,
            import_id: e.importId,
            // Named only when set, so that a migration from before partnerships (0008) can still append.
            ...(e.partnershipId === null ? {} : { partnership_id: e.partnershipId }),
            previous_hash: e.previousHash,
            hash: e.hash,
          })),
        )
        .execute()
    }
    return events
  }

  return {
    async append(trx, event) {
      const [stored] = await appendAll(trx, [event])
      return stored as AuditEvent
    },
    appendAll,
    async latestId(options = {}) {
      const ignoring = options.ignoring ?? []
      if (branches !== null) {
        // Bound to a partnership: the newest of each kind of event it sees, each read backwards along an index
        // (its own events along (partnership_id, id)). One query with the kinds joined by OR was read backwards
        // along the primary key, through every other partnership's newer events: with 300 partnerships that was
        // 1.4 s on each use of the report cache (`npm run bench:regional`, EXPLAIN ANALYZE in docs/architecture.md).
        // Asked on every view of a report page (the report cache's version stamp), always with the same text and
        // values: compiled once, as building a query through Kysely and the partnership scope cost more than running
        // it (`npm run bench:web`, CPU profile of the dashboard).
        const key = ignoring.join('\u0000')
        let compiled = compiledLatest.get(key)
        if (compiled === undefined) {
          compiled = branches().then((all) =>
            all
              .filter((branch) => branch.onlyEntityType === undefined || !ignoring.includes(branch.onlyEntityType))
              .map((branch) => {
                let query = database.db
                  .selectFrom('audit_events')
                  .select('id')
                  .where(branch.where)
                  .orderBy('id', 'desc')
                  .limit(1)
                if (ignoring.length > 0) query = query.where('entity_type', 'not in', ignoring)
                return query.compile()
              }),
          )
          compiledLatest.set(key, compiled)
          // A failure (the database unreachable) is not kept: the next call compiles again.
          compiled.catch(() => compiledLatest.delete(key))
        }
        const newest = await Promise.all(
          (await compiled).map(async (query) => Number((await database.db.executeQuery(query)).rows[0]?.id ?? 0)),
        )
        return Math.max(0, ...newest)
      }
      if (ignoring.length === 0) {
        const row = await database.db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.max('id').as('latest'))
          .executeTakeFirst()
        return Number(row?.latest ?? 0)
      }
      // Newest first along the primary key, stopping at the first event of another kind: cheap however many of the
      // ignored kind (sign-in events, say) came last. Compiled once, as the partnership's are: every KPI page asks
      // it (the published peers are kept under the instance's version, src/regional/).
      const key = ignoring.join('\u0000')
      let compiled = compiledInstanceLatest.get(key)
      if (compiled === undefined) {
        compiled = database.db
          .selectFrom('audit_events')
          .select('id')
          .where('entity_type', 'not in', ignoring)
          .orderBy('id', 'desc')
          .limit(1)
          .compile()
        compiledInstanceLatest.set(key, compiled)
      }
      return Number((await database.db.executeQuery(compiled)).rows[0]?.id ?? 0)
    },
    async list(filter = {}) {
      const limit = Math.min(Math.max(filter.limit ?? 1_000, 1), 10_000)
      if (filter.actions !== undefined && filter.actions.length === 0) return []
      const direction = filter.newestFirst ? 'desc' : 'asc'
      const matching = (
        where: ((eb: ExpressionBuilder<DatabaseSchema, 'audit_events'>) => Expression<SqlBool>) | null,
      ) => {
        let query = database.db.selectFrom('audit_events').selectAll().orderBy('id', direction)
        if (where) query = query.where(where)
        if (filter.occurredFrom !== undefined) query = query.where('occurred_at', '>=', filter.occurredFrom)
        if (filter.occurredBefore !== undefined) query = query.where('occurred_at', '<', filter.occurredBefore)
        if (filter.entityType !== undefined) query = query.where('entity_type', '=', filter.entityType)
        if (filter.entityKey !== undefined) query = query.where('entity_key', '=', filter.entityKey)
        if (filter.entityKeyPrefix !== undefined) {
          // substr rather than LIKE: no wildcard to escape, and the same answer under every collation.
          const prefix = filter.entityKeyPrefix
          query = query.where(sql<string>`substr(entity_key, 1, ${prefix.length})`, '=', prefix)
        }
        if (filter.excludeEntityTypePrefix !== undefined) {
          const prefix = filter.excludeEntityTypePrefix
          query = query.where(sql<string>`substr(entity_type, 1, ${prefix.length})`, '<>', prefix)
        }
        if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor)
        if (filter.actions !== undefined) query = query.where('action', 'in', filter.actions)
        if (filter.importId !== undefined) query = query.where('import_id', '=', filter.importId)
        if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId)
        return query
      }
      const offset = filter.offset ?? 0
      if (branches === null) {
        let query = matching(null).limit(limit)
        if (offset) query = query.offset(offset)
        return (await query.execute()).map(fromRow)
      }
      // Bound to a partnership: each kind of event it sees read on its own, along its own index, and the pages
      // merged by id (a legacy sign-in is also a member's: counted once). With the kinds joined by OR, the newest
      // page was read backwards along the primary key through every other partnership's newer events (1.4 s for
      // the first page with 300 partnerships, against a few ms).
      const take = offset + limit
      const pages = await Promise.all((await branches()).map((branch) => matching(branch.where).limit(take).execute()))
      const byId = new Map<number, Selectable<AuditEventsTable>>()
      for (const page of pages) for (const row of page) byId.set(row.id, row)
      const merged = [...byId.values()].sort((a, b) => (direction === 'desc' ? b.id - a.id : a.id - b.id))
      return merged.slice(offset, take).map(fromRow)
    },
    async count() {
      let query = database.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n'))
      if (visible) query = query.where(await visible())
      const row = await query.executeTakeFirstOrThrow()
      return Number(row.n)
    },
    async verify(from = CHAIN_START) {
      let position = from
      let checked = 0
      if (from.id > 0) {
        const row = await database.db
          .selectFrom('audit_events')
          .selectAll()
          .where('id', '=', from.id)
          .executeTakeFirst()
        const event = row === undefined ? null : fromRow(row)
        if (event === null || event.hash !== from.hash || auditEventHash(event) !== event.hash) {
          const reason =
            event === null
              ? `event ${from.id}, checked before, is missing`
              : `event ${from.id} was altered after an earlier check found it intact`
          return { ok: false, checked: 0, eventId: from.id, reason }
        }
      }
      for (;;) {
        const rows = await database.db
          .selectFrom('audit_events')
          .selectAll()
          .where('id', '>', position.id)
          .orderBy('id')
          .limit(VERIFY_PAGE)
          .execute()
        if (rows.length === 0) return { ok: true, checked, last: position }
        const result = verifyAuditChain(rows.map(fromRow), position)
        if (!result.ok) return { ...result, checked: checked + result.checked }
        checked += result.checked
        position = result.last
      }
    },
  }
}

/**
 * The condition that picks one partnership's events: those that name it, its members' own events as people (signing
 * in, which names no partnership), and, for the partnership that migration
 * 0013 made from a single-partnership database, the events written before then (they name no partnership; the
 * append-only, hash-chained trail cannot be rewritten to add it). Read once: the legacy boundary never changes.
 */
function partnershipEventsFilter(branches: () => Promise<EventBranch[]>) {
  return async () => {
    const parts = await branches()
    return (eb: ExpressionBuilder<DatabaseSchema, 'audit_events'>) => eb.or(parts.map((part) => part.where(eb)))
  }
}

/** One kind of event a partnership sees: its condition, and the one entity type it is limited to, if any. */
interface EventBranch {
  readonly where: (eb: ExpressionBuilder<DatabaseSchema, 'audit_events'>) => Expression<SqlBool>
  readonly onlyEntityType?: string
}

/**
 * The events a partnership sees, as separate conditions (`partnershipEventsFilter` joins them with OR): each can be
 * read along an index of its own, which the OR of them cannot be when a query asks for the newest (below).
 */
function partnershipEventBranches(database: Database, partnershipId: number) {
  let legacyThrough: Promise<number | null> | null = null
  return async (): Promise<EventBranch[]> => {
    legacyThrough ??= database.db
      .selectFrom('partnerships')
      .select('audit_legacy_through')
      .where('id', '=', partnershipId)
      .executeTakeFirst()
      .then((row) => row?.audit_legacy_through ?? null)
    const through = await legacyThrough
    const own: EventBranch = { where: (eb) => eb('audit_events.partnership_id', '=', partnershipId) }
    // A person signs in to the instance, not to one partnership: those events name none, and each partnership
    // sees its own members' (sign-ins, failures, password changes, two-step).
    const members: EventBranch = {
      onlyEntityType: 'user',
      where: (eb) =>
        eb.and([
          eb('audit_events.partnership_id', 'is', null),
          eb('audit_events.entity_type', '=', 'user'),
          eb(
            'audit_events.entity_key',
            'in',
            eb
              .selectFrom('memberships')
              .select(sql<string>`cast(memberships.user_id as text)`.as('key'))
              .where('memberships.partnership_id', '=', partnershipId),
          ),
        ]),
    }
    const legacy: EventBranch[] =
      through === null
        ? []
        : [
            {
              where: (eb) =>
                eb.and([eb('audit_events.partnership_id', 'is', null), eb('audit_events.id', '<=', through)]),
            },
          ]
    return [own, members, ...legacy]
  }
}
