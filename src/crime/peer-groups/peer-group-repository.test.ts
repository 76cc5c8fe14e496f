import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Database } from '../../db/database.ts'
import { openTestDatabase, testDialects } from '../../../test/support/databases.ts'
import type { PeerGroup } from './peer-group.ts'
import { createPeerGroupRepository } from './peer-group-repository.ts'

const group = (name: string, asOf: string, members: string[]): PeerGroup => ({
  partnershipCode: 'E22000341',
  name,
  source: 'Home Office iQuanta',
  asOf,
  method: 'imported',
  methodNote: null,
  members: members.map((code, i) => ({ code, distance: i === 0 ? null : i * 0.5 })),
})

for (const dialect of testDialects()) {
  describe(`peer group repository (${dialect})`, () => {
    let database: Database
    beforeEach(async () => {
      database = await openTestDatabase(dialect)
    })
    afterEach(() => database.close())

    it('stores groups with their members in order, and gives the most recent as current', async () => {
      const repository = createPeerGroupRepository(database)
      await repository.save([group('Old', '2017-03-31', ['E22000341', 'E22000340'])], 'tester')
      await repository.save([group('New', '2018-03-31', ['E22000341', 'E22000338', 'E22000337'])], 'tester')
      const current = await repository.current('E22000341')
      assert.equal(current?.name, 'New')
      assert.deepEqual(current?.members, [
        { code: 'E22000341', distance: null },
        { code: 'E22000338', distance: 0.5 },
        { code: 'E22000337', distance: 1 },
      ])
      assert.equal(current?.createdBy, 'tester')
      assert.equal((await repository.current('E22000341', 'old'))?.members.length, 2)
      assert.equal(await repository.current('E22000341', 'missing'), null)
      assert.equal(await repository.current('W14000022'), null)
    })

    it('replaces a group saved again under the same name, members and all', async () => {
      const repository = createPeerGroupRepository(database)
      await repository.save([group('MSG', '2018-03-31', ['E22000341', 'E22000340', 'E22000338'])], 'a')
      await repository.save([group('MSG', '2019-03-31', ['E22000341', 'E22000337'])], 'b')
      const groups = await repository.list('E22000341')
      assert.equal(groups.length, 1)
      assert.deepEqual(
        groups[0]?.members.map((m) => m.code),
        ['E22000341', 'E22000337'],
      )
      const members = await database.db.selectFrom('peer_group_members').selectAll().execute()
      assert.equal(members.length, 2)
    })

    it('saves several groups all or nothing', async () => {
      const repository = createPeerGroupRepository(database)
      await assert.rejects(
        repository.save(
          [group('A', '2018-03-31', ['E22000341']), group('B', '2018-03-31', ['E22000341', 'E22000341'])],
          'a',
        ),
      )
      assert.deepEqual(await repository.list('E22000341'), [])
    })
  })
}
