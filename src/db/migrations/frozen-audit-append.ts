import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'

/**
 * The audit trail's append as it was when migration 0008 was written (src/audit/audit-repository.ts, audit-chain.ts
 * and canonical-json.ts of that time), frozen here because a migration must do tomorrow exactly what it did the day
 * it shipped: migrations import no live application code. The hash is the chain's own (sha256 of the previous hash
 * followed by the canonical JSON of the event), so the live `verifyAuditChain` checks these events like any other.
 * Never change this file; a migration that needs a later format of the trail gets a copy of its own.
 */

/** The audit trail's table as this copy writes it. */
export interface FrozenAuditTables {
  audit_events: {
    id: number
    occurred_at: string
    actor: string
    action: string
    entity_type: string
    entity_key: string
    before: string | null
    after: string | null
    request_id: string | null
    import_id: number | null
    previous_hash: string
    hash: string
  }
}

/** One event to record, as the migration supplies it. */
export interface FrozenAuditEventInput {
  readonly actor: string
  readonly action: string
  readonly entityType: string
  readonly entityKey: string
  readonly before: unknown
  readonly after: unknown
}

const GENESIS_HASH = '0'.repeat(64)
/** The advisory lock that serialises appends on PostgreSQL (src/audit/audited-transaction.ts). */
const AUDIT_CHAIN_LOCK = 0x5afe_a0d1

function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null'
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeys(item)))
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key]
      if (member !== undefined) sorted[key] = sortKeys(member)
    }
    return sorted
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Error(`Cannot record a non-finite number (${value}) in canonical JSON`)
  }
  return value
}

/**
 * Appends one event to the audit trail inside the migration's transaction, chained to the newest event.
 *
 * @example await appendAuditEvent(db, 'sqlite', { actor: 'migration 0008-…', action: 'update', … }, new Date())
 */
export async function appendAuditEvent(
  db: Kysely<FrozenAuditTables>,
  dialect: 'sqlite' | 'postgres',
  input: FrozenAuditEventInput,
  at: Date,
): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_CHAIN_LOCK)})`.execute(db)
  const last = await db
    .selectFrom('audit_events')
    .select(['id', 'hash'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  const previous = last ?? { id: 0, hash: GENESIS_HASH }
  const event = {
    id: previous.id + 1,
    occurredAt: at.toISOString(),
    actor: input.actor,
    action: input.action,
    entityType: input.entityType,
    entityKey: input.entityKey,
    before: input.before === null || input.before === undefined ? null : canonicalJson(input.before),
    after: input.after === null || input.after === undefined ? null : canonicalJson(input.after),
    requestId: null,
    importId: null,
  }
  const hash = createHash('sha256').update(previous.hash).update(canonicalJson(event)).digest('hex')
  await db
    .insertInto('audit_events')
    .values({
      id: event.id,
      occurred_at: event.occurredAt,
      actor: event.actor,
      action: event.action,
      entity_type: event.entityType,
      entity_key: event.entityKey,
      before: event.before,
      after: event.after,
      request_id: null,
      import_id: null,
      previous_hash: previous.hash,
      hash,
    })
    .execute()
}
