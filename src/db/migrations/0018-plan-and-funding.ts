import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'

/**
 * The partnership's plan and its money (issue 10): the strategy with its strategic priorities and each year's
 * delivery priorities, KPIs linked to priorities, delivery plan actions with milestones and dated progress updates;
 * funding streams with the amount awarded per financial year and the carry-forward agreed into a year, providers and
 * the services commissioned from them, allocations of a stream's budget to a priority or a service, commitments,
 * spend (actual and forecast) per quarter, and each service's outputs and outcomes with targets and actuals.
 *
 * Rules the database holds, whoever writes:
 * - Every table is the partnership's (`partnership_id`, row-level security on PostgreSQL as in 0014) and every
 *   reference between them is a composite key `(partnership_id, x_id)`, so a row can never point at another
 *   partnership's priority, stream or service, even through a bug in a service.
 * - Money is integer pence (`bigint` on PostgreSQL, SQLite's 64-bit integer), never floating point. A year's budget
 *   is not stored: it is income plus carry-forward, computed.
 * - Years are financial years (`FY2017-18`), quarters `FY2017-18-Q1`, dates `YYYY-MM-DD`, times ISO 8601 UTC text.
 * - `illustrative` (0/1) marks a demo figure the seed does not give (its allocation table was an image): every page
 *   and export that shows one says so.
 *
 * Frozen in time: this file imports no application code.
 */
