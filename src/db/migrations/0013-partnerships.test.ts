import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Migrator, sql, type Migration } from 'kysely'
import type { Database } from '../database.ts'
import { addTestPartnership, openEmptyTestDatabase, testDialects } from '../../../test/support/databases.ts'
import { scopeToPartnership } from '../partnership-scope.ts'
import { createAuditRepository } from '../../audit/audit-repository.ts'
import { withAuditedTransaction } from '../../audit/audited-transaction.ts'
import { migrations } from './index.ts'

const THIS = '0013-partnerships'
const AT = '2018-07-20T09:00:00.000Z'

async function migrate(database: Database, set: Record<string, Migration>): Promise<void> {
  const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => set } })
  const { error } = await migrator.migrateToLatest()
  if (error) throw error
}

/** Counts of rows per owned table, read with raw SQL (no partnership filter). */
async function counts(database: Database): Promise<Record<string, number>> {
  const result: Record<string, number> = {}
  for (const table of [
    'indicators',
    'baselines',
    'indicator_values',
    'imports',
    'return_periods',
    'agency_returns',
    'return_items',
    'report_approvals',
    'commentary_reviews',
    'api_tokens',
    'audit_events',
  ]) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(database.db)
    result[table] = Number(rows[0]?.n)
  }
  return result
}

