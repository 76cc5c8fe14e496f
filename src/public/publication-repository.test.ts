import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createAuditRepository } from '../audit/audit-repository.ts'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { createPublicationRepository } from './publication-repository.ts'
import { publicationStatus } from './publication.ts'

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
        assert.equal(await repository.addApproval({ year, kind: 'publish', userId: 2, actor: 'analyst@x.org', ...first }), true)
        assert.equal(await repository.addApproval({ year, kind: 'publish', userId: 2, actor: 'analyst@x.org', ...first }), false)
        assert.equal(publicationStatus(await repository.approvalsOf(year)).published, false)
        assert.equal(await repository.addApproval({ year, kind: 'sign-off', userId: 4, actor: 'board@x.org', ...first }), true)
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
  })
}
