import { sql, type Kysely } from 'kysely'
import { createTable, withId } from '../schema-builder.ts'

/**
 * Review of data owners' commentary that disclosure control withholds from the public view (src/public/): one row
 * per KPI per financial year, the analyst's latest decision. `text_sha256` is the SHA-256 of the exact commentary
 * the decision was made about: when the data owner's commentary changes, the hash no longer matches, the decision no
 * longer applies and the commentary is withheld again until someone reviews the new text. The history of decisions
 * is in the audit trail (before and after of every change).
 *
 * `decision`: `release` (publish the commentary as written), `reword` (publish `public_text` instead), `withhold`
 * (reviewed and kept off the public page). `public_text` is present exactly for `reword`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, createTable(db, 'commentary_reviews'))
    .addColumn('year', 'text', (c) => c.notNull())
    .addColumn('indicator_id', 'text', (c) => c.notNull())
    .addColumn('period', 'text')
    .addColumn('text_sha256', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('public_text', 'text')
    .addColumn('user_id', 'integer')
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .addCheckConstraint('commentary_reviews_year_shape', sql`length(year) = 9 and substr(year, 1, 2) = 'FY'`)
    .addCheckConstraint('commentary_reviews_decision_known', sql`decision in ('release', 'reword', 'withhold')`)
    .addCheckConstraint('commentary_reviews_hash_shape', sql`length(text_sha256) = 64`)
    .addCheckConstraint(
      'commentary_reviews_public_text_for_reword',
      sql`(decision = 'reword' and public_text is not null and length(public_text) > 0) or (decision <> 'reword' and public_text is null)`,
    )
    .addUniqueConstraint('commentary_reviews_once_per_kpi_and_year', ['year', 'indicator_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('commentary_reviews').execute()
}
