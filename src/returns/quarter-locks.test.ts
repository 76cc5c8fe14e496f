import { onlyPartnership } from '../../test/support/partnership.ts'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadConfig } from '../config.ts'
import { createServices, type Services } from '../composition-root.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'

/**
 * A signed-off quarter is closed to every writer, not only to returns: an import or an API call that would change
 * one of its figures is refused whole, and an unchanged re-import still passes. (Knife crime 2017/18 Q2 is 49 and Q3 is 56
 * in the seed report's Appendix C, which the demo data loads; neither carries commentary.)
 */
for (const dialect of testDialects()) {
  describe(`quarter locks hold for imports and the API (${dialect})`, () => {
    let services: Services
    let dataDirectory: string
    const board = { role: 'board-member' as const, agencyId: null, email: 'board@example.org' }
    const values = (rows: string) => [{ name: 'values.csv', content: Buffer.from(`indicator,period,value\r\n${rows}`) }]
    const knifeCrime = async (periodId: string) =>
      (
        await (await onlyPartnership(services)).performance.repository.listValues({ indicatorIds: ['knife-crime'] })
      ).find((v) => v.period === periodId)

    before(async () => {
      dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'saferhub-locks-'))
      const config = loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true', SAFERHUB_DATA_DIR: dataDirectory })
      services = await createServices(config, { database: await openTestDatabase(dialect) })
      assert.equal((await knifeCrime('FY2017-18-Q3'))?.value, 56)
      assert.ok(await (await onlyPartnership(services)).returns.signOff(board, 'FY2017-18-Q3'))
    })
    after(async () => {
      await services.close()
      await rm(dataDirectory, { recursive: true, force: true })
    })

    it('refuses an import that changes a figure of the locked quarter, and writes none of the file', async () => {
      const result = await (
        await onlyPartnership(services)
      ).performance.importFiles(
        values('knife-crime,FY2017-18-Q2,50\r\nknife-crime,FY2017-18-Q3,60\r\n'),
        'analyst@example.org',
      )
      assert.equal(result.outcome, 'rejected')
      assert.ok(result.outcome === 'rejected' && result.problems.some((p) => /2017\/18 Q3.*locked/.test(p.reason)))
      assert.equal((await knifeCrime('FY2017-18-Q3'))?.value, 56)
      assert.equal((await knifeCrime('FY2017-18-Q2'))?.value, 49, 'the unlocked row of the same file was not written')
    })

    it('lets an unchanged re-import and a change to an open quarter through', async () => {
      const result = await (
        await onlyPartnership(services)
      ).performance.importFiles(
        values('knife-crime,FY2017-18-Q2,50\r\nknife-crime,FY2017-18-Q3,56\r\n'),
        'analyst@example.org',
      )
      assert.equal(result.outcome, 'applied')
      assert.equal((await knifeCrime('FY2017-18-Q2'))?.value, 50)
    })

    it('refuses an API write to the locked quarter', async () => {
      const current = await knifeCrime('FY2017-18-Q3')
      assert.ok(current)
      const outcome = await (
        await onlyPartnership(services)
      ).api.writes.saveValue({
        value: { ...current, value: 70 },
        expectedVersion: (current as { version?: number }).version,
        actor: 'token:WMP:1',
        source: 'api',
        reference: 'token:1',
      })
      assert.deepEqual(outcome, { outcome: 'locked', quarter: 'FY2017-18-Q3' })
      assert.equal((await knifeCrime('FY2017-18-Q3'))?.value, 56)
    })
  })
}
