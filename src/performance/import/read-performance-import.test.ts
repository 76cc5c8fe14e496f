import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import type { Indicator } from '../../domain/indicator.ts'
import type { ImportProblem } from './import-problem.ts'
import { readPerformanceImport, type ImportFile, type PerformanceImport } from './read-performance-import.ts'

/**
 * The malformed corpus: every bad case is built here, as CSV text or as a workbook written with exceljs, and the
 * test asserts the exact problem (file, row, column, and the words of the reason) and that nothing is accepted.
 */

const indicator = (id: string, fields: Partial<Indicator>): Indicator => ({
  id,
  name: id,
  theme: 'Gangs and Youth Crime',
  priority: 'Violence Prevention',
  definition: '',
  dataOwner: 'SWP Analyst',
  cadence: 'quarterly',
  measureType: 'count',
  preferredDirection: 'reduce',
  hiddenHarm: false,
  ...fields,
})

// Indicators "already in the database", one of each shape the values table must handle.
const KNOWN = new Map<string, Indicator>(
  [
    indicator('knife-crime', {}),
    indicator('youth-custody', { measureType: 'proportion' }),
    indicator('domestic-abuse', { measureType: 'count-with-share', shareLabel: 'recordable offences' }),
    indicator('godoc', { measureType: 'stock', stockAggregation: 'latest' }),
    indicator('domestic-homicides', { measureType: 'text' }),
    indicator('cj-clients-opiate', { measureType: 'count-with-share', cadence: 'monthly' }),
    indicator('asb-rate', { measureType: 'rate', ratePer: 1000 }),
  ].map((i) => [i.id, i]),
)
const known = { indicators: KNOWN }
const THIS_FINANCIAL_YEAR =
  new Date().getUTCMonth() >= 3 ? new Date().getUTCFullYear() : new Date().getUTCFullYear() - 1

const VALUE_COLUMNS = [
  'indicator',
  'period',
  'value',
  'numerator',
  'denominator',
  'percent',
  'text',
  'status',
  'reason',
  'commentary',
]
const INDICATOR_COLUMNS = [
  'id',
  'name',
  'priority',
  'theme',
  'definition',
  'data_owner',
  'cadence',
  'measure_type',
  'preferred_direction',
  'hidden_harm',
  'unit',
  'rate_per',
  'stock_aggregation',
  'share_label',
  'target_kind',
  'target_value',
  'target_comparison',
  'target_reference_year',
]
const BASELINE_COLUMNS = ['indicator', 'year', 'source', 'value', 'numerator', 'denominator', 'note']

/** RFC 4180: quote a field that holds a comma, quote or line break, doubling its quotes. */
const field = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

function csv(columns: readonly string[], rows: readonly Record<string, string>[]): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => field(r[c] ?? '')).join(','))].join('\n') + '\n'
}

const file = (name: string, text: string | Buffer): ImportFile => ({
  name,
  content: typeof text === 'string' ? Buffer.from(text, 'utf8') : text,
})

const GOOD_INDICATOR: Record<string, string> = {
  id: 'hate-crime',
  name: 'Hate crime',
  priority: 'Statutory Functions',
  theme: 'Vulnerability',
  definition: 'Hate Crime - number of recorded crimes',
  data_owner: 'SWP Analyst',
  cadence: 'quarterly',
  measure_type: 'count',
  preferred_direction: 'increase',
  hidden_harm: 'yes',
  unit: 'crimes',
}

interface Expected {
  readonly file: string
  readonly row: number
  readonly column: string
  readonly reason: RegExp
}

/** Asserts the problems are exactly these, in this order, and that nothing was accepted. */
function assertRejected(result: PerformanceImport, expected: readonly Expected[]): void {
  const shown = JSON.stringify(result.problems, null, 1)
  assert.equal(result.problems.length, expected.length, shown)
  expected.forEach((e, i) => {
    const p = result.problems[i] as ImportProblem
    assert.deepEqual(
      { file: p.file, row: p.row, column: p.column },
      { file: e.file, row: e.row, column: e.column },
      shown,
    )
    assert.match(p.reason, e.reason, shown)
  })
  assert.deepEqual([result.indicators, result.baselines, result.values], [[], [], []])
}

async function importValueRow(row: Record<string, string>): Promise<PerformanceImport> {
  return readPerformanceImport([file('values.csv', csv(VALUE_COLUMNS, [row]))], known)
}

