import { expect, test } from './fixtures.ts'

/**
 * Importing figures as the partnership analyst: a file with a mistake is refused with every problem listed and
 * nothing saved; the corrected file is previewed and then applied. Runs with JavaScript on and off; each project
 * writes its own commentary, so each sees exactly one changed value.
 */
const HEADER = 'indicator,period,value,numerator,denominator,percent,text,status,reason,commentary'

test('imports: a refused file lists its problems; a good values CSV is previewed, then confirmed', async ({
  page,
  signInAs,
}, testInfo) => {
  const commentary = `Checked against the force crime records (${testInfo.project.name}).`
  await signInAs('partnership-analyst')
  await page.goto('/imports')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Import figures')

  // Nothing chosen: the error summary links to the file field.
  await page.getByRole('button', { name: 'Upload and check' }).click()
  await expect(page.locator('.govuk-error-summary').getByRole('link')).toHaveText(
    'Select one or more CSV or XLSX files',
  )
  await expect(page.locator('.govuk-error-summary').getByRole('link')).toHaveAttribute('href', '#files')

  // Firearm crime 2017/18 Q1 is 12 in the seed report (Appendix C); "Q9" is not a quarter.
  const bad = `${HEADER}\nfirearm-crime,FY2017-18-Q9,12,,,,,,,\n`
  await page.locator('#files').setInputFiles({ name: 'values.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) })
  await page.getByRole('button', { name: 'Upload and check' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Correct the files and upload them again')
  const problem = page.locator('.app-import-problem')
  await expect(problem).toHaveCount(1)
  await expect(problem.locator('td')).toHaveText(['values.csv', '2', 'period', /"FY2017-18-Q9" is not a period/])
  await page.getByRole('link', { name: 'Upload corrected files' }).click()

  const good = `${HEADER}\nfirearm-crime,FY2017-18-Q1,12,,,,,,,${commentary}\n`
  await page.locator('#files').setInputFiles({ name: 'values.csv', mimeType: 'text/csv', buffer: Buffer.from(good) })
  await page.getByRole('button', { name: 'Upload and check' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check the import')
  await expect(page.locator('main')).toContainText('1 rows read from values.csv. Nothing has been saved yet.')
  await expect(page.locator('#changes-values td')).toHaveText(['0', '1', '0'])
  await page.getByRole('button', { name: 'Confirm and import' }).click()

  await expect(page).toHaveURL(/\/imports$/)
  await expect(page.locator('.govuk-notification-banner')).toContainText(/Import \d+ applied\./)
  await page.goto('/kpis/firearm-crime')
  await expect(page.locator('main')).toContainText(commentary)
})
