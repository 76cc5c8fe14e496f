import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Figure } from './figures.ts'
import { checkNumbers, findNumbers, measureOf, splitSentences, subjectOf } from './number-check.ts'

/** A KPI figure made by hand: the values below are Appendix C's, worked out in each test's comment. */
function kpi(id: string, name: string, measure: string, value: number, extra: Partial<Figure> = {}): Figure {
  const percent = /percent|share/.test(measure) && !/share-count/.test(measure)
  return {
    key: `kpi:${id}:${measure}:FY2017-18`,
    label: `${name} (${measure})`,
    value,
    unit: percent ? 'percent' : 'count',
    decimals: percent ? 1 : 0,
    period: '2017-18',
    source: 'Appendix C, Gangs and Youth Crime (SWP Analyst)',
    sentence: '',
    subjectWords: name
      .toLowerCase()
      .split(/\W+/)
      .filter((w) => w.length > 2),
    ...extra,
  }
}

// Knife crime: 191 (2016/17: 40 + 49 + 51 + 51) to 221 (2017/18: 49 + 49 + 56 + 67): +30, 30/191 = 15.7%.
const KNIFE = [
  kpi('knife-crime', 'Knife crime', 'outturn', 221),
  kpi('knife-crime', 'Knife crime', 'baseline', 191),
  kpi('knife-crime', 'Knife crime', 'change', 30, { related: { from: 191, to: 221, difference: 30 } }),
  kpi('knife-crime', 'Knife crime', 'change-percent', 15.7),
]
// Hate crime: 374 to 385 (118 + 104 + 78 + 85): +11, 11/374 = 2.94%.
const HATE = [
  kpi('hate-crime', 'Hate crime', 'outturn', 385),
  kpi('hate-crime', 'Hate crime', 'baseline', 374),
  kpi('hate-crime', 'Hate crime', 'change', 11, { related: { from: 374, to: 385, difference: 11 } }),
  kpi('hate-crime', 'Hate crime', 'change-percent', 2.9),
]
// Firearm crime: 33 to 63, +30, 30/33 = 90.9%.
const FIREARM = [
  kpi('firearm-crime', 'Firearm crime', 'outturn', 63),
  kpi('firearm-crime', 'Firearm crime', 'baseline', 33),
  kpi('firearm-crime', 'Firearm crime', 'change', 30),
  kpi('firearm-crime', 'Firearm crime', 'change-percent', 90.9),
]
// The PCC grant 2018/19: £339,995 + £38,435 = £378,430 (in pence).
const money = (line: string, value: number): Figure => ({
  key: `budget:pcc-grant:${line}:FY2018-19`,
  label: `PCC grant: ${line} 2018-19`,
  value,
  unit: 'pence',
  decimals: 0,
  period: '2018-19',
  source: 'the budget 2018-19 (Appendix A)',
  sentence: '',
  subjectWords: ['pcc', 'grant', 'budget', 'income', 'carry', 'forward'],
})
const PCC = [money('income', 33_999_500), money('carry-forward', 3_843_500), money('total', 37_843_000)]
const ALL = [...KNIFE, ...HATE, ...FIREARM, ...PCC]

const outcomes = (text: string, figures: readonly Figure[] = ALL) =>
  checkNumbers(text, figures).findings.map((f) => [f.number.text, f.outcome, f.figure?.key ?? null])

describe('splitting a text into sentences', () => {
  it('keeps each sentence on its line, with the sentences before it and the heading above it', () => {
    const sentences = splitSentences('Statutory Functions\n\nHate Crime rose by 11. The new baseline is 385.\n')
    assert.deepEqual(
      sentences.map((s) => [s.line, s.text, s.paragraph, s.heading]),
      [
        [3, 'Hate Crime rose by 11.', '', 'Statutory Functions'],
        [3, 'The new baseline is 385.', 'Hate Crime rose by 11.', 'Statutory Functions'],
      ],
    )
  })
})

