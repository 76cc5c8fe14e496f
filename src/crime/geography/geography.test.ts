import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { describe, it } from 'node:test'
import { Geography, resolveServedPartnerships } from './geography.ts'
import {
  LSOA_FILE,
  LookupFileError,
  PARTNERSHIP_FILE,
  SHIPPED_LOOKUP_DIRECTORY,
  loadGeography,
  readDistrictPartnershipFile,
  readSuccessorFile,
  updateLookups,
} from './lookup-files.ts'
import { POLICE_FORCES, policeForceById, policeForceByName } from './police-forces.ts'

const geography = loadGeography(null)

describe('the shipped ONS geography', () => {
  it('has every LSOA of England and Wales (2011) and every partnership and force area of the 2023 lookup', () => {
    assert.equal(geography.lsoaCodes.length, 34_753) // the ONS file's rows
    assert.equal(geography.partnerships.length, 314) // distinct CSP23CD in LAD23_CSP23_PFA23_lookup_Dec2023.csv
    assert.equal(new Set(geography.partnerships.map((p) => p.forceAreaCode)).size, 43)
    assert.deepEqual(geography.unmappedDistricts, [])
  })

  it('places LSOAs in their partnership and force area', () => {
    // Rows of the ONS files: W01001440 is in Blaenau Gwent (W06000019 → W14000019, Gwent W15000002).
    assert.deepEqual(
      { ...geography.partnershipOfLsoa('W01001440') },
      {
        index: geography.partnershipByCode('W14000019')?.index,
        code: 'W14000019',
        name: 'Blaenau Gwent',
        forceAreaCode: 'W15000002',
        forceAreaName: 'Gwent',
      },
    )
    assert.equal(geography.partnershipsOfForceArea('E23000014').length, 7) // West Midlands: seven partnerships
    assert.equal(geography.lsoaCodes.filter((c) => geography.partnershipOfLsoa(c)?.code === 'E22000341').length, 158)
    assert.equal(geography.partnershipOfLsoa('E01999999'), null)
    assert.equal(geography.unmappedReason('E01999999'), 'not-in-lookup')
  })

  it('bridges districts merged since 2018 to the partnership their area belongs to', () => {
    // "<district> 001A" of each old district, from the ONS LSOA file; the partnership (from the 2023 lookup) is the
    // one named after the old district, or the new district's only one.
    const cases: [string, string, string][] = [
      ['E01019126', 'Allerdale', 'E22000031'], // Allerdale → Cumberland (E06000063)
      ['E01019144', 'Barrow-in-Furness', 'E22000032'], // Westmorland and Furness
      ['E01027666', 'Harrogate', 'E22000372'], // North Yorkshire: one partnership for the new district
      ['E01015301', 'Bournemouth', 'E22000063'], // Bournemouth, Christchurch and Poole
      ['E01020343', 'Christchurch', 'E22000367'], // BCP's third partnership, Dorset
      ['E01027005', 'Daventry', 'E22000357'], // Daventry and South Northamptonshire
      ['E01030240', 'Waveney', 'E22000278'], // East Suffolk
      ['E01029085', 'Sedgemoor', 'E22000369'], // Somerset
    ]
    for (const [lsoa, oldDistrict, partnership] of cases) {
      assert.equal(geography.partnershipOfLsoa(lsoa)?.code, partnership, `${lsoa} (${oldDistrict})`)
    }
  })

  it('lists the districts shared by several partnerships', () => {
    assert.deepEqual(
      geography.sharedDistricts.map((d) => [d.districtName, d.partnerships.length]),
      [
        ['Bournemouth, Christchurch and Poole', 3],
        ['Buckinghamshire', 4],
        ['North Northamptonshire', 4],
        ['West Northamptonshire', 2],
        ['Cumberland', 3],
        ['Westmorland and Furness', 3],
        ['East Suffolk', 2],
      ],
    )
  })

  it('has a successor table that agrees with the lookups', () => {
    const successors = readSuccessorFile(path.join(SHIPPED_LOOKUP_DIRECTORY, 'district-successors.csv'))
    const rows = readDistrictPartnershipFile(path.join(SHIPPED_LOOKUP_DIRECTORY, PARTNERSHIP_FILE))
    assert.equal(successors.length, 41)
    for (const s of successors) {
      assert.ok(!rows.some((r) => r.districtCode === s.oldDistrictCode), `${s.oldDistrictName} is gone by 2023`)
      const newRows = rows.filter((r) => r.districtCode === s.newDistrictCode)
      assert.equal(newRows[0]?.districtName, s.newDistrictName)
      if (newRows.length > 1)
        assert.ok(
          newRows.some((r) => r.partnershipCode === s.partnershipCode),
          s.oldDistrictName,
        )
      else assert.equal(s.partnershipCode, null)
      assert.match(s.source, /Order 20(18|19|20|22)/)
      // Each Order is cited with its SI number (of the Order's own year) and the day its districts were abolished,
      // as checked against legislation.gov.uk (reference/ons/README.md).
      for (const order of s.source.split(', then ')) {
        const m = /^The .+ Order (\d{4}), SI (\d{4})\/\d+ \(districts abolished 1 April (\d{4})\)$/.exec(order)
        assert.ok(m, `${s.oldDistrictName}: "${order}"`)
        assert.equal(m[2], m[1])
        assert.ok(Number(m[3]) > Number(m[1]), `${s.oldDistrictName}: abolished after the Order was made`)
      }
    }
  })

  it('reports LSOAs it cannot place, rather than guessing', () => {
    const g = Geography.build(
      [
        { lsoaCode: 'E01000001', districtCode: 'E07000999' },
        { lsoaCode: 'E01000002', districtCode: 'E06000063' },
        { lsoaCode: 'E01000003', districtCode: 'E07000026' },
      ],
      [
        ['E06000063', 'E22000031'],
        ['E06000063', 'E22000033'],
      ].map(([districtCode, partnershipCode]) => ({
        districtCode: districtCode as string,
        districtName: 'Cumberland',
        partnershipCode: partnershipCode as string,
        partnershipName: partnershipCode as string,
        forceAreaCode: 'E23000002',
        forceAreaName: 'Cumbria',
      })),
      [
        {
          oldDistrictCode: 'E07000026',
          oldDistrictName: 'Allerdale',
          newDistrictCode: 'E06000063',
          newDistrictName: 'Cumberland',
          partnershipCode: 'E22000031',
          source: 'test',
        },
      ],
    )
    assert.equal(g.unmappedReason('E01000001'), 'district-without-partnership')
    assert.equal(g.unmappedReason('E01000002'), 'district-shared')
    assert.equal(g.partnershipOfLsoa('E01000003')?.code, 'E22000031')
    assert.deepEqual(
      g.unmappedDistricts.map((d) => [d.districtCode, d.reason, d.lsoaCount]),
      [
        ['E07000999', 'district-without-partnership', 1],
        ['E06000063', 'district-shared', 1],
      ],
    )
  })
})

