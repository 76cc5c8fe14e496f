import { expect, test } from './fixtures.ts'

/**
 * A meeting's forms with JavaScript on and off (the `no-javascript` project): the analyst schedules a board meeting,
 * adds an agenda item (its form inside a details element, which opens without script), records the meeting as held
 * and records who came. A refused form shows the GOV.UK error summary. Each project schedules a date of its own that
 * no other spec uses. Every page visited is checked with axe (e2e/fixtures.ts).
 */
test.slow()

test('schedule a meeting, add an agenda item, hold it and record attendance', async ({ page, signInAs }, testInfo) => {
  const noScript = testInfo.project.name === 'no-javascript'
  const [day, month, words] = noScript ? ['9', '10', '9 October 2018'] : ['11', '9', '11 September 2018']
  await signInAs('partnership-analyst')
  await page.goto('/board/meetings')
  await page.getByRole('button', { name: 'Schedule a meeting' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Schedule a meeting')

  // Without a date: refused, with the summary linking to the field.
  await page.getByLabel('Board or group').selectOption({ label: 'SWP Board' })
  await page.getByRole('button', { name: 'Schedule meeting' }).click()
  await expect(page).toHaveTitle(/^Error: /)
  await expect(
    page.locator('.govuk-error-summary').getByRole('link', { name: 'Enter the date of the meeting' }),
  ).toHaveAttribute('href', '#date-day')

  await page.getByLabel('Day').fill(day)
  await page.getByLabel('Month').fill(month)
  await page.getByLabel('Year').fill('2018')
  await page.getByLabel('Time (optional)').fill('14:00')
  await page.getByLabel('Place (optional)').fill('Civic Centre, Wolverhampton')
  await page.getByRole('button', { name: 'Schedule meeting' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Meeting of ${words}`)

  await page.getByText('Add an agenda item').click()
  await page.getByLabel('Title', { exact: true }).fill('Serious violence: the partnership’s response')
  await page.getByLabel('Presenter (optional)').fill('Community Safety Manager')
  await page.getByRole('button', { name: 'Add item' }).click()
  await expect(page.locator('[data-agenda]')).toContainText('Serious violence: the partnership’s response')

  await page.getByRole('button', { name: 'Record as held' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Meeting of ${words}`)
  await expect(page.locator('[data-quorum]')).toBeVisible()

  const rows = page.locator('tr[data-seat]')
  const first = rows.nth(0).locator('select')
  const second = rows.nth(1).locator('select')
  await first.selectOption('present')
  await second.selectOption('apologies')
  await page.getByRole('button', { name: 'Save attendance' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Meeting of ${words}`)
  await expect(page.locator('tr[data-seat]').nth(0).locator('select')).toHaveValue('present')
  await expect(page.locator('tr[data-seat]').nth(1).locator('select')).toHaveValue('apologies')
  await expect(page.locator('[data-quorum]')).toContainText(/\d+ voting members/)
})
