import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { fixtureDirectory, onsFile, WORKBOOK } from '../../../test/support/ons-fixtures.ts'
import type { OffenceGroupId } from '../reference/offence-groups.ts'
import { PartnershipDirectory } from '../reference/partnerships.ts'
import { readOnsTables } from '../reference/read-ons-tables.ts'
import type { AreaCounts } from '../reference/recorded-crime-table.ts'
import { districtProfileLoader, type DistrictProfile } from './district-profile.ts'
import { peerGroupsExpected } from './fixtures/expected.ts'
import { proposeNearestNeighbours } from './nearest-neighbours.ts'
import { peerGroupVariables } from './peer-group-variables.ts'

const expected = peerGroupsExpected()
const close = (a: number, b: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tolerance, `${what}: ${a} is not ${b}`)

describe('the variables of a proposed group, over the real ONS data', () => {
  let areas: readonly AreaCounts[] = []
  before(async () => {
    const read = await readOnsTables(onsFile(WORKBOOK), fixtureDirectory())
    assert.deepEqual(read.problems, [])
    areas = read.current.areas
  })
  const build = (includeCrimeRate: boolean) =>
    peerGroupVariables({
      directory: fixtureDirectory(),
      profile: districtProfileLoader(null)(),
      recordedCrime: areas,
      recordedCrimeLabel: 'the year ending December 2024',
      includeCrimeRate,
    })

  it('has every whole-district partnership as a candidate, and lists the others with the reason', () => {
    const built = build(true)
    assert.equal(built.candidates.length, expected.candidates)
    assert.deepEqual(built.excluded.map((e) => e.code).sort(), Object.keys(expected.excluded).sort())
    const carlisle = built.excluded.find((e) => e.code === 'E22000033')!
    assert.match(carlisle.reason, /shares a district \(Cumberland \(E06000063\) with Allerdale, Copeland\)/)
    assert.equal(built.variables.length, expected.variables.length)
  })

  it('gives each partnership the values the independent calculation gives', () => {
    const built = build(true)
    for (const [code, values] of Object.entries(expected.values)) {
      const c = built.candidates.find((x) => x.code === code)!
      values.forEach((v, j) => close(c.values[j] as number, v, 1e-12, `${code} variable ${j}`))
    }
  })

  for (const [label, includeCrimeRate, table] of [
    ['with the crime rate', true, expected.with_rate],
    ['without the crime rate', false, expected.without_rate],
  ] as const) {
    it(`proposes the 14 nearest neighbours the independent calculation proposes (${label})`, () => {
      const built = build(includeCrimeRate)
      for (const [target, neighbours] of Object.entries(table)) {
        const proposal = proposeNearestNeighbours(
          target,
          built.candidates,
          built.variables.map((v) => v.name),
          14,
        )
        assert.deepEqual(
          proposal.neighbours.map((n) => n.code),
          neighbours.map((n) => n.code),
          target,
        )
        proposal.neighbours.forEach((n, i) => close(n.distance, neighbours[i]!.distance, 1e-9, `${target} → ${n.code}`))
      }
    })
  }

  it('standardises over all candidates as the independent calculation does', () => {
    const built = build(true)
    const proposal = proposeNearestNeighbours(
      'W14000022',
      built.candidates,
      built.variables.map((v) => v.name),
      1,
    )
    proposal.standardisation.forEach((s, j) => {
      close(s.mean, expected.standardisation[j]!.mean, 1e-12, `mean ${j}`)
      close(s.sd, expected.standardisation[j]!.sd, 1e-12, `sd ${j}`)
    })
  })
})