describe('served partnerships', () => {
  it("defaults to the partnership named in the instance's name, else none", () => {
    assert.deepEqual(
      resolveServedPartnerships(null, 'Safer Wolverhampton Partnership', geography).map((p) => p.code),
      ['E22000341'],
    )
    assert.deepEqual(
      resolveServedPartnerships(null, 'Safer Newport', geography).map((p) => p.code),
      ['W14000022'],
    )
    // "Bournemouth" and "Poole" are both partnerships: the longer name wins only when it matches whole words.
    assert.deepEqual(resolveServedPartnerships(null, 'Community Safety Partnership', geography), [])
  })

  it('takes codes, names, all or none, and refuses names it does not know', () => {
    assert.deepEqual(
      resolveServedPartnerships(['w14000022', ' Torfaen '], '', geography).map((p) => p.name),
      ['Newport', 'Torfaen'],
    )
    assert.equal(resolveServedPartnerships(['all'], '', geography).length, 314)
    assert.deepEqual(resolveServedPartnerships(['none'], 'Safer Wolverhampton Partnership', geography), [])
    assert.throws(
      () => resolveServedPartnerships(['Atlantis'], '', geography),
      /"Atlantis", which is not a partnership/,
    )
  })
})

describe('police forces', () => {
  it('knows the 43 forces of England and Wales by data.police.uk name and identifier', () => {
    const areas = new Set(geography.partnerships.map((p) => p.forceAreaCode))
    const withArea = POLICE_FORCES.filter((f) => f.forceAreaCode !== null)
    assert.equal(withArea.length, 43)
    assert.deepEqual(new Set(withArea.map((f) => f.forceAreaCode)), areas)
    assert.equal(policeForceByName('Devon and Cornwall Police')?.id, 'devon-and-cornwall')
    assert.equal(policeForceByName('gwent  police')?.forceAreaCode, 'W15000002')
    assert.equal(policeForceById('btp')?.forceAreaCode, null)
    assert.equal(policeForceByName('Atlantis Police'), null)
  })
})

