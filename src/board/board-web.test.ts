import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import type { PartnershipServices } from '../composition-root.ts'
import { londonDate } from '../domain/period.ts'
import { appendixBSection } from './appendix-b-section.ts'
import { loadDemoBoard } from './board-demo.ts'
import { boardAnalyst, groupForm, membershipForm } from './testing/board-fixtures.ts'

/** A date `days` from today in England, as the form's three boxes. */
function boxesDaysFromToday(prefix: string, days: number): Record<string, string> {
  const at = new Date(Date.now() + days * 86_400_000)
  const [year, month, day] = londonDate(at).split('-')
  return {
    [`${prefix}-day`]: String(Number(day)),
    [`${prefix}-month`]: String(Number(month)),
    [`${prefix}-year`]: year ?? '',
  }
}

for (const dialect of testDialects()) {
  describe(`the board over the web (${dialect})`, () => {
    let app: RunningApp
    let services: PartnershipServices

    before(async () => {
      app = await startDemoApp(dialect)
      services = await onlyPartnership(app.services)
    })
    after(() => app?.stop())

    const groupIdOf = async (name: string) => {
      const overview = await services.board.overview(boardAnalyst)
      const found = overview.all.find((g) => g.name === name)
      assert.ok(found, `${name} is in the demo`)
      return found
    }

    test('the demo: the SWP Board with the seed’s named people, its groups, and the s.5 check passing', async () => {
      const browser = await app.signedIn('partnership-analyst')
      const page = await browser.get('/board')
      assert.equal(page.status, 200)
      const html = await page.text()
      assert.match(html, /<h1 class="govuk-heading-l">SWP Board<\/h1>/)
      for (const person of ['Mark Taylor', 'Jayne Meir', 'Paul Sweet', 'Hazel Malcolm'])
        assert.ok(html.includes(person), person)
      // The groups the seed's text names, each linked to its page.
      for (const group of [
        'Black Country Strategic Group',
        'Gangs Steering Group',
        'WDVF Executive Board',
        'MARAC',
        'Community Cohesion Forum',
        'Channel Panel',
        'Contest Board',
      ]) {
        assert.match(html, new RegExp(`href="[^"]*/board/groups/\\d+">${group}</a>`), group)
      }
      assert.ok(html.includes('data-check="s5-complete"'), 'the seed’s board holds all five responsible authorities')
      assert.ok(!html.includes('data-check="s5-missing"'))
      // The seed does not give the quorum: labelled.
      assert.match(html, /5 voting members <strong[^>]*>Illustrative figure \(not Wolverhampton’s\)/)
      assert.match(html, /href="[^"]*\/board\/appendix-b"/)
      assert.match(html, /id="meetings"/)
      // In the menu.
      assert.match(html, /href="\/board"[^>]*>[\s\S]{0,200}?Board/)
    })

    test('loading the demo again adds nothing', async () => {
      const before = (await services.board.overview(boardAnalyst)).all.length
      assert.equal(await loadDemoBoard({ database: services.database, audit: services.audit }, 'demo-data'), 0)
      assert.equal((await services.board.overview(boardAnalyst)).all.length, before)
    })

    test('readers see it read-only; a viewer is refused; a reader cannot post', async () => {
      const member = await app.signedIn('board-member')
      const html = await (await member.get('/board')).text()
      assert.ok(html.includes('Mark Taylor'))
      assert.ok(!html.includes('/board/groups/new'), 'no “Add a group” link')
      assert.ok(!/\/board\/members\/\d+\/edit/.test(html), 'no change links')
      const marac = await groupIdOf('MARAC')
      assert.equal((await member.get(`/board/groups/${marac.id}`)).status, 200)
      assert.equal((await member.get(`/board/groups/${marac.id}/edit`)).status, 403)
      const csrf = await member.csrfTokenOf('/sign-out')
      assert.equal((await member.post('/board/groups', { _csrf: csrf, name: 'Sneaky', parent: '1' })).status, 403)
      const owner = await app.signedIn('data-owner')
      assert.equal((await owner.get('/board')).status, 200)
      assert.equal((await owner.get('/board/groups/new')).status, 403)
      const viewer = await app.signedIn('viewer')
      assert.equal((await viewer.get('/board')).status, 403)
      assert.equal((await viewer.get('/board/appendix-b')).status, 403)
    })

    test('ending the fire service’s seat: the board is told, by name, and the change is audited', async () => {
      const browser = await app.signedIn('partnership-analyst')
      const { board } = await services.board.overview(boardAnalyst)
      const fire = board?.members.find((m) => m.sector === 'fire-and-rescue')
      assert.ok(fire, 'the demo seats West Midlands Fire Service')
      const csrf = await browser.csrfTokenOf(`/board/members/${fire.id}/edit`)
      const ended = await browser.post(`/board/members/${fire.id}/end`, {
        _csrf: csrf,
        version: String(fire.version),
        ...boxesDaysFromToday('endDate', -2),
      })
      assert.equal(ended.status, 303)
      const html = await (await browser.get('/board')).text()
      assert.ok(html.includes('data-check="s5-missing"'))
      assert.ok(
        html.includes(
          'The board has no seat for a fire and rescue authority: the Crime and Disorder Act 1998 s.5 makes it a responsible authority.',
        ),
      )
      // Only fire is missing: the other four are still held.
      assert.equal((html.match(/makes it a responsible authority/g) ?? []).length, 1)
      const events = await services.audit.list({ entityType: 'board-membership', entityKey: String(fire.id) })
      const last = events.at(-1)
      assert.equal(last?.action, 'end')
      assert.equal(last?.actor, 'analyst@example.org')
      assert.equal(JSON.parse(last?.after ?? '{}').toDate, londonDate(new Date(Date.now() - 2 * 86_400_000)))
    })

    test('a second chair over the same dates is refused; a seat ending before it began is refused', async () => {
      const browser = await app.signedIn('partnership-analyst')
      const { board } = await services.board.overview(boardAnalyst)
      assert.ok(board)
      const csrf = await browser.csrfTokenOf(`/board/groups/${board.id}/members/new`)
      const secondChair = await browser.post(`/board/groups/${board.id}/members`, {
        _csrf: csrf,
        organisation: 'West Midlands Police',
        sector: 'police',
        role: 'chair',
        voting: 'yes',
      })
      assert.equal(secondChair.status, 400)
      const text = await secondChair.text()
      assert.match(text, /There is a problem[\s\S]*Mark Taylor already chairs this group over those dates/)
      assert.match(text, /href="#role"/)
      const backwards = await browser.post(`/board/groups/${board.id}/members`, {
        _csrf: csrf,
        organisation: 'Victim Support',
        sector: 'voluntary',
        role: 'member',
        voting: 'yes',
        'fromDate-day': '1',
        'fromDate-month': '4',
        'fromDate-year': '2018',
        'toDate-day': '31',
        'toDate-month': '3',
        'toDate-year': '2018',
      })
      assert.equal(backwards.status, 400)
      assert.match(await backwards.text(), /The date the seat ended must be on or after the date it was taken/)
      // Nothing was written by either.
      const after = (await services.board.overview(boardAnalyst)).board
      assert.equal(after?.members.length, board.members.length)
    })

    test('a chair whose seat ended may be followed by a new chair from the next day', async () => {
      const made = await services.board.createGroup(
        boardAnalyst,
        groupForm({
          name: 'Chair succession group',
          parent: String((await services.board.overview(boardAnalyst)).board?.id),
        }),
      )
      assert.equal(made.kind, 'saved')
      if (made.kind !== 'saved') return
      const first = await services.board.addMembership(
        boardAnalyst,
        made.value.id,
        membershipForm({ organisation: 'A', role: 'chair', fromDate: '2016-4-1', toDate: '2017-10-31' }),
      )
      assert.equal(first.kind, 'saved')
      const next = await services.board.addMembership(
        boardAnalyst,
        made.value.id,
        membershipForm({ organisation: 'B', role: 'chair', fromDate: '2017-11-1' }),
      )
      assert.equal(next.kind, 'saved')
      const overlapping = await services.board.addMembership(
        boardAnalyst,
        made.value.id,
        membershipForm({ organisation: 'C', role: 'chair', fromDate: '2017-10-31', toDate: '2017-10-31' }),
      )
      assert.equal(overlapping.kind, 'invalid')
    })

    test('a group’s page lists the plan’s actions naming it, letter case and spacing ignored', async () => {
      const browser = await app.signedIn('partnership-analyst')
      const wdvf = await groupIdOf('WDVF Executive Board')
      const html = await (await browser.get(`/board/groups/${wdvf.id}`)).text()
      // The demo's actions VAWG-1 to VAWG-6 name the WDVF Executive Board (src/plan/action-demo.ts).
      for (const reference of ['VAWG-1', 'VAWG-2', 'VAWG-6'])
        assert.ok(html.includes(`data-action="${reference}"`), reference)
      assert.ok(!html.includes('data-action="VAWG-7"'), 'VAWG-7 names the Service Transformation Fund')
      const { priorities } = await services.actions.choices()
      const saved = await services.actions.create(boardAnalyst, {
        reference: 'BOARD-GSG',
        title: 'Matched despite its spelling',
        description: '',
        strategicPriority: String(priorities.strategic[0]?.id),
        deliveryPriority: '',
        deliveryGroup: '  gangs   STEERING group ',
        leadAgency: '',
        owner: '',
        startDate: '',
        dueDate: '',
        status: 'on-track',
        milestones: [],
      })
      assert.equal(saved.kind, 'saved')
      const gangs = await groupIdOf('Gangs Steering Group')
      assert.ok((await (await browser.get(`/board/groups/${gangs.id}`)).text()).includes('data-action="BOARD-GSG"'))
    })

    test('removing a group is refused while it has members or groups under it, saying which; an empty one goes', async () => {
      const browser = await app.signedIn('partnership-analyst')
      const black = await groupIdOf('Black Country Strategic Group')
      const csrf = await browser.csrfTokenOf(`/board/groups/${black.id}`)
      const refused = await browser.post(`/board/groups/${black.id}/remove`, {
        _csrf: csrf,
        version: String(black.version),
      })
      assert.equal(refused.status, 409)
      // The seed lists nine organisations for it (four CSPs, CRC, the court, WMP, NPS, YOTs).
      assert.match(await refused.text(), /Black Country Strategic Group cannot be removed while it has 9 seats/)
      const { board } = await services.board.overview(boardAnalyst)
      const boardRefused = await browser.post(`/board/groups/${board?.id}/remove`, {
        _csrf: csrf,
        version: String(board?.version),
      })
      assert.match(await boardRefused.text(), /groups reporting to it: [^<]*Channel Panel/)

      const made = await services.board.createGroup(
        boardAnalyst,
        groupForm({ name: 'Short-lived group', parent: String(board?.id) }),
      )
      assert.equal(made.kind, 'saved')
      if (made.kind !== 'saved') return
      const removed = await browser.post(`/board/groups/${made.value.id}/remove`, { _csrf: csrf, version: '1' })
      assert.equal(removed.status, 303)
      assert.equal((await browser.get(`/board/groups/${made.value.id}`)).status, 404)
      const events = await services.audit.list({ entityType: 'board-group', entityKey: String(made.value.id) })
      assert.deepEqual(
        events.map((e) => e.action),
        ['create', 'delete'],
      )
    })

    test('adding a group through the form, a stale edit refused, a group cannot report to one under it', async () => {
      const browser = await app.signedIn('administrator')
      const { board } = await services.board.overview(boardAnalyst)
      const csrf = await browser.csrfTokenOf('/board/groups/new')
      const empty = await browser.post('/board/groups', { _csrf: csrf, name: '', parent: String(board?.id) })
      assert.equal(empty.status, 400)
      assert.match(await empty.text(), /There is a problem[\s\S]*Enter the group’s name/)
      const duplicate = await browser.post('/board/groups', { _csrf: csrf, name: 'marac', parent: String(board?.id) })
      assert.match(await duplicate.text(), /already has a board or group called marac/)
      const created = await browser.post('/board/groups', {
        _csrf: csrf,
        name: 'Reducing Reoffending Group',
        parent: String(board?.id),
        meetingFrequency: 'Monthly',
        quorum: '4',
        termsOfReference: 'To oversee the reducing reoffending plan.\nTo report to the board quarterly.',
      })
      assert.equal(created.status, 303)
      const id = Number(/\/board\/groups\/(\d+)$/.exec(created.headers.get('location') ?? '')?.[1])
      const page = await (await browser.get(`/board/groups/${id}`)).text()
      assert.match(page, /To oversee the reducing reoffending plan\.\nTo report to the board quarterly\./)
      const child = await services.board.createGroup(boardAnalyst, groupForm({ name: 'Sub group', parent: String(id) }))
      assert.equal(child.kind, 'saved')
      const loop = await browser.post(`/board/groups/${id}/edit`, {
        _csrf: csrf,
        version: '1',
        name: 'Reducing Reoffending Group',
        parent: String(child.kind === 'saved' ? child.value.id : 0),
      })
      assert.equal(loop.status, 400)
      assert.match(await loop.text(), /cannot report to Sub group: Sub group reports to it/)
      const first = await browser.post(`/board/groups/${id}/edit`, {
        _csrf: csrf,
        version: '1',
        name: 'Reducing Reoffending Group',
        parent: String(board?.id),
        meetingFrequency: 'Every six weeks',
      })
      assert.equal(first.status, 303)
      const stale = await browser.post(`/board/groups/${id}/edit`, {
        _csrf: csrf,
        version: '1',
        name: 'Renamed on an old page',
        parent: String(board?.id),
      })
      assert.equal(stale.status, 409)
      assert.match(await stale.text(), /Someone else changed this group/)
      assert.equal((await services.board.group(boardAnalyst, id)).group.meetingFrequency, 'Every six weeks')
    })

    test('Appendix B: the membership as the seed prints it, the chart with its summary and table', async () => {
      const browser = await app.signedIn('board-member')
      const page = await browser.get('/board/appendix-b')
      assert.equal(page.status, 200)
      const html = await page.text()
      assert.match(html, /Appendix B: SWP Board Membership &amp; Delivery Structure Chart/)
      assert.match(html, /<svg [^>]*role="img"/)
      assert.match(html, /data-appendix-b="summary">SWP Board \(meets quarterly\) oversees \d+ groups: /)
      assert.match(
        html,
        /<li>Constituency based resident representatives \(Resident representative, Wolverhampton North East; /,
      )
      assert.match(html, /<li>National Probation Service<\/li>/)
      assert.match(
        html,
        /<th scope="row" class="govuk-table__header">MARAC<\/th>\s*<td class="govuk-table__cell">SWP Board<\/td>/,
      )
    })

    test('appendixBSection: the document section the annual report includes', async () => {
      const { all } = await services.board.overview(boardAnalyst)
      const section = appendixBSection({ groups: all, asOf: '2018-03-31' })
      assert.equal(section.heading, 'Appendix B: SWP Board Membership & Delivery Structure Chart')
      const list = section.blocks[1]
      assert.ok(list?.kind === 'list')
      const lines = list.items.map((runs) => runs.map((r) => r.text).join(''))
      // Appendix B's organisations (the seed's list), the council once though it holds three seats.
      for (const expected of [
        'Business sector',
        'City of Wolverhampton Council',
        'Clinical Commissioning Group',
        'Community Rehabilitation Company',
        'Her Majesty’s Prison Service',
        'National Probation Service',
        'West Midlands Fire Service',
        'West Midlands Police',
        'Youth Police & Crime Commissioners',
      ]) {
        assert.equal(lines.filter((l) => l === expected).length, 1, expected)
      }
      const third = lines.find((l) => l.startsWith('Third sector'))
      for (const name of [
        'Rakegate',
        'Wolverhampton Domestic Violence Forum',
        'P3',
        'Victim Support',
        'St George’s Hub',
      ])
        assert.ok(third?.includes(name), name)
      const chart = section.blocks.find((b) => b.kind === 'chart')
      assert.ok(chart?.kind === 'chart')
      assert.match(chart.svg, /role="img"/)
      assert.deepEqual(chart.table.head, ['Group', 'Reports to', 'Chair', 'Meets'])
      assert.deepEqual(chart.table.rows[0], [
        'SWP Board',
        '—',
        'Mark Taylor, City of Wolverhampton Council',
        'Quarterly',
      ])
      assert.ok(chart.alt.length > 20 && chart.summary.length > 20)
      assert.ok(
        section.blocks.some((b) => b.kind === 'note' && b.title === 'Illustrative figure (not Wolverhampton’s)'),
      )
    })

    test('removing the demo is refused while it holds board rows someone else wrote; with them it all goes', async () => {
      // The tests above changed the demo's board through the web: those rows are someone's work.
      const refused = await app.services.demo.remove('test')
      assert.equal(refused.outcome, 'refused')
      const named = refused.outcome === 'refused' ? refused.notFromTheDemo.join('\n') : ''
      assert.match(named, /board or group\(s\)/)
      assert.match(named, /board or group seat\(s\)/)
      const removed = await app.services.demo.remove('test', { deleteOwnWork: true })
      assert.equal(removed.outcome, 'removed')
    })
  })
}
