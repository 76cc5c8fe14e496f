import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  domesticAbuse,
  domesticAbuseValues,
  domesticHomicides,
  domesticHomicidesValues,
  firearms,
  firearmsValues,
  forcedMarriage,
  forcedMarriageValues,
  godoc,
  godocValues,
  hateCrime,
  hateCrimeValues,
  indicator,
  knifeCrime,
  knifeCrimeValues,
  ppvwi,
  ppvwiValues,
  provenReoffending,
  provenReoffendingBaseline,
  provenReoffendingValues,
  quarterlyCounts,
  reported,
  youthCustody,
  youthCustodyBaseline,
  youthCustodyValues,
} from './appendix-c.fixture.ts'
import { buildIndicatorRow } from './build-performance-report.ts'
import { countOf, unitOf } from './commentary.ts'
import type { Baseline, Indicator, IndicatorValue } from './indicator.ts'
import { period } from './period.ts'
import { valuesByPeriod } from './aggregation.ts'

function row(kpi: Indicator, values: readonly IndicatorValue[], baseline: Baseline | null = null) {
  return buildIndicatorRow(kpi, period('FY2017-18'), valuesByPeriod(values, kpi.id), baseline)
}

describe('the words for what is counted', () => {
  it('uses the unit the indicator gives, else reads one from its name', () => {
    assert.equal(unitOf(domesticAbuse), 'incidents')
    assert.equal(unitOf(hateCrime), 'offences')
    assert.equal(unitOf(knifeCrime), 'offences')
    assert.equal(unitOf(forcedMarriage), 'incidents') // not "offences", which is what the share is of
    assert.equal(
      unitOf(
        indicator({
          id: 's',
          name: 'Number of referrals to SARC from Wolverhampton',
          measureType: 'count',
          preferredDirection: 'increase',
        }),
      ),
      'referrals',
    )
    assert.equal(
      unitOf(indicator({ id: 'x', name: 'Something else', measureType: 'count', preferredDirection: 'none' })),
      null,
    )
  })

  it('says "1 offence" and "2 offences"', () => {
    assert.equal(countOf(1, 'offences'), '1 offence')
    assert.equal(countOf(2, 'offences'), '2 offences')
    assert.equal(countOf(1, 'young people'), '1 young person')
    assert.equal(countOf(1, 'first time entrants'), '1 first time entrant')
    assert.equal(countOf(1, 'Home Safety Checks'.toLowerCase()), '1 home safety check')
    assert.equal(countOf(6251, 'incidents'), '6,251 incidents')
    assert.equal(countOf(7, null), '7')
  })
})

