import { onlyPartnership } from '../../test/support/partnership.ts'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadConfig } from '../config.ts'
import { createServices, type Services } from '../composition-root.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import type { ReturnPage, ReturnsUser } from './returns-service.ts'

/*
 * Monthly, bi-monthly and annual KPIs in the quarterly return, on the demo framework. Public Health (PH) owns the
 * six monthly "criminal justice clients" KPIs of the seed report's substance-misuse section; the test adds a
 * bi-monthly and an annual KPI of its own for PH. Each test works in its own quarter of 2018/19, which has no figures.
 */

const OPIATE = 'cj-clients-in-treatment-opiate'
const BI_MONTHLY = 'ph-test-naloxone-kits'
const ANNUAL = 'ph-test-treatment-review'

const indicatorsCsv = [
  'id,name,priority,theme,definition,data_owner,cadence,measure_type,preferred_direction,hidden_harm',
  `${BI_MONTHLY},Naloxone kits issued,Reducing Reoffending,Substance Misuse,Kits issued,Public Health,bi-monthly,count,none,no`,
  `${ANNUAL},Treatment system review,Reducing Reoffending,Substance Misuse,Annual review,Public Health,annual,count,none,no`,
].join('\r\n')

// The opiate clients' monthly history before April 2018 (January 2018's 37 is the seed report's own figure): the last
// eight months are 30, 34, 36, 32, 38, 37, 40, 35 → sorted 30 32 34 35 36 37 38 40, median (35 + 36) / 2 = 35.5.
// Percentages are given because a count-with-share needs its share.
const historyCsv = [
  'indicator,period,value,percent',
  `${OPIATE},2017-08,30,20`,
  `${OPIATE},2017-09,34,22`,
  `${OPIATE},2017-10,36,23`,
  `${OPIATE},2017-11,32,21`,
  `${OPIATE},2017-12,38,24`,
  `${OPIATE},2018-02,40,25`,
  `${OPIATE},2018-03,35,23`,
  // April 2017, for "same month last year" beside April 2018 (before the last eight months above).
  `${OPIATE},2017-04,33,21`,
].join('\r\n')

const analyst: ReturnsUser = { role: 'partnership-analyst', agencyId: null, email: 'analyst@example.org' }
const board: ReturnsUser = { role: 'board-member', agencyId: null, email: 'board@example.org' }

