import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { PARTNERSHIP_OWNED_TABLES } from '../db/partnership-scope.ts'
import { testDialects } from '../../test/support/databases.ts'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import { rowsNotWrittenBy, UPDATED_BY_TABLES } from './partnership-removal.ts'

/**
 * Removing the demo (`saferhub demo remove`) tells the demo loader's rows from a partnership's own work by who last
 * wrote them. These tests cover the tables added by the board's meetings (0025, 0027), the annual report (0028) and
 * the registers (0030, 0032): right after loading, nothing is anyone's own; once someone schedules a meeting and adds
 * an item, or changes one of the demo's rows of each kind, the removal names it and is refused, keeping it; told to
 * delete the own work too, it leaves none of those rows.
 */
const DEMO_ACTOR = 'demo-data'
const SOMEONE = 'analyst@example.org'
const analyst = { role: 'partnership-analyst' as const, agencyId: null, email: SOMEONE }

/**
 * A row of each kind, changed by someone (as the service's update leaves it: its author column is theirs), with the
 * words `rowsNotWrittenBy` names it by. Each table has demo rows (checked below), so one of them is changed.
 */
const CHANGED_BY_SOMEONE = [
  ['board_attendance', 'updated_by', /^\d+ attendance record\(s\): #\d+ \(changed by analyst@example\.org\)$/],
  ['board_minutes', 'updated_by', /^\d+ minutes: #\d+ \(changed by analyst@example\.org\)$/],
  ['board_meeting_actions', 'updated_by', /^\d+ meeting action\(s\): /],
  ['board_decision_links', 'updated_by', /^\d+ link\(s\) from a decision to what it decided: /],
  ['board_decisions', 'updated_by', /^\d+ decision\(s\) of a meeting: /],
  ['annual_reports', 'updated_by', /^\d+ annual report\(s\): /],
  ['annual_report_chapters', 'updated_by', /^\d+ annual report chapter\(s\): /],
  ['annual_report_blocks', 'updated_by', /^\d+ annual report block\(s\): /],
  ['annual_report_case_studies', 'updated_by', /^\d+ case stud\(y\/ies\): /],
  ['annual_report_publications', 'published_by', /^\d+ annual report publication\(s\): #\d+ \(by analyst/],
  ['register_wards', 'updated_by', /^\d+ ward\(s\): /],
  ['tension_entries', 'updated_by', /^\d+ tension log entr\(y\/ies\): /],
  ['tension_assessments', 'updated_by', /^\d+ tension assessment\(s\): /],
  ['reporting_centres', 'updated_by', /^\d+ reporting centre\(s\): /],
  ['reporting_centre_quarters', 'updated_by', /^\d+ reporting centre quarter\(s\): /],
  ['death_review_events', 'recorded_by', /^\d+ death review event\(s\): #\d+ \(by analyst/],
] as const

/** Tables `rowsNotWrittenBy` reads by their own queries (their authors are read in other ways, or not stored). */
const READ_OTHERWISE = new Set([
  // Every quarterly return is named, whoever wrote it (the demo loader writes none).
  'agency_returns',
  'indicators',
  'baselines',
  'indicator_values',
  'strategic_assessments',
  'assessment_findings',
  'assessment_threats',
  'assessment_recommendations',
  'assessment_consultations',
])

for (const dialect of testDialects())
  describe(`removing the demo keeps no meeting, annual report or register row (${dialect})`, () => {
    let app: RunningApp
    before(async () => {
      app = await startDemoApp(dialect)
    })
    after(() => app.stop())

    it('reads every partnership-owned table that says who last changed a row', async () => {
      // The database's own columns, not the code's declarations: a new table with `updated_by` must be listed.
      const tables = await app.services.database.db.introspection.getTables()
      const withUpdatedBy = tables
        .filter((t) => PARTNERSHIP_OWNED_TABLES.has(t.name) && t.columns.some((c) => c.name === 'updated_by'))
        .map((t) => t.name)
      const listed = new Set<string>(UPDATED_BY_TABLES.map(([table]) => table))
      const missed = withUpdatedBy.filter((t) => !listed.has(t) && !READ_OTHERWISE.has(t))
      assert.deepEqual(missed, [])
      for (const table of ['board_agenda_items', 'board_attendance', 'board_minutes', 'board_meeting_actions'])
        assert.ok(withUpdatedBy.includes(table), `${table} has updated_by`)
    })

    it('finds nothing of anyone’s own in the demo as loaded', async () => {
      const demo = await onlyPartnership(app.services)
      assert.deepEqual(await rowsNotWrittenBy(demo.database, DEMO_ACTOR), [])
    })

    it('names a meeting, an agenda item and a changed row of each kind, refuses, and keeps them', async () => {
      const demo = await onlyPartnership(app.services)
      const db = demo.database.db
      const board = await db
        .selectFrom('board_groups')
        .select('id')
        .where('kind', '=', 'board')
        .executeTakeFirstOrThrow()
      const meeting = await demo.meetings.service.schedule(analyst, {
        groupId: String(board.id),
        date: '2018-12-10',
        startsAt: '14:00',
        location: 'Civic Centre',
      })
      assert.ok(meeting.ok, JSON.stringify(meeting))
      const meetingId = meeting.ok ? meeting.id : 0
      const item = await demo.meetings.service.addAgendaItem(analyst, meetingId, {
        title: 'Serious violence duty',
        exempt: 'no',
        presenter: '',
        paper: '',
        paperTitle: '',
      })
      assert.ok(item.ok, JSON.stringify(item))
      for (const [table, column] of CHANGED_BY_SOMEONE) {
        const first = await db.selectFrom(table).select('id').orderBy('id').executeTakeFirst()
        assert.ok(first, `the demo has ${table}`)
        await db
          .updateTable(table)
          .set({ [column]: SOMEONE } as never)
          .where('id', '=', first.id)
          .execute()
      }

      const named = await rowsNotWrittenBy(demo.database, DEMO_ACTOR)
      assert.ok(named.includes(`1 meeting(s): #${meetingId} (changed by ${SOMEONE})`), named.join('\n'))
      assert.ok(named.includes(`1 agenda item(s): #${item.ok ? item.id : 0} (changed by ${SOMEONE})`))
      for (const [table, , words] of CHANGED_BY_SOMEONE)
        assert.ok(
          named.some((line) => words.test(line)),
          `${table} named: ${named.join('\n')}`,
        )

      const refused = await app.services.demo.remove('test')
      assert.equal(refused.outcome, 'refused')
      const still = await db.selectFrom('board_meetings').select('id').where('id', '=', meetingId).execute()
      assert.equal(still.length, 1, 'the meeting someone scheduled is kept')
    })

    it('told to delete the own work too, leaves none of those rows', async () => {
      const partnership = await app.services.partnerships.resolve(null)
      const removed = await app.services.demo.remove('test', { deleteOwnWork: true })
      assert.equal(removed.outcome, 'removed')
      const db = app.services.database.db
      const tables = [
        'board_meetings',
        'board_decisions',
        'board_agenda_items',
        'board_attendance',
        'board_minutes',
        'board_meeting_actions',
        'board_decision_links',
        'annual_reports',
        'annual_report_chapters',
        'annual_report_blocks',
        'annual_report_comments',
        'annual_report_case_studies',
        'annual_report_block_locks',
        'annual_report_frozen_figures',
        'annual_report_publications',
        'register_wards',
        'tension_entries',
        'tension_assessments',
        'reporting_centres',
        'reporting_centre_quarters',
        'retention_periods',
        'retention_tombstones',
        'death_review_cases',
        'death_review_events',
        'death_review_members',
        'death_review_register_grants',
      ] as const
      for (const table of tables) {
        const left = await db.selectFrom(table).select('id').where('partnership_id', '=', partnership.id).execute()
        assert.equal(left.length, 0, `${table} emptied`)
      }
    })
  })
