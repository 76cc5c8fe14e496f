import type { Kysely, Selectable } from 'kysely'
import type { DatabaseSchema } from '../db/schema.ts'
import { compiledOnce } from '../db/compiled-once.ts'
import { toTwoStepPolicy, type Partnership, type PartnershipSettings } from './partnership.ts'
import type { PartnershipsTable } from './partnership-tables.ts'

type Executor = Kysely<DatabaseSchema>

function toPartnership(row: Selectable<PartnershipsTable>): Partnership {
  return Object.freeze({
    id: row.id,
    slug: row.slug,
    name: row.name,
    onsCode: row.ons_code,
    nation: row.nation === 'wales' ? 'wales' : 'england',
    settings: Object.freeze({
      disclosureMinimum: row.disclosure_minimum,
      returnsDueDays: row.returns_due_days,
      twoStepPolicy: toTwoStepPolicy(row.two_step_policy),
    }),
    createdAt: row.created_at,
  })
}

/** The partnerships in use: a removed one (migration 0016) keeps its row for its audit events, and nothing else. */
function inUse(executor: Executor) {
  return executor.selectFrom('partnerships').selectAll().where('removed_at', 'is', null)
}

/** The partnerships of the instance: the only place with their SQL. */
export function createPartnershipRepository(db: Executor) {
  const findById = compiledOnce((id) =>
    inUse(db)
      .where('id', '=', id as number)
      .compile(),
  )
  return {
    async list(executor: Executor = db): Promise<Partnership[]> {
      const rows = await inUse(executor).orderBy('name').execute()
      return rows.map(toPartnership)
    },
    /** The instance's partnership when it has exactly one, else null: two rows read at most, whatever their number. */
    async onlyOne(executor: Executor = db): Promise<Partnership | null> {
      const rows = await inUse(executor).orderBy('id').limit(2).execute()
      return rows.length === 1 ? toPartnership(rows[0] as (typeof rows)[number]) : null
    },
    async find(id: number, executor: Executor = db): Promise<Partnership | null> {
      // On every page (which partnership a request is in): compiled once (src/db/compiled-once.ts).
      const row =
        executor === db
          ? (await db.executeQuery(findById(id))).rows[0]
          : await inUse(executor).where('id', '=', id).executeTakeFirst()
      return row ? toPartnership(row) : null
    },
    async findBySlug(slug: string, executor: Executor = db): Promise<Partnership | null> {
      const row = await inUse(executor).where('slug', '=', slug).executeTakeFirst()
      return row ? toPartnership(row) : null
    },
    async findByCode(code: string, executor: Executor = db): Promise<Partnership | null> {
      const row = await inUse(executor).where('ons_code', '=', code).executeTakeFirst()
      return row ? toPartnership(row) : null
    },
    async insert(
      p: { slug: string; name: string; onsCode: string | null; nation: string; settings: PartnershipSettings },
      actor: string,
      at: string,
      executor: Executor = db,
    ): Promise<Partnership> {
      const row = await executor
        .insertInto('partnerships')
        .values({
          slug: p.slug,
          name: p.name,
          ons_code: p.onsCode,
          nation: p.nation,
          disclosure_minimum: p.settings.disclosureMinimum,
          returns_due_days: p.settings.returnsDueDays,
          two_step_policy: p.settings.twoStepPolicy,
          audit_legacy_through: null,
          created_at: at,
          created_by: actor,
          updated_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return toPartnership(row)
    },
    async update(
      id: number,
      changes: {
        [K in keyof ({ name: string; slug: string; onsCode: string | null; nation: string } & PartnershipSettings)]?:
          ({ name: string; slug: string; onsCode: string | null; nation: string } & PartnershipSettings)[K] | undefined
      },
      at: string,
      executor: Executor = db,
    ): Promise<void> {
      const set: Partial<Selectable<PartnershipsTable>> = { updated_at: at }
      if (changes.name !== undefined) set.name = changes.name
      if (changes.slug !== undefined) set.slug = changes.slug
      if (changes.onsCode !== undefined) set.ons_code = changes.onsCode
      if (changes.nation !== undefined) set.nation = changes.nation
      if (changes.disclosureMinimum !== undefined) set.disclosure_minimum = changes.disclosureMinimum
      if (changes.returnsDueDays !== undefined) set.returns_due_days = changes.returnsDueDays
      if (changes.twoStepPolicy !== undefined) set.two_step_policy = changes.twoStepPolicy
      await executor.updateTable('partnerships').set(set).where('id', '=', id).execute()
    },
    /**
     * Marks a partnership removed, freeing its name, address and ONS code (unique in the instance) for a partnership
     * added later: its row stays for the audit events that name it (which keep its name as it was).
     */
    async markRemoved(partnership: Partnership, actor: string, at: string, executor: Executor = db): Promise<void> {
      const id = partnership.id
      await executor
        .updateTable('partnerships')
        .set({
          removed_at: at,
          removed_by: actor,
          updated_at: at,
          name: `${partnership.name} (removed ${at})`,
          slug: `removed-${id}`,
          ons_code: null,
        })
        .where('id', '=', id)
        .execute()
    },
    /** The partnerships that have published at least one year (for the public home page). */
    async withPublications(executor: Executor = db): Promise<number[]> {
      const rows = await executor.selectFrom('report_approvals').select('partnership_id').distinct().execute()
      return rows.map((r) => r.partnership_id)
    },
  }
}

export type PartnershipRepository = ReturnType<typeof createPartnershipRepository>
