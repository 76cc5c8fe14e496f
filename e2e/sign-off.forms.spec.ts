import type { Browser, Locator, Page } from '@playwright/test'
import { expect, recordVisitedPages, signInOn, test } from './fixtures.ts'

/**
 * Two journeys around one return being worked on by more than one person, with JavaScript on and off (the
 * `no-javascript` project). Specs share one server and database, so each run takes quarters of its own that no
 * other spec uses: 2021/22 Q1 and Q2 for the sign-off, Q3 and Q4 for the two editors.
 *
 * Boxes are found by the KPI's fieldset and the start of their label ("Figure", "Numerator"), never by field name,
 * which carries the period and may change.
 */

// Two people's browsers and a dozen pages each checked with axe: the checks alone take half a minute on a busy
// two-core machine, so these journeys get three times the usual timeout.
test.slow()

const GODOC = 'Active gang members discussed at GODOC'
const REOFFENDING = 'Proven reoffending (youth and adult)'

/** A box of a KPI on the return form, by the KPI's name (its fieldset's legend) and the start of the box's label. */
function box(page: Page, kpi: string, label: string): Locator {
  // The label's text may start with the template's line break and indentation: a regular expression sees those.
  return page.getByRole('group', { name: kpi }).getByLabel(new RegExp(`^\\s*${label}`))
}

/**
 * A second person's browser: a context of its own (its own session), with JavaScript as the project says. Every
 * HTML page it is sent is added to `visitedPages`, so the fixture checks those with axe too; `close` waits for them.
 */
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

test('the board signs off a quarter, a data owner can no longer save, the board reopens it with a reason', async ({
  page,
  browser,
  baseURL,
  javaScriptEnabled,
  visitedPages,
  signInAs,
}, testInfo) => {
  const noScript = testInfo.project.name === 'no-javascript'
  const quarter = noScript ? 'FY2021-22-Q2' : 'FY2021-22-Q1'
  const label = noScript ? '2021/22 Q2' : '2021/22 Q1'
  const returnPath = `/returns/${quarter}/WMP`
  const banner = page.locator('.govuk-notification-banner')
  const owner = await secondBrowser(browser, { baseURL: baseURL ?? '', javaScriptEnabled }, visitedPages)
  try {
    // The data owner opens the return and starts typing.
    await signInOn(owner.page, 'data-owner')
    await owner.page.goto(returnPath)
    await expect(owner.page.getByRole('heading', { level: 1 })).toHaveText(`Return for ${label}`)
    await box(owner.page, GODOC, 'Figure').fill('27')

    // Meanwhile the board signs the quarter off.
    await signInAs('board-member')
    await page.goto(`/returns/${quarter}`)
    await page.getByLabel(`The board has signed off ${label}`).check()
    await page.getByRole('button', { name: 'Sign off and lock' }).click()
    await expect(banner).toContainText('The quarter is signed off and locked.')

    // The data owner saves the form they had open: refused, saying why; nothing was saved.
    await owner.page.getByRole('button', { name: 'Save draft' }).click()
    await expect(owner.page).toHaveTitle(/^Error: /)
    const locked = owner.page.locator('#locked')
    await expect(locked).toContainText(`The board has signed off ${label}`)
    await expect(locked).toContainText('Nothing was saved: the quarter is locked')
    await expect(owner.page.getByRole('button', { name: 'Save draft' })).toHaveCount(0)
    const quarterRow = owner.page.locator('.govuk-summary-list__row', { hasText: 'Quarter' }).locator('dd')
    await expect(quarterRow).toHaveText('Signed off by the board: locked')
    await expect(owner.page.getByRole('row', { name: new RegExp(GODOC) })).not.toContainText('27')

    // The board reopens it: without a reason it is refused, with the error in the summary and beside the box.
    await expect(page.getByRole('heading', { name: 'Reopen the quarter' })).toBeVisible()
    await page.getByRole('button', { name: 'Reopen quarter' }).click()
    await expect(page).toHaveTitle(/^Error: /)
    const summary = page.locator('.govuk-error-summary')
    await expect(summary).toContainText('There is a problem')
    await expect(summary.getByRole('link', { name: 'Enter why the quarter is being reopened' })).toHaveAttribute(
      'href',
      '#reason',
    )
    await expect(page.locator('#reason-error')).toContainText('Enter why the quarter is being reopened')
    await expect(page.locator('main')).toContainText('it is locked')

    const reason = `Police figures for ${label} were restated after an audit of crime recording (${Date.now()})`
    await page.locator('#reason').fill(reason)
    await page.getByRole('button', { name: 'Reopen quarter' }).click()
    await expect(banner).toContainText('The quarter is reopened.')
    await expect(page.getByRole('heading', { name: 'Board sign-off' })).toBeVisible()
    await expect(page.getByRole('heading', { name: 'Reopen the quarter' })).toHaveCount(0)

    // The quarter is open again: the data owner can save.
    await owner.page.goto(returnPath)
    await expect(quarterRow).toHaveText('Open')
    await box(owner.page, GODOC, 'Figure').fill('27')
    await owner.page.getByRole('button', { name: 'Save draft' }).click()
    await expect(owner.page.locator('.govuk-notification-banner')).toContainText('Your draft has been saved.')
    await expect(box(owner.page, GODOC, 'Figure')).toHaveValue('27')

    // The reopening, with its reason, is in the audit trail (read by the partnership analyst).
    await page.context().clearCookies()
    await signInAs('partnership-analyst')
    // Straight to the quarters' records (a long page of every event would only slow the accessibility check).
    await page.goto('/audit?entityType=return-period')
    await expect(page.locator('#entityType')).toHaveValue('return-period')
    await page.locator('#actor').fill('board@example.org')
    await page.getByRole('button', { name: 'Apply filter' }).click()
    const reopening = page.getByRole('row').filter({ hasText: `reopen return-period ${quarter}` })
    await expect(reopening).toHaveCount(1)
    await expect(reopening).toContainText('board@example.org')
    await reopening.getByText('Show before and after of event').click()
    await expect(reopening.locator('pre').last()).toBeVisible()
    await expect(reopening.locator('pre').last()).toContainText(reason)
    // The sign-off before it is there too.
    await expect(page.getByRole('row').filter({ hasText: `lock return-period ${quarter}` })).toHaveCount(1)
  } finally {
    await owner.close()
  }
})

