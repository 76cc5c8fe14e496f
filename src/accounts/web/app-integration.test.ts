import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../../test/support/web-app.ts'
import { demoUsers } from '../demo-users.ts'
import { TestBrowser } from './test-client.ts'

/*
 * The whole application (src/web/app.ts over createServices with the demo data): the accounts' middleware sits
 * where it should, every page but sign-in needs a user, and each demo account can do what its role allows.
 */

const demo = (role: string) => {
  const user = demoUsers.find((u) => u.role === role)
  assert.ok(user, role)
  return user
}

for (const dialect of testDialects()) {
  describe(`accounts in the whole application (${dialect})`, () => {
    let app: RunningApp
    let base: string

    before(async () => {
      app = await startDemoApp(dialect)
      base = app.base
    })
    after(() => app.stop())

    it('sends a visitor to sign in, for the report and its downloads alike; monitoring stays open', async () => {
      const visitor = new TestBrowser(base)
      // The home page is the published report, for everybody (src/public/); the internal report needs sign-in.
      const home = await visitor.get('/')
      assert.equal(home.status, 200)
      const internal = await visitor.get('/reports/performance/2017-18')
      assert.equal(internal.status, 303)
      assert.equal(internal.headers.get('location'), '/sign-in?returnTo=%2Freports%2Fperformance%2F2017-18')
      const download = await visitor.get('/reports/performance/2017-18.csv')
      assert.equal(download.status, 303)
      assert.equal(download.headers.get('location'), '/sign-in?returnTo=%2Freports%2Fperformance%2F2017-18.csv')
      assert.equal((await visitor.get('/ping')).status, 200)
      assert.equal(visitor.cookies.size, 0, 'no session for monitoring or redirects')
    })

    it('the sign-in page has the security headers, a form with a CSRF token, and no-store', async () => {
      const response = await new TestBrowser(base).get('/sign-in')
      assert.equal(response.status, 200)
      assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self' 'nonce-/)
      assert.equal(response.headers.get('cache-control'), 'no-store')
      const html = await response.text()
      assert.match(html, /<form method="post" action="\/sign-in" novalidate>/)
      assert.match(html, /name="_csrf" value="[0-9a-f]{256}"/)
      assert.match(html, /autocomplete="current-password"/)
    })

    it('a demo viewer reads the report and downloads it, but may not administer users', async () => {
      const viewer = new TestBrowser(base)
      const signIn = await viewer.signIn(demo('viewer').email, demo('viewer').password)
      assert.equal(signIn.status, 303)
      const home = await viewer.get('/')
      assert.equal(home.status, 200)
      const html = await home.text()
      assert.match(html, /Sign out/)
      assert.doesNotMatch(html, /href="\/admin\/users"/)
      assert.equal((await viewer.get('/reports/performance/2017-18.csv')).status, 200)
      assert.equal((await viewer.get('/admin/users')).status, 403)
    })

    it('the demo administrator sees every demo account', async () => {
      const admin = new TestBrowser(base)
      await admin.signIn(demo('administrator').email, demo('administrator').password)
      const page = await admin.get('/admin/users')
      assert.equal(page.status, 200)
      const html = await page.text()
      for (const user of demoUsers) assert.ok(html.includes(user.email), user.email)
      assert.match(html, /admin@localhost/, 'and the first-start administrator')
    })
  })
}
