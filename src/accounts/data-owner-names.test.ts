import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { parse } from 'csv-parse/sync'
import type { Indicator } from '../domain/indicator.ts'
import {
  agencyForDataOwner,
  kpiOwnership,
  MAXIMUM_OWNER_NAMES,
  ownerNameKey,
  ownerNameLines,
  readOwnerNames,
  type AgencyOwnerNames,
} from './data-owner-names.ts'
import { defaultAgencies } from './default-agencies.ts'

const agencies: AgencyOwnerNames[] = defaultAgencies.map((a, i) => ({
  id: i + 1,
  code: a.code,
  name: a.name,
  ownerNames: a.dataOwnerNames,
}))
const idOf = (code: string) => agencies.find((a) => a.code === code)?.id

/** The demo framework's KPIs as the import file has them (only what matching reads). */
function demoIndicators(): Indicator[] {
  const text = fs.readFileSync(new URL('../../demo/performance-framework/indicators.csv', import.meta.url), 'utf8')
  const rows = parse(text, { columns: true }) as Record<string, string>[]
  return rows.map(
    (r) =>
      ({
        id: r.id ?? '',
        name: r.name ?? '',
        dataOwner: r.data_owner ?? '',
        cadence: 'quarterly',
      }) as Indicator,
  )
}

describe('owner name keys', () => {
  it('ignore case, outer and repeated spaces, and full-width forms', () => {
    assert.equal(ownerNameKey('  SWP   Analyst '), 'swp analyst')
    assert.equal(ownerNameKey('SWP\tAnalyst'), 'swp analyst')
    assert.equal(ownerNameKey('ＷＭＰ　ＣＴＵ'), 'wmp ctu')
    assert.equal(ownerNameKey('   '), '')
  })
})

describe('the agency a KPI’s Owner names', () => {
  it('matches the seed report’s Owner column to the default agencies', () => {
    const cases: [string, string | undefined][] = [
      ['SWP Analyst', 'SWP'],
      ['WMP Analyst', 'WMP'],
      ['WMP', 'WMP'],
      ['WMP CTU', 'CTU'],
      ['West Midlands SARC', 'SARC'],
      ['Community Safety', 'SWP'],
      ['Public Health', 'PH'],
      ['  swp   analyst ', 'SWP'],
      ['wmfs', 'WMFS'],
      ['Probation', undefined],
      ['', undefined],
    ]
    for (const [owner, code] of cases) assert.equal(agencyForDataOwner(owner, agencies)?.code, code, owner)
  })

  it('tries codes before owner names, and matches nothing when names are not loaded', () => {
    const odd = [
      { id: 1, code: 'A', name: 'A', ownerNames: ['B'] },
      { id: 2, code: 'B', name: 'B', ownerNames: [] },
    ]
    assert.equal(agencyForDataOwner('b', odd)?.id, 2)
    assert.equal(agencyForDataOwner('WMP Analyst', [{ id: 9, code: 'WMP', name: 'West Midlands Police' }]), undefined)
  })

  it('puts every demo KPI with its agency: SWP 19, PH 6, WMP 2, YOT 2, WDVF 2, SARC 1, CTU 1, WMFS 1', () => {
    const { byAgency, unmatched } = kpiOwnership(demoIndicators(), agencies)
    assert.deepEqual(unmatched, [])
    const counts = Object.fromEntries(agencies.map((a) => [a.code, byAgency.get(a.id)?.length]))
    assert.deepEqual(counts, { WMP: 2, YOT: 2, PH: 6, WDVF: 2, SARC: 1, WMFS: 1, CTU: 1, SWP: 19 })
    const wmp = byAgency.get(idOf('WMP') ?? 0) ?? []
    assert.deepEqual(
      wmp.map((o) => o.matchedBy),
      ['owner-name', 'code'],
    )
  })

  it('lists a KPI whose owner matches no agency', () => {
    const withoutSwpNames = agencies.map((a) => (a.code === 'SWP' ? { ...a, ownerNames: ['SWP Analyst'] } : a))
    const { byAgency, unmatched } = kpiOwnership(demoIndicators(), withoutSwpNames)
    assert.deepEqual(
      unmatched.map((i) => [i.id, i.dataOwner]),
      [['domestic-homicides', 'Community Safety']],
    )
    assert.equal(byAgency.get(idOf('SWP') ?? 0)?.length, 18)
  })
})

describe('reading owner names as typed', () => {
  it('trims, joins spaces, skips blank lines, keeps a repeat once, and numbers lines as typed', () => {
    const { names, problems } = readOwnerNames(
      ownerNameLines('WMP Analyst\r\n\r\n  wmp   analyst \nWest  Midlands Police\r'),
    )
    assert.deepEqual(problems, [])
    assert.deepEqual(names, [
      { name: 'WMP Analyst', line: 1 },
      { name: 'West Midlands Police', line: 4 },
    ])
    assert.deepEqual(readOwnerNames(['', '  ']).names, [])
  })

  it('refuses a name that is too long or has a control character, naming its line', () => {
    const { problems } = readOwnerNames(['ok', 'x'.repeat(201), 'bad\u0000name', 'y'.repeat(200)])
    assert.deepEqual(problems, [
      { line: 2, message: 'Line 2: a name must be 200 characters or fewer' },
      { line: 3, message: 'Line 3: remove the control character from this name' },
    ])
  })

  it(`refuses more than ${MAXIMUM_OWNER_NAMES} names`, () => {
    const fifty = Array.from({ length: 50 }, (_, i) => `Name ${i}`)
    assert.deepEqual(readOwnerNames(fifty).problems, [])
    assert.deepEqual(readOwnerNames([...fifty, 'One more']).problems, [{ line: 0, message: 'Give at most 50 names' }])
  })
})
