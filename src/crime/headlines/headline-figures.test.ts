import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { roundHalfAwayFromZero } from '../../domain/rounding.ts'
import {
  fixtureDirectory,
  gwentCounts,
  gwentExpected,
  onsExpected,
  onsFile,
  WORKBOOK,
} from '../../../test/support/ons-fixtures.ts'
import { OFFENCE_GROUPS } from '../reference/offence-groups.ts'
import { readOnsTables, type OnsTablesImport } from '../reference/read-ons-tables.ts'
import { countChange, headlineFigures, rankByRate, type AreaYears } from './headline-figures.ts'
import { TOTAL_RECORDED_CRIME, totalsByPartnership } from './police-uk-counts.ts'

const close = (actual: number | null | undefined, expected: number, message: string, tolerance = 1e-9) => {
  assert.ok(actual !== null && actual !== undefined, `${message}: no value`)
  assert.ok(
    Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `${message}: ${actual} ≠ ${expected}`,
  )
}

describe('headline calculations against the ONS tables (year ending December 2024)', () => {
  let tables: OnsTablesImport
  const expected = onsExpected()
  before(async () => {
    tables = await readOnsTables(onsFile(WORKBOOK), fixtureDirectory())
  })

  it("reproduces table C3's published percentage changes from C2 and C5", () => {
    let compared = 0
    for (const [code, p] of Object.entries(expected.partnerships)) {
      const now = tables.current.areas.find((a) => a.key === code)!
      const then = tables.previous.areas.find((a) => a.key === code)!
      p.c3.forEach((published, i) => {
        if (published === null) return // "[u]": a base under 50, not published
        const group = OFFENCE_GROUPS[i]!.id
        const change = countChange(then.counts.get(group) as number, now.counts.get(group) as number)
        close(change.percent, published, `${p.name} ${group}`)
        assert.equal(roundHalfAwayFromZero(change.percent as number, 1), roundHalfAwayFromZero(published, 1))
        compared++
      })
    }
    assert.ok(compared > 500, `${compared} comparisons`)
  })

  it("reproduces table C4's published rates per 1,000 within the rounding of its population to 100", () => {
    const areas: AreaYears[] = Object.keys(expected.partnerships).flatMap((code) => {
      const a = tables.current.areas.find((x) => x.key === code)!
      if (a.population === null) return []
      return [
        {
          code,
          name: a.name,
          thisYear: a.counts.get('total-recorded-crime') ?? null,
          lastYear: null,
          population: { population: a.population, source: 'C4' },
        },
      ]
    })
    const ranking = rankByRate(areas)
    assert.equal(ranking.areas.length, expected.partnership_count)
    let compared = 0
    for (const ranked of ranking.areas) {
      const p = expected.partnerships[ranked.code]!
      if (p.c4_total_rate === null) continue // City of London: "[u1]", no rate published for its few residents
      compared++
      // The published rate uses the unrounded population; the table prints it rounded to 100 (±50).
      const tolerance = 50 / (p.c4_population as number) + 1e-12
      close(ranked.value, p.c4_total_rate, p.name, tolerance)
    }
    assert.equal(compared, expected.partnership_count - 1)
  })

  it("gives each West Midlands partnership's share of the force, and its ranks, as the Python check does", () => {
    const wm = expected.west_midlands
    const area = (code: string, list: typeof tables.current.areas) => list.find((a) => a.key === code)
    const forceAreas: AreaYears[] = wm.partnerships.map((p) => {
      const now = area(p.code, tables.current.areas)!
      return {
        code: p.code,
        name: p.name,
        thisYear: now.counts.get('total-recorded-crime') ?? null,
        lastYear: area(p.code, tables.previous.areas)?.counts.get('total-recorded-crime') ?? null,
        population: { population: now.population as number, source: 'C4' },
      }
    })
    for (const p of wm.partnerships) {
      const h = headlineFigures({
        measure: 'Total Recorded Crime',
        source: 'ONS',
        partnershipCode: p.code,
        forceName: 'West Midlands',
        yearLabel: 'the year ending December 2024',
        previousYearLabel: 'the year ending December 2023',
        forceAreas,
        forceTotal: {
          thisYear: area('E23000014', tables.current.areas)?.counts.get('total-recorded-crime') ?? null,
          lastYear: area('E23000014', tables.previous.areas)?.counts.get('total-recorded-crime') ?? null,
          basis: 'force row',
        },
        peerGroup: null,
      })
      assert.equal(h.share.forceThisYear, wm.force_total)
      close(h.share.thisYear, p.share_percent, `${p.name} share`)
      close(h.share.lastYear, p.share_previous_percent, `${p.name} share last year`)
      assert.equal(h.positionByRate?.rank, p.rate_rank, `${p.name} rank by rate`)
      assert.equal(h.positionByRate?.of, 7)
      close(h.rate?.perThousand, p.rate_per_1000, `${p.name} rate`)
      assert.equal(h.positionByChange?.rank, p.change_rank, `${p.name} rank by change`)
      close(h.change?.percent, p.change_percent, `${p.name} change`)
      assert.equal(h.change?.change, p.total - p.total_previous)
    }
  })

  it('ranks within a peer group, with the group size, and says who is left out', () => {
    const wm = expected.west_midlands
    const members: AreaYears[] = wm.partnerships.map((p) => ({
      code: p.code,
      name: p.name,
      thisYear: p.total,
      lastYear: p.total_previous,
      population:
        p.code === 'E22000335' ? null : { population: expected.partnerships[p.code]!.c4_population!, source: 'C4' },
    }))
    const h = headlineFigures({
      measure: 'Total Recorded Crime',
      source: 'ONS',
      partnershipCode: 'E22000341',
      forceName: 'West Midlands',
      yearLabel: 'a',
      previousYearLabel: 'b',
      forceAreas: members,
      forceTotal: { thisYear: wm.force_total, lastYear: wm.force_total_previous, basis: 'x' },
      peerGroup: { name: 'Black Country', source: 'test', asOf: '2025-01-01', members: members.slice(2) },
    })
    // Dudley, Sandwell, Solihull, Walsall, Wolverhampton by rate (Python): Dudley 1, Solihull 2, Walsall 3,
    // Sandwell 4, Wolverhampton 6 of the seven → 5th of these five.
    assert.deepEqual(h.peerGroup?.position && { rank: h.peerGroup.position.rank, of: h.peerGroup.position.of }, {
      rank: 5,
      of: 5,
    })
    // Birmingham has no population here: ranked by change, left out of the rate ranking, with a note.
    assert.equal(h.positionByRate?.of, 6)
    assert.ok(
      h.notes.includes('Left out of the ranking by rate: Birmingham (no population estimate).'),
      h.notes.join('\n'),
    )
  })
})

