import { sql, type Kysely, type Migration } from 'kysely'
import { createTable, withId } from '../schema-builder.ts'

/**
 * Accounts: agencies, users, web sessions, sign-in throttling counters and API tokens
 * (types in src/accounts/accounts-schema.ts).
 */
export const accountsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await withId(db, createTable(db, 'agencies'))
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addCheckConstraint('agencies_code_not_blank', sql`length(trim(code)) > 0`)
      .addCheckConstraint('agencies_name_not_blank', sql`length(trim(name)) > 0`)
      .execute()

    await withId(db, createTable(db, 'users'))
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('agency_id', 'integer', (c) => c.references('agencies.id'))
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('password_hash', 'text')
      .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('password_changed_at', 'text')
      .addColumn('last_signed_in_at', 'text')
      // Lower-case only, so that the unique constraint is case-insensitive on both databases.
      .addCheckConstraint('users_email_lower_case', sql`email = lower(email) and length(email) > 2`)
      .addCheckConstraint(
        'users_role_known',
        sql`role in ('administrator', 'partnership-analyst', 'data-owner', 'board-member', 'viewer')`,
      )
      .addCheckConstraint('users_data_owner_has_agency', sql`role <> 'data-owner' or agency_id is not null`)
      .addCheckConstraint('users_disabled_boolean', sql`disabled in (0, 1)`)
      .addCheckConstraint('users_must_change_password_boolean', sql`must_change_password in (0, 1)`)
      .execute()

    await createTable(db, 'sessions')
      .addColumn('sid_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('absolute_expires_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute()
    await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute()

    await createTable(db, 'sign_in_throttle')
      .addColumn('key_hash', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('last_failure_at', 'text', (c) => c.notNull())
      .addCheckConstraint('sign_in_throttle_kind_known', sql`kind in ('account', 'source', 'account-source')`)
      .addCheckConstraint('sign_in_throttle_failures_not_negative', sql`failures >= 0`)
      .execute()
    await db.schema
      .createIndex('sign_in_throttle_last_failure_at')
      .on('sign_in_throttle')
      .column('last_failure_at')
      .execute()

    await withId(db, createTable(db, 'api_tokens'))
      .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('token_prefix', 'text', (c) => c.notNull())
      .addColumn('created_by', 'integer', (c) => c.references('users.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('last_used_at', 'text')
      .addCheckConstraint('api_tokens_name_not_blank', sql`length(trim(name)) > 0`)
      .execute()
  },

  async down(db: Kysely<unknown>) {
    for (const table of ['api_tokens', 'sign_in_throttle', 'sessions', 'users', 'agencies']) {
      await db.schema.dropTable(table).execute()
    }
  },
}
