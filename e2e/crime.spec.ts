import path from 'node:path'
import { expect, test } from './fixtures.ts'

/**
 * Police recorded crime as the partnership analyst: an empty upload is refused naming both fields; one real
 * data.police.uk month (Gwent, January 2020, test/fixtures/police-uk/real) is imported and shown for Newport.
 * The expected 1,236 crimes were counted independently with Python's csv module: rows whose LSOA name starts
 * "Newport ", anti-social behaviour left out (it is an incident, not a crime).
 */
const GWENT_JANUARY_2020 = path.join(
  import.meta.dirname,
  '..',
  'test',
  'fixtures',
  'police-uk',
  'real',
  '2020-01-gwent-street.csv',
)

test('crime: import one Gwent month, then the Newport overview shows it', async ({ page, signInAs }) => {
  await signInAs('partnership-analyst')
  await page.goto('/crime/imports')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Import crime data')
  await page.getByRole('button', { name: 'Import' }).click()
  const summary = page.locator('.govuk-error-summary')
  await expect(summary.getByRole('link')).toHaveText(['Select what the file holds', 'Choose a file to upload'])
  await expect(summary.getByRole('link').first()).toHaveAttribute('href', '#kind')

  await page.getByRole('radio', { name: /data\.police\.uk street-level crime/ }).check()
  await page.locator('#file').setInputFiles(GWENT_JANUARY_2020)
  await page.getByRole('button', { name: 'Import' }).click()
  await expect(page.locator('#import-outcome')).toContainText('Imported 2020-01-gwent-street.csv')
  const rows = page.locator('#import-summary .govuk-summary-list__row')
  await expect(rows.filter({ hasText: 'Rows read' }).locator('dd')).toHaveText('4,581')

  await page.getByRole('link', { name: 'See the crime overview' }).click()
  await page.locator('#partnership').fill('Newport')
  await page.getByRole('button', { name: 'Show' }).click()
  await expect(page).toHaveURL(/\/crime\?partnership=Newport$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Police recorded crime: Newport')
  const byMonth = page.getByRole('table', { name: 'Total recorded crime by month' })
  await expect(byMonth).toContainText('1,236')

  // A name that is no partnership: the error is linked to the field.
  await page.locator('#partnership').fill('Atlantis')
  await page.getByRole('button', { name: 'Show' }).click()
  await expect(page.locator('.govuk-error-summary').getByRole('link')).toHaveAttribute('href', '#partnership')
  await expect(page.locator('#partnership-error')).toBeVisible()
})
