import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely'
import { dialectOf } from '../database.ts'
import { createTable, withId } from '../schema-builder.ts'

/**
 * The Prevent duty's record and the partnership's engagement (issue 12, items 3 and 6), as the Prevent duty toolkit for
 * local partnerships sets the record out:
 *
 * - `prevent_arrangements`: one row per partnership: which board group is the multi-agency Prevent group, which
 *   delivery priority of the plan holds the Prevent partnership plan's actions (the plan's own actions are reused, not
 *   copied), and which KPI of the framework counts Prevent referrals (compared with the register, never written).
 * - `prevent_meetings`: meetings of the Prevent group or the Contest Board (a date and how many attended, or a link
 *   to the board meeting that was it).
 * - `prevent_risk_assessments`: the local risk assessment (date, tier, summary, review date).
 * - `prevent_referral_pathways`: the referral pathway's versions.
 * - `channel_panel_meetings`: Channel panel meetings with attendance and CASE COUNTS ONLY: nothing here names or
 *   describes a person, by design (no name or free-text column at all).
 * - `prevent_register_settings`: the area's settings (schools, colleges, …) the training's coverage is counted
 *   against; imported from CSV.
 * - `prevent_training`: training delivered (course, date, sessions, attendees, audience, the setting that received it).
 * - `prevent_communications`: communications (date, channel, audience, reach).
 * - `prevent_referral_counts`: Prevent referrals received per quarter, with their source.
 * - `engagement_activities`, `engagement_consultations`, `covenant_signatories`: engagement activities, consultations
 *   and surveys, and organisations' sign-ups to covenants or charters.
 *
 * Every reference between the partnership's rows is a composite key `(partnership_id, x_id)` as in 0018 and 0025,
 * with row-level security on PostgreSQL as in 0014. Dates are `YYYY-MM-DD`; counts are whole and not negative.
 * `illustrative` (0/1) marks a demo row the seed does not give. Frozen in time: this file imports no application code.
 */
