import type { Kysely } from 'kysely'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork } from '../audit/audited-transaction.ts'
import type { ScopedDatabase } from '../db/partnership-scope.ts'
import type { DatabaseSchema } from '../db/schema.ts'
import type { Partnership } from './partnership.ts'
import type { PartnershipRepository } from './partnership-repository.ts'

/**
 * The partnership's own tables, children before parents, so that each delete leaves no row pointing at a deleted
 * one. Every one is in `PARTNERSHIP_OWNED_TABLES`: through the partnership's scoped handle each delete gains
 * `partnership_id = <id>` (and on PostgreSQL the row-level security policy holds it to the partnership too).
 */
const OWNED_TABLES_CHILDREN_FIRST = [
  'retention_tombstones',
  'retention_periods',
  'tension_assessments',
  'tension_entries',
  'reporting_centre_quarters',
  'reporting_centres',
  'register_wards',
  'annual_report_publications',
  'annual_report_frozen_figures',
  'annual_report_case_studies',
  'annual_report_comments',
  'annual_report_block_locks',
  'annual_report_blocks',
  'annual_report_chapters',
  'annual_reports',
  'prevent_arrangements',
  'prevent_meetings',
  'prevent_risk_assessments',
  'prevent_referral_pathways',
  'channel_panel_meetings',
  'prevent_training',
  'prevent_register_settings',
  'prevent_communications',
  'prevent_referral_counts',
  'engagement_activities',
  'engagement_consultations',
  'covenant_signatories',
  'board_decision_links',
  'board_meeting_actions',
  'board_minutes',
  'board_attendance',
  'board_agenda_items',
  'death_review_access',
  'death_review_members',
  'death_review_recommendations',
  'death_review_events',
  'death_review_cases',
  'death_review_register_grants',
  'board_decisions',
  'board_meetings',
  'board_memberships',
  'board_groups',
  'grant_publishing_settings',
  'appendix_a_publications',
  'appendix_a_approvals',
  'appendix_a_narratives',
  'return_output_items',
  'assessment_consultations',
  'assessment_recommendations',
  'assessment_threats',
  'assessment_citations',
  'assessment_findings',
  'strategic_assessments',
  'service_output_actuals',
  'service_outputs',
  'spend_entries',
  'service_commitments',
  'budget_allocations',
  'commissioned_services',
  'providers',
  'carry_forwards',
  'funding_awards',
  'funding_streams',
  'action_updates',
  'return_action_updates',
  'action_milestones',
  'plan_actions',
  'indicator_priorities',
  'delivery_priorities',
  'strategic_priorities',
  'strategies',
  'return_items',
  'agency_returns',
  'return_periods',
  'commentary_reviews',
  'report_approvals',
  'publication_snapshots',
  'api_idempotency_keys',
  'api_tokens',
  'indicator_values',
  'baselines',
  'imports',
  'indicators',
] as const

type OwnedTable = (typeof OWNED_TABLES_CHILDREN_FIRST)[number]

/** How many rows of each kind a removal deleted (for the audit event and the command's summary). */
export type RemovedRows = Readonly<Record<OwnedTable | 'memberships' | 'agencyLinks', number>>

export interface PartnershipRemovalDependencies {
  /** The partnership's own handle (src/db/partnership-scope.ts): the removal can reach no other partnership's rows. */
  readonly database: ScopedDatabase
  readonly repository: PartnershipRepository
  /** The partnership's audit repository: the events carry the partnership. */
  readonly audit: AuditRepository
  readonly now?: () => Date
}

export interface RemovalExtras {
  /** People to delete with it when they then belong to no other partnership (the demo's accounts). */
  readonly people?: readonly string[]
  /** Agencies (by code) to delete with it when no other partnership links them and nothing refers to them. */
  readonly agencies?: readonly string[]
}

/**
 * Removes a partnership and everything it owns in one unit of work, audited: its figures, KPIs, imports, returns,
 * approvals, reviews and API tokens are deleted, its members' memberships and its agency links ended, and the
 * partnership marked removed (its row stays for the audit events that name it; migration 0016). `extras` names
 * accounts and agencies made only for it (the demo's), deleted when nothing else needs them. Whether a removal is
 * wanted (the demo holding someone's own figures) is the caller's question: this removes.
 *
 * @example await removePartnership({ database: scoped, repository, audit }, partnership, 'cli:alice')
 */
