import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { createAuditRepository } from '../audit/audit-repository.ts'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { createCommentaryReviewRepository } from './commentary-review-repository.ts'

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')
const original = 'One female received a custodial sentence.'

for (const dialect of testDialects()) {
  describe(`commentary review decisions (${dialect})`, () => {
    it('keeps one decision per KPI and year, audits each change with before and after, and skips a repeat', async () => {
      const database = await openTestPartnershipDatabase(dialect)
      try {
        const audit = createAuditRepository(database)
        let clock = Date.parse('2018-06-01T09:00:00Z')
        const reviews = createCommentaryReviewRepository(database, audit, {
          now: () => new Date((clock += 60_000)),
        })
        const base = {
          year: 'FY2017-18',
          indicatorId: 'youth-custody',
          period: 'FY2017-18-Q4',
          textSha256: sha256(original),
          userId: 2,
          decidedBy: 'analyst@x.org',
        }
        assert.equal(await reviews.decide({ ...base, decision: 'release', publicText: null }), true)
        // The same decision again writes nothing and records nothing.
        assert.equal(await reviews.decide({ ...base, decision: 'release', publicText: null }), false)
        assert.equal(
          await reviews.decide({
            ...base,
            decision: 'reword',
            publicText: 'Sentences rose.',
            decidedBy: 'admin@x.org',
          }),
          true,
        )
        assert.deepEqual(await reviews.decisionsOf('FY2017-18'), [
          {
            ...base,
            decision: 'reword',
            publicText: 'Sentences rose.',
            decidedBy: 'admin@x.org',
            // 09:01 the release; the skipped repeat reads no time; 09:02 the rewording.
            decidedAt: '2018-06-01T09:02:00.000Z',
          },
        ])
        assert.deepEqual(await reviews.decisionsOf('FY2016-17'), [])

        const events = await audit.list({ entityType: 'commentary-review' })
        assert.deepEqual(
          events.map((e) => [e.actor, e.action, e.entityKey]),
          [
            ['analyst@x.org', 'commentary-release', 'FY2017-18/youth-custody'],
            ['admin@x.org', 'commentary-reword', 'FY2017-18/youth-custody'],
          ],
        )
        assert.equal(events[0]?.before, null)
        assert.deepEqual(
          [events[1]?.before, events[1]?.after].map((r) => {
            const row = JSON.parse(r ?? 'null') as Record<string, unknown>
            return [row.decision, row.public_text, row.text_sha256, row.decided_by]
          }),
          [
            ['release', null, sha256(original), 'analyst@x.org'],
            ['reword', 'Sentences rose.', sha256(original), 'admin@x.org'],
          ],
        )
        assert.equal((await audit.verify()).ok, true)
      } finally {
        await database.close()
      }
    })

    it('the database refuses a rewording without a wording, a wording on a release, and a malformed hash', async () => {
      const database = await openTestPartnershipDatabase(dialect)
      try {
        const row = {
          year: 'FY2017-18',
          indicator_id: 'hate-crime',
          period: null,
          text_sha256: sha256(original),
          decision: 'reword' as 'release' | 'reword' | 'withhold',
          public_text: null as string | null,
          user_id: null,
          decided_by: 'analyst@x.org',
          decided_at: '2018-06-01T09:00:00.000Z',
        }
        const insert = (values: typeof row) => database.db.insertInto('commentary_reviews').values(values).execute()
        await assert.rejects(insert(row))
        await assert.rejects(insert({ ...row, decision: 'release', public_text: 'words' }))
        await assert.rejects(insert({ ...row, decision: 'release', text_sha256: 'abc' }))
        await insert({ ...row, decision: 'release' })
        // One decision per KPI and year.
        await assert.rejects(insert({ ...row, decision: 'withhold' }))
      } finally {
        await database.close()
      }
    })
  })
}
