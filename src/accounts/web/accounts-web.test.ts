import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import express from 'express'
import { createAuditRepository } from '../../audit/audit-repository.ts'
import { loadConfig, type Config } from '../../config.ts'
import type { Database } from '../../db/database.ts'
import { errorHandler, notFound } from '../../web/errors.ts'
import { createNunjucksEnvironment } from '../../shared/web/nunjucks-setup.ts'
import { openTestPartnershipDatabase, testDialects } from '../../../test/support/databases.ts'
import { serveForTest } from '../../../test/support/web-app.ts'
import { addUserWithPassword } from '../../../test/support/accounts.ts'
import { createAccountService, type AccountService } from '../account-service.ts'
import { fakeClock } from '../clock.ts'
import { createTwoStepService } from '../two-step/two-step-service.ts'
import { idParameter } from './forms.ts'
import {
  accountNavigation,
  accountRoutes,
  requireApiToken,
  requirePermission,
  setUpAuthentication,
  setUpCsrf,
  setUpWebSession,
  userAdministrationRoutes,
} from './index.ts'
import { TestBrowser } from './test-client.ts'

/*
 * The accounts' web layer, assembled in the same order as src/web/app.ts, with two pages standing in for the
 * rest of the application: `/report` (needs report:view) and `/returns/:agency` (needs return:edit for that
 * agency). Each test starts a server on an ephemeral port over a fresh database.
 */

const clock = fakeClock('2018-04-03T09:00:00.000Z')
const silentLogger = { log: () => {} }

interface TestApp {
  readonly browser: () => TestBrowser
  readonly accounts: AccountService
  readonly database: Database
  readonly baseUrl: string
  close(): Promise<void>
}

async function startTestApp(dialect: 'sqlite' | 'postgres', env: Record<string, string> = {}): Promise<TestApp> {
  // Two-step sign-in is tested in src/accounts/two-step/: here, the password alone signs in.
  const config: Config = loadConfig({ SAFERHUB_DEMO: 'false', SAFERHUB_TWO_STEP: 'optional', ...env })
  const database = await openTestPartnershipDatabase(dialect)
  const audit = createAuditRepository(database, { now: () => clock.now() })
  const accounts = createAccountService({
    database,
    audit,
    clock,
    throttlePolicy: {
      accountAndSource: { threshold: 3, baseDelaySeconds: 60, maxDelaySeconds: 3600 },
      source: { threshold: 10, baseDelaySeconds: 60, maxDelaySeconds: 3600 },
      account: { threshold: 6, baseDelaySeconds: 30, maxDelaySeconds: 300 },
      forgetAfterSeconds: 86400,
    },
  })
  await accounts.createDefaultAgencies()
  const twoStep = createTwoStepService({
    database,
    audit,
    accounts,
    policy: config.twoStepPolicy ?? 'required',
    applicationSecret: config.sessionSecret,
    issuer: config.partnershipName,
  })
  const services = { accounts, config, twoStep }
  const app = express()
  app.set('trust proxy', config.trustProxy)
  createNunjucksEnvironment().express(app)
  app.set('view engine', 'njk')
  app.locals.partnershipName = 'Test Partnership'
  app.use(setUpWebSession(services))
  app.use(setUpCsrf())
  app.use(setUpAuthentication(accounts))
  app.use((req, res, next) => {
    res.locals.navigation = accountNavigation(req, res)
    next()
  })
  app.use(accountRoutes(services))
  app.use(userAdministrationRoutes(accounts))
  app.get('/report', requirePermission(accounts, 'report:view'), (_req, res) => {
    res.type('text/plain').send(`report for ${res.locals.currentUser?.email}`)
  })
  app.post(
    '/returns/:agency',
    requirePermission(accounts, 'return:edit', (req) => ({ agencyId: idParameter(req.params.agency) })),
    (_req, res) => {
      res.type('text/plain').send('saved')
    },
  )
  app.post('/api/whoami', requireApiToken(accounts), (_req, res) => {
    res.json({ agency: res.locals.apiClient?.agency.code })
  })
  app.use(notFound())
  app.use(errorHandler(silentLogger))
  const listening = await serveForTest(app)
  const baseUrl = listening.base
  return {
    accounts,
    database,
    baseUrl,
    browser: () => new TestBrowser(baseUrl),
    async close() {
      await listening.close()
      await database.close()
    },
  }
}

