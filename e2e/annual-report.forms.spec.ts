import { expect, test } from './fixtures.ts'

/**
 * The annual report's forms with JavaScript on and off (the `no-javascript` project): start a report, edit a block
 * (HTML typed in is shown as text), comment and resolve, a glossary line refused with the error summary. Each project
 * takes a year of its own that no other spec uses.
 */
test.slow()

test('start a report, edit a block, comment and resolve, and a glossary error', async ({
  page,
  signInAs,
}, testInfo) => {
  const noScript = testInfo.project.name === 'no-javascript'
  const year = noScript ? 'FY2023-24' : 'FY2022-23'
  const label = noScript ? '2023-24' : '2022-23'
  await signInAs('partnership-analyst')
  await page.goto('/annual-report')
  await page.getByLabel('Start a report').fill(year)
  await page.getByRole('button', { name: 'Start the report' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(new RegExp(`annual report ${label}`))

  const intro = page.locator('section', { has: page.getByRole('heading', { name: 'Introduction by the Chair' }) })
  await intro.getByRole('link', { name: /^Edit/ }).first().click()
  await page.getByRole('button', { name: 'Open to edit' }).click()
  await page.getByLabel('Text').fill('Our year: <b>bold?</b> and **bold**.\n\n- one\n- two')
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await expect(page.getByText('Our year: <b>bold?</b> and bold.')).toBeVisible()
  await expect(intro.locator('strong', { hasText: /^bold$/ })).toBeVisible()

  const block = intro.locator('.app-annual-report-block').first()
  await block.getByText(/^Comments/).click()
  await block.getByLabel('Add a comment').fill('Check the wording')
  await block.getByRole('button', { name: 'Add comment' }).click()
  await expect(page.locator('#blocker-list')).toContainText('has an unresolved comment')
  await page.getByRole('button', { name: /^Resolve/ }).click()
  await expect(page.locator('#blocker-list')).toHaveText('Nothing blocks its approval.')

  await page.getByLabel(/Terms, one a line/).fill('SWP: Safer Wolverhampton Partnership\nnonsense')
  await page.getByRole('button', { name: 'Save the glossary' }).click()
  await expect(page).toHaveTitle(/^Error: /)
  await expect(page.locator('.govuk-error-summary')).toContainText('Line 2: write the term, a colon, then its meaning')
})
