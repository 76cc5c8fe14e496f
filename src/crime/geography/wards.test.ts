import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadGeography, SHIPPED_LOOKUP_DIRECTORY } from './lookup-files.ts'
import { readWardLookup, WardLookup } from './wards.ts'

// Expected values read from the ONS original (Lower_Layer_Super_Output_Area_2011_to_Ward_2018_Lookup_in_England_and_
// Wales_v3.csv) with awk, filtering LAD18CD: not from the shipped compact files or this code.
const WOLVERHAMPTON_2018 = [
  ['E05001321', 'Bilston East'],
  ['E05001322', 'Bilston North'],
  ['E05001323', 'Blakenhall'],
  ['E05001324', 'Bushbury North'],
  ['E05001325', 'Bushbury South and Low Hill'],
  ['E05001326', 'East Park'],
  ['E05001327', 'Ettingshall'],
  ['E05001328', 'Fallings Park'],
  ['E05001329', 'Graiseley'],
  ['E05001330', 'Heath Town'],
  ['E05001331', 'Merry Hill'],
  ['E05001332', 'Oxley'],
  ['E05001333', 'Park'],
  ['E05001334', 'Penn'],
  ['E05001336', 'Spring Vale'],
  ['E05001335', "St Peter's"],
  ['E05001337', 'Tettenhall Regis'],
  ['E05001338', 'Tettenhall Wightwick'],
  ['E05001339', 'Wednesfield North'],
  ['E05001340', 'Wednesfield South'],
]

describe('the ONS wards of 2018', () => {
  const geography = loadGeography(null)
  const lookup = readWardLookup(SHIPPED_LOOKUP_DIRECTORY)

  it("gives Wolverhampton's twenty wards, with their codes", () => {
    const wards = lookup.wardsOf(geography, 'E22000341').map((w) => [w.code, w.name])
    assert.deepEqual(
      wards.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      WOLVERHAMPTON_2018.slice().sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    )
  })

  it('places the wards of a district merged since 2018 in the partnership that now covers its area', () => {
    // Christchurch (E07000048, 11 wards in 2018) went into Bournemouth, Christchurch and Poole in 2019; the successor
    // table gives its area to the Dorset partnership (E22000367), not to Bournemouth or Poole.
    const dorset = lookup.wardsOf(geography, 'E22000367').map((w) => w.code)
    for (const code of ['E05003660', 'E05003661', 'E05003662']) assert.ok(dorset.includes(code), code)
    const bournemouth = lookup.wardsOf(geography, 'E22000063').map((w) => w.code)
    assert.ok(!bournemouth.includes('E05003660'))
  })

  it('keeps the Welsh names of Welsh wards', () => {
    const wards = lookup.wardsOf(geography, 'W14000019')
    assert.equal(wards.length, 16)
    assert.equal(lookup.ward('W05000751')?.welshName, 'Abertyleri')
    assert.equal(lookup.ward('w05000751')?.name, 'Abertillery')
  })

  it('finds no ward for a code it does not hold, and refuses a file row that is not a code', () => {
    assert.equal(lookup.ward('E05999999'), null)
    assert.throws(
      () => WardLookup.build([], [{ code: 'E0500', name: 'X', welshName: null }]),
      /wards\.csv\.gz row 2: "E0500" is not a ward code/,
    )
    assert.throws(
      () => WardLookup.build([['E01000001', 'E05000001']], []),
      /lsoa-to-ward\.csv\.gz row 2: "E01000001" in "E05000001" is not an LSOA of a known ward/,
    )
  })
})
