import { expect, test } from './fixtures.ts'

/**
 * The strategic assessment's forms, with JavaScript on and off (the `no-javascript` project), each project on a year
 * of its own as they share one server: start an assessment, add a finding and cite a figure, score a threat (a bad
 * rating answered with the error summary), add and record consultation, and make it final (the cited figure kept).
 */
test('an assessment: finding with a cited figure, a scored threat, consultation, made final', async ({
  page,
  signInAs,
}, testInfo) => {
  const year = testInfo.project.name === 'no-javascript' ? '2022-23' : '2021-22'
  const banner = page.locator('.govuk-notification-banner')
  await signInAs('partnership-analyst')
  await page.goto('/plan/assessments/new')
  await page.locator('#year').fill(year)
  await page.locator('#dataFrom').fill('FY2017-18-Q1')
  await page.locator('#dataTo').fill('FY2017-18-Q4')
  await page.getByRole('button', { name: 'Start the assessment' }).click()
  await expect(page).toHaveURL(new RegExp(`/plan/assessments/${year}$`))
  await expect(banner).toContainText('The assessment is started as a draft.')

  await page.getByRole('button', { name: 'Add a finding' }).click()
  await page.locator('#theme').fill('Knife crime')
  await page.locator('#text').fill('Knife crime rose in 2017/18.')
  await page.getByRole('button', { name: 'Add the finding' }).click()
  await expect(banner).toContainText('The finding is added.')

  await page.getByRole('link', { name: 'Cite a figure in finding 1' }).click()
  await page.getByLabel('KPI: outturn for the year').check()
  await page.locator('#kpi').selectOption('knife-crime')
  await page.getByRole('button', { name: 'Cite the figure' }).click()
  await expect(page.getByRole('table', { name: 'Figures cited in finding 1' })).toContainText('221 (sum of 4 quarters)')

  await page.getByRole('button', { name: 'Score a threat' }).click()
  await page.locator('#title').fill('Knife-enabled robbery')
  await page.getByRole('button', { name: 'Add the threat' }).click()
  await expect(page).toHaveTitle(/^Error: /)
  const summary = page.locator('.govuk-error-summary')
  await expect(summary.getByRole('link', { name: 'Choose the impact, a whole number from 1 to 5' })).toHaveAttribute(
    'href',
    '#impact',
  )
  await expect(page.locator('#title')).toHaveValue('Knife-enabled robbery')
  await page.getByLabel('4 Major').check()
  await page.getByLabel('3 Possible').check()
  await page.getByRole('button', { name: 'Add the threat' }).click()
  await expect(page.getByRole('table', { name: 'Threats, as scored' })).toContainText('12')
  await expect(page.getByTestId('matrix-summary')).toContainText('12 (High): impact 4 Major × likelihood 3 Possible')

  await page.getByRole('button', { name: 'Record consultation' }).click()
  await page.locator('#consultee').fill('Whitmore Reans residents')
  await page.getByLabel('The public').check()
  await page.locator('#heldFrom').fill('2018-02-01')
  await page.getByLabel('Survey').check()
  await page.locator('#whatWasSaid').fill('Knife crime near the schools.')
  await page.getByRole('button', { name: 'Record it' }).click()
  await expect(page.getByRole('table', { name: /^Who was consulted/ })).toContainText('Whitmore Reans residents')

  await page.getByRole('button', { name: 'Make the assessment final' }).click()
  await page.getByRole('button', { name: 'Make it final' }).click()
  await expect(page.locator('.govuk-error-summary')).toContainText('Confirm that the assessment is final')
  await page.getByLabel('The partnership has agreed this assessment: make it final').check()
  await page.getByRole('button', { name: 'Make it final' }).click()
  await expect(banner).toContainText('The assessment is final.')
  await expect(page.getByTestId('assessment-status')).toContainText('Final, since')
  await expect(page.getByRole('table', { name: 'Figures cited in finding 1' })).toContainText('as it was on')
  await expect(page.getByRole('button', { name: 'Add a finding' })).toHaveCount(0)
})
