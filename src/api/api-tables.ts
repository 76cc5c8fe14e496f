import type { Generated } from 'kysely'

/** The JSON API's tables as Kysely sees them (created by migration 0007). */
export interface ApiIdempotencyKeysTable {
  /** Filled in by the partnership-scoped database handle (src/db/partnership-scope.ts); never written by hand. */
  partnership_id: Generated<number>
  id: Generated<number>
  client: string
  idempotency_key: string
  request_hash: string
  status: number
  /** The JSON body first answered. */
  body: string
  created_at: string
}

export interface ApiTables {
  api_idempotency_keys: ApiIdempotencyKeysTable
}
