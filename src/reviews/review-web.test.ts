import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Role } from '../accounts/roles.ts'
import { demoUsers } from '../accounts/demo-users.ts'
import { TestBrowser, type TestResponse } from '../accounts/web/test-client.ts'
import { codeAt } from '../accounts/two-step/testing/independent-totp.ts'
import { createServices, type Services } from '../composition-root.ts'
import { loadConfig } from '../config.ts'
import { createApp } from '../web/app.ts'
import { routeManifest } from '../web/route-manifest.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { serveForTest } from '../../test/support/web-app.ts'
import { addUserWithPassword } from '../../test/support/accounts.ts'
import { stepUpIsFresh } from './review-routes.ts'
import type { ReviewUser } from './review-service.ts'

/**
 * The death review register over HTTP, as the whole application serves it: the compartment (404 outside it, for every
 * role, an analyst and an administrator not on the case included), the step-up, the reason asked each session,
 * breaking the glass, refused steps (409), the audit trail's view, and the canary: a name in a case's text that must
 * appear nowhere but that case's own pages for people in its compartment (pages, titles, redirects, exports, the
 * public report, the audit trail, the logs).
 */
const CANARY = 'Canary Philomena Wrenthorpe'
const OFFICER = { email: 'dhr-officer@example.org', password: 'harbour-quartz-meadow-lantern' }

describe('the step-up rule', () => {
  it('is fresh for 15 minutes after the second step, and no longer', () => {
    const at = '2018-04-01T09:00:00.000Z'
    assert.equal(stepUpIsFresh(at, new Date('2018-04-01T09:15:00.000Z')), true)
    assert.equal(stepUpIsFresh(at, new Date('2018-04-01T09:16:00.000Z')), false)
    assert.equal(stepUpIsFresh(undefined, new Date(at)), false)
    assert.equal(stepUpIsFresh('not a time', new Date(at)), false)
  })
})

interface World {
  readonly services: Services
  readonly base: string
  readonly logs: string[]
  readonly reference: string
  readonly adminId: number
  readonly admin: TestBrowser
  readonly key: string
  stop(): Promise<void>
}

async function signIn(base: string, email: string, password: string): Promise<TestBrowser> {
  const browser = new TestBrowser(base)
  assert.equal((await browser.signIn(email, password)).status, 303, `${email} signs in`)
  return browser
}

function passwordOf(role: Role): { email: string; password: string } {
  const user = demoUsers.find((u) => u.role === role)
  assert.ok(user)
  return user
}

function csrfOnPage(html: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''
}

function titleOf(html: string): string {
  return /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? ''
}

/** Sets two-step sign-in up from the account page (which counts as a step-up); returns the key. */
async function enrol(browser: TestBrowser): Promise<string> {
  const page = await (await browser.get('/account/two-step')).text()
  const key = /<code id="two-step-key" class="app-two-step-key">([A-Z2-7 ]+)<\/code>/.exec(page)?.[1]
  assert.ok(key, 'the set-up page shows the key')
  const done = await browser.post('/account/two-step', { _csrf: csrfOnPage(page), code: codeAt(key, Date.now()) })
  assert.equal(done.status, 200)
  return key
}

/** Moves this user's sessions' last step-up `minutes` into the past, as a session that old would hold it. */
async function ageStepUp(services: Services, userId: number, minutes: number): Promise<void> {
  const db = services.database.db
  const rows = await db.selectFrom('sessions').select(['sid_hash', 'data']).where('user_id', '=', userId).execute()
  assert.ok(rows.length > 0)
  for (const row of rows) {
    const data = JSON.parse(row.data) as Record<string, unknown>
    data.twoStepAt = new Date(Date.now() - minutes * 60_000).toISOString()
    await db
      .updateTable('sessions')
      .set({ data: JSON.stringify(data) })
      .where('sid_hash', '=', row.sid_hash)
      .execute()
  }
}

