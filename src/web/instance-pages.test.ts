import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { addUserWithPassword } from '../../test/support/accounts.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import { demoUsers } from '../accounts/demo-users.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'

/** The menu's links as [href, text], read from the page's service navigation. */
function menu(html: string): [string, string][] {
  const nav = /<nav[^>]*govuk-service-navigation__wrapper[\s\S]*?<\/nav>/.exec(html)?.[0] ?? ''
  return [...nav.matchAll(/<a[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => [
    m[1] as string,
    (m[2] as string).replace(/<[^>]+>/g, '').trim(),
  ])
}

const analyst = demoUsers.find((u) => u.role === 'partnership-analyst') as (typeof demoUsers)[number]

for (const dialect of testDialects()) {
  describe(`the instance's own pages with two partnerships (${dialect})`, () => {
    let app: RunningApp
    let demoSlug: string

    before(async () => {
      app = await startDemoApp(dialect)
      demoSlug = (await app.services.partnerships.resolve(null)).slug
      const added = await app.services.partnerships.add('test', { name: 'Northshire', code: 'E22000999' })
      assert.ok(added.ok)
      // The demo analyst works for Northshire too.
      const member = await app.services
        .forPartnership(added.value)
        .accounts.addUser({ system: 'test' }, { email: analyst.email, name: 'Analyst', role: 'viewer', agencyId: null })
      assert.ok(member.ok && member.oneTimePassword === null)
    })
    after(() => app.stop())

    it('the account pages list the person’s partnerships to switch between, the current one marked', async () => {
      const browser = new TestBrowser(app.base)
      assert.equal((await browser.signIn(analyst.email, analyst.password)).status, 303)
      // Not yet chosen: the first by name, Northshire (as a page without /p/<slug> would be).
      let html = await (await browser.get('/account')).text()
      const partnershipLinks = (links: [string, string][]) => links.filter(([href]) => href.startsWith('/p/'))
      assert.deepEqual(partnershipLinks(menu(html)), [
        ['/p/northshire/dashboard', 'Northshire (current)'],
        [`/p/${demoSlug}/dashboard`, 'Safer Wolverhampton Partnership'],
      ])
      assert.match(
        html,
        /Your partnerships[\s\S]*Northshire[\s\S]*Viewer[\s\S]*Current[\s\S]*Safer Wolverhampton Partnership[\s\S]*Partnership analyst/,
      )
      // Switching: after a page of the demo partnership, that one is current, on the menu and without the prefix.
      assert.equal((await browser.get(`/p/${demoSlug}/dashboard`)).status, 200)
      html = await (await browser.get('/account/change-password')).text()
      assert.deepEqual(partnershipLinks(menu(html)), [
        ['/p/northshire/dashboard', 'Northshire'],
        [`/p/${demoSlug}/dashboard`, 'Safer Wolverhampton Partnership (current)'],
      ])
      assert.match(await (await browser.get('/dashboard')).text(), /Safer Wolverhampton Partnership/)
    })

    it('shows instance administrators, and nobody else, failed sign-ins with an email that is no account', async () => {
      const stranger = new TestBrowser(app.base)
      assert.equal((await stranger.signIn('nobody@nowhere.example', 'not-a-password-at-all')).status, 401)
      await addUserWithPassword(app.services.accounts, {
        email: 'instance-admin@example.org',
        role: 'administrator',
        password: 'harbour-copper-lantern-eleven',
      })
      const instanceAdmin = new TestBrowser(app.base)
      assert.equal(
        (await instanceAdmin.signIn('instance-admin@example.org', 'harbour-copper-lantern-eleven')).status,
        303,
      )
      const page = await instanceAdmin.get('/admin/audit?action=sign-in-failed')
      assert.equal(page.status, 200)
      const html = await page.text()
      assert.match(html, /nobody@nowhere\.example/)
      assert.match(html, /no such account/)
      // The menu's one "Admin" item leads to a page that links to it.
      assert.ok(
        menu(html).some(([href, text]) => href === '/admin' && text === 'Admin'),
        'the instance menu links to the administration page',
      )
      assert.match(await (await instanceAdmin.get('/admin')).text(), /href="\/admin\/audit"/)
      // Its filter form stays on the instance's page.
      assert.match(html, /<form method="get" action="\/admin\/audit"/)

      // A partnership's administrator sees their partnership's trail, which holds no event of no partnership.
      const partnershipAdmin = await app.signedIn('administrator')
      assert.equal((await partnershipAdmin.get('/admin/audit')).status, 404)
      const own = await partnershipAdmin.get('/audit?action=sign-in-failed')
      assert.equal(own.status, 200)
      assert.doesNotMatch(await own.text(), /nobody@nowhere\.example/)
      const signedOut = await new TestBrowser(app.base).get('/admin/audit')
      assert.equal(signedOut.status, 303)
      assert.match(signedOut.headers.get('location') ?? '', /^\/sign-in/)
    })
  })
}