/** Adds a user who has already chosen their password. */
async function addUser(
  t: TestApp,
  email: string,
  role: string,
  agencyCode: string | null = null,
  password = 'correct horse battery staple',
) {
  const agency = agencyCode ? await t.accounts.repository.findAgencyByCode(agencyCode) : null
  return addUserWithPassword(t.accounts, { email, role, agencyId: agency?.id ?? null, password })
}

const SESSION = 'saferhub-session'

for (const dialect of testDialects()) {
  describe(`accounts on the web (${dialect})`, () => {
    let t: TestApp
    beforeEach(async () => {
      clock.set('2018-04-03T09:00:00.000Z')
      t = await startTestApp(dialect)
    })
    afterEach(() => t.close())

    it('sends a visitor who is not signed in to the sign-in page, and makes no session for them', async () => {
      const browser = t.browser()
      const response = await browser.get('/report')
      assert.equal(response.status, 303)
      assert.equal(response.headers.get('location'), '/sign-in?returnTo=%2Freport')
      assert.equal(browser.cookies.size, 0)
      assert.equal((await t.database.db.selectFrom('sessions').selectAll().execute()).length, 0)
    })

    it('regenerates the session id at sign-in: the pre-sign-in id no longer works', async () => {
      await addUser(t, 'viewer@example.org', 'viewer')
      const browser = t.browser()
      const token = await browser.csrfTokenOf('/sign-in')
      const before = browser.cookies.get(SESSION)
      assert.ok(before, 'the sign-in form sets a pre-authentication session cookie (it holds the CSRF token)')
      const response = await browser.post('/sign-in', {
        _csrf: token,
        email: 'viewer@example.org',
        password: 'correct horse battery staple',
        returnTo: '/report',
      })
      assert.equal(response.status, 303)
      assert.equal(response.headers.get('location'), '/report')
      const after = browser.cookies.get(SESSION)
      assert.ok(after)
      assert.notEqual(after, before)
      assert.equal(await (await browser.get('/report')).text(), 'report for viewer@example.org')
      // The attacker's copy of the old cookie: not signed in.
      const attacker = t.browser()
      attacker.cookies.set(SESSION, before)
      assert.equal((await attacker.get('/report')).status, 303)
      // And the old session is gone from the store.
      const oldSid = decodeURIComponent(before)
        .replace(/^s:/, '')
        .replace(/\.[^.]*$/, '')
      const oldRow = await t.database.db
        .selectFrom('sessions')
        .select('sid_hash')
        .where('sid_hash', '=', createHash('sha256').update(oldSid).digest('hex'))
        .execute()
      assert.equal(oldRow.length, 0)
    })

    it('refuses a POST without the CSRF token, or with another session’s token, with 403', async () => {
      await addUser(t, 'viewer@example.org', 'viewer')
      const browser = t.browser()
      await browser.get('/sign-in')
      const noToken = await browser.post('/sign-in', {
        email: 'viewer@example.org',
        password: 'correct horse battery staple',
      })
      assert.equal(noToken.status, 403)
      assert.match(await noToken.text(), /Your form could not be sent/)
      const other = t.browser()
      const otherToken = await other.csrfTokenOf('/sign-in')
      const wrongToken = await browser.post('/sign-in', {
        _csrf: otherToken,
        email: 'viewer@example.org',
        password: 'correct horse battery staple',
      })
      assert.equal(wrongToken.status, 403)
      // Signed in, a state-changing POST without the token is refused too, and nothing happens.
      assert.equal((await browser.signIn('viewer@example.org', 'correct horse battery staple')).status, 303)
      assert.equal((await browser.post('/sign-out', {})).status, 403)
      assert.equal((await browser.get('/report')).status, 200)
    })

    it('refuses a cookie-authenticated POST to a page with a bogus Authorization: Bearer header and no token', async () => {
      await addUser(t, 'viewer@example.org', 'viewer')
      const browser = t.browser()
      await browser.signIn('viewer@example.org', 'correct horse battery staple')
      // Outside /api a bearer header authenticates nothing, so it must not switch the CSRF check off.
      const response = await browser.post('/sign-out', {}, { authorization: 'Bearer x' })
      assert.equal(response.status, 403)
      assert.match(await response.text(), /Your form could not be sent/)
      assert.equal((await browser.get('/report')).status, 200, 'still signed in: the sign-out did not happen')
    })

    it('refuses a form posted from another site even with a token', async () => {
      await addUser(t, 'viewer@example.org', 'viewer')
      const browser = t.browser()
      await browser.signIn('viewer@example.org', 'correct horse battery staple')
      const token = await browser.csrfTokenOf('/sign-out')
      const response = await browser.post('/sign-out', { _csrf: token }, { 'sec-fetch-site': 'cross-site' })
      assert.equal(response.status, 403)
      assert.equal((await browser.get('/report')).status, 200)
    })

    it('development cookie: HttpOnly, SameSite=Lax, Path=/, rolling max-age of the idle timeout', async () => {
      const browser = t.browser()
      const response = await browser.get('/sign-in')
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION}=`))
      assert.ok(cookie)
      assert.match(cookie, /; Path=\//)
      assert.match(cookie, /; HttpOnly/)
      assert.match(cookie, /; SameSite=Lax/)
      assert.match(cookie, /; Expires=/)
      assert.doesNotMatch(cookie, /; Secure/)
    })

    it('signs out: the cookie is cleared and replaying it does not work', async () => {
      await addUser(t, 'viewer@example.org', 'viewer')
      const browser = t.browser()
      await browser.signIn('viewer@example.org', 'correct horse battery staple')
      const signedIn = browser.cookies.get(SESSION) as string
      const token = await browser.csrfTokenOf('/sign-out')
      const response = await browser.post('/sign-out', { _csrf: token })
      assert.equal(response.status, 303)
      assert.equal(response.headers.get('location'), '/sign-in?signedOut=1')
      assert.equal(browser.cookies.has(SESSION), false)
      const replay = t.browser()
      replay.cookies.set(SESSION, signedIn)
      assert.equal((await replay.get('/report')).status, 303)
      assert.match(await (await t.browser().get('/sign-in?signedOut=1')).text(), /You have signed out/)
    })

    it('ends a session after 30 idle minutes, and after 12 hours however busy', async () => {
      await addUser(t, 'viewer@example.org', 'viewer')
      const idle = t.browser()
      await idle.signIn('viewer@example.org', 'correct horse battery staple')
      clock.advance({ minutes: 29 })
      assert.equal((await idle.get('/report')).status, 200)
      clock.advance({ minutes: 29 }) // 29 minutes since the last request: still alive
      assert.equal((await idle.get('/report')).status, 200)
      clock.advance({ minutes: 30 })
      assert.equal((await idle.get('/report')).status, 303)

      const busy = t.browser()
      await busy.signIn('viewer@example.org', 'correct horse battery staple')
      for (let i = 0; i < 35; i++) {
        clock.advance({ minutes: 20 })
        assert.equal((await busy.get('/report')).status, 200, `request ${i}`)
      }
      clock.advance({ minutes: 20 }) // 12 hours after sign-in
      assert.equal((await busy.get('/report')).status, 303)
    })

    it('a disabled user’s next request is refused, and a changed agency applies at once', async () => {
      const owner = await addUser(t, 'owner@example.org', 'data-owner', 'WMP')
      const wmp = (await t.accounts.repository.findAgencyByCode('WMP'))?.id
      const yot = (await t.accounts.repository.findAgencyByCode('YOT'))?.id
      const browser = t.browser()
      await browser.signIn('owner@example.org', 'correct horse battery staple')
      const postReturn = async (agency: number | undefined) =>
        browser.post(`/returns/${agency}`, { _csrf: await browser.csrfTokenOf('/account/change-password') })
      assert.equal((await postReturn(wmp)).status, 200)
      assert.equal((await postReturn(yot)).status, 403)
      // Moved to the Youth Offending Team: the very next request sees it.
      await t.accounts.updateUser({ system: 'test' }, owner.id, {
        name: owner.name,
        role: 'data-owner',
        agencyId: yot ?? null,
      })
      assert.equal((await postReturn(yot)).status, 200)
      assert.equal((await postReturn(wmp)).status, 403)
      await t.accounts.setUserDisabled({ system: 'test' }, owner.id, true)
      const refused = await browser.get('/report')
      assert.equal(refused.status, 303)
      assert.equal(refused.headers.get('location'), '/sign-in?returnTo=%2Freport')
    })

    it('a user holding a one-time password must change it before anything else; the change starts a new session', async () => {
      const first = await t.accounts.createFirstAdministrator('admin@localhost')
      assert.ok(first)
      const browser = t.browser()
      const signIn = await browser.signIn('admin@localhost', first.oneTimePassword)
      assert.equal(signIn.headers.get('location'), '/account/change-password')
      const blocked = await browser.get('/admin/users')
      assert.equal(blocked.status, 303)
      assert.equal(blocked.headers.get('location'), '/account/change-password')
      const beforeChange = browser.cookies.get(SESSION)
      const token = await browser.csrfTokenOf('/account/change-password')
      const weak = await browser.post('/account/change-password', {
        _csrf: token,
        currentPassword: first.oneTimePassword,
        newPassword: 'password1234',
        confirmPassword: 'password1234',
      })
      assert.equal(weak.status, 400)
      const weakPage = await weak.text()
      assert.match(weakPage, /govuk-error-summary/)
      assert.match(weakPage, /href="#newPassword"/)
      assert.match(weakPage, /<title>Error: Change your password/)
      const done = await browser.post('/account/change-password', {
        _csrf: token,
        currentPassword: first.oneTimePassword,
        newPassword: 'a long and private passphrase',
        confirmPassword: 'a long and private passphrase',
      })
      assert.equal(done.status, 303)
      assert.equal(done.headers.get('location'), '/account')
      assert.notEqual(browser.cookies.get(SESSION), beforeChange)
      assert.match(await (await browser.get('/account')).text(), /Your password has been changed/)
      assert.equal((await browser.get('/admin/users')).status, 200)
    })

    it('one generic message for a wrong password and an unknown email; 429 with Retry-After when throttled', async () => {
      await addUser(t, 'board@example.org', 'board-member')
      const wrong = await t.browser().signIn('board@example.org', 'not the password')
      const unknown = await t.browser().signIn('nobody@example.org', 'not the password')
      assert.equal(wrong.status, 401)
      assert.equal(unknown.status, 401)
      const message = (html: string) => /<a href="#email">([^<]*)<\/a>/.exec(html)?.[1]
      const wrongText = await wrong.text()
      assert.equal(message(wrongText), 'Enter a correct email address and password')
      assert.equal(message(await unknown.text()), 'Enter a correct email address and password')
      assert.doesNotMatch(wrongText, /not the password/, 'the password is never sent back')
      const attacker = t.browser()
      await attacker.signIn('board@example.org', 'guess two')
      await attacker.signIn('board@example.org', 'guess three')
      // Three failures from 127.0.0.1 on this account: the next waits a minute.
      const throttled = await attacker.signIn('board@example.org', 'correct horse battery staple')
      assert.equal(throttled.status, 429)
      assert.equal(throttled.headers.get('retry-after'), '60')
      assert.match(await throttled.text(), /Too many attempts to sign in. Wait 1 minute, then try again/)
      clock.advance({ seconds: 60 })
      assert.equal((await attacker.signIn('board@example.org', 'correct horse battery staple')).status, 303)
    })

    it('does not believe X-Forwarded-For unless TRUST_PROXY says so', async () => {
      await addUser(t, 'board@example.org', 'board-member')
      const attacker = t.browser()
      for (let i = 0; i < 3; i++) {
        attacker.headers = { 'x-forwarded-for': `203.0.113.${i + 1}` }
        await attacker.signIn('board@example.org', `guess ${i}`)
      }
      attacker.headers = { 'x-forwarded-for': '203.0.113.99' }
      // Rotating the header did not make new sources: all were 127.0.0.1.
      assert.equal((await attacker.signIn('board@example.org', 'guess 4')).status, 429)
    })

    it('never redirects off the site after sign-in', async () => {
      await addUser(t, 'viewer@example.org', 'viewer')
      for (const returnTo of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
        const browser = t.browser()
        const token = await browser.csrfTokenOf('/sign-in')
        const response = await browser.post('/sign-in', {
          _csrf: token,
          email: 'viewer@example.org',
          password: 'correct horse battery staple',
          returnTo,
        })
        assert.equal(response.headers.get('location'), '/', returnTo)
      }
    })

    it('user administration: only administrators; add with a one-time password shown once; disable', async () => {
      await addUser(t, 'admin@example.org', 'administrator')
      await addUser(t, 'analyst@example.org', 'partnership-analyst')
      const analyst = t.browser()
      await analyst.signIn('analyst@example.org', 'correct horse battery staple')
      assert.equal((await analyst.get('/admin/users')).status, 403)
      assert.equal(
        (await analyst.post('/admin/users', { _csrf: await analyst.csrfTokenOf('/account/change-password') })).status,
        403,
      )

      const admin = t.browser()
      await admin.signIn('admin@example.org', 'correct horse battery staple')
      const list = await admin.get('/admin/users')
      assert.equal(list.status, 200)
      assert.match(await list.text(), /analyst@example\.org/)

      const token = await admin.csrfTokenOf('/admin/users/new')
      const invalid = await admin.post('/admin/users', {
        _csrf: token,
        name: '',
        email: 'nope',
        role: 'data-owner',
        agency: '',
      })
      assert.equal(invalid.status, 400)
      const invalidPage = await invalid.text()
      assert.match(invalidPage, /href="#email"/)
      assert.match(invalidPage, /href="#name"/)
      assert.match(invalidPage, /href="#agency"/)
      assert.match(invalidPage, /value="nope"/, 'what was typed is kept')

      const yot = (await t.accounts.repository.findAgencyByCode('YOT'))?.id
      const added = await admin.post('/admin/users', {
        _csrf: token,
        name: '<script>alert(1)</script> Owner',
        email: 'New.Owner@Example.org',
        role: 'data-owner',
        agency: String(yot),
      })
      assert.equal(added.status, 303)
      const location = added.headers.get('location') ?? ''
      assert.match(location, /^\/admin\/users\/\d+\/one-time-password$/)
      const shown = await (await admin.get(location)).text()
      const password = /class="govuk-panel__body">\s*([a-z0-9-]{24})\s*</.exec(shown)?.[1]
      assert.ok(password, 'the one-time password is on the page')
      assert.doesNotMatch(shown, /<script>alert/)
      assert.match(shown, /&lt;script&gt;alert\(1\)&lt;\/script&gt; Owner/)
      assert.doesNotMatch(await (await admin.get(location)).text(), new RegExp(password), 'shown only once')

      const newcomer = t.browser()
      assert.equal(
        (await newcomer.signIn('new.owner@example.org', password)).headers.get('location'),
        '/account/change-password',
      )

      const userPage = location.replace('/one-time-password', '')
      const disable = await admin.post(`${userPage}/disable`, { _csrf: await admin.csrfTokenOf(userPage) })
      assert.equal(disable.status, 303)
      assert.match(await (await admin.get(userPage)).text(), /every session of it has ended/)
      assert.equal((await newcomer.get('/account/change-password')).status, 303)
      assert.equal((await t.browser().signIn('new.owner@example.org', password)).status, 401)
      assert.equal((await admin.get('/admin/users/999999')).status, 404)
      assert.equal((await admin.get('/admin/users/abc')).status, 404)
    })

    it('the API takes an agency’s bearer token instead of a session (no CSRF token needed), and nothing else', async () => {
      const created = await t.accounts.createApiToken(
        { system: 'test' },
        {
          agencyId: (await t.accounts.repository.findAgencyByCode('WMFS'))?.id ?? 0,
          name: 'Fire incidents feed',
        },
      )
      assert.ok(created.ok)
      const client = t.browser()
      const ok = await client.request('/api/whoami', {
        method: 'POST',
        headers: { authorization: `Bearer ${created.token}` },
      })
      assert.equal(ok.status, 200)
      assert.deepEqual(JSON.parse(await ok.text()), { agency: 'WMFS' })
      const none = await client.request('/api/whoami', {
        method: 'POST',
        headers: { authorization: 'Bearer shub_nonsense' },
      })
      assert.equal(none.status, 401)
      assert.equal(none.headers.get('www-authenticate'), 'Bearer')
      // A signed-in browser session is no API credential (and without a bearer token the CSRF check applies).
      await addUser(t, 'admin@example.org', 'administrator')
      const browser = t.browser()
      await browser.signIn('admin@example.org', 'correct horse battery staple')
      const token = await browser.csrfTokenOf('/account/change-password')
      assert.equal((await browser.post('/api/whoami', { _csrf: token })).status, 401)
      await t.accounts.revokeApiToken({ system: 'test' }, created.apiToken.id)
      const revoked = await client.request('/api/whoami', {
        method: 'POST',
        headers: { authorization: `Bearer ${created.token}` },
      })
      assert.equal(revoked.status, 401)
    })

    it('an administrator cannot disable themselves through the page either', async () => {
      const admin = await addUser(t, 'admin@example.org', 'administrator')
      const browser = t.browser()
      await browser.signIn('admin@example.org', 'correct horse battery staple')
      const page = `/admin/users/${admin.id}`
      const response = await browser.post(`${page}/disable`, { _csrf: await browser.csrfTokenOf(page) })
      assert.equal(response.status, 400)
      assert.match(await response.text(), /You cannot disable your own account/)
      assert.equal((await browser.get('/report')).status, 200)
    })
  })
}

describe('accounts on the web in production (sqlite)', () => {
  let t: TestApp
  beforeEach(async () => {
    clock.set('2018-04-03T09:00:00.000Z')
    t = await startTestApp('sqlite', {
      NODE_ENV: 'production',
      SESSION_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
      TRUST_PROXY: '1',
    })
  })
  afterEach(() => t.close())

  it('the cookie is __Host- prefixed, Secure, HttpOnly and SameSite=Lax behind a TLS proxy', async () => {
    const browser = t.browser()
    browser.headers = { 'x-forwarded-proto': 'https' }
    const response = await browser.get('/sign-in')
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('__Host-saferhub-session='))
    assert.ok(cookie, response.headers.getSetCookie().join(' | '))
    assert.match(cookie, /; Path=\//)
    assert.match(cookie, /; HttpOnly/)
    assert.match(cookie, /; Secure/)
    assert.match(cookie, /; SameSite=Lax/)
    assert.doesNotMatch(cookie, /; Domain=/i)
  })

  it('the proxy’s X-Forwarded-For is the source counted, so one client cannot throttle another', async () => {
    await addUser(t, 'board@example.org', 'board-member')
    const attacker = t.browser()
    attacker.headers = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' }
    for (let i = 0; i < 3; i++) await attacker.signIn('board@example.org', `guess ${i}`)
    assert.equal((await attacker.signIn('board@example.org', 'guess 3')).status, 429)
    const realUser = t.browser()
    realUser.headers = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.20' }
    assert.equal((await realUser.signIn('board@example.org', 'correct horse battery staple')).status, 303)
  })
})
