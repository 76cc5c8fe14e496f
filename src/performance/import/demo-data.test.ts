import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { buildWorkbook } from '../../../demo/performance-framework/build-workbook.ts'
import type { IndicatorValue } from '../../domain/indicator.ts'
import { readPerformanceImport, type PerformanceImport } from './read-performance-import.ts'

/**
 * The demo data is the seed report's Appendix C. The expected figures below are typed from the seed text
 * (/work/shared/seed, "Appendix C"), including the totals its commentary states ("a new baseline of 221"), so that
 * a slip in the transcription shows up as a sum that does not match.
 */
const demo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../demo/performance-framework')
const read = (name: string) => ({ name, content: readFileSync(path.join(demo, name)) })
const none = { indicators: new Map() }

const fromCsv = () => readPerformanceImport([read('indicators.csv'), read('baselines.csv'), read('values.csv')], none)

function value(result: PerformanceImport, indicatorId: string, period: string): IndicatorValue {
  const found = result.values.find((v) => v.indicatorId === indicatorId && v.period === period)
  assert.ok(found, `${indicatorId} ${period} is in the demo values`)
  return found
}

function yearTotal(result: PerformanceImport, indicatorId: string, fy: string): number {
  const quarters = [1, 2, 3, 4].map((q) => value(result, indicatorId, `FY${fy}-Q${q}`).value)
  assert.ok(quarters.every((v) => v !== null))
  return quarters.reduce<number>((a, b) => a + (b ?? 0), 0)
}

