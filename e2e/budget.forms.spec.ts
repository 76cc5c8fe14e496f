import { expect, test } from './fixtures.ts'

/**
 * The budget (`/funding`): the seed's 2018/19 PCC grant summed right, an award the form refuses and then saves, the
 * import page; a board member reads without forms, a data owner is told the page does not exist. Runs with JavaScript
 * on and off (the `no-javascript` project), each setting an amount of its own, as they share one server and database.
 * Every page is checked with axe by the fixture.
 */
test('the budget: the seed’s sum, an award refused then saved, the import page, readers by role', async ({
  page,
  signInAs,
}, testInfo) => {
  const received = testInfo.project.name === 'no-javascript' ? '20,000.50' : '10,000.25'
  await signInAs('partnership-analyst')
  await page.goto('/funding?year=FY2018-19')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Budget 2018/19')
  await expect(page.locator('#stream-sentences')).toContainText(
    'PCC grant: The 2018/19 budget is £378,430: income £339,995 + carry-forward £38,435.',
  )
  await expect(page.locator('#streams')).toContainText('Illustrative figure (not Wolverhampton’s)')

  // The year chooser is a plain GET form.
  await page.locator('#year').selectOption('FY2017-18')
  await page.getByRole('button', { name: 'Show' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Budget 2017/18')
  await page.goto('/funding?year=FY2018-19')

  await page.getByText('Set a year’s award').click()
  await page.locator('#award-stream').selectOption({ label: 'PCC grant' })
  await page.locator('#award-year').fill('FY2018-19')
  await page.locator('#awarded').fill('£339K')
  await page.getByRole('button', { name: 'Save the award' }).click()
  await expect(page).toHaveTitle(/^Error: /)
  const summary = page.locator('.govuk-error-summary')
  await expect(summary).toContainText('uses a multiplier')
  await expect(summary.getByRole('link').first()).toHaveAttribute('href', '#awarded')
  await expect(page.locator('#awarded')).toHaveValue('£339K')

  await page.locator('#awarded').fill('339,995')
  await page.locator('#received').fill(received)
  await page.getByRole('button', { name: 'Save the award' }).click()
  await expect(page.locator('.govuk-notification-banner')).toContainText('PCC grant: FY2018-19 award £339,995')
  await expect(page.locator('main')).toContainText(`(received £${received})`)

  await page.getByRole('link', { name: 'Import a budget workbook' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Import a budget workbook')

  await page.context().clearCookies()
  await signInAs('board-member')
  await page.goto('/funding?year=FY2018-19')
  await expect(page.locator('#reconciliation')).toBeVisible()
  await expect(page.getByText('Change the money')).toHaveCount(0)

  await page.context().clearCookies()
  await signInAs('data-owner')
  const response = await page.goto('/funding')
  expect(response?.status()).toBe(404)
})