describe('headline calculations on real data.police.uk counts: Gwent, calendar 2021 against 2020', () => {
  const expected = gwentExpected()
  const counts = gwentCounts()
  const year2021 = { firstMonth: '2021-01', lastMonth: '2021-12' }
  const year2020 = { firstMonth: '2020-01', lastMonth: '2020-12' }
  const gwent = Object.keys(expected.partnerships)
  const directory = fixtureDirectory()

  it('sums the counts by partnership as the Python pass over the raw rows does', () => {
    const now = totalsByPartnership(counts, year2021, TOTAL_RECORDED_CRIME)
    const then = totalsByPartnership(counts, year2020, TOTAL_RECORDED_CRIME)
    for (const code of gwent) {
      assert.equal(now.get(code), expected.partnerships[code]!.calendar_2021, code)
      assert.equal(then.get(code), expected.partnerships[code]!.calendar_2020, code)
    }
  })

  it('gives shares of the force, ranks by rate and by change', () => {
    const now = totalsByPartnership(counts, year2021, TOTAL_RECORDED_CRIME)
    const then = totalsByPartnership(counts, year2020, TOTAL_RECORDED_CRIME)
    const e = expected.calendar_2021_vs_2020
    const forceAreas: AreaYears[] = gwent.map((code) => ({
      code,
      name: directory.byCode(code)!.name,
      thisYear: now.get(code) ?? null,
      lastYear: then.get(code) ?? null,
      population: { population: e.partnerships[code]!.population_2021, source: 'ONS mid-2021' },
    }))
    for (const code of gwent) {
      const h = headlineFigures({
        measure: 'Total Recorded Crime',
        source: 'police.uk',
        partnershipCode: code,
        forceName: 'Gwent',
        yearLabel: '2021',
        previousYearLabel: '2020',
        forceAreas,
        forceTotal: {
          thisYear: forceAreas.reduce((s, a) => s + (a.thisYear as number), 0),
          lastYear: forceAreas.reduce((s, a) => s + (a.lastYear as number), 0),
          basis: 'sum',
        },
        peerGroup: null,
      })
      const x = e.partnerships[code]!
      assert.equal(h.share.forceThisYear, e.force_2021)
      assert.equal(h.share.forceLastYear, e.force_2020)
      close(h.share.thisYear, x.share_2021_percent, `${code} share`)
      close(h.share.lastYear, x.share_2020_percent, `${code} share 2020`)
      close(h.change?.percent, x.change_percent, `${code} change`)
      assert.equal(h.positionByChange?.rank, x.change_rank, `${code} rank by change`)
      close(h.rate?.perThousand, x.rate_per_1000, `${code} rate`)
      assert.equal(h.positionByRate?.rank, x.rate_rank, `${code} rank by rate`)
      assert.ok(h.change?.pValue !== null)
    }
  })
})