describe('values: one bad cell at a time', () => {
  const cases: [string, Record<string, string>, string, RegExp][] = [
    [
      'an unknown indicator',
      { indicator: 'knife-crim', period: 'FY2017-18-Q1', value: '5' },
      'indicator',
      /unknown indicator "knife-crim"/,
    ],
    [
      'a bad period',
      { indicator: 'knife-crime', period: 'FY2017-18-Q5', value: '5' },
      'period',
      /"FY2017-18-Q5" is not a period/,
    ],
    [
      'a month for a quarterly KPI',
      { indicator: 'knife-crime', period: '2018-01', value: '5' },
      'period',
      /January 2018 is a month, but knife-crime is reported quarterly: use a quarter/,
    ],
    [
      'a quarter for a monthly KPI',
      { indicator: 'cj-clients-opiate', period: '2017/18 Q4', value: '5', percent: '3' },
      'period',
      // The example is April of the financial year the clock is in (April to March).
      new RegExp(
        `is a quarter, but cj-clients-opiate is reported monthly: use a month such as ${THIS_FINANCIAL_YEAR}-04`,
      ),
    ],
    ['spaces only', { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: ' ' }, 'value', /only spaces/],
    ['12abc', { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '12abc' }, 'value', /"12abc" is not a number/],
    ['NaN', { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: 'NaN' }, 'value', /NaN/],
    ['Infinity', { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: 'Infinity' }, 'value', /Infinity/],
    ['1e309', { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '1e309' }, 'value', /scientific notation/],
    ['0x1A', { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '0x1A' }, 'value', /not a decimal number/],
    [
      '1,234',
      { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '1,234' },
      'value',
      /remove the thousands separator/,
    ],
    [
      'full-width digits',
      { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '１２' },
      'value',
      /full-width digits/,
    ],
    [
      'Arabic-Indic digits',
      { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '١٢' },
      'value',
      /digits other than 0-9/,
    ],
    [
      '49.8% in a count column',
      { indicator: 'domestic-abuse', period: 'FY2017-18-Q1', value: '49.8%' },
      'value',
      /put 49\.8 in the percent column/,
    ],
    [
      '(49.8) as a share',
      { indicator: 'domestic-abuse', period: 'FY2017-18-Q1', value: '1578', percent: '(49.8)' },
      'percent',
      /in brackets/,
    ],
    [
      '<5 as a figure',
      { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '<5' },
      'value',
      /status to suppressed with reason "<5"/,
    ],
    [
      'a negative count',
      { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '-3' },
      'value',
      /cannot be negative/,
    ],
    [
      'a fractional count',
      { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '2.5' },
      'value',
      /not a whole number/,
    ],
    [
      'a fractional numerator',
      { indicator: 'youth-custody', period: 'FY2017-18-Q1', numerator: '2.5', denominator: '52' },
      'numerator',
      /not a whole number/,
    ],
    [
      'a negative denominator',
      { indicator: 'youth-custody', period: 'FY2017-18-Q1', numerator: '2', denominator: '-52' },
      'denominator',
      /cannot be negative/,
    ],
    [
      'a count above 2^53',
      { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '9007199254740993' },
      'value',
      /too large/,
    ],
    [
      'numerator above denominator',
      { indicator: 'youth-custody', period: 'FY2017-18-Q1', numerator: '53', denominator: '52' },
      'numerator',
      /numerator \(53\) is above the denominator \(52\)/,
    ],
    [
      'a zero denominator',
      { indicator: 'youth-custody', period: 'FY2017-18-Q1', numerator: '0', denominator: '0' },
      'denominator',
      /denominator is 0/,
    ],
    [
      'numerator above the count (count-with-share)',
      { indicator: 'domestic-abuse', period: 'FY2017-18-Q1', value: '10', numerator: '11' },
      'numerator',
      /numerator \(11\) is above the count in value \(10\)/,
    ],
    [
      'a percent above 100',
      { indicator: 'domestic-abuse', period: 'FY2017-18-Q1', value: '10', percent: '100.5' },
      'percent',
      /above 100/,
    ],
    [
      'a percent that contradicts its counts',
      { indicator: 'youth-custody', period: 'FY2016-17-Q1', numerator: '8', denominator: '49', percent: '61.2' },
      'percent',
      /percent 61\.2 does not match the counts: 8\/49 is 16\.33%/,
    ],
    [
      'a value beside a non-reported status',
      { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '4', status: 'suppressed', reason: '<5' },
      'value',
      /status is suppressed, so value must be empty/,
    ],
    [
      'a non-reported status without a reason',
      { indicator: 'knife-crime', period: 'FY2017-18-Q4', status: 'not-yet-available' },
      'reason',
      /needs a reason/,
    ],
    ['a reported row with no figure', { indicator: 'knife-crime', period: 'FY2017-18-Q1' }, 'value', /no figure/],
    [
      'a proportion with no figure',
      { indicator: 'youth-custody', period: 'FY2017-18-Q1' },
      'numerator',
      /no figure: give numerator and denominator/,
    ],
    [
      'a numerator without a denominator',
      { indicator: 'youth-custody', period: 'FY2017-18-Q1', numerator: '2' },
      'denominator',
      /give both numerator and denominator/,
    ],
    [
      'a count-with-share without its share',
      { indicator: 'domestic-abuse', period: 'FY2017-18-Q1', value: '1573' },
      'numerator',
      /the share is missing/,
    ],
    [
      'text on a count',
      { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '5', text: 'five' },
      'text',
      /text is not used for a count indicator/,
    ],
    [
      'a value on a proportion',
      { indicator: 'youth-custody', period: 'FY2017-18-Q1', value: '5', numerator: '2', denominator: '52' },
      'value',
      /value is not used for a proportion indicator/,
    ],
    [
      'a text indicator without text',
      { indicator: 'domestic-homicides', period: 'FY2017-18-Q4' },
      'text',
      /no figure: the result goes in text/,
    ],
    [
      'a rate with both forms',
      { indicator: 'asb-rate', period: 'FY2017-18-Q1', value: '4.2', numerator: '1100', denominator: '262000' },
      'value',
      /either numerator and denominator, or value/,
    ],
    [
      'a bad status',
      { indicator: 'knife-crime', period: 'FY2017-18-Q1', status: 'missing', reason: 'late' },
      'status',
      /"missing" is not a status: use one of reported, not-yet-available/,
    ],
    [
      'a reason on a reported row',
      { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '5', reason: 'late' },
      'reason',
      /reason is only for a figure that is not reported/,
    ],
    [
      'commentary over 5,000 characters',
      { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '5', commentary: 'x'.repeat(5001) },
      'commentary',
      /5001 characters long: the most allowed is 5000/,
    ],
    [
      'a control character in commentary',
      { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '5', commentary: 'a\u0007b' },
      'commentary',
      /control character \(U\+0007\)/,
    ],
  ]
  for (const [name, row, column, reason] of cases) {
    it(`refuses ${name}`, async () => {
      assertRejected(await importValueRow(row), [{ file: 'values.csv', row: 2, column, reason }])
    })
  }

  it('accepts the good forms of each shape, reading labels as periods and empty status as reported', async () => {
    const rows = [
      { indicator: 'knife-crime', period: '2017/18 Q4', value: '67' },
      { indicator: 'youth-custody', period: 'FY2016-17-Q2', numerator: '10', denominator: '38', percent: '26.31' },
      { indicator: 'domestic-abuse', period: 'FY2016-17-Q1', value: '1495', percent: '43.6' },
      { indicator: 'godoc', period: 'FY2016-17-Q4', status: 'not-collected', reason: 'Q4 2016/17 was not reported' },
      { indicator: 'domestic-homicides', period: 'FY2017-18-Q4', text: '0 Domestic Homicides in Quarter 4' },
      { indicator: 'cj-clients-opiate', period: '2018-01', status: 'suppressed', reason: '<5' },
      { indicator: 'asb-rate', period: 'FY2017-18-Q1', numerator: '1100', denominator: '262000' },
    ]
    const result = await readPerformanceImport([file('values.csv', csv(VALUE_COLUMNS, rows))], known)
    assert.deepEqual(result.problems, [])
    assert.equal(result.rowsRead, 7)
    const byIndicator = new Map(result.values.map((v) => [v.indicatorId, v]))
    assert.deepEqual(byIndicator.get('knife-crime'), {
      indicatorId: 'knife-crime',
      period: 'FY2017-18-Q4',
      status: 'reported',
      value: 67,
      numerator: null,
      denominator: null,
      percent: null,
      text: null,
      reason: null,
      commentary: null,
    })
    // With counts, the published (truncated) percentage is checked, not kept: the counts are the data.
    assert.deepEqual(
      [byIndicator.get('youth-custody')?.numerator, byIndicator.get('youth-custody')?.percent],
      [10, null],
    )
    assert.equal(byIndicator.get('domestic-abuse')?.percent, 43.6)
    assert.deepEqual([byIndicator.get('godoc')?.status, byIndicator.get('godoc')?.value], ['not-collected', null])
    assert.equal(byIndicator.get('cj-clients-opiate')?.reason, '<5')
  })
})

