import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import type { PartnershipServices } from '../composition-root.ts'
import { partnershipIdOf } from '../db/partnership-scope.ts'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import { addUserWithPassword } from '../../test/support/accounts.ts'
import { createCaseTextCipher } from './case-text-cipher.ts'
import { createReviewRepository } from './review-repository.ts'
import { retentionClockOf } from './review-retention.ts'
import { createReviewService, ReviewNotFound, type ReviewUser } from './review-service.ts'

/**
 * Retention of the death review register, inside its compartment: which date starts a closed case's clock, the list
 * of cases due, deletion with a reason leaving a tombstone, and that nobody outside the compartment's retention
 * managers learns a case exists (the administrators' `/retention` page sets the periods but lists no case). Over the
 * demo's two cases: one not reviewed (decided 26 June 2017, closed 25 July 2017), one led by Birmingham (still open).
 * The service is built as the composition root builds it, with the clock set where the test needs it.
 */
describe('the clock of a death review case', () => {
  it('starts only once the case is closed: at the decision not to review, or at the closure', () => {
    const closed = { state: 'closed' as const, decided_on: '2017-06-26', closed_on: '2019-03-01' }
    assert.deepEqual(retentionClockOf({ ...closed, decision: 'no-review' }), {
      recordType: 'death-review-not-held',
      clockStarted: '2017-06-26',
    })
    assert.deepEqual(retentionClockOf({ ...closed, decision: 'review' }), {
      recordType: 'death-review-held',
      clockStarted: '2019-03-01',
    })
    assert.deepEqual(retentionClockOf({ ...closed, decision: 'another-partnership-leads' }), {
      recordType: 'death-review-led-elsewhere',
      clockStarted: '2019-03-01',
    })
    assert.equal(retentionClockOf({ ...closed, state: 'published', decision: 'review', closed_on: null }), null)
    assert.equal(retentionClockOf({ ...closed, state: 'not-held', decision: 'no-review' }), null)
  })
})

function partnershipOf(demo: PartnershipServices): number {
  const id = partnershipIdOf(demo.database)
  assert.ok(id !== null)
  return id
}

