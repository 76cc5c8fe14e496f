import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import type { Database } from './database.ts'
import { compiledOnce } from './compiled-once.ts'

for (const dialect of testDialects()) {
  describe(`a query compiled once runs with each call's own value (${dialect})`, () => {
    let database: Database
    before(async () => {
      database = await openTestDatabase(dialect)
    })
    after(() => database.close())

    it('gives each value its own rows, from one compiled text', async () => {
      const { db } = database
      let compilations = 0
      const bySlug = compiledOnce((slug) => {
        compilations++
        return db
          .selectFrom('partnerships')
          .select(['slug', 'name'])
          .where('slug', '=', slug as string)
          .where('removed_at', 'is', null)
          .compile()
      })
      const now = new Date().toISOString()
      for (const [slug, name] of [
        ['westshire', 'Westshire'],
        ['northshire', 'Northshire'],
      ] as const)
        await db
          .insertInto('partnerships')
          .values({ slug, name, nation: 'england', created_at: now, created_by: 'test', updated_at: now })
          .execute()
      const first = { slug: 'westshire', name: 'Westshire' }
      const one = await db.executeQuery(bySlug(first.slug))
      const other = await db.executeQuery(bySlug('northshire'))
      const none = await db.executeQuery(bySlug('nowhere'))
      assert.deepEqual(one.rows, [first])
      assert.deepEqual(other.rows, [{ slug: 'northshire', name: 'Northshire' }])
      assert.deepEqual(none.rows, [])
      assert.equal(compilations, 1)
      assert.equal(bySlug('a').sql, bySlug('b').sql)
      assert.deepEqual(bySlug('northshire').parameters, ['northshire'])
    })

    it('refuses a query whose argument is not a bound value', () => {
      const query = compiledOnce(() => database.db.selectFrom('partnerships').select('slug').compile())
      assert.throws(() => query('northshire'), /not a bound value/)
    })
  })
}
