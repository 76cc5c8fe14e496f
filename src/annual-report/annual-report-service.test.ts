import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { openTestPartnershipDatabase, testDialects } from '../../test/support/databases.ts'
import { createAuditRepository, type AuditRepository } from '../audit/audit-repository.ts'
import { PermissionDenied } from '../accounts/permissions.ts'
import type { ScopedDatabase } from '../db/partnership-scope.ts'
import { createAnnualReportRepository } from './annual-report-repository.ts'
import { createAnnualReportService, type AnnualReportService, type Editor } from './annual-report-service.ts'
import type { CheckerFinding } from './annual-report.ts'
import { addApprovalDecision, figure, mutableProvider } from './testing/annual-report-fixtures.ts'

const YEAR = 'FY2018-19'
const ANA: Editor = {
  id: 1,
  email: 'ana@example.org',
  name: 'Ana Analyst',
  role: 'partnership-analyst',
  agencyId: null,
}
const BEN: Editor = { id: 2, email: 'ben@example.org', name: 'Ben Admin', role: 'administrator', agencyId: null }
const BOARD: Editor = { id: 3, email: 'bo@example.org', name: 'Bo Member', role: 'board-member', agencyId: null }
const KNIFE = `kpi:VP01:outturn:${YEAR}`

function done<T>(change: { outcome: string; value?: T; message?: string }): T {
  assert.equal(change.outcome, 'done', JSON.stringify(change))
  return change.value as T
}

