import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { loadConfig } from '../config.ts'
import { createServices, type Services } from '../composition-root.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { countChange } from '../crime/headlines/headline-figures.ts'
import type { HeadlineReport } from '../crime/headlines/headlines-service.ts'
import { checkNumbers } from './number-check.ts'
import { contentWords, crimeFigureProvider, crimeFigures, figureCatalogue } from './figure-catalogue.ts'
import type { Figure } from './figures.ts'

describe('the catalogue of providers', () => {
  it('gathers every provider’s figures for the year, the first of a repeated key kept', async () => {
    const figure = (key: string, value: number): Figure => ({
      key,
      label: key,
      value,
      unit: 'count',
      decimals: 0,
      period: '2017-18',
      source: 'test',
      sentence: '',
      subjectWords: [],
    })
    const years: string[] = []
    const catalogue = await figureCatalogue(
      [
        async (year) => (years.push(year), [figure(`a:x:${year}`, 1), figure('b', 2)]),
        async () => [figure('b', 3), figure('c', 4)],
      ],
      'FY2017-18',
    )
    assert.deepEqual(years, ['FY2017-18'])
    assert.deepEqual(
      catalogue.map((f) => [f.key, f.value]),
      [
        ['a:x:FY2017-18', 1],
        ['b', 2],
        ['c', 4],
      ],
    )
  })

  it('reads words as the checker compares them: singular, synonyms folded, common words dropped', () => {
    assert.deepEqual(contentWords('Gun crimes with bladed weapons in the 4th quarter, DV and FGM'), [
      'firearm',
      'knife',
      'weapon',
      'domestic',
      'fgm',
    ])
  })
})

describe('police recorded crime figures', () => {
  // Wolverhampton's total recorded crime, as the seed's "13.6% increase in Total Recorded Crime (2541 offences)":
  // 18,669 in 2016/17 and 21,210 in 2017/18 (21,210 - 18,669 = 2,541; 2,541 / 18,669 = 13.61%); 9.2% of the force's.
  const ranking = {
    measure: 'recorded crime per 1,000 residents',
    best: 'the lowest rate ranks 1st',
    areas: [],
    excluded: [],
  }
  const report: HeadlineReport = {
    figures: {
      measure: 'Total recorded crime',
      source: 'data.police.uk street-level crime',
      partnership: { code: 'E22000341', name: 'Wolverhampton' },
      forceName: 'West Midlands Police',
      yearLabel: '2017-2018',
      previousYearLabel: '2016-2017',
      change: countChange(18_669, 21_210),
      rate: null,
      share: { thisYear: 9.2, lastYear: 9.1, forceThisYear: null, forceLastYear: null, basis: 'test' },
      rankByRate: ranking,
      positionByRate: null,
      rankByChange: ranking,
      positionByChange: { rank: 2, of: 7, value: 13.6, tiedWith: [] },
      peerGroup: null,
      notes: [],
    },
    quarters: [],
    breakdown: [{ measure: 'Robbery', change: countChange(389, 424) }],
    sentences: [],
    notes: [],
  }

  it('gives the year, the year before, the change, the share and the ranks, keyed by crime type', () => {
    const figures = crimeFigures(report, 'FY2017-18')
    const value = (key: string) => figures.find((f) => f.key === key)?.value
    assert.equal(value('crime:total-recorded-crime:outturn:FY2017-18'), 21_210)
    assert.equal(value('crime:total-recorded-crime:baseline:FY2017-18'), 18_669)
    assert.equal(value('crime:total-recorded-crime:change:FY2017-18'), 2_541)
    assert.equal(value('crime:total-recorded-crime:change-percent:FY2017-18'), 13.6)
    assert.equal(value('crime:total-recorded-crime:share:FY2017-18'), 9.2)
    assert.equal(value('crime:total-recorded-crime:rank-by-change:FY2017-18'), 2)
    assert.equal(value('crime:total-recorded-crime:rank-by-rate:FY2017-18'), undefined)
    // Robbery: 389 to 424 is up 35, 9.0%.
    assert.equal(value('crime:robbery:change:FY2017-18'), 35)
    assert.equal(value('crime:robbery:change-percent:FY2017-18'), 9)
  })

  it("lets the seed's total recorded crime sentence agree with them", async () => {
    const figures = await figureCatalogue([crimeFigureProvider(async () => report)], 'FY2017-18')
    const result = checkNumbers('13.6% increase in Total Recorded Crime (2541 offences).', figures)
    assert.deepEqual(
      result.findings.map((f) => [f.number.text, f.outcome, f.figure?.key]),
      [
        ['13.6%', 'agrees', 'crime:total-recorded-crime:change-percent:FY2017-18'],
        ['2541', 'agrees', 'crime:total-recorded-crime:change:FY2017-18'],
      ],
    )
    assert.deepEqual(await crimeFigureProvider(async () => null)('FY2017-18'), [])
  })
})

