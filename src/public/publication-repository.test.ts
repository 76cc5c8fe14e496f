import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createAuditRepository } from '../audit/audit-repository.ts'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { createPublicationRepository } from './publication-repository.ts'
import { publicationStatus } from './publication.ts'
import type { PublicReport } from './public-report.ts'

for (const dialect of testDialects()) {
  describe(`publication approvals (${dialect})`, () => {
    it('stores each approval once per person and kind, with an audit event, and publishes on the second person', async () => {
      const database = await openTestPartnershipDatabase(dialect)
      try {
        const audit = createAuditRepository(database)
        let clock = Date.parse('2018-06-01T09:00:00Z')
        const repository = createPublicationRepository(database, audit, { now: () => new Date((clock += 60_000)) })
        const year = 'FY2017-18'
        const first = { round: 1, reason: null }
        assert.equal(
          await repository.addApproval({ year, kind: 'publish', userId: 2, actor: 'analyst@x.org', ...first }),
          true,
        )
        assert.equal(
          await repository.addApproval({ year, kind: 'publish', userId: 2, actor: 'analyst@x.org', ...first }),
          false,
        )
        assert.equal(publicationStatus(await repository.approvalsOf(year)).published, false)
        assert.equal(
          await repository.addApproval({ year, kind: 'sign-off', userId: 4, actor: 'board@x.org', ...first }),
          true,
        )
        const status = publicationStatus(await repository.approvalsOf(year))
        assert.equal(status.published, true)
        // 09:01 the analyst; the refused duplicate reads no time; 09:02 the board member, who completes publication.
        assert.equal(status.publishedAt, '2018-06-01T09:02:00.000Z')
        assert.deepEqual(await repository.approvalsOf('FY2016-17'), [])
        const events = await audit.list({ entityType: 'report-publication' })
        assert.deepEqual(
          events.map((e) => [e.actor, e.action, e.entityKey]),
          [
            ['analyst@x.org', 'approve-publish', year],
            ['board@x.org', 'approve-sign-off', year],
          ],
        )
        assert.equal((await audit.verify()).ok, true)
      } finally {
        await database.close()
      }
    })

    it('takes one approval per person per round, and keeps each round’s snapshot once, audited', async () => {
      const database = await openTestPartnershipDatabase(dialect)
      try {
        const audit = createAuditRepository(database)
        const repository = createPublicationRepository(database, audit)
        const year = 'FY2017-18'
        const analyst = { year, kind: 'publish' as const, userId: 2, actor: 'analyst@x.org' }
        assert.equal(await repository.addApproval({ ...analyst, round: 1, reason: null }), true)
        assert.equal(await repository.addApproval({ ...analyst, round: 2, reason: 'Q4 received' }), true)
        assert.equal(await repository.addApproval({ ...analyst, round: 2, reason: 'again' }), false)
        assert.deepEqual(
          (await repository.approvalsOf(year)).map((a) => [a.round, a.reason]),
          [
            [1, null],
            [2, 'Q4 received'],
          ],
        )

        const report = (partnership: string) => ({ partnership, year, kpis: [] }) as unknown as PublicReport
        const snapshot = { year, publishedAt: '2018-06-01T09:02:00.000Z', approvals: [], changes: [] }
        assert.equal(
          await repository.addSnapshot({ ...snapshot, round: 1, reason: null, report: report('one') }, 'b@x'),
          true,
        )
        assert.equal(
          await repository.addSnapshot({ ...snapshot, round: 1, reason: null, report: report('again') }, 'b@x'),
          false,
        )
        assert.equal(
          (await repository.latestSnapshot(year))?.report.partnership,
          'one',
          'a publication is never replaced',
        )
        const changes = [{ kpiId: 'k', kpi: 'K', what: '2017/18', published: '1', now: '2' }]
        await repository.addSnapshot(
          { ...snapshot, round: 2, reason: 'Q4 received', changes, report: report('two') },
          'b@x',
        )
        const latest = await repository.latestSnapshot(year)
        assert.deepEqual(
          [latest?.round, latest?.reason, latest?.report.partnership, latest?.changes],
          [2, 'Q4 received', 'two', changes],
        )
        assert.deepEqual(
          (await repository.snapshotsOf(year)).map((s) => s.round),
          [1, 2],
        )
        assert.deepEqual(await repository.yearsWithSnapshots(), [year])
        assert.equal(await repository.latestSnapshot('FY2016-17'), null)
        const events = await audit.list({ entityType: 'report-publication' })
        assert.deepEqual(
          events.map((e) => e.action),
          ['approve-publish', 'approve-publish', 'publish', 'publish-amendment'],
        )
        assert.equal((await audit.verify()).ok, true)
      } finally {
        await database.close()
      }
    })
  })
}