describe('updating the lookups from a newer ONS file', () => {
  it('merges new LSOAs, keeps the old ones, and writes nothing from a file that does not fit', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'saferhub-geography-'))
    try {
      const newer = path.join(directory, 'LSOA21_LAD23.csv')
      // An ONS-shaped LSOA 2021 lookup: a new LSOA code, and an existing one (Wolverhampton 001A) unchanged.
      fs.writeFileSync(
        newer,
        '\ufeffLSOA21CD,LSOA21NM,LAD23CD,LAD23NM\nE01035999,Wolverhampton 999Z,E08000031,Wolverhampton\n' +
          'W01001440,Blaenau Gwent 001A,W06000019,Blaenau Gwent\n',
      )
      const summary = updateLookups({ lsoaLookup: newer, directory, fallbackDirectory: SHIPPED_LOOKUP_DIRECTORY })
      assert.equal(summary.lsoaAdded, 1)
      assert.equal(summary.lsoaChanged, 0)
      assert.equal(summary.lsoaTotal, 34_754)
      assert.equal(loadGeography(null).lsoaCodes.length, 34_753) // the shipped copy is untouched
      const written = zlib.gunzipSync(fs.readFileSync(path.join(directory, LSOA_FILE))).toString()
      assert.match(written, /\nE01035999,E08000031\n/)

      const bad = path.join(directory, 'bad.csv')
      fs.writeFileSync(bad, 'LSOA21CD,LAD23CD\nE01035998,Wolverhampton\n')
      const before = fs.readFileSync(path.join(directory, LSOA_FILE))
      assert.throws(
        () => updateLookups({ lsoaLookup: bad, directory, fallbackDirectory: SHIPPED_LOOKUP_DIRECTORY }),
        (error: unknown) =>
          error instanceof LookupFileError &&
          /bad\.csv line 2: "Wolverhampton" is not a district code/.test(error.message),
      )
      assert.deepEqual(fs.readFileSync(path.join(directory, LSOA_FILE)), before)
    } finally {
      fs.rmSync(directory, { recursive: true, force: true })
    }
  })

  it("reads an instance's own lookups in place of the shipped ones", () => {
    const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'saferhub-data-'))
    try {
      const own = path.join(dataDirectory, 'geography')
      fs.mkdirSync(own)
      fs.writeFileSync(path.join(own, LSOA_FILE), zlib.gzipSync('lsoa_code,district_code\nE01010001,E08000031\n'))
      const g = loadGeography(dataDirectory)
      assert.deepEqual(g.lsoaCodes, ['E01010001'])
      assert.equal(g.partnershipOfLsoa('E01010001')?.name, 'Wolverhampton')
    } finally {
      fs.rmSync(dataDirectory, { recursive: true, force: true })
    }
  })
})
