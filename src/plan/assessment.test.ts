import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { parse } from 'csv-parse/sync'
import { testDialects } from '../../test/support/databases.ts'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { recordType } from '../registers/prevent-record-types.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import type { TestBrowser } from '../accounts/web/test-client.ts'
import type { Role } from '../accounts/roles.ts'

/** The demo's knife crime figures for 2017/18, from its own file (not from the code under test). */
const demoValues = parse(readFileSync(new URL('../../demo/performance-framework/values.csv', import.meta.url)), {
  columns: true,
}) as Record<string, string>[]
const knife = (period: string) =>
  Number(demoValues.find((r) => r.indicator === 'knife-crime' && r.period === period)?.value)
const KNIFE_2017_18 = ['Q1', 'Q2', 'Q3', 'Q4'].reduce((sum, q) => sum + knife(`FY2017-18-${q}`), 0)

/** A page's text without its markup, entities undone, white space collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<script[^]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}

async function csrf(browser: TestBrowser): Promise<string> {
  return browser.csrfTokenOf('/sign-out')
}

for (const dialect of testDialects()) {
  describe(`strategic assessment (${dialect})`, () => {
    let app: RunningApp
    let analyst: TestBrowser
    before(async () => {
      app = await startDemoApp(dialect)
      analyst = await app.signedIn('partnership-analyst')
    })
    after(() => app.stop())

    const scoped = () => onlyPartnership(app.services)
    const page = async (path: string, who = analyst) => textOf(await (await who.get(path)).text())
    const post = async (path: string, fields: Record<string, string>, who = analyst) =>
      who.post(path, { _csrf: await csrf(who), ...fields })
    const importKnifeQ3 = async (value: number) => {
      const imported = await (
        await scoped()
      ).performance.importFiles(
        [
          {
            name: 'values.csv',
            content: Buffer.from(`indicator,period,value\r\nknife-crime,FY2017-18-Q3,${value}\r\n`),
          },
        ],
        'analyst@example.org',
      )
      assert.equal(imported.outcome, 'applied', JSON.stringify(imported))
    }
    const count = async (table: 'assessment_threats' | 'assessment_consultations' | 'assessment_findings') =>
      (await (await scoped()).database.db.selectFrom(table).select('id').execute()).length

    it('shows the demo assessment as illustrative, its findings citing the demo’s figures as the KPI page prints them', async () => {
      const text = await page('/plan/assessments/2018-19')
      assert.match(text, /Illustrative assessment \(not Wolverhampton’s\)/)
      assert.match(text, /Data it reads 2017\/18 Q1 to 2017\/18 Q4/)
      assert.equal(KNIFE_2017_18, 221)
      assert.match(text, new RegExp(`present: outturn 2017/18 ${KNIFE_2017_18} \\(sum of 4 quarters\\)`))
      // The change and its significance: the KPI page's own words for the same KPI and year.
      const kpi = await (await analyst.get('/kpis/knife-crime')).text()
      const cell = (id: string) =>
        textOf(new RegExp(`id="${id}"[^]*?<dd[^>]*>([^]*?)</dd>`).exec(kpi)?.[1] ?? '').trim()
      assert.ok(cell('kpi-change').length > 0)
      assert.ok(text.includes(`to 2017/18 ${cell('kpi-change')} 2017/18`), cell('kpi-change'))
      assert.ok(text.includes(`is the change real? 2017/18 ${cell('kpi-significance')} 2017/18`))
      // No police.uk files in the demo: the crime citation says why, never a number made up.
      assert.match(
        text,
        /No figure: No headline for 2017-2018: data\.police\.uk files for West Midlands are not loaded/,
      )
      const list = await page('/plan/assessments')
      assert.match(
        list,
        /Strategic assessment 2018\/19 \(illustrative, not Wolverhampton’s\) 2018\/19 2017\/18 Q1 to 2017\/18 Q4 Draft/,
      )
    })

    it('scores a threat from impact and likelihood, never from a typed score', async () => {
      const posted = await post('/plan/assessments/2018-19/threats', {
        title: 'Scored threat',
        impact: '5',
        likelihood: '4',
        score: '1',
      })
      assert.equal(posted.status, 303)
      const text = await page('/plan/assessments/2018-19')
      // 5 × 4 = 20, in the NPSA's 15–25 band.
      assert.match(text, /Scored threat 5 Catastrophic 4 Likely 20 Extreme/)
      const rows = await (await scoped()).database.db.selectFrom('assessment_threats').selectAll().execute()
      assert.ok(rows.length > 0)
      for (const row of rows) assert.ok(!('score' in row) && !('band' in row), 'no score or band is stored')
      // Placed in the matrix: likelihood 4's row, impact 5's column.
      const html = await (await analyst.get('/plan/assessments/2018-19')).text()
      const likely = /<th scope="row"[^>]*>Likelihood 4 Likely<\/th>([^]*?)<\/tr>/.exec(html)?.[1] ?? ''
      const cells = [...likely.matchAll(/<td[^>]*>([^]*?)<\/td>/g)].map((m) => textOf(m[1] ?? '').trim())
      assert.equal(cells.length, 5)
      assert.match(cells[4] ?? '', /^20 Extreme T\d+$/)
    })

    it('refuses an impact or likelihood outside 1 to 5, saying which, and stores nothing', async () => {
      const before = await count('assessment_threats')
      for (const [impact, likelihood, message] of [
        ['0', '3', 'Choose the impact, a whole number from 1 to 5'],
        ['6', '3', 'Choose the impact, a whole number from 1 to 5'],
        ['2.5', '3', 'Choose the impact, a whole number from 1 to 5'],
        ['3', '', 'Choose the likelihood, a whole number from 1 to 5'],
      ] as const) {
        const posted = await post('/plan/assessments/2018-19/threats', { title: 'Bad', impact, likelihood })
        assert.equal(posted.status, 400, `${impact} × ${likelihood}`)
        const text = textOf(await posted.text())
        assert.match(text, /There is a problem/)
        assert.ok(text.includes(message), `${impact} × ${likelihood}: ${message}`)
      }
      assert.equal(await count('assessment_threats'), before)
      // The database holds the rule too, whoever writes.
      const demo = await scoped()
      const assessment = await demo.database.db
        .selectFrom('strategic_assessments')
        .select('id')
        .executeTakeFirstOrThrow()
      await assert.rejects(
        demo.database.db
          .insertInto('assessment_threats')
          .values({
            assessment_id: assessment.id,
            position: 99,
            title: 'Direct',
            description: null,
            strategic_priority_id: null,
            impact: 6,
            likelihood: 1,
            updated_at: 'now',
            updated_by: 'test',
          })
          .execute(),
      )
    })

    it('adopts a recommendation as a delivery priority of the year it informs, and keeps the link', async () => {
      const demo = await scoped()
      const db = demo.database.db
      const strategy = await db
        .insertInto('strategies')
        .values({
          title: 'Test strategy 2017-20',
          first_year: 'FY2017-18',
          last_year: 'FY2019-20',
          status: 'draft',
          summary: null,
          approved_at: null,
          approved_by: null,
          updated_at: '2018-01-01T00:00:00Z',
          updated_by: 'test',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const priority = await db
        .insertInto('strategic_priorities')
        .values({
          strategy_id: strategy.id,
          position: 1,
          name: 'Test priority',
          description: null,
          updated_at: '2018-01-01T00:00:00Z',
          updated_by: 'test',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const text = 'Reduce repeat burglary in the test area'
      assert.equal((await post('/plan/assessments/2018-19/recommendations', { text })).status, 303)
      const recommendation = await db
        .selectFrom('assessment_recommendations')
        .selectAll()
        .where('text', '=', text)
        .executeTakeFirstOrThrow()
      const adopt = `/plan/assessments/2018-19/recommendations/${recommendation.id}/adopt`

      const refused = await post(adopt, { priority: '' })
      assert.equal(refused.status, 400)
      assert.match(textOf(await refused.text()), /Choose the strategic priority/)
      const under = () =>
        db.selectFrom('delivery_priorities').selectAll().where('strategic_priority_id', '=', priority.id).execute()
      assert.equal((await under()).length, 0)

      assert.equal((await post(adopt, { priority: String(priority.id) })).status, 303)
      const made = await under()
      assert.deepEqual(
        made.map((d) => [d.name, d.year, d.strategic_priority_id]),
        [[text, 'FY2018-19', priority.id]],
      )
      const linked = await db
        .selectFrom('assessment_recommendations')
        .selectAll()
        .where('id', '=', recommendation.id)
        .executeTakeFirstOrThrow()
      assert.equal(linked.delivery_priority_id, made[0]?.id)
      assert.equal(linked.adopted_by, 'analyst@example.org')
      const created = await demo.audit.list({ entityType: 'delivery-priority' })
      assert.ok(
        created.some((e) => e.action === 'create' && (JSON.parse(e.after ?? 'null') as { name: string }).name === text),
      )
      const events = await demo.audit.list({ entityType: 'assessment-recommendation' })
      assert.ok(
        events.some(
          (e) =>
            e.entityType === 'assessment-recommendation' &&
            e.action === 'adopt' &&
            e.entityKey.endsWith(`/${recommendation.id}`),
        ),
      )
      assert.match(
        await page('/plan/assessments/2018-19'),
        new RegExp(`${text} Adopted as the delivery priority “${text}” for 2018/19, under Test priority`),
      )
      const again = await post(adopt, { priority: String(priority.id) })
      assert.equal(again.status, 400)
      assert.match(textOf(await again.text()), /already the delivery priority/)

      // A delivery priority of that name already there (the strategy's own list) is linked, not made twice.
      const second = 'Strengthen the response to domestic abuse'
      const existing = await db
        .insertInto('delivery_priorities')
        .values({
          strategic_priority_id: priority.id,
          year: 'FY2018-19',
          position: 2,
          name: second,
          description: null,
          updated_at: '2018-01-01T00:00:00Z',
          updated_by: 'test',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      assert.equal((await post('/plan/assessments/2018-19/recommendations', { text: second })).status, 303)
      const other = await db
        .selectFrom('assessment_recommendations')
        .select('id')
        .where('text', '=', second)
        .executeTakeFirstOrThrow()
      const adopted = await demo.assessments.adopt('analyst@example.org', '2018-19', other.id, {
        priority: String(priority.id),
      })
      assert.deepEqual(adopted, { ok: true, value: { deliveryPriorityId: existing.id, created: false } })
      assert.equal((await under()).length, 2)
    })

    it('records consultation with an audit event, and refuses it incomplete without storing anything', async () => {
      const before = await count('assessment_consultations')
      const bad = await post('/plan/assessments/2018-19/consultations', {
        consultee: '',
        consulteeKind: 'aliens',
        heldFrom: '2018-02-30',
        method: 'carrier-pigeon',
        whatWasSaid: '',
      })
      assert.equal(bad.status, 400)
      const problems = textOf(await bad.text())
      for (const message of [
        'Enter who was consulted',
        'Choose a group, an organisation or the public',
        'Enter the date as YYYY-MM-DD',
        'Choose how they were consulted',
        'Enter what was said',
      ])
        assert.ok(problems.includes(message), message)
      assert.equal(await count('assessment_consultations'), before)

      const good = await post('/plan/assessments/2018-19/consultations', {
        consultee: 'Heath Town residents’ association',
        consulteeKind: 'group',
        heldFrom: '2018-03-01',
        heldTo: '2018-03-02',
        method: 'meeting',
        whatWasSaid: 'Street lighting on the estate.',
        response: 'Passed to the council’s lighting team.',
      })
      assert.equal(good.status, 303)
      assert.equal(await count('assessment_consultations'), before + 1)
      const event = (await (await scoped()).audit.list({ entityType: 'assessment-consultation' })).at(-1)
      assert.ok(event, 'an audit event')
      assert.equal(event.actor, 'analyst@example.org')
      assert.equal(event.before, null)
      assert.equal(
        (JSON.parse(event.after ?? 'null') as { consultee: string }).consultee,
        'Heath Town residents’ association',
      )
      assert.match(
        await page('/plan/assessments/2018-19'),
        /Heath Town residents’ association A group \(for example a residents’ or faith group\) 2018-03-01 to 2018-03-02 Meeting Street lighting on the estate\. Passed to the council’s lighting team\./,
      )
    })

    it('reads a cited figure live while a draft, keeps it when final, and says when it has changed since', async () => {
      const demo = await scoped()
      const created = await demo.assessments.create('analyst@example.org', {
        year: '2019-20',
        dataFrom: 'FY2017-18-Q1',
        dataTo: 'FY2017-18-Q4',
      })
      assert.ok(created.ok, JSON.stringify(created))
      const finding = await demo.assessments.addFinding('analyst@example.org', '2019-20', {
        theme: 'Knife crime',
        text: 'Knife crime is the finding.',
      })
      assert.ok(finding.ok)
      const unknown = await post(`/plan/assessments/2019-20/findings/${finding.value.id}/citations`, {
        kind: 'kpi-outturn',
        kpi: 'no-such-kpi',
      })
      assert.equal(unknown.status, 400)
      assert.match(textOf(await unknown.text()), /Choose the KPI whose figure to cite/)
      const cited = await post(`/plan/assessments/2019-20/findings/${finding.value.id}/citations`, {
        kind: 'kpi-outturn',
        kpi: 'knife-crime',
        period: '2017-18',
      })
      assert.equal(cited.status, 303)
      const value = (html: string) => /present: outturn 2017\/18 ([^]*?) 2017\/18 Performance report/.exec(html)?.[1]
      const q3 = knife('FY2017-18-Q3')
      try {
        assert.equal(value(await page('/plan/assessments/2019-20')), `${KNIFE_2017_18} (sum of 4 quarters)`)
        await importKnifeQ3(q3 + 10)
        // A draft reads the data as it is now.
        const draft = await page('/plan/assessments/2019-20')
        assert.equal(value(draft), `${KNIFE_2017_18 + 10} (sum of 4 quarters)`)
        assert.doesNotMatch(draft, /Now /)

        assert.equal((await post('/plan/assessments/2019-20/final', {})).status, 400, 'not without confirming')
        assert.equal((await post('/plan/assessments/2019-20/final', { confirm: 'yes' })).status, 303)
        await importKnifeQ3(q3 + 15)
        const final = await page('/plan/assessments/2019-20')
        assert.match(final, /Status Final, since/)
        assert.ok(
          final.includes(
            `${KNIFE_2017_18 + 10} (sum of 4 quarters) Now ${KNIFE_2017_18 + 15} (sum of 4 quarters) (changed since the assessment was made final)`,
          ),
        )
        const stored = await demo.database.db
          .selectFrom('assessment_citations')
          .select(['frozen_value', 'frozen_at'])
          .where('finding_id', '=', finding.value.id)
          .executeTakeFirstOrThrow()
        assert.equal(stored.frozen_value, `${KNIFE_2017_18 + 10} (sum of 4 quarters)`)
        assert.ok(stored.frozen_at)
        const finalised = await demo.audit.list({ entityType: 'strategic-assessment', entityKey: 'FY2019-20' })
        assert.deepEqual(
          finalised.map((e) => e.action),
          ['create', 'finalise'],
        )

        // Final is fixed.
        const findings = await count('assessment_findings')
        const refused = await post('/plan/assessments/2019-20/findings', { theme: 'Late', text: 'Too late.' })
        assert.equal(refused.status, 409)
        assert.match(textOf(await refused.text()), /The 2019\/20 assessment is final: it cannot be changed/)
        assert.equal(await count('assessment_findings'), findings)
      } finally {
        await importKnifeQ3(q3)
      }
    })

    it('removes an item of a draft with an audit event that keeps it, but not an adopted recommendation', async () => {
      const demo = await scoped()
      assert.equal(
        (await post('/plan/assessments/2018-19/threats', { title: 'To remove', impact: '1', likelihood: '2' })).status,
        303,
      )
      const threat = await demo.database.db
        .selectFrom('assessment_threats')
        .selectAll()
        .where('title', '=', 'To remove')
        .executeTakeFirstOrThrow()
      const html = await (await analyst.get('/plan/assessments/2018-19')).text()
      assert.ok(html.includes(`name="item" value="threat:${threat.id}"`), 'a remove button for the threat')
      assert.equal((await post('/plan/assessments/2018-19/remove', { item: `threat:${threat.id}` })).status, 303)
      assert.equal(
        (await demo.database.db.selectFrom('assessment_threats').select('id').where('id', '=', threat.id).execute())
          .length,
        0,
      )
      const removed = await demo.audit.list({ entityType: 'assessment-threat', actions: ['delete'] })
      assert.equal(removed.length, 1)
      assert.equal((JSON.parse(removed[0]?.before ?? 'null') as { title: string }).title, 'To remove')

      const bad = await post('/plan/assessments/2018-19/remove', { item: 'threat:999999' })
      assert.equal(bad.status, 400)
      assert.match(textOf(await bad.text()), /There is a problem Choose what to remove/)
      const adopted = await demo.database.db
        .selectFrom('assessment_recommendations')
        .select('id')
        .where('delivery_priority_id', 'is not', null)
        .executeTakeFirstOrThrow()
      const kept = await post('/plan/assessments/2018-19/remove', { item: `recommendation:${adopted.id}` })
      assert.equal(kept.status, 400)
      assert.match(textOf(await kept.text()), /An adopted recommendation stays/)
    })

    it('keeps the demo from being removed unasked once someone has written in its assessment', async () => {
      const refused = await app.services.demo.remove('admin@example.org')
      assert.equal(refused.outcome, 'refused')
      assert.ok(
        refused.outcome === 'refused' &&
          refused.notFromTheDemo.some((line) => /^\d+ strategic assessment\(s\): .*FY2018-19/.test(line)),
        JSON.stringify(refused),
      )
    })

    it('lists the engagement register’s consultations over the months its data covers, for register readers', async () => {
      const prevent = (await scoped()).registers.prevent
      const type = recordType('engagement', 'consultations')
      assert.ok(type)
      const admin = { role: 'administrator' as const, agencyId: null, email: 'test@example.org' }
      const consultation = (title: string, opens: string, closes: string) => {
        const [oy, om, od] = opens.split('-')
        const [cy, cm, cd] = closes.split('-')
        return prevent.create(admin, type, {
          title,
          'opens_on-day': od,
          'opens_on-month': om,
          'opens_on-year': oy,
          'closes_on-day': cd,
          'closes_on-month': cm,
          'closes_on-year': cy,
          responses: '1250',
        })
      }
      // The demo's 2018-19 assessment reads 2017/18 Q1 to Q4: 1 April 2017 to 31 March 2018.
      for (const made of [
        await consultation('Residents’ survey 2017', '2017-09-01', '2017-10-31'),
        await consultation('Consultation open across the year’s end', '2018-03-01', '2018-04-30'),
        await consultation('Consultation closed before the year', '2017-01-01', '2017-03-31'),
        await consultation('Consultation after the year', '2018-04-01', '2018-05-31'),
      ])
        assert.equal(made.outcome, 'saved')
      const html = await page('/plan/assessments/2018-19')
      assert.ok(html.includes('In the engagement register, 1 April 2017 to 31 March 2018'))
      assert.ok(html.includes('Residents’ survey 2017') && html.includes('1,250'))
      assert.ok(html.includes('Consultation open across the year’s end'))
      assert.ok(!html.includes('Consultation closed before the year'))
      assert.ok(!html.includes('Consultation after the year'))
      // A viewer reads the assessment but not the registers: the section is not shown.
      const viewerPage = await page('/plan/assessments/2018-19', await app.signedIn('viewer'))
      assert.ok(!viewerPage.includes('Residents’ survey 2017') && !viewerPage.includes('In the engagement register'))
    })

    it('lets every reader but a data owner read it, and only analysts and administrators change it', async () => {
      const expected: [Role, number, number][] = [
        ['administrator', 200, 400],
        ['partnership-analyst', 200, 400],
        ['board-member', 200, 403],
        ['viewer', 200, 403],
        // An assessment is the whole partnership's, not an agency's: a data owner reads their own agency's plan.
        ['data-owner', 403, 403],
      ]
      for (const [role, read, write] of expected) {
        const who = await app.signedIn(role)
        assert.equal((await who.get('/plan/assessments/2018-19')).status, read, `${role} reads`)
        assert.equal((await who.get('/plan/assessments')).status, read, `${role} lists`)
        // An empty threat: refused as incomplete (400) for those who may write, 403 for the others.
        assert.equal((await post('/plan/assessments/2018-19/threats', {}, who)).status, write, `${role} writes`)
        const canEdit = (await page('/plan/assessments/2018-19', who)).includes('Score a threat')
        assert.equal(canEdit, write === 400, `${role} is offered the forms`)
      }
      const anonymous = await app.signedIn('viewer')
      await anonymous.post('/sign-out', { _csrf: await csrf(anonymous) })
      const response = await anonymous.get('/plan/assessments/2018-19')
      assert.equal(response.status, 303)
      assert.match(response.headers.get('location') ?? '', /^\/sign-in/)
    })

    it('never shows another partnership’s assessment (404), at either address', async () => {
      const ours = await scoped()
      const added = await app.services.partnerships.add('test', { name: 'Northshire', code: 'E22000999' })
      assert.ok(added.ok)
      const northshire = app.services.forPartnership(added.value)
      const theirs = await northshire.assessments.create('test', {
        year: '2024-25',
        title: 'CANARY-NORTHSHIRE-ASSESSMENT',
      })
      assert.ok(theirs.ok, JSON.stringify(theirs))
      assert.equal(await ours.assessments.page('2024-25'), null)
      assert.ok(!(await ours.assessments.list()).some((a) => a.title.includes('CANARY')))
      for (const path of [
        '/plan/assessments/2024-25',
        '/plan/assessments/2024-25/threats/new',
        `/p/${added.value.slug}/plan/assessments/2024-25`,
      ]) {
        const response = await analyst.get(path)
        assert.equal(response.status, 404, path)
        assert.doesNotMatch(await response.text(), /CANARY/)
      }
      assert.equal(
        (await post('/plan/assessments/2024-25/threats', { title: 'x', impact: '1', likelihood: '1' })).status,
        404,
      )
      assert.doesNotMatch(await page('/plan/assessments'), /CANARY/)
    })
  })
}