export const preventAndEngagementMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const dialect = dialectOf(db)
    const owned = (name: string) =>
      withId(db, createTable(db, name))
        .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnerships.id'))
        .addColumn('illustrative', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addCheckConstraint(`${name}_illustrative_flag`, sql`illustrative in (0, 1)`)
        .addUniqueConstraint(`${name}_partnership_row`, ['partnership_id', 'id'])
    const inSamePartnership = <B extends CreateTableBuilder<string, never>>(
      builder: B,
      name: string,
      column: string,
      table: string,
    ): B =>
      (builder as unknown as CreateTableBuilder<string, string>).addForeignKeyConstraint(
        name,
        ['partnership_id', column],
        table,
        ['partnership_id', 'id'],
      ) as unknown as B
    const date = (column: string, required: boolean) =>
      sql.raw(`${required ? '' : `${column} is null or `}length(${column}) = 10`)
    const count = (column: string) => sql.raw(`${column} is null or ${column} >= 0`)
    const present = (column: string) => sql.raw(`length(${column}) > 0`)

    await inSamePartnership(
      inSamePartnership(
        owned('prevent_arrangements')
          .addColumn('board_group_id', 'integer')
          .addColumn('plan_delivery_priority_id', 'integer')
          .addColumn('referrals_indicator_id', 'text')
          .addUniqueConstraint('prevent_arrangements_one', ['partnership_id']),
        'prevent_arrangements_group',
        'board_group_id',
        'board_groups',
      ),
      'prevent_arrangements_priority',
      'plan_delivery_priority_id',
      'delivery_priorities',
    ).execute()

    await inSamePartnership(
      owned('prevent_meetings')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('meeting_date', 'text', (c) => c.notNull())
        .addColumn('attendance', 'integer')
        .addColumn('board_meeting_id', 'integer')
        .addCheckConstraint('prevent_meetings_body_present', present('body'))
        .addCheckConstraint('prevent_meetings_date_shape', date('meeting_date', true))
        .addCheckConstraint('prevent_meetings_attendance', count('attendance')),
      'prevent_meetings_board_meeting',
      'board_meeting_id',
      'board_meetings',
    ).execute()

    await owned('prevent_risk_assessments')
      .addColumn('assessed_on', 'text', (c) => c.notNull())
      .addColumn('tier', 'text', (c) => c.notNull())
      .addColumn('summary', 'text')
      .addColumn('review_on', 'text')
      .addCheckConstraint('prevent_risk_assessments_tier_present', present('tier'))
      .addCheckConstraint('prevent_risk_assessments_date_shape', date('assessed_on', true))
      .addCheckConstraint('prevent_risk_assessments_review_shape', date('review_on', false))
      .execute()

    await owned('prevent_referral_pathways')
      .addColumn('pathway_version', 'text', (c) => c.notNull())
      .addColumn('effective_on', 'text', (c) => c.notNull())
      .addColumn('pathway', 'text', (c) => c.notNull())
      .addCheckConstraint('prevent_referral_pathways_text_present', present('pathway'))
      .addCheckConstraint('prevent_referral_pathways_date_shape', date('effective_on', true))
      .execute()

    await owned('channel_panel_meetings')
      .addColumn('meeting_date', 'text', (c) => c.notNull())
      .addColumn('attendance', 'integer')
      .addColumn('cases_discussed', 'integer', (c) => c.notNull())
      .addColumn('cases_adopted', 'integer', (c) => c.notNull())
      .addColumn('cases_closed', 'integer', (c) => c.notNull())
      .addCheckConstraint('channel_panel_meetings_date_shape', date('meeting_date', true))
      .addCheckConstraint(
        'channel_panel_meetings_counts',
        sql`(attendance is null or attendance >= 0) and cases_discussed >= 0 and cases_adopted >= 0 and cases_closed >= 0`,
      )
      .addCheckConstraint('channel_panel_meetings_adopted_discussed', sql`cases_adopted <= cases_discussed`)
      .execute()

    await owned('prevent_register_settings')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('reference', 'text')
      .addCheckConstraint(
        'prevent_register_settings_kind_known',
        sql`kind in ('school', 'college', 'university', 'early-years', 'health', 'other')`,
      )
      .addCheckConstraint('prevent_register_settings_name_present', present('name'))
      .addUniqueConstraint('prevent_register_settings_once', ['partnership_id', 'kind', 'name'])
      .execute()

    await inSamePartnership(
      owned('prevent_training')
        .addColumn('course', 'text', (c) => c.notNull())
        .addColumn('delivered_on', 'text', (c) => c.notNull())
        .addColumn('sessions', 'integer', (c) => c.notNull())
        .addColumn('attendees', 'integer', (c) => c.notNull())
        .addColumn('audience_organisation', 'text')
        .addColumn('setting_id', 'integer')
        .addCheckConstraint('prevent_training_course_present', present('course'))
        .addCheckConstraint('prevent_training_date_shape', date('delivered_on', true))
        .addCheckConstraint('prevent_training_counts', sql`sessions >= 0 and attendees >= 0`),
      'prevent_training_setting',
      'setting_id',
      'prevent_register_settings',
    ).execute()

    await owned('prevent_communications')
      .addColumn('sent_on', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('audience', 'text')
      .addColumn('reach', 'integer')
      .addCheckConstraint('prevent_communications_channel_present', present('channel'))
      .addCheckConstraint('prevent_communications_date_shape', date('sent_on', true))
      .addCheckConstraint('prevent_communications_reach', count('reach'))
      .execute()

    await owned('prevent_referral_counts')
      .addColumn('quarter', 'text', (c) => c.notNull())
      .addColumn('referrals', 'integer', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addCheckConstraint('prevent_referral_counts_quarter_shape', sql`length(quarter) = 12`)
      .addCheckConstraint('prevent_referral_counts_count', sql`referrals >= 0`)
      .addCheckConstraint('prevent_referral_counts_source_present', present('source'))
      .addUniqueConstraint('prevent_referral_counts_once', ['partnership_id', 'quarter'])
      .execute()

    await inSamePartnership(
      owned('engagement_activities')
        .addColumn('activity_type', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('held_on', 'text', (c) => c.notNull())
        .addColumn('priority_id', 'integer')
        .addColumn('audience', 'text')
        .addColumn('organisations', 'text')
        .addColumn('reach', 'integer')
        .addColumn('participants', 'integer')
        .addCheckConstraint(
          'engagement_activities_type_known',
          sql`activity_type in ('event', 'campaign', 'training', 'pact-meeting', 'survey', 'social-media', 'consultation')`,
        )
        .addCheckConstraint('engagement_activities_title_present', present('title'))
        .addCheckConstraint('engagement_activities_date_shape', date('held_on', true))
        .addCheckConstraint(
          'engagement_activities_counts',
          sql`(reach is null or reach >= 0) and (participants is null or participants >= 0)`,
        ),
      'engagement_activities_priority',
      'priority_id',
      'strategic_priorities',
    ).execute()

    await owned('engagement_consultations')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('opens_on', 'text', (c) => c.notNull())
      .addColumn('closes_on', 'text')
      .addColumn('responses', 'integer')
      .addColumn('findings', 'text')
      .addCheckConstraint('engagement_consultations_title_present', present('title'))
      .addCheckConstraint('engagement_consultations_opens_shape', date('opens_on', true))
      .addCheckConstraint('engagement_consultations_closes_shape', date('closes_on', false))
      .addCheckConstraint('engagement_consultations_in_order', sql`closes_on is null or opens_on <= closes_on`)
      .addCheckConstraint('engagement_consultations_responses', count('responses'))
      .execute()

    await owned('covenant_signatories')
      .addColumn('covenant', 'text', (c) => c.notNull())
      .addColumn('organisation', 'text', (c) => c.notNull())
      .addColumn('sector', 'text', (c) => c.notNull())
      .addColumn('signed_on', 'text', (c) => c.notNull())
      .addCheckConstraint('covenant_signatories_covenant_present', present('covenant'))
      .addCheckConstraint('covenant_signatories_organisation_present', present('organisation'))
      .addCheckConstraint('covenant_signatories_date_shape', date('signed_on', true))
      .addCheckConstraint(
        'covenant_signatories_sector_known',
        sql`sector in ('council', 'police', 'fire-and-rescue', 'probation', 'health', 'youth-offending',
          'police-and-crime-commissioner', 'housing', 'education', 'voluntary', 'faith', 'business', 'resident',
          'other')`,
      )
      .addUniqueConstraint('covenant_signatories_once', ['partnership_id', 'covenant', 'organisation'])
      .execute()

    for (const [table, column] of INDEXED) {
      await db.schema.createIndex(`${table}_by_date`).on(table).columns(['partnership_id', column]).execute()
    }

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
    throw new Error('The Prevent and engagement migration cannot be undone: restore a backup taken before it instead.')
  },
}

/** The tables this migration makes, each the partnership's own. */
const TABLES = [
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
]

/** The date each dated table is read by (a year's rows). */
const INDEXED: readonly (readonly [string, string])[] = [
  ['prevent_meetings', 'meeting_date'],
  ['channel_panel_meetings', 'meeting_date'],
  ['prevent_training', 'delivered_on'],
  ['prevent_communications', 'sent_on'],
  ['engagement_activities', 'held_on'],
  ['covenant_signatories', 'signed_on'],
]

/** The rows a connection may see, exactly as migration 0014 wrote it (copied: a migration is frozen in time). */
const ROWS = sql.raw(`(
  partnership_id = (
    select case when setting ~ '^[1-9][0-9]{0,8}$' then setting::integer end
    from current_setting('saferhub.partnership_id', true) as setting
  )
  or (select current_setting('saferhub.partnership_id', true)) = 'all'
)`)
