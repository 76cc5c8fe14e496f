import { expect, test } from './fixtures.ts'

/**
 * Stored script typed into the application is shown as text and never runs: the fixture fails the test if any page
 * opens a dialog. (The node:test suite src/web/security.test.ts covers KPI names, commentary and exports.)
 */
test('a user named with script is shown as text on every administration page', async ({ page, signInAs }) => {
  const name = `<script>alert(1)</script> "><img src=x onerror=alert(1)>`
  await signInAs('administrator')
  await page.goto('/admin/users/new')
  await page.locator('#name').fill(name)
  await page.locator('#email').fill(`script-${Date.now()}@example.org`)
  await page.getByLabel('Viewer').check()
  await page.getByRole('button', { name: /Add/ }).click()
  await expect(page.getByText(name).first()).toBeVisible()
  await page.goto('/admin/users')
  await expect(page.getByText(name).first()).toBeVisible()
  await page.getByRole('link', { name }).first().click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name)
  expect(await page.locator('img[src="x"]').count()).toBe(0)
})
