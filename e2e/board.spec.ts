import { expect, test } from './fixtures.ts'

/**
 * The board and its groups (src/board/), with JavaScript on and off, each on objects of its own (they share one server
 * and database): a board member reads the demo's SWP Board (the seed's named people, the s.5 check passing, the groups
 * the seed names) and Appendix B (the chart with its summary and table), changing nothing; the analyst adds a group
 * (a refusal first), a member (a second chair refused), then removes both. Every page visited is checked with axe
 * (e2e/fixtures.ts).
 */
for (const javaScript of [true, false]) {
  test.describe(`the board (JavaScript ${javaScript ? 'on' : 'off'})`, () => {
    test.use({ javaScriptEnabled: javaScript })

    test('a board member reads the board and Appendix B', async ({ page, signInAs }) => {
      await signInAs('board-member')
      await page.goto('/board')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('SWP Board')
      await expect(page.locator('[data-check="s5-complete"]')).toBeVisible()
      await expect(page.getByRole('table', { name: 'Seats on SWP Board' })).toContainText('Mark Taylor')
      await expect(page.getByRole('link', { name: 'Add a group' })).toHaveCount(0)
      await page.getByRole('link', { name: 'Channel Panel' }).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Channel Panel')
      await page.goto('/board/appendix-b')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(
        'Appendix B: SWP Board Membership & Delivery Structure Chart',
      )
      await expect(page.getByRole('img', { name: 'Delivery structure chart' })).toBeVisible()
      await expect(page.locator('[data-appendix-b="table"]')).toContainText('Black Country Strategic Group')
    })

    test('the analyst adds a group and a member, then removes them', async ({ page, signInAs }) => {
      const name = `E2E group (JavaScript ${javaScript ? 'on' : 'off'})`
      const summary = page.locator('.govuk-error-summary')
      await signInAs('partnership-analyst')
      await page.goto('/board')
      await page.getByRole('link', { name: 'Add a group' }).click()
      await page.getByRole('button', { name: 'Save' }).click()
      await expect(page).toHaveTitle(/^Error: /)
      await expect(summary.getByRole('link', { name: 'Enter the group’s name' })).toHaveAttribute('href', '#name')
      await page.locator('#name').fill(name)
      await page.locator('#meetingFrequency').fill('Monthly')
      await page.getByRole('button', { name: 'Save' }).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(name)

      await page.getByRole('link', { name: /^Add a member/ }).click()
      await page.locator('#organisation').fill('West Midlands Police')
      await page.locator('#sector').selectOption('police')
      await page.getByLabel('Chair', { exact: true }).check()
      await page.getByRole('button', { name: 'Save the seat' }).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(name)
      await expect(page.getByRole('table', { name: `Seats on ${name}` })).toContainText('West Midlands Police')

      // A second chair over the same (open) dates is refused, named in the error summary.
      await page.getByRole('link', { name: /^Add a member/ }).click()
      await page.locator('#organisation').fill('City of Wolverhampton Council')
      await page.locator('#sector').selectOption('council')
      await page.getByLabel('Chair', { exact: true }).check()
      await page.getByRole('button', { name: 'Save the seat' }).click()
      await expect(summary.getByRole('link', { name: /already chairs this group/ })).toHaveAttribute('href', '#role')
      await page.getByRole('link', { name: 'Cancel' }).click()

      // Removing the group is refused while it has the seat; remove the seat, then the group.
      await page.getByRole('button', { name: `Remove ${name}` }).click()
      await expect(summary).toContainText('cannot be removed while it has 1 seat')
      await page.getByRole('link', { name: /^Change the seat of/ }).click()
      await page.getByRole('button', { name: 'Remove the seat' }).click()
      await page.getByRole('button', { name: `Remove ${name}` }).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('SWP Board')
      await expect(page.locator('.govuk-notification-banner')).toContainText(`${name} removed.`)
    })
  })
}