for (const dialect of testDialects()) {
  describe(`the demo partnership's figures for 2017/18 (${dialect})`, () => {
    let services: Services
    let figures: readonly Figure[]
    const get = (key: string) => {
      const figure = figures.find((f) => f.key === key)
      assert.ok(figure, `no figure ${key}`)
      return figure
    }
    before(async () => {
      const database = await openTestDatabase(dialect)
      services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true' }), { database })
      figures = await (await onlyPartnership(services)).figureCatalogue('FY2017-18')
    })
    after(() => services.close())

    it('gives each figure a key of the agreed shape, once', () => {
      const keys = figures.map((f) => f.key)
      assert.equal(new Set(keys).size, keys.length)
      for (const key of keys)
        assert.match(key, /^(kpi:|budget:|register:)[a-z0-9-]+(:[a-z0-9-]+){0,3}:FY\d{4}-\d{2}$/, key)
      for (const figure of figures) {
        assert.ok(figure.label && figure.period && figure.source && figure.sentence, figure.key)
        assert.ok(figure.subjectWords.length > 0, figure.key)
      }
    })

    it("gives each KPI's outturn, baseline, change, quarters and share from the report (Appendix C by hand)", () => {
      // Knife crime: 2016/17 40 + 49 + 51 + 51 = 191; 2017/18 49 + 49 + 56 + 67 = 221; +30; 30/191 = 15.7%.
      assert.equal(get('kpi:knife-crime:outturn:FY2017-18').value, 221)
      assert.equal(get('kpi:knife-crime:baseline:FY2017-18').value, 191)
      const change = get('kpi:knife-crime:change:FY2017-18')
      assert.deepEqual([change.value, change.related], [30, { difference: 30, from: 191, to: 221 }])
      assert.equal(get('kpi:knife-crime:change-percent:FY2017-18').value, 15.7)
      assert.deepEqual(
        [1, 2, 3, 4].map((q) => get(`kpi:knife-crime:q${q}:FY2017-18`).value),
        [49, 49, 56, 67],
      )
      assert.equal(get('kpi:knife-crime:q4:FY2017-18').period, '2017/18 Q4')
      assert.match(get('kpi:knife-crime:change-percent:FY2017-18').sentence, /rose by 15\.7% \(from 191 to 221/)
      assert.deepEqual(get('kpi:knife-crime:outturn:FY2017-18').subjectWords.slice(0, 2), ['knife', 'violent'])
      // Youth custody, a proportion: 2 + 4 + 6 + 7 = 19 of 52 + 53 + 50 + 46 = 201 → 9.5%, with its numbers.
      const custody = get('kpi:youth-custody:outturn:FY2017-18')
      assert.deepEqual(
        [custody.value, custody.unit, custody.related],
        [9.5, 'percent', { numerator: 19, denominator: 201 }],
      )
      assert.deepEqual(get('kpi:youth-custody:q4:FY2017-18').related, { numerator: 7, denominator: 46 })
      // Forced marriage: 2017/18 0, 2 (50%), 1 (0%), 1 (0%): 1 recordable offence; 2016/17: 2.
      assert.equal(get('kpi:forced-marriage:share-count:FY2017-18').value, 1)
      assert.equal(get('kpi:forced-marriage:share-count-change:FY2017-18').value, -1)
      assert.equal(get('kpi:forced-marriage:q2-share:FY2017-18').value, 50)
      // Public place violence with injury: its target, 5% lower than 2015/16.
      const target = get('kpi:public-place-violence-with-injury:target:FY2017-18')
      assert.deepEqual([target.value, target.unit], [5, 'percent'])
    })

    it('keeps a withheld quarter flagged, with no number', () => {
      // The KPIs' withheld quarters (withheld at source, from everyone); a register's small count is flagged for the
      // public only and keeps its number for the partnership (src/annual-report/figures.ts).
      const withheld = figures.filter((f) => f.suppressed && f.key.startsWith('kpi:'))
      assert.ok(withheld.length > 0)
      for (const figure of withheld) {
        assert.ok(Number.isNaN(figure.value), figure.key)
        assert.match(figure.label, /withheld/)
      }
      assert.ok(withheld.some((f) => f.key.startsWith('kpi:cj-representations-opiate:')))
    })

    it("gives the budget's lines for the year and the next (the annual report's Appendix A)", () => {
      // The seed's Appendix A: PCC income £339,995, carry-forward £38,435: the budget is £378,430.
      assert.equal(get('budget:pcc-grant:income:FY2018-19').value, 339_995_00)
      assert.equal(get('budget:pcc-grant:carry-forward:FY2018-19').value, 38_435_00)
      assert.equal(get('budget:pcc-grant:total:FY2018-19').value, 339_995_00 + 38_435_00)
      assert.equal(get('budget:pcc-grant:income:FY2018-19').illustrative, undefined)
      // The year's lines are the streams' sums; the priorities' allocations add up to the year's.
      const streams = figures.filter((f) => /^budget:(?!priority-)[a-z0-9-]+:total:FY2018-19$/.test(f.key))
      assert.ok(streams.length >= 2)
      assert.equal(
        get('budget:total:FY2018-19').value,
        streams.reduce((a, f) => a + f.value, 0),
      )
      const priorities = figures.filter((f) => /^budget:priority-[a-z-]+:allocated:FY2018-19$/.test(f.key))
      assert.ok(priorities.length >= 3)
      assert.equal(
        get('budget:allocated:FY2018-19').value,
        priorities.reduce((a, f) => a + f.value, 0),
      )
      assert.ok(figures.some((f) => f.key === 'budget:income:FY2017-18'))
    })

    it('gives no figures for a year saferhub holds nothing of', async () => {
      const none = await (await onlyPartnership(services)).figureCatalogue('FY2009-10')
      assert.deepEqual(none, [])
    })
  })
}