describe('finding the numbers in a sentence', () => {
  const found = (sentence: string) => findNumbers(sentence).map((n) => [n.text, n.kind, n.role])

  it('reads counts, percentages, changes and "from X to Y"', () => {
    assert.deepEqual(found('Gun crime increased by 73% from 37 offences to 64 offences in 2017 - 2018'), [
      ['73%', 'percent', 'change'],
      ['37', 'count', 'from'],
      ['64', 'count', 'to'],
    ])
    assert.deepEqual(found('Violent crimes with a knife rose by 30 offences (16.5%)'), [
      ['30', 'count', 'change'],
      ['16.5%', 'percent', 'change'],
    ])
    assert.deepEqual(found('Business crime had a 698offence increase (16.4%)'), [
      ['698', 'count', 'change'],
      ['16.4%', 'percent', 'change'],
    ])
  })

  it('reads fractions, ranks, percentage points and money', () => {
    assert.deepEqual(found('Most crimes were race related (336 out of 384 or 87.5%)'), [
      ['336', 'count', 'part'],
      ['384', 'count', 'whole'],
      ['87.5%', 'percent', 'share'],
    ])
    assert.deepEqual(found('1 in 5 victims'), [
      ['1', 'count', 'part'],
      ['5', 'count', 'whole'],
    ])
    assert.deepEqual(found('Ranked 4th of 15 areas'), [
      ['4th', 'rank', 'level'],
      ['15', 'count', 'level'],
    ])
    assert.deepEqual(found('The share rose by 3.3 percentage points'), [
      ['3.3 percentage points', 'percentage-points', 'change'],
    ])
    const amounts = findNumbers('An allocation of £500K, a grant of £1.2m and £339,995 of income')
    assert.deepEqual(
      amounts.map((n) => [n.text, n.value, n.kind]),
      [
        ['£500K', 50_000_000, 'pence'],
        ['£1.2m', 120_000_000, 'pence'],
        ['£339,995', 33_999_500, 'pence'],
      ],
    )
  })

  it('leaves out years, dates, quarters, ages, durations, legislation, list numbers and telephone numbers', () => {
    assert.deepEqual(found('SWP is a statutory body formed under the 1998 Crime and Disorder Act'), [])
    assert.deepEqual(found('the responsible authorities of s.5 of the Act, and section 17'), [])
    assert.deepEqual(found('launched 12 December 2017, drop-in from 1 March 2018'), [])
    assert.deepEqual(found('During Q4 17/18, the 4th quarter, in 2016-2017 and 2017-18'), [])
    assert.deepEqual(
      found('offences with an offender aged 10-24yrs, all aged between 10 & 17, 50% aged 15 & 16 years'),
      [['50%', 'percent', 'share']],
    )
    assert.deepEqual(found('waiting time reduced from 3 weeks to 7 days over a 12-month period'), [])
    assert.deepEqual(found('Call 01902 551155 for help'), [])
    assert.deepEqual(found('1. Reduce reoffending'), [])
    assert.deepEqual(found('Wolverhampton, a low-risk (tier 3) area; year 5 pupils'), [])
  })
})

describe('keys', () => {
  it('names the subject and the measure of a figure', () => {
    assert.equal(subjectOf('kpi:knife-crime:change-percent:FY2017-18'), 'kpi:knife-crime')
    assert.equal(measureOf('kpi:knife-crime:change-percent:FY2017-18'), 'change-percent')
    assert.equal(subjectOf('budget:income:FY2018-19'), 'budget')
    assert.equal(subjectOf('budget:pcc-grant:total:FY2018-19'), 'budget:pcc-grant')
  })
})

