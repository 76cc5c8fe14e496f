import { expect, test } from './fixtures.ts'

/**
 * Delivery plan actions (src/plan/action-*.ts), with JavaScript on and off, each run on objects of its own (they
 * share one server and database): the analyst adds an action through the form (a refusal first), adds a dated
 * progress update, finds it from the dashboard's flags; the police data owner updates it in their quarterly return; the
 * analyst accepts the return and the update becomes the action's. Needs the demo's strategy (its priorities): an
 * action serves one. Every page visited is checked with axe (e2e/fixtures.ts).
 */
for (const javaScript of [true, false]) {
  test.describe(`delivery plan actions (JavaScript ${javaScript ? 'on' : 'off'})`, () => {
    test.use({ javaScriptEnabled: javaScript })

    test('add, update, flag, and update through the quarterly return', async ({ page, signInAs }) => {
      const reference = javaScript ? 'E2E-JS' : 'E2E-NOJS'
      const quarter = javaScript ? 'FY2023-24-Q1' : 'FY2023-24-Q2'
      const banner = page.locator('.govuk-notification-banner')

      await signInAs('partnership-analyst')
      await page.goto('/plan/actions')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Delivery plan actions')
      // The filters are a GET form: they work without JavaScript.
      await page.getByLabel('Only overdue actions').check()
      await page.getByRole('button', { name: 'Apply filters' }).click()
      await expect(page).toHaveURL(/overdue=yes/)
      for (const row of await page.locator('#actions-table tbody tr').all()) {
        await expect(row).toContainText('Overdue')
      }

      await page.goto('/plan/actions/new')
      await page.locator('#reference').fill(reference)
      await page.getByRole('button', { name: 'Save action' }).click()
      await expect(page).toHaveTitle(/^Error: /)
      const summary = page.locator('.govuk-error-summary')
      await expect(summary.getByRole('link', { name: 'Enter what the action is' })).toHaveAttribute('href', '#title')
      await expect(page.locator('#reference')).toHaveValue(reference)

      await page.locator('#title').fill('Run a knife crime awareness week in schools')
      const priorities = page.locator('#strategicPriority option')
      expect(await priorities.count(), 'the demo strategy has priorities').toBeGreaterThan(1)
      await page.locator('#strategicPriority').selectOption({ index: 1 })
      await page.locator('#leadAgency').selectOption({ label: 'West Midlands Police' })
      await page.locator('#deliveryGroup').fill('Gangs Steering Group')
      await page.locator('#dueDate-day').fill('30')
      await page.locator('#dueDate-month').fill('6')
      await page.locator('#dueDate-year').fill('2030')
      await page.locator('#milestone-1-title').fill('Schools signed up')
      await page.getByRole('button', { name: 'Save action' }).click()
      await expect(banner).toContainText(`Action ${reference} added.`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Run a knife crime awareness week in schools')
      const actionUrl = page.url()

      await page.locator('#writtenOn-day').fill('1')
      await page.locator('#writtenOn-month').fill('9')
      await page.locator('#writtenOn-year').fill('2023')
      await page.locator('#status').selectOption('at-risk')
      await page.locator('#note').fill('Two schools have withdrawn.')
      await page.getByRole('button', { name: 'Add update' }).click()
      await expect(banner).toContainText('Progress update added.')
      await expect(page.locator('#updates + table')).toContainText('Two schools have withdrawn.')

      // The dashboard's flag leads to the list of actions at risk.
      await page.goto('/dashboard')
      await page
        .locator('#action-flags')
        .getByRole('link', { name: /at risk/ })
        .click()
      await expect(page).toHaveURL(/status=at-risk/)
      await expect(page.locator(`[data-action="${reference}"]`)).toBeVisible()

      // The police data owner updates it in their return.
      await page.context().clearCookies()
      await signInAs('data-owner')
      await page.goto(`/returns/${quarter}/WMP`)
      await expect(page.getByRole('heading', { name: 'Actions your agency leads' })).toBeVisible()
      const fieldset = page.locator('fieldset', { hasText: reference })
      await fieldset.getByLabel('Status').selectOption('on-track')
      await fieldset.getByLabel('What has happened').fill('Replacement schools found; the week is booked.')
      await page.getByRole('button', { name: 'Save draft' }).click()
      await expect(banner).toContainText('Your draft has been saved.')
      await expect(page.locator('fieldset', { hasText: reference }).getByLabel('What has happened')).toHaveValue(
        'Replacement schools found; the week is booked.',
      )
      // Submitting needs every KPI's figure or a reason: each KPI due is marked not yet available.
      for (const select of await page.locator('select[id$="-status"]:not([id^="action-"])').all()) {
        await select.selectOption('not-yet-available')
        const reason = page.locator(`#${(await select.getAttribute('id'))?.replace(/-status$/, '-reason')}`)
        await reason.fill('Not yet published')
      }
      await page.getByRole('button', { name: 'Submit return' }).click()
      await expect(banner).toContainText('Your return has been submitted.')

      // The analyst sees the update in the review and accepts: it becomes the action's.
      await page.context().clearCookies()
      await signInAs('partnership-analyst')
      await page.goto(`/returns/${quarter}/WMP`)
      // (The analyst may also correct a return, so they see it in its form: the data owner's words in the boxes.)
      await expect(page.locator('fieldset', { hasText: reference }).getByLabel('What has happened')).toHaveValue(
        'Replacement schools found; the week is booked.',
      )
      await page.getByRole('button', { name: 'Accept return' }).click()
      await expect(banner).toContainText('The return is accepted.')
      await page.goto(actionUrl)
      await expect(page.locator('.govuk-summary-list')).toContainText('On track')
      await expect(page.locator('#updates + table')).toContainText('Through the agency’s quarterly return')
    })
  })
}
