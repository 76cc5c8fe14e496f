import { expect, test } from './fixtures.ts'

/** The number checker's form without JavaScript (see report-check.spec.ts): paste, check, and an empty form refused. */
test.describe('the number checker (JavaScript off)', () => {
  test.use({ javaScriptEnabled: false })

  test('paste a text and see its findings; an empty form is refused with an error summary', async ({
    page,
    signInAs,
  }) => {
    await signInAs('partnership-analyst')
    await page.goto('/annual-report/2017-18/check')
    await page.getByRole('button', { name: 'Check the numbers' }).click()
    await expect(page).toHaveTitle(/^Error: /)
    await expect(page.locator('.govuk-error-summary')).toContainText('Paste a text or choose a file to check')
    // Knife crime: 191 to 221 is up 30, 15.7%.
    await page.getByLabel('Text to check').fill('Violent crimes with a knife rose by 30 offences (16.5%).')
    await page.getByRole('button', { name: 'Check the numbers' }).click()
    await expect(page.locator('#findings-summary')).toContainText('1 of the 2 numbers contradict the data')
    await expect(page.getByRole('table', { name: 'Every number, in the order of the text' })).toContainText('15.7%')
  })
})
