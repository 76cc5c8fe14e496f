import type { Browser, Page } from '@playwright/test'
import { expect, recordVisitedPages, signInOn, test } from './fixtures.ts'

/**
 * The annual report builder, on the demo: its 2017-18 report (the seed's, rebuilt, approved at the board's June 2018
 * meeting and published) read, then a report of
 * a year no other spec uses (2020-21) started from the template and edited by two people at once, each in a browser
 * context of their own: the first to open a block holds it, the other is told who and since when; after the save the
 * other may open it. Every page either browser is sent is checked with axe (e2e/fixtures.ts).
 */

// Two people's browsers and a dozen pages each checked with axe.
test.slow()

const YEAR = 'FY2020-21'

/** A second person's browser: a context (a session) of its own; its pages are checked with axe too. */
async function secondBrowser(
  browser: Browser,
  options: { baseURL: string; javaScriptEnabled: boolean },
  visitedPages: { url: string; html: string }[],
): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  const allRead = recordVisitedPages(page, visitedPages)
  return {
    page,
    close: async () => {
      await allRead()
      await context.close()
    },
  }
}

test('the demo’s report: the seed rebuilt, the data’s figures where the seed printed its own', async ({
  page,
  signInAs,
}) => {
  await signInAs('board-member')
  await page.goto('/annual-report')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Annual report')
  await page.getByRole('link', { name: 'Safer Wolverhampton Partnership Annual Report 2017-2018' }).click()
  await expect(page.locator('#report-state')).toHaveText('Published')
  await expect(page.getByRole('heading', { level: 2, name: 'Violence Prevention' })).toBeVisible()
  // The seed printed 16.5%; the data gives 15.7% (30 on a baseline of 191).
  await expect(page.getByText(/rose by 30 offences \(15\.7%\)/)).toBeVisible()
  await expect(page.getByRole('table', { name: /Knife crime.*by quarter/ })).toBeVisible()
  // A board member reads but does not edit.
  await expect(page.getByRole('button', { name: /^Rename/ })).toHaveCount(0)
})

test('two people edit one report: a block is locked for the one editing it', async ({
  page,
  browser,
  baseURL,
  javaScriptEnabled,
  visitedPages,
  signInAs,
}) => {
  const other = await secondBrowser(browser, { baseURL: baseURL ?? '', javaScriptEnabled }, visitedPages)
  try {
    await signInAs('partnership-analyst')
    await page.goto('/annual-report')
    await page.getByLabel('Start a report').fill(YEAR)
    await page.getByRole('button', { name: 'Start the report' }).click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/annual report 2020-21/)
    const intro = page.locator('section', { has: page.getByRole('heading', { name: 'Introduction by the Chair' }) })
    await intro.getByRole('link', { name: /^Edit/ }).first().click()
    await page.getByRole('button', { name: 'Open to edit' }).click()
    await page.getByLabel('Text').fill('We are pleased to present the **2020-21** report.')
    const editing = page.url()

    // The administrator, in a browser of their own, finds the block being edited.
    await signInOn(other.page, 'administrator')
    await other.page.goto(editing)
    await expect(other.page.locator('#lock')).toContainText(/Being edited by Demo Partnership Analyst since \d\d:\d\d/)
    await expect(other.page.getByRole('button', { name: 'Save' })).toHaveCount(0)

    // The analyst saves: the lock is released, and the administrator may open it.
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await expect(page.getByText('We are pleased to present the 2020-21 report.')).toBeVisible()
    await other.page.reload()
    await other.page.getByRole('button', { name: 'Open to edit' }).click()
    await expect(other.page.getByLabel('Text')).toHaveValue('We are pleased to present the **2020-21** report.')
    await other.page.getByRole('link', { name: 'Back to the report' }).click()

    // A comment blocks approval until it is resolved.
    const comments = other.page.locator(
      '#' + (await other.page.locator('.app-annual-report-block').first().getAttribute('id')),
    )
    await comments.getByText(/^Comments/).click()
    await comments.getByLabel('Add a comment').fill('Name the year in full')
    await comments.getByRole('button', { name: 'Add comment' }).click()
    await expect(other.page.locator('#blocker-list')).toContainText('has an unresolved comment')
    await page.reload()
    await expect(page.locator('#blocker-list')).toContainText('has an unresolved comment')

    // The public page says the report is not published yet.
    await page.goto(`/public/annual-report/${YEAR}`)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Annual report 2020-21')
    await expect(page.getByText('has not been published yet')).toBeVisible()
  } finally {
    await other.close()
  }
})