async function startWorld(dialect: 'sqlite' | 'postgres'): Promise<World> {
  const database = await openTestDatabase(dialect)
  const services = await createServices(loadConfig({ NODE_ENV: 'test', SAFERHUB_DEMO: 'true' }), { database })
  const logs: string[] = []
  // Every log line the application writes, its own logger's and anything on stdout or stderr (the security log).
  const app = createApp(services, {
    logger: { log: (level, message, fields) => logs.push(JSON.stringify({ level, message, ...fields })) },
  })
  const listening = await serveForTest(app)
  const partnership = await onlyPartnership(services)
  const people = await partnership.accounts.listUsers({ system: 'test' })
  const adminUser = people.find((u) => u.email === passwordOf('administrator').email)
  assert.ok(adminUser)
  const admin: ReviewUser = { id: adminUser.id, email: adminUser.email, role: 'administrator', agencyId: null }

  // The case's officer: a viewer the administrator grants the register, who records the notification (and so is
  // named on it). The administrator holds the register, but is not named on this case.
  const officer = await addUserWithPassword(partnership.accounts, { ...OFFICER, role: 'viewer' })
  assert.ok((await partnership.reviews.setGrant(admin, officer.id, true)).ok)
  const officerUser: ReviewUser = { id: officer.id, email: officer.email, role: 'viewer', agencyId: null }
  const created = await partnership.reviews.notify(officerUser, {
    kind: 'domestic-abuse-related-death-review',
    guidanceVersion: 'dardr-2024',
    notifiedOn: '2028-02-29',
    notifiedBy: `West Midlands Police, DS ${CANARY}`,
    circumstances: `${CANARY} died at home.`,
  })
  assert.ok(created.ok)
  const access = { [created.value]: 'reason' as const }
  const stepped = await partnership.reviews.step(
    officerUser,
    created.value,
    { kind: 'decide', on: '2028-03-10', decision: 'review', reasons: `${CANARY}'s contact with three agencies` },
    access,
  )
  assert.ok(stepped.ok)
  assert.ok(
    (
      await partnership.reviews.step(
        officerUser,
        created.value,
        {
          kind: 'extend',
          on: '2028-03-11',
          which: 'report',
          newDueOn: '2028-12-31',
          reason: `Awaiting ${CANARY}'s inquest`,
        },
        access,
      )
    ).ok,
  )

  const adminCredentials = passwordOf('administrator')
  const adminBrowser = await signIn(listening.base, adminCredentials.email, adminCredentials.password)
  return {
    services,
    base: listening.base,
    logs,
    reference: created.value,
    adminId: adminUser.id,
    admin: adminBrowser,
    key: '',
    async stop() {
      await listening.close()
      await services.close()
    },
  }
}

async function body(response: TestResponse): Promise<string> {
  return response.text()
}