describe('checking the numbers against the figures', () => {
  it('finds the knife crime contradiction: 30 on 191 is 15.7%, not 16.5%', () => {
    assert.deepEqual(outcomes('Violent crimes with a knife or bladed weapon rose by 30 offences (16.5%).'), [
      ['30', 'agrees', 'kpi:knife-crime:change:FY2017-18'],
      ['16.5%', 'contradicts', 'kpi:knife-crime:change-percent:FY2017-18'],
    ])
    const [, contradiction] = checkNumbers('Knife crime rose by 30 offences (16.5%).', ALL).findings
    assert.equal(
      contradiction?.message,
      'contradicts — "30 offences (16.5%).": the data gives 15.7% (Knife crime (change-percent), 2017-18, Appendix C, Gangs and Youth Crime (SWP Analyst))',
    )
  })

  it('lets a percentage agree at the precision it was written: "(3%)" for 2.94%, "16%" for 15.7%', () => {
    assert.deepEqual(outcomes('Hate Crime increased from 374 to 385 offences (3%).'), [
      ['374', 'agrees', 'kpi:hate-crime:baseline:FY2017-18'],
      ['385', 'agrees', 'kpi:hate-crime:outturn:FY2017-18'],
      ['3%', 'agrees', 'kpi:hate-crime:change-percent:FY2017-18'],
    ])
    assert.equal(outcomes('Knife crime rose by 16%.')[0]?.[1], 'agrees')
    assert.equal(outcomes('Knife crime rose by 15.8%.')[0]?.[1], 'contradicts')
  })

  it('compares the whole of a fraction with the year: 384 is not 385', () => {
    assert.deepEqual(outcomes('Hate crime: most were race related (336 out of 384 or 87.5%).'), [
      ['336', 'unsourced', null],
      ['384', 'contradicts', 'kpi:hate-crime:outturn:FY2017-18'],
      ['87.5%', 'unsourced', null],
    ])
  })

  it('finds which KPI a sentence is about from its words and synonyms ("gun" is the firearm KPI)', () => {
    assert.deepEqual(outcomes('Gun crime increased by 73% from 37 offences to 64 offences.'), [
      ['73%', 'contradicts', 'kpi:firearm-crime:change-percent:FY2017-18'],
      ['37', 'contradicts', 'kpi:firearm-crime:baseline:FY2017-18'],
      ['64', 'contradicts', 'kpi:firearm-crime:outturn:FY2017-18'],
    ])
  })

  it('leaves a number unsourced when no subject stands out, never comparing it with the wrong KPI', () => {
    assert.deepEqual(outcomes('Cyber crime awareness: 40 sessions, a 12% rise.'), [
      ['40', 'unsourced', null],
      ['12%', 'unsourced', null],
    ])
    // A plain count of a known subject that no figure gives is unsourced, not a contradiction.
    assert.deepEqual(outcomes('Knife crime: 4 knife bins, 24 schools.'), [
      ['4', 'unsourced', null],
      ['24', 'unsourced', null],
    ])
  })

  it('checks money at its precision against the line it names: £378,390 is £40 short of £378,430', () => {
    const text =
      'The total income allocated from PCC was £339,995. This, along with an agreed carry forward of £38,435, ' +
      'amounted to a budget of £378,390.'
    assert.deepEqual(outcomes(text), [
      ['£339,995', 'agrees', 'budget:pcc-grant:income:FY2018-19'],
      ['£38,435', 'agrees', 'budget:pcc-grant:carry-forward:FY2018-19'],
      ['£378,390', 'contradicts', 'budget:pcc-grant:total:FY2018-19'],
    ])
    assert.equal(outcomes('The PCC grant gave a budget of £378K.')[0]?.[1], 'agrees')
    assert.equal(outcomes('The PCC grant gave a budget of £0.4m.')[0]?.[1], 'agrees')
    assert.equal(outcomes('The PCC grant gave a budget of £0.3m.')[0]?.[1], 'contradicts')
  })

  it('reads a {{figure:key}} reference as from data', () => {
    const result = checkNumbers('Knife crime rose by {{figure:kpi:knife-crime:change-percent:FY2017-18}}.', ALL)
    assert.deepEqual(
      result.findings.map((f) => [f.outcome, f.figure?.value]),
      [['from-data', 15.7]],
    )
    assert.equal(checkNumbers('{{figure:kpi:nothing:outturn:FY2017-18}}', ALL).findings[0]?.outcome, 'unsourced')
  })

  it('accepts numbers the authors acknowledge, only in a sentence with their words', () => {
    const text = 'Increased social media presence – 217 Twitter and 134 Facebook followers. 217 people came.'
    const result = checkNumbers(text, ALL, { acknowledged: ['217 Twitter followers'] })
    assert.deepEqual(
      result.findings.map((f) => [f.number.text, f.outcome]),
      [
        ['217', 'acknowledged'],
        ['134', 'unsourced'],
        ['217', 'unsourced'],
      ],
    )
    assert.deepEqual(result.counts, { 'from-data': 0, agrees: 0, contradicts: 0, unsourced: 2, acknowledged: 1 })
  })

  it('compares a number tied to a share ("recordable offences") with the share, not with the counts', () => {
    // Forced marriage 2017/18: 0, 2 (50%), 1 (0%), 1 (0%): 4 incidents, 1 recordable offence; Q2 had 2 incidents.
    const forced = [
      kpi('forced-marriage', 'Forced marriage', 'outturn', 4),
      kpi('forced-marriage', 'Forced marriage', 'q2', 2),
      kpi('forced-marriage', 'Forced marriage', 'share-count', 1, {
        subjectWords: ['forced', 'marriage', 'recordable'],
      }),
    ]
    assert.deepEqual(outcomes('Forced marriage: the same number of recordable offences as last year (2).', forced), [
      ['2', 'contradicts', 'kpi:forced-marriage:share-count:FY2017-18'],
    ])
    assert.deepEqual(outcomes('Forced marriage: 2 incidents in the second quarter.', forced), [
      ['2', 'agrees', 'kpi:forced-marriage:q2:FY2017-18'],
    ])
  })

  it('does not let an illustrative figure contradict the text, and never shows a withheld one', () => {
    const fund: Figure = {
      ...money('income', 16_666_667),
      key: 'budget:vawg-fund:income:FY2017-18',
      illustrative: true,
    }
    const result = checkNumbers('The VAWG fund: income of £500K.', [
      { ...fund, subjectWords: ['vawg', 'fund', 'income'] },
    ])
    assert.equal(result.findings[0]?.outcome, 'unsourced')
    assert.match(result.findings[0]?.message ?? '', /illustrative/)
    const withheld = kpi('cj-representations', 'Criminal justice representations', 'p10', Number.NaN, {
      suppressed: true,
    })
    const hidden = checkNumbers('Criminal justice representations: 3 clients.', [withheld])
    assert.equal(hidden.findings[0]?.outcome, 'unsourced')
    assert.doesNotMatch(hidden.findings[0]?.message ?? '', /NaN/)
  })
})

