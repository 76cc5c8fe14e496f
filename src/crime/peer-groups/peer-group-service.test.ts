import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Database } from '../../db/database.ts'
import { openTestDatabase, testDialects } from '../../../test/support/databases.ts'
import { fixtureDirectory, onsFile, WORKBOOK } from '../../../test/support/ons-fixtures.ts'
import { createReferenceRepository } from '../reference/reference-repository.ts'
import { createCrimeReferenceService } from '../reference/reference-service.ts'
import { proposalTable } from './cli.ts'
import { peerGroupsExpected } from './fixtures/expected.ts'
import { createPeerGroupRepository } from './peer-group-repository.ts'
import { createPeerGroupService, type PeerGroupProposal } from './peer-group-service.ts'

const expected = peerGroupsExpected()

for (const dialect of testDialects()) {
  describe(`proposing a most similar group from the stored ONS tables (${dialect})`, () => {
    let database: Database
    beforeEach(async () => {
      database = await openTestDatabase(dialect)
    })
    afterEach(() => database.close())

    const build = () => {
      const references = createReferenceRepository(database)
      return {
        reference: createCrimeReferenceService({ repository: references, directory: fixtureDirectory }),
        peerGroups: createPeerGroupService({
          repository: createPeerGroupRepository(database),
          references,
          directory: fixtureDirectory,
          today: () => '2026-11-26',
        }),
      }
    }

    it('asks for the ONS tables first', async () => {
      await assert.rejects(build().peerGroups.propose('W14000022'), /No ONS recorded crime tables are stored/)
    })

    it('proposes for Newport the group the independent calculation gives, with each member’s values', async () => {
      const s = build()
      assert.equal((await s.reference.importRecordedCrime(onsFile(WORKBOOK), 'test')).outcome, 'applied')
      const proposal = await s.peerGroups.propose('W14000022')
      const python = expected.with_rate['W14000022']!
      assert.deepEqual(
        proposal.group.members.map((m) => m.code),
        ['W14000022', ...python.map((n) => n.code)],
      )
      proposal.group.members.slice(1).forEach((m, i) => {
        assert.ok(Math.abs((m.distance as number) - python[i]!.distance) < 1e-9, m.code)
      })
      assert.equal(proposal.group.method, 'proposed')
      assert.equal(proposal.group.asOf, '2026-11-26')
      assert.match(proposal.group.methodNote ?? '', /z-scores of 7 variables, weighted equally/)
      assert.match(proposal.group.methodNote ?? '', /Candidates: 293 partnerships/)
      // Every member's values, in the order of the variables: Newport's are the Python calculation's.
      assert.equal(proposal.memberValues.length, 15)
      expected.values['W14000022']!.forEach((v, j) => {
        assert.ok(Math.abs((proposal.memberValues[0]![j] as number) - v) < 1e-12)
      })

      const without = await s.peerGroups.propose('W14000022', { size: 6, includeCrimeRate: false })
      assert.deepEqual(
        without.group.members.slice(1).map((m) => m.code),
        expected.without_rate['W14000022']!.slice(0, 5).map((n) => n.code),
      )
      assert.equal(without.variables.length, 6)
      assert.match(without.group.methodNote ?? '', /The crime level is not among the variables/)

      const id = await s.peerGroups.save(proposal.group, 'analyst@example.org')
      const stored = await s.peerGroups.current('W14000022')
      assert.equal(stored?.id, id)
      assert.equal(stored?.members.length, 15)
    })

    it('says why a partnership sharing a district gets no proposal, and what it shares', async () => {
      const s = build()
      await s.reference.importRecordedCrime(onsFile(WORKBOOK), 'test')
      await assert.rejects(
        s.peerGroups.propose('E22000033'),
        /^Error: Carlisle cannot be given a proposal: shares a district \(Cumberland \(E06000063\) with Allerdale, Copeland\)/,
      )
    })
  })
}

describe('the proposal as the analyst reads it', () => {
  it('lists distance, values in their units and the largest difference in standard deviations', () => {
    // Worked by hand: two variables with sd 2 and 0.5; the member differs by +1 (0.5 sd) and −1.5 (3 sd).
    const proposal = {
      group: {
        partnershipCode: 'A',
        name: 'n',
        source: 's',
        asOf: '2026-11-26',
        method: 'proposed',
        methodNote: null,
        members: [
          { code: 'A', distance: 0 },
          { code: 'B', distance: 3.041 },
        ],
      },
      proposal: {
        neighbours: [{ code: 'B', name: 'B', distance: 3.041 }],
        candidates: 2,
        standardisation: [
          { variable: 'x', mean: 1.5, sd: 2, used: true },
          { variable: 'y', mean: 0.25, sd: 0.5, used: true },
        ],
        notes: [],
      },
      variables: [
        { id: 'crime-rate', name: 'x', heading: 'x', show: (v: number) => v.toFixed(1) },
        { id: 'violence-share', name: 'y', heading: 'y', show: (v: number) => `${(v * 100).toFixed(1)}%` },
      ],
      memberValues: [
        [1, 1],
        [2, -0.5],
      ],
      excluded: [],
    } satisfies PeerGroupProposal
    const lines = proposalTable(proposal, (code) => ({ name: `Partnership ${code}`, forceName: 'Gwent' }))
    assert.equal(lines.length, 4)
    assert.match(lines[1]!, /^ {3}1\. Partnership A +Gwent +0\.000 +1\.0 +100\.0% +$/)
    assert.match(lines[2]!, /^ {3}2\. Partnership B +Gwent +3\.041 +2\.0 +-50\.0% +y −3\.0 sd$/)
    assert.match(lines[3]!, /Average of 2 partnerships +1\.5 +25\.0%$/)
  })
})
