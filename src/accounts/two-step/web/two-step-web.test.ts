import { afterEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import express from 'express'
import { createAuditRepository } from '../../../audit/audit-repository.ts'
import { loadConfig } from '../../../config.ts'
import type { Database } from '../../../db/database.ts'
import { errorHandler, notFound } from '../../../web/errors.ts'
import { createNunjucksEnvironment } from '../../../shared/web/nunjucks-setup.ts'
import { openTestPartnershipDatabase, testDialects } from '../../../../test/support/databases.ts'
import { serveForTest } from '../../../../test/support/web-app.ts'
import { addUserWithPassword } from '../../../../test/support/accounts.ts'
import { createAccountService, type AccountService } from '../../account-service.ts'
import type { User } from '../../account-repository.ts'
import { fakeClock } from '../../clock.ts'
import {
  accountNavigation,
  accountRoutes,
  requirePermission,
  setUpAuthentication,
  setUpCsrf,
  setUpWebSession,
  userAdministrationRoutes,
} from '../../web/index.ts'
import { TestBrowser, type TestResponse } from '../../web/test-client.ts'
import { codeAt } from '../testing/independent-totp.ts'
import { createTwoStepService, type TwoStepService } from '../two-step-service.ts'
import type { TwoStepPolicy } from '../../../config.ts'

/*
 * Two-step sign-in over HTTP: the accounts' web layer assembled as src/web/app.ts does it, with a fake clock (so
 * codes and the 5-minute limit are exact) and `/report` standing in for every signed-in page.
 */

const clock = fakeClock('2018-04-03T09:00:10.000Z')
const PASSWORD = 'correct horse battery staple'
const SESSION = 'saferhub-session'

interface TestApp {
  readonly accounts: AccountService
  readonly twoStep: TwoStepService
  readonly database: Database
  readonly browser: () => TestBrowser
  close(): Promise<void>
}

async function startTestApp(dialect: 'sqlite' | 'postgres', policy: TwoStepPolicy): Promise<TestApp> {
  const config = loadConfig({ SAFERHUB_DEMO: 'false', SAFERHUB_TWO_STEP: policy })
  const database = await openTestPartnershipDatabase(dialect)
  const audit = createAuditRepository(database, { now: () => clock.now() })
  const accounts = createAccountService({ database, audit, clock })
  const twoStep = createTwoStepService({
    database,
    audit,
    accounts,
    policy: config.twoStepPolicy ?? 'required',
    applicationSecret: config.sessionSecret,
    issuer: 'Test Partnership',
  })
  const app = express()
  createNunjucksEnvironment().express(app)
  app.set('view engine', 'njk')
  app.locals.partnershipName = 'Test Partnership'
  app.use(setUpWebSession({ accounts, config }))
  app.use(setUpCsrf())
  app.use(setUpAuthentication(accounts))
  app.use((req, res, next) => {
    res.locals.navigation = accountNavigation(req, res)
    next()
  })
  app.use(accountRoutes({ accounts, config, twoStep }))
  app.use(userAdministrationRoutes(accounts, twoStep))
  app.get('/report', requirePermission(accounts, 'report:view'), (_req, res) => {
    res.type('text/plain').send(`report for ${res.locals.currentUser?.email}`)
  })
  app.use(notFound())
  app.use(errorHandler({ log: () => {} }))
  const listening = await serveForTest(app)
  return {
    accounts,
    twoStep,
    database,
    browser: () => new TestBrowser(listening.base),
    async close() {
      await listening.close()
      await database.close()
    },
  }
}

/** A user who has chosen their own password. */
function addUser(t: TestApp, email: string, role: string): Promise<User> {
  return addUserWithPassword(t.accounts, { email, role, password: PASSWORD })
}

async function signInWithPassword(browser: TestBrowser, email: string, returnTo = '/report'): Promise<TestResponse> {
  const token = await browser.csrfTokenOf('/sign-in')
  return browser.post('/sign-in', { _csrf: token, email, password: PASSWORD, returnTo })
}

/** The key in groups of four, as the set-up page shows it for typing. */
function keyOnPage(html: string): string {
  const match = /<code id="two-step-key" class="app-two-step-key">([A-Z2-7 ]+)<\/code>/.exec(html)
  assert.ok(match?.[1], 'the set-up page shows the key as text')
  return match[1]
}

function recoveryCodesOnPage(html: string): string[] {
  return [...html.matchAll(/<li><code>([0-9a-z-]+)<\/code><\/li>/g)].map((m) => m[1] as string)
}

/** The CSRF token of the form on a page. */
function csrfOnPage(html: string): string {
  return /name="_csrf" value="([0-9a-f]+)"/.exec(html)?.[1] ?? ''
}

/** Sets two-step sign-in up through the account page; returns the key and the recovery codes shown once. */
async function enrolOnAccountPage(browser: TestBrowser): Promise<{ key: string; recoveryCodes: string[] }> {
  const page = await (await browser.get('/account/two-step')).text()
  const key = keyOnPage(page)
  const token = csrfOnPage(page)
  const done = await browser.post('/account/two-step', { _csrf: token, code: codeAt(key, clock.now().getTime()) })
  assert.equal(done.status, 200)
  const recoveryCodes = recoveryCodesOnPage(await done.text())
  assert.equal(recoveryCodes.length, 10)
  return { key, recoveryCodes }
}

const now = () => clock.now().getTime()

for (const dialect of testDialects()) {
  describe(`two-step sign-in on the web (${dialect})`, () => {
    let t: TestApp
    afterEach(() => t.close())

    async function start(policy: TwoStepPolicy): Promise<void> {
      clock.set('2018-04-03T09:00:10.000Z')
      t = await startTestApp(dialect, policy)
    }

    /** Under `optional`, a viewer who has set two-step sign-in up from the account page (in a browser of their own). */
    async function viewerWithTwoStep(): Promise<{ key: string; recoveryCodes: string[] }> {
      await start('optional')
      await addUser(t, 'viewer@example.org', 'viewer')
      const first = t.browser()
      await signInWithPassword(first, 'viewer@example.org')
      return enrolOnAccountPage(first)
    }

    /** A new browser where the viewer has typed their password, and the token of the second step's form at `page`. */
    async function afterPassword(page: string): Promise<{ browser: TestBrowser; token: string }> {
      const browser = t.browser()
      await signInWithPassword(browser, 'viewer@example.org')
      return { browser, token: await browser.csrfTokenOf(page) }
    }

    it('sets up from the account page: QR code and key for typing, a code to confirm, ten recovery codes', async () => {
      await start('optional')
      await addUser(t, 'viewer@example.org', 'viewer')
      const browser = t.browser()
      assert.equal((await signInWithPassword(browser, 'viewer@example.org')).headers.get('location'), '/report')

      const page = await (await browser.get('/account/two-step')).text()
      assert.match(page, /<h1 class="govuk-heading-l">Set up two-step sign-in<\/h1>/)
      assert.match(
        page,
        /<svg role="img" aria-labelledby="two-step-qr-title"[^>]*><title id="two-step-qr-title">QR code/,
      )
      const svg = page.slice(page.indexOf('<svg role="img"'), page.indexOf('</svg>') + 6)
      assert.match(svg, /^<svg[^>]*>[\s\S]*<\/svg>$/)
      assert.doesNotMatch(svg, /<script|style|on\w+=|otpauth|@/i, 'the QR code holds no script, style or readable URI')
      const key = keyOnPage(page)
      assert.match(page, /autocomplete="one-time-code"/)
      assert.match(page, /inputmode="numeric"/)
      // A reload shows the same key (someone may have scanned it already).
      assert.equal(keyOnPage(await (await browser.get('/account/two-step')).text()), key)

      const token = csrfOnPage(page)
      const right = codeAt(key, now())
      const wrong = await browser.post('/account/two-step', {
        _csrf: token,
        code: right === '123456' ? '654321' : '123456',
      })
      assert.equal(wrong.status, 400)
      const wrongPage = await wrong.text()
      assert.match(wrongPage, /<title>Error: Set up two-step sign-in/)
      assert.match(wrongPage, /govuk-error-summary[\s\S]*href="#code"[\s\S]*The code is not right/)
      assert.match(wrongPage, /id="code-error"/)
      assert.equal(keyOnPage(wrongPage), key, 'the same key again after a wrong code')

      const done = await browser.post('/account/two-step', { _csrf: token, code: right })
      assert.equal(done.status, 200)
      const codes = recoveryCodesOnPage(await done.text())
      assert.equal(codes.length, 10)
      assert.match(await (await browser.get('/account/two-step')).text(), /Recovery codes left[\s\S]*10/)
    })

    it('after the password, asks for a code; the half-signed-in session reaches nothing else; new id at the end', async () => {
      const { key } = await viewerWithTwoStep()

      clock.advance({ seconds: 30 })
      const browser = t.browser()
      const password = await signInWithPassword(browser, 'viewer@example.org', '/report')
      assert.equal(password.status, 303)
      assert.equal(password.headers.get('location'), '/sign-in/two-step')
      // Half signed in: every page but the code page treats the session as nobody's.
      assert.equal((await browser.get('/report')).headers.get('location'), '/sign-in?returnTo=%2Freport')
      assert.equal((await browser.get('/account')).status, 303)
      assert.equal((await browser.get('/account/two-step')).status, 303)
      const half = browser.cookies.get(SESSION)

      const page = await (await browser.get('/sign-in/two-step')).text()
      assert.match(page, /Enter the code from your authenticator app/)
      assert.match(page, /autocomplete="one-time-code"/)
      assert.match(page, /inputmode="numeric"/)
      const token = csrfOnPage(page)
      const empty = await browser.post('/sign-in/two-step', { _csrf: token, code: '' })
      assert.equal(empty.status, 400)
      assert.match(await empty.text(), /Enter the code from your authenticator app<\/a>/)
      const letters = await browser.post('/sign-in/two-step', { _csrf: token, code: '12a456' })
      assert.match(await letters.text(), /The code must be 6 digits/)
      const right = codeAt(key, now())
      const wrong = await browser.post('/sign-in/two-step', {
        _csrf: token,
        code: right === '000000' ? '111111' : '000000',
      })
      assert.equal(wrong.status, 401)
      assert.match(await wrong.text(), /The code is not right/)

      const signedIn = await browser.post('/sign-in/two-step', {
        _csrf: token,
        code: ` ${right.slice(0, 3)} ${right.slice(3)} `,
      })
      assert.equal(signedIn.status, 303)
      assert.equal(signedIn.headers.get('location'), '/report')
      assert.notEqual(browser.cookies.get(SESSION), half, 'a new session id when the second step succeeds')
      assert.equal(await (await browser.get('/report')).text(), 'report for viewer@example.org')
      // The half-signed-in cookie, kept by an attacker, is worth nothing.
      const attacker = t.browser()
      attacker.cookies.set(SESSION, half ?? '')
      assert.equal((await attacker.get('/report')).status, 303)
      assert.equal((await attacker.get('/sign-in/two-step')).headers.get('location'), '/sign-in')
    })

    it('refuses a code used before (replay), even in a new sign-in within its 30 seconds', async () => {
      const { key } = await viewerWithTwoStep()
      clock.advance({ seconds: 30 })
      const code = codeAt(key, now())

      const a = await afterPassword('/sign-in/two-step')
      assert.equal((await a.browser.post('/sign-in/two-step', { _csrf: a.token, code })).status, 303)

      clock.advance({ seconds: 10 })
      const b = await afterPassword('/sign-in/two-step')
      const replay = await b.browser.post('/sign-in/two-step', { _csrf: b.token, code })
      assert.equal(replay.status, 401)
      assert.match(await replay.text(), /That code has been used already/)
      assert.equal((await b.browser.get('/report')).status, 303)
    })

    it('ends the half-signed-in state 5 minutes after the password', async () => {
      const { key } = await viewerWithTwoStep()
      clock.advance({ seconds: 30 })

      const { browser, token } = await afterPassword('/sign-in/two-step')
      clock.advance({ minutes: 5, seconds: 1 })
      const late = await browser.post('/sign-in/two-step', { _csrf: token, code: codeAt(key, now()) })
      assert.equal(late.status, 401)
      assert.match(await late.text(), /Sign in again/)
      assert.equal((await browser.get('/report')).status, 303)
      assert.equal((await browser.get('/sign-in/two-step')).headers.get('location'), '/sign-in')

      // Just inside the limit it works.
      const inTime = await afterPassword('/sign-in/two-step')
      clock.advance({ minutes: 4, seconds: 59 })
      const code = codeAt(key, now())
      assert.equal((await inTime.browser.post('/sign-in/two-step', { _csrf: inTime.token, code })).status, 303)
    })

    it('throttles wrong codes: the sixth try from one address waits, with Retry-After', async () => {
      const { key } = await viewerWithTwoStep()
      clock.advance({ seconds: 30 })
      const { browser, token } = await afterPassword('/sign-in/two-step')
      const right = codeAt(key, now())
      const wrongs = ['000000', '111111', '222222', '333333', '444444', '555555'].filter((c) => c !== right)
      for (const code of wrongs.slice(0, 5)) {
        assert.equal((await browser.post('/sign-in/two-step', { _csrf: token, code })).status, 401)
      }
      const throttled = await browser.post('/sign-in/two-step', { _csrf: token, code: right })
      assert.equal(throttled.status, 429)
      assert.equal(throttled.headers.get('retry-after'), '30')
      assert.match(await throttled.text(), /Too many wrong codes. Wait 30 seconds/)
    })

    it('under `required`, a user without it sets it up at sign-in before anything else, then is signed in', async () => {
      await start('required')
      await addUser(t, 'board@example.org', 'board-member')
      const browser = t.browser()
      const password = await signInWithPassword(browser, 'board@example.org', '/report')
      assert.equal(password.headers.get('location'), '/sign-in/two-step/set-up')
      assert.equal((await browser.get('/report')).status, 303)
      assert.equal((await browser.get('/sign-in/two-step')).headers.get('location'), '/sign-in', 'no code page')

      const page = await (await browser.get('/sign-in/two-step/set-up')).text()
      assert.match(page, /Your partnership asks you to use two-step sign-in/)
      const key = keyOnPage(page)
      const token = csrfOnPage(page)
      const half = browser.cookies.get(SESSION)
      const done = await browser.post('/sign-in/two-step/set-up', { _csrf: token, code: codeAt(key, now()) })
      assert.equal(done.status, 200)
      const html = await done.text()
      assert.equal(recoveryCodesOnPage(html).length, 10)
      assert.match(html, /href="\/report"[^>]*>\s*I have saved my recovery codes/)
      assert.notEqual(browser.cookies.get(SESSION), half)
      assert.equal(await (await browser.get('/report')).text(), 'report for board@example.org')

      // Next time: the code, not the set-up.
      clock.advance({ seconds: 30 })
      const again = t.browser()
      assert.equal((await signInWithPassword(again, 'board@example.org')).headers.get('location'), '/sign-in/two-step')
    })

    it('under `administrators`, the analyst must set it up and the viewer need not', async () => {
      await start('administrators')
      await addUser(t, 'analyst@example.org', 'partnership-analyst')
      await addUser(t, 'viewer@example.org', 'viewer')
      assert.equal(
        (await signInWithPassword(t.browser(), 'analyst@example.org')).headers.get('location'),
        '/sign-in/two-step/set-up',
      )
      assert.equal((await signInWithPassword(t.browser(), 'viewer@example.org')).headers.get('location'), '/report')
    })

    it('accepts a recovery code once instead of a code', async () => {
      const { recoveryCodes } = await viewerWithTwoStep()
      const code = recoveryCodes[3] ?? ''

      const { browser, token } = await afterPassword('/sign-in/recovery-code')
      const used = await browser.post('/sign-in/recovery-code', { _csrf: token, code: code.toUpperCase() })
      assert.equal(used.status, 303)
      assert.equal(used.headers.get('location'), '/account/two-step')
      const landing = await (await browser.get('/account/two-step')).text()
      assert.match(landing, /You signed in with a recovery code. You have 9 left/)

      const again = await afterPassword('/sign-in/recovery-code')
      const reused = await again.browser.post('/sign-in/recovery-code', { _csrf: again.token, code })
      assert.equal(reused.status, 401)
      assert.match(await reused.text(), /Enter a recovery code you have not used before/)
      assert.equal((await again.browser.get('/report')).status, 303)
    })

    it('turns off and makes new recovery codes only with the password again', async () => {
      await start('optional')
      await addUser(t, 'viewer@example.org', 'viewer')
      const browser = t.browser()
      await signInWithPassword(browser, 'viewer@example.org')
      await enrolOnAccountPage(browser)
      const token = await browser.csrfTokenOf('/account/two-step')

      const refused = await browser.post('/account/two-step/recovery-codes', { _csrf: token, codesPassword: 'wrong' })
      assert.equal(refused.status, 400)
      assert.match(await refused.text(), /href="#codesPassword"[^>]*>Your password is not right/)
      const renewed = await browser.post('/account/two-step/recovery-codes', { _csrf: token, codesPassword: PASSWORD })
      assert.equal(recoveryCodesOnPage(await renewed.text()).length, 10)

      const notOff = await browser.post('/account/two-step/turn-off', { _csrf: token, turnOffPassword: '' })
      assert.equal(notOff.status, 400)
      assert.match(await notOff.text(), /href="#turnOffPassword"[^>]*>Enter your password/)
      const off = await browser.post('/account/two-step/turn-off', { _csrf: token, turnOffPassword: PASSWORD })
      assert.equal(off.status, 303)
      assert.match(await (await browser.get('/account/two-step')).text(), /Two-step sign-in is off/)
      clock.advance({ seconds: 30 })
      assert.equal((await signInWithPassword(t.browser(), 'viewer@example.org')).headers.get('location'), '/report')
    })

    it("lets an administrator reset a user's two-step sign-in from the user page (audited; sessions end)", async () => {
      await start('administrators')
      // The administrator sets theirs up at sign-in (the policy requires it of them).
      await addUser(t, 'admin@example.org', 'administrator')
      const viewer = await addUser(t, 'viewer@example.org', 'viewer')
      const admin = t.browser()
      await signInWithPassword(admin, 'admin@example.org')
      const setUp = await (await admin.get('/sign-in/two-step/set-up')).text()
      const setUpToken = csrfOnPage(setUp)
      await admin.post('/sign-in/two-step/set-up', { _csrf: setUpToken, code: codeAt(keyOnPage(setUp), now()) })

      const user = t.browser()
      await signInWithPassword(user, 'viewer@example.org')
      await enrolOnAccountPage(user)
      const userPage = await (await admin.get(`/admin/users/${viewer.id}`)).text()
      assert.match(userPage, /Two-step sign-in<\/h2>\s*<p class="govuk-body">On, with 10 unused recovery codes/)
      const token = csrfOnPage(userPage)
      const reset = await admin.post(`/admin/users/${viewer.id}/reset-two-step`, { _csrf: token })
      assert.equal(reset.status, 303)
      assert.match(await (await admin.get(`/admin/users/${viewer.id}`)).text(), /Two-step sign-in is reset/)
      assert.equal((await user.get('/report')).status, 303, "the user's session ended")
      assert.equal((await t.twoStep.status(viewer)).enabled, false)
      const events = await t.database.db
        .selectFrom('audit_events')
        .select(['actor', 'action'])
        .where('entity_key', '=', String(viewer.id))
        .where('action', '=', 'two-step-reset')
        .execute()
      assert.deepEqual(events, [{ actor: 'admin@example.org', action: 'two-step-reset' }])
      // A viewer is not required to have it: the password alone signs in again.
      assert.equal((await signInWithPassword(t.browser(), 'viewer@example.org')).headers.get('location'), '/report')
    })
  })
}
