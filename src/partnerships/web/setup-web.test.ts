import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { TestBrowser } from '../../accounts/web/test-client.ts'
import { createServices, type Services } from '../../composition-root.ts'
import { loadConfig } from '../../config.ts'
import { openTestDatabase } from '../../../test/support/databases.ts'
import { createApp } from '../../web/app.ts'

describe('the first run on the web: an instance administrator sets up their partnership', () => {
  let services: Services
  let server: Server
  let base: string
  let dataDirectory: string
  let admin: TestBrowser

  before(async () => {
    dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'saferhub-setup-'))
    const config = loadConfig({
      NODE_ENV: 'test',
      SAFERHUB_DEMO: 'false',
      SAFERHUB_TWO_STEP: 'optional',
      SAFERHUB_DATA_DIR: dataDirectory,
    })
    services = await createServices(config, { database: await openTestDatabase('sqlite'), firstStart: 'nothing' })
    const first = await services.accounts.createFirstAdministrator('ana@northshire.example', 'Ana')
    assert.ok(first)
    server = createApp(services, { logger: { log: () => {} } }).listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    admin = new TestBrowser(base)
    await admin.signIn('ana@northshire.example', first.oneTimePassword)
    const token = await admin.csrfTokenOf('/account/change-password')
    const changed = await admin.post('/account/change-password', {
      _csrf: token,
      currentPassword: first.oneTimePassword,
      newPassword: 'a long and private passphrase',
      confirmPassword: 'a long and private passphrase',
    })
    assert.equal(changed.status, 303)
  })
  after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await services.close()
    await rm(dataDirectory, { recursive: true, force: true })
  })

  it('the home page asks for the partnership; a visitor signed out sees the public list instead', async () => {
    const page = await (await admin.get('/')).text()
    assert.match(page, /<h1 class="govuk-heading-l">Set up your partnership<\/h1>/)
    assert.match(page, /<form method="post" action="\/setup"/)
    const visitor = await (await new TestBrowser(base).get('/')).text()
    assert.doesNotMatch(visitor, /Set up your partnership/)
    assert.match(visitor, /No partnership has published a report here yet/)
  })

  it('a bad code is shown beside its field and creates nothing', async () => {
    const token = await admin.csrfTokenOf('/setup')
    const refused = await admin.post('/setup', { _csrf: token, name: 'Safer Northshire Partnership', code: 'X123' })
    assert.equal(refused.status, 400)
    const page = await refused.text()
    assert.match(page, /<title>Error: Set up your partnership/)
    assert.match(page, /href="#code">An ONS partnership code is E22 or W14 followed by six digits/)
    assert.match(page, /value="Safer Northshire Partnership"/) // what was typed is kept
    assert.deepEqual(await services.partnerships.list(), [])
  })

  it('creates the partnership (audited, nothing of the demo’s) and goes on to the imports page with the template', async () => {
    const token = await admin.csrfTokenOf('/setup')
    const created = await admin.post('/setup', {
      _csrf: token,
      name: 'Safer Northshire Partnership',
      slug: 'northshire',
    })
    assert.equal(created.status, 303)
    assert.equal(created.headers.get('location'), '/p/northshire/imports')
    const imports = await (await admin.get('/p/northshire/imports')).text()
    assert.match(imports, /Safer Northshire Partnership is set up at \/p\/northshire\//)
    assert.match(imports, /href="\/p\/northshire\/imports\/template\.xlsx"/)
    const [partnership, ...others] = await services.partnerships.list()
    assert.equal(partnership?.name, 'Safer Northshire Partnership')
    assert.deepEqual(others, [])
    const events = await services.audit.list({ entityType: 'partnership' })
    assert.deepEqual(
      events.map((e) => [e.action, e.actor]),
      [['create', 'ana@northshire.example']],
    )
    assert.deepEqual(await services.database.db.selectFrom('agencies').select('code').execute(), [])
    // Once there is a partnership, the home page is the public list again.
    assert.doesNotMatch(await (await admin.get('/')).text(), /Set up your partnership/)
  })

  it('the form needs an instance administrator and a CSRF token', async () => {
    assert.equal((await new TestBrowser(base).get('/setup')).status, 303) // to sign in
    const noToken = await admin.post('/setup', { name: 'Elsewhere' })
    assert.equal(noToken.status, 403)
  })
})
