import AxeBuilder from '@axe-core/playwright'
import { test as base, expect, type Browser, type Page } from '@playwright/test'
import { demoUsers } from '../src/accounts/demo-users.ts'
import type { Role } from '../src/accounts/roles.ts'

/** The WCAG 2.2 AA rule sets axe checks on every page. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

/** An HTML page as the server sent it while the test ran (after a GET or a POST). */
export interface VisitedPage {
  readonly url: string
  readonly html: string
}

/** Scans already made by this worker, by page (nonces and tokens taken out): the same page is scanned once. */
const scanned = new Map<string, readonly string[]>()

function pageKey(visit: VisitedPage): string {
  const html = visit.html.replace(/nonce="[^"]*"/g, 'nonce=""').replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf"')
  return `${new URL(visit.url).pathname}\n${html}`
}

/**
 * Checks the HTML of every page the test was shown with axe, in a separate context with JavaScript on (so it works
 * for the no-JavaScript project too, and a page reached by a POST — an error summary — is checked as it was
 * served): each page is replayed at its own address, so its stylesheet and script load as they did.
 */
async function axeViolations(browser: Browser, baseURL: string, visited: readonly VisitedPage[]): Promise<string[]> {
  const problems: string[] = []
  const context = await browser.newContext({ baseURL, javaScriptEnabled: true })
  try {
    const page = await context.newPage()
    for (const visit of visited) {
      const key = pageKey(visit)
      const known = scanned.get(key)
      if (known) {
        problems.push(...known)
        continue
      }
      const found: string[] = []
      await page.route(visit.url, (route) =>
        route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: visit.html }),
      )
      await page.goto(visit.url)
      const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()
      await page.unroute(visit.url)
      for (const v of results.violations) {
        const nodes = v.nodes
          .slice(0, 3)
          .map((n) => `      ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`)
          .join('\n')
        found.push(`${new URL(visit.url).pathname} — ${v.id} (${v.impact ?? 'unknown'}): ${v.help}\n${nodes}`)
      }
      scanned.set(key, found)
      problems.push(...found)
    }
  } finally {
    await context.close()
  }
  return problems
}

/**
 * Keeps every HTML page `page` is sent (not redirects, downloads or what its frames load) in `visited`, for axe.
 * Returns a function that waits until the last of them has been read.
 */
export function recordVisitedPages(page: Page, visited: VisitedPage[]): () => Promise<void> {
  const pending: Promise<void>[] = []
  page.on('response', (response) => {
    const request = response.request()
    if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return
    if (response.status() >= 300 && response.status() < 400) return
    const type = response.headers()['content-type'] ?? ''
    const disposition = response.headers()['content-disposition'] ?? ''
    if (!type.startsWith('text/html') || disposition.startsWith('attachment')) return
    pending.push(
      response.text().then(
        (html) => void visited.push({ url: response.url(), html }),
        () => undefined,
      ),
    )
  })
  return async () => {
    await Promise.all(pending)
  }
}

/** Signs `page` in through the form as the demo user of a role; it ends on the account page. */
export async function signInOn(page: Page, role: Role): Promise<void> {
  const user = demoUsers.find((u) => u.role === role)
  if (!user) throw new Error(`No demo user for ${role}`)
  // Lands on the (small) account page, so that no test pays for scanning a page it did not ask for.
  await page.goto('/sign-in?returnTo=%2Faccount')
  await page.locator('#email').fill(user.email)
  await page.locator('#password').fill(user.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).not.toHaveURL(/\/sign-in/)
}

interface Fixtures {
  /** Signs in through the form as the demo user of a role; ends on the page after sign-in. */
  signInAs: (role: Role) => Promise<void>
  /** Pages visited so far in this test (for assertions about coverage). */
  visitedPages: VisitedPage[]
}

/**
 * The base fixture of every browser test: records every HTML page the browser is sent, fails the test when a page
 * breaks a WCAG 2.2 AA rule axe can check (listing rule, impact and the first nodes), and when any script on a page
 * opens a dialog (stored script that ran).
 */
export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a fixture needs from this pattern
  visitedPages: async ({}, use) => {
    await use([])
  },
  page: async ({ page, browser, baseURL, visitedPages }, use, testInfo) => {
    const dialogs: string[] = []
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`)
      void dialog.dismiss()
    })
    const allRead = recordVisitedPages(page, visitedPages)
    await use(page)
    await allRead()
    expect(dialogs, 'no script on any page opened a dialog').toEqual([])
    if (testInfo.status !== testInfo.expectedStatus) return
    // The scan is not the journey: it gets its own time (a long journey on a slow machine used up the test's
    // timeout before the scan of its last pages ended), up to 10 s a page not yet scanned.
    const toScan = new Set(visitedPages.map(pageKey).filter((key) => !scanned.has(key))).size
    testInfo.setTimeout(testInfo.timeout + 15_000 + 10_000 * toScan)
    const problems = await axeViolations(browser, baseURL ?? '', visitedPages)
    expect(problems, `accessibility problems on ${visitedPages.length} pages:\n${problems.join('\n')}`).toEqual([])
  },
  signInAs: async ({ page }, use) => {
    await use((role: Role) => signInOn(page, role))
  },
})

export { expect }