describe('the variables, worked by hand on a tiny example', () => {
  // Two partnerships: A covers districts d1 and d2 whole; B covers d3, which it shares with C.
  const directory = new PartnershipDirectory(
    [
      ['E06000001', 'D1', 'E22000001', 'A'],
      ['E06000002', 'D2', 'E22000001', 'A'],
      ['E06000003', 'D3', 'E22000002', 'B'],
      ['E06000003', 'D3', 'E22000003', 'C'],
    ].map(([districtCode, districtName, partnershipCode, partnershipName]) => ({
      districtCode: districtCode as string,
      districtName: districtName as string,
      partnershipCode: partnershipCode as string,
      partnershipName: partnershipName as string,
      forceAreaCode: 'E23000013',
      forceAreaName: 'Cleveland',
    })),
  )
  const d = (code: string, population: number, areaSqKm: number, young: number, old: number, moves: number) =>
    [code, { code, name: code, population, areaSqKm, aged16To29: young, aged65AndOver: old, movesInAndOut: moves }] as [
      string,
      DistrictProfile,
    ]
  const profile = {
    midYear: 2023,
    source: 'hand',
    districts: new Map([
      d('E06000001', 600, 2, 60, 120, 30),
      d('E06000002', 400, 8, 140, 80, 70),
      d('E06000003', 10, 1, 1, 1, 1),
    ]),
  }
  const counts = (entries: [OffenceGroupId, number][]) => new Map<OffenceGroupId, number | null>(entries)
  const crimeOfA: AreaCounts = {
    kind: 'partnership',
    key: 'E22000001',
    partnershipCode: 'E22000001',
    name: 'A',
    forceCode: 'E23000013',
    counts: counts([
      ['total-recorded-crime', 200],
      ['violence-with-injury', 30],
      ['sexual-offences', 10],
      ['theft-offences', 70],
      ['robbery', 10],
    ]),
    population: 1000,
    populationNote: null,
    row: 9,
  }

  it('sums the districts of a partnership before taking shares, and leaves out a shared district', () => {
    const built = peerGroupVariables({ directory, profile, recordedCrime: [crimeOfA], recordedCrimeLabel: 'y' })
    assert.deepEqual(
      built.excluded.map((e) => e.code),
      ['E22000002', 'E22000003'],
    )
    const [a] = built.candidates
    // 1,000 residents on 10 km² → log10(100) = 2; 200 aged 16–29 of 1,000; 200 aged 65+; 100 moves;
    // 200 crimes per 1,000 residents → log10(200); (30 + 10) / 200 violence; (70 + 10) / 200 acquisitive.
    assert.deepEqual(a?.values, [2, 0.2, 0.2, 0.1, Math.log10(200), 0.2, 0.4])
    const without = peerGroupVariables({
      directory,
      profile,
      recordedCrime: [crimeOfA],
      recordedCrimeLabel: 'y',
      includeCrimeRate: false,
    })
    assert.deepEqual(without.candidates[0]?.values, [2, 0.2, 0.2, 0.1, 0.2, 0.4])
    assert.doesNotMatch(without.description, /per 1,000 residents/)
  })

  it('uses the population of the ONS table for the rate when it has one, and the districts’ otherwise', () => {
    const noC4 = { ...crimeOfA, population: null }
    const withC4 = { ...crimeOfA, population: 800 }
    const rate = (area: AreaCounts) =>
      peerGroupVariables({ directory, profile, recordedCrime: [area], recordedCrimeLabel: 'y' }).candidates[0]
        ?.values[4]
    assert.equal(rate(noC4), Math.log10(200)) // 200 crimes over the profile's 1,000 residents
    assert.equal(rate(withC4), Math.log10(250)) // 200 crimes over table C4's 800
  })

  it('leaves out a partnership with no figure for an offence group it needs', () => {
    const gap = { ...crimeOfA, counts: counts([['total-recorded-crime', 200]]) }
    const built = peerGroupVariables({ directory, profile, recordedCrime: [gap], recordedCrimeLabel: 'y' })
    assert.equal(built.candidates.length, 0)
    assert.match(built.excluded.find((e) => e.code === 'E22000001')?.reason ?? '', /no figure for an offence group/)
  })

  it('shows each value in the analyst’s units', () => {
    const built = peerGroupVariables({ directory, profile, recordedCrime: [crimeOfA], recordedCrimeLabel: 'y' })
    assert.deepEqual(
      built.variables.map((v, j) => v.show(built.candidates[0]?.values[j] as number)),
      ['100', '20.0%', '20.0%', '10.0', '200.0', '20.0%', '40.0%'],
    )
  })
})
