import { expect, test } from './fixtures.ts'

/**
 * The board's decisions on the pages of what it decides (src/web/views/macros/board-decisions.njk), with JavaScript on
 * and off (the `no-javascript` project): a board member reads which demo meeting approved the 2017/18 budget and
 * Appendix A; the analyst records the demo's quarterly sign-off decision on the quarter's signed-off page and is
 * brought back to it. Specs share one server and database, so each project links a quarter of its own (Q1 with
 * JavaScript, Q2 without) that no other spec uses. Every page visited is checked with axe (e2e/fixtures.ts).
 */
test('the board’s decisions are shown on the budget and Appendix A, and linked from a quarter’s page', async ({
  page,
  signInAs,
}, testInfo) => {
  await signInAs('board-member')
  await page.goto('/funding?year=FY2017-18')
  await expect(page.locator('#board-decisions')).toHaveText('The board’s decisions')
  await expect(page.locator('[data-decided]')).toContainText(
    /Budget approval: Decided by .+ on 13 June 2017 \(minute 6\)/,
  )
  await page.goto('/funding/appendix-a/FY2017-18')
  await expect(page.locator('[data-decided]')).toContainText(/Decided by .+ on 12 June 2018 \(minute 8\)/)
  await expect(page.getByRole('button', { name: 'Record this as the board’s decision' })).toHaveCount(0)

  const quarter = testInfo.project.name === 'no-javascript' ? 'Q2' : 'Q1'
  const held = quarter === 'Q1' ? '12 September 2017' : '12 December 2017'
  // A fresh session for the second person (the sign-in page sends someone already signed in on).
  await page.context().clearCookies()
  await signInAs('partnership-analyst')
  await page.goto(`/returns/FY2017-18-${quarter}/signed-off`)
  const form = page.locator('form', { hasText: `Performance report sign-off: the ` })
  await expect(form).toContainText(`on ${held} (minute 5)`)
  await form.getByRole('button', { name: 'Record this as the board’s decision' }).click()
  await expect(page).toHaveURL(new RegExp(`/returns/FY2017-18-${quarter}/signed-off$`))
  await expect(page.locator('.govuk-notification-banner')).toContainText('The board’s decision is recorded.')
  await expect(page.locator('[data-decided]')).toContainText(`on ${held} (minute 5)`)
})