test('two editors on one return: the second is told of the conflict, sees the saved figures, then saves on top', async ({
  page,
  browser,
  baseURL,
  javaScriptEnabled,
  visitedPages,
  signInAs,
}, testInfo) => {
  const quarter = testInfo.project.name === 'no-javascript' ? 'FY2021-22-Q4' : 'FY2021-22-Q3'
  const returnPath = `/returns/${quarter}/WMP`
  // Two sessions of the agency's data owner: a second office, or a colleague signed in with the same account.
  const second = await secondBrowser(browser, { baseURL: baseURL ?? '', javaScriptEnabled }, visitedPages)
  try {
    await signInAs('data-owner')
    await page.goto(returnPath)
    await signInOn(second.page, 'data-owner')
    await second.page.goto(returnPath)
    await expect(box(second.page, GODOC, 'Figure')).toHaveValue('')

    // The first editor saves.
    await box(page, GODOC, 'Figure').fill('41')
    await box(page, REOFFENDING, 'Numerator').fill('100')
    await box(page, REOFFENDING, 'Denominator').fill('400')
    await page.getByRole('button', { name: 'Save draft' }).click()
    await expect(page.locator('.govuk-notification-banner')).toContainText('Your draft has been saved.')

    // The second, working on the form as it was before that save, saves too: refused with a clear message.
    await box(second.page, GODOC, 'Figure').fill('55')
    await box(second.page, GODOC, 'Commentary').fill('Two new groups were discussed at GODOC.')
    await second.page.getByRole('button', { name: 'Save draft' }).click()
    await expect(second.page).toHaveTitle(/^Error: /)
    const conflict = second.page.locator('#conflict')
    await expect(conflict).toContainText('Someone else changed this return while you were working on it')
    await expect(conflict).toContainText('Your changes were not saved')
    // The form now holds the figures saved by the first editor: nothing of theirs is lost or overwritten.
    await expect(box(second.page, GODOC, 'Figure')).toHaveValue('41')
    await expect(box(second.page, REOFFENDING, 'Numerator')).toHaveValue('100')
    await expect(box(second.page, REOFFENDING, 'Denominator')).toHaveValue('400')
    await expect(box(second.page, GODOC, 'Commentary')).toHaveValue('')

    // The second editor makes their change again, on top of the first editor's figures, and saves.
    await box(second.page, GODOC, 'Figure').fill('55')
    await box(second.page, GODOC, 'Commentary').fill('Two new groups were discussed at GODOC.')
    await second.page.getByRole('button', { name: 'Save draft' }).click()
    await expect(second.page.locator('.govuk-notification-banner')).toContainText('Your draft has been saved.')

    // The first editor sees both: the second's figure and commentary, and their own reoffending counts.
    await page.goto(returnPath)
    await expect(box(page, GODOC, 'Figure')).toHaveValue('55')
    await expect(box(page, GODOC, 'Commentary')).toHaveValue('Two new groups were discussed at GODOC.')
    await expect(box(page, REOFFENDING, 'Numerator')).toHaveValue('100')
    await expect(box(page, REOFFENDING, 'Denominator')).toHaveValue('400')
  } finally {
    await second.close()
  }
})