for (const dialect of testDialects())
  describe(`death review retention inside the compartment (${dialect})`, () => {
    let app: RunningApp
    let demo: PartnershipServices
    let admin: ReviewUser
    let notReviewed: string
    let ledElsewhere: string
    const at = (date: string) =>
      createReviewService({
        database: demo.database,
        repository: createReviewRepository(),
        audit: demo.audit,
        // No text is opened by retention: a key of its own proves it.
        cipher: createCaseTextCipher(() => randomBytes(32)),
        partnershipId: partnershipOf(demo),
        people: async () => [],
        retentionPeriod: (recordType) => demo.retention.periodFor(recordType),
        now: () => new Date(`${date}T12:00:00Z`),
      })
    before(async () => {
      app = await startDemoApp(dialect)
      demo = await onlyPartnership(app.services)
      const people = await demo.accounts.listUsers({ system: 'test' })
      const adminUser = people.find((u) => u.email === 'admin@example.org')
      assert.ok(adminUser)
      admin = { id: adminUser.id, email: adminUser.email, role: 'administrator', agencyId: null }
      const cases = await demo.reviews.retentionDates()
      notReviewed = cases.find((c) => c.closedOn === '2017-07-25')?.reference ?? ''
      ledElsewhere = cases.find((c) => c.closedOn === null)?.reference ?? ''
      assert.ok(notReviewed && ledElsewhere)
    })
    after(() => app.stop())

    it('lists a case not reviewed six years after the decision, not the day before; an open case never', async () => {
      const dueOf = async (date: string) =>
        Object.fromEntries(
          (await at(date).retentionReview(admin)).map((r) => [
            r.recordType,
            r.due.map((d) => [d.reference, d.clockStarted, d.dueOn]),
          ]),
        )
      // 26 June 2017 + 72 months = 26 June 2023.
      assert.deepEqual(await dueOf('2023-06-25'), {
        'death-review-held': [],
        'death-review-not-held': [],
        'death-review-led-elsewhere': [],
      })
      assert.deepEqual(await dueOf('2023-06-26'), {
        'death-review-held': [],
        'death-review-not-held': [[notReviewed, '2017-06-26', '2023-06-26']],
        'death-review-led-elsewhere': [],
      })
      assert.deepEqual((await dueOf('2199-01-01'))['death-review-led-elsewhere'], [], 'the open case is not due')
      const listed = await demo.audit.list({ entityType: 'death-review-register', actions: ['retention-list'] })
      assert.ok(listed.length >= 3, 'each look at the list is audited')
      assert.ok(!listed.some((e) => `${e.after}`.includes('DARDR')), 'the listing event names no case')
    })

    it('tells everyone but a register holder who may manage retention that nothing exists', async () => {
      const analyst = await addUserWithPassword(demo.accounts, {
        email: 'granted-analyst@example.org',
        role: 'partnership-analyst',
        password: 'harbour-quartz-meadow-lantern-2',
      })
      const otherAdmin = await addUserWithPassword(demo.accounts, {
        email: 'other-admin@example.org',
        role: 'administrator',
        password: 'harbour-quartz-meadow-lantern-3',
      })
      const grantedAnalyst: ReviewUser = {
        id: analyst.id,
        email: analyst.email,
        role: 'partnership-analyst',
        agencyId: null,
      }
      const service = at('2099-01-01')
      // The analyst holds the register but may not manage retention; the administrator may, but holds no register.
      const people = async () => [{ id: analyst.id, email: analyst.email, name: 'Analyst' }]
      const granting = createReviewService({
        database: demo.database,
        repository: createReviewRepository(),
        audit: demo.audit,
        cipher: createCaseTextCipher(() => randomBytes(32)),
        partnershipId: partnershipOf(demo),
        people,
      })
      assert.ok((await granting.setGrant(admin, analyst.id, true)).ok)
      const outsider: ReviewUser = { id: otherAdmin.id, email: otherAdmin.email, role: 'administrator', agencyId: null }
      for (const who of [grantedAnalyst, outsider]) {
        assert.equal(await service.mayManageRetention(who), false, who.email)
        await assert.rejects(() => service.retentionReview(who), ReviewNotFound)
        await assert.rejects(() => service.caseRetention(who, notReviewed), ReviewNotFound)
        await assert.rejects(() => service.deleteForRetention(who, notReviewed, 'Period ended'), ReviewNotFound)
        await assert.rejects(() => service.caseTombstones(who), ReviewNotFound)
      }
      assert.equal(await service.mayManageRetention(admin), true)
      // The administrators' page: the register's record types and periods, never a case.
      const page = await demo.retention.review(admin)
      const compartmented = page.filter((r) => r.compartmented)
      assert.deepEqual(
        compartmented.map((r) => [r.recordType, r.periodMonths, r.due.length]),
        [
          ['death-review-held', 240, 0],
          ['death-review-not-held', 72, 0],
          ['death-review-led-elsewhere', 72, 0],
        ],
      )
      assert.ok(!JSON.stringify(page).includes('DARDR'), 'no reference on /retention')
    })

    it('uses the period the partnership sets on /retention', async () => {
      assert.deepEqual(
        await demo.retention.setPeriod(admin, 'death-review-not-held', 12, 'One year, as the board agreed'),
        { outcome: 'saved' },
      )
      const review = (await at('2018-06-26').retentionReview(admin)).find(
        (r) => r.recordType === 'death-review-not-held',
      )
      assert.equal(review?.periodMonths, 12)
      assert.equal(review?.reason, 'One year, as the board agreed')
      // 26 June 2017 + 12 months.
      assert.deepEqual(
        review?.due.map((d) => [d.reference, d.dueOn]),
        [[notReviewed, '2018-06-26']],
      )
      assert.equal((await at('2018-06-25').caseRetention(admin, notReviewed)).due, false)
    })

    it('refuses an open case, a case not yet due and a missing reason; deletes a due one leaving a tombstone', async () => {
      assert.deepEqual(await at('2099-01-01').deleteForRetention(admin, ledElsewhere, 'Period ended'), {
        outcome: 'not-due',
        dueOn: null,
      })
      assert.deepEqual(await at('2018-06-25').deleteForRetention(admin, notReviewed, 'Period ended'), {
        outcome: 'not-due',
        dueOn: '2018-06-26',
      })
      const blank = await at('2018-06-26').deleteForRetention(admin, notReviewed, '  ')
      assert.equal(blank.outcome, 'invalid')
      assert.ok(await demo.reviews.retentionDates().then((c) => c.some((r) => r.reference === notReviewed)))

      const service = at('2018-06-26')
      assert.deepEqual(await service.deleteForRetention(admin, notReviewed, 'The one-year period has ended'), {
        outcome: 'deleted',
      })
      const left = await demo.database.db
        .selectFrom('death_review_cases')
        .select('reference')
        .where('reference', '=', notReviewed)
        .execute()
      assert.deepEqual(left, [])
      const [event] = (await demo.audit.list({ entityType: 'death-review', entityKey: notReviewed })).filter(
        (e) => e.action === 'delete',
      )
      assert.ok(event)
      assert.deepEqual(JSON.parse(event.after ?? '{}'), {
        tombstone: true,
        reference: notReviewed,
        kind: 'domestic-abuse-related-death-review',
        notifiedOn: '2017-06-05',
        closedOn: '2017-07-25',
        deletedBy: 'admin@example.org',
        reason: 'The one-year period has ended',
        recordType: 'death-review-not-held',
        clockStarted: '2017-06-26',
        periodMonths: 12,
        periodReason: 'One year, as the board agreed',
      })
      const tombstones = await service.caseTombstones(admin)
      assert.deepEqual(
        tombstones.map((t) => [t.reference, t.recordName, t.clockStarted, t.periodMonths, t.deletedBy, t.reason]),
        [
          [
            notReviewed,
            'Death review cases not reviewed',
            '2017-06-26',
            12,
            'admin@example.org',
            'The one-year period has ended',
          ],
        ],
      )
      assert.ok(
        !(await demo.retention.tombstones(admin)).some((t) => t.label.includes('DARDR')),
        'the administrators’ tombstones hold no case',
      )
      await assert.rejects(() => service.caseRetention(admin, notReviewed), ReviewNotFound, 'gone')
    })
  })