describe('values: a file with several bad rows', () => {
  it('reports every problem, not only the first, in row order', async () => {
    const rows = [
      { indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '49' },
      { indicator: 'knife-crime', period: 'FY2017-18-Q2', value: '1,049' },
      { indicator: 'knife-crime', period: 'FY2017-18-Q3', value: '56' },
      { indicator: 'nobody', period: 'FY2017-18-Q3', value: '56' },
      { indicator: 'knife-crime', period: '2017/18 Q9', value: '-1', commentary: 'bad\u0001' },
      { indicator: 'knife-crime', period: '2017/18 Q1', value: '49' },
    ]
    const result = await readPerformanceImport([file('values.csv', csv(VALUE_COLUMNS, rows))], known)
    assertRejected(result, [
      { file: 'values.csv', row: 3, column: 'value', reason: /thousands separator/ },
      { file: 'values.csv', row: 5, column: 'indicator', reason: /unknown indicator "nobody"/ },
      { file: 'values.csv', row: 6, column: 'period', reason: /"2017\/18 Q9" is not a period/ },
      { file: 'values.csv', row: 6, column: 'value', reason: /negative/ },
      { file: 'values.csv', row: 6, column: 'commentary', reason: /control character \(U\+0001\)/ },
      {
        file: 'values.csv',
        row: 7,
        column: 'period',
        reason: /knife-crime already has a value for FY2017-18-Q1 at row 2/,
      },
    ])
    assert.equal(result.rowsRead, 6)
  })

  it('finds a duplicate across two files and names the other file', async () => {
    const a = file('q1.csv', csv(VALUE_COLUMNS, [{ indicator: 'knife-crime', period: 'FY2017-18-Q1', value: '49' }]))
    const b = file(
      'q1-again.csv',
      csv(VALUE_COLUMNS, [{ indicator: 'knife-crime', period: '2017/18 Q1', value: '50' }]),
    )
    assertRejected(await readPerformanceImport([a, b], known), [
      {
        file: 'q1-again.csv',
        row: 2,
        column: 'period',
        reason: /already has a value for FY2017-18-Q1 at q1\.csv, row 2/,
      },
    ])
  })
})

