import { sql, type Kysely, type Migration } from 'kysely'
import { createTable, withId } from '../schema-builder.ts'

/**
 * Two-step sign-in (types in src/accounts/two-step/two-step-tables.ts): each user's sealed authenticator secret,
 * when it was switched on and the last time step used (replay refused), and their recovery codes as hashes, with
 * used ones marked. Deleting a user deletes both.
 */
export const twoStepMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await createTable(db, 'two_step_credentials')
      .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('secret_sealed', 'text', (c) => c.notNull())
      .addColumn('enabled_at', 'text', (c) => c.notNull())
      .addColumn('last_used_step', 'integer')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('two_step_credentials_sealed_form', sql`secret_sealed like 'v1.%'`)
      .addCheckConstraint('two_step_credentials_step_not_negative', sql`last_used_step is null or last_used_step >= 0`)
      .execute()

    await withId(db, createTable(db, 'two_step_recovery_codes'))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .addUniqueConstraint('two_step_recovery_codes_user_code', ['user_id', 'code_hash'])
      .addCheckConstraint('two_step_recovery_codes_hash_form', sql`length(code_hash) = 64`)
      .execute()
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('two_step_recovery_codes').execute()
    await db.schema.dropTable('two_step_credentials').execute()
  },
}
