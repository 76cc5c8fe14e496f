import type { Kysely, Migration } from 'kysely'

/**
 * A partnership can be removed (`saferhub demo remove`: the demo partnership and everything it owns). Its row stays,
 * because the audit trail is append-only and its events name the partnership (`audit_events.partnership_id`); it is
 * marked removed instead, and the instance no longer lists it, finds it by address or code, or counts it as the
 * instance's only partnership.
 */
export const partnershipRemovalMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('partnerships').addColumn('removed_at', 'text').execute()
    await db.schema.alterTable('partnerships').addColumn('removed_by', 'text').execute()
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('partnerships').dropColumn('removed_by').execute()
    await db.schema.alterTable('partnerships').dropColumn('removed_at').execute()
  },
}
