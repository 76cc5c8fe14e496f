import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { User } from '../accounts/account-repository.ts'
import type { Role } from '../accounts/roles.ts'
import type { Partnership } from '../partnerships/partnership.ts'
import type { PublicReport } from '../public/public-report.ts'
import { createRegionalService } from './regional-service.ts'

function partnership(id: number, name: string): Partnership {
  return {
    id,
    slug: name.toLowerCase(),
    name,
    onsCode: null,
    nation: 'england',
    settings: { disclosureMinimum: null, returnsDueDays: null, twoStepPolicy: null },
    createdAt: '2026-01-01T00:00:00.000Z',
  }
}

function user(memberships: [number, Role][], fields: Partial<User> = {}): User {
  return {
    id: 9,
    email: 'pcc@example.org',
    name: 'PCC',
    role: memberships[0]?.[1] ?? 'viewer',
    agencyId: null,
    agency: null,
    disabled: false,
    mustChangePassword: false,
    createdAt: '',
    updatedAt: '',
    passwordChangedAt: null,
    lastSignedInAt: null,
    instanceAdministrator: false,
    memberships: memberships.map(([partnershipId, role]) => ({
      partnershipId,
      partnershipName: `Partnership ${partnershipId}`,
      partnershipSlug: `partnership-${partnershipId}`,
      role,
      agencyId: null,
      agency: null,
      twoStepPolicy: null,
    })),
    ...fields,
  }
}

/** A public report holding one KPI, as the publication service gives it (only its identity matters here). */
function publicReport(kpiIds: readonly string[]): PublicReport {
  return {
    partnership: 'x',
    year: 'FY2017-18',
    yearLabel: '2017/18',
    previousYearLabel: '2016/17',
    minimumCount: 5,
    publishedAt: null,
    kpis: kpiIds.map((id) => ({
      id,
      measureType: 'text',
      significance: null,
      thisYear: { periods: [], total: {} },
      lastYear: { periods: [], total: {} },
    })) as unknown as PublicReport['kpis'],
  }
}

const [a, b, c] = [partnership(1, 'Alpha'), partnership(2, 'Beta'), partnership(3, 'Gamma')]

function world() {
  const versions = new Map([
    [1, 10],
    [2, 20],
    [3, 30],
  ])
  let instanceVersion = 100
  const reads: number[] = []
  const service = createRegionalService({
    partnerships: { list: async () => [a, b, c] },
    partnership: (p) => ({
      reports: { report: async () => null, yearsWithFigures: async () => [] },
      publication: {
        publishedYears: async () => (p.id === 3 ? [] : ['FY2017-18']),
        publicReport: async () => {
          reads.push(p.id)
          return publicReport(['knife-crime'])
        },
      },
      dataVersion: async () => versions.get(p.id) as number,
    }),
    populations: async () => () => null,
    dataVersion: async () => instanceVersion,
  })
  return {
    service,
    reads,
    change(partnershipId: number) {
      versions.set(partnershipId, (versions.get(partnershipId) as number) + 1)
      instanceVersion++
    },
  }
}

describe('the regional service', () => {
  it('grants the partnerships where the person is a regional analyst, and none to a disabled person', async () => {
    const { service } = world()
    const mixed = user([
      [1, 'regional-analyst'],
      [2, 'administrator'],
      [3, 'regional-analyst'],
    ])
    assert.deepEqual(
      (await service.grantedPartnerships(mixed)).map((p) => p.name),
      ['Alpha', 'Gamma'],
    )
    assert.deepEqual(await service.grantedPartnerships(user([[1, 'board-member']])), [])
    assert.deepEqual(await service.grantedPartnerships({ ...mixed, disabled: true }), [])
    assert.equal(await service.overview(user([[2, 'viewer']])), null)
  })

  it('lists as peers the others that published the KPI, and reads again only a partnership whose data changed', async () => {
    const { service, reads, change } = world()
    const first = await service.peers(a, 'knife-crime')
    // Beta published it; Gamma published nothing; Alpha is the page's own partnership.
    assert.deepEqual(
      first.rows.map((r) => r.partnershipName),
      ['Beta'],
    )
    assert.deepEqual(reads.sort(), [1, 2])
    await service.peers(a, 'knife-crime')
    await service.peers(b, 'knife-crime')
    assert.equal(reads.length, 2, 'nothing changed: nothing read again')
    change(2)
    assert.deepEqual(
      (await service.peers(a, 'knife-crime')).rows.map((r) => r.partnershipName),
      ['Beta'],
    )
    assert.deepEqual(reads, [1, 2, 2], "only Beta's public report is read again")
    assert.deepEqual((await service.peers(a, 'other-kpi')).rows, [])
  })

  it('answers a regional page again from memory until the data changes or five minutes pass', async () => {
    let instanceVersion = 7
    let clock = 0
    const asked: number[] = []
    const service = createRegionalService({
      partnerships: { list: async () => [a, b, c] },
      partnership: (p) => ({
        reports: {
          report: async () => null,
          yearsWithFigures: async () => {
            asked.push(p.id)
            return []
          },
        },
        publication: { publishedYears: async () => [], publicReport: async () => null },
        dataVersion: async () => 1,
      }),
      populations: async () => () => null,
      dataVersion: async () => instanceVersion,
      now: () => clock,
    })
    const pcc = user([
      [1, 'regional-analyst'],
      [2, 'regional-analyst'],
    ])
    await service.overview(pcc)
    assert.deepEqual(asked.sort(), [1, 2])
    await service.overview(pcc)
    assert.equal(asked.length, 2, 'nothing changed: no partnership read again')
    // Another year asked is another answer.
    await service.overview(pcc, 'FY2016-17')
    assert.equal(asked.length, 4)
    instanceVersion++
    await service.overview(pcc)
    assert.equal(asked.length, 6, 'a change anywhere: read again')
    clock += 5 * 60 * 1000
    await service.overview(pcc)
    assert.equal(asked.length, 8, 'five minutes on: read again')
    // Granted a third partnership: a different question.
    await service.overview(
      user([
        [1, 'regional-analyst'],
        [2, 'regional-analyst'],
        [3, 'regional-analyst'],
      ]),
    )
    assert.equal(asked.length, 11)
  })
})