for (const dialect of testDialects()) {
  describe(`the annual report service (${dialect})`, () => {
    let database: ScopedDatabase
    let audit: AuditRepository
    let service: AnnualReportService
    let clock: Date
    let findings: CheckerFinding[]
    const figures = () => mutableProvider([figure(KNIFE, 324, { label: 'Knife crime offences' })])
    let provider: ReturnType<typeof figures>

    beforeEach(async () => {
      database = await openTestPartnershipDatabase(dialect)
      audit = createAuditRepository(database)
      clock = new Date('2018-05-01T13:02:00.000Z')
      findings = []
      provider = figures()
      service = createAnnualReportService({
        database,
        repository: createAnnualReportRepository(audit),
        partnership: 'Safer Testshire Partnership',
        providers: [provider.provider],
        priorities: async () => ['Reducing reoffending', 'Violence prevention'],
        checker: async () => findings,
        disclosure: { minimumCount: 5 },
        now: () => clock,
      })
    })
    afterEach(() => database.close())

    const firstTextBlock = async () => {
      const page = await service.page(ANA, YEAR)
      const chapter = page!.report.chapters[0]!
      return { chapter, block: chapter.blocks[0]! }
    }

    it('starts a report from the template: the seed’s chapters with a snapshot per priority, audited', async () => {
      done(await service.start(ANA, YEAR))
      const page = await service.page(BOARD, YEAR)
      assert.deepEqual(
        page!.report.chapters.map((c) => c.title),
        [
          'Introduction by the Chair',
          'The partnership',
          'Strategy and priorities',
          'Reducing reoffending: snapshot of performance',
          'Violence prevention: snapshot of performance',
          'Statutory functions',
          'Engagement',
          'Next year’s priorities',
          'Glossary',
          'Appendix A: budget allocation',
          'Appendix B: board membership and delivery structure',
          'Appendix C: performance report',
        ],
      )
      assert.equal(page!.report.state, 'draft')
      assert.equal((await service.start(ANA, YEAR)).outcome, 'invalid')
      const events = (await audit.list({ limit: 1000 })).map((e) => e.entityType)
      assert.equal(events.filter((e) => e === 'annual-report').length, 1)
      assert.equal(events.filter((e) => e === 'annual-report-chapter').length, 12)
      await assert.rejects(service.start(BOARD, 'FY2019-20'), PermissionDenied)
    })

    it('adds, renames, reorders and removes chapters', async () => {
      done(await service.start(ANA, YEAR))
      const id = done<number>(await service.addChapter(ANA, YEAR, 'Case studies'))
      done(await service.renameChapter(ANA, YEAR, id, 'Our case studies'))
      done(await service.moveChapter(ANA, YEAR, id, 'up'))
      let titles = (await service.page(ANA, YEAR))!.report.chapters.map((c) => c.title)
      assert.deepEqual(titles.slice(-3), [
        'Appendix B: board membership and delivery structure',
        'Our case studies',
        'Appendix C: performance report',
      ])
      done(await service.removeChapter(ANA, YEAR, id))
      titles = (await service.page(ANA, YEAR))!.report.chapters.map((c) => c.title)
      assert.equal(titles.includes('Our case studies'), false)
      assert.equal(titles.length, 12)
    })

    it('locks a block while one person edits it: the other sees who and since when and cannot save', async () => {
      done(await service.start(ANA, YEAR))
      const { block } = await firstTextBlock()
      const opened = await service.openBlock(ANA, YEAR, block.id)
      assert.equal(opened.outcome, 'opened')
      clock = new Date('2018-05-01T13:05:00.000Z')
      const other = await service.openBlock(BEN, YEAR, block.id)
      assert.equal(other.outcome, 'locked')
      assert.equal(other.outcome === 'locked' && other.lock.lockedByName, 'Ana Analyst')
      // 13:02 UTC is 14:02 in England (BST).
      assert.equal(other.outcome === 'locked' && other.lock.since, '2018-05-01T13:02:00.000Z')
      const refused = await service.saveBlock(BEN, YEAR, block.id, block.version, { kind: 'text', markdown: 'Ben' })
      assert.equal(refused.outcome, 'locked')
      // The holder's save releases the lock; then Ben may open it (a fresh version).
      const saved = await service.saveBlock(ANA, YEAR, block.id, block.version, { kind: 'text', markdown: 'Ana wrote' })
      assert.deepEqual(saved, { outcome: 'done', value: { version: block.version + 1 } })
      assert.equal((await service.openBlock(BEN, YEAR, block.id)).outcome, 'opened')
    })

    it('does not move a block up or down past one someone else is editing, nor one they are editing', async () => {
      done(await service.start(ANA, YEAR))
      const { chapter: opening } = await firstTextBlock()
      done(await service.addBlock(ANA, YEAR, opening.id, { kind: 'text', markdown: 'A second paragraph.' }))
      const chapter = (await service.page(ANA, YEAR))!.report.chapters.find((c) => c.id === opening.id)!
      const [first, second] = chapter.blocks as [(typeof chapter.blocks)[0], (typeof chapter.blocks)[0]]
      await service.openBlock(ANA, YEAR, second.id)
      // Ben moving the first block down would swap it with the second, which Ana is editing.
      const refused = await service.moveBlock(BEN, YEAR, first.id, 'down')
      assert.equal(refused.outcome, 'invalid')
      assert.match(refused.outcome === 'invalid' ? refused.message : '', /Being edited by Ana Analyst/)
      assert.equal((await service.moveBlock(BEN, YEAR, second.id, 'up')).outcome, 'invalid')
      // Ana's save still succeeds: her block's version did not change under her.
      done(await service.saveBlock(ANA, YEAR, second.id, second.version, { kind: 'text', markdown: 'Ana’s text' }))
      // With the lock released, Ben's move goes through.
      done(await service.moveBlock(BEN, YEAR, first.id, 'down'))
      const after = (await service.page(ANA, YEAR))!.report.chapters.find((c) => c.id === chapter.id)!
      assert.deepEqual(
        after.blocks.slice(0, 2).map((b) => b.id),
        [second.id, first.id],
      )
    })

    it('lets an expired lock be taken', async () => {
      done(await service.start(ANA, YEAR))
      const { block } = await firstTextBlock()
      await service.openBlock(ANA, YEAR, block.id)
      clock = new Date('2018-05-01T13:16:59.000Z')
      assert.equal((await service.openBlock(BEN, YEAR, block.id)).outcome, 'locked')
      clock = new Date('2018-05-01T13:17:01.000Z')
      const taken = await service.openBlock(BEN, YEAR, block.id)
      assert.equal(taken.outcome, 'opened')
      assert.equal(taken.outcome === 'opened' && taken.lock.lockedBy, BEN.email)
    })

    it('refuses a stale save with the other person’s text, losing nothing', async () => {
      done(await service.start(ANA, YEAR))
      const { block } = await firstTextBlock()
      // Ben opened the form, then Ana saved (her lock expired before Ben tried).
      done(await service.saveBlock(ANA, YEAR, block.id, block.version, { kind: 'text', markdown: 'Ana’s text' }))
      const stale = await service.saveBlock(BEN, YEAR, block.id, block.version, {
        kind: 'text',
        markdown: 'Ben’s text',
      })
      assert.equal(stale.outcome, 'stale')
      assert.deepEqual(stale.outcome === 'stale' && stale.current, { kind: 'text', markdown: 'Ana’s text' })
      assert.equal(stale.outcome === 'stale' && stale.updatedBy, ANA.email)
      const { block: after } = await firstTextBlock()
      assert.deepEqual(after.content, { kind: 'text', markdown: 'Ana’s text' })
    })

    it('blocks approval on unknown figures, open comments, unapproved case studies and contradictions', async () => {
      done(await service.start(ANA, YEAR))
      const { chapter, block } = await firstTextBlock()
      done(
        await service.saveBlock(ANA, YEAR, block.id, block.version, {
          kind: 'text',
          markdown: 'Knife crime: {{figure:' + KNIFE + '}} and {{figure:kpi:NOPE:outturn:FY2018-19}}.',
        }),
      )
      const commentId = done<number>(await service.addComment(BEN, YEAR, block.id, 'Check the knife figure'))
      const studyId = done<number>(
        await service.addCaseStudy(ANA, YEAR, { title: 'YOT', text: 'A young person…', anonymised: true }),
      )
      done(await service.addBlock(ANA, YEAR, chapter.id, { kind: 'case-study', caseStudyId: studyId }))
      findings = [{ kind: 'contradicts', message: '“16.5%” where the data says 15.7%' }]
      done(await service.sendForReview(ANA, YEAR))
      const decision = await addApprovalDecision(database, YEAR)
      const blockers = (await service.page(ANA, YEAR))!.blockers
      assert.deepEqual(blockers, [
        '“Introduction by the Chair” refers to a figure saferhub does not hold: kpi:NOPE:outturn:FY2018-19',
        '“Introduction by the Chair” has an unresolved comment',
        'The case study “YOT” has no consent recorded',
        'The case study “YOT” is not approved',
        'The number checker: “16.5%” where the data says 15.7%',
      ])
      assert.equal((await service.approve(BEN, YEAR, decision)).outcome, 'invalid')

      const { block: b2 } = await firstTextBlock()
      done(
        await service.saveBlock(ANA, YEAR, b2.id, b2.version, {
          kind: 'text',
          markdown: 'Knife crime: {{figure:' + KNIFE + '}}.',
        }),
      )
      done(await service.resolveComment(BEN, YEAR, commentId))
      assert.equal((await service.approveCaseStudy(BEN, YEAR, studyId)).outcome, 'invalid')
      done(await service.recordConsent(ANA, YEAR, studyId, '2018-03-14', true))
      done(await service.approveCaseStudy(BEN, YEAR, studyId))
      findings = []
      assert.deepEqual((await service.page(ANA, YEAR))!.blockers, [])
      assert.deepEqual(done(await service.approve(BEN, YEAR, decision)), [KNIFE])
    })

    it('needs a decision of a held meeting approving this year’s report', async () => {
      done(await service.start(ANA, YEAR))
      done(await service.sendForReview(ANA, YEAR))
      const none = await service.approve(BEN, YEAR, 1)
      assert.deepEqual(none, { outcome: 'invalid', message: 'Record the board’s decision at a meeting first' })
      const scheduled = await addApprovalDecision(database, YEAR, { state: 'scheduled' })
      const otherYear = await addApprovalDecision(database, 'FY2017-18')
      const resolution = await addApprovalDecision(database, YEAR, { kind: 'resolution' })
      assert.deepEqual((await service.page(ANA, YEAR))!.decisions, [])
      for (const id of [scheduled, otherYear, resolution])
        assert.equal((await service.approve(BEN, YEAR, id)).outcome, 'invalid')
      const good = await addApprovalDecision(database, YEAR)
      assert.deepEqual(
        (await service.page(ANA, YEAR))!.decisions.map((d) => d.id),
        [good],
      )
      await assert.rejects(service.approve(BOARD, YEAR, good), PermissionDenied)
      done(await service.approve(BEN, YEAR, good))
    })

    it('freezes figures at approval: the publication keeps them, editors see what changed, an amendment is dated', async () => {
      done(await service.start(ANA, YEAR))
      const { block } = await firstTextBlock()
      done(
        await service.saveBlock(ANA, YEAR, block.id, block.version, {
          kind: 'text',
          markdown: 'Knife crime: {{figure:' + KNIFE + '}} offences.',
        }),
      )
      done(await service.sendForReview(ANA, YEAR))
      const first = await addApprovalDecision(database, YEAR)
      done(await service.approve(BEN, YEAR, first))
      provider.set(figure(KNIFE, 330, { label: 'Knife crime offences' }))
      done(await service.publish(BEN, YEAR, null))
      const published = await service.published(YEAR)
      const text = JSON.stringify(published!.document)
      assert.ok(text.includes('Knife crime: 324 offences.'), text)
      assert.deepEqual((await service.page(ANA, YEAR))!.changedSinceApproval, [
        { key: KNIFE, label: 'Knife crime offences', was: '324', now: '330' },
      ])
      // Editing is refused until reopened.
      assert.equal((await service.addChapter(ANA, YEAR, 'More')).outcome, 'invalid')

      done(await service.reopen(BEN, YEAR))
      done(await service.sendForReview(ANA, YEAR))
      const reused = await service.approve(BEN, YEAR, first)
      assert.equal(reused.outcome, 'invalid')
      const second = await addApprovalDecision(database, YEAR, { meetingDate: '2018-07-30' })
      done(await service.approve(BEN, YEAR, second))
      assert.equal((await service.publish(BEN, YEAR, null)).outcome, 'invalid')
      clock = new Date('2018-08-03T09:00:00.000Z')
      done(
        await service.publish(BEN, YEAR, {
          note: 'knife crime corrected to 330',
          reason: 'West Midlands Police revised its count',
        }),
      )
      const amended = JSON.stringify((await service.published(YEAR))!.document)
      assert.ok(amended.includes('Knife crime: 330 offences.'))
      assert.ok(
        amended.includes(
          'Amended on 3 August 2018: knife crime corrected to 330 because West Midlands Police revised its count',
        ),
      )
      assert.equal((await service.published(YEAR))!.round, 2)
      const actions = (await audit.list({ limit: 1000 }))
        .filter((e) => e.entityType === 'annual-report')
        .map((e) => e.action)
      assert.deepEqual(
        actions.filter((a) => ['approve', 'publish', 'reopen', 'freeze-figures'].includes(a)),
        [
          'freeze-figures',
          'approve',
          'publish',
          'publish',
          'reopen',
          'freeze-figures',
          'approve',
          'publish',
          'publish',
        ],
      )
    })
  })
}
