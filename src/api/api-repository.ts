import { toStoredValue, toValue, valueColumns } from '../performance/performance-repository.ts'
import { lockedQuartersFor } from '../performance/quarter-locks.ts'
import type { Kysely } from 'kysely'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { withAuditedTransaction } from '../audit/audited-transaction.ts'
import { canonicalJson } from '../audit/canonical-json.ts'
import type { Database } from '../db/database.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import type { IndicatorValue } from '../domain/indicator.ts'
import type { StoredIndicatorValue } from '../performance/performance-repository.ts'

/** An idempotency key as the client sent it, with who sent it and a digest of what they asked. */
export interface IdempotencyRequest {
  /** `token:<id>` or `user:<id>`. */
  readonly client: string
  readonly key: string
  readonly requestHash: string
}

/** The answer first given to a request with an idempotency key. */
export interface StoredAnswer {
  readonly status: number
  readonly body: unknown
}

export type SaveValueOutcome =
  | { readonly outcome: 'saved'; readonly created: boolean; readonly value: StoredIndicatorValue }
  | { readonly outcome: 'unchanged'; readonly value: StoredIndicatorValue }
  | { readonly outcome: 'conflict'; readonly current: StoredIndicatorValue | null }
  /** The figure exists and the request did not say which version it replaces. */
  | { readonly outcome: 'precondition-required'; readonly current: StoredIndicatorValue }
  | { readonly outcome: 'replayed'; readonly answer: StoredAnswer }
  | { readonly outcome: 'key-reused' }
  /** The figure's quarter has been signed off and locked: nothing was written. */
  | { readonly outcome: 'locked'; readonly quarter: string }

export interface SaveValueRequest {
  readonly value: IndicatorValue
  /**
   * The version the client last saw (`If-Match`). Undefined (no `If-Match`) may only create a figure: replacing
   * one without saying which version is refused, so that a client that never read it cannot overwrite it.
   */
  readonly expectedVersion?: number | undefined
  readonly actor: string
  readonly requestId?: string | null
  readonly idempotency?: IdempotencyRequest | undefined
  /** What to store as the answer for a later retry with the same key, given the saved value. */
  readonly answer?: ((value: StoredIndicatorValue, created: boolean) => StoredAnswer) | undefined
}

/**
 * The API's writes: one figure at a time, with its version check, its audit event and its idempotency record
 * in ONE audited transaction, so that a retry, a concurrent editor or a crash can never give two writes or a
 * lost update; a figure of a signed-off quarter is refused (src/performance/quarter-locks.ts).
 */
export interface ApiRepository {
  saveValue(request: SaveValueRequest): Promise<SaveValueOutcome>
  /**
   * The answer first given to a request with this idempotency key from this client (`replayed`), `key-reused` when
   * the key came with a different request, or null when the key is new.
   */
  findAnswer(idempotency: IdempotencyRequest): Promise<IdempotencyLookup | null>
  /**
   * Keeps the answer to a request with an idempotency key, for its retries. For writes made by another service in
   * its own transaction (a quarterly return): the first answer stored for a key stays.
   */
  rememberAnswer(idempotency: IdempotencyRequest, answer: StoredAnswer): Promise<void>
}

export type IdempotencyLookup =
  { readonly outcome: 'replayed'; readonly answer: StoredAnswer } | { readonly outcome: 'key-reused' }

type Executor = Kysely<DatabaseSchema>

async function lookUp(executor: Executor, idempotency: IdempotencyRequest): Promise<IdempotencyLookup | null> {
  const seen = await executor
    .selectFrom('api_idempotency_keys')
    .selectAll()
    .where('client', '=', idempotency.client)
    .where('idempotency_key', '=', idempotency.key)
    .executeTakeFirst()
  if (!seen) return null
  if (seen.request_hash !== idempotency.requestHash) return { outcome: 'key-reused' }
  return { outcome: 'replayed', answer: { status: seen.status, body: JSON.parse(seen.body) as unknown } }
}

