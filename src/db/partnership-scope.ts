import type { DeleteQueryNode, InsertQueryNode, SelectQueryNode, UpdateQueryNode } from 'kysely'
import {
  AliasNode,
  BinaryOperationNode,
  ColumnNode,
  IdentifierNode,
  JoinNode,
  OnConflictNode,
  OnNode,
  OperationNodeTransformer,
  OperatorNode,
  PrimitiveValueListNode,
  ReferenceNode,
  TableNode,
  ValueListNode,
  ValueNode,
  ValuesNode,
  WhereNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type QueryId,
} from 'kysely'
import type { Database } from './database.ts'
import { partnershipConnection } from './row-security.ts'

/**
 * The tables whose every row belongs to one partnership (`partnership_id`, migration 0013). The audit trail is not
 * here: its chain is one for the instance, so its reads are scoped by the audit repository itself.
 */
export const PARTNERSHIP_OWNED_TABLES: ReadonlySet<string> = new Set([
  'indicators',
  'baselines',
  'indicator_values',
  'imports',
  'return_periods',
  'agency_returns',
  'return_items',
  'report_approvals',
  'commentary_reviews',
  'publication_snapshots',
  'api_idempotency_keys',
  'api_tokens',
  'strategies',
  'strategic_priorities',
  'delivery_priorities',
  'indicator_priorities',
  'plan_actions',
  'action_milestones',
  'action_updates',
  'return_action_updates',
  'funding_streams',
  'funding_awards',
  'carry_forwards',
  'providers',
  'commissioned_services',
  'budget_allocations',
  'service_commitments',
  'spend_entries',
  'service_outputs',
  'service_output_actuals',
  'appendix_a_narratives',
  'appendix_a_approvals',
  'appendix_a_publications',
  'grant_publishing_settings',
  'return_output_items',
  'strategic_assessments',
  'assessment_findings',
  'assessment_citations',
  'assessment_threats',
  'assessment_recommendations',
  'assessment_consultations',
  'board_groups',
  'board_memberships',
  'board_meetings',
  'board_decisions',
  'register_wards',
  'reporting_centres',
  'reporting_centre_quarters',
  'tension_entries',
  'tension_assessments',
  'retention_periods',
  'retention_tombstones',
  'annual_reports',
  'annual_report_chapters',
  'annual_report_blocks',
  'annual_report_block_locks',
  'annual_report_comments',
  'annual_report_case_studies',
  'annual_report_frozen_figures',
  'annual_report_publications',
  'prevent_arrangements',
  'prevent_meetings',
  'prevent_risk_assessments',
  'prevent_referral_pathways',
  'channel_panel_meetings',
  'prevent_register_settings',
  'prevent_training',
  'prevent_communications',
  'prevent_referral_counts',
  'engagement_activities',
  'engagement_consultations',
  'covenant_signatories',
  'board_agenda_items',
  'board_attendance',
  'board_minutes',
  'board_meeting_actions',
  'board_decision_links',
  'death_review_cases',
  'death_review_events',
  'death_review_recommendations',
  'death_review_members',
  'death_review_register_grants',
  'death_review_access',
])

const COLUMN = 'partnership_id'

/**
 * The tenancy wall in the application: a database handle bound to one partnership. Every query built through it on a
 * partnership's table is rewritten before it runs: reads, updates and deletes gain `partnership_id = <id>` (in the
 * join's ON for a joined table, so that a left join stays a left join), inserts gain the column, and an ON CONFLICT
 * target gains it (the unique keys are per partnership). Repositories are written as if there were one partnership;
 * they cannot forget the filter, because they never see an unscoped handle. Raw `sql` text is not rewritten: a
 * repository that needs it over an owned table must name the partnership itself (`partnershipIdOf`). On PostgreSQL
 * the handle's connections also carry the partnership for the row-level security policies (src/db/row-security.ts),
 * so there even raw `sql` that forgets it reads and writes only this partnership's rows.
 *
 * @example
 *   const wolverhampton = scopeToPartnership(database, 1)
 *   await wolverhampton.db.selectFrom('indicators').selectAll().execute() // only partnership 1's KPIs
 */
export function scopeToPartnership(database: Database, partnershipId: number): ScopedDatabase {
  if (!Number.isInteger(partnershipId) || partnershipId < 1) throw new Error(`Not a partnership id: ${partnershipId}`)
  // On PostgreSQL, over connections whose `saferhub.partnership_id` is this partnership: the row-level security
  // policies are the second wall, for what the plugin cannot see (raw `sql`), and for a bug in the plugin itself.
  const connection = partnershipConnection(database.db, partnershipId) ?? database.db
  return {
    db: connection.withPlugin(new PartnershipScopePlugin(partnershipId)),
    dialect: database.dialect,
    partnershipId,
    close: database.close,
  }
}

/** A database handle bound to one partnership (see `scopeToPartnership`). */
export interface ScopedDatabase extends Database {
  readonly partnershipId: number
}

/** The partnership a handle is bound to, or null for the instance's unscoped handle. */
export function partnershipIdOf(database: Database): number | null {
  return 'partnershipId' in database && typeof database.partnershipId === 'number' ? database.partnershipId : null
}