export const planAndFundingMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const dialect = dialectOf(db)
    const money = dialect === 'sqlite' ? ('integer' as const) : ('bigint' as const)
    const owned = <T extends string>(name: T) =>
      withId(db, createTable(db, name)).addColumn('partnership_id', 'integer', (c) =>
        c.notNull().references('partnerships.id'),
      )
    /** The partnership's own row of `table`: a composite reference, so it cannot be another partnership's. */
    const inSamePartnership = <B extends CreateTableBuilder<string, never>>(
      builder: B,
      name: string,
      column: string,
      table: string,
    ): B =>
      // The builder's column types are erased here (a helper over every table); the names are checked by the database.
      (builder as unknown as CreateTableBuilder<string, string>).addForeignKeyConstraint(
        name,
        ['partnership_id', column],
        table,
        ['partnership_id', 'id'],
      ) as unknown as B
    const yearShape = (column: string) => sql.raw(`length(${column}) = 9 and substr(${column}, 1, 2) = 'FY'`)
    const dateShape = (column: string) => sql.raw(`${column} is null or length(${column}) = 10`)
    const audited = <B extends CreateTableBuilder<string, never>>(builder: B): B =>
      builder
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull()) as B

    // ---- The strategy -------------------------------------------------------------------------------------------
    await audited(
      owned('strategies')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('first_year', 'text', (c) => c.notNull())
        .addColumn('last_year', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('summary', 'text')
        .addColumn('approved_at', 'text')
        .addColumn('approved_by', 'text')
        .addCheckConstraint('strategies_status_known', sql`status in ('draft', 'approved', 'superseded')`)
        .addCheckConstraint('strategies_first_year_shape', yearShape('first_year'))
        .addCheckConstraint('strategies_last_year_shape', yearShape('last_year'))
        .addCheckConstraint('strategies_years_in_order', sql`first_year <= last_year`)
        .addCheckConstraint(
          'strategies_approval_recorded',
          sql`(status = 'draft') = (approved_at is null) and (approved_at is null) = (approved_by is null)`,
        )
        .addUniqueConstraint('strategies_partnership_row', ['partnership_id', 'id']),
    ).execute()

    await audited(
      inSamePartnership(
        owned('strategic_priorities')
          .addColumn('strategy_id', 'integer', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('description', 'text')
          .addCheckConstraint('strategic_priorities_name_present', sql`length(name) > 0`)
          .addUniqueConstraint('strategic_priorities_partnership_row', ['partnership_id', 'id'])
          .addUniqueConstraint('strategic_priorities_name_once', ['partnership_id', 'strategy_id', 'name']),
        'strategic_priorities_strategy',
        'strategy_id',
        'strategies',
      ),
    ).execute()

    await audited(
      inSamePartnership(
        owned('delivery_priorities')
          .addColumn('strategic_priority_id', 'integer', (c) => c.notNull())
          .addColumn('year', 'text', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('description', 'text')
          .addCheckConstraint('delivery_priorities_year_shape', yearShape('year'))
          .addCheckConstraint('delivery_priorities_name_present', sql`length(name) > 0`)
          .addUniqueConstraint('delivery_priorities_partnership_row', ['partnership_id', 'id'])
          .addUniqueConstraint('delivery_priorities_name_once', [
            'partnership_id',
            'strategic_priority_id',
            'year',
            'name',
          ]),
        'delivery_priorities_priority',
        'strategic_priority_id',
        'strategic_priorities',
      ),
    ).execute()

    // A KPI's place in the plan. The KPI's own free-text `priority` and `theme` stay as they were imported (nothing
    // is lost); the link is what the plan's pages read, and a KPI whose text matches no priority is listed for the
    // analyst to resolve. One link per KPI (a KPI serves one priority, as in the framework's layout).
    await audited(
      inSamePartnership(
        inSamePartnership(
          owned('indicator_priorities')
            .addColumn('indicator_id', 'text', (c) => c.notNull())
            .addColumn('strategic_priority_id', 'integer', (c) => c.notNull())
            .addColumn('delivery_priority_id', 'integer')
            .addUniqueConstraint('indicator_priorities_once', ['partnership_id', 'indicator_id'])
            .addForeignKeyConstraint(
              'indicator_priorities_indicator',
              ['partnership_id', 'indicator_id'],
              'indicators',
              ['partnership_id', 'id'],
            ),
          'indicator_priorities_priority',
          'strategic_priority_id',
          'strategic_priorities',
        ),
        'indicator_priorities_delivery_priority',
        'delivery_priority_id',
        'delivery_priorities',
      ),
    ).execute()

    // ---- Delivery plans and actions ------------------------------------------------------------------------------
    await audited(
      inSamePartnership(
        inSamePartnership(
          owned('plan_actions')
            .addColumn('reference', 'text', (c) => c.notNull())
            .addColumn('title', 'text', (c) => c.notNull())
            .addColumn('description', 'text')
            .addColumn('strategic_priority_id', 'integer', (c) => c.notNull())
            .addColumn('delivery_priority_id', 'integer')
            // A free name until the board and its groups exist (issue 11 links it to a group).
            .addColumn('delivery_group', 'text')
            .addColumn('lead_agency_id', 'integer', (c) => c.references('agencies.id'))
            .addColumn('owner', 'text')
            .addColumn('start_date', 'text')
            .addColumn('due_date', 'text')
            .addColumn('status', 'text', (c) => c.notNull())
            .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
            .addColumn('created_at', 'text', (c) => c.notNull())
            .addCheckConstraint(
              'plan_actions_status_known',
              sql`status in ('not-started', 'on-track', 'at-risk', 'off-track', 'complete', 'cancelled')`,
            )
            .addCheckConstraint('plan_actions_start_shape', dateShape('start_date'))
            .addCheckConstraint('plan_actions_due_shape', dateShape('due_date'))
            .addCheckConstraint(
              'plan_actions_dates_in_order',
              sql`start_date is null or due_date is null or start_date <= due_date`,
            )
            .addCheckConstraint('plan_actions_title_present', sql`length(title) > 0`)
            .addUniqueConstraint('plan_actions_partnership_row', ['partnership_id', 'id'])
            .addUniqueConstraint('plan_actions_reference_once', ['partnership_id', 'reference']),
          'plan_actions_priority',
          'strategic_priority_id',
          'strategic_priorities',
        ),
        'plan_actions_delivery_priority',
        'delivery_priority_id',
        'delivery_priorities',
      ),
    ).execute()

    await audited(
      inSamePartnership(
        owned('action_milestones')
          .addColumn('action_id', 'integer', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('due_date', 'text')
          .addColumn('completed_on', 'text')
          .addCheckConstraint('action_milestones_due_shape', dateShape('due_date'))
          .addCheckConstraint('action_milestones_completed_shape', dateShape('completed_on')),
        'action_milestones_action',
        'action_id',
        'plan_actions',
      ),
    ).execute()

    // A dated progress update with who wrote it. `return_id` names the quarterly return it came through (accepted
    // by the analyst) when an agency sent it that way.
    await inSamePartnership(
      owned('action_updates')
        .addColumn('action_id', 'integer', (c) => c.notNull())
        .addColumn('written_on', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('written_by', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.references('users.id'))
        .addColumn('return_id', 'integer')
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addCheckConstraint(
          'action_updates_status_known',
          sql`status in ('not-started', 'on-track', 'at-risk', 'off-track', 'complete', 'cancelled')`,
        )
        .addCheckConstraint('action_updates_written_shape', sql`length(written_on) = 10`)
        .addCheckConstraint('action_updates_note_present', sql`length(note) > 0`),
      'action_updates_action',
      'action_id',
      'plan_actions',
    ).execute()

    // ---- Funding ---------------------------------------------------------------------------------------------
    await audited(
      owned('funding_streams')
        .addColumn('funder', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text')
        .addColumn('first_year', 'text', (c) => c.notNull())
        .addColumn('last_year', 'text', (c) => c.notNull())
        .addColumn('conditions', 'text')
        // The funder's own reference (a grant agreement's number), and 360Giving's funder organisation id.
        .addColumn('funder_reference', 'text')
        .addColumn('funder_org_id', 'text')
        .addCheckConstraint('funding_streams_first_year_shape', yearShape('first_year'))
        .addCheckConstraint('funding_streams_last_year_shape', yearShape('last_year'))
        .addCheckConstraint('funding_streams_years_in_order', sql`first_year <= last_year`)
        .addCheckConstraint('funding_streams_name_present', sql`length(name) > 0 and length(funder) > 0`)
        .addUniqueConstraint('funding_streams_partnership_row', ['partnership_id', 'id'])
        .addUniqueConstraint('funding_streams_name_once', ['partnership_id', 'name']),
    ).execute()

    // The amount awarded for one financial year (a multi-year fund is split across its years), and received to date.
    await audited(
      inSamePartnership(
        owned('funding_awards')
          .addColumn('funding_stream_id', 'integer', (c) => c.notNull())
          .addColumn('year', 'text', (c) => c.notNull())
          .addColumn('awarded_pence', money, (c) => c.notNull())
          .addColumn('received_pence', money, (c) => c.notNull().defaultTo(0))
          .addColumn('illustrative', 'integer', (c) => c.notNull().defaultTo(0))
          .addCheckConstraint('funding_awards_year_shape', yearShape('year'))
          .addCheckConstraint('funding_awards_amounts', sql`awarded_pence >= 0 and received_pence >= 0`)
          .addCheckConstraint('funding_awards_illustrative_flag', sql`illustrative in (0, 1)`)
          .addUniqueConstraint('funding_awards_once_a_year', ['partnership_id', 'funding_stream_id', 'year']),
        'funding_awards_stream',
        'funding_stream_id',
        'funding_streams',
      ),
    ).execute()

    // The carry-forward agreed into a year from the stream's year before (the "carry-forward in"; the year before's
    // "carry-forward out" is the same row). What is left to carry is computed, and compared with what was agreed.
    await audited(
      inSamePartnership(
        owned('carry_forwards')
          .addColumn('funding_stream_id', 'integer', (c) => c.notNull())
          .addColumn('into_year', 'text', (c) => c.notNull())
          .addColumn('amount_pence', money, (c) => c.notNull())
          .addColumn('agreed_on', 'text')
          .addColumn('note', 'text')
          .addColumn('illustrative', 'integer', (c) => c.notNull().defaultTo(0))
          .addCheckConstraint('carry_forwards_year_shape', yearShape('into_year'))
          .addCheckConstraint('carry_forwards_amount', sql`amount_pence >= 0`)
          .addCheckConstraint('carry_forwards_agreed_shape', dateShape('agreed_on'))
          .addCheckConstraint('carry_forwards_illustrative_flag', sql`illustrative in (0, 1)`)
          .addUniqueConstraint('carry_forwards_once_a_year', ['partnership_id', 'funding_stream_id', 'into_year']),
        'carry_forwards_stream',
        'funding_stream_id',
        'funding_streams',
      ),
    ).execute()

    // ---- Commissioned services ---------------------------------------------------------------------------------
    // A provider organisation. `agency_id` is the agency whose data owners report the provider's outputs through the
    // returns workflow, and who see this provider's services only.
    await audited(
      owned('providers')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('charity_number', 'text')
        .addColumn('company_number', 'text')
        .addColumn('agency_id', 'integer', (c) => c.references('agencies.id'))
        .addColumn('postcode', 'text')
        .addColumn('website', 'text')
        .addCheckConstraint('providers_name_present', sql`length(name) > 0`)
        .addUniqueConstraint('providers_partnership_row', ['partnership_id', 'id'])
        .addUniqueConstraint('providers_name_once', ['partnership_id', 'name']),
    ).execute()

    await audited(
      inSamePartnership(
        inSamePartnership(
          inSamePartnership(
            owned('commissioned_services')
              .addColumn('reference', 'text', (c) => c.notNull())
              .addColumn('title', 'text', (c) => c.notNull())
              .addColumn('description', 'text')
              .addColumn('provider_id', 'integer', (c) => c.notNull())
              .addColumn('strategic_priority_id', 'integer')
              .addColumn('funding_stream_id', 'integer')
              .addColumn('agreement', 'text', (c) => c.notNull())
              .addColumn('start_date', 'text')
              .addColumn('end_date', 'text')
              .addColumn('status', 'text', (c) => c.notNull())
              .addCheckConstraint('commissioned_services_agreement_known', sql`agreement in ('grant', 'contract')`)
              .addCheckConstraint(
                'commissioned_services_status_known',
                sql`status in ('planned', 'commissioned', 'live', 'ended', 'decommissioned')`,
              )
              .addCheckConstraint('commissioned_services_start_shape', dateShape('start_date'))
              .addCheckConstraint('commissioned_services_end_shape', dateShape('end_date'))
              .addCheckConstraint(
                'commissioned_services_dates_in_order',
                sql`start_date is null or end_date is null or start_date <= end_date`,
              )
              .addCheckConstraint('commissioned_services_title_present', sql`length(title) > 0`)
              .addUniqueConstraint('commissioned_services_partnership_row', ['partnership_id', 'id'])
              .addUniqueConstraint('commissioned_services_reference_once', ['partnership_id', 'reference']),
            'commissioned_services_provider',
            'provider_id',
            'providers',
          ),
          'commissioned_services_priority',
          'strategic_priority_id',
          'strategic_priorities',
        ),
        'commissioned_services_stream',
        'funding_stream_id',
        'funding_streams',
      ),
    ).execute()

    // ---- The budget ------------------------------------------------------------------------------------------
    // A share of one stream's budget for a year, set aside for a priority, a service, or both (a service's priority
    // is its own; an allocation to a priority alone is money not yet commissioned).
    await audited(
      inSamePartnership(
        inSamePartnership(
          inSamePartnership(
            owned('budget_allocations')
              .addColumn('funding_stream_id', 'integer', (c) => c.notNull())
              .addColumn('year', 'text', (c) => c.notNull())
              .addColumn('strategic_priority_id', 'integer')
              .addColumn('service_id', 'integer')
              .addColumn('amount_pence', money, (c) => c.notNull())
              .addColumn('note', 'text')
              .addColumn('illustrative', 'integer', (c) => c.notNull().defaultTo(0))
              .addCheckConstraint('budget_allocations_year_shape', yearShape('year'))
              .addCheckConstraint('budget_allocations_amount', sql`amount_pence >= 0`)
              .addCheckConstraint(
                'budget_allocations_to_something',
                sql`strategic_priority_id is not null or service_id is not null`,
              )
              .addCheckConstraint('budget_allocations_illustrative_flag', sql`illustrative in (0, 1)`)
              .addUniqueConstraint('budget_allocations_partnership_row', ['partnership_id', 'id']),
            'budget_allocations_stream',
            'funding_stream_id',
            'funding_streams',
          ),
          'budget_allocations_priority',
          'strategic_priority_id',
          'strategic_priorities',
        ),
        'budget_allocations_service',
        'service_id',
        'commissioned_services',
      ),
    ).execute()

    // What a service was awarded for a year (the grant or contract value): committed money.
    await audited(
      inSamePartnership(
        owned('service_commitments')
          .addColumn('service_id', 'integer', (c) => c.notNull())
          .addColumn('year', 'text', (c) => c.notNull())
          .addColumn('amount_pence', money, (c) => c.notNull())
          .addColumn('committed_on', 'text')
          .addColumn('illustrative', 'integer', (c) => c.notNull().defaultTo(0))
          .addCheckConstraint('service_commitments_year_shape', yearShape('year'))
          .addCheckConstraint('service_commitments_amount', sql`amount_pence >= 0`)
          .addCheckConstraint('service_commitments_committed_shape', dateShape('committed_on'))
          .addCheckConstraint('service_commitments_illustrative_flag', sql`illustrative in (0, 1)`)
          .addUniqueConstraint('service_commitments_once_a_year', ['partnership_id', 'service_id', 'year']),
        'service_commitments_service',
        'service_id',
        'commissioned_services',
      ),
    ).execute()

    // Money spent (`actual`: a payment or a service's instalment) or expected (`forecast`) in a quarter, from one
    // stream, for a service or a priority. A quarter holds one actual and one forecast per stream and service or
    // priority: a correction replaces the figure (the audit trail keeps the old one).
    await audited(
      inSamePartnership(
        inSamePartnership(
          inSamePartnership(
            owned('spend_entries')
              .addColumn('funding_stream_id', 'integer', (c) => c.notNull())
              .addColumn('period', 'text', (c) => c.notNull())
              .addColumn('kind', 'text', (c) => c.notNull())
              .addColumn('strategic_priority_id', 'integer')
              .addColumn('service_id', 'integer')
              .addColumn('amount_pence', money, (c) => c.notNull())
              .addColumn('paid_on', 'text')
              .addColumn('note', 'text')
              .addColumn('illustrative', 'integer', (c) => c.notNull().defaultTo(0))
              .addCheckConstraint('spend_entries_kind_known', sql`kind in ('actual', 'forecast')`)
              .addCheckConstraint(
                'spend_entries_period_shape',
                sql`length(period) = 12 and substr(period, 1, 2) = 'FY' and substr(period, 11, 1) = 'Q'`,
              )
              .addCheckConstraint(
                'spend_entries_for_something',
                sql`strategic_priority_id is not null or service_id is not null`,
              )
              .addCheckConstraint('spend_entries_paid_shape', dateShape('paid_on'))
              .addCheckConstraint('spend_entries_illustrative_flag', sql`illustrative in (0, 1)`),
            'spend_entries_stream',
            'funding_stream_id',
            'funding_streams',
          ),
          'spend_entries_priority',
          'strategic_priority_id',
          'strategic_priorities',
        ),
        'spend_entries_service',
        'service_id',
        'commissioned_services',
      ),
    ).execute()

    // A service's output (activity: sessions delivered, young people engaged) or outcome (change: schools reached of
    // those targeted), with its target for a year; actuals per quarter below.
    await audited(
      inSamePartnership(
        owned('service_outputs')
          .addColumn('service_id', 'integer', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('unit', 'text')
          .addColumn('year', 'text', (c) => c.notNull())
          .addColumn('target', 'integer')
          .addColumn('position', 'integer', (c) => c.notNull())
          .addCheckConstraint('service_outputs_kind_known', sql`kind in ('output', 'outcome')`)
          .addCheckConstraint('service_outputs_year_shape', yearShape('year'))
          .addCheckConstraint('service_outputs_target', sql`target is null or target >= 0`)
          .addCheckConstraint('service_outputs_name_present', sql`length(name) > 0`)
          .addUniqueConstraint('service_outputs_partnership_row', ['partnership_id', 'id'])
          .addUniqueConstraint('service_outputs_name_once', ['partnership_id', 'service_id', 'year', 'name']),
        'service_outputs_service',
        'service_id',
        'commissioned_services',
      ),
    ).execute()

    await audited(
      inSamePartnership(
        owned('service_output_actuals')
          .addColumn('output_id', 'integer', (c) => c.notNull())
          .addColumn('period', 'text', (c) => c.notNull())
          .addColumn('actual', 'integer', (c) => c.notNull())
          .addColumn('note', 'text')
          .addColumn('return_id', 'integer')
          .addCheckConstraint(
            'service_output_actuals_period_shape',
            sql`length(period) = 12 and substr(period, 1, 2) = 'FY' and substr(period, 11, 1) = 'Q'`,
          )
          .addCheckConstraint('service_output_actuals_actual', sql`actual >= 0`)
          .addUniqueConstraint('service_output_actuals_once', ['partnership_id', 'output_id', 'period']),
        'service_output_actuals_output',
        'output_id',
        'service_outputs',
      ),
    ).execute()

    await db.schema
      .createIndex('spend_entries_by_year')
      .on('spend_entries')
      .columns(['partnership_id', 'period'])
      .execute()
    await db.schema
      .createIndex('budget_allocations_by_year')
      .on('budget_allocations')
      .columns(['partnership_id', 'year'])
      .execute()
    await db.schema
      .createIndex('action_updates_by_action')
      .on('action_updates')
      .columns(['partnership_id', 'action_id'])
      .execute()

    if (dialect === 'postgres') {
      for (const table of TABLES) {
        // The row-level security policy of 0014 (the same expression), on each new partnership-owned table.
        await sql`alter table ${sql.table(table)} enable row level security`.execute(db)
        await sql`alter table ${sql.table(table)} force row level security`.execute(db)
        await sql`create policy "partnership_rows" on ${sql.table(table)} for all using ${ROWS} with check ${ROWS}`.execute(
          db,
        )
      }
    }
  },

  async down() {
    throw new Error('The plan and funding migration cannot be undone: restore a backup taken before it instead.')
  },
}

/** The tables this migration makes, each the partnership's own. */
const TABLES = [
  'strategies',
  'strategic_priorities',
  'delivery_priorities',
  'indicator_priorities',
  'plan_actions',
  'action_milestones',
  'action_updates',
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
]

/** The rows a connection may see, exactly as migration 0014 wrote it (copied: a migration is frozen in time). */
const ROWS = sql.raw(`(
  partnership_id = (
    select case when setting ~ '^[1-9][0-9]{0,8}$' then setting::integer end
    from current_setting('saferhub.partnership_id', true) as setting
  )
  or (select current_setting('saferhub.partnership_id', true)) = 'all'
)`)