describe('generated commentary for Appendix C 2017/18', () => {
  it("hate crime: the report's own sentence, and the hidden-harm reading of a rise", () => {
    const text = row(hateCrime, hateCrimeValues).generatedCommentary
    assert.ok(
      text.startsWith(
        'This indicator has increased by 11 offences (2.9%), from 374 to 385, in line with the preferred direction. ' +
          'The change is within normal variation. The new baseline is 385.',
      ),
      text,
    )
    assert.match(text, /As a hidden harm, a rise is read as growing confidence to report\./)
  })

  it("knife crime: +15.7% against the preferred direction (never the report's 16.5%)", () => {
    const text = row(knifeCrime, knifeCrimeValues).generatedCommentary
    assert.ok(
      text.startsWith(
        'This indicator has increased by 30 offences (15.7%), from 191 to 221, against the preferred direction. ' +
          'The change is within normal variation. The new baseline is 221.',
      ),
      text,
    )
    assert.ok(!text.includes('16.5'))
    assert.ok(!text.includes('hidden harm'))
    // The latest quarter against the same quarter last year and the one before it
    assert.match(
      text,
      /In 2017\/18 Q4 the figure was 67: up 16 offences \(31\.4%\) on 2016\/17 Q4 and up 11 offences \(19\.6%\) on 2017\/18 Q3\./,
    )
  })

  it('firearms 33 → 63: a real increase, with its p-value', () => {
    const text = row(firearms, firearmsValues).generatedCommentary
    assert.match(text, /increased by 30 offences \(90\.9%\), from 33 to 63, against the preferred direction\./)
    assert.match(text, /The change is a real increase, larger than normal variation would explain \(p = 0\.003\)\./) // 0.00288 (Python) to three places
  })

  it('proven reoffending: insufficient data, saying which quarter is missing and why', () => {
    const text = row(provenReoffending, provenReoffendingValues, provenReoffendingBaseline).generatedCommentary
    assert.match(
      text,
      /^There is insufficient data to judge this indicator for 2017\/18: 2017\/18 Q4 is not available \(MOJ website does not have an update for Q4\)\./,
    )
    // (578 + 512 + 522) / (1739 + 1683 + 1723) = 1612 / 5145 = 31.33%
    assert.match(text, /The 3 quarters reported give 31\.3% \(1,612\/5,145\)\./)
    assert.match(text, /The baseline is 25\.6%\./)
    assert.ok(!/new baseline/i.test(text))
    assert.ok(!/in line with|against the preferred/.test(text))
  })

  it('GODOC: the latest figure, no baseline because 2016/17 Q4 was not reported, and never 97', () => {
    const text = row(godoc, godocValues).generatedCommentary
    assert.match(text, /^This year's outturn is 31 \(2017\/18 Q4\)\./)
    assert.match(
      text,
      /There is no baseline to judge it against: 2016\/17 is incomplete, as 2016\/17 Q4 was not collected \(Q4 2016\/17 was not reported\)\./,
    )
    assert.ok(!text.includes('97'))
  })

  it('youth custody: percentage points against the fixed baseline, and the change on last year', () => {
    const text = row(youthCustody, youthCustodyValues, youthCustodyBaseline).generatedCommentary
    assert.match(
      text,
      /^This indicator has decreased by 0\.4 percentage points \(4\.5% in relative terms\), from 9\.9% to 9\.5%, in line with the preferred direction\./,
    )
    // 26/172 = 15.12% → 19/201 = 9.45%
    assert.match(
      text,
      /Compared with last year's 15\.1%, it has decreased by 5\.7 percentage points \(37\.5% in relative terms\)\./,
    )
    assert.match(text, /The change on last year is within normal variation\./)
    assert.ok(!/new baseline/i.test(text))
  })

  it('domestic abuse: the count and the share of recordable offences', () => {
    const text = row(domesticAbuse, domesticAbuseValues).generatedCommentary
    assert.match(
      text,
      /^This indicator has increased by 220 incidents \(3\.6%\), from 6,031 to 6,251, in line with the preferred direction\./,
    )
    // 2016/17: 265,614.9 / 6,031 = 44.04%; 2017/18: 47.35%
    assert.match(text, /The share that are recordable offences rose from 44\.0% in 2016\/17 to 47\.4%\./)
    assert.match(text, /The new baseline is 6,251\./)
    // p = 0.0481 (exact, Python math.comb): shown as 0.048, never rounded up to a "0.05" that reads as not real
    assert.match(text, /The change is a real increase, larger than normal variation would explain \(p = 0\.048\)\./)
    assert.match(text, /As a hidden harm/)
  })

  it('forced marriage: a fall of one incident, said in the singular', () => {
    const text = row(forcedMarriage, forcedMarriageValues).generatedCommentary
    assert.match(
      text,
      /^This indicator has decreased by 1 incident \(20\.0%\), from 5 to 4, against the preferred direction\./,
    )
    assert.match(text, /The new baseline is 4\./)
    assert.match(text, /The share that are recordable offences fell from 39\.8% in 2016\/17 to 25\.0%\./)
    assert.ok(!text.includes('As a hidden harm'))
  })

  it('public place violence with injury: a relative target that cannot be judged without 2015/16', () => {
    const text = row(ppvwi, ppvwiValues).generatedCommentary
    assert.match(text, /increased by 23 offences \(2\.0%\), from 1,128 to 1,151/)
    assert.match(
      text,
      /The target \(5\.0% lower than 2015\/16\) cannot be judged: it needs a complete outturn for 2015\/16\./,
    )
    assert.match(text, /on 2017\/18 Q3/)
    assert.match(text, /down 42 offences \(13\.9%\) on 2017\/18 Q3/)
  })

  it('a text result is quoted, not judged', () => {
    const text = row(domesticHomicides, domesticHomicidesValues).generatedCommentary
    assert.match(text, /^The latest return reads: "0 Domestic Homicides in Quarter 4"\./)
    assert.match(text, /2017\/18 Q1 to 2017\/18 Q3 are not available \(no figure has been submitted\)\./)
  })

  it("flags a stored rolling baseline that disagrees with last year's outturn", () => {
    const stored: Baseline = { indicatorId: 'knife-crime', year: 'FY2017-18', source: 'previous-outturn', value: 200 }
    const text = row(knifeCrime, knifeCrimeValues, stored).generatedCommentary
    assert.match(text, /from 200 to 221/)
    assert.match(
      text,
      /The stored baseline of 200 differs from the 2016\/17 outturn of 191; the judgement uses the stored baseline\./,
    )
  })

  it("GODOC against the report's stored baseline 97: judged against it, but the sum is pointed out", () => {
    const stored: Baseline = { indicatorId: 'godoc-gang-members', year: 'FY2017-18', source: 'fixed', value: 97 }
    const r = row(godoc, godocValues, stored)
    assert.equal(r.outcome, 'achieved') // the stored baseline is kept, not silently replaced
    assert.match(
      r.generatedCommentary,
      /The baseline of 97 lies outside every 2016\/17 figure \(31 to 35\): for a point-in-time count it should be the latest figure or an average, never a sum\./,
    )
    // A baseline that is one of last year's figures is not questioned.
    const latest: Baseline = { ...stored, value: 35 }
    assert.ok(!row(godoc, godocValues, latest).generatedCommentary.includes('lies outside'))
  })

  it('honour-based abuse 24 → 24: unchanged, with no reading of a change that did not happen', () => {
    const hba = indicator({
      id: 'hba',
      name: 'Number of Honour Based Abuse incidents* recorded by the Police (% that are recordable offences)',
      measureType: 'count-with-share',
      preferredDirection: 'increase',
      hiddenHarm: true,
      shareLabel: '% that are recordable offences',
    })
    const text = row(hba, quarterlyCounts('hba', [8, 5, 3, 8], [9, 4, 2, 9])).generatedCommentary
    assert.match(text, /^This indicator is unchanged at 24, the same as the baseline\. The new baseline is 24\./)
    assert.ok(!text.includes('normal variation'))
    assert.ok(!text.includes('hidden harm'))
  })

  it('says a run of missing months as a range, and a description of a share set off by commas', () => {
    const monthly = indicator({
      id: 'cj',
      name: 'Criminal Justice clients in treatment',
      measureType: 'count-with-share',
      preferredDirection: 'none',
      cadence: 'monthly',
      unit: 'clients',
    })
    const text = row(monthly, [reported('cj', '2018-01', { value: 37, percent: 24 })]).generatedCommentary
    assert.match(
      text,
      /2017\/18: April 2017 to December 2017, February 2018 and March 2018 are not available \(no figure has been submitted\)\./,
    )
    assert.match(text, /The 1 month reported gives 37 \(24\.0%\)\./)
    const shares = indicator({ ...forcedMarriage, shareLabel: '% of cases finalised with a successful outcome' })
    const fm = row(shares, forcedMarriageValues).generatedCommentary
    assert.match(
      fm,
      /The share, % of cases finalised with a successful outcome, fell from 39\.8% in 2016\/17 to 25\.0%\./,
    )
  })

  it('property: the commentary holds the outturn and the change figures of its row', () => {
    const en = (n: number) => n.toLocaleString('en-GB')
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20000 }), { minLength: 8, maxLength: 8 }),
        fc.constantFrom('increase', 'reduce', 'none') as fc.Arbitrary<'increase' | 'reduce' | 'none'>,
        (q, preferredDirection) => {
          const kpi = indicator({ id: 'p', name: 'Recorded offences', measureType: 'count', preferredDirection })
          const r = row(kpi, quarterlyCounts('p', q.slice(0, 4), q.slice(4)))
          const text = r.generatedCommentary
          const last = (q[0] ?? 0) + (q[1] ?? 0) + (q[2] ?? 0) + (q[3] ?? 0)
          const now = (q[4] ?? 0) + (q[5] ?? 0) + (q[6] ?? 0) + (q[7] ?? 0)
          assert.equal(r.outturn.value, now)
          assert.ok(text.includes(en(now)), `outturn ${now} missing: ${text}`)
          const change = r.changeOnBaseline
          assert.ok(change !== null)
          assert.equal(change.absolute, now - last)
          if (now === last) {
            assert.match(text, /unchanged/)
            return
          }
          assert.ok(text.includes(`by ${en(Math.abs(now - last))} offence`), text)
          assert.ok(text.includes(`from ${en(last)} to ${en(now)}`), text)
          if (last > 0) {
            // Relative change in tenths of a per cent, rounded half up on its size, in exact integer arithmetic:
            // floor(1000·|Δ|/last + ½) = floor((2000·|Δ| + last) / (2·last)).
            const delta = BigInt(Math.abs(now - last))
            const tenths = (2000n * delta + BigInt(last)) / (2n * BigInt(last))
            const relative = `${tenths / 10n}.${tenths % 10n}`
            // (Below 1,000%, where no thousands separator can differ between formatters.)
            if (tenths < 10000n) assert.ok(text.includes(`(${relative}%)`), `relative ${relative} missing: ${text}`)
          }
          assert.ok(text.includes(`The new baseline is ${en(now)}.`))
        },
      ),
    )
  })
})
