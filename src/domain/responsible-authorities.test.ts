import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  isCurrentSeat,
  missingAuthoritySentence,
  missingResponsibleAuthorities,
  type SeatForCheck,
} from './responsible-authorities.ts'

const seat = (sector: string, organisation: string, extra: Partial<SeatForCheck> = {}): SeatForCheck => ({
  sector,
  organisation,
  voting: true,
  fromDate: null,
  toDate: null,
  ...extra,
})

// The five the Act names, held by the seed's Appendix B organisations.
const FULL = [
  seat('council', 'City of Wolverhampton Council'),
  seat('police', 'West Midlands Police'),
  seat('fire-and-rescue', 'West Midlands Fire Service'),
  seat('probation', 'National Probation Service'),
  seat('health', 'Clinical Commissioning Group'),
]

test('a board with all five responsible authorities is missing none', () => {
  assert.deepEqual(missingResponsibleAuthorities(FULL, '2018-03-31'), [])
})

test('each authority left out is named, in the order the Act lists them', () => {
  assert.deepEqual(
    missingResponsibleAuthorities(
      FULL.filter((s) => s.sector !== 'fire-and-rescue'),
      '2018-03-31',
    ),
    ['fire-and-rescue'],
  )
  assert.deepEqual(missingResponsibleAuthorities([], '2018-03-31'), [
    'council',
    'police',
    'fire-and-rescue',
    'probation',
    'health',
  ])
})

test('a seat counts only while held and only when it votes', () => {
  const ended = [...FULL.slice(0, 4), seat('health', 'Clinical Commissioning Group', { toDate: '2018-03-30' })]
  assert.deepEqual(missingResponsibleAuthorities(ended, '2018-03-31'), ['health'])
  // The last day is still a day of the seat.
  assert.deepEqual(missingResponsibleAuthorities(ended, '2018-03-30'), [])
  const notYet = [...FULL.slice(0, 4), seat('health', 'Integrated care board', { fromDate: '2022-07-01' })]
  assert.deepEqual(missingResponsibleAuthorities(notYet, '2022-06-30'), ['health'])
  assert.deepEqual(missingResponsibleAuthorities(notYet, '2022-07-01'), [])
  const adviser = [...FULL.slice(0, 4), seat('health', 'Clinical Commissioning Group', { voting: false })]
  assert.deepEqual(missingResponsibleAuthorities(adviser, '2018-03-31'), ['health'])
})

test('a community rehabilitation company counts for probation only before 26 June 2021', () => {
  const crcOnly = [
    ...FULL.filter((s) => s.sector !== 'probation'),
    seat('probation', 'Community Rehabilitation Company'),
  ]
  assert.deepEqual(missingResponsibleAuthorities(crcOnly, '2021-06-25'), [])
  assert.deepEqual(missingResponsibleAuthorities(crcOnly, '2021-06-26'), ['probation'])
  const abbreviated = [
    ...FULL.filter((s) => s.sector !== 'probation'),
    seat('probation', 'Staffordshire and West Midlands CRC'),
  ]
  assert.deepEqual(missingResponsibleAuthorities(abbreviated, '2024-01-01'), ['probation'])
  // The Probation Service itself counts whatever the date.
  assert.deepEqual(missingResponsibleAuthorities(FULL, '2024-01-01'), [])
})

test('the current-seat rule includes both ends and treats an empty date as open', () => {
  assert.equal(isCurrentSeat({ fromDate: '2017-11-01', toDate: '2018-03-31' }, '2017-11-01'), true)
  assert.equal(isCurrentSeat({ fromDate: '2017-11-01', toDate: '2018-03-31' }, '2018-03-31'), true)
  assert.equal(isCurrentSeat({ fromDate: '2017-11-01', toDate: '2018-03-31' }, '2018-04-01'), false)
  assert.equal(isCurrentSeat({ fromDate: '2017-11-01', toDate: null }, '2017-10-31'), false)
  assert.equal(isCurrentSeat({ fromDate: null, toDate: null }, '1999-01-01'), true)
})

test('the sentence names the authority and the Act', () => {
  assert.equal(
    missingAuthoritySentence('fire-and-rescue'),
    'The board has no seat for a fire and rescue authority: the Crime and Disorder Act 1998 s.5 makes it a responsible authority.',
  )
})
