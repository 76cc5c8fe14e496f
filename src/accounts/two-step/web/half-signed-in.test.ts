import { onlyPartnership } from '../../../../test/support/partnership.ts'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../../../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../../../test/support/web-app.ts'
import { demoUsers } from '../../demo-users.ts'
import { TestBrowser, type TestResponse } from '../../web/test-client.ts'
import { routeManifest, type RouteAccess } from '../../../web/route-manifest.ts'
import { codeAt } from '../testing/independent-totp.ts'

/*
 * The half-signed-in session (password right, second step to come) across EVERY route of the application's route
 * manifest: it must get exactly what a visitor who never signed in gets (the same status and the same redirect),
 * on both kinds of half sign-in: a user with two-step sign-in on (asked for a code), and a user the `required`
 * policy sends to set it up first. Only the second step's own pages differ, by design.
 */

/** The second step's own pages: what a half-signed-in session is for. */
const SECOND_STEP_PATHS = new Set(['/sign-in/two-step', '/sign-in/recovery-code', '/sign-in/two-step/set-up'])

const viewer = demoUsers.find((u) => u.role === 'viewer')
const analyst = demoUsers.find((u) => u.role === 'partnership-analyst')

interface Visitor {
  readonly label: string
  browser: TestBrowser
  csrf: string
  /** Makes this visitor again when a request ended its session (sign-out). */
  readonly renew: () => Promise<{ browser: TestBrowser; csrf: string }>
  /** The page that works only for this visitor: it answers 200 while the half sign-in is alive. */
  readonly ownPage: string | null
}

function concretePath(route: RouteAccess): string {
  // Nobody gets as far as looking anything up, so any value will do for a placeholder.
  return (route.sample?.own ?? route.path).replace(/\{\w+\}/g, '1')
}

function send(visitor: Visitor, route: RouteAccess, target: string): Promise<TestResponse> {
  const api = route.api === true || target.startsWith('/api/')
  if (route.method === 'GET') return visitor.browser.get(target, api ? { accept: 'application/json' } : {})
  if (api) {
    return visitor.browser.request(target, {
      method: route.method,
      body: '{}',
      headers: { 'content-type': 'application/json', 'x-csrf-token': visitor.csrf },
    })
  }
  return visitor.browser.post(target, { _csrf: visitor.csrf })
}

for (const dialect of testDialects()) {
  describe(`a half-signed-in session on every route (${dialect})`, () => {
    let app: RunningApp
    let base: string
    let analystKey: string

    /** Signs in with the password only; the browser is left half signed in at `expected`. */
    async function halfSignIn(email: string, password: string, expected: string) {
      const browser = new TestBrowser(base)
      const response = await browser.signIn(email, password)
      assert.equal(response.headers.get('location'), expected, `${email} is sent to the second step`)
      return { browser, csrf: await browser.csrfTokenOf(expected) }
    }

    before(async () => {
      assert.ok(viewer && analyst)
      app = await startDemoApp(dialect, {
        env: { SAFERHUB_TWO_STEP: 'required' },
        dataDirectoryPrefix: 'saferhub-two-step-',
      })
      base = app.base
      const { services } = app
      // The analyst has two-step sign-in on (set up as the page does it, with a code from their "phone").
      const user = await (await onlyPartnership(services)).accounts.repository.findUserByEmail(analyst.email)
      assert.ok(user)
      const enrolment = services.twoStep.newEnrolment(user)
      analystKey = enrolment.keyText
      const confirmed = await services.twoStep.confirmEnrolment(
        user,
        enrolment.sealedSecret,
        codeAt(analystKey, Date.now()),
      )
      assert.ok(confirmed.ok)
    })

    after(() => app.stop())

    it('gets what a visitor who never signed in gets, on every route but the second step', async () => {
      assert.ok(viewer && analyst)
      const anonymous = async () => {
        const browser = new TestBrowser(base)
        return { browser, csrf: await browser.csrfTokenOf('/sign-in') }
      }
      const visitors: Visitor[] = [
        { label: 'signed out', ...(await anonymous()), renew: anonymous, ownPage: null },
        {
          label: 'half signed in, asked for a code',
          ...(await halfSignIn(analyst.email, analyst.password, '/sign-in/two-step')),
          renew: () => halfSignIn(analyst.email, analyst.password, '/sign-in/two-step'),
          ownPage: '/sign-in/two-step',
        },
        {
          label: 'half signed in, sent to set it up',
          ...(await halfSignIn(viewer.email, viewer.password, '/sign-in/two-step/set-up')),
          renew: () => halfSignIn(viewer.email, viewer.password, '/sign-in/two-step/set-up'),
          ownPage: '/sign-in/two-step/set-up',
        },
      ]
      const [stranger, ...halves] = visitors as [Visitor, ...Visitor[]]
      const differences: string[] = []
      let compared = 0
      for (const route of routeManifest) {
        if (SECOND_STEP_PATHS.has(route.path)) continue
        const target = concretePath(route)
        const expected = await send(stranger, route, target)
        for (const half of halves) {
          const actual = await send(half, route, target)
          compared++
          const want = `${expected.status} ${expected.headers.get('location') ?? ''}`
          const got = `${actual.status} ${actual.headers.get('location') ?? ''}`
          if (got !== want) differences.push(`${route.method} ${target} ${half.label}: ${got}, a stranger gets ${want}`)
          if (route.access !== 'public' && actual.status === 200) {
            differences.push(`${route.method} ${target} ${half.label}: 200 on a ${route.access} route`)
          }
        }
        if (route.method !== 'GET') {
          // A POST may have ended a session (sign-out): start it again so the next route is asked the same way.
          for (const visitor of visitors) {
            const alive = visitor.ownPage === null || (await visitor.browser.get(visitor.ownPage)).status === 200
            if (!alive || visitor.ownPage === null) Object.assign(visitor, await visitor.renew())
          }
        }
      }
      assert.deepEqual(differences, [])
      assert.ok(compared >= (routeManifest.length - SECOND_STEP_PATHS.size * 2) * 2, `${compared} comparisons`)
    })

    it('is still half signed in after all that, and the code completes it (so the comparison could fail)', async () => {
      assert.ok(analyst)
      const { browser, csrf } = await halfSignIn(analyst.email, analyst.password, '/sign-in/two-step')
      assert.equal((await browser.get('/dashboard')).status, 303)
      // The next step's code: the one used at set-up is spent, and one step ahead is within the drift allowed.
      const code = codeAt(analystKey, Date.now() + 30_000)
      const done = await browser.post('/sign-in/two-step', { _csrf: csrf, code })
      assert.equal(done.status, 303)
      assert.equal((await browser.get('/dashboard')).status, 200)
    })
  })
}
