import type { Kysely, Migration } from 'kysely'
import { createTable, withId } from '../schema-builder.ts'

/**
 * The JSON API's idempotency keys (types in src/api/api-tables.ts): a client that sends a write again with the
 * same `Idempotency-Key` gets the first answer back, and nothing is written twice.
 */
export const apiMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await withId(db, createTable(db, 'api_idempotency_keys'))
      // Who sent it: `token:<id>` or `user:<id>`; a key is only ever matched for the same client.
      .addColumn('client', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      // sha256 of method, path and body: the same key with a different request is refused (422).
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('api_idempotency_keys_client_key', ['client', 'idempotency_key'])
      .execute()
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('api_idempotency_keys').execute()
  },
}
