import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import ExcelJS from 'exceljs'
import { loadConfig } from '../config.ts'
import { createServices, type Services } from '../composition-root.ts'
import { openTestDatabase } from '../../test/support/databases.ts'
import { createApp } from '../web/app.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'
import { demoUsers } from '../accounts/demo-users.ts'
import { readPerformanceImportOffThread, type ImportReader } from '../performance/import/read-in-worker.ts'

const analystAccount = demoUsers.find((u) => u.role === 'partnership-analyst') as (typeof demoUsers)[number]

/** Issue 9: every GET /imports/:id read the workbook again (112 s each for the hostile one). */
describe('an upload is read once, however often its preview is shown', () => {
  let services: Services
  let server: Server
  let dataDirectory: string
  let analyst: TestBrowser
  let csrf: string
  const reads: string[][] = []
  // The real reader (a worker thread for a workbook), counted.
  const countingReader: ImportReader = (files, known, options) => {
    reads.push(files.map((f) => f.name))
    return readPerformanceImportOffThread(files, known, options)
  }

  before(async () => {
    dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'saferhub-preview-cache-'))
    const database = await openTestDatabase('sqlite')
    const config = loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true', SAFERHUB_DATA_DIR: dataDirectory })
    services = await createServices(config, { database, importReader: countingReader })
    server = createApp(services, { logger: { log: () => {} } }).listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    analyst = new TestBrowser(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    assert.equal((await analyst.signIn(analystAccount.email, analystAccount.password)).status, 303)
    csrf = await analyst.csrfTokenOf('/account/change-password')
  })
  after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await services.close()
    await rm(dataDirectory, { recursive: true, force: true })
  })

  it('reads a workbook once for two previews and the confirmation, and applies what the preview showed', async () => {
    reads.length = 0 // the demo data was loaded through the same reader
    const workbook = new ExcelJS.Workbook()
    workbook.addWorksheet('Values').addRows([
      ['indicator', 'period', 'value'],
      ['knife-crime', 'FY2018-19-Q1', 41],
    ])
    const content = Buffer.from(await workbook.xlsx.writeBuffer())
    const form = new FormData()
    form.append('files', new Blob([content]), 'returns.xlsx')
    const uploaded = await analyst.request(`/imports?_csrf=${csrf}`, { method: 'POST', body: form })
    assert.equal(uploaded.status, 303)
    const location = uploaded.headers.get('location') as string

    const first = await analyst.get(location)
    assert.equal(first.status, 200)
    const firstPage = (await first.text()).replace(/\s+/g, ' ')
    assert.match(firstPage, /id="changes-values">/)
    assert.deepEqual(reads, [['returns.xlsx']], 'the first preview reads the workbook')

    const second = await analyst.get(location)
    assert.equal(second.status, 200)
    // The same added / changed / unchanged counts as the first time.
    const changes = (page: string) => /id="changes-values">.*?<\/tr>/.exec(page)?.[0]
    assert.equal(changes((await second.text()).replace(/\s+/g, ' ')), changes(firstPage))
    assert.equal(reads.length, 1, 'the second preview is not read again')

    assert.equal((await analyst.post(`${location}/confirm`, { _csrf: csrf })).status, 303)
    assert.equal(reads.length, 1, 'the confirmation applies the read the preview showed')
    const partnership = (await services.partnerships.list())[0]
    assert.ok(partnership)
    const stored = await services
      .forPartnership(partnership)
      .performance.repository.getValue('knife-crime', 'FY2018-19-Q1')
    assert.equal(stored?.value, 41)
  })
})
