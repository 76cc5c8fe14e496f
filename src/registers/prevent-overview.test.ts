import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { channelTotals, coverage, coveragePercentText, referralsOfYear, trainingTotals } from './prevent-overview.ts'
import { activitiesByType, covenantCounts } from './engagement-overview.ts'
import { financialYearOfDate } from '../domain/period.ts'
import { parseRecordForm, recordType, dateFromBoxes } from './prevent-record-types.ts'

const training = (course: string, deliveredOn: string, settingId: number | null, sessions = 1, attendees = 10) => ({
  course,
  deliveredOn,
  sessions,
  attendees,
  settingId,
})

describe('the Prevent record’s sums', () => {
  it('places a date in its financial year (April to March)', () => {
    assert.equal(financialYearOfDate('2017-04-01'), 'FY2017-18')
    assert.equal(financialYearOfDate('2018-03-31'), 'FY2017-18')
    assert.equal(financialYearOfDate('2017-03-31'), 'FY2016-17')
  })

  it('counts coverage as the settings of a kind that received a course in the year over all settings of that kind', () => {
    const settings = [
      { id: 1, kind: 'school' },
      { id: 2, kind: 'school' },
      { id: 3, kind: 'school' },
      { id: 4, kind: 'college' },
    ]
    const rows = [
      training('WRAP', '2017-05-01', 1),
      training('WRAP', '2017-09-01', 1), // the same school twice counts once
      training('WRAP', '2018-02-01', 2),
      training('WRAP', '2018-04-02', 3), // next year
      training('WRAP', '2017-06-01', 4),
      training('WRAP', '2017-06-01', null), // no setting: not coverage
    ]
    const result = coverage(settings, rows, 'FY2017-18')
    assert.deepEqual(
      result.map((c) => [c.course, c.kind, c.numerator, c.denominator, c.percentText, c.sentence]),
      [
        ['WRAP', 'college', 1, 1, '100%', '100% of colleges (1 of 1) received WRAP in 2017-18'],
        // 2 of 3 = 66.66…%, shown to one place.
        ['WRAP', 'school', 2, 3, '66.7%', '66.7% of schools (2 of 3) received WRAP in 2017-18'],
      ],
    )
  })

  it('never shows 100% while a setting is missing', () => {
    assert.equal(coveragePercentText(1999, 2000), '99.9%') // 99.95 would round to 100.0
    assert.equal(coveragePercentText(199, 200), '99.5%')
    assert.equal(coveragePercentText(112, 112), '100%')
    assert.equal(coveragePercentText(0, 5), '0%')
  })

  it('adds up training by course and in all, within the year', () => {
    const rows = [
      training('WRAP', '2017-05-01', null, 2, 30),
      training('WRAP', '2017-06-01', null, 1, 12),
      training('Online', '2017-07-01', null, 3, 40),
      training('WRAP', '2016-06-01', null, 9, 99),
    ]
    assert.deepEqual(trainingTotals(rows, 'FY2017-18'), [
      { course: 'Online', deliveries: 1, sessions: 3, attendees: 40 },
      { course: 'WRAP', deliveries: 2, sessions: 3, attendees: 42 },
      { course: '', deliveries: 3, sessions: 6, attendees: 82 },
    ])
  })

  it('adds up Channel’s meetings and case counts within the year', () => {
    const rows = [
      { meetingDate: '2017-06-08', attendance: 10, casesDiscussed: 4, casesAdopted: 1, casesClosed: 2 },
      { meetingDate: '2017-09-08', attendance: null, casesDiscussed: 3, casesAdopted: 3, casesClosed: 0 },
      { meetingDate: '2018-06-08', attendance: 7, casesDiscussed: 9, casesAdopted: 9, casesClosed: 9 },
    ]
    assert.deepEqual(channelTotals(rows, 'FY2017-18'), {
      meetings: 2,
      attendance: 10,
      meetingsWithAttendance: 1,
      casesDiscussed: 7,
      casesAdopted: 4,
      casesClosed: 2,
    })
  })

  it('gives the seed’s referrals: 49 in 2016-17 and 55 in 2017-18, and flags a quarter where the KPI differs', () => {
    // Appendix C: Q1 13/23, Q2 11/9, Q3 15/12, Q4 10/11 (2016/17 then 2017/18).
    const rows = [
      ...[13, 11, 15, 10].map((n, i) => ({ quarter: `FY2016-17-Q${i + 1}`, referrals: n, source: 'WMP CTU' })),
      ...[23, 9, 12, 11].map((n, i) => ({ quarter: `FY2017-18-Q${i + 1}`, referrals: n, source: 'WMP CTU' })),
    ]
    const kpi = new Map([
      ['FY2017-18-Q1', 23],
      ['FY2017-18-Q2', 8],
      ['FY2017-18-Q3', 12],
    ])
    const result = referralsOfYear(rows, kpi, 'FY2017-18')
    assert.equal(result.total, 55)
    assert.equal(result.previousTotal, 49)
    assert.equal(result.kpiTotal, null, 'the KPI has no Q4: no year')
    assert.deepEqual(
      result.quarters.map((q) => q.differs),
      [false, true, false, false],
    )
    assert.equal(result.differences, 1)
    assert.deepEqual(result.sources, ['WMP CTU'])
    assert.equal(referralsOfYear(rows.slice(0, 7), new Map(), 'FY2017-18').total, null, 'three quarters are not a year')
  })
})

