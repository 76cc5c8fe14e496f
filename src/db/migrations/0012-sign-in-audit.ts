import type { Kysely, Migration } from 'kysely'

/**
 * Sign-in events in the audit trail: the throttle remembers which wait it has already reported, so that attempts
 * refused while an address or an account must wait (which cost an attacker nothing) put at most one row in the
 * audit trail per wait, however many there are (src/accounts/sign-in-throttle.ts).
 */
export const signInAuditMigration: Migration = {
  async up(db: Kysely<unknown>) {
    // The `last_failure_at` of the wait whose first refused attempt was audited; null when none was.
    await db.schema.alterTable('sign_in_throttle').addColumn('refusal_reported_at', 'text').execute()
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('sign_in_throttle').dropColumn('refusal_reported_at').execute()
  },
}
