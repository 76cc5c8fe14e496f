import { expect, test } from './fixtures.ts'

/**
 * Appendix A and the 360Giving export, on the demo: its 2018/19 carries the seed's own paragraph ("… amounted to a
 * budget of £378,390"), which the check flags against the computed budget, and the demo loader published the year.
 * Every page visited is scanned with axe (e2e/fixtures.ts). The form journeys run with JavaScript on and off; they
 * write nothing (a check, and forms refused with an error summary), so the two runs share the demo's state.
 */
const SEED_BUDGET = 'the text says £378,390'

for (const javaScriptEnabled of [true, false])
  test.describe(`Appendix A (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, () => {
    test.use({ javaScriptEnabled })

    test('the year’s page, the narrative check, the form’s errors and the files', async ({ page, signInAs }) => {
      await signInAs('partnership-analyst')
      await page.goto('/funding/appendix-a')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Appendix A')
      await page.getByRole('link', { name: 'Appendix A 2018/19' }).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Appendix A: allocation and expenditure 2018/19')
      await expect(page.locator('#budget-sentence')).toContainText('The 2018/19 budget is')
      await expect(page.locator('#narrative')).toContainText('amounted to a budget of £378,390')
      await expect(page.locator('#narrative-check')).toContainText(SEED_BUDGET)
      await expect(page.getByRole('table', { name: 'Income and budget by funding stream' })).toBeVisible()

      const csv = await page.request.get('/funding/appendix-a/FY2018-19.csv')
      expect(csv.status()).toBe(200)
      expect(await csv.text()).toContain('"Illustrative"')

      await page.getByRole('link', { name: /Edit the narrative/ }).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('The partnership’s narrative')
      await page.getByRole('button', { name: 'Check the amounts' }).click()
      await expect(page.locator('#narrative-check')).toContainText(SEED_BUDGET)
      // Too long: refused with the error summary, what was typed kept, nothing saved.
      await page.getByLabel('Narrative').fill('x'.repeat(5001))
      await page.getByRole('button', { name: 'Save' }).click()
      await expect(page).toHaveTitle(/^Error: /)
      await expect(page.locator('.govuk-error-summary')).toContainText('The narrative must be 5000 characters or fewer')
      await expect(page.locator('.govuk-error-summary a')).toHaveAttribute('href', '#narrative')
      await page.getByRole('link', { name: 'Back to Appendix A' }).click()
      await expect(page.locator('#narrative')).toContainText('amounted to a budget of £378,390')
    })

    test('the 360Giving page refuses a prefix that is not one, saying why', async ({ page, signInAs }) => {
      await signInAs('partnership-analyst')
      await page.goto('/funding/360giving')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Grants in the 360Giving Data Standard')
      await page.getByLabel('360Giving prefix').fill('wolverhampton')
      await page.getByLabel('Funder’s organisation identifier').fill('E22000123')
      await page.getByLabel('Funder’s name').fill('City of Wolverhampton Council')
      await page.getByRole('button', { name: 'Save the settings' }).click()
      await expect(page).toHaveTitle(/^Error: /)
      const summary = page.locator('.govuk-error-summary')
      await expect(summary.getByRole('link', { name: /starting 360G-/ })).toHaveAttribute('href', '#prefix')
      await expect(summary.getByRole('link', { name: /org-id.guide/ })).toHaveAttribute('href', '#funderOrgId')
      await expect(page.getByLabel('360Giving prefix')).toHaveValue('wolverhampton')
    })
  })

test('the public page of the published year, and nothing for a provider’s data owner', async ({ page, signInAs }) => {
  await page.goto('/public/appendix-a')
  await page.getByRole('link', { name: 'Appendix A 2018/19' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Appendix A: allocation and expenditure 2018/19')
  await expect(page.locator('#published-on')).toContainText('Published')
  await expect(page.locator('#narrative-check')).toContainText(SEED_BUDGET)

  await signInAs('data-owner')
  const response = await page.goto('/funding/appendix-a/FY2018-19')
  expect(response?.status()).toBe(404)
})
