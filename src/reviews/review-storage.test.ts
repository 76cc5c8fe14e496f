import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { createServices, type Services } from '../composition-root.ts'
import { loadConfig } from '../config.ts'
import { openDatabase, type Database } from '../db/database.ts'
import { createEmptyPostgresDatabase, testDialects } from '../../test/support/databases.ts'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { CaseKeyError } from './case-text-cipher.ts'
import type { ReviewUser } from './review-service.ts'

/** A name that must never be stored as text: only ever sealed. */
const CANARY = 'Canary Zebedee Quillfeather'
const TABLES = [
  'death_review_cases',
  'death_review_events',
  'death_review_recommendations',
  'death_review_members',
  'death_review_register_grants',
  'death_review_access',
  'audit_events',
  'sessions',
]

interface World {
  readonly services: Services
  readonly database: Database
  readonly key: string
  /** The SQLite file (and its directory), or the PostgreSQL URL. */
  readonly sqliteFile: string | null
  readonly url: string | null
  readonly admin: ReviewUser
  readonly reference: string
  close(): Promise<void>
}

async function open(
  dialect: 'sqlite' | 'postgres',
  key: string,
  at: { sqliteFile: string | null; url: string | null },
) {
  const database = openDatabase(at.url ? { databaseUrl: at.url } : { sqliteFile: at.sqliteFile as string })
  const services = await createServices(
    loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true', SAFERHUB_CASE_KEY: key }),
    { database },
  )
  void dialect
  return { database, services }
}

async function startWorld(dialect: 'sqlite' | 'postgres'): Promise<World> {
  const key = randomBytes(32).toString('base64')
  let sqliteFile: string | null = null
  let url: string | null = null
  let drop: (() => Promise<void>) | null = null
  if (dialect === 'sqlite')
    sqliteFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'saferhub-reviews-')), 'db.sqlite')
  else {
    const empty = await createEmptyPostgresDatabase()
    url = empty.url
    drop = empty.drop
  }
  const { database, services } = await open(dialect, key, { sqliteFile, url })
  const partnership = await onlyPartnership(services)
  const people = await partnership.accounts.listUsers({ system: 'test' })
  const adminUser = people.find((u) => u.email === 'admin@example.org')
  assert.ok(adminUser)
  const admin: ReviewUser = { id: adminUser.id, email: adminUser.email, role: 'administrator', agencyId: null }
  const created = await partnership.reviews.notify(admin, {
    kind: 'domestic-abuse-related-death-review',
    guidanceVersion: 'dardr-2024',
    notifiedOn: '2018-01-31',
    notifiedBy: `DC ${CANARY}`,
    circumstances: `${CANARY} was found at home.`,
  })
  assert.ok(created.ok)
  const reference = created.value
  const access = { [reference]: 'reason' as const }
  assert.ok((await partnership.reviews.recordAccess(admin, reference, `Reviewing ${CANARY}`, 'reason')).ok)
  const decided = await partnership.reviews.step(
    admin,
    reference,
    { kind: 'decide', on: '2018-02-20', decision: 'review', reasons: `${CANARY} was known to three agencies` },
    access,
  )
  assert.ok(decided.ok)
  return {
    services,
    database,
    key,
    sqliteFile,
    url,
    admin,
    reference,
    async close() {
      await services.close()
      if (sqliteFile) rmSync(path.dirname(sqliteFile), { recursive: true, force: true })
      if (drop) await drop()
    },
  }
}

