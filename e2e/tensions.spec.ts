import { expect, test } from './fixtures.ts'

/**
 * Community tensions, the hate-crime reporting centres and retention, on the demo (src/registers/tension-demo.ts):
 * March 2018 across the wards, a ward's chart with its summary and table, the log's form (refused, then saved), the
 * reporting centres' coverage and the CSV import's refusal, and the administrator's retention page. Runs with
 * JavaScript on and off, each adding an entry of its own (they share one server and database). Every page visited is
 * scanned with axe (e2e/fixtures.ts).
 */
for (const javaScriptEnabled of [true, false])
  test.describe(`community tensions (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, () => {
    test.use({ javaScriptEnabled })

    test('the month, a ward’s chart, the log’s form, the centres and retention', async ({ page, signInAs }) => {
      const description = javaScriptEnabled ? 'E2E leaflets (JS)' : 'E2E leaflets (no JS)'
      await signInAs('partnership-analyst')
      await page.goto('/registers/tensions?month=2018-03')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Community tensions, March 2018')
      await expect(page.locator('#assessments')).toContainText('Illustrative figure (not Wolverhampton’s)')

      await page.getByRole('link', { name: 'Heath Town' }).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Community tensions in Heath Town, 2017/18')
      await expect(page.locator('#summary')).toContainText('Highest: 4 (High) in July 2017.')
      await expect(page.getByRole('img', { name: /Tension level in Heath Town by month/ })).toBeVisible()
      await expect(page.getByRole('table', { name: 'Tension level by month' })).toBeVisible()

      await page.goto('/registers/tensions/entries/new')
      await page.getByRole('button', { name: 'Add the entry' }).click()
      await expect(page).toHaveTitle(/^Error: /)
      await expect(page.locator('.govuk-error-summary').getByRole('link', { name: 'Select the ward' })).toHaveAttribute(
        'href',
        '#wardId',
      )
      await page.locator('#entryDate').fill('2018-03-21')
      await page.locator('#wardId').selectOption({ label: 'Graiseley' })
      await page.locator('#source').fill('Councillor')
      await page.getByRole('radio', { name: /^Evidenced/ }).check()
      await page.getByRole('radio', { name: '3 (Moderate)' }).check()
      await page.locator('#description').fill(description)
      await page.getByRole('radio', { name: 'Monitoring', exact: true }).check()
      await page.locator('#reviewDate').fill('2099-01-01')
      await page.getByRole('button', { name: 'Add the entry' }).click()
      await expect(page.locator('.govuk-notification-banner')).toContainText('The entry has been added.')
      await expect(page.locator('main')).toContainText(description)

      await page.goto('/registers/reporting-centres')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Third-party reporting centres')
      await expect(page.locator('#coverage + p')).toContainText('Wards with none:')
      await page.getByRole('link', { name: 'Import centres from CSV' }).click()
      await page.locator('#csv').fill('organisation,ward\nNowhere Centre,Atlantis\n')
      await page.getByRole('button', { name: 'Import' }).click()
      await expect(page).toHaveTitle(/^Error: /)
      await expect(page.locator('#problems')).toContainText('"Atlantis" is not one of the partnership\'s wards')

      // The administrator, in a fresh session (a signed-in person is not shown the sign-in form).
      await page.context().clearCookies()
      await signInAs('administrator')
      await page.goto('/retention')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Retention')
      await expect(page.locator('#due-tension-entry')).toContainText('CT-2017-001')
    })
  })