describe('the engagement registers’ counts', () => {
  it('counts activities of each type in the year, zero included', () => {
    const rows = [
      { type: 'event', heldOn: '2017-07-15', reach: 300, participants: null },
      { type: 'event', heldOn: '2017-10-10', reach: null, participants: 12 },
      { type: 'survey', heldOn: '2018-04-01', reach: 10, participants: 10 },
    ]
    const counts = activitiesByType(rows, 'FY2017-18')
    assert.deepEqual(
      counts.find((c) => c.type === 'event'),
      {
        type: 'event',
        label: 'Event',
        activities: 2,
        reach: 300,
        participants: 12,
      },
    )
    assert.equal(counts.find((c) => c.type === 'survey')?.activities, 0)
    assert.equal(counts.length, 7)
  })

  it('counts sign-ups in the year and by its end', () => {
    const rows = [
      { covenant: 'Faith Covenant', signedOn: '2017-11-16' },
      { covenant: 'Faith Covenant', signedOn: '2016-11-16' },
      { covenant: 'Faith Covenant', signedOn: '2018-04-01' },
      { covenant: 'Later Charter', signedOn: '2019-01-01' },
    ]
    assert.deepEqual(covenantCounts(rows, 'FY2017-18', '2017-18'), [
      {
        covenant: 'Faith Covenant',
        signedInYear: 1,
        signedByYearEnd: 2,
        sentence: '1 organisation signed the Faith Covenant in 2017-18',
      },
    ])
  })
})

describe('a register’s form', () => {
  it('checks dates against the calendar', () => {
    assert.equal(dateFromBoxes({ day: '29', month: '2', year: '2020' }), '2020-02-29')
    assert.equal(dateFromBoxes({ day: '29', month: '2', year: '2019' }), null)
    assert.equal(dateFromBoxes({ day: '', month: '', year: '' }), '')
  })

  it('reads a covenant sign-up, and refuses an unknown sector and a missing organisation', () => {
    const type = recordType('engagement', 'covenants')
    assert.ok(type)
    const good = parseRecordForm(
      type,
      {
        covenant: ' Wolverhampton Faith Covenant ',
        organisation: 'Faith organisation 1',
        sector: 'faith',
        'signed_on-day': '16',
        'signed_on-month': '11',
        'signed_on-year': '2017',
      },
      {},
    )
    assert.deepEqual(good.errors, {})
    assert.deepEqual(good.values, {
      covenant: 'Wolverhampton Faith Covenant',
      organisation: 'Faith organisation 1',
      sector: 'faith',
      signed_on: '2017-11-16',
    })
    const bad = parseRecordForm(type, { covenant: 'X', sector: 'church' }, {})
    assert.deepEqual(bad.errors, {
      organisation: 'Enter the organisation',
      sector: 'Select the sector',
      signed_on: 'Enter the date signed',
    })
  })

  it('takes a reference only from the partnership’s own choices', () => {
    const type = recordType('prevent', 'training')
    assert.ok(type)
    const body = {
      course: 'WRAP',
      'delivered_on-day': '1',
      'delivered_on-month': '5',
      'delivered_on-year': '2017',
      sessions: '1',
      attendees: '1,200',
      setting_id: '7',
    }
    assert.deepEqual(parseRecordForm(type, body, { setting: [{ value: '8', text: 'Oak' }] }).errors, {
      setting_id: 'Select the setting of the area that received it from the list',
    })
    const ok = parseRecordForm(type, body, { setting: [{ value: '7', text: 'Oak' }] })
    assert.equal(ok.values.setting_id, 7)
    assert.equal(ok.values.attendees, 1200)
  })

  it('takes a quarter only as a financial quarter', () => {
    const type = recordType('prevent', 'referrals')
    assert.ok(type)
    const of = (quarter: string) =>
      parseRecordForm(type, { quarter, referrals: '3', source: 'WMP CTU' }, {}).errors.quarter ?? null
    assert.equal(of('FY2017-18-Q4'), null)
    assert.equal(of('FY2017-19-Q4'), 'Quarter must be a financial quarter such as FY2017-18-Q1')
    assert.equal(of('2017 Q1'), 'Quarter must be a financial quarter such as FY2017-18-Q1')
  })
})