/** Every row of the register's tables, the audit trail and the sessions, as stored. */
async function storedText(world: World): Promise<string> {
  if (world.sqliteFile) {
    // The file and its write-ahead log: whatever SQLite has written anywhere.
    const files = [world.sqliteFile, `${world.sqliteFile}-wal`].filter((f) => existsSync(f))
    return files.map((f) => readFileSync(f).toString('latin1')).join('\n')
  }
  const parts: string[] = []
  for (const table of TABLES) {
    const rows = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(table)} t`.execute(
      world.database.db,
    )
    parts.push(...rows.rows.map((r) => r.row))
  }
  return parts.join('\n')
}

for (const dialect of testDialects()) {
  describe(`the death review register at rest (${dialect})`, () => {
    let world: World
    before(async () => {
      world = await startWorld(dialect)
    })
    after(() => world.close())

    it('stores no case text: the database holds the reference, never the name', async () => {
      const stored = await storedText(world)
      // The search can find what is there: the reference is stored as text (so a plaintext name would be found too).
      assert.ok(stored.includes(world.reference), 'the reference is in the stored bytes')
      assert.ok(!stored.includes(CANARY), 'the canary is nowhere in the stored bytes')
      assert.ok(!stored.includes('Zebedee'), 'not even part of it')
      // And the service opens it for someone in the compartment.
      const partnership = await onlyPartnership(world.services)
      const detail = await partnership.reviews.detail(world.admin, world.reference, { [world.reference]: 'reason' })
      assert.equal(detail.circumstances, `${CANARY} was found at home.`)
      assert.equal(detail.decisionDueOn, '2018-02-28', 'a 31 January notification is due on 28 February')
      assert.equal(detail.reportDueOn, '2018-08-20')
    })

    it('the audit trail names the fields changed, never their text', async () => {
      const events = await world.services.audit.list({ entityType: 'death-review', limit: 10_000 })
      assert.ok(events.length >= 3, 'create, reason, decide (and the reads) audited')
      for (const event of events) {
        assert.equal(event.entityKey.startsWith('DARDR-'), true)
        assert.ok(!`${event.before}${event.after}`.includes(CANARY))
      }
      const decide = events.find((e) => e.action === 'decide' && e.entityKey === world.reference)
      assert.ok(decide)
      assert.deepEqual(JSON.parse(decide.after ?? '{}').fieldsSet, ['reasons'])
    })

    it('with a wrong key, a clear error and nothing shown', async () => {
      await world.services.close()
      const other = await open(dialect, randomBytes(32).toString('base64'), world)
      try {
        const partnership = await onlyPartnership(other.services)
        await assert.rejects(
          partnership.reviews.detail(world.admin, world.reference, { [world.reference]: 'reason' }),
          (error: unknown) => error instanceof CaseKeyError && /key is not the one/.test(error.message),
        )
      } finally {
        await other.services.close()
        const reopened = await open(dialect, world.key, world)
        Object.assign(world, { services: reopened.services, database: reopened.database })
      }
    })

    it("counts the year's notifications for the report, small counts suppressed, no reference in any figure", async () => {
      const partnership = await onlyPartnership(world.services)
      // The demo's two 2017-18 notifications (one not reviewed, one led by Birmingham) and the test's own (31 January
      // 2018, decided to review).
      const figures = await partnership.reviews.figures('FY2017-18')
      const value = (key: string) => figures.find((f) => f.key === `register:${key}:FY2017-18`)
      assert.equal(value('dhr-notifications')?.value, 3)
      assert.equal(value('dhr-reviews-held')?.value, 1)
      assert.equal(value('dhr-reviews-not-held')?.value, 1)
      assert.equal(value('dhr-led-elsewhere')?.value, 1)
      assert.equal(value('dhr-overdue')?.value, 0)
      for (const figure of figures) {
        if (figure.value === 0) {
          // Zero is publishable under the publication's rule (only 1 to 4 are withheld).
          assert.equal(figure.suppressed, undefined, figure.key)
          assert.match(figure.sentence, / 0 /)
        } else {
          assert.equal(figure.suppressed, true, `${figure.key}: below the demo's minimum of 5`)
          assert.match(figure.sentence, /fewer than 5/)
        }
        assert.ok(!JSON.stringify(figure).includes('DARDR'), 'no reference in a figure')
      }
    })

    it('deletes a case and all its rows in one unit of work, leaving an audited tombstone with no text', async () => {
      const partnership = await onlyPartnership(world.services)
      assert.equal(await partnership.reviews.deleteCase('retention', world.reference, 'Retention period ended'), true)
      const left = await world.database.db
        .selectFrom('death_review_cases')
        .select('reference')
        .where('reference', '=', world.reference)
        .execute()
      assert.deepEqual(left, [])
      const caseIds = await world.database.db.selectFrom('death_review_cases').select('id').execute()
      const orphans = await world.database.db
        .selectFrom('death_review_events')
        .select('case_id')
        .where(
          'case_id',
          'not in',
          caseIds.map((c) => c.id),
        )
        .execute()
      assert.deepEqual(orphans, [], 'no timeline row left behind')
      const tombstone = (
        await world.services.audit.list({ entityType: 'death-review', entityKey: world.reference })
      ).find((e) => e.action === 'delete')
      assert.ok(tombstone)
      assert.deepEqual(JSON.parse(tombstone.after ?? '{}'), {
        tombstone: true,
        reference: world.reference,
        kind: 'domestic-abuse-related-death-review',
        notifiedOn: '2018-01-31',
        closedOn: null,
        deletedBy: 'retention',
        reason: 'Retention period ended',
      })
      assert.equal(await partnership.reviews.deleteCase('retention', world.reference, 'again'), false)
    })
  })
}