for (const dialect of testDialects()) {
  describe(`a quarter’s return holds each KPI’s periods that end in it (${dialect})`, () => {
    let services: Services
    let dataDirectory: string
    let ph: number
    let owner: ReturnsUser

    before(async () => {
      dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'saferhub-return-periods-'))
      const config = loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true', SAFERHUB_DATA_DIR: dataDirectory })
      services = await createServices(config, { database: await openTestDatabase(dialect) })
      const imported = await (
        await onlyPartnership(services)
      ).performance.importFiles(
        [
          { name: 'indicators.csv', content: Buffer.from(indicatorsCsv) },
          { name: 'values.csv', content: Buffer.from(historyCsv) },
        ],
        'analyst@example.org',
      )
      assert.equal(imported.outcome, 'applied', JSON.stringify(imported))
      const agency = (await (await onlyPartnership(services)).returns.agencies()).find((a) => a.code === 'PH')
      assert.ok(agency)
      ph = agency.id
      owner = { role: 'data-owner', agencyId: ph, email: 'ph@example.org' }
    })
    after(async () => {
      await services.close()
      await rm(dataDirectory, { recursive: true, force: true })
    })

    /** Every box of the page: "not collected" with a reason, except the figures given. */
    function fieldsFor(page: ReturnPage, figures: Readonly<Record<string, string>> = {}): Record<string, string> {
      const fields: Record<string, string> = {}
      for (const entry of page.lines.flatMap((l) => l.entries)) {
        fields[`${entry.boxes.prefix}-status`] = 'not-collected'
        fields[`${entry.boxes.prefix}-reason`] = 'Not collected in this test'
      }
      for (const [name, value] of Object.entries(figures)) {
        const prefix = name.replace(/-(value|percent|confirm)$/, '')
        if (fields[`${prefix}-status`] === 'not-collected') {
          fields[`${prefix}-status`] = 'reported'
          fields[`${prefix}-reason`] = ''
        }
        fields[name] = value
      }
      return fields
    }

    const periodsOn = (page: ReturnPage, id: string) =>
      page.lines.find((l) => l.indicator.id === id)?.entries.map((e) => e.period.id)

    it('shows the months, the two-month periods ending in the quarter, and the year in Q4 only', async () => {
      const pages = await Promise.all(
        ['Q1', 'Q2', 'Q3', 'Q4'].map(async (q) =>
          (await onlyPartnership(services)).returns.returnPage(owner, `FY2018-19-${q}`, ph),
        ),
      )
      assert.deepEqual(
        pages.map((p) => periodsOn(p, OPIATE)),
        [
          ['2018-04', '2018-05', '2018-06'],
          ['2018-07', '2018-08', '2018-09'],
          ['2018-10', '2018-11', '2018-12'],
          ['2019-01', '2019-02', '2019-03'],
        ],
      )
      assert.deepEqual(
        pages.map((p) => periodsOn(p, BI_MONTHLY)),
        [['FY2018-19-B1'], ['FY2018-19-B2', 'FY2018-19-B3'], ['FY2018-19-B4'], ['FY2018-19-B5', 'FY2018-19-B6']],
      )
      assert.deepEqual(
        pages.map((p) => periodsOn(p, ANNUAL)),
        [undefined, undefined, undefined, ['FY2018-19']],
      )
      // Field names carry the period; the same month last year is beside each (April 2017 for April 2018's box).
      const q1 = pages[0] as ReturnPage
      const april = q1.lines.find((l) => l.indicator.id === OPIATE)?.entries[0]
      assert.equal(april?.boxes.prefix, `${OPIATE}--2018-04`)
      assert.equal(april?.boxes.title, 'Criminal justice clients in treatment: opiate, April 2018')
      const lastYear = q1.lines.find((l) => l.indicator.id === OPIATE)?.entries.map((e) => e.lastYear)
      assert.match(lastYear?.[0] ?? '', /^33 \(21(\.0)?%\)$/)
      assert.deepEqual(lastYear?.slice(1), ['not available', 'not available'])
      // The overview counts PH's KPIs due: the six monthly ones and the bi-monthly one, plus the annual one in Q4.
      const count = async (q: string) =>
        (await (await onlyPartnership(services)).returns.overview(analyst, q)).rows.find((r) => r.agency.code === 'PH')
          ?.indicators
      assert.equal(await count('FY2018-19-Q1'), 7)
      assert.equal(await count('FY2018-19-Q4'), 8)
    })

    it('a monthly KPI’s three months: saved, submitted, accepted, and in the performance report', async () => {
      const quarter = 'FY2019-20-Q1'
      const page = await (await onlyPartnership(services)).returns.returnPage(owner, quarter, ph)
      const months = { '2019-04': '31', '2019-05': '29', '2019-06': '34' }
      const figures: Record<string, string> = {}
      for (const [month, value] of Object.entries(months)) {
        figures[`${OPIATE}--${month}-value`] = value
        figures[`${OPIATE}--${month}-percent`] = '22'
      }
      const draft = await (
        await onlyPartnership(services)
      ).returns.saveReturn(owner, quarter, ph, {
        version: null,
        intent: 'save',
        fields: figures,
      })
      assert.equal(draft.kind, 'saved', JSON.stringify(draft))
      assert.deepEqual(draft.kind === 'saved' && draft.saved.items.map((i) => [i.indicatorId, i.period, i.value]), [
        [OPIATE, '2019-04', 31],
        [OPIATE, '2019-05', 29],
        [OPIATE, '2019-06', 34],
      ])
      // A submitted return needs every box: one month left empty is named, with its own field.
      const incomplete = fieldsFor(page, figures)
      delete incomplete[`${OPIATE}--2019-05-value`]
      delete incomplete[`${OPIATE}--2019-05-percent`]
      const refused = await (
        await onlyPartnership(services)
      ).returns.saveReturn(owner, quarter, ph, {
        version: 1,
        intent: 'submit',
        fields: incomplete,
      })
      assert.equal(refused.kind, 'invalid')
      assert.deepEqual(refused.kind === 'invalid' && refused.problems.map((p) => p.field), [`${OPIATE}--2019-05-value`])
      const submitted = await (
        await onlyPartnership(services)
      ).returns.saveReturn(owner, quarter, ph, {
        version: 1,
        intent: 'submit',
        fields: fieldsFor(page, figures),
      })
      assert.equal(submitted.kind, 'saved', JSON.stringify(submitted))
      // 6 monthly KPIs × 3 months + 1 two-month period.
      assert.equal(submitted.kind === 'saved' && submitted.saved.items.length, 19)
      assert.equal(
        await (await onlyPartnership(services)).performance.repository.getValue(OPIATE, '2019-04'),
        null,
        'not before acceptance',
      )

      const accepted = await (
        await onlyPartnership(services)
      ).returns.review(analyst, quarter, ph, {
        version: 2,
        decision: 'accept',
        comment: '',
      })
      assert.equal(accepted.kind, 'saved')
      for (const [month, value] of Object.entries(months)) {
        const stored = await (await onlyPartnership(services)).performance.repository.getValue(OPIATE, month)
        assert.equal(stored?.value, Number(value), month)
        assert.equal(stored?.percent, 22, month)
        assert.equal(stored?.updatedBy, analyst.email)
      }
      const notCollected = await (
        await onlyPartnership(services)
      ).performance.repository.getValue(BI_MONTHLY, 'FY2019-20-B1')
      assert.equal(notCollected?.status, 'not-collected')
      const events = await (
        await onlyPartnership(services)
      ).audit.list({ entityType: 'indicator-value', entityKey: `${OPIATE}/2019-05` })
      assert.equal(events[0]?.action, 'create')

      const report = await (await onlyPartnership(services)).reports.performance.report('FY2019-20')
      const row = report?.themes.flatMap((t) => t.rows).find((r) => r.indicator.id === OPIATE)
      assert.deepEqual(
        row?.periods.slice(0, 4).map((p) => [p.thisYear.period, p.thisYear.number]),
        [
          ['2019-04', 31],
          ['2019-05', 29],
          ['2019-06', 34],
          ['2019-07', null],
        ],
      )
    })

    it('hard rules apply to each month on its own, naming the month; nothing is saved', async () => {
      const quarter = 'FY2018-19-Q3'
      const page = await (await onlyPartnership(services)).returns.returnPage(owner, quarter, ph)
      const result = await (
        await onlyPartnership(services)
      ).returns.saveReturn(owner, quarter, ph, {
        version: null,
        intent: 'save',
        fields: fieldsFor(page, {
          [`${OPIATE}--2018-10-value`]: '31',
          [`${OPIATE}--2018-10-percent`]: '20',
          [`${OPIATE}--2018-11-value`]: '-4',
          [`${OPIATE}--2018-11-percent`]: '20',
          [`${OPIATE}--2018-12-value`]: '30',
          [`${OPIATE}--2018-12-percent`]: '20',
          [`${OPIATE}--2018-12-reason`]: 'a reason beside a figure',
        }),
      })
      assert.equal(result.kind, 'invalid')
      const problems = result.kind === 'invalid' ? result.problems : []
      assert.deepEqual(
        problems.map((p) => p.field),
        [`${OPIATE}--2018-11-value`, `${OPIATE}--2018-12-reason`],
      )
      assert.match(
        problems[0]?.message ?? '',
        /^Criminal justice clients in treatment: opiate, November 2018: "-4" is negative/,
      )
      assert.match(problems[1]?.message ?? '', /December 2018: reason is only for a figure that is not reported/)
      assert.equal((await (await onlyPartnership(services)).returns.returnPage(analyst, quarter, ph)).returned, null)
    })

    it('checks plausibility against the KPI’s own months, and keeps the confirmation with the month', async () => {
      const quarter = 'FY2018-19-Q2'
      const page = await (await onlyPartnership(services)).returns.returnPage(owner, quarter, ph)
      const figures = {
        [`${OPIATE}--2018-07-value`]: '120', // more than 3 × 35.5 = 106.5
        [`${OPIATE}--2018-07-percent`]: '20',
        [`${OPIATE}--2018-08-value`]: '100', // within it
        [`${OPIATE}--2018-08-percent`]: '20',
      }
      const unconfirmed = await (
        await onlyPartnership(services)
      ).returns.saveReturn(owner, quarter, ph, {
        version: null,
        intent: 'submit',
        fields: fieldsFor(page, figures),
      })
      assert.equal(unconfirmed.kind, 'invalid')
      assert.deepEqual(unconfirmed.kind === 'invalid' && unconfirmed.warnings, {
        // History for July 2018: April 2017 and August 2017 – March 2018; the last eight give the median 35.5.
        [`${OPIATE}--2018-07`]: '120 is more than 3 times the median of the last 8 periods (35.5)',
      })
      assert.deepEqual(unconfirmed.kind === 'invalid' && unconfirmed.problems.map((p) => p.field), [
        `${OPIATE}--2018-07-confirm`,
      ])
      const confirmed = await (
        await onlyPartnership(services)
      ).returns.saveReturn(owner, quarter, ph, {
        version: null,
        intent: 'submit',
        fields: fieldsFor(page, { ...figures, [`${OPIATE}--2018-07-confirm`]: 'yes' }),
      })
      assert.equal(confirmed.kind, 'saved')
      const items = confirmed.kind === 'saved' ? confirmed.saved.items.filter((i) => i.indicatorId === OPIATE) : []
      assert.deepEqual(
        items.map((i) => [i.period, i.warning !== null, i.warningConfirmedBy]),
        [
          ['2018-07', true, owner.email],
          ['2018-08', false, null],
          ['2018-09', false, null],
        ],
      )
    })

    it('a second editor’s months are refused with a conflict, and the first editor’s are kept', async () => {
      const quarter = 'FY2019-20-Q2'
      const first = await (
        await onlyPartnership(services)
      ).returns.saveReturn(owner, quarter, ph, {
        version: null,
        intent: 'save',
        fields: { [`${OPIATE}--2019-07-value`]: '31', [`${OPIATE}--2019-07-percent`]: '20' },
      })
      assert.equal(first.kind, 'saved')
      const save = async (value: string) =>
        (await onlyPartnership(services)).returns.saveReturn(owner, quarter, ph, {
          version: 1,
          intent: 'save',
          fields: {
            [`${OPIATE}--2019-07-value`]: '31',
            [`${OPIATE}--2019-07-percent`]: '20',
            [`${OPIATE}--2019-08-value`]: value,
            [`${OPIATE}--2019-08-percent`]: '20',
          },
        })
      assert.equal((await save('32')).kind, 'saved')
      const second = await save('99')
      assert.equal(second.kind, 'conflict')
      const stored = (await (await onlyPartnership(services)).returns.returnPage(analyst, quarter, ph)).returned
      assert.deepEqual(
        stored?.items.map((i) => [i.period, i.value]),
        [
          ['2019-07', 31],
          ['2019-08', 32],
        ],
      )
    })

    it('a quarter’s sign-off locks the periods that end in it, not the ones that only overlap it', async () => {
      // FY2020-21: Q1 signed off. April–June and B1 are Q1's; B2 (June–July) ends in Q2; the year ends in Q4.
      assert.ok(await (await onlyPartnership(services)).returns.signOff(board, 'FY2020-21-Q1'))
      const importing = async (rows: string) =>
        (await onlyPartnership(services)).performance.importFiles(
          [{ name: 'values.csv', content: Buffer.from(`indicator,period,value,percent\r\n${rows}\r\n`) }],
          'analyst@example.org',
        )
      const refused = await importing(`${OPIATE},2020-05,30,20\r\n${BI_MONTHLY},FY2020-21-B1,4,`)
      assert.equal(refused.outcome, 'rejected')
      assert.equal(await (await onlyPartnership(services)).performance.repository.getValue(OPIATE, '2020-05'), null)
      const allowed = await importing(
        `${BI_MONTHLY},FY2020-21-B2,5,\r\n${ANNUAL},FY2020-21,1,\r\n${OPIATE},2020-07,30,20`,
      )
      assert.equal(allowed.outcome, 'applied', JSON.stringify(allowed))

      // The Q2 return carrying B2 is accepted while Q1 is locked; once Q2 is signed off, B2 is locked too.
      const quarter = 'FY2020-21-Q2'
      const page = await (await onlyPartnership(services)).returns.returnPage(owner, quarter, ph)
      const submitted = await (
        await onlyPartnership(services)
      ).returns.saveReturn(owner, quarter, ph, {
        version: null,
        intent: 'submit',
        fields: fieldsFor(page, { [`${BI_MONTHLY}--FY2020-21-B2-value`]: '6' }),
      })
      assert.equal(submitted.kind, 'saved')
      const accepted = await (
        await onlyPartnership(services)
      ).returns.review(analyst, quarter, ph, {
        version: 1,
        decision: 'accept',
        comment: '',
      })
      assert.equal(accepted.kind, 'saved')
      assert.equal(
        (await (await onlyPartnership(services)).performance.repository.getValue(BI_MONTHLY, 'FY2020-21-B2'))?.value,
        6,
      )
      assert.ok(await (await onlyPartnership(services)).returns.signOff(board, quarter))
      assert.equal((await importing(`${BI_MONTHLY},FY2020-21-B2,7,`)).outcome, 'rejected')
      assert.equal((await importing(`${ANNUAL},FY2020-21,2,`)).outcome, 'applied', 'the year is Q4’s')
    })

    it('an agency whose KPIs are all annual has nothing due in Q1–Q3, and is told the next return is Q4', async () => {
      const added = await (
        await onlyPartnership(services)
      ).accounts.addAgency({ system: 'test' }, { code: 'HSG', name: 'Housing' })
      assert.ok(added.ok)
      const housingCsv = [
        'id,name,priority,theme,definition,data_owner,cadence,measure_type,preferred_direction,hidden_harm',
        'hsg-test-evictions,Evictions for anti-social behaviour,Reducing Reoffending,Housing,Evictions,HSG,annual,count,none,no',
      ].join('\r\n')
      const imported = await (
        await onlyPartnership(services)
      ).performance.importFiles([{ name: 'indicators.csv', content: Buffer.from(housingCsv) }], 'analyst@example.org')
      assert.equal(imported.outcome, 'applied', JSON.stringify(imported))
      const housing = added.agency.id
      for (const quarter of ['FY2021-22-Q1', 'FY2021-22-Q2', 'FY2021-22-Q3']) {
        const page = await (await onlyPartnership(services)).returns.returnPage(analyst, quarter, housing)
        assert.equal(page.lines.length, 0, quarter)
        assert.equal(page.nextDue?.id, 'FY2021-22-Q4', quarter)
      }
      const q4 = await (await onlyPartnership(services)).returns.returnPage(analyst, 'FY2021-22-Q4', housing)
      assert.deepEqual(
        q4.lines.map((l) => [l.indicator.id, l.entries.map((e) => e.period.id)]),
        [['hsg-test-evictions', ['FY2021-22']]],
      )
      assert.equal(q4.nextDue, null)
      await assert.rejects(
        (await onlyPartnership(services)).returns.saveReturn(analyst, 'FY2021-22-Q1', housing, {
          version: null,
          intent: 'save',
          fields: {},
        }),
        { name: 'ReturnNotFound' },
        'there is no return to save when nothing is due',
      )
    })
  })
}
