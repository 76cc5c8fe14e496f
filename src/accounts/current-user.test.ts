import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Database } from '../db/database.ts'
import { addTestPartnership, openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { createAccountRepository } from './account-repository.ts'

/**
 * The signed-in person as every page reads them (`findUser` on the instance's handle: one query, the person joined
 * to their memberships), against what was stored, and against the same person read the other way (two queries,
 * as inside a transaction).
 */
for (const dialect of testDialects()) {
  describe(`the signed-in person and their memberships, in one read (${dialect})`, () => {
    let database: Database
    const at = '2018-04-01T00:00:00.000Z'
    const ids: Record<string, number> = {}

    before(async () => {
      database = await openTestDatabase(dialect)
      const db = database.db
      // Added in this order so that the first partnership by id is not the first by name.
      ids.north = await addTestPartnership(database, 'Northshire Partnership')
      ids.east = await addTestPartnership(database, 'Eastshire Partnership')
      const agency = await db
        .insertInto('agencies')
        .values({ code: 'YOT-T', name: 'Youth Offending Team (test)', created_at: at })
        .returning('id')
        .executeTakeFirstOrThrow()
      ids.agency = agency.id
      const user = async (email: string, administrator = 0) =>
        (
          await db
            .insertInto('users')
            .values({
              email,
              name: `Person ${email}`,
              instance_administrator: administrator,
              disabled: 0,
              password_hash: null,
              must_change_password: 0,
              created_at: at,
              updated_at: at,
              password_changed_at: null,
              last_signed_in_at: null,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id
      ids.both = await user('both@example.org')
      ids.none = await user('none@example.org')
      ids.admin = await user('admin@example.org', 1)
      const member = (userId: number, partnershipId: number, role: string, agencyId: number | null) =>
        db
          .insertInto('memberships')
          .values({
            user_id: userId,
            partnership_id: partnershipId,
            role,
            agency_id: agencyId,
            created_at: at,
            updated_at: at,
          })
          .execute()
      // The later partnership's membership first, so the order read is the query's, not the insertion's.
      await member(ids.both, ids.east, 'data-owner', ids.agency)
      await member(ids.both, ids.north, 'partnership-analyst', null)
    })
    after(() => database?.close())

    it('reads a member of two partnerships with each role and agency, in partnership order', async () => {
      const repository = createAccountRepository(database.db)
      const person = await repository.findUser(ids.both as number)
      assert.ok(person)
      assert.equal(person.email, 'both@example.org')
      assert.equal(person.name, 'Person both@example.org')
      assert.equal(person.instanceAdministrator, false)
      // For the instance, the role in their first partnership (by id: Northshire, added first).
      assert.equal(person.role, 'partnership-analyst')
      assert.equal(person.agency, null)
      assert.deepEqual(person.memberships, [
        {
          partnershipId: ids.north,
          partnershipName: 'Northshire Partnership',
          partnershipSlug: 'northshire-partnership',
          role: 'partnership-analyst',
          agencyId: null,
          agency: null,
          twoStepPolicy: null,
        },
        {
          partnershipId: ids.east,
          partnershipName: 'Eastshire Partnership',
          partnershipSlug: 'eastshire-partnership',
          role: 'data-owner',
          agencyId: ids.agency,
          agency: { id: ids.agency, code: 'YOT-T', name: 'Youth Offending Team (test)' },
          twoStepPolicy: null,
        },
      ])
    })

    it('reads someone in no partnership, and an instance administrator, with no memberships; nobody for an unknown id', async () => {
      const repository = createAccountRepository(database.db)
      const none = await repository.findUser(ids.none as number)
      assert.ok(none)
      assert.deepEqual([none.email, none.role, none.memberships], ['none@example.org', 'viewer', []])
      const admin = await repository.findUser(ids.admin as number)
      assert.ok(admin)
      assert.deepEqual([admin.instanceAdministrator, admin.role, admin.memberships], [true, 'administrator', []])
      assert.equal(await repository.findUser(999_999), null)
    })

    it('gives the same person as the two reads made inside a transaction', async () => {
      const repository = createAccountRepository(database.db)
      for (const id of [ids.both, ids.none, ids.admin, 999_999] as number[]) {
        const inOne = await repository.findUser(id)
        const inTwo = await database.db.transaction().execute((trx) => repository.findUser(id, trx))
        assert.deepEqual(inOne, inTwo, String(id))
      }
    })
  })
}