for (const dialect of testDialects()) {
  describe(`the death review register on the web (${dialect})`, () => {
    let world: World
    let key: string
    const writes: string[] = []
    const realStdout = process.stdout.write.bind(process.stdout)
    const realStderr = process.stderr.write.bind(process.stderr)
    before(async () => {
      world = await startWorld(dialect)
      // Whatever reaches stdout or stderr from here on (the security log among it) is kept to be searched.
      process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        writes.push(String(chunk))
        return (realStdout as (...a: unknown[]) => boolean)(chunk, ...rest)
      }) as typeof process.stdout.write
      process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        writes.push(String(chunk))
        return (realStderr as (...a: unknown[]) => boolean)(chunk, ...rest)
      }) as typeof process.stderr.write
    })
    after(async () => {
      process.stdout.write = realStdout
      process.stderr.write = realStderr
      await world.stop()
    })

    it('sends someone without two-step sign-in to set it up, then lets them in after it (a step-up)', async () => {
      const first = await world.admin.get('/reviews')
      assert.equal(first.status, 303)
      assert.equal(first.headers.get('location'), '/account/two-step')
      key = await enrol(world.admin)
      const list = await world.admin.get('/reviews')
      assert.equal(list.status, 200)
      const html = await body(list)
      for (const reference of ['DARDR-2017-01', 'DARDR-2017-02', world.reference]) assert.ok(html.includes(reference))
      assert.equal(world.reference, 'DARDR-2028-01')
      assert.ok(!html.includes(CANARY), 'the list shows references, never the text')
    })

    it('a session whose step-up is 16 minutes old is sent to step up; 14 minutes is still fresh', async () => {
      await ageStepUp(world.services, world.adminId, 16)
      const stale = await world.admin.get('/reviews')
      assert.equal(stale.status, 303)
      assert.equal(stale.headers.get('location'), '/reviews/step-up?returnTo=%2Freviews')
      await ageStepUp(world.services, world.adminId, 14)
      assert.equal((await world.admin.get('/reviews')).status, 200)
      await ageStepUp(world.services, world.adminId, 16)
      const page = await body(await world.admin.get('/reviews/step-up?returnTo=%2Freviews'))
      const wrong = await world.admin.post('/reviews/step-up', {
        _csrf: csrfOnPage(page),
        returnTo: '/reviews',
        code: '000000',
      })
      assert.equal(wrong.status, 400)
      assert.match(await body(wrong), /There is a problem/)
      // The next 30-second code: the one used to set it up cannot be used again.
      const passed = await world.admin.post('/reviews/step-up', {
        _csrf: csrfOnPage(page),
        returnTo: '/reviews',
        code: codeAt(key, Date.now() + 30_000),
      })
      assert.equal(passed.status, 303)
      assert.equal(passed.headers.get('location'), '/reviews')
      assert.equal((await world.admin.get('/reviews')).status, 200)
    })

    it('asks the reason for opening a case each session, records it, then shows the case', async () => {
      const asked = await world.admin.get(`/reviews/${world.reference}`)
      assert.equal(asked.status, 200)
      const form = await body(asked)
      assert.equal(titleOf(form).includes(`Why are you opening case ${world.reference}?`), true)
      assert.ok(!form.includes(CANARY))
      const empty = await world.admin.post(`/reviews/${world.reference}/reason`, {
        _csrf: csrfOnPage(form),
        reason: ' ',
      })
      assert.equal(empty.status, 400)
      assert.match(await body(empty), /Enter the reason you need to open this case/)
      const given = await world.admin.post(`/reviews/${world.reference}/reason`, {
        _csrf: csrfOnPage(form),
        reason: 'Quarterly check of the register',
      })
      assert.equal(given.status, 303)
      const page = await body(await world.admin.get(`/reviews/${world.reference}`))
      assert.ok(page.includes(`${CANARY} died at home.`), 'the case page shows its text to someone in its compartment')
      assert.ok(!titleOf(page).includes(CANARY), 'never in the title')
      assert.ok(page.includes('Quarterly check of the register'), 'the reason is listed on the case')
      assert.ok(page.includes('29 March 2028'), 'a 29 February notification is due on 29 March')
      assert.ok(page.includes('31 December 2028'), 'the extended overview report due date')
    })

    it("renders each of the register's pages and every step's form for the register holder", async () => {
      const kinds = [
        'decide',
        'inform-home-office',
        'record-home-office-response',
        'appoint-chair',
        'set-up-panel',
        'request-agency-report',
        'receive-agency-report',
        'contact-family',
        'submit-to-quality-assurance',
        'record-quality-assurance-outcome',
        'approve-publication',
        'publish',
        'add-recommendation',
        'update-recommendation',
        'extend',
        'close',
      ]
      for (const path of [
        '/reviews/new',
        '/reviews/register-access',
        '/reviews/break-glass',
        '/reviews/step-up?returnTo=%2Freviews',
        '/reviews/retention',
        `/reviews/retention/${world.reference}`,
        ...kinds.map((kind) => `/reviews/${world.reference}/steps/${kind}`),
      ]) {
        const response = await world.admin.get(path)
        assert.equal(response.status, 200, path)
        const html = await body(response)
        assert.ok(!titleOf(html).includes('Wrenthorpe'), path)
      }
      assert.equal((await world.admin.get(`/reviews/${world.reference}/steps/no-such-step`)).status, 404)
    })

    it('refuses a step out of order with 409 and an error summary; bad input with 400', async () => {
      const reason = await body(await world.admin.get('/reviews/DARDR-2017-02'))
      await world.admin.post('/reviews/DARDR-2017-02/reason', {
        _csrf: csrfOnPage(reason),
        reason: 'Follow Birmingham',
      })
      const page = await body(await world.admin.get('/reviews/DARDR-2017-02/steps/publish'))
      const refused = await world.admin.post('/reviews/DARDR-2017-02/steps/publish', {
        _csrf: csrfOnPage(page),
        'on-day': '1',
        'on-month': '3',
        'on-year': '2018',
        'commissionerCopiedOn-day': '1',
        'commissionerCopiedOn-month': '3',
        'commissionerCopiedOn-year': '2018',
      })
      assert.equal(refused.status, 409)
      const html = await body(refused)
      assert.match(html, /This cannot be done now/)
      assert.match(html, /Only a review the quality-assurance panel approved can be published/)
      const extend = await world.admin.post(`/reviews/${world.reference}/steps/extend`, {
        _csrf: csrfOnPage(page),
        'on-day': '1',
        'on-month': '4',
        'on-year': '2028',
        which: 'report',
        'newDueOn-day': '1',
        'newDueOn-month': '2',
        'newDueOn-year': '2029',
        reason: '',
      })
      assert.equal(extend.status, 400)
      assert.match(await body(extend), /Enter the reason for the extension/)

      // The same steps as JSON: RFC 9457 problems.
      const json = (path: string, payload: unknown) =>
        world.admin.request(path, {
          method: 'POST',
          body: JSON.stringify(payload),
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrfOnPage(page) },
        })
      const conflict = await json('/reviews/DARDR-2017-02/steps/publish', {
        on: '2018-03-01',
        commissionerCopiedOn: '2018-03-01',
      })
      assert.equal(conflict.status, 409)
      assert.equal(conflict.headers.get('content-type'), 'application/problem+json; charset=utf-8')
      assert.deepEqual(JSON.parse(await body(conflict)), {
        type: 'about:blank',
        title: 'Conflict',
        status: 409,
        detail: 'Only a review the quality-assurance panel approved can be published',
      })
      const bad = await json(`/reviews/${world.reference}/steps/extend`, {
        on: '2028-04-01',
        which: 'report',
        newDueOn: '2029-02-01',
        reason: '',
      })
      assert.equal(bad.status, 400)
      assert.deepEqual(JSON.parse(await body(bad)).errors, [
        { pointer: '/reason', detail: 'Enter the reason for the extension' },
      ])
      const missing = await json('/reviews/DARDR-2099-01/steps/close', { on: '2099-01-02' })
      assert.equal(missing.status, 404)
      assert.equal(JSON.parse(await body(missing)).title, 'Not found')
      const done = await json('/reviews/DARDR-2017-02/steps/close', {
        on: '2018-06-01',
        notes: 'Birmingham published its review',
      })
      assert.equal(done.status, 200)
      assert.deepEqual(JSON.parse(await body(done)), { reference: 'DARDR-2017-02', state: 'closed', stage: 'Closed' })
    })

    it('is 404 on every register route to an analyst, a board member, a viewer and a data owner not on a case', async () => {
      for (const role of ['partnership-analyst', 'board-member', 'viewer', 'data-owner'] as const) {
        const credentials = passwordOf(role)
        const browser = await signIn(world.base, credentials.email, credentials.password)
        for (const path of [
          '/reviews',
          '/reviews/new',
          '/reviews/step-up',
          '/reviews/break-glass',
          '/reviews/register-access',
          `/reviews/${world.reference}`,
          '/reviews/DARDR-2017-01',
          `/reviews/${world.reference}/steps/close`,
        ]) {
          const response = await browser.get(path)
          assert.equal(response.status, 404, `${role} ${path}`)
          assert.ok(!(await body(response)).includes(world.reference))
        }
        const csrf = await browser.csrfTokenOf('/sign-out')
        const posted = await browser.post(`/reviews/${world.reference}/reason`, { _csrf: csrf, reason: 'curious' })
        assert.equal(posted.status, 404, `${role} POST`)
      }
    })

    it('an administrator not on the case and not holding the register: 404, until they break the glass (read only)', async () => {
      const partnership = await onlyPartnership(world.services)
      const admin: ReviewUser = { id: world.adminId, email: 'admin@example.org', role: 'administrator', agencyId: null }
      assert.ok((await partnership.reviews.setGrant(admin, world.adminId, false)).ok)
      try {
        assert.equal((await world.admin.get(`/reviews/${world.reference}`)).status, 404)
        const audit = await body(await world.admin.get('/audit?entityType=death-review'))
        assert.ok(!audit.includes(world.reference), "the audit trail hides the register's events from outsiders")
        const form = await body(await world.admin.get('/reviews/break-glass'))
        const unknown = await world.admin.post('/reviews/break-glass', {
          _csrf: csrfOnPage(form),
          reference: 'DARDR-2099-01',
          reason: 'x',
        })
        assert.equal(unknown.status, 400)
        assert.match(await body(unknown), /There is no case with that reference/)
        const broken = await world.admin.post('/reviews/break-glass', {
          _csrf: csrfOnPage(form),
          reference: world.reference,
          reason: 'Safeguarding concern raised out of hours',
        })
        assert.equal(broken.status, 303)
        const page = await body(await world.admin.get(`/reviews/${world.reference}`))
        assert.ok(page.includes(`${CANARY} died at home.`))
        assert.match(page, /Broke the glass/)
        assert.match(page, /Safeguarding concern raised out of hours/)
        const step = await world.admin.post(`/reviews/${world.reference}/steps/inform-home-office`, {
          _csrf: await world.admin.csrfTokenOf('/sign-out'),
          'on-day': '1',
          'on-month': '4',
          'on-year': '2028',
        })
        assert.equal(step.status, 409, 'breaking the glass opens a case to read, not to work')
      } finally {
        assert.ok((await partnership.reviews.setGrant(admin, world.adminId, true)).ok)
      }
      const audit = await body(await world.admin.get('/audit?entityType=death-review'))
      assert.ok(audit.includes(world.reference), 'the register holder sees its events')
      assert.ok(audit.includes('break-glass'))
    })

    it('an administrator named on no case at all: 404 everywhere, then the one case they break the glass for', async () => {
      const partnership = await onlyPartnership(world.services)
      const other = { email: 'second-admin@example.org', password: 'tundra-velvet-compass-orbit' }
      await addUserWithPassword(partnership.accounts, { ...other, role: 'administrator' })
      const browser = await signIn(world.base, other.email, other.password)
      await enrol(browser)
      assert.equal((await browser.get('/reviews')).status, 404, 'no register for someone named on no case')
      assert.equal((await browser.get(`/reviews/${world.reference}`)).status, 404)
      const form = await body(await browser.get('/reviews/break-glass'))
      const broken = await browser.post('/reviews/break-glass', {
        _csrf: csrfOnPage(form),
        reference: world.reference,
        reason: 'Urgent request from the coroner',
      })
      assert.equal(broken.status, 303)
      const page = await browser.get(`/reviews/${world.reference}`)
      assert.equal(page.status, 200)
      assert.ok((await body(page)).includes(`${CANARY} died at home.`))
      assert.equal((await browser.get('/reviews/DARDR-2017-01')).status, 404, 'only the case they broke the glass for')
      assert.equal((await browser.get('/reviews')).status, 404, 'and still no list')
    })

    it('lists closed cases due for deletion inside the compartment, deletes one with a reason, shows its tombstone', async () => {
      const partnership = await onlyPartnership(world.services)
      // The demo's case not reviewed: decided 26 June 2017, closed 25 July 2017; six years on, due since June 2023.
      const demoCase = (await partnership.reviews.retentionDates()).find((c) => c.closedOn === '2017-07-25')
      assert.ok(demoCase)
      const page = await world.admin.get('/reviews/retention')
      assert.equal(page.status, 200)
      const html = await body(page)
      assert.ok(html.includes(`href="/reviews/retention/${demoCase.reference}"`), 'the case due is listed')
      assert.ok(!html.includes(`/reviews/retention/${world.reference}"`), 'an open case is not')
      assert.ok(html.includes('2023-06-26'))
      const open = await world.admin.get(`/reviews/retention/${world.reference}`)
      assert.equal(open.status, 200)
      assert.ok((await body(open)).includes('Not on the clock: the case is not closed'))
      const token = csrfOnPage(await body(await world.admin.get(`/reviews/retention/${demoCase.reference}`)))
      const refusedOpen = await world.admin.post(`/reviews/retention/${world.reference}`, {
        _csrf: token,
        reason: 'Period ended',
      })
      assert.equal(refusedOpen.status, 409)
      assert.ok((await body(refusedOpen)).includes('its retention clock has not started'))
      const blank = await world.admin.post(`/reviews/retention/${demoCase.reference}`, { _csrf: token, reason: '' })
      assert.equal(blank.status, 400)
      assert.ok((await body(blank)).includes('Enter the reason for deleting the case'))
      const deleted = await world.admin.post(`/reviews/retention/${demoCase.reference}`, {
        _csrf: token,
        reason: 'Six years since the decision not to review',
      })
      assert.equal(deleted.status, 303)
      assert.equal(deleted.headers.get('location'), '/reviews/retention')
      const after = await body(await world.admin.get('/reviews/retention'))
      assert.ok(after.includes('Deleted cases (1)'))
      assert.ok(after.includes('Six years since the decision not to review'))
      assert.equal((await world.admin.get(`/reviews/${demoCase.reference}`)).status, 404, 'the case is gone')
      // The administrators' retention page sets the register's periods but names no case, deleted or not.
      const admin = await body(await world.admin.get('/retention'))
      assert.ok(admin.includes('Death review cases not reviewed'))
      assert.ok(!admin.includes('DARDR-'), 'no case reference on /retention')
      // Outside the compartment's retention managers: 404, even for the officer who holds the register.
      const officer = await signIn(world.base, OFFICER.email, OFFICER.password)
      assert.equal((await officer.get('/reviews/retention')).status, 404)
      const analyst = passwordOf('partnership-analyst')
      assert.equal(
        (await (await signIn(world.base, analyst.email, analyst.password)).get('/reviews/retention')).status,
        404,
      )
    })

    it('never shows the canary outside its own case pages: every route for every role, logs, the audit trail', async () => {
      const partnership = await onlyPartnership(world.services)
      const strategies = await partnership.strategy.strategies.list()
      const agencies = await partnership.accounts.listAgencies()
      const users = await partnership.accounts.listUsers({ system: 'test' })
      const fill: Record<string, string> = {
        user: String(users.find((u) => u.email === OFFICER.email)?.id ?? 0),
        agency: String(agencies[0]?.id ?? 0),
        strategy: String(strategies[0]?.id ?? 0),
      }
      const paths = new Set<string>()
      for (const route of routeManifest) {
        if (route.method !== 'GET') continue
        const template = route.sample?.own ?? (/[:*]/.test(route.path) ? null : route.path)
        if (template === null) continue
        if (/\{(\w+)\}/.test(template.replace(/\{(user|agency|strategy)\}/g, ''))) continue
        paths.add(template.replace(/\{(\w+)\}/g, (_m, name: string) => fill[name] ?? ''))
      }
      // The canary's case on the retention confirmation page: its reference and dates only, so never the canary.
      paths.add(`/reviews/retention/${world.reference}`)
      const own = [
        `/reviews/${world.reference}`,
        `/reviews/${world.reference}/steps/close`,
        `/reviews/${world.reference}/steps/extend`,
      ]
      for (const p of own) paths.add(p)
      for (const p of [
        '/audit',
        '/audit?entityType=death-review',
        `/audit?entityType=death-review&actor=${OFFICER.email}`,
      ])
        paths.add(p)
      assert.ok(paths.size > 60, `the walk covers the manifest (${paths.size} paths)`)

      const failures: string[] = []
      let seenOnOwnPage = false
      const people: { label: string; browser: TestBrowser; inCompartment: boolean }[] = [
        { label: 'administrator (holds the register)', browser: world.admin, inCompartment: true },
      ]
      for (const user of demoUsers.filter((u) => u.role !== 'administrator')) {
        people.push({
          label: user.role,
          browser: await signIn(world.base, user.email, user.password),
          inCompartment: false,
        })
      }
      people.push({ label: 'signed out', browser: new TestBrowser(world.base), inCompartment: false })
      for (const who of people) {
        for (const path of paths) {
          const response = await who.browser.get(path)
          const text = `${response.headers.get('location') ?? ''}\n${await body(response)}`
          const ownPage = own.includes(path) && who.inCompartment && response.status === 200
          if (text.includes(CANARY) || text.includes('Wrenthorpe')) {
            if (ownPage) seenOnOwnPage = true
            else failures.push(`${path} as ${who.label}: ${response.status} shows the canary`)
          }
          if (titleOf(text).includes('Wrenthorpe')) failures.push(`${path} as ${who.label}: the canary in the title`)
        }
      }
      assert.deepEqual(failures, [])
      assert.ok(
        seenOnOwnPage,
        "the canary is on its own case's page for the register holder (so the walk could see it)",
      )
      const logged = [...world.logs, ...writes].join('\n')
      assert.ok(!logged.includes('Wrenthorpe'), 'no log line holds the canary')
      const events = await world.services.audit.list({ limit: 10_000 })
      const stored = events.map((e) => `${e.entityKey} ${e.before ?? ''} ${e.after ?? ''}`).join('\n')
      assert.ok(stored.includes(world.reference), 'the audit trail names the case by its reference')
      assert.ok(!stored.includes('Wrenthorpe'), "the audit trail's stored JSON holds no text of the case")
      const sessions = await world.services.database.db.selectFrom('sessions').select('data').execute()
      assert.ok(
        !sessions.some((s) => s.data.includes('Wrenthorpe') || s.data.includes('Quarterly check')),
        'no reason or text in a session',
      )
    })
  })
}