for (const dialect of testDialects()) {
  describe(`migration ${THIS}: a single-partnership database becomes partnership 1 with nothing lost (${dialect})`, () => {
    let database: Database
    let before13: Record<string, number>

    before(async () => {
      database = await openEmptyTestDatabase(dialect)
      await migrate(database, Object.fromEntries(Object.entries(migrations).filter(([name]) => name < THIS)))
      const db = database.db
      // One of everything a partnership owns, written as the version before this migration wrote it (raw SQL: the
      // tables have no partnership column yet).
      await sql`insert into agencies (code, name, created_at) values ('WMP', 'West Midlands Police', ${AT}),
        ('YOT', 'Youth Offending Team', ${AT})`.execute(db)
      await sql`insert into users (email, name, role, agency_id, disabled, password_hash, must_change_password,
          created_at, updated_at) values
        ('admin@example.org', 'Admin', 'administrator', null, 0, null, 0, ${AT}, ${AT}),
        ('police@example.org', 'Police', 'data-owner', 1, 0, null, 0, ${AT}, ${AT}),
        ('analyst@example.org', 'Analyst', 'partnership-analyst', 2, 0, null, 0, ${AT}, ${AT})`.execute(db)
      await sql`insert into indicators (id, position, name, theme, priority, definition, data_owner, cadence,
          measure_type, preferred_direction, hidden_harm, updated_at, updated_by)
        values ('knife-crime', 1, 'Knife crime', 'Violence', 'Violence', 'Knife crime', 'WMP', 'quarterly', 'count',
          'reduce', 0, ${AT}, 'test')`.execute(db)
      await sql`insert into baselines (indicator_id, year, source, value, updated_at, updated_by)
        values ('knife-crime', 'FY2017-18', 'fixed', 58, ${AT}, 'test')`.execute(db)
      await sql`insert into indicator_values (indicator_id, period, status, value, version, updated_at, updated_by)
        values ('knife-crime', 'FY2017-18-Q1', 'reported', 49, 1, ${AT}, 'test')`.execute(db)
      await sql`insert into imports (files, sha256, actor, started_at, rows_read, rows_accepted, rows_rejected, outcome)
        values ('[]', ${'a'.repeat(64)}, 'test', ${AT}, 1, 1, 0, 'applied')`.execute(db)
      await sql`insert into return_periods (period, due_date, locked, version, updated_at)
        values ('FY2018-19-Q1', '2018-07-29', 0, 1, ${AT})`.execute(db)
      await sql`insert into agency_returns (agency_id, period, status, version, updated_at, updated_by)
        values (1, 'FY2018-19-Q1', 'draft', 1, ${AT}, 'police@example.org')`.execute(db)
      await sql`insert into return_items (return_id, indicator_id, period, status, value)
        values (1, 'knife-crime', 'FY2018-19-Q1', 'reported', 61)`.execute(db)
      await sql`insert into report_approvals (year, kind, user_id, actor, approved_at)
        values ('FY2017-18', 'publish', 1, 'admin@example.org', ${AT})`.execute(db)
      await sql`insert into commentary_reviews (year, indicator_id, text_sha256, decision, decided_by, decided_at)
        values ('FY2017-18', 'knife-crime', ${'b'.repeat(64)}, 'release', 'admin@example.org', ${AT})`.execute(db)
      await sql`insert into api_tokens (agency_id, name, token_hash, token_prefix, created_at)
        values (1, 'WMP system', ${'c'.repeat(64)}, 'shub_abc', ${AT})`.execute(db)
      // Two audit events, chained as the version before wrote them (no partnership in them).
      const audit = createAuditRepository(database)
      await withAuditedTransaction(database, (trx) =>
        audit.appendAll(trx, [
          {
            actor: 'test',
            action: 'create',
            entityType: 'indicator',
            entityKey: 'knife-crime',
            before: null,
            after: {},
          },
          { actor: 'test', action: 'sign-in', entityType: 'user', entityKey: '2', before: null, after: null },
        ]),
      )
      before13 = await counts(database)
      const saved = process.env.SAFERHUB_PARTNERSHIP
      process.env.SAFERHUB_PARTNERSHIP = 'Safer Testham Partnership'
      try {
        await migrate(database, migrations)
      } finally {
        if (saved === undefined) delete process.env.SAFERHUB_PARTNERSHIP
        else process.env.SAFERHUB_PARTNERSHIP = saved
      }
    })
    after(() => database.close())

    it('makes partnership 1, named by SAFERHUB_PARTNERSHIP, and puts every row in it', async () => {
      const partnerships = await database.db.selectFrom('partnerships').selectAll().execute()
      assert.deepEqual(
        partnerships.map((p) => [p.id, p.name, p.slug, p.audit_legacy_through]),
        [[1, 'Safer Testham Partnership', 'testham', 2]],
      )
      assert.deepEqual(await counts(database), before13)
      for (const table of Object.keys(before13).filter((t) => t !== 'audit_events')) {
        const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}
          where partnership_id is distinct from 1`.execute(database.db)
        assert.equal(Number(rows[0]?.n), 0, `${table}: every row in partnership 1`)
      }
      const links = await database.db
        .selectFrom('partnership_agencies')
        .select('agency_id')
        .orderBy('agency_id')
        .execute()
      assert.deepEqual(
        links.map((l) => l.agency_id),
        [1, 2],
      )
    })

    it('gives every user the role (and agency) they had, in partnership 1; administrators manage the instance', async () => {
      const members = await database.db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select(['users.email', 'memberships.role', 'memberships.agency_id', 'users.instance_administrator'])
        .orderBy('users.id')
        .execute()
      assert.deepEqual(
        members.map((m) => [m.email, m.role, m.agency_id, m.instance_administrator]),
        [
          ['admin@example.org', 'administrator', null, 1],
          ['police@example.org', 'data-owner', 1, 0],
          ['analyst@example.org', 'partnership-analyst', 2, 0],
        ],
      )
    })

    it('keeps the audit chain whole, and partnership 1 sees the events written before it', async () => {
      assert.equal((await createAuditRepository(database).verify()).ok, true)
      const partnershipAudit = createAuditRepository(scopeToPartnership(database, 1))
      const events = await partnershipAudit.list()
      assert.deepEqual(
        events.map((e) => e.action),
        ['create', 'sign-in'],
      )
      // The report cache's version stamp reads those events too (the newest, and the newest that is not a sign-in).
      assert.equal(await partnershipAudit.latestId(), events[1]?.id)
      assert.equal(await partnershipAudit.latestId({ ignoring: ['user'] }), events[0]?.id)
    })

    it('keys KPIs per partnership from now on: a second partnership may have its own knife-crime', async () => {
      assert.equal(await addTestPartnership(database, 'Northshire'), 2)
      const northshire = scopeToPartnership(database, 2)
      const knifeCrime = await scopeToPartnership(database, 1)
        .db.selectFrom('indicators')
        .selectAll()
        .executeTakeFirstOrThrow()
      const { partnership_id: _owner, ...row } = knifeCrime
      await northshire.db.insertInto('indicators').values(row).execute()
      // …but not twice in one partnership.
      await assert.rejects(northshire.db.insertInto('indicators').values(row).execute())
      assert.equal((await northshire.db.selectFrom('indicator_values').selectAll().execute()).length, 0)
    })
  })
}
