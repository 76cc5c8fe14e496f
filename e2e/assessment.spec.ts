import { expect, test } from './fixtures.ts'

/**
 * The strategic assessment's reading pages (every page visited is checked with axe by e2e/fixtures.ts): the demo's
 * 2018/19 assessment, marked illustrative, its findings citing the demo's figures (knife crime 49 + 49 + 56 + 67 =
 * 221 in 2017/18), the threats and the 5 × 5 scoring matrix as a table with a text summary, recommendations and
 * consultation. The forms are in assessment.forms.spec.ts (run with JavaScript on and off).
 */

test('the demo assessment: illustrative, figures cited from the data, threats placed in the scoring matrix', async ({
  page,
  signInAs,
}) => {
  await signInAs('viewer')
  await page.goto('/plan/assessments')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Strategic assessments')
  await page.getByRole('link', { name: 'Strategic assessment 2018/19' }).click()
  await expect(page).toHaveURL(/\/plan\/assessments\/2018-19$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Strategic assessment 2018/19')
  await expect(page.locator('.govuk-warning-text')).toContainText('Illustrative assessment (not Wolverhampton’s)')

  const knife = page.getByRole('table', { name: 'Figures cited in finding 1' })
  await expect(knife).toContainText('221 (sum of 4 quarters)')
  await expect(knife).toContainText('as it is now')

  const matrix = page.getByRole('table', { name: /^Scoring matrix/ })
  await expect(matrix.getByRole('columnheader')).toHaveCount(5)
  await expect(matrix.getByRole('rowheader')).toHaveCount(5)
  // T1 is impact 4 × likelihood 4 = 16: the row "Likelihood 4 Likely", the fourth impact column.
  const likely = matrix.getByRole('row', { name: /^Likelihood 4 Likely/ })
  await expect(likely.getByRole('cell').nth(3)).toContainText('16 Extreme T1')
  await expect(page.getByTestId('matrix-summary')).toContainText('Highest first: T1 Knife-enabled violence')

  await expect(page.getByRole('table', { name: /^Who was consulted/ })).toContainText('Residents of the city')
  // A viewer reads; the forms are for analysts and administrators.
  await expect(page.getByRole('link', { name: 'Score a threat' })).toHaveCount(0)
})

test('a data owner does not read the assessment (it is the whole partnership’s)', async ({ page, signInAs }) => {
  await signInAs('data-owner')
  const response = await page.goto('/plan/assessments/2018-19')
  expect(response?.status()).toBe(403)
})