export async function removePartnership(
  deps: PartnershipRemovalDependencies,
  partnership: Partnership,
  actor: string,
  extras: RemovalExtras = {},
): Promise<{ readonly rows: RemovedRows; readonly people: string[]; readonly agencies: string[] }> {
  if (deps.database.partnershipId !== partnership.id) throw new Error('The handle is not the partnership’s own')
  const at = (deps.now ?? (() => new Date()))().toISOString()
  return inUnitOfWork(deps.database, async ({ trx }) => {
    const counts: Record<string, number> = {}
    for (const table of OWNED_TABLES_CHILDREN_FIRST) {
      const result = await trx.deleteFrom(table).executeTakeFirst()
      counts[table] = Number(result.numDeletedRows)
    }
    // Memberships and agency links are the instance's tables (a person and an agency span partnerships): named here.
    const memberships = await trx
      .deleteFrom('memberships')
      .where('partnership_id', '=', partnership.id)
      .executeTakeFirst()
    const links = await trx
      .deleteFrom('partnership_agencies')
      .where('partnership_id', '=', partnership.id)
      .executeTakeFirst()
    counts.memberships = Number(memberships.numDeletedRows)
    counts.agencyLinks = Number(links.numDeletedRows)
    await deps.repository.markRemoved(partnership, actor, at, trx)
    await deps.audit.append(trx, {
      actor,
      action: 'remove',
      entityType: 'partnership',
      entityKey: String(partnership.id),
      before: partnership,
      after: { removedAt: at, deleted: counts },
    })
    const people = await deletePeopleOfNoPartnership(trx, deps.audit, actor, extras.people ?? [])
    const agencies = await deleteUnusedAgencies(trx, deps.audit, actor, extras.agencies ?? [])
    return { rows: counts as RemovedRows, people, agencies }
  })
}

async function deletePeopleOfNoPartnership(
  trx: Kysely<DatabaseSchema>,
  audit: AuditRepository,
  actor: string,
  emails: readonly string[],
): Promise<string[]> {
  if (emails.length === 0) return []
  const users = await trx
    .selectFrom('users')
    .select(['id', 'email', 'name', 'instance_administrator'])
    .where('email', 'in', emails)
    .execute()
  const deleted: string[] = []
  for (const user of users) {
    if (user.instance_administrator === 1) continue
    const elsewhere = await trx
      .selectFrom('memberships')
      .select('user_id')
      .where('user_id', '=', user.id)
      .executeTakeFirst()
    if (elsewhere) continue
    // Sessions, two-step secrets and recovery codes go with the person (ON DELETE CASCADE).
    await trx.deleteFrom('users').where('id', '=', user.id).execute()
    await audit.append(trx, {
      actor,
      action: 'delete',
      entityType: 'user',
      entityKey: String(user.id),
      before: { id: user.id, email: user.email, name: user.name },
      after: null,
    })
    deleted.push(user.email)
  }
  return deleted
}

async function deleteUnusedAgencies(
  trx: Kysely<DatabaseSchema>,
  audit: AuditRepository,
  actor: string,
  codes: readonly string[],
): Promise<string[]> {
  if (codes.length === 0) return []
  const agencies = await trx.selectFrom('agencies').select(['id', 'code', 'name']).where('code', 'in', codes).execute()
  const deleted: string[] = []
  for (const agency of agencies) {
    // Another partnership's link or member (its returns and tokens need a link) keeps the agency.
    const linked = await trx
      .selectFrom('partnership_agencies')
      .select('agency_id')
      .where('agency_id', '=', agency.id)
      .executeTakeFirst()
    const member = await trx
      .selectFrom('memberships')
      .select('agency_id')
      .where('agency_id', '=', agency.id)
      .executeTakeFirst()
    if (linked !== undefined || member !== undefined) continue
    const names = await trx.selectFrom('agency_owner_names').select('name').where('agency_id', '=', agency.id).execute()
    await trx.deleteFrom('agency_owner_names').where('agency_id', '=', agency.id).execute()
    await trx.deleteFrom('agencies').where('id', '=', agency.id).execute()
    await audit.append(trx, {
      actor,
      action: 'delete',
      entityType: 'agency',
      entityKey: String(agency.id),
      before: { id: agency.id, code: agency.code, name: agency.name, ownerNames: names.map((n) => n.name) },
      after: null,
    })
    deleted.push(agency.code)
  }
  return deleted
}

/**
 * The tables whose rows say who last changed them (`updated_by`), and what a row is called: the plan and the money,
 * the board and its meetings, the registers, the annual report. A partnership-owned table with an `updated_by` column
 * belongs here (the test in src/partnerships/demo-removal.test.ts checks none is missed); tables whose author column
 * has another name are read one by one in `rowsNotWrittenBy`.
 */
