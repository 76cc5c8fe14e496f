import { demoUsers } from '../src/accounts/demo-users.ts'
import { expect, test } from './fixtures.ts'

/** Signing in and out: run with JavaScript on and off (the `no-javascript` project). */

test('a wrong password shows the error summary, linked to the field; the right one signs in; sign out', async ({
  page,
}) => {
  const viewer = demoUsers.find((u) => u.role === 'viewer')
  if (!viewer) throw new Error('no demo viewer')
  await page.goto('/reports/performance')
  await expect(page).toHaveURL(/\/sign-in/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in')

  await page.locator('#email').fill(viewer.email)
  await page.locator('#password').fill('not-the-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveTitle(/^Error: Sign in/)
  const summary = page.locator('.govuk-error-summary')
  await expect(summary).toContainText('There is a problem')
  await expect(summary.getByRole('link', { name: 'Enter a correct email address and password' })).toHaveAttribute(
    'href',
    '#email',
  )
  await expect(page.locator('#email-error')).toContainText('Enter a correct email address and password')

  await page.locator('#password').fill(viewer.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).not.toHaveURL(/\/sign-in/)
  // Your account and signing out sit in the header, beside the menu (so that the menu keeps to one row).
  await expect(page.getByRole('list', { name: 'Your account' })).toContainText('Sign out')

  await page.getByRole('link', { name: 'Sign out' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/sign-in\?signedOut=1/)
  await expect(page.locator('.govuk-notification-banner')).toContainText('You have signed out.')
  await page.goto('/reports/performance')
  await expect(page).toHaveURL(/\/sign-in/)
})

test('an empty sign-in form names both missing fields', async ({ page }) => {
  await page.goto('/sign-in')
  await page.getByRole('button', { name: 'Sign in' }).click()
  const summary = page.locator('.govuk-error-summary')
  await expect(summary.getByRole('link')).toHaveText(['Enter your email address', 'Enter your password'])
})
