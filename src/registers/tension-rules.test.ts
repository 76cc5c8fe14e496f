import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  checkTensionEntry,
  isReviewOverdue,
  monthsOfFinancialYear,
  previousMonth,
  trendOnPreviousMonth,
  trendSummary,
} from './tension-rules.ts'
import { isCheckDue, isQuarter, monthsBefore, readCentresCsv } from './reporting-centre-rules.ts'
import { addMonths } from '../domain/period.ts'

const entry = {
  entryDate: '2018-03-08',
  wardId: '3',
  source: 'Neighbourhood team',
  reportingCentreId: '',
  category: 'potential',
  level: '2',
  description: 'An event may draw crowds',
  response: '',
  responseOwner: '',
  status: 'open',
  reviewDate: '2018-04-01',
}

describe('the tension log’s rules', () => {
  it('accepts a complete entry and reports every problem of a bad one against its field', () => {
    const ok = checkTensionEntry(entry, new Set([3]), new Set())
    assert.ok(ok.ok)
    assert.equal(ok.value.level, 2)
    assert.equal(ok.value.response, null)
    const bad = checkTensionEntry(
      {
        ...entry,
        entryDate: '2018-02-30',
        wardId: '9',
        category: 'rumoured',
        level: '6',
        description: ' ',
        reviewDate: '',
      },
      new Set([3]),
      new Set(),
    )
    assert.ok(!bad.ok)
    assert.deepEqual(bad.errors.map((e) => e.field).sort(), [
      'category',
      'description',
      'entryDate',
      'level',
      'reviewDate',
      'wardId',
    ])
  })

  it('refuses a review date before the entry, and a reporting centre not on the list', () => {
    const bad = checkTensionEntry(
      { ...entry, reviewDate: '2018-03-07', reportingCentreId: '4' },
      new Set([3]),
      new Set([5]),
    )
    assert.ok(!bad.ok)
    assert.deepEqual(
      bad.errors.map((e) => e.field),
      ['reportingCentreId', 'reviewDate'],
    )
  })

  it('flags a review as overdue only after its day, and never once closed', () => {
    assert.equal(isReviewOverdue({ status: 'open', reviewDate: '2018-04-01' }, '2018-04-01'), false)
    assert.equal(isReviewOverdue({ status: 'open', reviewDate: '2018-04-01' }, '2018-04-02'), true)
    assert.equal(isReviewOverdue({ status: 'monitoring', reviewDate: '2018-04-01' }, '2018-04-02'), true)
    assert.equal(isReviewOverdue({ status: 'closed', reviewDate: '2018-04-01' }, '2018-04-02'), false)
    assert.equal(isReviewOverdue({ status: 'open', reviewDate: null }, '2018-04-02'), false)
  })

  it('compares a month with the calendar month before, across the new year', () => {
    assert.equal(previousMonth('2018-01'), '2017-12')
    assert.equal(previousMonth('2018-03'), '2018-02')
    assert.equal(trendOnPreviousMonth(3, 2), 'up')
    assert.equal(trendOnPreviousMonth(2, 3), 'down')
    assert.equal(trendOnPreviousMonth(2, 2), 'same')
    assert.equal(trendOnPreviousMonth(2, null), 'none')
  })

  it('lists a financial year’s months from April to March', () => {
    const months = monthsOfFinancialYear('FY2017-18')
    assert.equal(months.length, 12)
    assert.equal(months[0], '2017-04')
    assert.equal(months[8], '2017-12')
    assert.equal(months[9], '2018-01')
    assert.equal(months[11], '2018-03')
  })

  it('summarises a ward’s months in words, naming the highest and the gaps', () => {
    const text = trendSummary('Park', [
      { month: '2017-04', level: 1 },
      { month: '2017-05', level: 3 },
      { month: '2017-06', level: null },
      { month: '2017-07', level: 2 },
    ])
    assert.equal(
      text,
      'Park: tension rose from 1 (Normal) in April 2017 to 2 (Low) in July 2017. Highest: 3 (Moderate) in May 2017. 1 month without an assessment.',
    )
  })
})

describe('reporting centres’ rules', () => {
  it('counts six calendar months back with the day clamped to the month’s end', () => {
    assert.equal(monthsBefore('2018-08-31', 6), '2018-02-28')
    assert.equal(monthsBefore('2020-08-31', 6), '2020-02-29')
    assert.equal(monthsBefore('2018-03-15', 6), '2017-09-15')
    assert.equal(addMonths('2017-08-31', 6), '2018-02-28')
    assert.equal(addMonths('2017-08-03', 36), '2020-08-03')
  })

  it('makes a centre due for a check when not checked since the same day six months ago', () => {
    const today = '2018-09-30'
    assert.equal(isCheckDue({ lastCheckedOn: '2018-03-30', closedOn: null }, today), false, 'exactly six months ago')
    assert.equal(isCheckDue({ lastCheckedOn: '2018-03-29', closedOn: null }, today), true)
    assert.equal(isCheckDue({ lastCheckedOn: null, closedOn: null }, today), true, 'never checked')
    assert.equal(isCheckDue({ lastCheckedOn: null, closedOn: '2018-01-01' }, today), false, 'closed')
  })

  it('knows a financial quarter', () => {
    assert.equal(isQuarter('FY2017-18-Q4'), true)
    assert.equal(isQuarter('FY2017-19-Q1'), false)
    assert.equal(isQuarter('FY2017-18-Q5'), false)
  })

  it('reads the CSV of centres, with lists separated by semicolons and wards matched ignoring case', () => {
    const csv =
      'organisation,ward,strands,trained_staff,training_dates,last_checked_on\n' +
      '"Hope Centre, Park",park,race; Religion or belief,3,2018-01-10;2017-05-02,2018-02-01\n' +
      'Library,Heath Town,,,,\n'
    const { rows, problems } = readCentresCsv(csv, ['Park', 'Heath Town'])
    assert.deepEqual(problems, [])
    assert.deepEqual(rows[0], {
      organisation: 'Hope Centre, Park',
      ward: 'Park',
      strands: ['race', 'religion'],
      trainedStaff: 3,
      trainingDates: ['2017-05-02', '2018-01-10'],
      lastCheckedOn: '2018-02-01',
    })
    assert.deepEqual(rows[1], {
      organisation: 'Library',
      ward: 'Heath Town',
      strands: [],
      trainedStaff: 0,
      trainingDates: [],
      lastCheckedOn: null,
    })
  })

  it('gives every row’s and column’s problem and no rows at all when any row is wrong', () => {
    const csv =
      'organisation,ward,strands,trained_staff,last_checked_on\n' +
      'Good Centre,Park,race,2,2018-01-01\n' +
      'Bad Centre,Nowhere,weather,two,2018-13-01\n' +
      'Good Centre,Park,race,2,\n' +
      'Short,Park\n'
    const { rows, problems } = readCentresCsv(csv, ['Park'])
    assert.deepEqual(rows, [])
    assert.deepEqual(
      problems.map((p) => [p.row, p.column]),
      [
        [3, 'ward'],
        [3, 'strands'],
        [3, 'trained_staff'],
        [3, 'last_checked_on'],
        [4, 'organisation'],
        [5, ''],
      ],
    )
  })

  it('refuses a header without the needed columns or with unknown ones', () => {
    const { problems } = readCentresCsv('name,place\nA,B\n', ['Park'])
    assert.deepEqual(
      problems.map((p) => p.column),
      ['organisation', 'ward', 'name', 'place'],
    )
  })
})