export const UPDATED_BY_TABLES = [
  ['strategies', 'strateg(y/ies)'],
  ['strategic_priorities', 'strategic priorit(y/ies)'],
  ['delivery_priorities', 'delivery priorit(y/ies)'],
  ['indicator_priorities', 'KPI link(s) to priorities'],
  ['plan_actions', 'action(s)'],
  ['action_milestones', 'action milestone(s)'],
  ['funding_streams', 'funding stream(s)'],
  ['funding_awards', 'funding award(s)'],
  ['carry_forwards', 'carry-forward(s)'],
  ['providers', 'provider(s)'],
  ['commissioned_services', 'commissioned service(s)'],
  ['budget_allocations', 'budget allocation(s)'],
  ['service_commitments', 'service award(s)'],
  ['spend_entries', 'spend figure(s)'],
  ['service_outputs', 'service output(s)'],
  ['service_output_actuals', 'service output figure(s)'],
  ['return_output_items', 'figure(s) of a provider’s return'],
  ['appendix_a_narratives', 'Appendix A narrative(s)'],
  ['grant_publishing_settings', 'grant publishing settings'],
  ['assessment_citations', 'figure(s) cited by a strategic assessment'],
  // The board (issue 11): its groups and seats (src/board/board-demo.ts loads the demo's).
  ['board_groups', 'board or group(s)'],
  ['board_memberships', 'board or group seat(s)'],
  // The Prevent and engagement registers (src/registers/prevent-*, engagement-*, migration 0031).
  ['prevent_arrangements', 'Prevent arrangements'],
  ['prevent_meetings', 'Prevent group meeting(s)'],
  ['prevent_risk_assessments', 'Prevent risk assessment(s)'],
  ['prevent_referral_pathways', 'Prevent referral pathway(s)'],
  ['channel_panel_meetings', 'Channel panel meeting(s)'],
  ['prevent_register_settings', 'setting(s) of the area'],
  ['prevent_training', 'Prevent training record(s)'],
  ['prevent_communications', 'Prevent communication(s)'],
  ['prevent_referral_counts', 'Prevent referral count(s)'],
  ['engagement_activities', 'engagement activit(y/ies)'],
  ['engagement_consultations', 'consultation(s)'],
  ['covenant_signatories', 'covenant sign-up(s)'],
  // A death review case someone recorded or worked (src/reviews/): named by its row id only, never its text.
  ['death_review_cases', 'death review case(s)'],
  ['death_review_recommendations', 'death review recommendation(s)'],
  // The board's meetings and what they hold (migrations 0025 and 0027; src/board/meeting-demo.ts loads the demo's).
  ['board_meetings', 'meeting(s)'],
  ['board_decisions', 'decision(s) of a meeting'],
  ['board_agenda_items', 'agenda item(s)'],
  ['board_attendance', 'attendance record(s)'],
  ['board_minutes', 'minutes'],
  ['board_meeting_actions', 'meeting action(s)'],
  ['board_decision_links', 'link(s) from a decision to what it decided'],
  // The annual report (migration 0028): a report, chapter, block or case study someone else wrote or changed.
  ['annual_reports', 'annual report(s)'],
  ['annual_report_chapters', 'annual report chapter(s)'],
  ['annual_report_blocks', 'annual report block(s)'],
  ['annual_report_case_studies', 'case stud(y/ies)'],
  // Tensions, reporting centres and retention (migration 0032).
  ['register_wards', 'ward(s)'],
  ['tension_entries', 'tension log entr(y/ies)'],
  ['tension_assessments', 'tension assessment(s)'],
  ['reporting_centres', 'reporting centre(s)'],
  ['reporting_centre_quarters', 'reporting centre quarter(s)'],
  ['retention_periods', 'retention period(s)'],
] as const

/**
 * What in a partnership was not written by `actor` (the demo loader), in words: KPIs, baselines and figures last
 * changed by someone else, returns (the demo loader writes none), approvals by someone else, and any row of the plan,
 * the money, the board and its meetings, the registers and the annual report someone else last changed. At most `limit`
 * of each kind are named. Empty: everything it holds is the loader's, and removing it loses nobody's work.
 *
 * @example await rowsNotWrittenBy(scoped, 'demo-data') // ['figure knife-crime 2017/18 Q1 (last changed by cli:amy)']
 */