describe('indicators', () => {
  const importIndicators = (rows: Record<string, string>[]) =>
    readPerformanceImport([file('indicators.csv', csv(INDICATOR_COLUMNS, rows))], { indicators: new Map() })

  it('reads a good row into an Indicator', async () => {
    const result = await importIndicators([
      GOOD_INDICATOR,
      {
        ...GOOD_INDICATOR,
        id: 'public-place-violence-with-injury',
        name: 'Public place violence with injury',
        preferred_direction: 'reduce',
        hidden_harm: 'no',
        target_kind: 'relative',
        target_value: '5',
        target_reference_year: '2015/16',
      },
      {
        ...GOOD_INDICATOR,
        id: 'domestic-homicides',
        measure_type: 'text',
        preferred_direction: 'none',
        hidden_harm: 'no',
        target_kind: 'absolute',
        target_value: '0',
        target_comparison: 'at-most',
      },
    ])
    assert.deepEqual(result.problems, [])
    assert.deepEqual(result.indicators[0], {
      id: 'hate-crime',
      name: 'Hate crime',
      theme: 'Vulnerability',
      priority: 'Statutory Functions',
      definition: 'Hate Crime - number of recorded crimes',
      dataOwner: 'SWP Analyst',
      cadence: 'quarterly',
      measureType: 'count',
      preferredDirection: 'increase',
      hiddenHarm: true,
      unit: 'crimes',
    })
    assert.deepEqual(result.indicators[1]?.target, { kind: 'relative', percent: 5, referenceYear: 'FY2015-16' })
    assert.deepEqual(result.indicators[2]?.target, { kind: 'absolute', value: 0, comparison: 'at-most' })
  })

  const cases: [string, Record<string, string>, string, RegExp][] = [
    [
      'a bad cadence',
      { cadence: 'weekly' },
      'cadence',
      /"weekly" is not a cadence: use one of monthly, bi-monthly, quarterly, annual/,
    ],
    ['a bad measure type', { measure_type: 'percentage' }, 'measure_type', /"percentage" is not a measure type/],
    [
      'a bad preferred direction',
      { preferred_direction: 'up' },
      'preferred_direction',
      /"up" is not a preferred direction/,
    ],
    ['a bad hidden harm flag', { hidden_harm: 'maybe' }, 'hidden_harm', /not yes or no/],
    ['an empty hidden harm flag', { hidden_harm: '' }, 'hidden_harm', /write yes or no/],
    [
      'an unusable id',
      { id: 'Hate Crime' },
      'id',
      /not a usable indicator id: use lower-case letters, digits and hyphens/,
    ],
    ['an empty name', { name: '' }, 'name', /the name is empty/],
    ['a name on two lines', { name: 'Hate\ncrime' }, 'name', /line break/],
    ['a stock without its aggregation', { measure_type: 'stock' }, 'stock_aggregation', /latest or average/],
    [
      'stock_aggregation on a count',
      { stock_aggregation: 'latest' },
      'stock_aggregation',
      /only for measure type stock, not count/,
    ],
    [
      'share_label on a count',
      { share_label: 'recordable offences' },
      'share_label',
      /only for measure type count-with-share/,
    ],
    ['rate_per on a count', { rate_per: '1000' }, 'rate_per', /only for measure type rate/],
    [
      'a relative target without its year',
      { target_kind: 'relative', target_value: '5' },
      'target_reference_year',
      /needs the year it is measured from/,
    ],
    [
      'a relative target from a quarter',
      { target_kind: 'relative', target_value: '5', target_reference_year: 'FY2015-16-Q1' },
      'target_reference_year',
      /not a financial year/,
    ],
    [
      'an absolute target without its comparison',
      { target_kind: 'absolute', target_value: '0' },
      'target_comparison',
      /at-most/,
    ],
    ['a target value without a kind', { target_value: '5' }, 'target_value', /target_kind is empty/],
    [
      'a bad target kind',
      { target_kind: 'stretch', target_value: '5' },
      'target_kind',
      /"stretch" is not a target kind/,
    ],
  ]
  for (const [name, change, column, reason] of cases) {
    it(`refuses ${name}`, async () => {
      assertRejected(await importIndicators([{ ...GOOD_INDICATOR, ...change }]), [
        { file: 'indicators.csv', row: 2, column, reason },
      ])
    })
  }

  it('refuses the same id twice, naming the first row', async () => {
    assertRejected(await importIndicators([GOOD_INDICATOR, { ...GOOD_INDICATOR, name: 'Hate crime again' }]), [
      { file: 'indicators.csv', row: 3, column: 'id', reason: /indicator hate-crime is defined twice: also at row 2/ },
    ])
  })

  it('checks values against indicators in the same import, and does not pile problems on values of a bad one', async () => {
    const indicators = file(
      'indicators.csv',
      csv(INDICATOR_COLUMNS, [GOOD_INDICATOR, { ...GOOD_INDICATOR, id: 'prevent-referrals', cadence: 'termly' }]),
    )
    const values = file(
      'values.csv',
      csv(VALUE_COLUMNS, [
        { indicator: 'hate-crime', period: 'FY2017-18-Q4', value: '85' },
        { indicator: 'hate-crime', period: 'FY2017-18-Q3', value: '78', numerator: '3' },
        { indicator: 'prevent-referrals', period: 'FY2017-18-Q4', value: '11' },
      ]),
    )
    assertRejected(await readPerformanceImport([values, indicators], { indicators: new Map() }), [
      { file: 'values.csv', row: 3, column: 'numerator', reason: /numerator is not used for a count indicator/ },
      { file: 'indicators.csv', row: 3, column: 'cadence', reason: /"termly" is not a cadence/ },
    ])
  })

  it('lets an imported definition replace a known one when checking values', async () => {
    const redefined = file(
      'indicators.csv',
      csv(INDICATOR_COLUMNS, [{ ...GOOD_INDICATOR, id: 'knife-crime', cadence: 'monthly' }]),
    )
    const values = file(
      'values.csv',
      csv(VALUE_COLUMNS, [{ indicator: 'knife-crime', period: '2018-01', value: '20' }]),
    )
    const result = await readPerformanceImport([redefined, values], known)
    assert.deepEqual(result.problems, [])
    assert.equal(result.values[0]?.period, '2018-01')
  })
})

