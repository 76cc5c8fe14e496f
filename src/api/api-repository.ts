import type { Kysely } from 'kysely'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import type { DatabaseSchema } from '../db/schema.ts'

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

export type IdempotencyLookup =
  { readonly outcome: 'replayed'; readonly answer: StoredAnswer } | { readonly outcome: 'key-reused' }

/**
 * The API's own rows: idempotency keys and the answers first given to them. Reads and writes rows only; the API's
 * writes (api-writes.ts) decide what to do with them, inside their unit of work.
 */
export interface ApiRepository {
  /**
   * The answer first given to a request with this idempotency key from this client (`replayed`), `key-reused` when
   * the key came with a different request, or null when the key is new. Inside a unit of work when one is given.
   */
  findAnswer(uow: UnitOfWork | null, idempotency: IdempotencyRequest): Promise<IdempotencyLookup | null>
  /** Keeps the answer to a request with an idempotency key; the first answer stored for a key stays. */
  rememberAnswer(uow: UnitOfWork, idempotency: IdempotencyRequest, answer: StoredAnswer, at: string): Promise<void>
}

/**
 * @example
 *   const keys = createApiRepository(scopedDatabase)
 *   await inUnitOfWork(scopedDatabase, (uow) => keys.findAnswer(uow, { client: 'token:7', key, requestHash }))
 */
export function createApiRepository(database: Database): ApiRepository {
  const executor = (uow: UnitOfWork | null): Kysely<DatabaseSchema> => uow?.trx ?? database.db
  return {
    async findAnswer(uow, idempotency) {
      const seen = await executor(uow)
        .selectFrom('api_idempotency_keys')
        .selectAll()
        .where('client', '=', idempotency.client)
        .where('idempotency_key', '=', idempotency.key)
        .executeTakeFirst()
      if (!seen) return null
      if (seen.request_hash !== idempotency.requestHash) return { outcome: 'key-reused' }
      return { outcome: 'replayed', answer: { status: seen.status, body: JSON.parse(seen.body) as unknown } }
    },

    async rememberAnswer(uow, idempotency, answer, at) {
      await uow.trx
        .insertInto('api_idempotency_keys')
        .values({
          client: idempotency.client,
          idempotency_key: idempotency.key,
          request_hash: idempotency.requestHash,
          status: answer.status,
          body: JSON.stringify(answer.body),
          created_at: at,
        })
        // Two requests with one key that raced past the look-up: the first answer stored stays.
        .onConflict((oc) => oc.columns(['client', 'idempotency_key']).doNothing())
        .execute()
    },
  }
}