class PartnershipScopePlugin implements KyselyPlugin {
  readonly #transformer: ScopeTransformer
  constructor(partnershipId: number) {
    this.#transformer = new ScopeTransformer(partnershipId)
  }
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node)
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result
  }
}

/** The owned table a FROM/JOIN item names, and the name to qualify its columns with (its alias, if any). */
function ownedTable(node: OperationNode): string | null {
  if (TableNode.is(node)) {
    const name = node.table.identifier.name
    return PARTNERSHIP_OWNED_TABLES.has(name) && node.table.schema === undefined ? name : null
  }
  if (AliasNode.is(node) && TableNode.is(node.node) && IdentifierNode.is(node.alias)) {
    return PARTNERSHIP_OWNED_TABLES.has(node.node.table.identifier.name) ? node.alias.name : null
  }
  return null
}

class ScopeTransformer extends OperationNodeTransformer {
  readonly #partnershipId: number
  constructor(partnershipId: number) {
    super()
    this.#partnershipId = partnershipId
  }

  #condition(qualifier: string): OperationNode {
    return BinaryOperationNode.create(
      ReferenceNode.create(ColumnNode.create(COLUMN), TableNode.create(qualifier)),
      OperatorNode.create('='),
      ValueNode.create(this.#partnershipId),
    )
  }

  #scopeWhere(where: WhereNode | undefined, froms: readonly OperationNode[]): WhereNode | undefined {
    let result = where
    for (const from of froms) {
      const qualifier = ownedTable(from)
      if (qualifier === null) continue
      const condition = this.#condition(qualifier)
      result =
        result === undefined ? WhereNode.create(condition) : WhereNode.cloneWithOperation(result, 'And', condition)
    }
    return result
  }

  #scopeJoins(joins: readonly JoinNode[] | undefined): readonly JoinNode[] | undefined {
    return joins?.map((join) => {
      const qualifier = ownedTable(join.table)
      if (qualifier === null) return join
      const condition = this.#condition(qualifier)
      if (join.on === undefined) {
        // A cross join has no ON: keep its meaning with a condition of its own.
        return JoinNode.createWithOn(join.joinType === 'CrossJoin' ? 'InnerJoin' : join.joinType, join.table, condition)
      }
      return { ...join, on: OnNode.cloneWithOperation(join.on, 'And', condition) }
    })
  }

  protected override transformSelectQuery(node: SelectQueryNode, queryId?: QueryId): SelectQueryNode {
    const inner = super.transformSelectQuery(node, queryId)
    const where = this.#scopeWhere(inner.where, inner.from?.froms ?? [])
    const joins = this.#scopeJoins(inner.joins)
    return Object.freeze({ ...inner, ...(where ? { where } : {}), ...(joins ? { joins } : {}) })
  }

  protected override transformUpdateQuery(node: UpdateQueryNode, queryId?: QueryId): UpdateQueryNode {
    const inner = super.transformUpdateQuery(node, queryId)
    const froms = [...(inner.table ? [inner.table] : []), ...(inner.from?.froms ?? [])]
    const where = this.#scopeWhere(inner.where, froms)
    const joins = this.#scopeJoins(inner.joins)
    return Object.freeze({ ...inner, ...(where ? { where } : {}), ...(joins ? { joins } : {}) })
  }

  protected override transformDeleteQuery(node: DeleteQueryNode, queryId?: QueryId): DeleteQueryNode {
    const inner = super.transformDeleteQuery(node, queryId)
    const froms = [...inner.from.froms, ...(inner.using?.tables ?? [])]
    const where = this.#scopeWhere(inner.where, froms)
    const joins = this.#scopeJoins(inner.joins)
    return Object.freeze({ ...inner, ...(where ? { where } : {}), ...(joins ? { joins } : {}) })
  }

  protected override transformInsertQuery(node: InsertQueryNode, queryId?: QueryId): InsertQueryNode {
    const inner = super.transformInsertQuery(node, queryId)
    if (inner.into === undefined || ownedTable(inner.into) === null) return inner
    const columns = inner.columns ?? []
    if (columns.some((c) => c.column.name === COLUMN)) {
      throw new Error(`A partnership's ${inner.into.table.identifier.name} row names its partnership itself`)
    }
    if (inner.values === undefined || !ValuesNode.is(inner.values)) {
      throw new Error(`Only INSERT … VALUES is supported into ${inner.into.table.identifier.name} (tenancy)`)
    }
    const values = ValuesNode.create(
      inner.values.values.map((row) =>
        PrimitiveValueListNode.is(row)
          ? PrimitiveValueListNode.create([...row.values, this.#partnershipId])
          : ValueListNode.create([...row.values, ValueNode.create(this.#partnershipId)]),
      ),
    )
    let onConflict = inner.onConflict
    if (onConflict?.columns !== undefined) {
      onConflict = OnConflictNode.cloneWith(onConflict, {
        columns: [ColumnNode.create(COLUMN), ...onConflict.columns],
      })
    }
    return Object.freeze({
      ...inner,
      columns: [...columns, ColumnNode.create(COLUMN)],
      values,
      ...(onConflict ? { onConflict } : {}),
    })
  }
}