describe('baselines', () => {
  const importBaselines = (rows: Record<string, string>[]) =>
    readPerformanceImport([file('baselines.csv', csv(BASELINE_COLUMNS, rows))], known)

  it('reads baselines as the report prints them', async () => {
    const result = await importBaselines([
      { indicator: 'knife-crime', year: 'FY2017-18', source: 'previous-outturn', value: '191' },
      { indicator: 'youth-custody', year: '2017/18', source: 'fixed', value: '9.9' },
      { indicator: 'godoc', year: 'FY2017-18', source: 'fixed', value: '97', note: 'a sum of a stock' },
    ])
    assert.deepEqual(result.problems, [])
    assert.deepEqual(result.baselines, [
      { indicatorId: 'knife-crime', year: 'FY2017-18', source: 'previous-outturn', value: 191 },
      { indicatorId: 'youth-custody', year: 'FY2017-18', source: 'fixed', value: 9.9 },
      { indicatorId: 'godoc', year: 'FY2017-18', source: 'fixed', value: 97, note: 'a sum of a stock' },
    ])
  })

  const cases: [string, Record<string, string>, string, RegExp][] = [
    [
      'a quarter as the year',
      { indicator: 'knife-crime', year: 'FY2017-18-Q1', source: 'fixed', value: '191' },
      'year',
      /not a financial year/,
    ],
    [
      'a bad source',
      { indicator: 'knife-crime', year: 'FY2017-18', source: 'guess', value: '191' },
      'source',
      /"guess" is not a baseline source/,
    ],
    [
      'a percentage above 100',
      { indicator: 'youth-custody', year: 'FY2017-18', source: 'fixed', value: '120' },
      'value',
      /above 100/,
    ],
    [
      'a fractional count',
      { indicator: 'knife-crime', year: 'FY2017-18', source: 'fixed', value: '190.5' },
      'value',
      /not a whole number/,
    ],
    [
      'an empty figure',
      { indicator: 'knife-crime', year: 'FY2017-18', source: 'fixed', value: '' },
      'value',
      /baseline figure is empty/,
    ],
    [
      'a baseline for a text indicator',
      { indicator: 'domestic-homicides', year: 'FY2017-18', source: 'fixed', value: '0' },
      'indicator',
      /text indicator: it has no baseline/,
    ],
    [
      'counts that contradict the percentage',
      {
        indicator: 'youth-custody',
        year: 'FY2017-18',
        source: 'previous-outturn',
        value: '9.9',
        numerator: '26',
        denominator: '172',
      },
      'value',
      /9\.9% does not match its counts: 26\/172 is 15\.12%/,
    ],
    [
      'numerator on a count',
      { indicator: 'knife-crime', year: 'FY2017-18', source: 'fixed', value: '191', numerator: '3' },
      'numerator',
      /only for a proportion or count-with-share baseline/,
    ],
  ]
  for (const [name, row, column, reason] of cases) {
    it(`refuses ${name}`, async () => {
      assertRejected(await importBaselines([row]), [{ file: 'baselines.csv', row: 2, column, reason }])
    })
  }

  it('refuses the same baseline twice', async () => {
    const row = { indicator: 'knife-crime', year: 'FY2017-18', source: 'previous-outturn', value: '191' }
    assertRejected(await importBaselines([row, { ...row, year: '2017/18' }]), [
      {
        file: 'baselines.csv',
        row: 3,
        column: 'year',
        reason: /knife-crime already has a baseline for FY2017-18 at row 2/,
      },
    ])
  })
})

