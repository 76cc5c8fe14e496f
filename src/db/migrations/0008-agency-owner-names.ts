import { sql, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'
import { appendAuditEvent, type FrozenAuditTables } from './frozen-audit-append.ts'

/** Who the audit trail names for the backfill below. */
export const OWNER_NAMES_MIGRATION_ACTOR = 'migration 0008-agency-owner-names'

/**
 * The names each default agency's code was matched by in code before this migration (the then
 * `src/accounts/default-agencies.ts`), frozen here so that the backfill does not change if that file does.
 */
const NAMES_IN_CODE_BEFORE: Readonly<Record<string, readonly string[]>> = {
  WMP: ['WMP', 'WMP Analyst', 'West Midlands Police'],
  YOT: ['YOT', 'Youth Offending Team'],
  PH: ['Public Health', 'PH'],
  WDVF: ['WDVF', 'Domestic Violence Forum'],
  SARC: ['SARC', 'West Midlands SARC'],
  WMFS: ['WMFS', 'West Midlands Fire Service'],
  CTU: ['CTU', 'WMP CTU'],
  SWP: ['SWP', 'SWP Analyst', 'Community Safety'],
}

/**
 * The key an owner name is compared by, as `ownerNameKey` (src/accounts/data-owner-names.ts) computed it when this
 * migration was written: NFKC, trimmed, runs of white space as one space, lower case. Frozen here, as the names
 * above are: a migration imports no live application code.
 */
function ownerNameKey(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase()
}

/** The tables this migration reads and writes, as they were when it was written. */
interface MigrationTables extends FrozenAuditTables {
  agencies: { id: number; code: string; name: string }
  agency_owner_names: { agency_id: number; name: string; name_key: string }
}

/**
 * The names an agency goes by in the performance framework's Owner column (types in
 * src/accounts/accounts-schema.ts), which decide the KPIs it owns. `name_key` (`ownerNameKey`: NFKC, trimmed, one
 * space, lower case) is unique across all agencies, so that one owner text can never name two agencies.
 *
 * Backfill: an existing database gets, for each agency, the names the code matched it by until now: the default
 * agencies' names above, and the agency's own name (the JSON API matched that too). One audit event per agency.
 * A first start has no agencies yet: it creates the default agencies with their names (account-service.ts).
 */
export const agencyOwnerNamesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const dialect = dialectOf(db)
    // Kysely runs SQLite migrations outside a transaction; this one also writes rows and audit events, so it makes
    // itself all or nothing with a savepoint (a transaction of its own, or nested if one is open). Its first
    // statement writes, so SQLite's write lock is held before the audit chain's head is read. PostgreSQL: already
    // inside the migrator's transaction.
    if (dialect === 'sqlite') await sql`savepoint agency_owner_names`.execute(db)
    try {
      await withId(db, createTable(db, 'agency_owner_names'))
        .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addCheckConstraint('agency_owner_names_name_not_blank', sql`length(trim(name)) > 0`)
        .addCheckConstraint('agency_owner_names_key_not_blank', sql`length(name_key) > 0`)
        .execute()
      await db.schema.createIndex('agency_owner_names_agency_id').on('agency_owner_names').column('agency_id').execute()
      await backfill(db as unknown as Kysely<MigrationTables>, dialect)
      if (dialect === 'sqlite') await sql`release agency_owner_names`.execute(db)
    } catch (error) {
      if (dialect === 'sqlite') {
        await sql`rollback to agency_owner_names`.execute(db).catch(() => undefined)
        await sql`release agency_owner_names`.execute(db).catch(() => undefined)
      }
      throw error
    }
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('agency_owner_names').execute()
  },
}

async function backfill(db: Kysely<MigrationTables>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const agencies = await db.selectFrom('agencies').select(['id', 'code', 'name']).orderBy('id').execute()
  if (agencies.length === 0) return
  const taken = new Set<string>()
  const planned = new Map<number, string[]>(agencies.map((a) => [a.id, []]))
  const claim = (agencyId: number, name: string) => {
    const key = ownerNameKey(name)
    if (!key || taken.has(key)) return
    taken.add(key)
    planned.get(agencyId)?.push(name.trim().replace(/\s+/g, ' '))
  }
  // The default lists first (they were matched first), then every agency's own name where still free.
  for (const agency of agencies) for (const name of NAMES_IN_CODE_BEFORE[agency.code] ?? []) claim(agency.id, name)
  for (const agency of agencies) claim(agency.id, agency.name)

  for (const agency of agencies) {
    const names = planned.get(agency.id) ?? []
    if (names.length === 0) continue
    await db
      .insertInto('agency_owner_names')
      .values(names.map((name) => ({ agency_id: agency.id, name, name_key: ownerNameKey(name) })))
      .execute()
    await appendAuditEvent(
      db,
      dialect,
      {
        actor: OWNER_NAMES_MIGRATION_ACTOR,
        action: 'update',
        entityType: 'agency',
        entityKey: String(agency.id),
        before: { id: agency.id, code: agency.code, name: agency.name, ownerNames: [] },
        after: { id: agency.id, code: agency.code, name: agency.name, ownerNames: names },
      },
      new Date(),
    )
  }
}