describe('the Appendix C demo data', () => {
  it('imports from CSV with no problems: 34 indicators (31 rows of Appendix C, 3 of them split in two)', async () => {
    const result = await fromCsv()
    assert.deepEqual(result.problems, [])
    assert.deepEqual(result.warnings, [])
    assert.equal(result.indicators.length, 34)
    assert.equal(result.baselines.length, 23)
    assert.equal(result.values.length, 218)
    assert.equal(result.rowsRead, 34 + 23 + 218)
    // The three substance-misuse rows are split into opiate / other drugs and alcohol; joined again they are 31.
    const rows = new Set(result.indicators.map((i) => i.id.replace(/-(non-)?opiate$/, '')))
    assert.equal(rows.size, 31)
  })

  it('gives identical results from the workbook as from the CSV files', async () => {
    const csv = await fromCsv()
    const xlsx = await readPerformanceImport([read('performance-framework.xlsx')], none)
    assert.deepEqual(xlsx.problems, [])
    assert.deepEqual(xlsx.indicators, csv.indicators)
    assert.deepEqual(xlsx.baselines, csv.baselines)
    assert.deepEqual(xlsx.values, csv.values)
    assert.equal(xlsx.rowsRead, csv.rowsRead)
  })

  it('has a committed workbook that build-workbook.ts re-makes with the same content', async () => {
    const rebuilt = await readPerformanceImport([{ name: 'rebuilt.xlsx', content: await buildWorkbook() }], none)
    const committed = await readPerformanceImport([read('performance-framework.xlsx')], none)
    assert.deepEqual(rebuilt.problems, [])
    assert.deepEqual(
      [rebuilt.indicators, rebuilt.baselines, rebuilt.values],
      [committed.indicators, committed.baselines, committed.values],
    )
  })

  it('matches figures read from the seed text', async () => {
    const r = await fromCsv()
    assert.equal(value(r, 'knife-crime', 'FY2017-18-Q4').value, 67)
    const da = value(r, 'domestic-abuse', 'FY2016-17-Q1')
    assert.deepEqual([da.value, da.percent], [1495, 43.6])
    const da3 = value(r, 'domestic-abuse', 'FY2017-18-Q3') // printed "1578 (49.8)" without its % sign
    assert.deepEqual([da3.value, da3.percent], [1578, 49.8])
    const reoffending = value(r, 'proven-reoffending', 'FY2017-18-Q1') // "33.2% 1739 offenders of which 578 reoffended"
    assert.deepEqual([reoffending.numerator, reoffending.denominator], [578, 1739])
    const q4 = value(r, 'proven-reoffending', 'FY2017-18-Q4')
    assert.deepEqual(
      [q4.status, q4.reason, q4.value, q4.numerator],
      ['not-yet-available', 'MOJ website does not have an update for Q4', null, null],
    )
    const custody = value(r, 'youth-custody', 'FY2016-17-Q2') // "26.31% (10/38)"
    assert.deepEqual([custody.numerator, custody.denominator], [10, 38])
    const godoc = value(r, 'godoc-active-gang-members', 'FY2016-17-Q4')
    assert.deepEqual([godoc.status, godoc.reason], ['not-collected', 'Q4 2016/17 was not reported'])
    assert.equal(value(r, 'godoc-active-gang-members', 'FY2017-18-Q4').value, 31)
    const suppressed = value(r, 'cj-successful-completions-non-opiate', '2018-01') // "<5 (4%)"
    assert.deepEqual(
      [suppressed.status, suppressed.reason, suppressed.value, suppressed.percent],
      ['suppressed', '<5', null, null],
    )
    const completions = value(r, 'cj-successful-completions-opiate', '2018-01') // "Opiate 13 (5%)"
    assert.deepEqual([completions.value, completions.percent], [13, 5])
    const court = value(r, 'vawg-court-successful-outcomes', 'FY2016-17-Q1') // "75% (176 cases)"
    assert.deepEqual([court.value, court.percent], [176, 75])
    assert.equal(value(r, 'domestic-homicides', 'FY2017-18-Q4').text, '0 Domestic Homicides in Quarter 4')
    assert.equal(value(r, 'dip-positive-drug-tests', 'FY2016-17-Q4').percent, 54.5)
    assert.equal(value(r, 'dip-positive-drug-tests', 'FY2017-18-Q4').status, 'not-yet-available')
    const hba = value(r, 'honour-based-abuse', 'FY2016-17-Q1') // "8 (87.5%)": 7 of 8
    assert.deepEqual([hba.value, hba.numerator], [8, 7])
    assert.equal(value(r, 'marac-referrals', 'FY2017-18-Q4').value, 191)
    assert.equal(value(r, 'home-safety-checks', 'FY2016-17-Q2').value, 550)
  })

  it("sums each 2016/17 year to the baseline the report prints, where that baseline is last year's outturn", async () => {
    const r = await fromCsv()
    const printed: Record<string, number> = {
      'first-time-entrants': 131,
      'knife-crime': 191,
      'firearm-crime': 33,
      'public-place-violence-with-injury': 1128,
      'public-place-violence-victim-10-24': 454,
      'public-place-violence-offender-10-24': 120,
      'personal-robbery': 343,
      'personal-robbery-victim-10-24': 130,
      'personal-robbery-offender-10-24': 47,
      'domestic-abuse': 6031,
      'domestic-abuse-victims-18-and-under': 318,
      'serious-sexual-offences': 535,
      'serious-sexual-offences-victims-18-and-under': 281,
      'forced-marriage': 5,
      'honour-based-abuse': 24,
      'female-genital-mutilation': 17,
      'prevent-referrals': 49,
      'hate-crime': 374,
      'home-safety-checks': 1833,
    }
    for (const [id, baseline] of Object.entries(printed)) {
      assert.equal(yearTotal(r, id, '2016-17'), baseline, id)
      const stored = r.baselines.find((b) => b.indicatorId === id)
      assert.deepEqual([stored?.year, stored?.source, stored?.value], ['FY2017-18', 'previous-outturn', baseline], id)
    }
  })

  it("sums each 2017/18 year to the total the report's commentary states", async () => {
    const r = await fromCsv()
    const stated: Record<string, number> = {
      'knife-crime': 221, // "a new baseline of 221"
      'firearm-crime': 63, // "from 33 to 63"
      'public-place-violence-with-injury': 1128 + 23, // "an increase of 23 offences"
      'public-place-violence-victim-10-24': 466, // "The baseline for this year is 466"
      'public-place-violence-offender-10-24': 120 - 53, // "53 offences"
      'personal-robbery': 369, // "This year's baseline will be 369"
      'personal-robbery-victim-10-24': 130 + 2, // "only a 2 offence increase"
      'personal-robbery-offender-10-24': 28, // "28 offences over the 12-month period"
      'domestic-abuse': 6251, // "The new baseline is 6251"
      'domestic-abuse-victims-18-and-under': 282,
      'serious-sexual-offences': 615,
      'serious-sexual-offences-victims-18-and-under': 336,
      'marac-referrals': 652 - 1, // "just one fewer case referred than last year" (2016/17: 652)
      'repeat-marac-cases': 225 - 4, // "reduced by 4 cases"
      'forced-marriage': 4, // "The new baseline will be 4"
      'honour-based-abuse': 24, // "maintained with 24 offences"
      'female-genital-mutilation': 27, // "a new baseline of 27"
      'prevent-referrals': 49 + 6, // "an increase of 6 reports"
      'hate-crime': 385, // "The new baseline is 385"
      'home-safety-checks': 1764, // "The new baseline will be 1764"
    }
    for (const [id, total] of Object.entries(stated)) assert.equal(yearTotal(r, id, '2017-18'), total, id)
    assert.equal(yearTotal(r, 'marac-referrals', '2016-17'), 652)
    assert.equal(yearTotal(r, 'repeat-marac-cases', '2016-17'), 225)
  })

  it("records the report's baselines that are not last year's outturn as fixed, with a note", async () => {
    const r = await fromCsv()
    const fixed = r.baselines.filter((b) => b.source === 'fixed')
    assert.deepEqual(
      fixed.map((b) => [b.indicatorId, b.value]),
      [
        ['proven-reoffending', 25.6],
        ['youth-custody', 9.9],
        ['dip-positive-drug-tests', 63],
      ],
    )
    assert.ok(fixed.every((b) => (b.note ?? '').length > 0))
    // The report's GODOC baseline 97 is the sum of a stock (31 + 31 + 35): the demo uses the latest 2016/17 figure.
    const godoc = r.baselines.find((b) => b.indicatorId === 'godoc-active-gang-members')
    assert.deepEqual([godoc?.source, godoc?.value], ['previous-outturn', 35])
    assert.match(godoc?.note ?? '', /31 \+ 31 \+ 35/)
  })

  it("carries the report's directions, targets, hidden-harm flags, data owners and themes", async () => {
    const r = await fromCsv()
    const byId = new Map(r.indicators.map((i) => [i.id, i]))
    assert.deepEqual(byId.get('public-place-violence-with-injury')?.target, {
      kind: 'relative',
      percent: 5,
      referenceYear: 'FY2015-16',
    })
    assert.deepEqual(byId.get('domestic-homicides')?.target, { kind: 'absolute', value: 0, comparison: 'at-most' })
    assert.equal(byId.get('godoc-active-gang-members')?.stockAggregation, 'latest')
    assert.equal(byId.get('domestic-abuse')?.shareLabel, 'recordable offences')
    assert.equal(byId.get('repeat-marac-cases')?.preferredDirection, 'increase') // as printed, though its commentary welcomes a fall
    assert.equal(byId.get('knife-crime')?.preferredDirection, 'reduce')
    assert.deepEqual(
      r.indicators.filter((i) => i.hiddenHarm).map((i) => i.id),
      [
        'domestic-abuse',
        'domestic-abuse-victims-18-and-under',
        'serious-sexual-offences',
        'serious-sexual-offences-victims-18-and-under',
        'forced-marriage',
        'honour-based-abuse',
        'female-genital-mutilation',
        'prevent-referrals',
        'hate-crime',
      ],
    )
    assert.deepEqual(
      new Set(r.indicators.map((i) => i.dataOwner)),
      new Set([
        'WMP Analyst',
        'YOT',
        'SWP Analyst',
        'Public Health',
        'WMP',
        'WDVF',
        'West Midlands SARC',
        'WMP CTU',
        'WMFS',
        'Community Safety',
      ]),
    )
    assert.deepEqual(
      [...new Set(r.indicators.map((i) => i.theme))],
      [
        'Reducing Reoffending',
        'Substance Misuse',
        'Gangs and Youth Crime',
        'Violence Against Women and Girls',
        'Vulnerability',
      ],
    )
    assert.deepEqual(
      new Set(r.indicators.map((i) => i.priority)),
      new Set(['Reducing Reoffending', 'Reducing Victimisation', 'Violence Prevention', 'Statutory Functions']),
    )
    assert.ok(r.indicators.every((i) => (i.unit ?? '') !== ''))
  })

  it("puts the owner's commentary on the latest period of each indicator that has one", async () => {
    const r = await fromCsv()
    const knife = value(r, 'knife-crime', 'FY2017-18-Q4').commentary ?? ''
    assert.match(knife, /^The indicator did not achieve its desired outcome by reducing\./)
    assert.equal(value(r, 'knife-crime', 'FY2017-18-Q3').commentary, null)
    const withCommentary = r.values.filter((v) => v.commentary !== null)
    assert.ok(withCommentary.every((v) => v.period === 'FY2017-18-Q4' || v.period === '2018-01'))
  })
})