describe('CSV files', () => {
  const header = VALUE_COLUMNS.join(',')

  it('refuses an empty (0-byte) file', async () => {
    assertRejected(await readPerformanceImport([file('values.csv', '')], known), [
      { file: 'values.csv', row: 0, column: '', reason: /the file is empty \(0 bytes\)/ },
    ])
  })

  it('accepts a header-only file with 0 rows, and says so', async () => {
    const result = await readPerformanceImport([file('values.csv', `${header}\n`)], known)
    assert.deepEqual(result.problems, [])
    assert.equal(result.rowsRead, 0)
    assert.equal(result.values.length, 0)
    assert.equal(result.warnings.length, 1)
    assert.match(result.warnings[0]?.reason ?? '', /header and no rows/)
  })

  it('accepts a UTF-8 byte-order mark and Windows line ends', async () => {
    const text = `\uFEFF${header}\r\nknife-crime,FY2017-18-Q1,49,,,,,,,"two\r\nlines"\r\n`
    const result = await readPerformanceImport([file('values.csv', text)], known)
    assert.deepEqual(result.problems, [])
    assert.equal(result.values[0]?.commentary, 'two\nlines')
  })

  it('refuses unbalanced quotes, naming the row the quote opens in', async () => {
    const text = `${header}\nknife-crime,FY2017-18-Q1,49,,,,,,,"fine"\nknife-crime,FY2017-18-Q2,49,,,,,,,"oops\nknife-crime,FY2017-18-Q3,56,,,,,,,\n`
    assertRejected(await readPerformanceImport([file('values.csv', text)], known), [
      { file: 'values.csv', row: 3, column: '', reason: /never closed \(unbalanced quotes\)/ },
    ])
  })

  it('refuses a stray quote inside an unquoted cell', async () => {
    const text = `${header}\nknife-crime,FY2017-18-Q1,49,,,,,,,said "hi"\n`
    assertRejected(await readPerformanceImport([file('values.csv', text)], known), [
      { file: 'values.csv', row: 2, column: '', reason: /quote mark appears inside a cell that is not quoted/ },
    ])
  })

  it('refuses UTF-16 with "save as UTF-8"', async () => {
    const content = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${header}\n`, 'utf16le')])
    assertRejected(await readPerformanceImport([file('values.csv', content)], known), [
      { file: 'values.csv', row: 0, column: '', reason: /UTF-16.*CSV UTF-8/ },
    ])
  })

  it('refuses a Windows-1252 "£" rather than storing mojibake', async () => {
    const content = Buffer.concat([
      Buffer.from(`${header}\nknife-crime,FY2017-18-Q1,49,,,,,,,cost `),
      Buffer.from([0xa3]),
      Buffer.from('5\n'),
    ])
    assertRejected(await readPerformanceImport([file('values.csv', content)], known), [
      {
        file: 'values.csv',
        row: 2,
        column: '',
        reason: /not UTF-8 \(0xA3 is "£" in the Windows-1252 encoding\).*CSV UTF-8/,
      },
    ])
  })

  it('refuses NUL bytes', async () => {
    assertRejected(
      await readPerformanceImport([file('values.csv', `${header}\nknife\u0000-crime,FY2017-18-Q1,49\n`)], known),
      [{ file: 'values.csv', row: 2, column: '', reason: /NUL bytes/ }],
    )
  })

  it('refuses rows with extra or missing cells, and still checks the other rows', async () => {
    const text = [
      header,
      'knife-crime,FY2017-18-Q1,1,234,,,,,,,', // an unquoted thousands separator shifts the row
      'knife-crime,FY2017-18-Q2,49',
      'knife-crime,FY2017-18-Q3,-56,,,,,,,',
      'knife-crime,FY2017-18-Q4,67,,,,,,,,,',
    ].join('\n')
    const result = await readPerformanceImport([file('values.csv', text)], known)
    assert.equal(result.rowsRead, 4, 'rows left out for their length are still rows read')
    assertRejected(result, [
      { file: 'values.csv', row: 2, column: '', reason: /this row has 11 cells but the header has 10 columns/ },
      { file: 'values.csv', row: 3, column: '', reason: /this row has 3 cells but the header has 10 columns/ },
      { file: 'values.csv', row: 4, column: 'value', reason: /negative/ },
      { file: 'values.csv', row: 5, column: '', reason: /this row has 12 cells but the header has 10 columns/ },
    ])
  })

  it('refuses a column named twice', async () => {
    assertRejected(
      await readPerformanceImport(
        [file('values.csv', 'indicator,period,value,Value\nknife-crime,FY2017-18-Q1,1,2\n')],
        known,
      ),
      [{ file: 'values.csv', row: 1, column: 'value', reason: /appears twice in the header \(columns 3 and 4\)/ }],
    )
  })

  it('refuses an unknown (misspelt) column and suggests the right one', async () => {
    assertRejected(
      await readPerformanceImport([file('values.csv', 'indicator,period,vlaue\nknife-crime,FY2017-18-Q1,1\n')], known),
      [
        {
          file: 'values.csv',
          row: 1,
          column: 'vlaue',
          reason: /unknown column "vlaue" in a values table \(did you mean value\?\)/,
        },
        { file: 'values.csv', row: 2, column: 'value', reason: /no figure/ },
      ],
    )
  })

  it('names the required columns that are missing', async () => {
    const text = 'id,name,measure_type\nknife-crime,Knife crime,count\n'
    const result = await readPerformanceImport([file('indicators.csv', text)], known)
    assert.deepEqual(
      result.problems.map((p) => [p.row, p.column]),
      ['priority', 'theme', 'definition', 'data_owner', 'cadence', 'preferred_direction', 'hidden_harm'].map((c) => [
        1,
        c,
      ]),
    )
    assert.ok(result.problems.every((p) => /required column .* is missing/.test(p.reason)))
  })

  it('reads header names ignoring case, spaces and underscores or hyphens', async () => {
    const text = ' Indicator ,PERIOD,Value\nknife-crime,FY2017-18-Q1,49\n'
    const result = await readPerformanceImport([file('anything.txt', text)], known)
    assert.deepEqual(result.problems, [])
    assert.equal(result.values[0]?.value, 49)
  })

  it('says when it cannot tell which table a file holds', async () => {
    assertRejected(await readPerformanceImport([file('x.csv', 'indicator,value\nknife-crime,1\n')], known), [
      { file: 'x.csv', row: 1, column: '', reason: /cannot tell which table this file holds/ },
    ])
  })
})

/** A workbook built with exceljs: each sheet a header row and data rows; `edit` adjusts cells afterwards. */
async function workbook(
  sheets: Record<string, (string | number | Date | null)[][]>,
  edit?: (wb: ExcelJS.Workbook) => void,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  for (const [name, rows] of Object.entries(sheets)) wb.addWorksheet(name).addRows(rows)
  edit?.(wb)
  return Buffer.from(await wb.xlsx.writeBuffer())
}

describe('XLSX workbooks', () => {
  const header = ['indicator', 'period', 'value', 'numerator', 'denominator', 'percent']

  it('reads number cells, a percentage-formatted share and a formula with a saved result', async () => {
    const content = await workbook(
      {
        Notes: [['ignored: not a table sheet']],
        Values: [
          header,
          ['knife-crime', 'FY2017-18-Q4', 67],
          ['domestic-abuse', '2017/18 Q3', 1578, null, null, 0.498],
          ['knife-crime', 'FY2017-18-Q3', null],
        ],
      },
      (wb) => {
        const sheet = wb.getWorksheet('Values')
        if (!sheet) return
        sheet.getCell('F3').numFmt = '0.0%'
        sheet.getCell('C4').value = { formula: '49+7', result: 56 }
        sheet.getCell('B4').value = { text: 'FY2017-18-Q3', hyperlink: 'https://example.org/q3' }
      },
    )
    const result = await readPerformanceImport([file('returns.xlsx', content)], known)
    assert.deepEqual(result.problems, [])
    assert.deepEqual(
      result.values.map((v) => [v.indicatorId, v.period, v.value, v.percent]),
      [
        ['knife-crime', 'FY2017-18-Q4', 67, null],
        ['domestic-abuse', 'FY2017-18-Q3', 1578, 49.8],
        ['knife-crime', 'FY2017-18-Q3', 56, null],
      ],
    )
  })

  it('reports every bad cell of a sheet with its Excel row', async () => {
    const content = await workbook(
      {
        Values: [
          header,
          ['knife-crime', 'FY2017-18-Q1', 2.5],
          ['knife-crime', new Date(Date.UTC(2017, 6, 1)), 49],
          ['knife-crime', 'FY2017-18-Q3', '1,234'],
          ['knife-crime', 'FY2017-18-Q4', null],
          ['knife-crime', 'FY2016-17-Q1', 40, null, null, null, 'stray'],
        ],
      },
      (wb) => {
        const sheet = wb.getWorksheet('Values')
        if (sheet) sheet.getCell('C5').value = { formula: 'B1+1' } as ExcelJS.CellFormulaValue
      },
    )
    assertRejected(await readPerformanceImport([file('returns.xlsx', content)], known), [
      { file: 'returns.xlsx, sheet Values', row: 2, column: 'value', reason: /2\.5 is not a whole number/ },
      {
        file: 'returns.xlsx, sheet Values',
        row: 3,
        column: 'period',
        reason: /holds a date \(2017-07-01\), not a period: format the cell as text/,
      },
      { file: 'returns.xlsx, sheet Values', row: 4, column: 'value', reason: /remove the thousands separator/ },
      { file: 'returns.xlsx, sheet Values', row: 5, column: 'value', reason: /formula with no saved result/ },
      {
        file: 'returns.xlsx, sheet Values',
        row: 6,
        column: '',
        reason: /cell G6 is beyond the last column of the header/,
      },
    ])
  })

  it('says a header-only sheet has no rows', async () => {
    const result = await readPerformanceImport([file('returns.xlsx', await workbook({ Values: [header] }))], known)
    assert.deepEqual(result.problems, [])
    assert.match(result.warnings[0]?.reason ?? '', /header and no rows/)
    assert.equal(result.warnings[0]?.file, 'returns.xlsx, sheet Values')
  })

  it('refuses a workbook without an Indicators, Baselines or Values sheet', async () => {
    assertRejected(await readPerformanceImport([file('returns.xlsx', await workbook({ Sheet1: [header] }))], known), [
      {
        file: 'returns.xlsx',
        row: 0,
        column: '',
        reason: /no sheet named Indicators, Baselines or Values \(its sheets: Sheet1\)/,
      },
    ])
  })

  it('refuses a file named .xlsx that is not a zip archive, by its magic bytes', async () => {
    assertRejected(await readPerformanceImport([file('returns.xlsx', 'indicator,period,value\n')], known), [
      { file: 'returns.xlsx', row: 0, column: '', reason: /not an XLSX workbook.*starts with "PK"/ },
    ])
  })

  it('refuses an old .xls workbook with what to do', async () => {
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)])
    assertRejected(await readPerformanceImport([file('returns.xls', xls)], known), [
      {
        file: 'returns.xls',
        row: 0,
        column: '',
        reason: /old Excel 97-2003 workbook \(\.xls\): save it as an Excel Workbook \(\.xlsx\)/,
      },
    ])
  })

  it('reads a workbook whatever it is called: a zip named .csv is still a workbook', async () => {
    const content = await workbook({ Values: [header, ['knife-crime', 'FY2017-18-Q4', 67]] })
    const result = await readPerformanceImport([file('values.csv', content)], known)
    assert.deepEqual(result.problems, [])
    assert.equal(result.values.length, 1)
  })
})

describe('the import as a whole', () => {
  it('lists at most 5,000 problems, and says how many more there are', async () => {
    const rows = Array.from({ length: 5003 }, () => ({ indicator: 'knife-crime', period: 'FY2017-18-Q1', value: 'x' }))
    const result = await readPerformanceImport([file('values.csv', csv(VALUE_COLUMNS, rows))], known)
    assert.equal(result.rowsRead, 5003)
    assert.equal(result.problems.length, 5001)
    assert.deepEqual(result.problems[4999], {
      file: 'values.csv',
      row: 5001,
      column: 'value',
      reason: '"x" is not a number',
    })
    assert.deepEqual(result.problems[5000], {
      file: '',
      row: 0,
      column: '',
      reason: 'and 3 more problems not listed (only the first 5000 are): correct these and import again',
    })
  })

  it('keeps the first 5,000 problems in row order, and those of one row in the order found, when there are far more', async () => {
    // 15,000 rows with two problems each: 30,000, past the 20,000 at which the reader sorts and lets go of the
    // rest (only counting them) while it reads.
    const bad = { indicator: 'knife-crime', period: 'FY2017-18-Q9', value: 'x' }
    const one = await readPerformanceImport([file('values.csv', csv(VALUE_COLUMNS, [bad]))], known)
    assert.equal(one.problems.length, 2)
    const [first, second] = one.problems.map((p) => ({ column: p.column, reason: p.reason }))
    const rows = Array.from({ length: 15_000 }, () => bad)
    const result = await readPerformanceImport([file('values.csv', csv(VALUE_COLUMNS, rows))], known)
    assert.equal(result.rowsRead, 15_000)
    assert.equal(result.problems.length, 5001)
    const expected = Array.from({ length: 5000 }, (_, i) => ({
      file: 'values.csv',
      row: Math.floor(i / 2) + 2,
      ...(i % 2 === 0 ? first : second),
    }))
    assert.deepEqual(result.problems.slice(0, 5000), expected)
    assert.equal(
      result.problems[5000]?.reason,
      'and 25000 more problems not listed (only the first 5000 are): correct these and import again',
    )
  })

  it('refuses an empty list of files', async () => {
    assertRejected(await readPerformanceImport([], known), [
      { file: '', row: 0, column: '', reason: /no files were given/ },
    ])
  })

  it('lists problems in the order the files were given', async () => {
    const bad = (name: string) =>
      file(name, csv(VALUE_COLUMNS, [{ indicator: 'knife-crime', period: 'FY2017-18-Q1', value: 'x' }]))
    const result = await readPerformanceImport([bad('b.csv'), bad('a.csv')], known)
    assert.deepEqual(
      result.problems.map((p) => p.file),
      ['b.csv', 'a.csv'],
    )
  })
})
