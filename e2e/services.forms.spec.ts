import { expect, test } from './fixtures.ts'

/**
 * Commissioned services (`/funding/services`, `/funding/providers`): the seed's services and what they delivered, the
 * RAG in words, an output the form refuses and then adds, a provider refused for its charity number; a data owner of
 * another agency is told a provider's service does not exist. Runs with JavaScript on and off (the `no-javascript`
 * project), each adding names of its own, as they share one server and database. Every page is checked with axe by
 * the fixture.
 */
test('commissioned services: the seed’s outputs, RAG in words, forms refused then saved, a provider’s own only', async ({
  page,
  signInAs,
}, testInfo) => {
  const suffix = testInfo.project.name === 'no-javascript' ? 'without JavaScript' : 'with JavaScript'
  await signInAs('partnership-analyst')
  await page.goto('/funding/services?year=FY2017-18')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Commissioned services, FY2017-18')
  await expect(page.locator('#services')).toContainText('Community Resolution Workshops')
  await expect(page.locator('#illustrative')).toContainText('Illustrative figure (not Wolverhampton’s)')

  await page.getByRole('link', { name: 'Community Resolution Workshops' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Community Resolution Workshops')
  await expect(page.locator('main')).toContainText('175')
  await expect(page.locator('main')).toContainText('Grant, annual')

  await page.goto('/funding/services/SWP-1718-SMP?year=FY2017-18')
  await expect(page.locator('main')).toContainText('Targeted primary schools where the programme has started')
  await expect(page.locator('main .govuk-tag--red').first()).toHaveText('Red')

  // An output refused for its target, then added.
  const name = `Sessions delivered ${suffix}`
  await page.locator('#outputKind').check()
  await page.locator('#outputName').fill(name)
  await page.locator('#outputTarget').fill('lots')
  await page.getByRole('button', { name: 'Add the output' }).click()
  await expect(page).toHaveTitle(/^Error: /)
  const summary = page.locator('.govuk-error-summary')
  await expect(summary).toContainText('Enter the target as a whole number')
  await expect(summary.getByRole('link').first()).toHaveAttribute('href', '#outputTarget')
  await expect(page.locator('#outputName')).toHaveValue(name)
  await page.locator('#outputTarget').fill('40')
  await page.getByRole('button', { name: 'Add the output' }).click()
  await expect(page.locator('.govuk-notification-banner')).toContainText('The output is added.')
  await expect(page.locator('main')).toContainText(name)

  // A provider refused for the shape of its charity number.
  await page.goto('/funding/providers')
  await page.locator('#name').fill(`Safer Streets ${suffix}`)
  await page.locator('#charityNumber').fill('12345')
  await page.getByRole('button', { name: 'Add the provider' }).click()
  await expect(page.locator('.govuk-error-summary')).toContainText('6 to 8 digits')
  await page.locator('#charityNumber').fill('1123456')
  await page.getByRole('button', { name: 'Add the provider' }).click()
  await expect(page.locator('.govuk-notification-banner')).toContainText(`Safer Streets ${suffix} is added.`)

  // The police data owner: the YOT's provider's service does not exist for them.
  await page.context().clearCookies()
  await signInAs('data-owner')
  const response = await page.goto('/funding/services/SWP-1718-YOT-CRW')
  expect(response?.status()).toBe(404)
})
