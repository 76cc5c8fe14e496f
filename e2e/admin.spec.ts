import { expect, test } from './fixtures.ts'

/** Administration pages (users, API tokens) as the administrator, and the audit trail as the analyst. */

test('administrator: the list of users and one user; issue an API token, shown once, then revoke it', async ({
  page,
  signInAs,
}) => {
  await signInAs('administrator')
  await page.goto('/admin/users')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Users')
  await expect(page.locator('main')).toContainText('police@example.org')
  await page.getByRole('link', { name: 'Demo Data Owner (West Midlands Police)' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Demo Data Owner (West Midlands Police)')

  await page.goto('/admin/api-tokens')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('API tokens')
  await page.getByRole('button', { name: 'Issue a token' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Issue an API token')
  // Nothing chosen: both fields are named in the error summary.
  await page.getByRole('button', { name: 'Issue token' }).click()
  await expect(page.locator('.govuk-error-summary')).toContainText('There is a problem')
  await expect(page.locator('#agency-error')).toBeVisible()

  const purpose = `Fire service nightly upload ${Date.now()}`
  await page.locator('#agency').selectOption({ label: 'West Midlands Fire Service (WMFS)' })
  await page.locator('#name').fill(purpose)
  await page.getByRole('button', { name: 'Issue token' }).click()
  await expect(page.locator('.govuk-panel')).toContainText('API token issued')
  const secret = (await page.locator('#api-token').textContent()) ?? ''
  expect(secret.length).toBeGreaterThan(20)
  // Shown once: the same page again no longer has it.
  await page.reload()
  await expect(page.locator('#api-token')).toHaveCount(0)
  expect(await page.content()).not.toContain(secret)

  await page.getByRole('link', { name: 'Back to API tokens' }).click()
  const row = page.getByRole('row', { name: new RegExp(purpose) })
  await expect(row).toHaveCount(1)
  await row.getByRole('button', { name: /^Revoke token / }).click()
  await expect(page.getByRole('row', { name: new RegExp(purpose) })).toContainText(/Revoked/i)
})

test('analyst: the audit trail, filtered by who made the change; a wrong date is refused', async ({
  page,
  signInAs,
}) => {
  await signInAs('partnership-analyst')
  await page.goto('/audit')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit trail')
  await expect(page.locator('#chain-verification')).toContainText('Chain intact')

  const who = page.locator('table tbody tr td:nth-child(2)')
  const actors = await who.allTextContents()
  expect(actors.length).toBeGreaterThan(0)
  const actor = (actors[0] ?? '').trim()
  await page.locator('#actor').fill(actor)
  await page.getByRole('button', { name: 'Apply filter' }).click()
  await expect(page).toHaveURL(new RegExp(`actor=${encodeURIComponent(actor).replace(/%20/g, '\\+')}`))
  await expect(page.locator('#actor')).toHaveValue(actor)
  const filtered = (await who.allTextContents()).map((a) => a.trim())
  expect(filtered.length).toBeGreaterThan(0)
  expect(new Set(filtered)).toEqual(new Set([actor]))

  await page.locator('#from').fill('31/12/2017')
  await page.getByRole('button', { name: 'Apply filter' }).click()
  await expect(page.locator('.govuk-error-summary').getByRole('link')).toHaveAttribute('href', '#from')
  await expect(page.locator('#from-error')).toBeVisible()
})
