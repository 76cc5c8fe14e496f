import { onlyPartnership } from '../../../test/support/partnership.ts'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { loadConfig } from '../../config.ts'
import { createServices, type Services } from '../../composition-root.ts'
import { openTestDatabase } from '../../../test/support/databases.ts'
import { createApp } from '../../web/app.ts'
import { TestBrowser } from '../../accounts/web/test-client.ts'
import { demoUsers } from '../../accounts/demo-users.ts'

const password = (role: string) => demoUsers.find((u) => u.role === role)?.password as string
const email = (role: string) => demoUsers.find((u) => u.role === role)?.email as string

describe('audit trail page and API token administration', () => {
  let services: Services
  let server: Server
  let base: string

  before(async () => {
    const database = await openTestDatabase('sqlite')
    services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true' }), { database })
    server = createApp(services, { logger: { log: () => {} } }).listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await services.close()
  })

  const signedIn = async (role: string) => {
    const browser = new TestBrowser(base)
    assert.equal((await browser.signIn(email(role), password(role))).status, 303)
    return browser
  }

  it('an administrator issues a token (shown once), it works on the API, and revoking it is audited', async () => {
    const admin = await signedIn('administrator')
    const agencies = await (await onlyPartnership(services)).accounts.listAgencies()
    const yot = agencies.find((a) => a.code === 'YOT')
    assert.ok(yot)
    const csrf = await admin.csrfTokenOf('/admin/api-tokens/new')
    const missing = await admin.post('/admin/api-tokens', { _csrf: csrf, agency: '', name: '' })
    assert.equal(missing.status, 400)
    assert.match(await missing.text(), /Select an agency from the list/)
    const created = await admin.post('/admin/api-tokens', { _csrf: csrf, agency: String(yot.id), name: 'YOT nightly' })
    assert.equal(created.status, 303)
    const location = created.headers.get('location') as string
    const shown = await (await admin.get(location)).text()
    const token = /<code id="api-token">(shub_[A-Za-z0-9_-]{43})<\/code>/.exec(shown)?.[1]
    assert.ok(token, 'the token is shown')
    assert.doesNotMatch(await (await admin.get(location)).text(), /shub_[A-Za-z0-9_-]{43}/, 'and only once')
    const list = await (await admin.get('/admin/api-tokens')).text()
    assert.match(list, /YOT nightly/)
    assert.doesNotMatch(list, new RegExp(token), 'the list never shows the token')

    const api = (t: string) => fetch(`${base}/api/indicators`, { headers: { authorization: `Bearer ${t}` } })
    assert.equal((await api(token)).status, 200)
    const id = /\/admin\/api-tokens\/(\d+)\/issued/.exec(location)?.[1] as string
    assert.equal((await admin.post(`/admin/api-tokens/${id}/revoke`, { _csrf: csrf })).status, 303)
    assert.equal((await api(token)).status, 401)
    const events = await (await onlyPartnership(services)).audit.list({ entityType: 'api-token', entityKey: id })
    assert.deepEqual(
      events.map((e) => e.action),
      ['create', 'revoke'],
    )
    assert.equal((await (await signedIn('partnership-analyst')).get('/admin/api-tokens')).status, 403)
  })

  it('lists changes newest first with before and after, filters by type, actor and date, and shows the chain check', async () => {
    const analyst = await signedIn('partnership-analyst')
    const all = await analyst.get('/audit')
    assert.equal(all.status, 200)
    const html = await all.text()
    assert.match(html, /Chain intact/)
    // The chain is the instance's: every event of every partnership is checked.
    assert.ok(html.includes(`All ${await services.audit.count()} events were checked`))
    const total = await (await onlyPartnership(services)).audit.count()

    // The demo data's events are by "demo-data"; the token events of the test above by the administrator.
    const byAdmin = await (await analyst.get('/audit?actor=admin%40example.org&entityType=api-token')).text()
    const rows = [...byAdmin.matchAll(/<tr class="govuk-table__row" id="event-(\d+)">/g)].map((m) => Number(m[1]))
    const expected = (
      await (await onlyPartnership(services)).audit.list({ actor: 'admin@example.org', entityType: 'api-token' })
    )
      .map((e) => e.id)
      .reverse()
    assert.ok(expected.length >= 2)
    assert.deepEqual(rows, expected)

    const today = new Date().toISOString().slice(0, 10)
    const future = (await (await analyst.get('/audit?from=2099-01-01')).text()).includes('No events match')
    assert.ok(future, 'nothing after 2099-01-01')
    const todays = await (await analyst.get(`/audit?from=${today}&to=${today}&entityType=api-token`)).text()
    assert.ok(todays.includes('id="event-'), 'today’s events are found')
    const bad = await analyst.get('/audit?from=2018-13-45')
    assert.equal(bad.status, 400)
    assert.match(await bad.text(), /Enter the from date as YYYY-MM-DD/)

    // Paging: 50 a page, newest first.
    const page1 = [...(await (await analyst.get('/audit')).text()).matchAll(/id="event-(\d+)"/g)].map((m) =>
      Number(m[1]),
    )
    const page2 = [...(await (await analyst.get('/audit?page=2')).text()).matchAll(/id="event-(\d+)"/g)].map((m) =>
      Number(m[1]),
    )
    // The partnership's events, newest first, 50 a page (ids are the instance's chain, so not 1…total); the death
    // review register's are left out for the analyst, who does not hold the register (src/reviews/).
    const newest = (
      await (
        await onlyPartnership(services)
      ).audit.list({ newestFirst: true, limit: 100, excludeEntityTypePrefix: 'death-review' })
    ).map((e) => e.id)
    assert.equal(page1.length, Math.min(50, total))
    assert.deepEqual(page1, newest.slice(0, 50))
    if (total > 50) assert.equal(page2[0], newest[50])

    assert.equal((await (await signedIn('viewer')).get('/audit')).status, 403)
  })

  it('shows sign-in events, filtered by kind, with the email typed and never the password', async () => {
    const stranger = new TestBrowser(base)
    assert.equal((await stranger.signIn('Board@Example.org', 'not the board password')).status, 401)
    const board = await signedIn('board-member')
    const signOutToken = await board.csrfTokenOf('/sign-out')
    assert.equal((await board.post('/sign-out', { _csrf: signOutToken })).status, 303)

    const admin = await signedIn('administrator')
    const eventIds = (html: string) => [...html.matchAll(/id="event-(\d+)"/g)].map((m) => Number(m[1]))
    const newestFirst = async (actions: readonly string[]) =>
      (await (await onlyPartnership(services)).audit.list({ actions, newestFirst: true, limit: 50 })).map((e) => e.id)

    const failed = await admin.get('/audit?action=sign-in-failed')
    assert.equal(failed.status, 200)
    const failedHtml = await failed.text()
    assert.deepEqual(eventIds(failedHtml), await newestFirst(['sign-in-failed']))
    assert.ok(eventIds(failedHtml).length >= 1)
    assert.match(failedHtml, /Sign-in failed: sign-in-failed user/)
    assert.ok(failedHtml.includes('board@example.org'), 'the email as typed, normalised')
    assert.ok(!failedHtml.includes('not the board password'))
    assert.match(failedHtml, /<option value="sign-in-failed" selected>/)

    // Every kind at once: sign-ins (this test's and the earlier ones), the failure and the sign-out, nothing else.
    const all = await (await admin.get('/audit?action=sign-in-events')).text()
    const kinds = ['sign-in', 'sign-in-failed', 'sign-in-throttled', 'sign-out']
    const expected = await newestFirst([...kinds, 'change-own-password', 'change-own-password-refused'])
    assert.deepEqual(eventIds(all), expected)
    const stored = await (await onlyPartnership(services)).audit.list({ actions: ['sign-out'] })
    assert.equal(stored.at(-1)?.actor, email('board-member'))
    assert.ok(eventIds(all).includes(stored.at(-1)?.id ?? -1))

    // Any action can be asked for by address (a link from elsewhere); nonsense is refused with a message.
    const byAddress = await (await admin.get('/audit?action=create&entityType=api-token')).text()
    assert.deepEqual(
      eventIds(byAddress),
      (
        await (
          await onlyPartnership(services)
        ).audit.list({ actions: ['create'], entityType: 'api-token', newestFirst: true })
      ).map((e) => e.id),
    )
    const bad = await admin.get('/audit?action=%3Cscript%3E')
    assert.equal(bad.status, 400)
    const badHtml = await bad.text()
    assert.match(badHtml, /Choose an event from the list/)
    assert.ok(!badHtml.includes('<script>'))
  })
})
