import { expect, test } from './fixtures.ts'

/**
 * The statutory registers' Prevent and engagement pages on the demo (src/registers/prevent-demo.ts). Every page visited
 * is scanned with axe (e2e/fixtures.ts). Runs with JavaScript on and off; it writes nothing (the form is refused with
 * its error summary, the deletion is asked and not confirmed), so the two runs share the demo's state.
 */
for (const javaScriptEnabled of [true, false])
  test.describe(`Registers: Prevent and engagement (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, () => {
    test.use({ javaScriptEnabled })

    test('the landing page, the Prevent record of 2017-18 and its charts’ tables', async ({ page, signInAs }) => {
      await signInAs('partnership-analyst')
      await page.goto('/')
      await page.getByRole('link', { name: 'Registers' }).first().click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Statutory registers')
      await page.getByRole('link', { name: 'Prevent and Channel' }).click()
      await page.locator('#year').selectOption('FY2017-18')
      await page.getByRole('button', { name: 'Show the year' }).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Prevent and Channel 2017-18')
      await expect(page.locator('#referrals-summary')).toContainText(
        '55 Prevent referrals in 2017-18 (49 the year before)',
      )
      await expect(page.locator('#referrals-table')).toContainText('Quarter 1')
      await expect(page.locator('#coverage-summary')).toContainText(
        '100% of schools (12 of 12) received WRAP in 2017-18',
      )
      await expect(page.locator('#coverage-table')).toBeVisible()
      await expect(page.locator('#channel-summary')).toContainText('22 cases discussed')

      await page.getByRole('link', { name: 'Statutory registers' }).click()
      await page.getByRole('link', { name: 'Engagement, campaigns and covenants' }).click()
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Engagement, campaigns and covenants')
    })

    test('the engagement page counts the Faith Covenant’s signatories', async ({ page, signInAs }) => {
      await signInAs('board-member')
      await page.goto('/registers/engagement?year=FY2017-18')
      await expect(page.locator('#covenant-sentences')).toContainText(
        '15 organisations signed the Wolverhampton Faith Covenant in 2017-18',
      )
      await expect(page.getByRole('table', { name: /Engagement activities by type/ })).toBeVisible()
    })

    test('a Channel panel meeting refused with the error summary; a deletion asked, not confirmed', async ({
      page,
      signInAs,
    }) => {
      await signInAs('partnership-analyst')
      await page.goto('/registers/prevent/channel-panel')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Channel panel meetings')
      await page.getByRole('button', { name: /Add: channel panel meeting/ }).click()
      await page.locator('#meeting_date-day').fill('31')
      await page.locator('#meeting_date-month').fill('2')
      await page.locator('#meeting_date-year').fill('2018')
      await page.locator('#cases_discussed').fill('2')
      await page.locator('#cases_adopted').fill('1')
      await page.getByRole('button', { name: 'Save' }).click()
      await expect(page).toHaveTitle(/^Error: /)
      const summary = page.locator('.govuk-error-summary')
      await expect(
        summary.getByRole('link', { name: 'Date must be a real date, for example 31 3 2018' }),
      ).toHaveAttribute('href', '#meeting_date-day')
      await expect(summary.getByRole('link', { name: 'Enter the cases closed' })).toHaveAttribute(
        'href',
        '#cases_closed',
      )
      await expect(page.locator('#cases_discussed')).toHaveValue('2')

      await page.goto('/registers/prevent/channel-panel')
      await page.getByRole('link', { name: 'Change row 1' }).click()
      await page.getByRole('button', { name: 'Delete' }).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Delete this channel panel meeting?')
      await page.getByRole('link', { name: 'Cancel' }).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Change: channel panel meeting')
    })

    test('the settings’ CSV import page', async ({ page, signInAs }) => {
      await signInAs('administrator')
      await page.goto('/registers/prevent/settings')
      await page.getByRole('link', { name: 'Import the settings from a CSV file' }).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Import the area’s settings')
      await page.getByRole('button', { name: 'Import' }).click()
      await expect(page).toHaveTitle(/^Error: /)
      await expect(page.locator('#problems')).toContainText('Select a CSV file of the area’s settings')
    })
  })