export async function rowsNotWrittenBy(database: ScopedDatabase, actor: string, limit = 10): Promise<string[]> {
  const db = database.db
  const [indicators, baselines, values, returns, approvals] = await Promise.all([
    db.selectFrom('indicators').select(['id', 'updated_by']).where('updated_by', '!=', actor).orderBy('id').execute(),
    db
      .selectFrom('baselines')
      .select(['indicator_id', 'year', 'updated_by'])
      .where('updated_by', '!=', actor)
      .orderBy('indicator_id')
      .execute(),
    db
      .selectFrom('indicator_values')
      .select(['indicator_id', 'period', 'updated_by'])
      .where('updated_by', '!=', actor)
      .orderBy('indicator_id')
      .orderBy('period')
      .execute(),
    db.selectFrom('agency_returns').select(['period', 'agency_id']).orderBy('period').execute(),
    db.selectFrom('report_approvals').select(['year', 'actor']).where('actor', '!=', actor).execute(),
  ])
  // A strategic assessment someone else wrote in, or any item of one they added (src/plan/assessment-*.ts).
  const assessments = await db
    .selectFrom('strategic_assessments as a')
    .select(['a.year', 'a.updated_by'])
    .where((eb) =>
      eb.or([
        eb('a.updated_by', '!=', actor),
        ...(
          [
            'assessment_findings',
            'assessment_threats',
            'assessment_recommendations',
            'assessment_consultations',
          ] as const
        ).map((table) =>
          eb.exists(
            eb
              .selectFrom(table)
              .select('id')
              .whereRef(`${table}.assessment_id`, '=', 'a.id')
              .where(`${table}.updated_by`, '!=', actor),
          ),
        ),
      ]),
    )
    .orderBy('a.year')
    .execute()
  // Any row of those tables someone other than the loader last changed, by table.
  const updatedByTables = await Promise.all(
    UPDATED_BY_TABLES.map(async ([table, what]) => ({
      what,
      rows: await db
        .selectFrom(table)
        .select(['id', 'updated_by'])
        .where('updated_by', '!=', actor)
        .orderBy('id')
        .execute(),
    })),
  )
  // Rows whose author column has another name: a comment made or resolved, a block being edited, a publication, a
  // record deleted under retention, a death review's event, member or register grant (named by row id only).
  const [comments, locks, publications, tombstones, reviewEvents, reviewMembers, reviewGrants] = await Promise.all([
    db
      .selectFrom('annual_report_comments')
      .select(['id', 'made_by as by'])
      .where((eb) => eb.or([eb('made_by', '!=', actor), eb('resolved_by', '!=', actor)]))
      .orderBy('id')
      .execute(),
    db
      .selectFrom('annual_report_block_locks')
      .select(['block_id as id', 'locked_by as by'])
      .where('locked_by', '!=', actor)
      .orderBy('block_id')
      .execute(),
    db
      .selectFrom('annual_report_publications')
      .select(['id', 'published_by as by'])
      .where('published_by', '!=', actor)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('retention_tombstones')
      .select(['id', 'deleted_by as by'])
      .where('deleted_by', '!=', actor)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('death_review_events')
      .select(['id', 'recorded_by as by'])
      .where('recorded_by', '!=', actor)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('death_review_members')
      .select(['id', 'added_by as by'])
      .where('added_by', '!=', actor)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('death_review_register_grants')
      .select(['id', 'granted_by as by'])
      .where('granted_by', '!=', actor)
      .orderBy('id')
      .execute(),
  ])
  const some = <T>(rows: readonly T[], what: string, describe: (row: T) => string): string[] => {
    if (rows.length === 0) return []
    const named = rows.slice(0, limit).map(describe).join('; ')
    return [`${rows.length} ${what}: ${named}${rows.length > limit ? '; …' : ''}`]
  }
  return [
    ...some(indicators, 'KPI definition(s)', (r) => `${r.id} (changed by ${r.updated_by})`),
    ...some(baselines, 'baseline(s)', (r) => `${r.indicator_id} ${r.year} (changed by ${r.updated_by})`),
    ...some(values, 'figure(s)', (r) => `${r.indicator_id} ${r.period} (changed by ${r.updated_by})`),
    ...some(returns, 'quarterly return(s)', (r) => `${r.period} from agency ${r.agency_id}`),
    ...some(approvals, 'publication approval(s)', (r) => `${r.year} by ${r.actor}`),
    ...some(assessments, 'strategic assessment(s)', (r) => `${r.year} (changed by ${r.updated_by})`),
    ...updatedByTables.flatMap(({ what, rows }) => some(rows, what, (r) => `#${r.id} (changed by ${r.updated_by})`)),
    ...(
      [
        [comments, 'annual report comment(s)'],
        [locks, 'annual report block(s) being edited'],
        [publications, 'annual report publication(s)'],
        [tombstones, 'record(s) deleted under retention'],
        [reviewEvents, 'death review event(s)'],
        [reviewMembers, 'death review member(s)'],
        [reviewGrants, 'death review register grant(s)'],
      ] as const
    ).flatMap(([rows, what]) => some(rows, what, (r) => `#${r.id} (by ${r.by})`)),
  ]
}