describe('numbers written as words', () => {
  const found = (sentence: string) => findNumbers(sentence).map((n) => [n.text, n.kind, n.role])
  /** Each finding's outcome and figure, without the number's text: to compare words with digits. */
  const judged = (text: string, figures: readonly Figure[] = ALL) =>
    checkNumbers(text, figures).findings.map((f) => [f.outcome, f.figure?.key ?? null])

  it('reads cardinals as the digits would be read, reporting the words as written', () => {
    assert.deepEqual(found('Fifteen organisations signed, twenty-three attended and three hundred and fifty came'), [
      ['Fifteen', 'count', 'level'],
      ['twenty-three', 'count', 'level'],
      ['three hundred and fifty', 'count', 'level'],
    ])
    assert.deepEqual(
      findNumbers('from one hundred and ninety-one offences to two hundred and twenty-one').map((n) => [
        n.value,
        n.role,
      ]),
      [
        [191, 'from'],
        [221, 'to'],
      ],
    )
    const [number] = findNumbers('Knife crime rose by thirty offences')
    assert.equal(number?.phrase, 'rose by thirty offences')
    assert.equal(number?.start, 'Knife crime rose by '.length)
  })

  it('classifies a number in words exactly as the same number in digits', () => {
    // Knife crime: 191 to 221, +30 (see KNIFE); hate crime: 374 to 385 (see HATE).
    const pairs = [
      ['Knife crime rose by thirty offences.', 'Knife crime rose by 30 offences.'],
      ['Knife crime rose by twenty offences.', 'Knife crime rose by 20 offences.'],
      [
        'Hate crime increased from three hundred and seventy-four to three hundred and eighty-five offences.',
        'Hate crime increased from 374 to 385 offences.',
      ],
      [
        'Hate crime: most were race related (three hundred and thirty-six out of three hundred and eighty-four).',
        'Hate crime: most were race related (336 out of 384).',
      ],
      ['Knife crime: twenty-four schools took part.', 'Knife crime: 24 schools took part.'],
    ]
    for (const [words, digits] of pairs) assert.deepEqual(judged(words as string), judged(digits as string), words)
    assert.deepEqual(outcomes('Knife crime rose by twenty offences.'), [
      ['twenty', 'contradicts', 'kpi:knife-crime:change:FY2017-18'],
    ])
    assert.match(
      checkNumbers('Knife crime rose by twenty offences.', ALL).findings[0]?.message ?? '',
      /^contradicts — "rose by twenty offences\.": the data gives 30 /,
    )
  })

  it('does not read "one" as the pronoun, "a", ordinals, or a number joined to a word by a hyphen', () => {
    // The seed's own sentences (lines 129, 410, 436, 507, 559) and others like them.
    assert.deepEqual(found('One of the lowest increases in the West Midlands area'), [])
    assert.deepEqual(found('resident representatives (one for each constituency area)'), [])
    assert.deepEqual(found('One had no agency contact with Wolverhampton'), [])
    assert.deepEqual(found('the third year running; One Day One Conversation; no one; one-off funding'), [])
    assert.deepEqual(found('a third sector partner and a third-party reporting centre, each quarter, in a quarter'), [])
    assert.deepEqual(found('a three-year fund, a two-way conversation, ten-minute sessions'), [])
    assert.deepEqual(found('in the second half of the year, half-term'), [])
    assert.deepEqual(found('often, tenth, someone, anyone, weight'), [])
    // "one" where it can only be a number.
    assert.deepEqual(found('with just one fewer case referred than last year'), [['one', 'count', 'change']])
    assert.deepEqual(found('Referrals fell by one'), [['one', 'count', 'change']])
    assert.deepEqual(found('twenty-one offences'), [['twenty-one', 'count', 'level']])
  })

  it('reads a proportion as a percentage that agrees within 2.5 points', () => {
    assert.deepEqual(
      findNumbers('one in five victims, two out of every three cases, a third of referrals, half of incidents').map(
        (n) => [n.text, n.kind, Math.round(n.value * 100) / 100, n.tolerance],
      ),
      [
        ['one in five', 'percent', 20, 2.5],
        ['two out of every three', 'percent', 66.67, 2.5],
        ['a third', 'percent', 33.33, 2.5],
        ['half', 'percent', 50, 2.5],
      ],
    )
    // Domestic abuse 2017/18: 3,112 of its 6,251 incidents were recordable offences, 49.8% (made up for this test).
    const share = [
      kpi('domestic-abuse', 'Domestic abuse', 'share', 49.8, {
        subjectWords: ['domestic', 'abuse', 'recordable'],
      }),
    ]
    // |50 - 49.8| = 0.2 ≤ 2.5; |33.3 - 49.8| = 16.5 > 2.5.
    assert.deepEqual(outcomes('Domestic abuse: half of incidents were recordable offences.', share), [
      ['half', 'agrees', 'kpi:domestic-abuse:share:FY2017-18'],
    ])
    assert.deepEqual(outcomes('Domestic abuse: a third of incidents were recordable offences.', share), [
      ['a third', 'contradicts', 'kpi:domestic-abuse:share:FY2017-18'],
    ])
    // 47% is 2.8 points from 49.8: outside; 48% is 1.8 inside.
    const at = (value: number) =>
      outcomes('Domestic abuse: half of incidents were recordable offences.', [{ ...share[0]!, value }])[0]?.[1]
    assert.equal(at(47), 'contradicts')
    assert.equal(at(48), 'agrees')
  })

  it('reads the seed’s domestic homicide paragraph: two notifications, and no number in "One had no agency contact"', () => {
    // The seed, line 436.
    const paragraph =
      'During 2017-2018 SWP received two notifications of domestic violence related deaths in Wolverhampton that ' +
      'could meet the criteria for undertaking a DHR; neither were undertaken as a full DHR. One had no agency ' +
      'contact with Wolverhampton and therefore there was deemed to be no possible learning; this decision was ' +
      'supported by the Home Office. The other case was reviewed in Birmingham as the victim resided there'
    const findings = checkNumbers(paragraph, ALL).findings
    assert.deepEqual(
      findings.map((f) => [f.number.text, f.number.value, f.number.phrase, f.outcome]),
      [['two', 2, 'SWP received two notifications of', 'unsourced']],
    )
    assert.deepEqual(judged(paragraph), judged(paragraph.replace('two', '2')))
  })
})