async function currentValue(trx: Executor, indicatorId: string, period: string): Promise<StoredIndicatorValue | null> {
  const row = await trx
    .selectFrom('indicator_values')
    .selectAll()
    .where('indicator_id', '=', indicatorId)
    .where('period', '=', period)
    .executeTakeFirst()
  return row ? toStoredValue(row) : null
}

/** The figure without its bookkeeping, in the form the audit trail and comparisons use. */
function figureOf(value: IndicatorValue): IndicatorValue {
  return toValue(valueColumns(value))
}

/**
 * @example
 *   const api = createApiRepository(database, audit)
 *   await api.saveValue({ value, expectedVersion: 3, actor: 'token:WMP:7' })
 */
export function createApiRepository(database: Database, audit: AuditRepository, now = () => new Date()): ApiRepository {
  return {
    saveValue(request) {
      return withAuditedTransaction(database, async (trx) => {
        const { idempotency } = request
        if (idempotency) {
          const seen = await lookUp(trx, idempotency)
          if (seen) return seen
        }
        const figure = figureOf(request.value)
        const locked = (await lockedQuartersFor(trx, database.dialect, [figure.period])).get(figure.period)
        if (locked !== undefined) return { outcome: 'locked', quarter: locked }
        const existing = await currentValue(trx, figure.indicatorId, figure.period)
        if (request.expectedVersion === undefined && existing)
          return { outcome: 'precondition-required', current: existing }
        if (request.expectedVersion !== undefined && request.expectedVersion !== (existing?.version ?? 0)) {
          return { outcome: 'conflict', current: existing }
        }
        const at = now().toISOString()
        let saved: StoredIndicatorValue
        let outcome: 'saved' | 'unchanged'
        if (existing && canonicalJson(figureOf(existing)) === canonicalJson(figure)) {
          saved = existing
          outcome = 'unchanged'
        } else {
          const version = existing ? existing.version + 1 : 1
          const columns = {
            status: figure.status,
            value: figure.value,
            numerator: figure.numerator,
            denominator: figure.denominator,
            percent: figure.percent,
            text: figure.text,
            reason: figure.reason,
            commentary: figure.commentary,
            version,
            updated_at: at,
            updated_by: request.actor,
          }
          if (existing) {
            await trx
              .updateTable('indicator_values')
              .set(columns)
              .where('indicator_id', '=', figure.indicatorId)
              .where('period', '=', figure.period)
              .execute()
          } else {
            await trx
              .insertInto('indicator_values')
              .values({ indicator_id: figure.indicatorId, period: figure.period, ...columns })
              .execute()
          }
          await audit.append(trx, {
            actor: request.actor,
            action: existing ? 'update' : 'create',
            entityType: 'indicator-value',
            entityKey: `${figure.indicatorId}/${figure.period}`,
            before: existing ? { ...figureOf(existing), version: existing.version } : null,
            after: { ...figure, version },
            requestId: request.requestId ?? null,
          })
          saved = { ...figure, version, updatedAt: at, updatedBy: request.actor }
          outcome = 'saved'
        }
        const created = outcome === 'saved' && existing === null
        if (idempotency && request.answer) {
          const answer = request.answer(saved, created)
          await trx
            .insertInto('api_idempotency_keys')
            .values({
              client: idempotency.client,
              idempotency_key: idempotency.key,
              request_hash: idempotency.requestHash,
              status: answer.status,
              body: JSON.stringify(answer.body),
              created_at: at,
            })
            .execute()
        }
        return outcome === 'saved' ? { outcome, created, value: saved } : { outcome, value: saved }
      })
    },

    findAnswer(idempotency) {
      return lookUp(database.db, idempotency)
    },

    async rememberAnswer(idempotency, answer) {
      await database.db
        .insertInto('api_idempotency_keys')
        .values({
          client: idempotency.client,
          idempotency_key: idempotency.key,
          request_hash: idempotency.requestHash,
          status: answer.status,
          body: JSON.stringify(answer.body),
          created_at: now().toISOString(),
        })
        // Two requests with one key that raced past the look-up: the first answer stored stays, and the later write
        // (already committed) is not turned into a server error.
        .onConflict((oc) => oc.columns(['client', 'idempotency_key']).doNothing())
        .execute()
    },
  }
}
