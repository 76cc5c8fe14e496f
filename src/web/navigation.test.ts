import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { can } from '../accounts/permissions.ts'
import type { Role } from '../accounts/roles.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'

/** The menu's links as [href, visible text], read from the page's service navigation. */
function menu(html: string): [string, string][] {
  const nav = /<nav[^>]*govuk-service-navigation__wrapper[\s\S]*?<\/nav>/.exec(html)?.[0] ?? ''
  return [...nav.matchAll(/<a[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => [
    m[1] as string,
    (m[2] as string)
      .replace(/<span class="govuk-visually-hidden">[\s\S]*?<\/span>/g, '')
      .replace(/<[^>]+>/g, '')
      .trim(),
  ])
}

// Arial's advance widths in thousandths of an em (its published metrics; system-ui on Windows, Segoe UI, is within a
// few per cent). The menu's links are 19px at desktop widths with 30px between them (govuk-frontend 5's service
// navigation), inside a 960px page: a 1280px laptop gives the page its full 960.
const ARIAL: Readonly<Record<string, number>> = {
  ...Object.fromEntries([...'abdeghnopqu'].map((c) => [c, 556])),
  ...Object.fromEntries([...'ckszvxy'].map((c) => [c, 500])),
  ...Object.fromEntries([...'ijl'].map((c) => [c, 222])),
  f: 278,
  t: 278,
  r: 333,
  m: 833,
  w: 722,
  ' ': 278,
  '-': 333,
  '(': 333,
  ')': 333,
  ...{ A: 667, B: 667, C: 722, D: 722, E: 667, F: 611, G: 778, H: 722, I: 278, J: 500, K: 667, L: 556, M: 833 },
  ...{ N: 722, O: 778, P: 667, Q: 778, R: 722, S: 667, T: 611, U: 722, V: 667, W: 944, X: 667, Y: 667, Z: 611 },
}
const rowWidth = (texts: readonly string[]) =>
  texts.reduce((sum, t) => sum + ([...t].reduce((w, c) => w + (ARIAL[c] ?? 556), 0) * 19) / 1000, 0) +
  30 * (texts.length - 1)

const ROLES: readonly Role[] = [
  'administrator',
  'partnership-analyst',
  'data-owner',
  'board-member',
  'viewer',
  'regional-analyst',
]

describe('the menu', () => {
  let app: RunningApp
  before(async () => {
    app = await startDemoApp()
  })
  after(() => app.stop())

  it('links to the imports page from the Reports page for those who may import, and only for them', async () => {
    for (const role of ROLES) {
      const user = await app.signedIn(role)
      const links = menu(await (await user.get('/dashboard')).text())
      assert.ok(
        links.some(([href, text]) => href === '/reports' && text === 'Reports'),
        `${role}: ${JSON.stringify(links)}`,
      )
      const hub = await (await user.get('/reports')).text()
      const mayImport = can({ role, instanceAdministrator: false } as never, 'import:run')
      assert.equal(/id="report-links"[^]*href="\/imports"/.test(hub), mayImport, role)
    }
    // Independently of the policy's table: the analyst imports, the viewer does not.
    const analyst = await (await (await app.signedIn('partnership-analyst')).get('/reports')).text()
    assert.match(analyst, /href="\/imports"/)
    const viewer = await (await (await app.signedIn('viewer')).get('/reports')).text()
    assert.doesNotMatch(viewer, /href="\/imports"/)
  })

  it('fits one row of a 1280px laptop for every role, with administration and the account grouped', async () => {
    for (const role of ROLES) {
      const html = await (await (await app.signedIn(role)).get('/dashboard')).text()
      const texts = menu(html).map(([, text]) => text)
      const width = rowWidth(texts)
      assert.ok(width <= 960 * 0.95, `${role}: ${Math.round(width)}px for ${texts.join(' · ')}`)
      for (const grouped of ['Users', 'Agencies', 'Change password', 'Two-step sign-in', 'Sign out', 'Partnerships'])
        assert.ok(!texts.includes(grouped), `${role}: "${grouped}" belongs in Admin or the header`)
      // One's own account and signing out are in the header instead.
      assert.match(html, /class="app-header__account"[^]*href="\/account"[^]*href="\/sign-out"/)
    }
  })

  it('has one Admin item leading to the administration pages the person may use', async () => {
    const admin = await app.signedIn('administrator')
    const links = menu(await (await admin.get('/dashboard')).text())
    assert.ok(links.some(([href, text]) => href === '/admin' && text === 'Admin'))
    const page = await (await admin.get('/admin')).text()
    for (const href of ['/admin/users', '/admin/agencies', '/admin/api-tokens', '/audit'])
      assert.match(page, new RegExp(`id="admin-links"[^]*href="${href}"`), href)
    // A viewer has no administration: no item, and the page says so.
    const viewer = await app.signedIn('viewer')
    assert.ok(!menu(await (await viewer.get('/dashboard')).text()).some(([href]) => href === '/admin'))
    const none = await viewer.get('/admin')
    assert.equal(none.status, 200)
    assert.match(await none.text(), /no administration tasks/)
  })

  it('before signing in, offers signing in and the public report', async () => {
    const html = await (await fetch(`${app.base}/`)).text()
    assert.deepEqual(
      menu(html).map(([, text]) => text),
      ['Public report', 'Sign in'],
    )
    assert.doesNotMatch(html, /app-header__account/)
  })
})
